//! Two pieces of work side by side, for the two cores the audit is sized for.

/// Runs `a` on this thread and `b` on a second one; both results, in that order. A panic
/// in either is raised again here, as if both had run on this thread.
pub fn both<A, B: Send>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|s| {
        let b = s.spawn(b);
        let a = a();
        (a, b.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })
}

/// Give the pages of freed memory back to the system. glibc keeps what a phase freed in
/// its heaps (the parse threads' arenas above all), where it still counts as the
/// process's memory while the next phase allocates anew; `malloc_trim` returns the free
/// pages inside the heaps too, not only at their tops. Elsewhere a no-op.
pub fn return_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim takes no pointer and may be called at any time; it only
        // releases pages that no allocation holds.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// This process's memory now and its peak so far, in bytes (Linux: VmRSS and VmHWM of
/// /proc/self/status); `None` elsewhere. For `--timings` only: it never reaches a report.
/// The peak is never reset (that would also reset what `/usr/bin/time` and the benchmark
/// measure), so each phase's figure is the peak up to its end.
pub fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    Some((proc_kib(&status, "VmRSS:")?, proc_kib(&status, "VmHWM:")?))
}

/// A `Key: N kB` line of a /proc file's text (`/proc/meminfo`, `/proc/self/status`), in
/// bytes.
pub fn proc_kib(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
