//! The editor features on the shared real-world seed notes
//! (`<repo>/../shared/seeds`, with `<repo>/../shared/data/peps.json`; or
//! the folder `TALKNOTES_SHARED` names), read as one workspace. Skipped,
//! with a note, when they are not there.

use std::path::PathBuf;
use std::sync::Arc;

use talknotes_ls::analysis::Snapshot;
use talknotes_ls::config::Settings;
use talknotes_ls::features::{hover, navigation, rename, Location};
use talknotes_ls::index::NoteFile;
use talknotes_ls::pep_index::PepIndex;
use url::Url;

struct Seeds {
    snapshot: Snapshot,
    files: Vec<(String, Url, String)>,
}

impl Seeds {
    /// The URL and text of the seed whose name starts with `prefix`.
    fn file(&self, prefix: &str) -> (&Url, &str) {
        let (_, url, text) = self
            .files
            .iter()
            .find(|(n, _, _)| n.starts_with(prefix))
            .unwrap_or_else(|| panic!("a seed {prefix}_*"));
        (url, text)
    }

    /// The byte offset of `needle` (+ `plus`) in seed `prefix`.
    fn at(&self, prefix: &str, needle: &str, plus: usize) -> (Url, usize) {
        let (url, text) = self.file(prefix);
        let i = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {prefix}"));
        (url.clone(), i + plus)
    }

    /// `file: text` of each location.
    fn show(&self, locs: &[Location]) -> Vec<String> {
        locs.iter()
            .map(|l| {
                let (name, _, text) = self.files.iter().find(|(_, u, _)| *u == l.url).unwrap();
                format!("{}: {}", &name[..3], &text[l.range.clone()])
            })
            .collect()
    }
}

fn shared() -> PathBuf {
    match std::env::var_os("TALKNOTES_SHARED") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

fn load() -> Option<Seeds> {
    let dir = shared().join("seeds");
    if !dir.is_dir() {
        eprintln!(
            "note: {} does not exist; seed feature tests skipped",
            dir.display()
        );
        return None;
    }
    let dir = dir.canonicalize().unwrap();
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let url = Url::from_file_path(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        notes.push(Arc::new(NoteFile::analyse(url.clone(), &text, None)));
        files.push((name, url, text));
    }
    let peps = PepIndex::load(&shared().join("data/peps.json"))
        .ok()
        .map(Arc::new);
    let snapshot = Snapshot::new(notes, peps, Arc::new(Settings::default()), vec![dir]);
    Some(Seeds { snapshot, files })
}

#[test]
fn brandon_rhodes_in_2014_reaches_his_2017_talk() {
    let Some(s) = load() else { return };
    let (url, offset) = s.at("004", "Data Structures, Brandon Rhodes", 20);
    let found = navigation::definition(&s.snapshot, &url, offset);
    let shown = s.show(&found);
    assert!(
        shown.contains(&"001: The Dictionary Even Mightier".to_string()),
        "{shown:?}"
    );
    assert!(
        shown.contains(&"002: The Dictionary Even Mighter".to_string()),
        "{shown:?}"
    );
    // The talk under the cursor is where one is: not a destination.
    assert!(!shown.iter().any(|l| l.starts_with("004: ")), "{shown:?}");
}

#[test]
fn grok_the_gil_in_002_reaches_001() {
    let Some(s) = load() else { return };
    let (url, offset) = s.at("002", "# Grok the GIL", 4);
    let found = navigation::definition(&s.snapshot, &url, offset);
    assert_eq!(
        s.show(&found),
        vec!["001: Grok the GIL: Write Fast And Thread-Safe Python"]
    );
}

#[test]
fn renaming_victor_stinger_edits_exactly_the_speaker_occurrences() {
    let Some(s) = load() else { return };
    let (url, offset) = s.at("002", "Victor Stinger", 3);
    let edits = rename::rename(&s.snapshot, &url, offset, "Victor Stinner").unwrap();
    // Every "Victor Stinger" the seeds write as a speaker, and nothing else.
    let mut want = Vec::new();
    for (_, u, text) in &s.files {
        let f = s.snapshot.file(u).unwrap();
        for t in &f.model.talks {
            for sp in &t.speakers {
                if &*sp.name == "Victor Stinger" {
                    assert_eq!(&text[sp.range()], "Victor Stinger");
                    want.push((u.clone(), sp.range()));
                }
            }
        }
    }
    let got: Vec<(Url, std::ops::Range<usize>)> = edits
        .iter()
        .flat_map(|fe| {
            fe.edits.iter().map(|e| {
                assert_eq!(e.new_text, "Victor Stinner");
                (fe.url.clone(), e.range.clone())
            })
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        got.len(),
        1,
        "002's talk line is the one speaker occurrence"
    );
    let (u, text) = s.file("002");
    assert_eq!(got[0].0, *u);
    assert!(text[..got[0].1.end].ends_with("3.5 (Victor Stinger"));
}

#[test]
fn hovering_pep_509_shows_its_title() {
    let Some(s) = load() else { return };
    if s.snapshot.peps.is_none() {
        eprintln!("note: no shared/data/peps.json; PEP hover test skipped");
        return;
    }
    let (url, offset) = s.at("002", "Pep 509", 5);
    let h = hover::hover(&s.snapshot, &url, offset).expect("a hover on Pep 509");
    assert!(
        h.markdown.contains("Add a private version to dict"),
        "{}",
        h.markdown
    );
}
