//! Reading one CSV file as bytes: encoding detection, records with their line numbers.
//!
//! The file is parsed as bytes (comma, quote and newline are ASCII, and GBK/GB18030
//! never use those bytes inside a character), then each field is decoded. Encoding
//! `auto`: a file that is valid UTF-8 (with or without BOM) is UTF-8; otherwise each
//! field is read as UTF-8 when it is valid UTF-8 and as GB18030 (a superset of GBK)
//! when not, so a file that mixes both still reads.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::input::split::{self, count_line_breaks, Fields, Split};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Auto,
    Utf8,
    Gb18030,
    /// Traditional Chinese (Hong Kong, Taiwan): decoded whole on opening.
    Big5,
    /// Western single-byte (Windows-1252, of which ISO-8859-1 is a part): what Excel on a
    /// US or European Windows saves as "CSV". Decoded whole on opening.
    Windows1252,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "gbk" | "gb2312" | "gb18030" | "cp936" => Some(Encoding::Gb18030),
            "big5" | "big5-hkscs" | "cp950" => Some(Encoding::Big5),
            "windows-1252" | "cp1252" | "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" => {
                Some(Encoding::Windows1252)
            }
            _ => None,
        }
    }
}

/// A field that is not text in the file's encoding ([`CsvFile::undecodable`] says which).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8;

#[derive(Clone)]
pub struct CsvFile {
    /// The path as the user named it (shown in rejected.csv and messages).
    pub display: String,
    pub sha256: String,
    /// What was detected: `utf-8`, `utf-8-bom`, `utf-16`, `gb18030`, `mixed utf-8/gb18030`.
    pub encoding: &'static str,
    mode: Mode,
    bytes: Bytes,
    /// Offset of the content after any BOM.
    start: usize,
    /// For a worksheet converted to CSV: the sheet row of each record (header first).
    pub line_map: Option<Vec<u64>>,
    /// A mapped file read as UTF-8: where a table may leave values.
    mapped: Option<MappedText>,
    /// Whether the bytes read hold a zero byte (see [`CsvFile::may_hold_nul`]).
    nul: bool,
}

/// A file's bytes: mapped from the file, or held (a converted worksheet, UTF-16 decoded,
/// or a file that cannot be mapped, such as a pipe).
///
/// A mapped file is not copied into the process's memory: its pages are read from the
/// system's file cache as they are touched, and [`CsvFile::release`] lets go of the ones
/// already read. A 10M-case export is 3.4 GB; read whole it stood in memory next to the
/// table built from it, and fresh memory is what this machine is slowest to hand out.
#[derive(Clone)]
enum Bytes {
    Held(Vec<u8>),
    Mapped(Arc<memmap2::Mmap>),
}

impl Bytes {
    /// Let go of the pages between `from` and `to` (see [`CsvFile::release`]).
    fn release(&self, from: usize, to: usize) {
        if let Bytes::Mapped(m) = self {
            release_pages(m, from, to);
        }
    }
}

/// `bytes` in steps of about `step` bytes, each ending where a UTF-8 character may begin:
/// not before a continuation byte, unless four continuation bytes in a row start there
/// (no UTF-8 whatever the split). Valid UTF-8 is valid step by step and the steps of
/// anything else are not all valid: the check of each step is the check of the whole.
fn utf8_steps(bytes: &[u8], step: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let step = step.max(4);
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let mut to = (at + step).min(bytes.len());
        let mut back = 0;
        while to < bytes.len() && bytes[to] & 0xC0 == 0x80 && back < 3 {
            to -= 1;
            back += 1;
        }
        let here = (at, to);
        at = to;
        Some(here)
    })
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Held(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// A mapped UTF-8 export, for the values a table leaves in it instead of copying them
/// (see `input::TextCol`). Each mapped file has its own range of places, from its base;
/// only [`CsvFile::open`] makes one, so two with the same base are the same mapping.
#[derive(Clone)]
pub struct MappedText {
    base: u64,
    map: Arc<memmap2::Mmap>,
}

impl std::fmt::Debug for MappedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MappedText({} bytes from {})", self.map.len(), self.base)
    }
}

/// Where the next mapped file's places begin: every file mapped by this process has its
/// own range, so that values of several files can share a column.
static NEXT_BASE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl MappedText {
    fn new(map: Arc<memmap2::Mmap>) -> MappedText {
        let len = map.len() as u64 + 1;
        let base = NEXT_BASE.fetch_add(len, std::sync::atomic::Ordering::Relaxed);
        MappedText { base, map }
    }

    /// Where this file's places begin.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Whether the file holds exactly `v` at byte `at`.
    pub fn holds(&self, at: usize, v: &str) -> bool {
        self.map.get(at..at.saturating_add(v.len())) == Some(v.as_bytes())
    }

    /// The text at byte `at`, `len` bytes long: a place seen to hold a value when the file
    /// was read ([`MappedText::holds`]). It is checked again on every read, for a file
    /// changed under the audit (which an audit of finished exports never sees): what
    /// no longer reads as text is shown as a replacement character, never trusted.
    /// (The check costs about 4% of a 1M-case audit; an unchecked read would turn such a
    /// file from a wrong value into undefined behaviour.)
    pub fn text(&self, at: usize, len: usize) -> &str {
        let b = self.map.get(at..at.saturating_add(len)).unwrap_or_default();
        utf8(b).unwrap_or("\u{FFFD}")
    }

    /// Let go of the pages of the file this process holds (see [`CsvFile::release`]).
    pub fn release(&self) {
        release_pages(&self.map, 0, self.map.len());
    }
}

/// How far reading goes between two [`CsvFile::release`] calls.
const RELEASE_STEP: usize = 64 << 20;

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
    /// Where the record starts in the text (after any byte-order mark).
    pub start: usize,
    pub fields: &'a Fields,
    pub raw: &'a [u8],
    /// `Some(i)`: field `i` (0-based) opens a quote that is never properly closed. The
    /// record then ends with the line that quote opened on (`raw`, and `fields` as far as
    /// it goes), and reading resumes on the next line instead of swallowing the rest of
    /// the file into one field.
    pub unclosed_quote: Option<usize>,
}

impl<'a> Record<'a> {
    /// How many fields the record has.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Field `i`'s bytes (unquoted, doubled quotes undone).
    pub fn field(&self, i: usize) -> Option<&'a [u8]> {
        self.fields.get(self.raw, i)
    }

    /// The fields' bytes in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.field(i))
    }
}

/// A record's text, checked once: its raw text and its copied fields' text
/// ([`CsvFile::record_text`]).
pub struct RecordText<'a> {
    raw: &'a str,
    unescaped: Option<&'a str>,
}

impl<'a> RecordText<'a> {
    /// Field `i` of `record` as it stands in this text; `None` where it cannot be
    /// given as text cut from it (decode that field on its own).
    pub fn field(&self, record: &Record<'a>, i: usize) -> Option<&'a str> {
        record.fields.text(self.raw, self.unescaped, i)
    }
}

impl CsvFile {
    pub fn open(path: &Path, display: &str, forced: Encoding) -> Result<CsvFile> {
        let cannot =
            |e: std::io::Error| Error::input(display, format!("cannot read the file: {e}"));
        let file = std::fs::File::open(path).map_err(cannot)?;
        let regular = file.metadata().map_err(cannot)?;
        let bytes = match regular.is_file() && regular.len() > 0 {
            // SAFETY: the mapping is read-only and shared, of a regular file. It stays
            // valid only while no other process shortens the file (then reading past the
            // new end faults), which is the same promise every reader of an export relies
            // on: an audit reads finished exports, not files being written.
            true => match unsafe { memmap2::Mmap::map(&file) } {
                Ok(m) => Bytes::Mapped(Arc::new(m)),
                Err(_) => Bytes::Held(std::fs::read(path).map_err(cannot)?),
            },
            false => Bytes::Held(std::fs::read(path).map_err(cannot)?),
        };
        let csv = Self::from(bytes, display, forced)?;
        // Hashing and the encoding check read every page; let go of them.
        csv.release(0, csv.bytes.len());
        Ok(csv)
    }

    pub fn from_bytes(bytes: Vec<u8>, display: &str, forced: Encoding) -> Result<CsvFile> {
        Self::from(Bytes::Held(bytes), display, forced)
    }

    fn from(bytes: Bytes, display: &str, forced: Encoding) -> Result<CsvFile> {
        // One pass for the hash and the UTF-8 check, a step at a time, each step's pages
        // let go of after it: a whole-file pass would hold the file's every page at once
        // (3.4 GB at 10M cases).
        let (sha256, is_utf8, mut nul) = {
            let mut hash = Sha256::new();
            let (mut valid, mut nul) = (true, false);
            for (a, b) in utf8_steps(&bytes, RELEASE_STEP) {
                hash.update(&bytes[a..b]);
                valid = valid && utf8(&bytes[a..b]).is_ok();
                nul = nul || memchr::memchr(0, &bytes[a..b]).is_some();
                bytes.release(a, b);
            }
            (hex(&hash.finalize()), valid, nul)
        };
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
                bytes = Bytes::Held(text.into_owned().into_bytes());
                nul = memchr::memchr(0, &bytes).is_some();
                ("utf-16", Mode::Utf8)
            } else if let Some(enc) = utf16_without_bom(&bytes) {
                let (text, _) = enc.decode_without_bom_handling(&bytes);
                bytes = Bytes::Held(text.into_owned().into_bytes());
                nul = memchr::memchr(0, &bytes).is_some();
                ("utf-16", Mode::Utf8)
            } else if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                start = 3;
                match forced {
                    Encoding::Gb18030 => ("gb18030", Mode::Gb),
                    _ => ("utf-8-bom", Mode::Utf8Strict),
                }
            } else if forced == Encoding::Big5
                || (forced == Encoding::Auto && !is_utf8 && looks_like_big5(&bytes))
            {
                // Decoded whole, as UTF-16 is: a byte that is no Big5 becomes U+FFFD, which
                // no value a rule reads is.
                let (text, _, _) = encoding_rs::BIG5.decode(&bytes);
                bytes = Bytes::Held(text.into_owned().into_bytes());
                nul = memchr::memchr(0, &bytes).is_some();
                ("big5", Mode::Utf8)
            } else if forced == Encoding::Windows1252
                || (forced == Encoding::Auto
                    && !is_utf8
                    && !has_valid_utf8_multibyte(&bytes)
                    && looks_western(&bytes))
            {
                // Every byte is a character of Windows-1252: nothing to refuse.
                let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
                bytes = Bytes::Held(text.into_owned().into_bytes());
                nul = memchr::memchr(0, &bytes).is_some();
                ("windows-1252", Mode::Utf8)
            } else {
                match forced {
                    Encoding::Utf8 => ("utf-8", Mode::Utf8Strict),
                    Encoding::Gb18030 => ("gb18030", Mode::Gb),
                    Encoding::Big5 | Encoding::Windows1252 => {
                        unreachable!("a file read as Big5 or Windows-1252 is decoded above")
                    }
                    Encoding::Auto => {
                        if is_utf8 {
                            ("utf-8", Mode::Utf8)
                        } else if has_valid_utf8_multibyte(&bytes) {
                            (MIXED, Mode::PerField)
                        } else {
                            ("gb18030", Mode::PerField)
                        }
                    }
                }
            };
        if bytes[start..]
            .iter()
            .all(|b| b.is_ascii_whitespace() || *b == 0)
        {
            let what = if bytes[start..].contains(&0) {
                "the file is empty: it holds only NUL bytes (a damaged or unfinished export)"
            } else {
                "the file is empty"
            };
            return Err(Error::input(
                display,
                format!("{what}; expected a header row naming the columns"),
            ));
        }
        Ok(CsvFile {
            display: display.to_string(),
            sha256,
            encoding,
            mode,
            mapped: match (&bytes, mode) {
                (Bytes::Mapped(m), Mode::Utf8 | Mode::Utf8Strict) => {
                    Some(MappedText::new(m.clone()))
                }
                _ => None,
            },
            bytes,
            start,
            line_map: None,
            nul,
        })
    }

    /// Decode one field. `Err` when the bytes are not text in the file's encoding: not
    /// UTF-8 in a file read as UTF-8, not GB18030 in one read as GBK, neither in a file
    /// read field by field (damaged bytes, which would otherwise become U+FFFD silently).
    pub fn decode<'a>(&self, b: &'a [u8]) -> std::result::Result<Cow<'a, str>, NotUtf8> {
        match self.mode {
            // The whole file is valid UTF-8 and fields split at ASCII bytes.
            Mode::Utf8 => Ok(match utf8(b) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(b),
            }),
            Mode::Utf8Strict => utf8(b).map(Cow::Borrowed).map_err(|_| NotUtf8),
            Mode::Gb => decode_gb_strict(b),
            Mode::PerField => match utf8(b) {
                Ok(s) => Ok(Cow::Borrowed(s)),
                Err(_) => decode_gb_strict(b),
            },
        }
    }

    /// Whether the file is UTF-8 with lines (or cells) of GBK among its lines.
    pub fn is_mixed(&self) -> bool {
        self.encoding == MIXED
    }

    /// Whether a record (its raw bytes) is read as UTF-8. Only a file of mixed encodings
    /// is read record by record; in any other file every record is read alike.
    pub fn record_is_utf8(&self, raw: &[u8]) -> bool {
        matches!(self.mode, Mode::PerField) && (raw.is_ascii() || chinese_utf8(raw))
    }

    /// [`CsvFile::decode`] for a field of a record of which [`CsvFile::record_is_utf8`]
    /// said `record_utf8`. In a file of mixed encodings a record that is not UTF-8 as a
    /// whole is read field by field: a field of Chinese text in UTF-8 stays UTF-8 (a
    /// UTF-8 line with one cell pasted from a GBK system), any other is GBK. Well-formed
    /// UTF-8 alone is no proof: a short GBK name such as 叶梅 (D2B6 C3B7) is well-formed
    /// UTF-8 too (Ҷ÷), but holds no Chinese character read so; GBK text that reads as
    /// Chinese UTF-8 needs three characters or more whose every byte falls in narrow
    /// ranges (odds of about 1 in 30,000 for three).
    pub fn decode_in_record<'a>(
        &self,
        b: &'a [u8],
        record_utf8: bool,
    ) -> std::result::Result<Cow<'a, str>, NotUtf8> {
        match self.mode {
            Mode::PerField if !record_utf8 && self.encoding == MIXED && chinese_utf8(b) => {
                utf8(b).map(Cow::Borrowed).map_err(|_| NotUtf8)
            }
            Mode::PerField if !record_utf8 => match decode_gb_strict(b) {
                Ok(s) => Ok(s),
                Err(_) => utf8(b).map(Cow::Borrowed).map_err(|_| NotUtf8),
            },
            _ => self.decode(b),
        }
    }

    /// A record's text, when [`CsvFile::decode_in_record`] would give each field as it
    /// stands (UTF-8, borrowed) and the record's raw text is valid UTF-8. One check per
    /// record instead of one per field: short fields are checked byte by byte, a whole
    /// record with SIMD. Delimiters, quotes and line breaks are ASCII, so every field of
    /// a valid record is valid; a field cut from it is a checked `get`
    /// ([`RecordText::field`]), and a copied field (doubled quotes undone) is cut from
    /// the copied fields' text, checked too. `None`: decode field by field (a damaged
    /// character cut by a delimiter, `a\xE4\xB8,\xADb`, is then refused field by field).
    pub fn record_text<'a>(
        &self,
        record: &Record<'a>,
        record_utf8: bool,
    ) -> Option<RecordText<'a>> {
        let whole = match self.mode {
            Mode::Utf8 | Mode::Utf8Strict => true,
            Mode::PerField => record_utf8,
            Mode::Gb => false,
        };
        if !whole {
            return None;
        }
        let raw = utf8(record.raw).ok()?;
        let unescaped = record.fields.unescaped();
        Some(RecordText {
            raw,
            unescaped: if unescaped.is_empty() {
                None
            } else {
                utf8(unescaped).ok()
            },
        })
    }

    /// Why [`CsvFile::decode`] failed, for rejected.csv.
    pub fn undecodable(&self) -> &'static str {
        match self.mode {
            Mode::Utf8 | Mode::Utf8Strict => {
                "not valid UTF-8 (the file was read as UTF-8; set [input] encoding if it is GBK)"
            }
            Mode::Gb => {
                "not valid GBK/GB18030 (the file was read as GBK, as [input] encoding says)"
            }
            Mode::PerField => "neither valid UTF-8 nor valid GBK/GB18030: the bytes are damaged",
        }
    }

    /// Let go of the pages of a mapped file between byte offsets `from` and `to` that
    /// this process holds: they leave its memory, and are read again from the file cache
    /// if touched again. Their content does not change. A held file keeps its bytes.
    pub fn release(&self, from: usize, to: usize) {
        if let Bytes::Mapped(m) = &self.bytes {
            release_pages(m, from, to);
        }
    }

    /// The file as mapped UTF-8 text, if it is one: a value that stands verbatim in it
    /// can be left there (see [`MappedText`]).
    pub fn mapped(&self) -> Option<&MappedText> {
        self.mapped.as_ref()
    }

    /// Where `raw`, a slice of this file's bytes (a [`Record::raw`]), lies in them.
    pub fn span_of(&self, raw: &[u8]) -> (u64, u32) {
        let at = (raw.as_ptr() as usize).saturating_sub(self.bytes.as_ptr() as usize);
        (at as u64, raw.len().min(u32::MAX as usize) as u32)
    }

    /// The raw text at a [`CsvFile::span_of`] span, as [`CsvFile::decode_lossy`] gives it.
    pub fn raw_text(&self, at: usize, len: usize) -> String {
        let end = at.saturating_add(len).min(self.bytes.len());
        self.decode_lossy(&self.bytes[at.min(end)..end])
    }

    /// Raw text of a record for rejected.csv (never fails: undecodable bytes become U+FFFD).
    pub fn decode_lossy(&self, b: &[u8]) -> String {
        match self.mode {
            Mode::Utf8 | Mode::Utf8Strict => String::from_utf8_lossy(b).into_owned(),
            Mode::Gb => decode_gb(b).into_owned(),
            Mode::PerField => match utf8(b) {
                Ok(s) => s.to_string(),
                // A GBK line, or a UTF-8 line with damaged bytes: whichever reads with
                // fewer replacement characters.
                Err(_) => {
                    let (gb, utf8) = (decode_gb(b), String::from_utf8_lossy(b));
                    let bad = |s: &str| s.chars().filter(|c| *c == '\u{FFFD}').count();
                    if bad(&utf8) < bad(&gb) {
                        utf8.into_owned()
                    } else {
                        gb.into_owned()
                    }
                }
            },
        }
    }

    /// Calls `f` for every record, the header first. Blank lines are skipped.
    pub fn for_each_record(&self, mut f: impl FnMut(Record<'_>) -> Result<()>) -> Result<()> {
        self.scan(0, 1, 0, usize::MAX, |r| f(r).map(|()| true))?;
        Ok(())
    }

    /// Whether a field decoded from this file can contain a NUL character: only if the
    /// bytes hold a zero byte (UTF-16 was converted to UTF-8 on reading, and no GB18030
    /// sequence decodes to NUL but the zero byte itself). Found by the pass over the file
    /// when it was opened (for UTF-16, over the converted text).
    pub fn may_hold_nul(&self) -> bool {
        self.nul
    }

    /// Length of the text after any byte-order mark (the offsets [`CsvFile::scan`] uses).
    pub fn text_len(&self) -> usize {
        self.bytes.len() - self.start
    }

    /// Whether records carry sheet rows rather than line numbers (a converted worksheet):
    /// such a file is read in one piece, from its start.
    pub fn has_line_map(&self) -> bool {
        self.line_map.is_some()
    }

    /// The line number of the record starting at `at` (an offset in the text): one more
    /// than the line breaks before it.
    pub fn line_at(&self, at: usize) -> u64 {
        let data = &self.bytes[self.start..];
        let to = at.min(data.len());
        // A step at a time, each step's pages let go of after it (half a 3.4 GB file
        // would otherwise be held until the first piece's reading passes it).
        let (mut line, mut from) = (1, 0);
        while from < to {
            let end = (from + RELEASE_STEP).min(to);
            line += count_line_breaks(data, from, end);
            self.release(self.start + from, self.start + end);
            from = end;
        }
        line
    }

    /// Where the first line starting after `at` begins (for splitting the text in two
    /// pieces to read side by side), if there is one.
    pub fn next_line_start(&self, at: usize) -> Option<usize> {
        let data = &self.bytes[self.start..];
        let p = data.get(at..)?.iter().position(|b| *b == b'\n')?;
        (at + p + 1 < data.len()).then_some(at + p + 1)
    }

    /// Reads records starting at offset `from` of the text (a record start, or a line
    /// start when reading speculatively), whose line is `line` and, for a converted
    /// worksheet, whose record number is `index` (the header is 0). Calls `f` for each until
    /// `f` returns `false` or a record starts at or after `stop`. Returns where it
    /// stopped: the start of the record at or after `stop`, the end of the record `f`
    /// declined to go past, or the end of the text; and the line number there.
    pub fn scan(
        &self,
        from: usize,
        line: u64,
        index: usize,
        stop: usize,
        mut f: impl FnMut(Record<'_>) -> Result<bool>,
    ) -> Result<(usize, u64)> {
        let all = &self.bytes[self.start..];
        let from = from.min(all.len());
        let data = &all[from..];
        let delimiter = sniff_delimiter(all);
        let mut fields = Fields::default();
        let mut index = index;
        let (mut at, mut line_at) = (0usize, line);
        // The pages read are let go of as reading moves on (see [`Bytes`]).
        let mut released = 0usize;
        loop {
            let (start, skipped) = split::next_record(data, at);
            line_at += skipped;
            if start >= data.len() {
                return Ok((all.len(), line_at));
            }
            if from + start >= stop {
                return Ok((from + start, line_at));
            }
            if start.saturating_sub(released) >= RELEASE_STEP {
                let base = self.start + from;
                self.release(base + released, base + start);
                released = start;
            }
            let mut line = line_at;
            if let Some(map) = &self.line_map {
                line = map.get(index).copied().unwrap_or(line);
            }
            index += 1;
            // An unclosed quote ends its record with the line it opened on: reading resumes
            // on the next line instead of inside that quote.
            let Split {
                end,
                breaks,
                unclosed: unclosed_quote,
            } = split::split_record(data, start, delimiter, &mut fields);
            let go_on = f(Record {
                line,
                start: from + start,
                fields: &fields,
                raw: &data[start..end],
                unclosed_quote,
            })?;
            line_at += breaks;
            at = end;
            if !go_on {
                return Ok((from + at, line_at));
            }
        }
    }
}

/// Let go of the pages of `m` between byte offsets `from` and `to` that this process holds
/// (see [`CsvFile::release`]).
fn release_pages(m: &memmap2::Mmap, from: usize, to: usize) {
    #[cfg(unix)]
    {
        const PAGE: usize = 4096;
        let (a, b) = (from.div_ceil(PAGE) * PAGE, to.min(m.len()) / PAGE * PAGE);
        if a < b {
            // SAFETY: the mapping is shared and of a file (see `CsvFile::open`):
            // MADV_DONTNEED drops this process's view of those pages, not their content;
            // the next read of them faults the same bytes in from the file. Nothing is
            // written through the mapping. A failure only leaves the pages held.
            let _ =
                unsafe { m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, a, b - a) };
        }
    }
    let _ = (m, from, to);
}

/// UTF-16 without a byte-order mark: the ASCII of a CSV (separators, line ends, digits)
/// leaves NUL in odd (little-endian) or even (big-endian) bytes and hardly ever in the
/// others; a UTF-8 file with a stray NUL does not look like that.
fn utf16_without_bom(b: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &b[..b.len().min(4096) & !1];
    let pairs = head.len() / 2;
    if pairs < 4 {
        return None;
    }
    let nul_even = head.iter().step_by(2).filter(|c| **c == 0).count();
    let nul_odd = head.iter().skip(1).step_by(2).filter(|c| **c == 0).count();
    let looks = |many: usize, few: usize| many * 20 >= pairs && few * 10 <= many;
    let enc = if looks(nul_odd, nul_even) {
        encoding_rs::UTF_16LE
    } else if looks(nul_even, nul_odd) {
        encoding_rs::UTF_16BE
    } else {
        return None;
    };
    let (text, _) = enc.decode_without_bom_handling(head);
    text.contains([',', '\t', ';', '\n']).then_some(enc)
}

/// The field separator: a comma, a tab or a semicolon, whichever splits the first lines
/// most consistently. Header and data rows have one number of fields, so the separator
/// is the one whose count (outside quotes) repeats on the most lines; a title or filter
/// line above the header (`接待记录 (东区; 西区)`, `查询条件：中心=东区;状态=全部`) is one
/// line and does not outvote them. Ties go to the larger count, then to the comma.
fn sniff_delimiter(data: &[u8]) -> u8 {
    const LINES: usize = 12;
    const SEPARATORS: [u8; 3] = [b',', b'\t', b';'];
    let mut lines: Vec<[usize; 3]> = vec![];
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in data.iter().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if counts != [0; 3] {
                    lines.push(counts);
                }
                counts = [0; 3];
                if lines.len() == LINES {
                    break;
                }
            }
            _ if !quoted => {
                if let Some(k) = SEPARATORS.iter().position(|&d| d == b) {
                    counts[k] += 1;
                }
            }
            _ => {}
        }
    }
    if counts != [0; 3] && lines.len() < LINES {
        lines.push(counts);
    }
    // Per separator: (lines sharing its most common non-zero count, that count).
    let score = |k: usize| -> (usize, usize) {
        let mut best = (0, 0);
        for l in &lines {
            let c = l[k];
            if c == 0 {
                continue;
            }
            let n = lines.iter().filter(|m| m[k] == c).count();
            best = best.max((n, c));
        }
        best
    };
    let mut pick = 0;
    for k in 1..SEPARATORS.len() {
        if score(k) > score(pick) {
            pick = k;
        }
    }
    SEPARATORS[pick]
}

/// Whether a file that is not UTF-8 reads as Big5 (traditional Chinese) rather than as
/// GBK: its first 64 KiB decode as Big5 without a fault, and hold more than twice as many
/// of the commonest characters of reception logs read as Big5 as read as GBK. GBK text
/// rarely decodes as Big5 (its trail bytes 0x80–0xA0 are none), and Big5 text read as GBK
/// is rare characters; the commonest ones are listed in both scripts.
fn looks_like_big5(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    // A sample cut inside a character: drop its last byte or two.
    let trimmed = (0..3)
        .map(|cut| &sample[..sample.len().saturating_sub(cut)])
        .find(|s| {
            encoding_rs::BIG5
                .decode_without_bom_handling_and_without_replacement(s)
                .is_some()
        });
    let Some(sample) = trimmed else {
        return false;
    };
    let score = |text: &str| text.chars().filter(|c| COMMON_HAN.contains(*c)).count();
    let big5 = encoding_rs::BIG5.decode_without_bom_handling(sample).0;
    let gbk = encoding_rs::GB18030.decode_without_bom_handling(sample).0;
    let (b, g) = (score(&big5), score(&gbk));
    b >= 4 && b > 2 * g
}

/// Whether a file that is neither UTF-8 nor Big5 is Western single-byte text (a US or
/// European export: `DÉP`, `Señal – Noise`, `Café`) rather than GBK: in its first 64 KiB
/// most runs of high bytes are one byte long, and read as GBK it is broken somewhere and
/// mostly characters no reception log uses (`D蒔`). A Chinese log read as
/// GBK is runs of two bytes and more, mostly its commonest characters ([`COMMON_HAN`]),
/// damaged bytes or not.
fn looks_western(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    // Western text has its accented letters one at a time between ASCII (`Señal`); GBK's
    // characters are two bytes each, mostly both high (张伟: four high bytes in a row).
    let (mut runs, mut single, mut run) = (0usize, 0usize, 0usize);
    for &b in sample.iter().chain([&b' ']) {
        if b >= 0x80 {
            run += 1;
        } else if run > 0 {
            runs += 1;
            single += usize::from(run == 1);
            run = 0;
        }
    }
    if runs == 0 || single * 2 < runs {
        return false;
    }
    let gbk = encoding_rs::GB18030.decode_without_bom_handling(sample).0;
    let (mut wide, mut common) = (0usize, 0usize);
    for c in gbk.chars().filter(|c| !c.is_ascii() && *c != '\u{FFFD}') {
        wide += 1;
        common += usize::from(COMMON_HAN.contains(c));
    }
    // Western text always breaks GBK somewhere in 64 KiB (an accented letter before a
    // space or a comma: `Café,`); a GB18030 file does not, whatever its characters (its
    // emoji are four bytes, two lone-looking pairs). Then: fewer than one character in
    // five common, or none read at all.
    let broken = gbk.contains('\u{FFFD}');
    broken && (wide == 0 || common * 5 < wide)
}

/// The commonest characters of reception logs, simplified and traditional.
const COMMON_HAN: &str = "的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能而子那得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學如都同现現当當没沒动動面起看定天分还還进進好小部其些主样樣理心本前开開但因只从從想实實业業物维維修投诉訴电電话話处處服务務管问問题題号號客户戶单單位楼樓室区區收费費水漏门門请請已回复復办辦结結满滿意员員工程保安洁潔环環境绿綠化停车車位报報名姓联聯系繫应應受时間间記记录錄内內容类類別别答覆访訪";

/// GB18030, or `Err` when the bytes are not GB18030 either.
fn decode_gb_strict(b: &[u8]) -> std::result::Result<Cow<'_, str>, NotUtf8> {
    if b.is_ascii() {
        return Ok(Cow::Borrowed(utf8(b).unwrap_or_default()));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(b)
        .map(|t| Cow::Owned(t.into_owned()))
        .ok_or(NotUtf8)
}

fn decode_gb(b: &[u8]) -> Cow<'_, str> {
    if b.is_ascii() {
        return Cow::Borrowed(utf8(b).unwrap_or_default());
    }
    let (text, _, _) = encoding_rs::GB18030.decode(b);
    Cow::Owned(text.into_owned())
}

/// True when the bytes contain a line of Chinese in UTF-8 next to invalid UTF-8
/// elsewhere: a file that mixes encodings.
fn has_valid_utf8_multibyte(b: &[u8]) -> bool {
    b.split(|&c| c == b'\n').any(chinese_utf8)
}

/// Whether non-ASCII bytes are Chinese written in UTF-8: valid UTF-8 with at least one
/// CJK character. GBK bytes are sometimes valid UTF-8 by chance (叶梅 is D2B6 C3B7, read
/// as UTF-8 Ҷ÷), but then they spell two-byte letters and symbols, not Chinese.
fn chinese_utf8(b: &[u8]) -> bool {
    !b.is_ascii()
        && utf8(b).is_ok_and(|s| {
            s.chars().any(|c| {
                matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3FFFF}')
            })
        })
}

/// [`CsvFile::encoding`] of a UTF-8 file with lines of GBK.
const MIXED: &str = "mixed utf-8/gb18030";

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// `bytes` as text when they are valid UTF-8. SIMD-checked: std's check is a third of
/// reading a mostly Chinese export whole (0.48 of 1.27 s at 335 MB, bench/RESULTS.md).
fn utf8(bytes: &[u8]) -> std::result::Result<&str, simdutf8::basic::Utf8Error> {
    simdutf8::basic::from_utf8(bytes)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash pass's steps cover the bytes in order, and checking each step as UTF-8
    /// decides what checking the whole does: valid text (Chinese, emoji, ASCII) at every
    /// step size, and any bytes at all (runs of continuation bytes, cut characters, GBK).
    #[test]
    fn utf8_checked_in_steps_is_utf8_checked_whole() {
        use proptest::prelude::*;
        let bytes = prop_oneof![
            "[a-z,不归我管😀\\n]{0,40}".prop_map(String::into_bytes),
            proptest::collection::vec(any::<u8>(), 0..40),
            proptest::collection::vec(
                prop_oneof![Just(0x80u8), Just(0xBF), Just(0xE4), Just(0xF0), Just(b'a')],
                0..40
            ),
        ];
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(2000));
        runner
            .run(&(bytes, 1usize..12), |(b, step)| {
                let steps: Vec<(usize, usize)> = utf8_steps(&b, step).collect();
                let mut at = 0;
                for &(x, y) in &steps {
                    prop_assert!(x == at && y > x, "{steps:?}");
                    at = y;
                }
                prop_assert_eq!(at, b.len());
                let whole = utf8(&b).is_ok();
                let stepwise = steps.iter().all(|&(x, y)| utf8(&b[x..y]).is_ok());
                prop_assert_eq!(stepwise, whole, "{:?} in steps {:?}", b, steps);
                Ok(())
            })
            .unwrap();
    }

    /// Line breaks counted with memchr equal the byte-by-byte definition: `\n`, and a
    /// `\r` not followed by `\n`, also when the span ends between `\r` and `\n`.
    #[test]
    fn line_breaks_are_counted_as_defined() {
        let by_byte = |d: &[u8], from: usize, to: usize| {
            (from..to)
                .filter(|&i| d[i] == b'\n' || (d[i] == b'\r' && d.get(i + 1) != Some(&b'\n')))
                .count() as u64
        };
        for text in [
            "",
            "a,b\nc,d\n",
            "a\r\nb\r\nc",
            "a\rb\rc\r",
            "\r\r\n\n\r",
            "一,二\r\n三\r四\n\n",
        ] {
            let d = text.as_bytes();
            for from in 0..=d.len() {
                for to in 0..=d.len() {
                    assert_eq!(
                        count_line_breaks(d, from, to),
                        if from <= to { by_byte(d, from, to) } else { 0 },
                        "{text:?} {from}..{to}"
                    );
                }
            }
        }
    }

    fn records(bytes: &[u8]) -> Vec<(u64, Vec<String>, String)> {
        let f = CsvFile::from_bytes(bytes.to_vec(), "t.csv", Encoding::Auto).unwrap();
        let mut out = vec![];
        f.for_each_record(|r| {
            let fields = r
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

    /// The separator is the one the header and data rows share, not one a title or a
    /// filter line above them happens to hold.
    #[test]
    fn a_title_line_does_not_choose_the_separator() {
        let rows = "编号,服务中心,受理时间\nA1,东区,2026-10-03 09:05\nA2,西区;北区,2026-10-03\n";
        for title in [
            "",
            "接待记录 (东区; 西区)\n\n",
            "查询条件：服务中心=东区;状态=全部;时间=10月\n",
            "报表\t导出\n",
        ] {
            assert_eq!(
                sniff_delimiter(format!("{title}{rows}").as_bytes()),
                b',',
                "{title:?}"
            );
        }
        let semi =
            "导出时间：2026-11-01, 10:00\n编号;服务中心;受理时间\nA1;东区;2026-10-03 09:05\n";
        assert_eq!(sniff_delimiter(semi.as_bytes()), b';');
        assert_eq!(sniff_delimiter("sep=;\na;b;c\n1;2,5;3\n".as_bytes()), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2,5\t3\n".as_bytes()), b'\t');
        // one line: the separator it holds most of
        assert_eq!(sniff_delimiter(b"a,b;c;d"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c"), b',');
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
    fn an_unclosed_quote_costs_its_own_line_only() {
        // To the end of the file, and "closed" by a later row's quoted field.
        for text in [
            "a,b,c\n1,\"x,y\n2,p,q\n3,r,s\n",
            "a,b,c\n1,\"x,y\n2,p,q\n3,\"r\",s\n",
        ] {
            let f = CsvFile::from_bytes(text.as_bytes().to_vec(), "t.csv", Encoding::Auto).unwrap();
            let mut got = vec![];
            f.for_each_record(|r| {
                got.push((r.line, r.unclosed_quote, f.decode_lossy(r.raw)));
                if r.unclosed_quote.is_some() {
                    assert_eq!(r.iter().collect::<Vec<_>>(), [&b"1"[..], b"x,y"]);
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(
                got,
                [
                    (1, None, "a,b,c".to_string()),
                    (2, Some(1), "1,\"x,y".to_string()),
                    (3, None, "2,p,q".to_string()),
                    (4, None, text.lines().nth(3).unwrap().to_string()),
                ],
                "{text:?}"
            );
        }
        // A quoted field with a line break inside is not an unclosed quote.
        let r = records("a,b\n\"x\ny\",1\n2,3\n".as_bytes());
        assert_eq!((r[1].1[0].as_str(), r[2].0), ("x\ny", 4));
    }

    #[test]
    fn classic_mac_line_endings_count_as_lines() {
        let r = records(b"a,b\r1,2\r3,4\r");
        assert_eq!(r.iter().map(|x| x.0).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn utf16_without_a_bom_is_detected() {
        let text = "编号,内容\nC1,漏水\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(records(&le), records(text.as_bytes()));
        assert_eq!(records(&be), records(text.as_bytes()));
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_replacement_character() {
        let mut b = "编号,内容\nC1,漏水\n".as_bytes().to_vec();
        b.extend_from_slice(b"C2,\xE6\xBC\x8F\xFF\n");
        let f = CsvFile::from_bytes(b, "t.csv", Encoding::Auto).unwrap();
        let mut fields = vec![];
        f.for_each_record(|r| {
            fields.push(f.decode(r.field(1).unwrap()).map(|s| s.into_owned()));
            Ok(())
        })
        .unwrap();
        assert_eq!(fields[1], Ok("漏水".to_string()));
        assert_eq!(fields[2], Err(NotUtf8));
        assert!(f.undecodable().contains("neither"));
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

    /// A UTF-8 line with one cell in GBK (a name pasted from an old system): the other
    /// cells stay UTF-8; a GBK line of names that happen to be well-formed UTF-8 (叶梅 is
    /// D2B6 C3B7, Ҷ÷ in UTF-8) stays GBK.
    #[test]
    fn a_gbk_cell_in_a_utf8_line_leaves_the_other_cells_utf8() {
        let mut b = "编号,中心,姓名\nC1,滨江服务中心,张三\nC2,滨江服务中心,"
            .as_bytes()
            .to_vec();
        let (gbk, _, _) = encoding_rs::GBK.encode("王小明");
        b.extend_from_slice(&gbk);
        b.extend_from_slice(b"\n");
        let (gbk, _, _) = encoding_rs::GBK.encode("C3,滨江服务中心,叶梅\n");
        b.extend_from_slice(&gbk);
        let f = CsvFile::from_bytes(b, "t.csv", Encoding::Auto).unwrap();
        assert!(f.is_mixed());
        let mut r = vec![];
        f.for_each_record(|rec| {
            let whole = f.record_is_utf8(rec.raw);
            let fields: Vec<String> = rec
                .iter()
                .map(|x| f.decode_in_record(x, whole).unwrap().into_owned())
                .collect();
            r.push(fields);
            Ok(())
        })
        .unwrap();
        assert_eq!(r[2], ["C2", "滨江服务中心", "王小明"]);
        assert_eq!(r[3], ["C3", "滨江服务中心", "叶梅"]);
    }
}
