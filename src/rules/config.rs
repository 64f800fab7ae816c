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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInput {
    /// `auto` (default), `utf-8`, `gbk` / `gb18030`.
    pub encoding: Option<S<String>>,
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
    pub within: Option<S<String>>,
    pub clock: Option<S<String>>,
    // required
    pub fields: Option<S<Vec<S<String>>>>,
    // expression
    pub require: Option<S<String>>,
}

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
        add("within", self.within.as_ref().map(|s| s.span()));
        add("clock", self.clock.as_ref().map(|s| s.span()));
        add("fields", self.fields.as_ref().map(|s| s.span()));
        add("require", self.require.as_ref().map(|s| s.span()));
        v
    }
}
