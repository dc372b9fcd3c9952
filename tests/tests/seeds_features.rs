//! The editor features over stdio on the shared real-world seed notes
//! (`<repo>/../shared/seeds`, or the folder `TALKNOTES_SHARED` names),
//! copied into a workspace as markdown files, with the shared PEP index.
//! Skipped, with a note, when they are not there.

use std::path::PathBuf;

use serde_json::{json, Value};
use talknotes_e2e::*;

struct Seeds {
    c: Client,
    _ws: Workspace,
    /// (name prefix like "002", URI, text)
    files: Vec<(String, String, String)>,
}

impl Seeds {
    fn file(&self, prefix: &str) -> (&str, &str) {
        let (_, uri, text) = self
            .files
            .iter()
            .find(|(p, _, _)| p == prefix)
            .unwrap_or_else(|| panic!("seed {prefix}"));
        (uri, text)
    }

    fn at(&self, prefix: &str, needle: &str, plus: usize) -> Value {
        let (uri, text) = self.file(prefix);
        let i = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {prefix}"));
        let (line, character) = position(text, i + plus, Enc::Utf16);
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
    }

    /// `prefix: text` of a location.
    fn show(&self, loc: &Value) -> String {
        let uri = loc["uri"].as_str().unwrap();
        let (prefix, _, text) = self.files.iter().find(|(_, u, _)| u == uri).unwrap();
        format!("{prefix}: {}", text_at(text, &loc["range"], Enc::Utf16))
    }
}

fn shared() -> PathBuf {
    match std::env::var_os("TALKNOTES_SHARED") {
        Some(p) => PathBuf::from(p),
        None => repo_root().join("../shared"),
    }
}

fn load() -> Option<Seeds> {
    let seeds = shared().join("seeds");
    let peps = shared().join("data/peps.json");
    if !seeds.is_dir() || !peps.is_file() {
        eprintln!(
            "note: {} or its peps.json is missing; seed feature tests skipped",
            seeds.display()
        );
        return None;
    }
    let ws = Workspace::new();
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let uri = ws.write(&format!("{stem}.md"), &text);
        files.push((stem[..3].to_string(), uri, text));
    }
    let mut c = Client::spawn_with_env(&[], &[("TALKNOTES_PYTHON", Some(""))]);
    c.initialize(&ws.root, json!({"pepIndex": peps.to_str().unwrap()}), None);
    c.wait_for_indexing();
    Some(Seeds { c, _ws: ws, files })
}

#[test]
fn seeds_definition_rename_and_hover_over_stdio() {
    let Some(mut s) = load() else { return };

    // Brandon Rhodes in the 2014 notes: his 2017 talk.
    let p = s.at("004", "Data Structures, Brandon Rhodes", 20);
    let r = s.c.request("textDocument/definition", p).unwrap();
    let shown: Vec<String> = r.as_array().unwrap().iter().map(|l| s.show(l)).collect();
    assert!(
        shown.contains(&"001: The Dictionary Even Mightier".to_string()),
        "{shown:?}"
    );

    // Grok the GIL in 002: 001's notes of it.
    let p = s.at("002", "# Grok the GIL", 4);
    let r = s.c.request("textDocument/definition", p).unwrap();
    let shown: Vec<String> = r.as_array().unwrap().iter().map(|l| s.show(l)).collect();
    assert_eq!(
        shown,
        ["001: Grok the GIL: Write Fast And Thread-Safe Python"]
    );

    // Renaming Victor Stinger: exactly the speaker occurrence in 002.
    let mut p = s.at("002", "Victor Stinger", 2);
    p["newName"] = json!("Victor Stinner");
    let edit = s.c.request("textDocument/rename", p).unwrap();
    let changes = edit["changes"].as_object().expect("changes");
    assert_eq!(changes.len(), 1, "{}", pretty(&edit));
    let (uri, text) = s.file("002");
    let edits = changes[uri].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{}", pretty(&edit));
    assert_eq!(
        edits[0]["range"],
        range_of(text, "Victor Stinger", Enc::Utf16)
    );
    assert_eq!(edits[0]["newText"], "Victor Stinner");

    // Hover on PEP 509 with the shared PEP index.
    let p = s.at("002", "Pep 509", 4);
    let r = s.c.request("textDocument/hover", p).unwrap();
    let md = r["contents"]["value"].as_str().unwrap_or("");
    assert!(md.contains("Add a private version to dict"), "{md}");
}
