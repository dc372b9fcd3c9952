//! The workspace: every notes file's model, keyed by URL, and the
//! cross-file facts the rules compare a file against.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dashmap::DashMap;
use url::Url;

use crate::extract::{self, title_key};
use crate::fuzzy::{char_mask, Searchable, WordIndex};
use crate::index_cache::Stamp;
use crate::model::{FileModel, IssueTracker, Talk, TextRange};
use crate::note_text::{self, NoteText, WideChars};
use crate::position::{LineIndex, Position, PositionEncoding};
use std::hash::{Hash, Hasher};

/// One analysed notes file: its text, line index and model.
#[derive(Debug)]
pub struct NoteFile {
    /// Shared by every fact that points into this file (mentions, places,
    /// talk entries): one URL per file, not one per mention.
    pub url: Arc<Url>,
    pub path: Option<PathBuf>,
    text: NoteText,
    pub lines: LineIndex,
    pub model: FileModel,
    /// The document version for open documents; None for files read from disk.
    pub version: Option<i32>,
    /// For a file read from disk: the size, mtime and hash of the bytes the
    /// model was built from (what the persistent index cache keys it by).
    /// None for open documents (their buffer is never cached).
    pub disk: Option<Stamp>,
}

impl NoteFile {
    /// Parses and extracts `text` (for files that are not open: the trees
    /// are dropped as soon as they are read).
    pub fn analyse(url: Url, text: &str, version: Option<i32>) -> NoteFile {
        let model = extract::extract_from_disk(text, file_name(&url).as_deref());
        NoteFile::with_model(url, text, model, version)
    }

    /// An open document too large to analyse: no text, no model, so that
    /// the workspace holds nothing stale for its URL.
    pub fn unanalysed(url: Url, version: i32) -> NoteFile {
        NoteFile {
            path: url.to_file_path().ok(),
            url: Arc::new(url),
            text: NoteText::Plain(Arc::from("")),
            lines: LineIndex::new(""),
            model: FileModel::default(),
            version: Some(version),
            disk: None,
        }
    }

    pub fn from_syntax(
        url: Url,
        text: &str,
        syntax: &impl extract::Parsed,
        version: Option<i32>,
    ) -> NoteFile {
        NoteFile::from_syntax_with(url, text, syntax, version, None)
    }

    /// [`NoteFile::from_syntax`] for an open document, whose `memo` keeps
    /// what the extraction of its previous version computed.
    pub fn from_syntax_with(
        url: Url,
        text: &str,
        syntax: &impl extract::Parsed,
        version: Option<i32>,
        memo: Option<&mut extract::Memo>,
    ) -> NoteFile {
        let model = extract::extract_with(text, syntax, file_name(&url).as_deref(), memo);
        NoteFile::with_model(url, text, model, version)
    }

    fn with_model(url: Url, text: &str, model: FileModel, version: Option<i32>) -> NoteFile {
        NoteFile {
            lines: LineIndex::new(text),
            text: NoteText::Plain(Arc::from(text)),
            path: url.to_file_path().ok(),
            url: Arc::new(url),
            model,
            version,
            disk: None,
        }
    }

    /// A file read from disk whose model came from the persistent index
    /// cache (its stamp matched): no parse, no extraction.
    pub fn from_cached(url: Url, text: &str, mut model: FileModel, disk: Stamp) -> NoteFile {
        crate::intern::intern_model(&mut model);
        model.pack();
        let lines = LineIndex::new(text);
        NoteFile {
            path: url.to_file_path().ok(),
            text: NoteText::OnDisk(WideChars::of(text, &lines)),
            lines,
            url: Arc::new(url),
            model,
            version: None,
            disk: Some(disk),
        }
    }

    /// Records the stamp of the disk bytes this file was analysed from,
    /// leaves its text on disk ([`note_text`]) and interns its names: the
    /// server reads it from disk because it is not open, and it stays as it
    /// is until the file changes.
    pub fn with_disk(mut self, disk: Stamp) -> NoteFile {
        self.disk = Some(disk);
        crate::intern::intern_model(&mut self.model);
        self.model.pack();
        if let NoteText::Plain(text) = &self.text {
            self.text = NoteText::OnDisk(WideChars::of(text, &self.lines));
        }
        self
    }

    /// The text the model was built from. A note read from disk reads it
    /// again (bind it once where it is read many times); when the file has
    /// changed since, until the server reads it again (its watcher is about
    /// to), the text is blank: as long and with the same lines, so that the
    /// model's ranges still slice it, but with nothing in it to find.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.text {
            NoteText::Plain(text) => Cow::Borrowed(text),
            NoteText::OnDisk(_) => {
                let read = self
                    .path
                    .as_deref()
                    .zip(self.disk.as_ref())
                    .and_then(|(path, stamp)| note_text::read_back(path, stamp));
                Cow::Owned(read.unwrap_or_else(|| {
                    tracing::debug!(
                        "{}: not on disk as indexed; blank until read again",
                        self.url
                    );
                    self.lines.blank()
                }))
            }
        }
    }

    /// `offset`'s position in `enc`, without reading a text left on disk.
    pub fn position(&self, offset: usize, enc: PositionEncoding) -> Position {
        match &self.text {
            NoteText::Plain(text) => self.lines.position(text, offset, enc),
            NoteText::OnDisk(wide) => wide.position(&self.lines, offset, enc),
        }
    }

    /// The text's length in bytes, without reading it.
    pub fn text_len(&self) -> usize {
        self.lines.text_len()
    }

    /// A hash of what this file contributes to [`Facts`]: when an edit leaves
    /// it unchanged, the workspace facts need not be rebuilt.
    pub fn facts_signature(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.path.hash(&mut h);
        if let Some(c) = &self.model.conference {
            c.name.hash(&mut h);
            c.year.hash(&mut h);
        }
        // Facts index mentions by their position in these lists.
        for p in self.model.peps.load().iter() {
            p.number.hash(&mut h);
        }
        for i in self.model.issues.load().iter() {
            (i.tracker as u8, i.number).hash(&mut h);
        }
        for l in &self.model.libraries {
            l.name.hash(&mut h);
        }
        for t in &self.model.talks {
            t.title.hash(&mut h);
            t.keynote.hash(&mut h);
            for s in &t.speakers {
                s.name.hash(&mut h);
            }
        }
        h.finish()
    }

    /// A hash of what other files' rules read from this file besides
    /// [`Facts`]: its headings (links to `other.md#anchor`).
    pub fn anchors_signature(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for heading in &self.model.headings {
            heading.anchor().hash(&mut h);
            heading.text().hash(&mut h);
        }
        h.finish()
    }

    /// A hash of what `broken-link`'s candidate notes read of this file:
    /// its path, first heading and conference (`rules::NoteCandidates`).
    pub fn titles_signature(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.path.hash(&mut h);
        self.model.headings.first().map(|h| h.text()).hash(&mut h);
        let label = conference_label(self);
        (label.label, label.year).hash(&mut h);
        h.finish()
    }

    /// A short name for messages: the file name.
    pub fn display_name(&self) -> String {
        self.url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .map(percent_decode)
            .unwrap_or_else(|| self.url.to_string())
    }
}

/// The note's file name (`pycon-2017.md`): the conference when the text
/// names none.
fn file_name(url: &Url) -> Option<String> {
    url.path_segments()
        .and_then(|mut s| s.next_back())
        .map(percent_decode)
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every file of the workspace. Cheap to share: values are `Arc`s.
#[derive(Default)]
pub struct Workspace {
    files: DashMap<Url, Arc<NoteFile>>,
    /// URLs inserted or removed since the last [`Workspace::take_changed`]:
    /// what an [`IncrementalIndex`] has to look at again.
    changed: std::sync::Mutex<HashSet<Url>>,
}

impl Workspace {
    pub fn insert(&self, file: NoteFile) -> Arc<NoteFile> {
        let file = Arc::new(file);
        self.files.insert((*file.url).clone(), file.clone());
        self.mark_changed(&file.url);
        file
    }

    pub fn remove(&self, url: &Url) -> Option<Arc<NoteFile>> {
        let removed = self.files.remove(url).map(|(_, f)| f);
        self.mark_changed(url);
        removed
    }

    fn mark_changed(&self, url: &Url) {
        self.changed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(url.clone());
    }

    /// The URLs inserted or removed since the last call.
    pub fn take_changed(&self) -> Vec<Url> {
        let mut changed = self.changed.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *changed).into_iter().collect()
    }

    pub fn get(&self, url: &Url) -> Option<Arc<NoteFile>> {
        self.files.get(url).map(|f| f.clone())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// A consistent copy of the current files, sorted by URL.
    pub fn snapshot(&self) -> Vec<Arc<NoteFile>> {
        let mut v: Vec<Arc<NoteFile>> = self.files.iter().map(|e| e.value().clone()).collect();
        v.sort_by(|a, b| a.url.cmp(&b.url));
        v
    }

    pub fn urls(&self) -> Vec<Url> {
        self.files.iter().map(|e| e.key().clone()).collect()
    }
}

/// A speaker occurrence: file, talk index, speaker index. Facts hold no
/// byte ranges, so an edit that only moves text keeps them valid.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub url: Arc<Url>,
    pub talk: usize,
    pub speaker: usize,
}

impl Place {
    /// The speaker's range in `file` (the file at `self.url`).
    pub fn range(&self, file: &NoteFile) -> Option<TextRange> {
        let talk = file.model.talks.get(self.talk)?;
        Some(talk.speakers.get(self.speaker)?.range())
    }
}

/// The workspace-wide facts rules compare one file against, computed once
/// per snapshot.
#[derive(Default, Debug, Clone, PartialEq)]
pub struct Facts {
    /// Speaker name as written → where it is written as a speaker.
    pub speakers: HashMap<String, Vec<Place>>,
    /// Loose title key → talks with that title (url, talk index).
    pub talks: HashMap<String, Vec<(Arc<Url>, usize)>>,
    /// First word of a title key → keys, to find near titles quickly.
    pub talk_keys_by_first_word: HashMap<String, Vec<String>>,
    /// Known good spellings of people's names (PEP authors, catalogs).
    pub known_names: HashSet<String>,
    /// A speaker spelling → the better attested spelling a typo away.
    pub speaker_typos: HashMap<String, String>,
    /// Paths of the notes files in the workspace.
    pub paths: HashMap<PathBuf, Arc<Url>>,
    /// Each file's conference, as shown to a person (`PyCon US 2017`).
    pub conferences: HashMap<Arc<Url>, ConferenceLabel>,
    /// PEP number → its mentions (indices into each file's `model.peps`).
    pub peps: HashMap<u32, Vec<Mention>>,
    /// CPython issue → its mentions (`model.issues`); `Issue N` counts as `bpo-N`.
    pub issues: HashMap<(IssueTracker, u32), Vec<Mention>>,
    /// Library name, lower case → its mentions (`model.libraries`).
    pub libraries: HashMap<String, Vec<Mention>>,
    /// Library name, lower case → how often each spelling of it is
    /// written (what [`LibraryEntry::name`] is chosen by).
    pub library_spellings: HashMap<String, HashMap<String, usize>>,
    /// Every speaker, for completion and workspace symbols.
    pub speaker_list: Vec<SpeakerEntry>,
    pub speaker_words: WordIndex,
    /// Every talk, for workspace symbols and link-text completion.
    pub talk_list: Vec<TalkEntry>,
    pub talk_words: WordIndex,
    /// Every library mentioned, for completion.
    pub library_list: Vec<LibraryEntry>,
    pub library_words: WordIndex,
}

/// A mention of something in a file: the index into the model's list
/// (`peps`, `issues` or `libraries`) — no byte range, like [`Place`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mention {
    pub url: Arc<Url>,
    pub index: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConferenceLabel {
    /// `PyCon US 2017`; the file name when the file names no conference.
    /// Shared by the speaker entries that list it.
    pub label: Arc<str>,
    pub year: Option<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeakerEntry {
    pub name: String,
    pub mask: u64,
    /// How many talks the workspace notes for them.
    pub count: usize,
    /// The year of their latest noted talk.
    pub latest_year: Option<u16>,
    /// Where they spoke, most recent first, no repeats.
    pub conferences: Vec<Arc<str>>,
    /// Their most recent talk.
    pub latest: Option<Place>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TalkEntry {
    /// Shared with the talk in its note's model.
    pub title: Arc<str>,
    pub mask: u64,
    pub url: Arc<Url>,
    /// Its index in the note's `model.talks`, where its speakers are; its
    /// conference is in [`Facts::conferences`]. Not copied here: one entry
    /// per talk in the workspace, and only the few results of a search
    /// read them.
    pub talk: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryEntry {
    /// The spelling the workspace uses most.
    pub name: String,
    pub mask: u64,
    pub count: usize,
}

impl Searchable for SpeakerEntry {
    fn text(&self) -> &str {
        &self.name
    }
    fn mask(&self) -> u64 {
        self.mask
    }
}

impl Searchable for TalkEntry {
    fn text(&self) -> &str {
        &self.title
    }
    fn mask(&self) -> u64 {
        self.mask
    }
}

impl Searchable for LibraryEntry {
    fn text(&self) -> &str {
        &self.name
    }
    fn mask(&self) -> u64 {
        self.mask
    }
}

/// The tracker an issue number belongs to: `Issue N` is a bugs.python.org number.
pub fn issue_key(tracker: IssueTracker, number: u32) -> (IssueTracker, u32) {
    match tracker {
        IssueTracker::Issue => (IssueTracker::Bpo, number),
        t => (t, number),
    }
}

/// `PyCon US 2017`, or the file name when the file names no conference.
pub fn conference_label(file: &NoteFile) -> ConferenceLabel {
    match &file.model.conference {
        Some(c) => ConferenceLabel {
            label: match c.year {
                Some(y) if !c.name.is_empty() => format!("{} {y}", c.name).into(),
                Some(y) => y.to_string().into(),
                None => c.name.as_str().into(),
            },
            year: c.year,
        },
        None => ConferenceLabel {
            label: file.display_name().into(),
            year: None,
        },
    }
}

/// The key a talk is found by in [`Facts::talks`]; None for a keynote or
/// a title with no words.
fn talks_key(talk: &Talk) -> Option<String> {
    (!talk.keynote)
        .then(|| title_key(&talk.title))
        .filter(|k| !k.is_empty())
}

/// A file's PEP mentions: (number, index into `model.peps`).
fn pep_keys(f: &NoteFile) -> std::vec::IntoIter<(u32, usize)> {
    let peps = f.model.peps.load();
    let keys: Vec<_> = peps
        .iter()
        .enumerate()
        .map(|(i, p)| (p.number, i))
        .collect();
    keys.into_iter()
}

/// A file's well-formed issue mentions: (key, index into `model.issues`).
fn issue_keys(f: &NoteFile) -> std::vec::IntoIter<((IssueTracker, u32), usize)> {
    let issues = f.model.issues.load();
    let keys: Vec<_> = issues
        .iter()
        .enumerate()
        .filter_map(|(i, issue)| Some((issue_key(issue.tracker, issue.number?), i)))
        .collect();
    keys.into_iter()
}

/// A file's talks as the talk list holds them, in file order.
fn talk_entries(f: &NoteFile) -> impl Iterator<Item = TalkEntry> + '_ {
    f.model
        .talks
        .iter()
        .enumerate()
        .map(|(i, t)| talk_entry(f, i, t))
}

/// Talk `i` (`t`) of `f` as the talk list holds it.
fn talk_entry(f: &NoteFile, i: usize, t: &Talk) -> TalkEntry {
    TalkEntry {
        mask: char_mask(&t.title),
        title: t.title.clone(),
        url: f.url.clone(),
        talk: i,
    }
}

/// Takes `url`'s mentions out of the lists of `keys` (dropping lists left
/// empty).
fn remove_mentions<K: Hash + Eq>(
    map: &mut HashMap<K, Vec<Mention>>,
    keys: impl Iterator<Item = K>,
    url: &Url,
) {
    for key in keys {
        if let Some(mentions) = map.get_mut(&key) {
            remove_run(mentions, url, |m| &m.url);
            if mentions.is_empty() {
                map.remove(&key);
            }
        }
    }
}

/// Removes `url`'s entries from `list`, which is in URL order: one run,
/// found by binary search. A note mentions PEP 8 or its favourite speaker
/// many times, and the workspace thousands: a scan of the whole list per
/// mention made a speaker edit in a long note cost the workspace.
fn remove_run<T>(list: &mut Vec<T>, url: &Url, url_of: impl Fn(&T) -> &Url) {
    let start = list.partition_point(|e| url_of(e) < url);
    let end = start + list[start..].partition_point(|e| url_of(e) == url);
    list.drain(start..end);
}

/// Adds the mentions of the file at `url` (key, index; indices ascending)
/// in order, by URL then index: each key's run at once, where the file has
/// none yet (it is new, or its old mentions were removed). One insertion
/// per mention moved the rest of a long list each time (PEP 8, in
/// thousands of notes).
fn insert_runs<K: Hash + Eq>(
    map: &mut HashMap<K, Vec<Mention>>,
    mentions: impl Iterator<Item = (K, usize)>,
    url: &Arc<Url>,
) {
    let mut runs: HashMap<K, Vec<usize>> = HashMap::new();
    for (key, index) in mentions {
        runs.entry(key).or_default().push(index);
    }
    for (key, indices) in runs {
        let list = map.entry(key).or_default();
        let at = list.partition_point(|m| (&m.url, m.index) < (url, indices[0]));
        debug_assert!(list.get(at).is_none_or(|m| m.url != *url));
        let run = indices.into_iter().map(|index| Mention {
            url: url.clone(),
            index,
        });
        list.splice(at..at, run);
    }
}

/// Makes room in `map` for the mentions of `keys` (one key per mention),
/// each list exactly.
fn reserve_runs<K: Hash + Eq>(map: &mut HashMap<K, Vec<Mention>>, keys: impl Iterator<Item = K>) {
    let mut counts: HashMap<K, usize> = HashMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    map.reserve(counts.len());
    for (key, n) in counts {
        map.entry(key).or_default().reserve_exact(n);
    }
}

/// Puts `entry` at `at` (a binary search of `list` by the entry's key) —
/// replacing, inserting or, for None, removing it — and keeps `words`, the
/// word index of `list`, in step.
fn splice_entry<T: Searchable>(
    list: &mut Vec<T>,
    words: &mut WordIndex,
    at: Result<usize, usize>,
    entry: Option<T>,
) {
    match (at, entry) {
        (Ok(i), Some(entry)) => {
            if list[i].text() != entry.text() {
                words.splice(i, [list[i].text()], [entry.text()]);
            }
            list[i] = entry;
        }
        (Ok(i), None) => {
            let gone = list.remove(i);
            words.splice(i, [gone.text()], []);
        }
        (Err(i), Some(entry)) => {
            words.splice(i, [], [entry.text()]);
            list.insert(i, entry);
        }
        (Err(_), None) => {}
    }
}

impl Facts {
    pub fn build(files: &[Arc<NoteFile>], known_names: HashSet<String>) -> Facts {
        let mut facts = Facts {
            known_names,
            ..Facts::default()
        };
        for f in files {
            if let Some(p) = &f.path {
                facts.paths.insert(p.clone(), f.url.clone());
            }
            for (i, talk) in f.model.talks.iter().enumerate() {
                for (k, s) in talk.speakers.iter().enumerate() {
                    facts
                        .speakers
                        .entry(s.name.to_string())
                        .or_default()
                        .push(Place {
                            url: f.url.clone(),
                            talk: i,
                            speaker: k,
                        });
                }
                let Some(key) = talks_key(talk) else {
                    continue;
                };
                let entry = facts.talks.entry(key.clone()).or_default();
                if entry.is_empty() {
                    let first = key.split(' ').next().unwrap_or("").to_string();
                    facts
                        .talk_keys_by_first_word
                        .entry(first)
                        .or_default()
                        .push(key.clone());
                }
                entry.push((f.url.clone(), i));
            }
        }
        facts.speaker_typos = speaker_typos(&facts.speakers, &facts.known_names);
        facts.build_search_lists(files);
        facts.shrink_to_fit();
        facts
    }

    /// Drops the spare capacity the pushes of [`Facts::build`] left: the
    /// lists of a 10,000-note workspace hold millions of places and
    /// mentions, and up to half of a grown `Vec` is spare. Edits later grow
    /// a few lists again, as they need.
    fn shrink_to_fit(&mut self) {
        fn lists<K: Eq + std::hash::Hash, T>(map: &mut HashMap<K, Vec<T>>) {
            map.values_mut().for_each(Vec::shrink_to_fit);
            map.shrink_to_fit();
        }
        lists(&mut self.speakers);
        lists(&mut self.talks);
        lists(&mut self.talk_keys_by_first_word);
        lists(&mut self.peps);
        lists(&mut self.issues);
        lists(&mut self.libraries);
        self.speaker_list.shrink_to_fit();
        self.talk_list.shrink_to_fit();
        self.library_list.shrink_to_fit();
    }

    /// Mentions by key, and the lists completion and workspace symbols
    /// search (with their word indexes).
    fn build_search_lists(&mut self, files: &[Arc<NoteFile>]) {
        // Every list at its final length up front: grown by doubling, the
        // lists of 10,000 notes held up to twice their size until shrunk,
        // at the moment the server's memory peaks (the end of indexing).
        self.talk_list
            .reserve_exact(files.iter().map(|f| f.model.talks.len()).sum());
        let peps = files.iter().flat_map(|f| pep_keys(f).map(|(k, _)| k));
        reserve_runs(&mut self.peps, peps);
        let issues = files.iter().flat_map(|f| issue_keys(f).map(|(k, _)| k));
        reserve_runs(&mut self.issues, issues);
        let libraries = files
            .iter()
            .flat_map(|f| f.model.libraries.iter().map(|l| l.name.to_lowercase()));
        reserve_runs(&mut self.libraries, libraries);
        for f in files {
            let label = conference_label(f);
            self.add_mentions(f);
            self.talk_list.extend(talk_entries(f));
            self.conferences.insert(f.url.clone(), label);
        }

        let mut names: Vec<&String> = self.speakers.keys().collect();
        names.sort();
        self.speaker_list = names
            .into_iter()
            .filter_map(|name| self.speaker_entry(name))
            .collect();
        let mut keys: Vec<&String> = self.libraries.keys().collect();
        keys.sort();
        self.library_list = keys
            .into_iter()
            .filter_map(|key| self.library_entry(key))
            .collect();
        self.speaker_words = WordIndex::build(self.speaker_list.iter().map(|e| e.name.as_str()));
        self.talk_words = WordIndex::build(self.talk_list.iter().map(|e| &*e.title));
        self.library_words = WordIndex::build(self.library_list.iter().map(|e| e.name.as_str()));
    }

    /// The completion and symbols entry of speaker `name`, from their
    /// places and the conferences of the files they are in; None when the
    /// workspace no longer names them.
    fn speaker_entry(&self, name: &str) -> Option<SpeakerEntry> {
        let places = self.speakers.get(name)?;
        let mut confs: Vec<&ConferenceLabel> = places
            .iter()
            .filter_map(|p| self.conferences.get(&p.url))
            .collect();
        confs.sort_by(|a, b| b.year.cmp(&a.year).then(a.label.cmp(&b.label)));
        let mut conferences: Vec<Arc<str>> = Vec::new();
        for c in &confs {
            if !conferences.contains(&c.label) {
                conferences.push(c.label.clone());
            }
        }
        let latest = places
            .iter()
            .max_by(|a, b| {
                let year = |p: &Place| self.conferences.get(&p.url).and_then(|c| c.year);
                year(a).cmp(&year(b)).then_with(|| b.url.cmp(&a.url))
            })
            .cloned();
        Some(SpeakerEntry {
            name: name.to_string(),
            mask: char_mask(name),
            count: places.len(),
            latest_year: confs.first().and_then(|c| c.year),
            conferences,
            latest,
        })
    }

    /// The completion entry of library `key` (lower case): the spelling
    /// the workspace uses most (ties: the first in byte order); None when
    /// nothing mentions it any more.
    fn library_entry(&self, key: &str) -> Option<LibraryEntry> {
        let mentions = self.libraries.get(key)?;
        let name = self
            .library_spellings
            .get(key)
            .and_then(|s| s.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))))
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| key.to_string());
        Some(LibraryEntry {
            mask: char_mask(&name),
            name,
            count: mentions.len(),
        })
    }

    /// Adds the PEP, issue and library mentions of `f` where
    /// [`Facts::build`] has them: by URL, then index.
    fn add_mentions(&mut self, f: &NoteFile) {
        insert_runs(&mut self.peps, pep_keys(f), &f.url);
        insert_runs(&mut self.issues, issue_keys(f), &f.url);
        for l in f.model.libraries.iter() {
            *self
                .library_spellings
                .entry(l.name.to_lowercase())
                .or_default()
                .entry(l.name.to_string())
                .or_default() += 1;
        }
        let libraries = f.model.libraries.iter().enumerate();
        let keys = libraries.map(|(index, l)| (l.name.to_lowercase(), index));
        insert_runs(&mut self.libraries, keys, &f.url);
    }

    /// [`Facts::update`] for the mentions, conferences and search lists
    /// (with their word indexes): `names` are the speakers of `old` and
    /// `new`, whose places [`Facts::update`] has brought up to date.
    fn update_search_lists(
        &mut self,
        url: &Url,
        old: Option<&NoteFile>,
        new: Option<&NoteFile>,
        names: &HashSet<String>,
    ) {
        let mut libraries: HashSet<String> = HashSet::new();
        if let Some(old) = old {
            remove_mentions(&mut self.peps, pep_keys(old).map(|(k, _)| k), url);
            remove_mentions(&mut self.issues, issue_keys(old).map(|(k, _)| k), url);
            let keys = old.model.libraries.iter().map(|l| l.name.to_lowercase());
            remove_mentions(&mut self.libraries, keys, url);
            for l in &old.model.libraries {
                let key = l.name.to_lowercase();
                if let Some(spellings) = self.library_spellings.get_mut(&key) {
                    if let Some(n) = spellings.get_mut(&*l.name) {
                        *n -= 1;
                        if *n == 0 {
                            spellings.remove(&*l.name);
                        }
                    }
                    if spellings.is_empty() {
                        self.library_spellings.remove(&key);
                    }
                }
                libraries.insert(key);
            }
            self.conferences.remove(url);
        }
        let label = new.map(conference_label);
        if let Some(new) = new {
            self.add_mentions(new);
            libraries.extend(new.model.libraries.iter().map(|l| l.name.to_lowercase()));
        }
        if let Some(label) = &label {
            self.conferences.insert(
                new.map_or_else(|| Arc::new(url.clone()), |n| n.url.clone()),
                label.clone(),
            );
        }

        // The file's talks: one run of the list, which is in URL order.
        let start = self.talk_list.partition_point(|e| *e.url < *url);
        let end = start + self.talk_list[start..].partition_point(|e| *e.url == *url);
        let talks: Vec<TalkEntry> = new.map(|n| talk_entries(n).collect()).unwrap_or_default();
        let same_titles = end - start == talks.len()
            && self.talk_list[start..end]
                .iter()
                .zip(&talks)
                .all(|(a, b)| a.title == b.title);
        let came = talks.len();
        let removed: Vec<TalkEntry> = self.talk_list.splice(start..end, talks).collect();
        if !same_titles {
            self.talk_words.splice(
                start,
                removed.iter().map(|e| &*e.title),
                self.talk_list[start..start + came]
                    .iter()
                    .map(|e| &*e.title),
            );
        }

        self.update_speaker_entries(names);
        let mut keys: Vec<String> = libraries.into_iter().collect();
        keys.sort();
        for key in keys {
            let entry = self.library_entry(&key);
            let at = self
                .library_list
                .binary_search_by(|e| e.name.to_lowercase().cmp(&key));
            splice_entry(&mut self.library_list, &mut self.library_words, at, entry);
        }
    }

    /// The speaker list's entries of `names`, recomputed (added, replaced
    /// or removed).
    fn update_speaker_entries(&mut self, names: &HashSet<String>) {
        let mut names: Vec<&String> = names.iter().collect();
        names.sort();
        for name in names {
            let entry = self.speaker_entry(name);
            let at = self
                .speaker_list
                .binary_search_by(|e| e.name.as_str().cmp(name));
            splice_entry(&mut self.speaker_list, &mut self.speaker_words, at, entry);
        }
    }

    /// Title keys close to `key`: equal, one a word-prefix of the other
    /// (a subtitle left out), or a small typo apart.
    pub fn similar_titles(&self, key: &str) -> Vec<&str> {
        let first = key.split(' ').next().unwrap_or("");
        let mut out = Vec::new();
        let Some(keys) = self.talk_keys_by_first_word.get(first) else {
            return out;
        };
        for k in keys {
            if titles_match(key, k) {
                out.push(k.as_str());
            }
        }
        out
    }

    pub fn path_exists_in_workspace(&self, path: &Path) -> bool {
        self.paths.contains_key(path)
    }
}

/// Loose title equality: the same words, or one title the other with a
/// subtitle left out, or a typo (`Mighter` / `Mightier`).
pub fn titles_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // A subtitle left out: `grok the gil` / `grok the gil write fast and thread safe python`.
    if short.split(' ').count() >= 3
        && long.starts_with(short)
        && long[short.len()..].starts_with(' ')
    {
        return true;
    }
    let budget = match short.len() {
        0..=9 => 0,
        10..=24 => 1,
        _ => 2,
    };
    budget > 0 && crate::similarity::damerau_within(a, b, budget)
}

/// Pairs of spellings a typo apart, and which one is the better attested:
/// a known name (PEP author, catalog) beats an unknown one; otherwise the
/// spelling used more often wins; a tie says nothing. Among several better
/// spellings of one name, the best attested wins, then the first in
/// alphabetical order (so that the result never depends on hash order).
fn speaker_typos(
    speakers: &HashMap<String, Vec<Place>>,
    known: &HashSet<String>,
) -> HashMap<String, String> {
    // Compare within buckets by first letter: typos in the first letter are rare
    // and bucketing keeps this far from quadratic in the number of speakers.
    let mut buckets: HashMap<char, Vec<(&str, usize, bool)>> = HashMap::new();
    for (name, places) in speakers {
        if let Some(c) = bucket_of(name) {
            buckets
                .entry(c)
                .or_default()
                .push((name, places.len(), known.contains(name)));
        }
    }
    for name in known {
        if speakers.contains_key(name) {
            continue;
        }
        if let Some(c) = bucket_of(name) {
            if let Some(b) = buckets.get_mut(&c) {
                b.push((name, 0, true));
            }
        }
    }
    // For each spelling, the best attested spelling a typo away: a chain of
    // typos (`Mbatah`, `Mbahta`) points at the common spelling, not at each other.
    let mut best: HashMap<&str, (bool, usize, &str)> = HashMap::new();
    for names in buckets.values() {
        for (i, &(a, a_count, a_known)) in names.iter().enumerate() {
            for &(b, b_count, b_known) in &names[i + 1..] {
                if !typo_pair(a, b) {
                    continue;
                }
                let (loser, winner) =
                    if b_count > 0 && beats((a_known, a_count), (b_known, b_count)) {
                        (b, (a_known, a_count, a))
                    } else if a_count > 0 && beats((b_known, b_count), (a_known, a_count)) {
                        (a, (b_known, b_count, b))
                    } else {
                        continue;
                    };
                let entry = best.entry(loser).or_insert(winner);
                if better_winner(winner, *entry) {
                    *entry = winner;
                }
            }
        }
    }
    best.into_iter()
        .map(|(loser, (_, _, winner))| (loser.to_string(), winner.to_string()))
        .collect()
}

/// Names are compared only with names of the same bucket: their first
/// letter, lowercased.
fn bucket_of(name: &str) -> Option<char> {
    name.chars()
        .next()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
}

/// Whether two spellings are a typo apart (case-only differences are
/// style, not typos).
fn typo_pair(a: &str, b: &str) -> bool {
    let budget = if a.len().min(b.len()) < 12 { 1 } else { 2 };
    a.len().abs_diff(b.len()) <= budget
        && a.split(' ').count() == b.split(' ').count()
        && crate::similarity::damerau_within(a, b, budget)
        && a.to_lowercase() != b.to_lowercase()
}

/// Whether spelling `w` (known, count) is better attested than `l`.
fn beats(w: (bool, usize), l: (bool, usize)) -> bool {
    (w.0 && !l.0) || (w.0 == l.0 && w.1 > l.1)
}

/// Each speaker's places in `file`: (talk, speaker) indices, in order.
fn places_in(file: Option<&NoteFile>) -> HashMap<&str, Vec<(usize, usize)>> {
    let talks = file.map_or(&[][..], |f| &f.model.talks);
    places_at(talks, 0..talks.len())
}

/// [`places_in`] for the talks at `indices` (ascending) only.
fn places_at(
    talks: &[Talk],
    indices: impl Iterator<Item = usize>,
) -> HashMap<&str, Vec<(usize, usize)>> {
    let mut out: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for i in indices {
        for (k, s) in talks[i].speakers.iter().enumerate() {
            out.entry(&*s.name).or_default().push((i, k));
        }
    }
    out
}

/// The speakers an update from `old` to `new` (one file) concerns: whose
/// places in the file changed, or all of the file's when its conference
/// changed (what a speaker's list entry reads); and, of those, whose count
/// changed (what typos are decided by). An edit of one speaker in a note
/// of hundreds concerns the old and the new spelling, not every speaker.
fn changed_speakers(
    old: Option<&NoteFile>,
    new: Option<&NoteFile>,
) -> (HashSet<String>, HashSet<String>) {
    let label_changed = old.map(conference_label) != new.map(conference_label);
    speaker_changes(&places_in(old), &places_in(new), label_changed)
}

/// Of the names in `before` or `after` (places by name), those whose places
/// differ (all of them when `all_moved`), and those whose count does.
fn speaker_changes(
    before: &HashMap<&str, Vec<(usize, usize)>>,
    after: &HashMap<&str, Vec<(usize, usize)>>,
    all_moved: bool,
) -> (HashSet<String>, HashSet<String>) {
    let (mut moved, mut counted) = (HashSet::new(), HashSet::new());
    for name in before.keys().chain(after.keys()) {
        let (a, b) = (before.get(name), after.get(name));
        if all_moved || a != b {
            moved.insert(name.to_string());
        }
        if a.map_or(0, Vec::len) != b.map_or(0, Vec::len) {
            counted.insert(name.to_string());
        }
    }
    (moved, counted)
}

/// Whether two talks give the facts the same: title, keynote and speaker
/// names (positions are not part of the facts).
fn same_talk_facts(a: &Talk, b: &Talk) -> bool {
    a.title == b.title
        && a.keynote == b.keynote
        && a.speakers
            .iter()
            .map(|s| &s.name)
            .eq(b.speakers.iter().map(|s| &s.name))
}

/// Of two better spellings, whether `a` is preferred over `b`.
fn better_winner(a: (bool, usize, &str), b: (bool, usize, &str)) -> bool {
    (a.0, a.1, std::cmp::Reverse(a.2)) > (b.0, b.1, std::cmp::Reverse(b.2))
}

impl Facts {
    /// Updates the facts for one file: `old` is what they were built with
    /// for its URL (None: the file was not there), `new` what replaces it
    /// (None: the file is gone). The result equals [`Facts::build`] over
    /// the new set of files (`tests/incremental_index.rs` checks it), at
    /// the cost of the file's talks, mentions and speakers (and, when the
    /// number of list entries changes, one pass over the ids of a word
    /// index): the search lists are spliced, not rebuilt. The facts must
    /// have been built from files in URL order (as the server's index
    /// does): a file's entries are then one run of each list, found by
    /// binary search.
    pub fn update(&mut self, url: &Url, old: Option<&NoteFile>, new: Option<&NoteFile>) {
        if let (Some(old), Some(new)) = (old, new) {
            if self.update_changed_talks(url, old, new) {
                return;
            }
        }
        let (moved, counted) = changed_speakers(old, new);
        let mut first_words: HashSet<String> = HashSet::new();
        if let Some(old) = old {
            if let Some(p) = &old.path {
                self.paths.remove(p);
            }
            for talk in &old.model.talks {
                for s in &talk.speakers {
                    if let Some(places) = self.speakers.get_mut(&*s.name) {
                        remove_run(places, url, |p| &p.url);
                        if places.is_empty() {
                            self.speakers.remove(&*s.name);
                        }
                    }
                }
            }
            for (i, talk) in old.model.talks.iter().enumerate() {
                self.remove_title(url, i, talk, &mut first_words);
            }
        }
        if let Some(new) = new {
            if let Some(p) = &new.path {
                self.paths.insert(p.clone(), new.url.clone());
            }
            // Each speaker's places in this file, in order, put in at once
            // (the file has none left).
            let mut runs: HashMap<&str, Vec<Place>> = HashMap::new();
            for (i, talk) in new.model.talks.iter().enumerate() {
                for (k, s) in talk.speakers.iter().enumerate() {
                    runs.entry(&s.name).or_default().push(Place {
                        url: new.url.clone(),
                        talk: i,
                        speaker: k,
                    });
                }
            }
            for (name, run) in runs {
                let places = self.speakers.entry(name.to_string()).or_default();
                let first = (&run[0].url, run[0].talk, run[0].speaker);
                let at = places.partition_point(|p| (&p.url, p.talk, p.speaker) < first);
                debug_assert!(places.get(at).is_none_or(|p| p.url != run[0].url));
                places.splice(at..at, run);
            }
            for (i, talk) in new.model.talks.iter().enumerate() {
                self.insert_title(&new.url, i, talk, &mut first_words);
            }
        }
        self.sort_first_words(first_words);
        self.update_search_lists(url, old, new, &moved);
        self.update_typos(&counted);
    }

    /// Takes talk `i` of the file at `url` out of the talks by title;
    /// `first_words` gets the first word of a key whose first talk changed.
    fn remove_title(&mut self, url: &Url, i: usize, talk: &Talk, first: &mut HashSet<String>) {
        let Some(key) = talks_key(talk) else {
            return;
        };
        let Some(entry) = self.talks.get_mut(&key) else {
            return;
        };
        let Ok(at) = entry.binary_search_by(|(u, j)| (&**u, *j).cmp(&(url, i))) else {
            return;
        };
        entry.remove(at);
        let word = key.split(' ').next().unwrap_or("").to_string();
        if entry.is_empty() {
            self.talks.remove(&key);
            if let Some(keys) = self.talk_keys_by_first_word.get_mut(&word) {
                keys.retain(|k| *k != key);
                if keys.is_empty() {
                    self.talk_keys_by_first_word.remove(&word);
                }
            }
        } else if at == 0 {
            first.insert(word);
        }
    }

    /// Puts talk `i` of the file at `url` into the talks by title, as
    /// [`Facts::remove_title`] takes it out.
    fn insert_title(&mut self, url: &Arc<Url>, i: usize, talk: &Talk, first: &mut HashSet<String>) {
        let Some(key) = talks_key(talk) else {
            return;
        };
        let entry = self.talks.entry(key.clone()).or_default();
        let at = entry.partition_point(|(u, j)| (&**u, *j) < (&**url, i));
        entry.insert(at, (url.clone(), i));
        let word = key.split(' ').next().unwrap_or("").to_string();
        if entry.len() == 1 {
            self.talk_keys_by_first_word
                .entry(word.clone())
                .or_default()
                .push(key);
            first.insert(word);
        } else if at == 0 {
            first.insert(word);
        }
    }

    /// Keys of a first word are in the order `build` meets them: by their
    /// first (url, talk).
    fn sort_first_words(&mut self, first_words: HashSet<String>) {
        for first in first_words {
            if let Some(keys) = self.talk_keys_by_first_word.get_mut(&first) {
                let talks = &self.talks;
                keys.sort_by(|a, b| {
                    talks
                        .get(a)
                        .and_then(|v| v.first())
                        .cmp(&talks.get(b).and_then(|v| v.first()))
                });
            }
        }
    }

    /// [`Facts::update`] for an edit that changed some talks' titles or
    /// speakers and nothing else the facts read: the same path, conference,
    /// number of talks and mentions (PEPs, issues, libraries, in order).
    /// Only the changed talks are taken out and put back (a speaker edit in
    /// a note of thousands of talks touches one), where the general path
    /// redoes every talk of the file. Returns false, having changed
    /// nothing, when the edit is not of that kind.
    fn update_changed_talks(&mut self, url: &Url, old: &NoteFile, new: &NoteFile) -> bool {
        let (before, after) = (&old.model.talks, &new.model.talks);
        let same_rest = before.len() == after.len()
            && old.path == new.path
            && pep_keys(old).eq(pep_keys(new))
            && issue_keys(old).eq(issue_keys(new))
            && old.model.libraries.iter().map(|l| &l.name).eq(new
                .model
                .libraries
                .iter()
                .map(|l| &l.name))
            && conference_label(old) == conference_label(new);
        if !same_rest {
            return false;
        }
        let changed: Vec<usize> = (0..before.len())
            .filter(|&i| !same_talk_facts(&before[i], &after[i]))
            .collect();
        if changed.is_empty() {
            return true;
        }
        let url_arc = &new.url;
        // A name's places differ exactly where its places in the changed
        // talks differ (the other talks hold the same places).
        let (moved, counted) = speaker_changes(
            &places_at(before, changed.iter().copied()),
            &places_at(after, changed.iter().copied()),
            false,
        );
        let mut first_words: HashSet<String> = HashSet::new();
        let start = self.talk_list.partition_point(|e| *e.url < *url);
        for &i in &changed {
            // Speakers: the talk's places out, the new ones in.
            for (k, s) in before[i].speakers.iter().enumerate() {
                if let Some(list) = self.speakers.get_mut(&*s.name) {
                    if let Ok(at) =
                        list.binary_search_by(|p| (&*p.url, p.talk, p.speaker).cmp(&(url, i, k)))
                    {
                        list.remove(at);
                    }
                    if list.is_empty() {
                        self.speakers.remove(&*s.name);
                    }
                }
            }
            for (k, s) in after[i].speakers.iter().enumerate() {
                let list = self.speakers.entry(s.name.to_string()).or_default();
                let at = list.partition_point(|p| (&*p.url, p.talk, p.speaker) < (url, i, k));
                list.insert(
                    at,
                    Place {
                        url: url_arc.clone(),
                        talk: i,
                        speaker: k,
                    },
                );
            }
            // Titles.
            self.remove_title(url, i, &before[i], &mut first_words);
            self.insert_title(url_arc, i, &after[i], &mut first_words);
            // The talk's list entry, in the file's run, in talk order.
            let at = start + i;
            debug_assert!(*self.talk_list[at].url == *url && self.talk_list[at].talk == i);
            let entry = talk_entry(new, i, &after[i]);
            if self.talk_list[at].title != entry.title {
                self.talk_words
                    .splice(at, [&*self.talk_list[at].title], [&*entry.title]);
            }
            self.talk_list[at] = entry;
        }
        self.sort_first_words(first_words);
        self.update_speaker_entries(&moved);
        self.update_typos(&counted);
        true
    }

    /// Recomputes the typo of every name whose count changed (`names`) and
    /// of the names a typo away from them: typos are decided by counts
    /// alone, so nothing else can change.
    fn update_typos(&mut self, names: &HashSet<String>) {
        if names.is_empty() {
            return;
        }
        let mut affected: HashSet<String> = names.clone();
        for name in names {
            let Some(c) = bucket_of(name) else { continue };
            for other in self.speakers.keys().chain(self.known_names.iter()) {
                if bucket_of(other) == Some(c) && typo_pair(name, other) {
                    affected.insert(other.clone());
                }
            }
        }
        for name in affected {
            match self.best_spelling(&name) {
                Some(better) => {
                    self.speaker_typos.insert(name, better);
                }
                None => {
                    self.speaker_typos.remove(&name);
                }
            }
        }
    }

    /// The better attested spelling a typo away from `name`, as
    /// [`speaker_typos`] decides it.
    fn best_spelling(&self, name: &str) -> Option<String> {
        let count = self.speakers.get(name).map_or(0, Vec::len);
        if count == 0 {
            return None;
        }
        let me = (self.known_names.contains(name), count);
        let c = bucket_of(name)?;
        let mut best: Option<(bool, usize, &str)> = None;
        let candidates = self
            .speakers
            .iter()
            .map(|(n, p)| (n.as_str(), p.len()))
            .chain(
                self.known_names
                    .iter()
                    .filter(|n| !self.speakers.contains_key(*n))
                    .map(|n| (n.as_str(), 0)),
            );
        for (other, other_count) in candidates {
            if other == name || bucket_of(other) != Some(c) || !typo_pair(name, other) {
                continue;
            }
            let them = (self.known_names.contains(other), other_count);
            if !beats(them, me) {
                continue;
            }
            let cand = (them.0, them.1, other);
            if best.is_none_or(|b| better_winner(cand, b)) {
                best = Some(cand);
            }
        }
        best.map(|(_, _, n)| n.to_string())
    }
}

/// The workspace's files and facts, kept between snapshots and updated for
/// the files that changed: a keystroke costs the edited file, not the
/// workspace. Also says whether the change can affect other files'
/// diagnostics.
pub struct IncrementalIndex {
    files: Arc<HashMap<Url, Arc<NoteFile>>>,
    facts: Arc<Facts>,
    /// Per file: facts, anchors and titles signatures.
    signatures: HashMap<Url, Signatures>,
    /// Facts published before `facts`, and the file updates made since
    /// (in order). When a snapshot still holds `facts`, an update catches
    /// these up once no snapshot holds them any more: it costs the updates,
    /// where copying `facts` would cost the workspace.
    spare: Option<(Arc<Facts>, Vec<FileUpdate>)>,
}

/// A file's update of the facts: URL, the file before, the file after.
type FileUpdate = (Url, Option<Arc<NoteFile>>, Option<Arc<NoteFile>>);

/// The most updates a spare is kept behind by: catching up with more would
/// cost more than a copy.
const SPARE_BEHIND: usize = 256;

/// What [`IncrementalIndex::apply`] changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexChange {
    /// Files that changed (or came or went).
    pub files: Vec<Url>,
    /// Whether anything other files' diagnostics read changed: the facts,
    /// or the headings of a file that changed.
    pub cross_file: bool,
    /// Whether a note's path, first heading or conference changed (came or
    /// went): what `broken-link`'s candidate notes read.
    pub titles: bool,
}

/// A file's facts, anchors and titles signatures.
type Signatures = (u64, u64, u64);

fn signatures_of(f: &NoteFile) -> Signatures {
    (
        f.facts_signature(),
        f.anchors_signature(),
        f.titles_signature(),
    )
}

impl IndexChange {
    /// Adds a later change to this one.
    pub fn merge(&mut self, later: IndexChange) {
        self.cross_file |= later.cross_file;
        self.titles |= later.titles;
        if later.files.is_empty() {
            return;
        }
        // Indexing a large folder reports thousands of files: no quadratic
        // `contains`.
        let mut seen: HashSet<Url> = self.files.iter().cloned().collect();
        for url in later.files {
            if seen.insert(url.clone()) {
                self.files.push(url);
            }
        }
    }
}

/// Beyond this many changed files, facts are rebuilt rather than updated.
const REBUILD_ABOVE: usize = 64;

impl IncrementalIndex {
    pub fn new(files: Vec<Arc<NoteFile>>, known_names: HashSet<String>) -> IncrementalIndex {
        let facts = Arc::new(Facts::build(&files, known_names));
        let signatures = files
            .iter()
            .map(|f| ((*f.url).clone(), signatures_of(f)))
            .collect();
        IncrementalIndex {
            files: Arc::new(files.into_iter().map(|f| ((*f.url).clone(), f)).collect()),
            facts,
            signatures,
            spare: None,
        }
    }

    pub fn files(&self) -> Arc<HashMap<Url, Arc<NoteFile>>> {
        self.files.clone()
    }

    pub fn facts(&self) -> Arc<Facts> {
        self.facts.clone()
    }

    /// Brings the index up to date for `urls`, each looked up with `get`
    /// (None: no longer in the workspace).
    pub fn apply(
        &mut self,
        urls: &[Url],
        get: impl Fn(&Url) -> Option<Arc<NoteFile>>,
    ) -> IndexChange {
        let mut change = IndexChange::default();
        let mut facts_changed = Vec::new();
        // Copy-on-write: free when no snapshot holds the map any more.
        let files = Arc::make_mut(&mut self.files);
        for url in urls {
            let new = get(url);
            let old = match &new {
                Some(f) => files.insert(url.clone(), f.clone()),
                None => files.remove(url),
            };
            if let (Some(a), Some(b)) = (&old, &new) {
                if Arc::ptr_eq(a, b) {
                    continue;
                }
            }
            if old.is_none() && new.is_none() {
                continue;
            }
            change.files.push(url.clone());
            let sig = new.as_deref().map(signatures_of);
            let old_sig = match sig {
                Some(s) => self.signatures.insert(url.clone(), s),
                None => self.signatures.remove(url),
            };
            let facts_sig = |s: Option<Signatures>| s.map(|s| s.0);
            let anchors_sig = |s: Option<Signatures>| s.map(|s| s.1);
            let titles_sig = |s: Option<Signatures>| s.map(|s| s.2);
            if facts_sig(sig) != facts_sig(old_sig) {
                facts_changed.push((url.clone(), old, new));
                change.cross_file = true;
            } else if anchors_sig(sig) != anchors_sig(old_sig) {
                change.cross_file = true;
            }
            change.titles |= titles_sig(sig) != titles_sig(old_sig);
        }
        if facts_changed.len() > REBUILD_ABOVE {
            let mut all: Vec<Arc<NoteFile>> = self.files.values().cloned().collect();
            all.sort_by(|a, b| a.url.cmp(&b.url));
            let known = self.facts.known_names.clone();
            // Freed before the new facts are built (unless a snapshot still
            // holds them): the old facts, their spare and the new ones at
            // once were the peak at the end of indexing.
            self.facts = Arc::default();
            self.spare = None;
            self.facts = Arc::new(Facts::build(&all, known));
        } else if !facts_changed.is_empty() {
            self.update_facts(facts_changed);
        }
        change
    }

    /// [`Facts::update`] for each of `updates`: in place when no snapshot
    /// holds the facts; else on the spare, caught up, when no snapshot
    /// holds that; else on a copy (the held facts become the spare).
    fn update_facts(&mut self, updates: Vec<FileUpdate>) {
        let apply = |facts: &mut Facts, updates: &[FileUpdate]| {
            for (url, old, new) in updates {
                facts.update(url, old.as_deref(), new.as_deref());
            }
        };
        if let Some(facts) = Arc::get_mut(&mut self.facts) {
            apply(facts, &updates);
            if let Some((_, behind)) = &mut self.spare {
                behind.extend(updates);
                if behind.len() > SPARE_BEHIND {
                    self.spare = None;
                }
            }
            return;
        }
        let caught_up = self.spare.take().and_then(|(mut spare, behind)| {
            apply(Arc::get_mut(&mut spare)?, &behind);
            Some(spare)
        });
        let mut next = caught_up.unwrap_or_else(|| Arc::new((*self.facts).clone()));
        if let Some(facts) = Arc::get_mut(&mut next) {
            apply(facts, &updates);
        }
        let held = std::mem::replace(&mut self.facts, next);
        self.spare = Some((held, updates));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Notes read from disk keep their links, PEP and issue references
    /// packed: the same models, facts, findings and references as notes
    /// whose lists are plain (the sample notes, and the shared seeds when
    /// present).
    #[test]
    fn packed_notes_read_the_same_as_plain_ones() {
        use crate::analysis::Snapshot;
        use crate::features::navigation::references;
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let shared = std::env::var_os("TALKNOTES_SHARED")
            .map_or_else(|| root.join("../../shared"), PathBuf::from);
        let none = globset::GlobSet::empty();
        let mut paths = crate::discover::notes_in(&root.join("../examples/notes"), &none);
        assert!(paths.len() >= 4, "the sample notes are in the repo");
        // The seeds are `.txt` files.
        paths.extend(crate::discover::notes_in_named_folder(
            &shared.join("seeds"),
            &none,
        ));
        let (mut plain, mut packed) = (Vec::new(), Vec::new());
        let mut packed_lists = 0;
        for path in &paths {
            let (text, stamp) = crate::discover::read_notes_stamped(path).unwrap();
            let url = Url::from_file_path(path).unwrap();
            let a = NoteFile::analyse(url.clone(), &text, None);
            let b = NoteFile::analyse(url, &text, None).with_disk(stamp);
            assert_eq!(a.model, b.model, "{}", path.display());
            let m = &b.model;
            for (packed, empty) in [
                (m.links.is_packed(), m.links.is_empty()),
                (m.peps.is_packed(), m.peps.is_empty()),
                (m.issues.is_packed(), m.issues.is_empty()),
            ] {
                assert_eq!(packed, !empty, "{}", path.display());
                packed_lists += usize::from(packed);
            }
            plain.push(Arc::new(a));
            packed.push(Arc::new(b));
        }
        assert!(
            packed_lists >= 8,
            "the sample notes have links and references"
        );
        let snapshot =
            |files: Vec<Arc<NoteFile>>| Snapshot::new(files, None, Default::default(), Vec::new());
        let (a, b) = (snapshot(plain.clone()), snapshot(packed));
        assert_eq!(a.facts, b.facts);
        let mut asked = 0;
        for f in &plain {
            assert_eq!(a.check(&f.url), b.check(&f.url), "{}", f.url);
            // References from every PEP and issue reference, and from the
            // first links, of every note.
            let m = &f.model;
            let offsets = (m.peps.load().iter().map(|p| p.range().start))
                .chain(m.issues.load().iter().map(|i| i.range().start))
                .chain(m.links.load().iter().take(20).map(|l| l.range().start + 1))
                .collect::<Vec<_>>();
            for at in offsets {
                let found = references(&a, &f.url, at, true);
                assert_eq!(found, references(&b, &f.url, at, true), "{} at {at}", f.url);
                asked += usize::from(!found.is_empty());
            }
        }
        assert!(asked > 0, "some references were found");
    }

    /// A note read from disk converts every offset as the held text does,
    /// without its text; its text reads back from disk, and blank (same
    /// length, same lines) once the file has changed.
    #[test]
    fn a_note_left_on_disk_converts_positions_and_reads_back() {
        let mut text = String::new();
        for i in 0..300 {
            match i % 4 {
                0 => text.push_str(&format!("# Talk {i} (Łukasz Langa)\n")),
                1 => text.push_str("* notes – “quoted” 🐍 and more\r\n"),
                2 => text.push_str(&format!("plain ascii line {i} with PEP {i}\n")),
                _ => text.push('\n'),
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.md");
        std::fs::write(&path, &text).unwrap();
        let (read, stamp) = crate::discover::read_notes_stamped(&path).unwrap();
        let url = Url::from_file_path(&path).unwrap();
        let held = NoteFile::analyse(url.clone(), &text, None);
        let on_disk = NoteFile::analyse(url, &read, None).with_disk(stamp);
        assert!(matches!(on_disk.text, NoteText::OnDisk(_)));
        assert_eq!(on_disk.text(), text.as_str());
        let encodings = [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ];
        for offset in 0..text.len() + 3 {
            for enc in encodings {
                assert_eq!(
                    on_disk.position(offset, enc),
                    held.position(offset, enc),
                    "{offset}"
                );
            }
        }
        std::fs::write(&path, "# Another note\n").unwrap();
        let blank = on_disk.text();
        assert_eq!(blank.len(), text.len());
        assert!(blank.bytes().all(|b| b == b' ' || b == b'\n'));
        let lines = LineIndex::new(&blank);
        assert_eq!(lines.line_count(), on_disk.lines.line_count());
        let n = lines.line_count();
        assert!((0..n).all(|l| lines.line_start(l) == on_disk.lines.line_start(l)));
    }

    fn places(n: usize) -> Vec<Place> {
        let url = Url::parse("file:///n.md").unwrap();
        (0..n)
            .map(|i| Place {
                url: Arc::new(url.clone()),
                talk: i,
                speaker: 0,
            })
            .collect()
    }

    #[test]
    fn typos_point_at_the_best_attested_spelling() {
        let mut speakers = HashMap::new();
        speakers.insert("Astrid Mbatha".to_string(), places(82));
        speakers.insert("Astrid Mbahta".to_string(), places(2));
        speakers.insert("Astrid Mbatah".to_string(), places(1));
        speakers.insert("Victor Stinger".to_string(), places(1));
        speakers.insert("Victor Stinner".to_string(), places(1));
        let typos = speaker_typos(&speakers, &HashSet::new());
        assert_eq!(
            typos.get("Astrid Mbahta").map(String::as_str),
            Some("Astrid Mbatha")
        );
        assert_eq!(
            typos.get("Astrid Mbatah").map(String::as_str),
            Some("Astrid Mbatha")
        );
        assert!(!typos.contains_key("Astrid Mbatha"));
        // A tie says nothing...
        assert!(!typos.contains_key("Victor Stinger") && !typos.contains_key("Victor Stinner"));
        // ...unless one spelling is known.
        let known: HashSet<String> = ["Victor Stinner".to_string()].into();
        let typos = speaker_typos(&speakers, &known);
        assert_eq!(
            typos.get("Victor Stinger").map(String::as_str),
            Some("Victor Stinner")
        );
    }
}
