//! What catalogs give the editor features (completion, hover, definition,
//! document links): plain functions over a [`Snapshot`] and byte offsets,
//! returning plain structs. The LSP glue turns them into protocol types.

use std::path::PathBuf;

use serde::Serialize;
use url::Url;

use super::{CatalogTalk, ConferenceVia, MatchKind};
use crate::analysis::Snapshot;
use crate::extract::title_key;

/// A talk of the notes with its catalog entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogTalkInfo {
    /// The conference as the catalog names it (`PyCon US 2017`).
    pub conference: String,
    /// The file names the conference (false: inferred from its talks).
    pub conference_named: bool,
    pub talk: CatalogTalk,
    pub kind: MatchKind,
    /// The talk of the notes: its index in the file and its title range.
    pub talk_index: usize,
    pub title_range: std::ops::Range<usize>,
}

impl CatalogTalkInfo {
    /// Hover text: title, speakers, date, video and page.
    pub fn markdown(&self) -> String {
        let t = &self.talk;
        let mut out = format!("**{}**", t.title);
        let people: Vec<&str> = t.people().collect();
        if !people.is_empty() {
            out.push_str(&format!(" — {}", people.join(", ")));
        }
        out.push_str(&format!("\n\n{}", self.conference));
        if let Some(d) = &t.date {
            out.push_str(&format!(", {d}"));
        }
        if let Some(v) = t.video() {
            out.push_str(&format!("\n\n[Video]({v})"));
        }
        if let Some(p) = &t.page {
            out.push_str(&format!(" · [Catalog page]({p})"));
        }
        out
    }
}

/// The catalog entry of the talk whose entry holds `offset`.
pub fn talk_at(snapshot: &Snapshot, url: &Url, offset: usize) -> Option<CatalogTalkInfo> {
    let file = snapshot.file(url)?;
    let (index, talk) = file.model.talk_at(offset)?;
    info(snapshot, &file.model, index, talk)
}

fn info(
    snapshot: &Snapshot,
    model: &crate::model::FileModel,
    index: usize,
    talk: &crate::model::Talk,
) -> Option<CatalogTalkInfo> {
    let catalogs = &snapshot.catalogs;
    let conf = catalogs.conference_of(model)?;
    let c = &catalogs.conferences[conf.index];
    let m = c.find_talk(talk)?;
    Some(CatalogTalkInfo {
        conference: c.title.clone(),
        conference_named: conf.via == ConferenceVia::Named,
        talk: c.talks[m.talk].clone(),
        kind: m.kind,
        talk_index: index,
        title_range: talk.title_range(),
    })
}

/// Where go-to-definition on a talk goes: its catalog entry's file, and
/// the entry's page on the web.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogLocation {
    pub path: PathBuf,
    pub page: Option<String>,
}

pub fn definition(snapshot: &Snapshot, url: &Url, offset: usize) -> Option<CatalogLocation> {
    let info = talk_at(snapshot, url, offset)?;
    Some(CatalogLocation {
        path: info.talk.source,
        page: info.talk.page,
    })
}

/// A document link: a talk's title → its catalog page (or video).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogLink {
    pub range: std::ops::Range<usize>,
    pub target: String,
    pub tooltip: String,
}

pub fn document_links(snapshot: &Snapshot, url: &Url) -> Vec<CatalogLink> {
    let Some(file) = snapshot.file(url) else {
        return Vec::new();
    };
    file.model
        .talks
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.keynote)
        .filter_map(|(i, t)| {
            let info = info(snapshot, &file.model, i, t)?;
            let target = info
                .talk
                .page
                .clone()
                .or_else(|| info.talk.video().map(str::to_string))?;
            Some(CatalogLink {
                range: t.title_range(),
                tooltip: format!("{} in the {} catalog", info.talk.title, info.conference),
                target,
            })
        })
        .collect()
}

/// A talk title to complete, with its speakers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TalkCompletion {
    pub title: String,
    pub speakers: Vec<String>,
    pub conference: String,
    pub date: Option<String>,
}

/// Titles of the file's catalog conference (of every catalog when the file
/// has none) whose words start with `prefix`'s, loosely; most of them
/// start with it, the rest contain it.
pub fn complete_talks(snapshot: &Snapshot, url: &Url, prefix: &str) -> Vec<TalkCompletion> {
    let catalogs = &snapshot.catalogs;
    let conf = snapshot
        .file(url)
        .and_then(|f| catalogs.conference_of(&f.model));
    let key = title_key(prefix);
    let mut starts = Vec::new();
    let mut contains = Vec::new();
    for (i, c) in catalogs.conferences.iter().enumerate() {
        if conf.is_some_and(|m| m.index != i) {
            continue;
        }
        for t in &c.talks {
            let item = || TalkCompletion {
                title: t.clean_title.clone(),
                speakers: t.people().map(str::to_string).collect(),
                conference: c.title.clone(),
                date: t.date.clone(),
            };
            if t.key.starts_with(&key) {
                starts.push(item());
            } else if !key.is_empty() && t.key.contains(&key) {
                contains.push(item());
            }
        }
    }
    starts.sort_by(|a, b| a.title.cmp(&b.title));
    contains.sort_by(|a, b| a.title.cmp(&b.title));
    starts.extend(contains);
    starts
}

/// A speaker to complete, with their talks in the catalogs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpeakerCompletion {
    pub name: String,
    /// `Title (PyCon US 2017)`.
    pub talks: Vec<String>,
}

/// Speakers of the file's catalog conference first, then of the other
/// catalogs, whose name (or a word of it) starts with `prefix`.
pub fn complete_speakers(snapshot: &Snapshot, url: &Url, prefix: &str) -> Vec<SpeakerCompletion> {
    let catalogs = &snapshot.catalogs;
    let conf = snapshot
        .file(url)
        .and_then(|f| catalogs.conference_of(&f.model))
        .map(|m| m.index);
    let p = prefix.trim().to_lowercase();
    let matches = |name: &str| {
        let l = name.to_lowercase();
        l.starts_with(&p) || l.split_whitespace().any(|w| w.starts_with(&p))
    };
    let mut order: Vec<usize> = (0..catalogs.conferences.len()).collect();
    if let Some(c) = conf {
        order.retain(|&i| i != c);
        order.insert(0, c);
    }
    let mut out: Vec<SpeakerCompletion> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for i in order {
        let c = &catalogs.conferences[i];
        for name in c.speakers() {
            if !matches(name) {
                continue;
            }
            let talks = c
                .talks_by(name)
                .iter()
                .map(|&t| format!("{} ({})", c.talks[t].clean_title, c.title));
            match seen.get(name) {
                Some(&k) => {
                    let entry: &mut SpeakerCompletion = &mut out[k];
                    entry.talks.extend(talks);
                }
                None => {
                    seen.insert(name.to_string(), out.len());
                    out.push(SpeakerCompletion {
                        name: name.to_string(),
                        talks: talks.collect(),
                    });
                }
            }
        }
    }
    out
}

/// Popular PyPI projects starting with `prefix`, most downloaded first
/// (empty without the downloaded list).
pub fn complete_libraries(snapshot: &Snapshot, prefix: &str, limit: usize) -> Vec<String> {
    snapshot
        .catalogs
        .packages
        .as_ref()
        .map(|p| {
            p.completions(prefix, limit)
                .into_iter()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The PEP index in use, for hover on a PEP: `index from 2026-11-20, 737 PEPs`.
pub fn pep_index_status(snapshot: &Snapshot) -> Option<String> {
    snapshot.catalogs.pep_status.as_ref().map(|s| s.to_string())
}

/// Every catalog speaker, for speaker completion: where they spoke (most
/// recent conference first), how many talks, the latest year.
pub fn extra_speakers(catalogs: &super::Catalogs) -> Vec<crate::analysis::ExtraSpeaker> {
    use std::collections::BTreeMap;
    /// How many talks, and where: (year, conference title).
    type Seen<'a> = (usize, Vec<(Option<u16>, &'a str)>);
    let mut by_name: BTreeMap<&str, Seen> = BTreeMap::new();
    for c in catalogs.conferences.iter() {
        for name in c.speakers() {
            let e = by_name.entry(name).or_default();
            e.0 += c.talks_by(name).len();
            e.1.push((c.year, c.title.as_str()));
        }
    }
    by_name
        .into_iter()
        .map(|(name, (count, mut seen))| {
            seen.sort_by(|a, b| b.cmp(a));
            seen.dedup();
            crate::analysis::ExtraSpeaker {
                name: name.to_string(),
                detail: seen.iter().map(|(_, t)| *t).collect::<Vec<_>>().join(", "),
                count,
                latest_year: seen.iter().filter_map(|(y, _)| *y).max(),
                mask: crate::fuzzy::char_mask(name),
            }
        })
        .collect()
}
