//! Writing the report folder: CSV tables and manifest.json, written aside and moved
//! into place only when complete, so a failed run leaves the previous report intact.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::audit::AuditResult;
use crate::error::{Error, Result};
use crate::mask::neutralize_formula;
use crate::rules::fmt_points;
use crate::timeparse::{format_local, to_local};

pub mod charts;
pub mod font;
pub mod html;
mod people;
pub mod summary;
pub mod workbook;

#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Show customer names and phone numbers as recorded.
    pub unmask: bool,
    /// What to write besides the CSV tables and the manifest.
    pub formats: Formats,
    /// A previous report folder: adds 月度对比 to the workbook and a trend chart.
    pub previous: Option<PathBuf>,
}

/// The outputs besides CSV (which is always written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub xlsx: bool,
    pub html: bool,
    pub charts: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Formats::all()
    }
}

impl Formats {
    pub fn all() -> Formats {
        Formats {
            xlsx: true,
            html: true,
            charts: true,
        }
    }
    pub fn csv_only() -> Formats {
        Formats {
            xlsx: false,
            html: false,
            charts: false,
        }
    }
    /// From `--format` values (`csv`, `xlsx`, `html`, `charts`, `all`); empty = all.
    pub fn parse(values: &[String]) -> std::result::Result<Formats, String> {
        if values.is_empty() {
            return Ok(Formats::all());
        }
        let mut f = Formats::csv_only();
        for v in values {
            match v.trim() {
                "csv" => {}
                "xlsx" => f.xlsx = true,
                "html" => f.html = true,
                "charts" => f.charts = true,
                "all" => f = Formats::all(),
                other => {
                    return Err(format!(
                    "--format: unknown output `{other}`; expected csv, xlsx, html, charts or all"
                ))
                }
            }
        }
        Ok(f)
    }
}

/// Whether `out` may receive a report: it does not exist yet, or it is an empty folder,
/// or it holds a report shouwen wrote before (its `manifest.json` says so). A report
/// replaces its folder as a whole, so any other folder (the dataset itself, someone's
/// documents) or a file is refused, before anything is read or written.
pub fn check_out(out: &Path) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::Usage(format!(
            "--out {}: {why}; a report replaces its folder as a whole, so name a new or empty folder, or a folder holding an earlier shouwen report",
            out.display()
        )))
    };
    let Ok(meta) = fs::symlink_metadata(out) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return refuse("exists and is not a folder");
    }
    let entries: Vec<String> = match fs::read_dir(out) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect(),
        Err(e) => return refuse(&format!("cannot be read ({e})")),
    };
    if entries.is_empty() {
        return Ok(());
    }
    let is_report = fs::read_to_string(out.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|m| m.get("tool_version").is_some() && m.get("rules").is_some());
    if is_report {
        return Ok(());
    }
    let mut names = entries;
    names.sort();
    let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    let more = if names.len() > 3 { ", …" } else { "" };
    refuse(&format!(
        "is a folder holding other files ({}{more}), not an earlier report",
        shown.join(", ")
    ))
}

/// Write every report file into `out` (created or replaced as a whole).
///
/// Files are written into a private folder beside `out` and moved into place only when
/// all are complete, so a failed or interrupted run leaves the previous report intact.
/// The swap is done under a lock file (`.<name>.lock`), so two audits writing to the
/// same folder at once each leave a whole report, never a mix of the two.
pub fn write(result: &AuditResult, out: &Path, opts: &ReportOptions) -> Result<()> {
    check_out(out)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "report".to_string());
    let oerr = |p: &Path, e: std::io::Error| Error::Output {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    fs::create_dir_all(&parent).map_err(|e| oerr(&parent, e))?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(|e| oerr(&tmp, e))?;
    }
    fs::create_dir(&tmp).map_err(|e| oerr(&tmp, e))?;
    let written = write_files(result, &tmp, opts);
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let lock = match Lock::acquire(&parent.join(format!(".{name}.lock"))) {
        Ok(l) => l,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let swapped = swap(out, &tmp, &parent, &name, pid);
    drop(lock);
    if swapped.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    swapped
}

fn swap(out: &Path, tmp: &Path, parent: &Path, name: &str, pid: u32) -> Result<()> {
    let oerr = |p: &Path, e: std::io::Error| Error::Output {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    if out.exists() {
        let old = parent.join(format!(".{name}.old-{pid}"));
        fs::rename(out, &old).map_err(|e| oerr(out, e))?;
        if let Err(e) = fs::rename(tmp, out) {
            let _ = fs::rename(&old, out);
            return Err(oerr(out, e));
        }
        let _ = fs::remove_dir_all(&old);
    } else {
        fs::rename(tmp, out).map_err(|e| oerr(out, e))?;
    }
    Ok(())
}

/// An exclusive lock file holding its owner's pid; a lock left by a process that no
/// longer runs (killed mid-swap) is taken over.
struct Lock(PathBuf);

impl Lock {
    fn acquire(path: &Path) -> Result<Lock> {
        let start = std::time::Instant::now();
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(mut f) => {
                    use std::io::Write;
                    let _ = write!(f, "{}", std::process::id());
                    return Ok(Lock(path.to_path_buf()));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = fs::read_to_string(path).unwrap_or_default();
                    let alive = owner
                        .trim()
                        .parse::<u32>()
                        .map(|pid| Path::new(&format!("/proc/{pid}")).exists())
                        // unknown owner (being written, or no /proc): assume alive
                        .unwrap_or(true);
                    if !alive && Path::new("/proc/self").exists() {
                        let _ = fs::remove_file(path);
                        continue;
                    }
                    if start.elapsed() > std::time::Duration::from_secs(120) {
                        return Err(Error::Output {
                            path: path.display().to_string(),
                            message: format!(
                                "another audit (pid {}) has been writing this report for 2 minutes; \
                                 remove the lock file if no audit is running",
                                owner.trim()
                            ),
                        });
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => {
                    return Err(Error::Output {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    })
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// The files of a report, in the order they are written.
pub const FILES: &[&str] = &[
    "violations.csv",
    "pending.csv",
    "scorecards.csv",
    "pay.csv",
    "centers.csv",
    "rejected.csv",
    "not_judged.csv",
    "rules.toml",
    "manifest.json",
];

fn rate(x: Option<f64>) -> Cell {
    x.map(|v| Cell::Num(format!("{:.4}", v)))
        .unwrap_or(Cell::text(""))
}

/// Hours to 0.01, half away from zero (a median of 15 minutes is 0.25, not 0.2).
fn hours(x: Option<f64>) -> Cell {
    x.map(|v| Cell::Num(format!("{:.2}", crate::audit::round2(v))))
        .unwrap_or(Cell::text(""))
}

/// One row per center: volume, the seed's KPIs, violations per 100 cases by rule group,
/// forbidden phrases per 1,000 cases, escalation errors per handed-off case, and a rank.
pub fn centers_sheet(r: &AuditResult, rows: &[crate::audit::CenterRow]) -> Sheet {
    let mut groups: Vec<String> = r
        .rules
        .rules
        .iter()
        .map(|x| crate::audit::rule_group(&x.id).to_string())
        .collect();
    groups.dedup();
    let mut seen = std::collections::BTreeSet::new();
    groups.retain(|g| seen.insert(g.clone()));
    let mut header = hdr(&[
        "center",
        "cases",
        "rank",
        "violations",
        "violations_per_100",
    ]);
    header.extend(
        groups
            .iter()
            .map(|g| format!("{}_per_100", g.to_lowercase())),
    );
    header.extend(hdr(&[
        "phrases_per_1000",
        "escalation_error_rate",
        "on_time_response_rate",
        "median_response_hours",
        "resolution_rate",
        "followup_rate",
        "satisfaction_rate",
        "not_fully_judged",
        "sample",
    ]));
    // The groups with at least one rule that ran: a group none of whose rules ran (not
    // selected, or a column they read is absent from every export) judged nothing, and
    // its rate is empty, not 0.00.
    let ran: std::collections::BTreeSet<&str> = r
        .rules
        .rules
        .iter()
        .zip(&r.runs)
        .filter(|(_, run)| run.selected && run.not_run.is_none())
        .map(|(x, _)| crate::audit::rule_group(&x.id))
        .collect();
    let sheet_rows = rows
        .iter()
        .map(|c| {
            let g = |k: &str| c.by_group.get(k).copied().unwrap_or(0) as f64;
            let judged = |k: &str| if ran.contains(k) { c.judged_in(k) } else { 0 };
            // Per group, over the cases its rules judged (a center's export may lack a
            // column they read); none judged: no rate, not a perfect one.
            let per = |k: &str, scale: f64| match judged(k) {
                0 => Cell::text(""),
                n => Cell::Num(format!("{:.2}", g(k) * scale / n as f64)),
            };
            let mut row = vec![
                Cell::text(&c.center),
                num(c.kpis.cases),
                num(c.rank),
                num(c.violations),
                Cell::Num(format!("{:.2}", c.per_100())),
            ];
            row.extend(groups.iter().map(|k| per(k, 100.0)));
            row.push(per("PHRASE", 1000.0));
            row.push(rate(
                // the share of handed-off cases with a handoff-path violation (one
                // bad handoff can break several clauses: counted once); none when no
                // escalation rule judged the center's cases
                (c.handed_off > 0 && judged("ESC") > 0)
                    .then(|| c.escalation_error_cases as f64 / c.handed_off as f64),
            ));
            row.extend([
                rate(c.kpis.on_time_rate),
                hours(c.kpis.median_response_hours),
                rate(c.kpis.resolution_rate),
                rate(c.kpis.followup_rate),
                rate(c.kpis.satisfaction_rate),
            ]);
            // Rules that could not judge every case of the center, with how many they
            // did (a center some rule group could not judge at all ranks after the fully
            // judged ones).
            row.push(Cell::text(
                c.judged_by_rule
                    .iter()
                    .map(|(g, n)| format!("{g} {n}/{}", c.kpis.cases))
                    .collect::<Vec<_>>()
                    .join(" "),
            ));
            // Too few cases for a rate to mean anything: marked, and ranked after.
            row.push(Cell::text(if c.few_cases {
                format!(
                    "样本不足（{} 件 < min_cases {}）",
                    c.kpis.cases, r.rules.scoring.min_cases
                )
            } else {
                String::new()
            }));
            row
        })
        .collect();
    Sheet {
        header,
        rows: sheet_rows,
    }
}

fn write_files(r: &AuditResult, dir: &Path, opts: &ReportOptions) -> Result<()> {
    std::thread::scope(|s| write_files_in(s, r, dir, opts))
}

fn write_files_in<'s, 'r: 's>(
    s: &'s std::thread::Scope<'s, 'r>,
    r: &'r AuditResult,
    dir: &'r Path,
    opts: &'r ReportOptions,
) -> Result<()> {
    let f = opts.formats;
    // The violations are the largest table: never held whole. violations.csv is written
    // straight from them, begun now, while this core builds the other tables; the page
    // makes only the rows it shows. The workbook is written alongside and takes each
    // block of rows from violations.csv's writer once written (each row is masked and
    // formatted once). Comparing with a previous report reads this report's CSVs: they
    // are then written first, before the workbook is begun, which makes its own rows.
    let csv_first = opts.previous.is_some();
    let (sink, feed) = if f.xlsx && !csv_first {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        (Some(tx), Some(workbook::Feed::new(rx)))
    } else {
        (None, None)
    };
    let mut early = Some(s.spawn(|| {
        write_csv_blocks(
            dir,
            "violations.csv",
            &violations_header(),
            r.violations.len(),
            |i| violation_row(r, &r.violations[i], opts),
            sink,
        )
    }));
    let scorecards = scorecards(r);
    let pay = pay(r);
    let centers = centers_sheet(r, &r.centers);
    let rejected = rejected(r, opts);
    let pending = pending(r, opts);
    let not_judged = not_judged(r, opts);
    let unmatched = unmatched_waivers(r);
    let centers_rows = &r.centers;
    let write_csvs = || -> Result<()> {
        // The rules audited with, byte for byte (its sha256 is the manifest's): the
        // report folder alone explains every score and yuan (`explain-score`).
        write_bytes(dir, "rules.toml", r.rules.text.as_bytes())?;
        write_csv(dir, "pending.csv", &pending)?;
        write_csv(dir, "scorecards.csv", &scorecards)?;
        write_csv(dir, "pay.csv", &pay)?;
        write_csv(dir, "centers.csv", &centers)?;
        write_csv(dir, "rejected.csv", &rejected)?;
        write_csv(dir, "not_judged.csv", &not_judged)
    };
    let mut join_violations = || -> Result<()> {
        match early.take() {
            Some(v) => v.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            None => Ok(()),
        }
    };
    if csv_first {
        write_csvs()?;
        join_violations()?;
    }
    let previous = match &opts.previous {
        Some(p) => Some(Previous::read(p, dir, r)?),
        None => None,
    };
    let charts = if f.charts || f.html {
        people::charts(r, centers_rows, previous.as_ref())
    } else {
        vec![]
    };
    if f.charts {
        let cdir = dir.join("charts");
        fs::create_dir(&cdir).map_err(|e| Error::Output {
            path: cdir.display().to_string(),
            message: e.to_string(),
        })?;
        for c in &charts {
            write_bytes(&cdir, &format!("{}.svg", c.name), c.svg.as_bytes())?;
            write_bytes(&cdir, &format!("{}.png", c.name), &c.png)?;
        }
    }
    let summary = people::summary_sheet(r, centers_rows, opts.unmask);
    // The workbook is the slowest output: build it on the second core while this one
    // writes the CSVs and the page.
    let build_xlsx = || -> Result<()> {
        if !f.xlsx {
            return Ok(());
        }
        let head = Sheet {
            header: violations_header(),
            rows: vec![],
        };
        let row = |i: usize| violation_row(r, &r.violations[i], opts);
        let rows = match feed {
            Some(feed) => workbook::Rows::Receive(std::cell::RefCell::new(feed)),
            None => workbook::Rows::Make(&row),
        };
        let mut tabs = vec![
            workbook::Tab {
                name: "汇总".into(),
                sheet: &summary,
                grade_column: None,
                made: None,
            },
            workbook::Tab {
                name: "员工评分".into(),
                sheet: &scorecards,
                grade_column: Some("grade"),
                made: None,
            },
            workbook::Tab {
                name: "绩效调整".into(),
                sheet: &pay,
                grade_column: Some("grade"),
                made: None,
            },
            workbook::Tab {
                name: "违规明细".into(),
                sheet: &head,
                grade_column: None,
                made: Some(workbook::Made {
                    n: r.violations.len(),
                    rows,
                }),
            },
            workbook::Tab {
                name: "服务中心对比".into(),
                sheet: &centers,
                grade_column: None,
                made: None,
            },
            workbook::Tab {
                name: "拒收记录".into(),
                sheet: &rejected,
                grade_column: None,
                made: None,
            },
            // Open cases not yet due, cases a rule could not judge, and waivers that
            // waived nothing: what the quality department follows up.
            workbook::Tab {
                name: "待定案件".into(),
                sheet: &pending,
                grade_column: None,
                made: None,
            },
            workbook::Tab {
                name: "未能判定".into(),
                sheet: &not_judged,
                grade_column: None,
                made: None,
            },
            workbook::Tab {
                name: "未生效豁免".into(),
                sheet: &unmatched,
                grade_column: None,
                made: None,
            },
        ];
        if let Some(p) = &previous {
            tabs.push(workbook::Tab {
                name: "月度对比".into(),
                sheet: &p.compare,
                grade_column: None,
                made: None,
            });
        }
        fail_if_testing(dir, "report.xlsx")?;
        let path = dir.join("report.xlsx");
        let failed = |message: String| Error::Output {
            path: path.display().to_string(),
            message,
        };
        let file = fs::File::create(&path).map_err(|e| failed(e.to_string()))?;
        let mut out = std::io::BufWriter::new(file);
        workbook::build_to(&tabs, &people::band_grades(r), r.as_of, Some(dir), &mut out)
            .map_err(|e| failed(e.to_string()))?;
        std::io::Write::flush(&mut out).map_err(|e| failed(e.to_string()))
    };
    let outputs = outputs(f, previous.is_some());
    let json = serde_json::to_string_pretty(&manifest(r, opts, &outputs))
        .map_err(|e| Error::Other(e.to_string()))?;
    let write_html = || -> Result<()> {
        if !f.html {
            return Ok(());
        }
        let worst = people::worst(r, opts);
        let mut page = people::page(
            r,
            centers_rows,
            &summary,
            &charts,
            [&scorecards, &pay, &centers],
            (&worst.0, worst.1),
            &json,
        );
        // A page of names and numbers in full says so atop it.
        if opts.unmask {
            page.banner = Some(people::UNMASKED.to_string());
        }
        write_bytes(dir, "report.html", html::render(&page).as_bytes())
    };
    let (xlsx, page) = std::thread::scope(|s| {
        let x = s.spawn(build_xlsx);
        let page = if csv_first {
            write_html()
        } else {
            // violations.csv's writer keeps pace with the workbook: the page is written
            // before waiting for it.
            let small = write_csvs();
            let page = small.as_ref().map_or(Ok(()), |_| write_html());
            small.and(join_violations()).and(page)
        };
        (x.join(), page)
    });
    // A CSV that failed first: the workbook then lacks the rows violations.csv's writer
    // stopped handing on, and its error would hide the cause.
    page?;
    xlsx.unwrap_or_else(|_| Err(Error::Other("the workbook writer panicked".into())))?;
    write_bytes(dir, "manifest.json", format!("{json}\n").as_bytes())
}

/// Charts written into `charts/` (each as .svg and .png); `trend` needs a previous report.
pub const CHARTS: &[&str] = &[
    "score_distribution",
    "violations_by_rule",
    "centers_kpis",
    "first_response_hours",
    "grades_by_center",
];

/// Every file a report folder holds for these formats, in a stable order.
pub fn outputs(f: Formats, trend: bool) -> Vec<String> {
    let mut out: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
    if f.xlsx {
        out.push("report.xlsx".into());
    }
    if f.html {
        out.push("report.html".into());
    }
    if f.charts {
        let mut names: Vec<&str> = CHARTS.to_vec();
        if trend {
            names.push("trend");
        }
        for n in names {
            out.push(format!("charts/{n}.svg"));
            out.push(format!("charts/{n}.png"));
        }
    }
    out
}

/// A previous month's report folder, for 月度对比 and the trend chart.
pub struct Previous {
    pub period: String,
    /// center → violations per 100 cases
    pub per_100: std::collections::BTreeMap<String, f64>,
    pub compare: Sheet,
}

impl Previous {
    /// Read `prev` and compare it with the report being written in `current`.
    fn read(prev: &Path, current: &Path, r: &AuditResult) -> Result<Previous> {
        let disp = prev.display().to_string();
        let m = fs::read_to_string(prev.join("manifest.json")).map_err(|e| {
            Error::input(
                &disp,
                format!("not a shouwen report folder: manifest.json: {e}"),
            )
        })?;
        let m: serde_json::Value = serde_json::from_str(&m)
            .map_err(|e| Error::input(&disp, format!("manifest.json: {e}")))?;
        let period = m["period"].as_str().unwrap_or("").to_string();
        let per_100 = read_rows(&prev.join("centers.csv"))?
            .into_iter()
            .filter_map(|row| {
                let v = row.get("violations_per_100")?.parse::<f64>().ok()?;
                Some((row.get("center")?.clone(), v))
            })
            .collect();
        let ran = r
            .rules
            .rules
            .iter()
            .zip(&r.runs)
            .filter(|(_, run)| run.selected && run.not_run.is_none())
            .map(|(rule, _)| rule.id.clone())
            .collect();
        let (compare, _) = crate::compare::compare_with(prev, current, Some(ran))?;
        Ok(Previous {
            period,
            per_100,
            compare,
        })
    }
}

/// A CSV table: header and rows of cells. Text cells are neutralised against formulas.
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Clone)]
pub enum Cell {
    Text(String),
    Num(String),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    fn render(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => neutralize_formula(s),
            Cell::Num(s) => std::borrow::Cow::Borrowed(s),
        }
    }
}

fn hdr(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn num(x: impl ToString) -> Cell {
    Cell::Num(x.to_string())
}

/// Write one table to a file path (outside a report folder, e.g. compare.csv).
pub fn write_sheet(path: &Path, sheet: Sheet) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "compare.csv".to_string());
    write_csv(dir, &name, &sheet)
}

fn write_csv(dir: &Path, name: &str, sheet: &Sheet) -> Result<()> {
    write_csv_rows(dir, name, &sheet.header, sheet.rows.iter())
}

/// A CSV report written row by row as `rows` yields them (never whole in memory).
fn write_csv_rows<R: AsRef<[Cell]>>(
    dir: &Path,
    name: &str,
    header: &[String],
    rows: impl Iterator<Item = R>,
) -> Result<()> {
    let p = dir.join(name);
    let err = |e: &dyn std::fmt::Display| Error::Output {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    fail_if_testing(dir, name)?;
    let file = fs::File::create(&p).map_err(|e| err(&e))?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    w.write_record(header).map_err(|e| err(&e))?;
    for row in rows {
        for c in row.as_ref() {
            w.write_field(c.render().as_bytes()).map_err(|e| err(&e))?;
        }
        w.write_record(None::<&[u8]>).map_err(|e| err(&e))?;
    }
    let file = w.into_inner().map_err(|e| err(&e))?;
    file.into_inner().map_err(|e| err(e.error()))?;
    Ok(())
}

/// A CSV report of `n` rows, rendered two blocks at a time side by side and written in
/// order: the same bytes as [`write_csv_rows`], for the one report with hundreds of
/// thousands of rows. With a `sink`, each block's rows are handed on once written (to
/// the workbook, which then does not make them again); a sink that hangs up is let go.
fn write_csv_blocks(
    dir: &Path,
    name: &str,
    header: &[String],
    n: usize,
    row: impl Fn(usize) -> Vec<Cell> + Sync,
    mut sink: Option<std::sync::mpsc::SyncSender<Vec<Vec<Cell>>>>,
) -> Result<()> {
    // Rows per block; two blocks are held at a time (about 11 MB at 350 bytes a row),
    // and with a sink two more: one waiting for the workbook and one it is writing.
    const BLOCK: usize = 16_384;
    let p = dir.join(name);
    let err = |e: &dyn std::fmt::Display| Error::Output {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    fail_if_testing(dir, name)?;
    let keep = sink.is_some();
    let render = |rows: std::ops::Range<usize>| -> Result<(Vec<u8>, Vec<Vec<Cell>>)> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::with_capacity(rows.len() * 256));
        let mut kept = Vec::with_capacity(if keep { rows.len() } else { 0 });
        for i in rows {
            let cells = row(i);
            // one writer per block would not see a row of another length than the header
            if cells.len() != header.len() {
                return Err(Error::Other(format!(
                    "internal error: {name} row {} has {} fields, the header {}",
                    i + 1,
                    cells.len(),
                    header.len()
                )));
            }
            for c in &cells {
                w.write_field(c.render().as_bytes()).map_err(|e| err(&e))?;
            }
            w.write_record(None::<&[u8]>).map_err(|e| err(&e))?;
            if keep {
                kept.push(cells);
            }
        }
        Ok((w.into_inner().map_err(|e| err(&e))?, kept))
    };
    let file = fs::File::create(&p).map_err(|e| err(&e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut head = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    head.write_record(header).map_err(|e| err(&e))?;
    out.write_all(&head.into_inner().map_err(|e| err(&e))?)
        .map_err(|e| err(&e))?;
    let mut at = 0;
    while at < n {
        let (mid, end) = ((at + BLOCK).min(n), (at + 2 * BLOCK).min(n));
        let (a, b) = crate::par::both(|| render(at..mid), || render(mid..end));
        for (bytes, rows) in [a?, b?] {
            out.write_all(&bytes).map_err(|e| err(&e))?;
            if let Some(tx) = &sink {
                if !rows.is_empty() && tx.send(rows).is_err() {
                    sink = None;
                }
            }
        }
        at = end;
    }
    out.into_inner().map_err(|e| err(e.error()))?;
    Ok(())
}

/// Test hook: fail when about to write `name`, as a full disk would
/// (`SHOUWEN_TEST_FAIL_WRITING=<file name>`).
fn fail_if_testing(dir: &Path, name: &str) -> Result<()> {
    if std::env::var_os("SHOUWEN_TEST_FAIL_WRITING").is_some_and(|f| f == name) {
        return Err(Error::Output {
            path: dir.join(name).display().to_string(),
            message: "simulated write failure (SHOUWEN_TEST_FAIL_WRITING)".into(),
        });
    }
    Ok(())
}

/// A report CSV read back, each row as header → value (for `compare` and `explain-score`).
pub type ReportRow = std::collections::BTreeMap<String, String>;

pub fn read_rows(path: &Path) -> Result<Vec<ReportRow>> {
    let disp = path.display().to_string();
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| Error::input(&disp, format!("cannot read: {e}")))?;
    let h = r
        .headers()
        .map_err(|e| Error::input(&disp, e.to_string()))?
        .clone();
    r.records()
        .map(|x| {
            let x = x.map_err(|e| Error::input(&disp, e.to_string()))?;
            Ok(h.iter()
                .map(str::to_string)
                .zip(
                    x.iter()
                        .map(|v| crate::mask::restore_formula(v).to_string()),
                )
                .collect())
        })
        .collect()
}

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let p = dir.join(name);
    fail_if_testing(dir, name)?;
    fs::write(&p, bytes).map_err(|e| Error::Output {
        path: p.display().to_string(),
        message: e.to_string(),
    })
}

/// Evidence about one case: the case's own customer name and phone are masked wherever
/// the text quotes them (e.g. a transcript line), however written, then any
/// phone-shaped number. `staff`: the name of the employee the evidence is charged to,
/// left readable where the evidence names that employee as the speaker even when the
/// customer has the same name.
fn mask_case_text(
    r: &AuditResult,
    row: Option<usize>,
    s: &str,
    staff: Option<&str>,
    opts: &ReportOptions,
) -> String {
    // Nothing to mask in nothing (the waiver reason of every finding not waived).
    if opts.unmask || s.is_empty() {
        return s.to_string();
    }
    let name = row.and_then(|row| customer_cell(r, "customer_name", row));
    let phone = row.and_then(|row| customer_cell(r, "customer_phone", row));
    crate::mask::mask_personal(s, name, phone, staff)
}

/// The case's own value of a customer column, if it has one.
fn customer_cell<'a>(r: &'a AuditResult, col: &str, row: usize) -> Option<&'a str> {
    if !r.cases.is_present(col) {
        return None;
    }
    r.cases
        .text(col)
        .get(row)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn violations_header() -> Vec<String> {
    hdr(&[
        "case_id",
        "rule_id",
        "title",
        "severity",
        "points",
        "employee_id",
        "employee_name",
        "center",
        "evidence",
        "source",
        "waived",
        "waiver_reason",
    ])
}

/// One row of violations.csv.
fn violation_row(r: &AuditResult, v: &crate::audit::Violation, opts: &ReportOptions) -> Vec<Cell> {
    let rule = &r.rules.rules[v.rule];
    let (waived, reason) = match &v.waiver {
        Some(w) if w.1.is_empty() => ("true", w.0.clone()),
        Some(w) => ("true", format!("{}（批准人 {}）", w.0, w.1)),
        None => ("false", String::new()),
    };
    vec![
        Cell::text(v.case_id(&r.cases)),
        Cell::text(&rule.id),
        Cell::text(&rule.title),
        Cell::text(rule.severity.name()),
        num(fmt_points(if v.waiver.is_some() { 0.0 } else { v.points })),
        Cell::text(&*v.employee_id),
        Cell::text(r.employee_name(&v.employee_id)),
        Cell::text(v.center(&r.cases)),
        Cell::text(mask_case_text(
            r,
            v.row,
            &v.evidence.text(),
            Some(r.employee_name(&v.employee_id)),
            opts,
        )),
        Cell::text(v.source(&r.cases)),
        Cell::text(waived),
        // A waiver's reason may quote the resident (业主吴某来电要求暂缓): masked as evidence is.
        Cell::text(mask_case_text(r, v.row, &reason, None, opts)),
    ]
}

pub fn pending(r: &AuditResult, opts: &ReportOptions) -> Sheet {
    let tz = r.rules.calendar.tz;
    let rows = r
        .pending
        .iter()
        .map(|p| {
            let rule = &r.rules.rules[p.rule];
            vec![
                Cell::text(r.case_id(p.row)),
                Cell::text(&rule.id),
                Cell::text(&rule.title),
                Cell::text(&p.employee_id),
                Cell::text(r.employee_name(&p.employee_id)),
                Cell::text(r.case_center(p.row)),
                Cell::text(p.due.map(|d| format_local(d, tz)).unwrap_or_default()),
                Cell::text(mask_case_text(
                    r,
                    Some(p.row),
                    &p.evidence,
                    Some(r.employee_name(&p.employee_id)),
                    opts,
                )),
                Cell::text(r.cases.source(p.row)),
            ]
        })
        .collect();
    Sheet {
        header: hdr(&[
            "case_id",
            "rule_id",
            "title",
            "employee_id",
            "employee_name",
            "center",
            "due_at",
            "evidence",
            "source",
        ]),
        rows,
    }
}

pub fn scorecards(r: &AuditResult) -> Sheet {
    // Each case's employee (first responder) by number, numbered as met; looked up by id
    // only, never iterated: the order of this map cannot show.
    let mut number: crate::idhash::IdMap<&str, u32> = Default::default();
    let group: Vec<u32> = r
        .cases
        .text("first_responder_id")
        .iter()
        .map(|id| match id {
            Some(id) => {
                let next = number.len() as u32;
                *number.entry(id).or_insert(next)
            }
            None => u32::MAX,
        })
        .collect();
    let by_employee = crate::audit::kpis_by_group(
        &r.cases,
        &group,
        number.len(),
        r.as_of,
        r.rules.calendar.tz,
        &r.followup_not_due,
    );
    let none = crate::audit::Kpis::default();
    let rows = r
        .scorecards
        .iter()
        .map(|c| {
            let e = &c.employee;
            let k = number
                .get(e.id.as_str())
                .map_or(&none, |&g| &by_employee[g as usize]);
            vec![
                Cell::text(&e.id),
                Cell::text(&e.name),
                Cell::text(&e.center),
                Cell::text(&e.department),
                Cell::text(&e.role),
                num(c.cases),
                num(c.checks),
                num(c.minor),
                num(c.major),
                num(c.critical),
                num(c.waived),
                num(fmt_points(c.points)),
                num(fmt_points(c.score)),
                Cell::text(&c.grade),
                num(k.responded),
                rate(k.on_time_rate),
                hours(k.median_response_hours),
                rate(k.resolution_rate),
                rate(k.followup_rate),
                rate(k.satisfaction_rate),
                num(c.handled),
            ]
        })
        .collect();
    Sheet {
        header: hdr(&[
            "employee_id",
            "name",
            "center",
            "department",
            "role",
            "cases",
            "checks",
            "minor",
            "major",
            "critical",
            "waived",
            "points",
            "score",
            "grade",
            "responded",
            "on_time_response_rate",
            "median_response_hours",
            "resolution_rate",
            "followup_rate",
            "satisfaction_rate",
            "cases_handled",
        ]),
        rows,
    }
}

/// Base pay and adjusted pay in fen (cents), computed in decimal: base pay to the fen,
/// times the coefficient to four places, rounded half away from zero (四舍五入) to the fen.
/// In binary floating point 1234.35 × 0.70 is 864.04499…, which would round to 864.04;
/// HR checks the product by hand and expects 864.05.
pub fn pay_in_cents(base: f64, coefficient: f64) -> (i128, i128) {
    let base_fen = (base * 100.0).round() as i128;
    let coef = (coefficient * 10_000.0).round() as i128;
    let p = base_fen * coef;
    let adjusted = (p.abs() + 5_000) / 10_000 * p.signum();
    (base_fen, adjusted)
}

/// An amount in fen as yuan with two places.
pub fn fmt_cents(fen: i128) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

/// A pay coefficient as the bands give it: two places, or up to four when it has them
/// (the amount is computed with what is shown).
pub fn fmt_coefficient(c: f64) -> String {
    let e4 = (c * 10_000.0).round() as i64;
    if e4 % 100 == 0 {
        format!("{:.2}", e4 as f64 / 10_000.0)
    } else {
        let s = format!("{:.4}", e4 as f64 / 10_000.0);
        s.trim_end_matches('0').to_string()
    }
}

/// 绩效工资: one row per employee; adjusted_pay = base_pay × coefficient, in yuan.
pub fn pay(r: &AuditResult) -> Sheet {
    let rows = r
        .scorecards
        .iter()
        .map(|c| {
            let e = &c.employee;
            let money =
                |x: Option<i128>| x.map(|v| Cell::Num(fmt_cents(v))).unwrap_or(Cell::text(""));
            let pay = e.base_pay.map(|b| pay_in_cents(b, c.coefficient));
            vec![
                Cell::text(&e.id),
                Cell::text(&e.name),
                Cell::text(&e.center),
                money(pay.map(|p| p.0)),
                num(fmt_points(c.score)),
                Cell::text(&c.grade),
                Cell::Num(fmt_coefficient(c.coefficient)),
                money(pay.map(|p| p.1)),
                money(pay.map(|p| p.1 - p.0)),
                Cell::text(c.discipline.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Sheet {
        header: hdr(&[
            "employee_id",
            "name",
            "center",
            "base_pay",
            "score",
            "grade",
            "coefficient",
            "adjusted_pay",
            "delta",
            "discipline",
        ]),
        rows,
    }
}

/// What a rule could not judge (e.g. a handoff to someone missing from the roster).
/// The waivers that waived nothing, with why (as in the manifest's `unmatched_waivers`).
pub fn unmatched_waivers(r: &AuditResult) -> Sheet {
    let rows = r
        .unmatched_waivers
        .iter()
        .map(|w| {
            vec![
                Cell::text(&w.case_id),
                Cell::text(&w.rule_id),
                Cell::text(&w.why),
                Cell::text(&w.source),
            ]
        })
        .collect();
    Sheet {
        header: hdr(&["case_id", "rule_id", "reason", "source"]),
        rows,
    }
}

pub fn not_judged(r: &AuditResult, opts: &ReportOptions) -> Sheet {
    // The case of each id, to mask its customer's name and phone where a reason quotes
    // the data (an inspection's findings): looked up, never iterated.
    let any = r.runs.iter().any(|run| !run.not_judged.is_empty());
    let row_of: crate::idhash::IdMap<&str, usize> = if any && !opts.unmask {
        let ids = r.cases.text("case_id");
        (0..r.cases.len())
            .filter_map(|i| Some((ids.get(i)?, i)))
            .collect()
    } else {
        Default::default()
    };
    let rows = r
        .rules
        .rules
        .iter()
        .zip(&r.runs)
        .flat_map(|(rule, run)| {
            let row_of = &row_of;
            run.not_judged.iter().map(move |(id, why)| {
                let why = if opts.unmask {
                    why.clone()
                } else {
                    not_judged_reason(r, row_of.get(id.as_str()).copied(), why)
                };
                vec![Cell::text(id), Cell::text(&rule.id), Cell::text(why)]
            })
        })
        .collect();
    Sheet {
        header: hdr(&["case_id", "rule_id", "reason"]),
        rows,
    }
}

/// Why a rule could not judge a case or record, as a report shows it: the reason may
/// quote the data (an inspection's findings `业主陈小明13800138000投诉未回电`), so the
/// case's customer name and phone (`row`, when the id is an audited case's) and any
/// phone-shaped number are masked.
pub fn not_judged_reason(r: &AuditResult, row: Option<usize>, why: &str) -> String {
    let name = row.and_then(|row| customer_cell(r, "customer_name", row));
    let phone = row.and_then(|row| customer_cell(r, "customer_phone", row));
    crate::mask::mask_personal(why, name, phone, None)
}

/// Text about a rejected row (its raw text, or the reason, which may quote a value
/// that could not be read): the row's customer names and phones masked however the text
/// writes them, then any number.
pub fn mask_rejected(x: &crate::input::Rejected, text: &str) -> String {
    let mut out = std::borrow::Cow::Borrowed(text);
    for (value, is_phone) in &x.pii {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let (name, phone) = if *is_phone {
            (None, Some(value))
        } else {
            (Some(value), None)
        };
        if let std::borrow::Cow::Owned(m) = crate::mask::mask_own(&out, name, phone, None) {
            out = std::borrow::Cow::Owned(m);
        }
    }
    crate::mask::mask_phones_in_text(&out).into_owned()
}

pub fn rejected(r: &AuditResult, opts: &ReportOptions) -> Sheet {
    let rows = r
        .rejected
        .iter()
        .map(|x| {
            let (reason, raw) = if opts.unmask {
                (x.reason.clone(), x.raw.clone())
            } else {
                (mask_rejected(x, &x.reason), mask_rejected(x, &x.raw))
            };
            // A NUL in a damaged row is shown as ␀: many tools end a line of text at a
            // NUL, and the row after it would seem lost.
            let raw = if raw.contains('\0') {
                raw.replace('\0', "\u{2400}")
            } else {
                raw
            };
            vec![
                Cell::text(&x.file),
                num(x.line),
                Cell::text(reason),
                Cell::text(raw),
            ]
        })
        .collect();
    Sheet {
        header: hdr(&["file", "line", "reason", "raw"]),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::{fmt_cents, fmt_coefficient, pay_in_cents};
    use super::{hdr, write_csv_blocks, write_csv_rows, Cell};
    use crate::mask::mask_cut_fragments;

    /// Pay is rounded as HR rounds by hand: the decimal product, half away from zero.
    /// In binary floating point 1234.35 × 0.70 = 864.04499… and would lose a fen.
    #[test]
    fn pay_is_the_decimal_product_rounded_half_up_to_the_fen() {
        let yuan = |b: f64, c: f64| {
            let (base, adj) = pay_in_cents(b, c);
            (fmt_cents(base), fmt_cents(adj), fmt_cents(adj - base))
        };
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(yuan(1234.35, 0.70), s("1234.35", "864.05", "-370.30"));
        assert_eq!(yuan(1999.85, 0.70), s("1999.85", "1399.90", "-599.95"));
        assert_eq!(yuan(1234.05, 0.70), s("1234.05", "863.84", "-370.21"));
        assert_eq!(yuan(3333.35, 0.70), s("3333.35", "2333.35", "-1000.00"));
        assert_eq!(yuan(1555.55, 0.90), s("1555.55", "1400.00", "-155.55"));
        assert_eq!(yuan(3000.0, 1.10), s("3000.00", "3300.00", "300.00"));
        // A base pay with a third decimal is taken to the fen, as it is shown.
        assert_eq!(yuan(1234.567, 1.10), s("1234.57", "1358.03", "123.46"));
        assert_eq!(fmt_coefficient(0.7), "0.70");
        assert_eq!(fmt_coefficient(1.125), "1.125");
    }

    /// violations.csv rendered in blocks on two cores is byte for byte the file written
    /// row by row: at block and window edges, with quoting, formulas and empty files.
    #[test]
    fn a_report_written_in_blocks_equals_one_written_row_by_row() {
        let dir = tempfile::tempdir().unwrap();
        let header = hdr(&["case_id", "evidence", "points"]);
        let row = |i: usize| {
            vec![
                Cell::text(format!("C{i:06}")),
                Cell::text(match i % 5 {
                    0 => format!("说「不知道，\"第{i}次\"」"),
                    1 => "=HYPERLINK(\"x\")".to_string(),
                    2 => "两行\n文字, 逗号".to_string(),
                    3 => String::new(),
                    _ => format!("{i}"),
                }),
                Cell::Num(format!("{}", i % 7)),
            ]
        };
        // one block is 16,384 rows, two are rendered at a time
        for n in [
            0,
            1,
            16_383,
            16_384,
            16_385,
            32_768,
            32_769,
            2 * 32_768 + 17,
        ] {
            let (a, b) = (format!("rows-{n}.csv"), format!("blocks-{n}.csv"));
            write_csv_rows(dir.path(), &a, &header, (0..n).map(row)).unwrap();
            write_csv_blocks(dir.path(), &b, &header, n, row, None).unwrap();
            let (a, b) = (
                std::fs::read(dir.path().join(a)).unwrap(),
                std::fs::read(dir.path().join(b)).unwrap(),
            );
            assert_eq!(a, b, "{n} rows");
            let lines = a.iter().filter(|c| **c == b'\n').count();
            // the header, every row, and one more line for each quoted two-line field
            assert_eq!(
                lines,
                1 + n + (0..n).filter(|i| i % 5 == 2).count(),
                "{n} rows"
            );
        }
        let text = std::fs::read_to_string(dir.path().join("blocks-16385.csv")).unwrap();
        assert!(text.contains("'=HYPERLINK"), "a formula stays text");
    }

    #[test]
    fn fragments_of_a_phone_or_name_cut_by_an_ellipsis_are_starred() {
        assert_eq!(
            mask_cut_fragments("「…5678不知道」", "13912345678"),
            "「…****不知道」"
        );
        assert_eq!(
            mask_cut_fragments("「不知道，139123…」", "13912345678"),
            "「不知道，******…」"
        );
        assert_eq!(
            mask_cut_fragments("「…阳测说不知道」", "欧阳测"),
            "「…**说不知道」"
        );
        // text not touching an ellipsis is left alone
        assert_eq!(
            mask_cut_fragments("「5678不知道」", "13912345678"),
            "「5678不知道」"
        );
    }
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool_version: &'static str,
    period: &'a str,
    /// None when no time could set it (see `AuditResult::as_of_unknown`).
    as_of: Option<String>,
    timezone: String,
    rules: RulesRef<'a>,
    files: Vec<FileRef<'a>>,
    cases_audited: usize,
    violations: usize,
    waived: usize,
    pending: usize,
    rows_rejected: usize,
    unmasked: bool,
    rule_runs: Vec<RuleRunRef<'a>>,
    pay: PayRef<'a>,
    unmatched_waivers: Vec<WaiverRef<'a>>,
    /// What was passed over while reading (sheets of a workbook that are no table, title rows above a header).
    input_warnings: &'a [String],
    outputs: Vec<String>,
}

#[derive(Serialize)]
struct PayRef<'a> {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    /// Rules the rules file enables that this run did not apply (`--select`/`--ignore`,
    /// or a rule that could not run): the scores and pay leave their violations out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rules_not_applied: Vec<&'a str>,
}

#[derive(Serialize)]
struct RulesRef<'a> {
    path: &'a str,
    sha256: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct FileRef<'a> {
    kind: &'static str,
    path: &'a str,
    sha256: &'a str,
    encoding: &'static str,
    rows_read: usize,
    rows_audited: usize,
    rows_rejected: usize,
}

#[derive(Serialize)]
struct RuleRunRef<'a> {
    id: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    judged: usize,
    violations: usize,
    pending: usize,
    not_judged: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<&'a str>,
}

#[derive(Serialize)]
struct WaiverRef<'a> {
    source: &'a str,
    case_id: &'a str,
    rule_id: &'a str,
    why: &'a str,
}

/// The as-of time for people: ISO 8601, or that the data gave none.
pub fn as_of_text(r: &AuditResult) -> String {
    if r.as_of_unknown {
        "无（数据中没有时间）".to_string()
    } else {
        iso_local(r.as_of, r.rules.calendar.tz)
    }
}

/// ISO 8601 with the offset of the rules' timezone: `2026-11-01T00:00:00+08:00`
/// (`…23:59:59.999+08:00` when the time has milliseconds).
pub fn iso_local(ms: i64, tz: chrono_tz::Tz) -> String {
    let local = to_local(ms, tz);
    let off = (local.and_utc().timestamp_millis() - ms) / 1000;
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.abs();
    // Milliseconds only when there are some (`--as-of 2026-10-31` is 23:59:59.999): a
    // rerun with the manifest's as-of gives the same report.
    let time = if ms.rem_euclid(1000) == 0 {
        local.format("%Y-%m-%dT%H:%M:%S")
    } else {
        local.format("%Y-%m-%dT%H:%M:%S%.3f")
    };
    format!("{time}{sign}{:02}:{:02}", off / 3600, (off % 3600) / 60)
}

fn manifest<'a>(r: &'a AuditResult, opts: &ReportOptions, outputs: &[String]) -> Manifest<'a> {
    let tz = r.rules.calendar.tz;
    Manifest {
        tool_version: env!("CARGO_PKG_VERSION"),
        period: &r.period,
        as_of: (!r.as_of_unknown).then(|| iso_local(r.as_of, tz)),
        timezone: tz.name().to_string(),
        rules: RulesRef {
            path: &r.rules.path,
            sha256: &r.rules.sha256,
            name: &r.rules.meta.name,
        },
        files: r
            .stats
            .iter()
            .map(|s| FileRef {
                kind: s.kind.name(),
                path: &s.path,
                sha256: &s.sha256,
                encoding: s.encoding,
                rows_read: s.rows_read,
                rows_audited: s.rows_audited,
                rows_rejected: s.rows_rejected,
            })
            .collect(),
        cases_audited: r.cases.len(),
        violations: r.violations.len(),
        waived: r.waived_count(),
        pending: r.pending.len(),
        rows_rejected: r.rejected.len(),
        unmasked: opts.unmask,
        input_warnings: &r.input_warnings,
        rule_runs: r
            .rules
            .rules
            .iter()
            .zip(&r.runs)
            .map(|(rule, run)| RuleRunRef {
                id: &rule.id,
                status: if !rule.enabled {
                    "disabled"
                } else if !run.selected {
                    "not selected"
                } else if run.not_run.is_some() {
                    "could not run"
                } else {
                    "ran"
                },
                reason: run.not_run.as_deref(),
                judged: run.judged,
                violations: run.violations,
                pending: run.pending,
                warning: run.warning.as_deref(),
                not_judged: run.not_judged.len(),
            })
            .collect(),
        pay: PayRef {
            status: if r.pay_not_run.is_some() {
                "could not run"
            } else {
                "computed"
            },
            reason: r.pay_not_run.as_deref(),
            rules_not_applied: r.rules_not_applied(),
        },
        unmatched_waivers: r
            .unmatched_waivers
            .iter()
            .map(|w| WaiverRef {
                source: &w.source,
                case_id: &w.case_id,
                rule_id: &w.rule_id,
                why: &w.why,
            })
            .collect(),
        outputs: outputs.to_vec(),
    }
}
