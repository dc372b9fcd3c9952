//! An open document: its text (a rope), version, line index and [`Syntax`],
//! kept in step by [`Document::apply_changes`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use ropey::Rope;
use tree_sitter::{InputEdit, Point};

use crate::extract::Memo;
use crate::pieced::PiecedSyntax;
use crate::position::{LineIndex, Position, PositionEncoding};

/// Open documents bigger than this keep their text in step but are not
/// parsed nor analysed: the same limit as notes read from disk. Nobody's
/// notes of a conference are megabytes long, and parsing a 20 MB text takes
/// seconds on every full reparse (see README, "Reliability").
pub const MAX_ANALYSED_BYTES: usize = crate::discover::MAX_NOTES_BYTES as usize;

/// A piece of an open note (`crate::pieced`) at least this long, with at
/// least [`SETTLE_MIN_BLOCKS`] blocks side by side, is settled after the
/// note is opened (see [`Settling`]): a long run of blocks with no place
/// to cut it.
pub const SETTLE_MIN_BYTES: usize = 32 * 1024;

/// Measured on the benchmark's notes before open notes were cut into
/// pieces (the first one below is now cut into pieces of ~8 KB, none of
/// which needs settling): a 220 KB note of ~300 blocks in a row (a line
/// naming a topic, then a short list, over and over) has its first
/// keystrokes cost up to 23 ms, and 6 ms once settled; a 202 KB note
/// that is a few paragraphs and one long nested list, up to 10 and 5 ms,
/// and settling it raises the peak memory by 8 MB (the first steps rebuild
/// the whole list while the old one is alive), which is not worth it; in
/// 1,500 sections of a few blocks each, only the first keystroke is slow
/// (23 ms, then 1.5 ms), so sections do not count as blocks.
pub const SETTLE_MIN_BLOCKS: usize = 128;

/// One LSP-style content change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextChange {
    /// The replaced range, in the encoding passed to
    /// [`Document::apply_changes`]; `None` replaces the whole text.
    pub range: Option<(Position, Position)>,
    pub text: String,
}

impl TextChange {
    /// Replaces the whole text.
    pub fn full(text: impl Into<String>) -> TextChange {
        TextChange {
            range: None,
            text: text.into(),
        }
    }

    /// Replaces `start..end` by `text`.
    pub fn replace(start: Position, end: Position, text: impl Into<String>) -> TextChange {
        TextChange {
            range: Some((start, end)),
            text: text.into(),
        }
    }
}

/// Something [`Document::apply_changes`] had to fix up. Informational: the
/// change was still applied, after clamping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeError {
    /// A range end was past its line's end, past the last line, or inside a
    /// character (a surrogate pair, a `\r\n`, a multi-byte character in
    /// UTF-8); it was moved to `clamped`.
    RangeOutOfBounds {
        /// Index of the change in the slice.
        change: usize,
        requested: Position,
        clamped: Position,
    },
    /// `start` came after `end`; the two were swapped.
    InvertedRange {
        change: usize,
        start: Position,
        end: Position,
    },
}

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = |p: &Position| format!("{}:{}", p.line, p.character);
        match self {
            ChangeError::RangeOutOfBounds {
                change,
                requested,
                clamped,
            } => write!(
                f,
                "change {change}: position {} is out of bounds, clamped to {}",
                p(requested),
                p(clamped)
            ),
            ChangeError::InvertedRange { change, start, end } => write!(
                f,
                "change {change}: range start {} is after its end {}, swapped",
                p(start),
                p(end)
            ),
        }
    }
}

impl std::error::Error for ChangeError {}

/// An open document.
#[derive(Clone, Debug)]
pub struct Document {
    rope: Rope,
    version: i32,
    lines: LineIndex,
    /// The trees of the text, in pieces; of the empty text while the
    /// document is over [`MAX_ANALYSED_BYTES`].
    syntax: PiecedSyntax,
    analysed: bool,
    /// What the latest extraction of this document kept for the next one.
    memo: Memo,
    /// Unique to this document (edits keep it; a reopened file gets a
    /// new one).
    serial: u64,
}

impl Document {
    pub fn new(text: &str, version: i32) -> Document {
        Document::new_in_pieces(text, version, crate::pieced::PIECE)
    }

    /// [`Document::new`], its text parsed in pieces of at least
    /// `min_piece` bytes (tests cut wherever a cut is allowed).
    pub fn new_in_pieces(text: &str, version: i32, min_piece: usize) -> Document {
        let analysed = text.len() <= MAX_ANALYSED_BYTES;
        Document {
            rope: Rope::from_str(text),
            version,
            lines: LineIndex::new(text),
            syntax: PiecedSyntax::parse_in_pieces(if analysed { text } else { "" }, min_piece),
            analysed,
            memo: Memo::default(),
            serial: {
                static NEXT: AtomicU64 = AtomicU64::new(1);
                NEXT.fetch_add(1, Ordering::Relaxed)
            },
        }
    }

    /// Unique to this document: the same through edits, another for the
    /// same file opened again.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// False while the text is over [`MAX_ANALYSED_BYTES`]: the syntax is
    /// then that of an empty text, and the document has no model.
    pub fn is_analysed(&self) -> bool {
        self.analysed
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The whole text.
    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn syntax(&self) -> &PiecedSyntax {
        &self.syntax
    }

    /// The syntax, with the memo its extraction reads and refreshes.
    pub fn syntax_and_memo(&mut self) -> (&PiecedSyntax, &mut Memo) {
        (&self.syntax, &mut self.memo)
    }

    /// The `\n` line index of the current text.
    pub fn line_index(&self) -> &LineIndex {
        &self.lines
    }

    /// Applies LSP-style content changes in order, each with ranges in
    /// `enc`. Out-of-range positions are clamped and an inverted range is
    /// swapped (each reported in the returned warnings); nothing panics.
    /// The rope and line index are updated change by change; the syntax is
    /// updated once at the end (one incremental reparse for all the edits,
    /// or a full parse if any change replaced the whole text).
    pub fn apply_changes(
        &mut self,
        changes: &[TextChange],
        version: i32,
        enc: PositionEncoding,
    ) -> Vec<ChangeError> {
        let mut warnings = Vec::new();
        let mut edits = Vec::new();
        let mut reparse = false;
        for (i, change) in changes.iter().enumerate() {
            let Some((start, end)) = change.range else {
                self.rope = Rope::from_str(&change.text);
                self.lines = LineIndex::new(&change.text);
                reparse = true;
                edits.clear();
                continue;
            };
            let a = self.clamp(i, start, enc, &mut warnings);
            let b = self.clamp(i, end, enc, &mut warnings);
            if start > end {
                warnings.push(ChangeError::InvertedRange {
                    change: i,
                    start,
                    end,
                });
            }
            let edit = self.replace(a.min(b)..a.max(b), &change.text);
            if !reparse {
                edits.extend(edit);
            }
        }
        self.version = version;
        let fits = self.rope.len_bytes() <= MAX_ANALYSED_BYTES;
        match (self.analysed, fits) {
            (true, true) if !reparse => self.syntax.edit_many(&edits, &self.rope.to_string()),
            (_, true) => self.syntax.reparse(&self.rope.to_string()),
            (true, false) => {
                self.syntax.reparse("");
                self.memo = Memo::default();
            }
            (false, false) => {}
        }
        self.analysed = fits;
        warnings
    }

    /// Whether a piece of the tree is worth settling: see
    /// [`SETTLE_MIN_BLOCKS`]. Notes are cut into pieces much shorter than
    /// [`SETTLE_MIN_BYTES`] where they can be (`crate::pieced`): only a
    /// long run of blocks without a place to cut is settled.
    pub fn needs_settling(&self) -> bool {
        self.analysed && self.piece_to_settle().is_some()
    }

    /// The longest piece worth settling.
    fn piece_to_settle(&self) -> Option<usize> {
        (0..self.syntax.len())
            .filter(|&i| {
                self.syntax.range(i).len() >= SETTLE_MIN_BYTES
                    && self.syntax.syntax(i).most_blocks_in_a_row() >= SETTLE_MIN_BLOCKS
            })
            .max_by_key(|&i| self.syntax.range(i).len())
    }

    /// A copy of the tree to settle (see [`Settling`]; its steps do
    /// nothing when no piece needs settling); None while the document is
    /// not analysed.
    pub fn settling(&self) -> Option<Settling> {
        self.analysed.then(|| Settling {
            rope: self.rope.clone(),
            lines: self.lines.clone(),
            syntax: self.syntax.clone(),
            piece: self.piece_to_settle(),
        })
    }

    /// Takes the settled tree if the document has not changed since the
    /// copy was made, giving back the tree it replaces (to be freed by the
    /// caller, outside any lock); else gives the copy back.
    pub fn take_settled(&mut self, settled: Settling) -> Result<PiecedSyntax, Settling> {
        // Edits and parses give a new id; settling keeps it.
        if !self.analysed || settled.syntax.id() != self.syntax.id() {
            return Err(settled);
        }
        Ok(std::mem::replace(&mut self.syntax, settled.syntax))
    }

    fn clamp(
        &self,
        change: usize,
        requested: Position,
        enc: PositionEncoding,
        warnings: &mut Vec<ChangeError>,
    ) -> usize {
        let offset = self.lines.offset_rope(&self.rope, requested, enc);
        let clamped = self.lines.position_rope(&self.rope, offset, enc);
        if clamped != requested {
            warnings.push(ChangeError::RangeOutOfBounds {
                change,
                requested,
                clamped,
            });
        }
        offset
    }

    fn point(&self, offset: usize) -> Point {
        point(&self.lines, offset)
    }

    /// Replaces bytes `range` (char boundaries) of the rope and line index;
    /// returns the edit for tree-sitter, computed before the change.
    fn replace(&mut self, range: std::ops::Range<usize>, text: &str) -> Option<InputEdit> {
        if range.is_empty() && text.is_empty() {
            return None;
        }
        let start_position = self.point(range.start);
        let old_end_position = self.point(range.end);
        let new_end_position = match text.rfind('\n') {
            None => Point {
                row: start_position.row,
                column: start_position.column + text.len(),
            },
            Some(last) => Point {
                row: start_position.row + text.matches('\n').count(),
                column: text.len() - last - 1,
            },
        };
        let edit = InputEdit {
            start_byte: range.start,
            old_end_byte: range.end,
            new_end_byte: range.start + text.len(),
            start_position,
            old_end_position,
            new_end_position,
        };
        let start_char = self.rope.byte_to_char(range.start);
        let end_char = self.rope.byte_to_char(range.end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, text);
        self.lines
            .edit_rope(&self.rope, range.start, range.end, edit.new_end_byte);
        Some(edit)
    }

    /// The byte offset of `pos` (clamped like a change's range).
    pub fn offset_at(&self, pos: Position, enc: PositionEncoding) -> usize {
        self.lines.offset_rope(&self.rope, pos, enc)
    }

    /// The position of byte `offset` (clamped, rounded down to a char).
    pub fn position_at(&self, offset: usize, enc: PositionEncoding) -> Position {
        self.lines.position_rope(&self.rope, offset, enc)
    }
}

/// tree-sitter's point of byte `offset`: its `\n` line and byte column.
fn point(lines: &LineIndex, offset: usize) -> Point {
    let (row, column) = lines.line_col_bytes(offset);
    Point { row, column }
}

/// A copy of an open document's tree, to be settled off the documents'
/// lock. tree-sitter's full parse of a long run of blocks (hundreds of
/// short lists and lines between them, no heading) leaves nearly all of
/// its nodes *fragile* (built while the GLR parser held several stack
/// versions), and an incremental reparse reuses no fragile node: the first
/// tens of keystrokes in such a note each reparse most of it (up to 25 ms
/// for a 220 KB note, against 2-3 ms later), and each leaves fewer fragile
/// nodes behind. Retyping one character of lines spread through the
/// note, [`Settling::STEPS`] times, does that work before the user types.
/// The text does not change, nor do the nodes; [`Document::take_settled`]
/// gives the tree back to the document.
#[derive(Debug)]
pub struct Settling {
    rope: Rope,
    lines: LineIndex,
    syntax: PiecedSyntax,
    /// The piece settled.
    piece: Option<usize>,
}

impl Settling {
    /// Enough for the benchmark's 220 KB note, ~300 blocks in a row
    /// (measured with `talknotes-bench --keystroke`): its first keystrokes
    /// then cost what later ones do.
    pub const STEPS: usize = 32;

    /// Step `step` of [`Settling::STEPS`]: retypes the first character of
    /// a line `step / STEPS` of the way through the piece.
    pub fn step(&mut self, step: usize) {
        let Some(piece) = self.piece else { return };
        let range = self.syntax.range(piece);
        let first = self.syntax.row(piece);
        let lines = self.lines.line_col_bytes(range.end).0 - first;
        let line = first + step * lines / Self::STEPS;
        let Some(start) = self.lines.line_start(line).filter(|&s| s < range.end) else {
            return;
        };
        let Some(c) = self
            .rope
            .get_byte_slice(start..)
            .and_then(|s| s.chars().next())
        else {
            return; // the empty last line
        };
        let end = start + c.len_utf8();
        // In the piece's coordinates: it starts at column 0 of line `first`.
        let local = |offset: usize| {
            let p = point(&self.lines, offset);
            Point {
                row: p.row - first,
                column: p.column,
            }
        };
        let edit = InputEdit {
            start_byte: start - range.start,
            old_end_byte: end - range.start,
            new_end_byte: end - range.start,
            start_position: local(start),
            old_end_position: local(end),
            new_end_position: local(end),
        };
        let text = self.rope.byte_slice(range).to_string();
        self.syntax.retype(piece, &edit, &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PositionEncoding::{Utf16, Utf32, Utf8};

    fn p(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    fn check_syntax(doc: &Document) {
        let text = doc.text();
        assert_eq!(doc.syntax().verify(&text), Ok(()));
        assert_eq!(doc.line_index(), &LineIndex::new(&doc.text()));
    }

    #[test]
    fn utf16_edit_after_an_emoji() {
        let mut doc = Document::new("# 🐍 talk – notes\n* é’•\n", 1);
        // Replace "talk" (UTF-16 columns 5..9: the emoji counts 2).
        let w = doc.apply_changes(&[TextChange::replace(p(0, 5), p(0, 9), "Talk")], 2, Utf16);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(doc.text(), "# 🐍 Talk – notes\n* é’•\n");
        assert_eq!(doc.version(), 2);
        // Same place in UTF-32 (emoji counts 1) and UTF-8 (4 bytes).
        doc.apply_changes(&[TextChange::replace(p(0, 4), p(0, 8), "TALK")], 3, Utf32);
        assert_eq!(doc.text(), "# 🐍 TALK – notes\n* é’•\n");
        doc.apply_changes(&[TextChange::replace(p(0, 7), p(0, 11), "talk")], 4, Utf8);
        assert_eq!(doc.text(), "# 🐍 talk – notes\n* é’•\n");
        // After "•" on line 1: UTF-16 column 5.
        doc.apply_changes(&[TextChange::replace(p(1, 5), p(1, 5), "!")], 5, Utf16);
        assert_eq!(doc.text(), "# 🐍 talk – notes\n* é’•!\n");
        check_syntax(&doc);
    }

    #[test]
    fn clamping_is_reported_and_applied() {
        let mut doc = Document::new("ab\r\ncd", 0);
        let w = doc.apply_changes(&[TextChange::replace(p(0, 9), p(7, 0), "X")], 1, Utf16);
        assert_eq!(doc.text(), "abX");
        assert_eq!(
            w,
            vec![
                ChangeError::RangeOutOfBounds {
                    change: 0,
                    requested: p(0, 9),
                    clamped: p(0, 2)
                },
                ChangeError::RangeOutOfBounds {
                    change: 0,
                    requested: p(7, 0),
                    clamped: p(1, 2)
                },
            ]
        );
        check_syntax(&doc);
    }

    #[test]
    fn mid_surrogate_and_inverted_ranges() {
        let mut doc = Document::new("a🐍b", 0);
        // Column 2 is inside the surrogate pair: rounds down to column 1.
        let w = doc.apply_changes(&[TextChange::replace(p(0, 4), p(0, 2), "")], 1, Utf16);
        assert_eq!(doc.text(), "a");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            matches!(w[0], ChangeError::RangeOutOfBounds { requested, clamped, .. }
            if requested == p(0, 2) && clamped == p(0, 1))
        );
        assert!(matches!(w[1], ChangeError::InvertedRange { .. }));
        // Mid-char in UTF-8 rounds down too.
        let mut doc = Document::new("é", 0);
        doc.apply_changes(&[TextChange::replace(p(0, 1), p(0, 1), "x")], 1, Utf8);
        assert_eq!(doc.text(), "xé");
        check_syntax(&doc);
    }

    #[test]
    fn several_changes_in_one_call_apply_in_order() {
        let mut doc = Document::new("# Title\n\nSome text.\n", 0);
        let changes = [
            TextChange::replace(p(2, 5), p(2, 9), "*words*"),
            TextChange::replace(p(0, 2), p(0, 2), "My "),
            TextChange::replace(p(3, 0), p(3, 0), "\n* item [a](b)\n"),
            TextChange::replace(p(2, 0), p(2, 0), "> "),
        ];
        let w = doc.apply_changes(&changes, 1, Utf16);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            doc.text(),
            "# My Title\n\n> Some *words*.\n\n* item [a](b)\n"
        );
        check_syntax(&doc);
    }

    #[test]
    fn whole_text_replacement_then_edits() {
        let mut doc = Document::new("old", 0);
        let changes = [
            TextChange::replace(p(0, 0), p(0, 0), "x"),
            TextChange::full("# New\n\ntext\n"),
            TextChange::replace(p(2, 0), p(2, 4), "*more*"),
        ];
        assert!(doc.apply_changes(&changes, 7, Utf16).is_empty());
        assert_eq!(doc.text(), "# New\n\n*more*\n");
        check_syntax(&doc);
        doc.apply_changes(&[TextChange::full("")], 8, Utf16);
        assert_eq!(doc.text(), "");
        check_syntax(&doc);
    }

    #[test]
    fn crlf_document_edits() {
        let mut doc = Document::new("# A\r\n\r\n* one\r\n* two\r\n", 0);
        doc.apply_changes(&[TextChange::replace(p(2, 5), p(2, 5), " 1")], 1, Utf16);
        doc.apply_changes(&[TextChange::replace(p(3, 0), p(4, 0), "")], 2, Utf16);
        assert_eq!(doc.text(), "# A\r\n\r\n* one 1\r\n");
        assert_eq!(doc.position_at(doc.text().len(), Utf16), p(3, 0));
        assert_eq!(doc.offset_at(p(2, 99), Utf16), 14);
        check_syntax(&doc);
    }

    #[test]
    fn conversions() {
        let doc = Document::new("– x\n🐍y", 0);
        assert_eq!(doc.offset_at(p(1, 2), Utf16), 10);
        assert_eq!(doc.offset_at(p(1, 1), Utf32), 10);
        assert_eq!(doc.position_at(10, Utf8), p(1, 4));
        assert_eq!(doc.position_at(10, Utf16), p(1, 2));
        assert_eq!(doc.position_at(2, Utf16), p(0, 0));
        assert_eq!(doc.position_at(99, Utf32), p(1, 2));
    }

    #[test]
    fn over_the_limit_the_text_is_kept_but_not_parsed() {
        let big = format!("# Big\n\n{}\n", "x".repeat(MAX_ANALYSED_BYTES));
        let mut doc = Document::new(&big, 0);
        assert!(!doc.is_analysed());
        assert_eq!(doc.syntax().verify(""), Ok(()));
        // Edits still apply to the text and its line index.
        doc.apply_changes(&[TextChange::replace(p(0, 2), p(0, 5), "Huge")], 1, Utf16);
        assert!(doc.text().starts_with("# Huge\n"));
        assert!(!doc.is_analysed());
        assert_eq!(doc.line_index(), &LineIndex::new(&doc.text()));
        // Shrunk under the limit: parsed again, from scratch.
        doc.apply_changes(&[TextChange::replace(p(2, 10), p(3, 0), "")], 2, Utf16);
        assert_eq!(doc.text(), "# Huge\n\nxxxxxxxxxx");
        assert!(doc.is_analysed());
        check_syntax(&doc);
        // Grown over it by one paste: the tree is dropped.
        let paste = "y".repeat(MAX_ANALYSED_BYTES);
        doc.apply_changes(&[TextChange::replace(p(1, 0), p(1, 0), paste)], 3, Utf16);
        assert!(!doc.is_analysed());
        assert_eq!(doc.syntax().verify(""), Ok(()));
        // A whole-text replacement by a small text parses it.
        doc.apply_changes(&[TextChange::full("# Small\n")], 4, Utf16);
        assert!(doc.is_analysed());
        check_syntax(&doc);
    }

    /// A note of ~1,200 blocks under one heading (a topic line, then short
    /// lists), with non-ASCII first characters and an empty last line among
    /// the lines settling retypes.
    /// 400 topics in bold, each with a short list: no place to cut (see
    /// `crate::pieced`), 1,200 blocks in a row.
    fn long_notes() -> String {
        let mut text = String::from("# PyCon US 2010\n\n");
        for i in 0..400 {
            text.push_str(&format!(
                "**Topic {i}**\n\n* Talk {i} (Ada Example) [video](https://v.example/{i})\n\
                 \x20 * é note with `code`\n- 🐍 more\n\n"
            ));
        }
        text
    }

    #[test]
    fn settling_keeps_the_text_the_nodes_and_the_id() {
        let text = long_notes();
        let mut doc = Document::new(&text, 1);
        let id = doc.syntax().id();
        for step in 0..Settling::STEPS {
            let mut copy = doc.settling().unwrap();
            copy.step(step);
            let old = doc.take_settled(copy).expect("the document did not change");
            assert_eq!(old.id(), id);
        }
        assert_eq!(doc.text(), text);
        assert_eq!(doc.syntax().id(), id);
        check_syntax(&doc);
        // Edits after settling still give the tree of a full parse.
        doc.apply_changes(&[TextChange::replace(p(300, 2), p(300, 2), "x")], 2, Utf16);
        check_syntax(&doc);
        doc.apply_changes(&[TextChange::replace(p(10, 0), p(12, 0), "")], 3, Utf16);
        check_syntax(&doc);
    }

    #[test]
    fn only_long_notes_with_many_blocks_in_a_row_need_settling() {
        let notes = long_notes();
        assert!(notes.len() > SETTLE_MIN_BYTES);
        assert!(Document::new(&notes, 1).needs_settling());
        // Under a deeper heading too.
        let nested = format!("# Day one\n\n## Talks\n\n{notes}");
        assert!(Document::new(&nested, 1).needs_settling());
        // The same talks under headings of their own: a few blocks each
        // (a run of sections is not a run of blocks).
        let sections = notes.replace("**Topic", "## Topic");
        assert!(!Document::new(&sections, 1).needs_settling());
        // One long list is a handful of blocks.
        let list = notes
            .replace("**Topic", "* Topic")
            .replace("- 🐍", "* 🐍")
            .replace("\n\n", "\n");
        assert!(list.len() > SETTLE_MIN_BYTES);
        assert!(!Document::new(&list, 1).needs_settling());
        // Topic lines in plain text: cut before each (into pieces of a few
        // KB), nothing to settle.
        let plain = Document::new(&notes.replace("**Topic", "Topic"), 1);
        assert!(plain.syntax().len() > 4);
        assert!(!plain.needs_settling());
        // Many blocks, but a short note.
        let short = "a\n\n* b\n\n".repeat(SETTLE_MIN_BLOCKS);
        assert!(short.len() < SETTLE_MIN_BYTES);
        assert!(!Document::new(&short, 1).needs_settling());
    }

    #[test]
    fn a_settled_copy_of_a_changed_document_is_refused() {
        let mut doc = Document::new(&long_notes(), 1);
        let mut copy = doc.settling().unwrap();
        copy.step(5);
        doc.apply_changes(&[TextChange::replace(p(3, 0), p(3, 0), "y")], 2, Utf16);
        assert!(doc.take_settled(copy).is_err());
        check_syntax(&doc);
        // A document that went over the size limit has nothing to settle.
        let mut doc = Document::new("# A\n", 1);
        let copy = doc.settling().unwrap();
        let paste = "y".repeat(MAX_ANALYSED_BYTES + 1);
        doc.apply_changes(&[TextChange::full(paste)], 2, Utf16);
        assert!(doc.settling().is_none());
        assert!(doc.take_settled(copy).is_err());
    }

    #[test]
    fn document_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Document>();
    }
}
