//! Fingerprints the sources that decide what a note's model is (the model
//! types, the markdown parse, the extraction) and the lock file, as
//! `TALKNOTES_MODEL_FINGERPRINT`: the persistent index cache
//! (`src/index_cache.rs`) trusts only entries written by a build with the
//! same fingerprint, so a changed extractor never reads models the old one
//! made, even at the same crate version.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let mut files = vec![
        manifest.join("src/model.rs"),
        manifest.join("src/syntax.rs"),
        manifest.join("../Cargo.lock"),
    ];
    collect(&manifest.join("src/extract"), &mut files);
    println!("cargo::rerun-if-changed=src/extract");
    files.sort();
    // FNV-1a, 64 bits: stable everywhere, no build dependency.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in &files {
        println!("cargo::rerun-if-changed={}", f.display());
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let name = f.strip_prefix(&manifest).unwrap_or(f);
        feed(name.to_string_lossy().as_bytes());
        feed(&(bytes.len() as u64).to_le_bytes());
        feed(&bytes);
    }
    println!("cargo::rustc-env=TALKNOTES_MODEL_FINGERPRINT={hash:016x}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}
