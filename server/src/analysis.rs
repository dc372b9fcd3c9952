//! A snapshot of the workspace that analysis runs on: files, the
//! cross-file facts, the PEP index and the settings, all immutable. The
//! server takes one per request; `--check` takes one for the whole run.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use url::Url;

use crate::catalog::Catalogs;
use crate::config::Settings;
use crate::fuzzy::{Searchable, WordIndex};
use crate::index::{Facts, NoteFile};
use crate::pep_index::PepIndex;
use crate::rules::{self, FileSystem, Finding, RealFileSystem};

#[derive(Clone)]
pub struct Snapshot {
    pub files: Arc<HashMap<Url, Arc<NoteFile>>>,
    pub facts: Arc<Facts>,
    pub peps: Option<Arc<PepIndex>>,
    pub settings: Arc<Settings>,
    pub roots: Arc<Vec<PathBuf>>,
    pub fs: Arc<dyn FileSystem>,
    /// What the notes themselves do not say: catalog speakers, installed
    /// Python distributions (see [`Extras`]).
    pub extras: Arc<Extras>,
    /// Conference catalogs, popular PyPI projects, the PEP index's status.
    pub catalogs: Arc<Catalogs>,
    /// The notes broken links may have meant, found once per link while
    /// the workspace's paths and titles stay the same (see
    /// [`rules::NoteCandidates`]).
    pub candidates: Arc<rules::NoteCandidates>,
}

/// Knowledge from outside the notes, for completion and hover. Empty by
/// default; the server fills `distributions` from a background task at
/// start-up, and catalogs (when loaded) fill `speakers`.
#[derive(Debug, Default)]
pub struct Extras {
    /// Speakers known from elsewhere (talk catalogs), offered in speaker
    /// completion after the workspace's own.
    pub speakers: Vec<ExtraSpeaker>,
    pub speaker_words: WordIndex,
    /// The Python distributions installed for `python3` (name, summary).
    pub distributions: Vec<Distribution>,
    pub distribution_words: WordIndex,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraSpeaker {
    pub name: String,
    /// Where they spoke, for the completion detail (`PyCon US 2019`).
    pub detail: String,
    /// How many talks the source knows of.
    pub count: usize,
    pub latest_year: Option<u16>,
    pub mask: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    pub name: String,
    pub version: String,
    pub summary: String,
    pub mask: u64,
}

impl Extras {
    pub fn new(speakers: Vec<ExtraSpeaker>, distributions: Vec<Distribution>) -> Extras {
        Extras {
            speaker_words: WordIndex::build(speakers.iter().map(|s| s.name.as_str())),
            distribution_words: WordIndex::build(distributions.iter().map(|d| d.name.as_str())),
            speakers,
            distributions,
        }
    }

    /// The installed distribution named `name` (PEP 503 normalised compare).
    pub fn distribution(&self, name: &str) -> Option<&Distribution> {
        let key = normalize_dist_name(name);
        self.distributions
            .iter()
            .find(|d| normalize_dist_name(&d.name) == key)
    }
}

/// PEP 503: lower case, runs of `-`, `_`, `.` as one `-`.
pub fn normalize_dist_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            dash = true;
        } else {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

impl Searchable for ExtraSpeaker {
    fn text(&self) -> &str {
        &self.name
    }
    fn mask(&self) -> u64 {
        self.mask
    }
}

impl Searchable for Distribution {
    fn text(&self) -> &str {
        &self.name
    }
    fn mask(&self) -> u64 {
        self.mask
    }
}

impl Snapshot {
    pub fn new(
        files: Vec<Arc<NoteFile>>,
        peps: Option<Arc<PepIndex>>,
        settings: Arc<Settings>,
        roots: Vec<PathBuf>,
    ) -> Snapshot {
        Snapshot::with_catalogs(files, peps, Arc::new(Catalogs::default()), settings, roots)
    }

    /// A snapshot that also consults conference catalogs (their speakers
    /// are known spellings).
    pub fn with_catalogs(
        files: Vec<Arc<NoteFile>>,
        peps: Option<Arc<PepIndex>>,
        catalogs: Arc<Catalogs>,
        settings: Arc<Settings>,
        roots: Vec<PathBuf>,
    ) -> Snapshot {
        let facts = Arc::new(Facts::build(
            &files,
            known_names(peps.as_deref(), &catalogs),
        ));
        // Catalog speakers are offered by speaker completion too.
        let extras = Extras::new(
            crate::catalog::features::extra_speakers(&catalogs),
            Vec::new(),
        );
        Snapshot::new_with_facts(files, facts, peps, settings, roots)
            .using_catalogs(catalogs)
            .with_extras(Arc::new(extras))
    }

    /// A snapshot over facts built earlier (the server reuses facts that did
    /// not change).
    pub fn new_with_facts(
        files: Vec<Arc<NoteFile>>,
        facts: Arc<Facts>,
        peps: Option<Arc<PepIndex>>,
        settings: Arc<Settings>,
        roots: Vec<PathBuf>,
    ) -> Snapshot {
        Snapshot {
            files: Arc::new(files.into_iter().map(|f| ((*f.url).clone(), f)).collect()),
            facts,
            peps,
            settings,
            roots: Arc::new(roots),
            fs: Arc::new(RealFileSystem),
            extras: Arc::default(),
            catalogs: Arc::new(Catalogs::default()),
            candidates: Arc::default(),
        }
    }

    /// A snapshot over a files map and facts kept up to date elsewhere (the
    /// server's [`crate::index::IncrementalIndex`]): nothing is copied.
    pub fn from_shared(
        files: Arc<HashMap<Url, Arc<NoteFile>>>,
        facts: Arc<Facts>,
        peps: Option<Arc<PepIndex>>,
        settings: Arc<Settings>,
        roots: Vec<PathBuf>,
    ) -> Snapshot {
        Snapshot {
            files,
            facts,
            peps,
            settings,
            roots: Arc::new(roots),
            fs: Arc::new(RealFileSystem),
            extras: Arc::default(),
            catalogs: Arc::new(Catalogs::default()),
            candidates: Arc::default(),
        }
    }

    /// The same snapshot sharing `candidates` with earlier snapshots of the
    /// same workspace paths and titles.
    pub fn with_candidates(mut self, candidates: Arc<rules::NoteCandidates>) -> Snapshot {
        self.candidates = candidates;
        self
    }

    /// The same snapshot with `extras` (catalog speakers, distributions).
    pub fn with_extras(mut self, extras: Arc<Extras>) -> Snapshot {
        self.extras = extras;
        self
    }

    /// The same snapshot with `catalogs` (facts must already know their
    /// speakers: see [`known_names`]).
    pub fn using_catalogs(mut self, catalogs: Arc<Catalogs>) -> Snapshot {
        self.catalogs = catalogs;
        self
    }

    pub fn file(&self, url: &Url) -> Option<Arc<NoteFile>> {
        self.files.get(url).cloned()
    }

    /// Every finding for the file at `url`.
    pub fn check(&self, url: &Url) -> Vec<Finding> {
        let Some(file) = self.file(url) else {
            return Vec::new();
        };
        self.check_file(&file)
    }

    pub fn check_file(&self, file: &NoteFile) -> Vec<Finding> {
        let lookup = |u: &Url| self.file(u);
        let cx = rules::Context {
            facts: &self.facts,
            files: &lookup,
            peps: self.peps.as_deref(),
            settings: &self.settings,
            fs: self.fs.as_ref(),
            roots: &self.roots,
            catalogs: &self.catalogs,
            candidates: &self.candidates,
        };
        rules::check_file(file, &cx)
    }
}

/// Known spellings of people's names: the PEP index's authors and the
/// catalogs' speakers.
pub fn known_names(peps: Option<&PepIndex>, catalogs: &Catalogs) -> HashSet<String> {
    let mut names: HashSet<String> = peps
        .map(|p| p.author_names().map(str::to_string).collect())
        .unwrap_or_default();
    names.extend(catalogs.speaker_names().map(str::to_string));
    names
}
