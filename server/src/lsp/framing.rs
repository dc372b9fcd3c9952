//! The wire between the client and tower-lsp: a guard that keeps one bad
//! message from ending the server.
//!
//! tower-lsp 0.20 answers a body it cannot decode with a ParseError, but its
//! reader (tokio-util's `FramedRead`) ends the stream after any decoder
//! error, so `serve` returns and the server quits. Here every framed message
//! from the client is checked first, the way tower-lsp would decode it:
//! - a body that is not JSON gets a ParseError (`-32700`, id `null`);
//! - JSON that is not a JSON-RPC 2.0 request, notification or response gets
//!   an InvalidRequest (`-32600`, with the message's id when it has a usable
//!   one, so a client waiting on it is not left hanging);
//! - a header block without a usable `Content-Length` gets a ParseError;
//!   lines that are not headers are skipped;
//!
//! and only good messages reach tower-lsp. Its output and these error
//! responses are written to stdout whole message by whole message, so they
//! never interleave.

use std::io;

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::sync::mpsc;
use tower::Service;
use tower_lsp::jsonrpc::{Request, Response};
use tower_lsp::{ClientSocket, ExitedError};

/// Longest header line read; longer ones are skipped as garbage.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// Serves `service` on `input`/`output` through tower-lsp, with the guard.
pub async fn serve<I, O, S>(input: I, output: O, socket: ClientSocket, service: S)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
    S: Service<Request, Response = Option<Response>, Error = ExitedError> + Send + 'static,
    S::Future: Send,
{
    let (to_lsp, lsp_in) = tokio::io::duplex(1 << 16);
    let (lsp_out, from_lsp) = tokio::io::duplex(1 << 16);
    // Whole framed messages for stdout; bounded, so a client that stops
    // reading slows the server down instead of filling its memory.
    let (tx, rx) = mpsc::channel::<Vec<u8>>(64);
    let filter = tokio::spawn(filter_input(input, to_lsp, tx.clone()));
    let relay = tokio::spawn(relay_output(from_lsp, tx));
    let writer = tokio::spawn(write_output(rx, output));
    tower_lsp::Server::new(lsp_in, lsp_out, socket)
        .serve(service)
        .await;
    // tower-lsp returns once its input ended; its output is closed with it.
    let _ = filter.await;
    let _ = relay.await;
    let _ = writer.await;
}

/// One message read off the wire.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Body(Vec<u8>),
    /// A header block without a usable `Content-Length` (why).
    BadHeader(String),
    /// End of input (also in the middle of a message).
    Eof,
}

/// Reads one `Content-Length`-framed message.
pub async fn read_frame<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        let n = (&mut *r)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Ok(Frame::Eof);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if any {
                break;
            }
            continue; // blank lines between messages
        }
        any = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|e| format!("Content-Length {:?}: {e}", value.trim())),
                );
            }
        }
        // Other headers (Content-Type) and non-header lines are skipped.
    }
    let len = match length {
        Some(Ok(len)) => len,
        Some(Err(e)) => return Ok(Frame::BadHeader(e)),
        None => return Ok(Frame::BadHeader("no Content-Length header".into())),
    };
    let mut body = Vec::with_capacity(len.min(1 << 20));
    (&mut *r).take(len as u64).read_to_end(&mut body).await?;
    if body.len() < len {
        return Ok(Frame::Eof);
    }
    Ok(Frame::Body(body))
}

/// Why tower-lsp would refuse `body`, as the error response to send.
pub fn check_body(body: &[u8]) -> Result<(), Value> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Err(error_response(
                Value::Null,
                -32700,
                &format!("Parse error: {e}"),
            ))
        }
    };
    // Exactly what tower-lsp's decoder accepts (its `Message` is an
    // untagged enum of these two, parsed from the text).
    if serde_json::from_slice::<Request>(body).is_ok()
        || serde_json::from_slice::<Response>(body).is_ok()
    {
        return Ok(());
    }
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) if id.is_string() || id.is_i64() => {
            id.clone()
        }
        _ => Value::Null,
    };
    Err(error_response(
        id,
        -32600,
        "Invalid Request: not a JSON-RPC 2.0 request, notification or response",
    ))
}

fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id})
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

async fn filter_input<I, W>(input: I, mut to_lsp: W, out: mpsc::Sender<Vec<u8>>)
where
    I: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = BufReader::with_capacity(1 << 16, input);
    loop {
        let refusal = match read_frame(&mut input).await {
            Ok(Frame::Body(body)) => match check_body(&body) {
                Ok(()) => {
                    if to_lsp.write_all(&frame(&body)).await.is_err() {
                        return; // tower-lsp is gone
                    }
                    continue;
                }
                Err(response) => response,
            },
            Ok(Frame::BadHeader(why)) => {
                error_response(Value::Null, -32700, &format!("Parse error: {why}"))
            }
            Ok(Frame::Eof) => return,
            Err(e) => {
                tracing::error!("reading stdin: {e}");
                return;
            }
        };
        tracing::warn!("refused a message from the client: {refusal}");
        let body = serde_json::to_vec(&refusal).unwrap_or_default();
        if out.send(frame(&body)).await.is_err() {
            return;
        }
    }
    // Dropping `to_lsp` ends tower-lsp's input, and so `serve`.
}

async fn relay_output<R: AsyncRead + Unpin>(from_lsp: R, out: mpsc::Sender<Vec<u8>>) {
    let mut from_lsp = BufReader::with_capacity(1 << 16, from_lsp);
    while let Ok(Frame::Body(body)) = read_frame(&mut from_lsp).await {
        if out.send(frame(&body)).await.is_err() {
            return;
        }
    }
}

async fn write_output<O: AsyncWrite + Unpin>(mut rx: mpsc::Receiver<Vec<u8>>, mut output: O) {
    while let Some(message) = rx.recv().await {
        if output.write_all(&message).await.is_err() || output.flush().await.is_err() {
            return; // the client is gone
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut r = BufReader::new(input);
            let mut out = Vec::new();
            loop {
                let f = read_frame(&mut r).await.unwrap();
                if f == Frame::Eof {
                    return out;
                }
                out.push(f);
            }
        })
    }

    #[test]
    fn frames_are_read_and_garbage_skipped() {
        let got = frames(
            b"Content-Length: 2\r\n\r\n{}\
              \r\ngarbage line\r\ncontent-length:3\r\nContent-Type: x\r\n\r\nabc\
              Content-Length: nope\r\n\r\n\
              X-Other: 1\r\n\r\n\
              Content-Length: 10\r\n\r\nshort",
        );
        assert_eq!(
            got,
            vec![
                Frame::Body(b"{}".to_vec()),
                Frame::Body(b"abc".to_vec()),
                Frame::BadHeader("Content-Length \"nope\": invalid digit found in string".into()),
                Frame::BadHeader("no Content-Length header".into()),
            ]
        );
    }

    #[test]
    fn bodies_are_checked_like_tower_lsp_decodes_them() {
        let ok: [&[u8]; 4] = [
            br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            br#"{"jsonrpc":"2.0","method":"initialized"}"#,
            br#"{"jsonrpc":"2.0","id":"a","result":null}"#,
            br#"{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"m"}}"#,
        ];
        for body in ok {
            assert_eq!(
                check_body(body),
                Ok(()),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let code = |b: &[u8]| check_body(b).unwrap_err()["error"]["code"].clone();
        let id = |b: &[u8]| check_body(b).unwrap_err()["id"].clone();
        assert_eq!(
            code(b"{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": "),
            -32700
        );
        assert_eq!(code(b"\xff\xfe"), -32700);
        assert_eq!(code(b""), -32700);
        assert_eq!(code(b"[1, 2, 3]"), -32600);
        assert_eq!(code(b"{}"), -32600);
        assert_eq!(code(br#"{"jsonrpc":"1.0","id":4,"method":"x"}"#), -32600);
        assert_eq!(id(br#"{"jsonrpc":"1.0","id":4,"method":"x"}"#), 4);
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":5,"method":7}"#), -32600);
        assert_eq!(id(br#"{"jsonrpc":"2.0","id":5,"method":7}"#), 5);
        assert_eq!(
            id(br#"{"jsonrpc":"2.0","id":{"x":1},"method":"m"}"#),
            Value::Null
        );
        assert_eq!(id(br#"{"jsonrpc":"2.0","id":1.5,"method":7}"#), Value::Null);
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","method":"a","method":"b"}"#),
            -32600,
            "a duplicate field fails tower-lsp's decoding too"
        );
    }
}
