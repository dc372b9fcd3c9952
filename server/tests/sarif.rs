//! `--check --format sarif` on the sample notes: valid against the official
//! SARIF 2.1.0 schema (the copy the `serde-sarif` crate ships, found in
//! cargo's registry), readable by `serde-sarif`'s typed model, and saying
//! the same as the JSON format, finding for finding.

use std::path::{Path, PathBuf};

use serde_json::Value;
use talknotes_ls::check::{run, CheckOptions, Format};
use talknotes_ls::config::Severity;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn check(format: Format) -> (i32, Value) {
    let opts = CheckOptions {
        paths: vec![repo().join("examples/notes")],
        format,
        deny: Severity::Warning,
        pep_index: None,
        config: None,
        color: false,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&opts, &mut out, &mut err);
    let json = serde_json::from_slice(&out).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        )
    });
    (code, json)
}

/// The SARIF 2.1.0 schema file inside the `serde-sarif` package: its
/// source is in cargo's registry, since this test is built with it. Found
/// by its locked version under `$CARGO_HOME/registry/src/*/` (not with
/// `cargo metadata --offline`, which wants every package of every platform
/// downloaded, and fails on a fresh machine that only fetched Linux's).
fn sarif_schema() -> PathBuf {
    let lock = std::fs::read_to_string(repo().join("Cargo.lock")).unwrap();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"serde-sarif\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
        .expect("serde-sarif in Cargo.lock");
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let registries = cargo_home.join("registry/src");
    std::fs::read_dir(&registries)
        .unwrap_or_else(|e| panic!("{}: {e}", registries.display()))
        .flatten()
        .map(|r| {
            r.path()
                .join(format!("serde-sarif-{version}/src/schema.json"))
        })
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("serde-sarif {version} not under {}", registries.display()))
}

#[test]
fn sarif_is_valid_and_says_what_json_says() {
    let (code, sarif) = check(Format::Sarif);
    let (json_code, json) = check(Format::Json);
    assert_eq!(code, json_code);
    assert_eq!(code, 1, "the sample has findings");

    // Valid against the official schema.
    let schema = sarif_schema();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let index = compiler
        .compile(schema.to_str().unwrap(), &mut schemas)
        .unwrap_or_else(|e| panic!("{}: {e:#}", schema.display()));
    if let Err(e) = schemas.validate(&sarif, index) {
        panic!("not valid SARIF 2.1.0: {e:#}");
    }
    // And readable by a SARIF library's typed model.
    let typed: serde_sarif::sarif::Sarif =
        serde_json::from_value(sarif.clone()).expect("serde-sarif reads it");
    assert_eq!(typed.runs.len(), 1);

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), talknotes_ls::rules::Rule::ALL.len());
    let results = run["results"].as_array().unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    assert!(!results.is_empty());
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["rule"]);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], f["rule"]);
        assert_eq!(r["message"]["text"], f["message"]);
        let level = match f["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], level);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "SRCROOT");
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        let path = f["path"].as_str().unwrap();
        assert!(
            uri.ends_with(&path.rsplit('/').next().unwrap().replace(' ', "%20")),
            "{uri} vs {path}"
        );
        let region = &loc["region"];
        assert_eq!(region["startLine"], f["line"]);
        assert_eq!(region["startColumn"], f["column"]);
        assert_eq!(region["endLine"], f["end_line"]);
        assert_eq!(region["endColumn"], f["end_column"]);
        assert_eq!(r["fixes"].is_array(), !f["fix"].is_null());
    }
    // The base the relative paths resolve against is an absolute file URI.
    let base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
}
