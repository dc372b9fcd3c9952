//! The server's background refresh of the cached PEP index, against an
//! HTTP server this test starts on 127.0.0.1 that answers slowly: the
//! first diagnostics do not wait for it, and once it arrives the cache is
//! written and diagnostics are published again with the index.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use serde_json::json;
use talknotes_e2e::*;

const PEPS: &str = r#"{"484": {"number": 484, "title": "Type Hints", "authors": "Guido van Rossum", "status": "Final", "type": "Standards Track", "url": "https://peps.python.org/pep-0484/"}}"#;

/// Serves the PEP index after `delay`, to at most 4 connections.
fn slow_server(delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        break;
                    }
                    line.clear();
                }
                std::thread::sleep(delay);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{PEPS}",
                    PEPS.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    format!("http://127.0.0.1:{port}/peps.json")
}

#[test]
fn a_stale_cache_is_refreshed_in_the_background() {
    let url = slow_server(Duration::from_secs(2));
    let ws = Workspace::new();
    let cache = tempfile::tempdir().unwrap();
    let text = "# Typing (Ada Example)\n\nPEP 484 and PEP 9999.\n";
    let uri = ws.write("notes.md", text);
    let mut c = Client::spawn_with_env(
        &[],
        &[
            ("TALKNOTES_OFFLINE", None),
            ("TALKNOTES_PEP_INDEX", None),
            ("TALKNOTES_CACHE_DIR", Some(cache.path().to_str().unwrap())),
            ("TALKNOTES_PEP_INDEX_URL", Some(&url)),
        ],
    );
    c.initialize(&ws.root, json!({}), None);
    c.wait_for_indexing();
    c.open(&uri, text, 1);
    // Published without the index: the download is still under way.
    let first = c.diagnostics_at(&uri, 1);
    assert!(
        with_code(&first, "unknown-pep").is_empty(),
        "{}",
        pretty(&first)
    );
    // Then again once the index is in the cache.
    let later = c.wait_for_diagnostics(
        &uri,
        |p| !with_code(p, "unknown-pep").is_empty(),
        Duration::from_secs(20),
    );
    let unknown = with_code(&later, "unknown-pep");
    assert_eq!(unknown.len(), 1, "{}", pretty(&later));
    assert_eq!(unknown[0]["range"], range_of(text, "PEP 9999", Enc::Utf16));
    assert_eq!(
        std::fs::read_to_string(cache.path().join("peps.json")).unwrap(),
        PEPS
    );
    c.shutdown_and_exit();
}

#[test]
fn offline_never_downloads() {
    let url = slow_server(Duration::from_millis(10));
    let ws = Workspace::new();
    let cache = tempfile::tempdir().unwrap();
    let text = "# Typing (Ada Example)\n\nPEP 9999.\n";
    let uri = ws.write("notes.md", text);
    // TALKNOTES_OFFLINE=1 stays set (the default of the test client).
    let mut c = Client::spawn_with_env(
        &[],
        &[
            ("TALKNOTES_PEP_INDEX", None),
            ("TALKNOTES_CACHE_DIR", Some(cache.path().to_str().unwrap())),
            ("TALKNOTES_PEP_INDEX_URL", Some(&url)),
        ],
    );
    c.initialize(&ws.root, json!({}), None);
    c.wait_for_indexing();
    c.open(&uri, text, 1);
    let first = c.diagnostics_at(&uri, 1);
    assert!(with_code(&first, "unknown-pep").is_empty());
    c.drain_for(Duration::from_millis(500));
    assert!(!cache.path().join("peps.json").exists());
    c.shutdown_and_exit();
}
