//! The rules file as written: plain serde structs that keep every position
//! (`toml::Spanned`), so that validation can point at line and column.
//!
//! No `#[serde(tag)]` or `flatten` (they lose positions): a rule is one flat table
//! whose `kind` is read first; parameters of other kinds are then refused at their key.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRules {
    pub meta: Option<S<RawMeta>>,
    pub calendar: Option<S<RawCalendar>>,
    pub scoring: Option<S<RawScoring>>,
    pub input: Option<S<RawInput>>,
    #[serde(default)]
    pub rule: Vec<S<RawRule>>,
    #[serde(default)]
    pub discipline: Vec<S<RawDiscipline>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: Option<S<String>>,
    pub version: Option<S<i64>>,
    pub description: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalendar {
    /// IANA timezone of local times in the data, e.g. `Asia/Shanghai`.
    pub timezone: Option<S<String>>,
    /// Working weekdays, 1 = Monday … 7 = Sunday.
    pub workdays: Option<S<Vec<S<i64>>>>,
    /// Public holidays: dates `2026-10-01` or ranges `2026-10-01..2026-10-07`.
    pub holidays: Option<S<Vec<S<String>>>>,
    /// Make-up working days (调休) that fall on a weekend.
    pub makeup_workdays: Option<S<Vec<S<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScoring {
    pub base: Option<S<f64>>,
    /// Fewer first-responded cases than this: marked 样本不足, coefficient 1.0.
    pub min_cases: Option<S<i64>>,
    /// Deduct points per this many cases (an employee with more cases is not punished
    /// for volume): deducted = points × n / max(cases, n).
    pub normalize_per: Option<S<f64>>,
    /// Rule id → the most points that rule can deduct from one employee in the period.
    pub caps: Option<S<BTreeMap<String, S<f64>>>>,
    pub bands: Option<S<Vec<S<RawBand>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    /// Lowest score of the band (inclusive).
    pub min: S<f64>,
    pub grade: S<String>,
    pub coefficient: S<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiscipline {
    /// 通报批评 / 记过 / 记大过 …; later entries are the graver steps.
    pub action: S<String>,
    pub min_violations: S<i64>,
    /// Rule ids or id prefixes counted (default: every rule).
    pub rules: Option<S<Vec<S<String>>>>,
    /// Count only violations of this severity or worse.
    pub severity: Option<S<String>>,
    /// `violations` (default) or `cases`: what `min_violations` counts.
    pub count: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInput {
    /// `auto` (default), `utf-8`, `gbk` / `gb18030`, `big5`.
    pub encoding: Option<S<String>>,
    /// `auto` (default), `month-first`, `day-first`: how `03/10/2026` reads.
    pub date_order: Option<S<String>>,
    /// `[input.aliases.cases] received_at = ["Created Date"]`
    pub aliases: Option<S<AliasFiles>>,
}

/// `[input.aliases.<file>]`: file → canonical column → extra header names.
pub type AliasFiles = BTreeMap<String, S<BTreeMap<String, S<Vec<S<String>>>>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: S<String>,
    pub title: S<String>,
    pub kind: S<String>,
    pub severity: S<String>,
    pub points: S<f64>,
    pub responsible: Option<S<String>>,
    pub fatal: Option<S<bool>>,
    pub when: Option<S<String>>,
    pub basis: S<String>,
    pub enabled: Option<S<bool>>,
    pub description: Option<S<String>>,
    // deadline
    pub from: Option<S<String>>,
    pub to: Option<S<String>>,
    pub to_if_missing: Option<S<String>>,
    pub within: Option<S<String>>,
    pub clock: Option<S<String>>,
    // required
    pub fields: Option<S<Vec<S<String>>>>,
    // expression
    pub require: Option<S<String>>,
    // forbidden_phrase
    pub phrases: Option<S<Vec<S<String>>>>,
    pub allow: Option<S<Vec<S<String>>>>,
    pub customer_labels: Option<S<Vec<S<String>>>>,
    pub speakers: Option<S<String>>,
    // escalation
    pub allowed: Option<S<RoleTable>>,
    pub max_handoffs: Option<S<i64>>,
    pub no_retransfer: Option<S<bool>>,
    pub ping_pong: Option<S<bool>>,
    pub slip_required_for_multi_department: Option<S<bool>>,
    pub cross_center_via_manager: Option<S<bool>>,
    pub checks: Option<S<Vec<S<String>>>>,
    // inspection
    pub findings: Option<S<BTreeMap<String, S<f64>>>>,
}

/// `allowed = { operator = ["supervisor"], staff = ["dept_supervisor", "cr_supervisor"] }`
pub type RoleTable = BTreeMap<String, S<Vec<S<String>>>>;

impl RawRule {
    /// The kind-specific parameters present in this table, with their key names.
    pub fn params(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut v = vec![];
        let mut add = |name, span: Option<std::ops::Range<usize>>| {
            if let Some(s) = span {
                v.push((name, s));
            }
        };
        add("from", self.from.as_ref().map(|s| s.span()));
        add("to", self.to.as_ref().map(|s| s.span()));
        add(
            "to_if_missing",
            self.to_if_missing.as_ref().map(|s| s.span()),
        );
        add("within", self.within.as_ref().map(|s| s.span()));
        add("clock", self.clock.as_ref().map(|s| s.span()));
        add("fields", self.fields.as_ref().map(|s| s.span()));
        add("require", self.require.as_ref().map(|s| s.span()));
        add("phrases", self.phrases.as_ref().map(|s| s.span()));
        add("allow", self.allow.as_ref().map(|s| s.span()));
        add(
            "customer_labels",
            self.customer_labels.as_ref().map(|s| s.span()),
        );
        add("speakers", self.speakers.as_ref().map(|s| s.span()));
        add("allowed", self.allowed.as_ref().map(|s| s.span()));
        add("max_handoffs", self.max_handoffs.as_ref().map(|s| s.span()));
        add(
            "no_retransfer",
            self.no_retransfer.as_ref().map(|s| s.span()),
        );
        add("ping_pong", self.ping_pong.as_ref().map(|s| s.span()));
        add(
            "slip_required_for_multi_department",
            self.slip_required_for_multi_department
                .as_ref()
                .map(|s| s.span()),
        );
        add(
            "cross_center_via_manager",
            self.cross_center_via_manager.as_ref().map(|s| s.span()),
        );
        add("checks", self.checks.as_ref().map(|s| s.span()));
        add("findings", self.findings.as_ref().map(|s| s.span()));
        v
    }
}

/// Keys each table accepts. serde stops at the first unknown key; [`unknown_keys`] uses
/// these lists to report every unknown key of a file at once (a unit test keeps them
/// equal to the structs above).
pub const TOP_KEYS: &[&str] = &["meta", "calendar", "scoring", "input", "rule", "discipline"];
pub const META_KEYS: &[&str] = &["name", "version", "description"];
pub const CALENDAR_KEYS: &[&str] = &["timezone", "workdays", "holidays", "makeup_workdays"];
pub const SCORING_KEYS: &[&str] = &["base", "min_cases", "normalize_per", "caps", "bands"];
pub const BAND_KEYS: &[&str] = &["min", "grade", "coefficient"];
pub const DISCIPLINE_KEYS: &[&str] = &["action", "min_violations", "rules", "severity", "count"];
pub const INPUT_KEYS: &[&str] = &["encoding", "date_order", "aliases"];
pub const RULE_KEYS: &[&str] = &[
    "id",
    "title",
    "kind",
    "severity",
    "points",
    "responsible",
    "fatal",
    "when",
    "basis",
    "enabled",
    "description",
    "from",
    "to",
    "to_if_missing",
    "within",
    "clock",
    "fields",
    "require",
    "phrases",
    "allow",
    "customer_labels",
    "speakers",
    "allowed",
    "max_handoffs",
    "no_retransfer",
    "ping_pong",
    "slip_required_for_multi_department",
    "cross_center_via_manager",
    "checks",
    "findings",
];

/// Every key of the file that no table accepts: (span, key, where, accepted keys).
pub fn unknown_keys(text: &str) -> Vec<(std::ops::Range<usize>, String, &'static [&'static str])> {
    use toml::de::{DeTable, DeValue};
    let Ok(root) = DeTable::parse(text) else {
        return vec![]; // a syntax error: serde reports it with its position
    };
    let mut out = vec![];
    let check = |table: &DeTable<'_>, keys: &'static [&'static str], out: &mut Vec<_>| {
        for (k, _) in table.iter() {
            if !keys.contains(&k.get_ref().as_ref()) {
                out.push((k.span(), k.get_ref().to_string(), keys));
            }
        }
    };
    check(root.get_ref(), TOP_KEYS, &mut out);
    for (k, v) in root.get_ref().iter() {
        let keys = match k.get_ref().as_ref() {
            "meta" => META_KEYS,
            "calendar" => CALENDAR_KEYS,
            "scoring" => SCORING_KEYS,
            "input" => INPUT_KEYS,
            "rule" => RULE_KEYS,
            "discipline" => DISCIPLINE_KEYS,
            _ => continue,
        };
        match v.get_ref() {
            DeValue::Table(t) => {
                check(t, keys, &mut out);
                if let Some(DeValue::Array(bands)) = t
                    .iter()
                    .find(|(k, _)| keys == SCORING_KEYS && k.get_ref() == "bands")
                    .map(|(_, v)| v.get_ref())
                {
                    for b in bands.iter() {
                        if let DeValue::Table(bt) = b.get_ref() {
                            check(bt, BAND_KEYS, &mut out);
                        }
                    }
                }
            }
            DeValue::Array(a) => {
                for item in a.iter() {
                    if let DeValue::Table(t) = item.get_ref() {
                        check(t, keys, &mut out);
                    }
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|(span, _, _)| span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key lists must equal what serde accepts: serde's own "expected one of" list.
    #[test]
    fn key_lists_match_the_structs() {
        for (doc, keys) in [
            ("zzz = 1", TOP_KEYS),
            ("[meta]\nzzz = 1", META_KEYS),
            ("[calendar]\nzzz = 1", CALENDAR_KEYS),
            ("[scoring]\nzzz = 1", SCORING_KEYS),
            ("[input]\nzzz = 1", INPUT_KEYS),
            ("[[rule]]\nzzz = 1", RULE_KEYS),
            ("[[discipline]]\nzzz = 1", DISCIPLINE_KEYS),
            ("[[scoring.bands]]\nzzz = 1", BAND_KEYS),
        ] {
            let e = toml::from_str::<RawRules>(doc)
                .unwrap_err()
                .message()
                .to_string();
            let listed: Vec<&str> = e.split('`').skip(3).step_by(2).collect();
            assert_eq!(listed, keys, "{doc}: {e}");
            assert_eq!(unknown_keys(doc).len(), 1, "{doc}");
        }
    }
}
