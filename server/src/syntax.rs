//! The markdown parse: tree-sitter-md's two levels, owned here.
//!
//! tree-sitter-md parses markdown in two passes: a *block* grammar for the
//! document structure, whose `inline` and `pipe_table_cell` nodes are then
//! parsed one by one with the *inline* grammar (restricted, with
//! `set_included_ranges`, to the node's range minus its named children such
//! as `block_continuation`). The crate's `MarkdownParser::parse(text,
//! Some(old))` re-runs the inline parser over every inline node on every
//! edit: O(document) per keystroke.
//!
//! [`Syntax`] keeps the same two levels but maintains them itself:
//!
//! * the block tree is edited and reparsed incrementally;
//! * inline trees are kept in a map keyed by their node's byte range, and an
//!   old inline tree is reused (shifted with `Tree::edit`) only when its
//!   range, mapped through the edits, equals a node's range in the new block
//!   tree, the included ranges match too, no edit touched it and it does not
//!   intersect the block tree's `changed_ranges`. Everything else is parsed
//!   afresh. The inline ranges are computed exactly as tree-sitter-md's
//!   `parse_with_options` does, including its quirk of never excluding the
//!   node's *first* child (so in `> a\n> b` the second line's `> ` is part
//!   of the inline parse, but not in `> *a\n> b`, whose first child is the
//!   anonymous `*`; see `first_child_is_never_excluded_like_tree_sitter_md`),
//!   so [`Syntax::dump`] of an incrementally
//!   maintained `Syntax` equals that of a fresh [`Syntax::parse`] (checked by
//!   `tests/document_props.rs`).
//!
//! # Can an inline tree change when an edit is outside its range?
//!
//! No. The inline parser is run per node and only ever sees the bytes of
//! its included ranges (tree-sitter's lexer cannot read outside them), and
//! tree-sitter-md does not resolve link references: `[foo]` is a
//! `shortcut_link` whether or not a `[foo]: /url` definition exists anywhere
//! (the test `link_reference_definitions_do_not_affect_inline_trees` checks
//! this). So an inline tree is a function of its included ranges' bytes and
//! where they start; when those are unchanged, only its positions move,
//! which `Tree::edit` takes care of. What *can* change without an edit inside
//! an inline node is the node itself (its range, or its named children such
//! as a `block_continuation`, e.g. a lazy continuation line joining or
//! leaving a paragraph): those cases fail the range/included-range/changed
//! range checks and are reparsed.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range as ByteRange;

use ropey::Rope;
use tree_sitter::{InputEdit, Node, Parser, Range, Tree};

/// A parsed markdown document: the block tree plus one inline tree per
/// `inline`/`pipe_table_cell` node, keyed by the node's byte range.
///
/// `Send + Sync` (it only holds trees); the parsers live in a thread-local.
#[derive(Clone, Debug)]
pub struct Syntax {
    block: Tree,
    /// Key: `(start_byte, end_byte)` of the block tree's inline node.
    inlines: BTreeMap<(usize, usize), Inline>,
}

#[derive(Clone, Debug)]
struct Inline {
    tree: Tree,
    /// The node's named children excluded from the inline parse, as byte
    /// ranges relative to the node's start (usually none; a paragraph in a
    /// list item or block quote excludes its `block_continuation`s).
    holes: Vec<(usize, usize)>,
}

/// The text being parsed, read chunk by chunk.
#[derive(Clone, Copy)]
enum Text<'a> {
    Str(&'a str),
    Rope(&'a Rope),
}

impl<'a> Text<'a> {
    fn read(self, byte: usize) -> &'a [u8] {
        match self {
            Text::Str(s) => s.as_bytes().get(byte..).unwrap_or_default(),
            Text::Rope(r) => {
                if byte >= r.len_bytes() {
                    return &[];
                }
                let (chunk, start, _, _) = r.chunk_at_byte(byte);
                chunk.as_bytes().get(byte - start..).unwrap_or_default()
            }
        }
    }
}

struct Parsers {
    block: Parser,
    inline: Parser,
}

impl Parsers {
    fn new() -> Parsers {
        let mut block = Parser::new();
        let mut inline = Parser::new();
        // A failure (ABI mismatch) makes every parse return None, which is
        // handled below; it cannot happen with the pinned versions.
        let _ = block.set_language(&tree_sitter_md::LANGUAGE.into());
        let _ = inline.set_language(&tree_sitter_md::INLINE_LANGUAGE.into());
        Parsers { block, inline }
    }

    fn parse_block(&mut self, text: Text, old: Option<&Tree>) -> Option<Tree> {
        let tree = self
            .block
            .parse_with_options(&mut |byte, _| text.read(byte), old, None);
        if tree.is_none() {
            self.block.reset();
        }
        tree
    }

    /// A block tree for `text`, falling back to the tree of an empty text.
    fn parse_block_or_empty(&mut self, text: Text) -> Tree {
        if let Some(tree) = self.parse_block(text, None) {
            return tree;
        }
        match self.parse_block(Text::Str(""), None) {
            Some(tree) => tree,
            // Only reachable if the block language could not be loaded.
            None => panic!("tree-sitter-md's block language cannot be used"),
        }
    }

    fn parse_inline(&mut self, text: Text, node: Node) -> Option<Inline> {
        #[cfg(test)]
        tests::INLINE_PARSES.with(|n| n.set(n.get() + 1));
        self.inline
            .set_included_ranges(&included_ranges(node))
            .ok()?;
        let tree = self
            .inline
            .parse_with_options(&mut |byte, _| text.read(byte), None, None);
        if tree.is_none() {
            self.inline.reset();
        }
        Some(Inline {
            tree: tree?,
            holes: holes(node),
        })
    }
}

thread_local! {
    static PARSERS: RefCell<Option<Parsers>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's parsers (fresh ones if they are unavailable).
fn with_parsers<R>(f: impl FnOnce(&mut Parsers) -> R) -> R {
    let mut f = Some(f);
    let done = PARSERS.try_with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        let f = f.take()?;
        Some(f(slot.get_or_insert_with(Parsers::new)))
    });
    match (done, f) {
        (Ok(Some(result)), _) => result,
        (_, Some(f)) => f(&mut Parsers::new()),
        (_, None) => unreachable!("f runs at most once"),
    }
}

fn is_inline_kind(node: &Node) -> bool {
    matches!(node.kind(), "inline" | "pipe_table_cell")
}

/// Calls `f` on every `inline`/`pipe_table_cell` node of the block tree in
/// document order, not descending into them: tree-sitter-md's traversal.
fn for_each_inline_node<'t>(tree: &'t Tree, mut f: impl FnMut(Node<'t>)) {
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let inline = is_inline_kind(&node);
        if inline {
            f(node);
        }
        if !inline && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// The node's named children that tree-sitter-md leaves out of the inline
/// parse. Like tree-sitter-md, this starts looking at the *second* child.
fn excluded_children(node: Node) -> impl Iterator<Item = Node> {
    let mut cursor = node.walk();
    let mut started = false;
    std::iter::from_fn(move || {
        if !started {
            started = true;
            if !cursor.goto_first_child() {
                return None;
            }
        }
        while cursor.goto_next_sibling() {
            if cursor.node().is_named() {
                return Some(cursor.node());
            }
        }
        None
    })
}

/// The ranges tree-sitter-md parses an inline node with: its range minus
/// its named children (first child excepted).
fn included_ranges(node: Node) -> Vec<Range> {
    let mut range = node.range();
    let mut ranges = Vec::new();
    for child in excluded_children(node) {
        ranges.push(Range {
            start_byte: range.start_byte,
            start_point: range.start_point,
            end_byte: child.start_byte(),
            end_point: child.start_position(),
        });
        range.start_byte = child.end_byte();
        range.start_point = child.end_position();
    }
    ranges.push(range);
    ranges
}

fn holes(node: Node) -> Vec<(usize, usize)> {
    let base = node.start_byte();
    excluded_children(node)
        .map(|c| (c.start_byte() - base, c.end_byte() - base))
        .collect()
}

/// Whether the closed intervals `[a0, a1]` and `[b0, b1]` meet.
fn touches(a0: usize, a1: usize, b0: usize, b1: usize) -> bool {
    a0 <= b1 && b0 <= a1
}

impl Syntax {
    /// Parses `text` from scratch.
    pub fn parse(text: &str) -> Syntax {
        with_parsers(|p| Self::parse_with(p, Text::Str(text)))
    }

    /// Parses a rope from scratch, reading its chunks (no copy).
    pub fn parse_rope(rope: &Rope) -> Syntax {
        with_parsers(|p| Self::parse_with(p, Text::Rope(rope)))
    }

    fn parse_with(p: &mut Parsers, text: Text) -> Syntax {
        let block = p.parse_block_or_empty(text);
        let mut inlines = BTreeMap::new();
        for_each_inline_node(&block, |node| {
            if let Some(inline) = p.parse_inline(text, node) {
                inlines.insert((node.start_byte(), node.end_byte()), inline);
            }
        });
        Syntax { block, inlines }
    }

    /// Applies one edit already made to the text: `edit` was computed
    /// before the text changed (byte offsets, and points whose column is in
    /// bytes), `rope` is the text after.
    pub fn edit(&mut self, edit: &InputEdit, rope: &Rope) {
        self.edit_many(std::slice::from_ref(edit), rope)
    }

    /// Applies several edits made one after the other (each described in
    /// the coordinates left by the previous ones), then reparses once.
    /// `rope` is the text after all of them.
    pub fn edit_many(&mut self, edits: &[InputEdit], rope: &Rope) {
        if edits.is_empty() {
            return;
        }
        let text = Text::Rope(rope);
        with_parsers(|p| {
            for edit in edits {
                self.block.edit(edit);
            }
            let Some(block) = p.parse_block(text, Some(&self.block)) else {
                *self = Self::parse_with(p, text);
                return;
            };
            // Sorted, non-overlapping, in the new text's coordinates.
            let changed: Vec<(usize, usize)> = self
                .block
                .changed_ranges(&block)
                .map(|r| (r.start_byte, r.end_byte))
                .collect();
            let in_changed = |start: usize, end: usize| {
                let i = changed.partition_point(|&(_, e)| e < start);
                changed
                    .get(i)
                    .is_some_and(|&(s, e)| touches(s, e, start, end))
            };

            // Carry the old inline trees through the edits; drop the ones an
            // edit touches.
            let mut kept = BTreeMap::new();
            'entries: for ((mut start, mut end), mut inline) in std::mem::take(&mut self.inlines) {
                for edit in edits {
                    if touches(start, end, edit.start_byte, edit.old_end_byte) {
                        continue 'entries;
                    }
                    if start > edit.old_end_byte {
                        start = start - edit.old_end_byte + edit.new_end_byte;
                        end = end - edit.old_end_byte + edit.new_end_byte;
                        inline.tree.edit(edit);
                    }
                }
                kept.insert((start, end), inline);
            }

            let mut inlines = BTreeMap::new();
            for_each_inline_node(&block, |node| {
                let key = (node.start_byte(), node.end_byte());
                let reused = kept
                    .remove(&key)
                    .filter(|old| !in_changed(key.0, key.1) && old.holes == holes(node));
                if let Some(inline) = reused.or_else(|| p.parse_inline(text, node)) {
                    inlines.insert(key, inline);
                }
            });
            self.block = block;
            self.inlines = inlines;
        })
    }

    /// The block tree.
    pub fn block_tree(&self) -> &Tree {
        &self.block
    }

    /// The inline tree for a block-tree node of kind `inline` or
    /// `pipe_table_cell`, if any.
    pub fn inline_tree(&self, inline_node: &Node) -> Option<&Tree> {
        if !is_inline_kind(inline_node) {
            return None;
        }
        self.inlines
            .get(&(inline_node.start_byte(), inline_node.end_byte()))
            .map(|inline| &inline.tree)
    }

    /// Every inline tree with its node's byte range, in document order.
    pub fn inline_trees(&self) -> impl Iterator<Item = (ByteRange<usize>, &Tree)> + '_ {
        self.inlines
            .iter()
            .map(|(&(start, end), inline)| (start..end, &inline.tree))
    }

    /// A canonical text dump for tests: every node of the block tree (kind,
    /// field, byte range, points), then every inline tree the same way with
    /// its node's byte range. More thorough than s-expressions, which leave
    /// out positions.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        let mut count = 0;
        for_each_inline_node(&self.block, |_| count += 1);
        let _ = writeln!(
            out,
            "block ({count} inline nodes, {} inline trees)",
            self.inlines.len()
        );
        dump_tree(&mut out, &self.block);
        for (&(start, end), inline) in &self.inlines {
            let _ = writeln!(out, "inline {start}..{end} holes {:?}", inline.holes);
            dump_tree(&mut out, &inline.tree);
        }
        out
    }
}

fn dump_tree(out: &mut String, tree: &Tree) {
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        let node = cursor.node();
        let _ = write!(out, "{:1$}", "", depth * 2);
        if let Some(field) = cursor.field_name() {
            let _ = write!(out, "{field}: ");
        }
        let (s, e) = (node.start_position(), node.end_position());
        let _ = writeln!(
            out,
            "{}{:?} {}..{} ({},{})-({},{}){}",
            if node.is_named() { "" } else { "'" },
            node.kind(),
            node.start_byte(),
            node.end_byte(),
            s.row,
            s.column,
            e.row,
            e.column,
            if node.is_missing() { " MISSING" } else { "" },
        );
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use tree_sitter::Point;
    use tree_sitter_md::MarkdownParser;

    thread_local! {
        pub(super) static INLINE_PARSES: Cell<usize> = const { Cell::new(0) };
    }

    /// The dump of tree-sitter-md's own parser, in `Syntax::dump`'s format.
    fn reference_dump(text: &str) -> String {
        let tree = MarkdownParser::default()
            .parse(text.as_bytes(), None)
            .unwrap();
        let mut trees = Vec::new();
        for_each_inline_node(tree.block_tree(), |node| {
            let inline = tree.inline_tree(&node).unwrap();
            trees.push((
                node.start_byte(),
                node.end_byte(),
                holes(node),
                inline.clone(),
            ));
        });
        let mut out = String::new();
        let _ = writeln!(
            out,
            "block ({} inline nodes, {} inline trees)",
            trees.len(),
            tree.inline_trees().len()
        );
        dump_tree(&mut out, tree.block_tree());
        trees.sort_by_key(|t| (t.0, t.1));
        for (start, end, holes, inline) in trees {
            let _ = writeln!(out, "inline {start}..{end} holes {holes:?}");
            dump_tree(&mut out, &inline);
        }
        out
    }

    fn point_of(text: &str, byte: usize) -> Point {
        let before = &text[..byte];
        let row = before.matches('\n').count();
        let column = byte - before.rfind('\n').map_or(0, |i| i + 1);
        Point { row, column }
    }

    /// Replaces `range` of `text` by `new`, applying it to `syntax`.
    fn edit(text: &mut String, syntax: &mut Syntax, range: ByteRange<usize>, new: &str) {
        let edit = InputEdit {
            start_byte: range.start,
            old_end_byte: range.end,
            new_end_byte: range.start + new.len(),
            start_position: point_of(text, range.start),
            old_end_position: point_of(text, range.end),
            new_end_position: {
                let mut t = text[..range.start].to_string();
                t.push_str(new);
                point_of(&t, t.len())
            },
        };
        text.replace_range(range, new);
        syntax.edit(&edit, &Rope::from_str(text));
    }

    const NOTES: &str = "\
# PyCon 2024\n\
\n\
## Talk: Typing – the *good* parts\n\
\n\
Speaker: Jane Doe’s talk, see [slides](https://example.com/s) and PEP 484.\n\
\n\
* point one with `code`\n\
* point two\n\
  continued **bold** line\n\
> quoted [ref]\n\
> more 🐍 text\n\
\n\
| a | b |\n\
|---|---|\n\
| *x* | é |\n\
\n\
[ref]: https://example.com\n";

    #[test]
    fn full_parse_matches_tree_sitter_md() {
        for text in [
            NOTES,
            "",
            "\n",
            "plain",
            "- a\n  - b\n    - c",
            "| x |\n|--|\n| y |",
        ] {
            assert_eq!(Syntax::parse(text).dump(), reference_dump(text), "{text:?}");
            assert_eq!(
                Syntax::parse_rope(&Rope::from_str(text)).dump(),
                Syntax::parse(text).dump()
            );
        }
    }

    #[test]
    fn inline_tree_lookup() {
        let syntax = Syntax::parse("Inline [content].\n");
        let paragraph = syntax
            .block_tree()
            .root_node()
            .child(0)
            .unwrap()
            .child(0)
            .unwrap();
        assert_eq!(paragraph.kind(), "paragraph");
        let inline = paragraph.child(0).unwrap();
        let tree = syntax.inline_tree(&inline).unwrap();
        assert_eq!(tree.root_node().child(0).unwrap().kind(), "shortcut_link");
        assert!(syntax.inline_tree(&paragraph).is_none());
        assert_eq!(syntax.inline_trees().count(), 1);
    }

    #[test]
    fn pipe_table_cells_have_inline_trees() {
        let syntax = Syntax::parse("| foo |\n| --- |\n| *bar*|\n");
        let kinds: Vec<_> = syntax
            .inline_trees()
            .map(|(_, t)| t.root_node().child(0).map(|n| n.kind()))
            .collect();
        assert!(kinds.contains(&Some("emphasis")), "{kinds:?}");
    }

    #[test]
    fn incremental_edits_equal_fresh_parse() {
        let mut text = NOTES.to_string();
        let mut syntax = Syntax::parse(&text);
        let steps: &[(&str, &str)] = &[
            ("Typing", "Typing!"),
            ("PyCon", "EuroPython"),
            ("* point two", "* point 2\n\n# New heading"),
            ("> more", "more"),
            ("| *x* | é |", "| *x* | é | z |"),
            ("[ref]: https://example.com\n", ""),
            ("\n\n## Talk", "\n## Talk"),
            ("# PyCon", "PyCon"),
        ];
        for &(from, to) in steps {
            if let Some(at) = text.find(from) {
                edit(&mut text, &mut syntax, at..at + from.len(), to);
                assert_eq!(
                    syntax.dump(),
                    Syntax::parse(&text).dump(),
                    "after {from:?} -> {to:?}"
                );
            }
        }
        // Typing character by character at the end and in the middle.
        for (i, c) in "hello *world* [x](y) 🐍".char_indices() {
            let at = text.len();
            edit(&mut text, &mut syntax, at..at, &c.to_string());
            let mid = text.len() / 2;
            let mid = (mid..).find(|&m| text.is_char_boundary(m)).unwrap();
            edit(
                &mut text,
                &mut syntax,
                mid..mid,
                if i % 2 == 0 { "*" } else { "\n" },
            );
            assert_eq!(syntax.dump(), Syntax::parse(&text).dump(), "step {i}");
        }
    }

    #[test]
    fn unrelated_edit_reuses_inline_trees() {
        let mut text = String::new();
        for i in 0..50 {
            text.push_str(&format!("## Talk {i}\n\nSome *notes* about talk {i}.\n\n"));
        }
        let mut syntax = Syntax::parse(&text);
        assert_eq!(syntax.inline_trees().count(), 100);
        for (needle, insert) in [
            ("about talk 25", "X"),
            ("Talk 7\n", "!"),
            ("*notes* about talk 40", "`"),
        ] {
            let at = text.find(needle).unwrap();
            let parses = INLINE_PARSES.with(|n| n.get());
            edit(&mut text, &mut syntax, at..at, insert);
            let parsed = INLINE_PARSES.with(|n| n.get()) - parses;
            assert_eq!(parsed, 1, "inserting {insert:?} at {needle:?}");
            assert_eq!(syntax.dump(), Syntax::parse(&text).dump());
        }
    }

    #[test]
    fn link_reference_definitions_do_not_affect_inline_trees() {
        let with = Syntax::parse("[foo] and [bar][foo]\n\n[foo]: /url\n");
        let without = Syntax::parse("[foo] and [bar][foo]\n");
        let first = |s: &Syntax| {
            let (range, tree) = s.inline_trees().next().unwrap();
            let mut out = String::new();
            dump_tree(&mut out, tree);
            (range, out)
        };
        assert_eq!(first(&with), first(&without));
    }

    /// tree-sitter-md's `parse_with_options` starts looking for named
    /// children to exclude at the inline node's *second* child, so a
    /// `block_continuation` that is the first child stays in the inline
    /// parse: in `> a\n> b` the inline parser sees `a\n> b`, while in
    /// `> *a\n> b\n> c*` (first child: the anonymous `*`) both `> ` are
    /// excluded. We copy this so that our trees equal tree-sitter-md's.
    #[test]
    fn first_child_is_never_excluded_like_tree_sitter_md() {
        let ranges = |text: &str| {
            let syntax = Syntax::parse(text);
            let mut out = Vec::new();
            for_each_inline_node(&syntax.block, |node| {
                let named = (0..node.named_child_count() as u32)
                    .filter_map(|i| node.named_child(i))
                    .map(|c| c.kind().to_owned())
                    .collect::<Vec<_>>();
                let included = included_ranges(node)
                    .iter()
                    .map(|r| r.start_byte..r.end_byte)
                    .collect::<Vec<_>>();
                out.push((named, included));
            });
            out
        };
        assert_eq!(
            ranges("> a\n> b\n"),
            [(
                vec!["block_continuation".to_owned()],
                std::iter::once(2..7).collect::<Vec<_>>()
            )]
        );
        assert_eq!(
            ranges("> *a\n> b\n> c*\n"),
            [(
                vec![
                    "block_continuation".to_owned(),
                    "block_continuation".to_owned()
                ],
                vec![2..5, 7..9, 11..13]
            )]
        );
        assert_eq!(
            Syntax::parse("> *a\n> b\n> c*\n").dump(),
            reference_dump("> *a\n> b\n> c*\n")
        );
        assert_eq!(
            Syntax::parse("> a\n> b\n").dump(),
            reference_dump("> a\n> b\n")
        );
    }

    #[test]
    fn syntax_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Syntax>();
    }
}
