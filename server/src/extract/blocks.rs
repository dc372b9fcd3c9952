//! The block structure of a markdown file, flattened into document order:
//! what the talk finder and the reference scanners walk over.

use tree_sitter::{Node, TreeCursor};

use crate::model::TextRange;
use crate::syntax::Syntax;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// An ATX or setext heading; `content` is its text.
    Heading { level: u8 },
    /// A list item; `content` is the first line of its first paragraph
    /// (empty when it has none). `depth` counts enclosing list items.
    ListItem { depth: u8 },
    /// A paragraph outside any list item.
    Paragraph,
    /// Fenced code is not prose; indented "code" in notes is mostly bullet
    /// lines indented past four spaces (`    • note`), so it is kept as prose
    /// for references but never read as a talk line.
    Code { fenced: bool },
    /// YAML or TOML front matter.
    FrontMatter,
    /// An HTML block (comments live here).
    Html,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub kind: BlockKind,
    /// The whole node.
    pub range: TextRange,
    /// The text a talk line would be read from.
    pub content: TextRange,
    /// For headings: the enclosing `section` node (the heading and everything
    /// under it until the next heading of the same or a higher level).
    pub section: Option<TextRange>,
}

/// Everything the extractors need from the syntax tree, in document order.
pub struct Outline {
    pub blocks: Vec<Block>,
    pub link_definitions: Vec<(TextRange, TextRange, TextRange)>,
    /// A code fence never closed runs to the end of the file by the rules of
    /// markdown; in notes it is a forgotten fence with prose after it. The
    /// offset where that prose starts (after the fence line).
    pub unclosed_fence: Option<usize>,
}

impl Outline {
    /// Moves every range by `by` (for an outline of a slice of the text).
    pub fn shift(&mut self, by: usize) {
        let s = |r: &mut TextRange| *r = r.start + by..r.end + by;
        for b in &mut self.blocks {
            s(&mut b.range);
            s(&mut b.content);
            if let Some(sec) = &mut b.section {
                s(sec);
            }
        }
        for (a, b, c) in &mut self.link_definitions {
            s(a);
            s(b);
            s(c);
        }
        if let Some(u) = &mut self.unclosed_fence {
            *u += by;
        }
    }
}

pub fn outline(syntax: &Syntax, text: &str) -> Outline {
    let mut out = Outline {
        blocks: Vec::new(),
        link_definitions: Vec::new(),
        unclosed_fence: None,
    };
    // One cursor for the whole walk: `Node::parent` walks down from the
    // root and `Node::walk` allocates, both per call.
    let mut cursor = syntax.block_tree().walk();
    visit(&mut cursor, text, 0, None, &mut out);
    out
}

/// Visits the cursor's node; `section` is the range of the node's parent
/// when that is a `section`.
fn visit(
    cursor: &mut TreeCursor,
    text: &str,
    list_depth: u8,
    section: Option<TextRange>,
    out: &mut Outline,
) {
    let node = cursor.node();
    match node.kind() {
        "atx_heading" => {
            let level = node
                .child(0)
                .map(|m| m.kind())
                .and_then(|k| k.strip_prefix("atx_h"))
                .and_then(|k| k.chars().next())
                .and_then(|c| c.to_digit(10))
                .unwrap_or(1) as u8;
            let content = child_of_kind(cursor, "inline")
                .map(|n| n.byte_range())
                .unwrap_or(node.end_byte()..node.end_byte());
            out.blocks.push(Block {
                kind: BlockKind::Heading { level },
                range: node.byte_range(),
                content,
                section,
            });
        }
        "setext_heading" => {
            let level = if child_of_kind(cursor, "setext_h2_underline").is_some() {
                2
            } else {
                1
            };
            let content = child_of_kind(cursor, "paragraph")
                .and_then(inline_child)
                .map(|n| n.byte_range())
                .unwrap_or(node.start_byte()..node.start_byte());
            out.blocks.push(Block {
                kind: BlockKind::Heading { level },
                range: node.byte_range(),
                content,
                // tree-sitter-md opens no section for a setext heading: the
                // talk finder computes it.
                section: None,
            });
        }
        "list_item" => {
            let content = child_of_kind(cursor, "paragraph")
                .and_then(inline_child)
                .map(|n| first_line(text, n.byte_range()))
                .unwrap_or(node.end_byte()..node.end_byte());
            out.blocks.push(Block {
                kind: BlockKind::ListItem { depth: list_depth },
                range: node.byte_range(),
                content,
                section: None,
            });
            visit_children(cursor, text, list_depth.saturating_add(1), out);
        }
        "paragraph" => {
            if list_depth == 0 {
                let content = child_of_kind(cursor, "inline")
                    .map(|n| n.byte_range())
                    .unwrap_or(node.byte_range());
                out.blocks.push(Block {
                    kind: BlockKind::Paragraph,
                    range: node.byte_range(),
                    content,
                    section: None,
                });
            }
        }
        "fenced_code_block" | "indented_code_block" => {
            let fenced = node.kind() == "fenced_code_block";
            if fenced && node.end_byte() >= text.len() {
                let fences = count_children(cursor, "fenced_code_block_delimiter");
                if fences == 1 {
                    let after_fence = text[node.start_byte()..]
                        .find('\n')
                        .map_or(text.len(), |i| node.start_byte() + i + 1);
                    out.unclosed_fence = Some(after_fence);
                }
            }
            out.blocks.push(Block {
                kind: BlockKind::Code { fenced },
                range: node.byte_range(),
                content: node.byte_range(),
                section: None,
            })
        }
        "minus_metadata" | "plus_metadata" => out.blocks.push(Block {
            kind: BlockKind::FrontMatter,
            range: node.byte_range(),
            content: node.byte_range(),
            section: None,
        }),
        "html_block" => out.blocks.push(Block {
            kind: BlockKind::Html,
            range: node.byte_range(),
            content: node.byte_range(),
            section: None,
        }),
        "link_reference_definition" => {
            let label = child_of_kind(cursor, "link_label").map(|n| n.byte_range());
            let dest = child_of_kind(cursor, "link_destination").map(|n| n.byte_range());
            if let (Some(label), Some(dest)) = (label, dest) {
                out.link_definitions.push((node.byte_range(), label, dest));
            }
        }
        // Inline content and markers hold no blocks.
        "inline" | "block_continuation" | "pipe_table" => {}
        kind => {
            let section = (kind == "section").then(|| node.byte_range());
            if cursor.goto_first_child() {
                loop {
                    visit(cursor, text, list_depth, section.clone(), out);
                    if !cursor.goto_next_sibling() {
                        break;
                    }
                }
                cursor.goto_parent();
            }
        }
    }
}

fn visit_children(cursor: &mut TreeCursor, text: &str, list_depth: u8, out: &mut Outline) {
    if cursor.goto_first_child() {
        loop {
            visit(cursor, text, list_depth, None, out);
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
}

/// The first child of the cursor's node of `kind`; the cursor is left where
/// it was.
fn child_of_kind<'t>(cursor: &mut TreeCursor<'t>, kind: &str) -> Option<Node<'t>> {
    let mut found = None;
    if cursor.goto_first_child() {
        loop {
            if cursor.node().kind() == kind {
                found = Some(cursor.node());
                break;
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
    found
}

fn count_children(cursor: &mut TreeCursor, kind: &str) -> usize {
    let mut n = 0;
    if cursor.goto_first_child() {
        loop {
            n += usize::from(cursor.node().kind() == kind);
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
    n
}

/// A paragraph's `inline` child.
fn inline_child(paragraph: Node) -> Option<Node> {
    let mut cursor = paragraph.walk();
    child_of_kind(&mut cursor, "inline")
}

/// The first line of `range` in `text`.
pub fn first_line(text: &str, range: TextRange) -> TextRange {
    let slice = &text[range.clone()];
    let end = slice.find('\n').map_or(range.end, |i| range.start + i);
    let end = if text[range.start..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    range.start..end
}

/// The lines of `range` as byte ranges without their line breaks.
pub fn lines(text: &str, range: TextRange) -> impl Iterator<Item = TextRange> + '_ {
    let base = range.start;
    text[range].split_inclusive('\n').scan(base, |pos, line| {
        let start = *pos;
        *pos += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        Some(start..start + content.len())
    })
}
