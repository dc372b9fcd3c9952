//! `workspace/didCreateFiles`, `didRenameFiles`, `didDeleteFiles`: the index
//! follows notes and folders created, renamed or deleted in the editor, the
//! way `didChangeWatchedFiles` follows them on disk (open documents are left
//! to their buffers).

use std::path::Path;

use url::Url;

use super::state::State;
use crate::discover;

/// A note or folder appeared at `url`: read it (or every note under it).
pub fn created(state: &State, url: &Url) {
    let Ok(path) = url.to_file_path() else {
        return;
    };
    if path.is_dir() {
        let ignore = state.settings().ignore_matcher();
        for p in discover::notes_in(&path, &ignore) {
            if let Ok(u) = Url::from_file_path(&p) {
                state.reload_from_disk(&u);
            }
        }
    } else {
        state.reload_from_disk(url);
    }
}

/// The note or folder at `url` is gone: drop it (or every note under it)
/// from the index, unless open.
pub fn deleted(state: &State, url: &Url) {
    let Ok(path) = url.to_file_path() else {
        state.workspace.remove(url);
        return;
    };
    for u in state.workspace.urls() {
        let under = u
            .to_file_path()
            .is_ok_and(|p| Path::new(&p).starts_with(&path));
        if under {
            state.remove_from_disk(&u);
        }
    }
}

pub fn renamed(state: &State, old: &Url, new: &Url) {
    deleted(state, old);
    created(state, new);
}
