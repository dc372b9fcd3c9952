//! The links and code spans of inline text simple enough to read without
//! tree-sitter-md's inline parse.
//!
//! Indexing a notes folder spent a quarter of its time in the inline
//! parser, one parse per paragraph or list item holding a `[`, `<` or
//! backtick; in real and generated notes nearly all of those hold nothing
//! but `[text](url)` links and `` `code` `` spans in plain prose. For such
//! text the parse's result is certain, so it is computed here directly.
//! Anything else (emphasis, escapes, angle brackets, images, references,
//! nested or multi-line constructs, backtick runs...) returns `None` and
//! goes through the parse. The property test in `inline.rs` compares this
//! with the parse on random text built from the characters that matter.

use super::inline::{Piece, RawKind, RawLink};

/// The piece of an inline node's `text` (no holes), or `None` when the
/// text is not of the simple kind.
pub fn scan(text: &str) -> Option<Piece> {
    #[cfg(test)]
    if tests::PARSE_ALL.get() {
        return None;
    }
    let b = text.as_bytes();
    let mut piece = Piece::default();
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| special(c)) {
        i += off;
        match b[i] {
            b'[' => {
                if i > 0 && b[i - 1] == b'!' {
                    return None; // an image
                }
                i = link(b, i, &mut piece)?;
            }
            b'`' => {
                let close = i + 1 + b[i + 1..].iter().position(|&c| c == b'`')?;
                let inner = &b[i + 1..close];
                if inner.is_empty()
                    || b.get(close + 1) == Some(&b'`')
                    || !inner.iter().all(|&c| code_byte(c))
                {
                    return None; // a backtick run, or odd content
                }
                piece.code_spans.push(i..close + 1);
                i = close + 1;
            }
            _ => return None,
        }
    }
    Some(piece)
}

/// `[text](destination)` at `open`: the link pushed, the byte after it.
fn link(b: &[u8], open: usize, piece: &mut Piece) -> Option<usize> {
    let close = open + 1 + b[open + 1..].iter().position(|&c| c == b']')?;
    let text = &b[open + 1..close];
    if text.is_empty() || !text.iter().all(|&c| link_text_byte(c)) {
        return None;
    }
    if b.get(close + 1) != Some(&b'(') {
        return None; // a reference, or bracketed text
    }
    let start = close + 2;
    let end = start + b[start..].iter().position(|&c| c == b')')?;
    let dest = &b[start..end];
    if dest.is_empty() || !dest.iter().all(|&c| destination_byte(c)) {
        return None;
    }
    // Both slices sit between ASCII bytes, so they are whole UTF-8.
    let str_of = |s: &[u8]| std::str::from_utf8(s).map(str::to_string);
    piece.links.push(RawLink {
        kind: RawKind::Inline {
            target: str_of(dest).ok()?,
        },
        text: str_of(text).ok()?,
        range: open..end + 1,
        target_range: start..end,
    });
    Some(end + 1)
}

/// Bytes that start a construct, or may change one, in prose. A `(`, `)`,
/// quote or `!` alone is text; `![` is checked where the `[` is.
fn special(c: u8) -> bool {
    matches!(
        c,
        b'[' | b']' | b'`' | b'<' | b'>' | b'\\' | b'&' | b'*' | b'_' | b'~' | b'$' | b'|' | b'\r'
    )
}

fn link_text_byte(c: u8) -> bool {
    !special(c) && c != b'\n' && c != b'!'
}

/// A destination without spaces, parentheses, angle brackets, quotes (a
/// title) or escapes.
fn destination_byte(c: u8) -> bool {
    c > b' '
        && c != 0x7f
        && !matches!(
            c,
            b'(' | b')' | b'<' | b'>' | b'\\' | b'`' | b'[' | b']' | b'"' | b'\''
        )
}

/// A code span's content: no line break and nothing that could begin an
/// autolink or HTML tag running out of the span.
fn code_byte(c: u8) -> bool {
    !matches!(c, b'`' | b'<' | b'>' | b'\n' | b'\r' | b'\\')
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::path::{Path, PathBuf};

    thread_local! {
        /// Sends every inline node through the parse (this thread only).
        pub static PARSE_ALL: Cell<bool> = const { Cell::new(false) };
    }

    /// The notes in `dir` (markdown, or else `.txt` like the seeds).
    fn notes_in(dir: &Path) -> Vec<PathBuf> {
        crate::discover::notes_in_named_folder(dir, &globset::GlobSet::empty())
    }

    /// Whole notes, where inline nodes sit in lists, quotes and tables:
    /// the model with the scan is the model without it. The sample notes
    /// always; the shared real-world seeds when present.
    #[test]
    fn notes_have_the_same_model_with_and_without_the_scan() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let shared = std::env::var_os("TALKNOTES_SHARED")
            .map_or_else(|| root.join("../../shared"), PathBuf::from);
        let mut files = notes_in(&root.join("../examples/notes"));
        assert!(files.len() >= 4, "the sample notes are in the repo");
        files.extend(notes_in(&shared.join("seeds")));
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().and_then(|n| n.to_str());
            let scanned = crate::extract::extract_from_disk(&text, name);
            PARSE_ALL.set(true);
            let parsed = crate::extract::extract_from_disk(&text, name);
            PARSE_ALL.set(false);
            assert_eq!(scanned, parsed, "{}", path.display());
        }
    }
}
