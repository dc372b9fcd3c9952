//! Reading the whole notes folder at start-up, in parallel, with
//! `$/progress` reports; open documents are never overwritten by it.
//!
//! Indexing is bounded and cancellable: it runs off the async threads (so
//! requests on open documents are answered meanwhile), reads only regular
//! files of bounded size whose real path is inside a workspace folder
//! ([`discover::read_notes_inside`]), never follows a symbolic link while
//! walking, and stops early when a newer run starts (the workspace folders
//! changed), when the client cancels its progress, or on `shutdown`.
//!
//! With the persistent index cache on ([`crate::index_cache`]), each
//! workspace folder's cache is read before the notes are: a note whose size,
//! mtime and content hash match its entry takes the cached model, the others
//! are parsed. The cache is written (in the background) after every run that
//! was not cancelled, and again on `shutdown` when files were read from or
//! dropped from disk since (`didChangeWatchedFiles`, a closed document, the
//! editor's file operations). An open document's buffer is never written to
//! it, only its disk version (`State::shadowed`: read by indexing, or kept
//! from before the document was opened).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use dashmap::DashMap;

use rayon::prelude::*;
use tower_lsp::lsp_types::notification::Progress;
use tower_lsp::lsp_types::request::WorkDoneProgressCreate;
use tower_lsp::lsp_types::*;
use tower_lsp::Client;

use super::state::{lock, State};
use crate::discover;
use crate::index::NoteFile;
use crate::index_cache::{self, NotLoaded, Stamp};
use crate::model::FileModel;

pub const PROGRESS_TOKEN: &str = "talknotes/indexing";

/// Which indexing run is current: starting a run or cancelling bumps the
/// generation, and every older run stops at its next check.
#[derive(Default)]
pub struct Indexing {
    generation: Arc<AtomicU64>,
    /// Runs under way (a cancelled one until it has stopped).
    running: Arc<AtomicUsize>,
}

/// Counts a run as under way until dropped.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Held by one run: cancelled once the generation moved on.
#[derive(Clone)]
pub struct RunToken {
    generation: Arc<AtomicU64>,
    mine: u64,
}

impl Indexing {
    /// Starts a run, cancelling any older one.
    pub fn start(&self) -> RunToken {
        let mine = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        RunToken {
            generation: self.generation.clone(),
            mine,
        }
    }

    /// Cancels the current run, if any.
    pub fn cancel(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Marks a run as under way, until the guard is dropped.
    fn running(&self) -> Running {
        self.running.fetch_add(1, Ordering::SeqCst);
        Running(self.running.clone())
    }

    /// Whether a run is under way (work that can wait, waits for it).
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst) > 0
    }
}

/// When the persistent index cache needs writing.
#[derive(Default)]
pub struct CacheBook {
    /// A run completed: the index holds the whole workspace.
    completed: AtomicBool,
    /// Bumped whenever the index takes a file from disk or drops one.
    disk_changes: AtomicU64,
    /// `disk_changes` as of the last write (None: never written). Held
    /// through a write, so writes never overlap.
    written: Mutex<Option<u64>>,
}

impl CacheBook {
    /// The index read a file from disk, or dropped one.
    pub fn touched(&self) {
        self.disk_changes.fetch_add(1, Ordering::SeqCst);
    }
}

/// Writes the index cache of every workspace folder, when a run completed
/// and files changed on disk since the last write (else does nothing).
/// Blocking: call from `spawn_blocking`.
pub fn write_cache_if_needed(state: &State) {
    let book = &state.index_cache;
    let mut written = lock(&book.written);
    let now = book.disk_changes.load(Ordering::SeqCst);
    if !book.completed.load(Ordering::SeqCst) || *written == Some(now) {
        return;
    }
    if !index_cache::enabled(&state.settings()) {
        return;
    }
    let Some(dir) = index_cache::dir() else {
        return;
    };
    let mut files = state.workspace.snapshot();
    // Open documents: their disk version, when known.
    let shadowed = lock(&state.shadowed).clone();
    for f in files.iter_mut().filter(|f| f.disk.is_none()) {
        if let Some(disk) = shadowed.get(&f.url) {
            *f = disk.clone();
        }
    }
    let roots = state
        .roots
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    for root in &roots {
        // Files read from disk only: an open document's buffer is not cached.
        let items: Vec<(&str, Stamp, &FileModel)> = files
            .iter()
            .filter_map(|f| {
                let stamp = f.disk?;
                let rel = f.path.as_ref()?.strip_prefix(root).ok()?.to_str()?;
                Some((rel, stamp, &f.model))
            })
            .collect();
        match index_cache::write(&dir, root, &items) {
            Ok(path) => tracing::info!(
                "index cache: {} notes of {} written to {}",
                items.len(),
                root.display(),
                path.display()
            ),
            Err(e) => tracing::warn!("index cache for {}: {e:#}", root.display()),
        }
    }
    *written = Some(now);
}

/// Reads the index caches of `roots` (see [`crate::index_cache`]); a
/// missing, damaged or foreign one is logged and left out.
fn load_caches(roots: &[PathBuf]) -> HashMap<PathBuf, (Stamp, FileModel)> {
    let mut out = HashMap::new();
    let Some(dir) = index_cache::dir() else {
        return out;
    };
    for root in roots {
        match index_cache::load(&dir, root) {
            Ok(entries) => {
                tracing::debug!("index cache of {}: {} notes", root.display(), entries.len());
                out.extend(entries);
            }
            Err(NotLoaded::Missing) => {
                tracing::debug!("no index cache for {} yet", root.display())
            }
            Err(NotLoaded::Invalid(why)) => tracing::info!(
                "index cache {} not used, it will be rebuilt: {why}",
                index_cache::cache_file(&dir, root).display()
            ),
        }
    }
    out
}

impl RunToken {
    pub fn is_cancelled(&self) -> bool {
        self.generation.load(Ordering::SeqCst) != self.mine
    }
}

/// Indexes the workspace folders; returns false when the run was cancelled.
pub async fn index_workspace(state: Arc<State>, client: Client, progress: bool) -> bool {
    let run = state.indexing.start();
    let _running = state.indexing.running();
    let token = NumberOrString::String(PROGRESS_TOKEN.into());
    let progress = progress
        && client
            .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                token: token.clone(),
            })
            .await
            .is_ok();
    let report = |value: WorkDoneProgress| {
        let client = client.clone();
        let token = token.clone();
        async move {
            if progress {
                client
                    .send_notification::<Progress>(ProgressParams {
                        token,
                        value: ProgressParamsValue::WorkDone(value),
                    })
                    .await;
            }
        }
    };
    report(WorkDoneProgress::Begin(WorkDoneProgressBegin {
        title: "Indexing notes".into(),
        cancellable: Some(true),
        message: Some("finding notes".into()),
        percentage: Some(0),
    }))
    .await;

    let roots = state
        .roots
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let s = state.clone();
    let (walk_roots, walk_run) = (roots.clone(), run.clone());
    let use_cache = index_cache::enabled(&state.settings());
    let (files, cached): (Vec<PathBuf>, HashMap<_, _>) = tokio::task::spawn_blocking(move || {
        let ignore = s.settings().ignore_matcher();
        let stop = || walk_run.is_cancelled();
        let files = walk_roots
            .iter()
            .flat_map(|r| discover::notes_in_until(r, &ignore, &stop))
            .collect();
        let cached = if use_cache {
            load_caches(&walk_roots)
        } else {
            HashMap::new()
        };
        (files, cached)
    })
    .await
    .unwrap_or_default();
    // Taken out as they are used: each entry serves one file once.
    let cached: Arc<DashMap<PathBuf, (Stamp, FileModel)>> = Arc::new(cached.into_iter().collect());
    let (from_cache, parsed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));

    let total = files.len();
    let mut done = 0;
    let roots = Arc::new(roots);
    // Chunks keep progress moving and let open-document requests in between.
    for chunk in files.chunks(256) {
        if run.is_cancelled() {
            break;
        }
        let s = state.clone();
        let chunk = chunk.to_vec();
        let n = chunk.len();
        let (roots, run) = (roots.clone(), run.clone());
        let (cached, from_cache, parsed) = (cached.clone(), from_cache.clone(), parsed.clone());
        let _ = tokio::task::spawn_blocking(move || {
            chunk.par_iter().for_each(|path| {
                if run.is_cancelled() {
                    return;
                }
                let Ok(url) = url::Url::from_file_path(path) else {
                    return;
                };
                let (text, stamp) = match discover::read_notes_inside_stamped(path, &roots) {
                    Ok(read) => read,
                    Err(e) => {
                        tracing::warn!("{}: {e}", path.display());
                        return;
                    }
                };
                let hit = cached
                    .remove(path)
                    .filter(|(_, (cached, _))| *cached == stamp)
                    .map(|(_, (_, model))| model);
                if hit.is_some() {
                    from_cache.fetch_add(1, Ordering::Relaxed);
                }
                // An open note whose buffer holds what is on disk (just
                // opened): its model is the disk version's.
                let model = hit.or_else(|| {
                    s.wait_until_opened(&url);
                    s.is_open(&url)
                        .then(|| s.workspace.get(&url))
                        .flatten()
                        .filter(|open| open.text() == text)
                        .map(|open| open.model.clone())
                });
                let analysed = match model {
                    Some(model) => Ok(NoteFile::from_cached(url.clone(), &text, model, stamp)),
                    None => {
                        parsed.fetch_add(1, Ordering::Relaxed);
                        // A panic on one file must not lose the rest of the
                        // chunk: it costs that file and a log line.
                        std::panic::catch_unwind(|| {
                            NoteFile::analyse(url.clone(), &text, None).with_disk(stamp)
                        })
                    }
                };
                match analysed {
                    // Checked again: the document may have been opened since.
                    Ok(file) if !s.is_open(&url) => {
                        s.workspace.insert(file);
                    }
                    // Open, so its buffer wins; this disk version is what the
                    // index cache keeps for it, so that the next start finds
                    // the note there whether the editor opened it before
                    // indexing reached it or after, edited or not.
                    Ok(file) => {
                        lock(&s.shadowed).insert(url, Arc::new(file));
                    }
                    Err(_) => tracing::error!("{}: analysis panicked", path.display()),
                }
            })
        })
        .await;
        done += n;
        report(WorkDoneProgress::Report(WorkDoneProgressReport {
            cancellable: Some(true),
            message: Some(format!("{done}/{total} files")),
            percentage: Some(((done * 100) / total.max(1)) as u32),
        }))
        .await;
    }
    if run.is_cancelled() {
        report(WorkDoneProgress::End(WorkDoneProgressEnd {
            message: Some("cancelled".into()),
        }))
        .await;
        tracing::info!("indexing cancelled after {done} of {total} notes files");
        return false;
    }
    report(WorkDoneProgress::End(WorkDoneProgressEnd {
        message: Some(format!("{total} notes files")),
    }))
    .await;
    // Names of notes replaced since the last run (edited on disk, deleted).
    crate::intern::prune();
    crate::alloc::release_free_memory();
    let (from_cache, parsed) = (
        from_cache.load(Ordering::Relaxed),
        parsed.load(Ordering::Relaxed),
    );
    if use_cache {
        tracing::info!(
            "indexed {total} notes files: {from_cache} from the index cache, {parsed} parsed"
        );
        let book = &state.index_cache;
        book.completed.store(true, Ordering::SeqCst);
        book.touched();
        let state = state.clone();
        tokio::task::spawn_blocking(move || write_cache_if_needed(&state));
    } else {
        tracing::info!("indexed {total} notes files ({parsed} parsed, index cache off)");
    }
    true
}
