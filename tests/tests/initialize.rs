//! `initialize`: the announced capabilities (pinned by a snapshot file),
//! position-encoding negotiation and serverInfo.

use serde_json::{json, Value};
use talknotes_e2e::{pretty, repo_root, Client, Workspace};

fn initialize(encodings: Option<&[&str]>) -> Value {
    let ws = Workspace::new();
    let mut c = Client::spawn();
    c.initialize(&ws.root, json!({}), encodings)
}

/// Compares with tests/snapshots/<name>.json; `UPDATE_SNAPSHOTS=1` rewrites
/// the file instead (review the diff before committing it).
fn assert_snapshot(name: &str, actual: &Value) {
    let path = repo_root()
        .join("tests/snapshots")
        .join(format!("{name}.json"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, pretty(actual) + "\n").unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_SNAPSHOTS=1 to create it)",
            path.display()
        )
    });
    let expected: Value = serde_json::from_str(&text).expect("snapshot is JSON");
    assert!(
        *actual == expected,
        "capabilities changed; if intended, run with UPDATE_SNAPSHOTS=1\n--- expected ({})\n{}\n--- actual\n{}",
        path.display(),
        pretty(&expected),
        pretty(actual)
    );
}

#[test]
fn capabilities_snapshot() {
    let result = initialize(None);
    // The whole object: any change in what the server announces fails here.
    assert_snapshot("capabilities", &result["capabilities"]);
}

#[test]
fn server_info() {
    let result = initialize(None);
    assert_eq!(result["serverInfo"]["name"], "talknotes-ls");
    assert!(
        result["serverInfo"]["version"]
            .as_str()
            .is_some_and(|v| !v.is_empty()),
        "serverInfo.version: {}",
        result["serverInfo"]
    );
}

#[test]
fn position_encoding_defaults_to_utf16() {
    assert_eq!(
        initialize(None)["capabilities"]["positionEncoding"],
        "utf-16"
    );
    assert_eq!(
        initialize(Some(&[]))["capabilities"]["positionEncoding"],
        "utf-16"
    );
    assert_eq!(
        initialize(Some(&["utf-16"]))["capabilities"]["positionEncoding"],
        "utf-16"
    );
}

#[test]
fn position_encoding_negotiated() {
    assert_eq!(
        initialize(Some(&["utf-8", "utf-16"]))["capabilities"]["positionEncoding"],
        "utf-8"
    );
    assert_eq!(
        initialize(Some(&["utf-32", "utf-16"]))["capabilities"]["positionEncoding"],
        "utf-32"
    );
}
