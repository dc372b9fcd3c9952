//! `workspace/executeCommand` with `talknotes.report`: the server writes the
//! HTML report of the workspace as it sees it (unsaved buffers included)
//! and answers with the file's path.

use serde_json::json;
use talknotes_e2e::fixtures::{EUROCONF, PYCONF};
use talknotes_e2e::*;

/// The part of the report between two section ids.
fn section<'a>(html: &'a str, id: &str, next: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = html[start..]
        .find(&format!("id=\"{next}\""))
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[test]
fn the_report_command_writes_the_report_and_returns_its_path() {
    let ws = Workspace::new();
    let pyconf = ws.write("pyconf-2023.md", PYCONF);
    ws.write("euroconf-2023.md", EUROCONF);
    let (mut c, init) = Client::start(&ws.root, None);
    assert_eq!(
        init["capabilities"]["executeCommandProvider"]["commands"],
        json!(["talknotes.report"])
    );

    // An unsaved edit gives the speakerless talk its speaker, who also
    // spoke at EuroConf: the report follows the editor, not the disk.
    let edited = PYCONF.replace(
        "# Caching All The Things\n",
        "# Caching All The Things (Margaret Hamilton)\n",
    );
    assert_ne!(edited, PYCONF);
    c.open(&pyconf, &edited, 1);

    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("nested/report.html");
    let answer = c
        .request(
            "workspace/executeCommand",
            json!({"command": "talknotes.report", "arguments": [target.to_str().unwrap()]}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer, json!(target.to_str().unwrap()));
    let html = std::fs::read_to_string(&target).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);
    let speakers = section(&html, "speakers", "mentions");
    assert!(speakers.contains("Margaret Hamilton"), "{speakers}");
    assert!(speakers.contains("PyConf 2023") && speakers.contains("EuroConf 2023"));
    // The health section lists the disk file's findings with file:line.
    let health = section(&html, "health", "no-such-section");
    assert!(
        health.contains("pyconf-2023.md:"),
        "paths are relative to the workspace folder: {health}"
    );
    assert!(health.contains("malformed-issue"));
    // Without the edit, PyConf's talk has no speaker: it is in the health
    // section no more.
    assert!(!health.contains("“Caching All The Things” has no speaker"));

    // A relative path is taken from the workspace folder.
    let answer = c
        .request(
            "workspace/executeCommand",
            json!({"command": "talknotes.report", "arguments": ["reports/notes.html"]}),
        )
        .unwrap();
    assert_eq!(
        answer,
        json!(ws.path("reports/notes.html").to_str().unwrap())
    );
    assert!(ws.path("reports/notes.html").is_file());

    // No argument: a file of its own outside the workspace.
    let answer = c
        .request(
            "workspace/executeCommand",
            json!({"command": "talknotes.report", "arguments": []}),
        )
        .unwrap();
    let path = std::path::PathBuf::from(answer.as_str().unwrap());
    assert!(path.is_file(), "{path:?}");
    assert!(!path.starts_with(&ws.root));
    assert!(path.extension().is_some_and(|e| e == "html"));
    let _ = std::fs::remove_file(&path);

    // An unknown command is an error, not a crash.
    let err = c
        .request(
            "workspace/executeCommand",
            json!({"command": "talknotes.nothing", "arguments": []}),
        )
        .unwrap_err();
    assert_eq!(err["code"], -32602, "{err}");
    c.shutdown_and_exit();
}
