//! `talknotes-ls --check`: JSON and GitHub output, and exit codes.

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};
use talknotes_e2e::fixtures::{EUROCONF, PYCONF};
use talknotes_e2e::*;

fn check(cwd: &Path, args: &[&str]) -> Output {
    let out = server_command()
        .arg("--check")
        .args(args)
        .current_dir(cwd)
        .env_remove("TALKNOTES_PEP_INDEX")
        .output()
        .expect("run --check");
    // Whatever the result, --check never panics.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("an exit code, not a signal")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

/// 1-based line and column (Unicode characters) of the first `needle`, and
/// of its end: how --check reports positions.
fn line_col(text: &str, needle: &str) -> ((u64, u64), (u64, u64)) {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let at = |offset: usize| {
        let before = &text[..offset];
        let line = before.matches('\n').count() as u64 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() as u64 + 1)
    };
    (at(start), at(start + needle.len()))
}

/// The text a finding's 1-based, character-based range covers.
fn slice<'a>(text: &'a str, f: &Value) -> &'a str {
    let (line, col, end_line, end_col) = (
        f["line"].as_u64().unwrap() as usize,
        f["column"].as_u64().unwrap() as usize,
        f["end_line"].as_u64().unwrap() as usize,
        f["end_column"].as_u64().unwrap() as usize,
    );
    assert_eq!(line, end_line, "one-line ranges only here: {f}");
    let l = text.split('\n').nth(line - 1).expect("line exists");
    let byte = |c: usize| l.char_indices().nth(c - 1).map_or(l.len(), |(i, _)| i);
    &l[byte(col)..byte(end_col)]
}

/// PYCONF with multi-byte characters before a finding, so that a column in
/// characters differs from one in bytes or UTF-16 units.
fn pyconf_unicode() -> String {
    PYCONF.replace(
        "- The event loop from PEP3156",
        "- L’événement 🐍 loop from PEP3156",
    )
}

#[test]
fn json_findings() {
    let ws = Workspace::new();
    let pyconf = pyconf_unicode();
    ws.write("pyconf-2023.md", &pyconf);
    ws.write("euroconf-2023.md", EUROCONF);
    let pep_index = pep_fixture();
    let out = check(
        &ws.root,
        &[
            ".",
            "--format",
            "json",
            "--pep-index",
            pep_index.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 1, "a broken link is an error: {}", stdout(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON on stdout");
    assert_eq!(report["version"], 1);
    assert_eq!(report["files_checked"], 2);
    assert_eq!(report["errors"], json!([]));
    assert_eq!(
        report["summary"],
        json!({"error": 1, "warning": 3, "info": 0, "hint": 1})
    );

    let expected = [
        ("PEP3156", "pep-format", "hint"),
        ("PEP 9999", "unknown-pep", "warning"),
        ("bpo-262`49", "malformed-issue", "warning"),
        ("missing.md", "broken-link", "error"),
        ("Caching All The Things", "missing-speaker", "warning"),
    ];
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), expected.len(), "{}", pretty(&report));
    for (f, (span, rule, severity)) in findings.iter().zip(expected) {
        let ((line, col), (end_line, end_col)) = line_col(&pyconf, span);
        assert_eq!(f["path"], "pyconf-2023.md", "{f}");
        assert_eq!(f["rule"], rule, "{f}");
        assert_eq!(f["severity"], severity, "{f}");
        assert_eq!(
            (&f["line"], &f["column"], &f["end_line"], &f["end_column"]),
            (&json!(line), &json!(col), &json!(end_line), &json!(end_col)),
            "{rule} range: {f}"
        );
        assert_eq!(slice(&pyconf, f), span);
    }
    // Columns count characters: `’`, `é` and 🐍 are one each.
    assert_eq!(findings[0]["column"], 27, "{}", findings[0]);

    let ms = &findings[4];
    assert_eq!(
        ms["message"],
        "talk “Caching All The Things” has no speaker; euroconf-2023.md notes the same talk \
         as given by Margaret Hamilton"
    );
    let ((line, col), _) = line_col(EUROCONF, "Margaret Hamilton");
    assert_eq!(ms["related"][0]["path"], "euroconf-2023.md");
    assert_eq!(
        (&ms["related"][0]["line"], &ms["related"][0]["column"]),
        (&json!(line), &json!(col))
    );
    assert_eq!(ms["fix"]["title"], "Add speaker Margaret Hamilton");
}

#[test]
fn github_annotations() {
    let ws = Workspace::new();
    let pyconf = pyconf_unicode();
    ws.write("pyconf-2023.md", &pyconf);
    ws.write("euroconf-2023.md", EUROCONF);
    let pep_index = pep_fixture();
    let out = check(
        &ws.root,
        &[
            ".",
            "--format",
            "github",
            "--pep-index",
            pep_index.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    let ((line, col), (end_line, end_col)) = line_col(&pyconf, "Caching All The Things");
    assert!(
        lines.contains(&format!(
            "::warning file=pyconf-2023.md,line={line},col={col},endLine={end_line},endColumn={end_col},\
             title=talknotes missing-speaker::talk “Caching All The Things” has no speaker; \
             euroconf-2023.md notes the same talk as given by Margaret Hamilton"
        )
        .as_str()),
        "{text}"
    );
    let ((line, col), _) = line_col(&pyconf, "missing.md");
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "::error file=pyconf-2023.md,line={line},col={col},"
        )) && l.contains("broken-link")),
        "{text}"
    );
    for l in &lines {
        assert!(
            ["::error file=", "::warning file=", "::notice file="]
                .iter()
                .any(|p| l.starts_with(p)),
            "{l}"
        );
    }
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("::warning file="))
            .count(),
        3,
        "{text}"
    );
}

#[test]
fn exit_codes() {
    // Clean: 0, and an empty list of findings.
    let clean = Workspace::new();
    clean.write("euroconf-2023.md", EUROCONF);
    let out = check(&clean.root, &[".", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["findings"], json!([]));
    assert_eq!(report["files_checked"], 1);

    // A broken link (an error by default): 1.
    let broken = Workspace::new();
    broken.write(
        "euroconf-2023.md",
        format!("{EUROCONF}    * [slides](slides.md)\n"),
    );
    let out = check(&broken.root, &["."]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("error[broken-link]"),
        "{}",
        stdout(&out)
    );

    // A missing path: 2, with a message on stderr.
    let out = check(&clean.root, &["no-such-folder"]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-folder"));

    // Warnings only: 0 by default, 1 with --deny warning.
    let warned = Workspace::new();
    warned.write(
        "pyconf-2023.md",
        "Title: PyConf 2023\n\n# Shipping Wheels Without Tears (Grace Hopper)\n\n- wheels\n\n# Some Talk\n\n- notes\n",
    );
    let out = check(&warned.root, &[".", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["missing-speaker"]);
    assert_eq!(code(&check(&warned.root, &[".", "--deny", "warning"])), 1);
    assert_eq!(code(&check(&warned.root, &[".", "--deny", "error"])), 0);

    // Hints only: fail only at --deny hint.
    let hinted = Workspace::new();
    hinted.write(
        "euroconf-2023.md",
        EUROCONF.replace("Protocols instead", "PEP3156 and protocols instead"),
    );
    let out = check(&hinted.root, &[".", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        report["findings"][0]["rule"],
        "pep-format",
        "{}",
        pretty(&report)
    );
    assert_eq!(code(&out), 0);
    assert_eq!(code(&check(&hinted.root, &[".", "--deny", "warning"])), 0);
    assert_eq!(code(&check(&hinted.root, &[".", "--deny", "hint"])), 1);

    // A bad option: 2 (usage).
    assert_eq!(code(&check(&clean.root, &[".", "--format", "yaml"])), 2);
}

#[test]
fn human_format() {
    let ws = Workspace::new();
    ws.write(
        "pyconf-2023.md",
        "Title: PyConf 2023\n\n# Shipping Wheels Without Tears (Grace Hopper)\n\n- wheels\n\n# Some Talk\n\n- notes\n",
    );
    let out = check(&ws.root, &["."]);
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).starts_with(
            "pyconf-2023.md:7:3: warning[missing-speaker]: talk “Some Talk” has no speaker\n"
        ),
        "{}",
        stdout(&out)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("checked 1 file"));
}
