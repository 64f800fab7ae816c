//! The audit: load a dataset, run the selected rules over the cases table, charge each
//! violation to an employee, apply waivers and total the points per employee.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::input::schema::{canonical_role, case_label, FileKind};
use crate::input::{
    read_table, ColData, DatasetFiles, FileStats, OptI64, Rejected, Table, TextCol,
};
use crate::rules::{Check, Responsible, Rule, RuleSet};
use crate::timeparse::{format_local_short, local_to_utc_millis, to_local};

/// The case rows evaluated at once (see `run`): small enough that a slice's polars frame
/// and its rules' working data stay a fraction of the table, large enough that the
/// per-slice start-up of the rules is nothing beside their work. At 1M cases 100,000
/// peaked at 658 MiB against 817 MiB for 250,000 (rules 3.25 s against 3.33 s); 50,000
/// gained 20 MiB more.
pub const CHUNK_ROWS: usize = 100_000;

/// (case or record id, why) for what a rule could not judge.
type NotJudged = Vec<(String, String)>;

/// One rule's outcome on one slice, and the cases of files lacking a column it reads.
type Evaluated = Result<(Outcome, NotJudged)>;

/// What a rule kind sees when it runs.
pub struct EvalCtx<'a> {
    pub cases: &'a Table,
    pub handoffs: &'a Table,
    pub roster: Option<&'a Table>,
    pub inspections: Option<&'a Table>,
    pub as_of: i64,
    pub calendar: &'a Calendar,
    /// Escalation results already computed in this audit, by (parameters, rows): the
    /// default rules split one check into five rules, which share one pass.
    pub escalation_cache: crate::rules::escalation::Cache<'a>,
    /// Each case row's handoffs (built once: the cases are evaluated in slices, and a
    /// slice must not scan every handoff).
    pub handoffs_of: &'a HandoffIndex,
}

/// The handoffs of each case row, in file order: a counting sort of the handoffs by
/// their case's row, built by [`load`] (where every kept handoff's case is found).
#[derive(Debug, Default)]
pub struct HandoffIndex {
    /// Row `r`'s handoffs are `order[start[r]..start[r + 1]]`.
    start: Vec<u32>,
    order: Vec<u32>,
}

impl HandoffIndex {
    /// From each handoff's case row (`None`: no audited case), for `cases` case rows;
    /// `owner` is walked twice.
    pub fn from_rows(
        cases: usize,
        owner: impl Iterator<Item = Option<usize>> + Clone,
    ) -> HandoffIndex {
        let mut start = vec![0u32; cases + 1];
        for r in owner.clone().flatten() {
            start[r + 1] += 1;
        }
        for r in 0..cases {
            start[r + 1] += start[r];
        }
        let mut next = start.clone();
        let mut order = vec![0u32; start[cases] as usize];
        for (i, r) in owner.enumerate() {
            if let Some(r) = r {
                order[next[r] as usize] = i as u32;
                next[r] += 1;
            }
        }
        HandoffIndex { start, order }
    }

    /// The handoff rows of case row `row`, in file order.
    pub fn of(&self, row: usize) -> &[u32] {
        match (self.start.get(row), self.start.get(row + 1)) {
            (Some(&a), Some(&b)) => &self.order[a as usize..b as usize],
            _ => &[],
        }
    }
}

impl EvalCtx<'_> {
    /// A case value as text for evidence (`空` when empty).
    pub fn value_text(&self, row: usize, column: &str) -> String {
        let tz = self.calendar.tz;
        match self.cases.col(column) {
            ColData::Text(v) => v.get(row).map(str::to_string),
            ColData::Time(v) => v.get(row).map(|_| v.stamp_text(row, tz)),
            ColData::Count(v) => v.get(row).map(|n| n.to_string()),
            ColData::Money(v) => v[row].map(|n| format!("{n:.2}")),
        }
        .unwrap_or_else(|| "空".to_string())
    }
}

/// What one rule found.
#[derive(Default)]
pub struct Outcome {
    /// Case rows judged (violation or pass; not pending, not outside `when`).
    pub judged: Vec<u32>,
    /// Violations and pending cases of case rows.
    pub hits: Vec<Hit>,
    /// Violations of records that are not cases (inspections).
    pub ext: Vec<ExtHit>,
    /// Records judged that are not cases.
    pub ext_judged: usize,
    /// (case or record id, why) for what the rule could not judge.
    pub not_judged: Vec<(String, String)>,
    /// What makes its verdicts less sure than usual (a working-day deadline in a year
    /// `[calendar]` has no holidays for).
    pub warning: Option<String>,
}

pub struct Hit {
    pub row: u32,
    pub evidence: String,
    /// Not yet due at the as-of time: reported as pending, not a violation.
    pub pending: bool,
    /// The instant that decides who held the case (a deadline's due time).
    pub at: Option<i64>,
    /// The employee the kind itself identified (speaker, handoff sender), if any.
    pub employee: Option<String>,
    /// Where in `evidence` the words many findings have alike begin (a condition and
    /// its values, the clause an escalation broke): they are held once per audit (see
    /// [`Evidence`]). `None`: the evidence is this finding's own.
    pub shared_from: Option<usize>,
}

/// A violation found in a record that is not a case (an inspection).
pub struct ExtHit {
    pub case_id: String,
    pub center: String,
    pub source: String,
    /// (file index, line) within its table.
    pub order: (usize, u64),
    pub employee_id: String,
    pub evidence: String,
    pub points: f64,
    /// What was found, as the rule names it (a spot check's 傲慢): a waiver names it.
    pub finding: String,
}

/// An audited month: the period label and its bounds.
#[derive(Debug, Clone)]
pub struct Period {
    pub label: String,
    pub start: i64,
    pub end: i64,
}

impl Period {
    /// Whether a time lies in the period (a row without one is outside any period).
    pub fn holds(&self, t: Option<i64>) -> bool {
        t.is_some_and(|t| t >= self.start && t < self.end)
    }

    /// `2026-10` → the month in the rules' timezone.
    pub fn parse(s: &str, tz: chrono_tz::Tz) -> Result<Period> {
        let bad = || {
            Error::Usage(format!(
                "--period {s:?}: expected a month as YYYY-MM, e.g. 2026-10"
            ))
        };
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        // Four digits for the year and one or two for the month: `26-10` is a typo for
        // 2026-10, not the year 26 (whose report would be empty, every case rejected).
        let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(y, 4..=4) || !digits(m, 1..=2) {
            return Err(bad());
        }
        let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(1970..=2999).contains(&y) {
            return Err(Error::Usage(format!(
                "--period {s:?}: the year {y} is outside 1970–2999; expected a month as YYYY-MM, e.g. 2026-10"
            )));
        }
        let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)
        }
        .ok_or_else(bad)?;
        Ok(Period {
            label: format!("{y:04}-{m:02}"),
            start: local_to_utc_millis(first.and_hms_opt(0, 0, 0).unwrap_or_default(), tz),
            end: local_to_utc_millis(next.and_hms_opt(0, 0, 0).unwrap_or_default(), tz),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    pub period: Option<String>,
    pub as_of: Option<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Case rows evaluated at once; `None` or 0: [`CHUNK_ROWS`]. The findings do not
    /// depend on it (the tests compare the reports of slices of a few rows with one pass).
    pub chunk_rows: Option<usize>,
}

/// An employee as the reports show them.
#[derive(Debug, Clone, Default)]
pub struct Employee {
    pub id: String,
    pub name: String,
    pub center: String,
    pub department: String,
    pub role: String,
    pub supervisor_id: String,
    pub base_pay: Option<f64>,
    pub in_roster: bool,
}

/// One finding. A case's id, center and `file:line` are its row's, read from the cases
/// table when a report is written, not copied into each of the millions of findings a
/// large audit has (see [`Violation::case_id`]).
#[derive(Debug, Clone)]
pub struct Violation {
    /// The case row, when the record is a case.
    pub row: Option<usize>,
    /// The record, when it is not a case (an inspection).
    pub other: Option<Box<OtherRecord>>,
    pub rule: usize,
    /// Shared by all findings charged to the same employee.
    pub employee_id: Arc<str>,
    /// What was found, for the employee to be shown.
    pub evidence: Evidence,
    /// Points this violation deducts (before waivers).
    pub points: f64,
    /// (reason, approved_by) when a waiver matched.
    pub waiver: Option<Box<(String, String)>>,
}

/// A finding's evidence: its own words, then words many findings have alike, held once
/// per audit and shared. At 10M cases a wrong escalation path quotes the same clause of
/// the regulation two million times (about 300 bytes each); a failed condition shows the
/// same text and values on a million rows. The text is always `own` followed by `shared`:
/// where the split falls changes only what is shared, never what is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Exactly as long as its text (a `String` built up keeps spare room).
    own: Box<str>,
    shared: Option<Arc<str>>,
}

impl Evidence {
    /// Evidence that is all the finding's own.
    pub fn own(text: impl Into<Box<str>>) -> Evidence {
        Evidence {
            own: text.into(),
            shared: None,
        }
    }

    /// `text` with its words from byte `at` on held once in `shared` (the whole text
    /// its own when `at` is not a character boundary of it).
    fn split(text: String, at: usize, shared: &mut crate::idhash::IdSet<Arc<str>>) -> Evidence {
        if at >= text.len() || !text.is_char_boundary(at) {
            return Evidence::own(text);
        }
        let tail = intern(shared, &text[at..]);
        let mut own = text;
        own.truncate(at);
        Evidence {
            own: own.into(),
            shared: Some(tail),
        }
    }

    /// The whole text.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.shared {
            None => std::borrow::Cow::Borrowed(&self.own),
            Some(s) if self.own.is_empty() => std::borrow::Cow::Borrowed(s),
            Some(s) => std::borrow::Cow::Owned(format!("{}{s}", self.own)),
        }
    }
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.own)?;
        f.write_str(self.shared.as_deref().unwrap_or_default())
    }
}

/// Put `v[order[i]]` at `i` for every `i`, in place (`order` a permutation of `v`'s
/// indices), following each cycle of the permutation once.
fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    for start in 0..v.len() {
        let mut at = start;
        // A placed position points at itself: each cycle is walked once.
        while order[at] as usize != at {
            let from = order[at] as usize;
            order[at] = at as u32;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

/// `text` as held in `held`: one `Arc` for all findings with it.
fn intern(held: &mut crate::idhash::IdSet<Arc<str>>, text: &str) -> Arc<str> {
    if let Some(a) = held.get(text) {
        return a.clone();
    }
    let a: Arc<str> = text.into();
    held.insert(a.clone());
    a
}

/// A record that is not a case, where a violation was found (an inspection).
#[derive(Debug, Clone)]
pub struct OtherRecord {
    /// The record's id (an inspection's case id).
    pub case_id: String,
    pub center: String,
    /// `file:line` of the record.
    pub source: String,
    /// (file index, line) within its table.
    pub order: (usize, u64),
    /// What was found ([`ExtHit::finding`]).
    pub finding: String,
}

impl Violation {
    /// The case (or, for inspections, the inspection record) id.
    pub fn case_id<'a>(&'a self, cases: &'a Table) -> &'a str {
        match (&self.other, self.row) {
            (Some(o), _) => &o.case_id,
            (None, Some(row)) => cases.text("case_id").get(row).unwrap_or_default(),
            (None, None) => "",
        }
    }

    /// The service center of the record.
    pub fn center<'a>(&'a self, cases: &'a Table) -> &'a str {
        match (&self.other, self.row) {
            (Some(o), _) => &o.center,
            (None, Some(row)) => cases.text("center").get(row).unwrap_or_default(),
            (None, None) => "",
        }
    }

    /// `file:line` of the record.
    pub fn source(&self, cases: &Table) -> String {
        match (&self.other, self.row) {
            (Some(o), _) => o.source.clone(),
            (None, Some(row)) => cases.source(row),
            (None, None) => String::new(),
        }
    }

    /// Sort key: (0 cases / 1 other records, file index, line).
    pub fn order(&self, cases: &Table) -> (u8, usize, u64) {
        match (&self.other, self.row) {
            (Some(o), _) => (1, o.order.0, o.order.1),
            (None, Some(row)) => (0, cases.sources[row].file, cases.sources[row].line),
            (None, None) => (1, usize::MAX, u64::MAX),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PendingCase {
    pub row: usize,
    pub rule: usize,
    pub employee_id: String,
    pub due: Option<i64>,
    pub evidence: String,
}

#[derive(Debug, Clone)]
pub struct Scorecard {
    pub employee: Employee,
    /// Cases first responded.
    pub cases: usize,
    /// Cases handled: first responded, or handed to the employee (a 部门主管 receiving
    /// cases from the front desk); `min_cases` counts these.
    pub handled: usize,
    pub checks: usize,
    pub minor: usize,
    pub major: usize,
    pub critical: usize,
    pub waived: usize,
    /// Points deducted: per rule capped by `[scoring.caps]`, then normalised by volume.
    pub points: f64,
    /// Points before caps and normalisation.
    pub raw_points: f64,
    pub score: f64,
    /// The band's grade, or 样本不足 below `min_cases`.
    pub grade: String,
    pub coefficient: f64,
    /// A fatal rule was broken: the lowest band regardless of score.
    pub fatal: bool,
    /// The gravest `[[discipline]]` action reached, if any.
    pub discipline: Option<String>,
    /// Per rule: (rule index, non-waived violations, points before the cap, after it).
    pub by_rule: Vec<(usize, usize, f64, f64)>,
}

/// The grade of an employee below `min_cases`.
pub const TOO_FEW_CASES: &str = "样本不足";

/// A waiver that matched no violation, with why.
#[derive(Debug, Clone)]
pub struct UnmatchedWaiver {
    pub source: String,
    pub case_id: String,
    pub rule_id: String,
    pub why: String,
}

/// Per rule: whether it ran, and what it judged.
#[derive(Debug, Clone)]
pub struct RuleRun {
    pub selected: bool,
    /// Why a selected rule could not run (a column it reads is absent from the input).
    pub not_run: Option<String>,
    pub judged: usize,
    pub violations: usize,
    pub pending: usize,
    /// (case or record id, why) for what the rule could not judge.
    pub not_judged: Vec<(String, String)>,
    /// What makes its verdicts less sure than usual (a working-day deadline in a year
    /// `[calendar]` has no holidays for).
    pub warning: Option<String>,
}

pub struct AuditResult {
    /// How long scoring took (for `--timings`; never written to a report).
    pub scoring_seconds: f64,
    pub rules: RuleSet,
    pub runs: Vec<RuleRun>,
    pub period: String,
    pub as_of: i64,
    /// No period, no --as-of and no time in the data (every case row rejected): `as_of`
    /// is no time anyone chose, and the reports say so instead of showing it.
    pub as_of_unknown: bool,
    pub cases: Table,
    pub stats: Vec<FileStats>,
    pub rejected: Vec<Rejected>,
    pub violations: Vec<Violation>,
    pub pending: Vec<PendingCase>,
    pub scorecards: Vec<Scorecard>,
    pub unmatched_waivers: Vec<UnmatchedWaiver>,
    pub employees: BTreeMap<String, Employee>,
    /// The service centers of the audited cases, in name order (for consultants).
    pub centers: Vec<CenterRow>,
    /// Why pay could not be computed (no roster: no base pay), if it could not.
    pub pay_not_run: Option<String>,
    /// What was passed over while reading (a workbook's sheet that is no table of its
    /// kind): in the manifest, so that the report itself says what it did not read.
    pub input_warnings: Vec<String>,
    /// Per case row, whether its follow-up is not due yet ([`followup_not_due`]).
    pub followup_not_due: Vec<bool>,
}

impl AuditResult {
    pub fn case_id(&self, row: usize) -> &str {
        self.cases.text("case_id").get(row).unwrap_or("")
    }
    pub fn case_center(&self, row: usize) -> &str {
        self.cases.text("center").get(row).unwrap_or("")
    }
    pub fn employee_name(&self, id: &str) -> &str {
        self.employees
            .get(id)
            .map(|e| e.name.as_str())
            .unwrap_or("")
    }
    /// The ids of the rules the rules file enables that this run did not apply
    /// (`--select`/`--ignore`, or a rule that could not run), in the file's order.
    pub fn rules_not_applied(&self) -> Vec<&str> {
        self.rules
            .rules
            .iter()
            .zip(&self.runs)
            .filter(|(rule, run)| rule.enabled && (!run.selected || run.not_run.is_some()))
            .map(|(rule, _)| rule.id.as_str())
            .collect()
    }
    /// The ids of the enabled rules `--select` / `--ignore` left out of this run.
    pub fn rules_not_selected(&self) -> Vec<&str> {
        self.rules
            .rules
            .iter()
            .zip(&self.runs)
            .filter(|(rule, run)| rule.enabled && !run.selected)
            .map(|(rule, _)| rule.id.as_str())
            .collect()
    }
    pub fn waived_count(&self) -> usize {
        self.violations
            .iter()
            .filter(|v| v.waiver.is_some())
            .count()
    }
}

/// The tables of a dataset after loading and cross-file checks.
pub struct Loaded {
    pub cases: Table,
    pub handoffs: Table,
    /// Each case row's handoffs.
    pub handoffs_of: HandoffIndex,
    pub roster: Option<Table>,
    pub inspections: Option<Table>,
    pub waivers: Option<Table>,
    pub stats: Vec<FileStats>,
    pub rejected: Vec<Rejected>,
    pub period: Option<Period>,
    /// What was passed over while reading (a workbook's sheet that holds no table of its
    /// file's kind), to be said on stderr.
    pub warnings: Vec<String>,
}

/// Read every input file and apply the row checks that need more than one row.
pub fn load(files: &DatasetFiles, rules: &RuleSet, period: Option<&str>) -> Result<Loaded> {
    load_as_of(files, rules, period, None)
}

/// The `--as-of` time. A date alone is through that day (`2026-10-31`: the cases of the
/// 31st are audited and judged at its last millisecond), not its first instant (which
/// left every case of that day out as received after it).
pub fn parse_as_of(s: &str, tz: chrono_tz::Tz) -> Result<i64> {
    crate::timeparse::parse_stamp(s, tz)
        .map(|(ms, date_only)| {
            if date_only {
                // Its last millisecond: 11-01 00:00 is the next day's (a case received
                // then is after it, and `--period 2026-11` begins after it).
                crate::timeparse::day_end(ms, tz) + 999
            } else {
                ms
            }
        })
        .map_err(|e| Error::Usage(format!("--as-of {s:?}: {}", e.0)))
}

/// [`load`], with the `--as-of` time: a case received after it cannot be judged at it
/// (its deadlines would run backwards) and is rejected, saying so.
pub fn load_as_of(
    files: &DatasetFiles,
    rules: &RuleSet,
    period: Option<&str>,
    as_of: Option<&str>,
) -> Result<Loaded> {
    let opts = &rules.read;
    let tz = rules.calendar.tz;
    let period = period.map(|p| Period::parse(p, tz)).transpose()?;
    let as_of = as_of.map(|s| parse_as_of(s, tz)).transpose()?;
    if let (Some(p), Some(a)) = (&period, as_of) {
        // Every case of the month would be left out as received after the as-of time.
        if a < p.start {
            return Err(Error::Usage(format!(
                "--as-of {} is before the period {} begins ({}): no case of the period could be judged; expected an as-of time within or after the period",
                crate::timeparse::format_local_short(a, tz),
                p.label,
                crate::timeparse::format_local_short(p.start, tz),
            )));
        }
    }
    let mut stats = vec![];
    let mut rejected = vec![];
    // The cases on this core, the other files on the second one.
    let (cases, others) = std::thread::scope(|s| {
        let others = s.spawn(|| read_others(files, opts));
        let cases = read_table(
            FileKind::Cases,
            &files.cases,
            opts,
            &mut stats,
            &mut rejected,
        );
        (cases, others.join())
    });
    let mut cases = cases?;
    let others = others.map_err(|_| {
        Error::Other(
            "internal error: reading the handoffs, roster, inspections or waivers failed".into(),
        )
    })??;
    // A center's name, a channel, an employee's id repeat on row after row: held once
    // each before the checks below run over the tables (masks keep them shared).
    cases.share_repeats();
    let mut others = others;
    others.handoffs.share_repeats();
    crate::par::return_free_memory();

    // Duplicate case ids: the first occurrence is kept, later ones are rejected. First of
    // the checks on kept rows: a repeat is a finding of its own, even when the row it
    // repeats is rejected below for another reason (it must not take that row's place).
    // A row rejected while reading (a value that cannot be read) is no longer here to be
    // repeated: a later row with its id is audited.
    cases.reject_duplicates("case_id", &mut rejected);

    // A response, resolution or follow-up before the case was received, or a follow-up
    // (回访, after the problem is solved) before the resolution, is a data error.
    // One pass per check over the time columns as they are, the rows rejected at once
    // (a row is rejected for the first check it fails); the reasons of the rows rejected
    // (few) are written before rejecting them, so that no column is copied to be read.
    let mut keep = vec![true; cases.len()];
    let mut reasons: Vec<(usize, String)> = vec![];
    for (col, after) in [
        ("first_response_at", "received_at"),
        ("resolved_at", "received_at"),
        ("followup_at", "received_at"),
        ("followup_at", "resolved_at"),
    ] {
        // A time at 00:00:00 on the very day of a later receipt is an export writing a
        // date without its hour as midnight (LA 311's `12:00:00 AM` closures): read as
        // that date alone, not rejected as before the receipt, and said.
        let midnight: Vec<usize> = {
            let (rec, vals) = (cases.time(after), cases.time(col));
            rec.iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let (r, v) = (r?, vals.get(i)?);
                    // (Local times only for the few rows before their receipt.)
                    if !keep[i] || v >= r || vals.date_only(i) {
                        return None;
                    }
                    let (lr, lv) = (to_local(r, tz), to_local(v, tz));
                    (lv.time() == chrono::NaiveTime::MIN && lv.date() == lr.date()).then_some(i)
                })
                .collect()
        };
        if !midnight.is_empty() {
            let ids: Vec<String> = midnight
                .iter()
                .map(|&i| cases.source(i).to_string())
                .collect();
            cases.warnings.push(format!(
                "{} `{col}` ({}) at 00:00:00 on the day of the receipt, hours before it, are read as that date alone (an export writing a date without its hour as midnight): {}",
                midnight.len(),
                case_label(col),
                first_five(ids)
            ));
            let vals = cases.time_mut(col);
            for i in midnight {
                vals.set_date_only(i);
            }
        }
        let (rec, vals) = (cases.time(after), cases.time(col));
        let (label, after_label) = (case_label(col), case_label(after));
        for (i, r) in rec.iter().enumerate() {
            // A date alone is before only if its whole day is ([`OptI64::latest`]): a
            // response dated the day of receipt may have come at any hour after it.
            if let (true, Some(r), Some(v)) = (keep[i], r, vals.latest(i, tz)) {
                if v < r {
                    keep[i] = false;
                    let why = format!(
                        "`{col}` ({label}) {} is before `{after}` ({after_label}) {}",
                        vals.stamp_text(i, tz),
                        rec.stamp_text(i, tz),
                    );
                    reasons.push((i, why));
                }
            }
        }
    }
    reasons.sort_unstable_by_key(|r| r.0);
    cases.reject_where(&keep, |i| reason_at(&reasons, i), &mut rejected);

    // The ids of the cases left out by the audit's bounds: their handoffs are left out
    // alike, not rejected as handoffs of an unknown case.
    let left_out: crate::idhash::IdSet<String> = {
        let (ids, rec) = (cases.text("case_id"), cases.time("received_at"));
        rec.iter()
            .enumerate()
            .filter(|(_, r)| period.as_ref().is_some_and(|p| !p.holds(*r)) || !by_as_of(as_of, *r))
            .filter_map(|(i, _)| ids.get(i).map(str::to_string))
            .collect()
    };
    reject_outside(
        &mut cases,
        "received_at",
        "received_at (受理时间)",
        ": the case cannot be judged then",
        period.as_ref(),
        as_of,
        tz,
        &mut rejected,
    );

    // The other files were read on the second core meanwhile; their rejections follow
    // the cases' in the order they would have been read one after the other.
    let Others {
        mut handoffs,
        h_stats,
        h_rejected,
        mut roster,
        mut inspections,
        mut waivers,
        stats: other_stats,
        rejected: other_rejected,
    } = others;
    stats.extend(h_stats);
    stats.extend(other_stats);
    rejected.extend(h_rejected);
    let handoffs_of = {
        // case_id is required: every kept case has one, so positions are rows.
        let case_ids: Vec<&str> = cases.text("case_id").iter().flatten().collect();
        let known = crate::idhash::SplitSet::new(&case_ids);
        // Each check below computes the reasons of the rows it rejects (few) before
        // rejecting them, so that no column is copied to be read while rejecting.
        let row_of: Vec<Option<usize>> = handoffs
            .text("case_id")
            .iter()
            .map(|c| c.and_then(|c| known.position(c)))
            .collect();
        // A handoff of no audited case is rejected: as a handoff of a case left out by
        // --period or --as-of (no fault of the data), else of an unknown or rejected one.
        let keep: Vec<bool> = row_of.iter().map(Option::is_some).collect();
        let ids = handoffs.text("case_id");
        let outside: Vec<bool> = rejected_rows(&keep)
            .map(|i| ids.get(i).is_some_and(|c| left_out.contains(c)))
            .collect();
        let unknown: Vec<(usize, String)> = rejected_rows(&keep)
            .zip(&outside)
            .map(|(i, out)| {
                let c = ids.get(i).unwrap_or("");
                let why = if *out {
                    format!("case_id {c:?} is a case outside the audited period or after the as-of time, left out with it")
                } else {
                    format!("case_id {c:?} is not an audited case (unknown or rejected)")
                };
                (i, why)
            })
            .collect();
        let before = rejected.len();
        handoffs.reject_where(&keep, |i| reason_at(&unknown, i), &mut rejected);
        // The rejections follow the rows in order: mark those of left-out cases.
        for (r, out) in rejected[before..].iter_mut().zip(outside) {
            r.outside = out;
        }
        // A handoff before its case was received cannot have happened: the time decides
        // who held the case when a deadline passed, so it is a data error, not a guess.
        let row_of: Vec<usize> = row_of.into_iter().flatten().collect();
        let received = cases.time("received_at");
        let at = handoffs.time("at");
        let keep: Vec<bool> = row_of
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                !matches!((received.get(r), at.latest(i, tz)), (Some(rec), Some(a)) if a < rec)
            })
            .collect();
        let early: Vec<(usize, String)> = rejected_rows(&keep)
            .map(|i| {
                let why = format!(
                    "`at` (转交时间) {} is before case {:?} was received ({})",
                    at.stamp_text(i, tz),
                    case_ids[row_of[i]],
                    received.stamp_text(row_of[i], tz)
                );
                (i, why)
            })
            .collect();
        handoffs.reject_where(&keep, |i| reason_at(&early, i), &mut rejected);
        let row_of: Vec<usize> = row_of
            .into_iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(r, _)| r)
            .collect();
        // One handoff per case and 序号: a repeated one is rejected, the first is kept.
        let seqs = handoffs.count("seq");
        let (keep, dup_of) = repeats_by_case(cases.len(), &row_of, seqs);
        let ids = handoffs.text("case_id");
        let repeats: Vec<(usize, String)> = rejected_rows(&keep)
            .map(|i| {
                let what = format!(
                    "duplicate handoff: case {:?} 序号 {}",
                    ids.get(i).unwrap_or(""),
                    seqs.get(i).unwrap_or(0)
                );
                (i, what)
            })
            .collect();
        // Each kept handoff's case row, for the rules.
        let index = HandoffIndex::from_rows(
            cases.len(),
            row_of
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(r, _)| Some(*r)),
        );
        handoffs.reject_repeats(
            (keep, dup_of),
            |i, first| {
                format!(
                    "{} is already at {first} (only the first is audited)",
                    reason_at(&repeats, i)
                )
            },
            &mut rejected,
        );
        index
    };

    rejected.extend(other_rejected);

    // A spot check outside the audited month, or after the as-of time, is not this
    // audit's finding (as a case received then is not its case).
    if let Some(t) = inspections.as_mut() {
        let (p, tz) = (period.as_ref(), tz);
        reject_outside(t, "at", "`at` (检查时间)", "", p, as_of, tz, &mut rejected);
    }

    // rejected.csv in reading order: by file, as read, then by line within each file
    // (a row rejected by a later check would otherwise follow the file's other rows).
    {
        let file_order: HashMap<&str, usize> = stats
            .iter()
            .enumerate()
            .map(|(i, s)| (s.path.as_str(), i))
            .collect();
        let mut keyed: Vec<(usize, u64, Rejected)> = rejected
            .into_iter()
            .map(|r| {
                (
                    file_order
                        .get(r.file.as_str())
                        .copied()
                        .unwrap_or(usize::MAX),
                    r.line,
                    r,
                )
            })
            .collect();
        keyed.sort_by_key(|(f, l, _)| (*f, *l));
        rejected = keyed.into_iter().map(|(_, _, r)| r).collect();
    }

    // Employees named by an id the roster does not hold: said, and a number that lost
    // its leading zeros (Excel) read as the roster's.
    let id_warnings = match roster.as_ref() {
        Some(r) => join_ids_to_roster(&mut cases, &mut handoffs, inspections.as_mut(), r),
        None => vec![],
    };
    // Reconcile: rows read = rows kept + rows rejected, per file.
    let tables: Vec<&Table> = [
        Some(&cases),
        Some(&handoffs),
        roster.as_ref(),
        inspections.as_ref(),
        waivers.as_ref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut warnings: Vec<String> = tables.iter().flat_map(|t| t.warnings.clone()).collect();
    if let Some(w) = roster
        .as_ref()
        .and_then(|r| responder_names_differ(&cases, r))
    {
        warnings.push(w);
    }
    warnings.extend(id_warnings);
    if let (Some(w), Some(r)) = (waivers.as_ref(), roster.as_ref()) {
        warnings.extend(approvers_not_on_roster(w, r));
    }
    // Kept rows per (kind, file name): one count per row, then per file.
    let mut kept_of: HashMap<(FileKind, &str), usize> = HashMap::new();
    for t in &tables {
        let mut per_file = vec![0usize; t.files.len()];
        for s in &t.sources {
            per_file[s.file] += 1;
        }
        for (f, n) in t.files.iter().zip(per_file) {
            *kept_of.entry((t.kind, f.as_str())).or_default() += n;
        }
    }
    for st in &mut stats {
        let kept = kept_of
            .get(&(st.kind, st.path.as_str()))
            .copied()
            .unwrap_or(0);
        let rej = rejected.iter().filter(|r| r.file == st.path).count();
        st.rows_audited = kept;
        st.rows_rejected = rej;
        if kept + rej != st.rows_read {
            return Err(Error::Other(format!(
                "internal error: {} read {} rows but kept {kept} and rejected {rej}",
                st.path, st.rows_read
            )));
        }
    }
    mask_linked_residents(&cases, &mut rejected);
    // Every row is now kept or rejected: the files' bytes are no longer needed.
    for t in [
        Some(&mut cases),
        Some(&mut handoffs),
        roster.as_mut(),
        inspections.as_mut(),
        waivers.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        t.release_raw();
    }
    crate::par::return_free_memory();
    Ok(Loaded {
        cases,
        handoffs,
        handoffs_of,
        roster,
        inspections,
        waivers,
        stats,
        rejected,
        period,
        warnings,
    })
}

/// The rows a keep mask rejects, in order.
fn rejected_rows(keep: &[bool]) -> impl Iterator<Item = usize> + '_ {
    keep.iter()
        .enumerate()
        .filter(|(_, k)| !**k)
        .map(|(i, _)| i)
}

/// The reason computed for rejected row `i` (`reasons` in row order).
fn reason_at(reasons: &[(usize, String)], i: usize) -> String {
    reasons
        .binary_search_by_key(&i, |r| r.0)
        .map(|k| reasons[k].1.clone())
        .unwrap_or_default()
}

/// Repeated handoffs: the same case (row) and 序号 as an earlier handoff in file order,
/// which is kept. As [`crate::input::first_seen`] gives them (keep, and the first row of
/// each repeat), found case by case instead of through a map of every handoff.
fn repeats_by_case(
    cases: usize,
    row_of: &[usize],
    seqs: &OptI64,
) -> (Vec<bool>, Vec<Option<usize>>) {
    let n = row_of.len();
    let by_case = HandoffIndex::from_rows(cases, row_of.iter().map(|&r| Some(r)));
    let (mut keep, mut dup_of) = (vec![true; n], vec![None; n]);
    let mut first: HashMap<i64, usize> = HashMap::new();
    for r in 0..cases {
        let hs = by_case.of(r);
        if hs.len() < 2 {
            continue;
        }
        // A case has a handful of handoffs: compared with the earlier ones directly,
        // through a map only when there are many.
        let many = hs.len() > 32;
        first.clear();
        for (a, &i) in hs.iter().enumerate() {
            let i = i as usize;
            let Some(s) = seqs.get(i) else { continue };
            let earlier = if many {
                match first.entry(s) {
                    std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(i);
                        None
                    }
                }
            } else {
                hs[..a]
                    .iter()
                    .map(|&j| j as usize)
                    .find(|&j| seqs.get(j) == Some(s))
            };
            if let Some(f) = earlier {
                keep[i] = false;
                dup_of[i] = Some(f);
            }
        }
    }
    (keep, dup_of)
}

/// The employee ids of the cases (首问人, 回访人), handoffs (转出人, 接收人) and spot checks
/// that the roster does not hold, as warnings: such an employee is charged under that id,
/// with no base pay, role or supervisor, so HR must hear of it. An id of digits that the
/// roster holds with other leading zeros, one id of that number only (`7` for `007`:
/// Excel drops them from a number; `007` for a roster's `7`), is read as the roster's,
/// and said.
fn join_ids_to_roster(
    cases: &mut Table,
    handoffs: &mut Table,
    inspections: Option<&mut Table>,
    roster: &Table,
) -> Vec<String> {
    let ids: crate::idhash::IdSet<&str> = roster.text("employee_id").iter().flatten().collect();
    if ids.is_empty() {
        return vec![];
    }
    // Roster ids of digits by their number (007 and 7 alike); `None` when two share one.
    let number = crate::input::schema::id_number;
    let mut padded: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for id in roster.text("employee_id").iter().flatten() {
        if let Some(n) = number(id) {
            padded
                .entry(n)
                .and_modify(|e| *e = None)
                .or_insert(Some(id));
        }
    }
    // Roster ids by name (`None` when two share one): an export that names its staff
    // without their 工号 (首问人 王芳, no 首问人工号) is joined by the name.
    let mut named: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    if roster.is_present("name") {
        for (id, name) in roster
            .text("employee_id")
            .iter()
            .zip(roster.text("name").iter())
        {
            if let (Some(id), Some(name)) = (id, name) {
                named
                    .entry(name)
                    .and_modify(|e| *e = None)
                    .or_insert(Some(id));
            }
        }
    }
    // An id the roster lacks, written with more or fewer leading zeros than the one id
    // of its number it holds (7 for 007, 007 for 7), or the name of one employee.
    let padded_for = |v: &str| -> Option<&str> {
        number(v)
            .and_then(|n| padded.get(&n).copied().flatten())
            .or_else(|| named.get(v).copied().flatten())
    };
    let mut remapped: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let mut shared_name: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = 0;
    let mut join = |table: &mut Table, col: &str| {
        if !table.is_present(col) {
            return;
        }
        let values = table.text(col);
        // Ids repeat: when each is held once, every one the roster holds settles it.
        if values
            .shared_values()
            .is_some_and(|d| d.iter().flatten().all(|v| ids.contains(v)))
        {
            return;
        }
        // Counted per value as borrowed (one copy per distinct value, not per row).
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for v in values.iter().flatten().filter(|v| !ids.contains(v)) {
            *counts.entry(v).or_default() += 1;
        }
        let mut changed = false;
        for (v, n) in counts {
            match padded_for(v) {
                Some(to) => {
                    *remapped.entry((v.to_string(), to)).or_default() += n;
                    changed = true;
                }
                None if matches!(named.get(v), Some(None)) => {
                    // A name two roster employees share: not guessed.
                    *shared_name.entry(v.to_string()).or_default() += n;
                }
                None => {
                    rows += n;
                    *unknown.entry(v.to_string()).or_default() += n;
                }
            }
        }
        if changed {
            let mut fixed: TextCol = values
                .iter()
                .map(|v| match v {
                    Some(v) if !ids.contains(v) => Some(padded_for(v).unwrap_or(v)),
                    other => other,
                })
                .collect();
            fixed.share_repeats();
            if let Some((_, ColData::Text(c))) =
                table.columns.iter_mut().find(|(c, _)| c.name == col)
            {
                *c = fixed;
            }
        }
    };
    for col in ["first_responder_id", "followup_by"] {
        join(cases, col);
    }
    for col in ["from_id", "to_id"] {
        join(handoffs, col);
    }
    if let Some(t) = inspections {
        join(t, "employee_id");
    }
    let mut out = vec![];
    if !remapped.is_empty() {
        out.push(format!(
            "employee ids the roster does not hold, written with other leading zeros than one of its ids or as one employee's name, are read as that roster id: {} (a spreadsheet drops the zeros of a number; an export may name staff without their 工号; check the export)",
            first_five(remapped.iter().map(|((from, to), n)| format!("{from} → {to} ({n} rows)")))
        ));
    }
    if !shared_name.is_empty() {
        out.push(format!(
            "employee ids written as a name the roster gives several employees are not joined to any of them: {}; they are charged under the name, with no base pay, role or supervisor (write their 工号)",
            first_five(shared_name.iter().map(|(name, n)| format!("{name} ({n} rows)")))
        ));
    }
    if !unknown.is_empty() {
        let mut by_count: Vec<(&String, &usize)> = unknown.iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        out.push(format!(
            "{rows} case, handoff or spot-check rows name {} employee id(s) the roster does not hold: {}; they are charged under those ids, with no base pay, role or supervisor (check the ids or the roster)",
            unknown.len(),
            first_five(by_count.iter().map(|(id, n)| format!("{id} ({n})")))
        ));
    }
    out
}

/// The first five of `items` joined with `, `, and ` …` after them when there are more:
/// a warning names a few examples, not every one.
fn first_five(items: impl IntoIterator<Item = String>) -> String {
    let mut items = items.into_iter();
    let mut shown = items.by_ref().take(5).collect::<Vec<_>>().join(", ");
    if items.next().is_some() {
        shown.push_str(" …");
    }
    shown
}

/// An approver as compared with the roster: without spaces and letter case (V1 and v1,
/// 王 芳 and 王芳; full-width forms are folded when read).
fn bare(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Waivers approved by someone the roster names by neither id nor name: applied (the
/// approver may sit outside the audited centers), but said, with the first few.
fn approvers_not_on_roster(waivers: &Table, roster: &Table) -> Option<String> {
    let known: BTreeSet<String> = roster
        .text("employee_id")
        .iter()
        .chain(roster.text("name").iter())
        .flatten()
        .map(bare)
        .collect();
    let by = waivers.text("approved_by");
    let strangers: Vec<usize> = (0..waivers.len())
        .filter(|&i| by.get(i).is_some_and(|a| !known.contains(&bare(a))))
        .collect();
    strangers.first()?;
    let shown: Vec<String> = strangers
        .iter()
        .take(3)
        .map(|&i| format!("{} ({})", waivers.source(i), by.get(i).unwrap_or("")))
        .collect();
    Some(format!(
        "{} waiver(s) approved by someone the roster does not name by id or name, e.g. {}{}: applied; check that the approver may approve them",
        strangers.len(),
        shown.join(", "),
        if strangers.len() > 3 { " …" } else { "" }
    ))
}

/// Each roster employee's name by id.
fn roster_names(roster: &Table) -> crate::idhash::IdMap<&str, &str> {
    roster
        .text("employee_id")
        .iter()
        .zip(roster.text("name").iter())
        .filter_map(|(id, n)| Some((id?, n?)))
        .collect()
}

/// Cases whose 首问人 (name) is not the roster's name for their 首问人工号: the cases are
/// charged to the roster's employee, so a wrong id, or the ids of two companies audited
/// together colliding (both have an `E101`), must not pass silently.
fn responder_names_differ(cases: &Table, roster: &Table) -> Option<String> {
    if !cases.is_present("first_responder") || !roster.is_present("name") {
        return None;
    }
    // Looked up once per case: hashed (the roster's ids are unique).
    let names = roster_names(roster);
    let (ids, given) = (
        cases.text("first_responder_id"),
        cases.text("first_responder"),
    );
    // Equal once white space is left out; compared in place (no copy per case).
    let same = |a: &str, b: &str| {
        a == b
            || a.chars()
                .filter(|c| !c.is_whitespace())
                .eq(b.chars().filter(|c| !c.is_whitespace()))
    };
    let mut n = 0;
    let mut examples = vec![];
    for i in 0..cases.len() {
        let (Some(id), Some(g)) = (ids.get(i), given.get(i)) else {
            continue;
        };
        let Some(r) = names.get(id) else { continue };
        if !same(g, r) {
            n += 1;
            if examples.len() < 3 {
                // The cell may hold anything, the resident's number too: masked as
                // evidence is, for the warning goes into the manifest and the page.
                let of_case = |c: &str| {
                    cases
                        .is_present(c)
                        .then(|| cases.text(c).get(i))
                        .flatten()
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                };
                let g = crate::mask::mask_personal(
                    g,
                    of_case("customer_name"),
                    of_case("customer_phone"),
                    None,
                );
                examples.push(format!(
                    "{} names {g}, the roster's {id} is {r}",
                    cases.source(i)
                ));
            }
        }
    }
    (n > 0).then(|| {
        format!(
            "{n} case(s) name a first responder other than the roster's employee of that id, and are charged to the roster's ({}); check the ids (two companies audited together must not share ids)",
            examples.join("; ")
        )
    })
}

/// A rejected row of another file (a handoff, a waiver) can quote its case's resident in
/// a note: give it the case's name and phone to mask, from the audited case or from the
/// case's own rejected row.
fn mask_linked_residents(cases: &Table, rejected: &mut [Rejected]) {
    // Looked up for every audited case: hashed, not ordered (order is not needed here).
    let wanted: crate::idhash::IdSet<String> = rejected
        .iter()
        .filter(|r| r.kind != FileKind::Cases)
        .filter_map(|r| r.case_id.clone())
        .collect();
    if wanted.is_empty() {
        return;
    }
    let mut pii: BTreeMap<&str, Vec<(String, bool)>> = BTreeMap::new();
    let ids = cases.text("case_id");
    for (i, id) in ids.iter().enumerate() {
        let Some(id) = id.and_then(|id| wanted.get(id)) else {
            continue;
        };
        let e = pii.entry(id.as_str()).or_default();
        for (c, phone) in crate::input::PII_COLUMNS {
            if let Some(v) = cases.text(c).get(i) {
                e.push((v.to_string(), *phone));
            }
        }
    }
    let from_rejected: Vec<(String, Vec<(String, bool)>)> = rejected
        .iter()
        .filter(|r| r.kind == FileKind::Cases)
        .filter_map(|r| Some((wanted.get(r.case_id.as_deref()?)?.clone(), r.pii.clone())))
        .collect();
    for (id, p) in &from_rejected {
        pii.entry(id.as_str())
            .or_default()
            .extend(p.iter().cloned());
    }
    for r in rejected.iter_mut().filter(|r| r.kind != FileKind::Cases) {
        if let Some(p) = r.case_id.as_deref().and_then(|id| pii.get(id)) {
            for x in p {
                if !x.0.is_empty() && !r.pii.contains(x) {
                    r.pii.push(x.clone());
                }
            }
        }
    }
}

/// Reject the rows whose time `col` (named `what` in the reason) is outside `period` or
/// after `as_of` (then `after_as_of` ends the reason). A row without that time is outside
/// any period and never after the as-of time.
#[allow(clippy::too_many_arguments)]
fn reject_outside(
    t: &mut Table,
    col: &str,
    what: &str,
    after_as_of: &str,
    period: Option<&Period>,
    as_of: Option<i64>,
    tz: chrono_tz::Tz,
    rejected: &mut Vec<Rejected>,
) {
    // Rows left out by the audit's own bounds: no fault of the data (see `--strict`).
    let before = rejected.len();
    if let Some(p) = period {
        let at = t.time(col).to_vec();
        let keep: Vec<bool> = at.iter().map(|a| p.holds(*a)).collect();
        t.reject_where(
            &keep,
            |i| {
                format!(
                    "{what} {} is outside the audited period {}",
                    format_local_short(at[i].unwrap_or(0), tz),
                    p.label
                )
            },
            rejected,
        );
    }
    if let Some(limit) = as_of {
        let at = t.time(col).to_vec();
        let keep: Vec<bool> = at.iter().map(|a| by_as_of(Some(limit), *a)).collect();
        t.reject_where(
            &keep,
            |i| {
                format!(
                    "{what} {} is after the as-of time {}{after_as_of}",
                    format_local_short(at[i].unwrap_or(0), tz),
                    format_local_short(limit, tz)
                )
            },
            rejected,
        );
    }
    for r in &mut rejected[before..] {
        r.outside = true;
    }
}

/// Whether a time is not after the as-of time (a row without one never is; no as-of
/// time bounds nothing).
fn by_as_of(as_of: Option<i64>, t: Option<i64>) -> bool {
    match (as_of, t) {
        (Some(limit), Some(t)) => t <= limit,
        _ => true,
    }
}

/// What [`load_as_of`] reads besides the cases: each with its statistics and rejections
/// (the handoffs' apart, because the cases' own checks come between them and the rest).
struct Others {
    handoffs: Table,
    h_stats: Vec<FileStats>,
    h_rejected: Vec<Rejected>,
    roster: Option<Table>,
    inspections: Option<Table>,
    waivers: Option<Table>,
    stats: Vec<FileStats>,
    rejected: Vec<Rejected>,
}

fn read_others(files: &DatasetFiles, opts: &crate::input::ReadOptions) -> Result<Others> {
    let (mut h_stats, mut h_rejected) = (vec![], vec![]);
    let handoffs = read_table(
        FileKind::Handoffs,
        files.handoffs.as_slice(),
        opts,
        &mut h_stats,
        &mut h_rejected,
    )?;
    let (mut stats, mut rejected) = (vec![], vec![]);
    // Roster: known roles, unique employee ids.
    let roster = match &files.roster {
        None => None,
        Some(f) => {
            let mut t = read_table(
                FileKind::Roster,
                std::slice::from_ref(f),
                opts,
                &mut stats,
                &mut rejected,
            )?;
            let roles = t.text("role").clone();
            let keep: Vec<bool> = roles
                .iter()
                .map(|r| r.map(|r| canonical_role(r).is_some()).unwrap_or(true))
                .collect();
            t.reject_where(
                &keep,
                |i| {
                    format!(
                        "`role` (岗位类别) {:?} is not a role of the regulation; expected one of {}",
                        roles.get(i).unwrap_or(""),
                        crate::input::schema::ROLES
                            .iter()
                            .map(|(c, l, _)| format!("{c}/{l}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
                &mut rejected,
            );
            t.reject_duplicates("employee_id", &mut rejected);
            Some(t)
        }
    };
    let inspections = match &files.inspections {
        None => None,
        Some(f) => Some(read_table(
            FileKind::Inspections,
            std::slice::from_ref(f),
            opts,
            &mut stats,
            &mut rejected,
        )?),
    };
    let waivers = match &files.waivers {
        None => None,
        Some(f) => Some(read_table(
            FileKind::Waivers,
            std::slice::from_ref(f),
            opts,
            &mut stats,
            &mut rejected,
        )?),
    };

    Ok(Others {
        handoffs,
        h_stats,
        h_rejected,
        roster,
        inspections,
        waivers,
        stats,
        rejected,
    })
}

/// `frame` with the column `as_of`: the audit's as-of time in local time (epoch
/// milliseconds of the local clock reading, as the frame's time columns), for conditions.
pub fn with_as_of(frame: LazyFrame, local_ms: i64) -> LazyFrame {
    frame.with_column(
        lit(local_ms)
            .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
            .alias(crate::rules::AS_OF),
    )
}

/// The cases table as a polars frame: every canonical column (times as local
/// datetimes, for `when` filters), `__utc_<time>` epoch milliseconds for deadline
/// arithmetic, and `__row`, the row's index in the table.
pub fn cases_frame(cases: &Table, tz: chrono_tz::Tz) -> PolarsResult<DataFrame> {
    cases_frame_with(cases, tz, 0..cases.len(), |_| true)
}

/// [`cases_frame`] with only the columns `wanted` accepts (a time column with its
/// `__utc_` twin). The audit builds only what its rules read: free text such as `reply`
/// and `content` is read by the phrase rules from the table itself, and a time column no
/// rule compares would be two more copies of it (local and UTC) at the audit's peak.
pub fn cases_frame_with(
    cases: &Table,
    tz: chrono_tz::Tz,
    rows: std::ops::Range<usize>,
    wanted: impl Fn(&str) -> bool + Sync,
) -> PolarsResult<DataFrame> {
    let rows = rows.start.min(cases.len())..rows.end.min(cases.len());
    let n = rows.len();
    let mut cols: Vec<Column> = vec![Column::new(
        "__row".into(),
        (rows.start as u32..rows.end as u32).collect::<Vec<u32>>(),
    )];
    if cases.files.len() > 1 {
        // Which file each row came from: files of several exports may lack columns.
        cols.push(Column::new(
            "__file".into(),
            cases.sources[rows.clone()]
                .iter()
                .map(|s| s.file as u32)
                .collect::<Vec<u32>>(),
        ));
    }
    let build =
        |columns: &[(&'static crate::input::Column, ColData)]| -> PolarsResult<Vec<Column>> {
            let mut cols = vec![];
            for (c, data) in columns {
                if !wanted(c.name) {
                    continue;
                }
                match data {
                    ColData::Text(v) => cols.push(Column::new(
                        c.name.into(),
                        rows.clone()
                            .map(|i| v.get(i))
                            .collect::<Vec<Option<&str>>>(),
                    )),
                    ColData::Time(v_all) => {
                        let v: Vec<Option<i64>> = rows.clone().map(|i| v_all.get(i)).collect();
                        let local: Vec<Option<i64>> = v
                            .iter()
                            .map(|ms| ms.map(|ms| to_local(ms, tz).and_utc().timestamp_millis()))
                            .collect();
                        let s = Series::new(c.name.into(), local)
                            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?;
                        cols.push(s.into());
                        cols.push(Column::new(format!("__utc_{}", c.name).into(), v));
                        // The last instant of each date written without a time of day
                        // ([`OptI64::latest`]): where a deadline from it starts.
                        if v_all.any_date_only() {
                            let ends: Vec<Option<i64>> = rows
                                .clone()
                                .map(|i| v_all.date_only(i).then(|| v_all.latest(i, tz)).flatten())
                                .collect();
                            cols.push(Column::new(day_end_column(c.name).into(), ends));
                        }
                    }
                    ColData::Count(v) => {
                        let v: Vec<Option<i64>> = rows.clone().map(|i| v.get(i)).collect();
                        cols.push(Column::new(c.name.into(), v))
                    }
                    ColData::Money(v) => {
                        cols.push(Column::new(c.name.into(), v[rows.clone()].to_vec()))
                    }
                }
            }
            Ok(cols)
        };
    // The columns in two halves, built side by side and kept in table order.
    let (front, back) = cases.columns.split_at(cases.columns.len() / 2);
    let (front, back) = crate::par::both(|| build(front), || build(back));
    cols.extend(front?);
    cols.extend(back?);
    DataFrame::new(n, cols)
}

/// The frame column of a time column's day ends ([`cases_frame_with`]); there only when
/// some time of the column is a date alone.
pub fn day_end_column(name: &str) -> String {
    format!("__utc_dayend_{name}")
}

/// At most this many time columns of one expression are varied between the start and
/// the end of a day written without a time (2ⁿ − 1 frames); past it, all of them move
/// together.
const DATE_ONLY_VARIED_MAX: usize = 4;

/// `frame` again with the times of `columns` that were written as a date alone moved to
/// the last second of their day, for each non-empty combination of those columns (none
/// when no such time is in the table). Other cells keep their values.
fn date_only_variants<'c>(
    cases: &Table,
    frame: &LazyFrame,
    columns: impl Iterator<Item = &'c String>,
) -> Vec<LazyFrame> {
    let mut dated: Vec<&str> = vec![];
    for c in columns {
        if let Some(ColData::Time(v)) = cases.try_col(c) {
            if v.any_date_only() && !dated.contains(&c.as_str()) {
                dated.push(c);
            }
        }
    }
    let late = |c: &str| {
        let end = day_end_column(c);
        when(col(end.as_str()).is_not_null())
            .then(
                col(c)
                    + (col(end.as_str()) - col(format!("__utc_{c}").as_str()))
                        .cast(DataType::Duration(TimeUnit::Milliseconds)),
            )
            .otherwise(col(c))
            .alias(c)
    };
    let masks: Vec<u32> = if dated.len() > DATE_ONLY_VARIED_MAX {
        vec![(1u32 << dated.len()) - 1]
    } else {
        (1..(1u32 << dated.len())).collect()
    };
    masks
        .into_iter()
        .map(|m| {
            let moved: Vec<Expr> = dated
                .iter()
                .enumerate()
                .filter(|(i, _)| m & (1 << i) != 0)
                .map(|(_, c)| late(c))
                .collect();
            frame.clone().with_columns(moved)
        })
        .collect()
}

/// Run the audit on loaded tables.
pub fn run(rules: RuleSet, loaded: Loaded, opts: &AuditOptions) -> Result<AuditResult> {
    let tz = rules.calendar.tz;
    let selected = crate::rules::select(&rules.rules, &opts.select, &opts.ignore)?;
    let Loaded {
        cases,
        handoffs,
        handoffs_of,
        roster,
        inspections,
        waivers,
        stats,
        rejected,
        period,
        mut warnings,
    } = loaded;

    let mut as_of_unknown = false;
    let as_of = match &opts.as_of {
        Some(s) => parse_as_of(s, tz)?,
        None => match &period {
            Some(p) => p.end,
            None => {
                let (t, far) = latest_timestamp(&cases, &handoffs, inspections.as_ref(), tz);
                warnings.extend(far);
                as_of_unknown = t.is_none();
                t.unwrap_or(0)
            }
        },
    };
    let period_label = match &period {
        Some(p) => p.label.clone(),
        None => derived_period(&cases, tz),
    };

    // Only the columns a selected rule reads go into polars.
    let read: BTreeSet<String> = rules
        .rules
        .iter()
        .zip(&selected)
        .filter(|(_, s)| **s)
        .flat_map(|(r, _)| r.frame_columns())
        .collect();
    let holders = Holders::new(&handoffs, &handoffs_of);

    let mut runs = vec![];
    let mut violations = vec![];
    let mut pending = vec![];
    let mut judged_by_row: Vec<u32> = vec![0; cases.len()];
    // Which rules run, and why the others do not.
    let mut jobs: Vec<usize> = vec![];
    for (ri, rule) in rules.rules.iter().enumerate() {
        let mut run = RuleRun {
            selected: selected[ri],
            not_run: None,
            judged: 0,
            violations: 0,
            pending: 0,
            not_judged: vec![],
            warning: None,
        };
        if !selected[ri] {
            runs.push(run);
            continue;
        }
        let absent: Vec<String> = rule
            .columns()
            .into_iter()
            .filter(|c| !cases.is_present(c))
            .collect();
        let needs = match &rule.check {
            Check::Escalation(_) if roster.is_none() => {
                Some("no roster: employees' roles are unknown, so handoff paths cannot be judged")
            }
            Check::Inspection(_) if inspections.is_none() => Some("no inspections file"),
            // Without the findings column every spot check would read as clean.
            Check::Inspection(_)
                if inspections
                    .as_ref()
                    .is_some_and(|t| !t.is_present("findings")) =>
            {
                Some("the inspections file has no column `findings` (检查发现): what each spot check found is unknown")
            }
            _ => None,
        };
        if let Some(why) = needs {
            run.not_run = Some(why.to_string());
            runs.push(run);
            continue;
        }
        if !absent.is_empty() {
            run.not_run = Some(format!(
                "the cases input has no column {}",
                absent
                    .iter()
                    .map(|c| format!("`{c}` ({})", case_label(c)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            runs.push(run);
            continue;
        }
        jobs.push(ri);
        runs.push(run);
    }
    // A deadline counted in working days is only as right as [calendar] for the years
    // it spans: say which years the calendar has no holidays for (from the earliest start
    // to the latest start or the as-of time, whichever is later).
    for &ri in &jobs {
        let Check::Deadline(k) = &rules.rules[ri].check else {
            continue;
        };
        if !k.counts_working_days() {
            continue;
        }
        let starts = cases.time(&k.from);
        let (lo, hi) = starts
            .iter()
            .flatten()
            .fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
        if lo > hi {
            continue;
        }
        let year = |ms: i64| to_local(ms, tz).year();
        let years: BTreeSet<i32> = (year(lo)..=year(hi.max(as_of))).collect();
        let missing = rules.calendar.years_not_listed(&years);
        if !missing.is_empty() {
            let mut shown = missing
                .iter()
                .take(5)
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            if missing.len() > 5 {
                shown.push_str(&format!(" … ({} years)", missing.len()));
            }
            runs[ri].warning = Some(format!(
                "[calendar] lists no holidays or make-up workdays (调休) for {shown}: every weekday of `workdays` counts as a working day there, 法定节假日 included; add the year's 放假安排 to [calendar] holidays and makeup_workdays"
            ));
        }
    }
    // A rule reading a column that some of several case files lack (exports of different
    // centers differ) cannot judge those files' cases: their value is unknown, not empty.
    let lacking: Vec<Vec<(u32, String)>> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(ri, rule)| {
            if !jobs.contains(&ri) || cases.files.len() < 2 {
                return vec![];
            }
            let cols = rule.columns();
            (0..cases.files.len())
                .filter_map(|f| {
                    let missing: Vec<String> = cols
                        .iter()
                        .filter(|c| !cases.file_has(f, c))
                        .map(|c| format!("`{c}` ({})", case_label(c)))
                        .collect();
                    (!missing.is_empty()).then(|| {
                        (
                            f as u32,
                            format!("{} has no column {}", cases.files[f], missing.join(", ")),
                        )
                    })
                })
                .collect()
        })
        .collect();
    // For centers.csv: per rule, the case files it could not read; per rule group, the
    // files none of its running rules could read (a group judges a case when one of its
    // rules does: ESC-SLIP lacking 协调单号 leaves four ESC rules judging the file).
    let mut lacking_by_rule: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (ri, files) in lacking.iter().enumerate() {
        if !files.is_empty() {
            lacking_by_rule.insert(
                rules.rules[ri].id.clone(),
                files.iter().map(|(f, _)| *f).collect(),
            );
        }
    }
    // A selected rule over the cases that could not run at all (a column no export has)
    // judged no case of any file: named alike, so that one export audited alone or
    // beside another shows the same (ESC-SLIP 0/12).
    for (ri, rule) in rules.rules.iter().enumerate() {
        let run = &runs[ri];
        if run.selected && run.not_run.is_some() && !matches!(rule.check, Check::Inspection(_)) {
            lacking_by_rule.insert(rule.id.clone(), (0..cases.files.len() as u32).collect());
        }
    }
    let mut lacking_by_group: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (ri, files) in lacking.iter().enumerate() {
        let g = rule_group(&rules.rules[ri].id);
        let group_blind = |f: u32| {
            jobs.iter()
                .filter(|&&rj| rule_group(&rules.rules[rj].id) == g)
                .all(|&rj| lacking[rj].iter().any(|(x, _)| *x == f))
        };
        for (f, _) in files {
            if group_blind(*f) {
                let files = lacking_by_group.entry(g.to_string()).or_default();
                if !files.contains(f) {
                    files.push(*f);
                }
            }
        }
    }
    // Jobs for the two cores: each group of handoff-path rules with equal parameters and
    // `when` (one shared pass), then each other rule on its own, the phrase rules (the
    // longest) first: a core that finishes its job takes the next, so that neither waits
    // long for the other at the end of a slice.
    let mut groups: Vec<Vec<usize>> = vec![];
    let mut rest: Vec<usize> = vec![];
    for &ri in &jobs {
        let rule = &rules.rules[ri];
        let Check::Escalation(k) = &rule.check else {
            rest.push(ri);
            continue;
        };
        let when = rule.when.as_ref().map(|w| &w.0);
        let same = |g: &Vec<usize>| {
            let o = &rules.rules[g[0]];
            matches!(&o.check, Check::Escalation(x) if x.params.same_check(&k.params))
                && o.when.as_ref().map(|w| &w.0) == when
        };
        match groups.iter_mut().find(|g| same(g)) {
            Some(g) => g.push(ri),
            None => groups.push(vec![ri]),
        }
    }
    // Stable: rules of a kind keep their order.
    rest.sort_by_key(|&ri| !matches!(rules.rules[ri].check, Check::ForbiddenPhrase(_)));
    groups.extend(rest.into_iter().map(|ri| vec![ri]));
    // The cases are evaluated in slices of rows: the polars frame and what a rule builds
    // while it runs are held for one slice only, and each slice's findings are charged
    // before the next is evaluated. A verdict reads its case's own row (conditions that
    // compare cases are refused by `rules check`), so the slices give the same findings
    // in the same order as one pass.
    let step = opts.chunk_rows.filter(|&c| c > 0).unwrap_or(CHUNK_ROWS);
    let n = cases.len();
    // No cases: one empty slice all the same (the spot-check rules run in the first).
    let chunks: Vec<std::ops::Range<usize>> = (0..n.max(1))
        .step_by(step)
        .map(|a| a..(a + step).min(n))
        .collect();
    // Per rule: what it could not judge, then the cases of files lacking a column it
    // reads (in this order, as before the slices).
    let mut not_judged: Vec<(NotJudged, NotJudged)> =
        rules.rules.iter().map(|_| Default::default()).collect();
    // The employees' ids and the shared words of evidence, for each half of a slice's
    // findings (charged side by side below).
    let mut held: (
        crate::idhash::IdSet<Arc<str>>,
        crate::idhash::IdSet<Arc<str>>,
    ) = Default::default();
    for (ci, chunk) in chunks.iter().enumerate() {
        let df = cases_frame_with(&cases, tz, chunk.clone(), |c| read.contains(c))
            .map_err(polars_err)?;
        let ctx = EvalCtx {
            cases: &cases,
            handoffs: &handoffs,
            roster: roster.as_ref(),
            inspections: inspections.as_ref(),
            as_of,
            calendar: &rules.calendar,
            escalation_cache: Default::default(),
            handoffs_of: &handoffs_of,
        };
        // Evaluate on both cores, in the jobs below. Results are taken in rules-file order
        // afterwards, so the report does not depend on which finishes first.
        let eval = |ri: usize| -> Evaluated {
            let rule = &rules.rules[ri];
            let mut base = df.clone().lazy();
            if rule.reads_as_of() {
                base = with_as_of(base, to_local(as_of, tz).and_utc().timestamp_millis());
            }
            // The cases of a file lacking a column the rule reads are not judged: all of
            // them when its `when` reads that column (whether the rule applies is unknown),
            // else those its `when` selects.
            let when_cols: Vec<String> = rule
                .when
                .as_ref()
                .map(|(_, e)| crate::rules::expr_columns(e))
                .unwrap_or_default();
            let (blind, partial): (Vec<u32>, Vec<u32>) = lacking[ri]
                .iter()
                .map(|(f, _)| *f)
                .partition(|&f| when_cols.iter().any(|c| !cases.file_has(f as usize, c)));
            let of_files = |files: &[u32]| {
                files
                    .iter()
                    .fold(lit(false), |e, f| e.or(col("__file").eq(lit(*f))))
            };
            let mut skipped_rows: Vec<(u32, u32)> = vec![];
            let mut take = |base: LazyFrame, files: &[u32]| -> Result<LazyFrame> {
                if files.is_empty() {
                    return Ok(base);
                }
                let rows = base
                    .clone()
                    .filter(of_files(files))
                    .select([col("__row"), col("__file")])
                    .collect()
                    .map_err(|e| Error::Other(format!("rule {} could not run: {e}", rule.id)))?;
                let (r, f) = (
                    rows.column("__row").and_then(|c| Ok(c.u32()?.clone())),
                    rows.column("__file").and_then(|c| Ok(c.u32()?.clone())),
                );
                let (Ok(r), Ok(f)) = (r, f) else {
                    return Err(Error::Other(format!("rule {} could not run", rule.id)));
                };
                skipped_rows.extend(r.into_no_null_iter().zip(f.into_no_null_iter()));
                Ok(base.filter(of_files(files).not()))
            };
            base = take(base, &blind)?;
            // An expression over a time written as a date alone is evaluated again with
            // that time at the end of its day (each combination of such columns): a
            // violation is charged only if it holds whatever the hour was.
            let day_variants: Vec<LazyFrame> = match &rule.check {
                Check::Expression(k) => {
                    date_only_variants(&cases, &base, when_cols.iter().chain(&k.columns))
                        .into_iter()
                        .map(|v| {
                            let v = match &rule.when {
                                Some((_, w)) => v.filter(
                                    w.clone().cast(DataType::Boolean).fill_null(lit(false)),
                                ),
                                None => v,
                            };
                            v.filter(of_files(&partial).not())
                        })
                        .collect()
                }
                _ => vec![],
            };
            if let Some((_, w)) = &rule.when {
                base = base.filter(w.clone().cast(DataType::Boolean).fill_null(lit(false)));
            }
            base = take(base, &partial)?;
            skipped_rows.sort_unstable();
            let skipped: Vec<(String, String)> = skipped_rows
                .into_iter()
                .map(|(row, file)| {
                    let why = lacking[ri]
                        .iter()
                        .find(|(x, _)| *x == file)
                        .map(|(_, w)| w.clone())
                        .unwrap_or_default();
                    (
                        cases
                            .text("case_id")
                            .get(row as usize)
                            .unwrap_or("")
                            .to_string(),
                        why,
                    )
                })
                .collect();
            let outcome = match &rule.check {
                Check::Deadline(k) => k.evaluate(&ctx, base),
                Check::Required(k) => k.evaluate(&ctx, base),
                Check::Expression(k) => k.evaluate(&ctx, base, day_variants, &when_cols),
                Check::ForbiddenPhrase(k) => k.evaluate(&ctx, base),
                Check::Escalation(k) => k.evaluate(&ctx, base),
                Check::Inspection(k) => Ok(k.evaluate(&ctx)),
            }
            .map_err(|e| Error::Other(format!("rule {} could not run: {e}", rule.id)));
            outcome.map(|o| (o, skipped))
        };
        // Spot checks are records of their own, not case rows: judged in the first slice.
        let in_slice =
            |ri: usize| ci == 0 || !matches!(rules.rules[ri].check, Check::Inspection(_));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: std::sync::Mutex<Vec<(usize, Evaluated)>> = Default::default();
        let worker = || loop {
            let g = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(group) = groups.get(g) else { break };
            for &ri in group.iter().filter(|&&ri| in_slice(ri)) {
                let o = eval(ri);
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((ri, o));
            }
        };
        let helper_failed = std::thread::scope(|s| {
            let helper = s.spawn(worker);
            worker();
            helper.join().is_err()
        });
        // The slice's frame and shared escalation passes are done with, and the pages
        // of the texts it read from the files.
        drop(ctx);
        drop(df);
        cases.release_file_pages();
        let mut outcomes: Vec<Option<Evaluated>> = rules.rules.iter().map(|_| None).collect();
        for (ri, o) in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
            outcomes[ri] = Some(o);
        }
        if helper_failed {
            // A rule whose evaluation did not finish has no outcome: say so, never skip it.
            for &ri in groups.iter().flatten().filter(|&&ri| in_slice(ri)) {
                if outcomes[ri].is_none() {
                    outcomes[ri] = Some(Err(Error::Other(format!(
                        "rule {} could not run: internal error",
                        rules.rules[ri].id
                    ))));
                }
            }
        }
        // Every rule's hits, in rules-file order, to be charged below.
        let mut hits: Vec<(usize, Hit)> = vec![];
        for ri in 0..rules.rules.len() {
            let Some(outcome) = outcomes[ri].take() else {
                continue;
            };
            let (outcome, skipped) = outcome?;
            let run = &mut runs[ri];
            run.judged += outcome.judged.len() + outcome.ext_judged;
            not_judged[ri].0.extend(outcome.not_judged);
            not_judged[ri].1.extend(skipped);
            for x in outcome.ext {
                run.violations += 1;
                violations.push(Violation {
                    row: None,
                    other: Some(Box::new(OtherRecord {
                        case_id: x.case_id,
                        center: x.center,
                        source: x.source,
                        order: x.order,
                        finding: x.finding,
                    })),
                    rule: ri,
                    employee_id: x.employee_id.into(),
                    evidence: Evidence::own(x.evidence),
                    points: x.points,
                    waiver: None,
                });
            }
            for r in &outcome.judged {
                judged_by_row[*r as usize] += 1;
            }
            for hit in &outcome.hits {
                if hit.pending {
                    run.pending += 1;
                } else {
                    run.violations += 1;
                }
            }
            hits.extend(outcome.hits.into_iter().map(|h| (ri, h)));
        }
        // Charging: in two halves side by side, joined in order (the same as one pass).
        // `held`: the employee ids and shared evidence words met so far (see `Evidence`),
        // one set per half, kept from slice to slice.
        let charge_all = |hits: Vec<(usize, Hit)>, held: &mut crate::idhash::IdSet<Arc<str>>| {
            let (mut violations, mut pending) = (vec![], vec![]);
            for (ri, hit) in hits {
                let rule = &rules.rules[ri];
                let row = hit.row as usize;
                let (employee_id, note) = match hit.employee {
                    Some(e) => (e, None),
                    // A pending case's holder is who holds it now (at the as-of time),
                    // not after a handoff recorded past it.
                    None => {
                        let at = hit.at.unwrap_or(as_of);
                        let at = if hit.pending { at.min(as_of) } else { at };
                        // Without a due time (a rule other than a deadline) the holder
                        // is who held the case at the as-of time: worded so.
                        let as_at = hit.pending || hit.at.is_none();
                        charge(rule, row, at, &cases, &holders, as_at, tz)
                    }
                };
                // The words a charge's note follows are this finding's own.
                let shared_from = hit.shared_from.filter(|_| note.is_none());
                let evidence = match note {
                    Some(n) => format!("{}{n}", hit.evidence),
                    None => hit.evidence,
                };
                if hit.pending {
                    pending.push(PendingCase {
                        row,
                        rule: ri,
                        employee_id,
                        due: hit.at,
                        evidence,
                    });
                } else {
                    violations.push(Violation {
                        row: Some(row),
                        other: None,
                        rule: ri,
                        employee_id: intern(held, &employee_id),
                        evidence: match shared_from {
                            Some(at) => Evidence::split(evidence, at, held),
                            None => Evidence::own(evidence),
                        },
                        points: rule.points,
                        waiver: None,
                    });
                }
            }
            (violations, pending)
        };
        let second = hits.split_off(hits.len() / 2);
        let (held_a, held_b) = &mut held;
        let (a, b) = crate::par::both(|| charge_all(hits, held_a), || charge_all(second, held_b));
        for (v, p) in [a, b] {
            violations.extend(v);
            pending.extend(p);
        }
    }
    for (run, (own, skipped)) in runs.iter_mut().zip(not_judged) {
        run.not_judged = own;
        run.not_judged.extend(skipped);
    }
    crate::par::return_free_memory();
    // File order, then rules-file order: stable and independent of hashing.
    let order = |row: usize| (cases.sources[row].file, cases.sources[row].line);
    // The findings' numbers are sorted, not the findings (a stable sort of the findings
    // themselves takes scratch room for half of them: 0.25 GB at 10M cases).
    let mut by_order: Vec<u32> = (0..violations.len())
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .collect();
    by_order.sort_by(|&a, &b| {
        let (a, b) = (&violations[a as usize], &violations[b as usize]);
        (a.order(&cases), a.rule, &a.employee_id).cmp(&(b.order(&cases), b.rule, &b.employee_id))
    });
    permute(&mut violations, by_order);
    pending.sort_by_key(|p| (order(p.row), p.rule));

    let unmatched_waivers = apply_waivers(
        &mut violations,
        (waivers.as_ref(), roster.as_ref()),
        &rules,
        &runs,
        (&cases, &pending),
        &mut warnings,
    );
    let followup_not_due = followup_not_due(&rules, &pending, cases.len());
    // The centers' comparison on the second core while the employees are scored.
    let ((employees, scorecards, scoring_seconds), centers) = crate::par::both(
        || {
            let employees = employees(roster.as_ref(), &cases, &violations, &pending);
            let t_scoring = std::time::Instant::now();
            let scorecards = scorecards(
                &rules,
                &employees,
                &cases,
                (&handoffs, &handoffs_of, as_of),
                &violations,
                &judged_by_row,
            );
            (employees, scorecards, t_scoring.elapsed().as_secs_f64())
        },
        || {
            // Every kept handoff's case row was found while loading.
            let handed_off: Vec<bool> = (0..cases.len())
                .map(|r| !handoffs_of.of(r).is_empty())
                .collect();
            centers(
                &cases,
                &violations,
                &rules,
                &handed_off,
                as_of,
                (&lacking_by_group, &lacking_by_rule),
                &followup_not_due,
            )
        },
    );
    let pay_not_run = match &roster {
        None => Some("no roster: base pay (绩效工资基数) is unknown, so pay.csv has grades and coefficients but no amounts"),
        Some(r) if !r.is_present("base_pay") => Some("the roster has no `base_pay` (绩效工资基数) column, so pay.csv has grades and coefficients but no amounts"),
        Some(_) => None,
    }
    .map(str::to_string);
    // Employees on the roster with no base pay: graded, but pay.csv has no amount for them.
    if pay_not_run.is_none() {
        let unpaid: Vec<&Employee> = scorecards
            .iter()
            .map(|c| &c.employee)
            .filter(|e| e.in_roster && e.base_pay.is_none())
            .collect();
        if !unpaid.is_empty() {
            warnings.push(format!(
                "{} employee(s) on the roster have no base pay (绩效工资基数): {}; pay.csv shows their grade and coefficient but no amount",
                unpaid.len(),
                first_five(unpaid.iter().map(|e| format!("{} ({})", e.id, e.name)))
            ));
        }
        // A base pay past the fen (1234.565) is paid on its amount to the fen: said.
        let past_fen: Vec<(&Employee, f64)> = scorecards
            .iter()
            .map(|c| &c.employee)
            .filter_map(|e| Some((e, e.base_pay?)))
            .filter(|(_, b)| ((b * 100.0) - (b * 100.0).round()).abs() > 1e-6)
            .collect();
        if !past_fen.is_empty() {
            let shown = first_five(past_fen.iter().map(|(e, b)| {
                let (fen, _) = crate::report::pay_in_cents(*b, 1.0);
                format!("{} ({b} → {})", e.id, crate::report::fmt_cents(fen))
            }));
            warnings.push(format!(
                "{} employee(s) have a base pay (绩效工资基数) with more than two decimals, paid on it rounded to the fen: {shown}",
                past_fen.len(),
            ));
        }
    }
    Ok(AuditResult {
        input_warnings: warnings,
        pay_not_run,
        scoring_seconds,
        rules,
        runs,
        period: period_label,
        as_of,
        as_of_unknown,
        cases,
        stats,
        rejected,
        violations,
        pending,
        scorecards,
        unmatched_waivers,
        employees,
        centers,
        followup_not_due,
    })
}

/// Per case row, whether a deadline rule counting to `followup_at` (FOLLOWUP-3WD) holds
/// it pending: a complaint whose follow-up is not due yet, left out of the follow-up rate
/// as an answer not yet due is left out of the on-time rate.
pub fn followup_not_due(rules: &RuleSet, pending: &[PendingCase], rows: usize) -> Vec<bool> {
    let mut out = vec![false; rows];
    for p in pending {
        if let Check::Deadline(d) = &rules.rules[p.rule].check {
            if d.to == "followup_at" {
                if let Some(x) = out.get_mut(p.row) {
                    *x = true;
                }
            }
        }
    }
    out
}

pub fn polars_err(e: PolarsError) -> Error {
    Error::Other(format!("evaluation failed: {e}"))
}

/// How far past the latest receipt the as-of time may lie before a warning says so: a
/// year. Public 311 exports close requests more than a year after the last one came in,
/// so such a time is kept (SPEC: the latest timestamp in the data); but a mistyped year
/// (2062 for 2026) makes every open case decades late, so the user hears where it is.
const AS_OF_WARN_DAYS: i64 = 366;

/// Latest event time in the data: received, first response, resolution, follow-up and
/// handoff times (not promised_at, which is a promise about the future); and a warning
/// naming where it stands when it lies more than [`AS_OF_WARN_DAYS`] past the latest
/// receipt.
fn latest_timestamp(
    cases: &Table,
    handoffs: &Table,
    inspections: Option<&Table>,
    tz: chrono_tz::Tz,
) -> (Option<i64>, Option<String>) {
    // The latest time and where it is: (time, table, column, row), and the latest
    // receipt. A spot check is an event of the data too: rerun with the manifest's as-of
    // time, the audit counts the same spot checks.
    let mut latest: Option<(i64, &Table, &str, usize)> = None;
    let mut received: Option<i64> = None;
    let columns = [
        (cases, "received_at"),
        (cases, "first_response_at"),
        (cases, "resolved_at"),
        (cases, "followup_at"),
        (handoffs, "at"),
    ]
    .into_iter()
    .chain(inspections.map(|t| (t, "at")));
    for (table, col) in columns {
        for (i, t) in table.time(col).iter().enumerate() {
            if let Some(t) = t {
                if latest.is_none_or(|l| t > l.0) {
                    latest = Some((t, table, col, i));
                }
                if col == "received_at" {
                    received = received.max(Some(t));
                }
            }
        }
    }
    let far = match (latest, received) {
        (Some((t, table, col, i)), Some(r)) if t - r > AS_OF_WARN_DAYS * 24 * 3_600_000 => {
            let label = match table.kind {
                FileKind::Cases => format!("`{col}` ({})", case_label(col)),
                _ => format!("`{col}`"),
            };
            Some(format!(
                "the as-of time {} is the latest time in the data, {label} of {}: {} days after the latest 受理时间 {}, so every open case is judged as of then; if its year is mistyped, correct it or give --as-of or --period",
                crate::timeparse::format_local(t, tz),
                table.source(i),
                (t - r) / (24 * 3_600_000),
                crate::timeparse::format_local(r, tz)
            ))
        }
        _ => None,
    };
    (latest.map(|l| l.0), far)
}

/// `2026-10` when every case was received in one month, else `2026-09_2026-10`.
fn derived_period(cases: &Table, tz: chrono_tz::Tz) -> String {
    let months: BTreeSet<(i32, u32)> = cases
        .time("received_at")
        .iter()
        .flatten()
        .map(|ms| {
            let d = to_local(ms, tz);
            (d.year(), d.month())
        })
        .collect();
    match (months.first(), months.last()) {
        (Some(a), Some(b)) if a == b => format!("{:04}-{:02}", a.0, a.1),
        (Some(a), Some(b)) => format!("{:04}-{:02}_{:04}-{:02}", a.0, a.1, b.0, b.1),
        _ => "empty".to_string(),
    }
}

/// Who holds a case when: read from the handoffs of its row (see [`HandoffIndex`]), not
/// from a map of every handed-off case to a copy of its handoffs (at 10M cases, 3M
/// vectors and a map of them: 0.6 GB held through the rules).
struct Holders<'a> {
    table: &'a Table,
    index: &'a HandoffIndex,
    seq: &'a OptI64,
    at: &'a OptI64,
    from: &'a TextCol,
    to: &'a TextCol,
}

impl<'a> Holders<'a> {
    fn new(handoffs: &'a Table, index: &'a HandoffIndex) -> Holders<'a> {
        Holders {
            table: handoffs,
            index,
            seq: handoffs.count("seq"),
            at: handoffs.time("at"),
            from: handoffs.text("from_id"),
            to: handoffs.text("to_id"),
        }
    }

    /// The handoff that made the holder of case row `row` at `at`: the last made by
    /// then (in 序号 order, then time, then receiver id), if any.
    fn last(&self, row: usize, at: i64) -> Option<usize> {
        self.index
            .of(row)
            .iter()
            .filter_map(|&h| {
                let h = h as usize;
                let (t, to) = (self.at.get(h)?, self.to.get(h)?);
                (t <= at).then(|| (self.seq.get(h).unwrap_or(0), t, to, h))
            })
            .max()
            .map(|(_, _, _, h)| h)
    }

    /// The employee holding case row `row` at `at`: the receiver of the last handoff
    /// made by then, else the first responder.
    fn at<'b>(&'b self, row: usize, at: i64, first: &'b str) -> &'b str {
        self.last(row, at)
            .and_then(|h| self.to.get(h))
            .unwrap_or(first)
    }

    /// The holder at `at` and why, for the evidence: the handoff that made them holder
    /// (who handed it on, when, its file:line), or that the case was not handed on (by
    /// then, or at all).
    fn explained(
        &self,
        row: usize,
        at: i64,
        first: &str,
        when: &str,
        tz: chrono_tz::Tz,
    ) -> (String, Option<String>) {
        let t = crate::timeparse::format_local_short(at, tz);
        let head = match when {
            "截至" => format!("截至 {t} "),
            w => format!("{t} {w}时"),
        };
        match self.last(row, at) {
            Some(h) => {
                let to = self.to.get(h).unwrap_or(first).to_string();
                let note = format!(
                    "（{head}由 {to} 持有：{} 于 {} 转交给 {to}，{}）",
                    self.from.get(h).unwrap_or("?"),
                    // as written: a handoff dated without a time of day shows its date
                    self.at.stamp_text(h, tz),
                    self.table.source(h)
                );
                (to, Some(note))
            }
            None if !self.index.of(row).is_empty() => (
                first.to_string(),
                Some(format!("（{head}尚未转交，由首问责任人持有）")),
            ),
            None => (
                first.to_string(),
                Some("（未转交，由首问责任人持有）".to_string()),
            ),
        }
    }
}

/// The employee a violation is charged to, and a note when the rule's party was unknown.
fn charge(
    rule: &Rule,
    row: usize,
    at: i64,
    cases: &Table,
    holders: &Holders,
    pending: bool,
    tz: chrono_tz::Tz,
) -> (String, Option<String>) {
    let first_id = cases
        .text("first_responder_id")
        .get(row)
        .unwrap_or_default()
        .to_string();
    match rule.responsible {
        Responsible::Holder => holders.explained(
            row,
            at,
            &first_id,
            if pending { "截至" } else { "到期" },
            tz,
        ),
        Responsible::Resolver => {
            let when = cases.time("resolved_at").get(row).unwrap_or(at);
            (holders.at(row, when, &first_id).to_string(), None)
        }
        Responsible::FollowupBy => match cases.text("followup_by").get(row) {
            Some(f) => (f.to_string(), None),
            None => (
                first_id,
                Some("（未记录回访人，记入首问责任人）".to_string()),
            ),
        },
        _ => (first_id, None),
    }
}

/// Points and scores to 0.01, half away from zero, as scorecards.csv holds them (and as
/// `explain-score` prints them).
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// What a waiver's record is, for its messages: a spot check's findings have no case.
fn record_word(violations: &[Violation], found: &[usize]) -> &'static str {
    if found.iter().all(|&vi| violations[vi].row.is_none()) {
        "spot check"
    } else {
        "case"
    }
}

fn apply_waivers(
    violations: &mut [Violation],
    (waivers, roster): (Option<&Table>, Option<&Table>),
    rules: &RuleSet,
    runs: &[RuleRun],
    (cases, pending): (&Table, &[PendingCase]),
    warnings: &mut Vec<String>,
) -> Vec<UnmatchedWaiver> {
    let Some(w) = waivers else { return vec![] };
    // Each employee's name, to know an approver written by name.
    let names = roster.map(roster_names).unwrap_or_default();
    // Why a waiver found nothing to waive, in the clerk's terms: the case was not audited,
    // or it is still pending, or it simply has no such violation.
    let audited: std::cell::OnceCell<crate::idhash::IdSet<&str>> = Default::default();
    let nothing = |case_id: &str, ri: usize, rule_id: &str| {
        let ids = cases.text("case_id");
        if !audited
            .get_or_init(|| ids.iter().flatten().collect())
            .contains(case_id)
        {
            format!("case {case_id:?} is not an audited case (unknown, rejected, or outside the period): nothing to waive")
        } else if pending
            .iter()
            .any(|p| p.rule == ri && ids.get(p.row) == Some(case_id))
        {
            format!("case {case_id:?} is pending for `{rule_id}` (not yet due at the as-of time): nothing to waive yet")
        } else {
            format!("case {case_id:?} has no `{rule_id}` violation")
        }
    };
    // Only the findings of cases a waiver names are indexed: a map of every finding (5M
    // at 10M cases, about 0.5 GB) would stand at the rules' peak for a few waivers.
    let named: crate::idhash::IdSet<&str> =
        w.text("case_id").iter().map(|c| c.unwrap_or("")).collect();
    let mut index: HashMap<(&str, usize), Vec<usize>> = HashMap::new();
    for (vi, v) in violations.iter().enumerate() {
        let case_id = v.case_id(cases);
        if named.contains(case_id) {
            index.entry((case_id, v.rule)).or_default().push(vi);
        }
    }
    let mut marks: Vec<(usize, String, String)> = vec![];
    let mut unmatched = vec![];
    // Each violation cleared → the waiver row that cleared it: a later row clearing
    // nothing new is reported as a repeat (a stale copy, or a typo for another case,
    // must not pass silently either), however it names the violations.
    let mut covered: HashMap<usize, usize> = HashMap::new();
    let (cid, rid, reason, by, only_emp, only_words) = (
        w.text("case_id"),
        w.text("rule_id"),
        w.text("reason"),
        w.text("approved_by"),
        w.text("employee_id"),
        w.text("finding"),
    );
    for i in 0..w.len() {
        let case_id = cid.get(i).unwrap_or("");
        let rule_id = rid.get(i).unwrap_or("");
        // The waiver's narrowing, if any: one employee (id or roster name), and for a
        // spot check one finding by its name (傲慢), for a case words of its evidence.
        let emp = bare(only_emp.get(i).unwrap_or(""));
        let words = only_words.get(i).map(str::trim).unwrap_or("");
        let chosen = |vi: usize| {
            let v: &Violation = &violations[vi];
            let charged: &str = &v.employee_id;
            (emp.is_empty()
                || bare(charged) == emp
                || names.get(charged).is_some_and(|n| bare(n) == emp))
                && (words.is_empty()
                    || match &v.other {
                        Some(o) => o.finding == words,
                        None => v.evidence.text().contains(words),
                    })
        };
        let why = match rules.rules.iter().position(|r| r.id == rule_id) {
            None => Some(format!("no rule `{rule_id}` in {}", rules.path)),
            Some(ri) if !runs[ri].selected => {
                Some(format!("rule `{rule_id}` was not selected for this audit"))
            }
            Some(ri) if runs[ri].not_run.is_some() => {
                Some(format!("rule `{rule_id}` could not run"))
            }
            Some(ri) => match index.get(&(case_id, ri)) {
                Some(all) if !all.iter().any(|&vi| chosen(vi)) => Some(format!(
                    "{} {case_id:?} has {} `{rule_id}` violation(s), none {}",
                    record_word(violations, all),
                    all.len(),
                    [
                        (!emp.is_empty()).then(|| format!(
                            "charged to {:?}",
                            only_emp.get(i).unwrap_or("").trim()
                        )),
                        // Not quoted: the words are the clerk's, and may be the
                        // resident's name or phone (this message is not masked).
                        (!words.is_empty())
                            .then(|| "with the finding its 豁免内容 (`finding`) names".to_string()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" and ")
                )),
                Some(all) => {
                    let vis: Vec<usize> = all.iter().copied().filter(|&vi| chosen(vi)).collect();
                    match vis.iter().find_map(|vi| covered.get(vi)) {
                        Some(&first) if vis.iter().all(|vi| covered.contains_key(vi)) => {
                            Some(format!(
                                "repeats the waiver at {} for {} {case_id:?} and `{rule_id}`; only that one applies",
                                w.source(first),
                                record_word(violations, all)
                            ))
                        }
                        _ => {
                            let approver = by.get(i).unwrap_or("");
                            let who = bare(approver);
                            let mut own = vec![];
                            for &vi in &vis {
                                if covered.contains_key(&vi) {
                                    continue;
                                }
                                // A waiver approved by the employee it would clear clears
                                // nothing of his: it is reported, not applied to him.
                                let charged: &str = &violations[vi].employee_id;
                                if who == bare(charged)
                                    || names.get(charged).is_some_and(|n| bare(n) == who)
                                {
                                    own.push(charged.to_string());
                                    continue;
                                }
                                covered.insert(vi, i);
                                marks.push((
                                    vi,
                                    reason.get(i).map(str::to_string).unwrap_or_default(),
                                    approver.to_string(),
                                ));
                            }
                            // One row clearing several findings (a spot check's 不理睬
                            // and 傲慢): applied as written, and said, naming whom and
                            // what this row cleared (not the evidence: the warning is not
                            // masked).
                            let fresh: Vec<usize> = vis
                                .iter()
                                .copied()
                                .filter(|vi| covered.get(vi) == Some(&i))
                                .collect();
                            if fresh.len() > 1 {
                                let narrowed = !emp.is_empty() || !words.is_empty();
                                warnings.push(format!(
                                    "the waiver at {} clears {} `{rule_id}` violations of {case_id:?}, every one: {}{}",
                                    w.source(i),
                                    fresh.len(),
                                    fresh.iter()
                                        .map(|&vi| {
                                            let v = &violations[vi];
                                            match &v.other {
                                                Some(o) => format!("{} {}", v.employee_id, o.finding),
                                                None => v.employee_id.to_string(),
                                            }
                                        })
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                    if narrowed {
                                        ""
                                    } else {
                                        "; to waive only one, give its employee (`employee_id`, 被豁免人工号) or its finding (`finding`, 豁免内容: a spot check's finding, or words of a case's evidence)"
                                    }
                                ));
                            }
                            (!own.is_empty()).then(|| {
                                format!(
                                    "approved by {approver:?}, who is charged with this violation ({}): a waiver must be approved by someone else, so it is not applied to that charge",
                                    own.join(", ")
                                )
                            })
                        }
                    }
                }
                None => Some(nothing(case_id, ri, rule_id)),
            },
        };
        if let Some(why) = why {
            unmatched.push(UnmatchedWaiver {
                source: w.source(i),
                case_id: case_id.to_string(),
                rule_id: rule_id.to_string(),
                why,
            });
        }
    }
    for (vi, reason, by) in marks {
        violations[vi]
            .waiver
            .get_or_insert_with(|| Box::new((reason, by)));
    }
    unmatched
}

fn employees(
    roster: Option<&Table>,
    cases: &Table,
    violations: &[Violation],
    pending: &[PendingCase],
) -> BTreeMap<String, Employee> {
    let mut out: BTreeMap<String, Employee> = BTreeMap::new();
    if let Some(r) = roster {
        for i in 0..r.len() {
            let Some(id) = r.text("employee_id").get(i).map(str::to_string) else {
                continue;
            };
            let t = |c: &str| r.text(c).get(i).map(str::to_string).unwrap_or_default();
            out.insert(
                id.clone(),
                Employee {
                    id,
                    name: t("name"),
                    center: t("center"),
                    department: t("department"),
                    role: r
                        .text("role")
                        .get(i)
                        .and_then(canonical_role)
                        .unwrap_or("")
                        .to_string(),
                    supervisor_id: t("supervisor_id"),
                    base_pay: r.money("base_pay")[i],
                    in_roster: true,
                },
            );
        }
    }
    // Employees met only in the cases: the name and center they appear with most often.
    type Tally = BTreeMap<String, usize>;
    let mut seen: BTreeMap<String, (Tally, Tally)> = BTreeMap::new();
    let ids = cases.text("first_responder_id");
    let names = cases.text("first_responder");
    let centers = cases.text("center");
    // Every employee so far, looked up per case and per violation: hashed, not compared
    // along the tree.
    let mut known: crate::idhash::IdSet<String> = out.keys().cloned().collect();
    for i in 0..cases.len() {
        if let Some(id) = ids.get(i) {
            if known.contains(id) {
                continue;
            }
            let e = seen.entry(id.to_string()).or_default();
            if let Some(n) = names.get(i) {
                *e.0.entry(n.to_string()).or_default() += 1;
            }
            if let Some(c) = centers.get(i) {
                *e.1.entry(c.to_string()).or_default() += 1;
            }
        }
    }
    let most = |m: &BTreeMap<String, usize>| {
        m.iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    };
    for (id, (n, c)) in seen {
        known.insert(id.clone());
        out.insert(
            id.clone(),
            Employee {
                id,
                name: most(&n),
                center: most(&c),
                ..Employee::default()
            },
        );
    }
    for id in violations
        .iter()
        .map(|v| &*v.employee_id)
        .chain(pending.iter().map(|p| p.employee_id.as_str()))
    {
        if !id.is_empty() && !known.contains(id) {
            known.insert(id.to_string());
            out.insert(
                id.to_string(),
                Employee {
                    id: id.to_string(),
                    ..Employee::default()
                },
            );
        }
    }
    out
}

fn scorecards(
    rules: &RuleSet,
    employees: &BTreeMap<String, Employee>,
    cases: &Table,
    (handoffs, handoffs_of, as_of): (&Table, &HandoffIndex, i64),
    violations: &[Violation],
    judged_by_row: &[u32],
) -> Vec<Scorecard> {
    // In id order (the map's), found by id through a hash index.
    let index: crate::idhash::IdMap<&str, usize> = employees
        .keys()
        .enumerate()
        .map(|(k, id)| (id.as_str(), k))
        .collect();
    let mut cards: Vec<Scorecard> = employees
        .values()
        .map(|e| Scorecard {
            employee: e.clone(),
            cases: 0,
            handled: 0,
            checks: 0,
            minor: 0,
            major: 0,
            critical: 0,
            waived: 0,
            points: 0.0,
            raw_points: 0.0,
            score: 0.0,
            grade: String::new(),
            coefficient: 1.0,
            fatal: false,
            discipline: None,
            by_rule: vec![],
        })
        .collect();
    let to = handoffs.text("to_id");
    let at = handoffs.time("at");
    let mut received: Vec<usize> = vec![];
    for (i, id) in cases.text("first_responder_id").iter().enumerate() {
        let first = id.and_then(|id| index.get(id)).copied();
        if let Some(k) = first {
            let c = &mut cards[k];
            c.cases += 1;
            c.handled += 1;
            c.checks += judged_by_row[i] as usize;
        }
        // The others the case was handed to by the as-of time, each once.
        received.clear();
        for &h in handoffs_of.of(i) {
            if at.get(h as usize).is_some_and(|t| t > as_of) {
                continue;
            }
            if let Some(&k) = to.get(h as usize).and_then(|t| index.get(t)) {
                if Some(k) != first && !received.contains(&k) {
                    received.push(k);
                    cards[k].handled += 1;
                }
            }
        }
    }
    for v in violations {
        let Some(&k) = index.get(&*v.employee_id) else {
            continue;
        };
        let c = &mut cards[k];
        if v.waiver.is_some() {
            c.waived += 1;
            continue;
        }
        let rule = &rules.rules[v.rule];
        match rule.severity {
            crate::rules::Severity::Minor => c.minor += 1,
            crate::rules::Severity::Major => c.major += 1,
            crate::rules::Severity::Critical => c.critical += 1,
        }
        c.points += v.points;
    }
    let sc = &rules.scoring;
    let mut charged: crate::idhash::IdMap<&str, Vec<&Violation>> = Default::default();
    for v in violations.iter().filter(|v| v.waiver.is_none()) {
        charged.entry(&v.employee_id).or_default().push(v);
    }
    cards
        .into_iter()
        .map(|mut c| {
            let mine = charged.remove(c.employee.id.as_str()).unwrap_or_default();
            let mut by_rule: BTreeMap<usize, (usize, f64)> = BTreeMap::new();
            for v in &mine {
                let e = by_rule.entry(v.rule).or_default();
                e.0 += 1;
                e.1 += v.points;
            }
            c.by_rule = by_rule
                .into_iter()
                .map(|(ri, (n, pts))| {
                    let cap = sc
                        .caps
                        .get(&rules.rules[ri].id)
                        .copied()
                        .unwrap_or(f64::INFINITY);
                    (ri, n, round2(pts), round2(pts.min(cap)))
                })
                .collect();
            c.raw_points = round2(c.points);
            let capped: f64 = c.by_rule.iter().map(|x| x.3).sum();
            let deducted = match sc.normalize_per {
                Some(n) => capped * n / (c.cases as f64).max(n),
                None => capped,
            };
            c.points = round2(deducted);
            c.score = round2(sc.base - c.points);
            c.fatal = mine.iter().any(|v| rules.rules[v.rule].fatal);
            let lowest = sc.bands.last();
            let (grade, coef) = if c.fatal {
                lowest
                    .map(|b| (b.grade.clone(), b.coefficient))
                    .unwrap_or_else(|| (String::new(), 1.0))
            } else if c.handled < sc.min_cases {
                (TOO_FEW_CASES.to_string(), 1.0)
            } else {
                sc.band(c.score)
                    .map(|b| (b.grade.clone(), b.coefficient))
                    .unwrap_or_else(|| (String::new(), 1.0))
            };
            c.grade = grade;
            c.coefficient = coef;
            c.discipline = rules
                .discipline
                .iter()
                .rev()
                .find(|d| {
                    let counted = mine.iter().filter(|v| d.counts(&rules.rules[v.rule]));
                    let n = if d.by_case {
                        // the record's sort key names it: (cases or other, file, line)
                        let mut records: Vec<(u8, usize, u64)> =
                            counted.map(|v| v.order(cases)).collect();
                        records.sort_unstable();
                        records.dedup();
                        records.len()
                    } else {
                        counted.count()
                    };
                    n >= d.min_violations
                })
                .map(|d| d.action.clone());
            c
        })
        .collect()
}

/// The seed's measures (实施细则 五: 问题解决率、满意度, response times) over some cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kpis {
    pub cases: usize,
    /// Cases with a first response.
    pub responded: usize,
    /// Share answered within 24 hours, of the cases whose 24 hours are over at the as-of
    /// time: a case never answered counts against it once its 24 hours have passed
    /// (leaving it out would reward a center that ignores residents), one still within
    /// them is not counted yet.
    pub on_time_rate: Option<f64>,
    pub median_response_hours: Option<f64>,
    /// Resolved cases over the cases whose file records resolutions.
    pub resolution_rate: Option<f64>,
    /// Resolved complaints followed up, over resolved complaints.
    pub followup_rate: Option<f64>,
    /// 满意 + 基本满意 (or 4–5 of 5) over rated cases.
    pub satisfaction_rate: Option<f64>,
}

/// Whether a satisfaction value counts as satisfied (`None`: not a rating). Ratings are
/// the SPEC's 满意 / 基本满意 / 不满意 or 1–5, with the usual five-level words (非常满意,
/// 比较满意, 一般, 很不满意 …), 是 / 否 (a 是否满意 column) and `5分` or full-width `５`
/// for a score; and as 回访结果
/// are written by hand: a note holding 满意 (很满意, 业主表示满意, 已解决，满意, 满意(5)),
/// negated close before it (不满意, 不是很满意, 不太满意) or 差评 is not satisfied, 好评 is;
/// stars (★★★★☆) count as the score.
pub fn satisfied(v: &str) -> Option<bool> {
    satisfied_word(v).or_else(|| satisfied_note(v))
}

fn satisfied_note(v: &str) -> Option<bool> {
    let t: String = v.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.replace("满意度", "");
    if !t.is_empty() && t.chars().all(|c| c == '★' || c == '☆') {
        let filled = t.chars().filter(|&c| c == '★').count();
        return (t.chars().count() <= 5 && filled > 0).then_some(filled >= 4);
    }
    if t.contains("差评") {
        return Some(false);
    }
    if let Some(at) = t.find("满意") {
        let before: Vec<char> = t[..at].chars().rev().take(3).collect();
        return Some(!before.iter().any(|&c| c == '不' || c == '没'));
    }
    t.contains("好评").then_some(true)
}

fn satisfied_word(v: &str) -> Option<bool> {
    let v = v.trim();
    let score = v.strip_suffix('分').unwrap_or(v).trim();
    let score = match score {
        "１" => "1",
        "２" => "2",
        "３" => "3",
        "４" => "4",
        "５" => "5",
        s => s,
    };
    match (v, score) {
        // 是 / 否: an export's 是否满意 column.
        ("满意" | "非常满意" | "基本满意" | "比较满意" | "较满意" | "是", _) | (_, "4" | "5") => {
            Some(true)
        }
        ("不满意" | "很不满意" | "非常不满意" | "不太满意" | "较不满意" | "一般" | "否", _)
        | (_, "1" | "2" | "3") => Some(false),
        _ => None,
    }
}

pub fn kpis(
    cases: &Table,
    rows: impl Iterator<Item = usize>,
    as_of: i64,
    tz: chrono_tz::Tz,
    followup_not_due: &[bool],
) -> Kpis {
    let cols = KpiColumns::new(cases, as_of, tz, followup_not_due);
    let mut acc = KpiCounts::default();
    for i in rows {
        cols.add(&mut acc, i);
    }
    acc.finish()
}

/// [`kpis`] of each group of cases at once: `group[i]` is case row `i`'s group (below
/// `groups`), or `u32::MAX` for none. One pass over the rows in order: the columns are
/// read front to back, not at each group's rows scattered over them (a center's or an
/// employee's cases are spread over the whole export; reading them group by group missed
/// the cache on almost every value, 0.4 s for the employees at a million cases).
pub fn kpis_by_group(
    cases: &Table,
    group: &[u32],
    groups: usize,
    as_of: i64,
    tz: chrono_tz::Tz,
    followup_not_due: &[bool],
) -> Vec<Kpis> {
    let cols = KpiColumns::new(cases, as_of, tz, followup_not_due);
    let mut acc: Vec<KpiCounts> = vec![KpiCounts::default(); groups];
    for (i, &g) in group.iter().enumerate() {
        if let Some(a) = acc.get_mut(g as usize) {
            cols.add(a, i);
        }
    }
    acc.into_iter().map(KpiCounts::finish).collect()
}

/// The columns [`kpis`] reads.
struct KpiColumns<'a> {
    cases: &'a Table,
    as_of: i64,
    tz: chrono_tz::Tz,
    rec: &'a OptI64,
    resp: &'a OptI64,
    res: &'a OptI64,
    cat: &'a crate::input::TextCol,
    fu: &'a OptI64,
    sat: &'a crate::input::TextCol,
    /// Per file, whether it has the column (`None`: every file has it).
    known_resp: Option<Vec<bool>>,
    known_res: Option<Vec<bool>>,
    known_fu: Option<Vec<bool>>,
    /// Per case row, whether its follow-up is not due yet (see [`followup_not_due`]).
    followup_not_due: &'a [bool],
}

/// What [`kpis`] counts, case by case.
#[derive(Clone, Default)]
struct KpiCounts {
    k: Kpis,
    res_known: usize,
    hours: Vec<f64>,
    on_time: usize,
    due: usize,
    resolved: usize,
    complaints: usize,
    followed: usize,
    rated: usize,
    happy: usize,
}

impl<'a> KpiColumns<'a> {
    fn new(
        cases: &'a Table,
        as_of: i64,
        tz: chrono_tz::Tz,
        followup_not_due: &'a [bool],
    ) -> KpiColumns<'a> {
        KpiColumns {
            followup_not_due,
            cases,
            as_of,
            tz,
            rec: cases.time("received_at"),
            resp: cases.time("first_response_at"),
            res: cases.time("resolved_at"),
            cat: cases.text("category"),
            fu: cases.time("followup_at"),
            sat: cases.text("satisfaction"),
            // A case from a file without the column has no value for it: not counted
            // either way.
            known_resp: cases.files_with("first_response_at"),
            known_res: cases.files_with("resolved_at"),
            known_fu: cases.files_with("followup_at"),
        }
    }

    fn known(&self, has: &Option<Vec<bool>>, i: usize) -> bool {
        has.as_ref()
            .is_none_or(|h| h.get(self.cases.sources[i].file).copied().unwrap_or(true))
    }

    fn add(&self, c: &mut KpiCounts, i: usize) {
        const DAY: i64 = 24 * 3_600_000;
        let (rec, resp, res) = (self.rec, self.resp, self.res);
        c.k.cases += 1;
        // A case resolved without a recorded first response was answered by then, as
        // RESP-24H judges it (`to_if_missing = "resolved_at"`).
        // A date received without a time of day counts from the end of that day, as
        // RESP-24H counts it: on time unless late from its last minute.
        match (rec.latest(i, self.tz), resp.get(i).or(res.get(i))) {
            _ if !self.known(&self.known_resp, i) => {}
            (Some(a), Some(b)) => {
                c.k.responded += 1;
                c.due += 1;
                c.hours.push((b - a).max(0) as f64 / 3_600_000.0);
                c.on_time += usize::from(b - a <= DAY);
            }
            (Some(a), None) if self.as_of > a.saturating_add(DAY) => c.due += 1,
            _ => {}
        }
        c.res_known += usize::from(self.known(&self.known_res, i));
        if res.get(i).is_some() {
            c.resolved += 1;
            if self.cat.get(i).is_some_and(|c| c.contains("投诉")) && self.known(&self.known_fu, i)
            {
                // A complaint whose follow-up is still within its time is not counted
                // yet, as the on-time rate leaves out an answer not yet due.
                let followed = self.fu.get(i).is_some();
                if followed || !self.followup_not_due.get(i).copied().unwrap_or(false) {
                    c.complaints += 1;
                    c.followed += usize::from(followed);
                }
            }
        }
        if let Some(s) = self.sat.get(i).and_then(satisfied) {
            c.rated += 1;
            c.happy += usize::from(s);
        }
    }
}

impl KpiCounts {
    fn finish(self) -> Kpis {
        let KpiCounts {
            mut k, mut hours, ..
        } = self;
        let rate = |n: usize, d: usize| (d > 0).then(|| n as f64 / d as f64);
        k.on_time_rate = rate(self.on_time, self.due);
        k.resolution_rate = rate(self.resolved, self.res_known);
        k.followup_rate = rate(self.followed, self.complaints);
        k.satisfaction_rate = rate(self.happy, self.rated);
        hours.sort_by(f64::total_cmp);
        k.median_response_hours = match hours.len() {
            0 => None,
            n if n % 2 == 1 => Some(hours[n / 2]),
            n => Some((hours[n / 2 - 1] + hours[n / 2]) / 2.0),
        };
        k
    }
}

/// One service center, for consultants' side-by-side comparison.
#[derive(Debug, Clone)]
pub struct CenterRow {
    pub center: String,
    pub kpis: Kpis,
    /// Non-waived violations on this center's cases.
    pub violations: usize,
    /// Per rule-id prefix group (RESP, RECORD, PHRASE, ESC …): non-waived violations.
    pub by_group: BTreeMap<String, usize>,
    /// Cases with at least one handoff.
    pub handed_off: usize,
    /// Cases with at least one non-waived handoff-path (`ESC`) violation: one bad
    /// handoff may break several clauses, but it is one case handled wrongly.
    pub escalation_error_cases: usize,
    /// Per rule group none of whose rules could read every case of this center (its
    /// case file lacks a column they read): how many of its cases it could judge. A
    /// group not listed judged them all (by one of its rules at least).
    pub judged_by_group: BTreeMap<String, usize>,
    /// Per rule that could not read every case of this center: how many it judged.
    pub judged_by_rule: BTreeMap<String, usize>,
    /// 1 = fewest violations per 100 cases; centers with the same rate share a rank
    /// (1, 1, 3). Centers whose cases some rule group could not judge rank after all the
    /// others: fewer findings there are no better work; so do centers with fewer cases
    /// than `[scoring] min_cases` (one clean case is no rate), marked as employees are.
    pub rank: usize,
    /// Fewer audited cases than `[scoring] min_cases`: 样本不足, ranked after the others.
    pub few_cases: bool,
}

impl CenterRow {
    /// The cases of this center the rules of `group` judged.
    pub fn judged_in(&self, group: &str) -> usize {
        self.judged_by_group
            .get(group)
            .copied()
            .unwrap_or(self.kpis.cases)
    }

    /// Whether some rule group could not judge all of this center's cases.
    pub fn incomplete(&self) -> bool {
        self.judged_by_group.values().any(|&n| n < self.kpis.cases)
    }
}

impl CenterRow {
    pub fn per_100(&self) -> f64 {
        if self.kpis.cases == 0 {
            0.0
        } else {
            self.violations as f64 * 100.0 / self.kpis.cases as f64
        }
    }
}

/// The rule-id group: `ESC-PATH` → `ESC`.
pub fn rule_group(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

/// Case files (their numbers) by rule group or rule id.
type FilesBy = BTreeMap<String, Vec<u32>>;

/// The centers of the audited cases, in name order, with their KPIs and non-waived
/// violations. `handed_off[row]`: the case was handed on at least once. The case files
/// each rule group (none of its rules) and each rule could not read: see `CenterRow`.
pub fn centers(
    cases: &Table,
    violations: &[Violation],
    rules: &RuleSet,
    handed_off: &[bool],
    as_of: i64,
    (lacking_by_group, lacking_by_rule): (&FilesBy, &FilesBy),
    followup_not_due: &[bool],
) -> Vec<CenterRow> {
    let names = cases.text("center");
    // Each center's number in order of first appearance, and each case row's center.
    let mut number: crate::idhash::IdMap<&str, usize> = Default::default();
    let mut rows_of: Vec<(&str, Vec<usize>)> = vec![];
    let mut center_of: Vec<u32> = Vec::with_capacity(cases.len());
    for (i, c) in names.iter().enumerate() {
        let c = c.unwrap_or("");
        let k = *number.entry(c).or_insert_with(|| {
            rows_of.push((c, vec![]));
            rows_of.len() - 1
        });
        rows_of[k].1.push(i);
        center_of.push(k as u32);
    }
    // Non-waived violations per center and rule group, in one pass. A violation on a
    // record other than a case (an inspection) counts for its center when that center
    // has audited cases.
    let mut groups: Vec<&str> = vec![];
    let group_of: Vec<usize> = rules
        .rules
        .iter()
        .map(|rule| {
            let g = rule_group(&rule.id);
            groups.iter().position(|x| *x == g).unwrap_or_else(|| {
                groups.push(g);
                groups.len() - 1
            })
        })
        .collect();
    let mut counted: Vec<(usize, Vec<usize>)> = vec![(0, vec![0; groups.len()]); rows_of.len()];
    let esc = groups.iter().position(|g| *g == "ESC");
    let mut esc_error = vec![false; cases.len()];
    for v in violations.iter().filter(|v| v.waiver.is_none()) {
        if let (Some(row), Some(e)) = (v.row, esc) {
            if group_of[v.rule] == e {
                esc_error[row] = true;
            }
        }
        let k = match v.row {
            Some(row) => Some(center_of[row] as usize),
            None => number.get(v.center(cases)).copied(),
        };
        if let Some(k) = k {
            counted[k].0 += 1;
            counted[k].1[group_of[v.rule]] += 1;
        }
    }
    let center_kpis = kpis_by_group(
        cases,
        &center_of,
        rows_of.len(),
        as_of,
        rules.calendar.tz,
        followup_not_due,
    );
    // Sorted by center name: the order never depends on hashing.
    let mut by_name: Vec<usize> = (0..rows_of.len()).collect();
    by_name.sort_unstable_by(|&a, &b| rows_of[a].0.cmp(rows_of[b].0));
    let mut out: Vec<CenterRow> = by_name
        .into_iter()
        .map(|k| {
            let (center, rows) = &rows_of[k];
            let (violations, per_group) = &counted[k];
            let by_group = groups
                .iter()
                .zip(per_group)
                .filter(|(_, n)| **n > 0)
                .map(|(g, n)| (g.to_string(), *n))
                .collect();
            let judged = |lacking: &BTreeMap<String, Vec<u32>>| {
                lacking
                    .iter()
                    .map(|(g, files)| {
                        let n = rows
                            .iter()
                            .filter(|&&i| !files.contains(&(cases.sources[i].file as u32)))
                            .count();
                        (g.clone(), n)
                    })
                    .filter(|(_, n)| *n < rows.len())
                    .collect()
            };
            CenterRow {
                kpis: center_kpis[k].clone(),
                judged_by_group: judged(lacking_by_group),
                judged_by_rule: judged(lacking_by_rule),
                center: center.to_string(),
                violations: *violations,
                by_group,
                handed_off: rows.iter().filter(|&&i| handed_off[i]).count(),
                escalation_error_cases: rows
                    .iter()
                    .filter(|&&i| esc_error[i] && handed_off[i])
                    .count(),
                rank: 0,
                few_cases: center_kpis[k].cases < rules.scoring.min_cases,
            }
        })
        .collect();
    // Violations per case compared exactly (v₁·n₂ against v₂·n₁): 1 in 10 and 2 in 20 are
    // one rate, whatever a float makes of them.
    let standing = |c: &CenterRow| {
        (
            (c.few_cases, c.incomplete()),
            c.violations as u128,
            c.kpis.cases.max(1) as u128,
        )
    };
    let cmp = |a: &CenterRow, b: &CenterRow| {
        let ((ia, va, na), (ib, vb, nb)) = (standing(a), standing(b));
        ia.cmp(&ib).then((va * nb).cmp(&(vb * na)))
    };
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&a, &b| cmp(&out[a], &out[b]).then(out[a].center.cmp(&out[b].center)));
    // Centers with the same standing share a rank (1, 1, 3): the name orders them on the
    // page, it does not make one better.
    for k in 0..order.len() {
        let i = order[k];
        out[i].rank = match k.checked_sub(1).map(|p| order[p]) {
            Some(p) if cmp(&out[p], &out[i]).is_eq() => out[p].rank,
            _ => k + 1,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `permute` gives what indexing by the order gives, for orders of every shape
    /// (identity, one long cycle, many small ones, random).
    #[test]
    fn satisfaction_as_written_by_hand() {
        for (v, want) in [
            ("满意", Some(true)),
            ("5分", Some(true)),
            ("一般", Some(false)),
            ("很满意", Some(true)),
            ("十分满意", Some(true)),
            ("业主表示满意", Some(true)),
            ("已解决，满意", Some(true)),
            ("满意(5)", Some(true)),
            ("满意度：满意", Some(true)),
            ("满意度：不满意", Some(false)),
            ("不是很满意", Some(false)),
            ("业主不太满意", Some(false)),
            ("好评", Some(true)),
            ("差评", Some(false)),
            ("★★★★★", Some(true)),
            ("★★★★☆", Some(true)),
            ("★★☆☆☆", Some(false)),
            // a 是否满意 column
            ("是", Some(true)),
            ("否", Some(false)),
            (" 否 ", Some(false)),
            ("未接通", None),
            ("已回访", None),
            ("满意度", None),
            ("", None),
        ] {
            assert_eq!(satisfied(v), want, "{v:?}");
        }
    }

    #[test]
    fn permute_puts_each_element_where_the_order_says() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for n in [0usize, 1, 2, 3, 10, 257] {
            for kind in 0..4 {
                let mut order: Vec<u32> = (0..n as u32).collect();
                match kind {
                    0 => {}
                    1 => order.rotate_left(1.min(n)),
                    2 => order.chunks_mut(2).for_each(|c| c.reverse()),
                    _ => {
                        for i in (1..n).rev() {
                            state ^= state << 13;
                            state ^= state >> 7;
                            state ^= state << 17;
                            order.swap(i, (state % (i as u64 + 1)) as usize);
                        }
                    }
                }
                let v: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
                let want: Vec<String> = order.iter().map(|&i| v[i as usize].clone()).collect();
                let mut got = v.clone();
                permute(&mut got, order);
                assert_eq!(got, want, "n {n} kind {kind}");
            }
        }
    }

    /// Evidence reads as the text it was made from wherever it is split; findings whose
    /// words after the split are alike hold them once (one `Arc`); a split that is not a
    /// character boundary of the text, or at its end, leaves it all the finding's own.
    #[test]
    fn evidence_reads_whole_and_holds_common_words_once() {
        let mut held = Default::default();
        let clause = "客服只能转移至直接上司 E09，不得转移至部门主管";
        let texts = [
            format!("第 1 次转交 E01 → E02：{clause}"),
            format!("第 2 次转交 E03 → E04：{clause}"),
        ];
        let at = |t: &str| t.find('：').unwrap() + '：'.len_utf8();
        let ev: Vec<Evidence> = texts
            .iter()
            .map(|t| Evidence::split(t.clone(), at(t), &mut held))
            .collect();
        for (e, t) in ev.iter().zip(&texts) {
            assert_eq!(e.text(), t.as_str());
            assert_eq!(e.to_string(), *t);
        }
        let (a, b) = (
            ev[0].shared.as_ref().unwrap(),
            ev[1].shared.as_ref().unwrap(),
        );
        assert!(Arc::ptr_eq(a, b), "the clause is held once");
        assert_eq!(&**a, clause);
        // Whole texts shared (a condition and its values).
        let (x, y) = (
            Evidence::split("未记录：联系电话".into(), 0, &mut held),
            Evidence::split("未记录：联系电话".into(), 0, &mut held),
        );
        assert!(
            x.own.is_empty() && Arc::ptr_eq(x.shared.as_ref().unwrap(), y.shared.as_ref().unwrap())
        );
        assert_eq!(x.text(), "未记录：联系电话");
        // Inside a character (不 is three bytes), at or past the end: all its own.
        for cut in [1, 9, 10] {
            let e = Evidence::split("不知道".into(), cut, &mut held);
            assert!(e.shared.is_none(), "cut {cut}");
            assert_eq!(e.text(), "不知道");
        }
        assert_eq!(held.len(), 2, "the clause and the whole text, nothing else");
    }

    /// Repeated handoffs found case by case are those a map of every (case, 序号) key
    /// finds, pointing at the same first rows: cases with a few handoffs (compared
    /// directly) and with many (through a map), 序号 repeated, missing, or unique.
    #[test]
    fn repeats_by_case_are_the_repeats_of_one_map() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        for round in 0..200 {
            let cases = 1 + next(12) as usize;
            let n = next(if round % 10 == 0 { 400 } else { 60 }) as usize;
            let row_of: Vec<usize> = (0..n)
                .map(|_| {
                    // One case takes most handoffs now and then (the map's branch).
                    if round % 3 == 0 && next(4) > 0 {
                        0
                    } else {
                        next(cases as u64) as usize
                    }
                })
                .collect();
            let seqs: Vec<Option<i64>> = (0..n)
                .map(|_| (next(8) > 0).then(|| next(30) as i64))
                .collect();
            let keys: Vec<Option<String>> = row_of
                .iter()
                .zip(&seqs)
                .map(|(r, s)| s.map(|s| format!("{r}\u{1f}{s}")))
                .collect();
            let want = crate::input::first_seen(keys.iter().map(|k| k.as_deref()));
            let got = repeats_by_case(cases, &row_of, &seqs.iter().copied().collect());
            assert_eq!(got, want, "round {round}");
            if round % 3 == 0 && n > 100 {
                assert!(got.0.iter().filter(|k| !**k).count() > 32, "round {round}");
            }
        }
    }
}
