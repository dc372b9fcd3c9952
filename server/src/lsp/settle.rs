//! Settling a long note's tree after it is opened, in idle time (see
//! [`crate::document::Settling`] for why): a thread at the lowest CPU
//! priority, so that indexing and requests keep the cores, which holds the
//! documents' lock only to copy the tree and to give it back.

use std::sync::Arc;

use url::Url;

use super::state::{lock, State};
use crate::document::{Document, Settling, SETTLE_MIN_BYTES};

/// Starts settling `url` if it is open, analysed and long. Stops early
/// when the document changes, is closed or reopened: the user's own
/// keystrokes then do the same work.
pub fn start(state: Arc<State>, url: Url) {
    let long = lock(&state.docs)
        .get(&url)
        .is_some_and(|d| d.is_analysed() && d.rope().len_bytes() >= SETTLE_MIN_BYTES);
    if !long {
        return;
    }
    let name = url.to_string();
    let spawned = std::thread::Builder::new()
        .name("settle".into())
        .spawn(move || {
            lowest_priority();
            let started = std::time::Instant::now();
            for step in 0..Settling::STEPS {
                let Some(mut copy) = lock(&state.docs).get(&url).and_then(Document::settling)
                else {
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
