//! Reading the whole notes folder at start-up, in parallel, with
//! `$/progress` reports; open documents are never overwritten by it.
//!
//! Indexing is bounded and cancellable: it runs off the async threads (so
//! requests on open documents are answered meanwhile), reads only regular
//! files of bounded size whose real path is inside a workspace folder
//! ([`discover::read_notes_inside`]), never follows a symbolic link while
//! walking, and stops early when a newer run starts (the workspace folders
//! changed), when the client cancels its progress, or on `shutdown`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// Which indexing run is current: starting a run or cancelling bumps the
/// generation, and every older run stops at its next check.
#[derive(Default)]
pub struct Indexing {
    generation: Arc<AtomicU64>,
}

/// Held by one run: cancelled once the generation moved on.
#[derive(Clone)]
pub struct RunToken {
    generation: Arc<AtomicU64>,
    mine: u64,
}

impl Indexing {
    /// Starts a run, cancelling any older one.
    pub fn start(&self) -> RunToken {
        let mine = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        RunToken {
            generation: self.generation.clone(),
            mine,
        }
    }

    /// Cancels the current run, if any.
    pub fn cancel(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

impl RunToken {
    pub fn is_cancelled(&self) -> bool {
        self.generation.load(Ordering::SeqCst) != self.mine
    }
}

/// Indexes the workspace folders; returns false when the run was cancelled.
pub async fn index_workspace(state: Arc<State>, client: Client, progress: bool) -> bool {
    let run = state.indexing.start();
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
        cancellable: Some(true),
        message: Some("finding notes".into()),
        percentage: Some(0),
    }))
    .await;

    let roots = state
        .roots
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let s = state.clone();
    let (walk_roots, walk_run) = (roots.clone(), run.clone());
    let files: Vec<PathBuf> = tokio::task::spawn_blocking(move || {
        let ignore = s.settings().ignore_matcher();
        let stop = || walk_run.is_cancelled();
        walk_roots
            .iter()
            .flat_map(|r| discover::notes_in_until(r, &ignore, &stop))
            .collect()
    })
    .await
    .unwrap_or_default();

    let total = files.len();
    let mut done = 0;
    let roots = Arc::new(roots);
    // Chunks keep progress moving and let open-document requests in between.
    for chunk in files.chunks(256) {
        if run.is_cancelled() {
            break;
        }
        let s = state.clone();
        let chunk = chunk.to_vec();
        let n = chunk.len();
        let (roots, run) = (roots.clone(), run.clone());
        let _ = tokio::task::spawn_blocking(move || {
            chunk.par_iter().for_each(|path| {
                if run.is_cancelled() {
                    return;
                }
                let Ok(url) = url::Url::from_file_path(path) else {
                    return;
                };
                if s.is_open(&url) {
                    return;
                }
                match discover::read_notes_inside(path, &roots) {
                    Ok(text) => {
                        // A panic on one file must not lose the rest of the
                        // chunk: it costs that file and a log line.
                        let analysed = std::panic::catch_unwind(|| {
                            NoteFile::analyse(url.clone(), &text, None)
                        });
                        match analysed {
                            // The document may have been opened meanwhile.
                            Ok(file) if !s.is_open(&url) => {
                                s.workspace.insert(file);
                            }
                            Ok(_) => {}
                            Err(_) => tracing::error!("{}: analysis panicked", path.display()),
                        }
                    }
                    Err(e) => tracing::warn!("{}: {e}", path.display()),
                }
            })
        })
        .await;
        done += n;
        report(WorkDoneProgress::Report(WorkDoneProgressReport {
            cancellable: Some(true),
            message: Some(format!("{done}/{total} files")),
            percentage: Some(((done * 100) / total.max(1)) as u32),
        }))
        .await;
    }
    if run.is_cancelled() {
        report(WorkDoneProgress::End(WorkDoneProgressEnd {
            message: Some("cancelled".into()),
        }))
        .await;
        tracing::info!("indexing cancelled after {done} of {total} notes files");
        return false;
    }
    report(WorkDoneProgress::End(WorkDoneProgressEnd {
        message: Some(format!("{total} notes files")),
    }))
    .await;
    tracing::info!("indexed {total} notes files");
    true
}
