//! What the inline trees hold: links of every kind and code spans.

use tree_sitter::Node;

use super::blocks::child_of_kind;
use crate::model::{Link, LinkKind, TextRange};
use crate::syntax::Syntax;

pub struct Inlines {
    pub links: Vec<Link>,
    pub code_spans: Vec<TextRange>,
}

/// Walks every inline tree of the document.
pub fn collect(syntax: &Syntax, text: &str, definitions: &[(String, String)]) -> Inlines {
    let mut out = Inlines {
        links: Vec::new(),
        code_spans: Vec::new(),
    };
    let mut stack = vec![syntax.block_tree().root_node()];
    while let Some(node) = stack.pop() {
        if matches!(node.kind(), "inline" | "pipe_table_cell") {
            if let Some(tree) = syntax.inline_tree(&node) {
                walk_inline(tree.root_node(), text, definitions, &mut out);
            }
            continue;
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out.links.sort_by_key(|l| l.range.start);
    out
}

impl Inlines {
    /// Moves every range by `by` (for inlines of a slice of the text).
    pub fn shift(&mut self, by: usize) {
        for l in &mut self.links {
            l.range = l.range.start + by..l.range.end + by;
            l.target_range = l.target_range.start + by..l.target_range.end + by;
        }
        for c in &mut self.code_spans {
            *c = c.start + by..c.end + by;
        }
    }
}

fn walk_inline(node: Node, text: &str, defs: &[(String, String)], out: &mut Inlines) {
    let slice = |n: Node| text.get(n.byte_range()).unwrap_or("");
    match node.kind() {
        "inline_link" | "image" => {
            let kind = if node.kind() == "image" {
                LinkKind::Image
            } else {
                LinkKind::Inline
            };
            let text_node = child_of_kind(node, "link_text")
                .or_else(|| child_of_kind(node, "image_description"));
            let dest = child_of_kind(node, "link_destination");
            let target_range = dest.map(|d| d.byte_range()).unwrap_or_else(|| {
                // `[text]()`: an empty destination sits between the parentheses.
                let inner = slice(node).rfind("()").map(|p| node.start_byte() + p + 1);
                let at = inner.unwrap_or(node.end_byte());
                at..at
            });
            let target = dest.map(|d| slice(d).to_string()).unwrap_or_default();
            out.links.push(Link {
                kind,
                text: text_node.map(|t| slice(t).to_string()).unwrap_or_default(),
                target: unangle(&target),
                range: node.byte_range(),
                target_range,
            });
            // Images inside link text (badges) are links of their own.
            if let Some(t) = text_node {
                walk_children(t, text, defs, out);
            }
        }
        "full_reference_link" | "collapsed_reference_link" | "shortcut_link" => {
            let text_node = child_of_kind(node, "link_text");
            let label_node = child_of_kind(node, "link_label");
            let label_text = match (node.kind(), label_node, text_node) {
                ("full_reference_link", Some(l), _) => strip_brackets(slice(l)),
                (_, _, Some(t)) => slice(t).to_string(),
                _ => String::new(),
            };
            let key = normalize_label(&label_text);
            let def = defs.iter().find(|(l, _)| *l == key);
            // `[word]` without a definition is just bracketed text, not a link.
            if node.kind() == "shortcut_link" && def.is_none() {
                return;
            }
            let target_range = label_node
                .or(text_node)
                .map(|n| n.byte_range())
                .unwrap_or(node.byte_range());
            out.links.push(Link {
                kind: LinkKind::Reference {
                    label: label_text,
                    defined: def.is_some(),
                },
                text: text_node.map(|t| slice(t).to_string()).unwrap_or_default(),
                target: def.map(|(_, t)| t.clone()).unwrap_or_default(),
                range: node.byte_range(),
                target_range,
            });
        }
        "uri_autolink" => {
            let r = node.byte_range();
            let inner = r.start + 1..r.end.saturating_sub(1).max(r.start + 1);
            out.links.push(Link {
                kind: LinkKind::Autolink,
                text: String::new(),
                target: text.get(inner.clone()).unwrap_or("").to_string(),
                range: r,
                target_range: inner,
            });
        }
        "code_span" => out.code_spans.push(node.byte_range()),
        _ => walk_children(node, text, defs, out),
    }
}

fn walk_children(node: Node, text: &str, defs: &[(String, String)], out: &mut Inlines) {
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        walk_inline(child, text, defs, out);
    }
}

fn strip_brackets(s: &str) -> String {
    s.trim_start_matches('[').trim_end_matches(']').to_string()
}

fn unangle(s: &str) -> String {
    s.strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(s)
        .to_string()
}

/// Link labels match case-insensitively, with runs of white space folded.
pub fn normalize_label(label: &str) -> String {
    label
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
