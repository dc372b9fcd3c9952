//! The block structure of a markdown file, flattened into document order:
//! what the talk finder and the reference scanners walk over.

use tree_sitter::{Node, TreeCursor};

use crate::model::TextRange;
use crate::syntax::{Step, Syntax};

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
    /// Inside a list item or a block quote (a heading there has a section
    /// of its own, in the container, which closes none outside it).
    pub nested: bool,
}

/// Everything the extractors need from the syntax tree, in document order.
#[derive(Clone, Debug, Default)]
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
    walk(syntax, text, None)
}

/// The outline of `syntax`, made by `step` from the syntax `previous` is
/// the outline of: only the nodes the step changed are walked, the blocks
/// of every other node are `previous`'s, moved. Equal to [`outline`]
/// (checked after random edits by `tests/document_props.rs`).
pub fn outline_after(syntax: &Syntax, text: &str, previous: &Outline, step: &Step) -> Outline {
    let moved = |r: &TextRange| step.map_old(r.start, r.end).map(|(s, e)| s..e);
    let blocks = previous
        .blocks
        .iter()
        .filter_map(|b| {
            Some(Block {
                kind: b.kind.clone(),
                range: moved(&b.range)?,
                content: moved(&b.content)?,
                section: match &b.section {
                    Some(s) => Some(moved(s)?),
                    None => None,
                },
                nested: b.nested,
            })
        })
        .collect();
    let link_definitions = previous
        .link_definitions
        .iter()
        .filter_map(|(a, b, c)| Some((moved(a)?, moved(b)?, moved(c)?)))
        .collect();
    let old = Outline {
        blocks,
        link_definitions,
        unclosed_fence: previous
            .unclosed_fence
            .and_then(|f| step.map_old(f, f))
            .map(|(f, _)| f),
    };
    walk(syntax, text, Some(&Reuse { old, step }))
}

/// What an incremental walk may take instead of walking a node.
struct Reuse<'a> {
    /// The previous outline at the new offsets, without what edits touched.
    old: Outline,
    step: &'a Step,
}

impl Reuse<'_> {
    /// Copies the old outline's entries inside the clean node `start..end`.
    fn copy(&self, start: usize, end: usize, out: &mut Outline) {
        let inside = |r: &TextRange| r.start >= start && r.start < end && r.end <= end;
        let blocks = &self.old.blocks;
        let from = blocks.partition_point(|b| b.range.start < start);
        out.blocks.extend(
            blocks[from..]
                .iter()
                .take_while(|b| b.range.start < end)
                .filter(|b| inside(&b.range))
                .cloned(),
        );
        let defs = &self.old.link_definitions;
        let from = defs.partition_point(|d| d.0.start < start);
        out.link_definitions.extend(
            defs[from..]
                .iter()
                .take_while(|d| d.0.start < end)
                .filter(|d| inside(&d.0))
                .cloned(),
        );
        if let Some(f) = self
            .old
            .unclosed_fence
            .filter(|f| (start..=end).contains(f))
        {
            out.unclosed_fence = Some(f);
        }
    }
}

fn walk(syntax: &Syntax, text: &str, reuse: Option<&Reuse>) -> Outline {
    let mut out = Outline {
        blocks: Vec::new(),
        link_definitions: Vec::new(),
        unclosed_fence: None,
    };
    // One cursor for the whole walk: `Node::parent` walks down from the
    // root and `Node::walk` allocates, both per call.
    let mut cursor = syntax.block_tree().walk();
    let mut walker = Walker {
        text,
        reuse,
        out: &mut out,
        quotes: 0,
    };
    walker.visit(&mut cursor, 0, None);
    out
}

struct Walker<'a, 'o> {
    text: &'a str,
    reuse: Option<&'a Reuse<'a>>,
    out: &'o mut Outline,
    /// Block quotes around the node visited.
    quotes: u32,
}

impl Walker<'_, '_> {
    /// Visits the cursor's node; `section` is the range of the node's parent
    /// when that is a `section`.
    fn visit(&mut self, cursor: &mut TreeCursor, list_depth: u8, section: Option<TextRange>) {
        let (text, out) = (self.text, &mut *self.out);
        let node = cursor.node();
        let nested = list_depth > 0 || self.quotes > 0;
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
                    nested,
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
                    nested,
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
                    nested,
                });
                self.visit_children(cursor, list_depth.saturating_add(1), None);
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
                        nested,
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
                    nested,
                })
            }
            "minus_metadata" | "plus_metadata" => out.blocks.push(Block {
                kind: BlockKind::FrontMatter,
                range: node.byte_range(),
                content: node.byte_range(),
                section: None,
                nested,
            }),
            "html_block" => out.blocks.push(Block {
                kind: BlockKind::Html,
                range: node.byte_range(),
                content: node.byte_range(),
                section: None,
                nested,
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
            "block_quote" => {
                self.quotes += 1;
                self.visit_children(cursor, list_depth, None);
                self.quotes -= 1;
            }
            kind => {
                let section = (kind == "section").then(|| node.byte_range());
                self.visit_children(cursor, list_depth, section);
            }
        }
    }

    fn visit_children(
        &mut self,
        cursor: &mut TreeCursor,
        list_depth: u8,
        section: Option<TextRange>,
    ) {
        if cursor.goto_first_child() {
            loop {
                self.visit_child(cursor, list_depth, section.clone());
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
    }

    /// Visits a child, or copies what the previous outline holds for it when
    /// the step left it alone. A heading is always visited: its `section` is
    /// its parent's range, which may have changed.
    fn visit_child(&mut self, cursor: &mut TreeCursor, list_depth: u8, section: Option<TextRange>) {
        if let Some(reuse) = self.reuse {
            let node = cursor.node();
            let (start, end) = (node.start_byte(), node.end_byte());
            if start < end && node.kind() != "atx_heading" && reuse.step.is_clean(start, end) {
                reuse.copy(start, end, self.out);
                return;
            }
        }
        self.visit(cursor, list_depth, section)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, TextChange};
    use crate::position::PositionEncoding::Utf8;
    use proptest::prelude::*;

    /// Markdown that moves blocks around: markers, fences, headings,
    /// definitions, blank lines, lazy continuations.
    const PIECES: &[&str] = &[
        "- ",
        "  - ",
        "1. ",
        "# ",
        "### ",
        "\n",
        "\n\n",
        "```\n",
        "~~~",
        "> ",
        "    ",
        "===\n",
        "---\n",
        "[x]: /y\n",
        "<!-- c -->\n",
        "talk (Ann Lee)",
        "| a | b |\n",
        "é",
        "text ",
    ];

    fn notes() -> String {
        let mut s = String::from("# Conf 2020\n\n");
        for i in 0..6 {
            s.push_str(&format!(
                "## Talk {i} (Ann Lee)\n\n- point\n  - deeper [l](x.md)\n- other\n\n```\ncode\n```\n\n[d{i}]: /u\n\nProse line\nlazy line\n\n"
            ));
        }
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Chained incremental outlines equal a full walk after each edit.
        #[test]
        fn outline_after_an_edit_equals_a_full_walk(
            edits in prop::collection::vec(
                (0.0f64..1.0, 0usize..12, prop::collection::vec(prop::sample::select(PIECES), 0..3)),
                1..10,
            ),
        ) {
            let mut doc = Document::new(&notes(), 0);
            // Shorter than a piece: one syntax.
            let whole = |doc: &Document| {
                assert_eq!(doc.syntax().len(), 1);
                doc.syntax().syntax(0).clone()
            };
            let mut kept = (whole(&doc).id(), outline(&whole(&doc), &doc.text()));
            for (version, (at, len, insert)) in edits.into_iter().enumerate() {
                let text = doc.text();
                let a = (at * text.len() as f64) as usize;
                let (p, q) = (doc.position_at(a, Utf8), doc.position_at(a + len, Utf8));
                doc.apply_changes(&[TextChange::replace(p, q, insert.concat())], version as i32, Utf8);
                let text = doc.text();
                let syntax = &whole(&doc);
                let full = outline(syntax, &text);
                let step = syntax.step().filter(|s| s.from == kept.0);
                if let Some(step) = step {
                    let moved = outline_after(syntax, &text, &kept.1, step);
                    prop_assert_eq!(format!("{moved:?}"), format!("{full:?}"));
                }
                kept = (syntax.id(), full);
            }
        }
    }
}
