//! Property test: random edit sequences applied to a `Document` and, with
//! the same clamping (via `position::LineIndex`), to a reference `String`.
//! After every call the rope equals the reference, the incrementally
//! maintained syntax is in pieces cut where cuts are allowed, each piece's
//! syntax dumping exactly like a fresh parse of the piece's text, and
//! the model extracted with the document's memo (pieces of earlier versions
//! reused) equals the model extracted from scratch, settling steps between
//! the edits included.
//!
//! 200 cases by default; set PROPTEST_CASES for more.

use std::borrow::Cow;

use proptest::prelude::*;
use talknotes_ls::document::{Document, Settling, TextChange};
use talknotes_ls::extract::{extract, extract_in_pieces, extract_with};
use talknotes_ls::index::NoteFile;
use talknotes_ls::position::{LineIndex, Position, PositionEncoding};
use talknotes_ls::syntax::Syntax;

const FRAGMENTS: &[&str] = &[
    "# ",
    "## ",
    "* ",
    "- ",
    "\n",
    "\n\n",
    "[a](b)",
    "[a]",
    "[a]: b\n",
    "`",
    "**",
    "_",
    "–",
    "’",
    "•",
    "é",
    "🐍",
    "\r\n",
    "> ",
    "1. ",
    "  ",
    "    ",
    "|",
    "| a |\n|---|\n",
    "```\n",
    "---\n",
    "a",
    "b",
    "x",
    "y",
    " ",
    "word ",
    "<",
    "!",
    "\\",
];

fn fragment_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..max).prop_map(|v| v.concat())
}

fn encoding() -> impl Strategy<Value = PositionEncoding> {
    prop_oneof![
        Just(PositionEncoding::Utf16),
        Just(PositionEncoding::Utf8),
        Just(PositionEncoding::Utf32),
    ]
}

/// Lines and columns reach past the text to exercise clamping.
fn position() -> impl Strategy<Value = Position> {
    (
        0u32..14,
        prop_oneof![4 => 0u32..12, 1 => 0u32..80, 1 => Just(u32::MAX)],
    )
        .prop_map(|(line, character)| Position::new(line, character))
}

fn change() -> impl Strategy<Value = TextChange> {
    prop_oneof![
        30 => (position(), position(), fragment_text(4))
            .prop_map(|(a, b, text)| TextChange::replace(a, b, text)),
        1 => fragment_text(30).prop_map(TextChange::full),
    ]
}

/// One `apply_changes` call: one or a few changes in one encoding.
fn batch() -> impl Strategy<Value = (Vec<TextChange>, PositionEncoding)> {
    (
        prop_oneof![3 => prop::collection::vec(change(), 1..2), 1 => prop::collection::vec(change(), 2..5)],
        encoding(),
    )
}

/// The reference: the same clamped edit applied to a `String`.
fn apply_reference(text: &mut String, change: &TextChange, enc: PositionEncoding) {
    match change.range {
        None => *text = change.text.clone(),
        Some((a, b)) => {
            let index = LineIndex::new(text);
            let a = index.offset(text, a, enc);
            let b = index.offset(text, b, enc);
            text.replace_range(a.min(b)..a.max(b), &change.text);
        }
    }
}

/// The document's model, extracted the way an open document is: with its
/// memo, which keeps the pieces of the previous version.
fn memo_model(doc: &mut Document) -> talknotes_ls::model::FileModel {
    let text = doc.text();
    let (syntax, memo) = doc.syntax_and_memo();
    extract_with(&text, syntax, None, Some(memo))
}

/// How long an open document's pieces are cut: at every allowed place,
/// at most of them (so that edits make pieces long enough to be cut
/// again), or as the server cuts them (a short text is one piece).
fn piece_size() -> impl Strategy<Value = usize> {
    prop_oneof![Just(1), Just(24), Just(talknotes_ls::pieced::PIECE)]
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn incremental_document_equals_fresh_parse(
        initial in fragment_text(40),
        batches in prop::collection::vec(batch(), 1..12),
        settle in prop::collection::vec(prop::option::of(0..Settling::STEPS), 12),
        min_piece in piece_size(),
    ) {
        let mut doc = Document::new_in_pieces(&initial, 0, min_piece);
        let mut reference = initial.clone();
        for (version, (changes, enc)) in batches.iter().enumerate() {
            // Settling (the server's idle-time reparses) between edits
            // changes neither the tree nor what later edits make of it.
            if let Some(step) = settle[version] {
                let mut copy = doc.settling().unwrap();
                copy.step(step);
                prop_assert!(doc.take_settled(copy).is_ok());
            }
            doc.apply_changes(changes, version as i32 + 1, *enc);
            for change in changes {
                apply_reference(&mut reference, change, *enc);
            }
            prop_assert_eq!(doc.version(), version as i32 + 1);
            prop_assert_eq!(doc.rope().to_string(), reference.clone());
            prop_assert_eq!(doc.line_index(), &LineIndex::new(&reference));
            prop_assert_eq!(doc.syntax().verify(&reference), Ok(()));
            let fresh = Syntax::parse(&reference);
            let model = extract(&reference, &fresh, None);
            prop_assert_eq!(memo_model(&mut doc), model.clone());
            // A note read from disk: its inline trees parsed one at a time.
            let block_only = Syntax::parse_block_only(&reference);
            prop_assert_eq!(extract(&reference, &block_only, None), model.clone());
            // Read in pieces, cut wherever a cut is allowed.
            prop_assert_eq!(extract_in_pieces(&reference, None, 0), model);
        }
    }

    #[test]
    fn conversions_agree_with_the_reference(
        text in fragment_text(40),
        pos in position(),
        offset in 0usize..200,
        enc in encoding(),
    ) {
        let doc = Document::new(&text, 0);
        let index = LineIndex::new(&text);
        let rope = doc.rope();
        let o = doc.offset_at(pos, enc);
        prop_assert_eq!(o, index.offset(&text, pos, enc));
        prop_assert_eq!(o, talknotes_ls::position::offset(rope, pos, enc));
        prop_assert!(text.is_char_boundary(o));
        let p = doc.position_at(offset, enc);
        prop_assert_eq!(p, index.position(&text, offset, enc));
        prop_assert_eq!(p, talknotes_ls::position::position(rope, offset, enc));
        // A position produced from an offset converts back to that offset
        // (offsets between \r and \n excepted: they clamp before the \r).
        let floor = (0..=offset.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap();
        if !(floor > 0 && text.as_bytes()[floor - 1] == b'\r' && text.as_bytes().get(floor) == Some(&b'\n')) {
            prop_assert_eq!(doc.offset_at(p, enc), floor);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// A note the server read from disk leaves its text there: it must
    /// read back byte for byte while the file is unchanged, blank (same
    /// length and lines) once it changed, and convert positions without
    /// it (the ASCII-line shortcut included) exactly as the held text does.
    #[test]
    fn a_note_left_on_disk_reads_back_its_text_and_positions(
        text in fragment_text(40),
        offset in 0usize..200,
        enc in encoding(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2019.md");
        std::fs::write(&path, &text).unwrap();
        let (read, stamp) = talknotes_ls::discover::read_notes_stamped(&path).unwrap();
        prop_assert_eq!(&read, &text);
        let url = url::Url::from_file_path(&path).unwrap();
        let held = NoteFile::analyse(url.clone(), &text, None);
        let on_disk = NoteFile::analyse(url, &text, None).with_disk(stamp);
        prop_assert!(matches!(held.text(), Cow::Borrowed(_)));
        prop_assert!(matches!(on_disk.text(), Cow::Owned(_)));
        prop_assert_eq!(on_disk.text(), text.as_str());
        prop_assert_eq!(on_disk.text_len(), text.len());
        let want = LineIndex::new(&text).position(&text, offset, enc);
        prop_assert_eq!(held.position(offset, enc), want);
        prop_assert_eq!(on_disk.position(offset, enc), want);
        std::fs::write(&path, format!("{text}!")).unwrap();
        let blank = on_disk.text();
        prop_assert_eq!(blank.len(), text.len());
        let lines = |t: &str| t.match_indices('\n').map(|(i, _)| i).collect::<Vec<_>>();
        prop_assert_eq!(lines(&blank), lines(&text));
        prop_assert!(blank.bytes().all(|b| b == b' ' || b == b'\n'));
    }
}

/// A talk-notes shaped document (a few KB) so that edits land among many
/// inline trees that must be kept, shifted or reparsed.
fn notes() -> String {
    let mut text = String::from("# PyCon US 2024 – notes\n\n");
    for i in 0..12 {
        text.push_str(&format!(
            "## Talk {i}: Typing’s *good* parts\n\n\
             Speaker: Jane Doe • [slides](https://example.com/{i}) see PEP 484\n\n\
             * point one with `code` and **bold**\n\
             * point two\n  continued line 🐍\n\
             \x20 - nested é\n\
             > quoted [ref{i}]\n\
             > more text\n\n\
             | a | b |\n|---|---|\n| *x* | {i} |\n\n\
             [ref{i}]: https://example.com/r{i}\n\n"
        ));
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases() / 8 + 1))]

    #[test]
    fn edits_in_a_larger_document(
        batches in prop::collection::vec(
            (prop::collection::vec(
                ((0u32..130, 0u32..50), (0u32..3, 0u32..50), fragment_text(4)),
                1..4,
            ), encoding()),
            1..8,
        ),
        min_piece in piece_size(),
    ) {
        let initial = notes();
        let mut doc = Document::new_in_pieces(&initial, 0, min_piece);
        let mut reference = initial;
        for (version, (changes, enc)) in batches.iter().enumerate() {
            // Mostly short ranges: the end is a few lines/columns after the start.
            let changes: Vec<TextChange> = changes
                .iter()
                .map(|&((line, col), (dl, dc), ref text)| {
                    let start = Position::new(line, col);
                    let end = if dl == 0 {
                        Position::new(line, col + dc % 6)
                    } else {
                        Position::new(line + dl - 1, dc)
                    };
                    TextChange::replace(start, end, text.clone())
                })
                .collect();
            doc.apply_changes(&changes, version as i32 + 1, *enc);
            for change in &changes {
                apply_reference(&mut reference, change, *enc);
            }
            prop_assert_eq!(doc.rope().to_string(), reference.clone());
            prop_assert_eq!(doc.syntax().verify(&reference), Ok(()));
            let fresh = Syntax::parse(&reference);
            let model = extract(&reference, &fresh, None);
            prop_assert_eq!(memo_model(&mut doc), model.clone());
            // A note read from disk: its inline trees parsed one at a time.
            let block_only = Syntax::parse_block_only(&reference);
            prop_assert_eq!(extract(&reference, &block_only, None), model.clone());
            // Read in pieces, cut wherever a cut is allowed.
            prop_assert_eq!(extract_in_pieces(&reference, None, 0), model);
        }
    }
}

/// A one-character edit in the middle of a talk-notes document re-queries
/// the one inline tree it touched; every other piece is reused, and the
/// outline is the previous one moved.
#[test]
fn an_edit_recomputes_only_the_pieces_it_touched() {
    let initial = notes();
    let mut doc = Document::new(&initial, 0);
    let _ = memo_model(&mut doc);
    let (_, memo) = doc.syntax_and_memo();
    let (computed, reused) = memo.last_run();
    assert!(
        computed > 20 && reused > 0,
        "{computed} computed, {reused} reused"
    );

    // Line 40 is a `Speaker:` line of a talk in the middle.
    let at = Position::new(40, 3);
    doc.apply_changes(
        &[TextChange::replace(at, at, "x")],
        1,
        PositionEncoding::Utf8,
    );
    let model = memo_model(&mut doc);
    let (_, memo) = doc.syntax_and_memo();
    let (computed, reused) = memo.last_run();
    assert_eq!(computed, 1, "{reused} reused");
    assert!(reused > 30);
    assert!(
        memo.outline_moved(),
        "the outline is moved, not walked again"
    );
    let text = doc.text();
    assert_eq!(model, extract(&text, &Syntax::parse(&text), None));
}

/// How lines of notes start: headings at every depth and indent, fences
/// (opened, closed, in list items and quotes), HTML blocks of every type
/// that spans blank lines, front matter, setext underlines. A note may
/// start with a byte order mark.
const LINE_STARTS: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "# ",
    "# ",
    "# ",
    "## ",
    "## ",
    "### ",
    "#",
    "  # ",
    "    # ",
    "\t# ",
    "```",
    "```py",
    "``` a`b",
    "~~~",
    "````",
    "  ```",
    "   ~~~",
    "- ",
    "- ```",
    "  ",
    "> ",
    "> ```",
    "1. ",
    "<!--",
    "-->",
    "  <!--",
    "<pre>",
    "</pre>",
    "<PRE ",
    "<?",
    "?>",
    "<!DOC",
    ">",
    "<![CDATA[",
    "]]>",
    "<script",
    "</script>",
    "<div>",
    "---",
    "+++",
    "===",
    "| a |",
    "[a]: b",
    "* ",
];
const LINE_ENDS: &[&str] = &[
    "",
    "",
    "x",
    "Talk (Ann Lee)",
    "Talk (Ann Lee)",
    "Talk by Bo Li",
    "Notes",
    "[a](b)",
    "`c`",
    "PEP 8",
    "#",
    "```",
    "-->",
    "é",
    "[a]",
    "[a\0",
];

fn lines_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (
                prop::sample::select(LINE_STARTS),
                prop::sample::select(LINE_ENDS),
            ),
            0..40,
        ),
        any::<bool>(),
        prop::sample::select(&["", "", "", "\u{feff}"][..]),
        prop::sample::select(&[true, true, true, false][..]),
    )
        .prop_map(|(lines, crlf, bom, last_eol)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let lines = lines.iter().map(|(a, b)| format!("{a}{b}{eol}"));
            let mut text: String = std::iter::once(bom.to_string()).chain(lines).collect();
            if !last_eol {
                // A last line without a line ending.
                text.truncate(text.trim_end_matches(['\r', '\n']).len());
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases() * 5))]

    /// A note read from disk in pieces (cut at every top-level heading a
    /// cut is allowed before) has the model of one parse.
    #[test]
    fn a_note_read_in_pieces_has_the_model_of_one_parse(text in lines_text()) {
        let whole = extract(&text, &Syntax::parse(&text), None);
        prop_assert_eq!(extract_in_pieces(&text, None, 0), whole);
    }
}
