//! talknotes-ls: a language server and linter for conference talk notes.
//!
//! Only [`lsp`] knows the Language Server Protocol; every other module works
//! on text, trees, byte offsets and plain structs (see ARCHITECTURE.md).
#![deny(clippy::print_stdout)]

pub mod document;
pub mod extract;
pub mod model;
pub mod position;
pub mod syntax;
pub mod config;
pub mod index;
pub mod pep_index;
pub mod rules;
pub mod similarity;
pub mod analysis;
pub mod check;
pub mod discover;
pub mod lsp;
