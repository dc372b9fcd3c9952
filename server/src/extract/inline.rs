//! What the inline trees hold: links of every kind and code spans, found
//! with the query in `grammar/queries/inline.scm`, or read directly from
//! the text where it is simple enough (`simple_inline.rs`).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

use super::memo::Memo;
use super::simple_inline;
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

/// What one inline tree holds: ranges relative to its node's start, and
/// references not yet resolved against the file's definitions. A function
/// of the node's bytes and holes alone (see `syntax.rs`), so it is memoised
/// by them across edits.
#[derive(Debug, Default, PartialEq)]
pub struct Piece {
    pub(super) links: Vec<RawLink>,
    pub(super) code_spans: Vec<TextRange>,
}

#[derive(Debug, PartialEq)]
pub(super) struct RawLink {
    pub(super) kind: RawKind,
    pub(super) text: String,
    pub(super) range: TextRange,
    pub(super) target_range: TextRange,
}

#[derive(Debug, PartialEq)]
pub(super) enum RawKind {
    Inline {
        target: String,
    },
    Image {
        target: String,
    },
    Autolink {
        target: String,
    },
    /// `[text][label]`, `[label][]` (`shortcut` false) or `[label]`.
    Reference {
        label: String,
        shortcut: bool,
    },
}

/// The inline trees' pieces, each at the offset of its node, in document
/// order. With a memo, an inline tree whose bytes did not change since the
/// memo's last run is not queried again.
pub fn pieces(
    syntax: &Syntax,
    text: &str,
    mut memo: Option<&mut Memo>,
) -> Vec<(usize, Arc<Piece>)> {
    let mut out = Vec::new();
    let mut cursor = QueryCursor::new();
    syntax.for_each_inline_piece(text, |mut p| {
        let node_text = text.get(p.range.clone()).unwrap_or_default();
        let (at, holes) = (p.range.start, p.holes);
        // The tree is read (and parsed, when not kept) only on a memo miss,
        // and only for text that is not simple.
        let mut run = || {
            if holes.is_empty() {
                if let Some(piece) = simple_inline::scan(node_text) {
                    return Some(piece);
                }
            }
            let (tree, origin) = p.tree()?;
            Some(query(tree, node_text, origin, &mut cursor))
        };
        let piece = match memo.as_deref_mut() {
            Some(memo) => memo.piece(node_text.as_bytes(), holes, run),
            None => run().map(Arc::new),
        };
        out.extend(piece.map(|piece| (at, piece)));
    });
    out
}

/// The links and code spans of `pieces`, references resolved against the
/// file's `definitions`, links in document order.
pub fn resolve_all(pieces: &[(usize, Arc<Piece>)], definitions: &[(String, String)]) -> Inlines {
    let mut out = Inlines {
        links: Vec::new(),
        code_spans: Vec::new(),
    };
    // The first definition of a label wins, as in CommonMark.
    let mut defs: HashMap<&str, &str> = HashMap::with_capacity(definitions.len());
    for (label, target) in definitions {
        defs.entry(label.as_str()).or_insert(target.as_str());
    }
    for (base, piece) in pieces {
        resolve(piece, *base, &defs, &mut out);
    }
    out.links.sort_by_key(|l| l.range().start);
    out
}

/// Runs the inline query over one inline tree: `text` is the inline
/// node's bytes, which the tree has starting at byte `origin`.
fn query(tree: &Tree, text: &str, origin: usize, cursor: &mut QueryCursor) -> Piece {
    let query = &*INLINE_QUERY;
    let names = query.capture_names();
    let mut piece = Piece::default();
    // The query has no text predicates: the text it is given is not read.
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
            let found = Found {
                node,
                text_node,
                dest,
                label,
            };
            add(kind, &found, text, origin, &mut piece);
        }
    }
    piece
}

/// The nodes of one match of the inline query.
struct Found<'t> {
    node: Node<'t>,
    text_node: Option<Node<'t>>,
    dest: Option<Node<'t>>,
    label: Option<Node<'t>>,
}

/// Adds one match to `out`, in offsets relative to the inline node's
/// start (`text` is the node's bytes; the tree has it at `origin`).
fn add(kind: &str, found: &Found, text: &str, origin: usize, out: &mut Piece) {
    let rel = |r: TextRange| r.start.saturating_sub(origin)..r.end.saturating_sub(origin);
    let slice = |n: Node| text.get(rel(n.byte_range())).unwrap_or("");
    let node = found.node;
    let link_text = found
        .text_node
        .map(|t| slice(t).to_string())
        .unwrap_or_default();
    match kind {
        "link.inline" | "link.image" => {
            let target_range = found.dest.map(|d| d.byte_range()).unwrap_or_else(|| {
                // `[text]()`: an empty destination sits between the parentheses.
                let at = slice(node)
                    .rfind("()")
                    .map_or(node.end_byte(), |p| node.start_byte() + p + 1);
                at..at
            });
            let target = found.dest.map(|d| unangle(slice(d))).unwrap_or_default();
            out.links.push(RawLink {
                kind: if kind == "link.image" {
                    RawKind::Image { target }
                } else {
                    RawKind::Inline { target }
                },
                text: link_text,
                range: rel(node.byte_range()),
                target_range: rel(target_range),
            });
        }
        "link.full" | "link.collapsed" | "link.shortcut" => {
            let label = match found.label {
                Some(l) => strip_brackets(slice(l)),
                None => link_text.clone(),
            };
            out.links.push(RawLink {
                kind: RawKind::Reference {
                    label,
                    shortcut: kind == "link.shortcut",
                },
                text: link_text,
                range: rel(node.byte_range()),
                target_range: rel(found.label.or(found.text_node).unwrap_or(node).byte_range()),
            });
        }
        "link.autolink" => {
            let r = node.byte_range();
            let inner = r.start + 1..r.end.saturating_sub(1).max(r.start + 1);
            out.links.push(RawLink {
                kind: RawKind::Autolink {
                    target: text.get(rel(inner.clone())).unwrap_or("").to_string(),
                },
                text: String::new(),
                range: rel(r),
                target_range: rel(inner),
            });
        }
        "code" => out.code_spans.push(rel(node.byte_range())),
        _ => {}
    }
}

/// Places a piece at `base`, resolving its references.
fn resolve(piece: &Piece, base: usize, defs: &HashMap<&str, &str>, out: &mut Inlines) {
    let at = |r: &TextRange| r.start + base..r.end + base;
    for l in &piece.links {
        let (kind, target) = match &l.kind {
            RawKind::Inline { target } => (LinkKind::Inline, target.clone()),
            RawKind::Image { target } => (LinkKind::Image, target.clone()),
            RawKind::Autolink { target } => (LinkKind::Autolink, target.clone()),
            RawKind::Reference { label, shortcut } => {
                let def = defs.get(normalize_label(label).as_str());
                // `[word]` without a definition is just bracketed text, not a link.
                if *shortcut && def.is_none() {
                    continue;
                }
                (
                    LinkKind::Reference {
                        label: label.as_str().into(),
                        defined: def.is_some(),
                    },
                    def.map(|t| t.to_string()).unwrap_or_default(),
                )
            }
        };
        out.links.push(Link::new(
            kind,
            &l.text,
            &target,
            at(&l.range),
            at(&l.target_range),
        ));
    }
    out.code_spans.extend(piece.code_spans.iter().map(at));
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The piece tree-sitter-md's inline parse gives `text`.
    fn parsed(text: &str) -> Piece {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_md::INLINE_LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(text, None).unwrap();
        query(&tree, text, 0, &mut QueryCursor::new())
    }

    fn agrees(text: &str) -> Result<bool, String> {
        match simple_inline::scan(text) {
            None => Ok(false),
            Some(fast) if fast == parsed(text) => Ok(true),
            Some(fast) => Err(format!(
                "{text:?}: scanned {fast:?}, parsed {:?}",
                parsed(text)
            )),
        }
    }

    #[test]
    fn simple_text_is_read_without_a_parse() {
        for text in [
            "see [the talk](https://example.org/talk_1?a=1&b=2) and `asyncio` (PEP 8)",
            "`a` `b c` [x y](z) [é](/ü)",
            "no links at all: (just) 'quotes' \"here\"!",
            "multi\nline `code` text",
        ] {
            assert_eq!(agrees(text), Ok(true));
        }
        for text in [
            "![image](x)",
            "[ref][label]",
            "[shortcut]",
            "`` double ``",
            "<https://example.org>",
            "*[em](x)*",
            "[a](b \"title\")",
            "[a\nb](c)",
            "unclosed `code",
        ] {
            assert_eq!(agrees(text), Ok(false), "{text:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(50000))]
        /// Wherever the scan answers, it gives what the parse gives.
        #[test]
        fn simple_scan_equals_the_inline_parse(
            text in proptest::collection::vec(proptest::prop_oneof![
                3 => proptest::string::string_regex("[a-z (),.:!é\t%@{}^]{1,6}").unwrap(),
                2 => proptest::string::string_regex("[a-z0-9 \\t\\n\\r\u{c}\\[\\]()!<>*_~$&;:/.#|\"'\\\\`=+%{}-]{1,3}").unwrap(),
                2 => proptest::string::string_regex("\\[[a-z (é)\\t:.,'\"]{0,4}\\]\\([a-z:/._&*#?=é~$|%@!{}+-]{0,6}\\)").unwrap(),
                2 => proptest::string::string_regex("`[a-z \\[\\]()*_&é~$|!\\t'\"]{0,4}`").unwrap(),
                1 => proptest::prop_oneof![
                    proptest::strategy::Just("https://"),
                    proptest::strategy::Just("www.a.org"),
                    proptest::strategy::Just("a@b.org"),
                    proptest::strategy::Just("&amp;"),
                    proptest::strategy::Just("  \n"),
                    proptest::strategy::Just("*"),
                    proptest::strategy::Just("**"),
                    proptest::strategy::Just("_"),
                    proptest::strategy::Just("__"),
                ].prop_map(|s: &str| s.to_string()),
            ], 0..10).prop_map(|parts: Vec<String>| parts.concat())
        ) {
            if let Err(e) = agrees(&text) {
                proptest::prop_assert!(false, "{}", e);
            }
        }
    }
}
