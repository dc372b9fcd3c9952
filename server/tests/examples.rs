//! The sample workspace `examples/notes` against its own spec,
//! `examples/notes/EXPECTED.md`: exactly the findings listed there (file,
//! line, rule, the text under the range), and the talks of every file with
//! their speakers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use talknotes_ls::check::analyse_paths;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/notes")
}

/// Rows of the markdown table under the heading `## {title}`.
fn table(md: &str, title: &str) -> Vec<Vec<String>> {
    let start = md
        .find(&format!("## {title}"))
        .expect("section in EXPECTED.md");
    md[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

fn unquote(cell: &str) -> String {
    let c = cell.trim();
    let c = c
        .strip_prefix("``")
        .and_then(|c| c.strip_suffix("``"))
        .unwrap_or(c);
    c.trim_matches('`').trim().to_string()
}

#[test]
fn findings_are_exactly_the_expected_ones() {
    let root = examples();
    let md = std::fs::read_to_string(root.join("EXPECTED.md")).unwrap();
    let checked = analyse_paths(&root, &[PathBuf::from(".")], None, None).unwrap();
    assert!(checked.problems.is_empty());

    let mut actual = BTreeSet::new();
    for (file, findings) in &checked.results {
        let rel = file
            .path
            .as_ref()
            .unwrap()
            .strip_prefix(root.canonicalize().unwrap())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for f in findings {
            let line = file.lines.line_of(f.range.start) + 1;
            actual.insert((
                rel.clone(),
                line,
                f.rule.code().to_string(),
                file.text()[f.range.clone()].to_string(),
            ));
        }
    }
    let mut expected = BTreeSet::new();
    for row in table(&md, "Findings") {
        let rule = unquote(&row[2])
            .split_whitespace()
            .next()
            .unwrap()
            .trim_matches('`')
            .to_string();
        let span = unquote(&row[3]);
        expected.insert((
            unquote(&row[0]),
            row[1].parse::<usize>().unwrap(),
            rule,
            span,
        ));
    }
    // The span in EXPECTED.md may extend past the range (a duplicate talk's
    // whole line); the range's text must start it.
    let missing: Vec<_> = expected
        .iter()
        .filter(|(f, l, r, span)| {
            !actual.iter().any(|(af, al, ar, at)| {
                af == f && al == l && ar == r && span.starts_with(at.as_str())
            })
        })
        .collect();
    let extra: Vec<_> = actual
        .iter()
        .filter(|(af, al, ar, at)| {
            !expected.iter().any(|(f, l, r, span)| {
                af == f && al == l && ar == r && span.starts_with(at.as_str())
            })
        })
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
}

#[test]
fn talks_and_speakers_are_read_as_specified() {
    let root = examples();
    let md = std::fs::read_to_string(root.join("EXPECTED.md")).unwrap();
    let checked = analyse_paths(&root, &[PathBuf::from(".")], None, None).unwrap();
    let canonical = root.canonicalize().unwrap();
    let mut problems = Vec::new();
    let rows = table(&md, "Talks in each file");
    for row in &rows {
        let file = unquote(&row[0]);
        let line: usize = row[1].parse().unwrap();
        let title = row[2].clone();
        let speakers: Vec<String> = if row[3] == "—" {
            Vec::new()
        } else {
            row[3]
                .split(", ")
                .map(|s| s.split(" (").next().unwrap().to_string())
                .collect()
        };
        let note = checked
            .results
            .iter()
            .map(|(f, _)| f)
            .find(|f| {
                f.path.as_ref().unwrap().strip_prefix(&canonical).unwrap() == Path::new(&file)
            })
            .unwrap_or_else(|| panic!("{file} not analysed"));
        let talk = note
            .model
            .talks
            .iter()
            .find(|t| note.lines.line_of(t.line_range().start) + 1 == line);
        match talk {
            None => problems.push(format!("{file}:{line}: no talk found ({title})")),
            Some(t) => {
                let names: Vec<String> = t.speakers.iter().map(|s| s.name.to_string()).collect();
                if t.keynote && title == "Keynote" {
                    if names != speakers {
                        problems.push(format!(
                            "{file}:{line}: keynote speakers {names:?}, expected {speakers:?}"
                        ));
                    }
                } else if *t.title != *title || names != speakers {
                    problems.push(format!(
                        "{file}:{line}: read {:?} by {names:?}, expected {title:?} by {speakers:?}",
                        t.title
                    ));
                }
            }
        }
    }
    // And no talk the table does not list.
    for (note, _) in &checked.results {
        let file = note
            .path
            .as_ref()
            .unwrap()
            .strip_prefix(&canonical)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for t in &note.model.talks {
            let line = note.lines.line_of(t.line_range().start) + 1;
            if !rows
                .iter()
                .any(|r| unquote(&r[0]) == file && r[1] == line.to_string())
            {
                problems.push(format!("{file}:{line}: unexpected talk {:?}", t.title));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
