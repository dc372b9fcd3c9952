//! The download path end to end, against an HTTP server this test starts on
//! 127.0.0.1: a full reply, a truncated one, a 404, a slow one and a
//! malformed one. A bad download never replaces a good cache; the CLI
//! (`catalog update`, `catalog status`, `--check`) uses the cache; offline
//! means no request at all.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use talknotes_ls::catalog::cache;

const PEPS: &str = r#"{
  "8": {"number": 8, "title": "Style Guide for Python Code", "authors": "Guido van Rossum, Barry Warsaw, Alyssa Coghlan", "status": "Active", "type": "Process", "url": "https://peps.python.org/pep-0008/"},
  "484": {"number": 484, "title": "Type Hints", "authors": "Guido van Rossum, Jukka Lehtosalo, Łukasz Langa", "status": "Final", "type": "Standards Track", "url": "https://peps.python.org/pep-0484/"},
  "513": {"number": 513, "title": "A Platform Tag for Portable Linux Built Distributions", "authors": "Robert T. McGibbon, Nathaniel J. Smith", "status": "Superseded", "type": "Informational", "url": "https://peps.python.org/pep-0513/"}
}"#;

const PACKAGES: &str = r#"{"last_update": "2026-11-01 00:00:00", "rows": [{"download_count": 10, "project": "requests"}, {"download_count": 5, "project": "structlog"}]}"#;

/// A tiny HTTP/1.1 server: each path is one behaviour. Serves at most
/// `max` connections, then its thread ends.
struct Server {
    port: u16,
    hits: Arc<AtomicUsize>,
}

impl Server {
    fn start(max: usize) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(max) {
                let Ok(stream) = stream else { continue };
                h.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || serve(stream));
            }
        });
        Server { port, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

fn serve(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let ok = |body: &str| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let reply = match path.as_str() {
        "/full" => ok(PEPS),
        "/packages" => ok(PACKAGES),
        "/malformed" => ok("{\"8\": {\"number\": 8, \"title\": "),
        "/not-peps" => ok("[1, 2, 3]"),
        "/truncated" => {
            // Promises the whole index, sends half, hangs up.
            let half = &PEPS[..PEPS.len() / 2];
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{half}",
                PEPS.len()
            )
        }
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            ok(PEPS)
        }
        _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found"
            .to_string(),
    };
    let _ = stream.write_all(reply.as_bytes());
    let _ = stream.flush();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_bad_download_never_replaces_a_good_cache() {
    let server = Server::start(16);
    let dir = tempfile::tempdir().unwrap();
    let timeout = Duration::from_secs(1);

    // Nothing cached yet: a failure leaves nothing behind.
    assert!(cache::update_peps(dir.path(), &server.url("missing"), timeout).is_err());
    assert!(!dir.path().join(cache::PEPS_FILE).exists());

    let updated = cache::update_peps(dir.path(), &server.url("full"), timeout).unwrap();
    assert_eq!(updated.entries, 3);
    let cached = dir.path().join(cache::PEPS_FILE);
    assert_eq!(read(&cached), PEPS);
    let state = cache::item_state(dir.path(), cache::PEPS_FILE);
    assert_eq!(state.entries, Some(3));
    assert!(state.updated.is_some() && state.last_error.is_none());

    for (path, why) in [
        ("truncated", ""),
        ("missing", "404"),
        ("malformed", "refused"),
        ("not-peps", "refused"),
    ] {
        let err = cache::update_peps(dir.path(), &server.url(path), timeout).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains(why), "{path}: {msg}");
        assert_eq!(read(&cached), PEPS, "{path} replaced the cache");
        let state = cache::item_state(dir.path(), cache::PEPS_FILE);
        assert!(state.last_error.is_some(), "{path}: failure not recorded");
        assert_eq!(state.entries, Some(3));
    }

    // Slow: given up after the timeout, long before the reply would come.
    let start = Instant::now();
    assert!(cache::update_peps(dir.path(), &server.url("slow"), timeout).is_err());
    assert!(
        start.elapsed() < Duration::from_millis(2500),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(read(&cached), PEPS);

    // No temporary files left beside the cache.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["catalog-state.json", "peps.json"]);
}

fn bin(cache_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_talknotes-ls"));
    c.env("TALKNOTES_CACHE_DIR", cache_dir)
        .env_remove("TALKNOTES_OFFLINE")
        .env_remove("TALKNOTES_PEP_INDEX")
        .env_remove("TALKNOTES_PEP_INDEX_URL")
        .env_remove("TALKNOTES_PACKAGES_URL");
    c
}

#[test]
fn catalog_update_and_status_and_check_use_the_cache() {
    let server = Server::start(16);
    let dir = tempfile::tempdir().unwrap();
    let cache_dir = dir.path().join("cache");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(
        work.join("notes.md"),
        "# Typing (Ada Example)\n\nPEP 484 and PEP 9999.\n",
    )
    .unwrap();

    // Offline: refused, and no request reaches the server.
    let out = bin(&cache_dir)
        .env("TALKNOTES_OFFLINE", "1")
        .args(["catalog", "update", "--pep-index-url", &server.url("full")])
        .current_dir(&work)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("offline"));
    assert_eq!(server.hits.load(Ordering::SeqCst), 0);

    // --check without an index: no claim that PEP 9999 is unknown.
    let check = |cache_dir: &Path| {
        let out = bin(cache_dir)
            .args(["--check", ".", "--format", "json"])
            .current_dir(&work)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(!check(&cache_dir).contains(&"unknown-pep".to_string()));

    let out = bin(&cache_dir)
        .args(["catalog", "update", "--pep-index-url", &server.url("full")])
        .args(["--packages-url", &server.url("packages")])
        .current_dir(&work)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("PEP index: 3 PEPs"), "{stdout}");
    assert!(stdout.contains("PyPI projects: 2 projects"), "{stdout}");

    // Now the cache is the PEP index.
    assert_eq!(
        check(&cache_dir)
            .iter()
            .filter(|r| *r == "unknown-pep")
            .count(),
        1
    );

    let out = bin(&cache_dir)
        .args(["catalog", "status"])
        .current_dir(&work)
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(status.contains("PEP index: 3 PEPs, from 20"), "{status}");
    assert!(status.contains("PyPI projects: 2 projects"), "{status}");
    assert!(status.contains(&server.url("full")), "{status}");

    // A failed update: exit 1, the cache keeps its index, status says why.
    let out = bin(&cache_dir)
        .args([
            "catalog",
            "update",
            "--peps-only",
            "--pep-index-url",
            &server.url("truncated"),
        ])
        .current_dir(&work)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&cache_dir.join(cache::PEPS_FILE)), PEPS);
    let out = bin(&cache_dir)
        .args(["catalog", "status"])
        .current_dir(&work)
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&out.stdout);
    assert!(
        status.contains("PEP index: 3 PEPs") && status.contains("last update failed"),
        "{status}"
    );

    // A configured index wins over the cache.
    std::fs::write(
        work.join("peps.json"),
        r#"{"1": {"number": 1, "title": "PEP Purpose"}}"#,
    )
    .unwrap();
    std::fs::write(work.join("talknotes.toml"), "pep_index = \"peps.json\"\n").unwrap();
    assert_eq!(
        check(&cache_dir)
            .iter()
            .filter(|r| *r == "unknown-pep")
            .count(),
        2
    );
}
