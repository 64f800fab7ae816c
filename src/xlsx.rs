//! Reading `.xlsx` inputs: the first worksheet becomes CSV text with the same columns,
//! and each record keeps its worksheet row number as its line.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use crate::error::{Error, Result};

/// The first worksheet as UTF-8 CSV, plus the 1-based worksheet row of each record.
pub fn xlsx_to_csv(path: &Path, display: &str) -> Result<(Vec<u8>, Vec<u64>)> {
    let mut wb = open_workbook_auto(path)
        .map_err(|e| Error::input(display, format!("cannot open the workbook: {e}")))?;
    let range = match wb.worksheet_range_at(0) {
        Some(r) => {
            r.map_err(|e| Error::input(display, format!("cannot read the first sheet: {e}")))?
        }
        None => return Err(Error::input(display, "the workbook has no worksheet")),
    };
    let first_row = range.start().map(|(r, _)| r as u64 + 1).unwrap_or(1);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(vec![]);
    let mut rows = vec![];
    for (i, row) in range.rows().enumerate() {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        w.write_record(&cells)
            .map_err(|e| Error::input(display, e.to_string()))?;
        rows.push(first_row + i as u64);
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::input(display, e.to_string()))?;
    Ok((bytes, rows))
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
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
