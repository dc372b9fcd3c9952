//! A snapshot of the workspace that analysis runs on: files, the
//! cross-file facts, the PEP index and the settings, all immutable. The
//! server takes one per request; `--check` takes one for the whole run.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use url::Url;

use crate::catalog::Catalogs;
use crate::config::Settings;
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
    /// Conference catalogs, popular PyPI projects, the PEP index's status.
    pub catalogs: Arc<Catalogs>,
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
        Snapshot::new_with_facts(files, facts, peps, settings, roots).using_catalogs(catalogs)
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
            files: Arc::new(files.into_iter().map(|f| (f.url.clone(), f)).collect()),
            facts,
            peps,
            settings,
            roots: Arc::new(roots),
            fs: Arc::new(RealFileSystem),
            catalogs: Arc::new(Catalogs::default()),
        }
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
