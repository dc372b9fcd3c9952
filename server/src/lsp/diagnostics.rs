//! Publishing diagnostics: computed on a snapshot off the async threads,
//! with the document's version. A change made while no run is computing
//! starts one at once (a keystroke pays no wait); a change made while one
//! is computing waits a few milliseconds, so that a burst of changes is
//! folded into one run (a generation counter tells the newest).
//!
//! After an edit the edited document's diagnostics are computed and
//! published first, on their own. The other open documents are recomputed
//! only when something they may read changed: the workspace facts
//! (speakers, talk titles), the headings of a file that changed, a file
//! their current diagnostics point into (related information), or their
//! own text; and always after a change that is not an edit (open of the
//! workspace, close, files on disk, settings).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tower_lsp::Client;
use url::Url;

use super::convert;
use super::state::{lock, State};
use crate::analysis::Snapshot;

/// While a run is computing: long enough to fold a burst of changes into
/// one run, short enough to feel immediate.
const DEBOUNCE: Duration = Duration::from_millis(8);

/// What is shown, and what the documents other than the edited one still
/// need.
#[derive(Default)]
pub struct Published {
    inner: Mutex<Pending>,
    /// Runs computing now.
    running: AtomicUsize,
}

/// Counts a run as computing while it lives.
struct Running<'a>(&'a AtomicUsize);

impl<'a> Running<'a> {
    fn new(count: &'a AtomicUsize) -> Running<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        Running(count)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct Pending {
    /// Open documents showing diagnostics → the other files their related
    /// information points into.
    shown: HashMap<Url, HashSet<Url>>,
    /// Numbers the runs (and full refreshes) in the order they start.
    seq: u64,
    /// A full refresh asked for and not yet done (since run `seq`).
    full_since: Option<u64>,
    /// Facts or headings changed and the other documents were not
    /// recomputed since.
    cross_since: Option<u64>,
    /// Files changed since the other documents were last recomputed.
    changed: HashMap<Url, u64>,
}

impl Pending {
    /// The run `seq` recomputed every document that needed it.
    fn done(&mut self, seq: u64) {
        if self.full_since.is_some_and(|s| s <= seq) {
            self.full_since = None;
        }
        if self.cross_since.is_some_and(|s| s <= seq) {
            self.cross_since = None;
        }
        self.changed.retain(|_, s| *s > seq);
    }
}

pub fn schedule(state: Arc<State>, client: Client, published: Arc<Published>, first: Option<Url>) {
    let generation = state.bump();
    if first.is_none() {
        let mut p = lock(&published.inner);
        p.seq += 1;
        let seq = p.seq;
        p.full_since.get_or_insert(seq);
    }
    tokio::spawn(async move {
        if published.running.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(DEBOUNCE).await;
        }
        let current = |state: &State| state.generation.load(Ordering::SeqCst) == generation;
        if !current(&state) {
            return; // a newer change will publish
        }
        let _running = Running::new(&published.running);
        let (s, p) = (state.clone(), published.clone());
        let run = match tokio::task::spawn_blocking(move || begin(&s, &p, first)).await {
            Ok(run) => run,
            Err(e) => {
                tracing::error!("diagnostics failed: {e}");
                return;
            }
        };
        // A newer edit arrived while computing: its own run will publish.
        if !current(&state) {
            return;
        }
        if let Some(batch) = run.first {
            publish(&client, &published, batch).await;
        }
        if !run.others.is_empty() {
            let (s, snapshot, others) = (state.clone(), run.snapshot, run.others);
            let computed = tokio::task::spawn_blocking(move || {
                others
                    .iter()
                    .filter_map(|u| compute(&s, &snapshot, u))
                    .collect::<Vec<_>>()
            })
            .await;
            let batches = match computed {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!("diagnostics failed: {e}");
                    return;
                }
            };
            if !current(&state) {
                return;
            }
            for batch in batches {
                publish(&client, &published, batch).await;
            }
        }
        // Documents that showed diagnostics and are no longer open.
        let stale: Vec<Url> = {
            let mut p = lock(&published.inner);
            p.done(run.seq);
            let stale: Vec<Url> = p
                .shown
                .keys()
                .filter(|u| !state.is_open(u))
                .cloned()
                .collect();
            for u in &stale {
                p.shown.remove(u);
            }
            stale
        };
        for url in stale {
            client.publish_diagnostics(url, Vec::new(), None).await;
        }
    });
}

type Diagnostics = Vec<tower_lsp::lsp_types::Diagnostic>;

struct Batch {
    url: Url,
    version: Option<i32>,
    diagnostics: Diagnostics,
}

struct Run {
    seq: u64,
    snapshot: Snapshot,
    /// The edited document's diagnostics, computed.
    first: Option<Batch>,
    /// The other open documents that need recomputing.
    others: Vec<Url>,
}

async fn publish(client: &Client, published: &Published, batch: Batch) {
    {
        let mut p = lock(&published.inner);
        if batch.diagnostics.is_empty() {
            p.shown.remove(&batch.url);
        } else {
            let refs: HashSet<Url> = batch
                .diagnostics
                .iter()
                .flat_map(|d| d.related_information.iter().flatten())
                .map(|r| r.location.uri.clone())
                .filter(|u| *u != batch.url)
                .collect();
            p.shown.insert(batch.url.clone(), refs);
        }
    }
    client
        .publish_diagnostics(batch.url, batch.diagnostics, batch.version)
        .await;
}

/// Takes the snapshot, records what changed, computes the edited
/// document's diagnostics and decides which other documents need theirs.
fn begin(state: &State, published: &Published, first: Option<Url>) -> Run {
    let (snapshot, seq, others) = {
        // Taking the delta and recording it are one step: a run that took
        // changes and is then overtaken must have left them in `changed`
        // before any other run decides what to recompute (else the newest
        // run would skip a document whose change an older run took).
        let mut p = lock(&published.inner);
        let (snapshot, change) = state.snapshot_delta();
        let open = state.open_urls();
        p.seq += 1;
        let seq = p.seq;
        match change {
            None => {
                p.full_since.get_or_insert(seq);
            }
            Some(change) => {
                if change.cross_file {
                    p.cross_since.get_or_insert(seq);
                }
                for u in change.files {
                    p.changed.insert(u, seq);
                }
            }
        }
        let everything = p.full_since.is_some() || p.cross_since.is_some();
        let others: Vec<Url> = open
            .iter()
            .filter(|u| Some(*u) != first.as_ref())
            .filter(|u| {
                everything
                    || p.changed.contains_key(*u)
                    || p.shown
                        .get(*u)
                        .is_some_and(|refs| refs.iter().any(|r| p.changed.contains_key(r)))
            })
            .cloned()
            .collect();
        (snapshot, seq, others)
    };
    let open = state.open_urls();
    let first = first
        .filter(|u| open.contains(u))
        .and_then(|u| compute(state, &snapshot, &u));
    Run {
        seq,
        snapshot,
        first,
        others,
    }
}

fn compute(state: &State, snapshot: &Snapshot, url: &Url) -> Option<Batch> {
    let enc = state.encoding();
    let file = snapshot.file(url)?;
    let mut diagnostics: Diagnostics = snapshot
        .check_file(&file)
        .iter()
        .map(|f| convert::diagnostic(f, &file, snapshot, enc))
        .collect();
    if let Some(bytes) = state.unanalysed_size(url) {
        diagnostics.push(convert::too_large_notice(bytes));
    }
    Some(Batch {
        url: url.clone(),
        version: file.version,
        diagnostics,
    })
}
