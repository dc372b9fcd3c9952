//! The VS Code extension's settings list exactly the server's rules: a rule
//! added to the server without its `talknotes.rules` entry (or the other way
//! round) fails here, not in a user's settings editor.

use std::collections::BTreeSet;
use std::path::Path;

use talknotes_ls::rules::Rule;

#[test]
fn vscode_rules_setting_lists_every_rule() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/vscode/package.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let rules =
        &manifest["contributes"]["configuration"]["properties"]["talknotes.rules"]["properties"];
    let declared: BTreeSet<&str> = rules
        .as_object()
        .expect("talknotes.rules.properties")
        .keys()
        .map(String::as_str)
        .collect();
    let server: BTreeSet<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(declared, server);
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/vscode/src/settings.ts"),
    )
    .unwrap();
    for code in &server {
        assert!(
            source.contains(&format!("\"{code}\"")),
            "RULE_CODES in settings.ts lacks {code}"
        );
    }
}
