//! `--check --format sarif` on the sample notes: valid against the official
//! SARIF 2.1.0 schema (the copy the `serde-sarif` crate ships, found with
//! `cargo metadata`), readable by `serde-sarif`'s typed model, and saying
//! the same as the JSON format, finding for finding.

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// The SARIF 2.1.0 schema file inside the `serde-sarif` package.
fn sarif_schema() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(repo())
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifest = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif among the packages");
    Path::new(manifest).with_file_name("src/schema.json")
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
