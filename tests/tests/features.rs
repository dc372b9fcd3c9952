//! The editor features over stdio, through the real binary, on a workspace
//! of two conference files: completion (and resolve), definition,
//! references, rename, symbols, links, hover, code actions, inlay hints,
//! semantic tokens, folding and selection ranges.

use serde_json::{json, Value};
use talknotes_e2e::*;

/// PyCon US 2017: heading talks with the speaker in parentheses.
const P2017: &str = "\
# PyCon US 2017

# Grok the GIL (Ada Example)
[Talk overview](https://us.pycon.org/2017/schedule/presentation/320/)
- `trio` and PEP 509, see bpo-24915
- PEP3156 and PEP484 written glued

# Optimizations Made Faster (Victor Stinger)
- the dict version: Pep 509
";

/// PyCon 2014: paragraph talks with dash separators and `•` notes.
const P2014: &str = "\
My notes from PyCon 2014.

Talk Two – Ada Example
• Grok the GIL, PyCon 2017, Ada Example
• pip install trio

Track memory leaks – Victor Stinger
• tracemalloc

Designing Poetic APIs – Erik Rose
• notes
";

struct Session {
    c: Client,
    ws: Workspace,
    u2017: String,
    u2014: String,
}

/// A server on the two files, with the PEP fixture, versioned workspace
/// edits, the given position encoding, and `env` (no Python unless given).
fn start_with(enc: &str, env: &[(&str, &str)]) -> Session {
    let ws = Workspace::new();
    let u2017 = ws.write("pycon-2017.md", P2017);
    let u2014 = ws.write("pycon-2014.md", P2014);
    let mut env: Vec<(&str, Option<&str>)> = env.iter().map(|(k, v)| (*k, Some(*v))).collect();
    if !env.iter().any(|(k, _)| *k == "TALKNOTES_PYTHON") {
        env.push(("TALKNOTES_PYTHON", Some("")));
    }
    let mut c = Client::spawn_with_env(&[], &env);
    let root = file_uri(&ws.root);
    let params = json!({
        "processId": std::process::id(),
        "rootUri": root,
        "workspaceFolders": [{"uri": root, "name": "notes"}],
        "initializationOptions": {"pepIndex": pep_fixture().to_str().unwrap()},
        "capabilities": {
            "general": {"positionEncodings": [enc]},
            "window": {"workDoneProgress": true},
            "workspace": {"workspaceEdit": {"documentChanges": true}},
        }
    });
    let init = c.request("initialize", params).expect("initialize");
    assert_eq!(init["capabilities"]["positionEncoding"], enc);
    c.notify("initialized", json!({}));
    c.wait_for_indexing();
    Session {
        c,
        ws,
        u2017,
        u2014,
    }
}

fn start() -> Session {
    start_with("utf-16", &[])
}

fn at(uri: &str, text: &str, needle: &str, plus: usize, enc: Enc) -> Value {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in the text"));
    let (line, character) = position(text, start + plus, enc);
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn enc_of(name: &str) -> Enc {
    match name {
        "utf-8" => Enc::Utf8,
        "utf-32" => Enc::Utf32,
        _ => Enc::Utf16,
    }
}

#[test]
fn speaker_completion_with_exact_edits_in_every_encoding() {
    for name in ["utf-16", "utf-8", "utf-32"] {
        let enc = enc_of(name);
        let mut s = start_with(name, &[]);
        let text = "# Ünïcödé Tälk 🎤 (Ad";
        let uri = s.ws.uri("2018.md");
        s.c.open(&uri, text, 1);
        let p = at(&uri, text, "(Ad", 3, enc);
        let r =
            s.c.request("textDocument/completion", p)
                .expect("completion");
        let items = r["items"].as_array().expect("a CompletionList");
        let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
        assert_eq!(labels, ["Ada Example"], "{name}: {}", pretty(&r));
        let item = &items[0];
        assert_eq!(item["textEdit"]["newText"], "Ada Example");
        assert_eq!(
            item["textEdit"]["range"],
            range_of(text, "Ad", enc),
            "{name}"
        );
        assert_eq!(item["detail"], "PyCon US 2017, PyCon 2014");
        assert_eq!(r["isIncomplete"], false);
        // Resolve: the speaker's talks by conference.
        let resolved =
            s.c.request("completionItem/resolve", item.clone())
                .expect("resolve");
        let doc = resolved["documentation"]["value"].as_str().unwrap_or("");
        assert!(
            doc.contains("PyCon US 2017\n- Grok the GIL") && doc.contains("- Talk Two"),
            "{doc}"
        );
    }
}

#[test]
fn pep_and_library_completion() {
    // A stand-in `python3` whose site folder holds one distribution.
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site/trio_websocket-0.11.dist-info");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(
        site.join("METADATA"),
        "Name: trio-websocket\nVersion: 0.11\nSummary: WebSocket library for Trio\n",
    )
    .unwrap();
    let python = dir.path().join("python3");
    std::fs::write(
        &python,
        format!("#!/bin/sh\necho '{}'\n", dir.path().join("site").display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut s = start_with("utf-16", &[("TALKNOTES_PYTHON", python.to_str().unwrap())]);
    let text = "# New Talk (Ada Example)\n- see PEP 50\n- uses `tri\n";
    let uri = s.ws.uri("2018.md");
    s.c.open(&uri, text, 1);
    let r =
        s.c.request(
            "textDocument/completion",
            at(&uri, text, "PEP 50", 6, Enc::Utf16),
        )
        .unwrap();
    let got: Vec<(String, String)> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap().to_string(),
                i["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        got.contains(&("509".into(), "Add a private version to dict (Final)".into()))
            || got
                .iter()
                .any(|(l, d)| l == "509" && d.starts_with("Add a private version to dict")),
        "{got:?}"
    );
    assert!(got.iter().all(|(l, _)| l.starts_with("50")), "{got:?}");
    // Libraries: the workspace's `trio` (3 mentions) and the installed
    // distribution, read in the background: ask until it is there.
    let p = at(&uri, text, "`tri", 4, Enc::Utf16);
    let mut labels = Vec::new();
    for _ in 0..50 {
        let r = s.c.request("textDocument/completion", p.clone()).unwrap();
        labels = r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["label"].as_str().unwrap().to_string(),
                    i["detail"].clone(),
                )
            })
            .collect::<Vec<_>>();
        if labels.len() >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(labels[0].0, "trio", "{labels:?}");
    assert_eq!(labels[0].1, "mentioned 2 times in the notes");
    assert_eq!(labels[1].0, "trio-websocket");
    assert_eq!(labels[1].1, "WebSocket library for Trio (installed 0.11)");
}

#[test]
fn definition_on_a_speaker_reaches_the_other_conference() {
    let mut s = start();
    s.c.open(&s.u2014.clone(), P2014, 3);
    let p = at(&s.u2014, P2014, "Ada Example\n•", 2, Enc::Utf16);
    let r = s.c.request("textDocument/definition", p).unwrap();
    assert_eq!(
        r,
        json!([{"uri": s.u2017, "range": range_of(P2017, "Grok the GIL", Enc::Utf16)}]),
        "{}",
        pretty(&r)
    );
    // A talk named in prose: the talk's notes.
    let p = at(&s.u2014, P2014, "Grok the GIL, PyCon", 3, Enc::Utf16);
    let r = s.c.request("textDocument/definition", p).unwrap();
    assert_eq!(
        r,
        json!([{"uri": s.u2017, "range": range_of(P2017, "Grok the GIL", Enc::Utf16)}])
    );
}

#[test]
fn references_of_a_speaker_and_a_pep_across_files() {
    let mut s = start();
    let p = at(&s.u2017, P2017, "Ada Example", 1, Enc::Utf16);
    let mut p = p;
    p["context"] = json!({"includeDeclaration": true});
    let r = s.c.request("textDocument/references", p).unwrap();
    let mut got: Vec<(String, Value)> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["uri"].as_str().unwrap().to_string(), l["range"].clone()))
        .collect();
    got.sort_by_key(|(u, r)| (u.clone(), r.to_string()));
    let mut want = vec![
        (s.u2017.clone(), range_of(P2017, "Ada Example", Enc::Utf16)),
        (
            s.u2014.clone(),
            range_of_nth(P2014, "Ada Example", 0, Enc::Utf16),
        ),
        (
            s.u2014.clone(),
            range_of_nth(P2014, "Ada Example", 1, Enc::Utf16),
        ),
    ];
    want.sort_by_key(|(u, r)| (u.clone(), r.to_string()));
    assert_eq!(got, want);
    let mut p = at(&s.u2017, P2017, "PEP 509", 4, Enc::Utf16);
    p["context"] = json!({"includeDeclaration": true});
    let r = s.c.request("textDocument/references", p).unwrap();
    assert_eq!(r.as_array().unwrap().len(), 2, "{}", pretty(&r));
}

#[test]
fn rename_a_speaker_with_versioned_edits_and_refuse_elsewhere() {
    let mut s = start();
    let u2017 = s.u2017.clone();
    s.c.open(&u2017, P2017, 5);
    let p = at(&u2017, P2017, "Victor Stinger", 3, Enc::Utf16);
    let prep =
        s.c.request("textDocument/prepareRename", p.clone())
            .unwrap();
    assert_eq!(prep["placeholder"], "Victor Stinger");
    assert_eq!(prep["range"], range_of(P2017, "Victor Stinger", Enc::Utf16));
    let mut rp = p.clone();
    rp["newName"] = json!("Victor Stinner");
    let edit = s.c.request("textDocument/rename", rp).unwrap();
    let changes = edit["documentChanges"].as_array().expect("documentChanges");
    assert_eq!(changes.len(), 2, "{}", pretty(&edit));
    for ch in changes {
        let uri = ch["textDocument"]["uri"].as_str().unwrap();
        let (text, version) = if uri == u2017 {
            (P2017, json!(5))
        } else {
            assert_eq!(uri, s.u2014);
            (P2014, Value::Null)
        };
        assert_eq!(ch["textDocument"]["version"], version, "{uri}");
        let edits = ch["edits"].as_array().unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(
            edits[0]["range"],
            range_of(text, "Victor Stinger", Enc::Utf16)
        );
        assert_eq!(edits[0]["newText"], "Victor Stinner");
    }
    // Nothing renameable: an error with a message.
    let p = at(&u2017, P2017, "written glued", 2, Enc::Utf16);
    let err = s.c.request("textDocument/prepareRename", p).unwrap_err();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("nothing to rename here"),
        "{err}"
    );
}

#[test]
fn hover_on_a_pep_a_speaker_and_a_talk() {
    let mut s = start();
    let u2017 = s.u2017.clone();
    let r =
        s.c.request(
            "textDocument/hover",
            at(&u2017, P2017, "Pep 509", 2, Enc::Utf16),
        )
        .unwrap();
    let md = r["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("**PEP 509 – Add a private version to dict**"),
        "{md}"
    );
    assert!(md.contains("https://peps.python.org/pep-0509/"), "{md}");
    assert_eq!(r["range"], range_of(P2017, "Pep 509", Enc::Utf16));
    let r =
        s.c.request(
            "textDocument/hover",
            at(&u2017, P2017, "Ada Example", 0, Enc::Utf16),
        )
        .unwrap();
    let md = r["contents"]["value"].as_str().unwrap();
    assert_eq!(
        md,
        "**Ada Example** — 2 talks in the notes\n\nPyCon US 2017\n- Grok the GIL\n\nPyCon 2014\n- Talk Two"
    );
}

#[test]
fn symbols_of_a_document_and_of_the_workspace() {
    let mut s = start();
    let u2017 = s.u2017.clone();
    let r =
        s.c.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": u2017}}),
        )
        .unwrap();
    let root = &r[0];
    assert_eq!(root["name"], "PyCon US 2017");
    let talks: Vec<(&str, &str)> = root["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        talks,
        [
            ("Grok the GIL", "Ada Example"),
            ("Optimizations Made Faster", "Victor Stinger")
        ]
    );
    let r =
        s.c.request("workspace/symbol", json!({"query": "poetic"}))
            .unwrap();
    assert_eq!(
        r,
        json!([{
            "name": "Designing Poetic APIs",
            "kind": 24,
            "location": {"uri": s.u2014, "range": range_of(P2014, "Designing Poetic APIs", Enc::Utf16)},
            "containerName": "PyCon 2014"
        }])
    );
}

#[test]
fn document_links_inlay_hints_and_fix_all() {
    let mut s = start();
    let u2017 = s.u2017.clone();
    s.c.open(&u2017, P2017, 1);
    let r =
        s.c.request(
            "textDocument/documentLink",
            json!({"textDocument": {"uri": u2017}}),
        )
        .unwrap();
    let targets: Vec<&str> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "https://us.pycon.org/2017/schedule/presentation/320/",
            "https://peps.python.org/pep-0509/",
            "https://bugs.python.org/issue24915",
            "https://peps.python.org/pep-3156/",
            "https://peps.python.org/pep-0484/",
            "https://peps.python.org/pep-0509/",
        ]
    );
    let r =
        s.c.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": u2017}, "range": lsp_range((0, 0), (20, 0))}),
        )
        .unwrap();
    let hints: Vec<(Value, &str)> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["position"].clone(), h["label"].as_str().unwrap()))
        .collect();
    assert_eq!(hints.len(), 4, "{}", pretty(&r));
    let end_of_509 = range_of(P2017, "PEP 509", Enc::Utf16)["end"].clone();
    assert_eq!(hints[0], (end_of_509, "Add a private version to dict"));
    // Fix all: the two glued PEPs in one action.
    let p = s.c.diagnostics_at(&u2017, 1);
    let glued = with_code(&p, "pep-format");
    assert_eq!(glued.len(), 2);
    let r = s
        .c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u2017}, "range": glued[0]["range"], "context": {"diagnostics": [glued[0]]}}),
        )
        .unwrap();
    let titles: Vec<&str> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Change to PEP 3156"), "{titles:?}");
    assert!(
        titles.contains(&"Fix all 2 pep-format findings in this file"),
        "{titles:?}"
    );
    let all = r
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Fix all 2 pep-format findings in this file")
        .unwrap();
    let edits = &all["edit"]["documentChanges"][0];
    assert_eq!(edits["textDocument"]["version"], 1);
    let new: Vec<&str> = edits["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["newText"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["PEP 3156", "PEP 484"]);
}

#[test]
fn semantic_tokens_full_delta_and_range() {
    let mut s = start();
    let uri = s.ws.uri("2018.md");
    let text = "# Grok the GIL (Ada Example)\n- PEP 509\n";
    s.c.open(&uri, text, 1);
    let full =
        s.c.request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap();
    // title, speaker, PEP: [line, start, length, type, modifiers].
    assert_eq!(
        full["data"],
        json!([0, 2, 12, 0, 0, 0, 14, 11, 1, 0, 1, 2, 7, 2, 0])
    );
    let id = full["resultId"].as_str().unwrap().to_string();
    s.c.change(
        &uri,
        2,
        json!([{"range": lsp_range((1, 9), (1, 9)), "text": " and PEP 484"}]),
    );
    let delta =
        s.c.request(
            "textDocument/semanticTokens/full/delta",
            json!({"textDocument": {"uri": uri}, "previousResultId": id}),
        )
        .unwrap();
    assert_eq!(
        delta["edits"],
        json!([{"start": 15, "deleteCount": 0, "data": [0, 12, 7, 2, 0]}]),
        "{}",
        pretty(&delta)
    );
    let range =
        s.c.request(
            "textDocument/semanticTokens/range",
            json!({"textDocument": {"uri": uri}, "range": lsp_range((1, 0), (2, 0))}),
        )
        .unwrap();
    assert_eq!(range["data"], json!([1, 2, 7, 2, 0, 0, 12, 7, 2, 0]));
}

#[test]
fn folding_and_selection_ranges() {
    let mut s = start();
    let u2017 = s.u2017.clone();
    let r =
        s.c.request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": u2017}}),
        )
        .unwrap();
    let folds: Vec<(u64, u64)> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(folds, [(2, 5), (7, 8)]);
    let p = at(&u2017, P2017, "509, see", 1, Enc::Utf16);
    let r =
        s.c.request(
            "textDocument/selectionRange",
            json!({"textDocument": {"uri": u2017}, "positions": [p["position"]]}),
        )
        .unwrap();
    let mut texts = Vec::new();
    let mut node = &r[0];
    while node.is_object() {
        texts.push(text_at(P2017, &node["range"], Enc::Utf16));
        node = &node["parent"];
    }
    assert_eq!(texts[0], "509");
    assert_eq!(texts[1], "PEP 509");
    assert_eq!(texts[2], "- `trio` and PEP 509, see bpo-24915");
    assert_eq!(*texts.last().unwrap(), P2017);
}

/// With a catalog in `talknotes.toml`, speaker completion offers the
/// conference's catalog speakers after the notes' own, and a talk's title
/// links to its catalog page.
#[test]
fn catalog_speakers_and_pages_in_the_editor() {
    let ws = Workspace::new();
    ws.write("talknotes.toml", "catalogs = [\"catalog.toml\"]\n");
    ws.write(
        "catalog.toml",
        "conference = \"PyCon US 2017\"\n\
         [[talks]]\n\
         title = \"The Dictionary Even Mightier\"\n\
         speaker = \"Brandon Rhodes\"\n\
         url = \"https://example.org/2017/dictionary\"\n",
    );
    ws.write("pycon-2017.md", P2017);
    ws.write("pycon-2014.md", P2014);
    let mut c = Client::spawn_with_env(&[], &[("TALKNOTES_PYTHON", Some(""))]);
    c.initialize(&ws.root, json!({}), None);
    c.wait_for_indexing();

    // Brandon Rhodes is in no note yet: the catalog alone knows him.
    let text2 = "# PyCon US 2017\n\n# Yet Another Talk (Br";
    let uri2 = ws.uri("pycon-2017-again.md");
    c.open(&uri2, text2, 1);
    let r = c
        .request(
            "textDocument/completion",
            at(&uri2, text2, "(Br", 3, Enc::Utf16),
        )
        .expect("completion");
    let labels: Vec<(&str, &str)> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap(),
                i["detail"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        labels.contains(&("Brandon Rhodes", "PyCon US 2017")),
        "{labels:?}"
    );

    // The talk's title links to its catalog page.
    let text = "# PyCon US 2017\n\n# The Dictionary Even Mightier (Brandon Rhodes)\n";
    let uri = ws.uri("pycon-2017-more.md");
    c.open(&uri, text, 1);
    let links = c
        .request(
            "textDocument/documentLink",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("documentLink");
    assert!(
        links
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["target"] == "https://example.org/2017/dictionary"),
        "{}",
        pretty(&links)
    );
}
