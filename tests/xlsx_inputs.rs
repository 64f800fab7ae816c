//! Workbooks as people keep them: one sheet per service center, a hidden lookup list,
//! formulas that failed (`#N/A` from a VLOOKUP), merged cells, and Excel's lock files
//! beside the workbook. Each test audits through the library, as tests/audit.rs does, and
//! states its verdicts in the regulation's terms.

use std::path::Path;
use std::process::Command;

use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};
use shouwen::audit::{self, AuditOptions, AuditResult};
use shouwen::input::{expand_globs, DatasetFiles};

mod common;
use common::{assert_reconciles, cases_only, default_rules, root, verdicts};

/// The audit, and the warnings its reading gave.
fn audit_files(files: DatasetFiles) -> (AuditResult, Vec<String>) {
    let rules = default_rules();
    let opts = AuditOptions::default();
    let loaded = audit::load(&files, &rules, None).expect("loads");
    let warnings = loaded.warnings.clone();
    (audit::run(rules, loaded, &opts).expect("audits"), warnings)
}

fn load_error(files: DatasetFiles) -> String {
    match audit::load(&files, &default_rules(), None) {
        Ok(_) => panic!("expected the input to be refused"),
        Err(e) => e.to_string(),
    }
}

fn v(c: &str, r: &str, e: &str) -> (String, String, String, bool) {
    (c.into(), r.into(), e.into(), false)
}

/// (path, rows read, audited, rejected) per input.
fn counts(r: &AuditResult) -> Vec<(String, usize, usize, usize)> {
    r.stats
        .iter()
        .map(|s| (s.path.clone(), s.rows_read, s.rows_audited, s.rows_rejected))
        .collect()
}

const HEADER: [&str; 6] = [
    "案件编号",
    "服务中心",
    "受理时间",
    "类别",
    "首问人工号",
    "首次回应时间",
];

fn write_rows(ws: &mut Worksheet, rows: &[&[&str]]) {
    for (r, row) in rows.iter().enumerate() {
        for (c, val) in row.iter().enumerate() {
            if !val.is_empty() {
                ws.write_string(r as u32, c as u16, *val).unwrap();
            }
        }
    }
}

/// A sheet of cases: the header, then `rows`.
fn cases_sheet(wb: &mut Workbook, name: &str, rows: &[[&str; 6]]) -> usize {
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    let mut all: Vec<&[&str]> = vec![&HEADER];
    all.extend(rows.iter().map(|r| &r[..]));
    write_rows(ws, &all);
    wb.worksheets().len() - 1
}

#[test]
fn every_visible_sheet_with_the_case_columns_is_read_as_its_own_input() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = Workbook::new();
    // A cover sheet first: a title, no columns.
    write_rows(
        wb.add_worksheet().set_name("说明").unwrap(),
        &[&["2026年10月接待业主情况记录，每个服务中心一张表"]],
    );
    cases_sheet(
        &mut wb,
        "A中心",
        &[[
            "A1",
            "A中心",
            "2026-10-08 08:05",
            "咨询",
            "E01",
            "2026-10-08 08:10",
        ]],
    );
    cases_sheet(
        &mut wb,
        "B中心",
        &[
            [
                "B1",
                "B中心",
                "2026-10-08 08:05",
                "咨询",
                "E02",
                "2026-10-09 09:05",
            ],
            ["B2", "B中心", "not a time", "咨询", "E02", ""],
            // The id of a case on sheet A: the same case recorded twice.
            [
                "A1",
                "B中心",
                "2026-10-08 09:00",
                "咨询",
                "E02",
                "2026-10-08 09:10",
            ],
        ],
    );
    wb.add_worksheet().set_name("Sheet4").unwrap();
    wb.save(&p).unwrap();

    let (r, warnings) = audit_files(cases_only(&p));
    assert_reconciles(&r);
    // B1 on sheet B中心: answered 25 h after receipt → RESP-24H (及时回应原则) charged
    // to E02. A1 on sheet A中心, answered within 5 minutes, is on time. Before, only the
    // first worksheet was read: B中心's cases were never audited.
    assert_eq!(verdicts(&r), [v("B1", "RESP-24H", "E02")].into());
    let path = p.display().to_string();
    let a = format!("{path}[A中心]");
    let b = format!("{path}[B中心]");
    // Each sheet is its own input: rows read = audited + rejected per sheet.
    assert_eq!(
        counts(&r),
        [(a.clone(), 1, 1, 0), (b.clone(), 3, 1, 2)],
        "the cover sheet and the empty sheet are no inputs"
    );
    let b1 = r
        .violations
        .iter()
        .find(|x| x.case_id(&r.cases) == "B1")
        .unwrap();
    assert_eq!(b1.source(&r.cases), format!("{b}:2"), "the sheet row");
    // B2's time cannot be read (row 3 of B中心); the second A1 repeats sheet A's.
    let rejected: Vec<(&str, u64)> = r
        .rejected
        .iter()
        .map(|x| (x.file.as_str(), x.line))
        .collect();
    assert_eq!(rejected, [(b.as_str(), 3), (b.as_str(), 4)]);
    assert!(
        r.rejected[1].reason.contains(&format!("{a}:2")),
        "{}",
        r.rejected[1].reason
    );
    // The sheets passed over are said, each with why.
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("\"说明\"") && warnings[0].contains("`case_id`"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].contains("\"Sheet4\"") && warnings[1].contains("empty"),
        "{}",
        warnings[1]
    );
    // … and the report keeps them: its manifest says what was not read.
    let out = tempfile::tempdir().unwrap();
    let opts = shouwen::report::ReportOptions {
        formats: shouwen::report::Formats::csv_only(),
        ..Default::default()
    };
    shouwen::report::write(&r, out.path(), &opts).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["input_warnings"], serde_json::json!(warnings));
}

#[test]
fn a_hidden_sheet_is_never_read_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = Workbook::new();
    // First, hidden: the lookup list behind the 渠道 drop-down.
    write_rows(
        wb.add_worksheet()
            .set_name("下拉选项")
            .unwrap()
            .set_hidden(true),
        &[&["来访", "电话", "来函"]],
    );
    let data = cases_sheet(
        &mut wb,
        "接待记录",
        &[[
            "K1",
            "东区",
            "2026-10-03 09:00",
            "咨询",
            "E01",
            "2026-10-05 09:00",
        ]],
    );
    // A hidden copy of last month's sheet, with the case columns: still not data.
    let old = cases_sheet(
        &mut wb,
        "9月(旧)",
        &[[
            "K0",
            "东区",
            "2026-09-03 09:00",
            "咨询",
            "E09",
            "2026-09-09 09:00",
        ]],
    );
    wb.worksheet_from_index(old).unwrap().set_hidden(true);
    wb.worksheet_from_index(data).unwrap().set_active(true);
    wb.save(&p).unwrap();

    let (r, warnings) = audit_files(cases_only(&p));
    assert_reconciles(&r);
    // K1: answered 48 h after receipt → RESP-24H charged to E01. Before, the hidden
    // lookup list was read as the header and the workbook refused (no case_id column).
    // K0 (6 days, E09) is on a hidden sheet and is not this audit's.
    assert_eq!(verdicts(&r), [v("K1", "RESP-24H", "E01")].into());
    assert_eq!(
        counts(&r),
        [(format!("{}[接待记录]", p.display()), 1, 1, 0)]
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("is hidden") && w.starts_with(&p.display().to_string())),
        "{warnings:?}"
    );
}

#[test]
fn a_workbook_with_no_case_sheet_is_refused_naming_each_sheet_and_what_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = Workbook::new();
    write_rows(
        wb.add_worksheet().set_name("汇总").unwrap(),
        &[&["服务中心", "件数"], &["东区", "12"]],
    );
    write_rows(
        wb.add_worksheet()
            .set_name("下拉选项")
            .unwrap()
            .set_hidden(true),
        &[&["来访", "电话"]],
    );
    wb.save(&p).unwrap();
    let e = load_error(cases_only(&p));
    assert!(e.contains(&p.display().to_string()), "{e}");
    assert!(
        e.contains("\"汇总\"") && e.contains("`case_id`") && e.contains("`received_at`"),
        "{e}"
    );
    // 汇总 has 服务中心: center is not among what it lacks.
    assert!(!e.contains("`center`"), "{e}");
    assert!(e.contains("\"下拉选项\" is hidden"), "{e}");
}

/// A workbook of one sheet is read as before: its plain path, its own header message.
#[test]
fn a_workbook_of_one_sheet_keeps_its_plain_path() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = Workbook::new();
    cases_sheet(
        &mut wb,
        "Sheet1",
        &[[
            "S1",
            "东区",
            "2026-10-03 09:00",
            "咨询",
            "E01",
            "2026-10-04 10:00",
        ]],
    );
    wb.save(&p).unwrap();
    let (r, warnings) = audit_files(cases_only(&p));
    // S1: 25 h → RESP-24H charged to E01, at cases.xlsx:2 as before.
    assert_eq!(verdicts(&r), [v("S1", "RESP-24H", "E01")].into());
    assert_eq!(
        r.violations[0].source(&r.cases),
        format!("{}:2", p.display())
    );
    assert_eq!(counts(&r), [(p.display().to_string(), 1, 1, 0)]);
    assert!(warnings.is_empty(), "{warnings:?}");

    let mut wb = Workbook::new();
    write_rows(wb.add_worksheet(), &[&["来访", "电话"]]);
    wb.save(&p).unwrap();
    let e = load_error(cases_only(&p));
    assert!(
        e.contains("missing required column `case_id`")
            && e.contains("The header read was: 来访,电话"),
        "{e}"
    );
}

#[test]
fn an_excel_error_cell_rejects_its_row_naming_the_error_as_excel_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_rows(
        ws,
        &[
            &HEADER,
            &[
                "N1",
                "东区",
                "2026-10-08 08:05",
                "咨询",
                "",
                "2026-10-09 09:00",
            ],
            &["N2", "东区", "2026-10-08 08:05", "咨询", "E01", ""],
            &[
                "N3",
                "东区",
                "2026-10-08 08:05",
                "咨询",
                "E01",
                "2026-10-09 10:00",
            ],
            &[
                "N4",
                "",
                "2026-10-08 08:05",
                "咨询",
                "E01",
                "2026-10-08 09:00",
            ],
        ],
    );
    // The 首问人工号 looked up by name in a roster sheet that lacks the name: the cached
    // result is #N/A, a cell error (t="e").
    ws.write_formula(
        1,
        4,
        Formula::new("=VLOOKUP(\"李娜\",名册!A:B,2,FALSE)").set_result("#N/A"),
    )
    .unwrap();
    ws.write_formula(2, 5, Formula::new("=C3+\"x\"").set_result("#VALUE!"))
        .unwrap();
    ws.write_formula(4, 1, Formula::new("=#REF!").set_result("#REF!"))
        .unwrap();
    wb.save(&p).unwrap();

    let (r, _) = audit_files(cases_only(&p));
    assert_reconciles(&r);
    // N1 answered 25 h late, but its 首问人 is unknown (#N/A): no employee "#N/A" is
    // charged (before, RESP-24H went to a phantom "#NA" with a scorecard of its own); the
    // row is rejected. N3: 25.9 h → RESP-24H charged to E01.
    assert_eq!(verdicts(&r), [v("N3", "RESP-24H", "E01")].into());
    assert!(r.scorecards.iter().all(|c| !c.employee.id.starts_with('#')));
    let reasons: Vec<(u64, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.line, x.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    for (line, column, error) in [
        (2, "`first_responder_id`", "#N/A"),
        (3, "`first_response_at`", "#VALUE!"),
        (5, "`center`", "#REF!"),
    ] {
        let (_, reason) = reasons.iter().find(|(l, _)| *l == line).unwrap();
        assert!(
            reason.contains(column) && reason.contains(&format!("spreadsheet error {error}:")),
            "{reason}"
        );
    }
}

#[test]
fn a_csv_field_that_is_an_excel_error_rejects_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    std::fs::write(
        &p,
        "案件编号,服务中心,受理时间,类别,首问人工号,首次回应时间,反映内容\n\
         C1,东区,2026-10-08 08:05,咨询,#N/A,2026-10-09 09:00,停车\n\
         C2,东区,2026-10-08 08:05,咨询,E01,2026-10-09 09:00,#N/A 待补\n\
         C3,东区,2026-10-08 08:05,咨询,E01, #DIV/0! ,停车\n\
         C4,东区,2026-10-08 08:05,咨询,#NA,2026-10-08 09:00,停车\n",
    )
    .unwrap();
    let (r, _) = audit_files(cases_only(&p));
    assert_reconciles(&r);
    // C1: the 首问人工号 saved from Excel as #N/A is no employee → rejected, nobody
    // charged. C2: 25 h → RESP-24H charged to E01; its content only mentions #N/A and is
    // kept. C4's #NA is no error literal: an id as written, on time.
    assert_eq!(verdicts(&r), [v("C2", "RESP-24H", "E01")].into());
    let reasons: Vec<(u64, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.line, x.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, 2);
    assert!(
        reasons[0].1.contains("`first_responder_id`") && reasons[0].1.contains("#N/A"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1].0, 4);
    assert!(
        reasons[1].1.contains("`first_response_at`") && reasons[1].1.contains("#DIV/0!"),
        "{reasons:?}"
    );
}

#[test]
fn a_merged_cell_gives_its_value_to_every_row_it_covers() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let header: Vec<&str> = HEADER.iter().copied().chain(["联系电话", ""]).collect();
    write_rows(
        ws,
        &[
            &header,
            &[
                "M1",
                "",
                "2026-10-08 08:05",
                "咨询",
                "",
                "2026-10-08 08:10",
                "13800000001",
                "0755-12345678",
            ],
            &["M2", "", "2026-10-08 08:05", "咨询", "", "2026-10-09 14:05"],
            &[],
            &["M3", "", "2026-10-08 08:05", "投诉", "", "2026-10-08 09:10"],
            &[
                "M4",
                "西区",
                "2026-10-08 08:05",
                "咨询",
                "E03",
                "2026-10-08 09:10",
            ],
        ],
    );
    let plain = Format::new();
    // 服务中心 东区 and 首问人工号 E02 merged down over M1–M3 (and the blank row 4),
    // as a center's clerk fills in one block.
    ws.merge_range(1, 1, 4, 1, "东区", &plain).unwrap();
    ws.merge_range(1, 4, 4, 4, "E02", &plain).unwrap();
    // A header cell merged over two columns (手机 and 座机 below it) names only its
    // first: spread, 联系电话 would name two columns and the workbook would be refused.
    ws.merge_range(0, 6, 0, 7, "联系电话", &plain).unwrap();
    // M4's 首问人工号 E03 merged across its 首次回应时间 cell: one value shown wide, not a
    // response time (copied sideways, "E03" was read as one and M4 rejected).
    ws.merge_range(5, 4, 5, 5, "E03", &plain).unwrap();
    wb.save(&p).unwrap();

    let (r, _) = audit_files(cases_only(&p));
    assert_reconciles(&r);
    // M2 (row 3, covered by the merges): answered 30 h after receipt → RESP-24H charged
    // to E02 of 东区. Before, M2 and M3 were rejected: "center is required but empty".
    // M4: its response cell is under E03's merge, so no response is recorded → RESP-24H
    // charged to E03 once past due.
    assert_eq!(
        verdicts(&r),
        [v("M2", "RESP-24H", "E02"), v("M4", "RESP-24H", "E03")].into()
    );
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    // The blank row 4 inside the merged block is no case: four rows read.
    assert_eq!(counts(&r), [(p.display().to_string(), 4, 4, 0)]);
    let centers: Vec<&str> = (0..r.cases.len()).map(|i| r.case_center(i)).collect();
    assert_eq!(centers, ["东区", "东区", "东区", "西区"]);
    let m3 = r.cases.sources[2];
    assert_eq!(m3.line, 5, "M3 keeps its sheet row");
}

#[test]
fn office_lock_files_are_never_data() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("cases_a.xlsx");
    let mut wb = Workbook::new();
    cases_sheet(
        &mut wb,
        "Sheet1",
        &[[
            "L1",
            "东区",
            "2026-10-03 09:00",
            "咨询",
            "E01",
            "2026-10-03 09:30",
        ]],
    );
    wb.save(&book).unwrap();
    // What Excel leaves beside a workbook while it is open: a few bytes, no workbook.
    let lock = dir.path().join("~$cases_a.xlsx");
    std::fs::write(&lock, b"\x08lock\x00\x00user").unwrap();
    let pattern = format!("{}/*.xlsx", dir.path().display());
    let files = expand_globs(std::slice::from_ref(&pattern)).unwrap();
    let found: Vec<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    assert_eq!(found, [book.as_path()], "the lock file is passed over");
    let (r, _) = audit_files(DatasetFiles {
        cases: files,
        ..DatasetFiles::default()
    });
    // L1 answered in 30 minutes: on time, no violation; one input.
    assert!(verdicts(&r).is_empty());
    assert_eq!(r.stats.len(), 1);

    let named = expand_globs(&[lock.display().to_string()])
        .unwrap_err()
        .to_string();
    assert!(
        named.contains("~$cases_a.xlsx") && named.contains("Office lock file"),
        "{named}"
    );
    let only_locks = format!("{}/~$*", dir.path().display());
    let e = expand_globs(&[only_locks]).unwrap_err().to_string();
    assert!(e.contains("only Office lock files"), "{e}");
    let folder = expand_globs(&[dir.path().display().to_string()])
        .unwrap_err()
        .to_string();
    assert!(folder.contains("is a directory, not a file"), "{folder}");
    assert!(!folder.contains("no such file"), "{folder}");
}

/// On the command line, a sheet passed over is said on stderr as a warning.
#[test]
fn the_command_line_warns_of_each_sheet_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let mut wb = Workbook::new();
    write_rows(
        wb.add_worksheet()
            .set_name("下拉选项")
            .unwrap()
            .set_hidden(true),
        &[&["来访", "电话"]],
    );
    let s = cases_sheet(
        &mut wb,
        "东区",
        &[[
            "W1",
            "东区",
            "2026-10-03 09:00",
            "咨询",
            "E01",
            "2026-10-03 09:30",
        ]],
    );
    wb.worksheet_from_index(s).unwrap().set_active(true);
    wb.save(data.join("cases.xlsx")).unwrap();
    let out = dir.path().join("report");
    let o = Command::new(env!("CARGO_BIN_EXE_shouwen"))
        .args(["audit", "data", "--format", "csv", "--out"])
        .arg(&out)
        .arg("--rules")
        .arg(root().join("rules/default.toml"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: data/cases.xlsx: sheet \"下拉选项\" is hidden"),
        "{stderr}"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("data/cases.xlsx[东区]"), "{manifest}");
}

/// A report title merged across the columns and a date line above the header row are
/// passed over and named in a warning; the rows keep their worksheet row numbers.
#[test]
fn a_title_merged_above_the_header_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.merge_range(
        0,
        0,
        0,
        5,
        "锦绣华庭服务中心客户来访登记表（2026年10月）",
        &Format::new(),
    )
    .unwrap();
    write_rows(
        ws,
        &[
            &[],
            &["统计时间：2026-10-01 至 2026-10-31"],
            &HEADER,
            &[
                "K1",
                "c",
                "2026-10-03 09:00",
                "咨询",
                "E01",
                "2026-10-05 09:00",
            ],
            &["K2", "c", "bad time", "咨询", "E01", ""],
        ],
    );
    wb.save(&p).unwrap();
    let (r, warnings) = audit_files(cases_only(&p));
    assert_reconciles(&r);
    assert_eq!(counts(&r)[0].1, 2, "the title rows are no data");
    // K1: first response after 48 hours, charged to E01; K2: its time is unreadable.
    assert_eq!(verdicts(&r), [v("K1", "RESP-24H", "E01")].into());
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].line, 5, "K2's worksheet row");
    let w = warnings.join("\n");
    assert!(
        w.contains("lines 1–2 above the header row (line 3)")
            && w.contains("锦绣华庭服务中心客户来访登记表（2026年10月）")
            && w.contains("统计时间"),
        "{w}"
    );
}

/// A workbook and its "save as CSV" copy side by side would read every case twice: the
/// folder is refused, naming both, and files named apart are read as two exports.
#[test]
fn a_workbook_beside_its_csv_copy_is_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    cases_sheet(
        &mut wb,
        "Sheet1",
        &[[
            "A1",
            "c",
            "2026-10-08 08:05",
            "咨询",
            "E01",
            "2026-10-08 08:10",
        ]],
    );
    wb.save(dir.path().join("cases.xlsx")).unwrap();
    let csv = format!(
        "{}\nA1,c,2026-10-08 08:05,咨询,E01,2026-10-08 08:10\n",
        HEADER.join(",")
    );
    std::fs::write(dir.path().join("cases.csv"), &csv).unwrap();
    let e = DatasetFiles::discover(dir.path())
        .expect_err("refused")
        .to_string();
    assert!(
        e.contains("cases.csv") && e.contains("cases.xlsx") && e.contains("keep one"),
        "{e}"
    );
    std::fs::rename(
        dir.path().join("cases.csv"),
        dir.path().join("cases_东区.csv"),
    )
    .unwrap();
    let files = DatasetFiles::discover(dir.path()).unwrap();
    assert_eq!(files.cases.len(), 2);
}

/// A time cell with no date (Excel stores 09:05 as 1899-12-31 09:05) is refused as a time
/// of day without a date, not as a date in 1899.
#[test]
fn a_time_cell_without_a_date_is_refused_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_rows(
        ws,
        &[&HEADER, &["T1", "c", "2026-10-03 09:00", "咨询", "E01", ""]],
    );
    let time = rust_xlsxwriter::ExcelDateTime::from_hms(9, 5, 0).unwrap();
    ws.write_datetime_with_format(1, 5, &time, &Format::new().set_num_format("hh:mm"))
        .unwrap();
    wb.save(&p).unwrap();
    let (r, _) = audit_files(cases_only(&p));
    assert_reconciles(&r);
    assert_eq!(r.rejected.len(), 1);
    let why = &r.rejected[0].reason;
    assert!(
        why.contains("a time of day without a date") && !why.contains("1899"),
        "{why}"
    );
}

/// A workbook that keeps 受理日期 as a date cell and 受理时间 as a time cell has the two
/// joined; a date cell alone is a day of unknown hour (RESP-24H counts from its end).
#[test]
fn a_date_cell_and_a_time_cell_of_one_event_are_joined() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_rows(
        ws,
        &[
            &[
                "编号",
                "服务中心",
                "受理日期",
                "受理时间",
                "类别",
                "首问人工号",
                "首次回应时间",
            ],
            &["J1", "c", "", "", "咨询", "E01", "2026-10-04 10:00"],
            &["J2", "c", "", "", "咨询", "E02", "2026-10-04 20:00"],
        ],
    );
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 10, 3).unwrap();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let time = rust_xlsxwriter::ExcelDateTime::from_hms(9, 5, 0).unwrap();
    let hm = Format::new().set_num_format("hh:mm");
    ws.write_datetime_with_format(1, 2, &date, &day).unwrap();
    ws.write_datetime_with_format(1, 3, &time, &hm).unwrap();
    // J2: the date alone; its response at 20:00 the next day may be within 24 hours.
    ws.write_datetime_with_format(2, 2, &date, &day).unwrap();
    wb.save(&p).unwrap();
    let (r, _) = audit_files(cases_only(&p));
    assert_reconciles(&r);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(verdicts(&r), [v("J1", "RESP-24H", "E01")].into());
    assert!(
        r.violations[0]
            .evidence
            .to_string()
            .contains("2026-10-03 09:05 → "),
        "{}",
        r.violations[0].evidence
    );
}
