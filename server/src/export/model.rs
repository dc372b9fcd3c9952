//! The export model: the workspace's conferences, talks, speakers,
//! libraries and PEPs, and its diagnostics, as plain ordered data. Its JSON
//! form is specified by `docs/export.schema.json` (bump [`EXPORT_VERSION`]
//! on any incompatible change, and the schema with it).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::conferences::{self, Named};
use crate::analysis::Snapshot;
use crate::check::Problem;
use crate::index::NoteFile;
use crate::model::{ConferenceSource, IssueTracker, LinkKind, TalkForm};
use crate::position::PositionEncoding;
use crate::rules::Finding;

/// The version of the export format.
pub const EXPORT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Export {
    /// Bumped on any incompatible change of this format.
    pub version: u32,
    /// Whether a PEP index was loaded (PEP titles and statuses come from it).
    pub pep_index: bool,
    pub files: Vec<FileOut>,
    pub conferences: Vec<ConferenceOut>,
    pub talks: Vec<TalkOut>,
    pub speakers: Vec<SpeakerOut>,
    pub libraries: Vec<LibraryOut>,
    pub peps: Vec<PepOut>,
    pub diagnostics: Vec<DiagnosticOut>,
    /// Files that could not be read.
    pub errors: Vec<ErrorOut>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileOut {
    pub path: String,
    /// The id of the file's conference, if it names one.
    pub conference: Option<String>,
    pub talks: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConferenceOut {
    /// `pycon-us-2018`; what talks and files refer to.
    pub id: String,
    /// None when only a year is known (from a file name).
    pub name: Option<String>,
    pub year: Option<u16>,
    /// Distinct talks: the same title noted twice (an index entry and the
    /// talk's own page, or a duplicate) counts once.
    pub talks: usize,
    /// The files about this conference, and where each says so.
    pub files: Vec<ConferenceFile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConferenceFile {
    pub path: String,
    /// Where the name and year were read: `front-matter`, `pelican-header`,
    /// `first-line` or `file-name`.
    pub source: String,
    /// The name as this file writes it.
    pub written: String,
    /// The line it was read from (None for the file name).
    pub line: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TalkOut {
    /// `path:line`, unique.
    pub id: String,
    pub title: String,
    /// As written in this file (see `speakers[].spellings` for who they are).
    pub speakers: Vec<String>,
    pub keynote: bool,
    pub conference: Option<String>,
    pub year: Option<u16>,
    pub file: String,
    /// 1-based line and column (in characters) of the title.
    pub line: u32,
    pub column: u32,
    /// `heading`, `list-item` or `paragraph`.
    pub form: String,
    pub links: Vec<LinkOut>,
    /// PEP numbers referred to in the talk's entry, in order, once each.
    pub peps: Vec<u32>,
    pub issues: Vec<IssueOut>,
    /// Library names mentioned in the talk's entry, in order, once each.
    pub libraries: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkOut {
    pub text: String,
    pub target: String,
    pub line: u32,
    /// `inline`, `image`, `reference`, `autolink` or `bare`.
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueOut {
    /// `bpo`, `gh` or `issue`.
    pub tracker: String,
    /// None when malformed.
    pub number: Option<u32>,
    /// As written: `bpo-24915`, `Issue 27350`.
    pub text: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeakerOut {
    /// The best attested spelling.
    pub name: String,
    /// Every spelling seen, `name` included, most used first.
    pub spellings: Vec<String>,
    /// Talk ids, in file and line order.
    pub talks: Vec<String>,
    /// Ids of the conferences of those talks (talks in files that name no
    /// conference add none).
    pub conferences: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LibraryOut {
    pub name: String,
    /// Mentions, counting one per line.
    pub mentions: usize,
    pub talks: Vec<String>,
    pub files: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PepOut {
    pub number: u32,
    /// From the PEP index; None without one, or when it has no such PEP.
    pub title: Option<String>,
    pub status: Option<String>,
    /// Mentions, counting one per line (`PEP 509` and its URL on one line
    /// are one mention).
    pub mentions: usize,
    pub talks: Vec<String>,
    pub files: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticOut {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub rule: String,
    pub severity: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorOut {
    pub path: String,
    pub message: String,
}

/// `path` shown relative to `base`, with `/` separators.
pub fn display_path(base: &Path, path: &Path) -> String {
    let base = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
    path.strip_prefix(&base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn file_path(base: &Path, file: &NoteFile) -> String {
    file.path
        .as_deref()
        .map(|p| display_path(base, p))
        .unwrap_or_else(|| file.url.to_string())
}

fn line_col(file: &NoteFile, offset: usize) -> (u32, u32) {
    let p = file.position(offset, PositionEncoding::Utf32);
    (p.line + 1, p.character + 1)
}

fn source_name(s: ConferenceSource) -> &'static str {
    match s {
        ConferenceSource::FrontMatter => "front-matter",
        ConferenceSource::PelicanHeader => "pelican-header",
        ConferenceSource::FirstLine => "first-line",
        ConferenceSource::FileName => "file-name",
    }
}

/// The spelling `name` stands for: the workspace's typo map followed to its
/// end (`Victor Stinger` → `Victor Stinner`). The map comes from the
/// snapshot's facts, so known names (PEP authors, catalogs) decide as they
/// do for `speaker-typo`.
pub fn resolve_speaker<'a>(snapshot: &'a Snapshot, name: &'a str) -> &'a str {
    let mut current = name;
    for _ in 0..8 {
        match snapshot.facts.speaker_typos.get(current) {
            Some(better) if better != current => current = better,
            _ => break,
        }
    }
    current
}

/// Library names compare as PyPI compares them: case, `-`, `_` and `.` aside.
fn library_key(name: &str) -> String {
    name.to_lowercase().replace(['_', '.'], "-")
}

/// Builds the export of `results` (every file analysed, with its findings),
/// paths shown relative to `base`.
pub fn build(
    snapshot: &Snapshot,
    results: &[(Arc<NoteFile>, Vec<Finding>)],
    problems: &[Problem],
    base: &Path,
) -> Export {
    let mut files: Vec<(String, &NoteFile, &[Finding])> = results
        .iter()
        .map(|(f, findings)| (file_path(base, f), f.as_ref(), findings.as_slice()))
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));

    // Conferences.
    let with_conf: Vec<(usize, &crate::model::Conference)> = files
        .iter()
        .enumerate()
        .filter_map(|(i, (_, f, _))| f.model.conference.as_ref().map(|c| (i, c)))
        .collect();
    let named: Vec<Named> = with_conf
        .iter()
        .map(|(_, c)| Named {
            name: &c.name,
            year: c.year,
        })
        .collect();
    let groups = conferences::group(&named);
    let mut conf_of_file: HashMap<usize, (String, Option<u16>)> = HashMap::new();
    let mut conferences_out = Vec::new();
    for g in &groups {
        let mut cfiles = Vec::new();
        // Distinct talks: a talk noted twice (an index entry and its own
        // page) counts once.
        let mut titles = BTreeSet::new();
        for &m in &g.members {
            let (fi, conf) = with_conf[m];
            let (path, file, _) = &files[fi];
            conf_of_file.insert(fi, (g.id.clone(), g.year));
            for (i, t) in file.model.talks.iter().enumerate() {
                let key = crate::extract::title_key(&t.title);
                titles.insert(if key.is_empty() {
                    format!("{path}#{i}")
                } else {
                    key
                });
            }
            cfiles.push(ConferenceFile {
                path: path.clone(),
                source: source_name(conf.source).into(),
                written: conf.name.clone(),
                line: conf.range.as_ref().map(|r| line_col(file, r.start).0),
            });
        }
        cfiles.sort_by(|a, b| a.path.cmp(&b.path));
        conferences_out.push(ConferenceOut {
            id: g.id.clone(),
            name: g.name.clone(),
            year: g.year,
            talks: titles.len(),
            files: cfiles,
        });
    }

    // Talks, and what their entries mention.
    let mut talks_out = Vec::new();
    let mut files_out = Vec::new();
    // speaker key → (spelling counts, talk ids, conference ids)
    type SpeakerAcc = (BTreeMap<String, usize>, Vec<String>, BTreeSet<String>);
    let mut speakers: BTreeMap<String, SpeakerAcc> = BTreeMap::new();
    // library key → (spelling counts, mention lines, talks, files)
    type LibAcc = (
        BTreeMap<String, usize>,
        BTreeSet<(String, u32)>,
        Vec<String>,
        BTreeSet<String>,
    );
    let mut libraries: BTreeMap<String, LibAcc> = BTreeMap::new();
    // number → (mention lines, talks, files)
    type PepAcc = (BTreeSet<(String, u32)>, Vec<String>, BTreeSet<String>);
    let mut peps: BTreeMap<u32, PepAcc> = BTreeMap::new();
    let mut diagnostics = Vec::new();

    for (fi, (path, file, findings)) in files.iter().enumerate() {
        let conf = conf_of_file.get(&fi).cloned();
        files_out.push(FileOut {
            path: path.clone(),
            conference: conf.as_ref().map(|c| c.0.clone()),
            talks: file.model.talks.len(),
        });
        let model = &file.model;
        let text = file.text();
        let talk_id_at = |offset: usize| -> Option<String> {
            model
                .talk_at(offset)
                .map(|(_, t)| format!("{path}:{}", line_col(file, t.title_range().start).0))
        };

        for talk in &model.talks {
            let (line, column) = line_col(file, talk.title_range().start);
            let id = format!("{path}:{line}");
            let inside = |r: &std::ops::Range<usize>| talk.range().contains(&r.start);
            // The URL of a `[label]: url` definition is not a link of its own.
            let in_definition = |r: &std::ops::Range<usize>| {
                model
                    .link_definitions
                    .iter()
                    .any(|d| d.range.contains(&r.start))
            };
            let links = model
                .links
                .load()
                .iter()
                .filter(|l| inside(&l.range()))
                .filter(|l| !(l.kind == LinkKind::Bare && in_definition(&l.range())))
                .map(|l| LinkOut {
                    text: l.text().to_string(),
                    target: l.target().to_string(),
                    line: line_col(file, l.range().start).0,
                    kind: match l.kind {
                        LinkKind::Inline => "inline",
                        LinkKind::Image => "image",
                        LinkKind::Reference { .. } => "reference",
                        LinkKind::Autolink => "autolink",
                        LinkKind::Bare => "bare",
                    }
                    .into(),
                })
                .collect();
            let mut talk_peps: Vec<u32> = Vec::new();
            for p in model.peps.load().iter().filter(|p| inside(&p.range())) {
                if !talk_peps.contains(&p.number) {
                    talk_peps.push(p.number);
                }
            }
            let issues = model
                .issues
                .load()
                .iter()
                .filter(|i| inside(&i.range()))
                .map(|i| IssueOut {
                    tracker: match i.tracker {
                        IssueTracker::Bpo => "bpo",
                        IssueTracker::Gh => "gh",
                        IssueTracker::Issue => "issue",
                    }
                    .into(),
                    number: i.number,
                    text: text[i.range()].to_string(),
                    line: line_col(file, i.range().start).0,
                })
                .collect();
            let mut talk_libs: Vec<String> = Vec::new();
            for l in model.libraries.iter().filter(|l| inside(&l.range())) {
                if !talk_libs
                    .iter()
                    .any(|x| library_key(x) == library_key(&l.name))
                {
                    talk_libs.push(l.name.to_string());
                }
            }
            for s in &talk.speakers {
                let resolved = resolve_speaker(snapshot, &s.name);
                let entry = speakers.entry(resolved.to_lowercase()).or_default();
                *entry.0.entry(s.name.to_string()).or_insert(0) += 1;
                if entry.1.last() != Some(&id) {
                    entry.1.push(id.clone());
                }
                if let Some((cid, _)) = &conf {
                    entry.2.insert(cid.clone());
                }
            }
            talks_out.push(TalkOut {
                id,
                title: talk.title.to_string(),
                speakers: talk.speakers.iter().map(|s| s.name.to_string()).collect(),
                keynote: talk.keynote,
                conference: conf.as_ref().map(|c| c.0.clone()),
                year: conf.as_ref().and_then(|c| c.1),
                file: path.clone(),
                line,
                column,
                form: match talk.form {
                    TalkForm::Heading { .. } => "heading",
                    TalkForm::ListItem { .. } => "list-item",
                    TalkForm::Paragraph => "paragraph",
                }
                .into(),
                links,
                peps: talk_peps,
                issues,
                libraries: talk_libs,
            });
        }

        for l in &model.libraries {
            let entry = libraries.entry(library_key(&l.name)).or_default();
            let line = line_col(file, l.range().start).0;
            if entry.1.insert((path.clone(), line)) {
                *entry.0.entry(l.name.to_string()).or_insert(0) += 1;
            }
            if let Some(id) = talk_id_at(l.range().start) {
                if !entry.2.contains(&id) {
                    entry.2.push(id);
                }
            }
            entry.3.insert(path.clone());
        }
        for p in model.peps.load().iter() {
            let entry = peps.entry(p.number).or_default();
            entry
                .0
                .insert((path.clone(), line_col(file, p.range().start).0));
            if let Some(id) = talk_id_at(p.range().start) {
                if !entry.1.contains(&id) {
                    entry.1.push(id);
                }
            }
            entry.2.insert(path.clone());
        }
        for f in findings.iter() {
            let (line, column) = line_col(file, f.range.start);
            diagnostics.push(DiagnosticOut {
                file: path.clone(),
                line,
                column,
                rule: f.rule.code().into(),
                severity: f.severity.as_str().into(),
                message: f.message.clone(),
            });
        }
    }

    let mut speakers_out: Vec<SpeakerOut> = speakers
        .into_values()
        .map(|(spellings, talks, conferences)| {
            let mut spellings: Vec<(String, usize)> = spellings.into_iter().collect();
            // The resolved spelling first: it is the one the typo map points at,
            // else the most used.
            let resolved: BTreeSet<String> = spellings
                .iter()
                .map(|(s, _)| resolve_speaker(snapshot, s).to_string())
                .collect();
            spellings.sort_by(|(a, ca), (b, cb)| {
                let ra = resolved.contains(a);
                let rb = resolved.contains(b);
                rb.cmp(&ra).then(cb.cmp(ca)).then(a.cmp(b))
            });
            let mut spellings: Vec<String> = spellings.into_iter().map(|(s, _)| s).collect();
            let name = match resolved.iter().next() {
                Some(r) if !spellings.iter().any(|s| s == r) => {
                    // A known spelling nobody here uses: it is still the name.
                    spellings.insert(0, r.to_string());
                    r.to_string()
                }
                _ => spellings[0].clone(),
            };
            // Conferences in timeline order.
            let mut conferences: Vec<String> = conferences.into_iter().collect();
            let order: HashMap<&str, usize> = conferences_out
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), i))
                .collect();
            conferences.sort_by_key(|c| order.get(c.as_str()).copied().unwrap_or(usize::MAX));
            SpeakerOut {
                name,
                spellings,
                talks,
                conferences,
            }
        })
        .collect();
    speakers_out.sort_by(|a, b| a.name.cmp(&b.name));

    let mut libraries_out: Vec<LibraryOut> = libraries
        .into_values()
        .map(|(spellings, mentions, talks, files)| {
            let name = spellings
                .iter()
                .max_by(|(a, ca), (b, cb)| ca.cmp(cb).then(b.cmp(a)))
                .map(|(s, _)| s.clone())
                .unwrap_or_default();
            LibraryOut {
                name,
                mentions: mentions.len(),
                talks,
                files: files.into_iter().collect(),
            }
        })
        .collect();
    libraries_out.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));

    let peps_out = peps
        .into_iter()
        .map(|(number, (mentions, talks, files))| {
            let pep = snapshot.peps.as_ref().and_then(|i| i.get(number));
            PepOut {
                number,
                title: pep.map(|p| p.title.clone()),
                status: pep.map(|p| p.status.clone()).filter(|s| !s.is_empty()),
                mentions: mentions.len(),
                talks,
                files: files.into_iter().collect(),
            }
        })
        .collect();

    let mut errors: Vec<ErrorOut> = problems
        .iter()
        .map(|p| ErrorOut {
            path: display_path(base, &p.path),
            message: p.message.clone(),
        })
        .collect();
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));

    Export {
        version: EXPORT_VERSION,
        pep_index: snapshot.peps.is_some(),
        files: files_out,
        conferences: conferences_out,
        talks: talks_out,
        speakers: speakers_out,
        libraries: libraries_out,
        peps: peps_out,
        diagnostics,
        errors,
    }
}
