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
    let p = file.position(offset, enc);
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
/// The one diagnostic of an open document too large to analyse: not a
/// rule (nothing to configure), a notice of why nothing else is shown.
pub fn too_large_notice(bytes: usize) -> lsp::Diagnostic {
    let mb = |n: usize| n as f64 / (1024.0 * 1024.0);
    lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(lsp::DiagnosticSeverity::INFORMATION),
        code: Some(lsp::NumberOrString::String("too-large".into())),
        source: Some("talknotes".into()),
        message: format!(
            "not analysed: this document is {:.1} MiB, over the {:.0} MiB talknotes reads as notes",
            mb(bytes),
            mb(crate::document::MAX_ANALYSED_BYTES)
        ),
        ..Default::default()
    }
}

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
    let fix_json = |fix: &crate::rules::Fix| {
        let mut v = serde_json::json!({
            "title": fix.title,
            "edits": fix.edits.iter().map(|e| serde_json::json!({
                "range": range(file, &e.range, enc),
                "newText": e.new_text,
            })).collect::<Vec<_>>(),
        });
        if let Some(c) = &fix.create {
            v["create"] = serde_json::json!({"uri": c.url, "text": c.text});
        }
        v
    };
    let data = (f.fix.is_some() || !f.alternatives.is_empty()).then(|| {
        let mut data = serde_json::json!({});
        if let Some(fix) = &f.fix {
            data["fix"] = fix_json(fix);
        }
        if !f.alternatives.is_empty() {
            data["alternatives"] = f.alternatives.iter().map(fix_json).collect();
        }
        data
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

/// The quick fixes carried in a diagnostic's `data`: its fix (preferred),
/// then the alternatives, best first. Fixes that create a note are left
/// out when the client cannot create files (`can_create`).
pub fn quick_fixes(uri: &lsp::Url, d: &lsp::Diagnostic, can_create: bool) -> Vec<lsp::CodeAction> {
    let Some(data) = d.data.as_ref() else {
        return Vec::new();
    };
    let preferred = data.get("fix").into_iter().map(|f| (f, true));
    let others = data
        .get("alternatives")
        .and_then(|a| a.as_array())
        .into_iter()
        .flatten()
        .map(|f| (f, false));
    preferred
        .chain(others)
        .filter_map(|(fix, preferred)| code_action(uri, d, fix, preferred, can_create))
        .collect()
}

fn code_action(
    uri: &lsp::Url,
    d: &lsp::Diagnostic,
    fix: &serde_json::Value,
    preferred: bool,
    can_create: bool,
) -> Option<lsp::CodeAction> {
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
    let edit = match fix.get("create") {
        Some(create) => {
            if !can_create {
                return None;
            }
            let new_uri: lsp::Url = serde_json::from_value(create.get("uri")?.clone()).ok()?;
            let text = create.get("text")?.as_str()?.to_string();
            let mut ops = vec![
                lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                    uri: new_uri.clone(),
                    options: Some(lsp::CreateFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(true),
                    }),
                    annotation_id: None,
                })),
                lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        uri: new_uri,
                        version: None,
                    },
                    edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                        range: lsp::Range::default(),
                        new_text: text,
                    })],
                }),
            ];
            if !edits.is_empty() {
                ops.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        uri: uri.clone(),
                        version: None,
                    },
                    edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
                }));
            }
            lsp::WorkspaceEdit {
                document_changes: Some(lsp::DocumentChanges::Operations(ops)),
                ..lsp::WorkspaceEdit::default()
            }
        }
        None => {
            if edits.is_empty() {
                return None;
            }
            let mut changes = std::collections::HashMap::new();
            changes.insert(uri.clone(), edits);
            lsp::WorkspaceEdit {
                changes: Some(changes),
                ..lsp::WorkspaceEdit::default()
            }
        }
    };
    Some(lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(edit),
        is_preferred: Some(preferred),
        ..lsp::CodeAction::default()
    })
}
