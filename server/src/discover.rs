//! Finding the notes in a folder: `.md` and `.markdown` files, honouring
//! `.gitignore` (the `ignore` crate, the walker ripgrep uses), skipping
//! hidden folders, `node_modules`, `target`, and the configured globs.

use std::path::{Path, PathBuf};

use globset::GlobSet;

pub fn is_notes_file(path: &Path) -> bool {
    has_extension(path, &["md", "markdown"])
}

fn has_extension(path: &Path, exts: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The notes files under `root`, sorted. `ignore` globs match paths
/// relative to `root`.
pub fn notes_in(root: &Path, ignore: &GlobSet) -> Vec<PathBuf> {
    files_in(root, ignore, &["md", "markdown"])
}

/// For a folder named on the command line: its notes, or — when it holds no
/// markdown at all — its `.txt` files, which is how some people keep notes.
pub fn notes_in_named_folder(root: &Path, ignore: &GlobSet) -> Vec<PathBuf> {
    let md = notes_in(root, ignore);
    if md.is_empty() {
        files_in(root, ignore, &["txt"])
    } else {
        md
    }
}

fn files_in(root: &Path, ignore: &GlobSet, exts: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.file_type().is_some_and(|t| t.is_dir())
                && (name == "node_modules" || name == "target"))
        })
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .filter(|p| has_extension(p, exts))
        .filter(|p| {
            let rel = p.strip_prefix(root).unwrap_or(p);
            !ignore.is_match(rel)
        })
        .collect();
    out.sort();
    out
}

/// Reads a notes file: UTF-8 (a BOM is dropped), CRLF kept as is.
pub fn read_notes(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(e.to_string()))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        ReadError::NotUtf8(format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Io(String),
    NotUtf8(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) | ReadError::NotUtf8(e) => f.write_str(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_notes_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for p in [
            "a.md",
            "b.markdown",
            "c.txt",
            "sub dir/d.md",
            ".hidden/e.md",
            "node_modules/f.md",
            "target/g.md",
            "ignored/h.md",
            "drafts/i.md",
        ] {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "# x\n").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let mut globs = globset::GlobSetBuilder::new();
        globs.add(globset::Glob::new("drafts/**").unwrap());
        let found: Vec<String> = notes_in(root, &globs.build().unwrap())
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(found, vec!["a.md", "b.markdown", "sub dir/d.md"]);
    }

    #[test]
    fn reads_bom_and_refuses_bad_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        std::fs::write(&a, b"\xef\xbb\xbf# T\r\n").unwrap();
        assert_eq!(read_notes(&a).unwrap(), "# T\r\n");
        std::fs::write(&a, b"# T \xff\n").unwrap();
        assert!(matches!(read_notes(&a), Err(ReadError::NotUtf8(_))));
    }
}
