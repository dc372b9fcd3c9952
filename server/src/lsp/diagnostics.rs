//! Publishing diagnostics: debounced by a generation counter, computed on a
//! snapshot off the async threads, for every open document (rules are
//! cross-file), the edited document first, with the document's version.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tower_lsp::Client;
use url::Url;

use super::convert;
use super::state::{lock, State};

/// Long enough to fold a burst of keystrokes into one run, short enough to
/// feel immediate.
const DEBOUNCE: Duration = Duration::from_millis(8);

/// Which documents currently show diagnostics, to clear them when they go.
#[derive(Default)]
pub struct Published {
    urls: Mutex<HashSet<Url>>,
}

pub fn schedule(state: Arc<State>, client: Client, published: Arc<Published>, first: Option<Url>) {
    let generation = state.bump();
    tokio::spawn(async move {
        tokio::time::sleep(DEBOUNCE).await;
        if state.generation.load(std::sync::atomic::Ordering::SeqCst) != generation {
            return; // a newer change will publish
        }
        let s = state.clone();
        let computed = tokio::task::spawn_blocking(move || compute(&s, first)).await;
        let batches = match computed {
            Ok(b) => b,
            Err(e) => {
                tracing::error!("diagnostics failed: {e}");
                return;
            }
        };
        // A newer edit arrived while computing: its own run will publish.
        if state.generation.load(std::sync::atomic::Ordering::SeqCst) != generation {
            return;
        }
        let mut now = HashSet::new();
        for (url, version, diags) in batches {
            if !diags.is_empty() {
                now.insert(url.clone());
            }
            client.publish_diagnostics(url, diags, version).await;
        }
        // Documents that showed diagnostics and are no longer open.
        let stale: Vec<Url> = {
            let mut urls = lock(&published.urls);
            let stale = urls.difference(&now).cloned().collect::<Vec<_>>();
            *urls = now;
            stale
        };
        for url in stale {
            if !state.is_open(&url) {
                client.publish_diagnostics(url, Vec::new(), None).await;
            }
        }
    });
}

type Batch = (Url, Option<i32>, Vec<tower_lsp::lsp_types::Diagnostic>);

fn compute(state: &State, first: Option<Url>) -> Vec<Batch> {
    let snapshot = state.snapshot();
    let enc = state.encoding();
    let mut urls = state.open_urls();
    if let Some(first) = first {
        if let Some(i) = urls.iter().position(|u| *u == first) {
            let u = urls.remove(i);
            urls.insert(0, u);
        }
    }
    urls.into_iter()
        .filter_map(|url| {
            let file = snapshot.file(&url)?;
            let diags = snapshot
                .check_file(&file)
                .iter()
                .map(|f| convert::diagnostic(f, &file, &snapshot, enc))
                .collect();
            Some((url, file.version, diags))
        })
        .collect()
}
