//! Workspace-level behaviour over stdio: settings (initializationOptions,
//! didChangeConfiguration, talknotes.toml), workspace folders added and
//! removed, documents outside any folder, and file names that need
//! percent-encoding.

use serde_json::{json, Value};
use talknotes_e2e::fixtures::{EUROCONF, PYCONF};
use talknotes_e2e::*;

fn severity_of(p: &Value, code: &str) -> Option<Value> {
    with_code(p, code).first().map(|d| d["severity"].clone())
}

#[test]
fn rule_severities_from_initialization_options() {
    let ws = Workspace::new();
    let uri = ws.write("pyconf-2023.md", PYCONF);
    ws.write("euroconf-2023.md", EUROCONF);
    let mut c = Client::spawn();
    c.initialize(
        &ws.root,
        json!({
            // snake_case and camelCase keys are both accepted.
            "pep_index": pep_fixture().to_str().unwrap(),
            "rules": {"missing-speaker": "off", "pep-format": "error", "broken-link": "info"}
        }),
        None,
    );
    c.wait_for_indexing();
    c.open(&uri, PYCONF, 1);
    let p = c.diagnostics_at(&uri, 1);
    assert_eq!(
        codes(&p),
        [
            "pep-format",
            "unknown-pep",
            "malformed-issue",
            "broken-link"
        ],
        "{}",
        pretty(&p)
    );
    assert_eq!(severity_of(&p, "pep-format"), Some(json!(1)));
    assert_eq!(severity_of(&p, "unknown-pep"), Some(json!(2)));
    assert_eq!(severity_of(&p, "broken-link"), Some(json!(3)));
}

#[test]
fn did_change_configuration_updates_open_documents() {
    let ws = Workspace::new();
    let uri = ws.write("pyconf-2023.md", PYCONF);
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, PYCONF, 1);
    let p = c.diagnostics_at(&uri, 1);
    assert!(severity_of(&p, "missing-speaker").is_some());

    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"talknotes": {
            "pepIndex": pep_fixture().to_str().unwrap(),
            "rules": {"missing-speaker": "off", "malformed-issue": "hint"}
        }}}),
    );
    let p = c.wait_for_diagnostics(
        &uri,
        |p| with_code(p, "missing-speaker").is_empty(),
        TIMEOUT,
    );
    assert_eq!(
        codes(&p),
        [
            "pep-format",
            "unknown-pep",
            "malformed-issue",
            "broken-link"
        ],
        "{}",
        pretty(&p)
    );
    assert_eq!(severity_of(&p, "malformed-issue"), Some(json!(4)));

    // Without a PEP index, no unknown-pep.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"talknotes": {}}}),
    );
    let p = c.wait_for_diagnostics(&uri, |p| with_code(p, "unknown-pep").is_empty(), TIMEOUT);
    assert_eq!(
        codes(&p),
        [
            "pep-format",
            "malformed-issue",
            "broken-link",
            "missing-speaker"
        ],
        "{}",
        pretty(&p)
    );

    // Invalid settings: a warning to the user, diagnostics unchanged.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"talknotes": {"rules": {"no-such-rule": "off"}}}}),
    );
    let msg = c.wait_for_notification("window/showMessage", |n| {
        n["method"] == "window/showMessage"
    });
    assert!(
        msg["params"]["message"]
            .as_str()
            .unwrap()
            .contains("no-such-rule"),
        "{msg}"
    );
}

#[test]
fn talknotes_toml_and_its_changes() {
    let ws = Workspace::new();
    ws.write("talknotes.toml", "[rules]\nbroken-link = \"warning\"\n");
    let uri = ws.write("pyconf-2023.md", PYCONF);
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, PYCONF, 1);
    let p = c.diagnostics_at(&uri, 1);
    assert_eq!(
        severity_of(&p, "broken-link"),
        Some(json!(2)),
        "{}",
        pretty(&p)
    );

    let toml = ws.write("talknotes.toml", "[rules]\nbroken-link = \"off\"\n");
    c.watched_file_changed(&toml, 2);
    let p = c.wait_for_diagnostics(&uri, |p| with_code(p, "broken-link").is_empty(), TIMEOUT);
    assert!(!with_code(&p, "missing-speaker").is_empty());
}

#[test]
fn workspace_folders_added_and_removed() {
    let ws = Workspace::new();
    let uri = ws.write("a/pyconf-2023.md", PYCONF);
    ws.write("b/euroconf-2023.md", EUROCONF);
    let mut c = Client::spawn();
    // Only folder a at first.
    c.initialize(&ws.path("a"), json!({}), None);
    c.wait_for_indexing();
    c.open(&uri, PYCONF, 1);
    let plain = "talk “Caching All The Things” has no speaker";
    let p = c.diagnostics_at(&uri, 1);
    assert_eq!(with_code(&p, "missing-speaker")[0]["message"], plain);

    let folder_b = json!({"uri": file_uri(&ws.path("b")), "name": "b"});
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [folder_b], "removed": []}}),
    );
    let p = c.wait_for_diagnostics(
        &uri,
        |p| {
            with_code(p, "missing-speaker")
                .iter()
                .any(|d| d["message"] != plain)
        },
        TIMEOUT,
    );
    assert_eq!(
        with_code(&p, "missing-speaker")[0]["message"],
        format!("{plain}; euroconf-2023.md notes the same talk as given by Margaret Hamilton")
    );

    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [folder_b]}}),
    );
    c.wait_for_diagnostics(
        &uri,
        |p| {
            with_code(p, "missing-speaker")
                .iter()
                .any(|d| d["message"] == plain)
        },
        TIMEOUT,
    );
}

#[test]
fn file_names_that_need_percent_encoding() {
    let ws = Workspace::new();
    let uri = ws.write("pyconf 2023 #1.md", PYCONF);
    let other = ws.write("euro conf – 2023.md", EUROCONF);
    assert!(
        uri.contains("%20") && uri.contains("%23") && other.contains("%E2%80%93"),
        "{uri} {other}"
    );
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, PYCONF, 1);
    let p = c.diagnostics_at(&uri, 1);
    let d = &with_code(&p, "missing-speaker")[0];
    assert_eq!(
        d["message"],
        "talk “Caching All The Things” has no speaker; euro conf – 2023.md notes the same talk \
         as given by Margaret Hamilton"
    );
    assert_eq!(
        d["relatedInformation"][0]["location"]["uri"],
        other.as_str()
    );
    // Links to the other file, with spaces and a dash in its name: in
    // angle brackets, and percent-encoded. (`#` would start a fragment.)
    for (version, target) in [
        (2, "<euro conf – 2023.md>"),
        (3, "euro%20conf%20%E2%80%93%202023.md"),
    ] {
        let text = PYCONF.replace("(missing.md)", &format!("({target})"));
        c.change(&uri, version, json!([{"text": text}]));
        let p = c.diagnostics_at(&uri, version);
        assert!(
            with_code(&p, "broken-link").is_empty(),
            "{target}: {}",
            pretty(&p)
        );
    }
}

#[test]
fn documents_outside_the_workspace_and_untitled() {
    let ws = Workspace::new();
    ws.write("euroconf-2023.md", EUROCONF);
    let (mut c, _) = Client::start(&ws.root, None);

    // An unsaved buffer: no file path at all.
    let untitled = "untitled:Untitled-1";
    c.open(untitled, PYCONF, 1);
    let p = c.diagnostics_at(untitled, 1);
    assert!(
        !with_code(&p, "missing-speaker").is_empty(),
        "{}",
        pretty(&p)
    );
    assert_eq!(c.document_text(untitled), (PYCONF.to_string(), 1));

    // A file outside every workspace folder.
    let elsewhere = Workspace::new();
    let outside = elsewhere.write("pyconf-2023.md", PYCONF);
    c.open(&outside, PYCONF, 1);
    let p = c.diagnostics_at(&outside, 1);
    assert!(
        !with_code(&p, "missing-speaker").is_empty(),
        "{}",
        pretty(&p)
    );

    // Both can be edited and closed.
    c.change(untitled, 2, json!([change_json((0, 0), (0, 0), "x")]));
    c.diagnostics_at(untitled, 2);
    c.close(untitled);
    c.close(&outside);
    c.wait_for_diagnostics(untitled, |p| diags(p).is_empty(), TIMEOUT);
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn full_text_change_mixed_with_ranged_changes() {
    let ws = Workspace::new();
    let uri = ws.write("pyconf-2023.md", PYCONF);
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, "é🐍\n", 1);
    let mut text = String::new();
    let changes = json!([
        change_json((0, 1), (0, 3), "x"),
        {"text": PYCONF},
        change_json((0, 0), (0, 5), "Title – 🐍:"),
    ]);
    apply_change(&mut text, None, PYCONF, Enc::Utf16);
    apply_change(&mut text, Some(((0, 0), (0, 5))), "Title – 🐍:", Enc::Utf16);
    c.change(&uri, 2, changes);
    assert_eq!(c.document_text(&uri), (text.clone(), 2));
    let p = c.diagnostics_at(&uri, 2);
    assert_eq!(
        with_code(&p, "missing-speaker")[0]["range"],
        range_of(&text, "Caching All The Things", Enc::Utf16)
    );
}
