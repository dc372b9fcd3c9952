//! A minimal LSP client over the server's stdin/stdout: `Content-Length`
//! framing, a reader thread that stamps every message with the instant it
//! arrived (so a busy benchmark thread does not inflate latencies), and
//! answers the server's own requests with `null`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A message and when the reader thread got it.
pub struct Received {
    pub at: Instant,
    pub msg: Value,
}

pub struct Client {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    rx: Receiver<Received>,
    next_id: i64,
    /// Messages received but not yet consumed by a wait.
    pending: Vec<Received>,
    pub spawned: Instant,
    stderr: Arc<Mutex<String>>,
}

impl Client {
    /// Spawns `bin` (LSP over stdio) with extra environment variables.
    pub fn spawn(bin: &Path, env: &[(&str, &Path)]) -> std::io::Result<Client> {
        let mut cmd = Command::new(bin);
        // The indexing's last line says how many notes came from the index
        // cache and how many were parsed.
        cmd.env("RUST_LOG", "warn,talknotes_ls::lsp::indexing=info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let spawned = Instant::now();
        let mut child = cmd.spawn()?;
        let stdin = Arc::new(Mutex::new(child.stdin.take().expect("piped stdin")));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = sink.lock().unwrap_or_else(|e| e.into_inner());
                // Keep the tail only: a long run logs a lot.
                if s.len() > 64 * 1024 {
                    let cut = s.len() - 32 * 1024;
                    let cut = (cut..s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(0);
                    s.replace_range(..cut, "");
                }
                s.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (tx, rx) = mpsc::channel();
        let answer = stdin.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 16, stdout);
            while let Some(msg) = read_message(&mut reader) {
                let at = Instant::now();
                if let (Some(id), Some(_)) = (msg.get("id"), msg.get("method")) {
                    let reply = json!({"jsonrpc": "2.0", "id": id, "result": null});
                    let mut w = answer.lock().unwrap_or_else(|e| e.into_inner());
                    let _ = write_message(&mut *w, &reply);
                }
                if tx.send(Received { at, msg }).is_err() {
                    break;
                }
            }
        });
        Ok(Client {
            child,
            stdin,
            rx,
            next_id: 1,
            pending: Vec::new(),
            spawned,
            stderr,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stderr_tail(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn send(&mut self, msg: &Value) -> Instant {
        let mut w = self.stdin.lock().unwrap_or_else(|e| e.into_inner());
        let at = Instant::now();
        if let Err(e) = write_message(&mut *w, msg) {
            panic!("cannot write to the server: {e}");
        }
        at
    }

    pub fn notify(&mut self, method: &str, params: Value) -> Instant {
        let mut msg = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(&msg)
    }

    /// Sends a request; returns its id and when it was written.
    pub fn request(&mut self, method: &str, params: Value) -> (i64, Instant) {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        (id, self.send(&msg))
    }

    /// Waits (up to `timeout`) for the first message satisfying `pred`,
    /// received earlier or now; it is consumed and returned.
    pub fn wait(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Result<Received, String> {
        if let Some(i) = self.pending.iter().position(|r| pred(&r.msg)) {
            return Ok(self.pending.remove(i));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(r) if pred(&r.msg) => return Ok(r),
                Ok(r) => {
                    // Keep only what a later wait may look for.
                    if self.pending.len() > 10_000 {
                        self.pending.drain(..5_000);
                    }
                    self.pending.push(r)
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!("no {what} within {timeout:?}"))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!(
                        "the server closed its output while waiting for {what}; log tail:\n{}",
                        self.stderr_tail()
                    ))
                }
            }
        }
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64, timeout: Duration) -> Result<Received, String> {
        let r = self.wait(&format!("response {id}"), timeout, |m| {
            m.get("method").is_none() && m["id"] == id
        })?;
        if let Some(e) = r.msg.get("error") {
            return Err(format!("request {id} failed: {e}"));
        }
        Ok(r)
    }

    /// Drops the messages received so far.
    pub fn discard_pending(&mut self) {
        while let Ok(r) = self.rx.try_recv() {
            self.pending.push(r);
        }
        self.pending.clear();
    }

    /// `shutdown` then `exit`, and waits for the process (killing it after
    /// a few seconds).
    pub fn shutdown(mut self) {
        let (id, _) = self.request("shutdown", Value::Null);
        let _ = self.response(id, Duration::from_secs(10));
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn write_message(w: &mut impl Write, msg: &Value) -> std::io::Result<()> {
    let body = serde_json::to_vec(msg)?;
    write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
    w.write_all(&body)?;
    w.flush()
}

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
    serde_json::from_slice(&body).ok()
}

/// `file://` URI of an absolute path.
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri
}

/// The UTF-16 position of byte `offset` of `text`.
pub fn utf16_position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[start..offset].encode_utf16().count() as u32;
    (line, character)
}
