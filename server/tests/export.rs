//! `talknotes-ls export`: the export of `examples/notes` checked field by
//! field against the sample's own spec (`examples/notes/EXPECTED.md`) and
//! against the notes' text, validated by the JSON Schema in
//! `docs/export.schema.json`; the CSV; the CLI's exit codes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use talknotes_ls::check::analyse_paths;
use talknotes_ls::export::{self, insights, Export};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn examples() -> PathBuf {
    repo().join("examples/notes").canonicalize().unwrap()
}

fn export_of(root: &Path) -> Export {
    let checked = analyse_paths(root, &[PathBuf::from(".")], None, None).unwrap();
    export::build(&checked.snapshot, &checked.results, &checked.problems, root)
}

/// Rows of the markdown table under the heading `## {title}`.
fn table(md: &str, title: &str) -> Vec<Vec<String>> {
    let start = md.find(&format!("## {title}")).expect("section");
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

fn talk<'a>(e: &'a Export, id: &str) -> &'a export::model::TalkOut {
    e.talks
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no talk {id}"))
}

/// The 1-based character column of `needle` on line `line` of `file`.
fn column_of(file: &str, line: u32, needle: &str) -> u32 {
    let text = std::fs::read_to_string(examples().join(file)).unwrap();
    let l = text.lines().nth(line as usize - 1).unwrap();
    let byte = l.find(needle).unwrap_or_else(|| panic!("{needle} in {l}"));
    l[..byte].chars().count() as u32 + 1
}

#[test]
fn conferences_are_those_of_expected_md() {
    let e = export_of(&examples());
    let md = std::fs::read_to_string(examples().join("EXPECTED.md")).unwrap();
    let rows = table(&md, "Conference of each file");
    let mut checked = 0;
    for row in rows {
        let source = if row[1].contains("Pelican") {
            "pelican-header"
        } else if row[1].contains("YAML") {
            "front-matter"
        } else if row[1].starts_with("nothing") {
            "file-name"
        } else {
            "first-line"
        };
        // `PyCon 2017 (the same conference as "PyCon US 2017")` → PyCon;
        // `(no name)` → none.
        let name = row[2].split(" (").next().unwrap().trim();
        let name = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
        let name = if name.starts_with('(') { "" } else { name };
        let year: u16 = row[3].split(',').next().unwrap().trim().parse().unwrap();
        for file in row[0].split(", ").map(unquote) {
            let f = e.files.iter().find(|f| f.path == file).unwrap();
            let id = f.conference.as_deref().unwrap_or_else(|| panic!("{file}"));
            let c = e.conferences.iter().find(|c| c.id == id).unwrap();
            if name.is_empty() {
                assert_eq!(c.name, None, "{file}");
            } else {
                assert_eq!(
                    c.name.as_deref().map(str::to_lowercase),
                    Some(name.to_lowercase()),
                    "{file}"
                );
            }
            assert_eq!(c.year, Some(year), "{file}");
            let cf = c.files.iter().find(|cf| cf.path == file).unwrap();
            assert_eq!(cf.source, source, "{file}");
            assert_eq!(cf.line.is_none(), source == "file-name", "{file}");
            checked += 1;
        }
    }
    assert_eq!(checked, e.files.len(), "every file has a row");
    // The three talks/ files are one conference; 2019-notes.md (a year from
    // its file name) is not guessed to be it.
    let ids: Vec<&str> = e.conferences.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pycon-2014",
            "pycon-2017",
            "pycon-us-2018",
            "2019",
            "pycon-us-2019",
            "pycon-us-2024"
        ]
    );
    let us2019 = &e.conferences[4];
    assert_eq!(us2019.files.len(), 3);
    // README lists the two talk pages and a third talk: three distinct talks.
    assert_eq!(us2019.talks, 3);
    assert_eq!(us2019.files[0].written, "PyCon US");
}

#[test]
fn talks_are_those_of_expected_md() {
    let e = export_of(&examples());
    let md = std::fs::read_to_string(examples().join("EXPECTED.md")).unwrap();
    let rows = table(&md, "Talks in each file");
    assert_eq!(e.talks.len(), rows.len());
    let mut previous = String::new();
    for row in &rows {
        let id = format!("{}:{}", unquote(&row[0]), row[1]);
        let t = talk(&e, &id);
        let speakers: Vec<String> = if row[3] == "—" {
            Vec::new()
        } else {
            row[3]
                .split(", ")
                .map(|s| s.split(" (").next().unwrap().to_string())
                .collect()
        };
        assert_eq!(t.speakers, speakers, "{id}");
        if row[2] == "Keynote" {
            assert!(t.keynote, "{id}");
        } else {
            assert_eq!(t.title, row[2], "{id}");
            assert!(!t.keynote, "{id}");
        }
        assert_eq!(t.file, unquote(&row[0]));
        assert_eq!(t.line.to_string(), row[1]);
        let f = e.files.iter().find(|f| f.path == t.file).unwrap();
        assert_eq!(t.conference, f.conference, "{id}");
        let shape = row[4].as_str();
        let form = if shape.contains("heading")
            || shape.contains("one talk per file")
            || shape.starts_with("`#")
        {
            "heading".to_string()
        } else if shape.contains("paragraph") || shape.starts_with("`Title") {
            "paragraph".to_string()
        } else if shape.starts_with("same") {
            previous.clone()
        } else {
            "list-item".to_string()
        };
        assert_eq!(t.form, form, "{id}: {shape}");
        previous = form;
    }
}

#[test]
fn talk_fields_follow_the_notes_text() {
    let e = export_of(&examples());

    let t = talk(&e, "pycon-us-2018.md:25");
    assert_eq!(t.title, "Python 3: ten years later");
    assert_eq!(t.column, 3);
    assert_eq!(
        (t.conference.as_deref(), t.year),
        (Some("pycon-us-2018"), Some(2018))
    );
    assert_eq!(
        serde_json::to_value(&t.links).unwrap(),
        json!([
            {"text": "Talk overview", "target": "https://us.pycon.org/2018/schedule/presentation/86/", "line": 27, "kind": "inline"},
            {"text": "Video", "target": "https://www.youtube.com/watch?v=Aj3KMefwOqI", "line": 29, "kind": "inline"}
        ])
    );
    assert_eq!(t.peps, [461, 373]);
    assert_eq!(
        serde_json::to_value(&t.issues).unwrap(),
        json!([{"tracker": "bpo", "number": null, "text": "bpo-", "line": 37}])
    );
    assert!(t.libraries.is_empty());

    let t = talk(&e, "pycon-2017.md:22");
    assert_eq!(t.speakers, ["Victor Stinger"], "as written");
    assert_eq!(t.form, "list-item");
    assert_eq!(t.column, column_of("pycon-2017.md", 22, "Optimizations"));
    assert_eq!(t.peps, [509]);
    assert_eq!(
        serde_json::to_value(&t.issues).unwrap(),
        json!([
            {"tracker": "bpo", "number": 24915, "text": "bpo-24915", "line": 24},
            {"tracker": "bpo", "number": null, "text": "bpo-266`47", "line": 25}
        ])
    );
    // `perf` twice (a code span and `python3 -m perf`): once.
    assert_eq!(t.libraries, ["perf"]);
    assert!(t.links.is_empty());

    let t = talk(&e, "pycon-2017.md:15");
    assert_eq!(t.peps, [412, 509], "PEP 509 and its URL are one reference");
    assert_eq!(t.issues[0].text, "Issue 27350");
    assert_eq!(t.issues[0].tracker, "issue");
    assert_eq!(t.links.len(), 2);
    assert_eq!(
        t.links[0].target,
        "https://www.python.org/dev/peps/pep-0509/"
    );

    let t = talk(&e, "pycon-2014.md:9");
    assert_eq!(t.form, "paragraph");
    assert_eq!(t.column, 1);
    assert_eq!(
        t.libraries,
        ["array", "struct", "collections", "heapq", "bisect"]
    );

    let t = talk(&e, "pycon-us-2024.md:9");
    assert_eq!(t.peps, [703, 734, 6830]);
    assert_eq!(t.libraries, ["interpreters"]);
    assert_eq!(t.column, 3);

    let t = talk(&e, "2019-notes.md:28");
    assert_eq!(
        (t.conference.as_deref(), t.year),
        (Some("2019"), Some(2019))
    );
    assert_eq!(t.links.len(), 1);
    assert_eq!(
        t.links[0].target,
        "https://www.youtube.com/watch?v=tGAngdU_8D8"
    );
    assert_eq!(t.links[0].line, 28);
    assert!(
        t.libraries.is_empty(),
        "`frozenset` is a builtin: {:?}",
        t.libraries
    );

    let t = talk(&e, "talks/life-is-better-painted-black.md:1");
    assert_eq!(t.conference.as_deref(), Some("pycon-us-2019"));
    let kinds: Vec<&str> = t.links.iter().map(|l| l.kind.as_str()).collect();
    assert_eq!(kinds, ["reference", "reference"]);
    assert_eq!(t.links[0].text, "Video");
    assert_eq!(
        t.links[0].target,
        "https://www.youtube.com/watch?v=esZLCuWs_2Y"
    );
}

#[test]
fn speakers_libraries_peps_and_diagnostics() {
    let e = export_of(&examples());
    let md = std::fs::read_to_string(examples().join("EXPECTED.md")).unwrap();

    // Every speaker of the talks table, the misspelling folded into the
    // better attested spelling (two files against one).
    let mut expected: BTreeSet<String> = table(&md, "Talks in each file")
        .iter()
        .filter(|r| r[3] != "—")
        .flat_map(|r| {
            r[3].split(", ")
                .map(|s| s.split(" (").next().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(expected.remove("Victor Stinger"));
    let names: BTreeSet<String> = e.speakers.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, expected);

    let victor = e
        .speakers
        .iter()
        .find(|s| s.name == "Victor Stinner")
        .unwrap();
    assert_eq!(victor.spellings, ["Victor Stinner", "Victor Stinger"]);
    assert_eq!(
        victor.talks,
        [
            "pycon-2014.md:28",
            "pycon-2017.md:22",
            "pycon-us-2018.md:25"
        ]
    );
    assert_eq!(
        victor.conferences,
        ["pycon-2014", "pycon-2017", "pycon-us-2018"]
    );
    let brandon = e
        .speakers
        .iter()
        .find(|s| s.name == "Brandon Rhodes")
        .unwrap();
    assert_eq!(
        brandon.talks,
        ["pycon-2014.md:9", "pycon-2017.md:15", "pycon-2017.md:52"]
    );
    assert_eq!(brandon.conferences, ["pycon-2014", "pycon-2017"]);

    // PEPs: titles and statuses from the index talknotes.toml names.
    assert!(e.pep_index);
    let pep = |n: u32| e.peps.iter().find(|p| p.number == n).unwrap();
    let p = pep(3156);
    assert_eq!(
        p.title.as_deref(),
        Some("Asynchronous IO Support Rebooted: the \"asyncio\" Module")
    );
    assert_eq!(p.status.as_deref(), Some("Final"));
    assert_eq!(p.mentions, 3);
    assert_eq!(
        p.files,
        ["pycon-2014.md", "pycon-2017.md", "pycon-us-2018.md"]
    );
    let p = pep(509);
    assert_eq!(p.status.as_deref(), Some("Superseded"));
    assert_eq!((p.mentions, p.talks.len()), (2, 2));
    let p = pep(6830);
    assert_eq!((p.title.as_deref(), p.status.as_deref()), (None, None));
    let numbers: Vec<u32> = e.peps.iter().map(|p| p.number).collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    assert_eq!(numbers, sorted);

    // Libraries: most mentioned first.
    assert_eq!(e.libraries[0].name, "perf");
    assert_eq!(e.libraries[0].mentions, 2);
    assert_eq!(
        e.libraries[0].talks,
        ["pycon-2017.md:22", "pycon-us-2024.md:18"]
    );
    assert!(e
        .libraries
        .windows(2)
        .all(|w| w[0].mentions >= w[1].mentions));
    for not_a_library in ["pyproject", "setup", "lambda", "frozenset", "TypeVar"] {
        assert!(
            !e.libraries.iter().any(|l| l.name == not_a_library),
            "{not_a_library}"
        );
    }

    // Diagnostics: exactly EXPECTED.md's findings.
    let expected: BTreeSet<(String, u32, String)> = table(&md, "Findings")
        .iter()
        .map(|r| {
            (
                unquote(&r[0]),
                r[1].parse().unwrap(),
                unquote(&r[2])
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_matches('`')
                    .to_string(),
            )
        })
        .collect();
    let actual: BTreeSet<(String, u32, String)> = e
        .diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.line, d.rule.clone()))
        .collect();
    assert_eq!(actual, expected);
    assert_eq!(e.diagnostics.len(), expected.len());
    assert!(e.errors.is_empty());
    assert_eq!(e.files.len(), 8);
}

#[test]
fn report_figures_for_the_sample() {
    let e = export_of(&examples());
    let t = insights::totals(&e);
    assert_eq!(t.conferences, 6);
    assert_eq!(t.speakers, e.speakers.len());
    // 45 entries: the duplicate Brandon Rhodes talk and the two talks
    // listed in talks/README.md and written up on their own page are one
    // talk each.
    assert_eq!(e.talks.len(), 45);
    assert_eq!(t.talks, 42);
    assert_eq!(t.talks_without_speaker, 3);

    let across = insights::speakers_across_conferences(&e);
    let names: Vec<&str> = across.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            // three conferences
            "A. Jesse Jiryu Davis",
            "Victor Stinner",
            "Łukasz Langa",
            // two (each with two distinct talks)
            "Asheesh Laroia",
            "Brandon Rhodes",
            "Dustin Ingram",
            "Erik Rose",
            "Pablo Galindo Salgado",
        ]
    );
    let victor = &across[1];
    assert_eq!(victor.also_written, ["Victor Stinger"]);
    let years: Vec<Option<u16>> = victor.talks.iter().map(|a| a.year).collect();
    assert_eq!(years, [Some(2014), Some(2017), Some(2018)]);
    // The index entry and the talk's page are one appearance, two places.
    let lukasz = &across[2];
    let black = lukasz.talks.iter().find(|a| a.year == Some(2019)).unwrap();
    assert_eq!(
        black.places,
        [
            "talks/README.md:3",
            "talks/life-is-better-painted-black.md:1"
        ]
    );
    assert_eq!(lukasz.talks.len(), 3);

    let peps = insights::top_peps(&e, 3);
    assert_eq!(peps[0].name, "PEP 3156");
    assert_eq!(peps[0].mentions, 3);
    let unknown = insights::top_peps(&e, 100)
        .into_iter()
        .find(|p| p.name == "PEP 6830")
        .unwrap();
    assert_eq!(unknown.detail.as_deref(), Some("not in the PEP index"));

    let groups = insights::diagnostics_by_rule(&e);
    let rules: Vec<&str> = groups.iter().map(|g| g.rule.as_str()).collect();
    assert_eq!(
        rules,
        [
            "missing-speaker",
            "broken-link",
            "schedule-link",
            "pep-format",
            "unknown-pep",
            "pep-mismatch",
            "malformed-issue",
            "speaker-typo",
            "duplicate-talk",
            "empty-notes"
        ]
    );
    let broken = &groups[1];
    assert_eq!(broken.count, 3);
    let files: Vec<&str> = broken.files.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        ["talks/README.md", "talks/life-is-better-painted-black.md"]
    );
    assert_eq!(
        groups.iter().map(|g| g.count).sum::<usize>(),
        e.diagnostics.len()
    );
}

// ---------------------------------------------------------------------------
// The JSON Schema
// ---------------------------------------------------------------------------

fn schema_check(instance: &Value) -> Result<(), String> {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let path = repo().join("docs/export.schema.json");
    let index = compiler
        .compile(path.to_str().unwrap(), &mut schemas)
        .map_err(|e| format!("the schema does not compile: {e:#}"))?;
    schemas
        .validate(instance, index)
        .map_err(|e| format!("{e:#}"))
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_talknotes-ls"))
}

#[test]
fn the_binarys_json_follows_the_schema() {
    let out = bin()
        .args(["export", ".", "--format", "json"])
        .current_dir(examples())
        .output()
        .unwrap();
    // Broken links are errors: exit 1, as --check.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    if let Err(e) = schema_check(&value) {
        panic!("{e}");
    }
    // The binary prints what the library builds.
    let built = serde_json::to_value(export_of(&examples())).unwrap();
    assert_eq!(value, built);
    assert_eq!(value["version"], 1);
}

#[test]
fn the_schema_is_strict() {
    let good = serde_json::to_value(export_of(&examples())).unwrap();
    assert!(schema_check(&good).is_ok());
    type Mutation = Box<dyn Fn(&mut Value)>;
    let broken: Vec<(&str, Mutation)> = vec![
        (
            "a line as text",
            Box::new(|v| v["talks"][0]["line"] = json!("1")),
        ),
        (
            "an unknown field",
            Box::new(|v| v["talks"][0]["speaker"] = json!("x")),
        ),
        (
            "a missing field",
            Box::new(|v| {
                v["peps"][0].as_object_mut().unwrap().remove("title");
            }),
        ),
        (
            "an unknown rule",
            Box::new(|v| v["diagnostics"][0]["rule"] = json!("typo")),
        ),
        (
            "a bad source",
            Box::new(|v| v["conferences"][0]["files"][0]["source"] = json!("guess")),
        ),
        ("another version", Box::new(|v| v["version"] = json!(2))),
        (
            "a talk id without a line",
            Box::new(|v| v["speakers"][0]["talks"][0] = json!("x.md")),
        ),
    ];
    for (what, mutate) in broken {
        let mut v = good.clone();
        mutate(&mut v);
        assert!(schema_check(&v).is_err(), "the schema accepts {what}");
    }
}

// ---------------------------------------------------------------------------
// CSV and the command line
// ---------------------------------------------------------------------------

#[test]
fn csv_has_one_row_per_talk() {
    let out = bin()
        .args(["export", "--format", "csv"])
        .current_dir(examples())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, export::csv::COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let e = export_of(&examples());
    assert_eq!(rows.len(), e.talks.len());
    let row = rows.iter().find(|r| &r[0] == "pycon-2017.md:22").unwrap();
    let fields: Vec<&str> = row.iter().collect();
    assert_eq!(
        fields,
        [
            "pycon-2017.md:22",
            "pycon-2017.md",
            "22",
            "pycon-2017",
            "Pycon 2017",
            "2017",
            "Optimizations which made Python 3.6 faster than Python 3.5",
            "Victor Stinger",
            "false",
            "list-item",
            "",
            "509",
            "bpo-24915; bpo-266`47",
            "perf"
        ]
    );
    let row = rows.iter().find(|r| &r[0] == "2019-notes.md:16").unwrap();
    assert_eq!(&row[7], "Philip James; Asheesh Laroia");
    // A title with a comma survives the round trip.
    assert!(rows
        .iter()
        .any(|r| &r[6] == "Faster Python Programs - Measure, don't Guess"));
}

#[test]
fn exit_codes_and_output_files_as_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pycon-2031.md"),
        "# Packaging in 2031 (Ada Example)\n\n- notes\n",
    )
    .unwrap();
    // Clean: 0, and -o writes the file.
    let out = bin()
        .args(["export", ".", "-o", "out/notes.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let written: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/notes.json")).unwrap()).unwrap();
    assert_eq!(written["talks"][0]["speakers"], json!(["Ada Example"]));
    assert_eq!(written["conferences"][0]["id"], "pycon-2031");

    // A warning is below the default --deny, not below --deny warning.
    std::fs::write(dir.path().join("more.md"), "# First Talk Here (Ada Example)\n\n# A Talk Nobody Gave\n\n[Video](https://www.youtube.com/watch?v=x)\n").unwrap();
    let code = |args: &[&str]| {
        bin()
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&["export", "pycon-2031.md", "more.md"]), Some(0));
    assert_eq!(code(&["export", "--deny", "warning", "."]), Some(1));
    assert_eq!(
        code(&["report", "--deny", "warning", "-o", "r.html"]),
        Some(1)
    );
    assert!(dir.path().join("r.html").is_file());

    // A missing path: 2, nothing printed.
    let out = bin()
        .args(["export", "nowhere"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));

    // An unreadable file: 2, and the export still lists the rest and the error.
    std::fs::write(dir.path().join("latin1.md"), b"# Caf\xe9 (Ada Example)\n").unwrap();
    let out = bin()
        .args(["export", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"][0]["path"], "latin1.md");
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    assert!(schema_check(&v).is_ok());

    // Settings: --config and --pep-index work after the subcommand too.
    std::fs::write(
        dir.path().join("strict.toml"),
        "[rules]\nmissing-speaker = \"error\"\n",
    )
    .unwrap();
    assert_eq!(
        code(&["export", "more.md", "--config", "strict.toml"]),
        Some(1)
    );
}
