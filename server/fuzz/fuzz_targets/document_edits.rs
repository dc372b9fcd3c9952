//! The document store on arbitrary edit sequences: ranges in UTF-8, UTF-16
//! or UTF-32, in or out of range, inverted, over multi-byte text and
//! `\r\n`, whole-text replacements mixed in, and settling steps (the
//! server's idle-time reparses) between batches. After every batch the
//! rope equals a reference `String` edited with the documented clamping,
//! the line index equals a fresh one, the incrementally kept syntax is in
//! pieces cut where cuts are allowed, each piece's trees equal to a fresh
//! parse of its text, and the model equals that of one parse of the
//! reference. The pieces are cut at every allowed place, at most of them,
//! or as the server cuts them, by the initial text's length.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::Arbitrary;
use common::{Enc, Pos, Text};
use libfuzzer_sys::fuzz_target;
use talknotes_ls::document::{Document, Settling, TextChange};
use talknotes_ls::extract::{extract, extract_with};
use talknotes_ls::position::{LineIndex, PositionEncoding};
use talknotes_ls::syntax::Syntax;

#[derive(Debug, Arbitrary)]
enum Change {
    Replace(Pos, Pos, Text),
    Full(Text),
}

#[derive(Debug, Arbitrary)]
struct Batch {
    enc: Enc,
    changes: Vec<Change>,
    /// A settling step to take before the changes.
    settle: Option<u8>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    initial: Text,
    batches: Vec<Batch>,
}

fn apply_reference(text: &mut String, change: &TextChange, enc: PositionEncoding) {
    match change.range {
        None => *text = change.text.clone(),
        Some((a, b)) => {
            let index = LineIndex::new(text);
            let a = index.offset(text, a, enc);
            let b = index.offset(text, b, enc);
            text.replace_range(a.min(b)..a.max(b), &change.text);
        }
    }
}

fuzz_target!(|input: Input| {
    let min_piece = [1, 24, talknotes_ls::pieced::PIECE][input.initial.0.len() % 3];
    let mut doc = Document::new_in_pieces(&input.initial.0, 0, min_piece);
    let mut reference = input.initial.0.clone();
    for (i, batch) in input.batches.iter().take(16).enumerate() {
        let enc = batch.enc.into();
        let changes: Vec<TextChange> = batch
            .changes
            .iter()
            .take(8)
            .map(|c| match c {
                Change::Replace(a, b, t) => TextChange::replace(a.0, b.0, t.0.clone()),
                Change::Full(t) => TextChange::full(t.0.clone()),
            })
            .collect();
        if let (Some(step), Some(mut copy)) = (batch.settle, doc.settling()) {
            copy.step(usize::from(step) % Settling::STEPS);
            assert!(doc.take_settled(copy).is_ok());
            assert_eq!(doc.rope().to_string(), reference);
            assert_eq!(doc.syntax().verify(&reference), Ok(()));
        }
        let version = i as i32 + 1;
        doc.apply_changes(&changes, version, enc);
        for c in &changes {
            apply_reference(&mut reference, c, enc);
        }
        assert_eq!(doc.version(), version);
        assert_eq!(doc.rope().to_string(), reference);
        assert_eq!(doc.line_index(), &LineIndex::new(&reference));
        assert_eq!(doc.syntax().verify(&reference), Ok(()));
        let (syntax, memo) = doc.syntax_and_memo();
        assert_eq!(
            extract_with(&reference, syntax, None, Some(memo)),
            extract(&reference, &Syntax::parse(&reference), None)
        );
    }
});
