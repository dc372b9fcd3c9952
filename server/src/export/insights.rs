//! The report's figures, computed from an [`Export`]: plain data, so the
//! tests can check them without reading HTML.

use std::collections::{BTreeMap, HashMap};

use super::model::{ConferenceOut, DiagnosticOut, Export, TalkOut};
use crate::extract::title_key;
use crate::rules::Rule;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub conferences: usize,
    pub talks: usize,
    pub speakers: usize,
    pub talks_without_speaker: usize,
    pub diagnostics: usize,
}

/// A point of the timeline: one conference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    pub id: String,
    pub label: String,
    pub year: Option<u16>,
    pub talks: usize,
    pub files: usize,
}

/// One talk of a speaker, placed in time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appearance {
    pub year: Option<u16>,
    /// The conference's name and year, or the file's name when the file
    /// names no conference.
    pub conference: String,
    pub title: String,
    /// `file:line` of each entry of the talk (an index entry and the
    /// talk's own page are one talk).
    pub places: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeakerAcross {
    pub name: String,
    /// The other spellings the notes use for this speaker.
    pub also_written: Vec<String>,
    /// How many conferences.
    pub conferences: usize,
    /// By year (undated last), then conference, then place.
    pub talks: Vec<Appearance>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mentioned {
    pub name: String,
    /// PEP title when known.
    pub detail: Option<String>,
    pub mentions: usize,
    pub talks: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleGroup {
    pub rule: String,
    pub summary: &'static str,
    /// File → its diagnostics, in line order.
    pub files: Vec<(String, Vec<DiagnosticOut>)>,
    pub count: usize,
}

/// Which talk an entry is: the same title (compared loosely) at the same
/// venue is one talk noted twice — an index entry and the talk's own page,
/// or a duplicate.
fn talk_key(t: &TalkOut) -> (String, String) {
    let key = title_key(&t.title);
    (venue(t), if key.is_empty() { t.id.clone() } else { key })
}

pub fn totals(e: &Export) -> Totals {
    // Talk key → whether any of its entries names a speaker.
    let mut talks: HashMap<(String, String), bool> = HashMap::new();
    for t in &e.talks {
        *talks.entry(talk_key(t)).or_insert(false) |= !t.speakers.is_empty();
    }
    Totals {
        files: e.files.len(),
        conferences: e.conferences.len(),
        talks: talks.len(),
        speakers: e.speakers.len(),
        talks_without_speaker: talks.values().filter(|has| !**has).count(),
        diagnostics: e.diagnostics.len(),
    }
}

/// `PyCon US 2018`, `2019` (a year alone), `EuroPython` (no year).
pub fn conference_label(c: &ConferenceOut) -> String {
    match (&c.name, c.year) {
        (Some(n), Some(y)) => format!("{n} {y}"),
        (Some(n), None) => n.clone(),
        // A year read from a file name: say which file.
        (None, Some(y)) => match c.files.first() {
            Some(f) if c.files.len() == 1 => format!("{y} ({})", f.path),
            Some(f) => format!("{y} ({} and {} more)", f.path, c.files.len() - 1),
            None => y.to_string(),
        },
        (None, None) => c.id.clone(),
    }
}

/// Conferences in time order (undated last).
pub fn timeline(e: &Export) -> Vec<TimelineEntry> {
    e.conferences
        .iter()
        .map(|c| TimelineEntry {
            id: c.id.clone(),
            label: conference_label(c),
            year: c.year,
            talks: c.talks,
            files: c.files.len(),
        })
        .collect()
}

/// Where a talk was given, for telling conferences apart: its conference,
/// or — in a file that names none — the file itself (the notes of one
/// unnamed event are one conference, distinct from every other).
fn venue(t: &TalkOut) -> String {
    match &t.conference {
        Some(c) => format!("conference:{c}"),
        None => format!("file:{}", t.file),
    }
}

/// Speakers whose talks span more than one conference (spellings a typo
/// apart already count as one speaker: see `SpeakerOut::spellings`), most
/// conferences first.
pub fn speakers_across_conferences(e: &Export) -> Vec<SpeakerAcross> {
    let talks: HashMap<&str, &TalkOut> = e.talks.iter().map(|t| (t.id.as_str(), t)).collect();
    let labels: HashMap<&str, String> = e
        .conferences
        .iter()
        .map(|c| (c.id.as_str(), conference_label(c)))
        .collect();
    let order: HashMap<&str, usize> = e
        .conferences
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for s in &e.speakers {
        let mine: Vec<&TalkOut> = s
            .talks
            .iter()
            .filter_map(|id| talks.get(id.as_str()).copied())
            .collect();
        let mut venues: Vec<String> = mine.iter().map(|t| venue(t)).collect();
        venues.sort();
        venues.dedup();
        if venues.len() < 2 {
            continue;
        }
        let mut merged: Vec<((String, String), &TalkOut, Vec<String>)> = Vec::new();
        for t in &mine {
            let key = talk_key(t);
            let place = format!("{}:{}", t.file, t.line);
            match merged.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, places)) => places.push(place),
                None => merged.push((key, t, vec![place])),
            }
        }
        let mut appearances: Vec<(usize, Appearance)> = merged
            .into_iter()
            .map(|(_, t, places)| {
                let (rank, conference) = match &t.conference {
                    Some(c) => (
                        order.get(c.as_str()).copied().unwrap_or(usize::MAX),
                        labels.get(c.as_str()).cloned().unwrap_or_else(|| c.clone()),
                    ),
                    None => (usize::MAX, format!("{} (no conference named)", t.file)),
                };
                (
                    rank,
                    Appearance {
                        year: t.year,
                        conference,
                        title: t.title.clone(),
                        places,
                    },
                )
            })
            .collect();
        appearances.sort_by(|(ra, a), (rb, b)| {
            (a.year.is_none(), a.year, ra, &a.places).cmp(&(
                b.year.is_none(),
                b.year,
                rb,
                &b.places,
            ))
        });
        out.push(SpeakerAcross {
            name: s.name.clone(),
            also_written: s
                .spellings
                .iter()
                .filter(|x| **x != s.name)
                .cloned()
                .collect(),
            conferences: venues.len(),
            talks: appearances.into_iter().map(|(_, a)| a).collect(),
        });
    }
    out.sort_by(|a, b| {
        b.conferences
            .cmp(&a.conferences)
            .then(b.talks.len().cmp(&a.talks.len()))
            .then(a.name.cmp(&b.name))
    });
    out
}

/// The `limit` most-mentioned libraries.
pub fn top_libraries(e: &Export, limit: usize) -> Vec<Mentioned> {
    let mut v: Vec<Mentioned> = e
        .libraries
        .iter()
        .map(|l| Mentioned {
            name: l.name.clone(),
            detail: None,
            mentions: l.mentions,
            talks: l.talks.len(),
        })
        .collect();
    v.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
    v.truncate(limit);
    v
}

/// The `limit` most-mentioned PEPs, with their titles when the index knows them.
pub fn top_peps(e: &Export, limit: usize) -> Vec<Mentioned> {
    let mut v: Vec<(u32, Mentioned)> = e
        .peps
        .iter()
        .map(|p| {
            (
                p.number,
                Mentioned {
                    name: format!("PEP {}", p.number),
                    detail: p
                        .title
                        .clone()
                        .or_else(|| e.pep_index.then(|| "not in the PEP index".to_string())),
                    mentions: p.mentions,
                    talks: p.talks.len(),
                },
            )
        })
        .collect();
    v.sort_by(|(na, a), (nb, b)| b.mentions.cmp(&a.mentions).then(na.cmp(nb)));
    v.truncate(limit);
    v.into_iter().map(|(_, m)| m).collect()
}

/// Every diagnostic, grouped by rule (in the order of [`Rule::ALL`]) and
/// then by file.
pub fn diagnostics_by_rule(e: &Export) -> Vec<RuleGroup> {
    let mut by_rule: BTreeMap<usize, BTreeMap<String, Vec<DiagnosticOut>>> = BTreeMap::new();
    for d in &e.diagnostics {
        let rank = Rule::ALL
            .iter()
            .position(|r| r.code() == d.rule)
            .unwrap_or(Rule::ALL.len());
        by_rule
            .entry(rank)
            .or_default()
            .entry(d.file.clone())
            .or_default()
            .push(d.clone());
    }
    by_rule
        .into_iter()
        .map(|(rank, files)| {
            let files: Vec<(String, Vec<DiagnosticOut>)> = files
                .into_iter()
                .map(|(f, mut ds)| {
                    ds.sort_by_key(|d| (d.line, d.column));
                    (f, ds)
                })
                .collect();
            let count = files.iter().map(|(_, d)| d.len()).sum();
            let rule = Rule::ALL.get(rank);
            RuleGroup {
                rule: rule
                    .map(|r| r.code().to_string())
                    .or_else(|| {
                        files
                            .first()
                            .and_then(|(_, d)| d.first())
                            .map(|d| d.rule.clone())
                    })
                    .unwrap_or_default(),
                summary: rule.map(|r| r.summary()).unwrap_or(""),
                files,
                count,
            }
        })
        .collect()
}
