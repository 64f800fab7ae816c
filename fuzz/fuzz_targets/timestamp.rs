//! Timestamps and duration limits on arbitrary UTF-8: `timeparse::parse_timestamp` in
//! several timezones (with and without DST), `Limit::parse`, and, for an input
//! `TIME|LIMIT`, the deadline computed on the default rules' working-day calendar.
//!
//! Invariants: no panic; a parsed time formats back to text that parses to the same
//! second (UTC); a due instant is never before its start.
#![no_main]

use std::sync::OnceLock;

use chrono_tz::Tz;
use libfuzzer_sys::fuzz_target;
use shouwen::calendar::Calendar;
use shouwen::timeparse::{format_local, format_local_short, parse_timestamp, to_local, Limit};

const ZONES: &[Tz] = &[
    chrono_tz::Asia::Shanghai,
    chrono_tz::UTC,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
];

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| {
        shouwen::rules::parse(shouwen::rules::BUILT_IN_DEFAULT, "rules/default.toml", "")
            .expect("the built-in rules parse")
            .calendar
    })
}

fn check_time(s: &str) -> Vec<i64> {
    let mut out = vec![];
    for &tz in ZONES {
        if let Ok(ms) = parse_timestamp(s, tz) {
            let _ = to_local(ms, tz);
            let _ = format_local_short(ms, tz);
            let text = format_local(ms, tz);
            if tz == chrono_tz::UTC {
                let back = parse_timestamp(&text, tz)
                    .unwrap_or_else(|e| panic!("{s:?} → {ms} → {text:?} does not parse: {}", e.0));
                assert_eq!(back, ms.div_euclid(1000) * 1000, "{s:?} → {text:?}");
            }
            out.push(ms);
        }
    }
    out
}

fn check_limit(s: &str) -> Option<Limit> {
    let l = Limit::parse(s).ok()?;
    let _ = l.describe();
    match l {
        Limit::Millis(ms) => assert!(ms >= 0, "{s:?} → {ms}"),
        Limit::WorkingDays(_) => {}
    }
    Some(l)
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    check_time(s);
    check_limit(s);
    if let Some((a, b)) = s.split_once('|') {
        let times = check_time(a);
        if let (Some(&from), Some(limit)) = (times.first(), check_limit(b)) {
            for working in [false, true] {
                let due = calendar().due(from, limit, working);
                assert!(due >= from, "{s:?}: due {due} before start {from}");
            }
        }
    }
});
