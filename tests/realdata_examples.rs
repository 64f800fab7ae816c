//! The consultants' real-data examples: `rules/examples/nyc311.toml` and
//! `rules/examples/la311.toml` audit public 311 exports as they were published.
//!
//! These tests read real public data nobody here wrote, in `../shared/realdata/`
//! (NYC Open Data 311 and MyLA311 slices; see the SOURCE.md beside each file). That
//! folder is NOT copied into the project: when a file is absent its test prints a note
//! and passes without checking anything.
//!
//! Each test runs the `shouwen` binary on one export and checks its report against a
//! count made here, independently of shouwen's reader and rule engine, from the raw CSV
//! with the csv crate and chrono-tz:
//! - a closed row is late when Closed − Created > 7 × 24 h of real elapsed time
//!   (exactly 7 days is on time);
//! - an open row is late when as_of − Created > 7 days, else pending, where as_of is the
//!   latest Created/Closed time of the audited rows (shouwen's as-of without --period);
//! - a row is rejected when it was closed before it was created (e.g. NYC's
//!   `01/01/1900` placeholder, LA's date-only ClosedDate on the creation day) or, for
//!   LA, when it names no crew (AssignTo, the first responder, is required).
//!
//! Run with `-- --nocapture` to see each export's per-agency late table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Datelike, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

const SEVEN_DAYS_MS: i64 = 7 * 24 * 3_600_000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// How one export's raw headers are read by this test (not by shouwen).
struct Export {
    /// Under ../shared/realdata/.
    file: &'static str,
    /// Under rules/examples/.
    rules: &'static str,
    tz: Tz,
    id: &'static str,
    created: &'static str,
    closed: &'static str,
    /// The center column (an agency).
    center: &'static str,
    /// The first-responder column when it differs from the center; a row leaving it
    /// empty is rejected.
    responder: Option<&'static str>,
}

const NYC: Export = Export {
    file: "nyc311/311_subset.micro.csv",
    rules: "nyc311.toml",
    tz: chrono_tz::America::New_York,
    id: "Unique Key",
    created: "Created Date",
    closed: "Closed Date",
    center: "Agency",
    responder: None,
};

const fn la(file: &'static str) -> Export {
    // The same names serve the 2017/2018 (CreatedDate) and 2020 (createddate) spellings:
    // headers are looked up here ignoring case, as shouwen does.
    Export {
        file,
        rules: "la311.toml",
        tz: chrono_tz::America::Los_Angeles,
        id: "SRNumber",
        created: "CreatedDate",
        closed: "ClosedDate",
        center: "Owner",
        responder: Some("AssignTo"),
    }
}

/// What this test expects of one export, computed from the raw rows.
#[derive(Default)]
struct Expected {
    rows: usize,
    /// Line numbers of the rows that must be rejected, with why (for the printout).
    rejected: BTreeMap<u64, &'static str>,
    late: BTreeSet<String>,
    pending: BTreeSet<String>,
    as_of: i64,
    /// Every center value in the file, audited or not.
    all_centers: BTreeSet<String>,
    /// center → (audited cases, late).
    per_center: BTreeMap<String, (usize, usize)>,
}

/// `03/01/2011 02:27:57 PM` (NYC, LA 2017/2018) or `2020-01-01 00:05:00` (LA 2020).
fn parse_local(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    ["%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| panic!("timestamp {s:?} in none of the formats this test knows"))
}

/// Local wall-clock time → UTC milliseconds. A fall-back (ambiguous) time is read as
/// its earlier instant; a time inside a spring-forward gap does not occur in these
/// exports, and the test stops rather than guess should one appear.
fn utc_ms(t: NaiveDateTime, tz: Tz) -> i64 {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(d) => d.timestamp_millis(),
        LocalResult::Ambiguous(early, _) => early.timestamp_millis(),
        LocalResult::None => panic!("{t} does not exist in {tz} (DST gap): decide a policy"),
    }
}

fn expected(ex: &Export, path: &Path) -> Expected {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("{}: no column {name}", path.display()))
    };
    let (id, created, closed, center) =
        (col(ex.id), col(ex.created), col(ex.closed), col(ex.center));
    let responder = ex.responder.map(col);

    let mut e = Expected::default();
    // (id, center, created, closed) of the rows that will be audited.
    let mut audited: Vec<(String, String, i64, Option<i64>)> = vec![];
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let line = rec.position().unwrap().line();
        e.rows += 1;
        e.all_centers.insert(rec[center].trim().to_string());
        for c in [id, created, center] {
            assert!(
                !rec[c].trim().is_empty(),
                "line {line}: empty {}",
                &headers[c]
            );
        }
        if responder.is_some_and(|r| rec[r].trim().is_empty()) {
            e.rejected.insert(line, "no first responder (crew)");
            continue;
        }
        let created_at = parse_local(&rec[created]).unwrap();
        let c = utc_ms(created_at, ex.tz);
        // 01/01/1900 on an open case is a placeholder: no closure.
        let closed_at = parse_local(&rec[closed]).filter(|t| t.year() != 1900);
        // A closure at 00:00:00 on the day of creation, hours before it, is that date
        // alone: closed that day at an unknown hour, so its latest instant stands.
        let d = closed_at.map(|t| {
            let date_alone = t.time() == chrono::NaiveTime::MIN
                && t.date() == created_at.date()
                && t < created_at;
            if date_alone {
                utc_ms(t.date().and_hms_milli_opt(23, 59, 59, 999).unwrap(), ex.tz)
            } else {
                utc_ms(t, ex.tz)
            }
        });
        if d.is_some_and(|d| d < c) {
            e.rejected.insert(line, "closed before created");
            continue;
        }
        audited.push((
            rec[id].trim().to_string(),
            rec[center].trim().to_string(),
            c,
            d,
        ));
    }
    let ids: BTreeSet<&str> = audited.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(ids.len(), audited.len(), "duplicate ids: not expected here");

    e.as_of = audited
        .iter()
        .flat_map(|(_, _, c, d)| [Some(*c), *d])
        .flatten()
        .max()
        .unwrap();
    for (id, center, c, d) in audited {
        let late = match d {
            Some(d) => d - c > SEVEN_DAYS_MS,
            None => e.as_of - c > SEVEN_DAYS_MS,
        };
        let entry = e.per_center.entry(center).or_default();
        entry.0 += 1;
        if late {
            entry.1 += 1;
            e.late.insert(id);
        } else if d.is_none() {
            e.pending.insert(id);
        }
    }
    e
}

fn read_csv(p: &Path) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The consultant's view: agencies ranked by their share of late requests.
fn print_late_table(ex: &Export, e: &Expected) {
    let mut rows: Vec<(&String, usize, usize, f64)> = e
        .per_center
        .iter()
        .map(|(c, &(n, l))| (c, n, l, 100.0 * l as f64 / n as f64))
        .collect();
    rows.sort_by(|a, b| b.3.total_cmp(&a.3).then(b.1.cmp(&a.1)).then(a.0.cmp(b.0)));
    println!("\n{} — RESOLVE-7D by agency (center), worst first", ex.file);
    println!(
        "{:<10} {:>6} {:>6} {:>7}",
        "agency", "cases", "late", "late %"
    );
    for (c, n, l, pct) in &rows {
        println!("{c:<10} {n:>6} {l:>6} {pct:>6.1}%");
    }
    let n: usize = rows.iter().map(|r| r.1).sum();
    println!(
        "{:<10} {:>6} {:>6} {:>6.1}%   pending {}, rejected {} of {} rows",
        "all",
        n,
        e.late.len(),
        100.0 * e.late.len() as f64 / n as f64,
        e.pending.len(),
        e.rejected.len(),
        e.rows
    );
    let mut why: BTreeMap<&str, usize> = BTreeMap::new();
    for r in e.rejected.values() {
        *why.entry(r).or_default() += 1;
    }
    println!("rejected: {why:?}");
}

/// Audit one export with its example rules and check the report against `expected`.
fn audit_matches_independent_count(ex: &Export) {
    let data = root().join("../shared/realdata").join(ex.file);
    if !data.is_file() {
        eprintln!(
            "skipped: {} not present (../shared/realdata/ is not part of the project)",
            data.display()
        );
        return;
    }
    let e = expected(ex, &data);
    print_late_table(ex, &e);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let rules = format!("rules/examples/{}", ex.rules);
    let run = Command::new(env!("CARGO_BIN_EXE_shouwen"))
        .args(["audit", "--cases"])
        .arg(&data)
        .args(["--rules", &rules, "--out"])
        .arg(&out)
        .current_dir(root())
        .output()
        .expect("runs");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    // Every row is audited or rejected, and the counts are ours.
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let files = m["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    let n = |k: &str| files[0][k].as_u64().unwrap() as usize;
    assert_eq!(n("rows_read"), n("rows_audited") + n("rows_rejected"));
    assert_eq!(n("rows_read"), e.rows);
    assert_eq!(n("rows_rejected"), e.rejected.len());

    // The rows rejected are exactly the ones we expect, by line.
    let rejected = read_csv(&out.join("rejected.csv"));
    let lines: BTreeSet<u64> = rejected
        .iter()
        .map(|r| r["line"].parse().unwrap())
        .collect();
    assert_eq!(lines, e.rejected.keys().copied().collect());

    // The as-of time is the latest Created/Closed time of the audited rows.
    let as_of = chrono::DateTime::parse_from_rfc3339(m["as_of"].as_str().unwrap()).unwrap();
    assert_eq!(as_of.timestamp_millis(), e.as_of);

    // RESOLVE-7D: violations + pending are our late + pending, case by case.
    let runs = m["rule_runs"].as_array().unwrap();
    let r7 = runs.iter().find(|r| r["id"] == "RESOLVE-7D").unwrap();
    assert_eq!(r7["status"], "ran");
    let (violations, pending) = (
        r7["violations"].as_u64().unwrap() as usize,
        r7["pending"].as_u64().unwrap() as usize,
    );
    assert_eq!(violations + pending, e.late.len() + e.pending.len());
    assert_eq!((violations, pending), (e.late.len(), e.pending.len()));
    let vrows = read_csv(&out.join("violations.csv"));
    let late: BTreeSet<String> = vrows.iter().map(|r| r["case_id"].clone()).collect();
    assert_eq!(late, e.late);
    let prows = read_csv(&out.join("pending.csv"));
    let pend: BTreeSet<String> = prows.iter().map(|r| r["case_id"].clone()).collect();
    assert_eq!(pend, e.pending);

    // The centers charged are agencies of the file.
    let centers: BTreeSet<String> = vrows.iter().map(|r| r["center"].clone()).collect();
    assert!(
        centers.is_subset(&e.all_centers),
        "centers not in the file: {:?}",
        centers.difference(&e.all_centers).collect::<Vec<_>>()
    );
    // … and each agency's late count is ours.
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    for r in &vrows {
        *per.entry(r["center"].clone()).or_default() += 1;
    }
    let ours: BTreeMap<String, usize> = e
        .per_center
        .iter()
        .filter(|(_, &(_, l))| l > 0)
        .map(|(c, &(_, l))| (c.clone(), l))
        .collect();
    assert_eq!(per, ours);
}

#[test]
fn example_rules_files_pass_rules_check() {
    for f in ["nyc311.toml", "la311.toml"] {
        let run = Command::new(env!("CARGO_BIN_EXE_shouwen"))
            .args(["rules", "check", &format!("rules/examples/{f}")])
            .current_dir(root())
            .output()
            .expect("runs");
        assert_eq!(
            run.status.code(),
            Some(0),
            "{f}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(String::from_utf8_lossy(&run.stdout).contains("RESOLVE-7D"));
    }
}

#[test]
fn nyc311_micro_export_late_requests_match_an_independent_count() {
    audit_matches_independent_count(&NYC);
}

/// The older 52-column schema (no channel, no resolution text), created in one night:
/// most requests are still open and pending at the as-of time.
#[test]
fn nyc311_2013_sample_late_and_pending_requests_match_an_independent_count() {
    audit_matches_independent_count(&Export {
        file: "nyc311/311-service-requests.sample_2013.csv",
        ..NYC
    });
}

#[test]
fn la311_2017_subset_late_requests_match_an_independent_count() {
    audit_matches_independent_count(&la("la311/MyLA311_Service_Request_Data_2017_Subset.csv"));
}

#[test]
fn la311_2018_mini_late_requests_match_an_independent_count() {
    audit_matches_independent_count(&la("la311/2018_mini.csv"));
}

/// Lower-case headers and ISO timestamps: the same rules file.
#[test]
fn la311_2020_seed_late_requests_match_an_independent_count() {
    audit_matches_independent_count(&la("la311/requests_2020_seed.csv"));
}
