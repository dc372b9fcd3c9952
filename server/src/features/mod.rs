//! Editor features: each a plain function over a [`Snapshot`] and byte
//! offsets, returning plain structs with byte ranges. `crate::lsp::features`
//! turns them into protocol types; nothing here knows LSP.
//!
//! | module | feature |
//! |---|---|
//! | [`target`] | what is under the cursor (speaker, talk, PEP, issue, library, link, heading) |
//! | [`completion`] | speakers, libraries, PEPs, link targets and link texts |
//! | [`navigation`] | definition and references |
//! | [`rename`] | speakers and headings (with their `#anchor` links) |
//! | [`symbols`] | document and workspace symbols |
//! | [`hover`] | PEPs, speakers, talks, libraries, issues |
//! | [`links`] | document links: PEPs, CPython issues, schedule and video pages |
//! | [`actions`] | "fix all of this kind in the file" |
//! | [`file_moves`] | the link edits that follow renamed or moved notes and folders |
//! | [`inlay`] | PEP titles after PEP references |
//! | [`semantic`] | semantic tokens |
//! | [`structure`] | folding ranges and selection ranges |
//! | [`installed`] | the Python distributions installed for `python3` |

pub mod actions;
pub mod completion;
pub mod file_moves;
pub mod hover;
pub mod inlay;
pub mod installed;
pub mod links;
pub mod navigation;
pub mod rename;
pub mod semantic;
pub mod structure;
pub mod symbols;
pub mod target;

#[cfg(test)]
pub mod fixture;

use url::Url;

use crate::analysis::Snapshot;
use crate::index::NoteFile;
use crate::model::TextRange;

/// A range in some file of the workspace.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub url: Url,
    pub range: TextRange,
}

impl Location {
    pub fn new(url: &Url, range: TextRange) -> Location {
        Location {
            url: url.clone(),
            range,
        }
    }
}

/// Replace `range` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// Does `range` hold the cursor at `offset`? A cursor just after a word is
/// on it, as editors place it after typing.
pub fn touches(range: &TextRange, offset: usize) -> bool {
    range.start <= offset && offset <= range.end
}

/// The byte range of the line holding `offset`, without its line break.
pub fn line_at(text: &str, offset: usize) -> TextRange {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let end = if end > start && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    start..end.max(start)
}

/// Orders locations the way a person expects them: the current file first
/// (in text order), then the other files by their conference, most recent
/// first.
pub fn sort_locations(snapshot: &Snapshot, current: &Url, locations: &mut Vec<Location>) {
    let year = |u: &Url| snapshot.facts.conferences.get(u).and_then(|c| c.year);
    locations.sort_by(|a, b| {
        (a.url != *current)
            .cmp(&(b.url != *current))
            .then_with(|| year(&b.url).cmp(&year(&a.url)))
            .then_with(|| a.url.cmp(&b.url))
            .then_with(|| a.range.start.cmp(&b.range.start))
    });
    locations.dedup();
}

/// The note a URL names, for messages (`pycon-2017.md`).
pub fn file_name(snapshot: &Snapshot, url: &Url) -> String {
    snapshot
        .file(url)
        .map(|f| f.display_name())
        .unwrap_or_else(|| url.to_string())
}

/// The conference of a file, as shown to a person.
pub fn conference_of(snapshot: &Snapshot, file: &NoteFile) -> String {
    snapshot
        .facts
        .conferences
        .get(&file.url)
        .map(|c| c.label.to_string())
        .unwrap_or_else(|| crate::index::conference_label(file).label.to_string())
}

/// The page of a PEP on peps.python.org.
pub fn pep_url(number: u32) -> String {
    format!("https://peps.python.org/pep-{number:04}/")
}
