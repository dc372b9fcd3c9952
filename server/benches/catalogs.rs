//! What the five shared PyCon US catalog years and the full PEP index cost
//! at start-up: time to load (best and median of several runs) and the
//! memory they hold afterwards (live heap bytes, counted by a wrapping
//! allocator). Needs `../shared/data` (skipped with a note without it).
//!
//! `cargo bench -p talknotes-ls --bench catalogs`

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use talknotes_ls::analysis::known_names;
use talknotes_ls::catalog::Catalogs;
use talknotes_ls::pep_index::PepIndex;

mod counting;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

fn shared() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    [
        std::env::var_os("TALKNOTES_SHARED").map(PathBuf::from),
        Some(repo.join("../shared")),
        Some(repo.join("../../shared")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.join("data/pyvideo").is_dir())
}

/// Everything start-up does with catalogs: read them, read the PEP index,
/// and gather the known names facts are built with.
fn load(data: &Path) -> (Catalogs, PepIndex, usize) {
    let catalogs = Catalogs::load(&[data.join("pyvideo")]);
    let peps = PepIndex::load(&data.join("peps.json")).unwrap();
    let names = known_names(Some(&peps), &catalogs).len();
    (catalogs, peps, names)
}

fn main() {
    let Some(shared) = shared() else {
        eprintln!("note: ../shared/data is absent; the catalog benchmark is skipped");
        return;
    };
    let data = shared.join("data");
    // Memory first, on a cold process (rayon's pool is counted too, as
    // start-up pays for it).
    let before = counting::live();
    let (catalogs, peps, names) = load(&data);
    let held = counting::live() - before;
    println!(
        "loaded {} conferences, {} talks, {} PEPs, {} known names",
        catalogs.conferences.len(),
        catalogs.talk_count(),
        peps.len(),
        names
    );
    println!("memory held: {:.1} MiB", held as f64 / (1 << 20) as f64);
    drop((catalogs, peps));

    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            let loaded = load(&data);
            let t = start.elapsed();
            drop(loaded);
            t
        })
        .collect();
    times.sort();
    println!(
        "load time: best {:.1} ms, median {:.1} ms, worst {:.1} ms (15 runs)",
        times[0].as_secs_f64() * 1e3,
        times[7].as_secs_f64() * 1e3,
        times[14].as_secs_f64() * 1e3
    );
}
