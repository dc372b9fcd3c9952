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
//! * an open document keeps no inline tree at all, only the list of its
//!   inline nodes (range and holes), maintained through edits exactly as
//!   the kept trees are ([`Syntax::parse_on_demand`]): its extraction
//!   memoises each node's links by the node's bytes, so it asks for the
//!   trees of the nodes an edit changed, which are parsed then and freed
//!   after (the inline trees were ~5.5 MB of a 200 KB note's 17.5);
//! * an inline node whose bytes hold none of `[`, `<` and `` ` `` is not
//!   parsed at all: without them the inline grammar makes no link,
//!   autolink or code span, which is all the product reads from inline
//!   trees (`grammar/queries/inline.scm`). In real notes most inline nodes
//!   are such plain prose, and their parse was a third of the whole parse
//!   (see [`may_hold_links`]). Of the rest, the extraction reads most
//!   without their tree too: prose with plain `[text](url)` links and
//!   `` `code` `` spans only (`extract/simple_inline.rs`); the tree is
//!   parsed only when asked for ([`InlinePiece::tree`]).
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
use std::fmt::Write as _;
use std::ops::Range as ByteRange;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, LazyLock};

use ropey::Rope;
use tree_sitter::{InputEdit, Node, Parser, Range, Tree, TreeCursor};

/// A parsed markdown document: the block tree plus, per
/// `inline`/`pipe_table_cell` node that may hold a link or a code span
/// ([`may_hold_links`]), keyed by the node's byte range, its inline tree
/// or (see [`Mode`]) what to parse it from when it is read.
///
/// `Send + Sync` (it only holds trees); the parsers live in a thread-local.
#[derive(Clone, Debug)]
pub struct Syntax {
    block: Tree,
    /// By `(start_byte, end_byte)` of the block tree's inline node, sorted
    /// (the ranges do not overlap). A sorted vector, not a map: an edit
    /// keeps nearly all of them in order and merges in the few it parsed.
    inlines: Vec<((usize, usize), Inline)>,
    /// Which inline trees are kept.
    mode: Mode,
    /// Unique to this parse state (each parse and edit makes a new one).
    id: u64,
    /// How `edit_many` came here from the state `step.from`.
    step: Option<Arc<Step>>,
}

/// One incremental step: the edits, and where the block tree may differ
/// from the previous one other than by a shift. Outside `dirty` every
/// node is an old node moved by the edits, with the same descendants: what
/// was read from it can be reused (the outline in `extract::blocks`).
#[derive(Debug)]
pub struct Step {
    /// The id of the syntax the edits were applied to.
    pub from: u64,
    edits: Vec<InputEdit>,
    /// Closed byte ranges of the new text, sorted and disjoint: the edits
    /// widened to the inline nodes they touched, and the block tree's
    /// changed ranges.
    dirty: Vec<(usize, usize)>,
}

impl Step {
    /// Whether a node of the new tree spanning `start..end` lies away from
    /// everything that changed (touching counts as changed).
    pub fn is_clean(&self, start: usize, end: usize) -> bool {
        !in_ranges(&self.dirty, start, end)
    }

    /// Where `start..end` of the old text is in the new one; None when an
    /// edit touches it.
    pub fn map_old(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let (mut s, mut e) = (start, end);
        for edit in &self.edits {
            if touches(s, e, edit.start_byte, edit.old_end_byte) {
                return None;
            }
            (s, e) = map_range((s, e), edit);
        }
        Some((s, e))
    }
}

fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What a [`Syntax`] keeps of the inline level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Every inline tree, parsed up front ([`Syntax::parse`]).
    Kept,
    /// The list of inline nodes (range and holes), no tree: a tree is
    /// parsed when read and freed after ([`Syntax::parse_on_demand`], an
    /// open document: its extraction memoises each node's links by the
    /// node's bytes, so after an edit it reads the trees of the few nodes
    /// whose bytes changed, and keeping the others' trees was ~5.5 MB for
    /// a 200 KB note).
    OnDemand,
    /// Nothing: the inline nodes are found and parsed when read
    /// ([`Syntax::parse_block_only`], a one-shot analysis).
    Unlisted,
}

#[derive(Clone, Debug)]
struct Inline {
    /// Positioned where the node was when parsed, or when `shift` was last
    /// applied: an edit before the node only adds to `shift`. None in
    /// [`Mode::OnDemand`].
    tree: Option<Tree>,
    /// The node's named children excluded from the inline parse, as byte
    /// ranges relative to the node's start (usually none; a paragraph in a
    /// list item or block quote excludes its `block_continuation`s).
    holes: Vec<(usize, usize)>,
    /// How far the edits since moved the node, not yet applied to `tree`.
    shift: Shift,
}

/// One inline node, as [`Syntax::for_each_inline_piece`] gives it: what
/// its inline tree is a function of, and the tree when asked for.
pub struct InlinePiece<'a> {
    /// The inline node's byte range in the text now.
    pub range: ByteRange<usize>,
    /// Cut out of the parse, relative to the node's start.
    pub holes: &'a [(usize, usize)],
    tree: PieceTree<'a>,
}

enum PieceTree<'a> {
    /// Where the tree has the node's start: the node's start now, less
    /// the edits' pending [`Shift`].
    Kept {
        tree: &'a Tree,
        origin: usize,
    },
    /// Parses the node in the current text (so at its current start).
    Parse(&'a mut (dyn FnMut() -> Option<Tree> + 'a)),
    Parsed(Option<Tree>),
}

impl InlinePiece<'_> {
    /// The node's inline tree, and where its byte offsets put the node's
    /// start (a node of the tree is at `n.byte_range()` less that in the
    /// node's bytes); parsed on the first call when not kept. None if the
    /// parse failed.
    pub fn tree(&mut self) -> Option<(&Tree, usize)> {
        if let PieceTree::Parse(parse) = &mut self.tree {
            let tree = parse();
            self.tree = PieceTree::Parsed(tree);
        }
        match &self.tree {
            PieceTree::Kept { tree, origin } => Some((tree, *origin)),
            PieceTree::Parsed(tree) => tree.as_ref().map(|t| (t, self.range.start)),
            PieceTree::Parse(_) => None,
        }
    }
}

/// A move by whole bytes and rows, columns unchanged: what an edit that
/// ends on an earlier row does to the text after it. Editing each of a
/// large note's thousands of inline trees on every keystroke cost more
/// than reparsing the one the keystroke touched; readers of the pieces
/// work relative to the node's start, so the trees rarely need the move.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Shift {
    bytes: isize,
    rows: isize,
}

impl Inline {
    /// Where `tree` has the node's start: its start byte less the shift.
    fn origin(&self, start: usize) -> usize {
        (start as isize - self.shift.bytes) as usize
    }

    /// Moves the node for `edit` (which ends before the node's start).
    fn edit(&mut self, edit: &InputEdit) {
        let Some(tree) = &mut self.tree else {
            return; // a listed node: its caller moves its range
        };
        let start_row = tree.root_node().start_position().row as isize + self.shift.rows;
        if (edit.old_end_position.row as isize) < start_row {
            self.shift.bytes += edit.new_end_byte as isize - edit.old_end_byte as isize;
            self.shift.rows +=
                edit.new_end_position.row as isize - edit.old_end_position.row as isize;
        } else {
            // On the node's first row: columns move too.
            self.settle();
            if let Some(tree) = &mut self.tree {
                tree.edit(edit);
            }
        }
    }

    /// Applies the pending shift to `tree`, as one edit before it: from
    /// (row `r0`, byte `b0`) to (`r0 + rows`, `b0 + bytes`), both at column
    /// 0, chosen non-negative; the tree starts at or after the old end, as
    /// no edit reached into it.
    fn settle(&mut self) {
        let Shift { bytes, rows } = std::mem::take(&mut self.shift);
        let Some(tree) = &mut self.tree else { return };
        if bytes == 0 && rows == 0 {
            return;
        }
        let (b0, r0) = ((-bytes).max(0) as usize, (-rows).max(0) as usize);
        let point = |row: usize| tree_sitter::Point { row, column: 0 };
        tree.edit(&InputEdit {
            start_byte: 0,
            old_end_byte: b0,
            new_end_byte: b0.wrapping_add_signed(bytes),
            start_position: point(0),
            old_end_position: point(r0),
            new_end_position: point(r0.wrapping_add_signed(rows)),
        });
    }

    /// The tree with the node where it is now, if kept.
    fn settled_tree(&self) -> Option<Tree> {
        let mut inline = self.clone();
        inline.settle();
        inline.tree
    }
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

    /// Parses an inline node with its included `ranges` (see
    /// [`ranges_at`]). Callers pass only nodes that [`may_hold_links`].
    fn parse_inline(&mut self, text: Text, ranges: &[Range]) -> Option<Tree> {
        #[cfg(test)]
        tests::INLINE_PARSES.with(|n| n.set(n.get() + 1));
        self.inline.set_included_ranges(ranges).ok()?;
        let tree = self
            .inline
            .parse_with_options(&mut |byte, _| text.read(byte), None, None);
        if tree.is_none() {
            self.inline.reset();
        }
        tree
    }

    /// The entry for the inline node starting at `base` with its included
    /// `ranges`: its tree parsed in [`Mode::Kept`], listed otherwise.
    fn inline_entry(
        &mut self,
        mode: Mode,
        text: Text,
        base: usize,
        ranges: &[Range],
    ) -> Option<Inline> {
        let tree = match mode {
            Mode::Kept => Some(self.parse_inline(text, ranges)?),
            Mode::OnDemand | Mode::Unlisted => None,
        };
        Some(Inline {
            tree,
            holes: holes_of(ranges, base),
            shift: Shift::default(),
        })
    }
}

/// Whether the inline parse of `ranges` can hold a node that
/// `grammar/queries/inline.scm` matches. Every link kind starts with `[`
/// (images with `![`), a URI autolink with `<`, and a code span's
/// delimiter is a backtick, which tree-sitter-md's scanner emits only on a
/// backtick; without any of them the inline tree is text, punctuation and
/// emphasis, which nothing reads. The test
/// `text_without_triggers_has_nothing_the_inline_query_reads` checks that
/// on random text, against the parse and the query themselves.
fn may_hold_links(text: Text, ranges: &[Range]) -> bool {
    ranges.iter().any(|r| {
        let mut at = r.start_byte;
        while at < r.end_byte {
            let chunk = text.read(at);
            if chunk.is_empty() {
                return false;
            }
            let chunk = &chunk[..chunk.len().min(r.end_byte - at)];
            if memchr::memchr3(b'[', b'<', b'`', chunk).is_some() {
                return true;
            }
            at += chunk.len();
        }
        false
    })
}

/// Frees replaced trees on a thread of their own. tree-sitter frees a tree
/// node by node: after the first keystrokes in a note that is one long
/// list, the old block tree's rebuilt part took ~4 ms to free, on the way
/// from the keystroke to its diagnostics. Subtrees shared with the new
/// tree are reference counted atomically, so a tree may go anywhere.
fn retire(trees: impl IntoIterator<Item = Tree>) {
    static FREEING: LazyLock<Option<mpsc::Sender<Tree>>> = LazyLock::new(|| {
        let (send, receive) = mpsc::channel::<Tree>();
        std::thread::Builder::new()
            .name("tree-free".into())
            .spawn(move || receive.into_iter().for_each(drop))
            .ok()?;
        Some(send)
    });
    for tree in trees {
        // Without the thread (it could not start), here and now.
        if let Some(Err(mpsc::SendError(tree))) = FREEING.as_ref().map(|s| s.send(tree)) {
            drop(tree);
        }
    }
}

/// The inline nodes of `block` that [`may_hold_links`], by byte range
/// with the ranges their parse reads, sorted (document order already; a
/// node met twice keeps its last ranges): what a full parse parses, and a
/// block-only parse reads one at a time.
fn inline_nodes(block: &Tree, text: Text) -> Vec<((usize, usize), Vec<Range>)> {
    let mut nodes = Vec::new();
    for_each_inline_node(block, |node, ranges| {
        if may_hold_links(text, ranges) {
            nodes.push(((node.start_byte(), node.end_byte()), ranges.to_vec()));
        }
    });
    nodes.reverse();
    nodes.sort_by_key(|(key, _)| *key);
    nodes.dedup_by_key(|(key, _)| *key);
    nodes
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

/// Finds the block tree's inline nodes by byte range, asked for in
/// document order, in one forward walk for all of them: a keystroke in a
/// list of thousands of items asks for one or two, opening the note for
/// all.
struct Finder<'t> {
    cursor: TreeCursor<'t>,
    ranges: Vec<Range>,
}

impl<'t> Finder<'t> {
    fn new(tree: &'t Tree) -> Finder<'t> {
        Finder {
            cursor: tree.walk(),
            ranges: Vec::new(),
        }
    }

    /// The included ranges of the `inline`/`pipe_table_cell` node at
    /// exactly `start..end` (see [`ranges_at`]); None when there is none
    /// at or after where the walk is.
    fn find(&mut self, (start, end): (usize, usize)) -> Option<&[Range]> {
        loop {
            let node = self.cursor.node();
            let inline = is_inline_kind(&node);
            if inline && node.start_byte() == start && node.end_byte() == end {
                ranges_at(&mut self.cursor, &mut self.ranges);
                return Some(&self.ranges);
            }
            if node.start_byte() > start {
                // Everything after this node in document order starts later.
                return None;
            }
            let holds = node.start_byte() <= start && end <= node.end_byte();
            if holds && !inline && self.cursor.goto_first_child() {
                continue;
            }
            while !self.cursor.goto_next_sibling() {
                if !self.cursor.goto_parent() {
                    return None;
                }
            }
        }
    }
}

fn is_inline_kind(node: &Node) -> bool {
    matches!(node.kind(), "inline" | "pipe_table_cell")
}

/// Calls `f` on every `inline`/`pipe_table_cell` node of the block tree in
/// document order, not descending into them (tree-sitter-md's traversal),
/// with the ranges the inline parser reads for it (see [`ranges_at`]).
fn for_each_inline_node<'t>(tree: &'t Tree, mut f: impl FnMut(Node<'t>, &[Range])) {
    let mut cursor = tree.walk();
    let mut ranges = Vec::new();
    loop {
        let node = cursor.node();
        let inline = is_inline_kind(&node);
        if inline {
            ranges_at(&mut cursor, &mut ranges);
            f(node, &ranges);
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

/// The ranges tree-sitter-md parses the inline node under `cursor` with:
/// its range minus its named children, computed as in its
/// `parse_with_options`, which starts looking at the *second* child (so a
/// named first child is never excluded). Reuses the traversal cursor (a
/// cursor per node costs an allocation) and leaves it on the node.
fn ranges_at(cursor: &mut TreeCursor, out: &mut Vec<Range>) {
    out.clear();
    let mut range = cursor.node().range();
    if cursor.goto_first_child() {
        while cursor.goto_next_sibling() {
            let child = cursor.node();
            if !child.is_named() {
                continue;
            }
            out.push(Range {
                start_byte: range.start_byte,
                start_point: range.start_point,
                end_byte: child.start_byte(),
                end_point: child.start_position(),
            });
            range.start_byte = child.end_byte();
            range.start_point = child.end_position();
        }
        cursor.goto_parent();
    }
    out.push(range);
}

/// The excluded children (the gaps between the included ranges), relative
/// to the node's start `base`.
fn holes_of(ranges: &[Range], base: usize) -> Vec<(usize, usize)> {
    ranges
        .windows(2)
        .map(|w| (w[0].end_byte - base, w[1].start_byte - base))
        .collect()
}

fn same_holes(holes: &[(usize, usize)], ranges: &[Range], base: usize) -> bool {
    holes.len() + 1 == ranges.len()
        && holes
            .iter()
            .zip(ranges.windows(2))
            .all(|(&(s, e), w)| w[0].end_byte == base + s && w[1].start_byte == base + e)
}

#[cfg(test)]
fn included_ranges(node: Node) -> Vec<Range> {
    let mut ranges = Vec::new();
    ranges_at(&mut node.walk(), &mut ranges);
    ranges
}

#[cfg(test)]
fn holes(node: Node) -> Vec<(usize, usize)> {
    holes_of(&included_ranges(node), node.start_byte())
}

/// Whether the closed intervals `[a0, a1]` and `[b0, b1]` meet.
fn touches(a0: usize, a1: usize, b0: usize, b1: usize) -> bool {
    a0 <= b1 && b0 <= a1
}

/// Whether `[start, end]` touches one of `ranges` (sorted, disjoint).
fn in_ranges(ranges: &[(usize, usize)], start: usize, end: usize) -> bool {
    let i = ranges.partition_point(|&(_, e)| e < start);
    ranges.get(i).is_some_and(|&(s, _)| s <= end)
}

/// Merges two vectors sorted by key (no key in both) into one.
fn merge_sorted<K: Ord + Copy, V>(a: Vec<(K, V)>, b: Vec<(K, V)>) -> Vec<(K, V)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for x in a {
        while let Some(y) = b.next_if(|y| y.0 < x.0) {
            out.push(y);
        }
        out.push(x);
    }
    out.extend(b);
    out
}

/// Sorts closed ranges and merges the ones that meet.
fn merge_ranges(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Maps a range of the text before `edit` to the text after it, growing it
/// to cover the edit's new text where it overlapped the replaced bytes.
fn map_range((start, end): (usize, usize), edit: &InputEdit) -> (usize, usize) {
    let map = |x: usize, inside: usize| {
        if x < edit.start_byte {
            x
        } else if x > edit.old_end_byte {
            x - edit.old_end_byte + edit.new_end_byte
        } else {
            inside
        }
    };
    (map(start, edit.start_byte), map(end, edit.new_end_byte))
}

/// Calls `f` on every `inline`/`pipe_table_cell` node that touches the
/// closed byte range `[lo, hi]`, in document order, skipping the subtrees
/// that end before it and stopping after it.
fn for_each_inline_node_in<'t>(
    tree: &'t Tree,
    lo: usize,
    hi: usize,
    mut f: impl FnMut(Node<'t>, &[Range]),
) {
    let mut cursor = tree.walk();
    let mut ranges = Vec::new();
    loop {
        let node = cursor.node();
        if node.start_byte() > hi {
            // Everything after this node in document order starts later.
            return;
        }
        if node.end_byte() >= lo {
            if is_inline_kind(&node) {
                ranges_at(&mut cursor, &mut ranges);
                f(node, &ranges);
            } else {
                // Skip straight to the first child that reaches `lo`. But
                // `goto_first_child_for_byte` gives up (returns None) when
                // the first hidden child reaching the byte has no visible
                // child that does (e.g. a section whose last child is a
                // paragraph after a table): then start from the first
                // child; the loop skips children that end before `lo`.
                if (lo > 0 && cursor.goto_first_child_for_byte(lo - 1).is_some())
                    || cursor.goto_first_child()
                {
                    continue;
                }
            }
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

impl Syntax {
    /// Parses `text` from scratch, every inline tree kept.
    pub fn parse(text: &str) -> Syntax {
        with_parsers(|p| Self::parse_with(p, Text::Str(text), Mode::Kept))
    }

    /// Parses a rope from scratch, reading its chunks (no copy), every
    /// inline tree kept.
    pub fn parse_rope(rope: &Rope) -> Syntax {
        with_parsers(|p| Self::parse_with(p, Text::Rope(rope), Mode::Kept))
    }

    /// Parses `text` from scratch keeping the block tree and the list of
    /// inline nodes but no inline tree: [`Syntax::for_each_inline_piece`]
    /// parses a node's tree when it is asked for. What an open document
    /// keeps; it is edited like any other.
    pub fn parse_on_demand(text: &str) -> Syntax {
        with_parsers(|p| Self::parse_with(p, Text::Str(text), Mode::OnDemand))
    }

    fn parse_with(p: &mut Parsers, text: Text, mode: Mode) -> Syntax {
        let block = p.parse_block_or_empty(text);
        let inlines = inline_nodes(&block, text)
            .into_iter()
            .filter_map(|(key, ranges)| Some((key, p.inline_entry(mode, text, key.0, &ranges)?)))
            .collect();
        Syntax {
            block,
            inlines,
            mode,
            id: next_id(),
            step: None,
        }
    }

    /// The block tree alone, for a one-shot analysis (a note read from
    /// disk, `--check`): [`Syntax::for_each_inline_piece`] then parses each
    /// inline node as it is read and frees its tree right after, so a big
    /// note's inline trees never all live at once (a 200 KB note: 11.8 MB
    /// for the block tree, 17.5 MB with every inline tree).
    pub fn parse_block_only(text: &str) -> Syntax {
        with_parsers(|p| Syntax {
            block: p.parse_block_or_empty(Text::Str(text)),
            inlines: Vec::new(),
            mode: Mode::Unlisted,
            id: next_id(),
            step: None,
        })
    }

    /// Applies one edit already made to the text: `edit` was computed
    /// before the text changed (byte offsets, and points whose column is in
    /// bytes), `rope` is the text after.
    pub fn edit(&mut self, edit: &InputEdit, rope: &Rope) {
        self.edit_many(std::slice::from_ref(edit), rope)
    }

    /// The most blocks side by side in the note: the largest number of
    /// blocks directly in the document or in one heading's section, its
    /// subsections not counted (lists and quotes are not looked into).
    pub fn most_blocks_in_a_row(&self) -> usize {
        let mut cursor = self.block.walk();
        let mut sections = vec![self.block.root_node()];
        let mut most = 0;
        while let Some(node) = sections.pop() {
            let before = sections.len();
            sections.extend(node.children(&mut cursor).filter(|c| c.kind() == "section"));
            let blocks = node.child_count() as usize - (sections.len() - before);
            most = most.max(blocks);
        }
        most
    }

    /// Reparses as if the bytes `edit` covers had been typed again: `edit`
    /// replaces them by themselves, so the text is `text` before and after.
    /// The nodes come out the same (an incremental parse gives the tree of a
    /// full parse), so the syntax keeps its id and step and whatever was
    /// memoised against them. What changes is how tree-sitter built the
    /// nodes: see [`crate::document::Settling`].
    pub fn retype(&mut self, edit: &InputEdit, text: &str) {
        debug_assert_eq!(edit.old_end_byte, edit.new_end_byte);
        let (id, step) = (self.id, self.step.take());
        self.edit_text(std::slice::from_ref(edit), Text::Str(text));
        (self.id, self.step) = (id, step);
    }

    /// Applies several edits made one after the other (each described in
    /// the coordinates left by the previous ones), then reparses once.
    /// `rope` is the text after all of them.
    pub fn edit_many(&mut self, edits: &[InputEdit], rope: &Rope) {
        self.edit_text(edits, Text::Rope(rope))
    }

    /// [`Syntax::edit_many`] with the text after the edits as a string.
    pub fn edit_many_str(&mut self, edits: &[InputEdit], text: &str) {
        self.edit_text(edits, Text::Str(text))
    }

    fn edit_text(&mut self, edits: &[InputEdit], text: Text) {
        if edits.is_empty() {
            return;
        }
        let well_formed = |e: &InputEdit| {
            e.start_byte <= e.old_end_byte
                && e.start_byte <= e.new_end_byte
                && e.start_position <= e.old_end_position
                && e.start_position <= e.new_end_position
        };
        if self.mode == Mode::Unlisted || !edits.iter().all(well_formed) {
            // No inline trees to carry through the edits, or not something
            // tree-sitter can be given: start over.
            *self = with_parsers(|p| Self::parse_with(p, text, Mode::Kept));
            return;
        }
        with_parsers(|p| {
            for edit in edits {
                self.block.edit(edit);
            }
            let Some(block) = p.parse_block(text, Some(&self.block)) else {
                *self = Self::parse_with(p, text, self.mode);
                return;
            };
            // Sorted, non-overlapping, in the new text's coordinates.
            let changed: Vec<(usize, usize)> = self
                .block
                .changed_ranges(&block)
                .map(|r| (r.start_byte, r.end_byte))
                .collect();

            // Carry the old inline trees through the edits, dropping the
            // ones an edit touches. `dirty` collects, in the coordinates of
            // the text after all edits, where the edits were, widened to the
            // inline nodes they touched.
            let mut entries: Vec<((usize, usize), Inline)> = std::mem::take(&mut self.inlines);
            let mut dirty: Vec<(usize, usize)> = Vec::with_capacity(edits.len() + changed.len());
            for edit in edits {
                dirty.iter_mut().for_each(|r| *r = map_range(*r, edit));
                let (mut lo, mut hi) = (edit.start_byte, edit.old_end_byte);
                entries.retain_mut(|((start, end), inline)| {
                    if touches(*start, *end, edit.start_byte, edit.old_end_byte) {
                        lo = lo.min(*start);
                        hi = hi.max(*end);
                        return false;
                    }
                    if *start > edit.old_end_byte {
                        *start = *start - edit.old_end_byte + edit.new_end_byte;
                        *end = *end - edit.old_end_byte + edit.new_end_byte;
                        inline.edit(edit);
                    }
                    true
                });
                dirty.push((lo, hi - edit.old_end_byte + edit.new_end_byte));
            }
            dirty.extend_from_slice(&changed);
            let dirty = merge_ranges(dirty);

            // Away from the dirty regions the block tree's structure is
            // unchanged (that is what `changed_ranges` reports), so every
            // inline node there is an old one, shifted: keep its tree
            // without looking at the new block tree at all. Inside them,
            // walk the new block tree's inline nodes and reuse an old tree
            // only for the same range, the same excluded children and no
            // changed range; parse the rest.
            let (keep, mut candidates): (Vec<_>, Vec<_>) = entries
                .into_iter()
                .partition(|&((start, end), _)| !in_ranges(&dirty, start, end));
            let mut visited: Vec<((usize, usize), Inline)> = Vec::new();
            let mut last = None;
            for &(lo, hi) in &dirty {
                for_each_inline_node_in(&block, lo, hi, |node, ranges| {
                    let key = (node.start_byte(), node.end_byte());
                    if last == Some(key) {
                        return; // a node spanning two regions
                    }
                    last = Some(key);
                    let reused = candidates
                        .binary_search_by_key(&key, |(k, _)| *k)
                        .ok()
                        .map(|i| candidates.remove(i).1)
                        .filter(|old| {
                            !in_ranges(&changed, key.0, key.1)
                                && same_holes(&old.holes, ranges, key.0)
                        });
                    let parsed = || {
                        may_hold_links(text, ranges)
                            .then(|| p.inline_entry(self.mode, text, key.0, ranges))
                            .flatten()
                    };
                    if let Some(inline) = reused.or_else(parsed) {
                        visited.push((key, inline));
                    }
                });
            }
            let old_block = std::mem::replace(&mut self.block, block);
            let replaced = candidates.into_iter().filter_map(|(_, i)| i.tree);
            retire(std::iter::once(old_block).chain(replaced));
            self.inlines = merge_sorted(keep, visited);
            self.step = Some(Arc::new(Step {
                from: self.id,
                edits: edits.to_vec(),
                dirty,
            }));
            self.id = next_id();
        })
    }

    /// Unique to this parse state.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// How the latest incremental edit came here, if this state was made
    /// by one.
    pub fn step(&self) -> Option<&Step> {
        self.step.as_deref()
    }

    /// Whether the block tree holds an `ERROR` or a `MISSING` node.
    pub fn has_error(&self) -> bool {
        self.block.root_node().has_error()
    }

    /// The block tree.
    pub fn block_tree(&self) -> &Tree {
        &self.block
    }

    /// The kept inline tree for a block-tree node of kind `inline` or
    /// `pipe_table_cell`, if any.
    pub fn inline_tree(&self, inline_node: &Node) -> Option<Tree> {
        if !is_inline_kind(inline_node) {
            return None;
        }
        let key = (inline_node.start_byte(), inline_node.end_byte());
        self.inlines
            .binary_search_by_key(&key, |(k, _)| *k)
            .ok()
            .and_then(|i| self.inlines[i].1.settled_tree())
    }

    /// Every kept inline tree with its node's byte range, in document order.
    pub fn inline_trees(&self) -> impl Iterator<Item = (ByteRange<usize>, Tree)> + '_ {
        self.inlines
            .iter()
            .filter_map(|((start, end), inline)| Some((*start..*end, inline.settled_tree()?)))
    }

    /// Calls `f` on every inline node that may hold links, in document
    /// order, with its byte range and the holes cut out of its parse: what
    /// its inline tree is a function of, with the node's bytes (`text`,
    /// the text this syntax is of). [`InlinePiece::tree`] gives the kept
    /// tree, or parses it and frees it after the call; a node whose parse
    /// fails has no tree. The pieces are the same in every mode.
    pub fn for_each_inline_piece(&self, text: &str, mut f: impl FnMut(InlinePiece<'_>)) {
        let text = Text::Str(text);
        match self.mode {
            Mode::Kept => {
                for ((start, end), inline) in &self.inlines {
                    let Some(tree) = &inline.tree else { continue };
                    f(InlinePiece {
                        range: *start..*end,
                        holes: &inline.holes,
                        tree: PieceTree::Kept {
                            tree,
                            origin: inline.origin(*start),
                        },
                    });
                }
            }
            Mode::OnDemand => with_parsers(|p| {
                let mut finder = Finder::new(&self.block);
                for ((start, end), inline) in &self.inlines {
                    let mut parse = || p.parse_inline(text, finder.find((*start, *end))?);
                    f(InlinePiece {
                        range: *start..*end,
                        holes: &inline.holes,
                        tree: PieceTree::Parse(&mut parse),
                    });
                }
            }),
            Mode::Unlisted => with_parsers(|p| {
                for ((start, end), ranges) in inline_nodes(&self.block, text) {
                    let mut parse = || p.parse_inline(text, &ranges);
                    f(InlinePiece {
                        range: start..end,
                        holes: &holes_of(&ranges, start),
                        tree: PieceTree::Parse(&mut parse),
                    });
                }
            }),
        }
    }

    /// A canonical text dump for tests: every node of the block tree (kind,
    /// field, byte range, points), then every listed inline node's tree
    /// the same way with its node's byte range (parsed from `text`, the
    /// text this syntax is of, when not kept: so the dump of a
    /// [`Syntax::parse_on_demand`] equals that of a [`Syntax::parse`]).
    /// More thorough than s-expressions, which leave out positions.
    pub fn dump(&self, text: &str) -> String {
        let mut out = String::new();
        let mut count = 0;
        for_each_inline_node(&self.block, |_, _| count += 1);
        let _ = writeln!(
            out,
            "block ({count} inline nodes, {} inline trees)",
            self.inlines.len()
        );
        dump_tree(&mut out, &self.block);
        let mut finder = Finder::new(&self.block);
        for ((start, end), inline) in &self.inlines {
            let _ = writeln!(out, "inline {start}..{end} holes {:?}", inline.holes);
            let tree = inline.settled_tree().or_else(|| {
                let ranges = finder.find((*start, *end))?;
                with_parsers(|p| p.parse_inline(Text::Str(text), ranges))
            });
            match tree {
                Some(tree) => dump_tree(&mut out, &tree),
                None => out.push_str("  (no tree)\n"),
            }
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

    /// The dump of tree-sitter-md's own parser, in `Syntax::dump`'s format,
    /// without the inline trees `Syntax` does not keep.
    fn reference_dump(text: &str) -> String {
        let tree = MarkdownParser::default()
            .parse(text.as_bytes(), None)
            .unwrap();
        let mut count = 0;
        let mut trees = Vec::new();
        for_each_inline_node(tree.block_tree(), |node, ranges| {
            count += 1;
            if !may_hold_links(Text::Str(text), ranges) {
                return; // not kept by `Syntax`
            }
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
            "block ({count} inline nodes, {} inline trees)",
            trees.len()
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
            assert_eq!(
                Syntax::parse(text).dump(text),
                reference_dump(text),
                "{text:?}"
            );
            assert_eq!(
                Syntax::parse_rope(&Rope::from_str(text)).dump(text),
                Syntax::parse(text).dump(text)
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
        let syntax = Syntax::parse("| foo |\n| --- |\n| *bar* [x]|\n");
        let kinds: Vec<_> = syntax
            .inline_trees()
            .map(|(_, t)| t.root_node().child(0).map(|n| n.kind().to_string()))
            .collect();
        assert!(kinds.contains(&Some("emphasis".to_string())), "{kinds:?}");
    }

    #[test]
    fn incremental_edits_equal_fresh_parse() {
        incremental_edits_equal_fresh_parse_from(Syntax::parse);
        incremental_edits_equal_fresh_parse_from(Syntax::parse_on_demand);
    }

    fn incremental_edits_equal_fresh_parse_from(parse: fn(&str) -> Syntax) {
        let mut text = NOTES.to_string();
        let mut syntax = parse(&text);
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
                    syntax.dump(&text),
                    Syntax::parse(&text).dump(&text),
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
            assert_eq!(
                syntax.dump(&text),
                Syntax::parse(&text).dump(&text),
                "step {i}"
            );
        }
    }

    #[test]
    fn unrelated_edit_reuses_inline_trees() {
        let mut text = String::new();
        for i in 0..50 {
            text.push_str(&format!(
                "## Talk {i}\n\nSome *notes* about [talk {i}].\n\n"
            ));
        }
        let mut syntax = Syntax::parse(&text);
        // The headings are plain text: only the paragraphs have trees.
        assert_eq!(syntax.inline_trees().count(), 50);
        for (needle, insert, parses) in [
            ("about [talk 25", "X", 1),
            ("Talk 7\n", "!", 0),
            ("Talk 9\n", "[", 1),
            ("*notes* about [talk 40", "`", 1),
        ] {
            let at = text.find(needle).unwrap();
            let before = INLINE_PARSES.with(|n| n.get());
            edit(&mut text, &mut syntax, at..at, insert);
            let parsed = INLINE_PARSES.with(|n| n.get()) - before;
            assert_eq!(parsed, parses, "inserting {insert:?} at {needle:?}");
            assert_eq!(syntax.dump(&text), Syntax::parse(&text).dump(&text));
        }
        assert_eq!(syntax.inline_trees().count(), 51);
    }

    /// What `for_each_inline_piece` gives: range, holes, origin and tree.
    fn pieces(syntax: &Syntax, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        syntax.for_each_inline_piece(text, |mut p| {
            let mut tree = String::new();
            let Some(origin) = p.tree().map(|(t, origin)| {
                dump_tree(&mut tree, t);
                origin
            }) else {
                return;
            };
            out.push(format!("{:?} {:?} {origin} {tree}", p.range, p.holes));
        });
        out
    }

    #[test]
    fn block_only_parse_reads_the_same_inline_pieces() {
        for text in [
            NOTES,
            "",
            "plain",
            "> a [x]\n> `b`\n",
            "| [x] | y |\n|--|--|\n| `z` | w |",
        ] {
            let full = Syntax::parse(text);
            let lazy = Syntax::parse_block_only(text);
            assert_eq!(lazy.inline_trees().count(), 0, "nothing kept");
            assert_eq!(pieces(&lazy, text), pieces(&full, text), "{text:?}");
            let on_demand = Syntax::parse_on_demand(text);
            assert_eq!(on_demand.inline_trees().count(), 0, "nothing kept");
            assert_eq!(pieces(&on_demand, text), pieces(&full, text), "{text:?}");
            assert_eq!(pieces(&full, text).len(), full.inline_trees().count());
        }
        // An edit to a block-only parse starts over, with every tree kept.
        let mut text = NOTES.to_string();
        let mut syntax = Syntax::parse_block_only(&text);
        edit(&mut text, &mut syntax, 0..1, "");
        assert_eq!(syntax.dump(&text), Syntax::parse(&text).dump(&text));
    }

    #[test]
    fn on_demand_parses_only_the_trees_asked_for() {
        let text = "# T (A)\n\n- see [a](b)\n- plain\n- `c`\n\n| [x] | y |\n|--|--|\n";
        let before = INLINE_PARSES.with(|n| n.get());
        let mut syntax = Syntax::parse_on_demand(text);
        assert_eq!(
            INLINE_PARSES.with(|n| n.get()),
            before,
            "no tree parsed up front"
        );
        let mut listed = Vec::new();
        syntax.for_each_inline_piece(text, |p| listed.push(p.range));
        assert_eq!(listed.len(), 3, "{listed:?}");
        assert_eq!(INLINE_PARSES.with(|n| n.get()), before, "none asked for");
        // Asking for one tree parses that one, found in the block tree
        // after the others were passed by.
        let mut kinds = Vec::new();
        syntax.for_each_inline_piece(text, |mut p| {
            if text[p.range.clone()].starts_with('`') {
                let start = p.range.start;
                let (tree, origin) = p.tree().unwrap();
                assert_eq!(origin, start);
                kinds.push(tree.root_node().child(0).unwrap().kind().to_string());
            }
        });
        assert_eq!(kinds, ["code_span"]);
        assert_eq!(INLINE_PARSES.with(|n| n.get()), before + 1);
        // An edit lists the nodes it touches without parsing them.
        let at = text.find("plain").unwrap();
        let edited = format!("{}[p]{}", &text[..at], &text[at..]);
        let edit = InputEdit {
            start_byte: at,
            old_end_byte: at,
            new_end_byte: at + 3,
            start_position: point_of(text, at),
            old_end_position: point_of(text, at),
            new_end_position: point_of(&edited, at + 3),
        };
        syntax.edit(&edit, &Rope::from_str(&edited));
        assert_eq!(INLINE_PARSES.with(|n| n.get()), before + 1);
        assert_eq!(syntax.dump(&edited), Syntax::parse(&edited).dump(&edited));
    }

    #[test]
    fn plain_inline_nodes_are_not_parsed() {
        let syntax = Syntax::parse("# Title (Jane Doe)\n\n- a *note*, PEP 8\n- see [x]\n");
        let kept: Vec<_> = syntax.inline_trees().map(|(range, _)| range).collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        // `may_hold_links` reads a rope across chunk boundaries.
        let long = format!("{}`{}", "a".repeat(5000), "b".repeat(5000));
        let rope = Rope::from_str(&long);
        assert!(rope.chunks().count() > 2);
        let whole = |end: usize| Range {
            start_byte: 0,
            end_byte: end,
            start_point: Point::default(),
            end_point: Point::default(),
        };
        assert!(may_hold_links(Text::Rope(&rope), &[whole(long.len())]));
        assert!(!may_hold_links(Text::Rope(&rope), &[whole(5000)]));
        assert!(may_hold_links(Text::Rope(&rope), &[whole(5001)]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// What `may_hold_links` relies on: an inline parse of text with no
        /// `[`, `<` or backtick has no match of `grammar/queries/inline.scm`,
        /// error recovery included (it could invent a missing `[`).
        #[test]
        fn text_without_triggers_has_nothing_the_inline_query_reads(
            text in "[a-z0-9 \\n\\]()!>*_~$&;:/.#|\"'\\\\=+-]{0,80}"
        ) {
            use streaming_iterator::StreamingIterator;
            let language: tree_sitter::Language = tree_sitter_md::INLINE_LANGUAGE.into();
            let query = tree_sitter::Query::new(
                &language,
                include_str!("../../grammar/queries/inline.scm"),
            )
            .unwrap();
            let mut parser = Parser::new();
            parser.set_language(&language).unwrap();
            let tree = parser.parse(&text, None).unwrap();
            proptest::prop_assert!(!may_hold_links(Text::Str(&text), &[tree.root_node().range()]));
            let mut cursor = tree_sitter::QueryCursor::new();
            let mut matches = cursor.matches(&query, tree.root_node(), text.as_bytes());
            if let Some(m) = matches.next() {
                let node = m.captures()[0].node;
                proptest::prop_assert!(false, "{} at {:?}", node.kind(), node.byte_range());
            }
        }
    }

    #[test]
    fn link_reference_definitions_do_not_affect_inline_trees() {
        let with = Syntax::parse("[foo] and [bar][foo]\n\n[foo]: /url\n");
        let without = Syntax::parse("[foo] and [bar][foo]\n");
        let first = |s: &Syntax| {
            let (range, tree) = s.inline_trees().next().unwrap();
            let mut out = String::new();
            dump_tree(&mut out, &tree);
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
            for_each_inline_node(&syntax.block, |node, _| {
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
            Syntax::parse("> *a\n> b\n> c*\n").dump("> *a\n> b\n> c*\n"),
            reference_dump("> *a\n> b\n> c*\n")
        );
        assert_eq!(
            Syntax::parse("> a\n> b\n").dump("> a\n> b\n"),
            reference_dump("> a\n> b\n")
        );
    }

    #[test]
    fn region_walk_finds_nodes_goto_first_child_for_byte_misses() {
        let text = "# a\n\n| x |\n|--|\n| y |\n\nh";
        let syntax = Syntax::parse(text);
        let mut cursor = syntax.block.walk();
        assert!(cursor.goto_first_child_for_byte(text.len() - 2).is_some());
        // The section's last child (the paragraph "h") ends past the byte,
        // yet tree-sitter 0.27.1 finds no child.
        assert_eq!(cursor.goto_first_child_for_byte(text.len() - 2), None);
        let mut seen = Vec::new();
        for_each_inline_node_in(&syntax.block, text.len() - 1, text.len(), |n, _| {
            seen.push(n.byte_range())
        });
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0], text.len() - 1..text.len());
        let mut all = Vec::new();
        for_each_inline_node(&syntax.block, |n, _| all.push(n.byte_range()));
        let mut in_whole = Vec::new();
        for_each_inline_node_in(&syntax.block, 0, text.len(), |n, _| {
            in_whole.push(n.byte_range())
        });
        assert_eq!(all, in_whole);
    }

    #[test]
    fn malformed_edit_falls_back_to_a_full_parse() {
        let mut syntax = Syntax::parse("# a\n");
        let bad = InputEdit {
            start_byte: 3,
            old_end_byte: 1,
            new_end_byte: 0,
            start_position: Point { row: 0, column: 3 },
            old_end_position: Point { row: 0, column: 1 },
            new_end_position: Point { row: 0, column: 0 },
        };
        syntax.edit(&bad, &Rope::from_str("*b*\n"));
        assert_eq!(syntax.dump("*b*\n"), Syntax::parse("*b*\n").dump("*b*\n"));
    }

    #[test]
    fn syntax_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Syntax>();
    }
}
