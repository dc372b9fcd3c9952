//! The talk-notes model of one file: plain data, byte ranges into the file's
//! text, no protocol types. Built by [`crate::extract`], read by rules,
//! navigation, `--check` and the export.
//!
//! The serde derives are the persistent index cache's format
//! ([`crate::index_cache`], postcard): no internally tagged enums
//! (`#[serde(tag = ...)]`) and no `skip_serializing_if` here, which postcard
//! cannot read back. The export has its own types (`export::model`).

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::intern::Name;
use crate::packed::Packable;

/// A byte range into the file's text.
pub type TextRange = Range<usize>;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileModel {
    pub conference: Option<Conference>,
    pub talks: Vec<Talk>,
    pub headings: Vec<Heading>,
    /// Packed in notes that are not open ([`FileModel::pack`]).
    pub links: Packable<Link>,
    pub link_definitions: Vec<LinkDefinition>,
    /// Packed in notes that are not open, like `links`.
    pub peps: Packable<PepRef>,
    pub issues: Packable<IssueRef>,
    pub libraries: Vec<LibraryMention>,
    pub suppressions: Vec<Suppression>,
    /// Byte ranges of code blocks and front matter: text there is not prose.
    pub code_ranges: Vec<TextRange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conference {
    /// The name as written, without the year (`PyCon US`, `Pycon`).
    pub name: String,
    pub year: Option<u16>,
    pub source: ConferenceSource,
    /// Where the name was read, when it was read from the text.
    pub range: Option<TextRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConferenceSource {
    FrontMatter,
    PelicanHeader,
    FirstLine,
    FileName,
}

/// A talk: its ranges are kept in 32 bits ([`Span`]; ~136,000 talks in
/// the benchmark's 10,000 notes), read back by the methods named like
/// [`TalkParts`]' fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Talk {
    pub title: Arc<str>,
    title_span: Span,
    pub speakers: Vec<Speaker>,
    pub form: TalkForm,
    /// `Keynote: Name`, or a line that is only a person's name.
    pub keynote: bool,
    line_span: Span,
    span: Span,
    notes_span: Option<Span>,
    empty_notes_span: Option<Span>,
    /// Where a missing speaker would be written, and in which style.
    pub speaker_slot: SpeakerSlot,
}

/// A talk as extraction finds it, with plain ranges.
pub struct TalkParts {
    pub title: Arc<str>,
    pub title_range: TextRange,
    pub speakers: Vec<Speaker>,
    pub form: TalkForm,
    pub keynote: bool,
    /// The talk line (heading or list item or paragraph line).
    pub line_range: TextRange,
    /// The whole entry: the talk line and its notes.
    pub range: TextRange,
    /// The notes under the talk line, if any.
    pub notes_range: Option<TextRange>,
    /// A `## Notes` sub-heading with nothing under it.
    pub empty_notes: Option<TextRange>,
    pub speaker_slot: SpeakerSlot,
}

impl Talk {
    pub fn new(p: TalkParts) -> Talk {
        Talk {
            title: p.title,
            title_span: p.title_range.into(),
            speakers: p.speakers,
            form: p.form,
            keynote: p.keynote,
            line_span: p.line_range.into(),
            span: p.range.into(),
            notes_span: p.notes_range.map(Span::from),
            empty_notes_span: p.empty_notes.map(Span::from),
            speaker_slot: p.speaker_slot,
        }
    }

    pub fn title_range(&self) -> TextRange {
        self.title_span.range()
    }

    /// The talk line (heading or list item or paragraph line).
    pub fn line_range(&self) -> TextRange {
        self.line_span.range()
    }

    /// The whole entry: the talk line and its notes.
    pub fn range(&self) -> TextRange {
        self.span.range()
    }

    /// The notes under the talk line, if any.
    pub fn notes_range(&self) -> Option<TextRange> {
        self.notes_span.map(Span::range)
    }

    /// A `## Notes` sub-heading with nothing under it.
    pub fn empty_notes(&self) -> Option<TextRange> {
        self.empty_notes_span.map(Span::range)
    }

    /// Ends the entry, and its notes, at `end` (inside the entry).
    pub fn end_at(&mut self, end: usize) {
        self.span.end = end as u32;
        if let Some(n) = &mut self.notes_span {
            n.end = n.start.max(end as u32);
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// Shared with every other mention of the name in notes read from disk
    /// ([`crate::intern`]).
    #[serde(deserialize_with = "crate::intern::deserialize")]
    pub name: Arc<str>,
    span: Span,
}

impl Speaker {
    pub fn new(name: Arc<str>, range: TextRange) -> Speaker {
        Speaker {
            name,
            span: range.into(),
        }
    }

    pub fn range(&self) -> TextRange {
        self.span.range()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TalkForm {
    Heading { level: u8 },
    ListItem { bold: bool },
    Paragraph,
}

/// Where and how a speaker would be added to a talk line that has none,
/// following the style the file uses for its other talks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakerSlot {
    /// Byte offset where the text goes (end of the title).
    at: u32,
    /// The separator the file's other talks use.
    pub separator: Separator,
    /// The line already ends in a separator (`Title,`): only a space goes
    /// before the name.
    pub after_separator: bool,
}

impl SpeakerSlot {
    pub fn new(offset: usize, separator: Separator, after_separator: bool) -> SpeakerSlot {
        SpeakerSlot {
            at: offset as u32,
            separator,
            after_separator,
        }
    }

    /// Byte offset where the text goes (end of the title).
    pub fn offset(&self) -> usize {
        self.at as usize
    }

    /// The text to insert at `offset` to add `names` as the talk's
    /// speakers, e.g. ` (Ada Example)` or ` - Ada Example`.
    pub fn insertion(&self, names: &str) -> String {
        if self.after_separator {
            return format!(" {names}");
        }
        let (prefix, suffix) = self.separator.affixes();
        format!("{prefix}{names}{suffix}")
    }
}

/// What separates a talk's title from its speakers on the talk line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Separator {
    None,
    /// `Title (Name)`
    Parens,
    /// `Title - Name`
    Hyphen,
    /// `Title – Name` (en or em dash)
    Dash,
    /// `Title, Name`
    Comma,
    /// `"Title" by Name`
    By,
    /// `Keynote: Name`
    Colon,
}

impl Separator {
    /// The text written before and after a speaker added in this style.
    pub fn affixes(self) -> (&'static str, &'static str) {
        match self {
            Separator::Parens => (" (", ")"),
            Separator::Hyphen | Separator::None => (" - ", ""),
            Separator::Dash => (" – ", ""),
            Separator::Comma => (", ", ""),
            Separator::By => (" by ", ""),
            Separator::Colon => (": ", ""),
        }
    }
}

/// Two strings in one allocation. Every note of the workspace keeps its
/// headings (text and anchor) and links (target and text): as two
/// `String`s each, they took 24 bytes more per pair and an allocation
/// more (~290,000 more allocations at 10,000 notes, each with malloc's
/// header).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrPair {
    both: Box<str>,
    split: u32,
}

impl StrPair {
    pub fn new(first: &str, second: &str) -> StrPair {
        let mut both = String::with_capacity(first.len() + second.len());
        both.push_str(first);
        both.push_str(second);
        StrPair {
            both: both.into_boxed_str(),
            split: first.len() as u32,
        }
    }

    pub fn first(&self) -> &str {
        &self.both[..self.split as usize]
    }

    pub fn second(&self) -> &str {
        &self.both[self.split as usize..]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    /// The text, then the GitHub-style anchor
    /// (`#effective-code-review-erik-rose`), unique in the file.
    text_anchor: StrPair,
    pub level: u8,
    span: Span,
}

impl Heading {
    pub fn new(text: &str, anchor: &str, level: u8, range: TextRange) -> Heading {
        Heading {
            text_anchor: StrPair::new(text, anchor),
            level,
            span: Span::from(range),
        }
    }

    /// The whole heading line.
    pub fn range(&self) -> TextRange {
        self.span.range()
    }

    /// The heading's text as shown (markup removed).
    pub fn text(&self) -> &str {
        self.text_anchor.first()
    }

    /// GitHub-style anchor (`effective-code-review-erik-rose`), unique in
    /// the file.
    pub fn anchor(&self) -> &str {
        self.text_anchor.second()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub kind: LinkKind,
    /// The destination as written (for references: the definition's),
    /// then the link text.
    target_text: StrPair,
    span: Span,
    target_span: Span,
}

impl Link {
    pub fn new(
        kind: LinkKind,
        text: &str,
        target: &str,
        range: TextRange,
        target_range: TextRange,
    ) -> Link {
        Link {
            kind,
            target_text: StrPair::new(target, text),
            span: Span::from(range),
            target_span: Span::from(target_range),
        }
    }

    /// The whole link.
    pub fn range(&self) -> TextRange {
        self.span.range()
    }

    /// The destination (for references: the label).
    pub fn target_range(&self) -> TextRange {
        self.target_span.range()
    }

    /// The link text, when it has one (else empty).
    pub fn text(&self) -> &str {
        self.target_text.second()
    }

    /// The destination as written (for references: the definition's).
    pub fn target(&self) -> &str {
        self.target_text.first()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    Inline,
    Image,
    /// `[text][label]`, `[label][]` or `[label]` with a definition.
    Reference {
        label: Box<str>,
        defined: bool,
    },
    Autolink,
    /// A URL written as plain text.
    Bare,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkDefinition {
    pub label: String,
    pub target: String,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PepRef {
    pub number: u32,
    span: Span,
    pub form: PepForm,
    /// Up to a few words following the reference on its line (`Many Linux
    /// wheels`), used to tell whether the number fits what is described.
    pub context: Box<str>,
}

impl PepRef {
    /// `context` as extraction builds it: a `String` moves in, shrunk to
    /// its length, instead of being copied.
    pub fn new(
        number: u32,
        range: TextRange,
        form: PepForm,
        context: impl Into<Box<str>>,
    ) -> PepRef {
        PepRef {
            number,
            span: Span::from(range),
            form,
            context: context.into(),
        }
    }

    pub fn range(&self) -> TextRange {
        self.span.range()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PepForm {
    /// `PEP 484`, `Pep 509`.
    Spaced,
    /// `PEP3156`, `Pep503`.
    Unspaced,
    /// `pep-0509` inside a URL or as a slug.
    Slug,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRef {
    pub tracker: IssueTracker,
    /// The number, when well-formed.
    pub number: Option<u32>,
    /// The token after the prefix as written, for malformed ones (empty
    /// when `number` is set).
    pub written: Box<str>,
    span: Span,
}

impl IssueRef {
    /// Keeps `written` only when `number` is None: only a malformed
    /// reference's is read.
    pub fn new(
        tracker: IssueTracker,
        number: Option<u32>,
        written: &str,
        range: TextRange,
    ) -> IssueRef {
        IssueRef {
            tracker,
            number,
            written: if number.is_none() { written } else { "" }.into(),
            span: Span::from(range),
        }
    }

    pub fn range(&self) -> TextRange {
        self.span.range()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IssueTracker {
    /// `bpo-NNNN`: bugs.python.org.
    Bpo,
    /// `gh-NNNN`: GitHub issues of CPython.
    Gh,
    /// `Issue NNNN`.
    Issue,
}

/// 16 bytes: the start in 32 bits and the length in 16 side by side (a
/// [`Span`] field would be 8 bytes, and the mention 24): ~70 of them per
/// note in the benchmark's workspaces, 680,000 at 10,000 notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryMention {
    /// Shared like [`Speaker::name`], behind one pointer.
    pub name: Name,
    start: u32,
    len: u16,
    pub via: LibraryVia,
}

impl LibraryMention {
    /// A mention at `range`, which extraction keeps under 64 KiB (a name,
    /// or a link's destination; longer is cut there).
    pub fn new(name: Name, range: TextRange, via: LibraryVia) -> LibraryMention {
        LibraryMention {
            name,
            start: range.start as u32,
            len: range.len().min(usize::from(u16::MAX)) as u16,
            via,
        }
    }

    pub fn range(&self) -> TextRange {
        let start = self.start as usize;
        start..start + usize::from(self.len)
    }
}

/// A byte range in 8 bytes instead of 16, for the model's numerous items
/// (talks, speakers, headings, links, PEP and issue references, libraries:
/// ~70 library mentions per note of the benchmark's workspaces). Notes
/// over 4 MiB are not analysed, so offsets fit in 32 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    start: u32,
    end: u32,
}

impl From<TextRange> for Span {
    fn from(r: TextRange) -> Span {
        Span {
            start: r.start as u32,
            end: r.end as u32,
        }
    }
}

impl Span {
    pub fn range(self) -> TextRange {
        self.start as usize..self.end as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LibraryVia {
    CodeSpan,
    PipInstall,
    Import,
    Link,
}

/// A `<!-- talknotes-disable… -->` comment, resolved to the byte range it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Rule codes; empty means every rule.
    pub rules: Vec<String>,
    pub range: TextRange,
}

impl FileModel {
    /// Drops the spare capacity extraction's pushes left in every list: a
    /// note read from disk keeps its model unchanged until the file changes,
    /// and across 10,000 notes the slack is tens of megabytes.
    pub fn shrink_to_fit(&mut self) {
        self.talks.shrink_to_fit();
        for talk in &mut self.talks {
            talk.speakers.shrink_to_fit();
        }
        self.headings.shrink_to_fit();
        self.links.shrink_to_fit();
        self.link_definitions.shrink_to_fit();
        self.peps.shrink_to_fit();
        self.issues.shrink_to_fit();
        self.libraries.shrink_to_fit();
        self.suppressions.shrink_to_fit();
        self.code_ranges.shrink_to_fit();
    }

    /// Packs what only a few requests read in a note that is not open (its
    /// links, PEP and issue references; see [`crate::packed`]).
    pub fn pack(&mut self) {
        self.links.pack();
        self.peps.pack();
        self.issues.pack();
    }

    /// Is `rule` switched off at byte `offset` by a suppression comment?
    pub fn is_suppressed(&self, rule: &str, offset: usize) -> bool {
        self.suppressions.iter().any(|s| {
            s.range.contains(&offset) && (s.rules.is_empty() || s.rules.iter().any(|r| r == rule))
        })
    }

    /// Is `offset` inside a code block or front matter?
    pub fn in_code(&self, offset: usize) -> bool {
        self.code_ranges.iter().any(|r| r.contains(&offset))
    }

    /// The talk whose entry contains `offset`.
    pub fn talk_at(&self, offset: usize) -> Option<(usize, &Talk)> {
        self.talks
            .iter()
            .enumerate()
            .find(|(_, t)| t.range().contains(&offset))
    }
}

impl Talk {
    pub fn has_speaker(&self) -> bool {
        !self.speakers.is_empty()
    }
}

#[cfg(test)]
mod pair_tests {
    use super::*;

    #[test]
    fn compact_items_give_back_what_they_were_made_of() {
        for (a, b) in [
            ("", ""),
            ("", "x"),
            ("x", ""),
            ("Łukasz", "langa-🐍"),
            ("ab", "cd"),
        ] {
            let p = StrPair::new(a, b);
            assert_eq!((p.first(), p.second()), (a, b));
        }
        let link = Link::new(LinkKind::Inline, "the text", "2019.md#a", 3..20, 13..19);
        assert_eq!((link.text(), link.target()), ("the text", "2019.md#a"));
        let h = Heading::new("Effective Code Review", "effective-code-review-1", 2, 0..24);
        assert_eq!(
            (h.text(), h.anchor()),
            ("Effective Code Review", "effective-code-review-1")
        );
        let mut talk = Talk::new(TalkParts {
            title: "Effective Code Review".into(),
            title_range: 2..23,
            speakers: vec![Speaker::new("Erik Rose".into(), 25..34)],
            form: TalkForm::Heading { level: 1 },
            keynote: false,
            line_range: 0..35,
            range: 0..900,
            notes_range: Some(36..900),
            empty_notes: None,
            speaker_slot: SpeakerSlot::new(23, Separator::Parens, false),
        });
        assert_eq!(
            (talk.title_range(), talk.line_range(), talk.range()),
            (2..23, 0..35, 0..900)
        );
        assert_eq!(
            (talk.notes_range(), talk.empty_notes()),
            (Some(36..900), None)
        );
        assert_eq!(
            (talk.speakers[0].range(), talk.speaker_slot.offset()),
            (25..34, 23)
        );
        // A nested talk heading at 500 ends it, and its notes.
        talk.end_at(500);
        assert_eq!((talk.range(), talk.notes_range()), (0..500, Some(36..500)));
        talk.end_at(20);
        assert_eq!(talk.notes_range(), Some(36..36));
        let lib = LibraryMention::new("attrs".into(), 4_000_000..4_000_005, LibraryVia::Import);
        assert_eq!(lib.range(), 4_000_000..4_000_005);
    }

    /// 16 bytes; a range of 64 KiB or more is cut there.
    #[test]
    fn a_library_mention_is_16_bytes() {
        assert_eq!(std::mem::size_of::<LibraryMention>(), 16);
        let lib = LibraryMention::new("attrs".into(), 10..10 + 70_000, LibraryVia::Link);
        assert_eq!(lib.range(), 10..10 + 65_535);
    }
}
