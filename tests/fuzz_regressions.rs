//! Regression tests for what the `cargo fuzz` targets in `fuzz/` found (issue 7). Each
//! test is named after its finding and uses the input the fuzzer produced; how the
//! fuzzers are run, and for how long, is in `tests/fuzz/README.md`.

use shouwen::calendar::Calendar;
use shouwen::timeparse::{parse_timestamp, Limit, MAX_LIMIT_DAYS, MAX_LIMIT_WORKING_DAYS};

/// A deadline rule with `within = LIMIT`, otherwise like `rules/default.toml`'s RESP-24H.
fn deadline_rules(limit: &str) -> String {
    format!(
        "[[rule]]\nid = \"RESP\"\ntitle = \"回应\"\nkind = \"deadline\"\nseverity = \"major\"\n\
         points = 2\nbasis = \"及时回应原则\"\nfrom = \"received_at\"\nto = \"first_response_at\"\n\
         within = \"{limit}\"\n"
    )
}

/// Fuzz target `timestamp`, input `2026-02-14 08:00|99999999999999d`: the limit was read
/// as i64::MAX milliseconds (a saturating float cast), and adding it to the start time
/// overflowed (a panic with overflow checks; in release a due time wrapped into the past,
/// so every case would have been late).
#[test]
fn limit_of_99999999999999_days_is_rejected_not_overflowing_the_due_time() {
    let e = Limit::parse("99999999999999d").unwrap_err();
    assert!(
        e.contains("99999999999999d") && e.contains("ten years"),
        "{e}"
    );
    for huge in [
        "99999999999999h",
        "3651d",
        "87601h",
        "9999999999m",
        "2501wd",
        "1e3d",
    ] {
        assert!(Limit::parse(huge).is_err(), "{huge} accepted");
    }
    // The longest accepted limits still give a due time after the start.
    let from = parse_timestamp("2026-02-14 08:00", chrono_tz::Asia::Shanghai).unwrap();
    let cal = Calendar::default();
    for longest in [
        format!("{MAX_LIMIT_DAYS}d"),
        format!("{}h", MAX_LIMIT_DAYS * 24),
        format!("{MAX_LIMIT_WORKING_DAYS}wd"),
    ] {
        let limit = Limit::parse(&longest).unwrap();
        for working in [false, true] {
            let due = cal.due(from, limit, working);
            assert!(due > from, "{longest} working={working}: due {due}");
        }
    }
    // A limit made some other way than parsing saturates instead of wrapping.
    assert_eq!(cal.due(from, Limit::Millis(i64::MAX), false), i64::MAX);
}

/// The same finding through a rules file: the huge limit is a diagnostic at its line and
/// column, as every rules-file error is (`shouwen rules check` exits 2).
#[test]
fn rules_file_with_a_99999999999999_day_deadline_is_a_diagnostic() {
    let text = deadline_rules("99999999999999d");
    let diags = shouwen::rules::parse(&text, "huge.toml", "").unwrap_err();
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!((d.line, d.column), (10, 10), "{d}");
    assert!(d.message.contains("ten years"), "{d}");
    assert!(shouwen::rules::parse(&deadline_rules("3650d"), "ok.toml", "").is_ok());
}

/// Fuzz target `rules_file`, a mutated `rules/default.toml` whose PROMISE-TIME `when`
/// read `resolved_at > first_response_at + INTERVAL '+ hour'`: polars' SQL front end
/// unwraps the parse of an interval string, so the rules parser panicked (and
/// `shouwen rules check` crashed) instead of pointing at the expression.
#[test]
fn sql_interval_polars_cannot_read_is_a_diagnostic_not_a_panic() {
    for interval in ["+ hour", "hour", "1 fortnight", "1h 2", "x"] {
        let text = format!(
            "[[rule]]\nid = \"PROMISE-TIME\"\ntitle = \"告知预计解决时间\"\nkind = \"expression\"\n\
             severity = \"minor\"\npoints = 1\nbasis = \"4.6\"\n\
             when = \"resolved_at > first_response_at + INTERVAL '{interval}'\"\n\
             require = \"promised_at IS NOT NULL\"\n"
        );
        let diags = shouwen::rules::parse(&text, "interval.toml", "")
            .expect_err(&format!("INTERVAL '{interval}' accepted"));
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert_eq!((d.line, d.column), (8, 8), "{d}");
        assert!(
            d.message.contains("`when` is not a valid SQL expression"),
            "{d}"
        );
        if interval == "+ hour" {
            // The fuzzer's input: the panic itself, caught and reported.
            assert!(d.message.contains("cannot read it"), "{d}");
        }
    }
    // What the default rules write still compiles.
    let ok = "[[rule]]\nid = \"P\"\ntitle = \"t\"\nkind = \"expression\"\nseverity = \"minor\"\n\
              points = 1\nbasis = \"b\"\n\
              when = \"resolved_at > first_response_at + INTERVAL '1 hour'\"\n\
              require = \"promised_at IS NOT NULL\"\n";
    assert!(shouwen::rules::parse(ok, "ok.toml", "").is_ok());
}
