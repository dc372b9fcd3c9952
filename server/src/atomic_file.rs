//! Whole-file writes that readers see happen at once: the bytes go to a
//! temporary file in the same folder, which is then renamed over the
//! target, so that a reader sees the old file or the new one, never half
//! of one, and a crash leaves no half-written file under the real name.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;

/// Writes `bytes` to `path`, atomically (creating its folder if needed).
pub fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_with(path, |out| out.write_all(bytes))
}

/// Writes to `path` what `fill` writes into the (buffered) writer it is
/// given, atomically: if `fill` fails, `path` is left as it was. Lets a
/// large file be streamed instead of built in memory first.
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<&mut File>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    // `report.html` has the parent "": the current folder.
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    {
        let mut out = BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        fill(&mut out).and_then(|()| out.flush())
    }
    .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_write_replaces_the_whole_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/peps.json");
        write(&p, b"one, longer").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(names(p.parent().unwrap()), ["peps.json"]);
    }

    #[test]
    fn a_failed_fill_leaves_the_old_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("index.bin");
        write(&p, b"old").unwrap();
        let err = write_with(&p, |out| {
            out.write_all(b"half of the new")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("disk full"), "{err:#}");
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["index.bin"]);
    }
}
