//! The block structure of a markdown file, flattened into document order:
//! what the talk finder and the reference scanners walk over.

use tree_sitter::Node;

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
    let root = syntax.block_tree().root_node();
    visit(root, text, 0, &mut out);
    out
}

fn visit(node: Node, text: &str, list_depth: u8, out: &mut Outline) {
    match node.kind() {
        "atx_heading" => {
            let level = node
                .child(0)
                .map(|m| m.kind())
                .and_then(|k| k.strip_prefix("atx_h"))
                .and_then(|k| k.chars().next())
                .and_then(|c| c.to_digit(10))
                .unwrap_or(1) as u8;
            let content = child_of_kind(node, "inline")
                .map(|n| n.byte_range())
                .unwrap_or(node.end_byte()..node.end_byte());
            out.blocks.push(Block {
                kind: BlockKind::Heading { level },
                range: node.byte_range(),
                content,
                section: node
                    .parent()
                    .filter(|p| p.kind() == "section")
                    .map(|p| p.byte_range()),
            });
        }
        "setext_heading" => {
            let level = if child_of_kind(node, "setext_h2_underline").is_some() {
                2
            } else {
                1
            };
            let content = child_of_kind(node, "paragraph")
                .and_then(|p| child_of_kind(p, "inline"))
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
            let content = child_of_kind(node, "paragraph")
                .and_then(|p| child_of_kind(p, "inline"))
                .map(|n| first_line(text, n.byte_range()))
                .unwrap_or(node.end_byte()..node.end_byte());
            out.blocks.push(Block {
                kind: BlockKind::ListItem { depth: list_depth },
                range: node.byte_range(),
                content,
                section: None,
            });
            visit_children(node, text, list_depth.saturating_add(1), out);
        }
        "paragraph" => {
            if list_depth == 0 {
                let content = child_of_kind(node, "inline")
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
            let mut cursor = node.walk();
            let fences = node
                .children(&mut cursor)
                .filter(|c| c.kind() == "fenced_code_block_delimiter")
                .count();
            if node.kind() == "fenced_code_block" && fences == 1 && node.end_byte() >= text.len() {
                let after_fence = text[node.start_byte()..]
                    .find('\n')
                    .map_or(text.len(), |i| node.start_byte() + i + 1);
                out.unclosed_fence = Some(after_fence);
            }
            out.blocks.push(Block {
                kind: BlockKind::Code {
                    fenced: node.kind() == "fenced_code_block",
                },
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
            let label = child_of_kind(node, "link_label").map(|n| n.byte_range());
            let dest = child_of_kind(node, "link_destination").map(|n| n.byte_range());
            if let (Some(label), Some(dest)) = (label, dest) {
                out.link_definitions.push((node.byte_range(), label, dest));
            }
        }
        _ => visit_children(node, text, list_depth, out),
    }
}

fn visit_children(node: Node, text: &str, list_depth: u8, out: &mut Outline) {
    let mut cursor = node.walk();
    if cursor.goto_first_child() {
        loop {
            visit(cursor.node(), text, list_depth, out);
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

pub fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).find(|c| c.kind() == kind);
    found
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
