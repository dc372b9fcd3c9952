//! Micro-benchmarks of the pieces a keystroke or an index run costs:
//! parsing (ours and tree-sitter-md's own), extraction, the incremental
//! update of an open document, position conversion and the rules.
//!
//! `cargo bench -p talknotes-bench --bench micro` (divan; `-- NAME` filters).
//! The notes are generated (seed 1, 100 files): `large` is the biggest note
//! (~200 KB), `typical` one of about 6 KB.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use divan::{black_box, Bencher};
use talknotes_ls::document::{Document, TextChange};
use talknotes_ls::index::NoteFile;
use talknotes_ls::position::{LineIndex, Position, PositionEncoding};
use talknotes_ls::syntax::Syntax;
use url::Url;

fn main() {
    divan::main();
}

struct Fixture {
    /// Every note of the workspace (path, text).
    notes: Vec<(PathBuf, String)>,
    large: usize,
    typical: usize,
    _dir: tempfile::TempDir,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("tempdir");
    talknotes_bench::generate(dir.path(), 100, 1);
    let mut notes = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&p).expect("utf-8 note");
                notes.push((p, text));
            }
        }
    }
    notes.sort();
    let large = (0..notes.len())
        .max_by_key(|&i| notes[i].1.len())
        .expect("notes");
    let typical = (0..notes.len())
        .min_by_key(|&i| notes[i].1.len().abs_diff(6000))
        .expect("notes");
    Fixture {
        notes,
        large,
        typical,
        _dir: dir,
    }
});

const NOTES: [&str; 2] = ["large", "typical"];

fn note(which: &str) -> &'static (PathBuf, String) {
    let f = &*FIXTURE;
    &f.notes[if which == "large" { f.large } else { f.typical }]
}

fn url(path: &std::path::Path) -> Url {
    Url::from_file_path(path).expect("absolute path")
}

mod parse {
    use super::*;

    /// Our two-level parse (block tree + one inline tree per inline node).
    #[divan::bench(args = NOTES)]
    fn syntax(b: Bencher, which: &str) {
        let text = &note(which).1;
        b.counter(divan::counter::BytesCount::new(text.len()))
            .bench(|| Syntax::parse(black_box(text)));
    }

    /// tree-sitter-md's own `MarkdownParser`: the floor.
    #[divan::bench(args = NOTES)]
    fn tree_sitter_md(b: Bencher, which: &str) {
        let text = &note(which).1;
        let mut parser = tree_sitter_md::MarkdownParser::default();
        b.counter(divan::counter::BytesCount::new(text.len()))
            .bench_local(|| parser.parse(black_box(text.as_bytes()), None));
    }
}

mod extract {
    use super::*;

    /// Syntax → model.
    #[divan::bench(args = NOTES)]
    fn model(b: Bencher, which: &str) {
        let text = &note(which).1;
        let syntax = Syntax::parse(text);
        b.counter(divan::counter::BytesCount::new(text.len()))
            .bench(|| talknotes_ls::extract::extract(black_box(text), &syntax, Some("note.md")));
    }

    /// Text → NoteFile (parse, extract, line index): what indexing does per file.
    #[divan::bench(args = NOTES)]
    fn analyse(b: Bencher, which: &str) {
        let (path, text) = note(which);
        let u = url(path);
        b.counter(divan::counter::BytesCount::new(text.len()))
            .bench(|| NoteFile::analyse(u.clone(), black_box(text), None));
    }
}

mod incremental {
    use super::*;

    /// A spot in the middle of the note: the end of a line.
    fn middle_line_end(text: &str) -> Position {
        let lines = LineIndex::new(text);
        let line = lines.line_count() / 2;
        let start = lines.line_start(line).unwrap_or(0);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        lines.position(text, end, PositionEncoding::Utf16)
    }

    /// One character typed then deleted in an open document: rope, line
    /// index and incremental reparse (two edits per iteration).
    #[divan::bench(args = NOTES)]
    fn type_and_delete(b: Bencher, which: &str) {
        let text = &note(which).1;
        let at = middle_line_end(text);
        let after = Position::new(at.line, at.character + 1);
        let mut doc = Document::new(text, 0);
        let mut v = 0;
        b.bench_local(|| {
            v += 2;
            doc.apply_changes(
                &[TextChange::replace(at, at, "x")],
                v - 1,
                PositionEncoding::Utf16,
            );
            doc.apply_changes(
                &[TextChange::replace(at, after, "")],
                v,
                PositionEncoding::Utf16,
            );
        });
    }

    /// One character typed, then the model of the whole file re-extracted
    /// from the updated syntax: the server's per-keystroke analysis.
    #[divan::bench(args = NOTES)]
    fn edit_then_model(b: Bencher, which: &str) {
        let (path, text) = note(which);
        let u = url(path);
        let at = middle_line_end(text);
        let after = Position::new(at.line, at.character + 1);
        let mut doc = Document::new(text, 0);
        let mut v = 0;
        b.bench_local(|| {
            v += 1;
            let change = if v % 2 == 1 {
                TextChange::replace(at, at, "x")
            } else {
                TextChange::replace(at, after, "")
            };
            doc.apply_changes(&[change], v, PositionEncoding::Utf16);
            let text = doc.text();
            NoteFile::from_syntax(u.clone(), &text, doc.syntax(), Some(v))
        });
    }
}

mod position {
    use super::*;

    const ENCODINGS: [PositionEncoding; 3] = [
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ];

    /// 1,000 byte offsets spread over the large note → line/character.
    #[divan::bench(args = ENCODINGS)]
    fn offset_to_position(b: Bencher, enc: PositionEncoding) {
        let text = &note("large").1;
        let lines = LineIndex::new(text);
        let offsets: Vec<usize> = (0..1000)
            .map(|i| {
                let o = i * text.len() / 1000;
                (o..).find(|&o| text.is_char_boundary(o)).unwrap_or(0)
            })
            .collect();
        b.bench(|| {
            for &o in &offsets {
                black_box(lines.position(text, o, enc));
            }
        });
    }

    /// The reverse, 1,000 positions.
    #[divan::bench(args = ENCODINGS)]
    fn position_to_offset(b: Bencher, enc: PositionEncoding) {
        let text = &note("large").1;
        let lines = LineIndex::new(text);
        let positions: Vec<Position> = (0..1000)
            .map(|i| {
                let o = i * text.len() / 1000;
                let o = (o..).find(|&o| text.is_char_boundary(o)).unwrap_or(0);
                lines.position(text, o, enc)
            })
            .collect();
        b.bench(|| {
            for &p in &positions {
                black_box(lines.offset(text, p, enc));
            }
        });
    }

    /// Building the line index of the large note.
    #[divan::bench]
    fn line_index(b: Bencher) {
        let text = &note("large").1;
        b.bench(|| LineIndex::new(black_box(text)));
    }
}

mod workspace {
    use super::*;
    use talknotes_ls::analysis::Snapshot;
    use talknotes_ls::config::Settings;

    fn files() -> Vec<Arc<NoteFile>> {
        FIXTURE
            .notes
            .iter()
            .map(|(p, t)| Arc::new(NoteFile::analyse(url(p), t, None)))
            .collect()
    }

    /// The cross-file facts of 100 notes.
    #[divan::bench]
    fn facts(b: Bencher) {
        let files = files();
        b.bench(|| talknotes_ls::index::Facts::build(&files, Default::default()));
    }

    /// One speaker renamed in a note of 100, then back (two updates per
    /// iteration): what `IncrementalIndex::apply` costs, with nothing
    /// holding the facts (`free`) or with each edit's facts held by a
    /// snapshot while the next is applied (`held`).
    #[divan::bench(args = ["free", "held"])]
    fn speaker_edit_update(b: Bencher, hold: &str) {
        use talknotes_ls::index::IncrementalIndex;
        let files = files();
        let original = files
            .iter()
            .find(|f| f.model.talks.iter().any(|t| !t.speakers.is_empty()))
            .expect("a note with a speaker")
            .clone();
        let speaker = original
            .model
            .talks
            .iter()
            .find_map(|t| t.speakers.first())
            .expect("a speaker");
        let mut text = original.text().to_string();
        text.insert(speaker.range().end, 'x');
        let renamed = Arc::new(NoteFile::analyse((*original.url).clone(), &text, None));
        let u = original.url.clone();
        let mut index = IncrementalIndex::new(files, Default::default());
        let mut snapshot = None;
        b.bench_local(|| {
            for file in [&renamed, &original] {
                if hold == "held" {
                    snapshot = Some(index.facts());
                }
                index.apply(std::slice::from_ref(&u), |_| Some(file.clone()));
            }
        });
        drop(snapshot);
    }

    /// Every rule on one note, against the facts of 100 notes.
    #[divan::bench(args = NOTES)]
    fn check(b: Bencher, which: &str) {
        let files = files();
        let snapshot = Snapshot::new(files, None, Arc::new(Settings::default()), Vec::new());
        let u = url(&note(which).0);
        b.bench(|| snapshot.check(&u));
    }
}
