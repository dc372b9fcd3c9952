//! Finding the notes in a folder: `.md` and `.markdown` files, honouring
//! `.gitignore` (the `ignore` crate, the walker ripgrep uses), skipping
//! hidden folders, `node_modules`, `target`, and the configured globs.
//!
//! Bounds: symbolic links are never followed by the walk (so a link loop
//! cannot make it run forever, and a link cannot lead it out of the
//! folder); a walk can be stopped early ([`notes_in_until`]); only regular
//! files of at most [`MAX_NOTES_BYTES`] are read ([`read_notes`]), and the
//! server reads a file only when its real path, links resolved, is inside a
//! workspace folder ([`read_notes_inside`]).

use std::io::Read;
use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::index_cache::Stamp;

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
    files_in(root, ignore, &["md", "markdown"], &|| false)
}

/// [`notes_in`], stopped as soon as `stop()` says so (what was found by then
/// is returned): the server's indexing is cancelled this way when the
/// workspace folders change or the client shuts the server down.
pub fn notes_in_until(root: &Path, ignore: &GlobSet, stop: &dyn Fn() -> bool) -> Vec<PathBuf> {
    files_in(root, ignore, &["md", "markdown"], stop)
}

/// For a folder named on the command line: its notes, or — when it holds no
/// markdown at all — its `.txt` files, which is how some people keep notes.
pub fn notes_in_named_folder(root: &Path, ignore: &GlobSet) -> Vec<PathBuf> {
    let md = notes_in(root, ignore);
    if md.is_empty() {
        files_in(root, ignore, &["txt"], &|| false)
    } else {
        md
    }
}

fn files_in(root: &Path, ignore: &GlobSet, exts: &[&str], stop: &dyn Fn() -> bool) -> Vec<PathBuf> {
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
        .take_while(|_| !stop())
        // Unreadable folders and broken entries are skipped, not fatal.
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

/// The largest notes file read from disk (4 MiB; notes are a few KiB).
/// A bigger file is reported, not read: a stray 200 MB log named `.md`
/// must not stall indexing or take the memory. Documents the editor opens
/// are kept whatever their size.
pub const MAX_NOTES_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a notes file: UTF-8 (a BOM is dropped), CRLF kept as is. Only a
/// regular file (links followed) of at most [`MAX_NOTES_BYTES`] is read: a
/// FIFO or a device named `.md` is refused without being opened, so reading
/// cannot block.
pub fn read_notes(path: &Path) -> Result<String, ReadError> {
    read_notes_stamped(path).map(|(text, _)| text)
}

/// [`read_notes`], with the [`Stamp`] (size, mtime, content hash) of the
/// bytes read, which the persistent index cache keys models by.
pub fn read_notes_stamped(path: &Path) -> Result<(String, Stamp), ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > MAX_NOTES_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(e.to_string()))?;
    // The open file's own metadata: the mtime of what is read (a change
    // racing the read changes the hash, so the stamp never matches stale
    // bytes).
    let meta = file.metadata().unwrap_or(meta);
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may have grown since: read one byte past the limit at most.
    file.take(MAX_NOTES_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > MAX_NOTES_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    let stamp = Stamp::of(&meta, &bytes);
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let text = String::from_utf8(text.to_vec()).map_err(|e| {
        ReadError::NotUtf8(format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok((text, stamp))
}

/// [`read_notes`], for the server: only when `path`'s real location (links
/// resolved) is inside one of `roots` (also resolved). A link inside the
/// workspace to `../../../etc/passwd` is refused without being opened.
pub fn read_notes_inside(path: &Path, roots: &[PathBuf]) -> Result<String, ReadError> {
    read_notes_inside_stamped(path, roots).map(|(text, _)| text)
}

/// [`read_notes_inside`] with the [`Stamp`] of the bytes read.
pub fn read_notes_inside_stamped(
    path: &Path,
    roots: &[PathBuf],
) -> Result<(String, Stamp), ReadError> {
    let real = path
        .canonicalize()
        .map_err(|e| ReadError::Io(e.to_string()))?;
    let inside = roots
        .iter()
        .any(|r| real.starts_with(r) || r.canonicalize().is_ok_and(|r| real.starts_with(r)));
    if !inside {
        return Err(ReadError::OutsideWorkspace(real));
    }
    read_notes_stamped(&real)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Io(String),
    NotUtf8(String),
    /// Bigger than [`MAX_NOTES_BYTES`] (the size seen).
    TooLarge(u64),
    /// A folder, FIFO, socket or device.
    NotAFile,
    /// Resolves (through links) to this path, outside the workspace.
    OutsideWorkspace(PathBuf),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) | ReadError::NotUtf8(e) => f.write_str(e),
            ReadError::TooLarge(n) => write!(
                f,
                "too large to be notes ({n} bytes; the limit is {MAX_NOTES_BYTES}): not read"
            ),
            ReadError::NotAFile => f.write_str("not a regular file: not read"),
            ReadError::OutsideWorkspace(p) => write!(
                f,
                "resolves to {}, outside the workspace: not read",
                p.display()
            ),
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

    #[cfg(unix)]
    #[test]
    fn symlink_loops_end_and_links_are_not_followed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/talk.md"), "# x\n").unwrap();
        std::fs::write(outside.path().join("secret.md"), "# secret\n").unwrap();
        // A loop to the root, a loop between two folders, a self-loop, and
        // links to a file and a folder outside.
        symlink(root, root.join("a/b/up")).unwrap();
        symlink("../a", root.join("a/b/again")).unwrap();
        symlink("self", root.join("self")).unwrap();
        symlink(outside.path().join("secret.md"), root.join("evil.md")).unwrap();
        symlink(outside.path(), root.join("elsewhere")).unwrap();
        let found = notes_in(root, &GlobSet::empty());
        assert_eq!(found, vec![root.join("a/b/talk.md")]);
        // Reading through the link is refused; the real file inside is read.
        let roots = [root.to_path_buf()];
        let err = read_notes_inside(&root.join("evil.md"), &roots).unwrap_err();
        assert!(matches!(err, ReadError::OutsideWorkspace(_)), "{err:?}");
        let err = read_notes_inside(&root.join("elsewhere/secret.md"), &roots).unwrap_err();
        assert!(matches!(err, ReadError::OutsideWorkspace(_)), "{err:?}");
        assert_eq!(
            read_notes_inside(&root.join("a/b/up/a/b/talk.md"), &roots).unwrap(),
            "# x\n"
        );
    }

    #[test]
    fn a_walk_stops_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..50 {
            std::fs::write(dir.path().join(format!("{i}.md")), "x").unwrap();
        }
        let asked = std::cell::Cell::new(0);
        let found = notes_in_until(dir.path(), &GlobSet::empty(), &|| {
            asked.set(asked.get() + 1);
            asked.get() > 10
        });
        assert!(found.len() < 10, "{}", found.len());
        assert_eq!(notes_in(dir.path(), &GlobSet::empty()).len(), 50);
    }

    #[test]
    fn large_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.md");
        let f = std::fs::File::create(&big).unwrap();
        // Sparse: costs no disk.
        f.set_len(200 * 1024 * 1024).unwrap();
        assert_eq!(
            read_notes(&big),
            Err(ReadError::TooLarge(200 * 1024 * 1024))
        );
        f.set_len(MAX_NOTES_BYTES).unwrap();
        assert_eq!(read_notes(&big).unwrap().len() as u64, MAX_NOTES_BYTES);
        assert_eq!(read_notes(dir.path()), Err(ReadError::NotAFile));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo unavailable: skipped");
            return;
        }
        // Opening a FIFO for reading blocks until a writer comes: the read
        // must be refused before that.
        assert_eq!(read_notes(&fifo), Err(ReadError::NotAFile));
        assert!(notes_in(dir.path(), &GlobSet::empty()).is_empty());
    }
}
