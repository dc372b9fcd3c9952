//! What extraction keeps between runs on one open document, so that an edit
//! costs the pieces it changed rather than the whole file.
//!
//! A piece (an inline tree's links and code spans) is a function of the
//! bytes it covers and the holes cut out of its parse, with every range
//! relative to its start. It is keyed by a 128-bit hash of exactly those,
//! so nothing needs invalidating: an edited piece has another key, an
//! unchanged piece that moved keeps its key and is placed at its new
//! offset. Only the pieces used by the latest run are kept.

use std::collections::HashMap;
use std::sync::Arc;

use xxhash_rust::xxh3::Xxh3;

use super::inline::Piece;

#[derive(Clone, Debug, Default)]
pub struct Memo {
    /// The pieces of the previous run.
    previous: HashMap<u128, Arc<Piece>>,
    /// The pieces of the run in progress.
    current: HashMap<u128, Arc<Piece>>,
    /// Pieces computed and reused by the latest run.
    computed: usize,
    reused: usize,
}

impl Memo {
    /// The piece for `bytes` with `holes`: the previous run's, or `compute`d.
    pub(super) fn piece(
        &mut self,
        bytes: &[u8],
        holes: &[(usize, usize)],
        compute: impl FnOnce() -> Piece,
    ) -> Arc<Piece> {
        let key = key(bytes, holes);
        if let Some(p) = self.current.get(&key) {
            self.reused += 1;
            return p.clone();
        }
        let piece = match self.previous.remove(&key) {
            Some(p) => {
                self.reused += 1;
                p
            }
            None => {
                self.computed += 1;
                Arc::new(compute())
            }
        };
        self.current.insert(key, piece.clone());
        piece
    }

    /// Starts a run: counts from zero.
    pub(super) fn begin(&mut self) {
        self.computed = 0;
        self.reused = 0;
    }

    /// Ends a run: what it used is what the next run may reuse.
    pub(super) fn finish(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }

    /// How many pieces the latest run computed and how many it reused.
    pub fn last_run(&self) -> (usize, usize) {
        (self.computed, self.reused)
    }
}

fn key(bytes: &[u8], holes: &[(usize, usize)]) -> u128 {
    let mut h = Xxh3::new();
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
    for (a, b) in holes {
        h.update(&(*a as u64).to_le_bytes());
        h.update(&(*b as u64).to_le_bytes());
    }
    h.digest128()
}
