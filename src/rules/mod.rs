//! Rules: parsed from TOML with positions, validated all at once, compiled to polars
//! expressions that run over the whole cases table.
//!
//! Each rule kind lives in its own file (its parameters, evaluation, evidence and the
//! documentation shown by `shouwen rules explain`); [`KINDS`] is the one list of kinds.

pub mod config;
pub mod deadline;
pub mod escalation;
pub mod escalation_check;
pub mod expression;
pub mod forbidden_phrase;
pub mod inspection;
pub mod phrase;
pub mod required;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use polars::prelude::{DataType, Expr};

use crate::calendar::{self, Calendar};
use crate::error::{line_col, Diagnostic, Error};
use crate::input::schema::{FileKind, CASES};
use crate::input::{Encoding, ReadOptions};
use config::{RawRule, RawRules, S};

/// How grave a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Minor,
    Major,
    Critical,
}

impl Severity {
    pub const NAMES: [&'static str; 3] = ["minor", "major", "critical"];
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "minor" => Some(Severity::Minor),
            "major" => Some(Severity::Major),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    pub fn label(self) -> &'static str {
        ["轻微", "一般", "严重"][self as usize]
    }
}

/// Who is charged with a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Responsible {
    /// The employee the resident reached first (首问责任人).
    FirstResponder,
    /// Whoever held the case (by the handoffs) when its deadline passed.
    Holder,
    /// Whoever held the case when it was resolved (or holds it now, if open).
    Resolver,
    /// The employee recorded as having made the follow-up call (回访人).
    FollowupBy,
    /// The sender of a handoff (escalation rules).
    HandoffSender,
    /// The staff member who said the words (forbidden phrases).
    Speaker,
    /// The employee inspected (spot checks).
    Inspected,
}

impl Responsible {
    pub const ALL: [(&'static str, Responsible); 7] = [
        ("first_responder", Responsible::FirstResponder),
        ("holder", Responsible::Holder),
        ("resolver", Responsible::Resolver),
        ("followup_by", Responsible::FollowupBy),
        ("handoff_sender", Responsible::HandoffSender),
        ("speaker", Responsible::Speaker),
        ("inspected", Responsible::Inspected),
    ];
    pub fn parse(s: &str) -> Option<Responsible> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, r)| *r)
    }
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, r)| *r == self)
            .map(|(n, _)| *n)
            .unwrap_or("")
    }
}

/// Who a case-level rule may charge: the case's parties, by the case and its handoffs.
pub const CASE_PARTIES: &[Responsible] = &[
    Responsible::FirstResponder,
    Responsible::Holder,
    Responsible::Resolver,
    Responsible::FollowupBy,
];

/// A rule kind: its name, documentation and parameters. One entry per kind file.
pub struct KindInfo {
    pub name: &'static str,
    /// What it checks (first line) and how (the rest), shown by `rules explain`.
    pub doc: &'static str,
    /// Kind-specific parameter keys and their meaning.
    pub params: &'static [(&'static str, &'static str)],
    /// Who a violation of this kind may be charged to; the first is the default.
    pub responsible: &'static [Responsible],
}

/// Every rule kind shouwen knows. Parsing, `rules explain` and the docs read this list.
pub static KINDS: &[&KindInfo] = &[
    &deadline::INFO,
    &forbidden_phrase::INFO,
    &escalation::INFO,
    &required::INFO,
    &expression::INFO,
    &inspection::INFO,
];

pub fn kind_info(name: &str) -> Option<&'static KindInfo> {
    KINDS.iter().copied().find(|k| k.name == name)
}

/// A validated, compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub severity: Severity,
    pub points: f64,
    pub responsible: Responsible,
    pub fatal: bool,
    /// The `when` filter as written, and compiled.
    pub when: Option<(String, Expr)>,
    pub basis: String,
    pub enabled: bool,
    pub description: Option<String>,
    pub check: Check,
    /// `file:line` of the rule's table in the rules file.
    pub defined_at: String,
}

#[derive(Debug, Clone)]
pub enum Check {
    Deadline(deadline::Deadline),
    Required(required::Required),
    Expression(expression::Expression),
    ForbiddenPhrase(forbidden_phrase::ForbiddenPhrase),
    Escalation(escalation::Escalation),
    Inspection(inspection::Inspection),
}

impl Rule {
    /// Case columns this rule reads (it cannot run when one is absent from the input).
    pub fn columns(&self) -> Vec<String> {
        let mut v: Vec<String> = match &self.check {
            Check::Deadline(d) => vec![d.from.clone(), d.to.clone()],
            Check::Required(r) => r.fields.clone(),
            Check::Expression(e) => e.columns.clone(),
            Check::ForbiddenPhrase(p) => p.fields.clone(),
            Check::Escalation(e) if e.reads_slip() => vec!["coordination_slip".to_string()],
            Check::Escalation(_) | Check::Inspection(_) => vec![],
        };
        if let Some((_, e)) = &self.when {
            v.extend(expr_columns(e));
        }
        v.sort();
        v.dedup();
        v
    }

    /// Whether its `when` or `require` reads the as-of time ([`AS_OF`]).
    pub fn reads_as_of(&self) -> bool {
        self.when.as_ref().is_some_and(|(_, e)| reads_as_of(e))
            || matches!(&self.check, Check::Expression(x) if reads_as_of(&x.expr))
    }

    /// The case columns this rule reads from the polars frame: those of its `when`, and
    /// for the columnar kinds their own. The phrase, escalation, inspection and required
    /// kinds read their columns from the input tables (a required field is only tested
    /// for a value: copying a long text such as 反映内容 into the frame for that cost
    /// more than the test).
    pub fn frame_columns(&self) -> Vec<String> {
        match &self.check {
            Check::ForbiddenPhrase(_)
            | Check::Escalation(_)
            | Check::Inspection(_)
            | Check::Required(_) => self
                .when
                .as_ref()
                .map(|(_, e)| expr_columns(e))
                .unwrap_or_default(),
            Check::Deadline(d) => {
                let mut v = self.columns();
                v.extend(d.to_if_missing.clone());
                v
            }
            _ => self.columns(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Meta {
    pub name: String,
    pub version: i64,
    pub description: Option<String>,
}

/// A rules file, validated.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub path: String,
    pub sha256: String,
    /// The rules file's text as read: copied into every report folder, so that a report
    /// moved or handed on can still be explained by the rules it was audited with.
    pub text: String,
    pub meta: Meta,
    pub calendar: Calendar,
    pub scoring: Scoring,
    /// Disciplinary steps, mildest first.
    pub discipline: Vec<Discipline>,
    pub read: ReadOptions,
    pub rules: Vec<Rule>,
}

/// `[scoring]`: how violations become a score, a grade and a pay coefficient.
#[derive(Debug, Clone)]
pub struct Scoring {
    pub base: f64,
    pub min_cases: usize,
    pub normalize_per: Option<f64>,
    pub caps: BTreeMap<String, f64>,
    /// Highest band first.
    pub bands: Vec<Band>,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            base: 100.0,
            min_cases: 0,
            normalize_per: None,
            caps: BTreeMap::new(),
            bands: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub min: f64,
    pub grade: String,
    pub coefficient: f64,
}

impl Scoring {
    /// The band a score falls in: the highest whose `min` it reaches, else the lowest.
    pub fn band(&self, score: f64) -> Option<&Band> {
        self.bands
            .iter()
            .find(|b| score >= b.min)
            .or_else(|| self.bands.last())
    }
}

/// `[[discipline]]`: so many violations (of these rules, of this severity or worse) in
/// the period lead to this action.
#[derive(Debug, Clone)]
pub struct Discipline {
    pub action: String,
    pub min_violations: usize,
    /// The ids or id prefixes as written (empty: every rule).
    pub rules: Vec<String>,
    /// The rule ids they name (an entry that is a whole id names that rule alone).
    pub ids: BTreeSet<String>,
    pub severity: Option<Severity>,
    /// `count = "cases"`: `min_violations` counts the cases (or inspections) with a
    /// counted violation, so one act that breaks several clauses (a handoff back that is
    /// a wrong path, a second transfer and 踢皮球 at once) is one breach, not three.
    pub by_case: bool,
}

impl Discipline {
    pub fn counts(&self, rule: &Rule) -> bool {
        (self.rules.is_empty() || self.ids.contains(&rule.id))
            && self.severity.is_none_or(|s| rule.severity >= s)
    }
}

/// Bounds of the numbers of a rules file: beyond them a number is a typo, and the
/// arithmetic of scores and pay would saturate or overflow (`base = 1e30` printed the
/// score 9223372036854775807, `points = 1e300` −9223372036854775808).
pub const POINTS_RANGE: (f64, f64) = (0.0, 1000.0);
pub const BASE_RANGE: (f64, f64) = (1.0, 10_000.0);
pub const NORMALIZE_PER_RANGE: (f64, f64) = (1.0, 100_000.0);
pub const POINTS_CAP_RANGE: (f64, f64) = (0.0, 10_000.0);
pub const BAND_MIN_RANGE: (f64, f64) = (-10_000.0, 10_000.0);
pub const COEFFICIENT_RANGE: (f64, f64) = (0.0, 10.0);
pub const MIN_CASES_RANGE: (i64, i64) = (0, 100_000);
pub const MIN_VIOLATIONS_RANGE: (i64, i64) = (1, 100_000);
pub const MAX_HANDOFFS_RANGE: (i64, i64) = (1, 100);

/// A number as written back to its author: `2`, `0.5`, `1e300`, `inf`.
fn number_text(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e9 {
        fmt_points(v)
    } else {
        format!("{v:e}")
    }
}

/// Reports `what` at its position unless it is a finite number within `range`.
pub(crate) fn number_in(
    d: &mut Diags<'_>,
    v: &S<f64>,
    what: &str,
    (lo, hi): (f64, f64),
    example: &str,
) -> bool {
    let x = *v.get_ref();
    let ok = x.is_finite() && (lo..=hi).contains(&x);
    if !ok {
        d.at(
            v.span(),
            format!(
                "{what} is {}; expected a number from {} to {}, e.g. {example}",
                number_text(x),
                number_text(lo),
                number_text(hi)
            ),
        );
    }
    ok
}

/// The whole number `v`, or a report at its position when it is outside `range`.
pub(crate) fn whole_in(
    d: &mut Diags<'_>,
    v: &S<i64>,
    what: &str,
    (lo, hi): (i64, i64),
    example: &str,
) -> Option<usize> {
    let x = *v.get_ref();
    if (lo..=hi).contains(&x) {
        usize::try_from(x).ok()
    } else {
        d.at(
            v.span(),
            format!("{what} is {x}; expected a whole number from {lo} to {hi}, e.g. {example}"),
        );
        None
    }
}

/// Schema version this build reads.
pub const SCHEMA_VERSION: i64 = 1;

/// Collects diagnostics against one source text.
pub(crate) struct Diags<'a> {
    file: &'a str,
    text: &'a str,
    list: Vec<Diagnostic>,
}

impl Diags<'_> {
    pub(crate) fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        let (line, column) = line_col(self.text, span.start);
        self.list.push(Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        });
    }
}

/// `rules/default.toml` as built into the binary, used when that path does not exist
/// (shouwen run from another folder).
pub const BUILT_IN_DEFAULT: &str = include_str!("../../rules/default.toml");
pub const DEFAULT_PATH: &str = "rules/default.toml";

/// Read and validate a rules file. Every problem is reported, each at its line and column.
/// `rules/default.toml` falls back to the built-in copy when the file is absent.
pub fn load(path: &std::path::Path) -> Result<RuleSet, Error> {
    if path == std::path::Path::new(DEFAULT_PATH) && !path.exists() {
        let name = "rules/default.toml (built in)";
        return parse(
            BUILT_IN_DEFAULT,
            name,
            &crate::input::csvfile::sha256_hex(BUILT_IN_DEFAULT.as_bytes()),
        )
        .map_err(Error::Rules);
    }
    let display = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::input(&display, format!("cannot read the rules file: {e}")))?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| {
        Error::Rules(vec![not_utf8(
            &bytes,
            e.utf8_error().valid_up_to(),
            &display,
        )])
    })?;
    parse(&text, &display, &crate::input::csvfile::sha256_hex(&bytes)).map_err(Error::Rules)
}

/// A rules file that is not UTF-8, at the line and column of its first bad byte.
fn not_utf8(bytes: &[u8], valid_up_to: usize, file: &str) -> Diagnostic {
    let valid = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
    let (line, column) = line_col(valid, valid.len());
    let bad: Vec<String> = bytes[valid_up_to..]
        .iter()
        .take(2)
        .map(|b| format!("0x{b:02X}"))
        .collect();
    Diagnostic {
        file: file.to_string(),
        line,
        column,
        message: format!(
            "the rules file is not UTF-8 (bytes {} here); expected UTF-8 text: save it as UTF-8 (a GBK file from Excel or Notepad: \"Save as\" → UTF-8)",
            bad.join(" ")
        ),
    }
}

/// Parse and validate rules text (`file` names it in diagnostics).
pub fn parse(text: &str, file: &str, sha256: &str) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut d = Diags {
        file,
        text,
        list: vec![],
    };
    // Every unknown key at once (serde would stop at the first).
    let unknown = config::unknown_keys(text);
    if !unknown.is_empty() {
        for (span, key, keys) in unknown {
            d.at(
                span,
                format!(
                    "unknown key `{key}`; expected one of {}{}",
                    keys.join(", "),
                    did_you_mean(&key, keys)
                ),
            );
        }
        return Err(d.list);
    }
    let raw: RawRules = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let mut message = improve_toml_message(e.message());
            if message == "duplicate key" {
                message = duplicate_key_message(text, span.start);
            }
            message.push_str(&full_width_hint(text, span.start));
            d.at(span, message);
            return Err(d.list);
        }
    };

    // [meta]
    let mut meta = Meta {
        name: String::new(),
        version: SCHEMA_VERSION,
        description: None,
    };
    if let Some(m) = &raw.meta {
        let m = m.get_ref();
        if let Some(n) = &m.name {
            meta.name = n.get_ref().clone();
        }
        if let Some(v) = &m.version {
            if *v.get_ref() != SCHEMA_VERSION {
                d.at(
                    v.span(),
                    format!(
                        "schema version {} is not supported; this shouwen reads version {SCHEMA_VERSION}",
                        v.get_ref()
                    ),
                );
            }
            meta.version = *v.get_ref();
        }
        meta.description = m.description.as_ref().map(|s| s.get_ref().clone());
    }

    // [calendar]
    let mut cal = Calendar::default();
    if let Some(c) = &raw.calendar {
        let c = c.get_ref();
        if let Some(tz) = &c.timezone {
            match tz.get_ref().parse::<chrono_tz::Tz>() {
                Ok(t) => cal.tz = t,
                Err(_) => d.at(
                    tz.span(),
                    format!(
                        "unknown timezone `{}`; expected an IANA name such as `Asia/Shanghai`",
                        tz.get_ref()
                    ),
                ),
            }
        }
        if let Some(w) = &c.workdays {
            cal.workdays.clear();
            for day in w.get_ref() {
                match u32::try_from(*day.get_ref()) {
                    Ok(n) if (1..=7).contains(&n) => {
                        cal.workdays.insert(n);
                    }
                    _ => d.at(
                        day.span(),
                        format!(
                            "weekday {} is not 1–7 (1 = Monday … 7 = Sunday)",
                            day.get_ref()
                        ),
                    ),
                }
            }
            if w.get_ref().is_empty() {
                d.at(w.span(), "workdays is empty; expected e.g. [1, 2, 3, 4, 5]");
            }
        }
        let mut dates = |list: &Option<S<Vec<S<String>>>>,
                         into: &mut std::collections::BTreeSet<_>| {
            for s in list.iter().flat_map(|l| l.get_ref()) {
                match calendar::parse_dates(s.get_ref()) {
                    Ok(v) => into.extend(v),
                    Err(e) => d.at(s.span(), e),
                }
            }
        };
        dates(&c.holidays, &mut cal.holidays);
        dates(&c.makeup_workdays, &mut cal.makeup_workdays);
        // A day both a holiday and a make-up working day is a typo in one list (the
        // calendar would silently count it as worked).
        for s in c.makeup_workdays.iter().flat_map(|l| l.get_ref()) {
            if let Ok(v) = calendar::parse_dates(s.get_ref()) {
                if let Some(day) = v.iter().find(|x| cal.holidays.contains(x)) {
                    d.at(
                        s.span(),
                        format!(
                            "{day} is both a holiday and a make-up working day (调休); list it in one of `holidays` and `makeup_workdays`"
                        ),
                    );
                }
            }
        }
    }

    // [scoring] (caps are checked against rule ids below)
    let mut scoring = Scoring::default();
    if let Some(s) = &raw.scoring {
        let s = s.get_ref();
        if let Some(b) = &s.base {
            number_in(&mut d, b, "base", BASE_RANGE, "100");
            scoring.base = *b.get_ref();
        }
        if let Some(m) = &s.min_cases {
            if let Some(n) = whole_in(&mut d, m, "min_cases", MIN_CASES_RANGE, "5") {
                scoring.min_cases = n;
            }
        }
        if let Some(n) = &s.normalize_per {
            number_in(&mut d, n, "normalize_per", NORMALIZE_PER_RANGE, "100");
            scoring.normalize_per = Some(*n.get_ref());
        }
        if let Some(bands) = &s.bands {
            for b in bands.get_ref() {
                let b = b.get_ref();
                let c = *b.coefficient.get_ref();
                number_in(
                    &mut d,
                    &b.coefficient,
                    "coefficient",
                    COEFFICIENT_RANGE,
                    "1.10",
                );
                number_in(&mut d, &b.min, "a band's min", BAND_MIN_RANGE, "85");
                if b.grade.get_ref().trim().is_empty() {
                    d.at(b.grade.span(), "grade is empty; name the band, e.g. \"A\"");
                }
                if scoring
                    .bands
                    .iter()
                    .any(|x: &Band| x.min == *b.min.get_ref())
                {
                    d.at(
                        b.min.span(),
                        format!("two bands start at {}", b.min.get_ref()),
                    );
                }
                scoring.bands.push(Band {
                    min: *b.min.get_ref(),
                    grade: b.grade.get_ref().trim().to_string(),
                    coefficient: c,
                });
            }
            if bands.get_ref().is_empty() {
                d.at(
                    bands.span(),
                    "bands is empty; give at least one [[scoring.bands]]",
                );
            }
            scoring.bands.sort_by(|a, b| b.min.total_cmp(&a.min));
        }
    }

    // [input]
    let mut read = ReadOptions {
        tz: cal.tz,
        ..ReadOptions::default()
    };
    if let Some(i) = &raw.input {
        let i = i.get_ref();
        if let Some(e) = &i.encoding {
            match Encoding::parse(e.get_ref()) {
                Some(enc) => read.encoding = enc,
                None => d.at(
                    e.span(),
                    format!(
                        "unknown encoding `{}`; expected `auto`, `utf-8`, `gbk`, `gb18030`, `big5` or `windows-1252`",
                        e.get_ref()
                    ),
                ),
            }
        }
        if let Some(o) = &i.date_order {
            match crate::timeparse::DateOrder::parse(o.get_ref()) {
                Some(order) => read.date_order = order,
                None => d.at(
                    o.span(),
                    format!(
                        "unknown date_order `{}`; expected `auto`, `month-first` (03/10/2026 is March 10) or `day-first` (03/10/2026 is 3 October)",
                        o.get_ref()
                    ),
                ),
            }
        }
        if let Some(a) = &i.aliases {
            for (file_name, cols) in a.get_ref() {
                let Some(kind) = FileKind::from_name(file_name) else {
                    let names: Vec<&str> = FileKind::ALL.iter().map(|k| k.name()).collect();
                    d.at(
                        cols.span(),
                        format!(
                            "unknown input file `{file_name}` in [input.aliases]; expected one of {}{}",
                            names.join(", "),
                            did_you_mean(file_name, &names)
                        ),
                    );
                    continue;
                };
                for (col, list) in cols.get_ref() {
                    if kind.column(col).is_none() {
                        let names: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
                        d.at(
                            list.span(),
                            format!(
                                "`{col}` is not a column of {}; expected one of {}{}",
                                kind.name(),
                                names.join(", "),
                                did_you_mean(col, &names)
                            ),
                        );
                        continue;
                    }
                    read.aliases.entry(kind).or_default().insert(
                        col.clone(),
                        list.get_ref().iter().map(|s| s.get_ref().clone()).collect(),
                    );
                    let (line, column) = line_col(text, list.span().start);
                    read.alias_at
                        .entry(kind)
                        .or_default()
                        .insert(col.clone(), format!("{file}:{line}:{column}"));
                }
            }
        }
    }

    // [[rule]]
    let mut rules = vec![];
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in &raw.rule {
        let span = r.span();
        let (line, _) = line_col(text, span.start);
        if let Some(rule) = validate_rule(r.get_ref(), &mut d, &format!("{file}:{line}")) {
            if let Some(prev) = seen.get(&rule.id) {
                d.at(
                    r.get_ref().id.span(),
                    format!(
                        "duplicate rule id `{}` (first defined at line {prev}); ids must be unique",
                        rule.id
                    ),
                );
            } else {
                seen.insert(rule.id.clone(), line);
            }
            rules.push(rule);
        }
    }
    if raw.rule.is_empty() {
        d.at(0..0, "the rules file defines no [[rule]]");
    }
    // Every id written, also of a rule refused above: a cap or discipline naming it is
    // not a second error ("not a rule id; rules are: " and an empty list).
    let ids: Vec<&str> = raw
        .rule
        .iter()
        .map(|r| r.get_ref().id.get_ref().trim())
        .collect();
    if let Some(caps) = raw.scoring.as_ref().and_then(|s| s.get_ref().caps.as_ref()) {
        for (id, v) in caps.get_ref() {
            if !ids.contains(&id.as_str()) {
                d.at(
                    v.span(),
                    format!(
                        "cap for `{id}`, which is not a rule id; rules are: {}{}",
                        ids.join(", "),
                        did_you_mean(id, &ids)
                    ),
                );
            }
            number_in(&mut d, v, "a cap", POINTS_CAP_RANGE, "6");
            scoring.caps.insert(id.clone(), *v.get_ref());
        }
    }
    let mut discipline = vec![];
    for x in &raw.discipline {
        let x = x.get_ref();
        let mut rules_sel = vec![];
        for p in x.rules.iter().flat_map(|l| l.get_ref()) {
            if !ids.iter().any(|id| id_matches(p.get_ref(), id, &ids)) {
                d.at(
                    p.span(),
                    format!(
                        "`{}` matches no rule id or id prefix; rules are: {}{}",
                        p.get_ref(),
                        ids.join(", "),
                        did_you_mean(p.get_ref(), &ids)
                    ),
                );
            }
            rules_sel.push(p.get_ref().clone());
        }
        let severity = x.severity.as_ref().and_then(|s| {
            Severity::parse(s.get_ref()).or_else(|| {
                d.at(
                    s.span(),
                    format!(
                        "unknown severity `{}`; expected one of {}",
                        s.get_ref(),
                        Severity::NAMES.join(", ")
                    ),
                );
                None
            })
        });
        let by_case = match x.count.as_ref().map(|c| (c, c.get_ref().trim())) {
            None | Some((_, "violations")) => false,
            Some((_, "cases")) => true,
            Some((c, other)) => {
                d.at(
                    c.span(),
                    format!("unknown count `{other}`; expected \"violations\" or \"cases\""),
                );
                false
            }
        };
        let min = whole_in(
            &mut d,
            &x.min_violations,
            "min_violations",
            MIN_VIOLATIONS_RANGE,
            "3",
        )
        .unwrap_or(1);
        if x.action.get_ref().trim().is_empty() {
            d.at(x.action.span(), "action is empty; e.g. \"通报批评\"");
        }
        let named = ids
            .iter()
            .filter(|id| rules_sel.iter().any(|p| id_matches(p, id, &ids)))
            .map(|id| id.to_string())
            .collect();
        discipline.push(Discipline {
            action: x.action.get_ref().trim().to_string(),
            min_violations: min,
            by_case,
            rules: rules_sel,
            ids: named,
            severity,
        });
    }
    // Later steps are graver and an employee gets the gravest one reached: a step whose
    // every reach is also a later step's reach never applies (记大过 at 3 listed before
    // 通报批评 at 1 gave 通报批评 for 3 violations, and `rules check` passed it).
    for (i, a) in discipline.iter().enumerate() {
        let Some((j, b)) = discipline.iter().enumerate().skip(i + 1).find(|(_, b)| {
            // b counts every violation a counts, from no more of them, in the same unit
            // or in violations where a counts cases (n cases hold n violations or more)
            rules.iter().all(|r: &Rule| !a.counts(r) || b.counts(r))
                && b.min_violations <= a.min_violations
                && (a.by_case || !b.by_case)
        }) else {
            continue;
        };
        d.at(
            raw.discipline[i].get_ref().action.span(),
            format!(
                "step `{}` can never apply: whoever reaches it also reaches the later step `{}` (step {} of [[discipline]]), and later steps are graver; expected the steps from the mildest to the gravest, each needing more than the one before",
                a.action,
                b.action,
                j + 1
            ),
        );
    }

    if !d.list.is_empty() {
        return Err(d.list);
    }
    Ok(RuleSet {
        path: file.to_string(),
        sha256: sha256.to_string(),
        text: text.to_string(),
        meta,
        calendar: cal,
        scoring,
        discipline,
        read,
        rules,
    })
}

fn validate_rule(r: &RawRule, d: &mut Diags<'_>, defined_at: &str) -> Option<Rule> {
    let errors_before = d.list.len();
    let id = r.id.get_ref().trim().to_string();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        d.at(
            r.id.span(),
            format!("rule id `{id}` must be upper-case letters, digits and `-`, e.g. `RESP-24H`"),
        );
    }
    if r.title.get_ref().trim().is_empty() {
        d.at(
            r.title.span(),
            "title is empty; give the rule a Chinese title",
        );
    }
    if r.basis.get_ref().trim().is_empty() {
        d.at(
            r.basis.span(),
            "basis is empty; cite the clause the rule comes from",
        );
    }
    let severity = Severity::parse(r.severity.get_ref()).or_else(|| {
        d.at(
            r.severity.span(),
            format!(
                "unknown severity `{}`; expected one of {}{}",
                r.severity.get_ref(),
                Severity::NAMES.join(", "),
                did_you_mean(r.severity.get_ref(), &Severity::NAMES)
            ),
        );
        None
    });
    let points = *r.points.get_ref();
    number_in(d, &r.points, "points", POINTS_RANGE, "2");
    let kind_names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
    let Some(info) = kind_info(r.kind.get_ref()) else {
        d.at(
            r.kind.span(),
            format!(
                "unknown kind `{}`; expected one of {}{}",
                r.kind.get_ref(),
                kind_names.join(", "),
                did_you_mean(r.kind.get_ref(), &kind_names)
            ),
        );
        return None;
    };
    for (key, span) in r.params() {
        if !info.params.iter().any(|(p, _)| *p == key) {
            let owners: Vec<&str> = KINDS
                .iter()
                .filter(|k| k.params.iter().any(|(p, _)| *p == key))
                .map(|k| k.name)
                .collect();
            let allowed: Vec<&str> = info.params.iter().map(|(p, _)| *p).collect();
            d.at(
                span,
                format!(
                    "`{key}` is a parameter of kind {}, not of `{}`; `{}` takes: {}",
                    owners
                        .iter()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(" / "),
                    info.name,
                    info.name,
                    allowed.join(", ")
                ),
            );
        }
    }
    let responsible = match &r.responsible {
        None => info.responsible[0],
        Some(s) => match Responsible::parse(s.get_ref()) {
            Some(x) if info.responsible.contains(&x) => x,
            found => {
                let allowed: Vec<&str> = info.responsible.iter().map(|r| r.name()).collect();
                let what = if found.is_some() {
                    format!(
                        "`{}` cannot be charged by a `{}` rule",
                        s.get_ref(),
                        info.name
                    )
                } else {
                    format!("unknown responsible `{}`", s.get_ref())
                };
                d.at(
                    s.span(),
                    format!(
                        "{what}; expected one of {}{}",
                        allowed.join(", "),
                        did_you_mean(s.get_ref(), &allowed)
                    ),
                );
                info.responsible[0]
            }
        },
    };
    let when = r
        .when
        .as_ref()
        .and_then(|w| compile_sql(w, d, "when").map(|e| (w.get_ref().clone(), e)));
    let check = match info.name {
        "deadline" => deadline::Deadline::validate(r, d).map(Check::Deadline),
        "required" => required::Required::validate(r, d).map(Check::Required),
        "expression" => expression::Expression::validate(r, d).map(Check::Expression),
        "forbidden_phrase" => {
            forbidden_phrase::ForbiddenPhrase::validate(r, d).map(Check::ForbiddenPhrase)
        }
        "escalation" => escalation::Escalation::validate(r, d).map(Check::Escalation),
        "inspection" => inspection::Inspection::validate(r, d).map(Check::Inspection),
        _ => None,
    };
    if d.list.len() > errors_before {
        return None;
    }
    Some(Rule {
        id,
        title: r.title.get_ref().clone(),
        kind: info.name,
        severity: severity?,
        points,
        responsible,
        fatal: r.fatal.as_ref().map(|b| *b.get_ref()).unwrap_or(false),
        when,
        basis: r.basis.get_ref().clone(),
        enabled: r.enabled.as_ref().map(|b| *b.get_ref()).unwrap_or(true),
        description: r.description.as_ref().map(|s| s.get_ref().clone()),
        check: check?,
        defined_at: defined_at.to_string(),
    })
}

/// The audit's as-of time, as a column a condition may read (`as_of > first_response_at +
/// INTERVAL '1 hour'`: an open case is judged only once the hour has passed). Local time,
/// as the case columns are. Not an input column: never "absent" from an export.
pub const AS_OF: &str = "as_of";

/// Whether an expression reads [`AS_OF`].
pub fn reads_as_of(e: &Expr) -> bool {
    e.clone()
        .meta()
        .root_names()
        .iter()
        .any(|n| n.as_str() == AS_OF)
}

/// Compile an SQL boolean expression over case columns, checking every column it names.
pub(crate) fn compile_sql(s: &S<String>, d: &mut Diags<'_>, key: &str) -> Option<Expr> {
    let text = s.get_ref();
    // Before the SQL engine sees it: a chain of thousands of `OR`s overflows the stack of
    // the parser and of polars (an abort, not an error).
    if let Err(e) = sql_shape(text, key) {
        d.at(s.span(), e);
        return None;
    }
    let parsed = catch_panic(|| polars::sql::sql_expr(text)).unwrap_or_else(|panic| {
        Err(polars::prelude::PolarsError::ComputeError(
            format!("the SQL engine cannot read it ({panic})").into(),
        ))
    });
    let expr = match parsed {
        Ok(e) => e,
        Err(e) => {
            d.at(
                s.span(),
                format!(
                    "`{key}` is not a valid SQL expression: {}",
                    first_line(&e.to_string())
                ),
            );
            return None;
        }
    };
    let names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    let mut ok = true;
    for c in expr_columns(&expr) {
        // What polars names the result of a subquery the scan above did not see.
        if c.starts_with("_POLARS_TMP") {
            d.at(s.span(), subquery(key));
            return None;
        }
        if !names.contains(&c.as_str()) {
            d.at(
                s.span(),
                format!(
                    "`{key}` names `{c}`, which is not a case column; expected one of {}, or `{AS_OF}` (the audit's as-of time){}",
                    names.join(", "),
                    did_you_mean(&c, &names)
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    // Type-check against the case columns now, so that `rules check` (not the audit)
    // refuses e.g. a time compared with a plain string.
    // One plan over no cases: collected for the type, its IR read for element-wise.
    let empty = crate::input::Table::empty(FileKind::Cases);
    let check = crate::audit::cases_frame(&empty, chrono_tz::Asia::Shanghai).map(|df| {
        crate::audit::with_as_of(polars::prelude::IntoLazy::lazy(df), 0)
            .select([expr.clone().alias("__check")])
    });
    let typed = match &check {
        Ok(lf) => lf.clone().collect().map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let df = match typed {
        Ok(df) => df,
        Err(e) => {
            let msg = first_line(&e);
            let hint = if msg.contains("date") || msg.contains("time") {
                "; write a time as TIMESTAMP '2026-10-15 00:00:00'"
            } else {
                ""
            };
            d.at(
                s.span(),
                format!("`{key}` cannot be evaluated on the case columns: {msg}{hint}"),
            );
            return None;
        }
    };
    // A case's verdict must not depend on the other cases: `contacts > AVG(contacts)` or
    // `COUNT(*) OVER (PARTITION BY unit) > 1` would change with the month, the --period,
    // the files audited together, and the slice of cases evaluated at once.
    if check.is_ok_and(|lf| !elementwise(lf)) {
        d.at(
            s.span(),
            format!(
                "`{key}` compares a case with other cases (an aggregate such as AVG or COUNT, a window such as OVER, LAG or ROW_NUMBER, or a sort); a condition reads the case's own columns only, e.g. `contacts > 2`"
            ),
        );
        return None;
    }
    // A condition: `contacts + 1` or `content` is a value, which the audit could only
    // refuse halfway through.
    match df.column("__check").map(|c| c.dtype().clone()) {
        Ok(DataType::Boolean) => {}
        // `NULL`, `CASE WHEN … THEN NULL END`: unknown for every case, so no case is ever
        // judged (and polars cannot negate it).
        Ok(DataType::Null) => {
            d.at(
                s.span(),
                format!(
                    "`{key}` is NULL for every case; expected a condition that is true or false (e.g. `contacts <= 2`, `promised_at IS NOT NULL`)"
                ),
            );
            return None;
        }
        Ok(t) => {
            d.at(
                s.span(),
                format!(
                    "`{key}` must be a condition, true or false for each case (e.g. `contacts <= 2`, `category = '投诉'`), but it gives a {} value",
                    type_name(&t)
                ),
            );
            return None;
        }
        Err(_) => {}
    }
    Some(expr)
}

/// Whether each value a plan's final selection gives depends on its own row alone
/// (polars' own test, on the plan). The audit evaluates the cases in slices, and a
/// verdict must not depend on which cases are audited together. Unknown (the plan
/// cannot be built: the type check reports that) counts as element-wise.
fn elementwise(lf: polars::prelude::LazyFrame) -> bool {
    let Ok(Ok(plan)) = catch_panic(|| lf.to_alp()) else {
        return true;
    };
    match plan.lp_arena.get(plan.lp_top) {
        polars_plan::plans::IR::Select { expr, .. } => expr
            .iter()
            .all(|e| polars_plan::plans::is_elementwise_rec(e.node(), &plan.expr_arena)),
        _ => true,
    }
}

/// The refusal of a subquery: found by its SELECT before parsing, or (a form without one)
/// by the name polars gives its result.
fn subquery(key: &str) -> String {
    format!("`{key}` holds a subquery (SELECT …); a condition reads the case's own columns only, e.g. `contacts IN (1, 2)`")
}

/// The most binary operators (`AND`, `OR`, `=`, `<`, `+` …) a condition may have. Each
/// one is a level of the expression tree, which the SQL parser and polars walk
/// recursively: with a 2 MiB stack (the audit's worker threads) a chain of 1,000 `OR`s
/// with their 1,000 `=` still ran and 2,000 of each overflowed; 256 leaves a margin of
/// eight. A long list of values is one `IN (…)`, however long.
pub const MAX_SQL_OPERATORS: usize = 256;
/// The deepest nesting of parentheses a condition may have (the SQL parser refuses
/// about 48 levels, with a message that repeats the whole text).
pub const MAX_SQL_DEPTH: usize = 32;

/// Refuse, before parsing, a condition too long or too deep to evaluate safely, and a
/// subquery (a condition reads the case's own columns). Quoted text (`'…'`, `"…"`) is
/// skipped.
fn sql_shape(text: &str, key: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let (mut ops, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' | b'"' => {
                // To the closing quote; a doubled quote inside is an escaped one.
                i += 1;
                while i < b.len() {
                    if b[i] == c {
                        if b.get(i + 1) == Some(&c) {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            b'+' | b'-' | b'*' | b'/' | b'%' | b'=' | b'<' | b'>' | b'!' | b'|' => {
                // `<=`, `<>`, `||`: one operator.
                while i + 1 < b.len() && b"=<>!|".contains(&b[i + 1]) {
                    i += 1;
                }
                ops += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i + 1 < b.len() && (b[i + 1].is_ascii_alphanumeric() || b[i + 1] == b'_') {
                    i += 1;
                }
                let word = &text[start..=i];
                if word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or") {
                    ops += 1;
                } else if word.eq_ignore_ascii_case("select") {
                    return Err(subquery(key));
                }
            }
            _ => {}
        }
        i += 1;
    }
    if ops > MAX_SQL_OPERATORS {
        return Err(format!(
            "`{key}` is too long: {ops} operators (AND, OR, =, <, + …), at most {MAX_SQL_OPERATORS} are accepted; expected a shorter condition: a list of values is one `IN`, e.g. `contacts IN (0, 1, 2)` instead of `contacts = 0 OR contacts = 1 OR …`"
        ));
    }
    if deepest > MAX_SQL_DEPTH {
        return Err(format!(
            "`{key}` nests parentheses {deepest} deep, at most {MAX_SQL_DEPTH} are accepted; expected a flatter condition"
        ));
    }
    Ok(())
}

/// A polars type as a rules author knows it.
fn type_name(t: &DataType) -> String {
    match t {
        DataType::String => "text".into(),
        DataType::Datetime(..) | DataType::Date => "time".into(),
        DataType::Duration(_) => "duration".into(),
        t if t.is_integer() => "whole-number".into(),
        t if t.is_float() => "number".into(),
        t => t.to_string(),
    }
}

/// The columns an expression reads.
pub fn expr_columns(e: &Expr) -> Vec<String> {
    let mut v: Vec<String> = e
        .clone()
        .meta()
        .root_names()
        .into_iter()
        .map(|s| s.to_string())
        .filter(|s| s != AS_OF)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Runs `f`, turning a panic inside it into `Err(message)` without printing it. Polars'
/// SQL front end panics on some malformed input where it should return an error (fuzzing
/// found `INTERVAL '+ hour'`: an interval string it cannot read is unwrapped), and a rules
/// file must get a diagnostic, not a crash.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    use std::cell::Cell;
    thread_local! {
        static QUIET: Cell<bool> = const { Cell::new(false) };
    }
    // One hook for the process, chained to the one in place: it stays silent only on a
    // thread inside `catch_panic`, so every other panic is reported as before.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info)
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("an internal error");
        msg.trim_start_matches("called `Result::unwrap()` on an `Err` value: ")
            .to_string()
    })
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

/// Require a parameter of the kind; report it missing at the rule's `kind` key.
pub(crate) fn require_param<'a, T>(
    v: &'a Option<S<T>>,
    key: &str,
    r: &RawRule,
    d: &mut Diags<'_>,
    example: &str,
) -> Option<&'a S<T>> {
    if v.is_none() {
        d.at(
            r.kind.span(),
            format!(
                "a `{}` rule needs `{key}`, e.g. {example}",
                r.kind.get_ref()
            ),
        );
    }
    v.as_ref()
}

/// A case column of the given type, or a diagnostic.
pub(crate) fn case_column(
    s: &S<String>,
    want: Option<crate::input::ColType>,
    d: &mut Diags<'_>,
) -> Option<String> {
    let name = s.get_ref().trim();
    let names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    match CASES.iter().find(|c| c.name == name) {
        None => {
            d.at(
                s.span(),
                format!(
                    "`{name}` is not a case column; expected one of {}{}",
                    names.join(", "),
                    did_you_mean(name, &names)
                ),
            );
            None
        }
        Some(c) => {
            if let Some(w) = want {
                if c.ty != w {
                    let fit: Vec<&str> =
                        CASES.iter().filter(|c| c.ty == w).map(|c| c.name).collect();
                    d.at(
                        s.span(),
                        format!(
                            "`{name}` is not a {} column; expected one of {}",
                            match w {
                                crate::input::ColType::Text => "text",
                                crate::input::ColType::DateTime => "time",
                                crate::input::ColType::Count => "whole-number",
                                crate::input::ColType::Money => "money",
                            },
                            fit.join(", ")
                        ),
                    );
                    return None;
                }
            }
            Some(name.to_string())
        }
    }
}

/// Rewrite serde's "unknown field" message with a suggestion.
fn improve_toml_message(msg: &str) -> String {
    let msg = msg.trim();
    // serde: "unknown field `x`, expected one of `a`, `b`"
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, tail)) = rest.split_once('`') {
            let expected: Vec<&str> = tail
                .split('`')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, s)| s)
                .collect();
            let hint = did_you_mean(field, &expected);
            return format!(
                "unknown key `{field}`; expected one of {}{hint}",
                expected.join(", ")
            );
        }
    }
    for (serde, people) in [
        ("expected f64", "expected a number"),
        ("expected i64", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
        ("expected a string", "expected a quoted string"),
        (
            "expected a sequence",
            "expected a list in brackets, e.g. [\"a\", \"b\"]",
        ),
    ] {
        if let Some(head) = msg.strip_suffix(serde) {
            return format!("{head}{people}");
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        if let Some((field, _)) = rest.split_once('`') {
            return format!("missing key `{field}` in this table");
        }
    }
    msg.to_string()
}

/// "duplicate key" with the key named (the toml crate names neither the key nor the
/// table): `points` twice in one rule, or a second `[meta]`.
fn duplicate_key_message(text: &str, at: usize) -> String {
    let at = char_floor(text, at);
    let rest = &text[at..];
    let key: String = rest
        .trim_start_matches(['[', ' '])
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '=' | ']' | '.'))
        .collect();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let is_table = text[line_start..].trim_start().starts_with('[');
    match (key.is_empty(), is_table) {
        (true, _) => "duplicate key".to_string(),
        (false, true) => format!(
            "duplicate table `[{key}]`; expected each table once (`[[rule]]` and `[[discipline]]`, with double brackets, may repeat)"
        ),
        (false, false) => {
            format!("duplicate key `{key}`; expected each key once in a table: delete one")
        }
    }
}

/// `at` within `text`, moved back to the start of the character it falls in.
fn char_floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// When the line of a TOML error holds full-width punctuation (typed with a Chinese input
/// method), say so: TOML's quotes, commas, `=` and brackets are ASCII.
fn full_width_hint(text: &str, at: usize) -> String {
    let at = char_floor(text, at);
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[start..end];
    let mut in_string = false;
    for (col, c) in line.chars().enumerate() {
        if c == '"' {
            in_string = !in_string;
        }
        let ascii = match c {
            '＂' | '“' | '”' => "\"",
            '‘' | '’' => "'",
            '，' => ",",
            '：' => "=",
            '＝' => "=",
            '［' | '【' => "[",
            '］' | '】' => "]",
            '｛' => "{",
            '｝' => "}",
            _ => continue,
        };
        // inside an ASCII-quoted string it is text (title = "他说“不知道”")
        if in_string {
            continue;
        }
        return format!(
            " (this line has a full-width `{c}` at column {}: TOML needs the ASCII `{ascii}`)",
            col + 1
        );
    }
    String::new()
}

/// ` (did you mean `x`?)` for the closest candidate, if it is close.
pub fn did_you_mean(got: &str, candidates: &[&str]) -> String {
    let best = candidates
        .iter()
        .map(|c| (levenshtein(&got.to_lowercase(), &c.to_lowercase()), *c))
        .min();
    match best {
        Some((dist, c)) if dist > 0 && dist <= (c.chars().count() / 3).max(2) => {
            format!(" (did you mean `{c}`?)")
        }
        _ => String::new(),
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Resolve `--select` / `--ignore` lists (ids or id prefixes) to the rules they keep.
/// An entry that matches no rule is an error, never a silent no-op; so is a `--select`
/// entry that matches only rules disabled in the rules file (`enabled = false`), and a
/// selection that leaves no rule to run. A prefix that matches enabled and disabled
/// rules keeps the enabled ones ([`disabled_selected`] names the others).
pub fn select(rules: &[Rule], select: &[String], ignore: &[String]) -> Result<Vec<bool>, Error> {
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    for (flag, list) in [("--select", select), ("--ignore", ignore)] {
        for p in list {
            // "" is a prefix of every id: `--select ""` would select everything silently.
            if p.trim().is_empty() {
                return Err(Error::Usage(format!(
                    "{flag}: an empty rule id; expected ids or id prefixes such as RESP-24H or RESP, comma-separated"
                )));
            }
            if !ids.iter().any(|id| id_matches(p, id, &ids)) {
                return Err(Error::Usage(format!(
                    "{flag} {p}: no rule has this id or id prefix; rules are: {}{}",
                    ids.join(", "),
                    did_you_mean(p, &ids)
                )));
            }
        }
    }
    for p in select {
        let matched: Vec<&Rule> = rules
            .iter()
            .filter(|r| id_matches(p, &r.id, &ids))
            .collect();
        if matched.iter().all(|r| !r.enabled) {
            let names: Vec<&str> = matched.iter().map(|r| r.id.as_str()).collect();
            let (what, verb) = if names.len() == 1 {
                (format!("rule {}", names[0]), "is")
            } else {
                (format!("rules {}", names.join(", ")), "are")
            };
            return Err(Error::Usage(format!(
                "--select {p}: the {what} {verb} disabled in the rules file (enabled = false); expected an enabled rule, or set enabled = true to audit it"
            )));
        }
    }
    let keep: Vec<bool> = rules
        .iter()
        .map(|r| {
            r.enabled
                && (select.is_empty() || select.iter().any(|p| id_matches(p, &r.id, &ids)))
                && !ignore.iter().any(|p| id_matches(p, &r.id, &ids))
        })
        .collect();
    if !keep.contains(&true) {
        let why = match (select.is_empty(), ignore.is_empty()) {
            (true, true) => {
                "the rules file enables no rule (every one has enabled = false)".to_string()
            }
            (true, false) => format!("--ignore {} removes every enabled rule", ignore.join(",")),
            (false, _) => format!(
                "--ignore {} removes every rule --select {} keeps",
                ignore.join(","),
                select.join(",")
            ),
        };
        return Err(Error::Usage(format!(
            "no rule left to run: {why}; expected at least one rule to audit"
        )));
    }
    Ok(keep)
}

/// An id or id prefix given to `--select` / `--ignore` (or a `[[discipline]]` step's
/// `rules`) names this rule. A whole rule id names that rule alone: `DL-RESP` is not also
/// a prefix of `DL-RESP-WD`, or no one could pick `DL-RESP` by itself.
fn id_matches(pattern: &str, id: &str, ids: &[&str]) -> bool {
    id == pattern || (id.starts_with(pattern) && !ids.contains(&pattern))
}

/// Rules a `--select` prefix matches that are disabled in the rules file, and are
/// therefore not run (the enabled rules it matches are).
pub fn disabled_selected<'a>(rules: &'a [Rule], select: &[String]) -> Vec<&'a str> {
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    rules
        .iter()
        .filter(|r| !r.enabled && select.iter().any(|p| id_matches(p, &r.id, &ids)))
        .map(|r| r.id.as_str())
        .collect()
}

/// `shouwen rules explain ID`: what the rule checks, why, its parameters, an example.
pub fn explain(set: &RuleSet, id: &str) -> Result<String, Error> {
    let Some(rule) = set.rules.iter().find(|r| r.id == id) else {
        let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
        return Err(Error::Usage(format!(
            "no rule `{id}` in {}; rules are: {}{}",
            set.path,
            ids.join(", "),
            did_you_mean(id, &ids)
        )));
    };
    let info = kind_info(rule.kind).expect("validated kind");
    let mut s = String::new();
    use std::fmt::Write;
    let _ = writeln!(s, "{} {}", rule.id, rule.title);
    let _ = writeln!(s, "  defined at   {}", rule.defined_at);
    let _ = writeln!(s, "  kind         {}", rule.kind);
    let _ = writeln!(s, "  basis        {}", rule.basis);
    // What one violation costs: an inspection's is its finding's points, not `points`.
    let charged = match &rule.check {
        Check::Inspection(x) => format!(
            "each violation costs its finding's points ({}; `points` = {} is not used)",
            x.findings
                .iter()
                .map(|(k, p)| format!("{k} {}", fmt_points(*p)))
                .collect::<Vec<_>>()
                .join(", "),
            fmt_points(rule.points)
        ),
        _ => format!("{} point(s) per violation", fmt_points(rule.points)),
    };
    let _ = writeln!(
        s,
        "  severity     {} ({}), {charged}{}",
        rule.severity.name(),
        rule.severity.label(),
        if rule.fatal { ", fatal" } else { "" }
    );
    let _ = writeln!(s, "  charged to   {}", rule.responsible.name());
    if let Some((w, _)) = &rule.when {
        let _ = writeln!(s, "  applies when {w}");
    }
    if !rule.enabled {
        let _ = writeln!(s, "  (disabled)");
    }
    if let Some(desc) = &rule.description {
        let _ = writeln!(s, "\n{desc}");
    }
    let _ = writeln!(s, "\nParameters:");
    let _ = write!(
        s,
        "{}",
        match &rule.check {
            Check::Deadline(x) => x.describe(),
            Check::Required(x) => x.describe(),
            Check::Expression(x) => x.describe(),
            Check::ForbiddenPhrase(x) => x.describe(),
            Check::Escalation(x) => x.describe(),
            Check::Inspection(x) => x.describe(),
        }
    );
    let _ = writeln!(s, "\nThe `{}` kind:\n{}", info.name, indent(info.doc));
    Ok(s)
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Points as people write them: `2`, `0.5`.
pub fn fmt_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{}", p as i64)
    } else {
        let s = format!("{p:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of a rules file holding one `[[rule]]` table of these lines, each as
    /// `line:column: message`.
    fn errors_of(rule: &str) -> Vec<String> {
        let text = format!(
            "[[rule]]\nid = \"X-1\"\ntitle = \"t\"\nseverity = \"major\"\npoints = 2\nbasis = \"b\"\n{rule}"
        );
        match parse(&text, "r.toml", "") {
            Ok(_) => vec![],
            Err(d) => d
                .iter()
                .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
                .collect(),
        }
    }

    #[test]
    fn a_condition_null_for_every_case_is_refused() {
        for (rule, at) in [
            ("kind = \"expression\"\nrequire = \"NULL\"", "8:11"),
            (
                "kind = \"expression\"\nrequire = \"CASE WHEN contacts > 1 THEN NULL END\"",
                "8:11",
            ),
            (
                "kind = \"expression\"\nwhen = \"NULL\"\nrequire = \"contacts <= 2\"",
                "8:8",
            ),
        ] {
            let e = errors_of(rule);
            assert_eq!(e.len(), 1, "{rule}: {e:?}");
            assert!(
                e[0].starts_with(at)
                    && e[0].contains(
                        "is NULL for every case; expected a condition that is true or false"
                    ),
                "{rule}: {e:?}"
            );
        }
    }

    /// A verdict reads the case's own row: an aggregate or a window would make it depend
    /// on which cases are audited together (and on the slices the audit evaluates).
    #[test]
    fn a_condition_comparing_cases_with_each_other_is_refused() {
        for cond in [
            "contacts > AVG(contacts)",
            "COUNT(*) OVER (PARTITION BY unit) > 1",
            "contacts > LAG(contacts) OVER (ORDER BY received_at)",
            "ROW_NUMBER() OVER (ORDER BY received_at) <= 10",
            "contacts = MAX(contacts)",
        ] {
            for key in ["when", "require"] {
                let rule = if key == "when" {
                    format!("kind = \"expression\"\nwhen = \"{cond}\"\nrequire = \"contacts <= 2\"")
                } else {
                    format!("kind = \"expression\"\nrequire = \"{cond}\"")
                };
                let e = errors_of(&rule);
                assert_eq!(e.len(), 1, "{cond}: {e:?}");
                assert!(
                    e[0].contains(&format!("`{key}` compares a case with other cases")),
                    "{cond}: {e:?}"
                );
            }
        }
        // Functions of the row itself are element-wise, a list of values included.
        for cond in [
            "contacts IN (1, 2) AND category LIKE '%投诉%'",
            "COALESCE(contacts, 0) + 1 > 2 OR UPPER(channel) = 'APP'",
            "CASE WHEN contacts > 1 THEN TRUE ELSE FALSE END",
            "resolved_at > first_response_at + INTERVAL '1 hour' OR as_of > received_at",
            "EXTRACT(hour FROM received_at) >= 18 AND LENGTH(content) > 3",
        ] {
            let e = errors_of(&format!("kind = \"expression\"\nrequire = \"{cond}\""));
            assert!(e.is_empty(), "{cond}: {e:?}");
        }
    }

    #[test]
    fn a_subquery_is_refused_in_plain_words() {
        let e = errors_of("kind = \"expression\"\nrequire = \"contacts IN (SELECT 1)\"");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("8:11: `require` holds a subquery") && !e[0].contains("POLARS"),
            "{e:?}"
        );
        // `select` inside quotes is a value, not a subquery.
        assert!(errors_of("kind = \"expression\"\nrequire = \"content <> 'select 1'\"").is_empty());
    }

    #[test]
    fn sql_shape_counts_operators_outside_quotes_and_depth() {
        let ok = |t: &str| sql_shape(t, "when");
        assert!(ok("category = 'a OR b OR c' AND contacts <= 2").is_ok());
        let n = MAX_SQL_OPERATORS;
        let chain = |k: usize| format!("contacts{} > 2", " + 1".repeat(k - 1));
        assert!(ok(&chain(n)).is_ok());
        assert!(ok(&chain(n + 1))
            .unwrap_err()
            .contains(&format!("{} operators", n + 1)));
        // `<=`, `<>` and `||` are one operator each.
        assert!(ok(&"contacts <= 1 OR ".repeat(n / 2)).is_ok());
        assert!(ok(&"contacts <= 1 OR ".repeat(n / 2 + 1)).is_err());
        assert!(ok(&"contacts <> 1 || ".repeat(n / 2)).is_ok());
        let nest = |k: usize| format!("{}contacts > 2{}", "(".repeat(k), ")".repeat(k));
        assert!(ok(&nest(MAX_SQL_DEPTH)).is_ok());
        assert!(ok(&nest(MAX_SQL_DEPTH + 1))
            .unwrap_err()
            .contains("33 deep"));
    }

    /// `--select` of disabled rules only, and a selection that leaves nothing, are
    /// errors (they audited zero rules with exit 0); a prefix matching enabled and
    /// disabled rules runs the enabled ones.
    #[test]
    fn selecting_only_disabled_rules_or_nothing_is_an_error() {
        let rule = |id: &str, enabled: bool| {
            format!(
                "[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nkind = \"required\"\nseverity = \"minor\"\npoints = 1\nbasis = \"b\"\nfields = [\"content\"]\nenabled = {enabled}\n"
            )
        };
        let text = [
            rule("E-PATH", false),
            rule("E-MAX", true),
            rule("R-1", true),
        ]
        .concat();
        let set = parse(&text, "r.toml", "").unwrap();
        let sel = |s: &[&str], i: &[&str]| {
            let own = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
            select(&set.rules, &own(s), &own(i)).map_err(|e| e.to_string())
        };
        let e = sel(&["E-PATH"], &[]).unwrap_err();
        assert!(
            e.contains("--select E-PATH: the rule E-PATH is disabled in the rules file"),
            "{e}"
        );
        assert_eq!(sel(&["E"], &[]).unwrap(), vec![false, true, false]);
        assert_eq!(
            disabled_selected(&set.rules, &["E".to_string()]),
            vec!["E-PATH"]
        );
        let e = sel(&[], &["E", "R"]).unwrap_err();
        assert!(
            e.contains("no rule left to run: --ignore E,R removes every enabled rule"),
            "{e}"
        );
        let e = sel(&["E"], &["E-MAX"]).unwrap_err();
        assert!(e.contains("no rule left to run"), "{e}");
        assert_eq!(sel(&[], &["E"]).unwrap(), vec![false, false, true]);
    }

    /// `rules explain` of an inspection rule says what a violation costs: its
    /// finding's points (it said "2 point(s) per violation", the unused `points`).
    #[test]
    fn explain_of_an_inspection_rule_names_the_findings_points() {
        let set = parse(BUILT_IN_DEFAULT, "default.toml", "").unwrap();
        let s = explain(&set, "INSPECT-FINDINGS").unwrap();
        assert!(
            s.contains("each violation costs its finding's points (")
                && s.contains("不理睬 2")
                && s.contains("推诿 3")
                && s.contains("`points` = 2 is not used")
                && !s.contains("point(s) per violation"),
            "{s}"
        );
        let s = explain(&set, "RESP-24H").unwrap();
        assert!(s.contains("2 point(s) per violation"), "{s}");
    }

    /// A rules file that is not UTF-8 is refused at the line and column (in characters)
    /// of its first bad byte, not "from index 13".
    #[test]
    fn a_non_utf8_rules_file_is_refused_at_its_first_bad_byte() {
        let mut bytes = "[meta]\nname = \"首问 ".as_bytes().to_vec();
        bytes.extend([0xB2, 0xBB, b'"', b'\n']);
        let e = String::from_utf8(bytes.clone()).unwrap_err();
        let d = not_utf8(&bytes, e.utf8_error().valid_up_to(), "r.toml");
        assert_eq!((d.line, d.column), (2, 12), "{d}");
        assert!(
            d.message.contains("0xB2 0xBB") && d.message.contains("UTF-8"),
            "{d}"
        );
    }

    #[test]
    fn did_you_mean_suggests_close_names_only() {
        assert_eq!(
            did_you_mean("deadlin", &["deadline", "required"]),
            " (did you mean `deadline`?)"
        );
        assert_eq!(did_you_mean("zzz", &["deadline", "required"]), "");
    }

    #[test]
    fn select_by_prefix_and_refuse_unknown() {
        let set = parse(
            r#"
[[rule]]
id = "RESP-24H"
title = "t"
kind = "deadline"
severity = "major"
points = 2
basis = "b"
from = "received_at"
to = "first_response_at"
within = "24h"

[[rule]]
id = "RECORD-CASE"
title = "t"
kind = "required"
severity = "minor"
points = 1
basis = "b"
fields = ["content"]
"#,
            "r.toml",
            "",
        )
        .unwrap();
        assert_eq!(
            select(&set.rules, &["RESP".into()], &[]).unwrap(),
            vec![true, false]
        );
        assert_eq!(
            select(&set.rules, &[], &["RECORD-CASE".into()]).unwrap(),
            vec![true, false]
        );
        let e = select(&set.rules, &["RESX".into()], &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("--select RESX") && e.contains("RESP-24H"), "{e}");
    }

    /// A whole rule id names that rule alone, in `--select`, `--ignore` and a discipline
    /// step, though it is also the start of another id (RESP-24H, RESP-24H-VIP); what is
    /// no rule's id stays a prefix.
    #[test]
    fn a_whole_id_is_not_also_a_prefix() {
        let rule = |id: &str| {
            format!(
                "[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nkind = \"deadline\"\nseverity = \"major\"\npoints = 2\nbasis = \"b\"\nfrom = \"received_at\"\nto = \"first_response_at\"\nwithin = \"24h\"\n\n"
            )
        };
        let text = format!(
            "{}{}{}[[discipline]]\naction = \"通报批评\"\nmin_violations = 1\nrules = [\"RESP-24H\"]\n",
            rule("RESP-24H"),
            rule("RESP-24H-VIP"),
            rule("RECORD-X")
        );
        let set = parse(&text, "r.toml", "").unwrap();
        let sel = |s: &[&str], i: &[&str]| {
            let own = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
            select(&set.rules, &own(s), &own(i)).unwrap()
        };
        assert_eq!(sel(&["RESP-24H"], &[]), [true, false, false]);
        assert_eq!(sel(&["RESP-24H-VIP"], &[]), [false, true, false]);
        assert_eq!(sel(&["RESP"], &[]), [true, true, false]);
        assert_eq!(sel(&["RESP-24"], &[]), [true, true, false]);
        assert_eq!(sel(&[], &["RESP-24H"]), [false, true, true]);
        let d = &set.discipline[0];
        assert!(d.counts(&set.rules[0]));
        assert!(!d.counts(&set.rules[1]));
        assert!(!d.counts(&set.rules[2]));
    }

    /// TOML typed with a Chinese input method: the error says which full-width mark it met
    /// (a full-width comma inside a quoted title is text, not the culprit); a duplicate key
    /// or table is named.
    #[test]
    fn full_width_punctuation_and_duplicate_keys_are_named() {
        let rule = "[[rule]]\nid = \"R-1\"\ntitle = \"告知，预计\"\nkind = \"required\"\nseverity = \"minor\"\npoints = 1\nbasis = \"b\"\nfields = [\"content\"]\n";
        let err = |extra: &str| {
            parse(&format!("{rule}{extra}"), "r.toml", "").unwrap_err()[0].to_string()
        };
        assert!(parse(rule, "r.toml", "").is_ok());
        let e = err("\n[scoring]\nbase ＝ 100\n");
        assert!(e.starts_with("r.toml:11:6:"), "{e}");
        assert!(
            e.contains("full-width `＝` at column 6: TOML needs the ASCII `=`"),
            "{e}"
        );
        let e = err("\n[meta]\nname = “公司”\n");
        assert!(e.contains("full-width `“` at column 8"), "{e}");
        let e = parse(&rule.replace("fields", "points = 2\nfields"), "r.toml", "").unwrap_err()[0]
            .to_string();
        assert!(e.contains("duplicate key `points`"), "{e}");
        let e = err("\n[meta]\nname = \"a\"\n[meta]\nname = \"b\"\n");
        assert!(e.contains("duplicate table `[meta]`"), "{e}");
        // an offset inside a character or past the end is no panic
        assert_eq!(
            full_width_hint("a＝", 2),
            " (this line has a full-width `＝` at column 2: TOML needs the ASCII `=`)"
        );
        assert_eq!(full_width_hint("a", 9), "");
        assert_eq!(
            duplicate_key_message("键 = 1", 1),
            "duplicate key `键`; expected each key once in a table: delete one"
        );
        // full-width quotes inside a quoted text are text too
        let e = parse(
            &rule.replace("告知，预计\"", "他说“不知道”\" x"),
            "r.toml",
            "",
        )
        .unwrap_err()[0]
            .to_string();
        assert!(!e.contains("full-width"), "{e}");
        // a comma inside a quoted Chinese title is text, not the culprit
        let e =
            parse(&rule.replace("预计\"", "预计\" x"), "r.toml", "").unwrap_err()[0].to_string();
        assert!(e.starts_with("r.toml:3:"), "{e}");
        assert!(!e.contains("full-width"), "{e}");
    }

    /// A discipline step that a later (graver) step always also reaches can never apply:
    /// refused at its line, not passed to give the milder sanction.
    #[test]
    fn a_discipline_step_that_can_never_apply_is_refused() {
        let rules = "[[rule]]\nid = \"RESP-24H\"\ntitle = \"t\"\nkind = \"deadline\"\nseverity = \"major\"\npoints = 2\nbasis = \"b\"\nfrom = \"received_at\"\nto = \"first_response_at\"\nwithin = \"24h\"\n\n[[rule]]\nid = \"RECORD-CASE\"\ntitle = \"t\"\nkind = \"required\"\nseverity = \"minor\"\npoints = 1\nbasis = \"b\"\nfields = [\"content\"]\n";
        let step = |action: &str, min: u32, extra: &str| {
            format!("\n[[discipline]]\naction = \"{action}\"\nmin_violations = {min}\n{extra}")
        };
        let check = |steps: &[String]| parse(&format!("{rules}{}", steps.concat()), "r.toml", "");
        // graver first, milder second: the graver is dead
        let e = check(&[step("记大过", 3, ""), step("通报批评", 1, "")]).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        let text = e[0].to_string();
        assert!(text.contains("r.toml:22:10:"), "{text}");
        assert!(
            text.contains("step `记大过` can never apply") && text.contains("`通报批评` (step 2"),
            "{text}"
        );
        // mildest first: fine; a later step counting fewer rules, or more violations: fine
        assert!(check(&[step("通报批评", 1, ""), step("记大过", 3, "")]).is_ok());
        assert!(check(&[
            step("记过", 3, ""),
            step("记大过", 2, "rules = [\"RESP\"]\n")
        ])
        .is_ok());
        assert!(check(&[
            step("记过", 3, "count = \"violations\"\n"),
            step("记大过", 3, "count = \"cases\"\n")
        ])
        .is_ok());
        // a later step counting violations is reached by whoever reaches n cases
        assert!(check(&[
            step("记过", 3, "count = \"cases\"\n"),
            step("通报批评", 3, "count = \"violations\"\n")
        ])
        .is_err());
        // a later step of a lower severity threshold counts what a major-only one counts
        assert!(check(&[
            step("记过", 2, "severity = \"major\"\n"),
            step("通报批评", 2, "")
        ])
        .is_err());
    }
}
