//! Multi-file test fixtures with a cursor and expected ranges, in the
//! manner of texlab's `test-utils` fixtures:
//!
//! ```text
//! //- /pycon-2017.md
//! # Grok the GIL (Ada Example)
//!                  |
//! //- /pycon-2018.md
//! # Another Talk (Ada Example)
//!                 ^^^^^^^^^^^
//! ```
//!
//! `//- /path` starts a file (paths are under the workspace root `/ws`). A
//! line of only spaces, `|` and `^` is not part of the file: it marks the
//! line above it — `|` the cursor, each run of `^` an expected range (columns
//! count characters). `$0` inside a line is the cursor too.

use std::sync::Arc;

use url::Url;

use crate::analysis::Snapshot;
use crate::config::Settings;
use crate::index::NoteFile;
use crate::model::TextRange;
use crate::pep_index::PepIndex;
use crate::rules::FileSystem;

pub struct FixtureFile {
    pub url: Url,
    pub text: String,
    /// The `^^^` ranges, in order.
    pub ranges: Vec<TextRange>,
}

pub struct Fixture {
    pub files: Vec<FixtureFile>,
    /// The file holding the cursor, and the cursor's byte offset.
    pub cursor: Option<(Url, usize)>,
}

pub const ROOT: &str = "/ws";

pub fn url(path: &str) -> Url {
    Url::from_file_path(format!("{ROOT}{path}")).expect("absolute fixture path")
}

fn is_marker_line(line: &str) -> bool {
    let t = line.trim_end_matches('\n');
    !t.trim().is_empty() && t.chars().all(|c| c == ' ' || c == '|' || c == '^')
}

/// The byte offset of character column `col` in `line` (clamped to its end).
fn byte_at_column(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col)
        .map_or(line.trim_end_matches('\n').len(), |(i, _)| i)
}

impl Fixture {
    pub fn parse(fixture: &str) -> Fixture {
        let mut files: Vec<FixtureFile> = Vec::new();
        let mut cursor = None;
        // (file index, offset of the last content line's start)
        let mut last_line: Option<usize> = None;
        for line in fixture.split_inclusive('\n') {
            if let Some(path) = line.strip_prefix("//- ") {
                files.push(FixtureFile {
                    url: url(path.trim()),
                    text: String::new(),
                    ranges: Vec::new(),
                });
                last_line = None;
                continue;
            }
            if files.is_empty() {
                files.push(FixtureFile {
                    url: url("/notes.md"),
                    text: String::new(),
                    ranges: Vec::new(),
                });
            }
            let file = files.last_mut().expect("a file");
            if is_marker_line(line) {
                let start = last_line.expect("a marker line follows a line of the file");
                let content = &file.text[start..];
                let marks: Vec<char> = line.trim_end_matches('\n').chars().collect();
                let mut col = 0;
                while col < marks.len() {
                    match marks[col] {
                        '|' => {
                            cursor = Some((file.url.clone(), start + byte_at_column(content, col)));
                            col += 1;
                        }
                        '^' => {
                            let from = col;
                            while col < marks.len() && marks[col] == '^' {
                                col += 1;
                            }
                            file.ranges.push(
                                start + byte_at_column(content, from)
                                    ..start + byte_at_column(content, col),
                            );
                        }
                        _ => col += 1,
                    }
                }
                continue;
            }
            let start = file.text.len();
            match line.find("$0") {
                Some(i) => {
                    cursor = Some((file.url.clone(), start + i));
                    file.text.push_str(&line[..i]);
                    file.text.push_str(&line[i + 2..]);
                }
                None => file.text.push_str(line),
            }
            last_line = Some(start);
        }
        for f in &mut files {
            f.ranges.sort_by_key(|r| r.start);
        }
        Fixture { files, cursor }
    }

    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_with(None, Settings::default())
    }

    pub fn snapshot_with_peps(&self) -> Snapshot {
        self.snapshot_with(Some(Arc::new(test_peps())), Settings::default())
    }

    pub fn snapshot_with(&self, peps: Option<Arc<PepIndex>>, settings: Settings) -> Snapshot {
        let files: Vec<Arc<NoteFile>> = self
            .files
            .iter()
            .map(|f| Arc::new(NoteFile::analyse(f.url.clone(), &f.text, Some(1))))
            .collect();
        let mut s = Snapshot::new(files, peps, Arc::new(settings), vec![ROOT.into()]);
        s.fs = Arc::new(FixtureFs(
            self.files
                .iter()
                .filter_map(|f| f.url.to_file_path().ok())
                .collect(),
        ));
        s
    }

    /// The cursor: file and offset. Panics when the fixture has none.
    pub fn cursor(&self) -> (Url, usize) {
        self.cursor.clone().expect("the fixture marks a cursor")
    }

    /// Every `^^^` range, file by file in fixture order.
    pub fn expected(&self) -> Vec<(Url, TextRange)> {
        self.files
            .iter()
            .flat_map(|f| f.ranges.iter().map(|r| (f.url.clone(), r.clone())))
            .collect()
    }

    pub fn text(&self, url: &Url) -> &str {
        &self
            .files
            .iter()
            .find(|f| f.url == *url)
            .expect("a fixture file")
            .text
    }
}

/// Only the fixture's files exist.
struct FixtureFs(Vec<std::path::PathBuf>);

impl FileSystem for FixtureFs {
    fn exists(&self, path: &std::path::Path) -> bool {
        self.0.iter().any(|p| p == path)
    }
}

/// A small PEP index in peps.json's format, written for the tests.
pub fn test_peps() -> PepIndex {
    let json = r#"{
      "8": {"number": 8, "title": "Style Guide for Python Code", "authors": "Guido van Rossum, Barry Warsaw, Alyssa Coghlan", "status": "Active", "type": "Process", "url": "https://peps.python.org/pep-0008/"},
      "484": {"number": 484, "title": "Type Hints", "authors": "Guido van Rossum, Jukka Lehtosalo, Łukasz Langa", "status": "Final", "type": "Standards Track", "url": "https://peps.python.org/pep-0484/"},
      "492": {"number": 492, "title": "Coroutines with async and await syntax", "authors": "Yury Selivanov", "status": "Final", "type": "Standards Track", "url": "https://peps.python.org/pep-0492/"},
      "503": {"number": 503, "title": "Simple Repository API", "authors": "Donald Stufft", "status": "Final", "type": "Standards Track", "url": "https://peps.python.org/pep-0503/"},
      "509": {"number": 509, "title": "Add a private version to dict", "authors": "Victor Stinner", "status": "Superseded", "type": "Standards Track", "url": "https://peps.python.org/pep-0509/"},
      "513": {"number": 513, "title": "A Platform Tag for Portable Linux Built Distributions", "authors": "Robert T. McGibbon, Nathaniel J. Smith", "status": "Superseded", "type": "Informational", "url": "https://peps.python.org/pep-0513/"},
      "3156": {"number": 3156, "title": "Asynchronous IO Support Rebooted: the asyncio Module", "authors": "Guido van Rossum", "status": "Final", "type": "Standards Track", "url": "https://peps.python.org/pep-3156/"},
      "525": {"number": 525, "title": "Asynchronous Generators", "authors": "Yury Selivanov", "status": "Final", "type": "Standards Track", "url": "https://peps.python.org/pep-0525/"}
    }"#;
    PepIndex::from_json(json, "test").expect("the test PEP index parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_cursor_and_files() {
        let f =
            Fixture::parse("//- /a.md\n# Tälk (Ada Example)\n         |  ^^^\n//- /b.md\nx $0y\n");
        assert_eq!(f.files.len(), 2);
        assert_eq!(f.files[0].text, "# Tälk (Ada Example)\n");
        // Columns count characters: `ä` is two bytes.
        assert_eq!(&f.files[0].text[f.files[0].ranges[0].clone()], "Exa");
        assert_eq!(f.files[1].text, "x y\n");
        assert_eq!(f.cursor, Some((url("/b.md"), 2)));
        let g = Fixture::parse("# T (Ada)\n      |\n");
        assert_eq!(g.cursor, Some((url("/notes.md"), 6)));
        assert_eq!(&g.files[0].text[6..], "da)\n");
    }
}
