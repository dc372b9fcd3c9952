//! Byte offsets ⇄ line/character positions in UTF-8, UTF-16 or UTF-32.
//!
//! No LSP types here: [`Position`] mirrors the LSP shape, but the encoding is
//! an explicit [`PositionEncoding`].
//!
//! # Rules (the same for `&str` + [`LineIndex`] and for `&Rope`)
//!
//! * A line is terminated by `\n` only. A lone `\r`, U+2028 and friends are
//!   ordinary characters (ropey's own line index counts those as breaks, which
//!   is why nothing here uses ropey's line functions).
//! * Offset → position: the `\r` of a `\r\n` line is part of the line's
//!   content, so the offset between `\r` and `\n` gets the column after `\r`.
//! * Position → offset: a character past the end of the line's content clamps
//!   to the line end, which is *before* the `\r\n` (or the `\n`). A line past
//!   the last line clamps to the end of the text.
//! * An offset inside a multi-byte character rounds down to its start; an
//!   offset past the end clamps to the end.
//! * A UTF-16 column inside a surrogate pair, or a UTF-8 column inside a
//!   multi-byte character, rounds down to the start of the character.
//! * Nothing panics, whatever the input (a [`LineIndex`] used with a text
//!   other than the one it was built from gives wrong but in-bounds answers).

use std::cmp::Ordering;

use ropey::Rope;

/// How the `character` of a [`Position`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default): a character outside the BMP
    /// (an emoji) counts 2.
    #[default]
    Utf16,
    /// Unicode scalar values: every character counts 1.
    Utf32,
}

/// A zero-based line (`\n`-terminated) and a column in some
/// [`PositionEncoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Position {
        Position { line, character }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Read access to a text, shared by `&str` and `&Rope`. Every method clamps
/// its arguments instead of panicking.
trait Source {
    fn len(&self) -> usize;
    /// `i` clamped to the text and rounded down to a char boundary.
    fn floor(&self, i: usize) -> usize;
    fn byte_at(&self, i: usize) -> Option<u8>;
    /// Number of `enc` units in `a..b` (both char boundaries, `a <= b`).
    fn units(&self, a: usize, b: usize, enc: PositionEncoding) -> usize;
    /// The offset `col` units after `a`, not past `limit`, rounded down
    /// (both char boundaries, `a <= limit`).
    fn advance(&self, a: usize, limit: usize, col: usize, enc: PositionEncoding) -> usize;
    /// Calls `f(offset_of_newline)` for each `\n` in `a..b`, in order, until
    /// it returns `false`.
    fn newlines(&self, a: usize, b: usize, f: &mut dyn FnMut(usize) -> bool);
    /// Whether `a..b` (char boundaries) is all ASCII.
    fn is_ascii(&self, a: usize, b: usize) -> bool;
}

fn newlines_in_str(s: &str, base: usize, f: &mut dyn FnMut(usize) -> bool) -> bool {
    let mut pos = 0;
    // `str::find(char)` is memchr underneath, fast even in debug builds.
    while let Some(i) = s[pos..].find('\n') {
        if !f(base + pos + i) {
            return false;
        }
        pos += i + 1;
    }
    true
}

impl Source for str {
    fn len(&self) -> usize {
        str::len(self)
    }

    fn floor(&self, i: usize) -> usize {
        let mut i = i.min(str::len(self));
        while !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn byte_at(&self, i: usize) -> Option<u8> {
        self.as_bytes().get(i).copied()
    }

    fn units(&self, a: usize, b: usize, enc: PositionEncoding) -> usize {
        let Some(s) = self.get(a..b) else { return 0 };
        match enc {
            PositionEncoding::Utf8 => s.len(),
            PositionEncoding::Utf16 => s.chars().map(char::len_utf16).sum(),
            PositionEncoding::Utf32 => s.chars().count(),
        }
    }

    fn advance(&self, a: usize, limit: usize, col: usize, enc: PositionEncoding) -> usize {
        let Some(s) = self.get(a..limit) else {
            return a;
        };
        let width: fn(char) -> usize = match enc {
            PositionEncoding::Utf8 => return Source::floor(self, a.saturating_add(col).min(limit)),
            PositionEncoding::Utf16 => char::len_utf16,
            PositionEncoding::Utf32 => |_| 1,
        };
        let mut seen = 0;
        for (i, c) in s.char_indices() {
            seen += width(c);
            if seen > col {
                return a + i;
            }
        }
        limit
    }

    fn newlines(&self, a: usize, b: usize, f: &mut dyn FnMut(usize) -> bool) {
        if let Some(s) = self.get(a..b) {
            newlines_in_str(s, a, f);
        }
    }

    fn is_ascii(&self, a: usize, b: usize) -> bool {
        self.get(a..b).is_some_and(str::is_ascii)
    }
}

impl Source for Rope {
    fn len(&self) -> usize {
        self.len_bytes()
    }

    fn floor(&self, i: usize) -> usize {
        let i = i.min(self.len_bytes());
        // Chunks always split at char boundaries.
        let (chunk, chunk_start, _, _) = self.chunk_at_byte(i);
        let mut j = i - chunk_start;
        while !chunk.is_char_boundary(j) {
            j -= 1;
        }
        chunk_start + j
    }

    fn byte_at(&self, i: usize) -> Option<u8> {
        (i < self.len_bytes()).then(|| self.byte(i))
    }

    fn units(&self, a: usize, b: usize, enc: PositionEncoding) -> usize {
        if a > b || b > self.len_bytes() {
            return 0;
        }
        match enc {
            PositionEncoding::Utf8 => b - a,
            PositionEncoding::Utf16 => {
                self.char_to_utf16_cu(self.byte_to_char(b))
                    - self.char_to_utf16_cu(self.byte_to_char(a))
            }
            PositionEncoding::Utf32 => self.byte_to_char(b) - self.byte_to_char(a),
        }
    }

    fn advance(&self, a: usize, limit: usize, col: usize, enc: PositionEncoding) -> usize {
        if a > limit || limit > self.len_bytes() {
            return a.min(self.len_bytes());
        }
        match enc {
            PositionEncoding::Utf8 => Source::floor(self, a.saturating_add(col).min(limit)),
            PositionEncoding::Utf16 => {
                let a16 = self.char_to_utf16_cu(self.byte_to_char(a));
                let limit16 = self.char_to_utf16_cu(self.byte_to_char(limit));
                let target = a16.saturating_add(col).min(limit16);
                // Rounds down out of a surrogate pair.
                self.char_to_byte(self.utf16_cu_to_char(target))
            }
            PositionEncoding::Utf32 => {
                let a32 = self.byte_to_char(a);
                let limit32 = self.byte_to_char(limit);
                self.char_to_byte(a32.saturating_add(col).min(limit32))
            }
        }
    }

    fn newlines(&self, a: usize, b: usize, f: &mut dyn FnMut(usize) -> bool) {
        if a > b || b > self.len_bytes() {
            return;
        }
        let (chunks, mut chunk_start, _, _) = self.chunks_at_byte(a);
        for chunk in chunks {
            if chunk_start >= b {
                break;
            }
            let lo = a.saturating_sub(chunk_start);
            let hi = (b - chunk_start).min(chunk.len());
            // `a` and `b` are char boundaries, so these slices are valid.
            if let Some(s) = chunk.get(lo..hi) {
                if !newlines_in_str(s, chunk_start + lo, f) {
                    return;
                }
            }
            chunk_start += chunk.len();
        }
    }

    fn is_ascii(&self, a: usize, b: usize) -> bool {
        if a > b || b > self.len_bytes() {
            return false;
        }
        self.byte_slice(a..b).chunks().all(str::is_ascii)
    }
}

/// Line start offsets of a text, plus a per-line "all ASCII" flag so that
/// conversions on ASCII lines (the common case) are O(log lines) with no
/// scanning. Build it once per text ([`LineIndex::new`] or
/// [`LineIndex::from_rope`]) and keep it in step with edits
/// ([`LineIndex::edit_rope`] / [`LineIndex::edit_str`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts ([`OFFSET`] bits), with the
    /// line's flag in the top bit ([`ASCII`]: the line, terminator
    /// included, is all ASCII); `starts[0]` is at 0; a line starts after
    /// every `\n`. Never empty. 32 bits in all: held for every note of the
    /// workspace (2.4 million lines at 10,000 notes; the flag in a
    /// separate `Vec<bool>` was 2.3 MiB more), and notes are at most 4 MiB;
    /// a text past 2 GiB, which no editor sends, is indexed as if its last
    /// line ran from its last newline before 2 GiB to its end.
    starts: Vec<u32>,
    /// Length of the indexed text.
    len: usize,
}

/// The top bit of a line start: the line is all ASCII.
const ASCII: u32 = 1 << 31;
/// The bits of a line start that hold its offset.
const OFFSET: u32 = ASCII - 1;

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex::new("")
    }
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        Self::build(text)
    }

    /// Indexes a rope, reading it chunk by chunk.
    pub fn from_rope(rope: &Rope) -> LineIndex {
        Self::build(rope)
    }

    fn build<S: Source + ?Sized>(text: &S) -> LineIndex {
        let len = text.len();
        let mut starts = vec![0];
        text.newlines(0, len, &mut |nl| match u32::try_from(nl + 1) {
            Ok(start) if start <= OFFSET => {
                starts.push(start);
                true
            }
            _ => false,
        });
        // Held for every note of the workspace: no spare capacity.
        starts.shrink_to_fit();
        let mut index = LineIndex { starts, len };
        index.flag_ascii(text, 0..index.starts.len());
        index
    }

    /// Sets the ASCII flag of `lines` from `text`.
    fn flag_ascii<S: Source + ?Sized>(&mut self, text: &S, lines: std::ops::Range<usize>) {
        for line in lines {
            let (s, e) = (self.start(line), self.next_start(line).unwrap_or(self.len));
            let offset = self.starts[line] & OFFSET;
            self.starts[line] = if text.is_ascii(s, e) {
                offset | ASCII
            } else {
                offset
            };
        }
    }

    fn ascii(&self, line: usize) -> bool {
        self.starts[line] & ASCII != 0
    }

    /// Byte offset where `line` (which exists) starts.
    fn start(&self, line: usize) -> usize {
        (self.starts[line] & OFFSET) as usize
    }

    /// Byte offset where the line after `line` starts, if there is one.
    fn next_start(&self, line: usize) -> Option<usize> {
        self.line_start(line + 1)
    }

    /// Number of lines: one more than the number of `\n`s (an empty text and
    /// a text ending in `\n` both end with an empty line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Length in bytes of the text this index describes.
    pub fn text_len(&self) -> usize {
        self.len
    }

    /// The position of `offset` when its line is all ASCII (columns are
    /// bytes in every encoding there, and every offset a char boundary):
    /// no text needed. None for other lines.
    pub fn ascii_position(&self, offset: usize) -> Option<Position> {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        self.ascii(line)
            .then(|| Position::new(to_u32(line), to_u32(offset - self.start(line))))
    }

    /// Is `line` (which exists) all ASCII, terminator included?
    pub fn is_ascii_line(&self, line: usize) -> bool {
        self.ascii(line)
    }

    /// A text of this index's shape, blank: as long, with its newlines where
    /// they are and spaces elsewhere (what features read of a note whose
    /// text is gone, until it is read again; slicing it never panics).
    pub fn blank(&self) -> String {
        let mut blank = vec![b' '; self.len];
        for &s in &self.starts[1..] {
            if let Some(b) = blank.get_mut((s & OFFSET) as usize - 1) {
                *b = b'\n';
            }
        }
        String::from_utf8(blank).unwrap_or_default()
    }

    /// Byte offset where `line` starts, if it exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).map(|&s| (s & OFFSET) as usize)
    }

    /// The line holding byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts
            .partition_point(|&s| (s & OFFSET) as usize <= offset)
            .saturating_sub(1)
    }

    /// Line and byte column of `offset` (clamped to the text, not rounded
    /// to a char boundary): what tree-sitter calls a `Point`.
    pub fn line_col_bytes(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        (line, offset - self.start(line))
    }

    /// Where a line's content ends for clamping: before its `\r\n` or `\n`;
    /// for the last line, the end of the text.
    fn content_end<S: Source + ?Sized>(&self, text: &S, line: usize) -> usize {
        let start = self.start(line).min(text.len());
        match self.next_start(line) {
            Some(next) => {
                let nl = next.saturating_sub(1).clamp(start, text.len());
                if nl > start && text.byte_at(nl - 1) == Some(b'\r') {
                    nl - 1
                } else {
                    nl
                }
            }
            None => text.len(),
        }
    }

    fn position_in<S: Source + ?Sized>(
        &self,
        text: &S,
        offset: usize,
        enc: PositionEncoding,
    ) -> Position {
        let offset = text.floor(offset);
        let line = self.line_of(offset);
        let start = text.floor(self.start(line)).min(offset);
        let col = if self.ascii(line) {
            offset - start
        } else {
            text.units(start, offset, enc)
        };
        Position::new(to_u32(line), to_u32(col))
    }

    fn offset_in<S: Source + ?Sized>(
        &self,
        text: &S,
        pos: Position,
        enc: PositionEncoding,
    ) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let start = text.floor(self.start(line));
        let end = text.floor(self.content_end(text, line)).max(start);
        let col = pos.character as usize;
        if self.ascii(line) {
            text.floor(start.saturating_add(col).min(end))
        } else {
            text.advance(start, end, col, enc)
        }
    }

    /// The position of byte `offset` of `text` (the text this index was
    /// built from).
    pub fn position(&self, text: &str, offset: usize, enc: PositionEncoding) -> Position {
        self.position_in(text, offset, enc)
    }

    /// The byte offset of `pos` in `text` (the text this index was built
    /// from), clamped as described in the module docs.
    pub fn offset(&self, text: &str, pos: Position, enc: PositionEncoding) -> usize {
        self.offset_in(text, pos, enc)
    }

    /// [`LineIndex::position`] for a rope: O(log n) for any line.
    pub fn position_rope(&self, rope: &Rope, offset: usize, enc: PositionEncoding) -> Position {
        self.position_in(rope, offset, enc)
    }

    /// [`LineIndex::offset`] for a rope: O(log n) for any line.
    pub fn offset_rope(&self, rope: &Rope, pos: Position, enc: PositionEncoding) -> usize {
        self.offset_in(rope, pos, enc)
    }

    /// Updates the index after `start..old_end` (bytes of the old text) was
    /// replaced by what is now `start..new_end` of `rope` (the new text).
    /// Costs O(lines) for shifting plus a scan of the touched lines.
    pub fn edit_rope(&mut self, rope: &Rope, start: usize, old_end: usize, new_end: usize) {
        self.edit_in(rope, start, old_end, new_end)
    }

    /// [`LineIndex::edit_rope`] for a `&str` holding the new text.
    pub fn edit_str(&mut self, text: &str, start: usize, old_end: usize, new_end: usize) {
        self.edit_in(text, start, old_end, new_end)
    }

    fn edit_in<S: Source + ?Sized>(
        &mut self,
        text: &S,
        start: usize,
        old_end: usize,
        new_end: usize,
    ) {
        // Past 2 GiB (before or after) the index is built afresh.
        let fits = |len: usize| len <= OFFSET as usize;
        let consistent = fits(self.len)
            && fits(text.len())
            && start <= old_end
            && old_end <= self.len
            && start <= new_end
            && (self.len - (old_end - start)).checked_add(new_end - start) == Some(text.len());
        if !consistent {
            *self = Self::build(text);
            return;
        }
        let first = self.line_of(start);
        let last = self.line_of(old_end);
        // The new text's length fits in 31 bits (checked above): so do its
        // line starts and the shifts below, which leave the flag bits be.
        let mut inserted: Vec<u32> = Vec::new();
        text.newlines(start, new_end, &mut |nl| {
            inserted.push(nl as u32 + 1);
            true
        });
        let added = inserted.len();
        match new_end.cmp(&old_end) {
            Ordering::Greater => {
                let d = (new_end - old_end) as u32;
                self.starts[last + 1..].iter_mut().for_each(|s| *s += d);
            }
            Ordering::Less => {
                let d = (old_end - new_end) as u32;
                self.starts[last + 1..].iter_mut().for_each(|s| *s -= d);
            }
            Ordering::Equal => {}
        }
        self.starts.splice(first + 1..=last, inserted);
        self.len = text.len();
        self.flag_ascii(text, first..first + added + 1);
    }
}

/// Scans a rope for the start of the line holding `offset` and its number.
fn rope_line_of(rope: &Rope, offset: usize) -> (usize, usize) {
    let mut line = 0;
    let mut start = 0;
    rope.newlines(0, offset, &mut |nl| {
        line += 1;
        start = nl + 1;
        true
    });
    (line, start)
}

/// Scans a rope for where line `line` starts, if it exists.
fn rope_line_start(rope: &Rope, line: usize) -> Option<usize> {
    if line == 0 {
        return Some(0);
    }
    let mut seen = 0;
    let mut found = None;
    rope.newlines(0, rope.len_bytes(), &mut |nl| {
        seen += 1;
        if seen == line {
            found = Some(nl + 1);
            return false;
        }
        true
    });
    found
}

/// The position of byte `offset` of `rope`. Without an index this scans the
/// rope up to `offset` (fast, memchr-based, but O(n)): hold a [`LineIndex`]
/// for repeated conversions (as `Document` does).
pub fn position(rope: &Rope, offset: usize, enc: PositionEncoding) -> Position {
    let offset = Source::floor(rope, offset);
    let (line, start) = rope_line_of(rope, offset);
    let col = rope.units(start, offset, enc);
    Position::new(to_u32(line), to_u32(col))
}

/// The byte offset of `pos` in `rope`, clamped as described in the module
/// docs. Scans the rope up to the line (O(n)); see [`position`].
pub fn offset(rope: &Rope, pos: Position, enc: PositionEncoding) -> usize {
    let Some(start) = rope_line_start(rope, pos.line as usize) else {
        return rope.len_bytes();
    };
    let mut end = rope.len_bytes();
    rope.newlines(start, rope.len_bytes(), &mut |nl| {
        end = nl;
        false
    });
    if end < rope.len_bytes() && end > start && rope.byte(end - 1) == b'\r' {
        end -= 1;
    }
    rope.advance(start, end, pos.character as usize, enc)
}

#[cfg(test)]
mod tests {
    use super::PositionEncoding::{Utf16, Utf32, Utf8};
    use super::*;

    fn p(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    /// Checks the `&str` index, the rope index and the rope free functions
    /// all agree, and returns their common answer.
    fn pos_of(text: &str, offset: usize, enc: PositionEncoding) -> Position {
        let index = LineIndex::new(text);
        let rope = Rope::from_str(text);
        let a = index.position(text, offset, enc);
        assert_eq!(
            a,
            LineIndex::from_rope(&rope).position_rope(&rope, offset, enc)
        );
        assert_eq!(a, position(&rope, offset, enc), "rope fn, offset {offset}");
        a
    }

    fn off_of(text: &str, pos: Position, enc: PositionEncoding) -> usize {
        let index = LineIndex::new(text);
        let rope = Rope::from_str(text);
        let a = index.offset(text, pos, enc);
        assert_eq!(a, LineIndex::from_rope(&rope).offset_rope(&rope, pos, enc));
        assert_eq!(a, offset(&rope, pos, enc), "rope fn, {pos:?} {enc:?}");
        a
    }

    #[test]
    fn ascii_basics() {
        let t = "ab\ncd\n";
        assert_eq!(pos_of(t, 0, Utf16), p(0, 0));
        assert_eq!(pos_of(t, 2, Utf16), p(0, 2));
        assert_eq!(pos_of(t, 3, Utf16), p(1, 0));
        assert_eq!(pos_of(t, 6, Utf16), p(2, 0));
        assert_eq!(pos_of(t, 600, Utf16), p(2, 0));
        assert_eq!(off_of(t, p(1, 1), Utf8), 4);
        assert_eq!(off_of(t, p(1, 2), Utf32), 5);
    }

    #[test]
    fn multibyte_columns_in_each_encoding() {
        // – (U+2013, 3 bytes, 1 unit), ’ (3 bytes), • (3 bytes), é (2 bytes),
        // 🐍 (4 bytes, 2 UTF-16 units, 1 scalar).
        let t = "a–’•é🐍z\n";
        let offsets = [0, 1, 4, 7, 10, 12, 16, 17];
        let utf16 = [0, 1, 2, 3, 4, 5, 7, 8];
        let utf32 = [0, 1, 2, 3, 4, 5, 6, 7];
        for i in 0..offsets.len() {
            assert_eq!(pos_of(t, offsets[i], Utf8), p(0, offsets[i] as u32));
            assert_eq!(pos_of(t, offsets[i], Utf16), p(0, utf16[i]));
            assert_eq!(pos_of(t, offsets[i], Utf32), p(0, utf32[i]));
            assert_eq!(off_of(t, p(0, offsets[i] as u32), Utf8), offsets[i]);
            assert_eq!(off_of(t, p(0, utf16[i]), Utf16), offsets[i]);
            assert_eq!(off_of(t, p(0, utf32[i]), Utf32), offsets[i]);
        }
        assert_eq!(pos_of(t, 18, Utf16), p(1, 0));
    }

    #[test]
    fn emoji_surrogate_pair() {
        let t = "🐍🐍";
        assert_eq!(pos_of(t, 4, Utf16), p(0, 2));
        assert_eq!(pos_of(t, 4, Utf32), p(0, 1));
        assert_eq!(pos_of(t, 4, Utf8), p(0, 4));
        // Column 1 and 3 are in the middle of a surrogate pair: round down.
        assert_eq!(off_of(t, p(0, 1), Utf16), 0);
        assert_eq!(off_of(t, p(0, 3), Utf16), 4);
        assert_eq!(off_of(t, p(0, 4), Utf16), 8);
        assert_eq!(off_of(t, p(0, 5), Utf16), 8);
    }

    #[test]
    fn offsets_inside_a_char_round_down() {
        let t = "x🐍é";
        for (o, want) in [(1, 1), (2, 1), (3, 1), (4, 1), (5, 5), (6, 5), (7, 7)] {
            assert_eq!(pos_of(t, o, Utf8), p(0, want as u32), "offset {o}");
        }
        assert_eq!(pos_of(t, 3, Utf16), p(0, 1));
        assert_eq!(pos_of(t, 6, Utf16), p(0, 3));
        // A UTF-8 column in the middle of a char rounds down too.
        assert_eq!(off_of(t, p(0, 3), Utf8), 1);
        assert_eq!(off_of(t, p(0, 6), Utf8), 5);
    }

    #[test]
    fn crlf_lines() {
        let t = "ab\r\ncd\r\n";
        assert_eq!(pos_of(t, 2, Utf16), p(0, 2));
        // The \r is content for columns.
        assert_eq!(pos_of(t, 3, Utf16), p(0, 3));
        assert_eq!(pos_of(t, 4, Utf16), p(1, 0));
        // Clamping goes to before the \r\n.
        assert_eq!(off_of(t, p(0, 2), Utf16), 2);
        assert_eq!(off_of(t, p(0, 3), Utf16), 2);
        assert_eq!(off_of(t, p(0, 99), Utf16), 2);
        assert_eq!(off_of(t, p(1, 99), Utf8), 6);
        assert_eq!(off_of(t, p(2, 0), Utf8), 8);
        // Non-ASCII CRLF line takes the slow path, same answers.
        let t = "é\r\nx";
        assert_eq!(pos_of(t, 3, Utf16), p(0, 2));
        assert_eq!(off_of(t, p(0, 1), Utf16), 2);
        assert_eq!(off_of(t, p(0, 2), Utf16), 2);
        assert_eq!(off_of(t, p(0, 9), Utf32), 2);
        // A lone \r is not a line break.
        let t = "a\rb\n";
        assert_eq!(pos_of(t, 2, Utf16), p(0, 2));
        assert_eq!(off_of(t, p(0, 9), Utf16), 3);
        assert_eq!(LineIndex::new(t).line_count(), 2);
    }

    #[test]
    fn unicode_line_separators_are_not_breaks() {
        // Ropey counts U+2028 and friends as line breaks; we do not.
        let t = "a\u{2028}b\u{85}c\u{c}d\ne";
        assert_eq!(pos_of(t, t.len(), Utf16), p(1, 1));
        assert_eq!(off_of(t, p(1, 0), Utf16), t.len() - 1);
        assert_eq!(off_of(t, p(0, 99), Utf16), t.len() - 2);
    }

    #[test]
    fn clamping() {
        let t = "abc\nd";
        assert_eq!(off_of(t, p(0, 10), Utf16), 3);
        assert_eq!(off_of(t, p(1, 10), Utf16), 5);
        assert_eq!(off_of(t, p(2, 0), Utf16), 5);
        assert_eq!(off_of(t, p(u32::MAX, u32::MAX), Utf16), 5);
        assert_eq!(off_of(t, p(0, u32::MAX), Utf32), 3);
        assert_eq!(off_of("é\nx", p(0, u32::MAX), Utf8), 2);
        assert_eq!(pos_of(t, usize::MAX, Utf16), p(1, 1));
        // Past the end of a non-ASCII line.
        assert_eq!(off_of("–x\ny", p(0, 7), Utf16), 4);
        assert_eq!(off_of("–x\ny", p(0, 7), Utf8), 4);
    }

    #[test]
    fn empty_text_and_no_trailing_newline() {
        assert_eq!(pos_of("", 0, Utf16), p(0, 0));
        assert_eq!(pos_of("", 5, Utf8), p(0, 0));
        assert_eq!(off_of("", p(0, 0), Utf16), 0);
        assert_eq!(off_of("", p(3, 3), Utf16), 0);
        assert_eq!(LineIndex::new("").line_count(), 1);
        let t = "x\ny";
        assert_eq!(pos_of(t, 3, Utf16), p(1, 1));
        assert_eq!(off_of(t, p(1, 1), Utf16), 3);
        assert_eq!(LineIndex::new(t).line_count(), 2);
        assert_eq!(LineIndex::new("x\n").line_count(), 2);
        assert_eq!(pos_of("x\n", 2, Utf16), p(1, 0));
    }

    #[test]
    fn roundtrip_every_offset() {
        let t = "# Ta–lk\r\n\n* 🐍 é’•\nlast";
        for enc in [Utf8, Utf16, Utf32] {
            for o in 0..=t.len() {
                if !t.is_char_boundary(o) || (o > 0 && t.as_bytes()[o - 1] == b'\r') {
                    continue;
                }
                assert_eq!(off_of(t, pos_of(t, o, enc), enc), o, "{enc:?} offset {o}");
            }
        }
    }

    #[test]
    fn mismatched_text_does_not_panic() {
        let index = LineIndex::new("aaaa\nbbbb\ncccc\n");
        for text in ["", "é", "🐍🐍🐍\n🐍", "x\r"] {
            let rope = Rope::from_str(text);
            for o in 0..20 {
                for enc in [Utf8, Utf16, Utf32] {
                    let _ = index.position(text, o, enc);
                    let _ = index.position_rope(&rope, o, enc);
                    let off = index.offset(text, p(o as u32 / 4, o as u32 % 5), enc);
                    assert!(text.is_char_boundary(off));
                    let off = index.offset_rope(&rope, p(o as u32 / 4, o as u32 % 5), enc);
                    assert!(off <= text.len() && text.is_char_boundary(off));
                }
            }
        }
    }

    #[test]
    fn incremental_edit_matches_rebuild() {
        let edits: &[(&str, usize, usize, &str)] = &[
            ("abc\ndef\nghi", 2, 6, "X\nY\nZ"),
            ("abc\ndef\nghi", 0, 11, ""),
            ("", 0, 0, "é\n\n🐍"),
            ("aé\nb", 1, 3, "e"),
            ("a\nb\nc\n", 1, 2, ""),
            ("a\nb\nc\n", 6, 6, "\n\n"),
            ("ab\r\ncd", 2, 3, ""),
        ];
        for &(before, s, e, ins) in edits {
            let mut after = before.to_string();
            after.replace_range(s..e, ins);
            let mut index = LineIndex::new(before);
            index.edit_str(&after, s, e, s + ins.len());
            assert_eq!(index, LineIndex::new(&after), "{before:?} -> {after:?}");
            let mut index = LineIndex::new(before);
            index.edit_rope(&Rope::from_str(&after), s, e, s + ins.len());
            assert_eq!(index, LineIndex::new(&after), "{before:?} -> {after:?}");
        }
        // Inconsistent arguments rebuild instead of panicking.
        let mut index = LineIndex::new("abc");
        index.edit_str("x\ny", 5, 2, 1);
        assert_eq!(index, LineIndex::new("x\ny"));
    }

    #[test]
    fn line_col_bytes_is_a_tree_sitter_point() {
        let index = LineIndex::new("é\nab");
        assert_eq!(index.line_col_bytes(0), (0, 0));
        assert_eq!(index.line_col_bytes(2), (0, 2));
        assert_eq!(index.line_col_bytes(3), (1, 0));
        assert_eq!(index.line_col_bytes(99), (1, 2));
    }
}
