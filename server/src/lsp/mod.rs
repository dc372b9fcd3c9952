//! The Language Server Protocol glue (tower-lsp): the only module that
//! knows the protocol.

use std::path::PathBuf;

pub fn run_stdio(_pep_index: Option<PathBuf>) -> i32 {
    0
}
