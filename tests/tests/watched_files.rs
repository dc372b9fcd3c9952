//! Files changed, created and deleted on disk, reported by the client with
//! `workspace/didChangeWatchedFiles` (as an editor does after a write):
//! the diagnostics of open documents follow.

use serde_json::Value;
use talknotes_e2e::fixtures::{EUROCONF, EUROCONF_WITHOUT_CACHING, PYCONF};
use talknotes_e2e::*;

const CHANGED: u8 = 2;
const CREATED: u8 = 1;
const DELETED: u8 = 3;

fn missing_speaker_message(p: &Value) -> String {
    let found = with_code(p, "missing-speaker");
    assert_eq!(found.len(), 1, "{}", pretty(p));
    found[0]["message"].as_str().unwrap().to_string()
}

fn has_code(p: &Value, code: &str) -> bool {
    !with_code(p, code).is_empty()
}

const PLAIN: &str = "talk “Caching All The Things” has no speaker";

fn named(file: &str, speaker: &str) -> String {
    format!("{PLAIN}; {file} notes the same talk as given by {speaker}")
}

#[test]
fn the_server_registers_a_watcher_for_notes() {
    let ws = Workspace::new();
    let (c, _) = Client::start(&ws.root, None);
    let reg = c
        .server_requests
        .iter()
        .find(|r| r["method"] == "client/registerCapability")
        .unwrap_or_else(|| panic!("no registerCapability in {:?}", c.server_requests));
    let r = &reg["params"]["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = r["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert!(globs.contains(&"**/*.md"), "{globs:?}");
}

#[test]
fn changed_file_updates_another_open_documents_diagnostics() {
    let ws = Workspace::new();
    let pyconf = ws.write("pyconf-2023.md", PYCONF);
    let euroconf = ws.write("euroconf-2023.md", EUROCONF_WITHOUT_CACHING);
    let (mut c, _) = Client::start(&ws.root, None);

    c.open(&pyconf, PYCONF, 1);
    let p = c.diagnostics_at(&pyconf, 1);
    assert_eq!(missing_speaker_message(&p), PLAIN);

    // The other file gains the talk, with its speaker.
    ws.write("euroconf-2023.md", EUROCONF);
    c.watched_file_changed(&euroconf, CHANGED);
    let p = c.wait_for_diagnostics(
        &pyconf,
        |p| {
            with_code(p, "missing-speaker")
                .iter()
                .any(|d| d["message"] != PLAIN)
        },
        TIMEOUT,
    );
    assert_eq!(
        missing_speaker_message(&p),
        named("euroconf-2023.md", "Margaret Hamilton")
    );
    assert_eq!(p["version"], 1, "still the open document's version");
    let d = &with_code(&p, "missing-speaker")[0];
    assert_eq!(
        d["relatedInformation"][0]["location"]["uri"],
        euroconf.as_str()
    );
    assert_eq!(
        d["relatedInformation"][0]["location"]["range"],
        range_of(EUROCONF, "Margaret Hamilton", Enc::Utf16)
    );

    // And loses it again.
    ws.write("euroconf-2023.md", EUROCONF_WITHOUT_CACHING);
    c.watched_file_changed(&euroconf, CHANGED);
    let p = c.wait_for_diagnostics(
        &pyconf,
        |p| {
            with_code(p, "missing-speaker")
                .iter()
                .any(|d| d["message"] == PLAIN)
        },
        TIMEOUT,
    );
    assert!(with_code(&p, "missing-speaker")[0]
        .get("relatedInformation")
        .is_none());
}

#[test]
fn created_and_deleted_files() {
    let ws = Workspace::new();
    let pyconf = ws.write("pyconf-2023.md", PYCONF);
    ws.write("euroconf-2023.md", EUROCONF_WITHOUT_CACHING);
    let (mut c, _) = Client::start(&ws.root, None);

    c.open(&pyconf, PYCONF, 1);
    let p = c.diagnostics_at(&pyconf, 1);
    assert!(has_code(&p, "broken-link"), "{}", pretty(&p));
    assert_eq!(missing_speaker_message(&p), PLAIN);

    // The link target is created: the broken link goes away.
    let missing = ws.write("missing.md", "# The write-up\n\nSee the talk.\n");
    c.watched_file_changed(&missing, CREATED);
    let p = c.wait_for_diagnostics(&pyconf, |p| !has_code(p, "broken-link"), TIMEOUT);
    assert_eq!(
        codes(&p),
        [
            "pep-format",
            "unknown-pep",
            "malformed-issue",
            "missing-speaker"
        ],
        "{}",
        pretty(&p)
    );

    // A new conference file noting the talk with a speaker is created.
    let devconf_text =
        "Title: DevConf 2023\n\n# Caching All The Things (Katherine Johnson)\n\n- Caches lie\n";
    let devconf = ws.write("devconf-2023.md", devconf_text);
    c.watched_file_changed(&devconf, CREATED);
    let p = c.wait_for_diagnostics(
        &pyconf,
        |p| {
            with_code(p, "missing-speaker")
                .iter()
                .any(|d| d["message"] != PLAIN)
        },
        TIMEOUT,
    );
    assert_eq!(
        missing_speaker_message(&p),
        named("devconf-2023.md", "Katherine Johnson")
    );
    let d = &with_code(&p, "missing-speaker")[0];
    assert_eq!(
        d["relatedInformation"][0]["location"]["uri"],
        devconf.as_str()
    );
    assert_eq!(
        d["relatedInformation"][0]["location"]["range"],
        range_of(devconf_text, "Katherine Johnson", Enc::Utf16)
    );

    // Both are deleted: the link is broken again, the message plain again.
    std::fs::remove_file(ws.path("devconf-2023.md")).unwrap();
    c.watched_file_changed(&devconf, DELETED);
    c.wait_for_diagnostics(
        &pyconf,
        |p| {
            with_code(p, "missing-speaker")
                .iter()
                .any(|d| d["message"] == PLAIN)
        },
        TIMEOUT,
    );
    std::fs::remove_file(ws.path("missing.md")).unwrap();
    c.watched_file_changed(&missing, DELETED);
    let p = c.wait_for_diagnostics(&pyconf, |p| has_code(p, "broken-link"), TIMEOUT);
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
    assert_eq!(
        with_code(&p, "broken-link")[0]["range"],
        range_of(PYCONF, "missing.md", Enc::Utf16)
    );
}

#[test]
fn an_open_buffer_wins_over_the_disk_until_closed() {
    let ws = Workspace::new();
    let pyconf = ws.write("pyconf-2023.md", PYCONF);
    let euroconf = ws.write("euroconf-2023.md", EUROCONF_WITHOUT_CACHING);
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&pyconf, PYCONF, 1);
    assert_eq!(
        missing_speaker_message(&c.diagnostics_at(&pyconf, 1)),
        PLAIN
    );

    // The other file, edited in the editor (not saved), notes the talk.
    c.open(&euroconf, EUROCONF_WITHOUT_CACHING, 1);
    c.change(&euroconf, 2, serde_json::json!([{"text": EUROCONF}]));
    let p = c.wait_for_diagnostics(
        &pyconf,
        |p| {
            with_code(p, "missing-speaker")
                .iter()
                .any(|d| d["message"] != PLAIN)
        },
        TIMEOUT,
    );
    assert_eq!(
        missing_speaker_message(&p),
        named("euroconf-2023.md", "Margaret Hamilton")
    );

    // A change on disk to an open document does not override its buffer.
    ws.write("euroconf-2023.md", EUROCONF_WITHOUT_CACHING);
    c.watched_file_changed(&euroconf, CHANGED);
    c.change(
        &pyconf,
        2,
        serde_json::json!([change_json((0, 0), (0, 0), "")]),
    );
    let p = c.diagnostics_at(&pyconf, 2);
    assert_eq!(
        missing_speaker_message(&p),
        named("euroconf-2023.md", "Margaret Hamilton")
    );

    // Closed without saving: the disk is the truth again.
    c.close(&euroconf);
    let p = c.wait_for_diagnostics(
        &pyconf,
        |p| {
            with_code(p, "missing-speaker")
                .iter()
                .any(|d| d["message"] == PLAIN)
        },
        TIMEOUT,
    );
    assert_eq!(p["version"], 2);
}
