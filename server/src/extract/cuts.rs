//! Where a note can be cut into pieces that tree-sitter-md parses one
//! apart from the other.
//!
//! Two readers cut notes. A note read from disk is parsed one piece after
//! another, each piece's trees freed before the next is parsed: a block
//! tree costs about 60 bytes per byte of text (tree-sitter-md's block
//! grammar makes a node per word), and a 200 KB note held a 12 MB tree
//! while it was read. An open note keeps one tree per piece
//! (`crate::pieced`): a keystroke reparses its piece, not the note, and
//! tree-sitter's reparse of a long run of blocks costs with the run's
//! length, not the edit's.
//!
//! The cut must not change the model: a piece's outline, shifted to where
//! the piece starts, must be the whole note's outline there (the sections
//! of ATX headings aside: a section cut in two is joined again when the
//! pieces are, see `extract::Joined`). So a cut is made only before a line
//! that ends every open block in any reading of the note:
//!
//! * at column 0, after a blank line: a column-0 line after a blank line
//!   ends every list and block quote unless it starts a list item or a
//!   quote itself, and a blank line has ended any paragraph, table or
//!   type-6/7 HTML block;
//! * an ATX heading (`#` to `######`, then a space, a tab or the line's
//!   end), or a line starting with a letter (which starts a paragraph: no
//!   list marker, quote, fence, HTML block or thematic break starts with
//!   one); a line of notes naming a topic before its list is one;
//! * outside a fence, a type 1–5 HTML block and front matter (they span
//!   blank lines), tracked line by line as CommonMark opens and closes them;
//!   one opened with an indent may be inside a list item, where the next
//!   column-0 line ends it, or at the top level, where it does not: at
//!   such a line the note is not cut any further.
//!
//! A note whose last line has no line ending is not cut before that line:
//! tree-sitter-md recovers from a heading or a fence at the end of the
//! text differently at the start of a text (an `ERROR` root) and after
//! other blocks (a `MISSING` line ending), so a last piece of that line
//! alone could read differently. (A note typed at its end often has no
//! line ending there: not cutting it at all made such a note one piece.)
//!
//! Nor is a note holding a NUL byte: tree-sitter reads it as the end of
//! the input, and its recovery then reads blocks across blank lines and
//! headings (found by the `extract` fuzz target).
//!
//! Anything unclear keeps the note whole: fewer cuts only cost memory and
//! time. `tests/document_props.rs` checks that the model of a note read in
//! pieces equals the model of one parse.

/// The offsets (line starts, increasing, none at 0) where pieces start,
/// each piece at least `min_piece` bytes long except the last.
pub fn cuts(text: &str, min_piece: usize) -> Vec<usize> {
    choose(&safe_points(text), 0, text.len(), min_piece)
}

/// Of the sorted `points`, those strictly inside `start..end` that cut it
/// into pieces at least `min_piece` long (the last one may be shorter),
/// taken greedily from `start`.
pub fn choose(points: &[usize], start: usize, end: usize, min_piece: usize) -> Vec<usize> {
    let from = points.partition_point(|&p| p <= start);
    let mut piece_start = start;
    let mut out = Vec::new();
    for &p in &points[from..] {
        if p >= end {
            break;
        }
        if p - piece_start >= min_piece.max(1) {
            out.push(p);
            piece_start = p;
        }
    }
    out
}

/// Every offset a cut is allowed at (line starts, increasing, none at 0).
pub fn safe_points(text: &str) -> Vec<usize> {
    let mut points = Vec::new();
    scan(text, 0, |p| {
        points.push(p);
        true
    });
    points
}

/// Calls `found` with each offset a cut is allowed at, from `from` on, in
/// order, until it returns false. `from` is 0 or an allowed cut: the text
/// from there reads the same whatever comes before it (outside every
/// block, after a blank line), and so do the cuts after it. An open
/// note's pieces rescan from the piece an edit changed, not the note.
pub fn scan(text: &str, from: usize, mut found: impl FnMut(usize) -> bool) {
    if text.contains('\0') {
        return;
    }
    let mut open = Open::None;
    let mut previous_blank = from > 0;
    let mut at = from;
    let mut first = from == 0;
    for raw in text[from..].split_inclusive('\n') {
        let start = at;
        at += raw.len();
        let mut line = raw.trim_end_matches(['\n', '\r']);
        if first {
            first = false;
            // A byte order mark is not part of the first line's markdown.
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
            if let Some(marker) = front_matter(line) {
                open = Open::FrontMatter(marker);
                continue;
            }
        }
        let column_0 = !line.is_empty() && !line.starts_with([' ', '\t']);
        match open {
            Open::Fence { indented: true, .. } | Open::Html { indented: true, .. } if column_0 => {
                // No cut at or after this line.
                return;
            }
            Open::FrontMatter(marker) => {
                if line.trim_end() == marker {
                    open = Open::None;
                }
                previous_blank = false;
                continue;
            }
            Open::Fence { mark, len, .. } => {
                if closes_fence(line, mark, len) {
                    open = Open::None;
                }
                previous_blank = false;
                continue;
            }
            Open::Html { end, .. } => {
                if contains_end(line, end) {
                    open = Open::None;
                }
                previous_blank = false;
                continue;
            }
            Open::None => {}
        }
        let blank = line.trim().is_empty();
        // Not before a last line without a line ending.
        let cut_here = previous_blank && start > 0 && raw.ends_with('\n');
        if cut_here && line.starts_with(char::is_alphabetic) {
            if !found(start) {
                return;
            }
        } else if let Some((indent, rest)) = block_start(line) {
            if atx_level(rest).is_some() {
                if indent == 0 && cut_here && !found(start) {
                    return;
                }
            } else if let Some((mark, len)) = opens_fence(rest) {
                open = Open::Fence {
                    mark,
                    len,
                    indented: indent > 0,
                };
            } else if let Some((opener, end)) = opens_html(rest) {
                if !contains_end(&rest[opener..], end) {
                    open = Open::Html {
                        end,
                        indented: indent > 0,
                    };
                }
            }
        }
        previous_blank = blank;
    }
}

/// The block-level construct a cut must not fall inside of.
#[derive(Clone, Copy)]
enum Open {
    None,
    FrontMatter(&'static str),
    /// `indented`: opened after one to three spaces.
    Fence {
        mark: u8,
        len: usize,
        indented: bool,
    },
    Html {
        end: HtmlEnd,
        indented: bool,
    },
}

/// What ends a type 1–5 HTML block: a line that contains one of these.
#[derive(Clone, Copy)]
enum HtmlEnd {
    Any(&'static [&'static str]),
}

/// `---` or `+++` alone on the first line opens YAML or TOML front matter,
/// closed by the same line.
fn front_matter(line: &str) -> Option<&'static str> {
    match line.trim_end() {
        "---" => Some("---"),
        "+++" => Some("+++"),
        _ => None,
    }
}

/// A line indented at most three spaces (no tab: a tab reaches column 4):
/// its indent and the rest.
fn block_start(line: &str) -> Option<(usize, &str)> {
    let indent = line.bytes().take_while(|&b| b == b' ').count();
    (indent <= 3 && !line[indent..].starts_with('\t')).then(|| (indent, &line[indent..]))
}

fn atx_level(rest: &str) -> Option<u8> {
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    let after = rest.as_bytes().get(hashes);
    ((1..=6).contains(&hashes) && matches!(after, None | Some(b' ' | b'\t')))
        .then_some(hashes as u8)
}

/// Three or more backticks (with no backtick in the info string after
/// them) or three or more tildes: the fence character and its count.
fn opens_fence(rest: &str) -> Option<(u8, usize)> {
    let mark = *rest.as_bytes().first()?;
    if mark != b'`' && mark != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&b| b == mark).count();
    if len < 3 || (mark == b'`' && rest[len..].contains('`')) {
        return None;
    }
    Some((mark, len))
}

/// At most three spaces, at least `len` fence characters, then only
/// spaces and tabs.
fn closes_fence(line: &str, mark: u8, len: usize) -> bool {
    let Some((_, rest)) = block_start(line) else {
        return false;
    };
    let count = rest.bytes().take_while(|&b| b == mark).count();
    count >= len && rest[count..].trim().is_empty()
}

/// The start of a type 1–5 HTML block: the opener's length and what ends
/// the block.
fn opens_html(rest: &str) -> Option<(usize, HtmlEnd)> {
    const RAW: &[&str] = &["</script>", "</pre>", "</style>", "</textarea>"];
    // Bytes: the line may go on with any character.
    let lower = rest.as_bytes()[..rest.len().min(10)].to_ascii_lowercase();
    for tag in ["<script", "<pre", "<style", "<textarea"] {
        if let Some(after) = lower.strip_prefix(tag.as_bytes()) {
            // Type 1 when the tag name ends here (`<pre>`, `<pre class`),
            // not `<prefix>`.
            if matches!(after.first(), None | Some(b' ' | b'\t' | b'>')) {
                return Some((tag.len(), HtmlEnd::Any(RAW)));
            }
        }
    }
    let table: [(&str, &'static [&'static str]); 3] =
        [("<!--", &["-->"]), ("<![CDATA[", &["]]>"]), ("<?", &["?>"])];
    for (opener, end) in table {
        if rest.starts_with(opener) {
            return Some((opener.len(), HtmlEnd::Any(end)));
        }
    }
    // Type 4 (`<!DOCTYPE`): tree-sitter-md does not end it where
    // CommonMark does (not at `?>`, nor at a `>` on its first line), so it
    // is taken to run to the end: rare in notes, and only cuts are lost.
    if rest.starts_with("<!") && rest.as_bytes().get(2).is_some_and(u8::is_ascii_alphabetic) {
        return Some((2, HtmlEnd::Any(&[])));
    }
    None
}

/// Whether `line` holds an end of the HTML block (type 1's end tags in any
/// case). The block's first line is searched after its opener only: a
/// block kept open longer than CommonMark keeps it only loses cuts.
fn contains_end(line: &str, end: HtmlEnd) -> bool {
    let HtmlEnd::Any(ends) = end;
    let lower = line.to_ascii_lowercase();
    ends.iter().any(|e| lower.contains(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        let mut at = 0;
        let mut out = Vec::new();
        for cut in cuts(text, 0).into_iter().chain([text.len()]) {
            out.push(&text[at..cut]);
            at = cut;
        }
        out
    }

    #[test]
    fn cuts_before_headings_after_a_blank_line() {
        let text = "# A (Ann)\n\n* note\n\n# B (Bo)\ntext\n# C\n\n## D\n\n# E\n";
        assert_eq!(
            pieces(text),
            // `# C` has no blank line before; `## D` is cut before though
            // it is inside `# C`'s section (joined again after).
            [
                "# A (Ann)\n\n* note\n\n",
                "# B (Bo)\ntext\n# C\n\n",
                "## D\n\n",
                "# E\n"
            ]
        );
    }

    #[test]
    fn cuts_before_a_line_of_prose_after_a_blank_line() {
        let text = "Topic\n- a\n\nNext\n- b\n\n- c\n\n1. d\n\n> q\n\n  e\n\n***\n\nÉcole\n";
        assert_eq!(
            pieces(text),
            // A list item, an ordered one, a quote, an indented line and
            // a thematic break could all belong to what comes before.
            [
                "Topic\n- a\n\n",
                "Next\n- b\n\n- c\n\n1. d\n\n> q\n\n  e\n\n***\n\n",
                "École\n"
            ]
        );
    }

    #[test]
    fn no_cut_inside_fences_html_blocks_or_front_matter() {
        for text in [
            "x\n\n```\n\n# not a heading\n```\n",
            "x\n\n~~~~\n~~~\n\n# not a heading\n~~~~\n",
            "x\n\n  ```py\n\n# not a heading\n",
            // In a list item, the fence ends at `# y`, and the next one is
            // left open: no cut from the ambiguous line on.
            "- a\n\n  ```\n\n# y\n```\n\n# not a heading\n",
            "- a\n\n  <!--\n\n# y\n<!--\n\n# not a heading\n",
            "x\n\n<!-- a\n\n# not a heading\n-->\n",
            "x\n\n<PRE>\n\n# not a heading\n</pre>\n",
            "x\n\n<?php\n\n# not a heading\n?>\n",
            "x\n\n<![CDATA[é\n\n# not a heading\n]]>\n",
            "x\n\n<textarea>é\n\n# not a heading\n</TEXTAREA>\n",
            "x\n\n<!DOCTYPE\n\n# not a heading\n>\n",
            "x\n\n<!DOCTYPE html>\n\n# not a heading in tree-sitter-md\n",
            "---\ntitle: x\n\n# not a heading\n---\n",
            "x\n\n    # indented code\n",
            "x\n\n\t# indented code\n",
            "x\n# no blank line before\n",
            "x\n\n#hashtag\n",
            "x\n\n# no line ending",
            "x\n\nno line ending",
            "x\0\n\n# a NUL byte\n",
        ] {
            assert_eq!(pieces(text), [text], "{text:?}");
        }
    }

    #[test]
    fn fences_and_html_blocks_close() {
        let text = "```\n# code\n```\n\n# A\n\n<!-- c -->\n\n# B\n\n<pre>\n</pre>\n\n# C\n";
        assert_eq!(pieces(text).len(), 4);
        // A backtick in the info string: inline code, not a fence.
        assert_eq!(pieces("``` a`b\n\n# A\n").len(), 2);
        // A closing fence needs as many marks.
        assert_eq!(pieces("````\n```\n\n# A\n").len(), 1);
    }

    #[test]
    fn pieces_are_at_least_min_piece_long() {
        let text = "# A\n\n- x\n\n# B\n\n- x\n\n# C\n\n- x\n\n# D\n";
        assert_eq!(cuts(text, 0), [10, 20, 30]);
        assert_eq!(cuts(text, 11), [20]);
        assert_eq!(cuts(text, 100), Vec::<usize>::new());
        // Within a part of the text only.
        assert_eq!(choose(&safe_points(text), 10, 30, 0), [20]);
    }

    #[test]
    fn a_byte_order_mark_is_not_read_as_text() {
        assert_eq!(cuts("\u{feff}# A\n\n## B\n\n# C\n", 0), [8, 14]);
        assert_eq!(cuts("\u{feff}---\n\nx\n---\n\nA\n", 0), [15]);
    }

    #[test]
    fn a_last_line_without_a_line_ending_is_not_cut_before() {
        assert_eq!(pieces("a\n\nb\n\nc"), ["a\n\n", "b\n\nc"]);
    }

    #[test]
    fn crlf_lines_are_read_like_lf_lines() {
        let text = "# A\r\n\r\nx\r\n\r\n# B\r\n";
        assert_eq!(pieces(text), ["# A\r\n\r\n", "x\r\n\r\n", "# B\r\n"]);
    }
}
