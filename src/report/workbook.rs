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

/// `n` rows, row `i` made by `row(i)`.
pub struct Made<'a> {
    pub n: usize,
    pub row: &'a (dyn Fn(usize) -> Vec<Cell> + Sync),
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
        "not_fully_judged" => "未能全部判定的规则组（已判定/案件数）",
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
    let shown = match h {
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
    };
    shown.map_or(Cow::Borrowed(v), Cow::Borrowed)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Percent,
    Money,
    Hours,
    Ratio2,
    Integer,
    General,
}

fn kind_of(h: &str) -> Kind {
    match h {
        _ if h.ends_with("_rate") => Kind::Percent,
        "base_pay" | "adjusted_pay" | "delta" => Kind::Money,
        _ if h.ends_with("_hours") => Kind::Hours,
        _ if h.ends_with("_per_100") || h.ends_with("_per_1000") || h == "coefficient" => {
            Kind::Ratio2
        }
        "cases" | "checks" | "minor" | "major" | "critical" | "waived" | "responded" | "rank"
        | "violations" | "line" => Kind::Integer,
        _ => Kind::General,
    }
}

fn format_of(k: Kind) -> Format {
    match k {
        Kind::Percent => Format::new().set_num_format("0.0%"),
        Kind::Money => Format::new().set_num_format("#,##0.00"),
        Kind::Hours => Format::new().set_num_format("0.0"),
        Kind::Ratio2 => Format::new().set_num_format("0.00"),
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
    // Deflate level 3 instead of the default 6: at a million cases (525k violation rows)
    // the workbook is written in 11.4 s instead of 14.0 s and is 34.4 MB instead of
    // 30.7 MB (level 1: 10.5 s, 51.7 MB).
    wb.set_zip_compression_level(3);
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
    let mut write_row = |r: usize, row: &[Cell]| -> Result<(), XlsxError> {
        let xr = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let xc = c as u16;
            match cell {
                Cell::Num(s) => match s.parse::<f64>() {
                    Ok(v) if v.is_finite() => {
                        ws.write_number_with_format(xr, xc, v, &formats[c])?;
                    }
                    _ if s.is_empty() => {}
                    _ => {
                        ws.write_string(xr, xc, s)?;
                    }
                },
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    let h = sheet.header.get(c).map_or("", String::as_str);
                    ws.write_string(xr, xc, fit_cell(&zh_value(h, s)))?;
                }
            }
            if r < 2000 {
                if let Some(w) = widths.get_mut(c) {
                    let cw = match cell {
                        // as shown: 管理人员 is wider than `staff`
                        Cell::Text(s) => {
                            width(&zh_value(sheet.header.get(c).map_or("", String::as_str), s))
                        }
                        Cell::Num(s) => s.len() as f64 + 2.0,
                    };
                    *w = w.max(cw + 1.0);
                }
            }
        }
        Ok(())
    };
    match &tab.made {
        None => {
            for (r, row) in sheet.rows[range].iter().enumerate() {
                write_row(r, row)?;
            }
        }
        Some(made) => {
            // Made in blocks on a second thread, one block ahead of the one being written.
            const BLOCK: usize = 4096;
            let blocks: Vec<std::ops::Range<usize>> = range
                .clone()
                .step_by(BLOCK)
                .map(|a| a..(a + BLOCK).min(range.end))
                .collect();
            let make = |b: std::ops::Range<usize>| -> Vec<Vec<Cell>> { b.map(made.row).collect() };
            std::thread::scope(|s| -> Result<(), XlsxError> {
                let mut next = blocks.first().cloned().map(|b| s.spawn(move || make(b)));
                for (k, b) in blocks.iter().enumerate() {
                    let rows = match next.take() {
                        Some(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                        None => break,
                    };
                    next = blocks.get(k + 1).cloned().map(|b| s.spawn(move || make(b)));
                    for (j, row) in rows.iter().enumerate() {
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

    /// A tab whose rows are made block by block on a second thread reads back exactly as
    /// the same rows given as a table (an independent reader, calamine, reads both).
    #[test]
    fn rows_made_on_demand_read_back_as_the_same_table() {
        use calamine::{open_workbook_auto, Data, Reader};
        let row = |i: usize| {
            vec![
                Cell::text(format!("C{i:06}")),
                Cell::Num(format!("{}", i % 7)),
                Cell::text(if i.is_multiple_of(3) {
                    String::new()
                } else {
                    format!("证据{i}")
                }),
            ]
        };
        let n = 3 * 4096 + 5; // three whole blocks and a part
        let header = vec!["case_id".to_string(), "points".into(), "evidence".into()];
        let table = Sheet {
            header: header.clone(),
            rows: (0..n).map(row).collect(),
        };
        let head = Sheet {
            header,
            rows: vec![],
        };
        let tabs = [
            Tab {
                name: "表".into(),
                sheet: &table,
                grade_column: None,
                made: None,
            },
            Tab {
                name: "逐块".into(),
                sheet: &head,
                grade_column: None,
                made: Some(Made { n, row: &row }),
            },
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        std::fs::write(&path, build(&tabs, &[], 0).unwrap()).unwrap();
        let mut wb = open_workbook_auto(&path).unwrap();
        let a = wb.worksheet_range("表").unwrap();
        let b = wb.worksheet_range("逐块").unwrap();
        assert_eq!(a.height(), n + 1);
        assert_eq!(a, b);
        assert_eq!(
            b.get_value((n as u32, 0)),
            Some(&Data::String(format!("C{:06}", n - 1)))
        );
        // A piece that starts past row 0 (a sheet continued past Excel's row limit).
        let mut wb = Workbook::new();
        for (tab, name) in tabs.iter().zip(["表", "逐块"]) {
            let ws = wb.add_worksheet_with_constant_memory().unwrap();
            ws.set_name(name).unwrap();
            write_tab(ws, tab, 4000..n, &Format::new(), &[]).unwrap();
        }
        let path = dir.path().join("part.xlsx");
        std::fs::write(&path, wb.save_to_buffer().unwrap()).unwrap();
        let mut wb = open_workbook_auto(&path).unwrap();
        let (a, b) = (
            wb.worksheet_range("表").unwrap(),
            wb.worksheet_range("逐块").unwrap(),
        );
        assert_eq!(a.height(), n - 4000 + 1);
        assert_eq!(a, b);
        assert_eq!(b.get_value((1, 0)), Some(&Data::String("C004000".into())));
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
    }
}
