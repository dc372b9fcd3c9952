//! A panic inside a request handler costs that request an InternalError
//! response, not the server (`talknotes/debugPanic`, debug builds only).

use serde_json::json;
use talknotes_e2e::fixtures::PYCONF;
use talknotes_e2e::*;

#[test]
fn handler_panic_is_an_internal_error_and_the_server_goes_on() {
    let ws = Workspace::new();
    let uri = ws.write("pyconf-2023.md", PYCONF);
    let (mut c, _) = Client::start(&ws.root, None);
    let mut text = PYCONF.to_string();
    c.open(&uri, &text, 1);
    c.diagnostics_at(&uri, 1);

    let err = c
        .request("talknotes/debugPanic", json!({}))
        .expect_err("a panic is an error");
    assert_eq!(err["code"], -32603, "InternalError: {err}");
    assert!(
        err["message"].as_str().unwrap().contains("debugPanic"),
        "the message says which handler: {err}"
    );

    // Several more, interleaved with edits and other requests.
    for version in 2..=6 {
        let panic_id = c.send_request("talknotes/debugPanic", json!({}));
        let end = position(&text, text.len(), Enc::Utf16);
        let line = format!("- edit {version} after a panic\n");
        c.change(&uri, version, json!([change_json(end, end, &line)]));
        text.push_str(&line);
        let err = c.response(panic_id).expect_err("panics again");
        assert_eq!(err["code"], -32603);
    }
    assert_eq!(c.document_text(&uri), (text.clone(), 6));
    let p = c.diagnostics_at(&uri, 6);
    assert_eq!(
        codes(&p),
        [
            "pep-format",
            "unknown-pep",
            "malformed-issue",
            "broken-link",
            "missing-speaker"
        ],
        "{}",
        pretty(&p)
    );
    assert!(c.stderr().contains("panicked"), "the panic is logged");
    assert_eq!(
        c.shutdown_and_exit().code(),
        Some(0),
        "a clean exit after panics"
    );
}
