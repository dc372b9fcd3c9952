//! What extraction keeps between runs on one open document, so that an edit
//! costs the pieces it changed rather than the whole file.
//!
//! A piece (an inline tree's links and code spans) is a function of the
//! bytes it covers and the holes cut out of its parse, with every range
//! relative to its start. It is keyed by a 128-bit hash of exactly those,
//! so nothing needs invalidating: an edited piece has another key, an
//! unchanged piece that moved keeps its key and is placed at its new
//! offset. Only the pieces used by the latest run are kept.
//!
//! The block outlines are kept too, each with the id of the syntax it was
//! read from (an open note has one per piece, `crate::pieced`): a piece
//! whose syntax did not change gives its outline again, and one whose
//! next syntax was made from the kept one by an incremental edit has only
//! the nodes the edit changed walked.
//!
//! And the talk lines: how a heading's, list item's or paragraph's line
//! reads as title and speakers is a function of the line alone, kept by
//! the same kind of key (a note that is one long list has thousands).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use super::blocks::{self, Outline};
use super::inline::Piece;
use super::names::{split_talk_line, TalkLine};
use crate::syntax::Syntax;

#[derive(Clone, Debug, Default)]
pub struct Memo {
    /// The pieces of the previous run.
    previous: Pieces,
    /// The pieces of the run in progress.
    current: Pieces,
    /// The talk lines of the previous run, and of the run in progress.
    previous_lines: TalkLines,
    current_lines: TalkLines,
    /// Pieces computed and reused by the latest run.
    computed: usize,
    reused: usize,
    /// The outlines of the previous run, and of the run in progress, by
    /// the id of the syntax they were read from.
    previous_outlines: HashMap<u64, Outline>,
    current_outlines: HashMap<u64, Outline>,
    /// Whether every outline of the latest run was the previous one's,
    /// moved or not.
    outline_moved: bool,
}

impl Memo {
    /// The piece for `bytes` with `holes`: the previous run's, or
    /// `compute`d (None when it cannot be: nothing is kept then).
    pub(super) fn piece(
        &mut self,
        bytes: &[u8],
        holes: &[(usize, usize)],
        compute: impl FnOnce() -> Option<Piece>,
    ) -> Option<Arc<Piece>> {
        let key = key(bytes, holes);
        if let Some(p) = self.current.get(&key) {
            self.reused += 1;
            return Some(p.clone());
        }
        let piece = match self.previous.remove(&key) {
            Some(p) => {
                self.reused += 1;
                p
            }
            None => {
                self.computed += 1;
                Arc::new(compute()?)
            }
        };
        self.current.insert(key, piece.clone());
        Some(piece)
    }

    /// Starts a run: counts from zero.
    pub(super) fn begin(&mut self) {
        self.computed = 0;
        self.reused = 0;
        self.outline_moved = true;
        self.current.reserve(self.previous.len());
        self.current_lines.reserve(self.previous_lines.len());
    }

    /// [`split_talk_line`] of `line`: the previous run's, or read.
    pub(super) fn talk_line(&mut self, line: &str) -> TalkLine {
        let key = xxh3_128(line.as_bytes());
        if let Some(t) = self.current_lines.get(&key) {
            return t.clone();
        }
        let read = self
            .previous_lines
            .remove(&key)
            .unwrap_or_else(|| split_talk_line(line));
        self.current_lines.insert(key, read.clone());
        read
    }

    /// Ends a run: what it used is what the next run may reuse.
    pub(super) fn finish(&mut self) {
        self.previous = std::mem::take(&mut self.current);
        self.previous_lines = std::mem::take(&mut self.current_lines);
        self.previous_outlines = std::mem::take(&mut self.current_outlines);
    }

    /// The outline of `syntax`: the kept one of the same syntax, or the
    /// kept one moved through the step that made `syntax` from its syntax.
    pub(super) fn outline(&mut self, syntax: &Syntax, text: &str) -> Outline {
        let id = syntax.id();
        let outline = if let Some(kept) = self.previous_outlines.remove(&id) {
            kept
        } else if let Some((step, kept)) = syntax
            .step()
            .and_then(|step| Some((step, self.previous_outlines.remove(&step.from)?)))
        {
            blocks::outline_after(syntax, text, &kept, step)
        } else {
            self.outline_moved = false;
            blocks::outline(syntax, text)
        };
        self.current_outlines.insert(id, outline.clone());
        outline
    }

    /// Whether the latest run's outlines came from the previous run's.
    pub fn outline_moved(&self) -> bool {
        self.outline_moved
    }

    /// How many pieces the latest run computed and how many it reused.
    pub fn last_run(&self) -> (usize, usize) {
        (self.computed, self.reused)
    }
}

/// Pieces by key. The keys are xxh3 hashes already: the map uses their low
/// bits as they are instead of hashing them again (a keystroke looks up
/// every piece of the note).
type Pieces = HashMap<u128, Arc<Piece>, BuildHasherDefault<KeyHasher>>;

/// Talk lines by the key of the line's bytes.
type TalkLines = HashMap<u128, TalkLine, BuildHasherDefault<KeyHasher>>;

#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only u128 keys are hashed (`write_u128`); fold anything else.
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }

    fn write_u128(&mut self, key: u128) {
        self.0 = key as u64;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn key(bytes: &[u8], holes: &[(usize, usize)]) -> u128 {
    if holes.is_empty() {
        // Most pieces: the one-shot hash, several times cheaper to set up.
        return xxh3_128(bytes);
    }
    let mut h = Xxh3::new();
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
    for (a, b) in holes {
        h.update(&(*a as u64).to_le_bytes());
        h.update(&(*b as u64).to_le_bytes());
    }
    h.digest128()
}
