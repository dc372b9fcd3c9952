//! talknotes-ls: a language server and linter for conference talk notes.
//!
//! Only [`lsp`] knows the Language Server Protocol; every other module works
//! on text, trees, byte offsets and plain structs (see ARCHITECTURE.md).
#![deny(clippy::print_stdout)]

pub mod alloc;
pub mod analysis;
pub mod atomic_file;
pub mod catalog;
pub mod check;
pub mod config;
pub mod discover;
pub mod document;
pub mod export;
pub mod extract;
pub mod features;
pub mod fix;
pub mod fuzzy;
pub mod index;
pub mod index_cache;
pub mod intern;
pub mod linkpath;
pub mod lsp;
pub mod model;
pub mod note_text;
pub mod packed;
pub mod pep_index;
pub mod pieced;
pub mod position;
pub mod rules;
pub mod similarity;
pub mod syntax;
