//! Links that follow the notes, over stdio with the real binary:
//! `workspace/willRenameFiles` returns the link edits for a renamed note and
//! a moved folder, `didRenameFiles` keeps the index right, and `broken-link`
//! diagnostics come with their quick fixes (the closest note or heading
//! first; "create the note" when nothing is close).

use std::collections::BTreeMap;

use serde_json::{json, Value};
use talknotes_e2e::*;

const INDEX: &str = "\
# Talks
- [Containerless Django](./2019/containerless-django.md#the-talk-bea-sample) and [again][cd]
- [GIL](2017/grok-the-gil.md) and ![stage](<2019/img/stage photo.png>)

[cd]: 2019/containerless-django.md \"Containerless\"
";

const DJANGO: &str = "\
# The Talk (Bea Sample)
See [the GIL](../2017/grok-the-gil.md#grok-the-gil) and [home](../index.md).
";

const GIL: &str = "\
# Grok the GIL
Next year: [containers](../2019/containerless-django.md).
";

const UNRELATED: &str = "# Nothing links here\n";

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.write("index.md", INDEX);
    ws.write("2019/containerless-django.md", DJANGO);
    ws.write("2019/img/stage photo.png", b"\x89PNG");
    ws.write("2017/grok-the-gil.md", GIL);
    ws.write("2017/unrelated.md", UNRELATED);
    ws
}

/// Applies a `WorkspaceEdit` (plain `changes`) to the files on disk' texts;
/// returns (file relative to the root, new text) for each changed file.
fn apply(ws: &Workspace, edit: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let changes = edit["changes"].as_object().expect("changes");
    for (uri, edits) in changes {
        let rel = uri
            .strip_prefix(&format!("{}/", file_uri(&ws.root)))
            .expect("a file of the workspace")
            .to_string();
        let mut text = std::fs::read_to_string(ws.path(&rel)).unwrap();
        let mut edits: Vec<&Value> = edits.as_array().unwrap().iter().collect();
        // Last first, so earlier offsets hold.
        edits.sort_by_key(|e| {
            (
                e["range"]["start"]["line"].as_u64(),
                e["range"]["start"]["character"].as_u64(),
            )
        });
        for e in edits.iter().rev() {
            let r = &e["range"];
            let at = |p: &Value| {
                (
                    p["line"].as_u64().unwrap() as u32,
                    p["character"].as_u64().unwrap() as u32,
                )
            };
            apply_change(
                &mut text,
                Some((at(&r["start"]), at(&r["end"]))),
                e["newText"].as_str().unwrap(),
                Enc::Utf16,
            );
        }
        out.insert(rel, text);
    }
    out
}

fn will_rename(c: &mut Client, ws: &Workspace, old: &str, new: &str) -> Value {
    c.request(
        "workspace/willRenameFiles",
        json!({"files": [{"oldUri": ws.uri(old), "newUri": ws.uri(new)}]}),
    )
    .expect("willRenameFiles")
}

#[test]
fn the_server_registers_file_operations_for_notes_and_folders() {
    let ws = workspace();
    let (_c, init) = Client::start(&ws.root, None);
    let ops = &init["capabilities"]["workspace"]["fileOperations"];
    for op in ["willRename", "didRename", "didCreate", "didDelete"] {
        let globs: Vec<(&str, &str)> = ops[op]["filters"]
            .as_array()
            .unwrap_or_else(|| panic!("no {op} in {}", pretty(ops)))
            .iter()
            .map(|f| {
                (
                    f["pattern"]["glob"].as_str().unwrap(),
                    f["pattern"]["matches"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(globs, [("**/*.{md,markdown}", "file"), ("**/*", "folder")]);
    }
}

#[test]
fn renaming_a_note_edits_every_link_to_it() {
    let ws = workspace();
    let (mut c, _) = Client::start(&ws.root, None);
    let edit = will_rename(
        &mut c,
        &ws,
        "2019/containerless-django.md",
        "2019/containerless-django-deploying.md",
    );
    let got = apply(&ws, &edit);
    let want: BTreeMap<String, String> = [
        (
            "2017/grok-the-gil.md".to_string(),
            GIL.replace(
                "containerless-django.md",
                "containerless-django-deploying.md",
            ),
        ),
        (
            "index.md".to_string(),
            INDEX.replace(
                "containerless-django.md",
                "containerless-django-deploying.md",
            ),
        ),
    ]
    .into();
    assert_eq!(got, want);
    // A note nothing links to, and a link-free move: no edit at all.
    let none = will_rename(&mut c, &ws, "2017/unrelated.md", "2017/other.md");
    assert!(none.is_null(), "{}", pretty(&none));
}

#[test]
fn moving_a_folder_edits_links_to_it_and_inside_it() {
    let ws = workspace();
    let (mut c, _) = Client::start(&ws.root, None);
    let edit = will_rename(&mut c, &ws, "2019", "archive/pycon-2019");
    let got = apply(&ws, &edit);
    let want: BTreeMap<String, String> = [
        (
            "2017/grok-the-gil.md".to_string(),
            GIL.replace("../2019/", "../archive/pycon-2019/"),
        ),
        (
            "2019/containerless-django.md".to_string(),
            DJANGO.replace("../", "../../"),
        ),
        (
            "index.md".to_string(),
            INDEX
                .replace("./2019/", "./archive/pycon-2019/")
                .replace("(<2019/", "(<archive/pycon-2019/")
                .replace(": 2019/", ": archive/pycon-2019/"),
        ),
    ]
    .into();
    assert_eq!(got, want);
}

#[test]
fn after_a_rename_the_index_knows_the_new_path() {
    let ws = workspace();
    let (mut c, _) = Client::start(&ws.root, None);
    let index = ws.uri("index.md");
    c.open(&index, INDEX, 1);
    let p = c.diagnostics_at(&index, 1);
    assert!(with_code(&p, "broken-link").is_empty(), "{}", pretty(&p));

    let (old, new) = ("2019/containerless-django.md", "2019/deploying.md");
    let edit = will_rename(&mut c, &ws, old, new);
    let fixed = apply(&ws, &edit);
    // The editor applies the edits (the open index in its buffer), then moves.
    c.change(&index, 2, json!([{"text": fixed["index.md"]}]));
    std::fs::write(
        ws.path("2017/grok-the-gil.md"),
        &fixed["2017/grok-the-gil.md"],
    )
    .unwrap();
    std::fs::rename(ws.path(old), ws.path(new)).unwrap();
    c.notify(
        "workspace/didRenameFiles",
        json!({"files": [{"oldUri": ws.uri(old), "newUri": ws.uri(new)}]}),
    );
    let p = c.wait_for_diagnostics(
        &index,
        |p| p["version"] == 2 && with_code(p, "broken-link").is_empty(),
        TIMEOUT,
    );
    assert_eq!(codes(&p), Vec::<String>::new(), "{}", pretty(&p));
    // The index holds the note at its new path only.
    assert_eq!(talk_files(&mut c, &ws), [new]);

    // Deleted: the links break; created again: they work.
    std::fs::remove_file(ws.path(new)).unwrap();
    c.notify(
        "workspace/didDeleteFiles",
        json!({"files": [{"uri": ws.uri(new)}]}),
    );
    c.wait_for_diagnostics(&index, |p| with_code(p, "broken-link").len() == 2, TIMEOUT);
    assert!(talk_files(&mut c, &ws).is_empty());
    ws.write(new, DJANGO);
    c.notify(
        "workspace/didCreateFiles",
        json!({"files": [{"uri": ws.uri(new)}]}),
    );
    c.wait_for_diagnostics(&index, |p| with_code(p, "broken-link").is_empty(), TIMEOUT);
    assert_eq!(talk_files(&mut c, &ws), [new]);

    // A folder moved on disk: every note in it follows.
    std::fs::rename(ws.path("2019"), ws.path("archive")).unwrap();
    c.notify(
        "workspace/didRenameFiles",
        json!({"files": [{"oldUri": ws.uri("2019"), "newUri": ws.uri("archive")}]}),
    );
    assert_eq!(talk_files(&mut c, &ws), ["archive/deploying.md"]);
}

/// The files where the workspace symbols know the talk of DJANGO.
fn talk_files(c: &mut Client, ws: &Workspace) -> Vec<String> {
    let r = c
        .request("workspace/symbol", json!({"query": "The Talk"}))
        .unwrap();
    let root = format!("{}/", file_uri(&ws.root));
    let mut files: Vec<String> = r
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == "The Talk")
        .map(|s| s["location"]["uri"].as_str().unwrap().replace(&root, ""))
        .collect();
    files.dedup();
    files
}

const TYPOS: &str = "\
# Index
- [Containerless Django](./2019/containerless-djang.md)
- [GIL](2017/grok-the-gil.md#grok-the-gl)
- [Something else entirely](notes/unrelated-topic.md)
";

/// Starts a server whose client can create files (resource operations).
fn start_creating(ws: &Workspace) -> Client {
    let mut c = Client::spawn();
    c.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": file_uri(&ws.root),
            "workspaceFolders": [{"uri": file_uri(&ws.root), "name": "notes"}],
            "capabilities": {
                "window": {"workDoneProgress": true},
                "workspace": {"workspaceEdit": {
                    "documentChanges": true,
                    "resourceOperations": ["create", "rename", "delete"]
                }}
            }
        }),
    )
    .expect("initialize");
    c.notify("initialized", json!({}));
    c.wait_for_indexing();
    c
}

/// The quick fixes for the broken link at `needle`: (title, preferred, edit).
fn fixes(c: &mut Client, uri: &str, p: &Value, needle: &str) -> Vec<(String, bool, Value)> {
    let d = with_code(p, "broken-link")
        .into_iter()
        .find(|d| text_at(TYPOS, &d["range"], Enc::Utf16) == needle)
        .unwrap_or_else(|| panic!("no broken-link on {needle}: {}", pretty(p)));
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d], "only": ["quickfix"]}}),
        )
        .unwrap();
    r.as_array()
        .unwrap()
        .iter()
        .filter(|a| !a["title"].as_str().unwrap().starts_with("Fix all"))
        .map(|a| {
            (
                a["title"].as_str().unwrap().to_string(),
                a["isPreferred"] == true,
                a["edit"].clone(),
            )
        })
        .collect()
}

#[test]
fn broken_links_get_the_closest_note_or_heading_first() {
    let ws = workspace();
    let mut c = start_creating(&ws);
    let uri = ws.write("typos.md", TYPOS);
    c.open(&uri, TYPOS, 1);
    let p = c.diagnostics_at(&uri, 1);

    let f = fixes(&mut c, &uri, &p, "./2019/containerless-djang.md");
    assert_eq!(f[0].0, "Change the link to ./2019/containerless-django.md");
    assert!(f[0].1, "the close fix is preferred");
    let edit = &f[0].2["changes"][&uri][0];
    assert_eq!(
        text_at(TYPOS, &edit["range"], Enc::Utf16),
        "./2019/containerless-djang.md"
    );
    assert_eq!(edit["newText"], "./2019/containerless-django.md");
    assert_eq!(f[1].0, "Create the note 2019/containerless-djang.md");
    assert!(!f[1].1);

    let f = fixes(&mut c, &uri, &p, "2017/grok-the-gil.md#grok-the-gl");
    let titles: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(titles, ["Change the anchor to #grok-the-gil"]);
    let edit = &f[0].2["changes"][&uri][0];
    assert_eq!(text_at(TYPOS, &edit["range"], Enc::Utf16), "grok-the-gl");

    // Nothing close: only "create the note", a CreateFile and its title.
    let f = fixes(&mut c, &uri, &p, "notes/unrelated-topic.md");
    let titles: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(titles, ["Create the note notes/unrelated-topic.md"]);
    let ops = f[0].2["documentChanges"].as_array().unwrap();
    let new_uri = ws.uri("notes/unrelated-topic.md");
    assert_eq!(ops[0]["kind"], "create");
    assert_eq!(ops[0]["uri"], new_uri.as_str());
    assert_eq!(ops[1]["textDocument"]["uri"], new_uri.as_str());
    assert_eq!(ops[1]["edits"][0]["newText"], "# Something else entirely\n");
    assert_eq!(ops.len(), 2);
}

#[test]
fn a_client_that_cannot_create_files_is_not_offered_to() {
    let ws = workspace();
    let (mut c, _) = Client::start(&ws.root, None);
    let uri = ws.write("typos.md", TYPOS);
    c.open(&uri, TYPOS, 1);
    let p = c.diagnostics_at(&uri, 1);
    assert!(fixes(&mut c, &uri, &p, "notes/unrelated-topic.md").is_empty());
    let f = fixes(&mut c, &uri, &p, "./2019/containerless-djang.md");
    let titles: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        titles,
        ["Change the link to ./2019/containerless-django.md"]
    );
}
