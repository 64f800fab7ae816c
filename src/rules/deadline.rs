//! `deadline`: the time from one timestamp to another is within a limit.

use polars::prelude::*;

use super::config::RawRule;
use super::{case_column, require_param, Diags, KindInfo};
use crate::audit::{EvalCtx, Hit, Outcome};
use crate::input::schema::case_label;
use crate::input::ColType;
use crate::timeparse::{format_local_short, Limit};

pub static INFO: KindInfo = KindInfo {
    name: "deadline",
    doc: "Checks that the time from one timestamp to another is within a limit
(24-hour first response, resolution by category, follow-up within N days).

A case whose start (`from`) is empty is not judged. A recorded end time is judged
on its own: on time when end ≤ start + limit (exactly at the limit is on time).
An end time that is missing is a violation only once the case is past due at the
audit's as-of time; before that the case is *pending* and listed in pending.csv.
A time written as a date alone (2026-10-03, an Excel date cell) is a day of unknown
hour: a start counts from 23:59:59 of its day, an end from 00:00, so a violation holds
whatever the hours were.

Limits: `24h`, `90m`, `3d` on the calendar clock; with `clock = \"working\"` only
time on working days of [calendar] counts; `5wd` is the same time of day on the
fifth working day after the start (调休 make-up days count, holidays do not); a start
on a non-working day counts from 00:00 of the next working day, so a complaint resolved
on a Saturday has all of Monday to Wednesday for a `3wd` follow-up.
A limit is at most ten years (3650d, 2500wd): a longer one is taken for a typo.

Example violation: RESP-24H on C000123, 首次回应用时 78.0 小时，超过 24 小时.",
    params: &[
        ("from", "the start timestamp column, e.g. received_at"),
        ("to", "the end timestamp column, e.g. first_response_at"),
        (
            "to_if_missing",
            "optional: the end when `to` is not recorded, e.g. resolved_at (a case resolved without a recorded first response was answered by then); unused when the input has no such column",
        ),
        ("within", "the limit: 24h, 3d, 90m or 5wd (working days)"),
        ("clock", "calendar (default) or working"),
    ],
    responsible: super::CASE_PARTIES,
};

#[derive(Debug, Clone)]
pub struct Deadline {
    pub from: String,
    pub to: String,
    /// The end when `to` is empty (`to_if_missing`).
    pub to_if_missing: Option<String>,
    pub within: Limit,
    pub working_clock: bool,
}

impl Deadline {
    /// Whether its due instant is counted on the working days of `[calendar]`.
    pub fn counts_working_days(&self) -> bool {
        self.working_clock || matches!(self.within, Limit::WorkingDays(_))
    }

    pub(crate) fn validate(r: &RawRule, d: &mut Diags<'_>) -> Option<Deadline> {
        let from = require_param(&r.from, "from", r, d, "from = \"received_at\"")
            .and_then(|s| case_column(s, Some(ColType::DateTime), d));
        let to = require_param(&r.to, "to", r, d, "to = \"first_response_at\"")
            .and_then(|s| case_column(s, Some(ColType::DateTime), d));
        let to_if_missing = r
            .to_if_missing
            .as_ref()
            .and_then(|s| case_column(s, Some(ColType::DateTime), d));
        if let (Some(x), Some(s)) = (&to_if_missing, &r.to_if_missing) {
            if Some(x) == from.as_ref() || Some(x) == to.as_ref() {
                d.at(s.span(), "`to_if_missing` must differ from `from` and `to`");
            }
        }
        let within = require_param(&r.within, "within", r, d, "within = \"24h\"").and_then(|s| {
            Limit::parse(s.get_ref())
                .map_err(|e| d.at(s.span(), e))
                .ok()
        });
        let working_clock = match &r.clock {
            None => false,
            Some(c) => match c.get_ref().as_str() {
                "calendar" => false,
                "working" => true,
                other => {
                    d.at(
                        c.span(),
                        format!(
                            "unknown clock `{other}`; expected `calendar` or `working`{}",
                            super::did_you_mean(other, &["calendar", "working"])
                        ),
                    );
                    false
                }
            },
        };
        // `5wd` counts working days whatever the clock: a `clock = "calendar"` beside it
        // would be read as asking for calendar days and silently not be.
        if let (Some(Limit::WorkingDays(n)), Some(c)) = (&within, &r.clock) {
            if c.get_ref() == "calendar" {
                d.at(
                    c.span(),
                    format!(
                        "`clock = \"calendar\"` contradicts `within = \"{n}wd\"`, which counts working days on [calendar]; for calendar days write `within = \"{n}d\"`, for working days drop `clock`"
                    ),
                );
            }
        }
        if let (Some(f), Some(t)) = (&from, &to) {
            if f == t {
                d.at(
                    r.to.as_ref().map(|s| s.span()).unwrap_or(0..0),
                    "`to` must differ from `from`",
                );
                return None;
            }
        }
        Some(Deadline {
            from: from?,
            to: to?,
            to_if_missing,
            within: within?,
            working_clock,
        })
    }

    pub fn describe(&self) -> String {
        let fallback = self
            .to_if_missing
            .as_ref()
            .map(|f| format!("  to_if_missing  {f} ({})\n", case_label(f)))
            .unwrap_or_default();
        format!(
            "  from    {} ({})\n  to      {} ({})\n{fallback}  within  {} ({})\n  clock   {}\n",
            self.from,
            case_label(&self.from),
            self.to,
            case_label(&self.to),
            self.within_text(),
            self.within.describe(),
            if self.working_clock {
                "working"
            } else {
                "calendar"
            }
        )
    }

    fn within_text(&self) -> String {
        match self.within {
            Limit::Millis(ms) if ms % 3_600_000 == 0 => format!("{}h", ms / 3_600_000),
            Limit::Millis(ms) if ms % 60_000 == 0 => format!("{}m", ms / 60_000),
            // a limit that is no whole number of minutes (`0.5m`, `0.001d`) as written
            Limit::Millis(ms) => format!("{}m", crate::rules::fmt_points(ms as f64 / 60_000.0)),
            Limit::WorkingDays(n) => format!("{n}wd"),
        }
    }

    /// Columnar: start, end and due instant per case; violations and pending cases.
    pub fn evaluate(&self, ctx: &EvalCtx<'_>, base: LazyFrame) -> PolarsResult<Outcome> {
        let from = format!("__utc_{}", self.from);
        let to = format!("__utc_{}", self.to);
        // A clock that starts after the as-of time (a complaint of the month resolved
        // after it, for the follow-up deadline) is judged when its end is recorded, like
        // any end recorded after the as-of time; without an end it is pending (its due
        // time is after the as-of time), and the evidence says the clock had not started.
        let started = col(from.as_str()).is_not_null();
        let end = match &self.to_if_missing {
            Some(f) => coalesce(&[col(to.as_str()), col(format!("__utc_{f}").as_str())]),
            None => col(to.as_str()),
        };
        // A start written as a date alone counts from the end of that day (a case received
        // on 3 March at an unknown hour is late only if late from its last minute); an end
        // written so stays at its 00:00, the earliest it may have been: a finding is
        // charged only when it holds whatever the hours were.
        let start = if ctx.cases.time(&self.from).any_date_only() {
            coalesce(&[
                col(crate::audit::day_end_column(&self.from).as_str()),
                col(from.as_str()),
            ])
        } else {
            col(from.as_str())
        };
        let frame = base.filter(started).select([
            col("__row"),
            start.alias("from"),
            end.alias("to"),
            col(to.as_str()).is_null().alias("to_missing"),
        ]);
        let frame = match (self.within, self.working_clock) {
            (Limit::Millis(ms), false) => frame.with_column((col("from") + lit(ms)).alias("due")),
            _ => {
                // No columnar form: the due instant walks the working-day calendar.
                let df = frame.collect()?;
                let due: Vec<Option<i64>> = df
                    .column("from")?
                    .i64()?
                    .iter()
                    .map(|f| f.map(|f| ctx.calendar.due(f, self.within, self.working_clock)))
                    .collect();
                let mut df = df;
                df.with_column(Column::new("due".into(), due))?;
                df.lazy()
            }
        };
        let as_of = lit(ctx.as_of);
        let open = col("to").is_null();
        let late = col("to").is_not_null().and(col("to").gt(col("due")));
        let past_due = open.clone().and(as_of.clone().gt(col("due")));
        let pending = open.and(as_of.lt_eq(col("due")));
        let flagged = frame
            .with_columns([
                late.alias("late"),
                past_due.alias("past_due"),
                pending.alias("pending"),
            ])
            .collect()?;
        let judged = flagged
            .clone()
            .lazy()
            .filter(col("pending").not())
            .collect()?
            .column("__row")?
            .u32()?
            .into_no_null_iter()
            .collect();
        let hits_df = flagged
            .lazy()
            .filter(col("late").or(col("past_due")).or(col("pending")))
            .collect()?;
        let rows = hits_df.column("__row")?.u32()?;
        let froms = hits_df.column("from")?.i64()?;
        let tos = hits_df.column("to")?.i64()?;
        let dues = hits_df.column("due")?.i64()?;
        let pend = hits_df.column("pending")?.bool()?;
        let missing = hits_df.column("to_missing")?.bool()?;
        let mut hits = Vec::with_capacity(hits_df.height());
        for i in 0..hits_df.height() {
            let (row, from, due) = (
                rows.get(i).unwrap_or(0),
                froms.get(i).unwrap_or(0),
                dues.get(i).unwrap_or(0),
            );
            let to = tos.get(i);
            let pending = pend.get(i).unwrap_or(false);
            // The end came from `to_if_missing`: the evidence says so.
            let stand_in = missing.get(i).unwrap_or(false) && to.is_some();
            hits.push(Hit {
                row,
                evidence: self.evidence(ctx, row as usize, from, to, due, pending, stand_in),
                pending,
                at: Some(due),
                employee: None,
                // Times and hours: each finding's own.
                shared_from: None,
            });
        }
        Ok(Outcome {
            judged,
            hits,
            ..Outcome::default()
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn evidence(
        &self,
        ctx: &EvalCtx<'_>,
        row: usize,
        from: i64,
        to: Option<i64>,
        due: i64,
        pending: bool,
        stand_in: bool,
    ) -> String {
        let tz = ctx.calendar.tz;
        let event = event_word(&self.to);
        // On the working clock the time taken is working time, as the limit is.
        let working = self.working_clock && matches!(self.within, Limit::Millis(_));
        let hours = |a: i64, b: i64| {
            if working {
                format!(
                    "{}（工作时间）",
                    fmt_hours(ctx.calendar.working_millis_between(a, b), self.within)
                )
            } else {
                fmt_hours(b - a, self.within)
            }
        };
        let limit = self.within.describe();
        let exact = matches!(self.within, Limit::Millis(_)) && !self.working_clock;
        // On working days, the holidays skipped and the make-up working days counted on
        // the way to the due time, so that the employee can count them too.
        let due_text = if exact {
            String::new()
        } else {
            let skipped = ctx.calendar.exceptions_between(from, due);
            if skipped.is_empty() {
                format!("，应于 {} 前", format_local_short(due, tz))
            } else {
                format!("，应于 {} 前，{skipped}", format_local_short(due, tz))
            }
        };
        // A date written without a time of day shows as written, and says how it counts.
        let from_col = ctx.cases.time(&self.from);
        let from_text = if from_col.date_only(row) {
            format!("{}（未记时刻，按当日结束计）", from_col.stamp_text(row, tz))
        } else {
            format_local_short(from, tz)
        };
        let end_text = |col: &str, t: i64| {
            let c = ctx.cases.time(col);
            if c.date_only(row) {
                format!("{}（未记时刻，按当日 0 时计）", c.stamp_text(row, tz))
            } else {
                format_local_short(t, tz)
            }
        };
        match to {
            Some(t) => {
                let (end_col, note) = match (&self.to_if_missing, stand_in) {
                    (Some(f), true) => (
                        f.as_str(),
                        format!("；{}未记录，按{}计", case_label(&self.to), case_label(f)),
                    ),
                    _ => (self.to.as_str(), String::new()),
                };
                format!(
                    "{event}用时 {} 小时，超过 {limit}{due_text}（{} {from_text} → {} {}{note}）",
                    hours(from, t),
                    case_label(&self.from),
                    case_label(end_col),
                    end_text(end_col, t),
                )
            }
            None if pending && from > ctx.as_of => format!(
                "{} {from_text} 在核查时点 {} 之后，{event}期限尚未开始计算（最迟 {}）",
                case_label(&self.from),
                format_local_short(ctx.as_of, tz),
                format_local_short(due, tz),
            ),
            None if pending => format!(
                "截至 {} 尚未{event}，已过 {} 小时，未超过 {limit}（{} {from_text}，最迟 {}）",
                format_local_short(ctx.as_of, tz),
                hours(from, ctx.as_of),
                case_label(&self.from),
                format_local_short(due, tz),
            ),
            None => format!(
                "截至 {} 仍未{event}，已过 {} 小时，超过 {limit}{due_text}（{} {from_text}）",
                format_local_short(ctx.as_of, tz),
                hours(from, ctx.as_of),
                case_label(&self.from),
            ),
        }
    }
}

/// Hours with one decimal; when that rounding would hide a small excess over an hour
/// limit (24:00:01 shows as 24.0), the exact hours, minutes and seconds instead.
fn fmt_hours(ms: i64, limit: Limit) -> String {
    let h = ms as f64 / 3_600_000.0;
    let rounded = (h * 10.0).round() / 10.0;
    match limit {
        Limit::Millis(l) if ms > l && rounded <= l as f64 / 3_600_000.0 => {
            let s = ms / 1000;
            // Milliseconds too when whole seconds would show no excess (24:00:00.4).
            let secs = if ms % 1000 != 0 {
                let t = format!("{:.3}", (ms % 60_000) as f64 / 1000.0);
                t.trim_end_matches('0').to_string()
            } else {
                (s % 60).to_string()
            };
            format!(
                "{} 小时 {} 分 {secs} 秒，即 {rounded:.1}",
                s / 3600,
                (s % 3600) / 60,
            )
        }
        _ => format!("{rounded:.1}"),
    }
}

/// The event an end column records, for evidence: first_response_at → 首次回应.
fn event_word(to: &str) -> &'static str {
    match to {
        "first_response_at" => "首次回应",
        "resolved_at" => "办结",
        "followup_at" => "回访",
        "promised_at" => "告知预计解决时间",
        _ => case_label(to),
    }
}
