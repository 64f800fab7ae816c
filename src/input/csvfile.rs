//! Reading one CSV file as bytes: encoding detection, records with their line numbers.
//!
//! The file is parsed as bytes (comma, quote and newline are ASCII, and GBK/GB18030
//! never use those bytes inside a character), then each field is decoded. Encoding
//! `auto`: a file that is valid UTF-8 (with or without BOM) is UTF-8; otherwise each
//! field is read as UTF-8 when it is valid UTF-8 and as GB18030 (a superset of GBK)
//! when not, so a file that mixes both still reads.

use std::borrow::Cow;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Auto,
    Utf8,
    Gb18030,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "gbk" | "gb2312" | "gb18030" | "cp936" => Some(Encoding::Gb18030),
            _ => None,
        }
    }
}

/// A field that is not valid UTF-8 in a file read as UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8;

pub struct CsvFile {
    /// The path as the user named it (shown in rejected.csv and messages).
    pub display: String,
    pub sha256: String,
    /// What was detected: `utf-8`, `utf-8-bom`, `utf-16`, `gb18030`, `mixed utf-8/gb18030`.
    pub encoding: &'static str,
    mode: Mode,
    bytes: Vec<u8>,
    /// Offset of the content after any BOM.
    start: usize,
    /// For a worksheet converted to CSV: the sheet row of each record (header first).
    pub line_map: Option<Vec<u64>>,
}

#[derive(Clone, Copy)]
enum Mode {
    Utf8,
    Utf8Strict,
    Gb,
    PerField,
}

/// One CSV record: its 1-based starting line and the byte range of its raw text.
pub struct Record<'a> {
    pub line: u64,
    pub record: &'a csv::ByteRecord,
    pub raw: &'a [u8],
}

impl CsvFile {
    pub fn open(path: &Path, display: &str, forced: Encoding) -> Result<CsvFile> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::input(display, format!("cannot read the file: {e}")))?;
        Self::from_bytes(bytes, display, forced)
    }

    pub fn from_bytes(bytes: Vec<u8>, display: &str, forced: Encoding) -> Result<CsvFile> {
        let sha256 = hex(&Sha256::digest(&bytes));
        let mut bytes = bytes;
        let mut start = 0;
        let (encoding, mode) =
            if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                let enc = if bytes[0] == 0xFF {
                    encoding_rs::UTF_16LE
                } else {
                    encoding_rs::UTF_16BE
                };
                let (text, _, _) = enc.decode(&bytes);
                bytes = text.into_owned().into_bytes();
                ("utf-16", Mode::Utf8)
            } else if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                start = 3;
                match forced {
                    Encoding::Gb18030 => ("gb18030", Mode::Gb),
                    _ => ("utf-8-bom", Mode::Utf8Strict),
                }
            } else {
                match forced {
                    Encoding::Utf8 => ("utf-8", Mode::Utf8Strict),
                    Encoding::Gb18030 => ("gb18030", Mode::Gb),
                    Encoding::Auto => {
                        if std::str::from_utf8(&bytes).is_ok() {
                            ("utf-8", Mode::Utf8)
                        } else if has_valid_utf8_multibyte(&bytes) {
                            ("mixed utf-8/gb18030", Mode::PerField)
                        } else {
                            ("gb18030", Mode::PerField)
                        }
                    }
                }
            };
        if bytes[start..].iter().all(|b| b.is_ascii_whitespace()) {
            return Err(Error::input(
                display,
                "the file is empty; expected a header row naming the columns",
            ));
        }
        Ok(CsvFile {
            display: display.to_string(),
            sha256,
            encoding,
            mode,
            bytes,
            start,
            line_map: None,
        })
    }

    /// Decode one field. `Err` only when the encoding was forced to UTF-8 and the bytes are not.
    pub fn decode<'a>(&self, b: &'a [u8]) -> std::result::Result<Cow<'a, str>, NotUtf8> {
        match self.mode {
            Mode::Utf8 => Ok(String::from_utf8_lossy(b)),
            Mode::Utf8Strict => std::str::from_utf8(b)
                .map(Cow::Borrowed)
                .map_err(|_| NotUtf8),
            Mode::Gb => Ok(decode_gb(b)),
            Mode::PerField => match std::str::from_utf8(b) {
                Ok(s) => Ok(Cow::Borrowed(s)),
                Err(_) => Ok(decode_gb(b)),
            },
        }
    }

    /// Raw text of a record for rejected.csv (never fails: undecodable bytes become U+FFFD).
    pub fn decode_lossy(&self, b: &[u8]) -> String {
        match self.decode(b) {
            Ok(s) => s.into_owned(),
            Err(NotUtf8) => String::from_utf8_lossy(b).into_owned(),
        }
    }

    /// Calls `f` for every record, the header first. Blank lines are skipped.
    pub fn for_each_record(&self, mut f: impl FnMut(Record<'_>) -> Result<()>) -> Result<()> {
        let data = &self.bytes[self.start..];
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(sniff_delimiter(data))
            .from_reader(data);
        let mut rec = csv::ByteRecord::new();
        let mut index = 0usize;
        // Lines are counted here, not taken from the csv crate, whose record positions
        // after a CRLF point at the `\n` and undercount lines.
        let (mut counted_to, mut line_at) = (0usize, 1u64);
        loop {
            let more = rdr
                .read_byte_record(&mut rec)
                .map_err(|e| Error::input(&self.display, format!("cannot parse the CSV: {e}")))?;
            let pos = rdr.position().byte() as usize;
            if !more {
                break;
            }
            let mut start = rec
                .position()
                .map(|p| p.byte() as usize)
                .unwrap_or(0)
                .min(data.len());
            while start < pos.min(data.len()) && matches!(data[start], b'\r' | b'\n') {
                start += 1;
            }
            if start >= counted_to {
                line_at += data[counted_to..start]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64;
                counted_to = start;
            }
            let mut line = line_at;
            if let Some(map) = &self.line_map {
                line = map.get(index).copied().unwrap_or(line);
            }
            index += 1;
            let raw = trim_eol(&data[start..pos.min(data.len()).max(start)]);
            f(Record {
                line,
                record: &rec,
                raw,
            })?;
        }
        Ok(())
    }
}

/// The field separator, from the header line: a comma unless the header has more tabs or
/// semicolons (tab-separated and `;`-separated exports) outside quotes.
fn sniff_delimiter(data: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in data.iter().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b'\t' if !quoted => counts[1] += 1,
            b';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    match counts {
        [c, t, _] if t > c && t >= counts[2] => b'\t',
        [c, _, s] if s > c => b';',
        _ => b',',
    }
}

fn trim_eol(mut b: &[u8]) -> &[u8] {
    while let Some((&last, rest)) = b.split_last() {
        if last == b'\n' || last == b'\r' {
            b = rest;
        } else {
            break;
        }
    }
    b
}

fn decode_gb(b: &[u8]) -> Cow<'_, str> {
    if b.is_ascii() {
        return Cow::Borrowed(std::str::from_utf8(b).unwrap_or_default());
    }
    let (text, _, _) = encoding_rs::GB18030.decode(b);
    Cow::Owned(text.into_owned())
}

/// True when the bytes contain at least one well-formed multi-byte UTF-8 character
/// (3-byte CJK) next to invalid UTF-8 elsewhere: a file that mixes encodings.
fn has_valid_utf8_multibyte(b: &[u8]) -> bool {
    b.split(|&c| c == b'\n')
        .any(|line| !line.is_ascii() && std::str::from_utf8(line).is_ok())
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(bytes: &[u8]) -> Vec<(u64, Vec<String>, String)> {
        let f = CsvFile::from_bytes(bytes.to_vec(), "t.csv", Encoding::Auto).unwrap();
        let mut out = vec![];
        f.for_each_record(|r| {
            let fields = r
                .record
                .iter()
                .map(|b| f.decode(b).unwrap().into_owned())
                .collect();
            out.push((r.line, fields, f.decode_lossy(r.raw)));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn utf8_bom_gbk_and_crlf_read_the_same() {
        let text = "编号,内容\r\nC1,\"漏水\n两行\"\r\nC2,噪音\r\n";
        let want = records(text.as_bytes());
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(records(&bom), want);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(records(&gbk), want);
        assert_eq!(want[1].0, 2);
        assert_eq!(
            want[2].0, 4,
            "a quoted newline moves the next record's line"
        );
        assert_eq!(want[1].1[1], "漏水\n两行");
        assert_eq!(want[2].2, "C2,噪音");
    }

    #[test]
    fn tab_and_semicolon_separated_exports_read_like_csv() {
        let want = records("编号,内容\nC1,\"漏水, 急\"\n".as_bytes());
        assert_eq!(
            records("编号\t内容\nC1\t漏水, 急\n".as_bytes())[1].1,
            want[1].1
        );
        assert_eq!(
            records("编号;内容\nC1;漏水, 急\n".as_bytes())[1].1,
            want[1].1
        );
    }

    #[test]
    fn empty_file_is_an_error() {
        let e = CsvFile::from_bytes(b"\n \r\n".to_vec(), "x.csv", Encoding::Auto)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("x.csv") && e.contains("empty"), "{e}");
    }

    #[test]
    fn mixed_utf8_and_gbk_lines_both_decode() {
        let mut b = "编号,内容\nC1,漏水\n".as_bytes().to_vec();
        let (gbk, _, _) = encoding_rs::GBK.encode("C2,噪音\n");
        b.extend_from_slice(&gbk);
        let r = records(&b);
        assert_eq!(r[1].1[1], "漏水");
        assert_eq!(r[2].1[1], "噪音");
    }
}
