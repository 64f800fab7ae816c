//! The compact summary printed at the end of an audit, and the progress line shown on
//! long runs when stderr is a terminal.

use std::fmt::Write;
use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use super::people::{by_rule, by_severity};
use crate::audit::{AuditResult, CenterRow, TOO_FEW_CASES};

/// Display width in terminal columns (CJK characters take two).
fn cols(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) < 0x1100 { 1 } else { 2 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    for _ in cols(s)..w {
        out.push(' ');
    }
    out
}

pub fn render(r: &AuditResult, centers: &[CenterRow], out: &Path, outputs: &str) -> String {
    render_with(r, centers, out, outputs, false)
}

/// [`render`] for a run with `--unmask` or without: the example of what a rule could not
/// judge quotes the data, masked as not_judged.csv has it unless `unmask`.
pub fn render_with(
    r: &AuditResult,
    centers: &[CenterRow],
    out: &Path,
    outputs: &str,
    unmask: bool,
) -> String {
    let mut s = String::new();
    let sev = by_severity(r);
    // Every input file's rows, so that the line adds up: read = used + rejected.
    let read: usize = r.stats.iter().map(|x| x.rows_read).sum();
    let used: usize = r.stats.iter().map(|x| x.rows_audited).sum();
    // Rows left out on purpose (outside --period, after --as-of) are no fault of the export.
    let outside = r.rejected.iter().filter(|x| x.outside).count();
    let _ = writeln!(
        s,
        "shouwen: period {}, as of {}: {} cases audited; {} rows read in {} files: {} used, {} rejected{}",
        r.period,
        super::as_of_text(r),
        r.cases.len(),
        read,
        r.stats.len(),
        used,
        r.rejected.len(),
        if outside > 0 {
            format!(" ({outside} of them outside the period or after the as-of time)")
        } else {
            String::new()
        }
    );
    // An empty export, or one whose every row was rejected, is no clean month.
    if r.cases.is_empty() {
        let why = if r.rejected.is_empty() {
            "the cases file holds no rows"
        } else {
            "every case row was rejected (see rejected.csv)"
        };
        let _ = writeln!(
            s,
            "  warning: no case was audited: {why}; the scores below say nothing about the month"
        );
    }
    let _ = writeln!(
        s,
        "  violations {} ({} waived; charged {}: critical {}, major {}, minor {}), pending {}",
        r.violations.len(),
        r.waived_count(),
        r.violations.len() - r.waived_count(),
        sev[2],
        sev[1],
        sev[0],
        r.pending.len()
    );

    // worst rules
    let counts = by_rule(r);
    let mut order: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] > 0).collect();
    order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
    if !order.is_empty() {
        let _ = writeln!(s, "  worst rules:");
        for &i in order.iter().take(5) {
            let rule = &r.rules.rules[i];
            let _ = writeln!(
                s,
                "    {:<22} {:>7}  {} [{}]",
                rule.id,
                counts[i],
                rule.title,
                rule.severity.name()
            );
        }
    }

    // lowest-scoring employees (graded only)
    let mut low: Vec<&crate::audit::Scorecard> = r
        .scorecards
        .iter()
        .filter(|c| c.grade != TOO_FEW_CASES)
        .collect();
    low.sort_by(|a, b| {
        a.score
            .total_cmp(&b.score)
            .then(a.employee.id.cmp(&b.employee.id))
    });
    if !low.is_empty() {
        let _ = writeln!(s, "  lowest scores:");
        for c in low.iter().take(5) {
            let _ = writeln!(
                s,
                "    {} {} {:>7}  {:<4} {}",
                pad(&c.employee.id, 8),
                pad(&c.employee.name, 8),
                crate::rules::fmt_points(c.score),
                c.grade,
                c.employee.center
            );
        }
    }

    // centers ranked
    let mut ranked: Vec<&CenterRow> = centers.iter().collect();
    ranked.sort_by_key(|c| c.rank);
    if !ranked.is_empty() {
        let _ = writeln!(s, "  centers (violations per 100 cases):");
        for c in ranked.iter().take(10) {
            let _ = writeln!(
                s,
                "    {:>3}. {} {:>7.2}  ({} cases){}",
                c.rank,
                pad(&c.center, 24),
                c.per_100(),
                c.kpis.cases,
                if c.few_cases { ", 样本不足" } else { "" }
            );
        }
        if ranked.len() > 10 {
            let _ = writeln!(s, "    … {} more in centers.csv", ranked.len() - 10);
        }
    }

    // A spot check at a center none of whose cases were audited has no center row to
    // count in: say so, or centers.csv would silently not add up to the violations.
    let mut outside: Vec<&str> = r
        .violations
        .iter()
        .filter(|v| v.row.is_none() && v.waiver.is_none())
        .filter(|v| !centers.iter().any(|c| c.center == v.center(&r.cases)))
        .map(|v| v.center(&r.cases))
        .collect();
    if !outside.is_empty() {
        let n = outside.len();
        outside.sort_unstable();
        outside.dedup();
        let _ = writeln!(
            s,
            "  note: {n} inspection finding(s) at {} with no audited cases are in violations.csv and the scorecards but not in centers.csv",
            outside.join("、")
        );
    }
    if let Some(why) = &r.pay_not_run {
        let _ = writeln!(s, "  warning: pay could not run: {why}");
    } else {
        // Rules that could not run have a warning of their own below.
        let skipped = r.rules_not_selected();
        if !skipped.is_empty() {
            let _ = writeln!(
                s,
                "  warning: a partial audit (--select/--ignore): the scores and pay.csv leave out {} rule(s) the rules file enables ({}); for pay, audit with every rule",
                skipped.len(),
                skipped.join(", ")
            );
        }
    }
    for (rule, run) in r.rules.rules.iter().zip(&r.runs) {
        if let Some(w) = &run.warning {
            let _ = writeln!(s, "  warning: {}: {w}", rule.id);
        }
        if let Some(why) = &run.not_run {
            let _ = writeln!(s, "  warning: {} could not run: {why}", rule.id);
        } else if run.selected && !run.not_judged.is_empty() {
            let (id, why) = &run.not_judged[0];
            let why = if unmask {
                why.clone()
            } else {
                let ids = r.cases.text("case_id");
                let row = (0..r.cases.len()).find(|&i| ids.get(i) == Some(id.as_str()));
                super::not_judged_reason(r, row, why)
            };
            let _ = writeln!(
                s,
                "  warning: {} could not judge {} case(s), e.g. {id}: {why} (see not_judged.csv)",
                rule.id,
                run.not_judged.len(),
            );
        }
    }
    for w in &r.unmatched_waivers {
        let _ = writeln!(
            s,
            "  warning: waiver at {} was not applied: {}",
            w.source, w.why
        );
    }
    let _ = writeln!(s, "  report: {} ({outputs})", out.display());
    s
}

/// A one-line progress indicator on stderr, only when stderr is a terminal and the run
/// has lasted long enough to be worth it; silent otherwise (pipes, CI, `--quiet`).
pub struct Progress {
    on: bool,
    start: Instant,
    shown: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            on: !quiet && std::io::stderr().is_terminal(),
            start: Instant::now(),
            shown: false,
        }
    }

    /// Report reaching step `i` of `n` of a phase.
    pub fn step(&mut self, phase: &str, i: usize, n: usize) {
        if !self.on || self.start.elapsed() < Duration::from_millis(500) {
            return;
        }
        let n = n.max(1);
        let filled = (i.min(n) * 24) / n;
        eprint!(
            "\r{:<10} [{}{}] {i}/{n}   ",
            phase,
            "#".repeat(filled),
            " ".repeat(24 - filled)
        );
        self.shown = true;
    }

    pub fn finish(&mut self) {
        if self.shown {
            eprint!("\r{}\r", " ".repeat(48));
            self.shown = false;
        }
    }
}
