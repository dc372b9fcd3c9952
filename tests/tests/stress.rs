//! Stress over stdio with the real binary: 10,000 incremental edits, sent
//! as fast as the pipe takes them, across 20 open documents (UTF-16
//! positions over multi-byte text, some out of range), interleaved with
//! completion, hover, definition and `talknotes/documentText` requests and
//! `$/cancelRequest`s. Checked:
//! - every request is answered: a result, MethodNotFound (for a feature not
//!   built yet) or RequestCancelled, never anything else;
//! - each `documentText` answer equals the client's text at the moment the
//!   request was sent (the server never answers from a stale buffer);
//! - at the end every document's text and version on the server equal the
//!   client's, and the diagnostics of the final versions arrive;
//! - the server's resident memory after the last round is within 10% of
//!   what it was after the first round.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use talknotes_e2e::*;

const DOCS: usize = 20;
const ROUNDS: usize = 10;
const EDITS_PER_ROUND: usize = 1_000;

/// xorshift64*: a deterministic sequence, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const INSERTS: &[&str] = &[
    "a",
    "e",
    " ",
    "\n",
    "\n\n",
    "(",
    ")",
    "# ",
    "- ",
    "PEP 484",
    " – ",
    "’",
    "é",
    "🐍",
    "café",
    "[link](other.md)",
    "`code`",
    "bpo-12345",
    "(Grace Hopper)",
    "Talk",
    "notes ",
    "\n## Notes\n",
];

fn initial_text(i: usize) -> String {
    format!(
        "Title: PyConf 20{:02} – main track\n\n\
         # Shipping Wheels Without Tears (Grace Hopper)\n\n\
         - Build once, upload everywhere 🐍\n- PEP 513 and PEP 600\n\n\
         # Caching at café scale\n\n\
         - it’s about invalidation; see [the other note](doc-{}.md)\n\n\
         # Typing’s good parts (Łukasz Langa)\n\n\
         ## Notes\n\n\
         - gradual typing, PEP 484\n",
        10 + i,
        (i + 1) % DOCS
    )
}

/// One random edit of `text`: its LSP range (UTF-16) and new text; the
/// client's copy is updated the way the server documents it.
fn random_edit(rng: &mut Rng, text: &mut String, budget: usize) -> Value {
    let len = text.len();
    let at = |rng: &mut Rng, text: &str| {
        let mut o = rng.below(text.len() + 1);
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let start = at(rng, text);
    let (start_pos, end_pos, new_text) = match rng.below(100) {
        // Out of range: past the line's end (clamps to it), or past the
        // last line (clamps to the end of the text).
        0 => {
            let (line, _) = position(text, start, Enc::Utf16);
            let range = if rng.below(2) == 0 {
                ((line, 10_000), (line, 20_000))
            } else {
                ((line + 1_000, 0), (line + 2_000, 5))
            };
            (range.0, range.1, rng.pick(INSERTS).to_string())
        }
        // Deletions win when the text has grown past its budget.
        n if n < 45 || len > budget => {
            let mut end = (start + 1 + rng.below(12)).min(len);
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let (s, e) = (
                position(text, start, Enc::Utf16),
                position(text, end, Enc::Utf16),
            );
            (s, e, String::new())
        }
        n if n < 90 => {
            let p = position(text, start, Enc::Utf16);
            (p, p, rng.pick(INSERTS).to_string())
        }
        _ => {
            let mut end = (start + rng.below(8)).min(len);
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let (s, e) = (
                position(text, start, Enc::Utf16),
                position(text, end, Enc::Utf16),
            );
            // Now and then inverted: the server swaps the ends.
            let (s, e) = if rng.below(4) == 0 { (e, s) } else { (s, e) };
            (s, e, rng.pick(INSERTS).to_string())
        }
    };
    apply_change(text, Some((start_pos, end_pos)), &new_text, Enc::Utf16);
    change_json(start_pos, end_pos, &new_text)
}

/// What a request may be answered with.
#[derive(Debug)]
enum Expect {
    /// completion / hover / definition: a result, MethodNotFound until the
    /// feature exists, or RequestCancelled when we cancelled it.
    Feature {
        method: &'static str,
        cancelled: bool,
    },
    /// documentText: exactly this text and version.
    Text {
        uri: String,
        text: String,
        version: i64,
    },
}

struct Docs {
    uris: Vec<String>,
    texts: Vec<String>,
    versions: Vec<i64>,
    budgets: Vec<usize>,
}

fn check_answers(c: &mut Client, pending: &mut Vec<(i64, Expect)>) -> (usize, usize, usize) {
    let (mut answered, mut not_found, mut cancelled) = (0, 0, 0);
    for (id, expect) in pending.drain(..) {
        let r = c.response(id);
        answered += 1;
        match expect {
            Expect::Feature {
                method,
                cancelled: was_cancelled,
            } => match r {
                Ok(_) => {}
                Err(e) if e["code"] == -32601 => not_found += 1,
                Err(e) if e["code"] == -32800 && was_cancelled => cancelled += 1,
                Err(e) => panic!("{method} (id {id}) answered with an unexpected error: {e}"),
            },
            Expect::Text { uri, text, version } => {
                let r = r.unwrap_or_else(|e| panic!("documentText {uri}: {e}"));
                assert_eq!(
                    r["version"], version,
                    "{uri}: version at the time of the request"
                );
                assert_eq!(
                    r["text"].as_str().unwrap(),
                    text,
                    "{uri}: the server's text at version {version} differs from the client's"
                );
            }
        }
    }
    (answered, not_found, cancelled)
}

/// Waits until the latest diagnostics of every document are for its
/// current version, then lets the server settle.
fn settle(c: &mut Client, docs: &Docs) {
    for (uri, &version) in docs.uris.iter().zip(&docs.versions) {
        // Generous: a loaded 2-core machine running a debug build.
        c.wait_for_diagnostics(uri, |p| p["version"] == version, Duration::from_secs(120));
    }
    c.drain_for(Duration::from_millis(500));
}

#[test]
fn ten_thousand_edits_across_twenty_documents_with_requests_and_cancels() {
    let ws = Workspace::new();
    let mut docs = Docs {
        uris: Vec::new(),
        texts: Vec::new(),
        versions: vec![1; DOCS],
        budgets: Vec::new(),
    };
    for i in 0..DOCS {
        let text = initial_text(i);
        docs.uris.push(ws.write(&format!("doc-{i}.md"), &text));
        docs.budgets.push(text.len() * 2);
        docs.texts.push(text);
    }
    let (mut c, _) = Client::start(&ws.root, None);
    for i in 0..DOCS {
        c.open(&docs.uris[i], &docs.texts[i], 1);
    }

    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let methods = [
        "textDocument/completion",
        "textDocument/hover",
        "textDocument/definition",
    ];
    let mut totals = (0, 0, 0);
    let mut rss_after_first = None;
    let mut pending: Vec<(i64, Expect)> = Vec::new();
    let started = Instant::now();
    let mut edits = 0;
    for round in 0..ROUNDS {
        for n in 0..EDITS_PER_ROUND {
            let d = rng.below(DOCS);
            let change = random_edit(&mut rng, &mut docs.texts[d], docs.budgets[d]);
            docs.versions[d] += 1;
            c.change(&docs.uris[d], docs.versions[d], json!([change]));
            edits += 1;

            if n % 10 == 5 {
                let d = rng.below(DOCS);
                let text = &docs.texts[d];
                let mut o = rng.below(text.len() + 1);
                while !text.is_char_boundary(o) {
                    o -= 1;
                }
                let (line, character) = position(text, o, Enc::Utf16);
                let method = methods[rng.below(methods.len())];
                let mut params = json!({
                    "textDocument": {"uri": docs.uris[d]},
                    "position": {"line": line, "character": character},
                });
                if method == "textDocument/completion" {
                    params["context"] = json!({"triggerKind": 1});
                }
                let id = c.send_request(method, params);
                let cancelled = rng.below(3) == 0;
                if cancelled {
                    c.notify("$/cancelRequest", json!({"id": id}));
                }
                pending.push((id, Expect::Feature { method, cancelled }));
            }
            if n % 100 == 50 {
                let d = rng.below(DOCS);
                let id = c.send_request("talknotes/documentText", json!({"uri": docs.uris[d]}));
                pending.push((
                    id,
                    Expect::Text {
                        uri: docs.uris[d].clone(),
                        text: docs.texts[d].clone(),
                        version: docs.versions[d],
                    },
                ));
            }
        }
        let (a, nf, cn) = check_answers(&mut c, &mut pending);
        totals = (totals.0 + a, totals.1 + nf, totals.2 + cn);
        if round == 0 {
            settle(&mut c, &docs);
            rss_after_first = c.rss_kib();
        }
    }
    assert_eq!(edits, ROUNDS * EDITS_PER_ROUND);
    let sent_at = started.elapsed();

    settle(&mut c, &docs);
    for (i, uri) in docs.uris.iter().enumerate() {
        let (text, version) = c.document_text(uri);
        assert_eq!(version, docs.versions[i], "{uri}");
        assert_eq!(
            text, docs.texts[i],
            "{uri}: the server's text differs from the client's"
        );
    }
    let rss_end = c.rss_kib();
    eprintln!(
        "stress: {edits} edits, {} requests answered ({} MethodNotFound, {} cancelled) in {sent_at:?}; \
         RSS after round 1: {rss_after_first:?} KiB, at the end: {rss_end:?} KiB",
        totals.0, totals.1, totals.2
    );
    assert!(totals.0 >= ROUNDS * EDITS_PER_ROUND / 10, "{totals:?}");
    if let (Some(first), Some(end)) = (rss_after_first, rss_end) {
        assert!(
            end * 10 <= first * 11,
            "memory grew: {first} KiB after the first round, {end} KiB at the end"
        );
    } else {
        eprintln!("stress: no /proc/<pid>/status here: the memory check was skipped");
    }
    let log = c.stderr();
    assert!(!log.contains("panicked"), "a handler panicked:\n{log}");
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn cancelled_requests_are_answered_and_the_rest_go_on() {
    // The cancel arrives before, with, and after the request it names, and
    // for ids that were never sent: every real request gets one answer.
    let ws = Workspace::new();
    let uri = ws.write("a.md", "# Talk (Ada Lovelace)\n");
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, "# Talk (Ada Lovelace)\n", 1);
    c.notify("$/cancelRequest", json!({"id": 999_999}));
    c.notify("$/cancelRequest", json!({"id": "never-sent"}));
    let mut ids = HashMap::new();
    for k in 0..50 {
        let id = c.send_request("talknotes/documentText", json!({"uri": uri}));
        if k % 2 == 0 {
            c.notify("$/cancelRequest", json!({"id": id}));
        }
        ids.insert(id, k % 2 == 0);
    }
    for (id, cancelled) in ids {
        match c.response(id) {
            Ok(r) => assert_eq!(r["text"], "# Talk (Ada Lovelace)\n"),
            Err(e) => {
                assert!(cancelled, "request {id} failed without a cancel: {e}");
                assert_eq!(e["code"], -32800, "{e}");
            }
        }
    }
    assert_eq!(c.document_text(&uri).0, "# Talk (Ada Lovelace)\n");

    // Long work (the debug-only talknotes/debugSleep stands in for it) is
    // cut short by a cancel: RequestCancelled long before it would end,
    // while the same work uncancelled runs to its end.
    let t = Instant::now();
    let long = c.send_request("talknotes/debugSleep", json!({"ms": 30_000}));
    let short = c.send_request("talknotes/debugSleep", json!({"ms": 50}));
    c.notify("$/cancelRequest", json!({"id": long}));
    match c.response(long) {
        Err(e) if e["code"] == -32601 => {
            eprintln!(
                "stress: a release build has no debugSleep: the long-work cancel was skipped"
            );
            return;
        }
        Err(e) => assert_eq!(e["code"], -32800, "RequestCancelled: {e}"),
        Ok(r) => panic!("the cancelled request ran to its end: {r}"),
    }
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "the cancel took {:?}",
        t.elapsed()
    );
    assert_eq!(c.response(short), Ok(json!(50)));
}
