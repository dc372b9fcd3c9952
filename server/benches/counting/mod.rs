//! A global allocator that counts the live heap bytes (Rust's heap only:
//! tree-sitter's C allocations are not seen), for the benchmarks that
//! report memory held.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

pub struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static BLOCKS: AtomicIsize = AtomicIsize::new(0);
static CHUNKS: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

/// What glibc's malloc takes for an allocation of `size` bytes on 64-bit
/// Linux: the size and an 8-byte header, rounded up to 16, 32 at least.
/// That, not the size, is what a process's heap holds: a server that holds
/// a million small allocations holds ~15 MiB more than their sizes.
fn chunk(size: usize) -> isize {
    ((size + 8 + 15) & !15).max(32) as isize
}

/// Bytes malloc holds for the allocations not yet freed (see [`chunk`];
/// large ones are mapped by pages, which this ignores).
#[allow(dead_code)] // Not every bench reads it.
pub fn held() -> isize {
    CHUNKS.load(Ordering::SeqCst)
}

/// Allocations not yet freed (each costs the C allocator 8 to 24 bytes
/// more than its size).
#[allow(dead_code)] // Not every bench reads it.
pub fn blocks() -> isize {
    BLOCKS.load(Ordering::SeqCst)
}

/// The most bytes malloc held (see [`held`]) since the last call; the
/// next period starts at what it holds now.
#[allow(dead_code)] // Not every bench reads it.
pub fn take_peak() -> isize {
    PEAK.swap(CHUNKS.load(Ordering::SeqCst), Ordering::SeqCst)
}

fn grew(by: isize) {
    let now = CHUNKS.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

/// Bytes allocated and not yet freed.
pub fn live() -> isize {
    LIVE.load(Ordering::SeqCst)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        grew(chunk(layout.size()));
        BLOCKS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        CHUNKS.fetch_sub(chunk(layout.size()), Ordering::Relaxed);
        BLOCKS.fetch_sub(1, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // For a moment both blocks are held, when realloc moves one.
        grew(chunk(new_size));
        CHUNKS.fetch_sub(chunk(layout.size()), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
