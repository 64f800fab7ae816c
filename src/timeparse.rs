//! Timestamps as reception logs write them.
//!
//! Accepted (SPEC, Input): `2026-10-03 09:05[:00]`, `2026/10/3 9:05`,
//! `2026-10-03T09:05:00+08:00`, `2026年10月3日 9:05`, plus a bare date (midnight),
//! fractional seconds, `Z`/`±HH:MM`/`±HHMM` offsets, full-width digits, and the US
//! `MM/DD/YYYY hh:mm:ss AM` of public 311 exports. A time without an offset is local
//! time in the rules file's timezone. Everything becomes milliseconds since the Unix
//! epoch (UTC), so durations are real elapsed time even across a DST change.

use chrono::{LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// Why a text is not a timestamp; shown to users in rejected.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError(pub String);

/// Parse `s` as a timestamp in `tz` (unless it carries an offset), to epoch milliseconds.
pub fn parse_timestamp(s: &str, tz: Tz) -> Result<i64, TimeError> {
    parse_stamp(s, tz).map(|(ms, _)| ms)
}

/// [`parse_timestamp`], and whether `s` was a date without a time of day (read as its
/// local midnight: when in the day it happened is unknown).
pub fn parse_stamp(s: &str, tz: Tz) -> Result<(i64, bool), TimeError> {
    parse_stamp_in(s, tz, DateOrder::MonthFirst)
}

/// Which of two numbers before a year comes first, `03/10/2026`: the month (US order,
/// as NYC/LA 311 exports write it) or the day (as Hong Kong and Europe write it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    #[default]
    MonthFirst,
    DayFirst,
}

impl DateOrder {
    /// `[input] date_order`: `month-first` or `day-first` (`auto` is `None`).
    pub fn parse(s: &str) -> Option<Option<DateOrder>> {
        match s {
            "auto" => Some(None),
            "month-first" => Some(Some(DateOrder::MonthFirst)),
            "day-first" => Some(Some(DateOrder::DayFirst)),
            _ => None,
        }
    }

    /// How the order is written: `月/日/年` or `日/月/年`.
    pub fn pattern(self) -> &'static str {
        match self {
            DateOrder::MonthFirst => "月/日/年",
            DateOrder::DayFirst => "日/月/年",
        }
    }
}

/// What a date written with its year last (`13/10/2026`, `3.10.2026`) says of the
/// order: `Some(Some(order))` when only one order can read it (a number above 12 stands
/// first or second), `Some(None)` when both can, `None` for any other text (a date
/// with its year first, the usual form, is settled by a glance at its first bytes).
pub fn year_last_order(s: &str) -> Option<Option<DateOrder>> {
    // Full-width digits (１３/１０/２０２６) are read as ASCII, as the parser reads them.
    if s.starts_with(|c| ('０'..='９').contains(&c)) {
        return year_last_order(&normalize(s));
    }
    let (a, an, rest) = take_num(s)?;
    let sep = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '/' | '-' | '.'))?;
    let rest = &rest[1..];
    if an > 2 {
        return None;
    }
    let (m, mn, rest) = take_num(rest)?;
    let rest = rest.strip_prefix(sep)?;
    let (_, yn, _) = take_num(rest)?;
    if mn > 2 || yn != 4 || a == 0 || m == 0 {
        return None;
    }
    Some(match (a > 12, m > 12) {
        (true, false) if a <= 31 => Some(DateOrder::DayFirst),
        (false, true) if m <= 31 => Some(DateOrder::MonthFirst),
        (false, false) => None,
        _ => return None,
    })
}

/// [`parse_stamp`] with a date whose year comes last read in `order`.
pub fn parse_stamp_in(s: &str, tz: Tz, order: DateOrder) -> Result<(i64, bool), TimeError> {
    if let Some(naive) = plain_iso(s.as_bytes()) {
        return Ok((local_to_utc_millis(naive, tz), false));
    }
    let norm = normalize(s);
    let t = norm.trim();
    if t.is_empty() {
        return Err(TimeError("empty".into()));
    }
    let (naive, offset_secs, date_only) = parse_parts(t, order)?;
    Ok((instant(naive, offset_secs, tz), date_only))
}

fn instant(naive: NaiveDateTime, offset_secs: Option<i32>, tz: Tz) -> i64 {
    match offset_secs {
        Some(off) => {
            (naive.and_utc().timestamp() - off as i64) * 1000
                + naive.and_utc().timestamp_subsec_millis() as i64
        }
        None => local_to_utc_millis(naive, tz),
    }
}

/// Whether `s` is a time of day alone (`09:05`, `下午3:05`, an Excel time cell), as an
/// export writes it beside a date column of its own (受理日期 | 受理时间).
pub fn is_time_of_day(s: &str) -> bool {
    time_of_day_alone(normalize(s).trim())
}

/// [`is_time_of_day`] of a normalised, trimmed text.
fn time_of_day_alone(t: &str) -> bool {
    !t.is_empty() && !t.contains(['-', '/', '.', '年']) && parse_time(t).is_ok()
}

/// A date column and a time-of-day column of one event joined (受理日期 `2026/3/10`,
/// 受理时间 `9:05`). The date may carry a time of 00:00 (an Excel date cell read with
/// its midnight), which the time of day replaces.
pub fn join_date_time(date: &str, time: &str, tz: Tz, order: DateOrder) -> Result<i64, TimeError> {
    let d = normalize(date);
    // A date written as digits alone (20261003) joins as any other.
    let compact = match compact_stamp(d.trim()) {
        Some(Ok((dt, None, true))) => Some(dt.date()),
        Some(Err(e)) => return Err(e),
        _ => None,
    };
    let (day, rest) = match compact {
        Some(day) => (day, ""),
        None => parse_date(d.trim(), order)?,
    };
    let rest = rest.trim_start_matches(['T', 't', ' ']).trim();
    if !rest.is_empty() && parse_time(rest).map(|(t, _)| t) != Ok(NaiveTime::MIN) {
        return Err(err(
            "its date column holds a time of day as well, so the two cannot be joined",
        ));
    }
    let t = normalize(time);
    let (tod, offset) = parse_time(t.trim())?;
    Ok(instant(day.and_time(tod), offset, tz))
}

/// The last second of the local day of `ms` in `tz` (23:59:59): the latest instant a
/// time written as that date alone stands for (a receipt dated the 3rd and a response
/// dated the 5th are 24 hours and a second apart at least: late whatever the hours).
pub fn day_end(ms: i64, tz: Tz) -> i64 {
    let day = to_local(ms, tz).date();
    match day.succ_opt() {
        Some(next) => local_to_utc_millis(next.and_time(NaiveTime::MIN), tz) - 1000,
        None => ms,
    }
}

/// The form nearly every export writes, `2026-10-03 09:05[:00]` in ASCII, read without
/// the general parser's allocations; anything else (or out of range) is `None` and goes
/// the general way, which gives the same instant or says what is wrong.
fn plain_iso(b: &[u8]) -> Option<NaiveDateTime> {
    if !(b.len() == 16 || b.len() == 19) {
        return None;
    }
    let d = |i: usize| -> Option<u32> {
        let c = *b.get(i)?;
        c.is_ascii_digit().then(|| (c - b'0') as u32)
    };
    let two = |i: usize| Some(d(i)? * 10 + d(i + 1)?);
    if b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' {
        return None;
    }
    let y = two(0)? * 100 + two(2)?;
    let (m, day, h, mi) = (two(5)?, two(8)?, two(11)?, two(14)?);
    let sec = if b.len() == 19 {
        if b[16] != b':' {
            return None;
        }
        two(17)?
    } else {
        0
    };
    if !(1900..=2999).contains(&y) || !(1..=12).contains(&m) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, day)?.and_hms_opt(h, mi, sec)
}

thread_local! {
    /// Recent days whose UTC offset is the same all day, by (timezone, day): converting a
    /// million timestamps then costs a lookup each, not a search of the zone's history.
    static DAY_OFFSETS: std::cell::RefCell<[Option<(Tz, i64, i64)>; 64]> =
        const { std::cell::RefCell::new([None; 64]) };
}

/// The offset (local − UTC, seconds) in force all through the local or UTC day `day`
/// (days since 1970-01-01; `utc` says which), when there is no change of offset in it.
fn whole_day_offset(tz: Tz, day: i64, utc: bool) -> Option<i64> {
    let slot = (day.rem_euclid(32) as usize) * 2 + usize::from(utc);
    if let Some(hit) = DAY_OFFSETS.with(|c| c.borrow()[slot]) {
        if hit.0 == tz && hit.1 == day {
            return Some(hit.2);
        }
    }
    let start = NaiveDate::from_ymd_opt(1970, 1, 1)?
        .checked_add_signed(chrono::Duration::days(day))?
        .and_time(NaiveTime::MIN);
    let end = start + chrono::Duration::seconds(86_399);
    let off = |t: NaiveDateTime| -> Option<i64> {
        let o = if utc {
            tz.offset_from_utc_datetime(&t)
        } else {
            match tz.offset_from_local_datetime(&t) {
                LocalResult::Single(o) => o,
                _ => return None,
            }
        };
        Some(chrono::Offset::fix(&o).local_minus_utc() as i64)
    };
    let (a, b) = (off(start)?, off(end)?);
    if a != b {
        return None;
    }
    DAY_OFFSETS.with(|c| c.borrow_mut()[slot] = Some((tz, day, a)));
    Some(a)
}

/// Local wall-clock time → UTC milliseconds. An ambiguous time (DST fall-back) takes the
/// earlier instant; a time in a DST gap is read with the offset in force before the gap.
pub fn local_to_utc_millis(naive: NaiveDateTime, tz: Tz) -> i64 {
    let local_ms = naive.and_utc().timestamp_millis();
    if let Some(off) = whole_day_offset(tz, local_ms.div_euclid(86_400_000), false) {
        return local_ms - off * 1000;
    }
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => dt.timestamp_millis(),
        LocalResult::Ambiguous(a, _) => a.timestamp_millis(),
        LocalResult::None => {
            let before = naive - chrono::Duration::hours(3);
            let off = match tz.from_local_datetime(&before) {
                LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => {
                    chrono::Offset::fix(dt.offset()).local_minus_utc()
                }
                LocalResult::None => 0,
            };
            (naive.and_utc().timestamp() - off as i64) * 1000
                + naive.and_utc().timestamp_subsec_millis() as i64
        }
    }
}

/// Epoch milliseconds → local wall-clock time in `tz`.
pub fn to_local(ms: i64, tz: Tz) -> NaiveDateTime {
    if let Some(off) = whole_day_offset(tz, ms.div_euclid(86_400_000), true) {
        if let Some(t) = chrono::DateTime::from_timestamp_millis(ms + off * 1000) {
            return t.naive_utc();
        }
    }
    match tz.timestamp_millis_opt(ms) {
        LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => dt.naive_local(),
        LocalResult::None => chrono::DateTime::from_timestamp_millis(ms)
            .map(|d| d.naive_utc())
            .unwrap_or_default(),
    }
}

/// `2026-10-03 09:05:00` in `tz`.
pub fn format_local(ms: i64, tz: Tz) -> String {
    to_local(ms, tz).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `2026-10-03 09:05` in `tz` (for evidence text), with the seconds (and milliseconds)
/// when the time has them: evidence that two times differ must show them differing.
pub fn format_local_short(ms: i64, tz: Tz) -> String {
    let t = to_local(ms, tz);
    let f = if ms.rem_euclid(1000) != 0 {
        "%Y-%m-%d %H:%M:%S%.3f"
    } else if ms.rem_euclid(60_000) != 0 {
        "%Y-%m-%d %H:%M:%S"
    } else {
        "%Y-%m-%d %H:%M"
    };
    t.format(f).to_string()
}

/// Full-width ASCII (０-９, ：, ／, －, ＋, Ｔ, spaces) to half-width.
fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

fn err(msg: &str) -> TimeError {
    TimeError(msg.to_string())
}

/// The local date and time, the offset written with it, and whether it was a date alone.
/// A time as read: local date and time, its UTC offset if written, and whether it was a
/// date alone.
type Parts = (NaiveDateTime, Option<i32>, bool);

fn parse_parts(t: &str, order: DateOrder) -> Result<Parts, TimeError> {
    if let Some(compact) = compact_stamp(t) {
        return compact;
    }
    if looks_like_excel_serial(t) {
        return Err(err(
            "a bare number (an Excel serial date?): in a workbook, format the column as a date and time (设置单元格格式 → 日期), or write the date and time as text, e.g. 2026-10-03 09:05",
        ));
    }
    // `09:05` alone (an Excel time cell, a 受理时间 column beside a 受理日期 one).
    if time_of_day_alone(t) {
        return Err(err(
            "a time of day without a date; expected a date and time, e.g. 2026-10-03 09:05 (an export that keeps the date in a column of its own needs the two joined)",
        ));
    }
    let (date, rest) = parse_date(t, order)?;
    let rest = rest.trim_start_matches(['T', 't', ' ']).trim();
    if rest.is_empty() {
        return Ok((date.and_time(NaiveTime::MIN), None, true));
    }
    let (time, offset) = parse_time(rest)?;
    Ok((date.and_time(time), offset, false))
}

/// The digits-only forms Chinese ticket systems export: `20190425` (a date),
/// `201904250932`, `20190425093209`; a year from 1900 to 2100. `None` for any other text.
fn compact_stamp(t: &str) -> Option<Result<Parts, TimeError>> {
    if !matches!(t.len(), 8 | 12 | 14) || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| t[a..b].parse::<u32>().unwrap_or(u32::MAX);
    let year = n(0, 4);
    if !(1900..=2100).contains(&year) {
        return None;
    }
    let Some(date) = NaiveDate::from_ymd_opt(year as i32, n(4, 6), n(6, 8)) else {
        return Some(Err(err(
            "a date written as digits (YYYYMMDD) that does not exist",
        )));
    };
    if t.len() == 8 {
        return Some(Ok((date.and_time(NaiveTime::MIN), None, true)));
    }
    let sec = if t.len() == 14 { n(12, 14) } else { 0 };
    Some(
        NaiveTime::from_hms_opt(n(8, 10), n(10, 12), sec)
            .map(|time| (date.and_time(time), None, false))
            .ok_or_else(|| err("a time written as digits (YYYYMMDDHHMMSS) that does not exist")),
    )
}

fn looks_like_excel_serial(t: &str) -> bool {
    let mut parts = t.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next().unwrap_or("0");
    (4..=6).contains(&int.len())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !t.contains('-')
}

/// Take leading digits; returns (number, digit count, rest).
fn take_num(s: &str) -> Option<(u32, usize, &str)> {
    let n = s.bytes().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 || n > 9 {
        return None;
    }
    Some((s[..n].parse().ok()?, n, &s[n..]))
}

fn parse_date(t: &str, order: DateOrder) -> Result<(NaiveDate, &str), TimeError> {
    let bad = || err("unrecognised date; expected e.g. 2026-10-03, 2026/10/3 or 2026年10月3日");
    let (a, an, rest) = take_num(t).ok_or_else(bad)?;
    let (y, m, d, rest) = if let Some(r) = rest.strip_prefix('年') {
        let (m, _, r) = take_num(r).ok_or_else(bad)?;
        let r = r.strip_prefix('月').ok_or_else(bad)?;
        let (d, _, r) = take_num(r).ok_or_else(bad)?;
        let r = r
            .strip_prefix('日')
            .or_else(|| r.strip_prefix('号'))
            .ok_or_else(bad)?;
        (a as i32, m, d, r)
    } else {
        let sep = rest.chars().next().ok_or_else(bad)?;
        if !matches!(sep, '-' | '/' | '.') {
            return Err(bad());
        }
        let r = &rest[sep.len_utf8()..];
        let (b, _, r) = take_num(r).ok_or_else(bad)?;
        let r = r.strip_prefix(sep).ok_or_else(bad)?;
        let (c, cn, r) = take_num(r).ok_or_else(bad)?;
        if an == 4 {
            (a as i32, b, c, r)
        } else if cn == 4 && an <= 2 {
            // The year last: MM/DD/YYYY as NYC/LA 311 exports write it, or DD/MM/YYYY
            // (Hong Kong, Europe); the reader settles which for the whole file.
            match order {
                DateOrder::MonthFirst => (c as i32, a, b, r),
                DateOrder::DayFirst => (c as i32, b, a, r),
            }
        } else {
            return Err(bad());
        }
    };
    if !(1..=12).contains(&m) {
        return Err(TimeError(format!("month {m} is not 1–12")));
    }
    if !(1900..=2999).contains(&y) {
        return Err(TimeError(format!("year {y} is out of range")));
    }
    let date = NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| TimeError(format!("day {d} does not exist in {y}-{m:02}")))?;
    Ok((date, rest))
}

fn parse_time(s: &str) -> Result<(NaiveTime, Option<i32>), TimeError> {
    let bad = || err("unrecognised time; expected e.g. 09:05, 9:05:00 or 09:05:00+08:00");
    // 上午/下午 prefix.
    let (mut pm, mut am, mut s) = (false, false, s);
    if let Some(r) = s.strip_prefix("下午").or_else(|| s.strip_prefix("晚上")) {
        pm = true;
        s = r.trim_start();
    } else if let Some(r) = s.strip_prefix("上午").or_else(|| s.strip_prefix("凌晨")) {
        am = true;
        s = r.trim_start();
    }
    let (h, _, r) = take_num(s).ok_or_else(bad)?;
    let (r, hm_sep_cn) = match r.strip_prefix(':') {
        Some(r) => (r, false),
        None => (
            r.strip_prefix('时')
                .or_else(|| r.strip_prefix('点'))
                .ok_or_else(bad)?,
            true,
        ),
    };
    let (mi, _, mut r) = take_num(r).ok_or_else(bad)?;
    if hm_sep_cn {
        r = r.strip_prefix('分').unwrap_or(r);
    }
    let mut sec = 0;
    let mut milli = 0;
    if let Some(r2) = r.strip_prefix(':') {
        let (sv, _, r3) = take_num(r2).ok_or_else(bad)?;
        sec = sv;
        r = r3;
        if let Some(r4) = r.strip_prefix('.').or_else(|| r.strip_prefix(',')) {
            let n = r4.bytes().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return Err(bad());
            }
            let digits = &r4[..n.min(3)];
            milli = digits.parse::<u32>().unwrap_or(0) * 10u32.pow(3 - digits.len() as u32);
            r = &r4[n..];
        }
    } else if hm_sep_cn {
        if let Some((sv, _, r3)) = take_num(r) {
            sec = sv;
            r = r3.strip_prefix('秒').unwrap_or(r3);
        }
    }
    let mut r = r.trim_start();
    let up = r.get(..2).map(|x| x.to_ascii_uppercase());
    match up.as_deref() {
        Some("AM") => {
            am = true;
            r = r[2..].trim_start();
        }
        Some("PM") => {
            pm = true;
            r = r[2..].trim_start();
        }
        _ => {}
    }
    let mut h = h;
    if am || pm {
        if !(1..=12).contains(&h) {
            return Err(TimeError(format!("hour {h} is not 1–12 with AM/PM")));
        }
        if am && h == 12 {
            h = 0;
        } else if pm && h != 12 {
            h += 12;
        }
    }
    if h > 23 {
        return Err(TimeError(format!("hour {h} is not 0–23")));
    }
    if mi > 59 {
        return Err(TimeError(format!("minute {mi} is not 0–59")));
    }
    if sec > 59 {
        return Err(TimeError(format!("second {sec} is not 0–59")));
    }
    let offset = parse_offset(r)?;
    let time = NaiveTime::from_hms_milli_opt(h, mi, sec, milli).ok_or_else(bad)?;
    Ok((time, offset))
}

/// Zone abbreviations read after a time, with their offsets in hours.
const ZONE_ABBREVIATIONS: &[(&str, i32)] = &[
    ("GMT", 0),
    ("EST", -5),
    ("EDT", -4),
    ("CDT", -5),
    ("MST", -7),
    ("MDT", -6),
    ("PST", -8),
    ("PDT", -7),
    ("AKST", -9),
    ("AKDT", -8),
    ("HST", -10),
    ("HKT", 8),
    ("SGT", 8),
    ("JST", 9),
    ("KST", 9),
    ("北京时间", 8),
];

fn parse_offset(r: &str) -> Result<Option<i32>, TimeError> {
    let r = r.trim();
    if r.is_empty() {
        return Ok(None);
    }
    // A zone in one pair of brackets, `(北京时间)`, `(UTC+8)` (full-width brackets are
    // ASCII by now): the zone. Not empty, and one pair only.
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let Some(inner) = r.strip_prefix(open).and_then(|x| x.strip_suffix(close)) {
            let inner = inner.trim();
            if inner.is_empty() || inner.starts_with(['(', '[']) {
                return Err(TimeError(format!(
                    "unrecognised text after the time: {r:?}"
                )));
            }
            return parse_zone(inner);
        }
    }
    parse_zone(r)
}

/// [`parse_offset`] of a zone without brackets.
fn parse_zone(r: &str) -> Result<Option<i32>, TimeError> {
    // `GMT+8`, `UTC+08:00`: the offset after the name, its hour in one digit or two.
    for name in ["GMT", "UTC"] {
        if let Some(rest) = r.strip_prefix(name).filter(|x| x.starts_with(['+', '-'])) {
            let one_digit = rest.len() == 2 && rest.as_bytes()[1].is_ascii_digit();
            let rest = if one_digit {
                format!("{}0{}", &rest[..1], &rest[1..])
            } else {
                rest.to_string()
            };
            return parse_zone(&rest);
        }
    }
    if r.eq_ignore_ascii_case("z") || r.eq_ignore_ascii_case("utc") {
        return Ok(Some(0));
    }
    // A zone's abbreviation, as US exports write it (`03/01/2011 12:34:42 PM EST`), and
    // 北京时间: each one offset. CST is China's (+08:00) and US Central's (−06:00) alike:
    // refused, not guessed. PST and MST are read as the US zones (the Philippines' and
    // Malaysia's PST / MST are +08:00): an export from there writes its offset, or none.
    if r.eq_ignore_ascii_case("CST") {
        return Err(TimeError(
            "`CST` is both China Standard Time (+08:00) and US Central Standard Time (−06:00); expected the offset written out (+08:00 / -06:00), or no zone (the rules file's [calendar] timezone)".into(),
        ));
    }
    // Written in capitals, as zones are: `est` or `pst` in a note is no zone.
    if let Some((_, hours)) = ZONE_ABBREVIATIONS.iter().find(|(name, _)| r == *name) {
        return Ok(Some(hours * 3600));
    }
    let bad = || TimeError(format!("unrecognised text after the time: {r:?}"));
    let sign = match r.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return Err(bad()),
    };
    let body = &r[1..];
    let digits: String = body.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(digits.len() == 2 || digits.len() == 4) {
        return Err(bad());
    }
    let hh: i32 = digits[..2].parse().map_err(|_| bad())?;
    let mm: i32 = if digits.len() == 4 {
        digits[2..].parse().map_err(|_| bad())?
    } else {
        0
    };
    if hh > 14 || mm > 59 {
        return Err(bad());
    }
    Ok(Some(sign * (hh * 3600 + mm * 60)))
}

/// The longest limit on the calendar clock, in days (ten years).
pub const MAX_LIMIT_DAYS: u32 = 3650;

/// The longest limit in working days (about ten years of a five-day week).
pub const MAX_LIMIT_WORKING_DAYS: u32 = 2500;

/// A duration limit as written in a rules file: `24h`, `3d`, `90m`, `5wd`, at most ten
/// years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Elapsed milliseconds on the calendar clock.
    Millis(i64),
    /// Working days on the `[calendar]`.
    WorkingDays(u32),
}

impl Limit {
    pub fn parse(s: &str) -> Result<Limit, String> {
        let t = s.trim();
        let n = t
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let (num, unit) = t.split_at(n);
        let expected = "expected a number and a unit: `24h` (hours), `3d` (days), `90m` (minutes) or `5wd` (working days)";
        let v: f64 = num
            .parse()
            .map_err(|_| format!("bad duration `{s}`: {expected}"))?;
        if !v.is_finite() || v <= 0.0 {
            return Err(format!("bad duration `{s}`: it must be greater than zero"));
        }
        let ms = match unit.trim() {
            "h" => v * 3_600_000.0,
            "d" => v * 86_400_000.0,
            "m" | "min" => v * 60_000.0,
            "wd" => {
                if v.fract() != 0.0 {
                    return Err(format!(
                        "bad duration `{s}`: working days must be a whole number"
                    ));
                }
                if v > MAX_LIMIT_WORKING_DAYS as f64 {
                    return Err(format!(
                        "bad duration `{s}`: more than {MAX_LIMIT_WORKING_DAYS} working days (about ten years)"
                    ));
                }
                return Ok(Limit::WorkingDays(v as u32));
            }
            other => {
                return Err(format!(
                    "bad duration `{s}`: unknown unit `{other}`; {expected}"
                ))
            }
        };
        // Beyond ten years a limit is a typo, and one near i64::MAX milliseconds would
        // overflow when added to a start time (fuzzing found `99999999999999d`).
        if ms > MAX_LIMIT_DAYS as f64 * 86_400_000.0 {
            return Err(format!(
                "bad duration `{s}`: longer than {MAX_LIMIT_DAYS} days (ten years)"
            ));
        }
        // A limit is kept to the second: `0.0001m` (6 ms) is a typo, not a deadline.
        if ms < 1000.0 {
            return Err(format!(
                "bad duration `{s}`: shorter than one second; {expected}"
            ));
        }
        Ok(Limit::Millis(ms.round() as i64))
    }

    /// Chinese text for evidence: `24 小时`, `3 天`, `5 个工作日`.
    pub fn describe(&self) -> String {
        match self {
            Limit::Millis(ms) => {
                let ms = *ms;
                if ms % 86_400_000 == 0 && ms >= 86_400_000 * 2 {
                    format!("{} 天", ms / 86_400_000)
                } else if ms % 3_600_000 == 0 {
                    format!("{} 小时", ms / 3_600_000)
                } else if ms % 60_000 == 0 {
                    format!("{} 分钟", ms / 60_000)
                } else {
                    // `0.5m` is 30 秒, not 0 分钟
                    format!("{} 秒", crate::rules::fmt_points(ms as f64 / 1000.0))
                }
            }
            Limit::WorkingDays(n) => format!("{n} 个工作日"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    /// Ticket systems export times as digits alone: read as the dates and times they
    /// spell; a short number is still an Excel serial's hint, an impossible date refused.
    #[test]
    fn digits_only_stamps_are_read() {
        let tz = chrono_tz::Asia::Shanghai;
        let t = |v: &str| parse_stamp(v, tz);
        assert_eq!(
            t("20190425093209").unwrap(),
            (parse_timestamp("2019-04-25 09:32:09", tz).unwrap(), false)
        );
        assert_eq!(
            t("201904250932").unwrap(),
            (parse_timestamp("2019-04-25 09:32", tz).unwrap(), false)
        );
        assert_eq!(
            t("20190425").unwrap(),
            (parse_timestamp("2019-04-25 00:00", tz).unwrap(), true)
        );
        assert!(t("20190231").unwrap_err().0.contains("does not exist"));
        // a 受理日期 of digits beside its 受理时间
        assert_eq!(
            join_date_time("20190425", "09:32", tz, DateOrder::MonthFirst).unwrap(),
            parse_timestamp("2019-04-25 09:32", tz).unwrap()
        );
        assert!(t("20190425256000")
            .unwrap_err()
            .0
            .contains("does not exist"));
        assert!(t("46300").unwrap_err().0.contains("Excel serial"));
        // Not a year we read: left to the other forms (and refused by them).
        assert!(t("99990425093209").is_err());
    }

    /// The fast paths (plain ISO text, whole-day offsets) give exactly what the general
    /// parser and chrono-tz's own search give: every 7 minutes over two years, in zones
    /// with and without summer time (Lord Howe's is half an hour), and near the edges.
    #[test]
    fn evidence_times_show_seconds_only_when_they_have_them() {
        let tz = chrono_tz::Asia::Shanghai;
        let t = |v: &str| parse_timestamp(v, tz).unwrap();
        assert_eq!(
            format_local_short(t("2026-10-10 10:00"), tz),
            "2026-10-10 10:00"
        );
        assert_eq!(
            format_local_short(t("2026-10-10 10:00:10"), tz),
            "2026-10-10 10:00:10"
        );
        assert_eq!(
            format_local_short(t("2026-10-10 10:00:00.5"), tz),
            "2026-10-10 10:00:00.500"
        );
    }

    #[test]
    fn fast_paths_agree_with_the_general_ones() {
        let zones = [
            chrono_tz::Asia::Shanghai,
            chrono_tz::America::New_York,
            chrono_tz::Europe::London,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::UTC,
        ];
        let slow_utc = |naive: NaiveDateTime, tz: Tz| match tz.from_local_datetime(&naive) {
            LocalResult::Single(dt) => Some(dt.timestamp_millis()),
            LocalResult::Ambiguous(a, _) => Some(a.timestamp_millis()),
            LocalResult::None => None,
        };
        let start = NaiveDate::from_ymd_opt(2025, 1, 1)
            .unwrap()
            .and_time(NaiveTime::MIN);
        let (mut checked, mut gaps) = (0, 0);
        for tz in zones {
            let mut t = start;
            while t.year() < 2027 {
                let text = t.format("%Y-%m-%d %H:%M:%S").to_string();
                let fast = parse_timestamp(&text, tz).unwrap();
                let (naive, off, _) = parse_parts(&text, DateOrder::MonthFirst).unwrap();
                assert_eq!((naive, off), (t, None), "{text}");
                match slow_utc(t, tz) {
                    Some(ms) => assert_eq!(fast, ms, "{text} in {tz}"),
                    None => gaps += 1, // in a DST gap: the general rule, tested below
                }
                let back = to_local(fast, tz);
                let slow_back = tz.timestamp_millis_opt(fast).unwrap().naive_local();
                assert_eq!(back, slow_back, "{fast} in {tz}");
                checked += 1;
                t += chrono::Duration::minutes(7);
            }
        }
        assert!(checked > 700_000 && gaps > 0, "{checked} {gaps}");
        // Without seconds, the fast path reads what the general parser reads.
        let text = "2026-10-03 09:05";
        let fast = plain_iso(text.as_bytes()).map(|n| local_to_utc_millis(n, SH));
        let general = parse_parts(text, DateOrder::MonthFirst)
            .ok()
            .map(|(n, _, _)| tz_free(n, SH));
        assert!(fast.is_some());
        assert_eq!(fast, general, "{text}");
        // Impossible values and other forms are left to the general parser, which
        // refuses them saying why, or reads them.
        for text in [
            "2026-02-30 09:05:00",
            "2026-13-01 09:05:00",
            "1899-12-31 23:59:59",
            "2026-10-03 24:00:00",
            "2026-10-03 09:60:00",
            "2026-10-03 09:05:60",
            "2026-10-03T09:05:00",
            "２０２６-10-03 09:05:00",
            "2026/10/03 09:05:00",
        ] {
            assert_eq!(plain_iso(text.as_bytes()), None, "{text}");
        }
        assert!(parse_timestamp("2026-02-30 09:05:00", SH).is_err());
        assert_eq!(
            parse_timestamp("２０２６-10-03 09:05:00", SH),
            parse_timestamp("2026-10-03 09:05:00", SH)
        );
    }

    /// chrono-tz's own conversion, without the whole-day cache.
    fn tz_free(naive: NaiveDateTime, tz: Tz) -> i64 {
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => dt.timestamp_millis(),
            LocalResult::None => panic!("in a gap"),
        }
    }

    const SH: Tz = chrono_tz::Asia::Shanghai;

    fn p(s: &str) -> String {
        format_local(parse_timestamp(s, SH).unwrap(), SH)
    }

    #[test]
    fn every_spec_format_reads_as_the_same_instant() {
        let want = "2026-10-03 09:05:00";
        for s in [
            "2026-10-03 09:05",
            "2026-10-03 09:05:00",
            "2026/10/3 9:05",
            "2026/10/03 09:05:00",
            "2026-10-03T09:05:00+08:00",
            "2026-10-03T01:05:00Z",
            "2026-10-03T09:05:00+0800",
            "2026年10月3日 9:05",
            "2026年10月3日9:05",
            "２０２６年１０月３日 ９：０５",
            "10/03/2026 09:05:00 AM",
            " 2026-10-03 09:05 ",
            "2026-10-03 09:05:00.000",
        ] {
            assert_eq!(p(s), want, "{s}");
        }
    }

    #[test]
    fn offsets_convert_to_the_rules_timezone() {
        assert_eq!(p("2026-10-03T09:05:00-04:00"), "2026-10-03 21:05:00");
        assert_eq!(p("10/03/2026 12:30:00 PM"), "2026-10-03 12:30:00");
        assert_eq!(p("10/03/2026 12:30:00 AM"), "2026-10-03 00:30:00");
        assert_eq!(p("2026-10-03"), "2026-10-03 00:00:00");
        // Zone abbreviations of US exports, and 北京时间 (p shows Shanghai time).
        assert_eq!(p("03/01/2011 12:34:42 PM EST"), "2011-03-02 01:34:42");
        assert_eq!(p("07/01/2019 08:00:00 AM PDT"), "2019-07-01 23:00:00");
        assert_eq!(p("2026-10-03 09:05 北京时间"), "2026-10-03 09:05:00");
        assert_eq!(p("2026-10-03 01:05 GMT"), "2026-10-03 09:05:00");
        // CST is China's and US Central's: refused, saying both.
        let e = parse_timestamp("2026-10-03 09:05 CST", SH).unwrap_err().0;
        assert!(e.contains("China") && e.contains("Central"), "{e}");
        // A zone is written in capitals; `cst` is refused with the same reason.
        assert!(parse_timestamp("2026-10-03 09:05 est", SH).is_err());
        let e = parse_timestamp("2026-10-03 09:05 cst", SH).unwrap_err().0;
        assert!(e.contains("China"), "{e}");
        // GMT+8, UTC+08:00 and a zone in brackets.
        assert_eq!(p("2026-10-03 09:05 GMT+8"), "2026-10-03 09:05:00");
        assert_eq!(p("2026-10-03 01:05 UTC+00:00"), "2026-10-03 09:05:00");
        assert_eq!(p("2026-10-03 09:05 (北京时间)"), "2026-10-03 09:05:00");
        assert_eq!(p("2026-10-03 09:05（UTC+8）"), "2026-10-03 09:05:00");
        // A bare one-digit `+1` is no offset (in a log it may mean "next day"); nested or
        // empty brackets are no zone.
        for bad in [
            "2026-10-03 23:30+1",
            "2026-10-03 09:05 -1",
            "2026-10-03 09:05 ((北京时间))",
            "2026-10-03 09:05 ()",
        ] {
            assert!(parse_timestamp(bad, SH).is_err(), "{bad}");
        }
    }

    #[test]
    fn impossible_values_are_errors_that_say_why() {
        for (s, why) in [
            ("2026-13-01 09:00", "month 13"),
            ("2026-02-30 09:00", "day 30"),
            ("2026-10-03 25:00", "hour 25"),
            ("2026-10-03 09:61", "minute 61"),
            ("45944.375", "Excel"),
            ("yesterday", "unrecognised date"),
            ("2026-10-03 09:05 +99:00", "unrecognised text"),
            ("09:05", "a time of day without a date"),
            ("9:05:00", "a time of day without a date"),
            ("下午3:05", "a time of day without a date"),
            ("", "empty"),
        ] {
            let e = parse_timestamp(s, SH).unwrap_err().0;
            assert!(e.contains(why), "{s}: {e}");
        }
    }

    #[test]
    fn local_time_depends_on_the_timezone() {
        let ny: Tz = chrono_tz::America::New_York;
        let a = parse_timestamp("2026-10-03 09:05", SH).unwrap();
        let b = parse_timestamp("2026-10-03 09:05", ny).unwrap();
        assert_eq!(b - a, 12 * 3_600_000);
    }

    #[test]
    fn a_date_with_its_year_last_says_what_order_it_allows() {
        let day = Some(Some(DateOrder::DayFirst));
        let month = Some(Some(DateOrder::MonthFirst));
        for (text, says) in [
            ("13/10/2026 09:05", day),
            ("１３/１０/２０２６ ９:０５", day),
            ("3.13.2026", month),
            ("03-10-2026", Some(None)),
            ("2026-10-13 09:05", None),
            ("13/13/2026", None),
            ("32/10/2026", None),
            ("10月13日", None),
        ] {
            assert_eq!(year_last_order(text), says, "{text}");
        }
        let sh = chrono_tz::Asia::Shanghai;
        assert_eq!(
            parse_stamp_in("03/10/2026 09:05", sh, DateOrder::DayFirst),
            parse_stamp("2026-10-03 09:05", sh)
        );
    }

    #[test]
    fn limits_parse_and_describe() {
        assert_eq!(Limit::parse("24h"), Ok(Limit::Millis(86_400_000)));
        assert_eq!(Limit::parse("3d"), Ok(Limit::Millis(3 * 86_400_000)));
        assert_eq!(Limit::parse("5wd"), Ok(Limit::WorkingDays(5)));
        assert!(Limit::parse("24x").unwrap_err().contains("unknown unit"));
        assert!(Limit::parse("h").unwrap_err().contains("expected a number"));
        assert!(Limit::parse("0h").is_err());
        assert_eq!(Limit::Millis(86_400_000).describe(), "24 小时");
        assert_eq!(Limit::Millis(3 * 86_400_000).describe(), "3 天");
        assert_eq!(Limit::WorkingDays(5).describe(), "5 个工作日");
        // below a minute: seconds, not "0 分钟"; below a second: refused
        assert_eq!(Limit::parse("0.5m").unwrap().describe(), "30 秒");
        assert_eq!(Limit::parse("0.001d").unwrap().describe(), "86.4 秒");
        assert_eq!(Limit::parse("90m").unwrap().describe(), "90 分钟");
        assert!(Limit::parse("0.0001m")
            .unwrap_err()
            .contains("shorter than one second"));
    }
}
