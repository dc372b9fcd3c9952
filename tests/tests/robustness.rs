//! Bad input never kills the server: after each, it still answers
//! `talknotes/documentText` and publishes diagnostics for a control
//! document.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use talknotes_e2e::*;

const CONTROL: &str = "\
Title: PyConf 2023

# Shipping Wheels Without Tears (Grace Hopper)

- Build once

# Caching All The Things

- Invalidate on write
";

/// A started server with the control document open.
struct Alive {
    ws: Workspace,
    c: Client,
    uri: String,
    text: String,
    version: i64,
}

impl Alive {
    fn start() -> Alive {
        let ws = Workspace::new();
        let uri = ws.write("control.md", CONTROL);
        Alive::start_in(ws, uri)
    }

    fn start_in(ws: Workspace, uri: String) -> Alive {
        let (mut c, _) = Client::start(&ws.root, None);
        c.open(&uri, CONTROL, 1);
        let mut a = Alive {
            ws,
            c,
            uri,
            text: CONTROL.to_string(),
            version: 1,
        };
        a.check_diagnostics(1);
        a
    }

    fn check_diagnostics(&mut self, version: i64) {
        let p = self.c.diagnostics_at(&self.uri, version);
        assert_eq!(codes(&p), ["missing-speaker"], "{}", pretty(&p));
        assert_eq!(
            with_code(&p, "missing-speaker")[0]["range"],
            range_of(&self.text, "Caching All The Things", Enc::Utf16)
        );
    }

    /// The server still edits, answers and publishes: append a note line to
    /// the control document and check text, version and diagnostics.
    fn assert_alive(&mut self, after: &str) {
        self.version += 1;
        let end = position(&self.text, self.text.len(), Enc::Utf16);
        let line = format!("- still alive after {after}\n");
        self.c.change(
            &self.uri,
            self.version,
            json!([change_json(end, end, &line)]),
        );
        self.text.push_str(&line);
        let (text, version) = self.c.document_text(&self.uri);
        assert_eq!(version, self.version, "after {after}");
        assert_eq!(text, self.text, "after {after}");
        self.check_diagnostics(self.version);
    }
}

#[test]
fn invalid_ranges_are_clamped_and_swapped() {
    let mut a = Alive::start();
    let uri = a.uri.clone();
    // Out of range: past the last line (clamps to the end of the text),
    // past a line's end (clamps to the line's end).
    let changes = [
        (((999, 999), (1000, 5)), "- appended past the end\n"),
        (((0, 500), (0, 900)), " (updated)"),
        // Inverted: end before start, swapped by the server.
        (((6, 0), (4, 0)), ""),
    ];
    for ((s, e), new) in changes {
        a.version += 1;
        a.c.change(&uri, a.version, json!([change_json(s, e, new)]));
        apply_change(&mut a.text, Some((s, e)), new, Enc::Utf16);
    }
    assert!(
        a.text
            .starts_with("Title: PyConf 2023 (updated)\n\n# Shipping"),
        "{}",
        a.text
    );
    assert!(
        a.text.contains("(Grace Hopper)\n\n# Caching All"),
        "{}",
        a.text
    );
    assert!(
        a.text
            .ends_with("- Invalidate on write\n- appended past the end\n"),
        "{}",
        a.text
    );
    assert_eq!(a.c.document_text(&uri), (a.text.clone(), a.version));
    a.assert_alive("invalid ranges");
}

#[test]
fn protocol_abuse_gets_errors_not_a_crash() {
    let mut a = Alive::start();

    // A didChange for a document never opened: ignored.
    let stranger = a.ws.uri("never-opened.md");
    a.c.change(&stranger, 5, json!([change_json((0, 0), (0, 0), "x")]));
    a.c.change(&stranger, 6, json!([{"text": "whole"}]));
    a.assert_alive("didChange for a document never opened");
    let err =
        a.c.request("talknotes/documentText", json!({"uri": stranger}))
            .expect_err("never opened");
    assert_eq!(err["code"], -32602, "{err}");

    // An unknown request: MethodNotFound.
    let err =
        a.c.request("talknotes/noSuchThing", json!({}))
            .expect_err("unknown method");
    assert_eq!(err["code"], -32601, "MethodNotFound: {err}");
    // An unknown notification: ignored.
    a.c.notify("talknotes/noSuchNotification", json!({"x": 1}));
    a.assert_alive("unknown method");

    // Params of the wrong types: InvalidParams for requests.
    let err =
        a.c.request("talknotes/documentText", json!({"uri": 42}))
            .expect_err("uri is a number");
    assert_eq!(err["code"], -32602, "InvalidParams: {err}");
    let err =
        a.c.request(
            "textDocument/codeAction",
            json!({"textDocument": "nope", "range": [1, 2]}),
        )
        .expect_err("wrong shapes");
    assert_eq!(err["code"], -32602, "InvalidParams: {err}");
    let err =
        a.c.request("talknotes/documentText", json!([]))
            .expect_err("an array");
    assert_eq!(err["code"], -32602, "InvalidParams: {err}");
    // ... and ignored for notifications.
    a.c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": 7, "version": "one"}}),
    );
    a.c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": a.uri}, "contentChanges": 3}),
    );
    a.c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": "not a uri", "type": 9}]}),
    );
    a.assert_alive("wrong param types");

    // A second initialize: an error, not a crash.
    let err =
        a.c.request("initialize", json!({"capabilities": {}}))
            .expect_err("initialize twice");
    assert_eq!(err["code"], -32600, "InvalidRequest: {err}");
    a.assert_alive("a second initialize");
}

/// A framed message whose body does not decode used to end the server:
/// tower-lsp 0.20's FramedRead stream (tokio-util 0.7) returns None after a
/// decoder error. `lsp/framing.rs` answers such bodies itself.
#[test]
fn malformed_bodies_get_parse_errors_and_the_server_goes_on() {
    let bodies: [&[u8]; 4] = [
        b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ",
        b"\xff\xfe not even UTF-8",
        b"[1, 2, 3]",
        b"{}",
    ];
    let mut a = Alive::start();
    for body in bodies {
        a.c.send_raw_body(body);
        a.assert_alive(&format!("the body {:?}", String::from_utf8_lossy(body)));
    }
    // Each was answered (id null), not swallowed: ParseError for what is
    // not JSON, InvalidRequest for JSON that is not a JSON-RPC message.
    let codes: Vec<Value> =
        a.c.orphan_errors
            .iter()
            .map(|e| e["error"]["code"].clone())
            .collect();
    assert_eq!(
        codes,
        [-32700, -32700, -32600, -32600],
        "{:?}",
        a.c.orphan_errors
    );
}

#[test]
fn non_utf8_file_in_the_workspace() {
    let ws = Workspace::new();
    let uri = ws.write("control.md", CONTROL);
    // Latin-1 bytes: not UTF-8.
    let latin1 = ws.write(
        "latin1.md",
        b"# Caf\xe9 Talk (Ren\xe9 Dupont)\n\n- cr\xe8me br\xfbl\xe9e\n\xff\xfe\n",
    );
    let mut a = Alive::start_in(ws, uri);
    // Read again after a change on disk, and reported as created/deleted.
    a.c.watched_file_changed(&latin1, 2);
    a.assert_alive("a non-UTF-8 file changed on disk");
    a.ws.write(
        "latin1-2.md",
        b"\x80\x81\x82 Caching All The Things (Nobody)\n",
    );
    let other = a.ws.uri("latin1-2.md");
    a.c.watched_file_changed(&other, 1);
    a.assert_alive("a non-UTF-8 file created");
    std::fs::remove_file(a.ws.path("latin1.md")).unwrap();
    a.c.watched_file_changed(&latin1, 3);
    a.assert_alive("a non-UTF-8 file deleted");
}

/// A big notes file: `n` talks of about 1 KB each.
fn big_notes(bytes: usize) -> String {
    let mut s = String::from("Title: PyConf 2023 - Main track\n\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "# Talk number {i} about caches (Speaker {})\n\n## Notes\n\n",
            ["Ada", "Grace", "Barbara", "Margaret"][i % 4]
        ));
        for j in 0..12 {
            s.push_str(&format!(
                "- note {j}: measure before and after – it’s café-grade 🐍 advice, see PEP 8\n"
            ));
        }
        s.push('\n');
        i += 1;
    }
    s
}

/// Waits of the tests that open multi-megabyte documents (a debug build of
/// the server analyses notes at roughly 0.1-0.3 MB/s: tree-sitter's C code
/// and the regexes are unoptimised in the dev profile).
const HEAVY_TIMEOUT: Duration = Duration::from_secs(60);

/// The heavy tests run one at a time (2 cores, and other builds).
static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

/// A 1 MB note is analysed like any other, edits at its end included.
#[test]
fn big_document() {
    let _one_at_a_time = heavy();
    let mut a = Alive::start();
    a.c.timeout = HEAVY_TIMEOUT;
    let big = big_notes(1_000_000);
    let uri = a.ws.uri("big.md");
    let t0 = Instant::now();
    a.c.open(&uri, &big, 1);
    let (text, version) = a.c.document_text(&uri);
    assert!(text == big);
    assert_eq!(version, 1);
    let p = a.c.diagnostics_at(&uri, 1);
    eprintln!(
        "{:.1} MB document: text and diagnostics in {:?}",
        big.len() as f64 / 1e6,
        t0.elapsed()
    );
    assert_eq!(codes(&p), Vec::<String>::new(), "a clean big file");
    // An edit near the end of it.
    let end = position(&big, big.len(), Enc::Utf16);
    a.c.change(
        &uri,
        2,
        json!([change_json(end, end, "# Caching All The Things\n")]),
    );
    let p = a.c.diagnostics_at(&uri, 2);
    assert_eq!(codes(&p), ["missing-speaker"], "{}", pretty(&p));
    assert_eq!(
        p["diagnostics"][0]["range"],
        lsp_range((end.0, 2), (end.0, 24))
    );
    a.c.close(&uri);
    a.assert_alive("a big document");
}

/// A 20 MB document is over the 4 MiB read as notes: its text is kept in
/// step (edits apply, `documentText` returns it) but it is not parsed; one
/// information diagnostic says why. Cut under the limit, it is analysed
/// again; grown over it, it goes back to the notice.
#[test]
fn huge_document() {
    let _one_at_a_time = heavy();
    let mut a = Alive::start();
    a.c.timeout = HEAVY_TIMEOUT;
    let mut big = big_notes(20_000_000);
    let uri = a.ws.uri("huge.md");
    let t0 = Instant::now();
    a.c.open(&uri, &big, 1);
    let notice = |p: &Value| {
        assert_eq!(codes(p), ["too-large"], "{}", pretty(p));
        let d = &p["diagnostics"][0];
        assert_eq!(d["severity"], 3, "information");
        assert_eq!(d["range"], lsp_range((0, 0), (0, 0)));
        d["message"].as_str().unwrap().to_string()
    };
    let message = notice(&a.c.diagnostics_at(&uri, 1));
    assert!(
        message.contains("19.1 MiB") && message.contains("4 MiB"),
        "{message}"
    );
    eprintln!("20 MB document: notice in {:?}", t0.elapsed());
    // An edit at its end is applied to the text.
    let end = position(&big, big.len(), Enc::Utf16);
    a.c.change(
        &uri,
        2,
        json!([change_json(end, end, "# Caching All The Things\n")]),
    );
    big.push_str("# Caching All The Things\n");
    notice(&a.c.diagnostics_at(&uri, 2));
    let (text, version) = a.c.document_text(&uri);
    assert!(text == big, "the server's text differs from the client's");
    assert_eq!(version, 2);
    // Everything but the last three talks deleted: analysed again.
    let keep = big.rmatch_indices("# Talk number").nth(2).unwrap().0;
    let cut = position(&big, keep, Enc::Utf16);
    a.c.change(&uri, 3, json!([change_json((0, 0), cut, "")]));
    let kept = &big[keep..];
    let p = a.c.diagnostics_at(&uri, 3);
    assert_eq!(codes(&p), ["missing-speaker"], "{}", pretty(&p));
    assert_eq!(
        p["diagnostics"][0]["range"],
        range_of(kept, "Caching All The Things", Enc::Utf16)
    );
    // Pasted back over the limit: the notice again.
    a.c.change(
        &uri,
        4,
        json!([change_json((0, 0), (0, 0), &big_notes(5_000_000))]),
    );
    notice(&a.c.diagnostics_at(&uri, 4));
    a.c.close(&uri);
    a.assert_alive("a huge document");
}

/// A note line of 100,000 characters (multi-byte prose), with a PEP
/// reference near each end.
#[test]
fn very_long_line() {
    let _one_at_a_time = heavy();
    let mut a = Alive::start();
    let mut text = String::from(
        "Title: PyConf 2023\n\n# Caching All The Things (Grace Hopper)\n\n- PEP3156 first, ",
    );
    while text.chars().count() < 100_000 {
        text.push_str("it’s a café-grade 🐍 note – ");
    }
    text.push_str("and PEP3156 last\n# Last Talk\n");
    let uri = a.ws.uri("long-line.md");
    let t0 = Instant::now();
    a.c.open(&uri, &text, 1);
    let p = a.c.diagnostics_at(&uri, 1);
    eprintln!("100,000-character line: diagnostics in {:?}", t0.elapsed());
    assert_eq!(
        codes(&p),
        ["pep-format", "pep-format", "missing-speaker"],
        "{}",
        pretty(&p)
    );
    let last = &with_code(&p, "pep-format")[1];
    assert_eq!(last["range"], range_of_nth(&text, "PEP3156", 1, Enc::Utf16));
    assert!(last["range"]["start"]["character"].as_u64().unwrap() > 100_000);
    assert_eq!(
        with_code(&p, "missing-speaker")[0]["range"],
        range_of(&text, "Last Talk", Enc::Utf16)
    );
    // An edit in the middle of the long line, then one at its far end.
    let mid = text.char_indices().nth(50_000).unwrap().0;
    let mid = text[..mid].rfind(' ').unwrap();
    let pos = position(&text, mid, Enc::Utf16);
    a.c.change(&uri, 2, json!([change_json(pos, pos, " 🐍é")]));
    text.insert_str(mid, " 🐍é");
    let at = text.find(" last\n# Last Talk").unwrap();
    let pos = position(&text, at, Enc::Utf16);
    a.c.change(&uri, 3, json!([change_json(pos, pos, "🐍")]));
    text.insert(at, '🐍');
    assert_eq!(a.c.document_text(&uri), (text.clone(), 3));
    let p = a.c.diagnostics_at(&uri, 3);
    assert_eq!(
        with_code(&p, "pep-format")[1]["range"],
        range_of_nth(&text, "PEP3156", 1, Enc::Utf16)
    );
    a.assert_alive("a 100,000-character line");
}

/// A 100 KB line made of ~8,300 PEP references: the analysis is quadratic
/// in references × line length (`extract::refs::context_after` scans the
/// rest of the line for every reference), so no diagnostics come within
/// the 10 s timeout in a debug build (--check on the same file: 55 s).
#[test]
fn very_long_line_full_of_pep_references() {
    let _one_at_a_time = heavy();
    let mut a = Alive::start();
    a.c.timeout = HEAVY_TIMEOUT;
    let mut text =
        String::from("Title: PyConf 2023\n\n# Caching All The Things (Grace Hopper)\n\n- ");
    while text.len() < 100_000 {
        text.push_str("PEP3156 xyz ");
    }
    text.push_str("\n# Last Talk\n");
    let uri = a.ws.uri("long-line.md");
    a.c.open(&uri, &text, 1);
    let p = a.c.diagnostics_at(&uri, 1);
    let n = text.matches("PEP3156").count();
    assert_eq!(
        with_code(&p, "pep-format").len(),
        n,
        "one pep-format per PEP3156"
    );
    a.assert_alive("a 100 KB line of PEP references");
}

/// 5,000 nested list levels on one line (`- - - ...`), then a staircase
/// of 600 items each indented two spaces more than its parent (a 5,000-step
/// staircase is 25 MB of indentation: over the 4 MiB analysed, see
/// `huge_document`).
#[test]
fn deeply_nested_list() {
    let _one_at_a_time = heavy();
    let mut a = Alive::start();
    a.c.timeout = HEAVY_TIMEOUT;
    let mut text =
        String::from("Title: PyConf 2023\n\n# Caching All The Things (Grace Hopper)\n\n");
    text.push_str(&"- ".repeat(5000));
    text.push_str("deepest\n\n");
    for depth in 0..600 {
        text.push_str(&"  ".repeat(depth));
        text.push_str("- deeper\n");
    }
    let uri = a.ws.uri("nested.md");
    let t0 = Instant::now();
    a.c.open(&uri, &text, 1);
    let p = a.c.diagnostics_at(&uri, 1);
    eprintln!(
        "5,000 nested list levels: diagnostics in {:?}",
        t0.elapsed()
    );
    assert_eq!(codes(&p), Vec::<String>::new(), "{}", pretty(&p));
    // Edit the innermost item.
    let end = position(&text, text.len() - 1, Enc::Utf16);
    a.c.change(&uri, 2, json!([change_json(end, end, " and deeper")]));
    text.insert_str(text.len() - 1, " and deeper");
    assert_eq!(a.c.document_text(&uri), (text, 2));
    a.c.diagnostics_at(&uri, 2);
    a.assert_alive("5,000 nested list levels");
}
