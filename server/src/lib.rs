//! talknotes-ls: a language server and linter for conference talk notes.
//!
//! Only [`lsp`] knows the Language Server Protocol; every other module works
//! on text, trees, byte offsets and plain structs (see ARCHITECTURE.md).
#![deny(clippy::print_stdout)]

pub mod document;
pub mod position;
pub mod syntax;
