//! Tuning of the C allocator (glibc's malloc, which tree-sitter's trees
//! and Rust's heap both use on Linux): no-ops elsewhere.

/// Caps glibc's malloc arenas at two. glibc gives each thread that
/// allocates its own arena (up to eight per core) and keeps freed memory
/// in it: indexing on the rayon pool, tokio's workers and its blocking
/// threads each grow one. Two arenas (two cores' worth of parsing) kept
/// the benchmark's peak at 1,000 notes at 122 MB instead of 140 MB, with
/// no measurable cost in indexing time; one arena doubled the time (the
/// parsing threads then wait on its lock). A `MALLOC_ARENA_MAX` set by the
/// user wins. Call before any thread starts.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable; called before other threads.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// Gives the memory freed since to the system (after indexing: the parse
/// trees of thousands of notes come and go, and the allocator otherwise
/// keeps their pages).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim is thread-safe (it locks each arena).
    unsafe {
        libc::malloc_trim(0);
    }
}
