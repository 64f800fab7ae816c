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

/// The allocator of every program built with this library: mimalloc. The audit makes
/// and frees millions of small texts (cells, evidence, masked copies) on two threads and
/// grows and drops large columns phase by phase; with glibc's malloc about a quarter of
/// the main thread's samples were its own bookkeeping (`_int_malloc`,
/// `malloc_consolidate`, `unlink_chunk`), and the workbook's cells went through it one by
/// one. Measured side by side in bench/RESULTS.md (round 20).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`'s number in mimalloc.h of the pinned libmimalloc-sys (v3's
/// enum: show_errors 0 … deprecated_eager_commit_delay 14, purge_delay 15). A test checks
/// it reads the option's default (1000 ms in that version's options.c; the header's
/// comment says 10) before it is set.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// How long mimalloc waits before giving freed memory back to the system, in ms.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

/// Set the allocator up for an audit, first thing in `main`:
/// - freed memory is given back to the system after 0.1 s, not the default 1 s: a
///   phase's peak then holds little of what the phase before freed (at 10M cases, with
///   the default, the load's freed pages were still held when the rules ran: 4,021 MiB
///   against glibc's 3,818);
/// - no transparent huge pages for this process: mimalloc asks for them (`madvise`), and
///   a first touch of a huge page zeroes 2 MiB, and a purge splits one again. With them,
///   at 1M, system time was higher (1.9–2.4 s against 1.7–1.8 s) and so was the peak
///   (533–553 MiB against 470–499 MiB).
///
/// Measured side by side with glibc (bench/RESULTS.md, round 20): 1M `--format csv`
/// 6.1 s against 6.8 s, every output 9.8 s against 10.4 s (medians of six runs each);
/// 10M 3,619 MiB against 3,801 MiB.
pub fn configure_allocator() {
    // SAFETY: mi_option_set takes no pointer; called first thing in `main`, on the one
    // thread there is (mimalloc documents option setting as not thread safe).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
    #[cfg(target_os = "linux")]
    {
        extern "C" {
            fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
        }
        const PR_SET_THP_DISABLE: std::ffi::c_int = 41;
        let zero: std::ffi::c_ulong = 0;
        // SAFETY: PR_SET_THP_DISABLE takes four integer arguments (1 to disable, then
        // zeros) and only sets a flag of this process; a failure (an old kernel) leaves
        // huge pages as they were, which is harmless.
        unsafe {
            prctl(PR_SET_THP_DISABLE, 1 as std::ffi::c_ulong, zero, zero, zero);
        }
    }
}

/// Give the pages of freed memory back to the system between phases, so that what a
/// phase freed does not count as the process's memory while the next one allocates anew.
pub fn return_free_memory() {
    // SAFETY: mi_collect takes no pointer and may be called at any time; `force` returns
    // what it can to the system now (a few calls an audit: the cost does not matter).
    unsafe { libmimalloc_sys::mi_collect(true) }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allocator_is_mimalloc_set_up_for_an_audit() {
        // SAFETY: mi_option_get takes no pointer.
        let get = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        // Before it is set: options.c's default for purge_delay, 1000 ms (no other test
        // sets it; the environment can, as MIMALLOC_PURGE_DELAY). Another number (a
        // different option, after an upgrade) would read another default.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(
                get(),
                1000,
                "option {MI_OPTION_PURGE_DELAY} is not purge_delay"
            );
        }
        configure_allocator();
        assert_eq!(get(), PURGE_DELAY_MS);
        #[cfg(target_os = "linux")]
        {
            let status = std::fs::read_to_string("/proc/self/status").unwrap();
            // kernels before 6.x do not print the line; where printed, it is off
            if let Some(l) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
                assert_eq!(l.split_whitespace().nth(1), Some("0"), "{l}");
            }
        }
        // the allocator in use is mimalloc's: a block it gave is its own (SAFETY: the
        // pointer is only compared with its regions, not read)
        let b = Box::new([0u8; 100]);
        assert!(unsafe { libmimalloc_sys::mi_is_in_heap_region(b.as_ptr().cast()) });
        return_free_memory();
    }
}
