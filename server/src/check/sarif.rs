//! `--check --format sarif`: SARIF 2.1.0, the format GitHub code scanning
//! (and other CI dashboards) upload. One run; every rule described in the
//! tool's driver; paths relative to the folder `--check` ran in
//! (`%SRCROOT%`); columns counted in Unicode code points, like the other
//! formats.

use std::path::Path;

use serde_json::{json, Value};

use super::{line_col, Problem, Report};
use crate::analysis::Snapshot;
use crate::config::Severity;
use crate::rules::Rule;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A path as a relative URI reference (`notes/pycon%202017.md`).
fn uri_of(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'@'
            | b'+'
            | b','
            | b';'
            | b'=' => out.push(b as char),
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn region(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({
        "startLine": start.0,
        "startColumn": start.1,
        "endLine": end.0,
        "endColumn": end.1,
    })
}

fn artifact(path: &str) -> Value {
    json!({"uri": uri_of(path), "uriBaseId": "SRCROOT"})
}

/// The folder as the absolute `file:` URI SARIF wants for a base (with the
/// trailing slash that makes relative references resolve inside it).
fn base_uri(cwd: &Path) -> String {
    let mut u = url::Url::from_directory_path(cwd)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| "file:///".into());
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}

impl Report<'_> {
    pub(super) fn sarif(&self, problems: &[Problem], snapshot: &Snapshot) -> Value {
        let rules: Vec<Value> = Rule::ALL
            .iter()
            .map(|r| {
                json!({
                    "id": r.code(),
                    "shortDescription": {"text": r.summary()},
                    "defaultConfiguration": {"level": level(r.default_severity())},
                    "properties": {"tags": ["talk-notes"]},
                })
            })
            .collect();
        let results: Vec<Value> = self
            .items
            .iter()
            .map(|i| {
                let f = i.finding;
                let index = Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0);
                let mut result = json!({
                    "ruleId": f.rule.code(),
                    "ruleIndex": index,
                    "level": level(f.severity),
                    "message": {"text": f.message},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": artifact(&i.path),
                            "region": region(i.start, i.end),
                        }
                    }],
                });
                let related: Vec<Value> = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(n, r)| {
                        let (path, file) = self.related_path(snapshot, &r.url);
                        let mut location = json!({
                            "artifactLocation": artifact(&path),
                        });
                        if let Some(file) = file {
                            location["region"] = region(
                                line_col(&file, r.range.start),
                                line_col(&file, r.range.end),
                            );
                        }
                        json!({
                            "id": n + 1,
                            "physicalLocation": location,
                            "message": {"text": r.message},
                        })
                    })
                    .collect();
                if !related.is_empty() {
                    result["relatedLocations"] = Value::Array(related);
                }
                if let Some(fix) = &f.fix {
                    let replacements: Vec<Value> = fix
                        .edits
                        .iter()
                        .map(|e| {
                            json!({
                                "deletedRegion": region(
                                    line_col(i.file, e.range.start),
                                    line_col(i.file, e.range.end),
                                ),
                                "insertedContent": {"text": e.new_text},
                            })
                        })
                        .collect();
                    result["fixes"] = json!([{
                        "description": {"text": fix.title},
                        "artifactChanges": [{
                            "artifactLocation": artifact(&i.path),
                            "replacements": replacements,
                        }],
                    }]);
                }
                result
            })
            .collect();
        let notifications: Vec<Value> = problems
            .iter()
            .map(|p| {
                let path = super::display_path(&self.cwd, &p.path);
                json!({
                    "level": "error",
                    "message": {"text": p.message},
                    "locations": [{"physicalLocation": {"artifactLocation": artifact(&path)}}],
                })
            })
            .collect();
        json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "talknotes-ls",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "originalUriBaseIds": {"SRCROOT": {"uri": base_uri(&self.cwd)}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{
                    "executionSuccessful": problems.is_empty(),
                    "toolExecutionNotifications": notifications,
                }],
                "results": results,
            }],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_relative_references() {
        assert_eq!(uri_of("notes/pycon 2017.md"), "notes/pycon%202017.md");
        assert_eq!(uri_of("a/café.md"), "a/caf%C3%A9.md");
        assert_eq!(uri_of("x#y?.md"), "x%23y%3F.md");
    }

    #[test]
    fn hints_and_infos_are_notes() {
        assert_eq!(level(Severity::Hint), "note");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(level(Severity::Error), "error");
    }
}
