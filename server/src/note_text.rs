//! A note's text as the workspace holds it. Open documents (and `--check`)
//! hold it as is. The notes the server reads from disk do not hold it at
//! all: at 10,000 notes their texts were the largest part of the notes'
//! memory after the models (44 MiB even LZ4-compressed), and a feature
//! reads one rarely (a reference in prose, a rename, a moved file). Such a
//! note keeps its [`WideChars`], which converts positions on its non-ASCII
//! lines (what a reference or a workspace symbol needs of every note it
//! names), and reads its text back from disk when a feature asks for it,
//! checked against the stamp of the bytes its model was built from.

use std::path::Path;
use std::sync::Arc;

use crate::discover;
use crate::index_cache::Stamp;
use crate::position::{LineIndex, Position, PositionEncoding};

#[derive(Debug)]
pub enum NoteText {
    Plain(Arc<str>),
    /// Read from disk: the text stays there.
    OnDisk(WideChars),
}

/// Where a text has characters of more than one byte, by line: enough to
/// convert a byte offset on any line to a position in any encoding without
/// the text. About 4 bytes per such character, 8 per line that has any.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WideChars {
    /// The lines that are not all ASCII, ascending.
    lines: Box<[u32]>,
    /// `first[i]`: where line `lines[i]`'s entries start in `chars`; one
    /// more entry at the end (`chars.len()`).
    first: Box<[u32]>,
    /// Per character of more than one byte: its byte column in its line,
    /// shifted left by two, or'ed with its UTF-8 length minus one (1 to 3).
    /// Notes are at most a few MiB, so a column fits in 30 bits.
    chars: Box<[u32]>,
}

impl WideChars {
    /// The wide characters of `text`, whose line index is `lines`.
    pub fn of(text: &str, lines: &LineIndex) -> WideChars {
        let (mut wide_lines, mut first, mut chars) = (Vec::new(), Vec::new(), Vec::new());
        for line in 0..lines.line_count() {
            if lines.is_ascii_line(line) {
                continue;
            }
            let start = lines.line_start(line).unwrap_or(text.len());
            let end = lines.line_start(line + 1).unwrap_or(text.len());
            let Some(line_text) = text.get(start..end) else {
                continue;
            };
            wide_lines.push(to_u32(line));
            first.push(to_u32(chars.len()));
            for (col, c) in line_text.char_indices() {
                let len = c.len_utf8();
                if len > 1 {
                    chars.push(to_u32(col) << 2 | to_u32(len - 1));
                }
            }
        }
        if !wide_lines.is_empty() {
            first.push(to_u32(chars.len()));
        }
        WideChars {
            lines: wide_lines.into_boxed_slice(),
            first: first.into_boxed_slice(),
            chars: chars.into_boxed_slice(),
        }
    }

    /// The position of byte `offset` of the text these were built from,
    /// as [`LineIndex::position`] with that text gives it: an offset inside
    /// a character counts from the character's start.
    pub fn position(&self, lines: &LineIndex, offset: usize, enc: PositionEncoding) -> Position {
        if let Some(p) = lines.ascii_position(offset) {
            return p;
        }
        let (line, col) = lines.line_col_bytes(offset);
        let Ok(i) = self.lines.binary_search(&to_u32(line)) else {
            return Position::new(to_u32(line), to_u32(col));
        };
        let entries = &self.chars[self.first[i] as usize..self.first[i + 1] as usize];
        // Columns are bytes; each wide character before `col` counts for
        // fewer units than its bytes (none fewer in UTF-8).
        let mut units = col;
        for &entry in entries {
            let (at, len) = ((entry >> 2) as usize, (entry & 3) as usize + 1);
            if at >= col {
                break;
            }
            if col < at + len {
                units -= col - at;
                break;
            }
            units -= len - units_of(len, enc);
        }
        Position::new(to_u32(line), to_u32(units))
    }
}

/// How many `enc` units a character of `len` UTF-8 bytes counts for.
fn units_of(len: usize, enc: PositionEncoding) -> usize {
    match enc {
        PositionEncoding::Utf8 => len,
        PositionEncoding::Utf16 if len == 4 => 2,
        PositionEncoding::Utf16 | PositionEncoding::Utf32 => 1,
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The text at `path` if its bytes are still those of `stamp` (size and
/// content hash: a file touched but not changed still matches).
pub fn read_back(path: &Path, stamp: &Stamp) -> Option<String> {
    let (text, now) = discover::read_notes_stamped(path).ok()?;
    (now.size == stamp.size && now.hash == stamp.hash).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ENCODINGS: [PositionEncoding; 3] = [
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ];

    fn agrees_with_the_text(text: &str) {
        let lines = LineIndex::new(text);
        let wide = WideChars::of(text, &lines);
        for offset in 0..text.len() + 3 {
            for enc in ENCODINGS {
                assert_eq!(
                    wide.position(&lines, offset, enc),
                    lines.position(text, offset, enc),
                    "offset {offset} {enc:?} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn positions_match_the_text_on_every_kind_of_line() {
        agrees_with_the_text("");
        agrees_with_the_text("ascii only\nand more\n");
        agrees_with_the_text("# Łukasz Langa – “quotes” 🐍\r\n* é’•\nplain\n🐍🐍x");
        agrees_with_the_text("\u{10FFFF}\u{7FF}\u{800}\u{80}");
    }

    #[test]
    fn an_all_ascii_text_keeps_nothing() {
        let text = "# Talk (Ada Example)\n* notes\n";
        assert_eq!(
            WideChars::of(text, &LineIndex::new(text)),
            WideChars::default()
        );
    }

    proptest! {
        #[test]
        fn positions_match_the_text(text in "([a-z \\r\\n]|é|–|🐍|\u{7FF}|\u{800}){0,80}") {
            agrees_with_the_text(&text);
        }
    }

    #[test]
    fn reads_back_only_the_bytes_stamped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.md");
        std::fs::write(&path, "\u{feff}# Talk – notes\n").unwrap();
        let (text, stamp) = discover::read_notes_stamped(&path).unwrap();
        assert_eq!(text, "# Talk – notes\n");
        assert_eq!(read_back(&path, &stamp).as_deref(), Some(text.as_str()));
        std::fs::write(&path, "# Talk – changed\n").unwrap();
        assert_eq!(read_back(&path, &stamp), None);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(read_back(&path, &stamp), None);
    }
}
