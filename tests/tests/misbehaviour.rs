//! Client misbehaviour answered by the book (JSON-RPC 2.0 and LSP 3.17):
//! - a request before `initialize`: ServerNotInitialized (-32002); a
//!   notification before it: dropped; `initialize` still works after;
//! - a body that is not JSON: ParseError (-32700, id null); JSON that is
//!   not a JSON-RPC message: InvalidRequest (-32600), with its id when it
//!   has a usable one; a header block without Content-Length: ParseError;
//!   and after each the server goes on (one bad message used to end it);
//! - an unknown request: MethodNotFound (-32601); an unknown notification,
//!   `$/` or not: ignored, no answer;
//! - params of the wrong type: InvalidParams (-32602) for a request, the
//!   notification dropped;
//! - after `shutdown`: requests are InvalidRequest (-32600), notifications
//!   are dropped, and `exit` exits 0.

use std::time::Duration;

use serde_json::{json, Value};
use talknotes_e2e::*;

const TEXT: &str = "# Talk (Ada Lovelace)\n";

fn alive(c: &mut Client, uri: &str) {
    assert_eq!(
        c.document_text(uri),
        (TEXT.to_string(), 1),
        "the server answers"
    );
}

#[test]
fn before_initialize() {
    let ws = Workspace::new();
    let uri = ws.write("a.md", TEXT);
    let mut c = Client::spawn();
    let err = c
        .request("talknotes/documentText", json!({"uri": uri}))
        .expect_err("not initialized");
    assert_eq!(err["code"], -32002, "ServerNotInitialized: {err}");
    let err = c
        .request("textDocument/hover", json!({}))
        .expect_err("not initialized");
    assert_eq!(err["code"], -32002, "{err}");
    c.open(&uri, "dropped", 1);
    c.initialize(&ws.root, json!({}), None);
    let err = c
        .request("talknotes/documentText", json!({"uri": uri}))
        .expect_err("never opened");
    assert_eq!(
        err["code"], -32602,
        "the didOpen before initialize was dropped: {err}"
    );
    c.open(&uri, TEXT, 1);
    alive(&mut c, &uri);
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn malformed_messages_get_errors_and_the_server_goes_on() {
    let ws = Workspace::new();
    let uri = ws.write("a.md", TEXT);
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, TEXT, 1);
    alive(&mut c, &uri);

    let not_json: [&[u8]; 4] = [
        b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ",
        b"\xff\xfe not even UTF-8",
        b"",
        b"{\"jsonrpc\": \"2.0\", \"id\": 98, \"method\": \"x\"} trailing",
    ];
    for body in not_json {
        c.send_raw_body(body);
        alive(&mut c, &uri);
    }
    let not_rpc: [&[u8]; 5] = [
        b"[1, 2, 3]",
        b"{}",
        b"42",
        b"{\"jsonrpc\": \"2.0\", \"id\": {\"no\": 1}, \"method\": \"x\"}",
        b"{\"jsonrpc\": \"1.0\", \"method\": \"x\"}",
    ];
    for body in not_rpc {
        c.send_raw_body(body);
        alive(&mut c, &uri);
    }
    // Headers without a length, or with a bad one; stray lines between
    // messages are skipped.
    c.send_raw(b"Content-Type: application/vscode-jsonrpc\r\n\r\n");
    alive(&mut c, &uri);
    c.send_raw(b"Content-Length: twelve\r\n\r\n");
    alive(&mut c, &uri);
    c.send_raw(b"\r\nnot a header\r\n");
    alive(&mut c, &uri);

    let errors: Vec<i64> = c
        .orphan_errors
        .iter()
        .map(|e| e["error"]["code"].as_i64().unwrap())
        .collect();
    assert_eq!(
        errors,
        [vec![-32700; 4], vec![-32600; 5], vec![-32700; 2]].concat(),
        "{:?}",
        c.orphan_errors
    );

    // An invalid request whose id is usable is answered with that id, so a
    // client waiting on it is not left hanging.
    c.send_raw_body(b"{\"jsonrpc\": \"2.0\", \"id\": 4242, \"method\": 17}");
    let err = c.response(4242).expect_err("invalid request");
    assert_eq!(err["code"], -32600, "{err}");
    alive(&mut c, &uri);
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn unknown_methods_and_wrong_params() {
    let ws = Workspace::new();
    let uri = ws.write("a.md", TEXT);
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, TEXT, 1);

    for method in [
        "talknotes/noSuchThing",
        "$/noSuchRequest",
        "textDocument/noSuchThing",
    ] {
        let err = c.request(method, json!({})).expect_err("unknown");
        assert_eq!(err["code"], -32601, "{method}: MethodNotFound: {err}");
    }
    let before = c.orphan_errors.len();
    c.notify("talknotes/noSuchNotification", json!({"x": 1}));
    c.notify("$/noSuchNotification", json!({"x": 1}));
    alive(&mut c, &uri);
    c.drain_for(Duration::from_millis(100));
    assert_eq!(
        c.orphan_errors.len(),
        before,
        "notifications are never answered"
    );

    for params in [json!({"uri": 42}), json!([]), json!("a.md"), json!({})] {
        let err = c
            .request("talknotes/documentText", params.clone())
            .expect_err("bad params");
        assert_eq!(err["code"], -32602, "{params}: InvalidParams: {err}");
    }
    let err = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": 3}),
        )
        .expect_err("bad params");
    assert_eq!(err["code"], -32602, "{err}");
    // Bad notifications are dropped: the document is unchanged.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": "two"}, "contentChanges": []}),
    );
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": 5, "text": "x"}]}));
    c.notify("textDocument/didClose", json!({"textDocument": 7}));
    c.notify("textDocument/didOpen", Value::Null);
    alive(&mut c, &uri);
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn after_shutdown() {
    let ws = Workspace::new();
    let uri = ws.write("a.md", TEXT);
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, TEXT, 1);
    assert_eq!(c.request("shutdown", Value::Null), Ok(Value::Null));
    for method in [
        "talknotes/documentText",
        "textDocument/hover",
        "talknotes/noSuchThing",
    ] {
        let err = c
            .request(method, json!({"uri": uri}))
            .expect_err("after shutdown");
        assert_eq!(err["code"], -32600, "{method}: InvalidRequest: {err}");
    }
    let err = c
        .request("shutdown", Value::Null)
        .expect_err("shutdown twice");
    assert_eq!(err["code"], -32600, "{err}");
    c.change(&uri, 2, json!([{"text": "changed"}]));
    c.send_raw_body(b"not json");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(TIMEOUT).and_then(|s| s.code()), Some(0));
}
