//! `escalation`: a case is handed on only along the path the regulation prescribes.
//!
//! The path logic is in [`super::escalation_check`]; this file is the rule kind: its
//! parameters, the conversion from the input tables, and which findings a rule reports.

use crate::idhash::IdMap;

use polars::prelude::*;

use super::config::RawRule;
use super::escalation_check::{self as ec, EscalationParams};
use super::{did_you_mean, Diags, KindInfo, Responsible};
use crate::audit::{EvalCtx, Hit, Outcome};
use crate::input::Table;

pub static INFO: KindInfo = KindInfo {
    name: "escalation",
    doc: "Checks handoffs (handoffs.csv, joined with roster.csv) against the path of the
物业公司首问责任制实施细则: an operator (保安员、保洁员、维修员) hands only to the direct
supervisor; team leads and staff hand a single-department matter to that department's
supervisor, an unclear or multi-department one to the 客户关系主管; the 客户关系主管 hands
to department supervisors, and a case reaching two departments needs a 客户接待事项协调单;
cross-center matters go through the 管理部经理; a receiving department must not pass the
case on again (不得再次转移); a case must not bounce back (A→B→A); at most
`max_handoffs` handoffs, not counting an operator's to his direct supervisor or one
管理部经理's to another's (steps of the path itself). Each violation names the handoff (seq, from, to; its time,
method, note and line of handoffs.csv) and is charged to its sender. `checks` chooses which of these findings the rule reports (path,
cross_center, no_retransfer, ping_pong, coordination_slip, max_handoffs), so each can have
its own id and points. A case whose employees are missing from the roster, or have no
role, is reported as not judged, never passed silently. Without a roster the rule cannot
run and says so.

Example violation: ESC-RETRANSFER on C000456, 第2次转交 E0003(部门主管, 工程部) →
E0004(部门主管, 秩序部)：责任部门工程部已接受转移，又转移至秩序部（不得再次转移…）.",
    params: &[
        ("allowed", "sender role → receivers: role names, `supervisor`, `own_department` (default: the regulation's table)"),
        ("max_handoffs", "at most this many handoffs per case (default 3)"),
        ("no_retransfer", "a receiving department must not pass the case on (default true)"),
        ("ping_pong", "a case must not return to someone who handed it on (default true)"),
        ("slip_required_for_multi_department", "two or more departments need a coordination slip (default true)"),
        ("cross_center_via_manager", "another center only through the 管理部经理 (default true)"),
        ("checks", "which findings this rule reports (default all)"),
    ],
    responsible: &[Responsible::HandoffSender],
};

/// A finished check: case id → row, and the check's findings.
type Done<'a> = (IdMap<&'a str, u32>, ec::Outcome);

/// Escalation checks already run in this audit (see `EvalCtx::escalation_cache`).
pub type Cache<'a> = std::sync::Mutex<Vec<(EscalationParams, Vec<u32>, std::sync::Arc<Done<'a>>)>>;

pub const CHECKS: &[&str] = &[
    ec::CHECK_PATH,
    ec::CHECK_CROSS_CENTER,
    ec::CHECK_NO_RETRANSFER,
    ec::CHECK_PING_PONG,
    ec::CHECK_COORDINATION_SLIP,
    ec::CHECK_MAX_HANDOFFS,
];

#[derive(Debug, Clone)]
pub struct Escalation {
    pub params: EscalationParams,
    pub checks: Vec<&'static str>,
}

impl Escalation {
    pub(crate) fn validate(r: &RawRule, d: &mut Diags<'_>) -> Option<Escalation> {
        let mut params = EscalationParams::default();
        let before = d.list.len();
        if let Some(a) = &r.allowed {
            params.allowed = a
                .get_ref()
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.get_ref().iter().map(|s| s.get_ref().clone()).collect(),
                    )
                })
                .collect();
            if let Err(e) = ec::validate_roles(&params) {
                for line in e.lines().filter(|l| !l.trim().is_empty()) {
                    d.at(a.span(), line.trim());
                }
            }
        }
        if let Some(m) = &r.max_handoffs {
            if let Some(n) = super::whole_in(d, m, "max_handoffs", super::MAX_HANDOFFS_RANGE, "3") {
                params.max_handoffs = Some(n);
            }
        }
        let flag = |v: &Option<super::config::S<bool>>, default: bool| {
            v.as_ref().map(|b| *b.get_ref()).unwrap_or(default)
        };
        params.no_retransfer = flag(&r.no_retransfer, true);
        params.ping_pong = flag(&r.ping_pong, true);
        params.slip_required_for_multi_department =
            flag(&r.slip_required_for_multi_department, true);
        params.cross_center_via_manager = flag(&r.cross_center_via_manager, true);
        let checks = match &r.checks {
            None => CHECKS.to_vec(),
            Some(l) => {
                let mut v = vec![];
                for c in l.get_ref() {
                    match CHECKS.iter().find(|k| **k == c.get_ref().as_str()) {
                        Some(k) => v.push(*k),
                        None => d.at(
                            c.span(),
                            format!(
                                "unknown check `{}`; expected one of {}{}",
                                c.get_ref(),
                                CHECKS.join(", "),
                                did_you_mean(c.get_ref(), CHECKS)
                            ),
                        ),
                    }
                }
                if l.get_ref().is_empty() {
                    d.at(l.span(), "checks is empty; name at least one check");
                }
                v
            }
        };
        if r.checks.is_some() {
            ineffective(r, &checks, d);
        }
        (d.list.len() == before).then_some(Escalation { params, checks })
    }

    pub fn describe(&self) -> String {
        let mut s = String::from("  allowed\n");
        for (from, to) in &self.params.allowed {
            s.push_str(&format!("    {from:<16} → {}\n", to.join(", ")));
        }
        s.push_str(&format!(
            "  max_handoffs {}\n  no_retransfer {}\n  ping_pong {}\n  slip_required_for_multi_department {}\n  cross_center_via_manager {}\n  checks {}\n",
            self.params.max_handoffs.map(|n| n.to_string()).unwrap_or_else(|| "none".into()),
            self.params.no_retransfer,
            self.params.ping_pong,
            self.params.slip_required_for_multi_department,
            self.params.cross_center_via_manager,
            self.checks.join(", ")
        ));
        s
    }

    /// Whether the coordination slip column is needed.
    pub fn reads_slip(&self) -> bool {
        self.checks.contains(&ec::CHECK_COORDINATION_SLIP)
            && self.params.slip_required_for_multi_department
    }

    /// Handoff paths have no columnar form: one pass over the handoffs, grouped by case.
    /// One pass of the escalation check over the selected cases and their handoffs.
    fn run_check<'a>(&self, ctx: &EvalCtx<'a>, r: &Table, rows: &[u32]) -> Done<'a> {
        let roster = ec::Roster {
            employees: (0..r.len())
                .map(|i| ec::Employee {
                    employee_id: r
                        .text("employee_id")
                        .get(i)
                        .map(str::to_string)
                        .unwrap_or_default(),
                    role: r
                        .text("role")
                        .get(i)
                        .and_then(crate::input::schema::canonical_role)
                        .map(str::to_string),
                    department: r.text("department").get(i).map(str::to_string),
                    center: r.text("center").get(i).map(str::to_string),
                    supervisor_id: r.text("supervisor_id").get(i).map(str::to_string),
                })
                .collect(),
        };
        let c = ctx.cases;
        let (ids, centers, first, slips) = (
            c.text("case_id"),
            c.text("center"),
            c.text("first_responder_id"),
            c.text("coordination_slip"),
        );
        let mut row_of: IdMap<&'a str, u32> =
            IdMap::with_capacity_and_hasher(rows.len(), Default::default());
        let mut ids_distinct = true;
        let cases: Vec<ec::CaseInfo> = rows
            .iter()
            .map(|&row| {
                let i = row as usize;
                let id = ids.get(i).unwrap_or("");
                ids_distinct &= row_of.insert(id, row).is_none();
                ec::CaseInfo {
                    case_id: id,
                    center: centers.get(i).unwrap_or_default(),
                    first_responder_id: first.get(i).unwrap_or_default(),
                    coordination_slip: slips.get(i).is_some_and(|s| !no_slip(s)),
                }
            })
            .collect();
        let h = ctx.handoffs;
        let (hc, hs, ha, hf, ht, hd, hm) = (
            h.text("case_id"),
            h.count("seq"),
            h.time("at"),
            h.text("from_id"),
            h.text("to_id"),
            h.text("to_department"),
            h.text("method"),
        );
        // Each handoff's case, as its place in `cases`: the handoffs of the rows checked,
        // case by case, each case's in file order (the check groups them by case).
        let mut case_of = vec![];
        let mut handoffs: Vec<ec::Handoff> = vec![];
        for (k, &row) in rows.iter().enumerate() {
            for &i in ctx.handoffs_of.of(row as usize) {
                let i = i as usize;
                case_of.push(k);
                handoffs.push(ec::Handoff {
                    case_id: hc.get(i).unwrap_or_default(),
                    seq: hs.get(i).unwrap_or(0),
                    at: ha.get(i).unwrap_or(0),
                    from_id: hf.get(i).unwrap_or_default(),
                    to_id: ht.get(i).unwrap_or_default(),
                    to_department: hd.get(i),
                    method: hm.get(i),
                    row: i as u32,
                });
            }
        }
        let out = ec::check_in_halves_known(
            &self.params,
            &roster,
            &cases,
            &handoffs,
            &case_of,
            ids_distinct,
        );
        (row_of, out)
    }

    pub fn evaluate<'a>(&self, ctx: &EvalCtx<'a>, base: LazyFrame) -> PolarsResult<Outcome> {
        let df = base.select([col("__row")]).collect()?;
        let rows: Vec<u32> = df.column("__row")?.u32()?.into_no_null_iter().collect();
        let Some(r) = ctx.roster else {
            return Ok(Outcome::default());
        };
        let cache = || {
            ctx.escalation_cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
        };
        // Not locked while checking: rules of another group may check meanwhile (see
        // `audit::run`); rules with equal parameters run one after another on one thread.
        let cached = cache()
            .iter()
            .find(|(p, rs, _)| p.same_check(&self.params) && *rs == rows)
            .map(|(_, _, done)| done.clone());
        let done = match cached {
            Some(d) => d,
            None => {
                let d = std::sync::Arc::new(self.run_check(ctx, r, &rows));
                cache().push((self.params.clone(), rows.clone(), d.clone()));
                d
            }
        };
        let (row_of, out) = (&done.0, &done.1);
        let ids = ctx.cases.text("case_id");
        // A case the check could not judge is one whose handoffs name someone without a
        // known role: a rule that reports only `max_handoffs`, which reads no roles,
        // judges it all the same (and must not list it as both judged and not).
        let reads_roles = self.checks.iter().any(|c| *c != ec::CHECK_MAX_HANDOFFS);
        let not_judged_list = if reads_roles {
            out.not_judged.clone()
        } else {
            vec![]
        };
        let not_judged: crate::idhash::IdSet<&str> =
            not_judged_list.iter().map(|(c, _)| c.as_str()).collect();
        let judged = rows
            .iter()
            .copied()
            .filter(|r| !not_judged.contains(ids.get(*r as usize).unwrap_or("")))
            .collect();
        // One violation of this rule per case and employee charged: a handoff that breaks
        // two of its clauses (a wrong path that also crosses centers), or the same
        // person's two wrong handoffs in one case, is one breach with all the evidence,
        // not points counted twice.
        let mut hits: Vec<Hit> = vec![];
        // The breaches each hit holds, as (handoff row, words before the handoff's record
        // is added): a handoff breaking two clauses quotes its record once.
        let mut held: Vec<Vec<(u32, &str)>> = vec![];
        let files = shown_files(ctx.handoffs);
        let mut at: std::collections::HashMap<(u32, &str), usize> = Default::default();
        for v in out
            .violations
            .iter()
            .filter(|v| self.checks.contains(&v.check))
        {
            let Some(&row) = row_of.get(v.case_id.as_str()) else {
                continue;
            };
            match at.entry((row, v.charged_to.as_str())) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    let k = *e.get();
                    let this = (v.handoff_row, v.evidence.as_str());
                    if !held[k].contains(&this) {
                        let quoted = held[k].iter().any(|(r, _)| *r == v.handoff_row);
                        held[k].push(this);
                        let h = &mut hits[k];
                        h.evidence.push('；');
                        if quoted {
                            h.evidence.push_str(&v.evidence);
                        } else {
                            h.evidence.push_str(&with_record(ctx, &files, v).0);
                        }
                        // Two breaches' words together: this finding's own.
                        h.shared_from = None;
                    }
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(hits.len());
                    held.push(vec![(v.handoff_row, v.evidence.as_str())]);
                    let (evidence, shared) = with_record(ctx, &files, v);
                    hits.push(Hit {
                        row,
                        evidence,
                        pending: false,
                        at: None,
                        employee: Some(v.charged_to.clone()),
                        shared_from: shared,
                    });
                }
            }
        }
        Ok(Outcome {
            judged,
            hits,
            not_judged: not_judged_list,
            ..Outcome::default()
        })
    }
}

/// The longest part of a handoff's 备注 quoted in a finding's evidence, in characters.
const NOTE_CHARS: usize = 40;

/// A breach's evidence with the record of the handoff it names, where its own words end
/// (before the clause): `第2次转交 A → B（2026-09-08 09:40，电话，备注“车位事宜退回前台”，
/// data/handoffs.csv:3）：…`. The employee is shown the handoff as recorded, and the quality
/// department the line to open. Returns the text and where its shared words begin.
fn with_record(ctx: &EvalCtx<'_>, files: &[&str], v: &ec::EscViolation) -> (String, Option<usize>) {
    let h = ctx.handoffs;
    let i = v.handoff_row as usize;
    let shared = shared_from(v);
    // Before the clause: at the first `：` of the breach's words (every check writes one).
    let Some(cut) = v.evidence.find('：').filter(|_| i < h.len()) else {
        return (v.evidence.clone(), shared);
    };
    let mut record = String::with_capacity(96);
    record.push('（');
    let when = h.time("at").stamp_text(i, ctx.calendar.tz);
    let mut parts: Vec<String> = vec![];
    if !when.is_empty() {
        parts.push(when);
    }
    if let Some(m) = h
        .text("method")
        .get(i)
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        parts.push(m.to_string());
    }
    if let Some(n) = h
        .text("note")
        .get(i)
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let n: String = n.split_whitespace().collect::<Vec<_>>().join(" ");
        let quoted: String = if n.chars().count() > NOTE_CHARS {
            n.chars().take(NOTE_CHARS).chain(['…']).collect()
        } else {
            n
        };
        parts.push(format!("备注“{quoted}”"));
    }
    let at = h.sources[i];
    parts.push(format!(
        "{}:{}",
        files.get(at.file).copied().unwrap_or_default(),
        at.line
    ));
    record.push_str(&parts.join("，"));
    record.push('）');
    let mut text = String::with_capacity(v.evidence.len() + record.len());
    text.push_str(&v.evidence[..cut]);
    text.push_str(&record);
    text.push_str(&v.evidence[cut..]);
    (text, shared.map(|s| s + record.len()))
}

/// Each handoffs file as a record names it (`handoffs.csv` of `handoffs.csv:3`): its name
/// without its folder (the finding's source names the dataset's folder), unless another
/// handoffs file read has the same name. At 10M cases two million breaches each quote
/// their handoff: a folder in each would be 0.1 GB more.
fn shown_files(h: &Table) -> Vec<&str> {
    fn name(p: &str) -> &str {
        std::path::Path::new(p)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(p)
    }
    h.files
        .iter()
        .map(|path| {
            let own = name(path);
            if h.files.iter().filter(|f| name(f) == own).count() > 1 {
                path.as_str()
            } else {
                own
            }
        })
        .collect()
}

/// Where the words a breach shares with others begin in its evidence: after the
/// handoff it names (`第2次转交 E0003(部门主管, 工程部) → E0007(…)：`), the clause it broke (a wrong path,
/// a department passing the case on, centers crossed: alike for the same roles,
/// departments and centers). A case's bounce path is its own: nothing shared.
fn shared_from(v: &ec::EscViolation) -> Option<usize> {
    if v.check == ec::CHECK_PING_PONG {
        return None;
    }
    v.evidence.find('：').map(|i| i + '：'.len_utf8())
}

/// With `checks` listed, a parameter of a check the rule does not report has no
/// effect (`checks = ["ping_pong"]` with `max_handoffs = 1`), and a check it reports that
/// its switch turns off reports nothing (`checks = ["no_retransfer"]` with
/// `no_retransfer = false`): both are refused at the parameter.
fn ineffective(r: &RawRule, checks: &[&'static str], diags: &mut Diags<'_>) {
    // Collected, then reported in the order of the file.
    let mut found: Vec<(std::ops::Range<usize>, String)> = vec![];
    let d = &mut found;
    let listed = checks
        .iter()
        .map(|c| format!("{c:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let unused = |d: &mut Vec<_>, key: &str, check: &str, span: std::ops::Range<usize>| {
        d.push((
            span,
            format!(
                "`{key}` has no effect: this rule reports only {listed} (`checks`); expected `checks` to include {check:?}, or remove `{key}`"
            ),
        ));
    };
    if let Some(m) = &r.max_handoffs {
        if !checks.contains(&ec::CHECK_MAX_HANDOFFS) {
            unused(d, "max_handoffs", ec::CHECK_MAX_HANDOFFS, m.span());
        }
    }
    if let Some(a) = &r.allowed {
        if !checks.contains(&ec::CHECK_PATH) {
            unused(d, "allowed", ec::CHECK_PATH, a.span());
        }
    }
    for (key, check, switch) in [
        ("no_retransfer", ec::CHECK_NO_RETRANSFER, &r.no_retransfer),
        ("ping_pong", ec::CHECK_PING_PONG, &r.ping_pong),
        (
            "slip_required_for_multi_department",
            ec::CHECK_COORDINATION_SLIP,
            &r.slip_required_for_multi_department,
        ),
        (
            "cross_center_via_manager",
            ec::CHECK_CROSS_CENTER,
            &r.cross_center_via_manager,
        ),
    ] {
        let Some(b) = switch else { continue };
        if !checks.contains(&check) {
            unused(d, key, check, b.span());
        } else if !*b.get_ref() {
            d.push((
                b.span(),
                format!(
                    "`{key} = false` turns off the {check:?} check that `checks` asks this rule to report, so it would report nothing; expected `{key} = true` (or no `{key}`), or {check:?} removed from `checks`"
                ),
            ));
        }
    }
    // An empty table turns the path check off.
    if let Some(a) = r.allowed.as_ref().filter(|a| a.get_ref().is_empty()) {
        if checks.contains(&ec::CHECK_PATH) {
            d.push((
                a.span(),
                "`allowed = {}` turns off the \"path\" check that `checks` asks this rule to report, so it would report nothing; expected sender roles and the receivers they may hand to, e.g. { operator = [\"supervisor\"] }, or \"path\" removed from `checks`".to_string(),
            ));
        }
    }
    found.sort_by_key(|(span, _)| span.start);
    for (span, message) in found {
        diags.at(span, message);
    }
}

/// A 协调单号 cell that says there is none: 无, 没有, 暂无, N/A, -, / … An export fills an
/// empty field with such a word as often as it leaves it blank.
fn no_slip(s: &str) -> bool {
    let t = s
        .trim()
        .trim_matches(|c: char| c.is_whitespace() || c == '　');
    matches!(
        t.to_ascii_lowercase().as_str(),
        "无" | "没有"
            | "暂无"
            | "未开"
            | "未开具"
            | "n/a"
            | "na"
            | "none"
            | "null"
            | "-"
            | "--"
            | "—"
            | "/"
            | "0"
    )
}
