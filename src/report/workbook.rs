//! `report.xlsx`: the CSV tables as a workbook people read, with Chinese headers, frozen
//! header rows, autofilters, number formats and coloured grades. Text is always written
//! as a string cell (never a formula); the creation time is the audit's as-of time, so the
//! same inputs give the same bytes.

use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, Workbook, Worksheet, XlsxError,
};

use super::{Cell, Sheet};

/// Excel's row limit, header included.
pub const MAX_ROWS: usize = 1_048_576;

/// A sheet of the workbook: its tab name and the table.
pub struct Tab<'a> {
    pub name: String,
    /// The table; for a tab with `made` rows, only its header.
    pub sheet: &'a Sheet,
    /// Column (by CSV header name) whose values are grades, coloured by band.
    pub grade_column: Option<&'static str>,
    /// Rows made on demand instead of `sheet.rows`: the violations, half a million rows at
    /// a million cases, are never held whole (about 600 MB as a table).
    pub made: Option<Made<'a>>,
}

/// `n` rows, made by `rows`.
pub struct Made<'a> {
    pub n: usize,
    pub rows: Rows<'a>,
}

/// Where a tab's rows come from.
pub enum Rows<'a> {
    /// Row `i` is made by `f(i)`, in blocks on a second thread.
    Make(&'a (dyn Fn(usize) -> Vec<Cell> + Sync)),
    /// Rows made elsewhere arrive in order, in blocks: the violations' rows, made once
    /// for violations.csv and handed on to the workbook (each is masked and formatted
    /// once, not twice). Fewer rows than `n` is an error, never a short sheet.
    Receive(std::cell::RefCell<Feed>),
}

/// Blocks of rows received in order, read row by row (a block may straddle two pieces
/// of a sheet past Excel's row limit).
pub struct Feed {
    rx: std::sync::mpsc::Receiver<Vec<Vec<Cell>>>,
    block: std::vec::IntoIter<Vec<Cell>>,
}

impl Feed {
    pub fn new(rx: std::sync::mpsc::Receiver<Vec<Vec<Cell>>>) -> Feed {
        Feed {
            rx,
            block: Vec::new().into_iter(),
        }
    }

    /// The next row, or `None` when the sender has gone (finished or failed).
    fn next_row(&mut self) -> Option<Vec<Cell>> {
        loop {
            if let Some(r) = self.block.next() {
                return Some(r);
            }
            self.block = self.rx.recv().ok()?.into_iter();
        }
    }
}

impl Tab<'_> {
    fn len(&self) -> usize {
        self.made.as_ref().map_or(self.sheet.rows.len(), |m| m.n)
    }
}

/// The Chinese column title for a report header.
pub fn zh_header(h: &str) -> String {
    let fixed = match h {
        "case_id" => "案件编号",
        "rule_id" => "规则编号",
        "title" => "规则",
        "severity" => "严重程度",
        "points" => "扣分",
        "employee_id" => "工号",
        "employee_name" | "name" => "姓名",
        "center" => "服务中心",
        "evidence" => "证据",
        "source" => "来源（文件:行）",
        "waived" => "已豁免",
        "waiver_reason" => "豁免理由",
        "due_at" => "截止时间",
        "department" => "部门",
        "role" => "岗位",
        "cases" => "案件数",
        "checks" => "检查项数",
        "cases_handled" => "经手案件数（首问及转入）",
        "minor" => "轻微",
        "major" => "一般",
        "critical" => "严重",
        "score" => "得分",
        "grade" => "等级",
        "responded" => "已回应案件",
        "on_time_response_rate" => "24小时内回应率",
        "median_response_hours" => "首次回应中位用时（小时）",
        "resolution_rate" => "办结率",
        "followup_rate" => "投诉回访率",
        "satisfaction_rate" => "满意率",
        "base_pay" => "绩效工资基数（元）",
        "coefficient" => "系数",
        "adjusted_pay" => "调整后绩效工资（元）",
        "delta" => "调整额（元）",
        "discipline" => "处分",
        "rank" => "排名",
        "violations" => "违规数（不含豁免）",
        "violations_per_100" => "每百案违规数",
        "phrases_per_1000" => "每千案禁语数",
        "not_fully_judged" => "未能全部判定的规则（已判定/案件数）",
        "escalation_error_rate" => "转办差错率",
        "file" => "文件",
        "line" => "行号",
        "reason" => "原因",
        "raw" => "原始内容",
        "item" => "项目",
        "value" => "数值",
        "clause" => "依据条款",
        "kind" => "类型",
        "status" => "运行状态",
        "judged" => "已判定",
        "id" => "编号",
        "newly_violated" => "新出现的违规规则",
        "no_longer_violated" => "不再违规的规则",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_string();
    }
    // a comparison's columns: report A (the earlier), report B, and the change
    for (suffix, label) in [("_a", "（A）"), ("_b", "（B）"), ("_delta", "（变化）")] {
        if let Some(base) = h.strip_suffix(suffix) {
            let zh = zh_header(base);
            if zh != base {
                return format!("{zh}{label}");
            }
        }
    }
    if let Some(g) = h.strip_suffix("_per_100") {
        return format!("{} 每百案", g.to_uppercase());
    }
    h.to_string()
}

/// A text cell as the workbook and the page show it: the CSVs keep the codes a program
/// reads (`major`, `true`, `cr_supervisor`), people read 一般, 是, 客户关系主管.
pub fn zh_value<'a>(h: &str, v: &'a str) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    zh_label(h, v).map_or(Cow::Borrowed(v), Cow::Borrowed)
}

/// The Chinese label that replaces a code, if the column has one for it.
fn zh_label(h: &str, v: &str) -> Option<&'static str> {
    match h {
        "severity" => crate::rules::Severity::parse(v).map(|s| s.label()),
        "waived" => match v {
            "true" => Some("是"),
            "false" => Some("否"),
            _ => None,
        },
        "role" => Some(crate::input::schema::role_label(v)).filter(|l| !l.is_empty()),
        // a comparison row's kind
        "kind" => match v {
            "employee" => Some("员工"),
            "center" => Some("服务中心"),
            _ => None,
        },
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Percent,
    Money,
    Hours,
    Ratio2,
    /// A pay coefficient: two decimals at least, and every decimal it has (a company's
    /// 1.125 must not show as 1.13 beside the pay it gives).
    Coefficient,
    Integer,
    General,
}

fn kind_of(h: &str) -> Kind {
    match h {
        _ if h.ends_with("_rate") => Kind::Percent,
        "base_pay" | "adjusted_pay" | "delta" => Kind::Money,
        _ if h.ends_with("_hours") => Kind::Hours,
        _ if h.ends_with("_per_100") || h.ends_with("_per_1000") => Kind::Ratio2,
        "coefficient" => Kind::Coefficient,
        "cases" | "cases_handled" | "checks" | "minor" | "major" | "critical" | "waived"
        | "responded" | "rank" | "violations" | "line" => Kind::Integer,
        _ => Kind::General,
    }
}

fn format_of(k: Kind) -> Format {
    match k {
        Kind::Percent => Format::new().set_num_format("0.0%"),
        Kind::Money => Format::new().set_num_format("#,##0.00"),
        Kind::Hours => Format::new().set_num_format("0.00"),
        Kind::Ratio2 => Format::new().set_num_format("0.00"),
        Kind::Coefficient => Format::new().set_num_format("0.00####"),
        Kind::Integer => Format::new().set_num_format("0"),
        Kind::General => Format::new(),
    }
}

/// Excel's limit on the characters of one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// A text within Excel's cell limit: longer text (a 1 MB field in a rejected row) is cut
/// and says so; the CSV keeps it whole.
fn fit_cell(s: &str) -> std::borrow::Cow<'_, str> {
    const NOTE: &str = "…（超出 Excel 单元格上限，已截断；完整内容见 CSV）";
    if s.len() <= MAX_CELL_CHARS || s.chars().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    // Excel counts UTF-16 units; stay well inside with chars (≥ units for BMP text).
    let keep = MAX_CELL_CHARS / 2 - NOTE.chars().count();
    let mut t: String = s.chars().take(keep).collect();
    t.push_str(NOTE);
    std::borrow::Cow::Owned(t)
}

/// Display width of a text in Excel's character units (CJK characters count double).
fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) < 0x2E80 { 1.0 } else { 2.0 })
        .sum()
}

/// Split a tab into Excel-sized pieces: `违规明细`, `违规明细 (2)`, …
pub fn pieces(name: &str, rows: usize) -> Vec<(String, std::ops::Range<usize>)> {
    let per = MAX_ROWS - 1;
    if rows <= per {
        return vec![(name.to_string(), 0..rows)];
    }
    (0..rows.div_ceil(per))
        .map(|i| {
            let n = if i == 0 {
                name.to_string()
            } else {
                format!("{name} ({})", i + 1)
            };
            (n, i * per..((i + 1) * per).min(rows))
        })
        .collect()
}

/// Band colours, from the best grade to the worst, and for 样本不足.
const GRADE_FILLS: &[u32] = &[0xC6EFCE, 0xDDEBF7, 0xFFEB9C, 0xFFC7CE, 0xF4B183];
const TOO_FEW_FILL: u32 = 0xEDEDED;

/// The workbook as bytes (for the tests; reports write it with [`build_to`]).
pub fn build(tabs: &[Tab<'_>], grades: &[String], created_ms: i64) -> Result<Vec<u8>, XlsxError> {
    let mut out = std::io::Cursor::new(vec![]);
    build_to(tabs, grades, created_ms, None, &mut out)?;
    Ok(out.into_inner())
}

/// Write the workbook to `out` as it is zipped, never whole in memory (at 10M cases it
/// is 0.3 GB). The sheets' rows wait in temporary files until then: in `tempdir` when
/// given (the report's own folder), else in the system's temporary folder. At 10M cases
/// they hold gigabytes; a temporary folder in memory (tmpfs) would hold them in RAM that
/// the audit's own memory figures do not show.
pub fn build_to<W: std::io::Write + std::io::Seek + Send>(
    tabs: &[Tab<'_>],
    grades: &[String],
    created_ms: i64,
    tempdir: Option<&std::path::Path>,
    out: W,
) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    if let Some(dir) = tempdir {
        wb.set_tempdir(dir)?;
    }
    // Deflate level 1 instead of the default 6: zipping the sheets is one core's work
    // after every row is written, on the audit's critical path. At a million cases
    // (522k violation rows) level 1 takes the reports phase from about 7.4 to 6.5 s and
    // the file from 57.7 to 71.6 MB (round 19 of bench/RESULTS.md; round 16: level 2
    // against 3, 0.6 s for 52.4 against 47.8 MB; earlier, level 6 cost 2.6 s more than
    // 3). A month of a real center (tens of thousands of cases) is a few MB either way.
    wb.set_zip_compression_level(1);
    let created = ExcelDateTime::from_timestamp(created_ms.div_euclid(1000))
        .or_else(|_| ExcelDateTime::from_timestamp(0))?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("首问责任制稽核报告")
            .set_author("shouwen")
            .set_creation_datetime(&created),
    );
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_align(FormatAlign::Center);
    // Constant-memory sheets: rows go to a temporary file as written, and their text is
    // written in the row (inline strings), not gathered into a table of every distinct
    // string held until the file is saved: at 10M cases that table grew to 1.5 GB (the
    // evidence of five million findings, each its own). The file is larger (1M cases:
    // 47.9 MB against 35.0 MB) and written faster (reports 7.6 s against 9.8 s).
    for tab in tabs {
        for (name, range) in pieces(&tab.name, tab.len()) {
            let ws = wb.add_worksheet_with_constant_memory()?;
            ws.set_name(&name)?;
            write_tab(ws, tab, range, &head, grades)?;
        }
    }
    wb.save_to_writer(out)
}

fn write_tab(
    ws: &mut Worksheet,
    tab: &Tab<'_>,
    range: std::ops::Range<usize>,
    head: &Format,
    grades: &[String],
) -> Result<(), XlsxError> {
    let sheet = tab.sheet;
    let kinds: Vec<Kind> = sheet.header.iter().map(|h| kind_of(h)).collect();
    let formats: Vec<Format> = kinds.iter().map(|k| format_of(*k)).collect();
    let mut widths: Vec<f64> = Vec::with_capacity(sheet.header.len());
    for (c, h) in sheet.header.iter().enumerate() {
        let zh = zh_header(h);
        widths.push(width(&zh) + 2.0);
        ws.write_string_with_format(0, c as u16, zh, head)?;
    }
    let n = range.len();
    // Each cell's text is handed to the writer as it is (moved, not copied): only a code
    // shown in Chinese (`major` → 一般) or an overlong text is a new one. A table's rows
    // (a few thousand) are copied to be given; the violations' arrive owned.
    let mut write_row = |r: usize, row: Vec<Cell>| -> Result<(), XlsxError> {
        let xr = (r + 1) as u32;
        for (c, cell) in row.into_iter().enumerate() {
            let (is_num, text) = match cell {
                Cell::Text(s) => (false, s),
                Cell::Num(s) => (true, s),
            };
            let xc = c as u16;
            let h = sheet.header.get(c).map_or("", String::as_str);
            if r < 2000 {
                if let Some(w) = widths.get_mut(c) {
                    let cw = if is_num {
                        text.len() as f64 + 2.0
                    } else {
                        // as shown: 管理人员 is wider than `staff`
                        width(&zh_value(h, &text))
                    };
                    *w = w.max(cw + 1.0);
                }
            }
            if text.is_empty() {
                continue;
            }
            if is_num {
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => {
                        ws.write_number_with_format(xr, xc, v, &formats[c])?;
                    }
                    _ => {
                        ws.write_string(xr, xc, text)?;
                    }
                }
            } else {
                match (zh_label(h, &text), fit_cell(&text)) {
                    (Some(label), _) => ws.write_string(xr, xc, label)?,
                    (None, std::borrow::Cow::Owned(cut)) => ws.write_string(xr, xc, cut)?,
                    (None, std::borrow::Cow::Borrowed(_)) => ws.write_string(xr, xc, text)?,
                };
            }
        }
        Ok(())
    };
    match &tab.made {
        None => {
            for (r, row) in sheet.rows[range].iter().enumerate() {
                write_row(r, row.clone())?;
            }
        }
        Some(Made {
            rows: Rows::Receive(feed),
            ..
        }) => {
            let mut feed = feed.borrow_mut();
            for r in 0..n {
                let row = feed.next_row().ok_or_else(|| {
                    XlsxError::IoError(std::io::Error::other(format!(
                        "{}: its rows ended after {r} of {n}",
                        tab.name
                    )))
                })?;
                write_row(r, row)?;
            }
        }
        Some(Made {
            rows: Rows::Make(make_row),
            ..
        }) => {
            // Made in blocks on a second thread, one block ahead of the one being written.
            const BLOCK: usize = 4096;
            let blocks: Vec<std::ops::Range<usize>> = range
                .clone()
                .step_by(BLOCK)
                .map(|a| a..(a + BLOCK).min(range.end))
                .collect();
            let make = |b: std::ops::Range<usize>| -> Vec<Vec<Cell>> { b.map(make_row).collect() };
            std::thread::scope(|s| -> Result<(), XlsxError> {
                let mut next = blocks.first().cloned().map(|b| s.spawn(move || make(b)));
                for (k, b) in blocks.iter().enumerate() {
                    let rows = match next.take() {
                        Some(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                        None => break,
                    };
                    next = blocks.get(k + 1).cloned().map(|b| s.spawn(move || make(b)));
                    for (j, row) in rows.into_iter().enumerate() {
                        write_row(b.start - range.start + j, row)?;
                    }
                }
                Ok(())
            })?;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, w.clamp(6.0, 60.0))?;
    }
    let last_col = sheet.header.len().saturating_sub(1) as u16;
    ws.set_freeze_panes(1, 0)?;
    if !sheet.header.is_empty() {
        ws.autofilter(0, 0, n as u32, last_col)?;
    }
    if let Some(gc) = tab.grade_column {
        if let Some(c) = sheet.header.iter().position(|h| h == gc) {
            if n > 0 {
                let c = c as u16;
                let last = grades.len().saturating_sub(1);
                for (i, g) in grades.iter().enumerate() {
                    // best → green, worst → red, whatever the number of bands
                    let fill = if i == last && last > 0 {
                        GRADE_FILLS[3]
                    } else {
                        GRADE_FILLS[i.min(2)]
                    };
                    let cf = ConditionalFormatCell::new()
                        .set_rule(ConditionalFormatCellRule::EqualTo(g.as_str()))
                        .set_format(Format::new().set_background_color(Color::RGB(fill)));
                    ws.add_conditional_format(1, c, n as u32, c, &cf)?;
                }
                let cf = ConditionalFormatCell::new()
                    .set_rule(ConditionalFormatCellRule::EqualTo(
                        crate::audit::TOO_FEW_CASES,
                    ))
                    .set_format(Format::new().set_background_color(Color::RGB(TOO_FEW_FILL)));
                ws.add_conditional_format(1, c, n as u32, c, &cf)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of the on-demand tests: texts, a code shown in Chinese, numbers, a number
    /// cell that is empty or not a number, an empty text.
    fn made_row(i: usize) -> Vec<Cell> {
        vec![
            Cell::text(format!("C{i:06}")),
            Cell::Num(match i % 11 {
                0 => String::new(),
                1 => "n/a".into(),
                k => format!("{}", k % 7),
            }),
            Cell::text(["minor", "major", "critical"][i % 3]),
            Cell::text(if i.is_multiple_of(3) {
                String::new()
            } else {
                format!("证据{i}")
            }),
        ]
    }

    fn made_header() -> Vec<String> {
        ["case_id", "points", "severity", "evidence"]
            .map(String::from)
            .to_vec()
    }

    /// The rows of `n`, sent in blocks of `block` rows on a thread of their own, as
    /// violations.csv's writer hands them on.
    fn fed(n: usize, block: usize) -> Feed {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        std::thread::spawn(move || {
            for a in (0..n).step_by(block) {
                let rows: Vec<Vec<Cell>> = (a..(a + block).min(n)).map(made_row).collect();
                if tx.send(rows).is_err() {
                    return;
                }
            }
        });
        Feed::new(rx)
    }

    /// A tab whose rows are made block by block on a second thread, or received in
    /// blocks, reads back exactly as the same rows given as a table (an independent
    /// reader, calamine, reads all three).
    #[test]
    fn rows_made_on_demand_read_back_as_the_same_table() {
        use calamine::{open_workbook_auto, Data, Reader};
        let n = 3 * 4096 + 5; // three whole blocks and a part
        let table = Sheet {
            header: made_header(),
            rows: (0..n).map(made_row).collect(),
        };
        let head = Sheet {
            header: made_header(),
            rows: vec![],
        };
        let made = |name: &str, rows: Rows<'static>| Tab {
            name: name.into(),
            sheet: &head,
            grade_column: None,
            made: Some(Made { n, rows }),
        };
        let tabs = [
            Tab {
                name: "表".into(),
                sheet: &table,
                grade_column: None,
                made: None,
            },
            made("逐块", Rows::Make(&made_row)),
            made("接收", Rows::Receive(std::cell::RefCell::new(fed(n, 1000)))),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        std::fs::write(&path, build(&tabs, &[], 0).unwrap()).unwrap();
        let mut wb = open_workbook_auto(&path).unwrap();
        let a = wb.worksheet_range("表").unwrap();
        assert_eq!(a.height(), n + 1);
        assert_eq!(a.get_value((1, 2)), Some(&Data::String("轻微".into())));
        assert_eq!(a.get_value((2, 1)), Some(&Data::String("n/a".into())));
        assert_eq!(a.get_value((3, 1)), Some(&Data::Float(2.0)));
        for other in ["逐块", "接收"] {
            let b = wb.worksheet_range(other).unwrap();
            assert_eq!(a, b, "{other}");
            assert_eq!(
                b.get_value((n as u32, 0)),
                Some(&Data::String(format!("C{:06}", n - 1)))
            );
        }
        // A sheet in two pieces (a sheet continued past Excel's row limit): the second
        // starts past row 0; received rows run on from the first piece, across a block.
        let mut wb = Workbook::new();
        let feed = made("接收", Rows::Receive(std::cell::RefCell::new(fed(n, 3000))));
        for (tab, name, range) in [
            (&tabs[0], "表", 4000..n),
            (&tabs[1], "逐块", 4000..n),
            (&feed, "接收1", 0..4000),
            (&feed, "接收2", 4000..n),
        ] {
            let ws = wb.add_worksheet_with_constant_memory().unwrap();
            ws.set_name(name).unwrap();
            write_tab(ws, tab, range, &Format::new(), &[]).unwrap();
        }
        let path = dir.path().join("part.xlsx");
        std::fs::write(&path, wb.save_to_buffer().unwrap()).unwrap();
        let mut wb = open_workbook_auto(&path).unwrap();
        let a = wb.worksheet_range("表").unwrap();
        assert_eq!(a.height(), n - 4000 + 1);
        assert_eq!(a.get_value((1, 0)), Some(&Data::String("C004000".into())));
        assert_eq!(a, wb.worksheet_range("逐块").unwrap());
        assert_eq!(a, wb.worksheet_range("接收2").unwrap());
        let first = wb.worksheet_range("接收1").unwrap();
        assert_eq!(first.height(), 4000 + 1);
        assert_eq!(
            first.get_value((4000, 0)),
            Some(&Data::String("C003999".into()))
        );
    }

    /// Received rows that end before the tab's count (violations.csv's writer failed)
    /// fail the workbook: never a sheet short of findings.
    #[test]
    fn rows_that_end_early_fail_the_workbook() {
        let head = Sheet {
            header: made_header(),
            rows: vec![],
        };
        let tabs = [Tab {
            name: "违规明细".into(),
            sheet: &head,
            grade_column: None,
            made: Some(Made {
                n: 5000,
                rows: Rows::Receive(std::cell::RefCell::new(fed(4999, 1000))),
            }),
        }];
        let e = build(&tabs, &[], 0).unwrap_err().to_string();
        assert!(
            e.contains("违规明细: its rows ended after 4999 of 5000"),
            "{e}"
        );
    }

    /// A company's coefficient of 1.125 shows every decimal in the workbook (a `0.00`
    /// format showed 1.13 beside the 3,375.00 that 3,000 × 1.125 gives); 1.1 shows 1.10.
    /// Read back by calamine, which reports each cell's number format.
    #[test]
    fn a_coefficient_shows_all_its_decimals() {
        use calamine::{open_workbook_auto_from_rs, Data, Reader};
        let sheet = Sheet {
            header: vec!["coefficient".into(), "violations_per_100".into()],
            rows: vec![
                vec![Cell::Num("1.125".into()), Cell::Num("1.125".into())],
                vec![Cell::Num("1.1".into()), Cell::Num("2".into())],
            ],
        };
        let tabs = [Tab {
            name: "绩效调整".into(),
            sheet: &sheet,
            grade_column: None,
            made: None,
        }];
        let bytes = build(&tabs, &[], 0).unwrap();
        let mut wb = match open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap() {
            calamine::Sheets::Xlsx(x) => x,
            _ => panic!("an xlsx"),
        };
        let values = wb.worksheet_range("绩效调整").unwrap();
        assert_eq!(values.get_value((1, 0)), Some(&Data::Float(1.125)));
        let styles = wb.worksheet_style("绩效调整").unwrap();
        let code = |r: u32, c: u32| {
            styles
                .get((r, c))
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.clone())
                .unwrap_or_default()
        };
        // decimals a format shows at most, and at least
        let decimals = |code: &str| {
            let d = code.split_once('.').map_or("", |(_, d)| d);
            (d.len(), d.chars().filter(|&c| c == '0').count())
        };
        let (most, least) = decimals(&code(1, 0));
        assert!(
            most >= 4 && least == 2,
            "coefficient format {:?}",
            code(1, 0)
        );
        assert_eq!(decimals(&code(1, 1)), (2, 2), "{:?}", code(1, 1));
    }

    #[test]
    fn a_sheet_past_excels_row_limit_continues_on_a_second_sheet() {
        let p = pieces("违规明细", 1_048_575);
        assert_eq!(p, vec![("违规明细".to_string(), 0..1_048_575)]);
        let p = pieces("违规明细", 1_048_576);
        assert_eq!(
            p,
            vec![
                ("违规明细".to_string(), 0..1_048_575),
                ("违规明细 (2)".to_string(), 1_048_575..1_048_576)
            ]
        );
        assert_eq!(pieces("x", 0).len(), 1);
    }

    #[test]
    fn an_overlong_text_is_cut_to_fit_one_excel_cell() {
        let long = "漏".repeat(1_000_000);
        let cut = fit_cell(&long);
        assert!(cut.encode_utf16().count() <= MAX_CELL_CHARS);
        assert!(cut.ends_with("完整内容见 CSV）"));
        assert_eq!(fit_cell("短"), "短");
    }

    #[test]
    fn headers_are_chinese_and_numbers_formatted_by_meaning() {
        assert_eq!(zh_header("on_time_response_rate"), "24小时内回应率");
        assert_eq!(zh_header("score_delta"), "得分（变化）");
        assert_eq!(zh_header("violations_per_100_a"), "每百案违规数（A）");
        assert_eq!(zh_value("severity", "major"), "一般");
        assert_eq!(zh_value("waived", "true"), "是");
        assert_eq!(zh_value("role", "cr_supervisor"), "客户关系主管");
        assert_eq!(zh_value("evidence", "true"), "true");
        assert_eq!(zh_value("kind", "center"), "服务中心");
        assert_eq!(zh_value("kind", "deadline"), "deadline");
        assert_eq!(zh_header("resp_per_100"), "RESP 每百案");
        assert!(kind_of("satisfaction_rate") == Kind::Percent);
        assert!(kind_of("adjusted_pay") == Kind::Money);
        assert!(kind_of("median_response_hours") == Kind::Hours);
        assert!(kind_of("coefficient") == Kind::Coefficient);
    }
}
