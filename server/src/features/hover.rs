//! Hover, and the descriptions completion items resolve to: a PEP's title,
//! status, type, authors and page; a speaker's talks by conference; a
//! talk's conference, speakers and links; a library's summary.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use url::Url;

use super::navigation::{same_talks, speaker_talks};
use super::target::{target_at, Target};
use super::{conference_of, file_name, pep_url};
use crate::analysis::Snapshot;
use crate::extract::{is_talk_url, title_key};
use crate::index::NoteFile;
use crate::model::{IssueTracker, TextRange};
use crate::rules::links::{classify, Target as LinkTarget};

/// Something a description can be written about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Subject {
    Speaker {
        name: String,
    },
    /// The talks with these loose title keys.
    Talk {
        keys: Vec<String>,
    },
    Pep {
        number: u32,
    },
    Issue {
        tracker: IssueTracker,
        number: u32,
    },
    /// A library, by name (any case).
    Library {
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(snapshot: &Snapshot, url: &Url, offset: usize) -> Option<Hover> {
    let file = snapshot.file(url)?;
    let target = target_at(snapshot, &file, offset)?;
    let range = target.range().clone();
    let markdown = match target {
        Target::Speaker { name, .. } => describe(snapshot, &Subject::Speaker { name })?,
        Target::Talk { talk, .. } => describe_talk(snapshot, &file, talk),
        Target::TalkMention { keys, .. } => describe(snapshot, &Subject::Talk { keys })?,
        Target::Pep { number, .. } => describe(snapshot, &Subject::Pep { number })?,
        Target::Issue { key, .. } => describe(
            snapshot,
            &Subject::Issue {
                tracker: key.0,
                number: key.1,
            },
        )?,
        Target::Library { name, .. } => describe(snapshot, &Subject::Library { name })?,
        Target::Link { .. } | Target::Heading { .. } => return None,
    };
    Some(Hover { range, markdown })
}

/// A markdown description of `subject`, None when nothing is known of it.
pub fn describe(snapshot: &Snapshot, subject: &Subject) -> Option<String> {
    match subject {
        Subject::Speaker { name } => describe_speaker(snapshot, name),
        Subject::Talk { keys } => {
            let (url, talk) = same_talks(snapshot, keys).into_iter().next()?;
            let file = snapshot.file(&url)?;
            Some(describe_talk(snapshot, &file, talk))
        }
        Subject::Pep { number } => Some(describe_pep(snapshot, *number)),
        Subject::Issue { tracker, number } => Some(describe_issue(snapshot, *tracker, *number)),
        Subject::Library { name } => describe_library(snapshot, name),
    }
}

fn describe_speaker(snapshot: &Snapshot, name: &str) -> Option<String> {
    let talks = speaker_talks(snapshot, name);
    let mut out = format!("**{name}**");
    if talks.is_empty() {
        let extra = snapshot.extras.speakers.iter().find(|s| s.name == name)?;
        out.push_str(&format!(" — {}", extra.detail));
        return Some(out);
    }
    let mut rows: Vec<(Option<u16>, String, Arc<str>)> = talks
        .iter()
        .filter_map(|(u, t)| {
            let f = snapshot.file(u)?;
            let c = snapshot.facts.conferences.get(u);
            Some((
                c.and_then(|c| c.year),
                c.map_or_else(|| f.display_name(), |c| c.label.to_string()),
                f.model.talks.get(*t)?.title.clone(),
            ))
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let n = rows.len();
    out.push_str(&format!(
        " — {n} talk{} in the notes\n",
        if n == 1 { "" } else { "s" }
    ));
    let mut last_conf = String::new();
    for (_, conf, title) in rows {
        if conf != last_conf {
            out.push_str(&format!("\n{conf}\n"));
            last_conf = conf;
        }
        out.push_str(&format!("- {title}\n"));
    }
    if let Some(better) = snapshot.facts.speaker_typos.get(name) {
        out.push_str(&format!("\nLikely a misspelling of **{better}**.\n"));
    }
    Some(out.trim_end().to_string())
}

fn describe_talk(snapshot: &Snapshot, file: &NoteFile, index: usize) -> String {
    let talk = &file.model.talks[index];
    let mut out = format!("**{}**\n\n", talk.title);
    let conf = conference_of(snapshot, file);
    let others: Vec<(Url, usize)> = same_talks(snapshot, &[title_key(&talk.title)])
        .into_iter()
        .filter(|(u, t)| !(*u == *file.url && *t == index))
        .collect();
    if talk.has_speaker() {
        let names: Vec<&str> = talk.speakers.iter().map(|s| &*s.name).collect();
        out.push_str(&format!("{} · {conf}\n", names.join(" and ")));
    } else {
        // Who gave it, according to another note.
        let known = others.iter().find_map(|(u, t)| {
            let f = snapshot.file(u)?;
            let other = f.model.talks.get(*t)?;
            other.has_speaker().then(|| {
                let names: Vec<&str> = other.speakers.iter().map(|s| &*s.name).collect();
                format!(
                    "{} (according to {})",
                    names.join(" and "),
                    f.display_name()
                )
            })
        });
        match known {
            Some(k) => out.push_str(&format!("{k} · {conf}\n")),
            None => out.push_str(&format!("no speaker noted · {conf}\n")),
        }
    }
    let links: Vec<String> = file
        .model
        .links
        .load()
        .iter()
        .filter(|l| talk.range().start <= l.range().start && l.range().end <= talk.range().end)
        .filter(|l| matches!(classify(l.target()), LinkTarget::Url) && is_talk_url(l.target()))
        .map(|l| {
            let text = if l.text().trim().is_empty() {
                link_kind(l.target())
            } else {
                l.text().trim()
            };
            format!("- [{text}]({})", l.target())
        })
        .collect();
    if !links.is_empty() {
        out.push('\n');
        out.push_str(&links.join("\n"));
        out.push('\n');
    }
    let elsewhere: BTreeSet<String> = others
        .iter()
        .filter(|(u, _)| *u != *file.url)
        .map(|(u, _)| {
            let name = file_name(snapshot, u);
            match snapshot.facts.conferences.get(u) {
                Some(c) if *c.label != *name => format!("{} ({name})", c.label),
                _ => name,
            }
        })
        .collect();
    if !elsewhere.is_empty() {
        out.push_str(&format!(
            "\nAlso noted in: {}\n",
            elsewhere.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    // What the conference's catalog says: its title, speakers, date, video.
    if let Some(info) =
        crate::catalog::features::talk_at(snapshot, &file.url, talk.title_range().start)
    {
        out.push_str(&format!("\n---\n\nIn the catalog: {}\n", info.markdown()));
    }
    out.trim_end().to_string()
}

fn link_kind(url: &str) -> &'static str {
    let u = url.to_ascii_lowercase();
    if u.contains("youtube.com") || u.contains("youtu.be") || u.contains("vimeo.com") {
        "Video"
    } else if u.contains("/schedule/") {
        "Schedule"
    } else {
        "Link"
    }
}

fn notes_mentioning(snapshot: &Snapshot, urls: impl Iterator<Item = Arc<Url>>) -> String {
    let files: BTreeSet<Arc<Url>> = urls.collect();
    match files.len() {
        0 => "not mentioned in the notes".into(),
        1 => format!(
            "mentioned in {}",
            file_name(snapshot, files.iter().next().expect("one"))
        ),
        n => format!("mentioned in {n} notes"),
    }
}

fn describe_pep(snapshot: &Snapshot, number: u32) -> String {
    let mentions = notes_mentioning(
        snapshot,
        snapshot
            .facts
            .peps
            .get(&number)
            .into_iter()
            .flatten()
            .map(|m| m.url.clone()),
    );
    let Some(pep) = snapshot.peps.as_ref().and_then(|p| p.get(number)) else {
        let why = if snapshot.peps.is_some() {
            "no PEP has this number in the PEP index"
        } else {
            "no PEP index loaded (setting `pepIndex`)"
        };
        return format!(
            "**PEP {number}**\n\n{why}; {mentions}\n\n{}{}",
            pep_url(number),
            index_status(snapshot)
        );
    };
    let mut out = format!("**PEP {number} – {}**\n\n", pep.title);
    let mut facts = Vec::new();
    if !pep.status.is_empty() {
        facts.push(format!("Status: {}", pep.status));
    }
    if !pep.kind.is_empty() {
        facts.push(format!("Type: {}", pep.kind));
    }
    if !pep.created.is_empty() {
        facts.push(format!("Created: {}", pep.created));
    }
    if let Some(v) = pep.python_version.as_deref().filter(|v| !v.is_empty()) {
        facts.push(format!("Python {v}"));
    }
    if !facts.is_empty() {
        out.push_str(&facts.join(" · "));
        out.push_str("\n\n");
    }
    if !pep.authors.is_empty() {
        out.push_str(&format!("Authors: {}\n\n", pep.authors));
    }
    let link = if pep.url.is_empty() {
        pep_url(number)
    } else {
        pep.url.clone()
    };
    out.push_str(&format!("{link}\n\n{}", capitalise(&mentions)));
    out.push_str(&index_status(snapshot));
    out
}

/// Where the PEP index comes from and how old it is (`index from
/// 2026-11-20, 737 PEPs`), as a last line; empty when not known.
fn index_status(snapshot: &Snapshot) -> String {
    crate::catalog::features::pep_index_status(snapshot)
        .map(|s| format!("\n\n_{s}_"))
        .unwrap_or_default()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The page of a CPython issue.
pub fn issue_url(tracker: IssueTracker, number: u32) -> String {
    match tracker {
        IssueTracker::Gh => format!("https://github.com/python/cpython/issues/{number}"),
        IssueTracker::Bpo | IssueTracker::Issue => {
            format!("https://bugs.python.org/issue{number}")
        }
    }
}

fn describe_issue(snapshot: &Snapshot, tracker: IssueTracker, number: u32) -> String {
    let name = match tracker {
        IssueTracker::Gh => format!("gh-{number}"),
        _ => format!("bpo-{number}"),
    };
    let mentions = notes_mentioning(
        snapshot,
        snapshot
            .facts
            .issues
            .get(&crate::index::issue_key(tracker, number))
            .into_iter()
            .flatten()
            .map(|m| m.url.clone()),
    );
    format!(
        "**CPython issue {name}**\n\n{}\n\n{}",
        issue_url(tracker, number),
        capitalise(&mentions)
    )
}

fn describe_library(snapshot: &Snapshot, name: &str) -> Option<String> {
    let key = name.to_lowercase();
    let mentions = snapshot.facts.libraries.get(&key);
    let dist = snapshot.extras.distribution(name);
    if mentions.is_none() && dist.is_none() {
        return None;
    }
    let shown = snapshot
        .facts
        .library_list
        .iter()
        .find(|l| l.name.to_lowercase() == key)
        .map_or(name, |l| l.name.as_str());
    let mut out = format!("**{shown}**");
    if let Some(d) = dist {
        if !d.summary.is_empty() {
            out.push_str(&format!(" — {}", d.summary));
        }
        out.push_str(&format!("\n\nInstalled: {} {}", d.name, d.version));
    }
    if let Some(m) = mentions {
        let files: BTreeSet<&Url> = m.iter().map(|m| &*m.url).collect();
        out.push_str(&format!(
            "\n\nMentioned {} time{} in {} note{}",
            m.len(),
            if m.len() == 1 { "" } else { "s" },
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::Fixture;

    fn hover_text(fixture: &str, with_peps: bool) -> (String, String) {
        let f = Fixture::parse(fixture);
        let s = if with_peps {
            f.snapshot_with_peps()
        } else {
            f.snapshot()
        };
        let (url, offset) = f.cursor();
        let h = hover(&s, &url, offset).expect("a hover");
        (f.text(&url)[h.range].to_string(), h.markdown)
    }

    #[test]
    fn pep_hover_shows_title_status_type_authors_and_link() {
        let (on, md) = hover_text("# T (Ada Example)\n- Pep 509 adds a version\n   |\n", true);
        assert_eq!(on, "Pep 509");
        assert_eq!(
            md,
            "**PEP 509 – Add a private version to dict**\n\nStatus: Superseded · Type: Standards Track\n\nAuthors: Victor Stinner\n\nhttps://peps.python.org/pep-0509/\n\nMentioned in notes.md"
        );
        let (_, md) = hover_text("# T (Ada Example)\n- PEP 509\n   |\n", false);
        assert!(md.contains("no PEP index loaded"), "{md}");
    }

    #[test]
    fn speaker_hover_lists_talks_by_conference() {
        let (on, md) = hover_text(
            "\
//- /2017.md
# PyCon US 2017

# The Dictionary Even Mightier (Brandon Rhodes)
                                  |
//- /2014.md
My notes from PyCon 2014.

All Your Ducks In A Row: Data Structures, Brandon Rhodes

  • notes

The Clean Architecture in Python, Brandon Rhodes

  • notes
",
            false,
        );
        assert_eq!(on, "Brandon Rhodes");
        assert_eq!(
            md,
            "**Brandon Rhodes** — 3 talks in the notes\n\nPyCon US 2017\n- The Dictionary Even Mightier\n\nPyCon 2014\n- All Your Ducks In A Row: Data Structures\n- The Clean Architecture in Python"
        );
    }

    #[test]
    fn talk_hover_shows_speaker_links_and_other_notes() {
        let (on, md) = hover_text(
            "\
//- /2017.md
# PyCon US 2017

# Grok the GIL
    |
[Talk overview](https://us.pycon.org/2017/schedule/presentation/320/)
[Video](https://www.youtube.com/watch?v=abc)
//- /001.md
---
title: Notes from Pycon 2017
---
* **Grok the GIL - A. Jesse Jiryu Davis**
    * notes
* **Requests Under The Hood - Cory Benfield**
    * notes
",
            false,
        );
        assert_eq!(on, "Grok the GIL");
        assert_eq!(
            md,
            "**Grok the GIL**\n\nA. Jesse Jiryu Davis (according to 001.md) · PyCon US 2017\n\n- [Talk overview](https://us.pycon.org/2017/schedule/presentation/320/)\n- [Video](https://www.youtube.com/watch?v=abc)\n\nAlso noted in: Pycon 2017 (001.md)"
        );
    }

    #[test]
    fn library_hover_counts_mentions() {
        let (on, md) = hover_text(
            "//- /a.md\n# T (Ada Example)\n- `sympy` is fast\n    |\n//- /b.md\n# U (Bob Sample)\n- pip install sympy\n",
            false,
        );
        assert_eq!(on, "sympy");
        assert_eq!(md, "**sympy**\n\nMentioned 2 times in 2 notes");
    }
}
