//! The handlers: each translates LSP to a call on the state or the analysis.
//! Notifications that change documents do all their work before the first
//! `.await` — tower-lsp 0.20 starts handlers in order but runs them
//! concurrently, so anything awaited first could be overtaken.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer};

use super::capabilities::{negotiate_encoding, server_capabilities};
use super::convert;
use super::diagnostics::{self, Published};
use super::features::Features;
use super::indexing;
use super::state::{lock, State};
use crate::config::{Settings, CONFIG_FILE};

pub struct Server {
    client: Client,
    state: Arc<State>,
    published: Arc<Published>,
    client_caps: std::sync::Mutex<ClientCapabilities>,
    features: Features,
}

impl Server {
    pub fn new(client: Client, pep_index: Option<PathBuf>) -> Server {
        Server {
            client,
            state: Arc::new(State::new(pep_index)),
            published: Arc::new(Published::default()),
            client_caps: std::sync::Mutex::new(ClientCapabilities::default()),
            features: Features::default(),
        }
    }

    fn refresh(&self, first: Option<Url>) {
        diagnostics::schedule(
            self.state.clone(),
            self.client.clone(),
            self.published.clone(),
            first,
        );
    }

    /// `talknotes/documentText`: the server's copy of an open document, so
    /// tests (and bug reports) can compare it with the editor's.
    pub async fn document_text(&self, params: DocumentTextParams) -> Result<DocumentText> {
        let docs = lock(&self.state.docs);
        let doc = docs
            .get(&params.uri)
            .ok_or_else(|| Error::invalid_params(format!("{} is not open", params.uri)))?;
        Ok(DocumentText {
            text: doc.text(),
            version: doc.version(),
        })
    }

    /// `window/workDoneProgress/cancel` (not in tower-lsp 0.20's trait): the
    /// client cancels the indexing progress.
    pub async fn work_done_progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        if params.token == NumberOrString::String(indexing::PROGRESS_TOKEN.into()) {
            self.state.indexing.cancel();
        }
    }

    /// `talknotes/debugSleep {"ms": N}`: answers after N ms (at most 60 s),
    /// a stand-in for long work, to prove `$/cancelRequest` cuts it short.
    /// Only in debug builds.
    pub async fn debug_sleep(&self, params: Value) -> Result<Value> {
        if !cfg!(debug_assertions) {
            return Err(Error::method_not_found());
        }
        let ms = params["ms"].as_u64().unwrap_or(0).min(60_000);
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        Ok(Value::from(ms))
    }

    /// `talknotes/debugPanic`: panics inside a handler, to prove a panic
    /// costs one error response and not the server. Only in debug builds.
    pub async fn debug_panic(&self, _params: Value) -> Result<Value> {
        if cfg!(debug_assertions) {
            panic!("debugPanic requested");
        }
        Err(Error::method_not_found())
    }
}

#[derive(Debug, Deserialize)]
pub struct DocumentTextParams {
    pub uri: Url,
}

#[derive(Debug, Serialize)]
pub struct DocumentText {
    pub text: String,
    pub version: i32,
}

#[tower_lsp::async_trait]
impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        *self
            .state
            .encoding
            .write()
            .unwrap_or_else(|e| e.into_inner()) = encoding;

        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(p) = params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
                roots.push(p);
            }
        }
        *self.state.roots.write().unwrap_or_else(|e| e.into_inner()) = roots;

        if let Some(opts) = &params.initialization_options {
            match Settings::from_json_lenient(opts) {
                Ok((s, warnings)) => {
                    *self
                        .state
                        .client_settings
                        .write()
                        .unwrap_or_else(|e| e.into_inner()) = s;
                    for w in warnings {
                        // Allowed during initialize (LSP: window/showMessage).
                        self.client.show_message(MessageType::WARNING, w).await;
                    }
                }
                Err(e) => {
                    let msg = format!("talknotes initializationOptions: {e:#}");
                    self.client.show_message(MessageType::WARNING, msg).await;
                }
            }
        }
        self.state.load_config();
        *lock(&self.client_caps) = params.capabilities.clone();
        self.features.set_client_capabilities(&params.capabilities);

        Ok(InitializeResult {
            capabilities: server_capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "talknotes-ls".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let caps = lock(&self.client_caps).clone();
        let watch = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let progress = caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        if watch {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: ["**/*.md", "**/*.markdown", &format!("**/{CONFIG_FILE}")]
                    .iter()
                    .map(|g| FileSystemWatcher {
                        glob_pattern: GlobPattern::String(g.to_string()),
                        kind: None,
                    })
                    .collect(),
            };
            let registration = Registration {
                id: "talknotes-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                tracing::warn!("file watcher registration failed: {e}");
            }
        }
        let state = self.state.clone();
        let client = self.client.clone();
        let published = self.published.clone();
        tokio::spawn(async move {
            indexing::index_workspace(state.clone(), client.clone(), progress).await;
            diagnostics::schedule(state, client, published, None);
        });
        // Installed Python distributions, for library completion: read once,
        // in the background.
        if let Some(python) = crate::features::installed::python() {
            let state = self.state.clone();
            tokio::task::spawn_blocking(move || {
                let dists = crate::features::installed::installed_distributions(&python);
                tracing::info!("{} installed Python distributions", dists.len());
                let mut extras = state.extras.write().unwrap_or_else(|e| e.into_inner());
                let speakers = extras.speakers.clone();
                *extras = Arc::new(crate::analysis::Extras::new(speakers, dists));
            });
        }
        super::catalog_refresh::maybe_refresh_peps(
            self.state.clone(),
            self.client.clone(),
            self.published.clone(),
        );
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.indexing.cancel();
        // Files read from or dropped from disk since the last write (or a
        // write still running) reach the index cache before the answer.
        let state = self.state.clone();
        let _ = tokio::task::spawn_blocking(move || indexing::write_cache_if_needed(&state)).await;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.state.open(doc.uri.clone(), &doc.text, doc.version);
        super::settle::start(self.state.clone(), doc.uri.clone());
        self.refresh(Some(doc.uri));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let changes: Vec<_> = params
            .content_changes
            .into_iter()
            .map(convert::text_change)
            .collect();
        let result = self
            .state
            .change(&uri, &changes, params.text_document.version);
        match result {
            None => tracing::warn!("didChange for {uri}, which is not open: ignored"),
            Some(warnings) => {
                for w in warnings {
                    tracing::warn!("didChange {uri}: {w}");
                }
                self.refresh(Some(uri));
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.state.close(&uri);
        self.features.forget(&uri);
        self.refresh(None);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut config_changed = false;
        for change in &params.changes {
            let is_config = change
                .uri
                .path_segments()
                .and_then(|mut s| s.next_back())
                .is_some_and(|n| n == CONFIG_FILE);
            if is_config {
                config_changed = true;
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                self.state.remove_from_disk(&change.uri);
            } else {
                self.state.reload_from_disk(&change.uri);
            }
        }
        if config_changed {
            self.state.load_config();
        }
        self.refresh(None);
    }

    async fn will_rename_files(&self, params: RenameFilesParams) -> Result<Option<WorkspaceEdit>> {
        Ok(self.features.will_rename_files(&self.state, params))
    }

    async fn did_rename_files(&self, params: RenameFilesParams) {
        for r in &params.files {
            if let (Ok(old), Ok(new)) = (Url::parse(&r.old_uri), Url::parse(&r.new_uri)) {
                super::file_ops::renamed(&self.state, &old, &new);
            }
        }
        self.refresh(None);
    }

    async fn did_create_files(&self, params: CreateFilesParams) {
        for f in &params.files {
            if let Ok(url) = Url::parse(&f.uri) {
                super::file_ops::created(&self.state, &url);
            }
        }
        self.refresh(None);
    }

    async fn did_delete_files(&self, params: DeleteFilesParams) {
        for f in &params.files {
            if let Ok(url) = Url::parse(&f.uri) {
                super::file_ops::deleted(&self.state, &url);
            }
        }
        self.refresh(None);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if !params.settings.is_null() {
            match Settings::from_json_lenient(&params.settings) {
                Ok((s, warnings)) => {
                    *self
                        .state
                        .client_settings
                        .write()
                        .unwrap_or_else(|e| e.into_inner()) = s;
                    self.state.load_catalogs();
                    self.state.load_peps();
                    for w in warnings {
                        self.client.show_message(MessageType::WARNING, w).await;
                    }
                }
                Err(e) => {
                    let msg = format!("talknotes settings: {e:#}");
                    self.client.show_message(MessageType::WARNING, msg).await;
                    return;
                }
            }
        }
        self.refresh(None);
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        {
            let mut roots = self.state.roots.write().unwrap_or_else(|e| e.into_inner());
            for removed in &params.event.removed {
                if let Ok(p) = removed.uri.to_file_path() {
                    roots.retain(|r| *r != p);
                }
            }
            for added in &params.event.added {
                if let Ok(p) = added.uri.to_file_path() {
                    roots.push(p);
                }
            }
        }
        for url in self.state.workspace.urls() {
            let inside = url
                .to_file_path()
                .is_ok_and(|p| self.state.inside_roots(&p));
            if !inside && !self.state.is_open(&url) {
                self.state.workspace.remove(&url);
            }
        }
        let state = self.state.clone();
        let client = self.client.clone();
        let published = self.published.clone();
        tokio::spawn(async move {
            indexing::index_workspace(state.clone(), client.clone(), false).await;
            diagnostics::schedule(state, client, published, None);
        });
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        super::commands::execute(&self.state, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = &params.text_document.uri;
        let actions: Vec<CodeActionOrCommand> = params
            .context
            .diagnostics
            .iter()
            .filter(|d| d.source.as_deref() == Some("talknotes"))
            .flat_map(|d| convert::quick_fixes(uri, d, self.features.can_create_files()))
            .map(CodeActionOrCommand::CodeAction)
            .chain(self.features.fix_all_actions(&self.state, &params))
            .collect();
        Ok(Some(actions))
    }

    // The editor features: crate::features, converted in lsp/features.rs.

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        Ok(self.features.completion(&self.state, params))
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        Ok(self.features.completion_resolve(&self.state, item))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        Ok(self.features.definition(&self.state, params))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        Ok(self.features.references(&self.state, params))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.features.prepare_rename(&self.state, params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.features.rename(&self.state, params)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self.features.document_symbols(&self.state, params))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<Vec<SymbolInformation>>> {
        Ok(Some(self.features.workspace_symbols(&self.state, params)))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        Ok(self.features.document_links(&self.state, params))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(self.features.hover(&self.state, params))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(self.features.inlay_hints(&self.state, params))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(self.features.semantic_tokens_full(&self.state, params))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        Ok(self.features.semantic_tokens_delta(&self.state, params))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        Ok(self.features.semantic_tokens_range(&self.state, params))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self.features.folding_ranges(&self.state, params))
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        Ok(self.features.selection_ranges(&self.state, params))
    }
}
