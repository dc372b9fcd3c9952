//! What the five shared PyCon US catalog years and the full PEP index cost
//! at start-up: time to load (best and median of several runs) and the
//! memory they hold afterwards (live heap bytes, counted by a wrapping
//! allocator). Needs `../shared/data` (skipped with a note without it).
//!
//! `cargo bench -p talknotes-ls --bench catalogs`

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use talknotes_ls::analysis::known_names;
use talknotes_ls::catalog::Catalogs;
use talknotes_ls::pep_index::PepIndex;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

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
    let before = LIVE.load(Ordering::SeqCst);
    let (catalogs, peps, names) = load(&data);
    let held = LIVE.load(Ordering::SeqCst) - before;
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
