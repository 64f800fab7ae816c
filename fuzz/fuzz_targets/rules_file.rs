//! The rules-file parser on arbitrary UTF-8: TOML syntax, unknown keys, every rule
//! kind's parameters, the `[calendar]`, `[scoring]`, `[[discipline]]` and `[input]`
//! tables, and the `when`/`require` SQL (compiled with polars).
//!
//! Invariants: no panic; a refused file has at least one diagnostic, each at a line and
//! column inside the text; an accepted file can be explained rule by rule.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match shouwen::rules::parse(text, "fuzz.toml", "") {
        Ok(set) => {
            for r in &set.rules {
                let _ = r.columns();
                shouwen::rules::explain(&set, &r.id).expect("an accepted rule explains");
            }
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "refused without a diagnostic");
            let lines = text.split('\n').count();
            for d in &diags {
                assert!(d.line >= 1 && d.line <= lines.max(1), "{d} ({lines} lines)");
                assert!(d.column >= 1, "{d}");
                let _ = d.to_string();
            }
        }
    }
});
