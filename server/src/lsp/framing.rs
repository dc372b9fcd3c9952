//! A guard in front of tower-lsp's message reader.
//!
//! tower-lsp 0.20 answers a body that is not valid JSON-RPC with a
//! ParseError, but its framed reader then ends the stream, and the server
//! with it: one bad message from a client would kill the session. This task
//! reads the frames itself and hands tower-lsp only well-formed ones; a bad
//! body is replaced by a request (id null) for `talknotes/invalidMessage`,
//! which answers ParseError — the reply the JSON-RPC spec asks for — and the
//! server goes on.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

pub const INVALID_MESSAGE: &str = "talknotes/invalidMessage";

/// Frames larger than this are refused rather than buffered.
const MAX_BODY: usize = 512 * 1024 * 1024;

/// Copies frames from `input` to `output`, replacing bodies that are not a
/// JSON-RPC message. Returns when `input` ends.
pub async fn sanitize<R, W>(input: R, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    let mut line = String::new();
    loop {
        // Headers up to the blank line; only Content-Length matters.
        let mut length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            line.clear();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let l = line.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((name, value)) = l.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        let Some(length) = length.filter(|&n| n <= MAX_BODY) else {
            tracing::warn!("a message without a usable Content-Length was skipped");
            continue;
        };
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let body = if is_message(&body) {
            body
        } else {
            tracing::warn!("a message that is not JSON-RPC was answered with ParseError");
            serde_json::json!({"jsonrpc": "2.0", "id": null, "method": INVALID_MESSAGE, "params": {}})
                .to_string()
                .into_bytes()
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}

/// A JSON object with `"jsonrpc": "2.0"` and a method or an id.
fn is_message(body: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => {
            m.get("jsonrpc").and_then(Value::as_str) == Some("2.0")
                && (m.contains_key("method") || m.contains_key("id"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut v = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        v.extend_from_slice(body);
        v
    }

    #[tokio::test]
    async fn good_frames_pass_and_bad_ones_become_invalid_message_requests() {
        let good = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let mut input = frame(good);
        input.extend(frame(b"{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": "));
        input.extend(frame(b"[1, 2, 3]"));
        input.extend(frame(good));
        let mut out = Vec::new();
        sanitize(&input[..], &mut out).await;
        let text = String::from_utf8(out).unwrap();
        let bodies: Vec<&str> = text
            .split("Content-Length: ")
            .filter(|s| !s.is_empty())
            .map(|s| s.split_once("\r\n\r\n").unwrap().1)
            .collect();
        assert_eq!(bodies.len(), 4);
        assert_eq!(bodies[0].as_bytes(), good);
        assert!(bodies[1].contains(INVALID_MESSAGE) && bodies[1].contains("\"id\":null"));
        assert!(bodies[2].contains(INVALID_MESSAGE));
        assert_eq!(bodies[3].as_bytes(), good);
    }
}
