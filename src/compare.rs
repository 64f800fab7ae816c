//! `shouwen compare REPORT_A REPORT_B`: month over month, per employee and per center.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::Result;

use crate::report::{read_rows, Cell, ReportRow as Row, Sheet};

fn rules_by_employee(dir: &Path) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for v in read_rows(&dir.join("violations.csv"))? {
        if v["waived"] != "true" {
            m.entry(v["employee_id"].clone())
                .or_default()
                .insert(v["rule_id"].clone());
        }
    }
    Ok(m)
}

fn num(s: Option<&String>) -> Option<f64> {
    s.and_then(|s| s.parse().ok())
}

fn delta(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:+.2}", b - a),
        _ => String::new(),
    }
}

/// The KPIs of both months, side by side.
fn kpi_cells(a: Option<&Row>, b: Option<&Row>) -> Vec<String> {
    let get = |r: Option<&Row>, k: &str| r.and_then(|r| r.get(k)).cloned().unwrap_or_default();
    [
        "on_time_response_rate",
        "resolution_rate",
        "satisfaction_rate",
    ]
    .iter()
    .flat_map(|k| [get(a, k), get(b, k)])
    .collect()
}

/// The period a report folder's manifest names, if it can be read.
pub fn report_period(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let m: serde_json::Value = serde_json::from_str(&text).ok()?;
    m["period"].as_str().map(str::to_string)
}

/// A warning when two reports are of one month (a rerun, a copied folder): comparing
/// them says nothing over time. None for different periods or an unknown one (`empty`:
/// no case had a receipt time to name a month by).
pub fn same_period_warning(a: Option<&str>, b: Option<&str>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if a == b && a != "empty" && !a.is_empty() => Some(format!(
            "warning: both reports are of period {a}: this compares two audits of one month, not one month with another"
        )),
        _ => None,
    }
}

fn manifest(dir: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// The rules that ran in a report (its manifest's `rule_runs` with status `ran`); `None`
/// when the manifest cannot be read.
fn rules_ran(dir: &Path) -> Option<BTreeSet<String>> {
    let m = manifest(dir)?;
    Some(
        m["rule_runs"]
            .as_array()?
            .iter()
            .filter(|r| r["status"] == "ran")
            .filter_map(|r| r["id"].as_str().map(str::to_string))
            .collect(),
    )
}

/// What makes two reports not comparable, each as a warning for the terminal: the same
/// month twice, different rules files, a rule that ran in only one of them (its
/// violations are then left out of "newly" and "no longer violated"), no employee or
/// center in common.
pub fn warnings(a: &Path, b: &Path) -> Vec<String> {
    let mut out = vec![];
    let (pa, pb) = (report_period(a), report_period(b));
    out.extend(same_period_warning(pa.as_deref(), pb.as_deref()));
    let (ma, mb) = (manifest(a), manifest(b));
    if let (Some(ma), Some(mb)) = (&ma, &mb) {
        let sha = |m: &serde_json::Value| m["rules"]["sha256"].as_str().map(str::to_string);
        if let (Some(x), Some(y)) = (sha(ma), sha(mb)) {
            if x != y {
                out.push(format!(
                    "warning: the reports were audited with different rules files (sha256 {} and {}): a change of score may come from the rules, not the work",
                    x.chars().take(12).collect::<String>(),
                    y.chars().take(12).collect::<String>()
                ));
            }
        }
    }
    if let (Some(ra), Some(rb)) = (rules_ran(a), rules_ran(b)) {
        let only: Vec<String> = ra.symmetric_difference(&rb).cloned().collect();
        if !only.is_empty() {
            out.push(format!(
                "warning: rule(s) {} ran in only one of the reports: left out of newly / no longer violated",
                only.join(", ")
            ));
        }
    }
    let ids = |dir: &Path, file: &str, col: &str| -> BTreeSet<String> {
        read_rows(&dir.join(file))
            .map(|rows| rows.iter().filter_map(|r| r.get(col).cloned()).collect())
            .unwrap_or_default()
    };
    let shared_people = ids(a, "scorecards.csv", "employee_id")
        .intersection(&ids(b, "scorecards.csv", "employee_id"))
        .count();
    let shared_centers = ids(a, "centers.csv", "center")
        .intersection(&ids(b, "centers.csv", "center"))
        .count();
    if shared_people == 0 && shared_centers == 0 {
        out.push(
            "warning: the reports share no employee and no service center: nothing is compared, each side is listed alone"
                .to_string(),
        );
    }
    out
}

/// The comparison as CSV rows (`kind, id, name, …`) and a terminal table.
pub fn compare(a: &Path, b: &Path) -> Result<(crate::report::Sheet, String)> {
    compare_with(a, b, rules_ran(b))
}

/// [`compare`], with the rules that ran in `b` given: `b` may be a report still being
/// written (`audit --previous`), whose manifest is written last.
pub fn compare_with(
    a: &Path,
    b: &Path,
    ran_in_b: Option<BTreeSet<String>>,
) -> Result<(crate::report::Sheet, String)> {
    let header: Vec<String> = [
        "kind",
        "id",
        "name",
        "score_a",
        "score_b",
        "score_delta",
        "grade_a",
        "grade_b",
        "violations_per_100_a",
        "violations_per_100_b",
        "rank_a",
        "rank_b",
        "newly_violated",
        "no_longer_violated",
        "on_time_response_rate_a",
        "on_time_response_rate_b",
        "resolution_rate_a",
        "resolution_rate_b",
        "satisfaction_rate_a",
        "satisfaction_rate_b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut out = vec![header];
    let mut table = String::new();
    let (sa, sb) = (
        read_rows(&a.join("scorecards.csv"))?,
        read_rows(&b.join("scorecards.csv"))?,
    );
    let (mut ra, mut rb) = (rules_by_employee(a)?, rules_by_employee(b)?);
    // A rule that ran in only one report says nothing about a change: left out.
    if let (Some(x), Some(y)) = (rules_ran(a), ran_in_b) {
        let both: BTreeSet<String> = x.intersection(&y).cloned().collect();
        for m in [&mut ra, &mut rb] {
            for rules in m.values_mut() {
                rules.retain(|r| both.contains(r));
            }
        }
    }
    let by_id = |v: &[Row]| -> BTreeMap<String, Row> {
        v.iter()
            .map(|r| (r["employee_id"].clone(), r.clone()))
            .collect()
    };
    let (ma, mb) = (by_id(&sa), by_id(&sb));
    let ids: BTreeSet<&String> = ma.keys().chain(mb.keys()).collect();
    let empty = BTreeSet::new();
    table.push_str(&format!(
        "{:<10} {:<8} {:>7} {:>7} {:>8}  {:<5}  changes\n",
        "employee", "name", "score A", "score B", "delta", "grade"
    ));
    for id in ids {
        let (x, y) = (ma.get(id), mb.get(id));
        let name = y.or(x).map(|r| r["name"].clone()).unwrap_or_default();
        let (va, vb) = (ra.get(id).unwrap_or(&empty), rb.get(id).unwrap_or(&empty));
        let newly: Vec<&String> = vb.difference(va).collect();
        let gone: Vec<&String> = va.difference(vb).collect();
        let join = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
        let (score_a, score_b) = (num(x.map(|r| &r["score"])), num(y.map(|r| &r["score"])));
        let grade = |r: Option<&Row>| r.map(|r| r["grade"].clone()).unwrap_or_default();
        out.push(vec![
            "employee".into(),
            id.clone(),
            name.clone(),
            x.map(|r| r["score"].clone()).unwrap_or_default(),
            y.map(|r| r["score"].clone()).unwrap_or_default(),
            delta(score_a, score_b),
            grade(x),
            grade(y),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            join(&newly),
            join(&gone),
        ]);
        let last = out.len() - 1;
        out[last].extend(kpi_cells(x, y));
        let changes = [
            (!newly.is_empty()).then(|| format!("+{}", join(&newly))),
            (!gone.is_empty()).then(|| format!("-{}", join(&gone))),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        table.push_str(&format!(
            "{:<10} {:<8} {:>7} {:>7} {:>8}  {:<5}  {changes}\n",
            id,
            name,
            score_a.map(|s| format!("{s}")).unwrap_or("-".into()),
            score_b.map(|s| format!("{s}")).unwrap_or("-".into()),
            delta(score_a, score_b),
            format!("{}→{}", grade(x), grade(y)),
        ));
    }
    let (ca, cb) = (
        read_rows(&a.join("centers.csv"))?,
        read_rows(&b.join("centers.csv"))?,
    );
    let by_center = |v: &[Row]| -> BTreeMap<String, Row> {
        v.iter().map(|r| (r["center"].clone(), r.clone())).collect()
    };
    let (ma, mb) = (by_center(&ca), by_center(&cb));
    let centers: BTreeSet<&String> = ma.keys().chain(mb.keys()).collect();
    table.push_str(&format!(
        "\n{:<24} {:>10} {:>10} {:>8}  rank\n",
        "center", "per100 A", "per100 B", "delta"
    ));
    for c in centers {
        let (x, y) = (ma.get(c), mb.get(c));
        let get = |r: Option<&Row>, k: &str| r.map(|r| r[k].clone()).unwrap_or_default();
        let (pa, pb) = (
            num(x.map(|r| &r["violations_per_100"])),
            num(y.map(|r| &r["violations_per_100"])),
        );
        out.push(vec![
            "center".into(),
            c.clone(),
            c.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            get(x, "violations_per_100"),
            get(y, "violations_per_100"),
            get(x, "rank"),
            get(y, "rank"),
            String::new(),
            String::new(),
        ]);
        let last = out.len() - 1;
        out[last].extend(kpi_cells(x, y));
        table.push_str(&format!(
            "{:<24} {:>10} {:>10} {:>8}  {}→{}\n",
            c,
            get(x, "violations_per_100"),
            get(y, "violations_per_100"),
            delta(pa, pb),
            get(x, "rank"),
            get(y, "rank")
        ));
    }
    // Text columns (ids, names, grades, rule lists) are written as text, neutralised
    // against formulas; the rest are numbers.
    const TEXT: [usize; 7] = [0, 1, 2, 6, 7, 12, 13];
    let mut rows = out.into_iter();
    let header = rows.next().unwrap_or_default();
    let rows = rows
        .map(|r| {
            r.into_iter()
                .enumerate()
                .map(|(i, c)| {
                    if TEXT.contains(&i) {
                        Cell::Text(c)
                    } else {
                        Cell::Num(c)
                    }
                })
                .collect()
        })
        .collect();
    Ok((Sheet { header, rows }, table))
}
