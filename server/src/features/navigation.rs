//! Go to definition and find references.
//!
//! Definition: on a speaker, every talk of theirs in the workspace (the
//! talk under the cursor left out); on a talk title, the same talk in the
//! other notes; on a talk named in prose, that talk; on a relative link or
//! `#anchor`, its target; on a PEP, an issue or a library, the mentions of
//! it in the other notes. References: every mention, across the workspace.

use std::collections::HashSet;
use std::sync::Arc;

use regex::Regex;
use url::Url;

use super::target::{link_destination, target_at, Target};
use super::{sort_locations, touches, Location};
use crate::analysis::Snapshot;
use crate::extract::title_key;
use crate::index::{Mention, NoteFile};
use crate::model::TextRange;

pub fn definition(snapshot: &Snapshot, url: &Url, offset: usize) -> Vec<Location> {
    let Some(file) = snapshot.file(url) else {
        return Vec::new();
    };
    let Some(target) = target_at(snapshot, &file, offset) else {
        return Vec::new();
    };
    let mut out = match &target {
        Target::Speaker { name, talk, .. } => speaker_talks(snapshot, name)
            .into_iter()
            .filter(|(u, t)| !(*u == *file.url && Some(*t) == *talk))
            .filter_map(|(u, t)| talk_title(snapshot, &u, t))
            .collect(),
        Target::Talk { talk, .. } => {
            let key = title_key(&file.model.talks[*talk].title);
            let mut found: Vec<Location> = same_talks(snapshot, &[key])
                .into_iter()
                .filter(|(u, _)| *u != *file.url)
                .filter_map(|(u, t)| talk_title(snapshot, &u, t))
                .collect();
            // Then the talk's entry in the conference's catalog.
            let start = file.model.talks[*talk].title_range().start;
            if let Some(entry) = crate::catalog::features::definition(snapshot, url, start) {
                if let Ok(u) = Url::from_file_path(&entry.path) {
                    found.push(Location::new(&u, 0..0));
                }
            }
            found
        }
        Target::TalkMention { keys, .. } => same_talks(snapshot, keys)
            .into_iter()
            .filter_map(|(u, t)| talk_title(snapshot, &u, t))
            .collect(),
        Target::Link { index, .. } => {
            let links = file.model.links.load();
            let link = &links[*index];
            link_destination(snapshot, &file, link.target())
                .map(|(u, r)| vec![Location::new(&u, r.unwrap_or(0..0))])
                .unwrap_or_default()
        }
        Target::Pep { .. } | Target::Issue { .. } | Target::Library { .. } => {
            mention_locations(snapshot, &target)
                .into_iter()
                .filter(|l| l.url != *file.url)
                .collect()
        }
        Target::Heading { .. } => Vec::new(),
    };
    sort_locations(snapshot, url, &mut out);
    out
}

pub fn references(
    snapshot: &Snapshot,
    url: &Url,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(file) = snapshot.file(url) else {
        return Vec::new();
    };
    let Some(target) = target_at(snapshot, &file, offset) else {
        return Vec::new();
    };
    let mut out: Vec<Location> = match &target {
        Target::Speaker { name, .. } => {
            let mut v = speaker_occurrences(snapshot, name);
            let taken = v.clone();
            v.extend(
                text_mentions(snapshot, &exact_word_regex(name), false)
                    .into_iter()
                    .filter(|l| !overlaps_any(&taken, l)),
            );
            v
        }
        Target::Talk { talk, .. } => {
            talk_references(snapshot, &[title_key(&file.model.talks[*talk].title)])
        }
        Target::TalkMention { keys, .. } => talk_references(snapshot, keys),
        Target::Pep { .. } | Target::Issue { .. } => mention_locations(snapshot, &target),
        Target::Library { name, .. } => {
            let mut v = mention_locations(snapshot, &target);
            if name.chars().count() >= 3 {
                let taken = v.clone();
                v.extend(
                    text_mentions(snapshot, &library_word_regex(name), true)
                        .into_iter()
                        .filter(|l| !overlaps_any(&taken, l)),
                );
            }
            v
        }
        Target::Link { index, .. } => {
            let links = file.model.links.load();
            let link = &links[*index];
            match link_destination(snapshot, &file, link.target()) {
                Some((u, Some(heading))) => heading_references(snapshot, &u, &heading),
                _ => Vec::new(),
            }
        }
        Target::Heading { index, .. } => {
            heading_references(snapshot, url, &file.model.headings[*index].range())
        }
    };
    if !include_declaration {
        let own = target.range();
        out.retain(|l| {
            !(l.url == *url && touches(&l.range, own.start) && touches(own, l.range.start))
        });
    }
    sort_locations(snapshot, url, &mut out);
    out
}

/// Every talk (file, talk index) noted with `name` as a speaker.
pub fn speaker_talks(snapshot: &Snapshot, name: &str) -> Vec<(Url, usize)> {
    let mut seen = HashSet::new();
    snapshot
        .facts
        .speakers
        .get(name)
        .into_iter()
        .flatten()
        .map(|p| ((*p.url).clone(), p.talk))
        .filter(|k| seen.insert(k.clone()))
        .collect()
}

/// Every place `name` is written as a speaker.
pub fn speaker_occurrences(snapshot: &Snapshot, name: &str) -> Vec<Location> {
    snapshot
        .facts
        .speakers
        .get(name)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let f = snapshot.file(&p.url)?;
            Some(Location::new(&p.url, p.range(&f)?))
        })
        .collect()
}

/// The talks whose titles are loosely equal to one of `keys`.
pub fn same_talks(snapshot: &Snapshot, keys: &[String]) -> Vec<(Url, usize)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for key in keys {
        for k in snapshot.facts.similar_titles(key) {
            for (u, t) in snapshot.facts.talks.get(k).into_iter().flatten() {
                if seen.insert((u.clone(), *t)) {
                    out.push(((**u).clone(), *t));
                }
            }
        }
    }
    out
}

fn talk_title(snapshot: &Snapshot, url: &Url, talk: usize) -> Option<Location> {
    let f = snapshot.file(url)?;
    Some(Location::new(url, f.model.talks.get(talk)?.title_range()))
}

/// The ranges of the items of one of a file's lists.
type RangesOf = fn(&NoteFile) -> Vec<TextRange>;

/// The mentions of the PEP, issue or library `target` names.
fn mention_locations(snapshot: &Snapshot, target: &Target) -> Vec<Location> {
    let (mentions, ranges_of): (&[Mention], RangesOf) = match target {
        Target::Pep { number, .. } => (
            snapshot.facts.peps.get(number).map_or(&[], Vec::as_slice),
            |f| f.model.peps.load().iter().map(|p| p.range()).collect(),
        ),
        Target::Issue { key, .. } => (
            snapshot.facts.issues.get(key).map_or(&[], Vec::as_slice),
            |f| f.model.issues.load().iter().map(|i| i.range()).collect(),
        ),
        Target::Library { name, .. } => (
            snapshot
                .facts
                .libraries
                .get(name)
                .map_or(&[], Vec::as_slice),
            |f| f.model.libraries.iter().map(|l| l.range()).collect(),
        ),
        _ => return Vec::new(),
    };
    // A file's mentions are next to each other (by URL, then index): its
    // list is read once for them (an unopened note's is decoded to be read).
    let mut ranges: Option<(&Url, Vec<TextRange>)> = None;
    let mut out = Vec::new();
    for m in mentions {
        if ranges.as_ref().is_none_or(|(u, _)| **u != *m.url) {
            let Some(f) = snapshot.file(&m.url) else {
                continue;
            };
            ranges = Some((&m.url, ranges_of(&f)));
        }
        if let Some(r) = ranges.as_ref().and_then(|(_, r)| r.get(m.index)) {
            out.push(Location::new(&m.url, r.clone()));
        }
    }
    out
}

/// The talks' titles, the prose that names them, and the links to their
/// headings.
fn talk_references(snapshot: &Snapshot, keys: &[String]) -> Vec<Location> {
    let talks = same_talks(snapshot, keys);
    let mut out: Vec<Location> = talks
        .iter()
        .filter_map(|(u, t)| talk_title(snapshot, u, *t))
        .collect();
    let mut titles: Vec<Arc<str>> = Vec::new();
    for (u, t) in &talks {
        let Some(f) = snapshot.file(u) else { continue };
        let talk = &f.model.talks[*t];
        if !titles.contains(&talk.title) {
            titles.push(talk.title.clone());
        }
        if let Some(h) = f.model.headings.iter().find(|h| {
            h.range().start <= talk.title_range().start && talk.title_range().end <= h.range().end
        }) {
            out.extend(
                links_to_heading(snapshot, u, &h.range())
                    .into_iter()
                    .filter(|l| !out.contains(l))
                    .collect::<Vec<_>>(),
            );
        }
    }
    for title in titles {
        let taken = out.clone();
        out.extend(
            text_mentions(snapshot, &title_regex(&title), false)
                .into_iter()
                .filter(|l| !overlaps_any(&taken, l)),
        );
    }
    out
}

/// The heading itself and every link that leads to it.
fn heading_references(snapshot: &Snapshot, url: &Url, heading: &TextRange) -> Vec<Location> {
    let mut out = vec![Location::new(url, heading.clone())];
    out.extend(links_to_heading(snapshot, url, heading));
    out
}

/// Every link (`#anchor`, `note.md#anchor`) whose target is the heading at
/// `heading` in `url`.
pub fn links_to_heading(snapshot: &Snapshot, url: &Url, heading: &TextRange) -> Vec<Location> {
    let mut out = Vec::new();
    for f in snapshot.files.values() {
        for link in f.model.links.load().iter() {
            if !link.target().contains('#') {
                continue;
            }
            if let Some((u, Some(r))) = link_destination(snapshot, f, link.target()) {
                if u == *url && r == *heading {
                    out.push(Location::new(&f.url, link.target_range()));
                }
            }
        }
    }
    out
}

fn overlaps_any(taken: &[Location], l: &Location) -> bool {
    taken
        .iter()
        .any(|t| t.url == l.url && t.range.start < l.range.end && l.range.start < t.range.end)
}

fn exact_word_regex(s: &str) -> Regex {
    let words: Vec<String> = s.split_whitespace().map(regex::escape).collect();
    Regex::new(&format!(r"\b{}\b", words.join(r"\s+"))).expect("an escaped pattern")
}

fn title_regex(title: &str) -> Regex {
    let words: Vec<String> = title.split_whitespace().map(regex::escape).collect();
    let edge = |c: Option<char>| {
        if c.is_some_and(char::is_alphanumeric) {
            r"\b"
        } else {
            ""
        }
    };
    Regex::new(&format!(
        r"(?i){}{}{}",
        edge(title.chars().next()),
        words.join(r"\s+"),
        edge(title.chars().next_back())
    ))
    .expect("an escaped pattern")
}

/// A library name as a word of its own: not inside `a-b`, `a.b`, `a_b`.
fn library_word_regex(name: &str) -> Regex {
    Regex::new(&format!(
        r"(?i)(?:^|[^\w.\-/]){}(?:$|[^\w\-/])",
        regex::escape(name)
    ))
    .expect("an escaped pattern")
}

/// Matches of `re` in every file's prose. With `trim`, the match carries a
/// character of context on each side (see [`library_word_regex`]) that is
/// cut away. Matches inside code blocks, link targets and URLs are left out.
fn text_mentions(snapshot: &Snapshot, re: &Regex, trim: bool) -> Vec<Location> {
    let mut out = Vec::new();
    let mut files: Vec<_> = snapshot.files.values().collect();
    files.sort_by(|a, b| a.url.cmp(&b.url));
    for f in files {
        let mut links = None;
        for m in re.find_iter(&f.text()) {
            let mut r = m.range();
            if trim {
                let s = m.as_str();
                let body = s.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
                let lead = s.find(body).unwrap_or(0);
                r = r.start + lead..r.start + lead + body.len();
            }
            if r.is_empty() || f.model.in_code(r.start) {
                continue;
            }
            // Read once per file, and only for a file with a match: an
            // unopened note's links are decoded to be read.
            let in_url = links
                .get_or_insert_with(|| f.model.links.load())
                .iter()
                .any(|l| l.target_range().start <= r.start && r.end <= l.target_range().end);
            if !in_url {
                out.push(Location::new(&f.url, r));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::Fixture;

    fn check_definition(fixture: &str) {
        let f = Fixture::parse(fixture);
        let s = f.snapshot();
        let (url, offset) = f.cursor();
        let got = definition(&s, &url, offset);
        let want: Vec<Location> = f
            .expected()
            .into_iter()
            .map(|(u, r)| Location::new(&u, r))
            .collect();
        assert_eq!(show(&f, &got), show(&f, &want));
    }

    fn check_references(fixture: &str, include_declaration: bool) {
        let f = Fixture::parse(fixture);
        let s = f.snapshot();
        let (url, offset) = f.cursor();
        let mut got = references(&s, &url, offset, include_declaration);
        let mut want: Vec<Location> = f
            .expected()
            .into_iter()
            .map(|(u, r)| Location::new(&u, r))
            .collect();
        let key = |l: &Location| (l.url.clone(), l.range.start, l.range.end);
        got.sort_by_key(key);
        want.sort_by_key(key);
        assert_eq!(show(&f, &got), show(&f, &want));
    }

    /// Locations as `file: text` for readable failures.
    fn show(f: &Fixture, locs: &[Location]) -> Vec<String> {
        locs.iter()
            .map(|l| {
                format!(
                    "{}@{}: {}",
                    l.url.path(),
                    l.range.start,
                    &f.text(&l.url)[l.range.clone()]
                )
            })
            .collect()
    }

    #[test]
    fn speaker_definition_lists_their_talks_current_file_first() {
        check_definition(
            "\
//- /pycon-2014.md
My notes from PyCon 2014.

All Your Ducks In A Row: Data Structures, Brandon Rhodes
                                              |
  • review on video

The Clean Architecture in Python, Brandon Rhodes
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  • a talk in the same file comes first
//- /pycon-2017.md
# PyCon US 2017

# The Dictionary Even Mightier (Brandon Rhodes)
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
# Effective Code Review (Erik Rose)
//- /pycon-2010.md
# PyCon 2010

# The Mighty Dictionary (Brandon Rhodes)
  ^^^^^^^^^^^^^^^^^^^^^
",
        );
    }

    #[test]
    fn talk_definition_reaches_the_same_talk_in_other_notes() {
        check_definition(
            "\
//- /001.md
* **Grok the GIL: Write Fast And Thread-Safe Python - A. Jesse Jiryu Davis**
    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
    * notes
* **Requests Under The Hood - Cory Benfield**
    * notes
//- /002.md
# Optimizations which made Python 3.6 faster (Victor Stinner)
* notes

# Grok the GIL: Write Fast And Thread-Safe Python
     |
* notes

# Effective Code Review (Erik Rose)
",
        );
    }

    #[test]
    fn a_talk_named_in_prose_leads_to_its_notes() {
        check_definition(
            "\
//- /2010.md
# PyCon 2010

# The Mighty Dictionary (Brandon Rhodes)
  ^^^^^^^^^^^^^^^^^^^^^
//- /2014.md
My notes from PyCon 2014.

All Your Ducks In A Row: Data Structures, Brandon Rhodes

  • The Mighty Dictionary, PyCon 2010, Brandon Rhodes
          |
",
        );
    }

    #[test]
    fn links_lead_to_notes_and_headings() {
        check_definition(
            "\
//- /2017.md
# Grok the GIL (Ada Example)
  ^^^^^^^^^^^^^^^^^^^^^^^^^^
//- /index.md
See [the GIL talk](2017.md#grok-the-gil-ada-example) again.
          |
",
        );
        // A link to a note without an anchor: the top of the note.
        let f = Fixture::parse(
            "//- /2017.md\n# Grok the GIL (Ada Example)\n//- /index.md\nSee [the notes](2017.md) again.\n      |\n",
        );
        let (url, offset) = f.cursor();
        let got = definition(&f.snapshot(), &url, offset);
        assert_eq!(
            got,
            vec![Location::new(
                &crate::features::fixture::url("/2017.md"),
                0..0
            )]
        );
    }

    #[test]
    fn peps_lead_to_the_other_notes_that_mention_them() {
        check_definition(
            "\
//- /a.md
# T (Ada Example)
- PEP 509 here
  |
- and PEP 509 again
//- /b.md
# U (Bob Sample)
- the dict version, Pep 509
                    ^^^^^^^
- PEP 484 is another
",
        );
    }

    #[test]
    fn speaker_references_include_prose_mentions() {
        check_references(
            "\
//- /2014.md
My notes from PyCon 2014.

All Your Ducks In A Row: Data Structures, Brandon Rhodes
                                          ^^^^^^^^^^^^^^
  • The Mighty Dictionary, PyCon 2010, Brandon Rhodes
                                       ^^^^^^^^^^^^^^
//- /2017.md
# The Dictionary Even Mightier (Brandon Rhodes)
                                ^^^^^^^^^^^^^^
                                   |
",
            true,
        );
    }

    #[test]
    fn library_and_pep_references() {
        check_references(
            "\
//- /a.md
# T (Ada Example)
- `sympy` is faster
   ^^^^^
   |
- pip install sympy
              ^^^^^
//- /b.md
# U (Bob Sample)
- sympy in prose, but not sympy-extras
  ^^^^^
",
            true,
        );
        check_references(
            "\
//- /a.md
# T (Ada Example)
- PEP 509 here
  |
//- /b.md
# U (Bob Sample)
- [dict version](https://www.python.org/dev/peps/pep-0509/), Pep 509
                                                 ^^^^^^^^    ^^^^^^^
",
            false,
        );
    }

    #[test]
    fn talk_references_include_anchors_and_prose() {
        check_references(
            "\
//- /2017.md
# Grok the GIL (Ada Example)
  ^^^^^^^^^^^^
   |
//- /2016.md
# Grok the GIL (Ada Example)
  ^^^^^^^^^^^^
//- /index.md
- [notes](2017.md#grok-the-gil-ada-example), and grok the gil again
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^       ^^^^^^^^^^^^
",
            true,
        );
    }
}
