//! Rule kind `escalation`: the handoff path of a case follows the 首问责任制.
//!
//! ## What it does
//!
//! Walks the handoffs (转交记录) of every case in order (`seq`, then `at`, then input
//! order) and checks them against the path laid down in 物业公司首问责任制实施细则:
//!
//! | check | flags | clause |
//! |---|---|---|
//! | `path` | a handoff to a receiver the sender's role may not hand to (`allowed`), or to oneself | 操作人员 / 管理人员 / 客户关系主管 |
//! | `cross_center` | a handoff to an employee of another service center, unless the sender is a 管理部经理 or the receiver is up the sender's own `supervisor_id` chain (his 直接上司, …, his own 管理部经理) | 客户关系主管: 需跨管理部处理的服务需求，报管理部经理，由管理部经理协调处理 |
//! | `no_retransfer` | once a 部门主管 has received the case, anyone of that department (same center) hands it to another department; handing it to the 客户关系主管 for coordination, or within the department, is allowed | 责任部门: 不得再次转移至其它部门，……报客户服务主管协调处理 |
//! | `ping_pong` | the case is sent to someone who handed it on earlier in the case (A→B→A, A→B→C→A); a receiving department reporting to the 客户关系主管 is coordination (once: handing it back again after her ruling is 踢皮球), and a 客户关系主管 or 管理部经理 sending it to a 部门主管 is her ruling (批转相应部门), not a return | 目的: 消除……相互推委；客户关系主管: 正确判定服务需求事项的所属部门，并批转相应部门 |
//! | `coordination_slip` | the case reached two or more departments (counting only 部门主管 receivers) and has no 客户接待事项协调单; one per case, at the handoff that reached the second | 客户关系主管: 如属多部门责任，则填报“客户接待事项协调单” |
//! | `max_handoffs` | more than `max_handoffs` handoffs; one per case, at the first handoff beyond the limit. An operator's handoff to his 直接上司 and one 管理部经理's to another's are steps of the prescribed route and not counted (where the roster knows both roles) | 目的: 时效性差问题 |
//!
//! Every violation is charged to the sender of the handoff that broke the rule. A handoff
//! that breaks several checks is reported once per check. Evidence is Chinese and names
//! the handoff, both people (工号, role, department), what broke and, where the rule
//! follows the regulation, its words:
//! `第2次转交 E0003(部门主管, 工程部) → E0004(部门主管, 秩序部)：责任部门工程部已接受转移，又转移至秩序部（不得再次转移至其它部门，……）`.
//!
//! ## What it does not judge
//!
//! * A handoff whose sender does not hold the case (the first sender is not the first
//!   responder, or a later sender is not the previous receiver) is a data problem, not an
//!   escalation violation: it is listed in `notes` and charged to nobody. A 客户关系主管 or
//!   管理部经理 who has held the case keeps it while coordinating, so dispatching it to
//!   several departments one after another is not a note. Duplicate `seq`, a `seq` order
//!   that contradicts `at`, a `to_department` that contradicts the roster, duplicate case
//!   rows and handoffs of cases that are not in `cases` are notes too. (An audit never
//!   hands this check a duplicate `seq`, a duplicate case or an unknown case: loading
//!   rejects those rows first. The notes serve other callers of the check.)
//! * A case whose handoffs name an employee who is missing from the roster or has no known
//!   role, or lack a sender or receiver id, or lack a department / center / supervisor
//!   where a check needs one, cannot be judged by the checks that read roles (`path`,
//!   `cross_center`, `no_retransfer`, `ping_pong` — its coordination exemption reads
//!   roles — and `coordination_slip`): it is listed once in `not_judged` with the reasons
//!   and none of those checks report anything for it. `max_handoffs` needs no roles and
//!   still runs. `judged_cases` counts the cases judged in full, so
//!   `judged_cases + not_judged.len()` is the number of distinct case ids in `cases`.
//!   A case without handoffs is judged (there is nothing to break).
//!
//! ## Parameters
//!
//! * `allowed`: sender role → receivers it may hand to. A receiver is a role name, or
//!   `supervisor` (the sender's direct supervisor, `supervisor_id` in the roster), or
//!   `own_department` (anyone of the sender's own department and center: internal
//!   dispatch). Role names are canonical (`operator`, `team_lead`, `staff`,
//!   `cr_supervisor`, `dept_supervisor`, `center_manager`) or Chinese (保安员, 保安队长,
//!   管理人员, 客户关系主管, 部门主管, 管理部经理 …). A role missing from a non-empty table
//!   may not hand off at all; an empty table switches the `path` check off. The default
//!   is [`EscalationParams::default_allowed`].
//! * `max_handoffs`: default 3; `None` switches the check off.
//! * `no_retransfer`, `ping_pong`, `slip_required_for_multi_department`,
//!   `cross_center_via_manager`: default on; each switches its check.

use std::fmt::{self, Write as _};

// Ids are short strings looked up a few times per handoff: see `crate::idhash`.
use crate::idhash::{IdMap as HashMap, IdSet as HashSet};

/// Check name of a handoff to a receiver the `allowed` table does not permit.
pub const CHECK_PATH: &str = "path";
/// Check name of a receiving department passing the case on (不得再次转移).
pub const CHECK_NO_RETRANSFER: &str = "no_retransfer";
/// Check name of a case sent back to an earlier sender (相互推委).
pub const CHECK_PING_PONG: &str = "ping_pong";
/// Check name of a case with more handoffs than allowed.
pub const CHECK_MAX_HANDOFFS: &str = "max_handoffs";
/// Check name of a multi-department case without 客户接待事项协调单.
pub const CHECK_COORDINATION_SLIP: &str = "coordination_slip";
/// Check name of a handoff to another service center not made through a 管理部经理.
pub const CHECK_CROSS_CENTER: &str = "cross_center";

/// An employee's role in the 首问责任制.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 操作人员: 保安员、保洁员、维修员.
    Operator,
    /// 班组长: 保安队长、保洁组长.
    TeamLead,
    /// 管理人员.
    Staff,
    /// 客户关系主管 (客户服务主管).
    CrSupervisor,
    /// 部门主管 (责任部门主管).
    DeptSupervisor,
    /// 管理部经理 (service-center manager).
    CenterManager,
}

impl Role {
    /// Every role, in the order of the regulation.
    pub const ALL: [Role; 6] = [
        Role::Operator,
        Role::TeamLead,
        Role::Staff,
        Role::CrSupervisor,
        Role::DeptSupervisor,
        Role::CenterManager,
    ];

    /// Canonical English name, as in roster.csv and the rules file.
    pub fn name(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::TeamLead => "team_lead",
            Role::Staff => "staff",
            Role::CrSupervisor => "cr_supervisor",
            Role::DeptSupervisor => "dept_supervisor",
            Role::CenterManager => "center_manager",
        }
    }

    /// Chinese name, as shown in evidence.
    pub fn label(self) -> &'static str {
        match self {
            Role::Operator => "操作人员",
            Role::TeamLead => "班组长",
            Role::Staff => "管理人员",
            Role::CrSupervisor => "客户关系主管",
            Role::DeptSupervisor => "部门主管",
            Role::CenterManager => "管理部经理",
        }
    }

    /// Parses a canonical name (any ASCII case) or a Chinese role or job title.
    pub fn parse(text: &str) -> Option<Role> {
        let t = text.trim();
        if let Some(role) = Role::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(t))
        {
            return Some(role);
        }
        let role = match t {
            "操作人员" | "保安员" | "保洁员" | "维修员" | "保安" | "保洁" | "维修工" => {
                Role::Operator
            }
            "班组长" | "保安队长" | "保洁组长" => Role::TeamLead,
            "管理人员" | "客服专员" | "客服人员" => Role::Staff,
            "客户关系主管" | "客户服务主管" => Role::CrSupervisor,
            "部门主管" | "责任部门主管" => Role::DeptSupervisor,
            "管理部经理" | "物业经理" => Role::CenterManager,
            _ => return None,
        };
        Some(role)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The clause of the regulation that says where this role hands a case, and its words.
    fn clause(self) -> (&'static str, &'static str) {
        match self {
            Role::Operator => (
                "操作人员",
                "如不属自身职责范围，转移至直接上司，由直接上司负责处理",
            ),
            Role::TeamLead | Role::Staff => (
                "管理人员",
                "属单一部门责任，转移至责任部门，由责任部门主管负责处理；\
                 不能清楚判定属何部门责任或多部门责任，转移至管理部客户关系主管处",
            ),
            Role::CrSupervisor => (
                "客户关系主管",
                "批转相应部门，由责任部门主管负责处理；需跨管理部处理的服务需求，报管理部经理",
            ),
            Role::DeptSupervisor => (
                "管理人员、责任部门",
                "转移至责任部门主管或客户关系主管；责任部门不得再次转移，报客户服务主管协调处理",
            ),
            Role::CenterManager => (
                "客户关系主管",
                "需跨管理部处理的服务需求，报管理部经理，由管理部经理协调处理",
            ),
        }
    }
}

/// A receiver in the `allowed` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Target {
    Role(Role),
    /// The sender's direct supervisor (`supervisor_id`).
    Supervisor,
    /// Anyone of the sender's own department and center (internal dispatch).
    OwnDepartment,
}

impl Target {
    fn parse(text: &str) -> Option<Target> {
        match text.trim().to_ascii_lowercase().as_str() {
            "supervisor" | "直接上司" => Some(Target::Supervisor),
            "own_department" | "本部门" => Some(Target::OwnDepartment),
            _ => Role::parse(text).map(Target::Role),
        }
    }
}

/// Parameters of an `escalation` rule, as filled from the rules file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationParams {
    /// Sender role → receivers it may hand to (role names, `supervisor`, `own_department`).
    /// Empty: the `path` check is off.
    pub allowed: Vec<(String, Vec<String>)>,
    /// At most this many handoffs per case; `None`: no limit.
    pub max_handoffs: Option<usize>,
    /// A receiving department must not pass the case on again (不得再次转移).
    pub no_retransfer: bool,
    /// A case must not be sent back to someone who handed it on earlier.
    pub ping_pong: bool,
    /// A case reaching two or more departments needs a 客户接待事项协调单.
    pub slip_required_for_multi_department: bool,
    /// A handoff to another service center goes through a 管理部经理.
    pub cross_center_via_manager: bool,
}

impl EscalationParams {
    /// The path of the regulation (物业公司首问责任制实施细则, 实施方式):
    ///
    /// * 操作人员 → 直接上司;
    /// * 班组长、管理人员 → 责任部门主管 (single department) or 客户关系主管 (unclear or
    ///   several departments);
    /// * 客户关系主管 → 责任部门主管 (批转相应部门) or 管理部经理 (跨管理部);
    /// * 部门主管 → as 管理人员 when first responder, the 客户关系主管 for coordination, or
    ///   their own department (internal dispatch; re-transfer is `no_retransfer`'s job);
    /// * 管理部经理 → another 管理部经理, 客户关系主管 or 部门主管 (协调处理).
    pub fn default_allowed() -> Vec<(String, Vec<String>)> {
        let row = |from: &str, to: &[&str]| {
            (
                from.to_string(),
                to.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            )
        };
        vec![
            row("operator", &["supervisor"]),
            row("team_lead", &["dept_supervisor", "cr_supervisor"]),
            row("staff", &["dept_supervisor", "cr_supervisor"]),
            row("cr_supervisor", &["dept_supervisor", "center_manager"]),
            row(
                "dept_supervisor",
                &["dept_supervisor", "cr_supervisor", "own_department"],
            ),
            row(
                "center_manager",
                &["center_manager", "cr_supervisor", "dept_supervisor"],
            ),
        ]
    }
}

impl Default for EscalationParams {
    fn default() -> Self {
        EscalationParams {
            allowed: EscalationParams::default_allowed(),
            max_handoffs: Some(3),
            no_retransfer: true,
            ping_pong: true,
            slip_required_for_multi_department: true,
            cross_center_via_manager: true,
        }
    }
}

impl EscalationParams {
    /// Whether `other` makes the same check: equal, except that `allowed` is a table
    /// whose rows may come in any order (a rules file's inline table is read sorted by
    /// role, the regulation's default is listed in the regulation's order).
    pub fn same_check(&self, other: &EscalationParams) -> bool {
        fn rows(p: &EscalationParams) -> Vec<&(String, Vec<String>)> {
            let mut a: Vec<&(String, Vec<String>)> = p.allowed.iter().collect();
            a.sort();
            a
        }
        rows(self) == rows(other)
            && self.max_handoffs == other.max_handoffs
            && self.no_retransfer == other.no_retransfer
            && self.ping_pong == other.ping_pong
            && self.slip_required_for_multi_department == other.slip_required_for_multi_department
            && self.cross_center_via_manager == other.cross_center_via_manager
    }
}

/// Checks that every role named in `params.allowed` is known; reports all problems at once.
pub fn validate_roles(params: &EscalationParams) -> Result<(), String> {
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
    let valid_roles = roles.join(", ");
    let mut receivers = roles.clone();
    receivers.extend(["supervisor", "own_department"]);
    let mut errors = Vec::new();
    let mut seen: Vec<Role> = Vec::new();
    for (from, tos) in &params.allowed {
        match Role::parse(from) {
            Some(role) if seen.contains(&role) => errors.push(format!(
                "role \"{from}\" is listed twice as a sender in `allowed` (both mean {})",
                role.name()
            )),
            Some(role) => seen.push(role),
            None => errors.push(format!(
                "unknown sender role \"{from}\" in `allowed`{}; valid roles: {valid_roles}",
                did_you_mean(from, &roles)
            )),
        }
        for to in tos {
            if Target::parse(to).is_none() {
                errors.push(format!(
                    "unknown receiver \"{to}\" for \"{from}\" in `allowed`{}; valid receivers: \
                     {valid_roles}, supervisor (the sender's direct supervisor), \
                     own_department (anyone of the sender's own department)",
                    did_you_mean(to, &receivers)
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    let word = word.trim().to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// One row of the roster (员工名册).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Employee {
    pub employee_id: String,
    /// Canonical role name (Chinese names are accepted too); `None` when unknown.
    pub role: Option<String>,
    pub department: Option<String>,
    pub center: Option<String>,
    pub supervisor_id: Option<String>,
}

/// The roster; when an id appears twice, the first row counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    pub employees: Vec<Employee>,
}

/// What this rule needs of a case (borrowed from the cases table: a million cases are
/// not copied for it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseInfo<'s> {
    pub case_id: &'s str,
    pub center: &'s str,
    pub first_responder_id: &'s str,
    /// A 客户接待事项协调单 number is recorded.
    pub coordination_slip: bool,
}

/// One row of handoffs.csv (转交记录).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Handoff<'s> {
    pub case_id: &'s str,
    pub seq: i64,
    /// Milliseconds since the epoch.
    pub at: i64,
    pub from_id: &'s str,
    pub to_id: &'s str,
    /// 接收部门 as recorded; the roster's department of the receiver wins when both exist.
    pub to_department: Option<&'s str>,
    /// 电话 / 现场 / 陪同.
    pub method: Option<&'s str>,
    /// Its row in the handoffs table (for the finding's evidence; 0 where there is none).
    pub row: u32,
}

/// A broken escalation path, charged to the sender of the handoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscViolation {
    pub case_id: String,
    pub seq: i64,
    pub from_id: String,
    pub to_id: String,
    /// `path`, `no_retransfer`, `ping_pong`, `max_handoffs`, `coordination_slip` or
    /// `cross_center`.
    pub check: &'static str,
    pub charged_to: String,
    /// The handoff's row in the handoffs table ([`Handoff::row`]).
    pub handoff_row: u32,
    /// Chinese, names the handoff, what broke and the words of the regulation.
    pub evidence: String,
}

/// The result of [`check`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// In the order of `cases`, then `seq`, then check name.
    pub violations: Vec<EscViolation>,
    /// Cases the role-dependent checks could not judge, with the reason (one entry per case).
    pub not_judged: Vec<(String, String)>,
    /// Data problems that charge nobody: (case_id, note).
    pub notes: Vec<(String, String)>,
    /// Distinct cases of `cases` judged by every enabled check.
    pub judged_cases: usize,
}

/// Runs the rule over all cases. Handoffs may come in any order; handoffs of a case that
/// is not in `cases` are reported in `notes`.
pub fn check(
    params: &EscalationParams,
    roster: &Roster,
    cases: &[CaseInfo<'_>],
    handoffs: &[Handoff<'_>],
) -> Outcome {
    let ctx = Ctx::new(params, roster);

    // The first row of each case id, and how many rows share it.
    let mut first_row: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(cases.len(), Default::default());
    let mut rows = vec![0usize; cases.len()];
    for (i, case) in cases.iter().enumerate() {
        let first = *first_row.entry(trim_id(case.case_id)).or_insert(i);
        rows[first] += 1;
    }

    // Group handoffs by case with a counting sort (input order kept within a case);
    // handoffs of unknown cases are counted per case id, in order of appearance.
    let mut start = vec![0usize; cases.len() + 1];
    let mut owner = Vec::with_capacity(handoffs.len());
    let mut orphans: Vec<(&str, usize)> = Vec::new();
    let mut orphan_at: HashMap<&str, usize> = HashMap::default();
    for h in handoffs {
        let id = trim_id(h.case_id);
        match first_row.get(id) {
            Some(&i) => {
                start[i + 1] += 1;
                owner.push(i);
            }
            None => {
                owner.push(usize::MAX);
                let k = *orphan_at.entry(id).or_insert_with(|| {
                    orphans.push((id, 0));
                    orphans.len() - 1
                });
                orphans[k].1 += 1;
            }
        }
    }
    for i in 0..cases.len() {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut grouped = vec![0usize; start[cases.len()]];
    for (k, &i) in owner.iter().enumerate() {
        if i != usize::MAX {
            grouped[next[i]] = k;
            next[i] += 1;
        }
    }

    let mut out = Outcome::default();
    let mut scratch = Scratch::default();
    for (i, case) in cases.iter().enumerate() {
        // Only the first row of a case id has a count.
        if rows[i] == 0 {
            continue;
        }
        let id = trim_id(case.case_id);
        if rows[i] > 1 {
            out.notes.push((
                id.to_string(),
                format!(
                    "case is listed {} times in cases; judged once, with its first row",
                    rows[i]
                ),
            ));
        }
        let hs = grouped[start[i]..start[i + 1]]
            .iter()
            .map(|&k| &handoffs[k]);
        judge_case(&ctx, case, hs, &mut scratch, &mut out);
    }
    for (id, n) in orphans {
        out.notes.push((
            id.to_string(),
            format!("{n} handoff(s) refer to a case that is not in cases; not judged"),
        ));
    }
    out
}

/// Below this many cases a check runs in one pass: halves would not pay.
const HALVES_FROM: usize = 20_000;

/// [`check`] with the cases in two halves judged side by side on two cores. A case is
/// judged from its own handoffs alone, so the halves' outcomes joined in the order of
/// `cases` are exactly one pass's: handoffs of no case go with the second half, whose
/// notes come last as they do in one pass. A case id listed twice across the halves, or
/// a small input, is checked in one pass.
pub fn check_in_halves(
    params: &EscalationParams,
    roster: &Roster,
    cases: &[CaseInfo<'_>],
    handoffs: &[Handoff<'_>],
) -> Outcome {
    if cases.len() < HALVES_FROM {
        return check(params, roster, cases, handoffs);
    }
    let mid = cases.len() / 2;
    let mut half_of: HashMap<&str, bool> =
        HashMap::with_capacity_and_hasher(cases.len(), Default::default());
    for (i, c) in cases.iter().enumerate() {
        let second = i >= mid;
        if half_of.insert(trim_id(c.case_id), second) == Some(!second) {
            return check(params, roster, cases, handoffs);
        }
    }
    let (mut first, mut second) = (vec![], vec![]);
    for h in handoffs {
        match half_of.get(trim_id(h.case_id)) {
            Some(false) => first.push(*h),
            _ => second.push(*h),
        }
    }
    in_halves(params, roster, cases, mid, &first, &second)
}

/// [`check_in_halves`] when the caller already knows each handoff's case: `case_of[k]`
/// is the index in `cases` of `handoffs[k]`'s case. Case ids must be distinct and trimmed
/// (as the loader leaves them), so that no case id can fall in both halves; then no id
/// map is needed to split the handoffs, which at a million cases was half a second on
/// one core. Otherwise, or for a small input, it is [`check_in_halves`].
pub fn check_in_halves_known(
    params: &EscalationParams,
    roster: &Roster,
    cases: &[CaseInfo<'_>],
    handoffs: &[Handoff<'_>],
    case_of: &[usize],
    ids_distinct: bool,
) -> Outcome {
    let trimmed = || cases.iter().all(|c| trim_id(c.case_id) == c.case_id);
    if cases.len() < HALVES_FROM
        || !ids_distinct
        || case_of.len() != handoffs.len()
        || case_of.iter().any(|&i| i >= cases.len())
        || !trimmed()
    {
        return check_in_halves(params, roster, cases, handoffs);
    }
    let mid = cases.len() / 2;
    let (mut first, mut second) = (vec![], vec![]);
    for (h, &i) in handoffs.iter().zip(case_of) {
        if i < mid {
            first.push(*h);
        } else {
            second.push(*h);
        }
    }
    in_halves(params, roster, cases, mid, &first, &second)
}

/// The two halves of `cases` (split at `mid`) checked side by side, joined in order.
fn in_halves(
    params: &EscalationParams,
    roster: &Roster,
    cases: &[CaseInfo<'_>],
    mid: usize,
    first: &[Handoff<'_>],
    second: &[Handoff<'_>],
) -> Outcome {
    let (mut out, b) = crate::par::both(
        || check(params, roster, &cases[..mid], first),
        || check(params, roster, &cases[mid..], second),
    );
    out.violations.extend(b.violations);
    out.not_judged.extend(b.not_judged);
    out.notes.extend(b.notes);
    out.judged_cases += b.judged_cases;
    out
}

/// A roster row with a known role, borrowed.
#[derive(Debug, Clone, Copy)]
struct Person<'a> {
    id: &'a str,
    role: Role,
    department: Option<&'a str>,
    center: Option<&'a str>,
    supervisor: Option<&'a str>,
}

/// "E0003(部门主管, 工程部)".
impl fmt::Display for Person<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.department {
            Some(d) => write!(f, "{}({}, {})", self.id, self.role.label(), d),
            None => write!(f, "{}({})", self.id, self.role.label()),
        }
    }
}

/// A department of a center: the unit that receives a case.
type DeptKey<'a> = (Option<&'a str>, &'a str);

#[derive(Debug, Clone, Copy)]
struct Entry<'a> {
    role_text: Option<&'a str>,
    role: Option<Role>,
    department: Option<&'a str>,
    center: Option<&'a str>,
    supervisor: Option<&'a str>,
}

struct Ctx<'a> {
    params: &'a EscalationParams,
    /// Employee id → first roster row, trimmed and parsed once.
    roster: HashMap<&'a str, Entry<'a>>,
    /// Receivers allowed per sender role; `None`: the role may not hand off.
    table: [Option<Vec<Target>>; 6],
    /// The table row equals the regulation's, so its words can be quoted.
    table_is_regulation: [bool; 6],
    path: bool,
    /// Some enabled check reads roles.
    needs_roles: bool,
}

impl<'a> Ctx<'a> {
    fn new(params: &'a EscalationParams, roster: &'a Roster) -> Self {
        let mut index =
            HashMap::with_capacity_and_hasher(roster.employees.len(), Default::default());
        for e in &roster.employees {
            index
                .entry(trim_id(&e.employee_id))
                .or_insert_with(|| Entry {
                    role_text: opt(&e.role),
                    role: opt(&e.role).and_then(Role::parse),
                    department: opt(&e.department),
                    center: opt(&e.center),
                    supervisor: opt(&e.supervisor_id),
                });
        }
        let table = compile_table(&params.allowed);
        let regulation = compile_table(&EscalationParams::default_allowed());
        let mut table_is_regulation = [false; 6];
        for role in Role::ALL {
            let i = role.index();
            table_is_regulation[i] = sorted(&table[i]) == sorted(&regulation[i]);
        }
        let path = !params.allowed.is_empty();
        Ctx {
            params,
            roster: index,
            table,
            table_is_regulation,
            path,
            needs_roles: path
                || params.no_retransfer
                || params.ping_pong
                || params.slip_required_for_multi_department
                || params.cross_center_via_manager,
        }
    }

    /// The employee, when in the roster with a known role.
    fn person(&self, id: &'a str) -> Option<Person<'a>> {
        let e = self.roster.get(id)?;
        Some(Person {
            id,
            role: e.role?,
            department: e.department,
            center: e.center,
            supervisor: e.supervisor,
        })
    }

    /// Why [`Ctx::person`] found nobody.
    fn unknown(&self, id: &str) -> String {
        match self.roster.get(id).map(|e| e.role_text) {
            None => format!("{id} is not in the roster"),
            Some(None) => format!("{id} has no role in the roster"),
            Some(Some(text)) => format!("{id} has an unknown role \"{text}\" in the roster"),
        }
    }

    /// Label for evidence when the employee may be unknown.
    fn label(&self, id: &'a str, person: Option<Person<'a>>) -> String {
        match person {
            Some(p) => p.to_string(),
            None if id.is_empty() => "(空工号)".to_string(),
            None if self.roster.contains_key(id) => format!("{id}(岗位不明)"),
            None => format!("{id}(不在名册)"),
        }
    }

    /// `target` is `start`'s supervisor, or their supervisor's, and so on (cycle-safe).
    fn in_supervisor_chain(&self, start: &'a str, target: &str) -> bool {
        let mut seen: Vec<&str> = vec![start];
        let mut current = start;
        while let Some(next) = self.roster.get(current).and_then(|e| e.supervisor) {
            if next == target {
                return true;
            }
            if seen.contains(&next) || seen.len() > 64 {
                return false;
            }
            seen.push(next);
            current = next;
        }
        false
    }
}

fn compile_table(allowed: &[(String, Vec<String>)]) -> [Option<Vec<Target>>; 6] {
    let mut table: [Option<Vec<Target>>; 6] = Default::default();
    for (from, tos) in allowed {
        let Some(role) = Role::parse(from) else {
            continue;
        };
        let row = table[role.index()].get_or_insert_with(Vec::new);
        for target in tos.iter().filter_map(|t| Target::parse(t)) {
            if !row.contains(&target) {
                row.push(target);
            }
        }
    }
    table
}

fn sorted(row: &Option<Vec<Target>>) -> Option<Vec<Target>> {
    row.as_ref().map(|r| {
        let mut r = r.clone();
        r.sort();
        r
    })
}

/// `text.trim()`, without decoding characters when the ends are plain ASCII.
fn trim_id(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// A trimmed, non-empty optional text.
fn opt(value: &Option<String>) -> Option<&str> {
    opt_str(value.as_deref())
}

/// [`opt`] of a borrowed text.
fn opt_str(value: Option<&str>) -> Option<&str> {
    value.map(trim_id).filter(|s| !s.is_empty())
}

/// At most this many distinct reasons are listed for one case.
const MAX_REASONS: usize = 8;

/// Adds a reason once; a long list is cut with "…" (keeps a huge case linear).
fn push_reason(reasons: &mut Vec<String>, reason: String) {
    if reasons.len() > MAX_REASONS || reasons.contains(&reason) {
        return;
    }
    if reasons.len() == MAX_REASONS {
        reasons.push("…".to_string());
    } else {
        reasons.push(reason);
    }
}

/// One handoff of a case, in order, with its sender and receiver looked up.
struct Step<'a> {
    /// 1-based position in the case.
    pos: usize,
    h: &'a Handoff<'a>,
    from: &'a str,
    to: &'a str,
    sender: Option<Person<'a>>,
    receiver: Option<Person<'a>>,
}

impl Step<'_> {
    /// "第2次转交" or, when the recorded seq differs from the position, "第2次转交（序号7）".
    fn ordinal(&self) -> Ordinal {
        Ordinal(self.pos, self.h.seq)
    }

    /// "handoff 2 (seq 2)" for notes and reasons.
    fn name(&self) -> String {
        format!("handoff {} (seq {})", self.pos, self.h.seq)
    }
}

/// Position (1-based) and recorded seq of a handoff, shown as "第2次转交".
struct Ordinal(usize, i64);

impl fmt::Display for Ordinal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if i64::try_from(self.0).ok() == Some(self.1) {
            write!(f, "第{}次转交", self.0)
        } else {
            write!(f, "第{}次转交（序号{}）", self.0, self.1)
        }
    }
}

type RoleViolation = (usize, &'static str, String);

/// Buffers reused from case to case, so that judging a case allocates only what it reports.
#[derive(Default)]
struct Scratch<'a> {
    handoffs: Vec<&'a Handoff<'a>>,
    steps: Vec<Step<'a>>,
    notes: Vec<String>,
    reasons: Vec<String>,
    violations: Vec<(usize, EscViolation)>,
    found: Vec<RoleViolation>,
    coordinators: HashSet<&'a str>,
    /// Departments that received the case through their 部门主管, in order.
    received: Vec<DeptKey<'a>>,
    received_set: HashSet<DeptKey<'a>>,
    /// 部门主管 who received the case → their department.
    receivers: HashMap<&'a str, DeptKey<'a>>,
    /// Earlier senders → index of their last handoff.
    sent: HashMap<&'a str, usize>,
}

impl Scratch<'_> {
    fn clear(&mut self) {
        self.handoffs.clear();
        self.steps.clear();
        self.notes.clear();
        self.reasons.clear();
        self.violations.clear();
        self.found.clear();
        self.received.clear();
        reset_set(&mut self.coordinators);
        reset_set(&mut self.received_set);
        reset_map(&mut self.receivers);
        reset_map(&mut self.sent);
    }
}

// Clearing a hash table costs its capacity: drop big ones, skip empty ones.
fn reset_set<T>(set: &mut HashSet<T>) {
    if set.capacity() > 64 {
        *set = HashSet::default();
    } else if !set.is_empty() {
        set.clear();
    }
}

fn reset_map<K, V>(map: &mut HashMap<K, V>) {
    if map.capacity() > 64 {
        *map = HashMap::default();
    } else if !map.is_empty() {
        map.clear();
    }
}

fn judge_case<'a>(
    ctx: &Ctx<'a>,
    case: &'a CaseInfo<'a>,
    hs: impl Iterator<Item = &'a Handoff<'a>>,
    sc: &mut Scratch<'a>,
    out: &mut Outcome,
) {
    let case_id = trim_id(case.case_id);
    sc.clear();
    // Sort the references (stable: the same seq and time keep input order), then look up.
    sc.handoffs.extend(hs);
    sc.handoffs.sort_by_key(|h| (h.seq, h.at));
    sc.steps
        .extend(sc.handoffs.iter().enumerate().map(|(i, &h)| {
            let (from, to) = (trim_id(h.from_id), trim_id(h.to_id));
            Step {
                pos: i + 1,
                h,
                from,
                to,
                sender: ctx.person(from),
                receiver: ctx.person(to),
            }
        }));

    data_notes(ctx, case, sc);
    for s in &sc.steps {
        if s.from.is_empty() {
            push_reason(&mut sc.reasons, format!("{} has no sender id", s.name()));
        }
        if s.to.is_empty() {
            push_reason(&mut sc.reasons, format!("{} has no receiver id", s.name()));
        }
    }

    let violation = |s: &Step<'a>, check: &'static str, evidence: String| {
        (
            s.pos,
            EscViolation {
                case_id: case_id.to_string(),
                seq: s.h.seq,
                from_id: s.from.to_string(),
                to_id: s.to.to_string(),
                check,
                charged_to: s.from.to_string(),
                handoff_row: s.h.row,
                evidence,
            },
        )
    };

    // max_handoffs needs no roles; where they are known, the steps the prescribed route
    // itself adds are not counted ([`route_step`]).
    if let Some(max) = ctx.params.max_handoffs {
        let beyond = match sc.steps.get(max) {
            // Fewer handoffs than the limit (nearly every case): nothing to count.
            None => None,
            Some(_) => sc.steps.iter().filter(|s| !route_step(s)).nth(max),
        };
        if let Some(s) = beyond.filter(|s| !s.from.is_empty()) {
            let counted = sc.steps.iter().filter(|s| !route_step(s)).count();
            let skipped = sc.steps.len() - counted;
            let evidence = if skipped == 0 {
                format!(
                    "{} {} → {}：本案共转交{}次，超过上限{}次",
                    s.ordinal(),
                    ctx.label(s.from, s.sender),
                    ctx.label(s.to, s.receiver),
                    sc.steps.len(),
                    max
                )
            } else {
                format!(
                    "{} {} → {}：本案共转交{}次，除去操作人员报直接上司、管理部经理之间协调的{}次，计{}次，超过上限{}次",
                    s.ordinal(),
                    ctx.label(s.from, s.sender),
                    ctx.label(s.to, s.receiver),
                    sc.steps.len(),
                    skipped,
                    counted,
                    max
                )
            };
            sc.violations
                .push(violation(s, CHECK_MAX_HANDOFFS, evidence));
        }
    }

    if ctx.needs_roles && sc.reasons.is_empty() {
        for s in &sc.steps {
            if s.sender.is_none() {
                push_reason(&mut sc.reasons, ctx.unknown(s.from));
            }
            if s.receiver.is_none() {
                push_reason(&mut sc.reasons, ctx.unknown(s.to));
            }
        }
        if sc.reasons.is_empty() {
            walk_roles(ctx, case, sc);
            if sc.reasons.is_empty() {
                let steps = &sc.steps;
                sc.violations.extend(
                    sc.found
                        .drain(..)
                        .map(|(i, check, evidence)| violation(&steps[i], check, evidence)),
                );
            }
        }
    }

    sc.violations
        .sort_by(|(pa, a), (pb, b)| (a.seq, pa, a.check).cmp(&(b.seq, pb, b.check)));
    out.violations
        .extend(sc.violations.drain(..).map(|(_, v)| v));
    out.notes
        .extend(sc.notes.drain(..).map(|n| (case_id.to_string(), n)));
    if sc.reasons.is_empty() {
        out.judged_cases += 1;
    } else {
        out.not_judged
            .push((case_id.to_string(), sc.reasons.join("; ")));
    }
}

/// Notes that charge nobody: seq order, chain of custody, recorded department.
fn data_notes<'a>(ctx: &Ctx<'a>, case: &'a CaseInfo<'a>, sc: &mut Scratch<'a>) {
    let steps = &sc.steps;
    let notes = &mut sc.notes;
    let mut i = 0;
    while i + 1 < steps.len() {
        let (a, b) = (&steps[i], &steps[i + 1]);
        if a.h.seq == b.h.seq {
            let run = steps[i..].iter().take_while(|s| s.h.seq == a.h.seq).count();
            notes.push(format!(
                "seq {} appears {run} times; those handoffs are taken in time order",
                a.h.seq
            ));
            i += run - 1;
            continue;
        }
        if b.h.at < a.h.at {
            notes.push(format!(
                "{} is dated before {}; handoffs are taken in seq order",
                b.name(),
                a.name()
            ));
        }
        i += 1;
    }

    // Chain of custody: the sender holds the case. A 客户关系主管 or 管理部经理 who has held
    // it keeps it while coordinating (dispatching to several departments).
    let is_coordinator = |p: Option<Person<'_>>| {
        matches!(
            p.map(|p| p.role),
            Some(Role::CrSupervisor | Role::CenterManager)
        )
    };
    let first = trim_id(case.first_responder_id);
    let mut holder = first;
    if is_coordinator(ctx.person(first)) {
        sc.coordinators.insert(first);
    }
    for s in steps {
        if !s.from.is_empty() && s.from != holder && !sc.coordinators.contains(s.from) {
            notes.push(if s.pos == 1 && first.is_empty() {
                format!(
                    "{}: the case has no first responder id, so it cannot be told whether sender {} held it",
                    s.name(),
                    s.from
                )
            } else if s.pos == 1 {
                format!(
                    "{}: sender {} is not the first responder {}",
                    s.name(),
                    s.from,
                    first
                )
            } else {
                format!(
                    "{}: sender {} does not hold the case (it was last handed to {})",
                    s.name(),
                    s.from,
                    holder
                )
            });
        }
        holder = s.to;
        if is_coordinator(s.receiver) {
            sc.coordinators.insert(s.to);
        }
        if let (Some(recorded), Some(e)) = (opt_str(s.h.to_department), ctx.roster.get(s.to)) {
            if let Some(listed) = e.department.filter(|d| *d != recorded) {
                notes.push(format!(
                    "{}: to_department is {recorded} but the roster puts {} in {listed}",
                    s.name(),
                    s.to
                ));
            }
        }
    }
}

/// The checks that read roles; every sender and receiver is known. Pushes to `reasons`
/// when a value a check needs is missing from the roster.
/// A handoff the prescribed route takes besides 员工 → 客户关系主管 → 部门主管 (→ 管理部经理):
/// an operator's to his 直接上司 (操作人员转移至直接上司), and one 管理部经理's to another's
/// (需跨管理部处理的，由管理部经理协调). `max_handoffs` does not count them: a case that
/// follows the route from a 保安员 across two centers is not 推委. Unknown roles count.
fn route_step(s: &Step<'_>) -> bool {
    match (&s.sender, &s.receiver) {
        (Some(a), Some(b)) => {
            (a.role == Role::Operator && a.supervisor == Some(s.to))
                || (a.role == Role::CenterManager && b.role == Role::CenterManager)
        }
        _ => false,
    }
}

fn walk_roles<'a>(ctx: &Ctx<'a>, case: &'a CaseInfo<'a>, sc: &mut Scratch<'a>) {
    let p = ctx.params;
    let needs_departments = p.no_retransfer || p.ping_pong || p.slip_required_for_multi_department;
    let Scratch {
        steps,
        reasons,
        found,
        received,
        received_set,
        receivers,
        sent,
        ..
    } = sc;
    let mut slip_reported = false;
    // Whether the case has left the department it started in (or passed someone whose
    // department is unknown): from then on it was transferred, not handed up a line.
    let mut crossed = false;
    // The department each sender other than a coordinator first handed the case to.
    let mut first_sent_to: Vec<(&'a str, DeptKey<'a>)> = vec![];
    // The departments that have handed the case back to a coordinator once, and when.
    let mut returned: Vec<(DeptKey<'a>, usize)> = vec![];

    for (i, s) in steps.iter().enumerate() {
        let (Some(a), Some(b)) = (&s.sender, &s.receiver) else {
            crossed = true;
            continue;
        };
        let inside = !crossed;
        if a.department.is_none() || a.department != b.department {
            crossed = true;
        }
        // Built only when a check fails: most handoffs break nothing.
        let head = || {
            let mut ev = String::with_capacity(384);
            let _ = write!(ev, "{} {a} → {b}：", s.ordinal());
            ev
        };
        let with_head = |tail: fmt::Arguments<'_>| {
            let mut ev = head();
            let _ = ev.write_fmt(tail);
            ev
        };

        let mut path_ok = false;
        if ctx.path {
            match path_verdict(ctx, a, b, head) {
                Verdict::Ok => path_ok = true,
                Verdict::Unknown(reason) => push_reason(reasons, reason),
                Verdict::Broken(evidence) => found.push((i, CHECK_PATH, evidence)),
            }
        }

        if p.cross_center_via_manager {
            match (a.center, b.center) {
                (Some(ca), Some(cb)) if ca != cb => {
                    // A step up the sender's own reporting line (操作人员：转移至直接上司)
                    // is the prescribed path even when the roster puts that superior in
                    // another center (one 工程部主管 for two small centers): it is no
                    // coordination across management divisions.
                    // Up the line also covers 报管理部经理: the sender's own center manager.
                    let via_manager =
                        a.role == Role::CenterManager || ctx.in_supervisor_chain(a.id, b.id);
                    if !via_manager {
                        found.push((
                            i,
                            CHECK_CROSS_CENTER,
                            with_head(format_args!(
                                "从{ca}转至{cb}，未经本管理部经理（需跨管理部处理的服务需求，\
                                 报管理部经理，由管理部经理协调处理）"
                            )),
                        ));
                    }
                }
                (Some(_), Some(_)) => {}
                (ca, cb) => {
                    for (person, center) in [(a, ca), (b, cb)] {
                        if center.is_none() {
                            push_reason(
                                reasons,
                                format!("{} has no center in the roster", person.id),
                            );
                        }
                    }
                }
            }
        }

        // The department the sender belongs to, and whether it has received the case.
        let sender_dept: Option<DeptKey<'a>> = a
            .department
            .map(|d| (a.center, d))
            .or_else(|| receivers.get(a.id).copied());
        let sender_received: Option<bool> = match sender_dept {
            _ if received.is_empty() => Some(false),
            Some(key) => Some(received_set.contains(&key)),
            None => None,
        };
        let receiver_dept: Option<DeptKey<'a>> = b
            .department
            .or(opt_str(s.h.to_department))
            .map(|d| (b.center, d));
        let coordination = b.role == Role::CrSupervisor;
        // The 客户关系主管 and the 管理部经理 coordinate: their dispatching is 批转, not a
        // receiving department passing the case on, even when their own department (客服部)
        // has received it.
        let coordinator_sends = matches!(a.role, Role::CrSupervisor | Role::CenterManager);

        if p.no_retransfer && !coordination && !coordinator_sends {
            match (sender_received, sender_dept, receiver_dept) {
                (Some(false), _, _) => {}
                (Some(true), Some(from), Some(to)) if from == to => {}
                (Some(true), Some(from), Some(to)) => found.push((
                    i,
                    CHECK_NO_RETRANSFER,
                    with_head(format_args!(
                        "责任部门{}已接受转移，又转移至{}（不得再次转移至其它部门，\
                         应填报“客户接待事项协调单”，报客户服务主管协调处理）",
                        from.1, to.1
                    )),
                )),
                (Some(true), _, None) => {
                    push_reason(reasons, format!("{} has no department in the roster", b.id))
                }
                _ => push_reason(reasons, format!("{} has no department in the roster", a.id)),
            }
        }

        // A coordinator (客户关系主管, 管理部经理) sending the case to a 部门主管 is her
        // ruling on which department it belongs to (正确判定服务需求事项的所属部门，并批转
        // 相应部门), the prescribed route even when that department handed it to her.
        let ruling = coordinator_sends && b.role == Role::DeptSupervisor;
        if p.ping_pong && !ruling {
            if coordination && sender_received == Some(true) {
                // A receiving department reporting to a 客户关系主管: coordination, once.
                // Handing it back again after a ruling sent it to them once more (to her
                // or to another 客户关系主管) is the bounce the system exists to end
                // (责任部门: 不得再次转移).
                if let Some(dept) = sender_dept {
                    match returned.iter().find(|(d, _)| *d == dept) {
                        Some(&(_, first)) => found.push((
                            i,
                            CHECK_PING_PONG,
                            with_head(format_args!(
                                "{}已退回过一次，经批转后再次退回 {}（{}，相互推委）",
                                dept.1,
                                b.id,
                                bounce(steps, first, i)
                            )),
                        )),
                        None => returned.push((dept, i)),
                    }
                }
            } else if let Some(&j) = sent.get(b.id) {
                match (coordination, sender_received) {
                    (true, None) => {
                        push_reason(reasons, format!("{} has no department in the roster", a.id))
                    }
                    _ => found.push((
                        i,
                        CHECK_PING_PONG,
                        with_head(format_args!(
                            "案件退回曾转出此案的 {}（{}，相互推委）",
                            b.id,
                            bounce(steps, j, i)
                        )),
                    )),
                }
            }
        }

        // Splitting a case between departments oneself: a sender who is no coordinator
        // hands it to a second department's 部门主管 while the first still holds it. A
        // matter of several departments goes to the 客户关系主管 (管理人员：不能判定或多部门
        // 责任转移至客户关系主管), who fills the coordination slip: the split is the wrong
        // path, and the slip is hers, not charged here again.
        let mut split = false;
        if path_ok && !coordinator_sends && b.role == Role::DeptSupervisor {
            if let Some(to) = receiver_dept {
                let holds = i == 0 || steps[i - 1].to == a.id;
                match first_sent_to.iter().find(|(id, _)| *id == a.id) {
                    Some(&(_, first)) if first != to && !holds => {
                        split = true;
                        found.push((
                            i,
                            CHECK_PATH,
                            with_head(format_args!(
                                "已将此案转至{}，又自行转至{}：多部门责任应转移至客户关系主管\
                                 （管理人员：不能判定或多部门责任转移至客户关系主管）",
                                first.1, to.1
                            )),
                        ));
                    }
                    Some(_) => {}
                    None => first_sent_to.push((a.id, to)),
                }
            }
        }
        if split {
            slip_reported = true;
        }

        // An operator's or team lead's step to his own direct supervisor (操作人员转移至
        // 直接上司，由直接上司负责处理) hands the case up his own line: the supervisor takes
        // it on as its first holder, not as a department that received a transfer, so
        // passing it on from there is no 再次转移 and his department is not one of the
        // several a coordination slip is needed for.
        // Only while the case is still inside the department it started in: brought in
        // from outside, it was received there, whoever of the department took it first.
        let up_own_line = inside
            && matches!(a.role, Role::Operator | Role::TeamLead)
            && a.supervisor == Some(b.id);
        if b.role == Role::DeptSupervisor && a.id != b.id && !up_own_line {
            match receiver_dept {
                Some(key) => {
                    receivers.entry(b.id).or_insert(key);
                    if received_set.insert(key) {
                        received.push(key);
                        if received.len() == 2
                            && p.slip_required_for_multi_department
                            && !case.coordination_slip
                            && !slip_reported
                        {
                            slip_reported = true;
                            found.push((
                                i,
                                CHECK_COORDINATION_SLIP,
                                with_head(format_args!(
                                    "案件已转至{}两个部门，未填报“客户接待事项协调单”\
                                     （如属多部门责任，则填报“客户接待事项协调单”，指定主办部门）",
                                    departments_text(received)
                                )),
                            ));
                        }
                    }
                }
                None if needs_departments => push_reason(
                    reasons,
                    format!(
                        "{} ({}) has no department in the roster",
                        b.id,
                        b.role.label()
                    ),
                ),
                None => {}
            }
        }

        sent.insert(a.id, i);
    }
}

enum Verdict {
    Ok,
    Broken(String),
    Unknown(String),
}

/// Whether `a` may hand to `b`; a broken path is written after `head()`.
fn path_verdict(
    ctx: &Ctx<'_>,
    a: &Person<'_>,
    b: &Person<'_>,
    head: impl FnOnce() -> String,
) -> Verdict {
    if a.id == b.id {
        let mut ev = head();
        ev.push_str("转交给本人，不是有效的责任转移");
        return Verdict::Broken(ev);
    }
    let Some(row) = &ctx.table[a.role.index()] else {
        let mut ev = head();
        let _ = write!(ev, "{}不在本规则的转移路径表中，无权转交", a.role.label());
        return Verdict::Broken(ev);
    };
    // A target that cannot be told for want of roster data: (employee, missing field).
    let mut unknown = None;
    for target in row {
        let ok = match target {
            Target::Role(role) => b.role == *role,
            Target::Supervisor => match a.supervisor {
                Some(sup) => sup == b.id,
                None => {
                    unknown = Some((a.id, "supervisor"));
                    false
                }
            },
            Target::OwnDepartment => match (a.department, b.department) {
                (Some(da), Some(db)) => da == db && a.center == b.center,
                (None, _) => {
                    unknown = Some((a.id, "department"));
                    false
                }
                (_, None) => {
                    unknown = Some((b.id, "department"));
                    false
                }
            },
        };
        if ok {
            return Verdict::Ok;
        }
    }
    if let Some((id, field)) = unknown {
        return Verdict::Unknown(format!("{id} has no {field} in the roster"));
    }
    let mut ev = head();
    if row.is_empty() {
        let _ = write!(ev, "{}在本规则中不得转交", a.role.label());
    } else {
        let _ = write!(ev, "{}只能转移至", a.role.label());
        for (k, target) in row.iter().enumerate() {
            if k > 0 {
                ev.push('或');
            }
            match (target, a.supervisor) {
                (Target::Role(role), _) => ev.push_str(role.label()),
                (Target::Supervisor, Some(sup)) => {
                    let _ = write!(ev, "直接上司 {sup}");
                }
                (Target::Supervisor, None) => ev.push_str("直接上司"),
                (Target::OwnDepartment, _) => ev.push_str("本部门人员"),
            }
        }
        let _ = write!(ev, "，不得转移至{}", b.role.label());
    }
    if ctx.table_is_regulation[a.role.index()] {
        let (clause, words) = a.role.clause();
        let _ = write!(ev, "（实施细则·{clause}：{words}）");
    }
    Verdict::Broken(ev)
}

/// "E1 → E2 → E1": from the earlier send at `j` to the return at `i`, long paths elided.
fn bounce(steps: &[Step<'_>], j: usize, i: usize) -> String {
    let mut ids: Vec<&str> = vec![steps[j].from];
    if i - j <= 4 {
        ids.extend(steps[j..=i].iter().map(|s| s.to));
    } else {
        ids.extend([
            steps[j].to,
            steps[j + 1].to,
            "…",
            steps[i - 1].to,
            steps[i].to,
        ]);
    }
    ids.join(" → ")
}

/// "工程部、秩序部", with the center when the departments are in different centers.
fn departments_text(depts: &[DeptKey<'_>]) -> String {
    let one_center = depts.windows(2).all(|w| w[0].0 == w[1].0);
    depts
        .iter()
        .map(|(center, dept)| match center {
            Some(c) if !one_center => format!("{c}{dept}"),
            _ => dept.to_string(),
        })
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Two service centers. 锦绣 has the full line of the regulation; 翠园 has a manager and
    // an engineering head.
    const JX: &str = "锦绣服务中心";
    const CY: &str = "翠园服务中心";
    const MGR: &str = "E0001"; // 锦绣 管理部经理
    const CRS: &str = "E0002"; // 锦绣 客户关系主管
    const ENG: &str = "E0003"; // 锦绣 工程部主管
    const SEC: &str = "E0004"; // 锦绣 秩序部主管
    const ENV: &str = "E0005"; // 锦绣 环境部主管
    const CLERK: &str = "E0006"; // 锦绣 管理人员 (客服部)
    const GUARD_LEAD: &str = "E0007"; // 锦绣 保安队长 (秩序部)
    const GUARD: &str = "E0008"; // 锦绣 保安员, reports to E0007
    const FIXER: &str = "E0009"; // 锦绣 维修员 (工程部), reports to E0003
    const CY_MGR: &str = "E0101"; // 翠园 管理部经理
    const CY_ENG: &str = "E0102"; // 翠园 工程部主管
    const GHOST: &str = "E0123"; // not in the roster
    const SVC: &str = "E0010"; // 锦绣 客服部主管

    fn emp(id: &str, role: &str, dept: &str, center: &str, sup: &str) -> Employee {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Employee {
            employee_id: id.to_string(),
            role: some(role),
            department: some(dept),
            center: some(center),
            supervisor_id: some(sup),
        }
    }

    fn roster() -> Roster {
        Roster {
            employees: vec![
                emp(MGR, "center_manager", "管理部", JX, ""),
                emp(CRS, "cr_supervisor", "客服部", JX, MGR),
                emp(ENG, "dept_supervisor", "工程部", JX, MGR),
                emp(SEC, "dept_supervisor", "秩序部", JX, MGR),
                emp(ENV, "dept_supervisor", "环境部", JX, MGR),
                emp(CLERK, "staff", "客服部", JX, CRS),
                emp(GUARD_LEAD, "保安队长", "秩序部", JX, SEC),
                emp(GUARD, "保安员", "秩序部", JX, GUARD_LEAD),
                emp(FIXER, "operator", "工程部", JX, ENG),
                emp(SVC, "dept_supervisor", "客服部", JX, MGR),
                emp(CY_MGR, "center_manager", "管理部", CY, ""),
                emp(CY_ENG, "dept_supervisor", "工程部", CY, CY_MGR),
            ],
        }
    }

    fn case<'a>(id: &'a str, first: &'a str, slip: bool) -> CaseInfo<'a> {
        CaseInfo {
            case_id: id,
            center: JX,
            first_responder_id: first,
            coordination_slip: slip,
        }
    }

    /// Handoffs of one case along a path of employees: path[0] → path[1] → …
    fn chain<'a>(case_id: &'a str, path: &[&'a str]) -> Vec<Handoff<'a>> {
        path.windows(2)
            .enumerate()
            .map(|(i, w)| Handoff {
                case_id,
                seq: i as i64 + 1,
                at: 1_000 * (i as i64 + 1),
                from_id: w[0],
                to_id: w[1],
                to_department: None,
                method: Some("电话"),
                row: i as u32,
            })
            .collect()
    }

    fn hand<'a>(case_id: &'a str, seq: i64, from: &'a str, to: &'a str) -> Handoff<'a> {
        Handoff {
            case_id,
            seq,
            at: seq.saturating_mul(1_000),
            from_id: from,
            to_id: to,
            to_department: None,
            method: None,
            row: 0,
        }
    }

    /// Runs the default rule on one case.
    fn judge(first: &str, slip: bool, handoffs: &[Handoff]) -> Outcome {
        check(
            &EscalationParams::default(),
            &roster(),
            &[case("C01", first, slip)],
            handoffs,
        )
    }

    fn verdicts(out: &Outcome) -> Vec<(i64, &'static str, String)> {
        out.violations
            .iter()
            .map(|v| (v.seq, v.check, v.charged_to.clone()))
            .collect()
    }

    fn clean(out: &Outcome) {
        assert_eq!(out.violations, vec![], "{out:#?}");
        assert_eq!(out.not_judged, vec![], "{out:#?}");
        assert_eq!(out.notes, vec![], "{out:#?}");
        assert_eq!(out.judged_cases, 1);
    }

    #[test]
    fn clerk_to_cr_supervisor_to_department_head_is_the_regulation_path() {
        // 管理人员 cannot tell the department → 客户关系主管 → 批转工程部.
        clean(&judge(CLERK, false, &chain("C01", &[CLERK, CRS, ENG])));
    }

    #[test]
    fn cr_supervisor_sending_to_two_departments_with_a_slip_is_clean() {
        // 多部门责任: the 客户关系主管 fills in the 协调单 and dispatches to 工程部 and 秩序部;
        // as coordinator she still holds the case for the second dispatch.
        let hs = [
            hand("C01", 1, CLERK, CRS),
            hand("C01", 2, CRS, ENG),
            hand("C01", 3, CRS, SEC),
        ];
        clean(&judge(CLERK, true, &hs));
    }

    #[test]
    fn two_departments_without_a_slip_are_charged_to_who_reached_the_second() {
        let hs = [
            hand("C01", 1, CLERK, CRS),
            hand("C01", 2, CRS, ENG),
            hand("C01", 3, CRS, SEC),
        ];
        let out = judge(CLERK, false, &hs);
        assert_eq!(
            verdicts(&out),
            vec![(3, CHECK_COORDINATION_SLIP, CRS.to_string())]
        );
        assert_eq!(
            out.violations[0].evidence,
            "第3次转交 E0002(客户关系主管, 客服部) → E0004(部门主管, 秩序部)：\
             案件已转至工程部、秩序部两个部门，未填报“客户接待事项协调单”\
             （如属多部门责任，则填报“客户接待事项协调单”，指定主办部门）"
        );
    }

    #[test]
    fn guard_to_his_guard_lead_is_the_regulation_path() {
        // 操作人员 → 直接上司, who as 班组长 passes it to the 秩序部主管.
        clean(&judge(
            GUARD,
            false,
            &chain("C01", &[GUARD, GUARD_LEAD, SEC]),
        ));
    }

    #[test]
    fn guard_skipping_his_lead_to_a_department_head_is_a_path_violation() {
        let out = judge(GUARD, false, &chain("C01", &[GUARD, ENG]));
        assert_eq!(verdicts(&out), vec![(1, CHECK_PATH, GUARD.to_string())]);
        assert_eq!(
            out.violations[0].evidence,
            "第1次转交 E0008(操作人员, 秩序部) → E0003(部门主管, 工程部)：\
             操作人员只能转移至直接上司 E0007，不得转移至部门主管\
             （实施细则·操作人员：如不属自身职责范围，转移至直接上司，由直接上司负责处理）"
        );
        assert_eq!(out.judged_cases, 1);
    }

    #[test]
    fn cr_supervisor_dispatching_after_her_own_department_received_is_not_a_retransfer() {
        // 管理人员 → 客服部主管 (who cannot handle it) → 客户关系主管 for coordination →
        // 工程部: the 客户关系主管 belongs to 客服部, which had received the case, but her
        // dispatch is 批转相应部门, not 客服部 passing the case on.
        let out = judge(CLERK, true, &chain("C01", &[CLERK, SVC, CRS, ENG]));
        assert!(
            !verdicts(&out)
                .iter()
                .any(|(_, c, _)| *c == CHECK_NO_RETRANSFER),
            "{:?}",
            verdicts(&out)
        );
    }

    #[test]
    fn receiving_department_passing_the_case_on_is_a_retransfer() {
        // 管理人员 → 工程部 (wrong department), 工程部主管 → 秩序部主管: 不得再次转移.
        let out = judge(CLERK, true, &chain("C01", &[CLERK, ENG, SEC]));
        assert_eq!(
            verdicts(&out),
            vec![(2, CHECK_NO_RETRANSFER, ENG.to_string())]
        );
        assert_eq!(
            out.violations[0].evidence,
            "第2次转交 E0003(部门主管, 工程部) → E0004(部门主管, 秩序部)：\
             责任部门工程部已接受转移，又转移至秩序部（不得再次转移至其它部门，\
             应填报“客户接待事项协调单”，报客户服务主管协调处理）"
        );
    }

    #[test]
    fn retransfer_without_a_slip_also_lacks_the_slip() {
        let out = judge(CLERK, false, &chain("C01", &[CLERK, ENG, SEC]));
        assert_eq!(
            verdicts(&out),
            vec![
                (2, CHECK_COORDINATION_SLIP, ENG.to_string()),
                (2, CHECK_NO_RETRANSFER, ENG.to_string()),
            ]
        );
    }

    #[test]
    fn receiving_department_reporting_back_to_the_cr_supervisor_is_coordination() {
        // 客户关系主管 → 工程部 (wrong), 工程部主管 报客户服务主管协调处理 (not a return),
        // who 批转 the 秩序部 with a 协调单.
        let out = judge(CLERK, true, &chain("C01", &[CLERK, CRS, ENG, CRS]));
        clean(&out);
        let wrong_first = judge(CLERK, true, &chain("C01", &[CLERK, ENG, CRS, SEC]));
        clean(&wrong_first);
    }

    #[test]
    fn internal_dispatch_then_transfer_out_by_the_department_is_a_retransfer() {
        // 工程部 received it, its 维修员 got it internally and passed it to the 秩序部主管.
        let out = judge(CLERK, true, &chain("C01", &[CLERK, ENG, FIXER, SEC]));
        assert_eq!(
            verdicts(&out),
            vec![
                (3, CHECK_NO_RETRANSFER, FIXER.to_string()),
                (3, CHECK_PATH, FIXER.to_string()),
            ]
        );
        let params = EscalationParams {
            max_handoffs: Some(2),
            ..EscalationParams::default()
        };
        let cases = [case("C01", CLERK, true)];
        let internal_only = check(
            &params,
            &roster(),
            &cases,
            &chain("C01", &[CLERK, ENG, FIXER]),
        );
        assert_eq!(internal_only.violations, vec![]);
    }

    #[test]
    fn department_head_sending_back_to_the_first_responder_is_ping_pong() {
        // 管理人员 → 工程部主管 → back to the 管理人员 (A→B→A).
        let out = judge(CLERK, false, &chain("C01", &[CLERK, ENG, CLERK]));
        assert_eq!(
            verdicts(&out),
            vec![
                (2, CHECK_NO_RETRANSFER, ENG.to_string()),
                (2, CHECK_PATH, ENG.to_string()),
                (2, CHECK_PING_PONG, ENG.to_string()),
            ]
        );
        let ping = &out.violations[2].evidence;
        assert!(
            ping.ends_with("案件退回曾转出此案的 E0006（E0006 → E0003 → E0006，相互推委）"),
            "{ping}"
        );
    }

    #[test]
    fn cr_supervisor_ruling_the_case_back_to_its_department_is_not_ping_pong() {
        // 管理人员 → 工程部主管 → 客户关系主管 (报客户服务主管协调处理) → 工程部主管: she
        // judged it belongs to 工程部 and 批转 it there (物业细则·客户关系主管).
        let out = judge(CLERK, true, &chain("C01", &[CLERK, ENG, CRS, ENG]));
        clean(&out);
        // The 管理部经理 ruling likewise (ping_pong alone: 工程部 → 经理 is judged by
        // no_retransfer, not here).
        let params = EscalationParams {
            allowed: vec![],
            no_retransfer: false,
            ..EscalationParams::default()
        };
        let cases = [case("C01", CLERK, true)];
        let out = check(
            &params,
            &roster(),
            &cases,
            &chain("C01", &[CLERK, ENG, MGR, ENG]),
        );
        assert_eq!(verdicts(&out), vec![]);
        // Between ordinary holders A→B→A stays 踢皮球 (see also the test above).
        let out = check(
            &params,
            &roster(),
            &cases,
            &chain("C01", &[CLERK, ENG, CLERK]),
        );
        assert!(
            verdicts(&out).contains(&(2, CHECK_PING_PONG, ENG.to_string())),
            "{:?}",
            verdicts(&out)
        );
    }

    /// A department may hand a case back to the 客户关系主管 once (coordination); when
    /// she rules it theirs again and they hand it back again, that is 踢皮球.
    #[test]
    fn a_department_handing_the_case_back_twice_is_ping_pong() {
        let out = judge(
            CLERK,
            true,
            &chain("C01", &[CLERK, CRS, ENG, CRS, ENG, CRS]),
        );
        let v = verdicts(&out);
        assert!(v.contains(&(5, CHECK_PING_PONG, ENG.to_string())), "{v:?}");
        assert!(
            !v.iter().any(|x| x.0 == 3 && x.1 == CHECK_PING_PONG),
            "the first return is coordination: {v:?}"
        );
        let ping = out
            .violations
            .iter()
            .find(|x| x.evidence.contains("已退回过一次"))
            .unwrap();
        assert!(
            ping.evidence.contains("经批转后再次退回 E0002"),
            "{}",
            ping.evidence
        );
        // The department took it from the clerk and returned it to a 客户关系主管 who had
        // not sent it (the first return), then again after her ruling.
        let out = judge(CLERK, true, &chain("C01", &[CLERK, ENG, CRS, ENG, CRS]));
        assert!(
            verdicts(&out).contains(&(4, CHECK_PING_PONG, ENG.to_string())),
            "{:?}",
            verdicts(&out)
        );
        // Another department returning it once is still coordination.
        let out = judge(
            CLERK,
            true,
            &chain("C01", &[CLERK, CRS, ENG, CRS, SEC, CRS]),
        );
        assert!(
            !verdicts(&out).iter().any(|x| x.1 == CHECK_PING_PONG),
            "{:?}",
            verdicts(&out)
        );
    }

    #[test]
    fn longer_loop_back_is_ping_pong_too() {
        // A→B→C→A between department heads acting as 管理人员 (ping_pong only).
        let params = EscalationParams {
            allowed: vec![],
            no_retransfer: false,
            ..EscalationParams::default()
        };
        let cases = [case("C01", ENG, true)];
        let out = check(
            &params,
            &roster(),
            &cases,
            &chain("C01", &[ENG, SEC, ENV, ENG]),
        );
        assert_eq!(verdicts(&out), vec![(3, CHECK_PING_PONG, ENV.to_string())]);
        assert!(out.violations[0]
            .evidence
            .contains("E0003 → E0004 → E0005 → E0003"));
    }

    /// The default rule with only its handoff limit checked.
    fn limit_only() -> EscalationParams {
        EscalationParams {
            allowed: vec![],
            no_retransfer: false,
            ping_pong: false,
            slip_required_for_multi_department: false,
            ..EscalationParams::default()
        }
    }

    #[test]
    fn four_handoffs_break_a_limit_of_three_once() {
        let params = limit_only();
        let cases = [case("C01", CLERK, false)];
        let hs = chain("C01", &[CLERK, CRS, ENG, SEC, ENV]);
        let out = check(&params, &roster(), &cases, &hs);
        assert_eq!(
            verdicts(&out),
            vec![(4, CHECK_MAX_HANDOFFS, SEC.to_string())]
        );
        assert_eq!(
            out.violations[0].evidence,
            "第4次转交 E0004(部门主管, 秩序部) → E0005(部门主管, 环境部)：本案共转交4次，超过上限3次"
        );
        let three = check(&params, &roster(), &cases, &hs[..3]);
        assert_eq!(three.violations, vec![]);
    }

    #[test]
    fn the_prescribed_route_across_centers_from_an_operator_is_within_the_limit() {
        // 保安员 → 保安队长 (直接上司) → 客户关系主管 → 管理部经理 → 翠园管理部经理 → 翠园工程部:
        // five handoffs, every one the regulation's; the operator's step up and the
        // managers' coordination are the route itself, not 推委.
        let out = judge(
            GUARD,
            false,
            &chain("C01", &[GUARD, GUARD_LEAD, CRS, MGR, CY_MGR, CY_ENG]),
        );
        clean(&out);
        // Beyond them, the limit holds: 保安员 → 保安队长 → 客户关系主管 → 工程部 → 客户关系主管
        // → 秩序部 is four counted handoffs.
        let params = limit_only();
        let cases = [case("C02", GUARD, false)];
        let hs = chain("C02", &[GUARD, GUARD_LEAD, CRS, ENG, CRS, SEC]);
        let out = check(&params, &roster(), &cases, &hs);
        assert_eq!(
            verdicts(&out),
            vec![(5, CHECK_MAX_HANDOFFS, CRS.to_string())]
        );
        assert!(
            out.violations[0]
                .evidence
                .ends_with("本案共转交5次，除去操作人员报直接上司、管理部经理之间协调的1次，计4次，超过上限3次"),
            "{}",
            out.violations[0].evidence
        );
    }

    #[test]
    fn staff_splitting_a_case_between_departments_breaks_the_path() {
        // 管理人员 hands the case to 工程部 and, while 工程部 holds it, to 秩序部 herself: a
        // matter of several departments goes to the 客户关系主管. One path violation at the
        // second handoff; the coordination slip is the 客户关系主管's, not charged again.
        let hs = [hand("C01", 1, CLERK, ENG), hand("C01", 2, CLERK, SEC)];
        let out = judge(CLERK, false, &hs);
        assert_eq!(verdicts(&out), vec![(2, CHECK_PATH, CLERK.to_string())]);
        assert!(
            out.violations[0]
                .evidence
                .contains("已将此案转至工程部，又自行转至秩序部：多部门责任应转移至客户关系主管"),
            "{}",
            out.violations[0].evidence
        );
        // The 客户关系主管 dispatching to both, with the slip, is her job.
        let hs = [
            hand("C01", 1, CLERK, CRS),
            hand("C01", 2, CRS, ENG),
            hand("C01", 3, CRS, SEC),
        ];
        clean(&judge(CLERK, true, &hs));
        // Handed back by 工程部, the case is hers again: sending it on to 秩序部 is no split
        // (the return is 工程部's to answer for).
        let hs = chain("C01", &[CLERK, ENG, CLERK, SEC]);
        let out = judge(CLERK, true, &hs);
        assert!(
            !out.violations
                .iter()
                .any(|v| v.check == CHECK_PATH && v.charged_to == CLERK),
            "{out:?}"
        );
    }

    #[test]
    fn cross_center_to_another_department_head_is_a_violation() {
        // 客户关系主管 sends 锦绣's case straight to 翠园's 工程部主管.
        let out = judge(CLERK, false, &chain("C01", &[CLERK, CRS, CY_ENG]));
        assert_eq!(
            verdicts(&out),
            vec![(2, CHECK_CROSS_CENTER, CRS.to_string())]
        );
        assert!(out.violations[0]
            .evidence
            .contains("从锦绣服务中心转至翠园服务中心，未经本管理部经理"));
    }

    #[test]
    fn a_step_to_ones_own_supervisor_in_another_center_is_not_cross_center() {
        // 翠园's 工程部主管 also leads 锦绣's 维修员 (the roster's supervisor_id): the
        // 维修员 hands the case to him, as 操作人员：转移至直接上司 prescribes. Another
        // 锦绣 employee handing straight to him still crosses centers.
        let mut r = roster();
        for e in &mut r.employees {
            if e.employee_id == FIXER {
                e.supervisor_id = Some(CY_ENG.to_string());
            }
        }
        let cases = [case("C01", FIXER, false), case("C02", CRS, false)];
        let mut hs = chain("C01", &[FIXER, CY_ENG]);
        hs.extend(chain("C02", &[CRS, CY_ENG]));
        let out = check(&EscalationParams::default(), &r, &cases, &hs);
        let got: Vec<_> = out
            .violations
            .iter()
            .map(|v| (v.case_id.as_str(), v.check, v.charged_to.as_str()))
            .collect();
        assert_eq!(got, vec![("C02", CHECK_CROSS_CENTER, CRS)], "{out:?}");
    }

    #[test]
    fn cross_center_through_own_center_manager_is_clean() {
        // 报管理部经理，由管理部经理协调处理: 锦绣 manager → 翠园 manager → 翠园 工程部.
        // Four handoffs, the managers' one not counted toward the limit of three (it
        // was charged as ESC-MAX before: the route itself cannot break the limit).
        let out = judge(
            CLERK,
            false,
            &chain("C01", &[CLERK, CRS, MGR, CY_MGR, CY_ENG]),
        );
        clean(&out);
        // With a limit of two, the third counted handoff (the fourth) breaks it.
        let params = EscalationParams {
            max_handoffs: Some(2),
            ..EscalationParams::default()
        };
        let cases = [case("C01", CLERK, false)];
        let hs = chain("C01", &[CLERK, CRS, MGR, CY_MGR, CY_ENG]);
        assert_eq!(
            verdicts(&check(&params, &roster(), &cases, &hs)),
            vec![(4, CHECK_MAX_HANDOFFS, CY_MGR.to_string())]
        );
    }

    #[test]
    fn manager_of_two_centers_reached_through_the_supervisor_chain_is_own_manager() {
        let mut r = roster();
        // 翠园's 工程部主管 reports to 锦绣's manager (one manager for both centers).
        r.employees[10].supervisor_id = Some(MGR.to_string());
        let params = EscalationParams {
            allowed: vec![],
            ..EscalationParams::default()
        };
        let cases = [case("C01", CY_ENG, false)];
        let out = check(&params, &r, &cases, &chain("C01", &[CY_ENG, MGR]));
        assert_eq!(out.violations, vec![]);
    }

    #[test]
    fn unknown_employee_is_not_judged_not_passed() {
        let out = judge(CLERK, false, &chain("C01", &[CLERK, GHOST]));
        assert_eq!(out.violations, vec![]);
        assert_eq!(
            out.not_judged,
            vec![("C01".to_string(), "E0123 is not in the roster".to_string())]
        );
        assert_eq!(out.judged_cases, 0);
    }

    #[test]
    fn unknown_role_is_not_judged_but_the_handoff_limit_still_counts() {
        let mut r = roster();
        r.employees[5].role = Some("前台".to_string());
        r.employees[4].role = None;
        let cases = [case("C01", CLERK, false)];
        let hs = chain("C01", &[CLERK, ENV, CRS, SEC, ENG]);
        let out = check(&EscalationParams::default(), &r, &cases, &hs);
        assert_eq!(
            verdicts(&out),
            vec![(4, CHECK_MAX_HANDOFFS, SEC.to_string())]
        );
        assert_eq!(
            out.not_judged,
            vec![(
                "C01".to_string(),
                "E0006 has an unknown role \"前台\" in the roster; E0005 has no role in the roster"
                    .to_string()
            )]
        );
    }

    #[test]
    fn sender_not_holding_the_case_is_a_note_only() {
        // The 保安员 is recorded as first responder but the 管理人员 hands the case on.
        let out = judge(GUARD, false, &chain("C01", &[CLERK, CRS, ENG]));
        assert_eq!(out.violations, vec![]);
        assert_eq!(out.not_judged, vec![]);
        assert_eq!(
            out.notes,
            vec![(
                "C01".to_string(),
                "handoff 1 (seq 1): sender E0006 is not the first responder E0008".to_string()
            )]
        );
        let gap = judge(
            CLERK,
            false,
            &[hand("C01", 1, CLERK, CRS), hand("C01", 2, ENG, SEC)],
        );
        assert_eq!(gap.violations, vec![]);
        assert_eq!(
            gap.notes[0].1,
            "handoff 2 (seq 2): sender E0003 does not hold the case (it was last handed to E0002)"
        );
    }

    #[test]
    fn self_handoff_is_a_path_violation() {
        let out = judge(CRS, false, &[hand("C01", 1, CRS, CRS)]);
        assert_eq!(verdicts(&out), vec![(1, CHECK_PATH, CRS.to_string())]);
        assert!(out.violations[0]
            .evidence
            .ends_with("转交给本人，不是有效的责任转移"));
    }

    #[test]
    fn one_handoff_breaking_two_checks_reports_both() {
        // 保安员 → 翠园 工程部主管: wrong path and another center.
        let out = judge(GUARD, false, &chain("C01", &[GUARD, CY_ENG]));
        assert_eq!(
            verdicts(&out),
            vec![
                (1, CHECK_CROSS_CENTER, GUARD.to_string()),
                (1, CHECK_PATH, GUARD.to_string()),
            ]
        );
    }

    #[test]
    fn handoffs_in_any_order_give_the_same_outcome() {
        let mut hs = chain("C01", &[CLERK, ENG, SEC, CLERK, ENV]);
        hs.extend(chain("C02", &[GUARD, ENG]));
        let cases = [case("C01", CLERK, false), case("C02", GUARD, false)];
        let expected = check(&EscalationParams::default(), &roster(), &cases, &hs);
        assert!(!expected.violations.is_empty());
        hs.reverse();
        assert_eq!(
            check(&EscalationParams::default(), &roster(), &cases, &hs),
            expected
        );
        hs.rotate_left(3);
        assert_eq!(
            check(&EscalationParams::default(), &roster(), &cases, &hs),
            expected
        );
    }

    #[test]
    fn cases_without_handoffs_count_as_judged_orphan_handoffs_are_noted() {
        let cases = [case("C01", CLERK, false), case("C02", CLERK, false)];
        let mut hs = chain("C09", &[CLERK, CRS]);
        hs.extend(chain("C02", &[CLERK, CRS]));
        let out = check(&EscalationParams::default(), &roster(), &cases, &hs);
        assert_eq!(out.judged_cases, 2);
        assert_eq!(
            out.notes,
            vec![(
                "C09".to_string(),
                "1 handoff(s) refer to a case that is not in cases; not judged".to_string()
            )]
        );
    }

    #[test]
    fn without_a_roster_every_case_with_handoffs_is_not_judged() {
        let cases = [case("C01", CLERK, false), case("C02", CLERK, false)];
        let out = check(
            &EscalationParams::default(),
            &Roster::default(),
            &cases,
            &chain("C01", &[CLERK, CRS]),
        );
        assert_eq!(out.judged_cases, 1);
        assert_eq!(out.not_judged.len(), 1);
        assert_eq!(
            out.not_judged[0].1,
            "E0006 is not in the roster; E0002 is not in the roster"
        );
    }

    #[test]
    fn missing_supervisor_or_center_means_not_judged_not_a_violation() {
        let mut r = roster();
        r.employees[7].supervisor_id = None; // the 保安员
        let cases = [case("C01", GUARD, false)];
        let out = check(
            &EscalationParams::default(),
            &r,
            &cases,
            &chain("C01", &[GUARD, SEC]),
        );
        assert_eq!(out.violations, vec![]);
        assert_eq!(out.not_judged[0].1, "E0008 has no supervisor in the roster");

        let mut r = roster();
        r.employees[2].center = None; // 工程部主管
        let out = check(
            &EscalationParams::default(),
            &r,
            &[case("C01", CLERK, false)],
            &chain("C01", &[CLERK, ENG]),
        );
        assert_eq!(out.not_judged[0].1, "E0003 has no center in the roster");
    }

    #[test]
    fn data_notes_for_duplicate_seq_disorder_and_department_mismatch() {
        let mut hs = vec![hand("C01", 1, CLERK, CRS), hand("C01", 1, CRS, ENG)];
        hs[1].at = 5_000;
        hs.push(hand("C01", 2, ENG, FIXER));
        hs[2].at = 100;
        hs[2].to_department = Some("秩序部");
        let out = judge(CLERK, false, &hs);
        assert_eq!(
            out.notes.iter().map(|n| n.1.as_str()).collect::<Vec<_>>(),
            vec![
                "seq 1 appears 2 times; those handoffs are taken in time order",
                "handoff 3 (seq 2) is dated before handoff 2 (seq 1); handoffs are taken in seq order",
                "handoff 3 (seq 2): to_department is 秩序部 but the roster puts E0009 in 工程部",
            ]
        );
        assert_eq!(out.violations, vec![]);
    }

    #[test]
    fn evidence_shows_the_position_and_the_recorded_seq_when_they_differ() {
        let hs = [hand("C01", 10, GUARD, ENG)];
        let out = judge(GUARD, false, &hs);
        assert!(out.violations[0]
            .evidence
            .starts_with("第1次转交（序号10） E0008"));
    }

    #[test]
    fn each_check_can_be_switched_off() {
        let hs = chain("C01", &[GUARD, CY_ENG, ENG, GUARD, SEC, ENV]);
        let cases = [case("C01", GUARD, false)];
        let all = check(&EscalationParams::default(), &roster(), &cases, &hs);
        let checks: HashSet<&str> = all.violations.iter().map(|v| v.check).collect();
        assert_eq!(checks.len(), 6, "{:#?}", all.violations);
        let off = EscalationParams {
            allowed: vec![],
            max_handoffs: None,
            no_retransfer: false,
            ping_pong: false,
            slip_required_for_multi_department: false,
            cross_center_via_manager: false,
        };
        let none = check(&off, &Roster::default(), &cases, &hs);
        assert_eq!(none.violations, vec![]);
        assert_eq!(none.not_judged, vec![]);
        assert_eq!(none.judged_cases, 1);
    }

    #[test]
    fn custom_table_and_chinese_role_names() {
        // A company that lets 保安员 call the 部门主管 directly.
        let mut params = EscalationParams::default();
        params.allowed[0] = (
            "保安员".to_string(),
            vec!["直接上司".to_string(), "部门主管".to_string()],
        );
        assert_eq!(validate_roles(&params), Ok(()));
        let cases = [case("C01", GUARD, false)];
        let out = check(&params, &roster(), &cases, &chain("C01", &[GUARD, SEC]));
        assert_eq!(out.violations, vec![]);
        let out = check(&params, &roster(), &cases, &chain("C01", &[GUARD, CRS]));
        // Not the regulation's row any more: no quote.
        assert_eq!(
            out.violations[0].evidence,
            "第1次转交 E0008(操作人员, 秩序部) → E0002(客户关系主管, 客服部)：\
             操作人员只能转移至直接上司 E0007或部门主管，不得转移至客户关系主管"
        );
        // A role left out of the table may not hand off.
        params.allowed.remove(0);
        let out = check(
            &params,
            &roster(),
            &cases,
            &chain("C01", &[GUARD, GUARD_LEAD]),
        );
        assert!(out.violations[0]
            .evidence
            .ends_with("操作人员不在本规则的转移路径表中，无权转交"));
    }

    #[test]
    fn validate_roles_lists_every_unknown_name_and_the_valid_ones() {
        assert_eq!(validate_roles(&EscalationParams::default()), Ok(()));
        let params = EscalationParams {
            allowed: vec![
                ("operater".to_string(), vec!["supervisor".to_string()]),
                (
                    "staff".to_string(),
                    vec!["cr_supervisr".to_string(), "boss".to_string()],
                ),
                ("管理人员".to_string(), vec![]),
            ],
            ..EscalationParams::default()
        };
        let err = validate_roles(&params).unwrap_err();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 4, "{err}");
        assert!(lines[0].starts_with(
            "unknown sender role \"operater\" in `allowed` (did you mean \"operator\"?); \
             valid roles: operator, team_lead, staff, cr_supervisor, dept_supervisor, center_manager"
        ));
        assert!(
            lines[1].contains("\"cr_supervisr\"")
                && lines[1].contains("did you mean \"cr_supervisor\"?")
        );
        assert!(lines[1].contains("supervisor (the sender's direct supervisor)"));
        assert!(lines[2].contains("\"boss\"") && !lines[2].contains("did you mean"));
        assert!(lines[3].contains("listed twice"));
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let mut r = roster();
        // Supervisor cycle and a duplicate id.
        r.employees.push(emp("X1", "operator", "秩序部", JX, "X2"));
        r.employees.push(emp("X2", "team_lead", "秩序部", JX, "X1"));
        r.employees.push(emp("X1", "staff", "", "", ""));
        r.employees.push(emp("", "", "", "", ""));
        let cases = [
            case("C01", "", false),
            case("C01", "X1", false),
            case("", "", true),
            case("C03", "X1", false),
        ];
        let mut hs = vec![
            hand("C01", i64::MIN, "", ""),
            hand("C01", i64::MAX, "X1", "X1"),
            hand("C01", 0, "X1", CY_MGR),
            hand("", 1, "X1", "X2"),
            hand("C03", 1, "X1", "X2"),
            hand("C03", 1, "X2", "X1"),
            hand("C03", 1, "X1", CY_ENG),
        ];
        for max in [None, Some(0), Some(1), Some(usize::MAX)] {
            let params = EscalationParams {
                max_handoffs: max,
                ..EscalationParams::default()
            };
            let out = check(&params, &r, &cases, &hs);
            assert_eq!(out.judged_cases + out.not_judged.len(), 3);
        }
        // A long ping-pong loop in one case (linear per case).
        hs = (0..10_000)
            .map(|i| {
                hand(
                    "C03",
                    i,
                    if i % 2 == 0 { "X1" } else { "X2" },
                    if i % 2 == 0 { "X2" } else { "X1" },
                )
            })
            .collect();
        let out = check(&EscalationParams::default(), &r, &cases, &hs);
        assert!(out.violations.len() > 9_000);
        assert!(out.violations.iter().all(|v| v.evidence.len() < 400));
    }

    /// A small deterministic generator (no dependencies).
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n.max(1) as u64) as usize
        }
        /// Someone of `role` (any role when `None`) in a center.
        fn pick(&mut self, center: &[Vec<String>; 6], role: Option<Role>) -> String {
            let list = &center[role.map_or_else(|| self.below(6), Role::index)];
            list[self.below(list.len())].clone()
        }
    }

    /// 40 centers shaped like the sample generator's: a manager, a 客户关系主管, three
    /// department heads with a team lead and 12 operators each, five 管理人员.
    fn big_roster() -> (Roster, Vec<[Vec<String>; 6]>) {
        let mut employees = Vec::new();
        let mut centers = Vec::new();
        for c in 0..40 {
            let center = format!("中心{c:02}");
            let id = |k: usize| format!("E{:05}", c * 100 + k);
            let mut by_role: [Vec<String>; 6] = Default::default();
            let mut hire = |k: usize, role: Role, dept: &str, sup: &str| {
                employees.push(emp(&id(k), role.name(), dept, &center, sup));
                by_role[role.index()].push(id(k));
            };
            hire(0, Role::CenterManager, "管理部", "");
            hire(1, Role::CrSupervisor, "客服部", &id(0));
            for (k, dept) in ["工程部", "秩序部", "环境部"].iter().enumerate() {
                hire(2 + k, Role::DeptSupervisor, dept, &id(0));
                hire(5 + k, Role::TeamLead, dept, &id(2 + k));
                for o in 0..12 {
                    hire(10 + k * 12 + o, Role::Operator, dept, &id(5 + k));
                }
            }
            for s in 0..5 {
                hire(50 + s, Role::Staff, "客服部", &id(1));
            }
            centers.push(by_role);
        }
        (Roster { employees }, centers)
    }

    #[test]
    fn hundred_thousand_cases_are_all_judged_and_every_check_fires() {
        let (roster, centers) = big_roster();
        let supervisor: HashMap<&str, &str> = roster
            .employees
            .iter()
            .filter_map(|e| Some((e.employee_id.as_str(), e.supervisor_id.as_deref()?)))
            .collect();
        let role_of: HashMap<&str, Role> = roster
            .employees
            .iter()
            .filter_map(|e| Some((e.employee_id.as_str(), Role::parse(e.role.as_deref()?)?)))
            .collect();
        let mut rng = Lcg(42);
        let mut cases = Vec::with_capacity(100_000);
        let mut hs = Vec::with_capacity(300_000);
        for n in 0..100_000 {
            let case_id = format!("C{n:06}");
            let c = rng.below(centers.len());
            let staff = &centers[c];
            let first = rng.pick(staff, None);
            let mut from = first.clone();
            for seq in 1..=rng.below(4) as i64 {
                // Mostly the regulation's path; now and then a shortcut, another center,
                // a return, or someone missing from the roster.
                let role = role_of.get(from.as_str()).copied();
                let to = match (rng.below(100), role) {
                    (0, _) => "E99999".to_string(),
                    (1..=4, _) => {
                        let other = rng.below(centers.len());
                        rng.pick(&centers[other], None)
                    }
                    (5..=14, _) => rng.pick(staff, None),
                    (_, Some(Role::Operator)) => supervisor[from.as_str()].to_string(),
                    (_, Some(Role::TeamLead | Role::Staff | Role::CrSupervisor)) => {
                        rng.pick(staff, Some(Role::DeptSupervisor))
                    }
                    _ => rng.pick(staff, Some(Role::CrSupervisor)),
                };
                hs.push((case_id.clone(), seq, from.clone(), to.clone()));
                from = to;
            }
            let slip = rng.below(2) == 0;
            cases.push((case_id, format!("中心{c:02}"), first, slip));
        }
        // Handoffs arrive in any order: shuffle them (the worst case for memory access).
        for i in (1..hs.len()).rev() {
            let j = rng.below(i + 1);
            hs.swap(i, j);
        }
        let hs: Vec<Handoff> = hs
            .iter()
            .map(|(case_id, seq, from, to)| Handoff {
                case_id,
                seq: *seq,
                at: seq * 60_000,
                from_id: from,
                to_id: to,
                to_department: None,
                method: None,
                row: 0,
            })
            .collect();
        let cases: Vec<CaseInfo> = cases
            .iter()
            .map(|(case_id, center, first, slip)| CaseInfo {
                case_id,
                center,
                first_responder_id: first,
                coordination_slip: *slip,
            })
            .collect();
        let out = check(&EscalationParams::default(), &roster, &cases, &hs);
        // Judged in two halves side by side: the same outcome, in the same order, also
        // with handoffs of no case among them.
        assert_eq!(
            check_in_halves(&EscalationParams::default(), &roster, &cases, &hs),
            out
        );
        let mut with_orphans = hs.clone();
        with_orphans.insert(0, hand("X1", 1, "E1", "E2"));
        with_orphans.push(hand("X2", 1, "E2", "E1"));
        let one = check(&EscalationParams::default(), &roster, &cases, &with_orphans);
        assert_eq!(one.notes.len(), out.notes.len() + 2);
        assert_eq!(
            check_in_halves(&EscalationParams::default(), &roster, &cases, &with_orphans),
            one
        );
        // With each handoff's case given, split without an id map: the same outcome.
        let place: HashMap<&str, usize> = cases
            .iter()
            .enumerate()
            .map(|(i, c)| (c.case_id, i))
            .collect();
        let case_of: Vec<usize> = hs.iter().map(|h| place[h.case_id]).collect();
        let known = |ids_distinct| {
            check_in_halves_known(
                &EscalationParams::default(),
                &roster,
                &cases,
                &hs,
                &case_of,
                ids_distinct,
            )
        };
        assert_eq!(known(true), out);
        assert_eq!(known(false), out, "falls back to the id map");
        // `case_of` decides the split: every handoff sent to the first half leaves the
        // second half's cases without theirs.
        let wrong = vec![0; hs.len()];
        assert_ne!(
            check_in_halves_known(
                &EscalationParams::default(),
                &roster,
                &cases,
                &hs,
                &wrong,
                true,
            ),
            out
        );
        let mut per_check: Vec<(&str, usize)> = Vec::new();
        for v in &out.violations {
            match per_check.iter_mut().find(|(c, _)| *c == v.check) {
                Some((_, n)) => *n += 1,
                None => per_check.push((v.check, 1)),
            }
        }
        per_check.sort();
        println!(
            "escalation: {} cases, {} handoffs → {} violations {per_check:?}, {} judged, \
             {} not judged, {} notes",
            cases.len(),
            hs.len(),
            out.violations.len(),
            out.judged_cases,
            out.not_judged.len(),
            out.notes.len(),
        );
        assert_eq!(out.judged_cases + out.not_judged.len(), cases.len());
        // Up to 3 handoffs never exceed the default limit of 3; every other check fires.
        assert_eq!(per_check.len(), 5, "{per_check:?}");
    }
}
