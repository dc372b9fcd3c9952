//! Position conversion: byte offset ⇄ line/character in UTF-8/16/32 over a
//! `&str` with a `LineIndex`, over a rope with one, and over a rope alone,
//! on arbitrary text (multi-byte characters, `\r\n`, lone `\r`, U+2028).
//! The three agree; an offset's position converts back to that offset
//! (except between `\r` and `\n`, which clamps before the `\r`); converting
//! a position to an offset and back is idempotent; a line index kept in
//! step with an edit equals a fresh one.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::Arbitrary;
use common::{Enc, Pos, Text};
use libfuzzer_sys::fuzz_target;
use ropey::Rope;
use talknotes_ls::position::{self, LineIndex, PositionEncoding};

#[derive(Debug, Arbitrary)]
struct Input {
    text: Text,
    offsets: Vec<u16>,
    positions: Vec<Pos>,
    edit: Option<(u16, u16, Text)>,
}

fn floor(text: &str, i: usize) -> usize {
    (0..=i.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap()
}

fuzz_target!(|input: Input| {
    let text = &input.text.0;
    let rope = Rope::from_str(text);
    let index = LineIndex::new(text);
    assert_eq!(index, LineIndex::from_rope(&rope));
    assert_eq!(index.line_count(), text.matches('\n').count() + 1);
    for enc in [Enc::Utf8, Enc::Utf16, Enc::Utf32] {
        let enc: PositionEncoding = enc.into();
        for &o in input.offsets.iter().take(32) {
            let o = o as usize;
            let p = index.position(text, o, enc);
            assert_eq!(p, index.position_rope(&rope, o, enc));
            assert_eq!(p, position::position(&rope, o, enc));
            let f = floor(text, o);
            let between_cr_lf =
                f > 0 && text.as_bytes()[f - 1] == b'\r' && text.as_bytes().get(f) == Some(&b'\n');
            let back = index.offset(text, p, enc);
            if between_cr_lf {
                assert_eq!(back, f - 1);
            } else {
                assert_eq!(back, f, "offset {o} -> {p:?} -> {back}");
            }
        }
        for p in input.positions.iter().take(32) {
            let o = index.offset(text, p.0, enc);
            assert!(text.is_char_boundary(o));
            assert_eq!(o, index.offset_rope(&rope, p.0, enc));
            assert_eq!(o, position::offset(&rope, p.0, enc));
            let q = index.position(text, o, enc);
            assert_eq!(index.offset(text, q, enc), o, "{p:?} -> {o} -> {q:?}");
            assert_eq!(index.position(text, index.offset(text, q, enc), enc), q);
        }
    }
    if let Some((a, b, new)) = &input.edit {
        let a = floor(text, *a as usize);
        let b = floor(text, *b as usize);
        let (a, b) = (a.min(b), a.max(b));
        let mut edited = text.clone();
        edited.replace_range(a..b, &new.0);
        let mut kept = index.clone();
        kept.edit_str(&edited, a, b, a + new.0.len());
        assert_eq!(kept, LineIndex::new(&edited));
        let mut rope = rope.clone();
        let (ca, cb) = (rope.byte_to_char(a), rope.byte_to_char(b));
        rope.remove(ca..cb);
        rope.insert(ca, &new.0);
        let mut kept = index.clone();
        kept.edit_rope(&rope, a, b, a + new.0.len());
        assert_eq!(kept, LineIndex::new(&edited));
    }
});
