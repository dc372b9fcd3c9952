//! Byte ranges and findings ⇄ LSP types, in the negotiated encoding.

use tower_lsp::lsp_types as lsp;

use crate::analysis::Snapshot;
use crate::config::Severity;
use crate::document::TextChange;
use crate::index::NoteFile;
use crate::model::TextRange;
use crate::position::{Position, PositionEncoding};
use crate::rules::Finding;

pub fn range(file: &NoteFile, r: &TextRange, enc: PositionEncoding) -> lsp::Range {
    lsp::Range {
        start: position(file, r.start, enc),
        end: position(file, r.end, enc),
    }
}

pub fn position(file: &NoteFile, offset: usize, enc: PositionEncoding) -> lsp::Position {
    let p = file.lines.position(&file.text, offset, enc);
    lsp::Position {
        line: p.line,
        character: p.character,
    }
}

pub fn text_change(c: lsp::TextDocumentContentChangeEvent) -> TextChange {
    TextChange {
        range: c.range.map(|r| {
            (
                Position {
                    line: r.start.line,
                    character: r.start.character,
                },
                Position {
                    line: r.end.line,
                    character: r.end.character,
                },
            )
        }),
        text: c.text,
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// A finding as an LSP diagnostic. The fix travels in `data` so that a code
/// action can be built from the diagnostic alone.
pub fn diagnostic(
    f: &Finding,
    file: &NoteFile,
    snapshot: &Snapshot,
    enc: PositionEncoding,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|r| {
            let other = snapshot.file(&r.url)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: r.url.clone(),
                    range: range(&other, &r.range, enc),
                },
                message: r.message.clone(),
            })
        })
        .collect();
    let data = f.fix.as_ref().map(|fix| {
        serde_json::json!({
            "fix": {
                "title": fix.title,
                "edits": fix.edits.iter().map(|e| serde_json::json!({
                    "range": range(file, &e.range, enc),
                    "newText": e.new_text,
                })).collect::<Vec<_>>(),
            }
        })
    });
    lsp::Diagnostic {
        range: range(file, &f.range, enc),
        severity: Some(severity(f.severity)),
        code: Some(lsp::NumberOrString::String(f.rule.code().to_string())),
        code_description: None,
        source: Some("talknotes".into()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data,
    }
}

/// The quick fix carried in a diagnostic's `data`.
pub fn quick_fix(uri: &lsp::Url, d: &lsp::Diagnostic) -> Option<lsp::CodeAction> {
    let fix = d.data.as_ref()?.get("fix")?;
    let title = fix.get("title")?.as_str()?.to_string();
    let edits: Vec<lsp::TextEdit> = fix
        .get("edits")?
        .as_array()?
        .iter()
        .filter_map(|e| {
            Some(lsp::TextEdit {
                range: serde_json::from_value(e.get("range")?.clone()).ok()?,
                new_text: e.get("newText")?.as_str()?.to_string(),
            })
        })
        .collect();
    if edits.is_empty() {
        return None;
    }
    let mut changes = std::collections::HashMap::new();
    changes.insert(uri.clone(), edits);
    Some(lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        }),
        is_preferred: Some(true),
        ..lsp::CodeAction::default()
    })
}
