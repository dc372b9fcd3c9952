//! Settling a long note's tree after it is opened, in idle time (see
//! [`crate::document::Settling`] for why): a thread at the lowest CPU
//! priority, so that indexing and requests keep the cores, which holds the
//! documents' lock only to copy the tree and to give it back.

use std::sync::{Arc, Mutex};

use url::Url;

use super::state::{lock, State};
use crate::document::{Document, Settling};

/// Held by the settling thread at work: notes opened together (an editor
/// restoring its tabs) settle one after the other, so that their new
/// nodes are not all allocated at once.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Starts settling `url` if it is open and holds a long list
/// ([`Document::needs_settling`]). Stops at the first edit, close or
/// reopen: the user's own keystrokes then do the same work.
pub fn start(state: Arc<State>, url: Url) {
    if !lock(&state.docs)
        .get(&url)
        .is_some_and(Document::needs_settling)
    {
        return;
    }
    let name = url.to_string();
    let spawned = std::thread::Builder::new()
        .name("settle".into())
        .spawn(move || {
            lowest_priority();
            let _turn = lock(&ONE_AT_A_TIME);
            let started = std::time::Instant::now();
            // Settling keeps the syntax id; an edit, a close or a reopen
            // does not.
            let mut id = None;
            for step in 0..Settling::STEPS {
                let copy = lock(&state.docs)
                    .get(&url)
                    .filter(|doc| *id.get_or_insert(doc.syntax().id()) == doc.syntax().id())
                    .and_then(Document::settling);
                let Some(mut copy) = copy else {
                    tracing::debug!("settling {url}: stopped after {step} steps (changed)");
                    return;
                };
                copy.step(step);
                let given = lock(&state.docs)
                    .get_mut(&url)
                    .map(|doc| doc.take_settled(copy));
                // The replaced tree (or the refused copy) is freed here,
                // outside the lock.
                if !matches!(given, Some(Ok(_))) {
                    tracing::debug!("settling {url}: stopped after {step} steps (changed)");
                    return;
                }
            }
            tracing::debug!("settled {url} in {:?}", started.elapsed());
        });
    if let Err(e) = spawned {
        tracing::warn!("settling {name}: no thread ({e})");
    }
}

/// Gives the calling thread the lowest scheduling priority (nice 19): on
/// Linux a thread's nice value is its own.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only changes the calling thread's nice value.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 19);
    }
}
