//! shutdown / exit: the exit code the spec asks for, and no hang.

use serde_json::Value;
use talknotes_e2e::*;

#[test]
fn shutdown_then_exit_exits_0() {
    let ws = Workspace::new();
    let (c, _) = Client::start(&ws.root, None);
    let status = c.shutdown_and_exit();
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn shutdown_then_exit_with_an_open_document_exits_0() {
    let ws = Workspace::new();
    let uri = ws.write("a.md", fixtures::PYCONF);
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, fixtures::PYCONF, 1);
    c.diagnostics_at(&uri, 1);
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown_exits_1() {
    let ws = Workspace::new();
    let (mut c, _) = Client::start(&ws.root, None);
    c.notify("exit", Value::Null);
    let status = c.wait_exit(TIMEOUT).expect("the server exits on exit");
    assert_eq!(status.code(), Some(1), "{status}");
}

#[test]
fn exit_before_initialize_exits_1() {
    let mut c = Client::spawn();
    c.notify("exit", Value::Null);
    let status = c.wait_exit(TIMEOUT).expect("the server exits on exit");
    assert_eq!(status.code(), Some(1), "{status}");
}

#[test]
fn requests_after_shutdown_are_invalid_requests() {
    let ws = Workspace::new();
    let uri = ws.write("a.md", "x\n");
    let (mut c, _) = Client::start(&ws.root, None);
    c.open(&uri, "x\n", 1);
    assert_eq!(c.request("shutdown", Value::Null), Ok(Value::Null));
    let err = c
        .request("talknotes/documentText", serde_json::json!({"uri": uri}))
        .expect_err("no requests after shutdown");
    assert_eq!(err["code"], -32600, "InvalidRequest: {err}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(TIMEOUT).expect("exits").code(), Some(0));
}

#[test]
fn closing_stdin_ends_the_server() {
    let ws = Workspace::new();
    let (mut c, _) = Client::start(&ws.root, None);
    c.close_stdin();
    assert!(
        c.wait_exit(TIMEOUT).is_some(),
        "the server exits when stdin closes"
    );
}
