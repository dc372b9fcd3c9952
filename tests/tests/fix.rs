//! `talknotes-ls --check --fix` and `--fix --dry-run` with the real binary:
//! what is written and printed, that a dry run writes nothing, and that a
//! run killed at any point leaves every file either as it was or fully
//! fixed, with no temporary file taken for a note.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use talknotes_e2e::*;

const INDEX: &str = "\
# Index
- [Containerless Django](./2019/containerless-djang.md)
- [Something else entirely](notes/unrelated-topic.md)
";

const FIXED_INDEX: &str = "\
# Index
- [Containerless Django](./2019/containerless-django.md)
- [Something else entirely](notes/unrelated-topic.md)
";

fn run(cwd: &Path, args: &[&str]) -> Output {
    let out = server_command()
        .arg("--check")
        .args(args)
        .current_dir(cwd)
        .env_remove("TALKNOTES_PEP_INDEX")
        .output()
        .expect("run --check");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.write("index.md", INDEX);
    ws.write("2019/containerless-django.md", "# Containerless Django\n");
    ws
}

/// Every file under `root` (relative path → bytes), hidden ones included.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[test]
fn fix_writes_the_close_fix_and_reports_what_is_left() {
    let ws = workspace();
    let out = run(&ws.root, &["--fix", "."]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(
            "index.md:2:26: fixed broken-link: Change the link to ./2019/containerless-django.md\n\
             fixed 1 link in 1 file\n"
        ),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(ws.path("index.md")).unwrap(),
        FIXED_INDEX
    );
    // The link with no close note is left, and reported as --check does.
    assert!(stdout.contains("index.md:3:"), "{stdout}");
    assert!(!stdout.contains("containerless-djang.md"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
    // Nothing else was written: the files are the two notes.
    let names: Vec<String> = files(&ws.root).into_keys().collect();
    assert_eq!(names, ["2019/containerless-django.md", "index.md"]);
    // A second run has nothing to do.
    let again = run(&ws.root, &["--fix", "--format", "json", "."]);
    let stderr = String::from_utf8(again.stderr).unwrap();
    assert!(stderr.contains("fixed 0 links in 0 files"), "{stderr}");
    let report: Value = serde_json::from_slice(&again.stdout).expect("JSON on stdout");
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn dry_run_prints_a_diff_and_changes_nothing() {
    let ws = workspace();
    let before = files(&ws.root);
    let out = run(&ws.root, &["--fix", "--dry-run", "."]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "\
--- a/index.md
+++ b/index.md
@@ -1,3 +1,3 @@
 # Index
-- [Containerless Django](./2019/containerless-djang.md)
+- [Containerless Django](./2019/containerless-django.md)
 - [Something else entirely](notes/unrelated-topic.md)
"
    );
    assert_eq!(out.status.code(), Some(1), "something would change");
    assert_eq!(files(&ws.root), before);
    // Nothing to fix: no diff, exit 0.
    std::fs::write(ws.path("index.md"), FIXED_INDEX).unwrap();
    let out = run(&ws.root, &["--fix", "--dry-run", "index.md"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");
    assert_eq!(out.status.code(), Some(0));
    // --dry-run only goes with --fix.
    assert_eq!(run(&ws.root, &["--dry-run", "."]).status.code(), Some(2));
}

#[test]
fn a_killed_fix_leaves_each_file_whole() {
    const FOLDERS: [&str; 4] = ["2017", "2018", "2019", "talks/misc"];
    const PER_FOLDER: usize = 50;
    let ws = Workspace::new();
    ws.write("2019/containerless-django.md", "# Containerless Django\n");
    let mut originals: BTreeMap<String, (String, String)> = BTreeMap::new();
    for folder in FOLDERS {
        let up = "../".repeat(folder.matches('/').count() + 1);
        for i in 0..PER_FOLDER {
            let name = format!("{folder}/note-{i:03}.md");
            let text = format!(
                "# Note {i}\n\n- [Containerless Django]({up}2019/containerless-djang.md)\n- text {}\n",
                "x".repeat(i * 37 % 500)
            );
            let fixed = text.replace("containerless-djang.md", "containerless-django.md");
            originals.insert(name, (text, fixed));
        }
    }
    let notes = originals.len() + 1;
    for (name, (text, _)) in &originals {
        ws.write(name, text);
    }
    // Kill points: at once, then some time after the first file (in path
    // order) was replaced, while the others are being written. No timing
    // is asserted: the delays only spread the kills.
    let first = ws.path(originals.keys().next().unwrap());
    let mut seen = Vec::new();
    for extra_ms in [
        None,
        Some(0u64),
        Some(1),
        Some(2),
        Some(5),
        Some(10),
        Some(20),
        Some(40),
        Some(80),
    ] {
        for (name, (text, _)) in &originals {
            ws.write(name, text);
        }
        let original_first = std::fs::read(&first).unwrap();
        let mut child = server_command()
            .args(["--check", "--fix", "."])
            .current_dir(&ws.root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn --fix");
        if let Some(ms) = extra_ms {
            while std::fs::read(&first).unwrap() == original_first {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::yield_now();
            }
            std::thread::sleep(Duration::from_millis(ms));
        }
        let when = extra_ms.map_or("at once".to_string(), |ms| {
            format!("{ms} ms after the first write")
        });
        let _ = child.kill(); // SIGKILL on Unix: no clean-up runs.
        let _ = child.wait();
        let (mut untouched, mut fixed) = (0, 0);
        for (name, (text, done)) in &originals {
            let now = std::fs::read_to_string(ws.path(name)).unwrap();
            if now == *text {
                untouched += 1;
            } else if now == *done {
                fixed += 1;
            } else {
                panic!(
                    "{name} is neither the original nor the fixed text after a kill {when}:\n{now}"
                );
            }
        }
        seen.push((when.clone(), untouched, fixed));
        // Whatever was left behind is not a note: --check sees the notes only.
        let out = run(&ws.root, &["--format", "json", "."]);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["files_checked"], notes as u64, "after a kill {when}");
        for name in files(&ws.root).keys() {
            let file = name.rsplit('/').next().unwrap();
            assert!(
                originals.contains_key(name)
                    || name == "2019/containerless-django.md"
                    || (file.starts_with('.') && file.ends_with(".talknotes-tmp")),
                "unexpected file {name}"
            );
        }
    }
    eprintln!("(kill, untouched, fixed): {seen:?}");
    // Run to the end: everything is fixed.
    let out = run(&ws.root, &["--fix", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for (name, (_, done)) in &originals {
        assert_eq!(&std::fs::read_to_string(ws.path(name)).unwrap(), done);
    }
}
