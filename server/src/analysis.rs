//! A snapshot of the workspace that analysis runs on: files, the
//! cross-file facts, the PEP index and the settings, all immutable. The
//! server takes one per request; `--check` takes one for the whole run.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use url::Url;

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
}

impl Snapshot {
    pub fn new(
        files: Vec<Arc<NoteFile>>,
        peps: Option<Arc<PepIndex>>,
        settings: Arc<Settings>,
        roots: Vec<PathBuf>,
    ) -> Snapshot {
        let facts = Arc::new(Facts::build(&files, known_names(peps.as_deref())));
        Snapshot {
            files: Arc::new(files.into_iter().map(|f| (f.url.clone(), f)).collect()),
            facts,
            peps,
            settings,
            roots: Arc::new(roots),
            fs: Arc::new(RealFileSystem),
        }
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
        }
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
        };
        rules::check_file(file, &cx)
    }
}

/// Known spellings of people's names, from the PEP index's authors.
pub fn known_names(peps: Option<&PepIndex>) -> HashSet<String> {
    peps.map(|p| p.author_names().map(str::to_string).collect())
        .unwrap_or_default()
}
