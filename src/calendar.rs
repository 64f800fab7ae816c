//! The working-day calendar of `[calendar]`: work weekdays, public holidays and make-up
//! working days (调休), and deadlines counted on it.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use crate::timeparse::{local_to_utc_millis, to_local, Limit};

#[derive(Debug, Clone)]
pub struct Calendar {
    pub tz: Tz,
    /// Working weekdays, 1 = Monday … 7 = Sunday.
    pub workdays: BTreeSet<u32>,
    pub holidays: BTreeSet<NaiveDate>,
    pub makeup_workdays: BTreeSet<NaiveDate>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            tz: chrono_tz::Asia::Shanghai,
            workdays: (1..=5).collect(),
            holidays: BTreeSet::new(),
            makeup_workdays: BTreeSet::new(),
        }
    }
}

/// How far ahead a deadline may be searched (ten years of days).
const MAX_DAYS: usize = 3660;

impl Calendar {
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.makeup_workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        self.workdays.contains(&d.weekday().number_from_monday())
    }

    /// What the calendar changes between the day of `from_ms` and the day of `to_ms`, for
    /// a working-day deadline's evidence: `其间 2026-10-01 至 2026-10-07 放假不计，
    /// 2026-10-10 周六调休上班计入`; empty when nothing. An employee counting "Friday plus
    /// three working days" by the week alone must see which days the deadline skipped
    /// and which weekend days it counted.
    pub fn exceptions_between(&self, from_ms: i64, to_ms: i64) -> String {
        // A due time at 00:00 ends the day before: that day is not counted.
        let (a, b) = (
            to_local(from_ms, self.tz).date(),
            to_local(to_ms.saturating_sub(1).max(from_ms), self.tz).date(),
        );
        if b < a {
            return String::new();
        }
        let mut parts: Vec<String> = vec![];
        // Runs of consecutive holidays, each shown as one span.
        let mut run: Option<(NaiveDate, NaiveDate)> = None;
        let mut spans: Vec<(NaiveDate, NaiveDate)> = vec![];
        for &d in self.holidays.range(a..=b) {
            run = match run {
                Some((s, e)) if e.succ_opt() == Some(d) => Some((s, d)),
                Some(r) => {
                    spans.push(r);
                    Some((d, d))
                }
                None => Some((d, d)),
            };
        }
        spans.extend(run);
        if !spans.is_empty() {
            let shown: Vec<String> = spans
                .iter()
                .map(|(s, e)| {
                    if s == e {
                        s.format("%Y-%m-%d").to_string()
                    } else {
                        format!("{} 至 {}", s.format("%Y-%m-%d"), e.format("%Y-%m-%d"))
                    }
                })
                .collect();
            parts.push(format!("{} 放假不计", shown.join("、")));
        }
        let makeup: Vec<String> = self
            .makeup_workdays
            .range(a..=b)
            .map(|d| {
                const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
                let w = DAYS[d.weekday().num_days_from_monday() as usize];
                format!("{} {w}", d.format("%Y-%m-%d"))
            })
            .collect();
        if !makeup.is_empty() {
            parts.push(format!("{}调休上班计入", makeup.join("、")));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("其间 {}", parts.join("，"))
        }
    }

    /// The years among `years` for which the calendar lists neither a holiday nor a
    /// make-up working day: a calendar kept for 2026 but not yet for 2027 would count 元旦
    /// and 春节 2027 as working days without a word. A rules file with no holidays at all
    /// (no `[calendar]`, or `holidays = []`) names every year: a custom rules file written
    /// without the calendar counted 国庆 as working days, and charged deadlines that
    /// spanned it, with no warning.
    pub fn years_not_listed(&self, years: &BTreeSet<i32>) -> Vec<i32> {
        let listed: BTreeSet<i32> = self
            .holidays
            .iter()
            .chain(&self.makeup_workdays)
            .map(|d| d.year())
            .collect();
        years.difference(&listed).copied().collect()
    }

    /// The instant by which something started at `from_ms` is due, for a limit on the
    /// `calendar` clock (`working = false`) or the `working` clock (only time on working
    /// days counts). `Limit::WorkingDays(n)` is always counted on the calendar of working
    /// days: the same time of day on the n-th working day after the start (a start on a
    /// non-working day counts from 00:00 of the next working day).
    pub fn due(&self, from_ms: i64, limit: Limit, working: bool) -> i64 {
        match (limit, working) {
            (Limit::Millis(ms), false) => from_ms.saturating_add(ms),
            (Limit::Millis(ms), true) => self.add_working_millis(from_ms, ms),
            (Limit::WorkingDays(n), _) => self.add_working_days(from_ms, n),
        }
    }

    fn start_on_working_day(&self, from_ms: i64) -> Option<NaiveDateTime> {
        let mut t = to_local(from_ms, self.tz);
        for _ in 0..MAX_DAYS {
            if self.is_working_day(t.date()) {
                return Some(t);
            }
            t = t.date().succ_opt()?.and_time(NaiveTime::MIN);
        }
        None
    }

    fn add_working_days(&self, from_ms: i64, n: u32) -> i64 {
        let Some(start) = self.start_on_working_day(from_ms) else {
            return i64::MAX;
        };
        let mut d = start.date();
        let mut left = n;
        for _ in 0..MAX_DAYS {
            if left == 0 {
                break;
            }
            let Some(next) = d.succ_opt() else {
                return i64::MAX;
            };
            d = next;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        if left > 0 {
            return i64::MAX;
        }
        local_to_utc_millis(d.and_time(start.time()), self.tz)
    }

    /// The working-clock time from `from_ms` to `to_ms`: only the parts of working days
    /// count (what `clock = "working"` measures; 0 when `to_ms` is not later).
    pub fn working_millis_between(&self, from_ms: i64, to_ms: i64) -> i64 {
        if to_ms <= from_ms {
            return 0;
        }
        let (mut cursor, end) = (to_local(from_ms, self.tz), to_local(to_ms, self.tz));
        let mut total = 0;
        for _ in 0..MAX_DAYS {
            let Some(next_day) = cursor.date().succ_opt() else {
                break;
            };
            let midnight = next_day.and_time(NaiveTime::MIN);
            let stop = end.min(midnight);
            if self.is_working_day(cursor.date()) && stop > cursor {
                total += (stop - cursor).num_milliseconds();
            }
            if end <= midnight {
                break;
            }
            cursor = midnight;
        }
        total
    }

    fn add_working_millis(&self, from_ms: i64, ms: i64) -> i64 {
        let Some(mut cursor) = self.start_on_working_day(from_ms) else {
            return i64::MAX;
        };
        let mut left = ms;
        for _ in 0..MAX_DAYS {
            let Some(next_day) = cursor.date().succ_opt() else {
                return i64::MAX;
            };
            let midnight = next_day.and_time(NaiveTime::MIN);
            if self.is_working_day(cursor.date()) {
                let available = (midnight - cursor).num_milliseconds();
                if left <= available {
                    let due = cursor + chrono::Duration::milliseconds(left);
                    return local_to_utc_millis(due, self.tz);
                }
                left -= available;
            }
            cursor = midnight;
        }
        i64::MAX
    }
}

/// Parse `2026-10-01` or a range `2026-10-01..2026-10-07` (inclusive) into dates.
pub fn parse_dates(s: &str) -> Result<Vec<NaiveDate>, String> {
    let one = |t: &str| {
        NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| {
            format!("bad date `{t}`: expected YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD")
        })
    };
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (one(a)?, one(b)?);
            if b < a {
                return Err(format!("range `{s}` ends before it starts"));
            }
            if (b - a).num_days() > 366 {
                return Err(format!("range `{s}` is longer than a year"));
            }
            Ok(a.iter_days().take_while(|d| *d <= b).collect())
        }
        None => Ok(vec![one(s)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeparse::{format_local, parse_timestamp};

    fn cal_2026() -> Calendar {
        let mut c = Calendar::default();
        for h in [
            "2026-01-01..2026-01-03",
            "2026-02-15..2026-02-23",
            "2026-04-04..2026-04-06",
            "2026-05-01..2026-05-05",
            "2026-06-19..2026-06-21",
            "2026-09-25..2026-09-27",
            "2026-10-01..2026-10-07",
        ] {
            c.holidays.extend(parse_dates(h).unwrap());
        }
        for m in [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ] {
            c.makeup_workdays.extend(parse_dates(m).unwrap());
        }
        c
    }

    fn t(s: &str) -> i64 {
        parse_timestamp(s, chrono_tz::Asia::Shanghai).unwrap()
    }
    fn f(ms: i64) -> String {
        format_local(ms, chrono_tz::Asia::Shanghai)
    }

    #[test]
    fn national_day_and_its_makeup_saturday() {
        let c = cal_2026();
        // Wed 30 Sep, 1 working day: 1–7 Oct are holidays, Thu 8 Oct is the next working day.
        assert_eq!(
            f(c.due(t("2026-09-30 10:00"), Limit::WorkingDays(1), false)),
            "2026-10-08 10:00:00"
        );
        // Fri 9 Oct + 1 wd = Sat 10 Oct, a 调休 working day.
        assert_eq!(
            f(c.due(t("2026-10-09 15:00"), Limit::WorkingDays(1), false)),
            "2026-10-10 15:00:00"
        );
        // Received during the holiday: counting starts 00:00 on 8 Oct; 2 wd → 00:00 on 10 Oct.
        assert_eq!(
            f(c.due(t("2026-10-03 09:00"), Limit::WorkingDays(2), false)),
            "2026-10-10 00:00:00"
        );
        assert!(c.is_working_day(NaiveDate::from_ymd_opt(2026, 9, 20).unwrap()));
        assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2026, 9, 26).unwrap()));
    }

    /// A working-day deadline's evidence names what the calendar changed on the way:
    /// holidays skipped (a run shown as one span) and make-up working days counted.
    #[test]
    fn the_days_a_deadline_skipped_and_counted_are_named() {
        let c = cal_2026();
        // three working days from `from`: when due, and what the evidence says of it
        let three_days = |from: &str| {
            let due = c.due(t(from), Limit::WorkingDays(3), false);
            (f(due), c.exceptions_between(t(from), due))
        };
        assert_eq!(
            three_days("2026-09-30 10:00"),
            (
                "2026-10-10 10:00:00".to_string(),
                "其间 2026-10-01 至 2026-10-07 放假不计，2026-10-10 周六调休上班计入".to_string()
            )
        );
        // Fri 18 Sep + 3 wd: Sun 20 Sep is a make-up working day, so due Tue 22 Sep.
        assert_eq!(
            three_days("2026-09-18 10:00"),
            (
                "2026-09-22 10:00:00".to_string(),
                "其间 2026-09-20 周日调休上班计入".to_string()
            )
        );
        // Two separate holidays, and an ordinary week: nothing to say.
        assert_eq!(
            c.exceptions_between(t("2026-09-24 10:00"), t("2026-10-02 10:00")),
            "其间 2026-09-25 至 2026-09-27、2026-10-01 至 2026-10-02 放假不计"
        );
        assert_eq!(
            c.exceptions_between(t("2026-11-02 10:00"), t("2026-11-05 10:00")),
            ""
        );
        // Due at 00:00 on a holiday: the holiday was not reached, so not named.
        assert_eq!(
            c.exceptions_between(t("2026-09-28 00:00"), t("2026-10-01 00:00")),
            ""
        );
    }

    #[test]
    fn working_clock_skips_holidays_and_weekends() {
        let c = cal_2026();
        // 30 Sep 20:00 + 24 working hours: 4 h left on 30 Sep, then 20 h on 8 Oct.
        assert_eq!(
            f(c.due(t("2026-09-30 20:00"), Limit::Millis(24 * 3_600_000), true)),
            "2026-10-08 20:00:00"
        );
        // The calendar clock ignores the calendar.
        assert_eq!(
            f(c.due(t("2026-09-30 20:00"), Limit::Millis(24 * 3_600_000), false)),
            "2026-10-01 20:00:00"
        );
    }

    #[test]
    fn working_time_between_two_instants() {
        let c = cal_2026();
        // Fri 10-16 17:00 → Mon 10-19 17:00:01: 7 h on Friday, 17 h 0 m 1 s on Monday.
        let ms = c.working_millis_between(t("2026-10-16 17:00"), t("2026-10-19 17:00:01"));
        assert_eq!(ms, 24 * 3_600_000 + 1000);
        // The inverse of the working clock's due time: 24 working hours from a Friday.
        let from = t("2026-10-16 17:00");
        let due = c.due(from, Limit::Millis(24 * 3_600_000), true);
        assert_eq!(c.working_millis_between(from, due), 24 * 3_600_000);
        // 国庆 (10-01..10-07) does not count; the make-up Saturday 10-10 does.
        let ms = c.working_millis_between(t("2026-09-30 12:00"), t("2026-10-08 12:00"));
        assert_eq!(ms, 24 * 3_600_000);
        assert_eq!(c.working_millis_between(from, from - 1), 0);
    }

    #[test]
    fn years_without_holidays_are_named() {
        let c = cal_2026();
        let years: BTreeSet<i32> = [2025, 2026, 2027].into();
        assert_eq!(c.years_not_listed(&years), [2025, 2027]);
        assert!(c.years_not_listed(&[2026].into()).is_empty());
        // a make-up day alone marks its year as listed
        let mut c = cal_2026();
        c.makeup_workdays
            .insert(NaiveDate::from_ymd_opt(2027, 2, 20).unwrap());
        assert_eq!(c.years_not_listed(&years), [2025]);
        // no holidays at all: every year is named
        assert_eq!(
            Calendar::default().years_not_listed(&years),
            [2025, 2026, 2027]
        );
    }

    #[test]
    fn date_ranges() {
        assert_eq!(parse_dates("2026-10-01..2026-10-07").unwrap().len(), 7);
        assert!(parse_dates("2026-10-07..2026-10-01").is_err());
        assert!(parse_dates("2026/10/01").is_err());
    }
}
