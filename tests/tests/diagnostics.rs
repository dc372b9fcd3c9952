//! didOpen → publishDiagnostics: codes, ranges, messages, related
//! information, source and version, across two conference files.

use serde_json::{json, Value};
use talknotes_e2e::fixtures::{EUROCONF, PYCONF};
use talknotes_e2e::*;

const UTF16: Enc = Enc::Utf16;

fn one(params: &Value, code: &str) -> Value {
    let found = with_code(params, code);
    assert_eq!(found.len(), 1, "exactly one {code} in {}", pretty(params));
    found.into_iter().next().unwrap()
}

#[test]
fn open_publishes_every_finding_with_exact_ranges() {
    let ws = Workspace::new();
    let pyconf = ws.write("pyconf-2023.md", PYCONF);
    let euroconf = ws.write("euroconf-2023.md", EUROCONF);
    let (mut c, _) = Client::start(&ws.root, None);

    c.open(&pyconf, PYCONF, 7);
    let p = c.diagnostics_at(&pyconf, 7);
    assert_eq!(p["uri"], pyconf.as_str());
    assert_eq!(p["version"], 7, "the document version");

    // Exactly these, in document order.
    assert_eq!(
        codes(&p),
        [
            "pep-format",
            "unknown-pep",
            "malformed-issue",
            "broken-link",
            "missing-speaker"
        ],
        "{}",
        pretty(&p)
    );
    for d in diags(&p) {
        assert_eq!(d["source"], "talknotes", "{d}");
    }

    let d = one(&p, "pep-format");
    assert_eq!(d["range"], range_of(PYCONF, "PEP3156", UTF16));
    assert_eq!(d["severity"], 4, "hint");

    let d = one(&p, "unknown-pep");
    assert_eq!(d["range"], range_of(PYCONF, "PEP 9999", UTF16));
    assert_eq!(d["severity"], 2, "warning");
    assert!(d["message"].as_str().unwrap().contains("9999"), "{d}");

    let d = one(&p, "malformed-issue");
    assert_eq!(d["range"], range_of(PYCONF, "bpo-262`49", UTF16));
    assert_eq!(d["severity"], 2);

    let d = one(&p, "broken-link");
    assert_eq!(d["range"], range_of(PYCONF, "missing.md", UTF16));
    assert_eq!(d["severity"], 1, "broken-link is an error by default");

    // The talk heading without a speaker: on the title, and the other
    // conference file, which notes the same talk with its speaker, is named
    // and pointed at.
    let d = one(&p, "missing-speaker");
    assert_eq!(
        d["range"],
        range_of(PYCONF, "Caching All The Things", UTF16)
    );
    assert_eq!(d["severity"], 2);
    assert_eq!(
        d["message"],
        "talk “Caching All The Things” has no speaker; euroconf-2023.md notes the same talk \
         as given by Margaret Hamilton"
    );
    let related = d["relatedInformation"]
        .as_array()
        .expect("relatedInformation");
    assert_eq!(related.len(), 1, "{d}");
    assert_eq!(related[0]["location"]["uri"], euroconf.as_str());
    assert_eq!(
        related[0]["location"]["range"],
        range_of(EUROCONF, "Margaret Hamilton", UTF16)
    );
    assert_eq!(
        related[0]["message"],
        "“Caching All The Things” by Margaret Hamilton"
    );

    // The quick fix travels with the diagnostic and becomes a code action.
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": pyconf},
                "range": d["range"],
                "context": {"diagnostics": [d]},
            }),
        )
        .expect("codeAction");
    assert_eq!(
        actions[0]["title"],
        "Add speaker Margaret Hamilton",
        "{}",
        pretty(&actions)
    );
    assert_eq!(actions[0]["kind"], "quickfix");
}

#[test]
fn missing_speaker_without_a_match_elsewhere_is_plain() {
    let ws = Workspace::new();
    let text = PYCONF.replace("Caching All The Things", "Packaging Is Fine Now");
    let uri = ws.write("pyconf-2023.md", &text);
    ws.write("euroconf-2023.md", EUROCONF);
    let (mut c, _) = Client::start(&ws.root, None);

    c.open(&uri, &text, 1);
    let p = c.diagnostics_at(&uri, 1);
    let d = one(&p, "missing-speaker");
    assert_eq!(d["range"], range_of(&text, "Packaging Is Fine Now", UTF16));
    assert_eq!(d["message"], "talk “Packaging Is Fine Now” has no speaker");
    assert!(
        d.get("relatedInformation").is_none_or(Value::is_null),
        "{d}"
    );
}

#[test]
fn both_open_documents_get_diagnostics() {
    let ws = Workspace::new();
    let pyconf = ws.write("pyconf-2023.md", PYCONF);
    let euroconf = ws.write("euroconf-2023.md", EUROCONF);
    let (mut c, _) = Client::start(&ws.root, None);

    c.open(&euroconf, EUROCONF, 3);
    let e = c.diagnostics_at(&euroconf, 3);
    assert_eq!(codes(&e), Vec::<String>::new(), "{}", pretty(&e));
    c.open(&pyconf, PYCONF, 1);
    let p = c.diagnostics_at(&pyconf, 1);
    assert_eq!(with_code(&p, "missing-speaker").len(), 1);

    // Closing a document clears its diagnostics.
    c.close(&pyconf);
    c.wait_for_diagnostics(
        &pyconf,
        |p| p["diagnostics"].as_array().is_some_and(Vec::is_empty),
        TIMEOUT,
    );
}
