//! The server's state: open documents, the workspace index, settings and
//! the PEP index. Edits are applied here synchronously, under a plain mutex,
//! so that they happen in arrival order (see ARCHITECTURE.md).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use url::Url;

use crate::analysis::{known_names, Extras, Snapshot};
use crate::catalog::{cache, Catalogs, Packages, PepStatus};
use crate::config::{Settings, CONFIG_FILE};
use crate::document::{ChangeError, Document, TextChange};
use crate::index::{IncrementalIndex, IndexChange, NoteFile, Workspace};
use crate::pep_index::PepIndex;
use crate::position::PositionEncoding;

pub struct State {
    pub docs: Mutex<HashMap<Url, Document>>,
    pub workspace: Workspace,
    pub encoding: RwLock<PositionEncoding>,
    pub roots: RwLock<Vec<PathBuf>>,
    /// From `talknotes.toml` at the first root.
    pub file_settings: RwLock<Settings>,
    /// From the client (`initializationOptions`, `didChangeConfiguration`).
    pub client_settings: RwLock<Settings>,
    /// `--pep-index` given to the server binary.
    pub cli_pep_index: Option<PathBuf>,
    pub peps: RwLock<Option<Arc<PepIndex>>>,
    /// Bumped on every change that may alter diagnostics.
    pub generation: AtomicU64,
    /// Files and facts kept between snapshots, updated for the files that
    /// changed (None: rebuilt from scratch at the next snapshot).
    facts: Mutex<Option<KeptIndex>>,
    /// The current workspace indexing run, to cancel it.
    pub indexing: super::indexing::Indexing,
    /// When the persistent index cache needs writing.
    pub index_cache: super::indexing::CacheBook,
    /// The disk version of open documents, as read before they were opened
    /// (or matched in the index cache): what the index cache keeps for them,
    /// since their buffers are not what is on disk.
    pub shadowed: Mutex<HashMap<Url, Arc<NoteFile>>>,
    /// Documents being opened (parsed, not yet in `docs`), and the signal
    /// that one was: indexing waits for such a note instead of parsing it
    /// a second time (see [`State::wait_until_opened`]).
    opening: Mutex<HashSet<Url>>,
    opened: Condvar,
    /// Catalog speakers and installed distributions (see `Extras`).
    pub extras: RwLock<Arc<Extras>>,
    /// Conference catalogs, PyPI projects, the PEP index's status.
    pub catalogs: RwLock<Catalogs>,
    /// The background PEP index refresh: tried at most once per session;
    /// why it failed (logged once, shown in hover).
    pub pep_refresh: Mutex<(bool, Option<String>)>,
}

impl State {
    pub fn new(cli_pep_index: Option<PathBuf>) -> State {
        State {
            docs: Mutex::new(HashMap::new()),
            workspace: Workspace::default(),
            encoding: RwLock::new(PositionEncoding::Utf16),
            roots: RwLock::new(Vec::new()),
            file_settings: RwLock::new(Settings::default()),
            client_settings: RwLock::new(Settings::default()),
            cli_pep_index,
            peps: RwLock::new(None),
            generation: AtomicU64::new(0),
            facts: Mutex::new(None),
            indexing: Default::default(),
            index_cache: Default::default(),
            shadowed: Mutex::new(HashMap::new()),
            opening: Mutex::new(HashSet::new()),
            opened: Condvar::new(),
            extras: RwLock::new(Arc::default()),
            catalogs: RwLock::new(Catalogs::default()),
            pep_refresh: Mutex::new((false, None)),
        }
    }

    pub fn encoding(&self) -> PositionEncoding {
        *self.encoding.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn settings(&self) -> Settings {
        let file = self.file_settings.read().unwrap_or_else(|e| e.into_inner());
        let client = self
            .client_settings
            .read()
            .unwrap_or_else(|e| e.into_inner());
        file.merged(&client)
    }

    pub fn bump(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Opens a document: the buffer becomes the truth for that URL.
    pub fn open(&self, url: Url, text: &str, version: i32) {
        let _opening = self.begin_opening(&url);
        let mut doc = Document::new(text, version);
        let file = if doc.is_analysed() {
            let (syntax, memo) = doc.syntax_and_memo();
            NoteFile::from_syntax_with(url.clone(), text, syntax, Some(version), Some(memo))
        } else {
            too_large(&url, text.len());
            NoteFile::unanalysed(url.clone(), version)
        };
        if let Some(disk) = self.workspace.get(&url).filter(|f| f.disk.is_some()) {
            lock(&self.shadowed).insert(url.clone(), disk);
        }
        lock(&self.docs).insert(url, doc);
        self.workspace.insert(file);
    }

    /// Marks `url` as being opened until the guard is dropped (also when
    /// the parse panics).
    fn begin_opening(&self, url: &Url) -> Opening<'_> {
        lock(&self.opening).insert(url.clone());
        Opening {
            state: self,
            url: url.clone(),
        }
    }

    /// Returns once `url` is not being opened (at most a few seconds: a
    /// stuck open must not stall indexing). A note the editor opens as the
    /// session starts is parsed by `open` while indexing may reach it; its
    /// model is then the buffer's, and a second parse would hold another
    /// set of trees (~12 MB for a 200 KB note) at the same time.
    pub fn wait_until_opened(&self, url: &Url) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut opening = lock(&self.opening);
        while opening.contains(url) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            opening = match self.opened.wait_timeout(opening, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Applies changes to an open document and re-extracts its model.
    /// Returns the clamping warnings, or None for a document never opened.
    pub fn change(
        &self,
        url: &Url,
        changes: &[TextChange],
        version: i32,
    ) -> Option<Vec<ChangeError>> {
        let enc = self.encoding();
        let mut docs = lock(&self.docs);
        let doc = docs.get_mut(url)?;
        let was_analysed = doc.is_analysed();
        let warnings = doc.apply_changes(changes, version, enc);
        let file = if doc.is_analysed() {
            let text = doc.text();
            let (syntax, memo) = doc.syntax_and_memo();
            NoteFile::from_syntax_with(url.clone(), &text, syntax, Some(version), Some(memo))
        } else {
            if was_analysed {
                too_large(url, doc.rope().len_bytes());
            }
            NoteFile::unanalysed(url.clone(), version)
        };
        drop(docs);
        self.workspace.insert(file);
        Some(warnings)
    }

    /// Closes a document: the file on disk becomes the truth again (or the
    /// file leaves the index if it is not on disk).
    pub fn close(&self, url: &Url) {
        lock(&self.docs).remove(url);
        self.reload_from_disk(url);
    }

    /// The size of an open document too large to be analysed.
    pub fn unanalysed_size(&self, url: &Url) -> Option<usize> {
        lock(&self.docs)
            .get(url)
            .filter(|d| !d.is_analysed())
            .map(|d| d.rope().len_bytes())
    }

    pub fn is_open(&self, url: &Url) -> bool {
        lock(&self.docs).contains_key(url)
    }

    pub fn open_urls(&self) -> Vec<Url> {
        let mut v: Vec<Url> = lock(&self.docs).keys().cloned().collect();
        v.sort();
        v
    }

    /// Re-reads a closed file from disk into the index; open documents are
    /// left alone (the editor's buffer wins).
    pub fn reload_from_disk(&self, url: &Url) {
        if self.is_open(url) {
            // Its disk version changed: what was kept of it is stale.
            lock(&self.shadowed).remove(url);
            return;
        }
        self.index_cache.touched();
        lock(&self.shadowed).remove(url);
        let Ok(path) = url.to_file_path() else {
            self.workspace.remove(url);
            return;
        };
        if !crate::discover::is_notes_file(&path) || !self.inside_roots(&path) {
            self.workspace.remove(url);
            return;
        }
        let roots = self.roots.read().unwrap_or_else(|e| e.into_inner()).clone();
        match crate::discover::read_notes_inside_stamped(&path, &roots) {
            Ok((text, stamp)) => {
                self.workspace
                    .insert(NoteFile::analyse(url.clone(), &text, None).with_disk(stamp));
            }
            Err(e) => {
                tracing::debug!("{}: {e}", path.display());
                self.workspace.remove(url);
            }
        }
    }

    /// Drops a file deleted on disk from the index, unless it is open.
    pub fn remove_from_disk(&self, url: &Url) {
        lock(&self.shadowed).remove(url);
        if !self.is_open(url) {
            self.index_cache.touched();
            self.workspace.remove(url);
        }
    }

    pub fn inside_roots(&self, path: &std::path::Path) -> bool {
        let roots = self.roots.read().unwrap_or_else(|e| e.into_inner());
        roots.iter().any(|r| path.starts_with(r))
    }

    /// Reads `talknotes.toml` from the first root and the PEP index named by
    /// the settings (client first, then file, then `--pep-index`, then
    /// `TALKNOTES_PEP_INDEX`).
    pub fn load_config(&self) {
        let root = self
            .roots
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .first()
            .cloned();
        let file_settings = root
            .map(|r| r.join(CONFIG_FILE))
            .filter(|p| p.is_file())
            .and_then(|p| match Settings::from_toml_file(&p) {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::warn!("{e:#}");
                    None
                }
            })
            .unwrap_or_default();
        *self
            .file_settings
            .write()
            .unwrap_or_else(|e| e.into_inner()) = file_settings;
        self.load_catalogs();
        self.load_peps();
    }

    /// Reads the catalogs the settings name and the cached PyPI projects.
    pub fn load_catalogs(&self) {
        let settings = self.settings();
        let mut catalogs = Catalogs::load(&settings.catalogs);
        for p in catalogs.problems.iter() {
            tracing::warn!("catalog {p}");
        }
        catalogs.packages = cache::cache_dir()
            .map(|d| d.join(cache::PACKAGES_FILE))
            .filter(|p| p.is_file())
            .and_then(|p| Packages::load(&p).map_err(|e| tracing::warn!("{e:#}")).ok())
            .map(Arc::new);
        // Catalog speakers join speaker completion (after the notes' own).
        let speakers = crate::catalog::features::extra_speakers(&catalogs);
        {
            let mut extras = self.extras.write().unwrap_or_else(|e| e.into_inner());
            let distributions = extras.distributions.clone();
            *extras = Arc::new(Extras::new(speakers, distributions));
        }
        let mut current = self.catalogs.write().unwrap_or_else(|e| e.into_inner());
        catalogs.pep_status = current.pep_status.take();
        *current = catalogs;
        drop(current);
        *lock(&self.facts) = None;
    }

    /// The PEP index's path when it comes from the download cache (no
    /// path configured), and the cache's folder.
    pub fn pep_cache_in_use(&self) -> Option<PathBuf> {
        if self.configured_pep_index().is_some() {
            return None;
        }
        cache::cached_peps()
    }

    fn configured_pep_index(&self) -> Option<PathBuf> {
        self.settings()
            .pep_index
            .or_else(|| self.cli_pep_index.clone())
            .or_else(|| std::env::var_os("TALKNOTES_PEP_INDEX").map(PathBuf::from))
    }

    pub fn load_peps(&self) {
        let configured = self.configured_pep_index();
        let cached = configured.is_none();
        let path = configured.or_else(|| cache::cached_peps().filter(|p| p.is_file()));
        let peps = path.as_ref().and_then(|p| match PepIndex::load(p) {
            Ok(index) => {
                tracing::info!("PEP index {}: {} PEPs", p.display(), index.len());
                Some(Arc::new(index))
            }
            Err(e) => {
                tracing::warn!("{e:#}");
                None
            }
        });
        let status = peps.as_ref().zip(path.as_ref()).map(|(index, p)| {
            let mut status = PepStatus::new(p, cached, index.len());
            if cached {
                status.refresh_error = lock(&self.pep_refresh).1.clone();
            }
            status
        });
        self.catalogs
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .pep_status = status;
        *self.peps.write().unwrap_or_else(|e| e.into_inner()) = peps;
        // Known names come from the index: facts must be rebuilt.
        *lock(&self.facts) = None;
    }

    /// An immutable view for one round of analysis (for request handlers;
    /// diagnostics use [`State::snapshot_delta`]).
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_with(false).0
    }

    /// A snapshot and what changed since the previous one. The files map
    /// and the facts are updated for the files that changed only (facts
    /// only when a file's contribution to them changed); None for the
    /// change means everything was rebuilt.
    pub fn snapshot_delta(&self) -> (Snapshot, Option<IndexChange>) {
        self.snapshot_with(true)
    }

    /// Updates the kept index; the change is recorded until diagnostics
    /// ask for it (`report`), so a request's snapshot taken in between
    /// cannot hide an edited file from the next diagnostics run.
    fn snapshot_with(&self, report: bool) -> (Snapshot, Option<IndexChange>) {
        let peps = self.peps.read().unwrap_or_else(|e| e.into_inner()).clone();
        let settings = Arc::new(self.settings());
        let roots = self.roots.read().unwrap_or_else(|e| e.into_inner()).clone();
        let catalogs = Arc::new(
            self.catalogs
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        );
        let extras = self
            .extras
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut cache = lock(&self.facts);
        let changed = self.workspace.take_changed();
        if let Some(kept) = cache.as_mut() {
            let change = kept.index.apply(&changed, |u| self.workspace.get(u));
            if change.titles {
                // A note's path, first heading or conference changed: what
                // broken links may have meant is found again (a speaker
                // renamed keeps the answers).
                kept.candidates = Arc::default();
            }
            if let Some(unreported) = kept.unreported.as_mut() {
                unreported.merge(change);
            }
        }
        let kept = cache.get_or_insert_with(|| KeptIndex {
            index: IncrementalIndex::new(
                self.workspace.snapshot(),
                known_names(peps.as_deref(), &catalogs),
            ),
            // Built from scratch: everything is news.
            unreported: None,
            candidates: Arc::default(),
        });
        let (files, facts) = (kept.index.files(), kept.index.facts());
        let candidates = kept.candidates.clone();
        let change = if report {
            kept.unreported.replace(IndexChange::default())
        } else {
            Some(IndexChange::default())
        };
        drop(cache);
        (
            Snapshot::from_shared(files, facts, peps, settings, roots)
                .using_catalogs(catalogs)
                .with_extras(extras)
                .with_candidates(candidates),
            change,
        )
    }
}

fn too_large(url: &Url, bytes: usize) {
    tracing::info!(
        "{url}: {bytes} bytes, over the {} bytes analysed: text kept in step, not analysed",
        crate::document::MAX_ANALYSED_BYTES
    );
}

/// The index kept between snapshots, and what changed in it since the last
/// diagnostics run asked (None: rebuilt since, so everything).
struct KeptIndex {
    index: IncrementalIndex,
    unreported: Option<IndexChange>,
    /// Shared by the snapshots of one state of the workspace's paths and
    /// titles.
    candidates: Arc<crate::rules::NoteCandidates>,
}

/// A document being opened; see [`State::begin_opening`].
struct Opening<'s> {
    state: &'s State,
    url: Url,
}

impl Drop for Opening<'_> {
    fn drop(&mut self) {
        lock(&self.state.opening).remove(&self.url);
        self.state.opened.notify_all();
    }
}

/// A poisoned lock means a panic elsewhere; the data is still usable.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Indexing waits for a note being opened, then finds it open.
    #[test]
    fn waiting_for_a_note_being_opened_ends_when_it_is_open() {
        let state = Arc::new(State::new(None));
        let url = Url::parse("file:///ws/a.md").unwrap();
        let opening = state.begin_opening(&url);
        let waiter = {
            let (state, url) = (state.clone(), url.clone());
            std::thread::spawn(move || {
                state.wait_until_opened(&url);
                Instant::now()
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        let released = Instant::now();
        drop(opening);
        assert!(
            waiter.join().unwrap() >= released,
            "returned while the note was being opened"
        );
        // Nothing being opened: no wait.
        let t = Instant::now();
        state.wait_until_opened(&url);
        assert!(t.elapsed() < Duration::from_secs(1));
    }

    /// A request's snapshot taken between an edit and the next diagnostics
    /// run must not hide the edited file from that run.
    #[test]
    fn request_snapshots_do_not_swallow_changes_for_diagnostics() {
        let state = State::new(None);
        let a = Url::parse("file:///ws/a.md").unwrap();
        let b = Url::parse("file:///ws/b.md").unwrap();
        state.open(a.clone(), "# Talk (Ada Example)\n", 1);
        state.open(b.clone(), "# Other (Bo Example)\n", 1);
        // The first diagnostics snapshot: built from scratch, so everything.
        assert_eq!(state.snapshot_delta().1, None);

        state.open(a.clone(), "# Talk (Ada Exemple)\n", 2);
        let _ = state.snapshot(); // a hover or completion in between
        let (snapshot, change) = state.snapshot_delta();
        let change = change.expect("an incremental change");
        assert_eq!(change.files, vec![a.clone()]);
        assert!(change.cross_file, "a speaker changed");
        assert_eq!(snapshot.file(&a).unwrap().version, Some(2));

        // Reported once: nothing new after that.
        assert_eq!(state.snapshot_delta().1, Some(IndexChange::default()));
    }

    /// The notes a broken link may have meant are kept between edits, and
    /// found again once a note comes (or goes).
    #[test]
    fn broken_link_candidates_follow_the_workspace() {
        let state = State::new(None);
        let dir = tempfile::tempdir().unwrap();
        let url = |name: &str| Url::from_file_path(dir.path().join(name)).unwrap();
        let (a, b) = (url("a.md"), url("pycon_2018.md"));
        let broken = |state: &State| -> String {
            let (snapshot, _) = state.snapshot_delta();
            let findings = snapshot.check(&a);
            let f = findings
                .iter()
                .find(|f| f.rule == crate::rules::Rule::BrokenLink)
                .expect("a broken link");
            f.message.clone()
        };
        state.open(a.clone(), "# Notes\n\nSee [2018](pycon-2018.md).\n", 1);
        assert!(!broken(&state).contains("did you mean"));
        // An edit of a's prose: the cached answer is used and still right.
        state.open(a.clone(), "# Notes\n\nSee [2018](pycon-2018.md) too.\n", 2);
        assert!(!broken(&state).contains("did you mean"));
        let kept = || lock(&state.facts).as_ref().unwrap().candidates.clone();
        let before = kept();
        // Another note's speaker and prose change: the answers stand.
        let c = url("c.md");
        state.open(
            c.clone(),
            "# PyCon US 2019\n\n## Keynote (Ada Example)\n\nnotes\n",
            1,
        );
        let _ = state.snapshot_delta();
        let with_c = kept();
        assert!(!Arc::ptr_eq(&before, &with_c), "a new note renews them");
        state.open(
            c.clone(),
            "# PyCon US 2019\n\n## Keynote (Ada Exemple)\n\nmore\n",
            2,
        );
        let _ = state.snapshot_delta();
        assert!(Arc::ptr_eq(&with_c, &kept()), "a speaker edit keeps them");
        // A note's first heading and conference change: found again.
        state.open(c, "# PyCon US 2020\n\n## Keynote (Ada Exemple)\n", 3);
        let _ = state.snapshot_delta();
        assert!(!Arc::ptr_eq(&with_c, &kept()), "a new title renews them");
        state.open(b, "# PyCon 2018\n", 1);
        assert!(
            broken(&state).contains("pycon_2018.md"),
            "{}",
            broken(&state)
        );
    }
}
