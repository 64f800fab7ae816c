//! `shouwen compare REPORT_A REPORT_B`: month over month, per employee and per center.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::{Error, Result};

use crate::report::{read_rows, Cell, ReportRow as Row, Sheet};

/// A table of a report folder, checked: the columns the comparison reads are there,
/// and those of `numeric` hold numbers where not empty. An edited or foreign file is
/// refused with its line, not read as "no score".
fn read_table(
    dir: &Path,
    file: &str,
    required: &[&str],
    (numeric, filled): (&[&str], &[&str]),
) -> Result<Vec<Row>> {
    let path = dir.join(file);
    let disp = path.display().to_string();
    let rows = read_rows(&path)?;
    if let Some(first) = rows.first() {
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !first.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(Error::input(
                disp,
                format!(
                    "no column {}: not a {file} written by shouwen audit",
                    missing.join(", ")
                ),
            ));
        }
    }
    for (i, row) in rows.iter().enumerate() {
        for c in filled {
            if row.get(*c).is_none_or(|v| v.trim().is_empty()) {
                return Err(Error::input(
                    format!("{disp}:{}", i + 2),
                    format!("{c} is empty, which shouwen never writes: the file was edited"),
                ));
            }
        }
        for c in numeric {
            let v = row.get(*c).map(String::as_str).unwrap_or("");
            if !v.is_empty() && v.parse::<f64>().map_or(true, |x| !x.is_finite()) {
                return Err(Error::input(
                    format!("{disp}:{}", i + 2),
                    format!("{c} {v:?} is not a number: the file was edited or is not shouwen's"),
                ));
            }
        }
    }
    Ok(rows)
}

fn scorecards(dir: &Path) -> Result<Vec<Row>> {
    read_table(
        dir,
        "scorecards.csv",
        &["employee_id", "name", "score", "grade"],
        (&["score"], &["employee_id", "score"]),
    )
}

fn centers(dir: &Path) -> Result<Vec<Row>> {
    read_table(
        dir,
        "centers.csv",
        &["center", "violations_per_100", "rank"],
        (
            &["violations_per_100", "rank"],
            &["violations_per_100", "rank"],
        ),
    )
}

/// A report folder as `compare` needs it: its manifest read (the period and rules that
/// the warnings compare come from it), else it is no report.
pub fn check_report(dir: &Path) -> Result<()> {
    let disp = dir.display().to_string();
    let text = std::fs::read_to_string(dir.join("manifest.json")).map_err(|e| {
        Error::input(
            &disp,
            format!("not a shouwen report folder: manifest.json: {e}"),
        )
    })?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| Error::input(&disp, format!("manifest.json: {e}")))?;
    Ok(())
}

fn rules_by_employee(dir: &Path) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for v in read_table(
        dir,
        "violations.csv",
        &["employee_id", "rule_id", "waived"],
        (&[], &[]),
    )? {
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
    // Months compare as text (`2026-09` < `2026-10`); `empty` names none.
    if let (Some(x), Some(y)) = (&pa, &pb) {
        let month = |p: &str| p.len() == 7 && p.as_bytes()[4] == b'-';
        if month(x) && month(y) && x > y {
            out.push(format!(
                "warning: report A is of {x}, later than report B ({y}): B is read as the later month, so \"newly violated\" means violated in {y} and not in {x}; give the earlier report first"
            ));
        }
    }
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
    check_report(a)?;
    check_report(b)?;
    compare_with(a, b, rules_ran(b))
}

/// The first line `compare` writes: a file starting with it may be written over.
pub fn is_comparison(path: &Path) -> bool {
    use std::io::BufRead;
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut first = String::new();
    let _ = std::io::BufReader::new(f).read_line(&mut first);
    first.trim_start_matches('\u{feff}').trim_end() == HEADER.join(",")
}

const HEADER: [&str; 20] = [
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
];

/// [`compare`], with the rules that ran in `b` given: `b` may be a report still being
/// written (`audit --previous`), whose manifest is written last.
pub fn compare_with(
    a: &Path,
    b: &Path,
    ran_in_b: Option<BTreeSet<String>>,
) -> Result<(crate::report::Sheet, String)> {
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    let mut out = vec![header];
    let mut table = String::new();
    let (sa, sb) = (scorecards(a)?, scorecards(b)?);
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
        // Only an employee in both reports can be newly or no longer in breach: one who
        // is in one report alone (left, joined, another city) has no change to show.
        let (newly, gone): (Vec<&String>, Vec<&String>) = if x.is_some() && y.is_some() {
            (vb.difference(va).collect(), va.difference(vb).collect())
        } else {
            (vec![], vec![])
        };
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
    let (ca, cb) = (centers(a)?, centers(b)?);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn report(period: &str) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("manifest.json"),
            format!("{{\"period\": \"{period}\"}}"),
        )
        .unwrap();
        d
    }

    /// `compare OCT SEP` reads September as the later month: said, not silent.
    #[test]
    fn reports_given_latest_first_are_warned_about() {
        let (sep, oct) = (report("2026-09"), report("2026-10"));
        let later = |a: &Path, b: &Path| {
            warnings(a, b)
                .iter()
                .any(|w| w.contains("later than report B"))
        };
        assert!(later(oct.path(), sep.path()));
        assert!(!later(sep.path(), oct.path()));
        assert!(!later(oct.path(), report("empty").path()));
    }
}
