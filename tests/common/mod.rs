//! Helpers the integration tests share (tests/audit.rs, tests/xlsx_inputs.rs): where the
//! project and its rules are, a dataset of one cases file, and what an audit found.
#![allow(dead_code)] // each test crate uses its own subset

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use shouwen::audit::AuditResult;
use shouwen::input::{DatasetFiles, InputFile};
use shouwen::rules;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn default_rules() -> rules::RuleSet {
    rules::load(&root().join("rules/default.toml")).expect("default rules are valid")
}

pub fn cases_only(p: &Path) -> DatasetFiles {
    DatasetFiles {
        cases: vec![InputFile::new(p)],
        ..DatasetFiles::default()
    }
}

/// (case_id, rule_id, employee_id, waived) of every violation.
pub fn verdicts(r: &AuditResult) -> BTreeSet<(String, String, String, bool)> {
    r.violations
        .iter()
        .map(|v| {
            (
                v.case_id(&r.cases).to_string(),
                r.rules.rules[v.rule].id.clone(),
                v.employee_id.to_string(),
                v.waiver.is_some(),
            )
        })
        .collect()
}

/// Rows read = audited + rejected per input, and every rejected row listed under its
/// input.
pub fn assert_reconciles(r: &AuditResult) {
    for s in &r.stats {
        assert_eq!(s.rows_read, s.rows_audited + s.rows_rejected, "{}", s.path);
        let listed = r.rejected.iter().filter(|x| x.file == s.path).count();
        assert_eq!(listed, s.rows_rejected, "{}", s.path);
    }
    let rejected_total: usize = r.stats.iter().map(|s| s.rows_rejected).sum();
    assert_eq!(rejected_total, r.rejected.len());
}

/// The evidence of case `id`'s first violation.
pub fn evidence(r: &AuditResult, id: &str) -> String {
    r.violations
        .iter()
        .find(|v| v.case_id(&r.cases) == id)
        .map(|v| v.evidence.to_string())
        .unwrap_or_else(|| panic!("no violation of {id}"))
}
