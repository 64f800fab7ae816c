//! `shouwen explain-score EMPLOYEE_ID --report DIR`: how one employee's score, grade,
//! coefficient, pay and discipline follow from the violations in a report folder.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::rules::{self, fmt_points};

use crate::report::{read_rows, ReportRow as Row};

/// The explanation text.
pub fn explain_score(employee: &str, report: &Path) -> Result<String> {
    let manifest_path = report.join("manifest.json");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).map_err(|e| {
            Error::input(
                manifest_path.display().to_string(),
                format!("not a report folder: {e}"),
            )
        })?)
        .map_err(|e| Error::input(manifest_path.display().to_string(), e.to_string()))?;
    let audited_with = m["rules"]["path"].as_str().unwrap_or_default().to_string();
    // The copy the audit wrote into the folder, wherever the folder now is; a report
    // written before copies were made names the file it was audited with.
    let copy = report.join("rules.toml");
    let (set, rules_path) = if copy.exists() {
        let set = rules::load(&copy)?;
        (set, format!("{audited_with} (copy in {})", copy.display()))
    } else {
        let set = rules::load(Path::new(audited_with.trim_end_matches(" (built in)")))?;
        (set, audited_with)
    };
    let mut out = String::new();
    if set.sha256 != m["rules"]["sha256"].as_str().unwrap_or_default() {
        let _ = writeln!(
            out,
            "warning: {rules_path} changed since the audit; bands and steps below are today's"
        );
    }
    let cards = read_rows(&report.join("scorecards.csv"))?;
    // The id as the audit joins it: ０１０７ or 107 is the report's 0107 when no other
    // employee has that number.
    let asked = employee;
    let folded = crate::input::schema::fold_id(asked);
    let exact = cards
        .iter()
        .find(|c| c["employee_id"] == asked)
        .or_else(|| cards.iter().find(|c| c["employee_id"] == folded));
    let employee: &str = match exact {
        Some(c) => {
            if c["employee_id"] != asked {
                let _ = writeln!(out, "note: {asked} read as {}", c["employee_id"]);
            }
            &c["employee_id"]
        }
        None => {
            let key = id_key(asked);
            let same: Vec<&Row> = cards
                .iter()
                .filter(|c| key.is_some() && id_key(&c["employee_id"]) == key)
                .collect();
            match same.as_slice() {
                [one] => {
                    let _ = writeln!(out, "note: {asked} read as {}", one["employee_id"]);
                    &one["employee_id"]
                }
                [] => asked,
                many => {
                    let ids: Vec<&str> = many.iter().map(|c| c["employee_id"].as_str()).collect();
                    return Err(Error::Usage(format!(
                        "{asked} is the number of more than one employee in {}: {}; give the id as the report writes it",
                        report.join("scorecards.csv").display(),
                        ids.join(", ")
                    )));
                }
            }
        }
    };
    let Some(card) = cards.iter().find(|c| c["employee_id"] == employee) else {
        let ids: Vec<&str> = cards.iter().map(|c| c["employee_id"].as_str()).collect();
        return Err(Error::Usage(format!(
            "no employee {employee} in {}{}",
            report.join("scorecards.csv").display(),
            rules::did_you_mean(employee, &ids)
        )));
    };
    let pay = read_rows(&report.join("pay.csv"))?;
    let pay = pay.iter().find(|p| p["employee_id"] == employee);
    let viol: Vec<Row> = read_rows(&report.join("violations.csv"))?
        .into_iter()
        .filter(|v| v["employee_id"] == employee)
        .collect();
    let sc = &set.scoring;
    let _ = writeln!(
        out,
        "{} {} — {} {} {}, period {}, rules {}",
        employee,
        card["name"],
        card["center"],
        card["department"],
        card["role"],
        m["period"].as_str().unwrap_or(""),
        rules_path
    );
    let _ = writeln!(
        out,
        "first-responded cases: {}{}\n\nViolations charged:",
        card["cases"],
        card.get("cases_handled")
            .filter(|h| *h != &card["cases"])
            .map(|h| format!("; cases handled (first responded or handed to them): {h}"))
            .unwrap_or_default()
    );
    let mut per_rule: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for v in &viol {
        let waived = v["waived"] == "true";
        let _ = writeln!(
            out,
            "  {:<10} {:<22} {:<8} {:>5}  {}{}  [{}]",
            v["case_id"],
            v["rule_id"],
            v["severity"],
            v["points"],
            v["evidence"],
            if waived {
                format!("  (waived: {})", v["waiver_reason"])
            } else {
                String::new()
            },
            v["source"]
        );
        if !waived {
            let e = per_rule.entry(v["rule_id"].as_str()).or_default();
            e.0 += 1;
            e.1 += v["points"].parse::<f64>().unwrap_or(0.0);
        }
    }
    if viol.is_empty() {
        let _ = writeln!(out, "  none");
    } else {
        // Each rule broken with the clause it cites: what is shown to the employee.
        let _ = writeln!(out, "\nClauses (basis) of the rules broken:");
        let ids: std::collections::BTreeSet<&str> =
            viol.iter().map(|v| v["rule_id"].as_str()).collect();
        for id in ids {
            match set.rules.iter().find(|r| r.id == id) {
                Some(r) if !r.basis.trim().is_empty() => {
                    let _ = writeln!(out, "  {id:<22} {}：{}", r.title, r.basis.trim());
                }
                Some(r) => {
                    let _ = writeln!(out, "  {id:<22} {}：(no basis in the rules file)", r.title);
                }
                None => {
                    let _ = writeln!(out, "  {id:<22} (not in {rules_path})");
                }
            }
        }
    }
    let _ = writeln!(out, "\nPoints per rule (non-waived):");
    let mut capped_total = 0.0;
    for (id, (n, pts)) in &per_rule {
        let cap = sc.caps.get(*id).copied();
        let capped = cap.map(|c| pts.min(c)).unwrap_or(*pts);
        capped_total += capped;
        let _ = writeln!(
            out,
            "  {id:<22} {n} violation(s), {} point(s){}",
            fmt_points(*pts),
            match cap {
                Some(c) if c < *pts => format!(", capped at {}", fmt_points(c)),
                _ => String::new(),
            }
        );
    }
    let cases: f64 = card["cases"].parse().unwrap_or(0.0);
    let deducted = match sc.normalize_per {
        Some(n) => {
            // rounded as scorecards.csv rounds it (0.625 → 0.63), not as `{:.2}` would
            let d = crate::audit::round2(capped_total * n / cases.max(n));
            let _ = writeln!(
                out,
                "  total {} × {} / max({} cases, {}) = {:.2} points (per {} cases; rounded to 0.01, the band reads the score so rounded)",
                fmt_points(capped_total),
                fmt_points(n),
                cases,
                fmt_points(n),
                d,
                fmt_points(n)
            );
            d
        }
        None => {
            let _ = writeln!(out, "  total {} points", fmt_points(capped_total));
            crate::audit::round2(capped_total)
        }
    };
    let _ = writeln!(
        out,
        "\nScore: {} − {:.2} = {}",
        fmt_points(sc.base),
        deducted,
        card["score"]
    );
    let grade = &card["grade"];
    let why = if grade == crate::audit::TOO_FEW_CASES {
        format!(
            "fewer than min_cases = {} cases handled (first responded or handed to them): not graded, coefficient 1.00",
            sc.min_cases
        )
    } else if viol
        .iter()
        .any(|v| v["waived"] != "true" && set.rules.iter().any(|r| r.fatal && r.id == v["rule_id"]))
    {
        "a fatal rule was broken: the lowest band whatever the score".to_string()
    } else {
        let score: f64 = card["score"].parse().unwrap_or(f64::NAN);
        sc.bands
            .iter()
            .find(|b| b.grade == *grade)
            .map(|b| {
                if score < b.min {
                    format!(
                        "score below every band's minimum (the lowest is {}) → the last band, {}",
                        fmt_points(b.min),
                        b.grade
                    )
                } else {
                    format!("score ≥ {} → band {}", fmt_points(b.min), b.grade)
                }
            })
            .unwrap_or_default()
    };
    let _ = writeln!(out, "Grade: {grade} ({why})");
    if let Some(p) = pay {
        if p["base_pay"].is_empty() {
            let _ = writeln!(
                out,
                "Pay: coefficient {}; no base pay (绩效工资基数) in the roster, so no amount",
                p["coefficient"]
            );
        } else {
            let _ = writeln!(
                out,
                "Pay: {} × {} = {} (delta {})",
                p["base_pay"], p["coefficient"], p["adjusted_pay"], p["delta"]
            );
        }
        let step = &p["discipline"];
        if step.is_empty() {
            let _ = writeln!(out, "Discipline: none reached");
        } else if let Some(d) = set.discipline.iter().find(|d| d.action == *step) {
            let _ = writeln!(
                out,
                "Discipline: {step} ({} or more {}{}{})",
                d.min_violations,
                if d.by_case {
                    "cases or spot checks with a violation"
                } else {
                    "violations"
                },
                if d.rules.is_empty() {
                    String::new()
                } else {
                    format!(" of {}", d.rules.join(", "))
                },
                d.severity
                    .map(|s| format!(" of severity {} or worse", s.name()))
                    .unwrap_or_default()
            );
        }
    }
    // A partial audit (--select/--ignore, or a rule that could not run) looks complete in
    // pay.csv: say which rules this score does not include.
    let skipped: Vec<String> = m["rule_runs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|run| run["status"] != "ran")
        .map(|run| {
            let id = run["id"].as_str().unwrap_or_default();
            let status = run["status"].as_str().unwrap_or_default();
            match run["reason"].as_str() {
                Some(why) => format!("{id} ({status}: {why})"),
                None => format!("{id} ({status})"),
            }
        })
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(
            out,
            "\nNot applied in this audit, so not in this score: {}",
            skipped.join("; ")
        );
    }
    Ok(out)
}

/// An all-digit employee id's number, as the audit joins such ids
/// ([`crate::input::schema::id_number`]), also written in full-width digits: `０１０７`,
/// `107` and `0107` are 107. `None` for any other id (`E3` is not `E03`: the audit does
/// not join those either).
fn id_key(id: &str) -> Option<String> {
    let folded = crate::input::schema::fold_id(id);
    crate::input::schema::id_number(&folded).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_all_digit_id_is_read_by_its_number() {
        assert_eq!(id_key("0107").as_deref(), Some("107"));
        assert_eq!(id_key("107").as_deref(), Some("107"));
        assert_eq!(id_key("０１０７").as_deref(), Some("107"));
        assert_eq!(id_key("E03"), None);
        assert_eq!(id_key("E3"), None);
        assert_eq!(id_key(""), None);
    }
}
