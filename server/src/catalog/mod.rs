//! Catalogs: what the world outside the notes knows. Conference talk
//! catalogs (pyvideo's data layout, or a small format of our own), the PEP
//! index cache with its download, and the optional list of popular PyPI
//! projects. Plain data and functions: the rules, `--check` and the server
//! read them through [`crate::analysis::Snapshot::catalogs`].

pub mod cache;
pub mod cli;
pub mod features;
pub mod matching;
mod own;
pub mod packages;
mod pyvideo;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{FileModel, Talk};

pub use cache::PepStatus;
pub use matching::{MatchKind, TalkMatch};
pub use packages::Packages;

/// A link the catalog gives a talk: slides, repository, schedule page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RelatedUrl {
    pub label: Option<String>,
    pub url: String,
}

/// One talk of a catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogTalk {
    /// The title as the catalog writes it.
    pub title: String,
    /// The title without a `Keynote:` label or a trailing ` - Speaker`.
    pub clean_title: String,
    pub speakers: Vec<String>,
    /// The day it was given or recorded (`2017-05-19`).
    pub date: Option<String>,
    pub videos: Vec<String>,
    pub related: Vec<RelatedUrl>,
    /// The entry's page on the web (pyvideo.org for pyvideo data, `url` in
    /// our own format).
    pub page: Option<String>,
    /// The file the entry was read from.
    pub source: PathBuf,
    pub keynote: bool,
    /// Loose key of `clean_title` (see [`crate::extract::title_key`]).
    #[serde(skip)]
    pub(crate) key: String,
    /// Loose key of the title before its subtitle (`Fan-in and Fan-out`),
    /// when that part has two words or more.
    #[serde(skip)]
    pub(crate) main_key: Option<String>,
}

impl CatalogTalk {
    pub fn new(title: String, speakers: Vec<String>, source: PathBuf) -> CatalogTalk {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        let speakers: Vec<String> = speakers
            .into_iter()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
            .collect();
        let (clean_title, keynote) = matching::clean_catalog_title(&title, &speakers);
        let key = crate::extract::title_key(&clean_title);
        let main_key = matching::main_title(&clean_title)
            .map(crate::extract::title_key)
            .filter(|k| k.split(' ').count() >= 2 && *k != key);
        CatalogTalk {
            title,
            clean_title,
            speakers,
            date: None,
            videos: Vec::new(),
            related: Vec::new(),
            page: None,
            source,
            keynote,
            key,
            main_key,
        }
    }

    /// The first video's URL.
    pub fn video(&self) -> Option<&str> {
        self.videos.first().map(String::as_str)
    }

    /// Speakers that are people (not pyvideo's `Various speakers`).
    pub fn people(&self) -> impl Iterator<Item = &str> {
        self.speakers
            .iter()
            .map(String::as_str)
            .filter(|s| !is_placeholder_speaker(s))
    }

    /// Related URLs that are a schedule page (`…/schedule/presentation/103/`,
    /// or labelled as the schedule).
    pub fn schedule_urls(&self) -> impl Iterator<Item = &str> {
        self.related
            .iter()
            .filter(|r| {
                r.url.to_lowercase().contains("schedule")
                    || r.label
                        .as_deref()
                        .is_some_and(|l| l.to_lowercase().contains("schedule"))
            })
            .map(|r| r.url.as_str())
    }
}

fn is_placeholder_speaker(s: &str) -> bool {
    let l = s.to_lowercase();
    l.starts_with("various") || l == "tba" || l == "unknown" || l == "n/a"
}

/// One conference of a catalog (`PyCon US 2017`).
#[derive(Debug, Serialize)]
pub struct CatalogConference {
    /// The full name as the catalog writes it.
    pub title: String,
    /// The name without the year, for matching (`PyCon US`).
    pub name: String,
    pub year: Option<u16>,
    /// The folder (pyvideo) or file (own format) it was read from.
    pub source: PathBuf,
    pub talks: Vec<CatalogTalk>,
    /// Loose title keys (full and main) → talks.
    #[serde(skip)]
    by_key: HashMap<String, Vec<usize>>,
    /// Speaker → talks.
    #[serde(skip)]
    by_speaker: HashMap<String, Vec<usize>>,
}

impl CatalogConference {
    pub fn new(title: String, year: Option<u16>, source: PathBuf, talks: Vec<CatalogTalk>) -> Self {
        let (name, title_year) = matching::split_conference_title(&title);
        let year = title_year.or(year).or_else(|| common_year(&talks));
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_speaker: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, t) in talks.iter().enumerate() {
            if !t.key.is_empty() {
                by_key.entry(t.key.clone()).or_default().push(i);
            }
            if let Some(m) = &t.main_key {
                by_key.entry(m.clone()).or_default().push(i);
            }
            for s in t.people() {
                by_speaker.entry(s.to_string()).or_default().push(i);
            }
        }
        CatalogConference {
            title,
            name,
            year,
            source,
            talks,
            by_key,
            by_speaker,
        }
    }

    /// Talks whose full or main title key is exactly `key`.
    pub fn talks_with_key(&self, key: &str) -> &[usize] {
        self.by_key.get(key).map_or(&[], Vec::as_slice)
    }

    /// The talks given by `speaker` (exact spelling).
    pub fn talks_by(&self, speaker: &str) -> &[usize] {
        self.by_speaker.get(speaker).map_or(&[], Vec::as_slice)
    }

    /// Every speaker of the conference, each once, sorted.
    pub fn speakers(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.by_speaker.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// The catalog entry for a talk of the notes, matched loosely.
    pub fn find_talk(&self, talk: &Talk) -> Option<TalkMatch> {
        matching::find_talk(self, &talk.title, &speaker_names(talk))
    }
}

fn speaker_names(talk: &Talk) -> Vec<&str> {
    talk.speakers.iter().map(|s| &*s.name).collect()
}

/// The year most talks were recorded in.
fn common_year(talks: &[CatalogTalk]) -> Option<u16> {
    let mut counts: HashMap<u16, usize> = HashMap::new();
    for t in talks {
        if let Some(y) = t.date.as_deref().and_then(|d| d.get(..4)?.parse().ok()) {
            *counts.entry(y).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(y, n)| (n, y))
        .map(|(y, _)| y)
}

/// Every catalog the settings name, the popular PyPI projects, and what is
/// known of the PEP index. Cheap to clone (shared parts are `Arc`s).
#[derive(Clone, Debug, Default)]
pub struct Catalogs {
    pub conferences: Arc<Vec<CatalogConference>>,
    pub packages: Option<Arc<Packages>>,
    /// Where the PEP index came from and how fresh it is.
    pub pep_status: Option<PepStatus>,
    /// Catalogs that could not be read, with why (logged once by the
    /// server, printed by `--check`).
    pub problems: Arc<Vec<String>>,
    /// Normalized schedule URL → (conference, talk); only URLs that the
    /// catalogs give to exactly one talk.
    schedule: Arc<HashMap<String, (usize, usize)>>,
    /// Title key → (conference, talk), across conferences, for inferring a
    /// file's conference from its talks.
    keys: Arc<HashMap<String, Vec<(usize, usize)>>>,
}

/// How a file's catalog conference was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConferenceVia {
    /// The file names it (metadata, first line or file name).
    Named,
    /// The file names none; `matched` of its `talks` talks are in it.
    Inferred { matched: usize, talks: usize },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConferenceMatch {
    pub index: usize,
    pub via: ConferenceVia,
}

impl Catalogs {
    /// Reads every catalog path (a pyvideo conference folder, a folder of
    /// them, or a file in our own format). Unreadable ones are listed in
    /// `problems`, the others still load.
    pub fn load(paths: &[PathBuf]) -> Catalogs {
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        for p in paths {
            match discover_sources(p) {
                Ok(s) if s.is_empty() => problems.push(format!(
                    "{}: no catalog found (expected a pyvideo conference folder with category.json, a folder of them, or a .toml/.json catalog)",
                    p.display()
                )),
                Ok(s) => sources.extend(s),
                Err(e) => problems.push(format!("{}: {e}", p.display())),
            }
        }
        let loaded: Vec<Result<CatalogConference, String>> = sources
            .par_iter()
            .map(|s| {
                match s {
                    Source::Pyvideo(dir) => pyvideo::read_conference(dir),
                    Source::Own(file) => own::read_file(file),
                }
                .map_err(|e| format!("{e:#}"))
            })
            .collect();
        let mut conferences = Vec::new();
        for r in loaded {
            match r {
                Ok(c) => conferences.push(c),
                Err(e) => problems.push(e),
            }
        }
        Catalogs::from_conferences(conferences, problems)
    }

    pub fn from_conferences(conferences: Vec<CatalogConference>, problems: Vec<String>) -> Self {
        let mut schedule: HashMap<String, Option<(usize, usize)>> = HashMap::new();
        let mut keys: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (c, conf) in conferences.iter().enumerate() {
            for (t, talk) in conf.talks.iter().enumerate() {
                for url in talk.schedule_urls() {
                    schedule
                        .entry(normalize_url(url))
                        .and_modify(|v| {
                            if *v != Some((c, t)) {
                                *v = None
                            }
                        })
                        .or_insert(Some((c, t)));
                }
                for k in std::iter::once(&talk.key).chain(&talk.main_key) {
                    if !k.is_empty() {
                        keys.entry(k.clone()).or_default().push((c, t));
                    }
                }
            }
        }
        Catalogs {
            conferences: Arc::new(conferences),
            schedule: Arc::new(
                schedule
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, v?)))
                    .collect(),
            ),
            keys: Arc::new(keys),
            problems: Arc::new(problems),
            packages: None,
            pep_status: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.conferences.is_empty()
    }

    pub fn talk_count(&self) -> usize {
        self.conferences.iter().map(|c| c.talks.len()).sum()
    }

    /// Every speaker of every catalog: known spellings of people's names.
    pub fn speaker_names(&self) -> impl Iterator<Item = &str> {
        self.conferences
            .iter()
            .flat_map(|c| c.by_speaker.keys().map(String::as_str))
    }

    /// Conferences whose catalog lists `speaker` (exact spelling).
    pub fn conferences_of_speaker(&self, speaker: &str) -> Vec<&CatalogConference> {
        self.conferences
            .iter()
            .filter(|c| c.by_speaker.contains_key(speaker))
            .collect()
    }

    /// The talk a schedule URL belongs to, when the catalogs give it to
    /// exactly one talk.
    pub fn talk_of_schedule_url(&self, url: &str) -> Option<(usize, usize)> {
        self.schedule.get(&normalize_url(url)).copied()
    }

    pub fn talk(&self, conference: usize, talk: usize) -> Option<&CatalogTalk> {
        self.conferences.get(conference)?.talks.get(talk)
    }

    /// The catalog conference a notes file is about: the one it names
    /// (`Pycon 2017` is `PyCon US 2017`), or, when it names none, the one
    /// most of its talks come from.
    pub fn conference_of(&self, model: &FileModel) -> Option<ConferenceMatch> {
        if self.conferences.is_empty() {
            return None;
        }
        let named = model
            .conference
            .as_ref()
            .filter(|c| !c.name.trim().is_empty());
        if let Some(c) = named {
            let candidates: Vec<usize> = self
                .conferences
                .iter()
                .enumerate()
                .filter(|(_, cat)| {
                    matching::conference_names_match(&c.name, &cat.name)
                        && (c.year.is_none() || cat.year == c.year)
                })
                .map(|(i, _)| i)
                .collect();
            let index = match candidates.len() {
                0 => return None,
                1 => candidates[0],
                _ => {
                    // Several (no year, or `PyCon` with PyCon US and PyCon
                    // Africa): the one that has most of the file's talks.
                    let counts = self.talk_counts(model);
                    *candidates
                        .iter()
                        .max_by_key(|&&i| (counts.get(&i).copied().unwrap_or(0), usize::MAX - i))?
                }
            };
            return Some(ConferenceMatch {
                index,
                via: ConferenceVia::Named,
            });
        }
        let counts = self.talk_counts(model);
        let talks = model.talks.iter().filter(|t| !t.keynote).count();
        let mut ranked: Vec<(usize, usize)> = counts.into_iter().collect();
        ranked.sort_by_key(|&(i, n)| (std::cmp::Reverse(n), i));
        let year = model.conference.as_ref().and_then(|c| c.year);
        let ranked: Vec<(usize, usize)> = ranked
            .into_iter()
            .filter(|(i, _)| year.is_none() || self.conferences[*i].year == year)
            .collect();
        let (best, n) = *ranked.first()?;
        let second = ranked.get(1).map_or(0, |r| r.1);
        // Two talks at least (or every talk of the file), a third of them
        // at least, and clearly ahead.
        if (n >= 2 || n == talks) && n * 3 >= talks && n > second {
            Some(ConferenceMatch {
                index: best,
                via: ConferenceVia::Inferred { matched: n, talks },
            })
        } else {
            None
        }
    }

    /// Per conference, how many of the file's talks it has (exact title or
    /// main title).
    fn talk_counts(&self, model: &FileModel) -> HashMap<usize, usize> {
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for t in model.talks.iter().filter(|t| !t.keynote) {
            let mut seen = HashSet::new();
            for key in matching::note_keys(&t.title) {
                for &(c, _) in self.keys.get(&key).into_iter().flatten() {
                    if seen.insert(c) {
                        *counts.entry(c).or_default() += 1;
                    }
                }
            }
        }
        counts
    }

    /// The catalog entry of a talk of the file, in the file's conference.
    pub fn entry_for(&self, model: &FileModel, talk: &Talk) -> Option<(usize, TalkMatch)> {
        let conf = self.conference_of(model)?;
        let m = self.conferences[conf.index].find_talk(talk)?;
        Some((conf.index, m))
    }
}

/// A URL compared loosely: no scheme, no `www.`, no trailing slash or
/// fragment, lower case.
pub fn normalize_url(url: &str) -> String {
    let u = url.trim();
    let u = u.split('#').next().unwrap_or(u);
    let u = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(u);
    let u = u.strip_prefix("www.").unwrap_or(u);
    u.trim_end_matches('/').to_lowercase()
}

enum Source {
    Pyvideo(PathBuf),
    Own(PathBuf),
}

/// What a configured catalog path holds.
fn discover_sources(path: &Path) -> anyhow::Result<Vec<Source>> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        return Ok(vec![Source::Own(path.to_path_buf())]);
    }
    if path.join("category.json").is_file() {
        return Ok(vec![Source::Pyvideo(path.to_path_buf())]);
    }
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() && p.join("category.json").is_file() {
            out.push(Source::Pyvideo(p));
        } else if p.is_file() && (name.ends_with(".toml") || name.ends_with(".json")) {
            out.push(Source::Own(p));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_loosely() {
        assert_eq!(
            normalize_url("https://us.pycon.org/2018/schedule/presentation/103/"),
            normalize_url("http://US.pycon.org/2018/schedule/presentation/103")
        );
        assert_eq!(normalize_url("https://www.x.org/a#b"), "x.org/a");
    }
}
