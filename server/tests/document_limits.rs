//! Pathological inputs must not panic (nor overflow the stack): deep
//! nesting, a very long line, a very large text.

use talknotes_ls::document::{ChangeError, Document, TextChange, MAX_ANALYSED_BYTES};
use talknotes_ls::pieced::PiecedSyntax;
use talknotes_ls::position::{Position, PositionEncoding};
use talknotes_ls::syntax::Syntax;

fn p(line: u32, character: u32) -> Position {
    Position::new(line, character)
}

/// The deepest block tree of the pieces.
fn tree_depth(pieced: &PiecedSyntax) -> usize {
    (0..pieced.len())
        .map(|i| piece_depth(pieced.syntax(i)))
        .max()
        .unwrap_or(0)
}

fn piece_depth(syntax: &Syntax) -> usize {
    let mut cursor = syntax.block_tree().walk();
    let (mut depth, mut max) = (0usize, 0usize);
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            max = max.max(depth);
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return max;
            }
            depth -= 1;
        }
    }
}

#[test]
fn five_thousand_nested_list_levels() {
    // 5,000 list items nested on one line, then block quotes, then a
    // staircase of indented items.
    let mut text = "- ".repeat(5_000);
    text.push_str("deep *item*\n\n");
    text.push_str(&"> ".repeat(5_000));
    text.push_str("deep quote\n\n");
    for level in 0..300 {
        text.push_str(&" ".repeat(level * 2));
        text.push_str("- step\n");
    }
    let mut doc = Document::new(&text, 0);
    // tree-sitter-md stops opening blocks at 255 levels (its scanner's
    // limit): the list is 512 nodes deep (list + list_item per level), not
    // 10,000; the rest of the markers become text.
    assert!(tree_depth(doc.syntax()) >= 500);
    // Edits inside the deep structure, in the middle and at both ends.
    let changes = [
        TextChange::replace(p(0, 10_000), p(0, 10_000), "x"),
        TextChange::replace(p(0, 5_000), p(0, 5_002), ""),
        TextChange::replace(p(2, 3), p(2, 3), "- "),
        TextChange::replace(p(100, 0), p(100, 0), "  * new\n"),
        TextChange::replace(p(0, 0), p(0, 0), "# Title\n"),
    ];
    doc.apply_changes(&changes, 1, PositionEncoding::Utf16);
    assert!(tree_depth(doc.syntax()) >= 500);
    assert_eq!(
        doc.position_at(usize::MAX, PositionEncoding::Utf16).line,
        306
    );
    // The incremental result equals a fresh parse (compared on the
    // inline trees and the block tree's shape, which is cheaper than the
    // full dump of a 5,000-deep tree).
    same_shape_as_fresh_parses(&doc);
}

/// Each piece's block tree has the shape of a fresh parse of the piece's
/// text, and its inline trees are those of the fresh parse.
fn same_shape_as_fresh_parses(doc: &Document) {
    let text = doc.text();
    let pieced = doc.syntax();
    for i in 0..pieced.len() {
        let piece = &text[pieced.range(i)];
        let fresh = Syntax::parse(piece);
        assert_eq!(
            pieced.syntax(i).block_tree().root_node().to_sexp(),
            fresh.block_tree().root_node().to_sexp()
        );
        assert_eq!(
            inline_sexps(pieced.syntax(i), piece),
            inline_sexps(&fresh, piece)
        );
    }
}

#[test]
fn hundred_thousand_character_line() {
    let unit = "word – é 🐍 [a](b) `c` **d** ";
    let mut line = String::new();
    while line.chars().count() < 100_000 {
        line.push_str(unit);
    }
    let text = format!("# Title\n\n{line}\nend\n");
    let mut doc = Document::new(&text, 0);
    let chars = line.chars().count() as u32;
    let units16 = line.encode_utf16().count() as u32;
    // End of the long line, in each encoding.
    let end = 9 + line.len();
    assert_eq!(doc.offset_at(p(2, units16), PositionEncoding::Utf16), end);
    assert_eq!(doc.offset_at(p(2, chars), PositionEncoding::Utf32), end);
    assert_eq!(doc.offset_at(p(2, u32::MAX), PositionEncoding::Utf8), end);
    assert_eq!(doc.position_at(end, PositionEncoding::Utf16), p(2, units16));
    // Type in the middle and at the end of the long line (each call
    // reparses the whole 100,000-character inline node: keep them few, a
    // debug build of tree-sitter is slow).
    for i in 0..3u32 {
        let changes = [
            TextChange::replace(p(2, units16 / 2 + i), p(2, units16 / 2 + i), "*"),
            TextChange::replace(p(2, u32::MAX), p(2, u32::MAX), "x"),
        ];
        doc.apply_changes(&changes, i as i32 + 1, PositionEncoding::Utf16);
    }
    let text = doc.text();
    assert_eq!(doc.syntax().verify(&text), Ok(()));
}

/// Each inline node's range and tree (without positions), as the
/// extraction reads them.
fn inline_sexps(syntax: &Syntax, text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    syntax.for_each_inline_piece(text, |mut p| {
        let range = p.range.clone();
        if let Some((tree, _)) = p.tree() {
            out.push((range, tree.root_node().to_sexp()));
        }
    });
    out
}

/// Talk-notes shaped text of at least `bytes` bytes.
fn big_notes(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 1_000);
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&format!(
            "## Talk {i}: Typing’s *good* parts\n\n\
             Speaker: Jane Doe • [slides](https://example.com/{i}) PEP 484\n\n\
             * point with `code` and **bold** – 🐍\n* another\n  continued\n\n\
             > quote [ref{i}]\n\n| a | b |\n|---|---|\n| *x* | {i} |\n\n"
        ));
        i += 1;
    }
    text
}

fn large_text(bytes: usize, compare_with_fresh_parse: bool) {
    let text = big_notes(bytes);
    let mut doc = Document::new(&text, 0);
    let last_line = doc.position_at(usize::MAX, PositionEncoding::Utf16).line;
    assert_eq!(last_line as usize, text.matches('\n').count());
    let changes = [
        TextChange::replace(p(last_line / 2, 3), p(last_line / 2, 3), "x **y** "),
        TextChange::replace(p(2, 0), p(2, 0), "\n# Split\n"),
        TextChange::replace(p(u32::MAX, 0), p(u32::MAX, 0), "tail"),
    ];
    assert_eq!(doc.is_analysed(), bytes <= MAX_ANALYSED_BYTES);
    let warnings = doc.apply_changes(&changes, 1, PositionEncoding::Utf16);
    let past_end = warnings
        .iter()
        .filter(|w| matches!(w, ChangeError::RangeOutOfBounds { requested, .. } if requested.line == u32::MAX))
        .count();
    assert_eq!(past_end, 2, "{warnings:?}");
    assert!(doc.text().ends_with("tail"));
    assert_eq!(doc.line_index().line_count() as u32, last_line + 3);
    if compare_with_fresh_parse {
        // Cut at its headings into pieces.
        assert!(doc.syntax().len() > 10);
        same_shape_as_fresh_parses(&doc);
    }
}

/// ~1 MB: runs by default (a few seconds in a debug build, where
/// tree-sitter's C code is compiled without optimisation).
#[test]
fn one_megabyte_text() {
    large_text(1 << 20, true);
}

/// ~20 MB: over [`MAX_ANALYSED_BYTES`], so the text is kept in step
/// (edits, clamping, line index) but never parsed: cheap even in a debug
/// build.
#[test]
fn twenty_megabyte_text() {
    large_text(20 << 20, false);
}
