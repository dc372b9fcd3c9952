//! Document symbols (conference > talks, speakers as detail > sections) and
//! workspace symbols (every file's talks and speakers, fuzzy).

use url::Url;

use super::Location;
use crate::analysis::Snapshot;
use crate::fuzzy::{search, Query};
use crate::index::conference_label;
use crate::model::{TalkForm, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Conference,
    Talk,
    Section,
    Speaker,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

pub fn document_symbols(snapshot: &Snapshot, url: &Url) -> Vec<Symbol> {
    let Some(file) = snapshot.file(url) else {
        return Vec::new();
    };
    let m = &file.model;
    let text = &*file.text();
    // (symbol, level): headings by their level, other talks below any heading.
    let mut nodes: Vec<(Symbol, u8)> = Vec::new();
    for t in &m.talks {
        let level = match t.form {
            TalkForm::Heading { level } => level,
            _ => 7,
        };
        let names: Vec<&str> = t.speakers.iter().map(|s| &*s.name).collect();
        nodes.push((
            Symbol {
                name: t.title.to_string(),
                detail: (!names.is_empty()).then(|| names.join(", ")),
                kind: SymbolKind::Talk,
                range: t.range().start.min(t.line_range().start)
                    ..t.range().end.max(t.line_range().end),
                selection_range: t.title_range(),
                children: Vec::new(),
            },
            level,
        ));
    }
    for (i, h) in m.headings.iter().enumerate() {
        let is_talk = m.talks.iter().any(|t| {
            t.line_range().start <= h.range().start && h.range().end <= t.line_range().end
        });
        let is_conference_line = m
            .conference
            .as_ref()
            .and_then(|c| c.range.as_ref())
            .is_some_and(|r| h.range().start <= r.start && r.end <= h.range().end);
        if is_talk || is_conference_line || h.text().trim().is_empty() {
            continue;
        }
        let start = text[..h.range().start].rfind('\n').map_or(0, |i| i + 1);
        let end = m.headings[i + 1..]
            .iter()
            .find(|n| n.level <= h.level)
            .map_or(text.len(), |n| {
                text[..n.range().start].rfind('\n').map_or(0, |i| i + 1)
            });
        nodes.push((
            Symbol {
                name: h.text().to_string(),
                detail: None,
                kind: SymbolKind::Section,
                range: start..end.max(h.range().end),
                selection_range: h.range(),
                children: Vec::new(),
            },
            h.level,
        ));
    }
    nodes.sort_by(|a, b| {
        a.0.range
            .start
            .cmp(&b.0.range.start)
            .then(a.1.cmp(&b.1))
            .then(b.0.range.end.cmp(&a.0.range.end))
    });
    let top = nest(nodes);
    match &m.conference {
        Some(_) => {
            let label = conference_label(&file).label.to_string();
            let sel = m
                .conference
                .as_ref()
                .and_then(|c| c.range.clone())
                .unwrap_or(0..0);
            vec![Symbol {
                name: label,
                detail: Some(file.display_name()),
                kind: SymbolKind::Conference,
                range: 0..text.len(),
                selection_range: sel,
                children: top,
            }]
        }
        None => top,
    }
}

/// Nests symbols sorted by start: each goes under the nearest open symbol
/// that contains it (clipped to it when it runs past its end).
fn nest(nodes: Vec<(Symbol, u8)>) -> Vec<Symbol> {
    let mut roots: Vec<Symbol> = Vec::new();
    let mut stack: Vec<(Symbol, u8)> = Vec::new();
    fn close(stack: &mut Vec<(Symbol, u8)>, roots: &mut Vec<Symbol>) {
        let (done, _) = stack.pop().expect("an open symbol");
        match stack.last_mut() {
            Some((parent, _)) => parent.children.push(done),
            None => roots.push(done),
        }
    }
    for (mut node, level) in nodes {
        while let Some((top, top_level)) = stack.last() {
            let inside = node.range.start >= top.range.start
                && node.range.start < top.range.end
                && *top_level < level;
            if inside {
                break;
            }
            close(&mut stack, &mut roots);
        }
        if let Some((top, _)) = stack.last() {
            node.range.end = node.range.end.min(top.range.end);
        }
        stack.push((node, level));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub location: Location,
    /// The conference (talks), or where they spoke (speakers).
    pub container: Option<String>,
}

/// At most this many workspace symbols per query.
pub const WORKSPACE_LIMIT: usize = 128;

pub fn workspace_symbols(snapshot: &Snapshot, query: &str) -> Vec<WorkspaceSymbol> {
    let facts = &snapshot.facts;
    let mut q = Query::new(query);
    let (talks, _) = search(&facts.talk_list, &facts.talk_words, &mut q, WORKSPACE_LIMIT);
    let (speakers, _) = search(
        &facts.speaker_list,
        &facts.speaker_words,
        &mut q,
        WORKSPACE_LIMIT / 2,
    );
    let mut scored: Vec<(u32, WorkspaceSymbol)> = Vec::new();
    for (id, score) in talks {
        let e = &facts.talk_list[id as usize];
        let Some(range) = snapshot
            .file(&e.url)
            .and_then(|f| Some(f.model.talks.get(e.talk)?.title_range()))
        else {
            continue;
        };
        scored.push((
            score,
            WorkspaceSymbol {
                name: e.title.to_string(),
                kind: SymbolKind::Talk,
                location: Location::new(&e.url, range),
                container: facts.conferences.get(&e.url).map(|c| c.label.to_string()),
            },
        ));
    }
    for (id, score) in speakers {
        let e = &facts.speaker_list[id as usize];
        // Their most recent talk.
        let Some(place) = &e.latest else { continue };
        let Some(range) = snapshot.file(&place.url).and_then(|f| place.range(&f)) else {
            continue;
        };
        scored.push((
            score,
            WorkspaceSymbol {
                name: e.name.clone(),
                kind: SymbolKind::Speaker,
                location: Location::new(&place.url, range),
                container: Some(e.conferences.join(", ")),
            },
        ));
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored.truncate(WORKSPACE_LIMIT);
    scored.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::{url, Fixture};

    /// An outline: one line per symbol, indented by depth.
    fn outline(symbols: &[Symbol], text: &str, depth: usize, out: &mut String) {
        for s in symbols {
            out.push_str(&format!(
                "{}{:?} {}{} [{}]\n",
                "  ".repeat(depth),
                s.kind,
                s.name,
                s.detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default(),
                &text[s.selection_range.clone()]
            ));
            assert!(
                s.range.start <= s.selection_range.start && s.selection_range.end <= s.range.end,
                "selection inside range: {s:?}"
            );
            outline(&s.children, text, depth + 1, out);
        }
    }

    #[test]
    fn conference_then_talks_then_sections() {
        let f = Fixture::parse(
            "\
//- /2017.md
# PyCon US 2017

# Optimizations (Victor Stinner)
## Benchmarks
- notes
## Python 3.6 optimizations
- notes

# Effective Code Review (Erik Rose)
## Tact Hacks
- notes

# Random notes
- things
//- /2014.md
My notes from PyCon 2014.

All Your Ducks In A Row: Data Structures, Brandon Rhodes

  • notes

Designing Poetic APIs – Erik Rose

  • notes
",
        );
        let s = f.snapshot();
        let mut out = String::new();
        let u = url("/2017.md");
        outline(&document_symbols(&s, &u), f.text(&u), 0, &mut out);
        assert_eq!(
            out,
            "\
Conference PyCon US 2017 (2017.md) [PyCon US 2017]
  Talk Optimizations (Victor Stinner) [Optimizations]
    Section Benchmarks [Benchmarks]
    Section Python 3.6 optimizations [Python 3.6 optimizations]
  Talk Effective Code Review (Erik Rose) [Effective Code Review]
    Section Tact Hacks [Tact Hacks]
  Section Random notes [Random notes]
"
        );
        let mut out = String::new();
        let u = url("/2014.md");
        outline(&document_symbols(&s, &u), f.text(&u), 0, &mut out);
        assert_eq!(
            out,
            "\
Conference PyCon 2014 (2014.md) [My notes from PyCon 2014.]
  Talk All Your Ducks In A Row: Data Structures (Brandon Rhodes) [All Your Ducks In A Row: Data Structures]
  Talk Designing Poetic APIs (Erik Rose) [Designing Poetic APIs]
"
        );
    }

    #[test]
    fn workspace_symbols_find_talks_and_speakers_of_every_file() {
        let f = Fixture::parse(
            "\
//- /2017.md
# PyCon US 2017

# Effective Code Review (Erik Rose)
//- /2014.md
My notes from PyCon 2014.

All Your Ducks In A Row: Data Structures, Brandon Rhodes

  • notes

Designing Poetic APIs – Erik Rose

  • notes
",
        );
        let s = f.snapshot();
        let found: Vec<(String, SymbolKind, String, Option<String>)> =
            workspace_symbols(&s, "erik")
                .into_iter()
                .map(|w| {
                    let t = f.text(&w.location.url)[w.location.range].to_string();
                    (w.name, w.kind, t, w.container)
                })
                .collect();
        assert_eq!(
            found,
            vec![(
                "Erik Rose".to_string(),
                SymbolKind::Speaker,
                "Erik Rose".to_string(),
                Some("PyCon US 2017, PyCon 2014".to_string())
            )]
        );
        let names: Vec<String> = workspace_symbols(&s, "poetic")
            .into_iter()
            .map(|w| w.name)
            .collect();
        assert_eq!(names, vec!["Designing Poetic APIs"]);
        let names: Vec<String> = workspace_symbols(&s, "ecr")
            .into_iter()
            .map(|w| w.name)
            .collect();
        assert_eq!(names, vec!["Effective Code Review"]);
    }
}
