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
