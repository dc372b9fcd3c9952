//! The background refresh of the cached PEP index: when the server reads
//! the PEP index from the download cache and that cache is missing or
//! older than a week, it is downloaded again on a blocking thread, never
//! delaying start-up or diagnostics. Tried once per session; a failure is
//! logged once and shown in the PEP index's status (hover), and the old
//! cache stays. Never when offline (`offline = true`, `TALKNOTES_OFFLINE=1`).

use std::sync::Arc;

use tower_lsp::Client;

use super::diagnostics::{self, Published};
use super::state::{lock, State};
use crate::catalog::cache;

pub fn maybe_refresh_peps(state: Arc<State>, client: Client, published: Arc<Published>) {
    let settings = state.settings();
    if cache::offline(&settings) {
        return;
    }
    let Some(path) = state.pep_cache_in_use() else {
        return;
    };
    if !cache::is_stale(&path) {
        return;
    }
    let Some(dir) = path.parent().map(std::path::Path::to_path_buf) else {
        return;
    };
    {
        let mut refresh = lock(&state.pep_refresh);
        if refresh.0 {
            return;
        }
        refresh.0 = true;
    }
    let url = cache::peps_url(&settings);
    tokio::spawn(async move {
        let u = url.clone();
        let result =
            tokio::task::spawn_blocking(move || cache::update_peps(&dir, &u, cache::TIMEOUT)).await;
        match result {
            Ok(Ok(updated)) => {
                tracing::info!(
                    "PEP index refreshed from {url}: {} PEPs in {}",
                    updated.entries,
                    updated.path.display()
                );
                lock(&state.pep_refresh).1 = None;
            }
            Ok(Err(e)) => {
                let why: String = format!("{e:#}").chars().take(200).collect();
                tracing::warn!("PEP index refresh failed (any cached index is kept): {why}");
                lock(&state.pep_refresh).1 = Some(why);
            }
            Err(e) => {
                tracing::warn!("PEP index refresh failed: {e}");
                return;
            }
        }
        state.load_peps();
        diagnostics::schedule(state, client, published, None);
    });
}
