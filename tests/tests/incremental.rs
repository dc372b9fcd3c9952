//! Incremental didChange with multi-byte text (`–`, `’`, `•`, `é`, 🐍) in
//! each negotiated position encoding: the server's copy of the document
//! (`talknotes/documentText`) must equal the text the client computed, and
//! diagnostic ranges after the edits must be in the negotiated encoding.

use serde_json::{json, Value};
use talknotes_e2e::*;

const BASE: &str = "\
Title: PyConf 2023 – Main track
Date: 2023-06-10 10:00

# Keynote: Ada Lovelace

## Notes

• It’s the café of algorithms

# Shipping Wheels Without Tears (Grace Hopper)

## Notes

- résumé of PEP3156 – asyncio’s birth

# Caching All The Things

- Invalidate on write
";

/// Position (in `enc`) of the start of the first `needle` in `text`.
fn at(text: &str, needle: &str, enc: Enc) -> (u32, u32) {
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    position(text, i, enc)
}

/// Position (in `enc`) just after the first `needle` in `text`.
fn after(text: &str, needle: &str, enc: Enc) -> (u32, u32) {
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    position(text, i + needle.len(), enc)
}

/// Collects the content changes of one didChange, applying each to the
/// client's copy as it goes (later changes see the earlier ones' result).
struct Batch<'a> {
    text: &'a mut String,
    enc: Enc,
    changes: Vec<Value>,
}

impl Batch<'_> {
    fn replace(&mut self, start: (u32, u32), end: (u32, u32), new: &str) -> &mut Self {
        apply_change(self.text, Some((start, end)), new, self.enc);
        self.changes.push(change_json(start, end, new));
        self
    }
    fn insert_at(&mut self, needle: &str, new: &str) -> &mut Self {
        let p = at(self.text, needle, self.enc);
        self.replace(p, p, new)
    }
    fn insert_after(&mut self, needle: &str, new: &str) -> &mut Self {
        let p = after(self.text, needle, self.enc);
        self.replace(p, p, new)
    }
    fn replace_text(&mut self, old: &str, new: &str) -> &mut Self {
        let (s, e) = (
            at(self.text, old, self.enc),
            after(self.text, old, self.enc),
        );
        self.replace(s, e, new)
    }
    fn send(&mut self, c: &mut Client, uri: &str, version: i64) {
        c.change(
            uri,
            version,
            Value::Array(std::mem::take(&mut self.changes)),
        );
    }
}

fn edit_and_check(offered: Option<&[&str]>, enc: Enc, expected_kind: &str) {
    let ws = Workspace::new();
    let uri = ws.write("pyconf-2023.md", BASE);
    let (mut c, init) = Client::start(&ws.root, offered);
    assert_eq!(init["capabilities"]["positionEncoding"], expected_kind);

    let mut text = BASE.to_string();
    c.open(&uri, &text, 1);
    c.diagnostics_at(&uri, 1);

    let mut b = Batch {
        text: &mut text,
        enc,
        changes: Vec::new(),
    };
    // v2: an emoji at the start of a talk title.
    b.insert_at("Caching All", "🐍 ").send(&mut c, &uri, 2);
    // v3: a replacement whose new text mixes 1-, 2-, 3- and 4-byte chars.
    b.replace_text("Lovelace", "Lovelacé ’🐍’")
        .send(&mut c, &uri, 3);
    // v4: three changes in one notification, each relative to the last:
    // a new line with emoji, a deletion of a 3-byte dash, then an insertion
    // right after an emoji of the line the first change added.
    b.insert_after("café of algorithms", "\n• naïve 🐍🐍 text – ok")
        .replace_text("– ", "")
        .insert_after("naïve 🐍", "é")
        .send(&mut c, &uri, 4);
    assert!(b.text.contains("• naïve 🐍é🐍 text – ok"), "{}", b.text);
    assert!(
        b.text.starts_with("Title: PyConf 2023 Main track"),
        "{}",
        b.text
    );
    assert_eq!(c.document_text(&uri), (b.text.clone(), 4));
    // v5: a line with an unknown PEP after an emoji.
    b.insert_at("- Invalidate", "- 🐍 PEP 9999 is not real\n")
        .send(&mut c, &uri, 5);
    // v6: a range over two lines, both full of multi-byte characters.
    let start = at(b.text, "• It’s", enc);
    let end = after(b.text, "text – ok", enc);
    b.replace(start, end, "• merged ’ line")
        .send(&mut c, &uri, 6);

    let (server_text, version) = c.document_text(&uri);
    assert_eq!(
        server_text, text,
        "the server's copy differs from the client's"
    );
    assert_eq!(version, 6);
    assert!(text.contains("# Keynote: Ada Lovelacé ’🐍’\n"), "{text}");
    assert!(
        text.contains("## Notes\n\n• merged ’ line\n\n# Shipping"),
        "{text}"
    );
    assert!(
        text.contains("# 🐍 Caching All The Things\n\n- 🐍 PEP 9999"),
        "{text}"
    );

    let p = c.diagnostics_at(&uri, 6);
    assert_eq!(
        codes(&p),
        ["pep-format", "missing-speaker", "unknown-pep"],
        "{}",
        pretty(&p)
    );
    let title = "🐍 Caching All The Things";
    for (code, span) in [
        ("pep-format", "PEP3156"),
        ("unknown-pep", "PEP 9999"),
        ("missing-speaker", title),
    ] {
        let d = &with_code(&p, code)[0];
        assert_eq!(d["range"], range_of(&text, span, enc), "{code} in {enc:?}");
        assert_eq!(text_at(&text, &d["range"], enc), span);
    }
    assert_eq!(
        with_code(&p, "missing-speaker")[0]["message"],
        format!("talk “{title}” has no speaker")
    );
}

/// The ranges the tests assert really differ between encodings (else a
/// server answering in the wrong one would pass).
#[test]
fn encodings_differ_on_these_ranges() {
    let t = BASE.replace("Caching All", "🐍 Caching All");
    let title = "🐍 Caching All The Things";
    assert_eq!(
        range_of(&t, title, Enc::Utf16)["end"]["character"],
        2 + 2 + 23
    );
    assert_eq!(
        range_of(&t, title, Enc::Utf8)["end"]["character"],
        2 + 4 + 23
    );
    assert_eq!(
        range_of(&t, "PEP3156", Enc::Utf16)["start"]["character"],
        12
    );
    assert_eq!(range_of(&t, "PEP3156", Enc::Utf8)["start"]["character"], 14);
}

#[test]
fn incremental_edits_utf16_default() {
    edit_and_check(None, Enc::Utf16, "utf-16");
}

#[test]
fn incremental_edits_utf8_negotiated() {
    edit_and_check(Some(&["utf-8", "utf-16"]), Enc::Utf8, "utf-8");
}

#[test]
fn incremental_edits_utf32_negotiated() {
    edit_and_check(Some(&["utf-32", "utf-16"]), Enc::Utf32, "utf-32");
}

/// A position inside a surrogate pair (UTF-16) rounds down to the start of
/// the emoji, as the server documents: the client model does the same.
#[test]
fn position_inside_a_surrogate_pair_rounds_down() {
    let ws = Workspace::new();
    let uri = ws.write("a.md", "x🐍y\n");
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, "x🐍y\n", 1);
    // Character 2 is between the two halves of 🐍: the insert goes before it.
    c.change(&uri, 2, json!([change_json((0, 2), (0, 2), "é")]));
    let mut expected = "x🐍y\n".to_string();
    apply_change(&mut expected, Some(((0, 2), (0, 2))), "é", Enc::Utf16);
    assert_eq!(expected, "xé🐍y\n");
    assert_eq!(c.document_text(&uri), (expected, 2));
}

/// A note the server settles after opening (32 KB or more, hundreds of
/// blocks in a row with no place to cut it into pieces): a line per talk
/// and a short list of notes under it, as real notes of a whole
/// conference often are, each talk line starting with an emoji (a line
/// starting with a letter is a place to cut, and pieces need no settling).
fn long_list_note() -> String {
    let mut text = String::from("# PyCon US 2019 – talks\n\n");
    for i in 0..300 {
        text.push_str(&format!(
            "🎤 Talk number {i} (Ada Lovelace)\n\n\
             * see PEP 484 and `attrs` – note {i}\n\
             * résumé {i} [slides](https://example.org/{i})\n\n"
        ));
    }
    text
}

/// Keystrokes while the server settles the opened note's tree in the
/// background, and after, give what a fresh server says of the same text:
/// the document's copy, and its diagnostics.
#[test]
fn typing_in_a_long_note_while_and_after_it_settles() {
    let ws = Workspace::new();
    let base = long_list_note();
    assert!(base.len() > 32 * 1024, "{} bytes", base.len());
    let uri = ws.write("pycon-us-2019.md", &base);
    // The settling thread logs when it is done (at debug level).
    let mut c = Client::spawn_with_env(
        &[],
        &[("RUST_LOG", Some("warn,talknotes_ls::lsp::settle=debug"))],
    );
    c.initialize(
        &ws.root,
        json!({"pepIndex": pep_fixture().to_str().unwrap()}),
        None,
    );
    c.wait_for_indexing();
    let mut text = base.clone();
    c.open(&uri, &text, 1);
    let before = c.diagnostics_at(&uri, 1);

    let mut b = Batch {
        text: &mut text,
        enc: Enc::Utf16,
        changes: Vec::new(),
    };
    // Right away, racing the settling thread: an unknown PEP mid-list.
    b.insert_after("note 201\n", "* PEP 9999 is not real\n")
        .send(&mut c, &uri, 2);
    // Closing stops settling and opening starts it again: reopen, and wait
    // until it is done.
    c.close(&uri);
    c.open(&uri, b.text, 3);
    c.diagnostics_at(&uri, 3);
    let settled = format!("settled {uri} in");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !c.stderr().contains(&settled) {
        assert!(
            std::time::Instant::now() < deadline,
            "not settled: {}",
            c.stderr()
        );
        c.drain_for(std::time::Duration::from_millis(50));
    }
    b.insert_after("Talk number 250", "x").send(&mut c, &uri, 4);
    b.replace_text("* see PEP 484 and `attrs` – note 4\n", "")
        .send(&mut c, &uri, 5);
    let after = c.diagnostics_at(&uri, 5);
    assert_eq!(c.document_text(&uri), (text.clone(), 5));
    assert_eq!(
        diags(&after).len(),
        diags(&before).len() + 1,
        "one unknown PEP more: {}",
        pretty(&after)
    );
    assert_eq!(
        with_code(&after, "unknown-pep").len(),
        1,
        "{}",
        pretty(&after)
    );

    // A fresh server on the final text says the same.
    let fresh_ws = Workspace::new();
    let fresh_uri = fresh_ws.write("pycon-us-2019.md", &text);
    let (mut fresh, _) = Client::start(&fresh_ws.root, None);
    fresh.open(&fresh_uri, &text, 1);
    let want = fresh.diagnostics_at(&fresh_uri, 1);
    assert_eq!(diags(&after), diags(&want));
}
