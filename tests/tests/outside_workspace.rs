//! The server reads only inside its workspace folders, and writes nothing
//! there (only in its cache folder, a temporary one here).
//!
//! Next to the workspace sits a folder whose `secret.md` is a FIFO with a
//! writer waiting on it: if the server ever opened it for reading, the
//! writer would wake up, and the test sees that. The workspace holds a note
//! linking to it (`../outside/secret.md`) and to `../../../etc/passwd`, a
//! symbolic link `evil.md` to it and a symbolic link `elsewhere/` to its
//! folder. The client then says all of those changed on disk. Checked: the
//! links are reported as outside the workspace, nothing outside is opened,
//! and no file in either folder was created, changed or removed.

#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use talknotes_e2e::*;

const NOTES: &str = "\
Title: PyConf 2023

# Shipping Wheels Without Tears (Grace Hopper)

- [the secret](../outside/secret.md)
- [passwords](../../../../../../../../../etc/passwd)
- [through a link](evil.md)
- [through a linked folder](elsewhere/secret.md)
";

/// Every file and folder under `root` (links not followed): kind, size,
/// modification time and inode change time.
fn tree(root: &Path) -> BTreeMap<PathBuf, (String, u64, i64, i64)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            let kind = format!("{:?}", m.file_type());
            if m.is_dir() {
                stack.push(e.path());
            }
            out.insert(
                e.path(),
                (
                    kind,
                    m.len(),
                    m.mtime_nsec() + m.mtime() * 1_000_000_000,
                    m.ctime(),
                ),
            );
        }
    }
    out
}

#[test]
fn files_outside_the_workspace_are_never_opened_and_nothing_is_written() {
    let top = Workspace::new();
    let outside = top.path("outside");
    let root = top.path("ws");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(&root).unwrap();
    let secret = outside.join("secret.md");
    let made = std::process::Command::new("mkfifo").arg(&secret).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("outside_workspace: mkfifo is not available here: skipped");
        return;
    }
    std::os::unix::fs::symlink("../outside/secret.md", root.join("evil.md")).unwrap();
    std::os::unix::fs::symlink("../outside", root.join("elsewhere")).unwrap();
    std::fs::write(root.join("notes.md"), NOTES).unwrap();
    std::fs::write(
        root.join("talknotes.toml"),
        "[rules]\nempty-notes = \"off\"\n",
    )
    .unwrap();

    // The tripwire: opening a FIFO for writing waits for a reader.
    let opened = Arc::new(AtomicBool::new(false));
    let flag = opened.clone();
    let fifo = secret.clone();
    let tripwire = std::thread::spawn(move || {
        if std::fs::OpenOptions::new().write(true).open(&fifo).is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    let before = (tree(&root), tree(&outside));

    let uri = file_uri(&root.join("notes.md"));
    let (mut c, _) = Client::start(&root, None);
    c.open(&uri, NOTES, 1);
    let p = c.diagnostics_at(&uri, 1);
    let outside_links: Vec<String> = with_code(&p, "broken-link")
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("outside the workspace")
        })
        .map(|d| text_at(NOTES, &d["range"], Enc::Utf16).to_string())
        .collect();
    assert_eq!(
        outside_links,
        [
            "../outside/secret.md",
            "../../../../../../../../../etc/passwd"
        ],
        "{}",
        pretty(&p)
    );

    // The client reports changes to the links and to the file outside.
    for path in [
        root.join("evil.md"),
        root.join("elsewhere/secret.md"),
        secret.clone(),
    ] {
        c.watched_file_changed(&file_uri(&path), 1);
        c.watched_file_changed(&file_uri(&path), 2);
    }
    let passwd = "file:///etc/passwd";
    c.watched_file_changed(passwd, 2);
    // Open and close the link: on close the server goes back to the disk.
    let evil = file_uri(&root.join("evil.md"));
    c.open(&evil, "# Mine (Ada Lovelace)\n", 1);
    c.close(&evil);
    // Quick fixes, too, are computed without writing anything.
    let all = c.diagnostics_at(&uri, 1);
    c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": lsp_range((0, 0), (9, 0)),
               "context": {"diagnostics": all["diagnostics"]}}),
    )
    .expect("codeAction");
    // A request after those notifications: they have all been handled.
    assert_eq!(c.document_text(&uri).0, NOTES);
    c.drain_for(Duration::from_millis(300));
    assert!(
        !opened.load(Ordering::SeqCst),
        "the server opened {}",
        secret.display()
    );
    assert_eq!(c.shutdown_and_exit().code(), Some(0));

    assert!(
        !opened.load(Ordering::SeqCst),
        "the server opened {}",
        secret.display()
    );
    assert_eq!(
        (tree(&root), tree(&outside)),
        before,
        "the server changed files"
    );
    // Let the tripwire go: open the FIFO for reading without waiting.
    let _reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(0o4000) // O_NONBLOCK
        .open(&secret)
        .unwrap();
    tripwire.join().unwrap();
}
