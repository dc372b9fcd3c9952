//! The Language Server Protocol glue (tower-lsp): the only module that
//! knows the protocol. Handlers translate LSP to calls into the analysis
//! (`crate::analysis`, `crate::rules`) and back.

mod capabilities;
mod catalog_refresh;
mod commands;
mod convert;
mod diagnostics;
mod features;
mod file_ops;
mod framing;
mod indexing;
mod server;
mod settle;
mod state;

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::FutureExt;
use tower::Service;
use tower_lsp::jsonrpc::{Error, ErrorCode, Request, Response};
use tower_lsp::{ExitedError, LspService};

pub use capabilities::server_capabilities;
pub use server::Server;

/// Serves LSP on stdin/stdout until the client says `exit` (or closes stdin).
pub fn run_stdio(pep_index: Option<PathBuf>) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            return 1;
        }
    };
    runtime.block_on(async move {
        let (service, socket) = LspService::build(|client| Server::new(client, pep_index))
            .custom_method("talknotes/documentText", Server::document_text)
            .custom_method("talknotes/debugPanic", Server::debug_panic)
            .custom_method("talknotes/debugSleep", Server::debug_sleep)
            .custom_method(
                "window/workDoneProgress/cancel",
                Server::work_done_progress_cancel,
            )
            .finish();
        let service = Guard::new(service);
        framing::serve(tokio::io::stdin(), tokio::io::stdout(), socket, service).await;
    });
    0
}

/// Wraps the tower-lsp service for what it does not do itself:
/// - a panic inside one request's handler becomes an error response for
///   that request (and a log line), and the server goes on;
/// - `exit` ends the process (tower-lsp 0.20 otherwise waits for stdin to
///   close): code 0 after `shutdown`, 1 without, as the spec says;
/// - every request after `shutdown` is an InvalidRequest, unknown methods
///   included (tower-lsp answers those MethodNotFound);
/// - a request tower-lsp leaves unanswered (it drops the MethodNotFound of
///   an unknown `$/` request, which the spec says must be answered) gets
///   its MethodNotFound.
pub struct Guard<S> {
    inner: S,
    shutdown: Arc<AtomicBool>,
}

impl<S> Guard<S> {
    pub fn new(inner: S) -> Guard<S> {
        Guard {
            inner,
            shutdown: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl<S> Service<Request> for Guard<S>
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = BoxFuture<'static, Result<Option<Response>, ExitedError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let method = req.method().to_string();
        let id = req.id().cloned();
        if method == "exit" {
            let code = if self.shutdown.load(Ordering::SeqCst) {
                0
            } else {
                1
            };
            let fut = self.inner.call(req);
            return Box::pin(async move {
                let _ = fut.await;
                // Let pending writes reach the client, then leave.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                std::process::exit(code);
            });
        }
        if id.is_some() && method != "shutdown" && self.shutdown.load(Ordering::SeqCst) {
            let id = id.clone();
            return Box::pin(async move {
                Ok(id.map(|id| {
                    Response::from_error(
                        id,
                        Error {
                            code: ErrorCode::InvalidRequest,
                            message: format!("{method}: the server is shut down").into(),
                            data: None,
                        },
                    )
                }))
            });
        }
        let fut = AssertUnwindSafe(self.inner.call(req)).catch_unwind();
        let shutdown = self.shutdown.clone();
        Box::pin(async move {
            let result = fut.await;
            // Shut down once `shutdown` succeeded (not, say, before
            // `initialize`, when it is an error).
            if method == "shutdown" {
                if let Ok(Ok(Some(r))) = &result {
                    if r.is_ok() {
                        shutdown.store(true, Ordering::SeqCst);
                    }
                }
            }
            match result {
                Ok(Ok(None)) if id.is_some() => {
                    let mut error = Error::method_not_found();
                    error.data = Some(method.into());
                    Ok(id.map(|id| Response::from_error(id, error)))
                }
                Ok(result) => result,
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".into());
                    tracing::error!("handler for {method} panicked: {what}");
                    Ok(id.map(|id| {
                        Response::from_error(
                            id,
                            Error {
                                code: ErrorCode::InternalError,
                                message: format!(
                                    "talknotes-ls: internal error in {method}: {what}"
                                )
                                .into(),
                                data: None,
                            },
                        )
                    }))
                }
            }
        })
    }
}
