//! The talk-notes extractor and the rules on arbitrary bytes.
//!
//! The input is split at its first 0xFF byte (never part of UTF-8) into two
//! notes files of one workspace, so cross-file rules see two models; each
//! half is decoded lossily (the server only ever sees UTF-8: LSP strings,
//! or files it refuses when they are not). Checked:
//! - nothing panics: parse, extract, facts, every rule, applying every fix;
//! - every range the model or a finding holds is inside its text and on
//!   char boundaries (so converting it to a position cannot go wrong);
//! - the rules ask the file system only about paths inside the workspace
//!   (a link to `../../../etc/passwd` is judged without a look at it);
//! - a note read in pieces (cut wherever `extract::cuts` allows) has the
//!   model of one parse.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use talknotes_ls::analysis::Snapshot;
use talknotes_ls::config::Settings;
use talknotes_ls::extract::{extract, extract_in_pieces};
use talknotes_ls::index::NoteFile;
use talknotes_ls::model::TextRange;
use talknotes_ls::pep_index::PepIndex;
use talknotes_ls::rules::FileSystem;
use talknotes_ls::syntax::Syntax;

const ROOT: &str = "/fuzz/notes";

/// A few real PEP numbers and titles, so the PEP rules have an index.
const PEPS: &str = r#"{
  "8": {"number": 8, "title": "Style Guide for Python Code", "authors": "Guido van Rossum, Barry Warsaw, Alyssa Coghlan"},
  "484": {"number": 484, "title": "Type Hints", "authors": "Guido van Rossum, Jukka Lehtosalo, Łukasz Langa"},
  "513": {"number": 513, "title": "A Platform Tag for Portable Linux Built Distributions", "authors": "Robert T. McGibbon, Nathaniel J. Smith"},
  "503": {"number": 503, "title": "Simple Repository API", "authors": "Donald Stufft"},
  "3156": {"number": 3156, "title": "Asynchronous IO Support Rebooted: the \"asyncio\" Module", "authors": "Guido van Rossum"}
}"#;

/// Answers "no such file" for paths inside the workspace and panics for
/// any other: the rules must not even look outside.
struct InsideOnly;

impl FileSystem for InsideOnly {
    fn exists(&self, path: &Path) -> bool {
        assert!(
            path.starts_with(ROOT),
            "a rule looked at {} outside the workspace",
            path.display()
        );
        false
    }
}

fn check_range(text: &str, r: &TextRange, what: &str) {
    assert!(
        r.start <= r.end && r.end <= text.len(),
        "{what} {r:?} out of a {}-byte text",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what} {r:?} splits a character"
    );
}

fn check_model(file: &NoteFile) {
    let t = &*file.text();
    let m = &file.model;
    if let Some(r) = m.conference.as_ref().and_then(|c| c.range.as_ref()) {
        check_range(t, r, "conference");
    }
    for talk in &m.talks {
        check_range(t, &talk.title_range(), "talk title");
        check_range(t, &talk.line_range(), "talk line");
        check_range(t, &talk.range(), "talk");
        for r in talk.notes_range().iter().chain(&talk.empty_notes()) {
            check_range(t, r, "talk notes");
        }
        for s in &talk.speakers {
            check_range(t, &s.range(), "speaker");
        }
        let o = talk.speaker_slot.offset();
        check_range(t, &(o..o), "speaker slot");
    }
    for h in &m.headings {
        check_range(t, &h.range(), "heading");
    }
    for l in m.links.load().iter() {
        check_range(t, &l.range(), "link");
        check_range(t, &l.target_range(), "link target");
    }
    for d in &m.link_definitions {
        check_range(t, &d.range, "link definition");
    }
    for p in m.peps.load().iter() {
        check_range(t, &p.range(), "PEP");
    }
    for i in m.issues.load().iter() {
        check_range(t, &i.range(), "issue");
    }
    for l in &m.libraries {
        check_range(t, &l.range(), "library");
    }
    for s in &m.suppressions {
        // A region of offsets, not text: a suppression open to the end of
        // the file reaches one past it, so that a finding at the very end
        // is covered too.
        let r = &s.range;
        assert!(
            r.start <= r.end && r.end <= t.len() + 1,
            "suppression {r:?}"
        );
        assert!(
            t.is_char_boundary(r.start),
            "suppression {r:?} splits a character"
        );
    }
    for r in &m.code_ranges {
        check_range(t, r, "code");
    }
}

fn url(name: &str) -> url::Url {
    url::Url::from_file_path(PathBuf::from(ROOT).join(name)).unwrap()
}

fn analyse_all(texts: &[(&str, String)], peps: &Arc<PepIndex>) -> (Snapshot, Vec<Arc<NoteFile>>) {
    let files: Vec<Arc<NoteFile>> = texts
        .iter()
        .map(|(name, text)| Arc::new(NoteFile::analyse(url(name), text, None)))
        .collect();
    for f in &files {
        check_model(f);
    }
    let mut snapshot = Snapshot::new(
        files.clone(),
        Some(peps.clone()),
        Arc::new(Settings::default()),
        vec![PathBuf::from(ROOT)],
    );
    snapshot.fs = Arc::new(InsideOnly);
    (snapshot, files)
}

fuzz_target!(|data: &[u8]| {
    let peps = Arc::new(PepIndex::from_json(PEPS, "fuzz").unwrap());
    let (a, b) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let texts = [
        ("pycon-us-2019.md", String::from_utf8_lossy(a).into_owned()),
        (
            "sub/europython-2018.md",
            String::from_utf8_lossy(b).into_owned(),
        ),
    ];
    for (name, text) in &texts {
        let whole = extract(text, &Syntax::parse(text), Some(name));
        assert_eq!(
            extract_in_pieces(text, Some(name), 0),
            whole,
            "read in pieces at {:?}",
            talknotes_ls::extract::cuts::cuts(text, 0)
        );
    }
    let (snapshot, files) = analyse_all(&texts, &peps);
    for file in &files {
        let text = &*file.text();
        let mut fixed = Vec::new();
        for f in snapshot.check_file(file) {
            check_range(text, &f.range, f.rule.code());
            for r in &f.related {
                let other = snapshot
                    .file(&r.url)
                    .expect("related info names a file of the workspace");
                check_range(&other.text(), &r.range, "related");
            }
            if let Some(fix) = &f.fix {
                let mut t = text.to_string();
                // Edits of one fix do not overlap: apply from the end.
                let mut edits = fix.edits.clone();
                edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
                for e in &edits {
                    check_range(&t, &e.range, "fix edit");
                    t.replace_range(e.range.clone(), &e.new_text);
                }
                fixed.push(t);
            }
        }
        // A fixed file is analysed again without trouble.
        for t in fixed.into_iter().take(1) {
            let (s, files) = analyse_all(&[("pycon-us-2019.md", t)], &peps);
            for f in &files {
                for finding in s.check_file(f) {
                    check_range(&f.text(), &finding.range, finding.rule.code());
                }
            }
        }
    }
});
