//! Reading `.xlsx` inputs: each worksheet becomes CSV text with the same columns, and
//! each record keeps its worksheet row number as its line. Which sheets are read as data
//! is decided by the reader of the file kind ([`crate::input::read_table`]).

use std::path::Path;

use calamine::{
    open_workbook_auto, CellErrorType, Data, Dimensions, Range, Reader, SheetType, SheetVisible,
    Sheets,
};

use crate::error::{Error, Result};

/// One sheet of a workbook, in workbook order.
pub struct Sheet {
    pub name: String,
    pub content: SheetContent,
}

pub enum SheetContent {
    /// Hidden or very hidden (a lookup list, a helper): never read as data.
    Hidden,
    /// A chart, dialog or macro sheet: no cells.
    NotAWorksheet,
    /// A visible worksheet as UTF-8 CSV (empty when the sheet has no non-empty row), the
    /// 1-based worksheet row of each record, and its header: the first non-empty row the
    /// caller's `is_header` takes among the first few (a title row may stand above it),
    /// else the first non-empty row.
    Cells {
        csv: Vec<u8>,
        rows: Vec<u64>,
        header: Vec<String>,
    },
}

/// Every sheet of the workbook at `path`. Hidden sheets and chart sheets are listed, not
/// read; a merged region's value is given to every row it covers below the header row,
/// as Excel shows it there (in the region's first column: merged across columns it is
/// still one column's value). `is_header` tells a header row from a title above it.
pub fn read_sheets(
    path: &Path,
    display: &str,
    is_header: &dyn Fn(&[String]) -> bool,
) -> Result<Vec<Sheet>> {
    let mut wb = open_workbook_auto(path)
        .map_err(|e| Error::input(display, format!("cannot open the workbook: {e}")))?;
    let meta = wb.sheets_metadata().to_vec();
    if meta.is_empty() {
        return Err(Error::input(display, "the workbook has no worksheet"));
    }
    let mut out = Vec::with_capacity(meta.len());
    for s in meta {
        let content = if s.visible != SheetVisible::Visible {
            SheetContent::Hidden
        } else if s.typ != SheetType::WorkSheet {
            SheetContent::NotAWorksheet
        } else {
            let cannot = |e: String| {
                Error::input(display, format!("cannot read the sheet {:?}: {e}", s.name))
            };
            let range = wb
                .worksheet_range(&s.name)
                .map_err(|e| cannot(e.to_string()))?;
            let merges = match &mut wb {
                Sheets::Xlsx(x) => x
                    .merge_cells_by_sheet_name(&s.name)
                    .map_err(|e| cannot(e.to_string()))?,
                _ => vec![],
            };
            sheet_cells(range, &merges, display, is_header)?
        };
        out.push(Sheet {
            name: s.name,
            content,
        });
    }
    Ok(out)
}

/// A worksheet's non-empty rows as CSV, merged regions filled (see [`read_sheets`]).
fn sheet_cells(
    mut range: Range<Data>,
    merges: &[Dimensions],
    display: &str,
    is_header: &dyn Fn(&[String]) -> bool,
) -> Result<SheetContent> {
    let empty = || SheetContent::Cells {
        csv: vec![],
        rows: vec![],
        header: vec![],
    };
    let (Some((r0, c0)), Some((r1, c1))) = (range.start(), range.end()) else {
        return Ok(empty());
    };
    // Rows with no value of their own stay out, even when a merged region spans them.
    let blank: Vec<bool> = range
        .rows()
        .map(|row| row.iter().all(|c| matches!(c, Data::Empty)))
        .collect();
    let filled: Vec<usize> = blank
        .iter()
        .enumerate()
        .filter(|(_, b)| !**b)
        .map(|(i, _)| i)
        .take(crate::input::TITLE_LINES + 1)
        .collect();
    let Some(&first) = filled.first() else {
        return Ok(empty());
    };
    let texts = |i: usize| -> Vec<String> {
        range
            .rows()
            .nth(i)
            .map(|row| row.iter().map(cell_text).collect())
            .unwrap_or_default()
    };
    let header = filled
        .iter()
        .copied()
        .find(|&i| is_header(&texts(i)))
        .unwrap_or(first);
    // Only regions that start below the header: a header cell is a column's name, and
    // copied sideways it would name the next column too.
    let header_row = r0 + header as u32;
    for m in merges {
        if m.start.0 <= header_row {
            continue;
        }
        let value = match range.get_value(m.start) {
            Some(v) if !matches!(v, Data::Empty) => v.clone(),
            _ => continue,
        };
        for r in m.start.0..=m.end.0.min(r1) {
            if blank[(r - r0) as usize] {
                continue;
            }
            // Down the region's first column only: a region merged across columns
            // (内容 over 答复内容) is one value shown wide, not a value of the next
            // column (copied there, a resident's words would become staff's reply).
            let c = m.start.1;
            if (c0..=c1).contains(&c) && (r, c) != m.start {
                range.set_value((r, c), value.clone());
            }
        }
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(vec![]);
    let mut rows = vec![];
    let mut header_cells = vec![];
    for (i, row) in range.rows().enumerate() {
        if blank[i] {
            continue;
        }
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        w.write_record(&cells)
            .map_err(|e| Error::input(display, e.to_string()))?;
        if i == header {
            header_cells = cells;
        }
        rows.push(r0 as u64 + 1 + i as u64);
    }
    let csv = w
        .into_inner()
        .map_err(|e| Error::input(display, e.to_string()))?;
    Ok(SheetContent::Cells {
        csv,
        rows,
        header: header_cells,
    })
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => b.to_string(),
        // A serial below 1 is a time of day with no date (Excel's 1899-12-31 09:05 is
        // the time cell 09:05): written as such, and refused as such by the time reader.
        Data::DateTime(d) if (0.0..1.0).contains(&d.as_f64()) => match d.as_datetime() {
            Some(dt) => dt.format("%H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        // A whole serial is a date cell: written as the date alone, which the time reader
        // takes as a day of unknown hour (a time cell at exactly 00:00 reads alike).
        Data::DateTime(d) if d.as_f64().fract() == 0.0 => match d.as_datetime() {
            Some(dt) => dt.format("%Y-%m-%d").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        // As Excel shows the error: the row reader rejects a value that is one.
        Data::Error(CellErrorType::GettingData) => "#GETTING_DATA".to_string(),
        Data::Error(e) => e.to_string(),
    }
}
