//! The persistent index cache, through the real binary: a cold start writes
//! it, a warm start reads it and parses only the notes that changed (the
//! server's log says how many came from the cache and how many were parsed),
//! with the same diagnostics and workspace symbols; a note edited between
//! runs (even to the same size and mtime) is read afresh; a corrupt cache is
//! ignored and rebuilt; the cache can be turned off; a note open while
//! indexing runs is cached too, as it is on disk.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{json, Value};
use talknotes_e2e::fixtures::{EUROCONF, PYCONF};
use talknotes_e2e::*;

const OTHER: &str = "# Packaging In 2030 (Ada Example)\n\n## Notes\n\n- wheels\n";

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.write("pyconf-2023.md", PYCONF);
    ws.write("euroconf-2023.md", EUROCONF);
    ws.write("2024/other.md", OTHER);
    ws
}

/// A server on `ws` with its cache in `cache`, logging at info; indexing
/// done.
fn session(ws: &Workspace, cache: &Path, env: &[(&str, Option<&str>)], options: Value) -> Client {
    let mut c = starting(ws, cache, env, options);
    c.wait_for_indexing();
    c
}

/// [`session`] right after `initialized`: indexing has just begun.
fn starting(ws: &Workspace, cache: &Path, env: &[(&str, Option<&str>)], options: Value) -> Client {
    let mut vars = vec![
        ("TALKNOTES_CACHE_DIR", Some(cache.to_str().unwrap())),
        ("RUST_LOG", Some("talknotes_ls=info")),
    ];
    vars.extend_from_slice(env);
    let mut c = Client::spawn_with_env(&[], &vars);
    c.initialize(&ws.root, options, None);
    c
}

/// Waits for a log line containing `needle`; returns it.
fn wait_log(c: &Client, needle: &str) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let log = c.stderr();
        if let Some(line) = log.lines().find(|l| l.contains(needle)) {
            return line.to_string();
        }
        if Instant::now() >= deadline {
            panic!("no log line with {needle:?} in:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// (from the cache, parsed), from the end-of-indexing log line.
fn counts(c: &Client) -> (usize, usize) {
    let line = wait_log(c, "from the index cache");
    let number_before = |word: &str| -> usize {
        let head = &line[..line.find(word).unwrap_or_else(|| panic!("{line}"))];
        head.split_whitespace().last().unwrap().parse().unwrap()
    };
    (
        number_before(" from the index cache"),
        number_before(" parsed"),
    )
}

fn cache_files(cache: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(cache.join("index")) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Workspace symbols for a few queries, and the diagnostics of the
/// opened `pyconf-2023.md`.
fn results(c: &mut Client, ws: &Workspace) -> (Value, Value) {
    let symbols: Vec<Value> = ["Caching", "Margaret", "Packaging", "Ada", "Type"]
        .iter()
        .map(|q| {
            let mut r = c
                .request("workspace/symbol", json!({"query": q}))
                .unwrap_or_else(|e| panic!("workspace/symbol {q}: {e}"));
            if let Some(a) = r.as_array_mut() {
                a.sort_by_key(|s| s.to_string());
            }
            r
        })
        .collect();
    let uri = ws.uri("pyconf-2023.md");
    c.open(&uri, PYCONF, 1);
    let mut d = c.diagnostics_at(&uri, 1)["diagnostics"].clone();
    if let Some(a) = d.as_array_mut() {
        a.sort_by_key(|s| s.to_string());
    }
    (Value::from(symbols), d)
}

fn missing_speaker(diags: &Value) -> String {
    let found: Vec<&Value> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "missing-speaker")
        .collect();
    assert_eq!(found.len(), 1, "{}", pretty(diags));
    found[0]["message"].as_str().unwrap().to_string()
}

#[test]
fn warm_starts_parse_only_what_changed() {
    let ws = workspace();
    let cache = tempfile::tempdir().unwrap();

    // Cold: everything parsed, then the cache written.
    let mut c = session(&ws, cache.path(), &[], json!({}));
    assert_eq!(counts(&c), (0, 3));
    wait_log(&c, "written to");
    assert_eq!(cache_files(cache.path()).len(), 1);
    let cold = results(&mut c, &ws);
    assert!(
        missing_speaker(&cold.1).contains("Margaret Hamilton"),
        "{}",
        pretty(&cold.1)
    );
    assert!(c.shutdown_and_exit().success());

    // Warm: nothing parsed, the same answers.
    let mut c = session(&ws, cache.path(), &[], json!({}));
    assert_eq!(counts(&c), (3, 0));
    let warm = results(&mut c, &ws);
    assert_eq!(warm.0, cold.0, "workspace symbols");
    assert_eq!(warm.1, cold.1, "diagnostics");
    // A note created while the server runs reaches the cache on shutdown.
    let new = ws.write("2024/new.md", "# Brand New Talk (Grace Hopper)\n");
    c.watched_file_changed(&new, 1);
    c.drain_for(Duration::from_millis(300));
    assert!(c.shutdown_and_exit().success());

    let c = session(&ws, cache.path(), &[], json!({}));
    assert_eq!(counts(&c), (4, 0), "{}", c.stderr());
    assert!(c.shutdown_and_exit().success());

    // An edit between runs to the same size and the same mtime: only the
    // content hash tells, and it is parsed again.
    let euroconf = ws.path("euroconf-2023.md");
    let mtime = std::fs::metadata(&euroconf).unwrap().modified().unwrap();
    let edited = EUROCONF.replace("Margaret Hamilton", "Margaret Hamiltom");
    assert_eq!(edited.len(), EUROCONF.len());
    ws.write("euroconf-2023.md", &edited);
    set_mtime(&euroconf, mtime);
    let mut c = session(&ws, cache.path(), &[], json!({}));
    assert_eq!(counts(&c), (3, 1));
    let (_, diags) = results(&mut c, &ws);
    assert!(
        missing_speaker(&diags).contains("Margaret Hamiltom"),
        "{}",
        pretty(&diags)
    );
    assert!(c.shutdown_and_exit().success());

    // An edit that changes the size; a note deleted.
    ws.write(
        "2024/other.md",
        OTHER.replace("wheels", "wheels and sdists"),
    );
    std::fs::remove_file(ws.path("2024/new.md")).unwrap();
    let c = session(&ws, cache.path(), &[], json!({}));
    assert_eq!(counts(&c), (2, 1));
    assert!(c.shutdown_and_exit().success());
}

/// A note the editor opens while the cold start indexes is cached too
/// (from the open document, whose buffer is what is on disk), so that the
/// next start parses nothing, whichever came first, the document or the
/// indexing: a restored editor session opens its notes at once.
#[test]
fn a_note_open_during_indexing_reaches_the_cache() {
    let ws = workspace();
    let cache = tempfile::tempdir().unwrap();
    let mut c = starting(&ws, cache.path(), &[], json!({}));
    let uri = ws.uri("pyconf-2023.md");
    c.open(&uri, PYCONF, 1);
    c.wait_for_indexing();
    let (from_cache, parsed) = counts(&c);
    assert_eq!(from_cache, 0);
    // 2 when the document was open before indexing reached it, else 3.
    assert!(parsed == 2 || parsed == 3, "{parsed}");
    wait_log(&c, "written to");
    assert!(c.shutdown_and_exit().success());

    let c = session(&ws, cache.path(), &[], json!({}));
    assert_eq!(counts(&c), (3, 0), "{}", c.stderr());
    assert!(c.shutdown_and_exit().success());
}

/// A note edited before indexing reaches it: the cache gets its disk
/// version (parsed from disk, since the buffer is not what is on disk),
/// never the unsaved buffer.
#[test]
fn a_note_edited_during_indexing_reaches_the_cache_as_on_disk() {
    let ws = workspace();
    // Notes sorted before it, so that the edit comes first.
    for i in 0..300 {
        ws.write(
            &format!("2000/note-{i:03}.md"),
            format!("# Talk {i} (Speaker {i})\n\n- notes\n"),
        );
    }
    let cache = tempfile::tempdir().unwrap();
    let mut c = starting(&ws, cache.path(), &[], json!({}));
    let uri = ws.uri("pyconf-2023.md");
    c.open(&uri, PYCONF, 1);
    let at = PYCONF.find("Caching All").unwrap();
    let (line, col) = position(PYCONF, at, Enc::Utf8);
    c.change(
        &uri,
        2,
        json!([{"range": lsp_range((line, col), (line, col + 7)), "text": "Zebra"}]),
    );
    c.wait_for_indexing();
    let found = |c: &mut Client, q: &str| {
        let r = c.request("workspace/symbol", json!({"query": q})).unwrap();
        r.as_array().map_or(0, |a| a.len())
    };
    assert_eq!(
        found(&mut c, "Zebra All"),
        1,
        "the buffer is what the server sees"
    );
    wait_log(&c, "written to");
    assert!(c.shutdown_and_exit().success());

    let mut c = session(&ws, cache.path(), &[], json!({}));
    assert_eq!(counts(&c), (303, 0), "{}", c.stderr());
    assert_eq!(
        found(&mut c, "Zebra All"),
        0,
        "the cache holds the disk version"
    );
    assert!(found(&mut c, "Caching All") > 0);
    assert!(c.shutdown_and_exit().success());
}

fn set_mtime(path: &Path, t: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

#[test]
fn a_corrupt_cache_is_ignored_and_rebuilt() {
    let ws = workspace();
    let cache = tempfile::tempdir().unwrap();
    let mut c = session(&ws, cache.path(), &[], json!({}));
    wait_log(&c, "written to");
    let good = results(&mut c, &ws);
    assert!(c.shutdown_and_exit().success());
    let files = cache_files(cache.path());
    assert_eq!(files.len(), 1);
    let file = &files[0];
    let bytes = std::fs::read(file).unwrap();

    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", bytes[..bytes.len() / 2].to_vec()),
        ("garbage", b"\x00\xffnot an index cache\n".repeat(200)),
        ("flipped byte", {
            let mut b = bytes.clone();
            let mid = b.len() / 2;
            b[mid] ^= 0x55;
            b
        }),
        ("empty", Vec::new()),
    ];
    for (what, data) in damaged {
        std::fs::write(file, &data).unwrap();
        let mut c = session(&ws, cache.path(), &[], json!({}));
        let line = wait_log(&c, "it will be rebuilt");
        assert!(line.contains("not used"), "{what}: {line}");
        assert_eq!(counts(&c), (0, 3), "{what}");
        assert_eq!(results(&mut c, &ws), good, "{what}: the same answers");
        wait_log(&c, "written to");
        assert!(c.shutdown_and_exit().success());
        // Rewritten whole: the next start takes every note from it.
        let c = session(&ws, cache.path(), &[], json!({}));
        assert_eq!(counts(&c), (3, 0), "{what}: rebuilt");
        assert!(c.shutdown_and_exit().success());
    }
}

#[test]
fn the_cache_can_be_turned_off() {
    let ws = workspace();
    for (env, options) in [(Some("1"), json!({})), (None, json!({"indexCache": false}))] {
        let cache = tempfile::tempdir().unwrap();
        let mut c = session(
            &ws,
            cache.path(),
            &[("TALKNOTES_NO_INDEX_CACHE", env)],
            options.clone(),
        );
        wait_log(&c, "index cache off");
        let (_, diags) = results(&mut c, &ws);
        assert!(missing_speaker(&diags).contains("Margaret Hamilton"));
        assert!(c.shutdown_and_exit().success());
        assert!(
            cache_files(cache.path()).is_empty(),
            "{env:?} {options}: nothing written"
        );
    }
    // In talknotes.toml.
    ws.write("talknotes.toml", "index_cache = false\n");
    let cache = tempfile::tempdir().unwrap();
    let c = session(&ws, cache.path(), &[], json!({}));
    wait_log(&c, "index cache off");
    assert!(c.shutdown_and_exit().success());
    assert!(cache_files(cache.path()).is_empty());
}
