//! What the inline trees hold: links of every kind and code spans, found
//! with the query in `grammar/queries/inline.scm`.

use std::sync::LazyLock;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor};

use crate::model::{Link, LinkKind, TextRange};
use crate::syntax::Syntax;

static INLINE_QUERY: LazyLock<Query> = LazyLock::new(|| {
    Query::new(
        &tree_sitter_md::INLINE_LANGUAGE.into(),
        include_str!("../../../grammar/queries/inline.scm"),
    )
    .expect("grammar/queries/inline.scm compiles against tree-sitter-md's inline grammar")
});

pub struct Inlines {
    pub links: Vec<Link>,
    pub code_spans: Vec<TextRange>,
}

/// Runs the inline query over every inline tree of the document.
pub fn collect(syntax: &Syntax, text: &str, definitions: &[(String, String)]) -> Inlines {
    let mut out = Inlines {
        links: Vec::new(),
        code_spans: Vec::new(),
    };
    let query = &*INLINE_QUERY;
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    let mut stack = vec![syntax.block_tree().root_node()];
    while let Some(node) = stack.pop() {
        if matches!(node.kind(), "inline" | "pipe_table_cell") {
            if let Some(tree) = syntax.inline_tree(&node) {
                let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
                while let Some(m) = matches.next() {
                    let mut whole: Option<(&str, Node)> = None;
                    let (mut text_node, mut dest, mut label) = (None, None, None);
                    for c in m.captures() {
                        match names[c.index as usize] {
                            "text" => text_node = Some(c.node),
                            "destination" => dest = Some(c.node),
                            "label" => label = Some(c.node),
                            kind => whole = Some((kind, c.node)),
                        }
                    }
                    if let Some((kind, node)) = whole {
                        add(
                            kind,
                            node,
                            text_node,
                            dest,
                            label,
                            text,
                            definitions,
                            &mut out,
                        );
                    }
                }
            }
            continue;
        }
        let mut walk = node.walk();
        let children: Vec<Node> = node.children(&mut walk).collect();
        stack.extend(children.into_iter().rev());
    }
    out.links.sort_by_key(|l| l.range.start);
    out
}

#[allow(clippy::too_many_arguments)]
fn add(
    kind: &str,
    node: Node,
    text_node: Option<Node>,
    dest: Option<Node>,
    label: Option<Node>,
    text: &str,
    defs: &[(String, String)],
    out: &mut Inlines,
) {
    let slice = |n: Node| text.get(n.byte_range()).unwrap_or("");
    let link_text = text_node.map(|t| slice(t).to_string()).unwrap_or_default();
    match kind {
        "link.inline" | "link.image" => {
            let target_range = dest.map(|d| d.byte_range()).unwrap_or_else(|| {
                // `[text]()`: an empty destination sits between the parentheses.
                let at = slice(node)
                    .rfind("()")
                    .map_or(node.end_byte(), |p| node.start_byte() + p + 1);
                at..at
            });
            out.links.push(Link {
                kind: if kind == "link.image" {
                    LinkKind::Image
                } else {
                    LinkKind::Inline
                },
                text: link_text,
                target: dest.map(|d| unangle(slice(d))).unwrap_or_default(),
                range: node.byte_range(),
                target_range,
            });
        }
        "link.full" | "link.collapsed" | "link.shortcut" => {
            let label_text = match label {
                Some(l) => strip_brackets(slice(l)),
                None => link_text.clone(),
            };
            let key = normalize_label(&label_text);
            let def = defs.iter().find(|(l, _)| *l == key);
            // `[word]` without a definition is just bracketed text, not a link.
            if kind == "link.shortcut" && def.is_none() {
                return;
            }
            out.links.push(Link {
                kind: LinkKind::Reference {
                    label: label_text,
                    defined: def.is_some(),
                },
                text: link_text,
                target: def.map(|(_, t)| t.clone()).unwrap_or_default(),
                range: node.byte_range(),
                target_range: label.or(text_node).unwrap_or(node).byte_range(),
            });
        }
        "link.autolink" => {
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
        "code" => out.code_spans.push(node.byte_range()),
        _ => {}
    }
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
