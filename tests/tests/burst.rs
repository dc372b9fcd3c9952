//! 200 quick incremental changes sent without waiting for anything: the
//! server must end with the right text and publish the right diagnostics
//! for the final version.

use serde_json::json;
use talknotes_e2e::*;

const BASE: &str = "\
Title: PyConf 2023 - Main track
Date: 2023-06-10 10:00

# Shipping Wheels Without Tears (Grace Hopper)

- Build once, upload everywhere

# Some Talk (

- notes to come
";

const CHANGES: usize = 200;

/// Types `s` char by char at the client's cursor; one didChange each.
fn type_str(
    c: &mut Client,
    uri: &str,
    text: &mut String,
    cursor: &mut usize,
    version: &mut i64,
    s: &str,
) {
    for ch in s.chars() {
        let p = position(text, *cursor, Enc::Utf16);
        *version += 1;
        c.change(uri, *version, json!([change_json(p, p, &ch.to_string())]));
        text.insert(*cursor, ch);
        *cursor += ch.len_utf8();
    }
}

/// Deletes `n` chars before the cursor, one didChange each (backspace).
fn backspace(
    c: &mut Client,
    uri: &str,
    text: &mut String,
    cursor: &mut usize,
    version: &mut i64,
    n: usize,
) {
    for _ in 0..n {
        let prev = text[..*cursor].chars().next_back().unwrap();
        let start = *cursor - prev.len_utf8();
        *version += 1;
        let range = (
            position(text, start, Enc::Utf16),
            position(text, *cursor, Enc::Utf16),
        );
        c.change(uri, *version, json!([change_json(range.0, range.1, "")]));
        text.replace_range(start..*cursor, "");
        *cursor = start;
    }
}

#[test]
fn burst_of_200_changes_ends_in_the_right_text_and_diagnostics() {
    let ws = Workspace::new();
    let uri = ws.write("pyconf-2023.md", BASE);
    let (mut c, _) = Client::start(&ws.root, None);

    let mut text = BASE.to_string();
    c.open(&uri, &text, 1);
    let p = c.diagnostics_at(&uri, 1);
    assert_eq!(codes(&p), ["missing-speaker"], "{}", pretty(&p));
    assert_eq!(
        with_code(&p, "missing-speaker")[0]["range"],
        range_of(&text, "Some Talk (", Enc::Utf16)
    );

    // Type a name with typos, erase it, type it right, close the paren, then
    // type a note (with multi-byte characters) until 200 changes are sent.
    let mut version = 1;
    let mut cursor = text.find("Some Talk (").unwrap() + "Some Talk (".len();
    type_str(
        &mut c,
        &uri,
        &mut text,
        &mut cursor,
        &mut version,
        "Margret Hamiltno",
    );
    backspace(&mut c, &uri, &mut text, &mut cursor, &mut version, 16);
    type_str(
        &mut c,
        &uri,
        &mut text,
        &mut cursor,
        &mut version,
        "Margaret Hamilton)",
    );
    cursor = text.find("- notes to come").unwrap() + "- notes to come".len();
    let note = " – it’s about café-grade caches 🐍, and TTLs, and invalidation, and how every cache eventually lies to you unless the writes tell it otherwise; measure hit rates before and after, and keep the keys small. ";
    let left = CHANGES - (version as usize - 1);
    let note: String = note.chars().cycle().take(left).collect();
    type_str(&mut c, &uri, &mut text, &mut cursor, &mut version, &note);
    assert_eq!(version as usize, CHANGES + 1, "{CHANGES} changes sent");

    // Nothing was awaited so far. Now: the final diagnostics, then the text.
    let p = c.diagnostics_at(&uri, version);
    assert_eq!(
        codes(&p),
        Vec::<String>::new(),
        "no missing-speaker once the name is typed: {}",
        pretty(&p)
    );
    let (server_text, server_version) = c.document_text(&uri);
    assert_eq!(server_text, text);
    assert_eq!(server_version, version);
    assert!(text.contains("# Some Talk (Margaret Hamilton)\n"), "{text}");

    // The speaker is really there: remove the closing paren again and the
    // diagnostic comes back, on the whole (unclosed) title.
    let close = text.find("Hamilton)").unwrap() + "Hamilton".len();
    let range = (
        position(&text, close, Enc::Utf16),
        position(&text, close + 1, Enc::Utf16),
    );
    c.change(
        &uri,
        version + 1,
        json!([change_json(range.0, range.1, "")]),
    );
    text.replace_range(close..close + 1, "");
    let p = c.diagnostics_at(&uri, version + 1);
    assert_eq!(codes(&p), ["missing-speaker"], "{}", pretty(&p));
    assert_eq!(
        with_code(&p, "missing-speaker")[0]["range"],
        range_of(&text, "Some Talk (Margaret Hamilton", Enc::Utf16)
    );
}
