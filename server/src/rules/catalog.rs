//! Rules that compare a file with the conference catalogs: `talk-title`,
//! `missing-conference`, `library-typo`, and the catalog's side of
//! `speaker-typo` and `schedule-link` (`missing-speaker` asks
//! [`FileCatalog::entry`] too).

use std::collections::HashSet;

use super::{Context, Finding, Rule};
use crate::catalog::matching::{main_title, note_keys, same_person};
use crate::catalog::{
    normalize_url, packages, CatalogConference, CatalogTalk, ConferenceMatch, ConferenceVia,
    MatchKind, TalkMatch,
};
use crate::index::NoteFile;
use crate::model::{ConferenceSource, LibraryVia};
use crate::similarity::damerau;

/// A file's catalog conference and the catalog entry of each of its talks,
/// computed once per check.
pub struct FileCatalog<'a> {
    pub conference: Option<(ConferenceMatch, &'a CatalogConference)>,
    /// Per talk of the file (same index), its catalog entry.
    pub entries: Vec<Option<TalkMatch>>,
}

impl<'a> FileCatalog<'a> {
    pub fn new(file: &NoteFile, cx: &Context<'a>) -> FileCatalog<'a> {
        let conference = cx
            .catalogs
            .conference_of(&file.model)
            .map(|m| (m, &cx.catalogs.conferences[m.index]));
        let entries = file
            .model
            .talks
            .iter()
            .map(|t| {
                let (_, conf) = conference?;
                if t.keynote {
                    return None;
                }
                conf.find_talk(t)
            })
            .collect();
        FileCatalog {
            conference,
            entries,
        }
    }

    /// The catalog entry of the file's talk `i`.
    pub fn entry(&self, i: usize) -> Option<(&'a CatalogConference, &'a CatalogTalk, TalkMatch)> {
        let (_, conf) = self.conference?;
        let m = (*self.entries.get(i)?)?;
        Some((conf, &conf.talks[m.talk], m))
    }
}

pub fn catalog_rules(file: &NoteFile, cx: &Context, cat: &FileCatalog, out: &mut Vec<Finding>) {
    missing_conference(file, cat, out);
    talk_titles(file, cat, out);
    speaker_typos(file, cat, out);
    schedule_links(file, cx, cat, out);
    library_typos(file, cx, out);
}

/// A file that names no conference, whose talks are those of one catalog
/// conference: say which, and offer to write it down.
fn missing_conference(file: &NoteFile, cat: &FileCatalog, out: &mut Vec<Finding>) {
    let Some((m, conf)) = cat.conference else {
        return;
    };
    let ConferenceVia::Inferred { matched, talks } = m.via else {
        return;
    };
    let text = &file.text();
    let first_line_end = text.find('\n').unwrap_or(text.len());
    let first_line = text[..first_line_end].trim_end_matches('\r');
    let range = 0..first_line.len();
    let message = format!(
        "this file names no conference; {matched} of its {talks} talks are {} talks (catalog)",
        conf.title
    );
    let has_front_matter =
        first_line == "---" && file.model.code_ranges.first().is_some_and(|r| r.start == 0);
    let pelican = file
        .model
        .conference
        .as_ref()
        .is_some_and(|c| c.source == ConferenceSource::PelicanHeader)
        || looks_like_pelican_header(text);
    let (at, insert) = if has_front_matter {
        (first_line_end + 1, format!("conference: {}\n", conf.title))
    } else if pelican {
        (0, format!("Conference: {}\n", conf.title))
    } else {
        (0, format!("---\nconference: {}\n---\n\n", conf.title))
    };
    out.push(Finding::new(Rule::MissingConference, range, message).fix(
        format!("Add “conference: {}”", conf.title),
        at.min(text.len())..at.min(text.len()),
        insert,
    ));
}

/// `Title: …` / `Date: …` lines at the top, as Pelican writes them.
fn looks_like_pelican_header(text: &str) -> bool {
    let header = text.split("\n\n").next().unwrap_or("");
    !header.is_empty()
        && header.lines().all(|l| {
            let key = l.split(':').next().unwrap_or("");
            l.contains(": ") && !key.is_empty() && key.chars().all(|c| c.is_alphabetic())
        })
        && header.lines().any(|l| {
            let key = l.split(':').next().unwrap_or("").to_lowercase();
            matches!(
                key.as_str(),
                "title" | "date" | "category" | "tags" | "slug"
            )
        })
}

/// A title a typo away from the catalog's (`The Dictionary Even Mighter`).
fn talk_titles(file: &NoteFile, cat: &FileCatalog, out: &mut Vec<Finding>) {
    for (i, talk) in file.model.talks.iter().enumerate() {
        let Some((conf, entry, m)) = cat.entry(i) else {
            continue;
        };
        if m.kind != MatchKind::Typo {
            continue;
        }
        let catalog_title = if m.main_title {
            main_title(&entry.clean_title).unwrap_or(&entry.clean_title)
        } else {
            entry.clean_title.as_str()
        };
        let mut f = Finding::new(
            Rule::TalkTitle,
            talk.title_range(),
            format!(
                "title “{}” differs from the {} catalog’s “{}”",
                talk.title, conf.title, catalog_title
            ),
        );
        // Replace only a plain title the catalog's words cover exactly.
        let plain = file.text().get(talk.title_range()) == Some(&*talk.title);
        let same_length = crate::extract::title_key(catalog_title).split(' ').count()
            == crate::extract::title_key(&talk.title).split(' ').count();
        if plain && same_length && note_keys(&talk.title).len() == 1 {
            f = f.fix(
                format!("Change to “{catalog_title}”"),
                talk.title_range(),
                catalog_title,
            );
        }
        out.push(f);
    }
}

/// A speaker a typo away from the catalog's speaker of the same talk.
fn speaker_typos(file: &NoteFile, cat: &FileCatalog, out: &mut Vec<Finding>) {
    for (i, talk) in file.model.talks.iter().enumerate() {
        let Some((conf, entry, _)) = cat.entry(i) else {
            continue;
        };
        for s in &talk.speakers {
            if entry
                .people()
                .any(|c| c.to_lowercase() == s.name.to_lowercase())
            {
                continue;
            }
            let better = entry.people().find(|c| {
                let budget = if s.name.len().min(c.len()) < 12 { 1 } else { 2 };
                c.split_whitespace().count() == s.name.split_whitespace().count()
                    && damerau(&s.name, c, budget).is_some()
            });
            if let Some(better) = better {
                out.push(
                    Finding::new(
                        Rule::SpeakerTypo,
                        s.range(),
                        format!(
                            "speaker “{}” is likely a typo for “{better}” (the {} catalog’s spelling)",
                            s.name, conf.title
                        ),
                    )
                    .fix(format!("Change to {better}"), s.range(), better),
                );
            }
        }
    }
}

/// A schedule page that the catalog gives to another talk.
fn schedule_links(file: &NoteFile, cx: &Context, cat: &FileCatalog, out: &mut Vec<Finding>) {
    if cx.catalogs.is_empty() {
        return;
    }
    let links = file.model.links.load();
    for link in links.iter() {
        let Some((c, t)) = cx.catalogs.talk_of_schedule_url(link.target()) else {
            continue;
        };
        let Some((i, talk)) = file.model.talk_at(link.range().start) else {
            continue;
        };
        let owner = &cx.catalogs.conferences[c];
        let owner_talk = &owner.talks[t];
        let own_entry = cat.entry(i);
        if let Some((_, entry, _)) = own_entry {
            if std::ptr::eq(entry, owner_talk) {
                continue;
            }
            // The talk also links its own schedule page: this one is a
            // "see also", not a mistake.
            let own: HashSet<String> = entry.schedule_urls().map(normalize_url).collect();
            let links_own = links.iter().any(|l| {
                talk.range().contains(&l.range().start) && own.contains(&normalize_url(l.target()))
            });
            if links_own {
                continue;
            }
        } else {
            // Not in the catalog: the same talk under other words?
            let same_speaker = talk
                .speakers
                .iter()
                .any(|s| owner_talk.people().any(|p| same_person(&s.name, p)));
            let key = crate::extract::title_key(&talk.title);
            let words: Vec<&str> = key.split(' ').filter(|w| w.len() > 3).collect();
            let shared = words
                .iter()
                .filter(|w| owner_talk.key.split(' ').any(|o| o == **w))
                .count();
            if same_speaker || (!words.is_empty() && shared * 2 >= words.len()) {
                continue;
            }
        }
        let range = if link.target_range().is_empty() {
            link.range()
        } else {
            link.target_range()
        };
        let people: Vec<&str> = owner_talk.people().collect();
        let by = if people.is_empty() {
            String::new()
        } else {
            format!(" by {}", people.join(" and "))
        };
        let mut f = Finding::new(
            Rule::ScheduleLink,
            range.clone(),
            format!(
                "the {} catalog gives this schedule page to “{}”{by}, not to “{}”",
                owner.title, owner_talk.clean_title, talk.title
            ),
        );
        if let Some((_, entry, _)) = own_entry {
            if let Some(right) = entry.schedule_urls().next() {
                if !link.target_range().is_empty() {
                    f = f.fix(
                        format!("Link “{}”’s own schedule page", entry.clean_title),
                        link.target_range(),
                        right,
                    );
                }
            }
        }
        out.push(f);
    }
}

/// A code-span name one edit from a popular PyPI project, and known
/// nowhere else (not a project itself, not the standard library, not
/// installed, imported or linked anywhere in the notes).
fn library_typos(file: &NoteFile, cx: &Context, out: &mut Vec<Finding>) {
    let Some(packages) = cx.catalogs.packages.as_deref() else {
        return;
    };
    let mut known_in_notes: Option<HashSet<String>> = None;
    for lib in &file.model.libraries {
        if lib.via != LibraryVia::CodeSpan {
            continue;
        }
        let name = &*lib.name;
        let plausible = name.len() >= 4
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            && !packages::is_stdlib(name);
        if !plausible {
            continue;
        }
        let Some(near) = packages.near(name) else {
            continue;
        };
        let known = known_in_notes.get_or_insert_with(|| workspace_libraries(cx));
        if known.contains(&packages::normalize(name)) {
            continue;
        }
        out.push(
            Finding::new(
                Rule::LibraryTypo,
                lib.range(),
                format!(
                    "“{name}” is not a known PyPI project; “{near}” is a popular one, one letter away"
                ),
            )
            .fix(format!("Change to {near}"), lib.range(), near),
        );
    }
}

/// Libraries the notes install, import or link (normalized names).
fn workspace_libraries(cx: &Context) -> HashSet<String> {
    let mut out = HashSet::new();
    for url in cx.facts.paths.values() {
        if let Some(f) = (cx.files)(url) {
            for l in &f.model.libraries {
                if l.via != LibraryVia::CodeSpan {
                    out.insert(packages::normalize(&l.name));
                }
            }
        }
    }
    out
}
