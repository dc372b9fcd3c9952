//! The editor features' protocol glue: each handler takes a snapshot
//! (before any `.await`), converts positions to byte offsets, calls the
//! plain function in `crate::features`, and converts the answer back in the
//! negotiated position encoding.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tower_lsp::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp::lsp_types::*;

use super::convert;
use super::state::{lock, State};
use crate::analysis::Snapshot;
use crate::features::completion::{self, ItemKind};
use crate::features::hover::Subject;
use crate::features::semantic::{self, TokenKind};
use crate::features::symbols::{self, SymbolKind as Kind};
use crate::features::{
    self as f, actions, file_moves, inlay, links, navigation, rename, structure,
};
use crate::index::NoteFile;
use crate::position::{Position as Pos, PositionEncoding};
use crate::rules::Rule;

/// The semantic token types, in [`TokenKind`] order: standard names, so
/// that every theme colours them.
pub const TOKEN_TYPES: [SemanticTokenType; 5] = [
    SemanticTokenType::CLASS,       // talk title
    SemanticTokenType::VARIABLE,    // speaker
    SemanticTokenType::ENUM_MEMBER, // PEP reference
    SemanticTokenType::NUMBER,      // CPython issue
    SemanticTokenType::NAMESPACE,   // library
];

pub fn token_legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TOKEN_TYPES.to_vec(),
        token_modifiers: Vec::new(),
    }
}

/// What the feature handlers keep between requests: the last semantic
/// tokens per document (for deltas) and what the client can take.
#[derive(Default)]
pub struct Features {
    tokens: Mutex<HashMap<Url, (String, Vec<u32>)>>,
    next_result: AtomicU64,
    document_changes: AtomicBool,
    /// The client applies `CreateFile` in workspace edits.
    create_files: AtomicBool,
}

type Located = (Snapshot, Arc<NoteFile>, usize, PositionEncoding);

impl Features {
    pub fn set_client_capabilities(&self, caps: &ClientCapabilities) {
        let dc = caps
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false);
        self.document_changes.store(dc, Ordering::Relaxed);
        let create = caps
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create));
        self.create_files.store(dc && create, Ordering::Relaxed);
    }

    /// Whether "create the missing note" can be offered.
    pub fn can_create_files(&self) -> bool {
        self.create_files.load(Ordering::Relaxed)
    }

    /// The snapshot, the file, the byte offset of `pos` and the encoding.
    fn locate(state: &State, uri: &Url, pos: Position) -> Option<Located> {
        let snapshot = state.snapshot();
        let enc = state.encoding();
        let file = snapshot.file(uri)?;
        let offset = file
            .lines
            .offset(&file.text(), Pos::new(pos.line, pos.character), enc);
        Some((snapshot, file, offset, enc))
    }

    fn file(state: &State, uri: &Url) -> Option<(Snapshot, Arc<NoteFile>, PositionEncoding)> {
        let snapshot = state.snapshot();
        let file = snapshot.file(uri)?;
        Some((snapshot, file, state.encoding()))
    }

    pub fn completion(&self, state: &State, p: CompletionParams) -> Option<CompletionResponse> {
        let pos = p.text_document_position;
        let (snapshot, file, offset, enc) =
            Self::locate(state, &pos.text_document.uri, pos.position)?;
        let list = completion::complete(&snapshot, &file.url, offset);
        let items = list
            .items
            .into_iter()
            .map(|i| CompletionItem {
                label: i.label,
                kind: Some(match i.kind {
                    ItemKind::Speaker => CompletionItemKind::VALUE,
                    ItemKind::Library => CompletionItemKind::MODULE,
                    ItemKind::Pep => CompletionItemKind::ENUM_MEMBER,
                    ItemKind::File => CompletionItemKind::FILE,
                    ItemKind::Anchor => CompletionItemKind::REFERENCE,
                    ItemKind::Talk => CompletionItemKind::EVENT,
                }),
                detail: i.detail,
                documentation: i.documentation.map(markdown_doc),
                sort_text: Some(i.sort_text),
                filter_text: i.filter_text,
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: convert::range(&file, &i.range, enc),
                    new_text: i.new_text,
                })),
                data: i.subject.and_then(|s| serde_json::to_value(s).ok()),
                ..CompletionItem::default()
            })
            .collect();
        Some(CompletionResponse::List(CompletionList {
            is_incomplete: list.is_incomplete,
            items,
        }))
    }

    pub fn completion_resolve(&self, state: &State, mut item: CompletionItem) -> CompletionItem {
        if item.documentation.is_some() {
            return item;
        }
        let subject: Option<Subject> = item
            .data
            .as_ref()
            .and_then(|d| serde_json::from_value(d.clone()).ok());
        if let Some(subject) = subject {
            let snapshot = state.snapshot();
            item.documentation =
                crate::features::hover::describe(&snapshot, &subject).map(markdown_doc);
        }
        item
    }

    pub fn definition(
        &self,
        state: &State,
        p: GotoDefinitionParams,
    ) -> Option<GotoDefinitionResponse> {
        let pos = p.text_document_position_params;
        let (snapshot, file, offset, enc) =
            Self::locate(state, &pos.text_document.uri, pos.position)?;
        let found = navigation::definition(&snapshot, &file.url, offset);
        (!found.is_empty())
            .then(|| GotoDefinitionResponse::Array(locations(&snapshot, &found, enc)))
    }

    pub fn references(&self, state: &State, p: ReferenceParams) -> Option<Vec<Location>> {
        let pos = p.text_document_position;
        let (snapshot, file, offset, enc) =
            Self::locate(state, &pos.text_document.uri, pos.position)?;
        let found =
            navigation::references(&snapshot, &file.url, offset, p.context.include_declaration);
        Some(locations(&snapshot, &found, enc))
    }

    pub fn prepare_rename(
        &self,
        state: &State,
        p: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some((snapshot, file, offset, enc)) =
            Self::locate(state, &p.text_document.uri, p.position)
        else {
            return Ok(None);
        };
        match rename::prepare_rename(&snapshot, &file.url, offset) {
            Ok(r) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: convert::range(&file, &r.range, enc),
                placeholder: r.placeholder,
            })),
            Err(message) => Err(request_failed(message)),
        }
    }

    pub fn rename(&self, state: &State, p: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let pos = p.text_document_position;
        let Some((snapshot, file, offset, enc)) =
            Self::locate(state, &pos.text_document.uri, pos.position)
        else {
            return Ok(None);
        };
        match rename::rename(&snapshot, &file.url, offset, &p.new_name) {
            Ok(edits) => Ok(Some(self.workspace_edit(&snapshot, edits, enc))),
            Err(message) => Err(request_failed(message)),
        }
    }

    /// `workspace/willRenameFiles`: the link edits that follow the notes
    /// and folders about to move (`crate::features::file_moves`).
    pub fn will_rename_files(&self, state: &State, p: RenameFilesParams) -> Option<WorkspaceEdit> {
        let moves: Vec<file_moves::FileMove> = p
            .files
            .iter()
            .filter_map(|r| {
                let old = Url::parse(&r.old_uri).ok()?;
                let new = Url::parse(&r.new_uri).ok()?;
                file_moves::FileMove::from_urls(&old, &new)
            })
            .collect();
        if moves.is_empty() {
            return None;
        }
        let snapshot = state.snapshot();
        let edits = file_moves::link_edits(&snapshot, &moves);
        (!edits.is_empty()).then(|| self.workspace_edit(&snapshot, edits, state.encoding()))
    }

    /// Versioned document edits when the client takes them, else plain changes.
    fn workspace_edit(
        &self,
        snapshot: &Snapshot,
        files: Vec<rename::FileEdits>,
        enc: PositionEncoding,
    ) -> WorkspaceEdit {
        let converted: Vec<(Url, Option<i32>, Vec<TextEdit>)> = files
            .into_iter()
            .filter_map(|fe| {
                let file = snapshot.file(&fe.url)?;
                let edits = fe
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: convert::range(&file, &e.range, enc),
                        new_text: e.new_text.clone(),
                    })
                    .collect();
                Some((fe.url, fe.version, edits))
            })
            .collect();
        if self.document_changes.load(Ordering::Relaxed) {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(
                    converted
                        .into_iter()
                        .map(|(uri, version, edits)| TextDocumentEdit {
                            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                            edits: edits.into_iter().map(OneOf::Left).collect(),
                        })
                        .collect(),
                )),
                ..WorkspaceEdit::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(converted.into_iter().map(|(u, _, e)| (u, e)).collect()),
                ..WorkspaceEdit::default()
            }
        }
    }

    pub fn document_symbols(
        &self,
        state: &State,
        p: DocumentSymbolParams,
    ) -> Option<DocumentSymbolResponse> {
        let (snapshot, file, enc) = Self::file(state, &p.text_document.uri)?;
        let symbols = symbols::document_symbols(&snapshot, &file.url);
        Some(DocumentSymbolResponse::Nested(
            symbols
                .iter()
                .map(|s| document_symbol(&file, s, enc))
                .collect(),
        ))
    }

    pub fn workspace_symbols(
        &self,
        state: &State,
        p: WorkspaceSymbolParams,
    ) -> Vec<SymbolInformation> {
        let snapshot = state.snapshot();
        let enc = state.encoding();
        symbols::workspace_symbols(&snapshot, &p.query)
            .into_iter()
            .filter_map(|s| {
                let file = snapshot.file(&s.location.url)?;
                #[allow(deprecated)]
                Some(SymbolInformation {
                    name: s.name,
                    kind: symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: Location {
                        uri: s.location.url.clone(),
                        range: convert::range(&file, &s.location.range, enc),
                    },
                    container_name: s.container,
                })
            })
            .collect()
    }

    pub fn document_links(
        &self,
        state: &State,
        p: DocumentLinkParams,
    ) -> Option<Vec<DocumentLink>> {
        let (snapshot, file, enc) = Self::file(state, &p.text_document.uri)?;
        Some(
            links::document_links(&snapshot, &file.url)
                .into_iter()
                .filter_map(|l| {
                    Some(DocumentLink {
                        range: convert::range(&file, &l.range, enc),
                        target: Some(Url::parse(&l.target).ok()?),
                        tooltip: l.tooltip,
                        data: None,
                    })
                })
                .collect(),
        )
    }

    pub fn hover(&self, state: &State, p: HoverParams) -> Option<Hover> {
        let pos = p.text_document_position_params;
        let (snapshot, file, offset, enc) =
            Self::locate(state, &pos.text_document.uri, pos.position)?;
        let h = crate::features::hover::hover(&snapshot, &file.url, offset)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(convert::range(&file, &h.range, enc)),
        })
    }

    /// "Fix all of this kind in the file" for each kind among the request's
    /// diagnostics that has two fixable findings or more, and every fix at
    /// once as `source.fixAll` when asked for (or when fixes are on offer).
    pub fn fix_all_actions(&self, state: &State, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &p.text_document.uri;
        let mut rules: Vec<(Rule, Vec<Diagnostic>)> = Vec::new();
        for d in &p.context.diagnostics {
            if d.source.as_deref() != Some("talknotes") || d.data.is_none() {
                continue;
            }
            let Some(NumberOrString::String(code)) = &d.code else {
                continue;
            };
            let Some(rule) = Rule::from_code(code) else {
                continue;
            };
            match rules.iter_mut().find(|(r, _)| *r == rule) {
                Some((_, ds)) => ds.push(d.clone()),
                None => rules.push((rule, vec![d.clone()])),
            }
        }
        let only = p.context.only.as_ref();
        let wants = |kind: &CodeActionKind| {
            only.is_none_or(|o| o.iter().any(|k| kind.as_str().starts_with(k.as_str())))
        };
        let want_source = only.is_some_and(|o| {
            o.iter().any(|k| {
                CodeActionKind::SOURCE_FIX_ALL
                    .as_str()
                    .starts_with(k.as_str())
            })
        });
        if rules.is_empty() && !want_source {
            return Vec::new();
        }
        let snapshot = state.snapshot();
        let enc = state.encoding();
        let mut out = Vec::new();
        let edit_for = |fix: &actions::FixAll| {
            self.workspace_edit(
                &snapshot,
                vec![rename::FileEdits {
                    url: uri.clone(),
                    version: snapshot.file(uri).and_then(|f| f.version),
                    edits: fix.edits.clone(),
                }],
                enc,
            )
        };
        if wants(&CodeActionKind::QUICKFIX) {
            for (rule, diagnostics) in &rules {
                let Some(fix) = actions::fix_all(&snapshot, uri, Some(*rule)) else {
                    continue;
                };
                if fix.count < 2 {
                    continue;
                }
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(diagnostics.clone()),
                    edit: Some(edit_for(&fix)),
                    ..CodeAction::default()
                }));
            }
        }
        if want_source || (only.is_none() && !rules.is_empty()) {
            if let Some(fix) = actions::fix_all(&snapshot, uri, None) {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::SOURCE_FIX_ALL),
                    edit: Some(edit_for(&fix)),
                    ..CodeAction::default()
                }));
            }
        }
        out
    }

    pub fn inlay_hints(&self, state: &State, p: InlayHintParams) -> Option<Vec<InlayHint>> {
        let (snapshot, file, enc) = Self::file(state, &p.text_document.uri)?;
        // Bound once: a note read from disk reads its text back for each call.
        let text = file.text();
        let start = file.lines.offset(
            &text,
            Pos::new(p.range.start.line, p.range.start.character),
            enc,
        );
        let end = file.lines.offset(
            &text,
            Pos::new(p.range.end.line, p.range.end.character),
            enc,
        );
        Some(
            inlay::pep_title_hints(&snapshot, &file.url, start..end)
                .into_iter()
                .map(|h| InlayHint {
                    position: convert::position(&file, h.offset, enc),
                    label: InlayHintLabel::String(h.label),
                    kind: None,
                    text_edits: None,
                    tooltip: h.tooltip.map(InlayHintTooltip::String),
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect(),
        )
    }

    fn tokens(state: &State, uri: &Url, range: Option<Range>) -> Option<Vec<u32>> {
        let (snapshot, file, enc) = Self::file(state, uri)?;
        let range = range.map(|r| {
            let text = file.text();
            let a = file
                .lines
                .offset(&text, Pos::new(r.start.line, r.start.character), enc);
            let b = file
                .lines
                .offset(&text, Pos::new(r.end.line, r.end.character), enc);
            a..b
        });
        let tokens = semantic::semantic_tokens(&snapshot, &file.url, range);
        let mut data = Vec::with_capacity(tokens.len() * 5);
        let (mut last_line, mut last_char) = (0u32, 0u32);
        for t in tokens {
            let start = convert::position(&file, t.range.start, enc);
            let end = convert::position(&file, t.range.end, enc);
            let delta_line = start.line - last_line;
            let delta_char = if delta_line == 0 {
                start.character - last_char
            } else {
                start.character
            };
            data.extend([
                delta_line,
                delta_char,
                end.character.saturating_sub(start.character),
                TokenKind::ALL
                    .iter()
                    .position(|k| *k == t.kind)
                    .unwrap_or(0) as u32,
                0,
            ]);
            last_line = start.line;
            last_char = start.character;
        }
        Some(data)
    }

    fn remember(&self, uri: &Url, data: &[u32]) -> String {
        let id = self.next_result.fetch_add(1, Ordering::Relaxed).to_string();
        lock(&self.tokens).insert(uri.clone(), (id.clone(), data.to_vec()));
        id
    }

    pub fn semantic_tokens_full(
        &self,
        state: &State,
        p: SemanticTokensParams,
    ) -> Option<SemanticTokensResult> {
        let data = Self::tokens(state, &p.text_document.uri, None)?;
        let id = self.remember(&p.text_document.uri, &data);
        Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: Some(id),
            data: pack(&data),
        }))
    }

    pub fn semantic_tokens_delta(
        &self,
        state: &State,
        p: SemanticTokensDeltaParams,
    ) -> Option<SemanticTokensFullDeltaResult> {
        let uri = &p.text_document.uri;
        let data = Self::tokens(state, uri, None)?;
        let previous = lock(&self.tokens)
            .get(uri)
            .filter(|(id, _)| *id == p.previous_result_id)
            .map(|(_, d)| d.clone());
        let id = self.remember(uri, &data);
        let Some(old) = previous else {
            return Some(SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(id),
                data: pack(&data),
            }));
        };
        // Whole tokens (five integers each) kept at both ends.
        let prefix = old.iter().zip(&data).take_while(|(a, b)| a == b).count() / 5 * 5;
        let suffix = old[prefix..]
            .iter()
            .rev()
            .zip(data[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count()
            / 5
            * 5;
        let edits = if old.len() == data.len() && prefix == old.len() {
            Vec::new()
        } else {
            vec![SemanticTokensEdit {
                start: prefix as u32,
                delete_count: (old.len() - prefix - suffix) as u32,
                data: Some(pack(&data[prefix..data.len() - suffix])),
            }]
        };
        Some(SemanticTokensFullDeltaResult::TokensDelta(
            SemanticTokensDelta {
                result_id: Some(id),
                edits,
            },
        ))
    }

    pub fn semantic_tokens_range(
        &self,
        state: &State,
        p: SemanticTokensRangeParams,
    ) -> Option<SemanticTokensRangeResult> {
        let data = Self::tokens(state, &p.text_document.uri, Some(p.range))?;
        Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
            result_id: None,
            data: pack(&data),
        }))
    }

    pub fn forget(&self, uri: &Url) {
        lock(&self.tokens).remove(uri);
    }

    pub fn folding_ranges(
        &self,
        state: &State,
        p: FoldingRangeParams,
    ) -> Option<Vec<FoldingRange>> {
        let snapshot = state.snapshot();
        Some(
            structure::folding_ranges(&snapshot, &p.text_document.uri)
                .into_iter()
                .map(|fold| FoldingRange {
                    start_line: fold.start_line,
                    start_character: None,
                    end_line: fold.end_line,
                    end_character: None,
                    kind: Some(FoldingRangeKind::Region),
                    collapsed_text: None,
                })
                .collect(),
        )
    }

    pub fn selection_ranges(
        &self,
        state: &State,
        p: SelectionRangeParams,
    ) -> Option<Vec<SelectionRange>> {
        let (snapshot, file, enc) = Self::file(state, &p.text_document.uri)?;
        let text = file.text();
        Some(
            p.positions
                .iter()
                .map(|pos| {
                    let offset = file
                        .lines
                        .offset(&text, Pos::new(pos.line, pos.character), enc);
                    let ranges = structure::selection_ranges(&snapshot, &file.url, offset);
                    let mut parent: Option<Box<SelectionRange>> = None;
                    for r in ranges.iter().rev() {
                        parent = Some(Box::new(SelectionRange {
                            range: convert::range(&file, r, enc),
                            parent,
                        }));
                    }
                    parent.map(|b| *b).unwrap_or(SelectionRange {
                        range: Range::new(*pos, *pos),
                        parent: None,
                    })
                })
                .collect(),
        )
    }
}

fn markdown_doc(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}

/// `RequestFailed` (-32803), with a message the editor shows.
fn request_failed(message: String) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

fn locations(snapshot: &Snapshot, found: &[f::Location], enc: PositionEncoding) -> Vec<Location> {
    found
        .iter()
        .map(|l| {
            let range = match snapshot.file(&l.url) {
                Some(file) => convert::range(&file, &l.range, enc),
                None => Range::default(),
            };
            Location {
                uri: l.url.clone(),
                range,
            }
        })
        .collect()
}

fn symbol_kind(k: Kind) -> SymbolKind {
    match k {
        Kind::Conference => SymbolKind::NAMESPACE,
        Kind::Talk => SymbolKind::EVENT,
        Kind::Section => SymbolKind::STRING,
        Kind::Speaker => SymbolKind::OBJECT,
    }
}

fn document_symbol(file: &NoteFile, s: &symbols::Symbol, enc: PositionEncoding) -> DocumentSymbol {
    #[allow(deprecated)]
    DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: convert::range(file, &s.range, enc),
        selection_range: convert::range(file, &s.selection_range, enc),
        children: (!s.children.is_empty()).then(|| {
            s.children
                .iter()
                .map(|c| document_symbol(file, c, enc))
                .collect()
        }),
    }
}

/// Flat `[deltaLine, deltaStart, length, type, modifiers]*` as the
/// protocol's `SemanticToken`s (lsp-types serialises them back flat).
fn pack(data: &[u32]) -> Vec<SemanticToken> {
    data.chunks_exact(5)
        .map(|c| SemanticToken {
            delta_line: c[0],
            delta_start: c[1],
            length: c[2],
            token_type: c[3],
            token_modifiers_bitset: c[4],
        })
        .collect()
}
