//! Property test: the incremental paths equal a from-scratch computation.
//!
//! A small workspace of notes is edited at random (talk lines, speakers and
//! their typos, headings, cross-file links, deletions), each edit applied
//! through an open `Document` (incremental reparse) and the server's
//! `IncrementalIndex` (files map and facts updated for the edited file
//! only). After every edit:
//!
//! * the model extracted from the incrementally reparsed syntax equals the
//!   model of a fresh parse;
//! * the incrementally updated facts equal `Facts::build` over all files:
//!   every field, the mentions, search lists and word indexes included,
//!   in the same order (files also leave and come back; the snippets
//!   change conferences, years, PEP, issue and library mentions; earlier
//!   facts are held at times, as snapshots hold them);
//! * every file's findings on the incremental snapshot equal those of a
//!   snapshot built from scratch;
//! * when the index says the edit changed nothing other files read
//!   (`cross_file == false`), every other file's findings are unchanged,
//!   except those pointing into the edited file (the server recomputes
//!   those documents too).
//!
//! 64 cases by default; set PROPTEST_CASES for more.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use proptest::prelude::*;
use talknotes_ls::analysis::Snapshot;
use talknotes_ls::config::Settings;
use talknotes_ls::document::{Document, TextChange};
use talknotes_ls::index::{Facts, IncrementalIndex, NoteFile};
use talknotes_ls::position::{LineIndex, PositionEncoding};
use talknotes_ls::rules::Finding;
use url::Url;

const FILES: &[(&str, &str)] = &[
    (
        "a.md",
        "# PyCon US 2018\n\n## Effective Code Review (Erik Rose)\n\n## Notes\n\nSee PEP 484.\n\n\
         ## Grok the GIL (Victor Stinner)\n\n* point\n",
    ),
    (
        "b.md",
        "# EuroPython 2019\n\n* **Effective Code Review - Erik Rose**\n  * notes\n\
         * **Grok the GIL**\n  * [more](a.md#effective-code-review-erik-rose)\n",
    ),
    (
        "c.md",
        "Pycon 2017\n\nPackaging\n- Wheels Everywhere - Victor Stinger\n  - pip install wheel\n\
         - Async Today - Ann Lee\n\n# Keynote: Ann Lee\n",
    ),
    (
        "0.md",
        "# PyCon US 2018\n\n## Packaging Today (Ann Lee)\n\n* `requests` and bpo-12345\n\
         * pip install attrs, PEP 8\n",
    ),
    (
        "d.md",
        "# DjangoCon 2016\n\n## Async Today (Ann Leee)\n\n[back](b.md#nothing) and [c](c.md)\n",
    ),
];

const SNIPPETS: &[&str] = &[
    "\n## Effective Code Review (Erik Rose)\n",
    "\n## Effective Code Reveiw\n",
    "\n* **Grok the GIL - Victor Stinner**\n",
    "\n- Wheels Everywhere - Victor Stinger\n",
    "\n# Keynote: Ann Lee\n",
    "\n## Async Today (Ann Lee)\n",
    " (Ann Leee)",
    " (Victor Stinner)",
    "Victor Stinger",
    "Erik Rosse",
    "\n## Notes\n\n",
    "[x](a.md#grok-the-gil-victor-stinner)",
    "[y](d.md#async-today-ann-leee)",
    "PEP 8",
    "PEP 484",
    "`requests`",
    "`Requests`",
    "`attrs`",
    " pip install attrs\n",
    "bpo-12345",
    "gh-100",
    "Issue 12345",
    "# PyCon US 2019\n",
    "EuroPython 2020",
    " 2021",
    "\n## Grok the GIL (Ann Lee)\n",
    "x",
    "\n",
    "# ",
    "- ",
    "**",
    "`",
];

#[derive(Clone, Debug)]
enum Op {
    Insert {
        file: usize,
        at: f64,
        snippet: usize,
    },
    Delete {
        file: usize,
        at: f64,
        len: usize,
    },
    /// The file leaves the workspace, or comes back (with the text it had).
    Toggle {
        file: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..FILES.len(), 0.0..1.0f64, 0..SNIPPETS.len())
            .prop_map(|(file, at, snippet)| Op::Insert { file, at, snippet }),
        2 => (0..FILES.len(), 0.0..1.0f64, 1..24usize)
            .prop_map(|(file, at, len)| Op::Delete { file, at, len }),
        1 => (0..FILES.len()).prop_map(|file| Op::Toggle { file }),
    ]
}

fn url(name: &str) -> Url {
    Url::parse(&format!("file:///ws/{name}")).unwrap()
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn known() -> HashSet<String> {
    ["Victor Stinner".to_string()].into()
}

fn snapshot(files: Arc<HashMap<Url, Arc<NoteFile>>>, facts: Arc<Facts>) -> Snapshot {
    Snapshot::from_shared(
        files,
        facts,
        None,
        Arc::new(Settings::default()),
        vec![PathBuf::from("/ws")],
    )
}

fn sorted(files: &HashMap<Url, Arc<NoteFile>>) -> Vec<Arc<NoteFile>> {
    let mut v: Vec<_> = files.values().cloned().collect();
    v.sort_by(|a, b| a.url.cmp(&b.url));
    v
}

fn findings(s: &Snapshot) -> HashMap<Url, Vec<Finding>> {
    s.files.keys().map(|u| (u.clone(), s.check(u))).collect()
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut docs: Vec<(Url, Document)> = FILES
        .iter()
        .map(|(name, text)| (url(name), Document::new(text, 0)))
        .collect();
    let mut current: HashMap<Url, Arc<NoteFile>> = docs
        .iter()
        .map(|(u, d)| {
            let f = NoteFile::from_syntax(u.clone(), &d.text(), d.syntax(), Some(0));
            (u.clone(), Arc::new(f))
        })
        .collect();
    let mut index = IncrementalIndex::new(sorted(&current), known());
    let mut before = findings(&snapshot(index.files(), index.facts()));

    // Facts still held by snapshots, as the server's requests hold them:
    // the index then updates a spare or a copy, not the facts in place.
    let mut held: Vec<Arc<Facts>> = Vec::new();
    for (step, op) in ops.iter().enumerate() {
        let version = step as i32 + 1;
        match step % 5 {
            0 | 3 => held.clear(),
            1 => held.push(index.facts()),
            _ => held.insert(0, index.facts()),
        }
        if held.len() > 1 && step % 2 == 0 {
            held.remove(0);
        }
        if let Op::Toggle { file } = *op {
            let (u, doc) = &docs[file];
            let edited_url = u.clone();
            if current.remove(u).is_none() {
                let f = NoteFile::from_syntax(u.clone(), &doc.text(), doc.syntax(), Some(version));
                current.insert(u.clone(), Arc::new(f));
            }
            let change = index.apply(std::slice::from_ref(&edited_url), |u| {
                current.get(u).cloned()
            });
            prop_assert_eq!(&change.files, &vec![edited_url.clone()]);
            prop_assert!(change.cross_file, "a file came or went");
            let scratch = Facts::build(&sorted(&current), known());
            prop_assert_eq!(&*index.facts(), &scratch, "facts after {:?}", op);
            before = findings(&snapshot(index.files(), index.facts()));
            continue;
        }
        let (file, start, end, insert) = match *op {
            Op::Insert { file, at, snippet } => {
                let text = docs[file].1.text();
                let at = floor_boundary(&text, (at * text.len() as f64) as usize);
                (file, at, at, SNIPPETS[snippet])
            }
            Op::Delete { file, at, len } => {
                let text = docs[file].1.text();
                let a = floor_boundary(&text, (at * text.len() as f64) as usize);
                let b = floor_boundary(&text, a + len);
                (file, a, b, "")
            }
            Op::Toggle { .. } => unreachable!("handled above"),
        };
        let (u, doc) = &mut docs[file];
        let text = doc.text();
        let lines = LineIndex::new(&text);
        let enc = PositionEncoding::Utf8;
        let change = TextChange::replace(
            lines.position(&text, start, enc),
            lines.position(&text, end, enc),
            insert,
        );
        doc.apply_changes(&[change], version, enc);
        let text = doc.text();
        let edited = NoteFile::from_syntax(u.clone(), &text, doc.syntax(), Some(version));
        let fresh = NoteFile::analyse(u.clone(), &text, Some(version));
        prop_assert_eq!(&edited.model, &fresh.model, "model after {:?}", op);
        let edited_url = u.clone();
        current.insert(edited_url.clone(), Arc::new(edited));

        let change = index.apply(std::slice::from_ref(&edited_url), |u| {
            current.get(u).cloned()
        });
        prop_assert_eq!(&change.files, &vec![edited_url.clone()]);
        let scratch = Facts::build(&sorted(&current), known());
        prop_assert_eq!(&*index.facts(), &scratch, "facts after {:?}", op);

        let incremental = findings(&snapshot(index.files(), index.facts()));
        let from_scratch = findings(&Snapshot::new_with_facts(
            sorted(&current),
            Arc::new(scratch),
            None,
            Arc::new(Settings::default()),
            vec![PathBuf::from("/ws")],
        ));
        prop_assert_eq!(&incremental, &from_scratch, "findings after {:?}", op);

        if !change.cross_file {
            for (u, now) in &incremental {
                if *u == edited_url {
                    continue;
                }
                let Some(was) = before.get(u) else {
                    continue;
                };
                let points_into_edited = was
                    .iter()
                    .chain(now)
                    .any(|f| f.related.iter().any(|r| r.url == edited_url));
                if !points_into_edited {
                    prop_assert_eq!(now, was, "{} changed, though cross_file is false", u);
                }
            }
        }
        before = incremental;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_index_equals_from_scratch(ops in prop::collection::vec(op(), 1..24)) {
        run(&ops)?;
    }
}

/// The typo facts, incrementally, through a chain of spellings: the count
/// that decides which spelling is the typo moves with every edit.
#[test]
fn typo_winner_follows_the_counts() {
    let note = |names: &[&str]| {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("## Talk number {i} ({n})\n\n"))
            .collect::<String>()
    };
    let file = |name: &str, text: &str| Arc::new(NoteFile::analyse(url(name), text, None));
    let mut files: HashMap<Url, Arc<NoteFile>> = HashMap::new();
    files.insert(
        url("a.md"),
        file("a.md", &note(&["Astrid Mbatha", "Astrid Mbatha"])),
    );
    files.insert(url("b.md"), file("b.md", &note(&["Astrid Mbahta"])));
    let mut index = IncrementalIndex::new(sorted(&files), HashSet::new());
    assert_eq!(
        index
            .facts()
            .speaker_typos
            .get("Astrid Mbahta")
            .map(String::as_str),
        Some("Astrid Mbatha")
    );
    // b.md now spells it three times: the other spelling becomes the typo.
    let b = file(
        "b.md",
        &note(&["Astrid Mbahta", "Astrid Mbahta", "Astrid Mbahta"]),
    );
    files.insert(url("b.md"), b);
    let change = index.apply(&[url("b.md")], |u| files.get(u).cloned());
    assert!(change.cross_file);
    let facts = index.facts();
    assert_eq!(
        facts.speaker_typos.get("Astrid Mbatha").map(String::as_str),
        Some("Astrid Mbahta")
    );
    assert!(!facts.speaker_typos.contains_key("Astrid Mbahta"));
    assert_eq!(*facts, Facts::build(&sorted(&files), HashSet::new()));
    // An edit that leaves speakers and titles alone changes nothing shared.
    let same = file(
        "b.md",
        &format!(
            "{}\nmore notes\n",
            note(&["Astrid Mbahta", "Astrid Mbahta", "Astrid Mbahta"])
        ),
    );
    files.insert(url("b.md"), same);
    let change = index.apply(&[url("b.md")], |u| files.get(u).cloned());
    assert_eq!(change.files, vec![url("b.md")]);
    assert!(!change.cross_file);
    // Removing the file takes its speakers away.
    files.remove(&url("b.md"));
    let change = index.apply(&[url("b.md")], |u| files.get(u).cloned());
    assert!(change.cross_file);
    assert!(index.facts().speaker_typos.is_empty());
    assert_eq!(
        *index.facts(),
        Facts::build(&sorted(&files), HashSet::new())
    );
}
