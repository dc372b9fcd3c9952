//! A small LSP test client that drives the real `talknotes-ls` binary over
//! stdio, plus text helpers (positions in UTF-8/16/32) for the tests.
//!
//! * [`ensure_built`] / [`server_bin`]: the binary under test
//!   (`TALKNOTES_LS_BIN`, else `<target>/debug/talknotes-ls`, built once).
//! * [`Client`]: JSON-RPC with `Content-Length` framing over the child's
//!   stdin/stdout. A reader thread parses messages, answers the server's own
//!   requests (`window/workDoneProgress/create`, `client/registerCapability`,
//!   anything else) with `null`, and feeds everything to a channel. Every
//!   wait has a timeout ([`TIMEOUT`]); the child is killed on drop.
//! * [`Enc`], [`offset`], [`position`], [`apply_change`], [`range_of`]: the
//!   client side of position encodings, to compute what the server must
//!   hold after an edit and where a diagnostic must be.
//!
//! Lines are `\n`-terminated throughout (the fixtures use no `\r`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub mod fixtures;

/// The longest any single wait may take by default: tests fail, they never
/// hang. A test may give one client more ([`Client::timeout`]).
pub const TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------
// The binary under test
// ---------------------------------------------------------------------------

/// The workspace root (the parent of this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The small PEP index fixture (official peps.json format, 44 PEPs).
pub fn pep_fixture() -> PathBuf {
    repo_root().join("tests/fixtures/peps.json")
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                repo_root().join(dir)
            }
        }
        None => repo_root().join("target"),
    }
}

/// `TALKNOTES_LS_BIN`, else `<target dir>/debug/talknotes-ls`.
pub fn server_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("TALKNOTES_LS_BIN") {
        return PathBuf::from(bin);
    }
    target_dir()
        .join("debug")
        .join(format!("talknotes-ls{}", std::env::consts::EXE_SUFFIX))
}

/// Builds the server binary once per test process (a no-op when it is up to
/// date), unless `TALKNOTES_LS_BIN` names a binary to test.
pub fn ensure_built() {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        if std::env::var_os("TALKNOTES_LS_BIN").is_some() {
            return;
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "talknotes-ls", "--bin", "talknotes-ls"])
            .current_dir(repo_root())
            .status()
            .expect("cannot run cargo build");
        assert!(
            status.success(),
            "cargo build -p talknotes-ls failed: {status}"
        );
    });
    let bin = server_bin();
    assert!(bin.is_file(), "no server binary at {}", bin.display());
}

/// A `Command` for the server binary (built first), for `--check` runs.
pub fn server_command() -> Command {
    ensure_built();
    let mut c = Command::new(server_bin());
    c.env("TALKNOTES_OFFLINE", "1");
    c
}

/// `file://` URI of an absolute path (percent-encoding what a URL must).
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for b in path.to_str().expect("UTF-8 path").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri
}

/// A temporary notes folder (canonical path, so URIs match the server's).
pub struct Workspace {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical tempdir");
        Workspace { _dir: dir, root }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    pub fn uri(&self, name: &str) -> String {
        file_uri(&self.path(name))
    }

    /// Writes a file (creating folders); returns its URI.
    pub fn write(&self, name: &str, text: impl AsRef<[u8]>) -> String {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, text).expect("write fixture");
        self.uri(name)
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new()
    }
}

// ---------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------

pub struct Client {
    child: Child,
    /// None once closed ([`Client::close_stdin`]).
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    rx: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// Responses not yet claimed, by id (as JSON text).
    responses: HashMap<String, Value>,
    /// Every notification received, in order.
    pub notifications: Vec<Value>,
    /// Every request the server sent us (already answered with null).
    pub server_requests: Vec<Value>,
    /// Error responses without an id (e.g. to a body that is not JSON).
    pub orphan_errors: Vec<Value>,
    closed: bool,
    /// How long [`Client::response`], [`Client::wait_for_notification`]
    /// and [`Client::diagnostics_at`] wait: [`TIMEOUT`] unless a test
    /// (with a heavy document) says otherwise.
    pub timeout: Duration,
    /// The server's cache folder (`TALKNOTES_CACHE_DIR`) unless the test
    /// names one: empty, its own, so no test reads or writes the user's
    /// cache (the index cache, the PEP index) or another test's.
    _cache: tempfile::TempDir,
}

impl Client {
    /// Starts the server in LSP mode (no arguments).
    pub fn spawn() -> Client {
        Client::spawn_with_args(&[])
    }

    pub fn spawn_with_args(args: &[&str]) -> Client {
        Client::spawn_full(&[], args, &[])
    }

    /// Starts the server through a wrapper command (`wrapper[0]` runs
    /// `wrapper[1..] <server> args`), e.g. `setpriv` to drop root.
    pub fn spawn_wrapped(wrapper: &[&str], args: &[&str]) -> Client {
        Client::spawn_full(wrapper, args, &[])
    }

    /// Starts the server with environment changes: `(name, Some(value))`
    /// sets, `(name, None)` removes. By default it runs offline
    /// (`TALKNOTES_OFFLINE=1`: no PEP index refresh from the network).
    pub fn spawn_with_env(args: &[&str], env: &[(&str, Option<&str>)]) -> Client {
        Client::spawn_full(&[], args, env)
    }

    fn spawn_full(wrapper: &[&str], args: &[&str], env: &[(&str, Option<&str>)]) -> Client {
        ensure_built();
        let mut command = match wrapper.split_first() {
            Some((program, rest)) => {
                let mut c = Command::new(program);
                c.args(rest).arg(server_bin());
                c
            }
            None => Command::new(server_bin()),
        };
        let cache = tempfile::tempdir().expect("cache tempdir");
        command
            .args(args)
            .env("RUST_LOG", "warn")
            .env("TALKNOTES_OFFLINE", "1")
            .env("TALKNOTES_CACHE_DIR", cache.path());
        for (name, value) in env {
            match value {
                Some(v) => command.env(name, v),
                None => command.env_remove(name),
            };
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn talknotes-ls");
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();

        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });

        let answer = stdin.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                // A request from the server: answer it at once, whatever the
                // test is doing (the server may be waiting on it).
                if let (Some(id), Some(_)) = (msg.get("id"), msg.get("method")) {
                    let reply = json!({"jsonrpc": "2.0", "id": id, "result": null});
                    if let Some(w) = answer.lock().unwrap().as_mut() {
                        let _ = write_message(w, &reply);
                    }
                }
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });

        Client {
            child,
            stdin,
            rx,
            stderr,
            next_id: 1,
            responses: HashMap::new(),
            notifications: Vec::new(),
            server_requests: Vec::new(),
            orphan_errors: Vec::new(),
            closed: false,
            timeout: TIMEOUT,
            _cache: cache,
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident memory (VmRSS) in KiB, where /proc has it.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// What the server wrote to stderr so far (its log).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn fail(&mut self, what: &str) -> ! {
        let status = match self.child.try_wait() {
            Ok(Some(s)) => format!("exited: {s}"),
            Ok(None) => "running".to_string(),
            Err(e) => format!("unknown: {e}"),
        };
        let what = format!("{what}\n(server process: {status})");
        let log = self.stderr();
        let tail: String = log
            .chars()
            .rev()
            .take(3000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        panic!("{what}\n--- server stderr (tail) ---\n{tail}");
    }

    // -- sending --------------------------------------------------------------

    pub fn send(&mut self, msg: &Value) {
        let result = match self.stdin.lock().unwrap().as_mut() {
            Some(w) => write_message(w, msg),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        };
        if let Err(e) = result {
            self.fail(&format!("cannot write to the server: {e}"));
        }
    }

    /// Sends raw bytes as one framed message body (for malformed input).
    pub fn send_raw_body(&mut self, body: &[u8]) {
        if let Some(w) = self.stdin.lock().unwrap().as_mut() {
            let _ = write!(w, "Content-Length: {}\r\n\r\n", body.len());
            let _ = w.write_all(body);
            let _ = w.flush();
        }
    }

    /// Sends raw bytes, unframed (for broken headers).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        if let Some(w) = self.stdin.lock().unwrap().as_mut() {
            let _ = w.write_all(bytes);
            let _ = w.flush();
        }
    }

    /// Closes the server's stdin (end of input).
    pub fn close_stdin(&mut self) {
        self.stdin.lock().unwrap().take();
    }

    /// Sends a notification; `Value::Null` params are left out (JSON-RPC
    /// params are an object or an array, or absent: `shutdown`, `exit`).
    pub fn notify(&mut self, method: &str, params: Value) {
        let mut msg = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(&msg);
    }

    /// Sends a request without waiting; returns its id. `Value::Null`
    /// params are left out, as in [`Client::notify`].
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(&msg);
        id
    }

    /// Waits for the response to request `id`: `Ok(result)` or `Err(error)`.
    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let key = json!(id).to_string();
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(r) = self.responses.remove(&key) {
                return match r.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(r.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
            if !self.pump(deadline) {
                self.fail(&format!(
                    "no response to request {id} within {:?}",
                    self.timeout
                ));
            }
        }
    }

    /// Sends a request and waits for its response.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    // -- receiving ------------------------------------------------------------

    /// Receives one message (sorting it into responses and notifications).
    /// False when the deadline passed or the server closed its stdout.
    fn pump(&mut self, deadline: Instant) -> bool {
        if self.closed {
            return false;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(msg) => {
                if msg.get("method").is_some() {
                    if msg.get("id").is_some() {
                        self.server_requests.push(msg);
                    } else {
                        self.notifications.push(msg);
                    }
                } else {
                    match msg.get("id") {
                        Some(id) if !id.is_null() => {
                            self.responses.insert(id.to_string(), msg);
                        }
                        _ => self.orphan_errors.push(msg),
                    }
                }
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = true;
                false
            }
        }
    }

    /// Reads whatever arrived within `d` (to let the server settle).
    pub fn drain_for(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while self.pump(deadline) {}
    }

    /// Waits until some notification (received before or now) satisfies
    /// `pred`; returns the first that does.
    pub fn wait_for_notification(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + self.timeout;
        let mut checked = 0;
        loop {
            if let Some(n) = self.notifications[checked..].iter().find(|n| pred(n)) {
                return n.clone();
            }
            checked = self.notifications.len();
            if !self.pump(deadline) {
                self.fail(&format!("no notification {what} within {:?}", self.timeout));
            }
        }
    }

    /// The latest `publishDiagnostics` params received for `uri`, if any.
    pub fn latest_diagnostics(&self, uri: &str) -> Option<&Value> {
        self.notifications
            .iter()
            .rev()
            .filter(|n| n["method"] == "textDocument/publishDiagnostics")
            .map(|n| &n["params"])
            .find(|p| p["uri"] == uri)
    }

    /// Waits until the latest `publishDiagnostics` for `uri` satisfies
    /// `pred` (given the params: `uri`, `version`, `diagnostics`), and
    /// returns those params. Fails after `timeout`, showing the latest.
    pub fn wait_for_diagnostics(
        &mut self,
        uri: &str,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(p) = self.latest_diagnostics(uri) {
                if pred(p) {
                    return p.clone();
                }
            }
            if !self.pump(deadline) {
                let latest = self.latest_diagnostics(uri).cloned();
                let shown = latest.map_or("none".into(), |p| pretty(&p));
                self.fail(&format!(
                    "no matching publishDiagnostics for {uri} within {timeout:?} \
                     (server closed: {}); latest: {shown}",
                    self.closed
                ));
            }
        }
    }

    /// Waits for the diagnostics of `uri` at document `version`.
    pub fn diagnostics_at(&mut self, uri: &str, version: i64) -> Value {
        self.wait_for_diagnostics(uri, |p| p["version"] == version, self.timeout)
    }

    // -- LSP conveniences -----------------------------------------------------

    /// `initialize` + `initialized` with a workspace folder at `root`,
    /// dynamic file watching and work-done progress, the given
    /// `initializationOptions` and (if any) offered position encodings.
    /// Returns the InitializeResult.
    pub fn initialize(&mut self, root: &Path, options: Value, encodings: Option<&[&str]>) -> Value {
        let mut general = json!({});
        if let Some(e) = encodings {
            general["positionEncodings"] = json!(e);
        }
        let params = json!({
            "processId": std::process::id(),
            "rootUri": file_uri(root),
            "workspaceFolders": [{"uri": file_uri(root), "name": "notes"}],
            "initializationOptions": options,
            "capabilities": {
                "general": general,
                "window": {"workDoneProgress": true},
                "workspace": {
                    "didChangeWatchedFiles": {"dynamicRegistration": true},
                    "workspaceFolders": true,
                    "configuration": false
                },
                "textDocument": {
                    "synchronization": {"dynamicRegistration": false},
                    "publishDiagnostics": {"relatedInformation": true, "versionSupport": true}
                }
            }
        });
        let result = match self.request("initialize", params) {
            Ok(r) => r,
            Err(e) => self.fail(&format!("initialize failed: {e}")),
        };
        self.notify("initialized", json!({}));
        result
    }

    /// Waits for the end of the start-up indexing (`$/progress` end).
    pub fn wait_for_indexing(&mut self) {
        self.wait_for_notification("$/progress end", |n| {
            n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end"
        });
    }

    /// `initialize` with the PEP fixture, then wait for indexing.
    pub fn start(root: &Path, encodings: Option<&[&str]>) -> (Client, Value) {
        let mut c = Client::spawn();
        let init = c.initialize(
            root,
            json!({"pepIndex": pep_fixture().to_str().unwrap()}),
            encodings,
        );
        c.wait_for_indexing();
        (c, init)
    }

    pub fn open(&mut self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}}),
        );
    }

    /// `didChange` with the given `contentChanges`.
    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    /// `talknotes/documentText`: the server's copy of an open document.
    pub fn document_text(&mut self, uri: &str) -> (String, i64) {
        match self.request("talknotes/documentText", json!({"uri": uri})) {
            Ok(r) => (
                r["text"].as_str().expect("text").to_string(),
                r["version"].as_i64().expect("version"),
            ),
            Err(e) => self.fail(&format!("talknotes/documentText {uri}: {e}")),
        }
    }

    /// `workspace/didChangeWatchedFiles` for one file: 1 created, 2 changed,
    /// 3 deleted.
    pub fn watched_file_changed(&mut self, uri: &str, typ: u8) {
        self.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri, "type": typ}]}),
        );
    }

    /// Waits up to `timeout` for the process to end.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                return Some(s);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `shutdown` (its response must be `null`), then `exit`; returns the
    /// exit status.
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        match self.request("shutdown", Value::Null) {
            Ok(Value::Null) => {}
            other => self.fail(&format!("shutdown answered {other:?}")),
        }
        self.notify("exit", Value::Null);
        match self.wait_exit(TIMEOUT) {
            Some(s) => s,
            None => self.fail("the server did not exit after shutdown + exit"),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_message(w: &mut impl Write, msg: &Value) -> std::io::Result<()> {
    let body = serde_json::to_vec(msg)?;
    write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
    w.write_all(&body)?;
    w.flush()
}

/// One framed message; None at end of stream or on a framing error.
fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                len = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    match serde_json::from_slice(&body) {
        Ok(v) => Some(v),
        Err(e) => {
            eprintln!("talknotes-e2e: server sent invalid JSON: {e}");
            None
        }
    }
}

pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Diagnostics helpers
// ---------------------------------------------------------------------------

/// The diagnostics (array) of publishDiagnostics params.
pub fn diags(params: &Value) -> Vec<Value> {
    params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The diagnostics with the given code.
pub fn with_code(params: &Value, code: &str) -> Vec<Value> {
    diags(params)
        .into_iter()
        .filter(|d| d["code"] == code)
        .collect()
}

/// The codes of all diagnostics, in order.
pub fn codes(params: &Value) -> Vec<String> {
    diags(params)
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// An LSP range as JSON.
pub fn lsp_range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({
        "start": {"line": start.0, "character": start.1},
        "end": {"line": end.0, "character": end.1},
    })
}

// ---------------------------------------------------------------------------
// Positions on the client side
// ---------------------------------------------------------------------------

/// How an LSP `character` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enc {
    Utf8,
    Utf16,
    Utf32,
}

impl Enc {
    fn units(self, c: char) -> usize {
        match self {
            Enc::Utf8 => c.len_utf8(),
            Enc::Utf16 => c.len_utf16(),
            Enc::Utf32 => 1,
        }
    }
}

/// Byte offset of (line, character), clamped like the server documents:
/// past the line's end → the line's end (before its `\n`); past the last
/// line → the end of the text; inside a character → its start.
pub fn offset(text: &str, line: u32, character: u32, enc: Enc) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        let next = units + enc.units(c);
        if next > character as usize {
            return start + i;
        }
        units = next;
    }
    end
}

/// (line, character) of byte `offset` (a char boundary).
pub fn position(text: &str, offset: usize, enc: Enc) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(|c| enc.units(c)).sum();
    (line as u32, character as u32)
}

/// Applies one LSP content change (range in `enc`; None = whole text) the
/// way the server documents: clamped, an inverted range swapped.
pub fn apply_change(
    text: &mut String,
    range: Option<((u32, u32), (u32, u32))>,
    new_text: &str,
    enc: Enc,
) {
    match range {
        None => *text = new_text.to_string(),
        Some((s, e)) => {
            let a = offset(text, s.0, s.1, enc);
            let b = offset(text, e.0, e.1, enc);
            text.replace_range(a.min(b)..a.max(b), new_text);
        }
    }
}

/// The JSON of one incremental content change.
pub fn change_json(start: (u32, u32), end: (u32, u32), text: &str) -> Value {
    json!({"range": lsp_range(start, end), "text": text})
}

/// The LSP range of the `n`th (0-based) occurrence of `needle` in `text`.
pub fn range_of_nth(text: &str, needle: &str, n: usize, enc: Enc) -> Value {
    let start = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} occurs fewer than {} times", n + 1))
        .0;
    lsp_range(
        position(text, start, enc),
        position(text, start + needle.len(), enc),
    )
}

/// The LSP range of the first occurrence of `needle` in `text`.
pub fn range_of(text: &str, needle: &str, enc: Enc) -> Value {
    range_of_nth(text, needle, 0, enc)
}

/// The text an LSP range covers.
pub fn text_at<'a>(text: &'a str, range: &Value, enc: Enc) -> &'a str {
    let p = |v: &Value| {
        offset(
            text,
            v["line"].as_u64().unwrap() as u32,
            v["character"].as_u64().unwrap() as u32,
            enc,
        )
    };
    &text[p(&range["start"])..p(&range["end"])]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_every_encoding() {
        let t = "a🐍é\nxy";
        assert_eq!(offset(t, 0, 3, Enc::Utf16), "a🐍".len());
        assert_eq!(offset(t, 0, 2, Enc::Utf16), 1, "inside a surrogate pair");
        assert_eq!(offset(t, 0, 5, Enc::Utf8), "a🐍".len());
        assert_eq!(offset(t, 0, 2, Enc::Utf32), "a🐍".len());
        assert_eq!(offset(t, 0, 99, Enc::Utf16), "a🐍é".len());
        assert_eq!(offset(t, 9, 0, Enc::Utf16), t.len());
        assert_eq!(position(t, "a🐍é".len(), Enc::Utf16), (0, 4));
        assert_eq!(position(t, "a🐍é".len(), Enc::Utf8), (0, 7));
        assert_eq!(position(t, t.len(), Enc::Utf8), (1, 2));
        let mut s = t.to_string();
        apply_change(&mut s, Some(((1, 1), (0, 4))), "-", Enc::Utf16);
        assert_eq!(s, "a🐍é-y");
    }
}
