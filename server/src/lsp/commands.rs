//! `workspace/executeCommand`: `talknotes.report` writes the HTML report
//! of the workspace as the server sees it (open documents included) and
//! returns the file's path.
//!
//! Arguments: none (the report goes to the system's temporary folder, one
//! file per workspace), or one string: where to write it (relative paths
//! are taken from the first workspace folder).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::ExecuteCommandParams;

use super::state::State;

pub const REPORT: &str = "talknotes.report";

/// The commands the server announces.
pub fn commands() -> Vec<String> {
    vec![REPORT.to_string()]
}

pub async fn execute(state: &Arc<State>, params: ExecuteCommandParams) -> Result<Option<Value>> {
    match params.command.as_str() {
        REPORT => {
            // The snapshot is taken now, before any await.
            let snapshot = state.snapshot();
            let root = snapshot.roots.first().cloned();
            let output = match params.arguments.first() {
                None | Some(Value::Null) => default_report_path(root.as_deref()),
                Some(Value::String(p)) => {
                    let p = PathBuf::from(p);
                    match (&root, p.is_relative()) {
                        (Some(r), true) => r.join(p),
                        _ => p,
                    }
                }
                Some(other) => {
                    return Err(Error::invalid_params(format!(
                        "{REPORT}: expected no argument or an output path, got {other}"
                    )))
                }
            };
            let base = root.unwrap_or_else(|| PathBuf::from("/"));
            let written = tokio::task::spawn_blocking(move || {
                crate::export::write_report(&snapshot, &base, &output)
            })
            .await
            .map_err(|e| Error::internal_error().with_message(e.to_string()))?
            .map_err(|e| {
                tracing::warn!("{REPORT}: {e:#}");
                Error::internal_error().with_message(format!("{e:#}"))
            })?;
            Ok(Some(Value::String(written.to_string_lossy().into_owned())))
        }
        other => Err(Error::invalid_params(format!("unknown command {other:?}"))),
    }
}

/// `$TMPDIR/talknotes-ls/report-<folder>-<hash>.html`: outside the
/// workspace (nothing to commit by mistake), stable per workspace.
fn default_report_path(root: Option<&Path>) -> PathBuf {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut h);
    let name = root
        .and_then(|r| r.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "notes".into());
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    std::env::temp_dir()
        .join("talknotes-ls")
        .join(format!("report-{safe}-{:08x}.html", h.finish() as u32))
}

trait WithMessage {
    fn with_message(self, message: String) -> Error;
}

impl WithMessage for Error {
    fn with_message(mut self, message: String) -> Error {
        self.message = message.into();
        self
    }
}
