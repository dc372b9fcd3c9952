//! The persistent index cache: for each workspace folder, every notes file's
//! model as extracted from the bytes on disk, so that the next start of the
//! server parses only the notes that changed.
//!
//! One file per workspace folder, `<cache>/index/<xxh3 of the folder's real
//! path>.bin` (`<cache>` is the download cache's folder,
//! [`crate::catalog::cache::cache_dir`]: `TALKNOTES_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/talknotes-ls` or the platform's). Its layout:
//!
//! ```text
//! MAGIC (8 bytes) | FORMAT_VERSION (u32 LE) | body (postcard) | xxh3-64 of all before (u64 LE)
//! body = { build: crate version + model fingerprint, root: the folder,
//!          entries: [{ path relative to the folder, size, mtime (ns), xxh3-64 of the bytes, model }] }
//! ```
//!
//! Nothing in it is trusted: a file of another magic, format version or
//! build (another talknotes-ls, or one whose extractor changed: see
//! `build.rs`), of another folder, truncated, over [`MAX_CACHE_BYTES`], with
//! a wrong checksum, or that does not decode to the last byte is ignored as
//! a whole (never partly used) and rewritten after indexing. An entry is
//! used only when the note's size, mtime and content hash all match the
//! bytes just read; only the parse and extraction are skipped (the text is
//! read anyway: the server keeps it). Writes are atomic (a temporary file in
//! the same folder, renamed over the old one).
//!
//! Off with `index_cache = false` (settings) or `TALKNOTES_NO_INDEX_CACHE=1`.

use std::collections::HashMap;
use std::fs::Metadata;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::config::Settings;
use crate::model::FileModel;

/// Bumped on any change of the layout above. A change of the model types
/// (`model.rs`) or of the extraction needs no bump: it changes the build
/// fingerprint ([`build_id`]), which refuses older caches as well.
pub const FORMAT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"TNLSIDX\n";
/// A larger cache file is not read (10,000 notes make about 30 MB).
pub const MAX_CACHE_BYTES: u64 = 1 << 30;
/// Set (to anything but `0`, `false`, `no`): no cache is read or written.
pub const NO_CACHE_ENV: &str = "TALKNOTES_NO_INDEX_CACHE";
const HEADER: usize = MAGIC.len() + 4;
const TRAILER: usize = 8;

/// Which build wrote a cache: the crate version and the fingerprint of the
/// model, parse and extraction sources (`build.rs`).
pub fn build_id() -> String {
    format!(
        "{} {}",
        env!("CARGO_PKG_VERSION"),
        env!("TALKNOTES_MODEL_FINGERPRINT")
    )
}

/// What a model is keyed by: the bytes it was extracted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 when unknown).
    pub mtime_ns: u64,
    /// xxh3-64 of the bytes as read (a BOM included).
    pub hash: u64,
}

impl Stamp {
    pub fn of(meta: &Metadata, bytes: &[u8]) -> Stamp {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        Stamp {
            size: bytes.len() as u64,
            mtime_ns,
            hash: xxh3_64(bytes),
        }
    }
}

/// Is the cache on? `index_cache = false` or [`NO_CACHE_ENV`] turn it off.
pub fn enabled(settings: &Settings) -> bool {
    settings.index_cache != Some(false) && !env_off()
}

fn env_off() -> bool {
    std::env::var(NO_CACHE_ENV).is_ok_and(|v| {
        let v = v.trim().to_lowercase();
        !v.is_empty() && v != "0" && v != "false" && v != "no"
    })
}

/// The folder of the index caches: `<cache>/index`.
pub fn dir() -> Option<PathBuf> {
    crate::catalog::cache::cache_dir().map(|d| d.join("index"))
}

/// The workspace folder as recorded in its cache: its real path when it
/// has one.
fn root_key(root: &Path) -> String {
    root.canonicalize()
        .unwrap_or_else(|_| root.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// The cache file of the workspace folder `root`, in `dir`.
pub fn cache_file(dir: &Path, root: &Path) -> PathBuf {
    dir.join(format!("{:016x}.bin", xxh3_64(root_key(root).as_bytes())))
}

/// One cached note, as read back.
#[derive(Debug, PartialEq, Deserialize)]
struct Entry {
    path: String,
    stamp: Stamp,
    model: FileModel,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    path: &'a str,
    stamp: Stamp,
    model: &'a FileModel,
}

#[derive(Deserialize)]
struct Body {
    build: String,
    root: String,
    entries: Vec<Entry>,
}

#[derive(Serialize)]
struct BodyRef<'a> {
    build: &'a str,
    root: &'a str,
    entries: Vec<EntryRef<'a>>,
}

/// A note to cache: its path relative to the workspace folder, its stamp
/// and its model.
pub type Item<'a> = (&'a str, Stamp, &'a FileModel);

/// The cache file's bytes for `root`'s notes.
pub fn encode(root: &Path, items: &[Item<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + 64 * items.len() + TRAILER);
    // Writing into a Vec fails only on memory exhaustion, which aborts.
    encode_into(root, items, &mut out).expect("writing into memory");
    out
}

/// Writes the cache file for `root`'s notes into `out` as it is encoded:
/// 10,000 notes make about 30 MB, which need not be held in memory too.
fn encode_into(root: &Path, items: &[Item<'_>], out: impl Write) -> std::io::Result<()> {
    let build = build_id();
    let root = root_key(root);
    let body = BodyRef {
        build: &build,
        root: &root,
        entries: items
            .iter()
            .map(|&(path, stamp, model)| EntryRef { path, stamp, model })
            .collect(),
    };
    let mut out = Hashing {
        inner: out,
        hasher: Xxh3::new(),
    };
    out.write_all(MAGIC)?;
    out.write_all(&FORMAT_VERSION.to_le_bytes())?;
    // Plain structs, strings, numbers and enums: postcard fails here only
    // when the writer does.
    let mut out = postcard::to_io(&body, out).map_err(std::io::Error::other)?;
    let sum = out.hasher.digest();
    out.inner.write_all(&sum.to_le_bytes())
}

/// A writer that hashes (xxh3-64) all that goes through it.
struct Hashing<W> {
    inner: W,
    hasher: Xxh3,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The cached models of `root`'s notes, by absolute path: the whole file,
/// or an error saying why none of it is used.
pub fn decode(bytes: &[u8], root: &Path) -> Result<HashMap<PathBuf, (Stamp, FileModel)>, String> {
    if bytes.len() < HEADER + TRAILER {
        return Err(format!("truncated ({} bytes)", bytes.len()));
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        return Err("not an index cache (wrong magic bytes)".into());
    }
    let version = u32::from_le_bytes(bytes[MAGIC.len()..HEADER].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(format!(
            "format version {version}, this build reads {FORMAT_VERSION}"
        ));
    }
    let (content, trailer) = bytes.split_at(bytes.len() - TRAILER);
    let sum = u64::from_le_bytes(trailer.try_into().expect("8 bytes"));
    if xxh3_64(content) != sum {
        return Err("checksum mismatch (truncated or corrupt)".into());
    }
    let (body, rest): (Body, &[u8]) =
        postcard::take_from_bytes(&content[HEADER..]).map_err(|e| format!("corrupt: {e}"))?;
    if !rest.is_empty() {
        return Err(format!("corrupt: {} bytes after the entries", rest.len()));
    }
    if body.build != build_id() {
        return Err(format!(
            "written by talknotes-ls {}, this is {}",
            body.build,
            build_id()
        ));
    }
    if body.root != root_key(root) {
        return Err(format!("for another folder ({})", body.root));
    }
    Ok(body
        .entries
        .into_iter()
        .map(|e| (root.join(e.path), (e.stamp, e.model)))
        .collect())
}

/// Why no cache was read.
#[derive(Debug)]
pub enum NotLoaded {
    /// There is none yet (a first start).
    Missing,
    /// There is one, and it is not used (see [`decode`]).
    Invalid(String),
}

/// Reads and checks `root`'s cache file in `dir`.
pub fn load(dir: &Path, root: &Path) -> Result<HashMap<PathBuf, (Stamp, FileModel)>, NotLoaded> {
    let path = cache_file(dir, root);
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(NotLoaded::Missing),
        Err(e) => return Err(NotLoaded::Invalid(e.to_string())),
    };
    if !meta.is_file() {
        return Err(NotLoaded::Invalid("not a regular file".into()));
    }
    if meta.len() > MAX_CACHE_BYTES {
        return Err(NotLoaded::Invalid(format!(
            "too large ({} bytes)",
            meta.len()
        )));
    }
    let bytes = std::fs::read(&path).map_err(|e| NotLoaded::Invalid(e.to_string()))?;
    decode(&bytes, root).map_err(NotLoaded::Invalid)
}

/// Writes `root`'s cache file in `dir` (created if missing), atomically;
/// returns its path.
pub fn write(dir: &Path, root: &Path, items: &[Item<'_>]) -> anyhow::Result<PathBuf> {
    let path = cache_file(dir, root);
    crate::atomic_file::write_with(&path, |out| encode_into(root, items, out))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::NoteFile;
    use std::sync::Arc;
    use url::Url;

    fn model(text: &str) -> FileModel {
        let url = Url::parse("file:///ws/pycon-us-2017.md").unwrap();
        NoteFile::analyse(url, text, None).model
    }

    /// A note with every kind of thing the model holds.
    const NOTE: &str = "---\nconference: PyCon US 2017\n---\n\n\
        # The Dictionary Even Mightier (Brandon Rhodes)\n\n## Notes\n\n\
        PEP 468 and Pep509, pep-0412; bpo-1234, gh-99, Issue 77, bpo-.\n\
        `requests` and `pip install attrs`; [next](./other.md#talk), \
        [ref][label], ![img](x.png), <https://example.org>, https://bare.example.org\n\n\
        ## Sub\n\n\
        * **Async all the things - Łukasz Langa**\n\n\
        A talk, Ada Example\n\n\
        <!-- talknotes-disable-next-line pep-format -->\nPEP3156\n\n\
        ```python\nimport os\n```\n\n[label]: https://example.org/l\n";

    fn stamp(n: u64) -> Stamp {
        Stamp {
            size: n,
            mtime_ns: n * 1_000_000_007,
            hash: n ^ 0xdead_beef,
        }
    }

    #[test]
    fn round_trip() {
        let root = Path::new("/ws/notes");
        let (a, b) = (model(NOTE), model("# Other talk\n"));
        assert!(!a.talks.is_empty() && !a.links.is_empty() && !a.peps.is_empty());
        let bytes = encode(root, &[("a.md", stamp(1), &a), ("sub/b.md", stamp(2), &b)]);
        let back = decode(&bytes, root).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[&root.join("a.md")], (stamp(1), a));
        assert_eq!(back[&root.join("sub/b.md")], (stamp(2), b));
    }

    /// A warm start decodes every model at once: names come out shared,
    /// not one allocation per mention.
    #[test]
    fn decoded_models_share_their_names() {
        let root = Path::new("/ws/notes");
        let m = model(NOTE);
        let bytes = encode(root, &[("a.md", stamp(1), &m), ("b.md", stamp(2), &m)]);
        let back = decode(&bytes, root).unwrap();
        let (a, b) = (&back[&root.join("a.md")].1, &back[&root.join("b.md")].1);
        let speaker = |m: &FileModel| m.talks[0].speakers[0].name.clone();
        assert!(Arc::ptr_eq(&speaker(a), &speaker(b)));
        assert!(std::ptr::eq(&*a.libraries[0].name, &*b.libraries[0].name));
    }

    #[test]
    fn damaged_or_foreign_files_are_refused_whole() {
        let root = Path::new("/ws/notes");
        let m = model(NOTE);
        let good = encode(root, &[("a.md", stamp(1), &m), ("b.md", stamp(2), &m)]);
        assert!(decode(&good, root).is_ok());
        // Every truncation.
        for len in 0..good.len() {
            assert!(decode(&good[..len], root).is_err(), "truncated to {len}");
        }
        // Every single flipped byte.
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x20;
            assert!(decode(&bad, root).is_err(), "byte {i} flipped");
        }
        // Garbage, and garbage behind the right header.
        assert!(decode(b"not a cache at all, just some bytes", root).is_err());
        let mut garbage = good[..HEADER].to_vec();
        garbage.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        let sum = xxh3_64(&garbage);
        garbage.extend_from_slice(&sum.to_le_bytes());
        assert!(decode(&garbage, root).is_err());
        // Another format version (checksum recomputed, so only the version differs).
        let mut other = good[..good.len() - TRAILER].to_vec();
        other[MAGIC.len()..HEADER].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        let sum = xxh3_64(&other);
        other.extend_from_slice(&sum.to_le_bytes());
        let err = decode(&other, root).unwrap_err();
        assert!(err.contains("format version"), "{err}");
        // Another folder's cache.
        let err = decode(&good, Path::new("/elsewhere")).unwrap_err();
        assert!(err.contains("another folder"), "{err}");
    }

    #[test]
    fn another_build_is_refused() {
        let root = Path::new("/ws/notes");
        let m = model("# Talk\n");
        let body = BodyRef {
            build: "0.0.1 0000000000000000",
            root: &root_key(root),
            entries: vec![EntryRef {
                path: "a.md",
                stamp: stamp(1),
                model: &m,
            }],
        };
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes = postcard::to_extend(&body, bytes).unwrap();
        let sum = xxh3_64(&bytes);
        bytes.extend_from_slice(&sum.to_le_bytes());
        let err = decode(&bytes, root).unwrap_err();
        assert!(err.contains("written by talknotes-ls 0.0.1"), "{err}");
    }

    #[test]
    fn load_and_write_create_the_folder_and_refuse_bad_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("does/not/exist/yet");
        let root = tmp.path().join("notes");
        std::fs::create_dir_all(&root).unwrap();
        assert!(matches!(load(&dir, &root), Err(NotLoaded::Missing)));
        let m = model(NOTE);
        let path = write(&dir, &root, &[("a.md", stamp(1), &m)]).unwrap();
        assert_eq!(path, cache_file(&dir, &root));
        assert_eq!(load(&dir, &root).unwrap().len(), 1);
        // Streamed to disk, the file is byte for byte what `encode` makes,
        // past the write buffer's size too.
        let many: Vec<String> = (0..2000).map(|i| format!("sub/{i}.md")).collect();
        let items: Vec<Item<'_>> = many.iter().map(|p| (p.as_str(), stamp(3), &m)).collect();
        write(&dir, &root, &items).unwrap();
        let on_disk = std::fs::read(&path).unwrap();
        assert!(on_disk.len() > 1 << 16, "{} bytes", on_disk.len());
        assert_eq!(on_disk, encode(&root, &items));
        assert_eq!(load(&dir, &root).unwrap().len(), 2000);
        // Truncated on disk: refused, and a rewrite makes it good again.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(matches!(load(&dir, &root), Err(NotLoaded::Invalid(_))));
        write(&dir, &root, &[("a.md", stamp(1), &m)]).unwrap();
        assert_eq!(load(&dir, &root).unwrap().len(), 1);
        // No temporary file left behind.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    /// The stamp changes with the size, the mtime, or the content alone.
    #[test]
    fn stamps_tell_changed_files() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a.md");
        let set_mtime = |secs: u64| {
            let f = std::fs::File::options().write(true).open(&p).unwrap();
            f.set_modified(UNIX_EPOCH + std::time::Duration::from_secs(secs))
                .unwrap();
        };
        let read = || {
            let meta = std::fs::metadata(&p).unwrap();
            Stamp::of(&meta, &std::fs::read(&p).unwrap())
        };
        std::fs::write(&p, "# Talk (Ada)\n").unwrap();
        set_mtime(1_000_000);
        let first = read();
        assert_eq!(read(), first);
        // Same size, same mtime, other content.
        std::fs::write(&p, "# Talk (Bob)\n").unwrap();
        set_mtime(1_000_000);
        let other = read();
        assert_eq!((other.size, other.mtime_ns), (first.size, first.mtime_ns));
        assert_ne!(other, first);
        // Same content, other mtime.
        std::fs::write(&p, "# Talk (Ada)\n").unwrap();
        set_mtime(2_000_000);
        assert_ne!(read(), first);
        // Other size.
        std::fs::write(&p, "# Talk (Ada Lovelace)\n").unwrap();
        set_mtime(1_000_000);
        assert_ne!(read(), first);
    }
}
