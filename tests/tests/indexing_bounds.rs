//! Workspace indexing is bounded and cancellable. The workspace: 100,000
//! notes files in 100 folders, symbolic link loops, an unreadable folder
//! (when the server can be run as an unprivileged user), a 200 MB `.md`
//! file (sparse: it costs no disk) and a FIFO named `.md`. Checked:
//! - indexing ends (`$/progress` end), having read the notes (a talk in
//!   the last file informs a diagnostic of the open document);
//! - requests on an open document are answered while it runs (before its
//!   end), each promptly — the latencies are printed; the bound asserted
//!   here is a loose one that only a blocked server misses, the 50 ms goal
//!   is measured with a release build (see README, Reliability);
//! - the 200 MB file and the FIFO are not read (they are reported in the
//!   log), the link loops do not hang the walk;
//! - `shutdown`, a change of workspace folders and the client's
//!   `window/workDoneProgress/cancel` each cancel a run under way.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use talknotes_e2e::*;

const FOLDERS: usize = 100;
const PER_FOLDER: usize = 1_000;
/// A far looser bound than the 50 ms goal: only a server whose request
/// handling waits for indexing misses it.
const LOOSE: Duration = Duration::from_secs(2);
/// Indexing 100,000 files with a debug build on a busy machine.
const INDEXING_TIMEOUT: Duration = Duration::from_secs(600);

const OPEN_DOC: &str = "\
Title: PyConf 2031

# Warming Up (Grace Hopper)

## Notes

- a note

# The Last Talk Of The Big Workspace

## Notes

- whose speaker only the last file names
";

/// An open document whose talk without a speaker is `title`.
fn open_doc_for(title: &str) -> String {
    OPEN_DOC.replace("The Last Talk Of The Big Workspace", title)
}

/// The big workspace, made once per test binary (the tests take turns).
struct Big {
    ws: Workspace,
    /// Whether the server runs as an unprivileged user (so that the
    /// unreadable folder is really unreadable to it).
    drop_root: bool,
}

fn big() -> &'static Big {
    static BIG: OnceLock<Big> = OnceLock::new();
    BIG.get_or_init(|| {
        let started = Instant::now();
        let ws = Workspace::new();
        for f in 0..FOLDERS {
            let dir = ws.path(&format!("year-{f:03}"));
            std::fs::create_dir_all(&dir).unwrap();
            for i in 0..PER_FOLDER {
                let n = f * PER_FOLDER + i;
                std::fs::write(
                    dir.join(format!("talk-{i:04}.md")),
                    format!("# Talk number {n} (Speaker {n})\n\n- a note\n"),
                )
                .unwrap();
            }
        }
        // The last file names the speaker of the open document's talk.
        std::fs::write(
            ws.path(&format!("year-{:03}/talk-{:04}.md", FOLDERS - 1, PER_FOLDER - 1)),
            "# The Last Talk Of The Big Workspace (Ada Lovelace)\n",
        )
        .unwrap();
        ws.write("open.md", OPEN_DOC);
        let big = ws.path("big.md");
        std::fs::File::create(&big).unwrap().set_len(200 * 1024 * 1024).unwrap();

        let mut drop_root = false;
        #[cfg(unix)]
        {
            use std::os::unix::fs::{symlink, PermissionsExt};
            symlink(&ws.root, ws.path("year-000/loop-to-root")).unwrap();
            symlink("../year-001", ws.path("year-002/loop-a")).unwrap();
            symlink("../year-002", ws.path("year-001/loop-b")).unwrap();
            symlink("self-loop", ws.path("self-loop")).unwrap();
            let _ = std::process::Command::new("mkfifo").arg(ws.path("pipe.md")).status();
            let locked = ws.path("locked");
            std::fs::create_dir_all(&locked).unwrap();
            std::fs::write(locked.join("hidden-talk.md"), "# Hidden (Nobody)\n").unwrap();
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
            // As root the folder is readable anyway: run the server as
            // `nobody` when setpriv is there (the rest must then be world
            // readable, as it is with the usual umask).
            let others_can_enter = |p: &Path| {
                std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 != 0)
            };
            let parents_open = ws.root.ancestors().skip(1).all(others_can_enter);
            if is_root() && parents_open && Path::new("/usr/bin/setpriv").exists() {
                std::fs::set_permissions(&ws.root, std::fs::Permissions::from_mode(0o755)).unwrap();
                drop_root = true;
            } else {
                eprintln!("indexing_bounds: the server runs as this user; the locked folder is readable to root");
            }
        }
        eprintln!("indexing_bounds: made {} files in {:?}", FOLDERS * PER_FOLDER, started.elapsed());
        Big { ws, drop_root }
    })
}

#[cfg(unix)]
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// One server at a time: each indexes 100,000 files.
fn turn() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

fn spawn(big: &Big) -> Client {
    if big.drop_root {
        Client::spawn_wrapped(
            &[
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
            ],
            &[],
        )
    } else {
        Client::spawn()
    }
}

fn progress(c: &Client, kind: &str) -> Vec<Value> {
    c.notifications
        .iter()
        .filter(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == kind)
        .map(|n| n["params"]["value"].clone())
        .collect()
}

fn wait_progress_end(c: &mut Client, count: usize, timeout: Duration) -> Vec<Value> {
    let deadline = Instant::now() + timeout;
    while progress(c, "end").len() < count {
        assert!(
            Instant::now() < deadline,
            "indexing did not end within {timeout:?}\n{}",
            c.stderr()
        );
        c.drain_for(Duration::from_millis(100));
    }
    progress(c, "end")
}

/// Waits until the run has reported progress at least once (so that it is
/// surely under way, past the walk).
fn wait_progress_report(c: &mut Client) {
    let deadline = Instant::now() + INDEXING_TIMEOUT;
    while progress(c, "report").is_empty() {
        assert!(
            Instant::now() < deadline,
            "no progress report\n{}",
            c.stderr()
        );
        c.drain_for(Duration::from_millis(20));
    }
}

#[test]
fn indexing_a_huge_hostile_workspace_ends_and_never_blocks_open_documents() {
    let big = big();
    let _turn = turn();
    let ws = &big.ws;
    let uri = ws.uri("open.md");
    let mut c = spawn(big);
    c.initialize(&ws.root, json!({}), None);
    c.open(&uri, OPEN_DOC, 1);

    // While indexing runs: requests on the open document, one at a time.
    let mut latencies = Vec::new();
    let mut version = 1;
    let mut text = OPEN_DOC.to_string();
    while progress(&c, "end").is_empty() {
        let t = Instant::now();
        let (got, v) = c.document_text(&uri);
        latencies.push(t.elapsed());
        assert_eq!((got.as_str(), v), (text.as_str(), version));
        // And an edit now and then, whose effect the next request sees.
        if latencies.len() % 10 == 0 {
            version += 1;
            let end = position(&text, text.len(), Enc::Utf16);
            c.change(&uri, version, json!([change_json(end, end, "- more\n")]));
            text.push_str("- more\n");
        }
        let t = Instant::now();
        c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": lsp_range((2, 0), (2, 5)),
                   "context": {"diagnostics": []}}),
        )
        .expect("codeAction");
        latencies.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(2));
    }
    let ends = wait_progress_end(&mut c, 1, INDEXING_TIMEOUT);
    assert!(
        latencies.len() >= 20,
        "only {} requests were answered while indexing ran: it did not run long, or requests waited for it",
        latencies.len()
    );
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    eprintln!(
        "indexing_bounds: {} requests answered during indexing: median {:?}, p99 {:?}, max {:?}; end: {}",
        latencies.len(),
        p(0.5),
        p(0.99),
        p(1.0),
        ends[0]
    );
    assert!(
        p(1.0) < LOOSE,
        "a request took {:?} while indexing ran",
        p(1.0)
    );
    // + open.md and big.md (found, then refused); the locked folder's file
    // only when the server could read it anyway (as root).
    let expected_files = FOLDERS * PER_FOLDER + 2 + usize::from(!big.drop_root);
    assert_eq!(
        ends[0]["message"],
        format!("{expected_files} notes files"),
        "{}",
        ends[0]
    );

    // The index reached the last file: the open document's talk without a
    // speaker is matched with the talk there.
    let p = c.wait_for_diagnostics(
        &uri,
        |p| {
            diags(p)
                .iter()
                .any(|d| d["message"].as_str().unwrap_or("").contains("Ada Lovelace"))
        },
        Duration::from_secs(60),
    );
    assert_eq!(with_code(&p, "missing-speaker").len(), 1, "{}", pretty(&p));

    let log = c.stderr();
    assert!(
        log.contains("big.md: too large to be notes"),
        "the 200 MB file is reported:\n{log}"
    );
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

fn start_and_wait_for_a_report(big: &Big) -> Client {
    let mut c = spawn(big);
    c.initialize(&big.ws.root, json!({}), None);
    wait_progress_report(&mut c);
    assert!(
        progress(&c, "end").is_empty(),
        "indexing ended before it could be cancelled"
    );
    c
}

#[test]
fn shutdown_cancels_indexing() {
    let big = big();
    let _turn = turn();
    let mut c = start_and_wait_for_a_report(big);
    let t = Instant::now();
    assert_eq!(c.request("shutdown", Value::Null), Ok(Value::Null));
    let ends = wait_progress_end(&mut c, 1, Duration::from_secs(60));
    eprintln!(
        "indexing_bounds: shutdown stopped indexing in {:?}",
        t.elapsed()
    );
    assert_eq!(ends[0]["message"], "cancelled", "{}", ends[0]);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(TIMEOUT).and_then(|s| s.code()), Some(0));
}

#[test]
fn the_clients_cancel_stops_indexing() {
    let big = big();
    let _turn = turn();
    let mut c = start_and_wait_for_a_report(big);
    let begin = progress(&c, "begin");
    assert_eq!(begin[0]["cancellable"], true, "{}", begin[0]);
    c.notify(
        "window/workDoneProgress/cancel",
        json!({"token": "talknotes/indexing"}),
    );
    let ends = wait_progress_end(&mut c, 1, Duration::from_secs(60));
    assert_eq!(ends[0]["message"], "cancelled", "{}", ends[0]);
    // The server goes on.
    let uri = big.ws.uri("open.md");
    c.open(&uri, OPEN_DOC, 1);
    assert_eq!(c.document_text(&uri), (OPEN_DOC.to_string(), 1));
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_change_of_workspace_folders_cancels_the_run_under_way() {
    let big = big();
    let _turn = turn();
    let mut c = start_and_wait_for_a_report(big);
    // Swap the big folder for a small one.
    let small = Workspace::new();
    small.write("one.md", "# One Talk (Barbara Liskov)\n");
    make_readable(&small.root, big.drop_root);
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {
            "added": [{"uri": file_uri(&small.root), "name": "small"}],
            "removed": [{"uri": file_uri(&big.ws.root), "name": "notes"}],
        }}),
    );
    // The old run stops; the new one (which reports no progress: it was
    // not started by `initialized`) indexes the small folder. Its files
    // are in: a talk there informs a diagnostic.
    let ends = wait_progress_end(&mut c, 1, Duration::from_secs(60));
    assert_eq!(ends[0]["message"], "cancelled", "{}", ends[0]);
    let text = open_doc_for("One Talk");
    let uri = small.write("open.md", &text);
    c.open(&uri, &text, 1);
    let p = c.wait_for_diagnostics(
        &uri,
        |p| {
            diags(p).iter().any(|d| {
                d["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("Barbara Liskov")
            })
        },
        Duration::from_secs(60),
    );
    assert_eq!(with_code(&p, "missing-speaker").len(), 1, "{}", pretty(&p));
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

fn make_readable(root: &PathBuf, drop_root: bool) {
    #[cfg(unix)]
    if drop_root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let _ = (root, drop_root);
}
