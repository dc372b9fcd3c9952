//! `--check` on the shared real-world seed notes (`<repo>/../shared/seeds`,
//! with `<repo>/../shared/data/peps.json`), when they exist. Findings are
//! matched by the text at their range, read from the seed files.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;
use talknotes_e2e::*;

struct Seeds {
    /// File name → text, for 000_…, 001_…, …
    texts: HashMap<String, String>,
    findings: Vec<Value>,
}

impl Seeds {
    /// The file whose name starts with `prefix` (`"002"`).
    fn name(&self, prefix: &str) -> String {
        let mut names: Vec<&String> = self
            .texts
            .keys()
            .filter(|n| n.starts_with(prefix))
            .collect();
        assert_eq!(names.len(), 1, "one seed file {prefix}_*: {names:?}");
        names.pop().unwrap().clone()
    }

    fn file_of(f: &Value) -> String {
        let path = f["path"].as_str().unwrap();
        path.rsplit('/').next().unwrap().to_string()
    }

    /// The text a finding's range covers (1-based lines, columns in
    /// Unicode characters).
    fn span(&self, f: &Value) -> String {
        let text = &self.texts[&Seeds::file_of(f)];
        let offset = |line: &Value, col: &Value| {
            let (line, col) = (
                line.as_u64().unwrap() as usize,
                col.as_u64().unwrap() as usize,
            );
            let start: usize = text.split('\n').take(line - 1).map(|l| l.len() + 1).sum();
            let l = text[start..].split('\n').next().unwrap();
            start + l.char_indices().nth(col - 1).map_or(l.len(), |(i, _)| i)
        };
        text[offset(&f["line"], &f["column"])..offset(&f["end_line"], &f["end_column"])].to_string()
    }

    /// Findings of `rule` in the file `prefix`, as (span, message).
    fn of(&self, prefix: &str, rule: &str) -> Vec<(String, String)> {
        let name = self.name(prefix);
        self.findings
            .iter()
            .filter(|f| Seeds::file_of(f) == name && f["rule"] == rule)
            .map(|f| (self.span(f), f["message"].as_str().unwrap().to_string()))
            .collect()
    }

    /// The 1-based line of the first line of file `prefix` containing
    /// `needle`.
    fn line_of(&self, prefix: &str, needle: &str) -> u64 {
        let text = &self.texts[&self.name(prefix)];
        text.split('\n')
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not in {prefix}")) as u64
            + 1
    }

    fn show(&self) -> String {
        self.findings
            .iter()
            .map(|f| {
                format!(
                    "{} {}:{} {} {:?}",
                    Seeds::file_of(f),
                    f["line"],
                    f["column"],
                    f["rule"],
                    self.span(f)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn load() -> Option<Seeds> {
    let shared = repo_root().join("../shared");
    let seeds = shared.join("seeds");
    if !seeds.is_dir() {
        eprintln!(
            "note: {} does not exist; seeds test skipped",
            seeds.display()
        );
        return None;
    }
    let out = server_command()
        .args([
            "--check",
            "../shared/seeds",
            "--pep-index",
            "../shared/data/peps.json",
            "--format",
            "json",
        ])
        .current_dir(repo_root())
        .env_remove("TALKNOTES_PEP_INDEX")
        .output()
        .expect("run --check");
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "--check failed: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "every seed is readable"
    );
    let mut texts = HashMap::new();
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if let Ok(text) = std::fs::read_to_string(&path) {
            texts.insert(name, text);
        }
    }
    let findings = report["findings"].as_array().unwrap().clone();
    Some(Seeds { texts, findings })
}

fn spans(v: &[(String, String)]) -> Vec<&str> {
    v.iter().map(|(s, _)| s.as_str()).collect()
}

#[test]
fn seeds_report_the_real_mistakes() {
    let Some(s) = load() else { return };
    let all = s.show();

    // 000: the seven talk headings without a speaker; not the keynote.
    let mut ms = spans(&s.of("000", "missing-speaker"))
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    ms.sort();
    let mut expected = vec![
        "Thinking Outside the GIL with AsyncIO and Multiprocessing",
        "The AST and Me",
        "Trio: Async concurrency for mere mortals",
        "Love your bugs",
        "Elegant Solutions For Everyday Python Problems",
        "Inside the Cheeseshop: How Python Packaging Works",
        "Dataclasses: The code generator to end all code generators",
    ];
    expected.sort();
    assert_eq!(ms, expected, "missing-speaker in 000:\n{all}");
    let keynote = s.line_of("000", "Keynote: Dan Callahan");
    let name000 = s.name("000");
    assert!(
        !s.findings
            .iter()
            .any(|f| Seeds::file_of(f) == name000 && f["line"] == keynote),
        "nothing on the keynote:\n{all}"
    );

    // Speaker typos, with the right suggestion.
    let typos = s.of("001", "speaker-typo");
    assert_eq!(spans(&typos), ["Yuri Selivanov"], "{all}");
    assert!(typos[0].1.contains("“Yury Selivanov”"), "{}", typos[0].1);
    let typos = s.of("002", "speaker-typo");
    assert_eq!(spans(&typos), ["Victor Stinger"], "{all}");
    assert!(typos[0].1.contains("“Victor Stinner”"), "{}", typos[0].1);

    // PEPs: Pep503 is both unspaced and the wrong number (513's words).
    let mismatch = s.of("002", "pep-mismatch");
    assert_eq!(spans(&mismatch), ["Pep503"], "{all}");
    assert!(mismatch[0].1.contains("PEP 513"), "{}", mismatch[0].1);
    assert!(
        spans(&s.of("002", "pep-format")).contains(&"Pep503"),
        "{all}"
    );
    assert!(
        spans(&s.of("004", "pep-format")).contains(&"PEP3156"),
        "{all}"
    );

    // The stray backtick in an issue number.
    assert_eq!(
        spans(&s.of("002", "malformed-issue")),
        ["bpo-262`49"],
        "{all}"
    );

    // A talk 002 notes without its speaker, which 001 notes with him.
    let grok = s
        .of("002", "missing-speaker")
        .into_iter()
        .find(|(span, _)| span.starts_with("Grok the GIL"))
        .unwrap_or_else(|| panic!("missing-speaker on Grok the GIL in 002:\n{all}"));
    assert_eq!(grok.0, "Grok the GIL: Write Fast And Thread-Safe Python");
    assert!(grok.1.contains(&s.name("001")), "names 001: {}", grok.1);
    assert!(grok.1.contains("A. Jesse Jiryu Davis"), "{}", grok.1);

    // 004: paragraph talks without a speaker.
    let ms004 = s.of("004", "missing-speaker");
    for title in [
        "Cache me if you can",
        "Porting from Python 2 to 3",
        "Python Packaging",
    ] {
        assert!(
            spans(&ms004).contains(&title),
            "missing-speaker on {title:?} in 004:\n{all}"
        );
    }
}

#[test]
fn seeds_stay_quiet_where_the_notes_are_right() {
    let Some(s) = load() else { return };
    let all = s.show();

    // Nothing on PEPs 461, 509, 747, 3156 but the one pep-format hint.
    for f in &s.findings {
        let span = s.span(f);
        let digits: String = span.chars().filter(char::is_ascii_digit).collect();
        let pep_rule =
            ["pep-format", "unknown-pep", "pep-mismatch"].contains(&f["rule"].as_str().unwrap());
        if pep_rule && ["461", "509", "747", "3156"].contains(&digits.as_str()) {
            assert!(
                f["rule"] == "pep-format" && span == "PEP3156",
                "only the PEP3156 format hint on these PEPs, got {} on {span:?}",
                f["rule"]
            );
        }
    }

    // Nothing on `# Random notes` (002).
    let random = s.line_of("002", "# Random notes");
    let name002 = s.name("002");
    assert!(
        !s.findings
            .iter()
            .any(|f| Seeds::file_of(f) == name002 && f["line"] == random),
        "nothing on # Random notes:\n{all}"
    );

    // Nothing on correctly spelled speakers, wherever they are.
    for name in [
        "Victor Stinner",
        "Yury Selivanov",
        "Erik Rose",
        "Brandon Rhodes",
    ] {
        assert!(
            !s.findings.iter().any(|f| s.span(f).contains(name)),
            "a finding on {name}:\n{all}"
        );
    }

    // 003 is clean of speaker rules.
    assert_eq!(s.of("003", "speaker-typo"), vec![], "{all}");
    assert_eq!(s.of("003", "missing-speaker"), vec![], "{all}");
}
