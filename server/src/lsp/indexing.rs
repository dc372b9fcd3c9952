//! Reading the whole notes folder at start-up, in parallel, with
//! `$/progress` reports; open documents are never overwritten by it.

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tower_lsp::lsp_types::notification::Progress;
use tower_lsp::lsp_types::request::WorkDoneProgressCreate;
use tower_lsp::lsp_types::*;
use tower_lsp::Client;

use super::state::State;
use crate::discover;
use crate::index::NoteFile;

pub const PROGRESS_TOKEN: &str = "talknotes/indexing";

pub async fn index_workspace(state: Arc<State>, client: Client, progress: bool) {
    let token = NumberOrString::String(PROGRESS_TOKEN.into());
    let progress = progress
        && client
            .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                token: token.clone(),
            })
            .await
            .is_ok();
    let report = |value: WorkDoneProgress| {
        let client = client.clone();
        let token = token.clone();
        async move {
            if progress {
                client
                    .send_notification::<Progress>(ProgressParams {
                        token,
                        value: ProgressParamsValue::WorkDone(value),
                    })
                    .await;
            }
        }
    };
    report(WorkDoneProgress::Begin(WorkDoneProgressBegin {
        title: "Indexing notes".into(),
        cancellable: Some(false),
        message: Some("finding notes".into()),
        percentage: Some(0),
    }))
    .await;

    let s = state.clone();
    let files: Vec<PathBuf> = tokio::task::spawn_blocking(move || {
        let roots = s.roots.read().unwrap_or_else(|e| e.into_inner()).clone();
        let ignore = s.settings().ignore_matcher();
        roots
            .iter()
            .flat_map(|r| discover::notes_in(r, &ignore))
            .collect()
    })
    .await
    .unwrap_or_default();

    let total = files.len();
    let mut done = 0;
    // Chunks keep progress moving and let open-document requests in between.
    for chunk in files.chunks(256) {
        let s = state.clone();
        let chunk = chunk.to_vec();
        let n = chunk.len();
        let _ = tokio::task::spawn_blocking(move || {
            chunk.par_iter().for_each(|path| {
                let Ok(url) = url::Url::from_file_path(path) else {
                    return;
                };
                if s.is_open(&url) {
                    return;
                }
                match discover::read_notes(path) {
                    Ok(text) => {
                        let file = NoteFile::analyse(url.clone(), &text, None);
                        // The document may have been opened meanwhile.
                        if !s.is_open(&url) {
                            s.workspace.insert(file);
                        }
                    }
                    Err(e) => tracing::warn!("{}: {e}", path.display()),
                }
            })
        })
        .await;
        done += n;
        report(WorkDoneProgress::Report(WorkDoneProgressReport {
            cancellable: Some(false),
            message: Some(format!("{done}/{total} files")),
            percentage: Some(((done * 100) / total.max(1)) as u32),
        }))
        .await;
    }
    report(WorkDoneProgress::End(WorkDoneProgressEnd {
        message: Some(format!("{total} notes files")),
    }))
    .await;
    tracing::info!("indexed {total} notes files");
}
