//! Settling a long note's tree after it is opened, in idle time (see
//! [`crate::document::Settling`] for why): a thread at the lowest CPU
//! priority that waits while the workspace is indexed, so that indexing
//! and requests keep the cores, and holds the documents' lock only to copy
//! the tree and to give it back.

use std::sync::{Arc, Mutex};

use url::Url;

use super::state::{lock, State};
use crate::document::{Document, Settling};

/// Held by the settling thread at work: notes opened together (an editor
/// restoring its tabs) settle one after the other, so that their new
/// nodes are not all allocated at once.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A step lost to an edit made meanwhile is tried again, this many times
/// in all: past that, the user's typing has done the work.
const RETRIES: usize = 32;

/// After an edit, settling goes on once the note has been left alone this
/// long (keystrokes come faster while one types).
const QUIET: std::time::Duration = std::time::Duration::from_millis(250);

/// Starts settling `url` if it is open and needs it
/// ([`Document::needs_settling`]). Each step waits while the workspace is
/// being indexed (settling can wait; indexing is what the user waits for)
/// and, after an edit, until the note is left alone for [`QUIET`]; the
/// thread stops when the document is closed or opened again.
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
        .spawn(move || settle(&state, &url));
    if let Err(e) = spawned {
        tracing::warn!("settling {name}: no thread ({e})");
    }
}

fn settle(state: &State, url: &Url) {
    lowest_priority();
    let _turn = lock(&ONE_AT_A_TIME);
    let started = std::time::Instant::now();
    let mut serial = None;
    let (mut step, mut retries) = (0, 0);
    let id = || lock(&state.docs).get(url).map(|d| d.syntax().id());
    // The syntax id after the last step (settling keeps it; edits do not).
    let mut last = None;
    while step < Settling::STEPS {
        while state.indexing.is_running() {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        // After an edit, wait until the note is left alone: a step racing
        // keystrokes would be refused, and its copy of the tree rebuilt
        // for nothing while the keystrokes' trees are alive too.
        if last.is_some() && id() != last {
            loop {
                let before = id();
                std::thread::sleep(QUIET);
                if id() == before {
                    break;
                }
            }
        }
        let copy = lock(&state.docs)
            .get(url)
            .filter(|doc| *serial.get_or_insert(doc.serial()) == doc.serial())
            .and_then(|doc| Some((doc.syntax().id(), doc.settling()?)));
        let Some((copied, mut copy)) = copy else {
            tracing::debug!("settling {url}: closed or reopened after {step} steps");
            return;
        };
        copy.step(step);
        let given = lock(&state.docs)
            .get_mut(url)
            .map(|doc| doc.take_settled(copy));
        // The replaced tree (or the refused copy) is freed here, outside
        // the lock.
        match given {
            Some(Ok(_)) => {
                step += 1;
                last = Some(copied);
            }
            Some(Err(_)) if retries < RETRIES => retries += 1,
            _ => {
                tracing::debug!("settling {url}: stopped after {step} steps (edited)");
                return;
            }
        }
    }
    tracing::debug!("settled {url} in {:?}", started.elapsed());
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
