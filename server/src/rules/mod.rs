//! The diagnostics: one module per concern, each a plain function from a
//! file and the workspace facts to findings. The server and `--check` both
//! call [`check_file`].

mod catalog;
mod issues;
mod link_fixes;
pub mod links;
mod peps;
mod speakers;
mod talks;

pub use link_fixes::NoteCandidates;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use url::Url;

use crate::config::{Settings, Severity};
use crate::index::{Facts, NoteFile};
use crate::model::TextRange;
use crate::pep_index::PepIndex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    MissingSpeaker,
    BrokenLink,
    ScheduleLink,
    PepFormat,
    UnknownPep,
    PepMismatch,
    MalformedIssue,
    SpeakerTypo,
    DuplicateTalk,
    EmptyNotes,
    TalkTitle,
    LibraryTypo,
    MissingConference,
}

impl Rule {
    pub const ALL: [Rule; 13] = [
        Rule::MissingSpeaker,
        Rule::BrokenLink,
        Rule::ScheduleLink,
        Rule::PepFormat,
        Rule::UnknownPep,
        Rule::PepMismatch,
        Rule::MalformedIssue,
        Rule::SpeakerTypo,
        Rule::DuplicateTalk,
        Rule::EmptyNotes,
        Rule::TalkTitle,
        Rule::LibraryTypo,
        Rule::MissingConference,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::MissingSpeaker => "missing-speaker",
            Rule::BrokenLink => "broken-link",
            Rule::ScheduleLink => "schedule-link",
            Rule::PepFormat => "pep-format",
            Rule::UnknownPep => "unknown-pep",
            Rule::PepMismatch => "pep-mismatch",
            Rule::MalformedIssue => "malformed-issue",
            Rule::SpeakerTypo => "speaker-typo",
            Rule::DuplicateTalk => "duplicate-talk",
            Rule::EmptyNotes => "empty-notes",
            Rule::TalkTitle => "talk-title",
            Rule::LibraryTypo => "library-typo",
            Rule::MissingConference => "missing-conference",
        }
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Rule::BrokenLink => Severity::Error,
            Rule::MissingSpeaker
            | Rule::ScheduleLink
            | Rule::UnknownPep
            | Rule::PepMismatch
            | Rule::MalformedIssue
            | Rule::SpeakerTypo
            | Rule::DuplicateTalk => Severity::Warning,
            Rule::PepFormat
            | Rule::EmptyNotes
            | Rule::TalkTitle
            | Rule::LibraryTypo
            | Rule::MissingConference => Severity::Hint,
        }
    }

    /// One line on what the rule checks, for `--help`-like listings and docs.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::MissingSpeaker => "a talk with no speaker",
            Rule::BrokenLink => "a link to a missing file or heading, an undefined reference, a URL that does not parse",
            Rule::ScheduleLink => "a schedule link of another year, or one schedule page linked from two talks",
            Rule::PepFormat => "a PEP reference written without its space (`PEP3156`)",
            Rule::UnknownPep => "a PEP number no PEP has",
            Rule::PepMismatch => "a PEP number one typo away from the PEP its words describe",
            Rule::MalformedIssue => "a CPython issue reference that is not a number (`bpo-262`49`)",
            Rule::SpeakerTypo => "a speaker spelled a typo away from how the workspace, a PEP or a catalog spells them",
            Rule::DuplicateTalk => "the same talk twice in one file",
            Rule::EmptyNotes => "a talk whose `## Notes` section is empty",
            Rule::TalkTitle => "a talk title a typo away from its conference catalog's title",
            Rule::LibraryTypo => "a code-span name one letter from a popular PyPI project, and known nowhere else",
            Rule::MissingConference => "a file that names no conference, whose talks are one catalog conference's",
        }
    }
}

/// Evidence in another (or the same) file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub url: Url,
    pub range: TextRange,
    pub message: String,
}

/// A text edit in the file the finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

/// A known fix: what a quick fix does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// A note to create (with its text) instead of, or besides, the edits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create: Option<NewNote>,
}

/// A file a fix creates: "create the missing note".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewNote {
    pub url: Url,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    pub related: Vec<Related>,
    /// The fix: the one safe to apply without asking ("fix all", `--fix`).
    pub fix: Option<Fix>,
    /// Other fixes a person may pick from, best first (after `fix`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Fix>,
}

impl Finding {
    fn new(rule: Rule, range: TextRange, message: String) -> Finding {
        Finding {
            rule,
            severity: rule.default_severity(),
            range,
            message,
            related: Vec::new(),
            fix: None,
            alternatives: Vec::new(),
        }
    }

    fn related(mut self, url: &Url, range: TextRange, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            url: url.clone(),
            range,
            message: message.into(),
        });
        self
    }

    fn fix(
        mut self,
        title: impl Into<String>,
        range: TextRange,
        new_text: impl Into<String>,
    ) -> Finding {
        self.fix = Some(Fix {
            title: title.into(),
            edits: vec![Edit {
                range,
                new_text: new_text.into(),
            }],
            create: None,
        });
        self
    }
}

/// Answers "does this file exist" for link targets that are not notes
/// (images, PDFs): the server and `--check` look on disk, tests fake it.
pub trait FileSystem: Send + Sync {
    fn exists(&self, path: &Path) -> bool;
}

pub struct RealFileSystem;

impl FileSystem for RealFileSystem {
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
}

/// Everything a rule may look at besides the file itself.
pub struct Context<'a> {
    pub facts: &'a Facts,
    pub files: &'a dyn Fn(&Url) -> Option<Arc<NoteFile>>,
    pub peps: Option<&'a PepIndex>,
    pub settings: &'a Settings,
    pub fs: &'a dyn FileSystem,
    /// Folders the workspace covers: links outside them are not followed.
    pub roots: &'a [std::path::PathBuf],
    /// Conference catalogs and popular PyPI projects (may be empty).
    pub catalogs: &'a crate::catalog::Catalogs,
    pub candidates: &'a NoteCandidates,
}

/// Runs every rule on `file`, then applies severities and suppressions.
pub fn check_file(file: &NoteFile, cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    let cat = catalog::FileCatalog::new(file, cx);
    speakers::missing_speaker(file, cx, &cat, &mut out);
    // Before `speaker_typo`: a finding backed by the talk's catalog entry
    // wins over the workspace-wide one on the same name.
    catalog::catalog_rules(file, cx, &cat, &mut out);
    speakers::speaker_typo(file, cx, &mut out);
    links::broken_links(file, cx, &mut out);
    links::schedule_links(file, cx, &mut out);
    peps::pep_rules(file, cx, &mut out);
    issues::malformed_issues(file, &mut out);
    talks::duplicate_talks(file, &mut out);
    talks::empty_notes(file, &mut out);

    let mut seen = HashSet::new();
    out.retain_mut(|f| {
        let Some(severity) = cx.settings.severity(f.rule) else {
            return false;
        };
        f.severity = severity;
        !file.model.is_suppressed(f.rule.code(), f.range.start)
            && seen.insert((f.rule, f.range.start, f.range.end))
    });
    out.sort_by_key(|f| (f.range.start, f.rule));
    out
}
