//! Text + syntax tree → the talk-notes model of one file.
//!
//! The conventions accepted here are specified, with an example of each, in
//! `grammar/README.md`; the tree-sitter queries in `grammar/queries/` find
//! the markdown nodes this module reads.

mod blocks;
mod conference;
pub mod cuts;
mod inline;
mod memo;
pub mod names;
mod refs;
mod simple_inline;
mod talks;

pub use conference::parse_name_year;
pub use inline::normalize_label;
pub use memo::Memo;
pub use talks::{is_talk_url, title_key, visible_title};

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{
    FileModel, Heading, LibraryMention, LibraryVia, Link, LinkDefinition, LinkKind, Suppression,
    TextRange,
};
use crate::syntax::Syntax;
use blocks::{BlockKind, Outline};

/// A note's parse: one [`Syntax`] of the whole text, or one per piece of
/// it (an open document's, [`crate::pieced::PiecedSyntax`]).
pub trait Parsed {
    /// Where each piece starts in the text, with its syntax (of the text
    /// from there to the next piece's start), in order; the first at 0.
    fn parts(&self) -> Vec<(usize, &Syntax)>;
}

impl Parsed for Syntax {
    fn parts(&self) -> Vec<(usize, &Syntax)> {
        vec![(0, self)]
    }
}

/// Builds the model of a file. `file_name` is used when the text names no
/// conference (`pycon-2017.md`).
pub fn extract(text: &str, syntax: &impl Parsed, file_name: Option<&str>) -> FileModel {
    extract_with(text, syntax, file_name, None)
}

/// [`extract`], reusing what `memo` kept of the previous run on the same
/// document (an open document keeps one). The model is the same either
/// way (checked after random edits by `tests/document_props.rs`).
pub fn extract_with(
    text: &str,
    syntax: &impl Parsed,
    file_name: Option<&str>,
    mut memo: Option<&mut Memo>,
) -> FileModel {
    if let Some(m) = memo.as_deref_mut() {
        m.begin();
    }
    let parts = syntax.parts();
    let mut joined = Joined::default();
    for (i, &(start, syntax)) in parts.iter().enumerate() {
        let end = parts.get(i + 1).map_or(text.len(), |p| p.0);
        let part = read(
            &text[start..end],
            syntax,
            memo.as_deref_mut(),
            end == text.len(),
        );
        joined.add(part, start, end);
    }
    let model = build(
        text,
        joined.finish(text.len()),
        file_name,
        memo.as_deref_mut(),
    );
    if let Some(m) = memo {
        m.finish();
    }
    model
}

/// The model of a note read from disk: parsed in pieces of at least
/// [`PIECE`] bytes when it is larger than that (see [`cuts`]), so that
/// the trees of one piece at a time are held. The same model as one parse.
pub fn extract_from_disk(text: &str, file_name: Option<&str>) -> FileModel {
    extract_in_pieces(text, file_name, PIECE)
}

/// A note read from disk is cut, if it can be, into pieces of at least this
/// many bytes: each piece's block tree then holds ~2 MB at most.
pub const PIECE: usize = 32 * 1024;

/// [`extract_from_disk`] with pieces of at least `min_piece` bytes (tests
/// cut at every place [`cuts::cuts`] allows).
pub fn extract_in_pieces(text: &str, file_name: Option<&str>, min_piece: usize) -> FileModel {
    let cuts = if text.len() > min_piece {
        cuts::cuts(text, min_piece)
    } else {
        Vec::new()
    };
    let mut joined = Joined::default();
    let mut start = 0;
    let several = !cuts.is_empty();
    for end in cuts.into_iter().chain([text.len()]) {
        let piece = &text[start..end];
        let syntax = Syntax::parse_block_only(piece);
        if several && syntax.has_error() {
            // tree-sitter's error recovery may reach across a cut (see
            // `crate::pieced`): read the note in one parse.
            drop(syntax);
            return extract(text, &Syntax::parse_block_only(text), file_name);
        }
        let part = read(piece, &syntax, None, end == text.len());
        drop(syntax);
        joined.add(part, start, end);
        start = end;
    }
    build(text, joined.finish(text.len()), file_name, None)
}

/// What the model is built from: the blocks, and the inline trees' pieces
/// with their references not yet resolved (a note read in pieces knows
/// its link definitions only at the end).
#[derive(Default)]
struct Reading {
    outline: Outline,
    pieces: Vec<(usize, Arc<inline::Piece>)>,
}

/// The readings of a note's pieces put together: each moved to where its
/// piece starts, and the sections that cuts ended joined again.
#[derive(Default)]
struct Joined {
    reading: Reading,
    /// Where each piece read so far ends.
    ends: Vec<usize>,
}

impl Joined {
    fn add(&mut self, mut part: Reading, start: usize, end: usize) {
        if start > 0 {
            part.outline.shift(start);
        }
        let outline = &mut self.reading.outline;
        outline.blocks.append(&mut part.outline.blocks);
        outline
            .link_definitions
            .append(&mut part.outline.link_definitions);
        self.reading
            .pieces
            .extend(part.pieces.into_iter().map(|(at, p)| (at + start, p)));
        self.ends.push(end);
    }

    /// The joined reading of a text of `len` bytes. A cut may fall inside
    /// an ATX heading's section (tree-sitter-md's `section` runs to the
    /// next ATX heading of the same or a higher level): in its piece the
    /// section ends where the piece does, in the note at that next
    /// heading, or at the end. (A heading in a list item or a quote has a
    /// section in it, which no cut falls inside, and which ends none
    /// outside.)
    fn finish(mut self, len: usize) -> Reading {
        if self.ends.len() > 1 {
            let blocks = &mut self.reading.outline.blocks;
            // next[l - 1]: where the nearest section heading of level l or
            // higher after the block being looked at starts.
            let mut next = [len; 6];
            let mut piece = self.ends.len() - 1;
            for b in blocks.iter_mut().rev() {
                let (BlockKind::Heading { level }, Some(section), false) =
                    (&b.kind, &mut b.section, b.nested)
                else {
                    continue;
                };
                while piece > 0 && self.ends[piece - 1] > b.range.start {
                    piece -= 1;
                }
                let level = usize::from((*level).clamp(1, 6));
                if section.end >= self.ends[piece] && self.ends[piece] < len {
                    section.end = next[level - 1];
                }
                for n in &mut next[level - 1..] {
                    *n = section.start;
                }
            }
        }
        self.reading
    }
}

/// Reads the outline and the inline pieces of one parse of `text`, the
/// whole note or, when not `last`, a piece before a cut: a fence that
/// reaches the end of such a piece was opened in a list item or a quote
/// that the heading after the cut ends (see [`cuts`]), not left open.
fn read(text: &str, syntax: &Syntax, mut memo: Option<&mut Memo>, last: bool) -> Reading {
    let mut outline = match memo.as_deref_mut() {
        Some(m) => m.outline(syntax, text),
        None => blocks::outline(syntax, text),
    };
    let mut pieces = inline::pieces(syntax, text, memo.as_deref_mut());

    // A fence left open swallows the rest of the file: read what follows it
    // as the notes it is.
    if let Some(from) = outline.unclosed_fence.take().filter(|_| last) {
        let sub = Syntax::parse_block_only(&text[from..]);
        let mut rest = blocks::outline(&sub, &text[from..]);
        rest.shift(from);
        outline.blocks.retain(|b| {
            !(b.kind == BlockKind::Code { fenced: true }
                && b.range.end >= text.len()
                && b.range.start < from)
        });
        outline.blocks.extend(rest.blocks);
        outline.link_definitions.extend(rest.link_definitions);
        let more = inline::pieces(&sub, &text[from..], memo);
        pieces.extend(more.into_iter().map(|(at, p)| (at + from, p)));
    }
    Reading { outline, pieces }
}

/// The model of `text` from what [`read`] (once, or once per piece) found.
fn build(
    text: &str,
    reading: Reading,
    file_name: Option<&str>,
    memo: Option<&mut Memo>,
) -> FileModel {
    let Reading { outline, pieces } = reading;
    let mut model = FileModel::default();

    // Link definitions first: reference links resolve against them.
    let mut defs: Vec<(String, String)> = Vec::new();
    for (range, label, dest) in &outline.link_definitions {
        let label_text = normalize_label(&text[label.clone()]);
        let target = text[dest.clone()].trim_matches(['<', '>']).to_string();
        defs.push((label_text.clone(), target.clone()));
        model.link_definitions.push(LinkDefinition {
            label: label_text,
            target,
            range: range.clone(),
        });
    }
    let inlines = inline::resolve_all(&pieces, &defs);
    drop(pieces);
    let mut links = inlines.links;

    for b in &outline.blocks {
        match b.kind {
            BlockKind::Code { fenced: true } | BlockKind::FrontMatter => {
                model.code_ranges.push(b.range.clone())
            }
            _ => {}
        }
    }

    // Prose ranges: everything outside fenced code and front matter.
    let prose = prose_ranges(text.len(), &model.code_ranges);
    let in_link = |links: &[Link], at: usize| links.iter().any(|l| l.range().contains(&at));
    let mut bare = Vec::new();
    let (mut peps, mut issues) = (Vec::new(), Vec::new());
    for r in &prose {
        refs::pep_refs(text, r.clone(), &mut peps);
        refs::issue_refs(text, r.clone(), &mut issues);
        refs::libraries_in(text, r.clone(), false, &mut model.libraries);
        for u in refs::bare_urls(text, r.clone()) {
            if !in_link(&links, u.start) {
                bare.push(u);
            }
        }
    }
    for u in bare {
        links.push(Link::new(
            LinkKind::Bare,
            "",
            &text[u.clone()],
            u.clone(),
            u,
        ));
    }
    links.sort_by_key(|l| l.range().start);
    // The PEP number inside a link's target is a reference too, but a PEP
    // reference that is only the text of a link is counted once.
    peps.sort_by_key(|p| p.range().start);
    peps.dedup_by_key(|p| p.range().start);
    model.peps = peps.into();
    model.issues = issues.into();

    for span in &inlines.code_spans {
        let before = model.libraries.len();
        refs::libraries_in(text, span.clone(), true, &mut model.libraries);
        let found_statement = model.libraries[before..]
            .iter()
            .any(|l| l.via != LibraryVia::PipInstall || span.contains(&l.range().start));
        if !found_statement {
            if let Some(lib) = refs::code_span_library(text, span.clone()) {
                model.libraries.push(lib);
            }
        }
    }
    // A destination of 64 KiB or more names no library (a mention's range
    // is kept in 16 bits).
    for l in links
        .iter()
        .filter(|l| l.target_range().len() <= usize::from(u16::MAX))
    {
        if let Some(name) = refs::link_library(l.target()) {
            model.libraries.push(LibraryMention::new(
                name.into(),
                l.target_range(),
                LibraryVia::Link,
            ));
        }
    }
    model.libraries.sort_by_key(|l| l.range().start);
    model.libraries.dedup_by_key(|l| l.range());

    let found = conference::find(text, &outline.blocks, file_name);
    let conference_line = found.as_ref().and_then(|f| f.line.clone());
    model.conference = found.map(|f| f.conference);

    let link_targets: Vec<(TextRange, &str)> =
        links.iter().map(|l| (l.range(), l.target())).collect();
    model.talks = talks::find_talks(&talks::TalkInput {
        text,
        blocks: &outline.blocks,
        links: &link_targets,
        conference_line,
        memo: std::cell::RefCell::new(memo),
    });

    model.headings = headings(text, &outline.blocks);
    model.suppressions = suppressions(text, &outline.blocks);
    drop(link_targets);
    model.links = links.into();
    model
}

fn prose_ranges(len: usize, code: &[TextRange]) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut sorted = code.to_vec();
    sorted.sort_by_key(|r| r.start);
    for r in sorted {
        if r.start > at {
            out.push(at..r.start);
        }
        at = at.max(r.end);
    }
    if at < len {
        out.push(at..len);
    }
    out
}

fn headings(text: &str, blocks: &[blocks::Block]) -> Vec<Heading> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for b in blocks {
        let BlockKind::Heading { level } = b.kind else {
            continue;
        };
        let visible = visible_title(&text[b.content.clone()]);
        let base = slug(&visible);
        let n = seen.entry(base.clone()).or_insert(0);
        let anchor = if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        *n += 1;
        out.push(Heading::new(&visible, &anchor, level, b.content.clone()));
    }
    out
}

/// GitHub's heading anchors: lowercase; letters, digits, `-` and `_` kept,
/// spaces become `-`, everything else dropped.
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// `<!-- talknotes-disable RULE... -->` up to the matching enable (or the
/// end), and `<!-- talknotes-disable-next-line RULE... -->` for one line.
fn suppressions(text: &str, blocks: &[blocks::Block]) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut open: Vec<(Vec<String>, usize)> = Vec::new();
    let mut comments: Vec<(usize, usize, &str)> = Vec::new();
    // Comments in HTML blocks and inline comments in prose alike.
    let mut search = 0;
    while let Some(pos) = text[search..].find("<!--") {
        let start = search + pos;
        let Some(close) = text[start..].find("-->") else {
            break;
        };
        let end = start + close + 3;
        let in_fence = blocks
            .iter()
            .any(|b| b.kind == BlockKind::Code { fenced: true } && b.range.contains(&start));
        if !in_fence {
            comments.push((start, end, text[start + 4..end - 3].trim()));
        }
        search = end;
    }
    for (start, end, body) in comments {
        let mut words = body.split_whitespace();
        let directive = words.next().unwrap_or("");
        let rules: Vec<String> = words
            .flat_map(|w| w.split(','))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        match directive {
            "talknotes-disable" => open.push((rules, end)),
            "talknotes-enable" => {
                open.retain(|(r, from)| {
                    let closes = rules.is_empty() || r.iter().all(|x| rules.contains(x));
                    if closes {
                        out.push(Suppression {
                            rules: r.clone(),
                            range: *from..start,
                        });
                    }
                    !closes
                });
            }
            "talknotes-disable-next-line" => {
                let line_start = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
                let line_end = text[line_start..]
                    .find('\n')
                    .map_or(text.len(), |i| line_start + i);
                out.push(Suppression {
                    rules,
                    range: line_start..line_end.max(line_start + 1),
                });
            }
            _ => {}
        }
    }
    for (rules, from) in open {
        out.push(Suppression {
            rules,
            range: from..text.len() + 1,
        });
    }
    out
}
