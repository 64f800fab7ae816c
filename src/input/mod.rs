//! Loading a dataset: the five input files, header mapping, typed columns, rejections.
//!
//! Every record read is either kept (audited) or listed in [`Rejected`] with its file,
//! line, reason and raw text, so that `rows_read = rows_audited + rows_rejected` per file.

pub mod csvfile;
pub mod schema;
pub mod split;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::timeparse::{
    is_time_of_day, join_date_time, parse_stamp_in, year_last_order, DateOrder,
};
use csvfile::CsvFile;
pub use csvfile::Encoding;
pub use schema::{ColType, Column, FileKind};

/// A row that could not be audited.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub file: String,
    pub line: u64,
    pub reason: String,
    pub raw: String,
    /// Personal data in `raw` (value, is_phone), masked when the report is written.
    pub pii: Vec<(String, bool)>,
    /// The kind of file the row is from.
    pub kind: FileKind,
    /// The row's case id as written, when its kind has one (a handoff's case): a rejected
    /// handoff can quote its case's resident, whose name is masked as the case's is.
    pub case_id: Option<String>,
    /// Left out by the audit's own bounds (outside `--period`, after `--as-of`), not a
    /// fault of the data: `--strict` does not count it.
    pub outside: bool,
}

/// Reading statistics for one input file (manifest.json).
#[derive(Debug, Clone)]
pub struct FileStats {
    pub kind: FileKind,
    pub path: String,
    pub sha256: String,
    pub encoding: &'static str,
    pub rows_read: usize,
    pub rows_audited: usize,
    pub rows_rejected: usize,
}

/// The text values of one column, one per row, in one buffer: a row is a span of it, or
/// empty (`None`). About four bytes per cell besides the text, instead of a `String`
/// each: at a million cases and twenty columns that is the difference between one
/// allocation and twenty million.
///
/// A long text column read from a mapped UTF-8 export ([`IN_FILE`]) leaves a value that
/// stands verbatim in the file there ([`InFile`]): eight bytes say where, and the text is
/// read from the file's pages when a rule reads it.
#[derive(Debug, Clone, Default)]
pub struct TextCol {
    buf: String,
    /// Where each value ends in `buf`, its low [`END_BITS`] bits (it starts where the one
    /// before ends).
    ends: Vec<u32>,
    /// The rows whose end passed a multiple of 2^[`END_BITS`], once per multiple: empty
    /// unless the column holds 4 GiB of text or more.
    wraps: Vec<usize>,
    /// Which rows hold a value, a bit each.
    valid: Vec<u64>,
    /// The values left in their files, if any.
    in_file: Option<InFile>,
    /// A column of few distinct values, each held once (see [`TextCol::share_repeats`]):
    /// `buf`, `ends` and `wraps` are then empty.
    shared: Option<Box<Shared>>,
}

/// The values of a [`TextCol`] with few distinct ones: the number of each row's value.
#[derive(Debug, Clone, Default)]
struct Shared {
    codes: Vec<u16>,
    /// The distinct values, in the order first met.
    values: TextCol,
    /// Each value's number by the value's hash, kept by [`Shared::number_of`], the one
    /// way values are added once a column is shared. The numbers only: a value is
    /// compared with `values`, where it is held once (no copy of each value as a key).
    number: hashbrown::HashTable<u16>,
}

impl Shared {
    /// The number of value `v`, numbering it if it is new; `None` when a 2-byte number
    /// cannot tell it from the others.
    fn number_of(&mut self, v: &str) -> Option<u16> {
        let h = crate::idhash::hash_of(v);
        let values = &self.values;
        if let Some(&c) = self.number.find(h, |&c| values.get(c as usize) == Some(v)) {
            return Some(c);
        }
        let c = u16::try_from(self.values.len()).ok()?;
        self.values.push(Some(v));
        let values = &self.values;
        self.number.insert_unique(h, c, |&c| {
            crate::idhash::hash_of(values.get(c as usize).unwrap_or_default())
        });
        Some(c)
    }
}

/// Set row `row`'s bit (the next one) in a bitmap of one bit per row.
fn push_bit(bits: &mut Vec<u64>, row: usize, on: bool) {
    if row.is_multiple_of(64) {
        bits.push(0);
    }
    if on {
        bits[row / 64] |= 1 << (row % 64);
    }
}

/// Values of a [`TextCol`] left in the mapped files they were read from.
#[derive(Debug, Clone, Default)]
struct InFile {
    /// Per row: `(place << 24) | length` of a value left in a file, or [`IN_BUF`] when the
    /// value is in the column's buffer (or empty). A place is the file's
    /// [`csvfile::MappedText::base`] plus the offset in it, below 2^40 − 1 so that no
    /// cell is [`IN_BUF`].
    cells: Vec<u64>,
    /// The files, by base.
    files: Vec<csvfile::MappedText>,
}

/// An [`InFile`] cell whose value is in the buffer.
const IN_BUF: u64 = u64::MAX;
/// The bits of an [`InFile`] cell that give the value's length.
const LEN_BITS: u32 = 24;

/// The case columns whose values may be left in a mapped file: the long texts only rules
/// read (the reports show ids, names, centers and times, never these). Half the bytes of
/// a case row; at 10M cases, 1.3 GB that need not be copied into memory.
pub const IN_FILE: &[&str] = &["reply", "content", "resolution", "unit"];

impl PartialEq for TextCol {
    /// Equal values row by row (two columns holding the same text, one in its file or
    /// shared and one in its buffer, are equal); columns holding every value in their
    /// buffer compare field by field, so that a stale offset or bit shows.
    fn eq(&self, other: &TextCol) -> bool {
        let plain = |c: &TextCol| c.in_file.is_none() && c.shared.is_none();
        match (plain(self), plain(other)) {
            (true, true) => {
                self.buf == other.buf
                    && self.ends == other.ends
                    && self.wraps == other.wraps
                    && self.valid == other.valid
            }
            _ => self.len() == other.len() && self.iter().eq(other.iter()),
        }
    }
}

/// The bits of an end offset kept per row (see [`TextCol::ends`]); the unit tests use
/// 8, so that columns of a few hundred bytes take the path of 4 GiB ones.
const END_BITS: u32 = if cfg!(test) { 8 } else { 32 };
const END_MASK: usize = (1usize << END_BITS) - 1;

impl TextCol {
    pub fn new() -> TextCol {
        TextCol::default()
    }

    pub fn len(&self) -> usize {
        match &self.shared {
            Some(s) => s.codes.len(),
            None => self.ends.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hold each distinct value once when the column has few of them and that saves at
    /// least half its size: a service center's name, a channel, a category repeat on
    /// every row (at 10M cases, 0.6 GB of copies). Only a column whose values are all in
    /// memory. Pushes, truncations, masks and appends keep them shared while a 2-byte
    /// number tells the values apart (see [`TextCol::push`], [`TextCol::append`]).
    pub fn share_repeats(&mut self) {
        self.share(true);
    }

    /// [`TextCol::share_repeats`]; `only_if_saving` false: whatever it saves, as long as
    /// the values can be numbered (a small column joined to a large shared one).
    fn share(&mut self, only_if_saving: bool) {
        if self.shared.is_some() || self.in_file.is_some() || self.is_empty() {
            return;
        }
        let n = self.len();
        // Numbered as scanned, each value compared with the values kept so far: most
        // columns that cannot be shared (ids, phone numbers) are found so after 65,536 of
        // their values.
        let mut sh = Shared {
            codes: Vec::with_capacity(n),
            ..Shared::default()
        };
        for v in self.iter() {
            let code = match v {
                None => 0,
                Some(v) => match sh.number_of(v) {
                    Some(c) => c,
                    None => return, // too many distinct values
                },
            };
            sh.codes.push(code);
        }
        let plain = self.buf.len() + 4 * n;
        if only_if_saving && 2 * n + sh.values.buf.len() + 4 * sh.values.len() > plain / 2 {
            return;
        }
        self.shared = Some(Box::new(sh));
        self.buf = String::new();
        self.ends = vec![];
        self.wraps = vec![];
    }

    /// Copy the values of a column that shares them back into its own buffer (before a
    /// change).
    fn unshare(&mut self) {
        let Some(s) = self.shared.take() else { return };
        for (i, &c) in s.codes.iter().enumerate() {
            let v = self.is_valid(i).then(|| s.values.get(c as usize)).flatten();
            if let Some(v) = v {
                self.buf.push_str(v);
            }
            // The valid bits stay as they are; only the ends are made again.
            self.push_offset(self.buf.len());
        }
    }

    /// Where row `i`'s value ends in `buf` (`i` < len).
    #[inline]
    fn end(&self, i: usize) -> usize {
        let low = self.ends[i] as usize;
        if self.wraps.is_empty() {
            return low;
        }
        let high = self.wraps.partition_point(|&w| w <= i);
        (high << END_BITS) | low
    }

    #[inline]
    fn is_valid(&self, i: usize) -> bool {
        self.valid
            .get(i / 64)
            .is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }

    /// Whether row `i` holds a value (`get(i)` is `Some`), without reading it: a value
    /// left in its file is not read from there.
    #[inline]
    pub fn has_value(&self, i: usize) -> bool {
        i < self.len() && self.is_valid(i)
    }

    /// Row `i`'s value; `None` when empty or when `i` is past the end.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        if i >= self.len() || !self.is_valid(i) {
            return None;
        }
        if let Some(s) = &self.shared {
            return s.values.get(s.codes[i] as usize);
        }
        if let Some(f) = &self.in_file {
            if let Some(v) = f.get(i) {
                return Some(v);
            }
        }
        let start = if i == 0 { 0 } else { self.end(i - 1) };
        self.buf.get(start..self.end(i))
    }

    /// The distinct values of a column whose repeats are held once
    /// ([`TextCol::share_repeats`]); `None` for any other column.
    pub fn shared_values(&self) -> Option<&TextCol> {
        self.shared.as_ref().map(|s| &s.values)
    }

    /// Row `i`'s value when it is at most `max` bytes long; a longer value left in its
    /// file is not read from there (its length is known without it).
    #[inline]
    pub fn get_short(&self, i: usize, max: usize) -> Option<&str> {
        if let Some(f) = self.in_file.as_ref().filter(|_| self.shared.is_none()) {
            if let Some(&c) = f.cells.get(i).filter(|&&c| c != IN_BUF) {
                if (c & ((1 << LEN_BITS) - 1)) as usize > max {
                    return None;
                }
            }
        }
        self.get(i).filter(|v| v.len() <= max)
    }

    /// A row ending at `end` in `buf` (its text already there).
    fn push_end(&mut self, end: usize, valid: bool) {
        let row = self.ends.len();
        self.push_offset(end);
        push_bit(&mut self.valid, row, valid);
    }

    /// The end offset of the next row, its valid bit aside.
    fn push_offset(&mut self, end: usize) {
        let row = self.ends.len();
        for _ in self.wraps.len()..end >> END_BITS {
            self.wraps.push(row);
        }
        self.ends.push((end & END_MASK) as u32);
    }

    pub fn push(&mut self, v: Option<&str>) {
        if let Some(s) = &mut self.shared {
            // A shared column stays shared while its values can be numbered.
            let code = match v {
                None => Some(0),
                Some(v) => s.number_of(v),
            };
            if let Some(code) = code {
                let row = s.codes.len();
                s.codes.push(code);
                push_bit(&mut self.valid, row, v.is_some());
                return;
            }
        }
        self.unshare();
        if let Some(v) = v {
            self.buf.push_str(v);
        }
        self.push_end(self.buf.len(), v.is_some());
        if let Some(f) = &mut self.in_file {
            f.cells.push(IN_BUF);
        }
    }

    /// Push a value that stands verbatim at byte `at` of the mapped `file`, leaving it
    /// there; one the file does not hold there, or that cannot be placed (past the reach
    /// of a cell), is copied.
    pub(crate) fn push_in_file(&mut self, v: &str, file: &csvfile::MappedText, at: usize) {
        self.unshare();
        let place = file.base() + at as u64;
        if v.len() as u64 >= 1 << LEN_BITS
            || place >= (1 << (64 - LEN_BITS)) - 1
            || !file.holds(at, v)
        {
            return self.push(Some(v));
        }
        let n = self.len();
        let f = self.in_file.get_or_insert_with(|| InFile {
            cells: vec![IN_BUF; n],
            files: vec![],
        });
        if !f.files.iter().any(|x| x.base() == file.base()) {
            f.files.push(file.clone());
            f.files.sort_by_key(|x| x.base());
        }
        f.cells.push((place << LEN_BITS) | v.len() as u64);
        self.push_end(self.buf.len(), true);
    }

    /// How many values are left in a file (for the tests).
    #[cfg(test)]
    fn in_file_count(&self) -> usize {
        self.in_file
            .as_ref()
            .map_or(0, |f| f.cells.iter().filter(|c| **c != IN_BUF).count())
    }

    /// The mapped files this column's values were left in.
    fn files(&self) -> impl Iterator<Item = &csvfile::MappedText> {
        self.in_file.iter().flat_map(|f| &f.files)
    }

    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = Option<&str>> + ExactSizeIterator + Clone + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// Add `other`'s values after this column's. A shared column stays shared (the
    /// pieces of a large file are shared while read, a small file's rows join a large
    /// one's) while its values can be numbered; a shorter unshared one joining a shared
    /// one is shared first.
    pub fn append(&mut self, other: &TextCol) {
        if other.shared.is_some() && self.in_file.is_none() && self.len() < other.len() {
            self.share(false);
        }
        if self.append_shared(other) {
            return;
        }
        if self.shared.is_some() && other.shared.is_none() && other.in_file.is_none() {
            // Row by row: a push keeps the column shared, or copies it out when the
            // values outgrow the numbers and goes on unshared.
            for v in other.iter() {
                self.push(v);
            }
            return;
        }
        self.unshare();
        if other.shared.is_some() {
            let mut other = other.clone();
            other.unshare();
            return self.append(&other);
        }
        let (n, m) = (self.len(), other.len());
        let base = self.buf.len();
        self.buf.push_str(&other.buf);
        self.ends.reserve(other.len());
        for j in 0..other.len() {
            self.push_end(base + other.end(j), other.is_valid(j));
        }
        if self.in_file.is_some() || other.in_file.is_some() {
            let f = self.in_file.get_or_insert_with(|| InFile {
                cells: vec![IN_BUF; n],
                files: vec![],
            });
            match &other.in_file {
                Some(o) => {
                    f.cells.extend_from_slice(&o.cells);
                    for x in &o.files {
                        if !f.files.iter().any(|y| y.base() == x.base()) {
                            f.files.push(x.clone());
                        }
                    }
                    f.files.sort_by_key(|x| x.base());
                }
                None => f.cells.resize(n + m, IN_BUF),
            }
        }
    }

    /// Append a column that shares its values to one that shares them too (or holds
    /// no row), numbering the values this one lacks after its own. False, with no row
    /// changed, when either is not shared (or has values in a file) or when the values
    /// together are more than a 2-byte number tells apart.
    fn append_shared(&mut self, other: &TextCol) -> bool {
        let Some(o) = other.shared.as_deref() else {
            return false;
        };
        if self.in_file.is_some() || other.in_file.is_some() {
            return false;
        }
        let n = self.len();
        let Some(s) = self.shared.as_deref_mut() else {
            if n == 0 {
                *self = other.clone();
                return true;
            }
            return false;
        };
        // Each of `other`'s value numbers in this column's numbering (the values this
        // column lacks numbered after its own). Past the 2-byte limit no row is appended;
        // the values numbered so far stay, read by no row.
        let mut map = Vec::with_capacity(o.values.len());
        for v in o.values.iter() {
            match s.number_of(v.unwrap_or_default()) {
                Some(c) => map.push(c),
                None => return false,
            }
        }
        // An empty row's number is 0 whatever its bit; `other` may have no values at all.
        s.codes.extend(
            o.codes
                .iter()
                .map(|&c| map.get(c as usize).copied().unwrap_or(0)),
        );
        for i in 0..other.len() {
            push_bit(&mut self.valid, n + i, other.is_valid(i));
        }
        true
    }

    pub fn truncate(&mut self, n: usize) {
        if n >= self.len() {
            return;
        }
        if let Some(s) = &mut self.shared {
            // The numbers and bits of the rows kept; the values stay (a row dropped
            // while reading is pushed again as the next row, often with the same value).
            s.codes.truncate(n);
        } else {
            let end = if n == 0 { 0 } else { self.end(n - 1) };
            self.buf.truncate(end);
            self.ends.truncate(n);
            let w = self.wraps.partition_point(|&w| w < n);
            self.wraps.truncate(w);
        }
        if let Some(f) = &mut self.in_file {
            f.cells.truncate(n);
        }
        self.valid.truncate(n.div_ceil(64));
        if !n.is_multiple_of(64) {
            if let Some(last) = self.valid.last_mut() {
                *last &= (1u64 << (n % 64)) - 1;
            }
        }
    }

    fn retain_mask(&mut self, keep: &[bool]) {
        if let Some(sh) = &mut self.shared {
            // Shared values stay shared: the kept rows' numbers and bits.
            let n = sh.codes.len().min(keep.len());
            let mut valid = Vec::with_capacity(n.div_ceil(64));
            let mut codes = Vec::with_capacity(n);
            for (i, &c) in sh.codes[..n].iter().enumerate() {
                if keep[i] {
                    let on = (self.valid[i / 64] >> (i % 64)) & 1 == 1;
                    push_bit(&mut valid, codes.len(), on);
                    codes.push(c);
                }
            }
            sh.codes = codes;
            self.valid = valid;
            return;
        }
        let mut out = TextCol {
            buf: String::with_capacity(self.buf.len()),
            ends: Vec::with_capacity(self.len()),
            wraps: vec![],
            valid: Vec::with_capacity(self.valid.len()),
            in_file: self.in_file.take().map(|f| InFile {
                cells: f
                    .cells
                    .iter()
                    .zip(keep)
                    .filter(|(_, k)| **k)
                    .map(|(c, _)| *c)
                    .collect(),
                files: f.files,
            }),
            shared: None,
        };
        // Kept rows come in long runs: each run's text is copied at once.
        let n = self.len().min(keep.len());
        let mut i = 0;
        while i < n {
            if !keep[i] {
                i += 1;
                continue;
            }
            let a = i;
            while i < n && keep[i] {
                i += 1;
            }
            let start = if a == 0 { 0 } else { self.end(a - 1) };
            let base = out.buf.len();
            out.buf.push_str(&self.buf[start..self.end(i - 1)]);
            for r in a..i {
                out.push_end(self.end(r) - start + base, self.is_valid(r));
            }
        }
        *self = out;
    }
}

impl InFile {
    /// Row `i`'s value when it is in a file.
    #[inline]
    fn get(&self, i: usize) -> Option<&str> {
        let c = *self.cells.get(i)?;
        if c == IN_BUF {
            return None;
        }
        let (place, len) = (c >> LEN_BITS, (c & ((1 << LEN_BITS) - 1)) as usize);
        let k = self
            .files
            .partition_point(|f| f.base() <= place)
            .checked_sub(1)?;
        Some(self.files[k].text((place - self.files[k].base()) as usize, len))
    }
}

impl<'a> FromIterator<Option<&'a str>> for TextCol {
    fn from_iter<I: IntoIterator<Item = Option<&'a str>>>(iter: I) -> TextCol {
        let mut t = TextCol::new();
        for v in iter {
            t.push(v);
        }
        t
    }
}

/// Whole numbers that may be absent, one per row: epoch milliseconds or counts, half the
/// size of `Vec<Option<i64>>` (a 10M-case table has six such columns). [`i64::MIN`] stands
/// for "none": no time chrono reads and no count (never negative) is that value. The
/// second vector marks times written as a date alone; it stays empty until one is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptI64(Vec<i64>, Vec<bool>);

const NONE_I64: i64 = i64::MIN;

impl OptI64 {
    #[inline]
    pub fn get(&self, i: usize) -> Option<i64> {
        self.0.get(i).copied().filter(|v| *v != NONE_I64)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = Option<i64>> + ExactSizeIterator + Clone + '_ {
        self.0.iter().map(|v| (*v != NONE_I64).then_some(*v))
    }

    /// The values as options (a copy).
    pub fn to_vec(&self) -> Vec<Option<i64>> {
        self.iter().collect()
    }

    pub fn push(&mut self, v: Option<i64>) {
        debug_assert!(v != Some(NONE_I64), "i64::MIN stands for none");
        self.0.push(v.unwrap_or(NONE_I64));
        if !self.1.is_empty() {
            self.1.push(false);
        }
    }

    /// A time read from a date without a time of day (its local midnight, `v`): when in
    /// that day it happened is unknown ([`OptI64::date_only`]).
    pub fn push_date_only(&mut self, v: i64) {
        if self.1.is_empty() {
            self.1.resize(self.0.len(), false);
        }
        self.0.push(v);
        self.1.push(true);
    }

    /// Row `i`'s time is its date alone after all (an export writing a date without its
    /// hour as 00:00:00, seen when it falls before the day's receipt).
    pub fn set_date_only(&mut self, i: usize) {
        if self.1.is_empty() {
            self.1.resize(self.0.len(), false);
        }
        if let Some(d) = self.1.get_mut(i) {
            *d = true;
        }
    }

    /// Whether the time of row `i` was written as a date without a time of day.
    #[inline]
    pub fn date_only(&self, i: usize) -> bool {
        self.1.get(i).copied().unwrap_or(false)
    }

    /// Row `i`'s time for people, as written: `2026-10-03 09:05`, or `2026-10-03` for a
    /// date alone (its 00:00 is no time anyone recorded); empty when there is none.
    pub fn stamp_text(&self, i: usize, tz: chrono_tz::Tz) -> String {
        match self.get(i) {
            None => String::new(),
            Some(v) if self.date_only(i) => crate::timeparse::to_local(v, tz)
                .date()
                .format("%Y-%m-%d")
                .to_string(),
            Some(v) => crate::timeparse::format_local_short(v, tz),
        }
    }

    /// Whether any time of the column was written without a time of day.
    pub fn any_date_only(&self) -> bool {
        self.1.iter().any(|&d| d)
    }

    /// The latest instant row `i` may stand for: the last second of its day when it
    /// was written without a time of day, else its time. A deadline starts there: a
    /// case received on 3 March at an unknown hour is late only if late from 23:59:59.
    pub fn latest(&self, i: usize, tz: chrono_tz::Tz) -> Option<i64> {
        let v = self.get(i)?;
        Some(if self.date_only(i) {
            crate::timeparse::day_end(v, tz)
        } else {
            v
        })
    }

    fn truncate(&mut self, n: usize) {
        self.0.truncate(n);
        self.1.truncate(n);
    }

    fn extend(&mut self, other: OptI64) {
        if !other.1.is_empty() || !self.1.is_empty() {
            self.1.resize(self.0.len(), false);
            if other.1.is_empty() {
                self.1.resize(self.0.len() + other.0.len(), false);
            } else {
                self.1.extend(other.1);
            }
        }
        self.0.extend(other.0);
    }

    fn retain_mask(&mut self, keep: &[bool]) {
        retain_by(&mut self.0, keep);
        if !self.1.is_empty() {
            retain_by(&mut self.1, keep);
        }
    }
}

impl<'a> IntoIterator for &'a OptI64 {
    type Item = Option<i64>;
    type IntoIter = std::iter::Map<std::slice::Iter<'a, i64>, fn(&i64) -> Option<i64>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|v| (*v != NONE_I64).then_some(*v))
    }
}

impl FromIterator<Option<i64>> for OptI64 {
    fn from_iter<I: IntoIterator<Item = Option<i64>>>(iter: I) -> OptI64 {
        let mut o = OptI64::default();
        for v in iter {
            o.push(v);
        }
        o
    }
}

/// Keeps the values of `v` whose `keep` is true, in order.
fn retain_by<T>(v: &mut Vec<T>, keep: &[bool]) {
    let mut i = 0;
    v.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// Values of one canonical column, one per kept row.
#[derive(Debug, Clone)]
pub enum ColData {
    Text(TextCol),
    /// Epoch milliseconds (UTC).
    Time(OptI64),
    Count(OptI64),
    Money(Vec<Option<f64>>),
}

impl ColData {
    /// Whether row `i` holds no value (empty or only whitespace when read; `true` past
    /// the end).
    pub fn is_empty_at(&self, i: usize) -> bool {
        match self {
            ColData::Text(v) => !v.has_value(i),
            ColData::Time(v) | ColData::Count(v) => v.get(i).is_none(),
            ColData::Money(v) => v.get(i).is_none_or(Option::is_none),
        }
    }

    fn new(ty: ColType) -> ColData {
        match ty {
            ColType::Text => ColData::Text(TextCol::new()),
            ColType::DateTime => ColData::Time(OptI64::default()),
            ColType::Count => ColData::Count(OptI64::default()),
            ColType::Money => ColData::Money(vec![]),
        }
    }
    fn truncate(&mut self, n: usize) {
        match self {
            ColData::Text(v) => v.truncate(n),
            ColData::Time(v) => v.truncate(n),
            ColData::Count(v) => v.truncate(n),
            ColData::Money(v) => v.truncate(n),
        }
    }
    fn retain_mask(&mut self, keep: &[bool]) {
        match self {
            ColData::Text(v) => v.retain_mask(keep),
            ColData::Time(v) | ColData::Count(v) => v.retain_mask(keep),
            ColData::Money(v) => retain_by(v, keep),
        }
    }
}

/// Where a kept row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// Index into [`Table::files`].
    pub file: usize,
    pub line: u64,
}

/// All kept rows of one kind of file, column by column (every canonical column exists;
/// a column absent from the header is all empty and not in `present`).
#[derive(Clone)]
pub struct Table {
    pub kind: FileKind,
    pub files: Vec<String>,
    pub columns: Vec<(&'static Column, ColData)>,
    /// Canonical columns that appeared in the header of at least one file.
    pub present: Vec<&'static str>,
    /// Per file (as in `files`): the canonical columns its header named. Exports of
    /// several centers differ: a column one file lacks is unknown for its rows, not
    /// empty.
    pub file_columns: Vec<Vec<&'static str>>,
    pub sources: Vec<Source>,
    /// Where each kept row's raw text is in its file (for rejections decided after
    /// loading): byte offset and length in `raw_files[source.file]`.
    raws: Vec<(u64, u32)>,
    /// The files read, kept while loading so that a row rejected after reading is listed
    /// with its raw text; released by [`Table::release_raw`].
    raw_files: Vec<CsvFile>,
    /// What was passed over while reading (a workbook's sheet that is not a table of
    /// this kind), for the user to hear about.
    pub warnings: Vec<String>,
    /// The header row of each file (or sheet) read, as written.
    pub header_rows: Vec<Vec<String>>,
}

impl Table {
    /// A table of this kind with no rows (every canonical column present).
    pub fn empty(kind: FileKind) -> Table {
        let mut t = Table::new(kind);
        t.present = kind.columns().iter().map(|c| c.name).collect();
        t
    }

    fn new(kind: FileKind) -> Table {
        Table {
            kind,
            files: vec![],
            columns: kind
                .columns()
                .iter()
                .map(|c| (c, ColData::new(c.ty)))
                .collect(),
            present: vec![],
            file_columns: vec![],
            sources: vec![],
            raws: vec![],
            raw_files: vec![],
            warnings: vec![],
            header_rows: vec![],
        }
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The column `name`, if the table has one (`as_of` in a rule's SQL is none).
    pub fn try_col(&self, name: &str) -> Option<&ColData> {
        self.columns
            .iter()
            .find(|(c, _)| c.name == name)
            .map(|(_, d)| d)
    }

    pub fn col(&self, name: &str) -> &ColData {
        &self
            .columns
            .iter()
            .find(|(c, _)| c.name == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.kind))
            .1
    }

    pub fn text(&self, name: &str) -> &TextCol {
        match self.col(name) {
            ColData::Text(v) => v,
            _ => panic!("{name} is not a text column"),
        }
    }

    pub fn time(&self, name: &str) -> &OptI64 {
        match self.col(name) {
            ColData::Time(v) => v,
            _ => panic!("{name} is not a time column"),
        }
    }

    pub fn time_mut(&mut self, name: &str) -> &mut OptI64 {
        match self.columns.iter_mut().find(|(c, _)| c.name == name) {
            Some((_, ColData::Time(v))) => v,
            _ => panic!("{name} is not a time column"),
        }
    }

    pub fn count(&self, name: &str) -> &OptI64 {
        match self.col(name) {
            ColData::Count(v) => v,
            _ => panic!("{name} is not a count column"),
        }
    }

    pub fn money(&self, name: &str) -> &[Option<f64>] {
        match self.col(name) {
            ColData::Money(v) => v,
            _ => panic!("{name} is not a money column"),
        }
    }

    pub fn is_present(&self, name: &str) -> bool {
        self.present.contains(&name)
    }

    /// Whether file `file`'s header named column `name` (a table not read from files,
    /// or read before this was recorded, has every column it has at all).
    pub fn file_has(&self, file: usize, name: &str) -> bool {
        match self.file_columns.get(file) {
            Some(cols) => cols.contains(&name),
            None => self.is_present(name),
        }
    }

    /// Per file: whether its header named column `name`; `None` when every file did.
    pub fn files_with(&self, name: &str) -> Option<Vec<bool>> {
        let has: Vec<bool> = (0..self.files.len())
            .map(|f| self.file_has(f, name))
            .collect();
        (!has.iter().all(|h| *h)).then_some(has)
    }

    /// `file:line` of row `i`.
    pub fn source(&self, i: usize) -> String {
        let s = self.sources[i];
        format!("{}:{}", self.files[s.file], s.line)
    }

    /// Reject every row whose `column` value repeats an earlier row's; the first is kept.
    pub fn reject_duplicates(&mut self, column: &str, rejected: &mut Vec<Rejected>) {
        let found = first_seen(self.text(column).iter());
        if found.0.iter().all(|k| *k) {
            return;
        }
        // Many rows of one file repeating the ids of another: two exports numbering
        // their cases alike (two companies both at A-1001), not one case twice. Said,
        // with the count: the repeats are rejected all the same.
        let mut across: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
        for (i, first) in found.1.iter().enumerate() {
            if let Some(&j) = first.as_ref() {
                let (fi, fj) = (self.sources[i].file, self.sources[j].file);
                if fi != fj {
                    across.entry((fi, fj)).or_insert((0, i)).0 += 1;
                }
            }
        }
        for ((fi, fj), (n, example)) in across {
            let rows = self.sources.iter().filter(|s| s.file == fi).count();
            if n >= 3 && n * 5 >= rows {
                self.warnings.push(format!(
                    "{n} of the {rows} rows of {} repeat {column}s of {} (e.g. {:?}) and are rejected as duplicates: if these are two exports that number their cases alike (two companies, two systems), audit each on its own or give its ids a prefix",
                    self.files[fi],
                    self.files[fj],
                    self.text(column).get(example).unwrap_or("")
                ));
            }
        }
        let ids = self.text(column).clone();
        self.reject_repeats(
            found,
            |i, first| {
                let id = ids.get(i).unwrap_or("");
                // 2.02610E+11: a spreadsheet showed a long number id in scientific
                // notation and saved it so; ids that differed in their last digits collide.
                let hint = if looks_scientific(id) {
                    "; it is a number in scientific notation, as a spreadsheet saves a long id it holds as a number: the digits that told the cases apart are lost, so export the ids as text"
                } else {
                    ""
                };
                format!(
                    "duplicate {column} {id:?}: already at {first} (only the first is kept, and it is audited unless a check of its own rejects it){hint}"
                )
            },
            rejected,
        );
    }

    /// Reject the repeats [`first_seen`] found, `(keep, dup_of)`; `reason(i, first)` says
    /// why, `first` being the source (`file:line`) of the row repeated.
    pub fn reject_repeats(
        &mut self,
        (keep, dup_of): (Vec<bool>, Vec<Option<usize>>),
        reason: impl Fn(usize, &str) -> String,
        rejected: &mut Vec<Rejected>,
    ) {
        if keep.iter().all(|k| *k) {
            return;
        }
        // Only the rows a duplicate points at need their source spelled out.
        let sources: HashMap<usize, String> = dup_of
            .iter()
            .flatten()
            .map(|&j| (j, self.source(j)))
            .collect();
        self.reject_where(
            &keep,
            |i| {
                let first = dup_of[i].and_then(|j| sources.get(&j));
                reason(i, first.map_or("", String::as_str))
            },
            rejected,
        );
    }

    /// Add `other`'s rows (read from the same files) after this table's.
    fn append(&mut self, other: Table) {
        if self.sources.is_empty() {
            // Nothing kept yet (the first file): take the rows as they are, uncopied.
            self.columns = other.columns;
            self.sources = other.sources;
            self.raws = other.raws;
            return;
        }
        let append = |pairs: Vec<(&mut ColData, ColData)>| {
            for (c, o) in pairs {
                match (c, o) {
                    (ColData::Text(a), ColData::Text(b)) => a.append(&b),
                    (ColData::Time(a), ColData::Time(b)) => a.extend(b),
                    (ColData::Count(a), ColData::Count(b)) => a.extend(b),
                    (ColData::Money(a), ColData::Money(b)) => a.extend(b),
                    _ => unreachable!("tables of one kind have the same column types"),
                }
            }
        };
        let mut pairs: Vec<(&mut ColData, ColData)> = self
            .columns
            .iter_mut()
            .map(|(_, c)| c)
            .zip(other.columns.into_iter().map(|(_, o)| o))
            .collect();
        // Half the columns on a second thread (the two pieces of a large file).
        let back = pairs.split_off(pairs.len() / 2);
        crate::par::both(|| append(pairs), || append(back));
        self.sources.extend(other.sources);
        self.raws.extend(other.raws);
    }

    /// Row `i`'s raw text as read (empty once [`Table::release_raw`] has run).
    fn raw_text(&self, i: usize) -> String {
        let (Some(&(at, len)), Some(s)) = (self.raws.get(i), self.sources.get(i)) else {
            return String::new();
        };
        match self.raw_files.get(s.file) {
            Some(f) => f.raw_text(at as usize, len as usize),
            None => String::new(),
        }
    }

    /// Let go of the file pages the values left in files were read from (see
    /// [`csvfile::MappedText::release`]): after a slice of cases has been evaluated. Once
    /// per file, whichever columns left values in it.
    pub fn release_file_pages(&self) {
        let mut done: Vec<u64> = vec![];
        for (_, c) in &self.columns {
            if let ColData::Text(t) = c {
                for f in t.files() {
                    if !done.contains(&f.base()) {
                        done.push(f.base());
                        f.release();
                    }
                }
            }
        }
    }

    /// Hold the values of each text column with few distinct ones once per value (see
    /// [`TextCol::share_repeats`]): a piece of a file once it has read [`share_after`]
    /// rows, a piece once it is complete, and the tables after loading. Half the columns
    /// on a second thread.
    pub fn share_repeats(&mut self) {
        let mut cols: Vec<&mut TextCol> = self
            .columns
            .iter_mut()
            .filter_map(|(_, c)| match c {
                ColData::Text(t) => Some(t),
                _ => None,
            })
            .collect();
        let back = cols.split_off(cols.len() / 2);
        let share = |cols: Vec<&mut TextCol>| cols.into_iter().for_each(TextCol::share_repeats);
        crate::par::both(|| share(cols), || share(back));
    }

    /// Free the files' bytes once no row can be rejected any more (after loading).
    pub fn release_raw(&mut self) {
        self.raws = vec![];
        self.raw_files = vec![];
    }

    /// Drop the rows where `keep` is false, listing each as rejected with `reason(i)`.
    pub fn reject_where(
        &mut self,
        keep: &[bool],
        mut reason: impl FnMut(usize) -> String,
        rejected: &mut Vec<Rejected>,
    ) {
        if keep.iter().all(|k| *k) {
            return;
        }
        for (i, k) in keep.iter().enumerate() {
            if !k {
                let s = self.sources[i];
                let pii = PII_COLUMNS
                    .iter()
                    .filter(|(c, _)| self.kind.column(c).is_some())
                    .filter_map(|(c, phone)| {
                        self.text(c).get(i).map(str::to_string).map(|v| (v, *phone))
                    })
                    .collect();
                let case_id = (self.kind.column("case_id").is_some())
                    .then(|| self.text("case_id").get(i).map(str::to_string))
                    .flatten();
                rejected.push(Rejected {
                    file: self.files[s.file].clone(),
                    line: s.line,
                    reason: reason(i),
                    raw: self.raw_text(i),
                    pii,
                    kind: self.kind,
                    case_id,
                    outside: false,
                });
            }
        }
        for (_, c) in &mut self.columns {
            c.retain_mask(keep);
        }
        let mut i = 0;
        self.sources.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        if self.raws.len() == keep.len() {
            let mut i = 0;
            self.raws.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
    }
}

/// Columns holding customers' personal data: (column, is a phone number).
pub const PII_COLUMNS: &[(&str, bool)] = &[("customer_name", false), ("customer_phone", true)];

/// Whether `v` is a number in scientific notation (`2.02610E+11`, `2.0261E+11`).
fn looks_scientific(v: &str) -> bool {
    let Some((mantissa, exp)) = v.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    !int.is_empty()
        && !exp.is_empty()
        && [int, frac, exp]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Options that shape reading: timezone, encoding and extra header aliases.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub tz: Tz,
    pub encoding: Encoding,
    /// `[input] date_order`: how `03/10/2026` reads; `None` settles it per file from
    /// its dates (see [`DateEvidence`]).
    pub date_order: Option<DateOrder>,
    /// `[input.aliases.<file>]`: canonical column → extra header names.
    pub aliases: BTreeMap<FileKind, BTreeMap<String, Vec<String>>>,
    /// Where each alias list stands in the rules file (`rules.toml:11:15`), for a
    /// warning that names it.
    pub alias_at: BTreeMap<FileKind, BTreeMap<String, String>>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            tz: chrono_tz::Asia::Shanghai,
            encoding: Encoding::Auto,
            date_order: None,
            aliases: BTreeMap::new(),
            alias_at: BTreeMap::new(),
        }
    }
}

/// A file to read, with the name to show for it.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub display: String,
}

impl InputFile {
    pub fn new(path: impl Into<PathBuf>) -> InputFile {
        let path = path.into();
        InputFile {
            display: path.display().to_string(),
            path,
        }
    }
}

/// Read every file of one kind into one table; rejected rows go to `rejected`.
pub fn read_table(
    kind: FileKind,
    files: &[InputFile],
    opts: &ReadOptions,
    stats: &mut Vec<FileStats>,
    rejected: &mut Vec<Rejected>,
) -> Result<Table> {
    let mut table = Table::new(kind);
    let mut seen: Vec<PathBuf> = vec![];
    for f in files {
        // Read twice, every row would be its own duplicate, and the per-file counts would
        // mix the two readings.
        let id = std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone());
        if seen.contains(&id) {
            return Err(Error::input(
                &f.display,
                format!(
                    "is named twice as a {} file; name each file once",
                    kind.name()
                ),
            ));
        }
        seen.push(id);
        let inputs = if is_xlsx(&f.path) {
            workbook_sheets(kind, f, opts, &mut table.warnings)?
        } else {
            vec![CsvFile::open(&f.path, &f.display, opts.encoding)?]
        };
        for csv in inputs {
            let st = read_file(&mut table, &csv, opts, rejected)?;
            stats.push(st);
            table.raw_files.push(csv);
        }
    }
    let unmatched = unmatched_aliases(kind, &table, opts);
    table.warnings.extend(unmatched);
    Ok(table)
}

/// A rules-file alias that names no header of any file read, for a column some file
/// lacks: a mapping misspelled (`resolved_at = ["Closed_Date"]` for `Closed Date`) leaves
/// the column unread and every rule over it unable to run, which the user must hear of
/// at the mapping, not only at the rule. An alias for another export's header is not
/// named while every file has the column by some other name.
fn unmatched_aliases(kind: FileKind, table: &Table, opts: &ReadOptions) -> Vec<String> {
    let Some(user) = opts.aliases.get(&kind) else {
        return vec![];
    };
    if table.header_rows.is_empty() {
        return vec![];
    }
    let headers: Vec<(String, &str)> = table
        .header_rows
        .iter()
        .flatten()
        .map(|h| (schema::normalize_header(h), h.as_str()))
        .filter(|(n, _)| !n.is_empty())
        .collect();
    let mut out = vec![];
    for (col, list) in user {
        let found = list.iter().any(|a| {
            headers
                .iter()
                .any(|(n, _)| *n == schema::normalize_header(a))
        });
        let everywhere = table
            .file_columns
            .iter()
            .all(|cols| cols.contains(&col.as_str()));
        if found || everywhere {
            continue;
        }
        let at = opts
            .alias_at
            .get(&kind)
            .and_then(|m| m.get(col))
            .map(|s| format!("{s}: "))
            .unwrap_or_default();
        let label = kind.column(col).map_or("", |c| c.label);
        let written: Vec<String> = list.iter().map(|a| format!("{a:?}")).collect();
        let mut distinct: Vec<&str> = headers.iter().map(|(_, h)| *h).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let hint = list
            .iter()
            .map(|a| crate::rules::did_you_mean(a, &distinct))
            .find(|h| !h.is_empty())
            .unwrap_or_default();
        out.push(format!(
            "{at}[input.aliases.{}] maps `{col}` ({label}) to {}, which is no header of any {} file read{hint}; `{col}` is not read, and the rules that read it cannot judge those files",
            kind.name(),
            if written.is_empty() { "nothing".to_string() } else { written.join(", ") },
            kind.name(),
        ));
    }
    out
}

/// The sheets of a workbook to read as `kind` files, in workbook order: every visible
/// worksheet whose header names the kind's required columns, each an input of its own
/// named `path[sheet]` (the plain path when the workbook has one sheet). Each sheet
/// passed over is named in `warnings`, and in the error when none is left.
fn workbook_sheets(
    kind: FileKind,
    f: &InputFile,
    opts: &ReadOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<CsvFile>> {
    use crate::xlsx::SheetContent;
    let is_header = |h: &[String]| names_required(kind, h, opts);
    let sheets = crate::xlsx::read_sheets(&f.path, &f.display, &is_header)?;
    let sha256 = csvfile::sha256_hex(
        &std::fs::read(&f.path).map_err(|e| Error::input(&f.display, e.to_string()))?,
    );
    let one = sheets.len() == 1;
    let (mut read, mut passed) = (vec![], vec![]);
    for s in sheets {
        let why = match s.content {
            SheetContent::Hidden => "is hidden".to_string(),
            SheetContent::NotAWorksheet => {
                "is not a worksheet (a chart, dialog or macro sheet)".to_string()
            }
            SheetContent::Cells { header, .. } if header.is_empty() && !one => {
                "is empty".to_string()
            }
            SheetContent::Cells { csv, rows, header } => {
                // A workbook of one sheet is read as a file is: its header is checked,
                // and refused with the file's own message, by read_file.
                let missing = if one {
                    vec![]
                } else {
                    missing_required(kind, &header, opts)
                };
                if missing.is_empty() {
                    let display = if one {
                        f.display.clone()
                    } else {
                        format!("{}[{}]", f.display, s.name)
                    };
                    let mut c = CsvFile::from_bytes(csv, &display, Encoding::Utf8)?;
                    c.line_map = Some(rows);
                    c.sha256 = sha256.clone();
                    c.encoding = "xlsx";
                    read.push(c);
                    continue;
                }
                format!(
                    "has no column {} (its header: {})",
                    missing
                        .iter()
                        .map(|c| format!("`{}` ({})", c.name, c.label))
                        .collect::<Vec<_>>()
                        .join(", "),
                    header_excerpt(&header)
                )
            }
        };
        passed.push(format!("sheet {:?} {why}", s.name));
    }
    if read.is_empty() {
        let required: Vec<&str> = kind
            .columns()
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        return Err(Error::input(
            &f.display,
            format!(
                "no sheet of the workbook is a {} table: {}. A {} sheet is visible and its first non-empty row names the columns {} (or their aliases; add one under [input.aliases.{}] in the rules file)",
                kind.name(),
                passed.join("; "),
                kind.name(),
                required.join(", "),
                kind.name()
            ),
        ));
    }
    warnings.extend(
        passed
            .into_iter()
            .map(|p| format!("{}: {p}: not read as {} data", f.display, kind.name())),
    );
    Ok(read)
}

/// The required columns of `kind` that no cell of `headers` names, matched as
/// [`map_header`] matches them: an alias from the rules file, the canonical name or a
/// built-in alias, and for the cases the first responder's name standing in for a
/// missing 工号.
/// Whether a row is a header row of `kind`: it names every required column (a title or
/// a date line above it does not). The one test of a header, for files and sheets alike.
fn names_required(kind: FileKind, headers: &[String], opts: &ReadOptions) -> bool {
    missing_required(kind, headers, opts).is_empty()
}

fn missing_required(
    kind: FileKind,
    headers: &[String],
    opts: &ReadOptions,
) -> Vec<&'static Column> {
    let names: std::collections::HashSet<String> = headers
        .iter()
        .map(|h| schema::normalize_header(h))
        .filter(|h| !h.is_empty())
        .collect();
    let user = opts.aliases.get(&kind);
    let has = |a: &str| names.contains(&schema::normalize_header(a));
    let named = |c: &Column| {
        names.contains(c.name)
            || c.aliases.iter().any(|a| has(a))
            || date_names(c).iter().any(|a| names.contains(a))
            || user
                .and_then(|u| u.get(c.name))
                .is_some_and(|l| l.iter().any(|a| has(a)))
    };
    let responder_named =
        kind == FileKind::Cases && kind.column("first_responder").is_some_and(&named);
    kind.columns()
        .iter()
        .filter(|c| c.required && !named(c))
        .filter(|c| !(responder_named && c.name == "first_responder_id"))
        .collect()
}

fn is_xlsx(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .map(|e| e.eq_ignore_ascii_case("xlsx"))
        .unwrap_or(false)
}

/// Map header cells to canonical columns. Priority when two cells name one column:
/// an alias from the rules file, then the canonical name, then the built-in aliases in
/// their listed order; two cells at the same priority are an error.
/// A canonical column as a rejection reason names it: `` `received_at` (受理时间) ``, and
/// the header it was read from when that is neither (`` (受理时间, column "房号") ``).
struct Named<'a>(&'a Column, &'a str);

impl std::fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Named(c, header) = self;
        let h = schema::normalize_header(header);
        if h.is_empty() || h == c.name || h == schema::normalize_header(c.label) {
            write!(f, "`{}` ({})", c.name, c.label)
        } else {
            write!(f, "`{}` ({}, column {:?})", c.name, c.label, header.trim())
        }
    }
}

fn map_header(
    kind: FileKind,
    headers: &[String],
    opts: &ReadOptions,
    display: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<Vec<usize>>> {
    let cols = kind.columns();
    let user = opts.aliases.get(&kind);
    let mut best: Vec<Option<(usize, usize)>> = vec![None; cols.len()]; // (priority, header idx)
                                                                        // One header may feed several canonical columns (e.g. an agency as both center and
                                                                        // first responder of a public export).
    let mut mapping: Vec<Vec<usize>> = vec![vec![]; headers.len()];
    // Every name a header cell can match, normalised once (a header may have 100,000 cells).
    #[allow(clippy::type_complexity)]
    let names: Vec<(Vec<String>, Vec<String>, Vec<String>)> = cols
        .iter()
        .map(|c| {
            let user: Vec<String> = user
                .and_then(|u| u.get(c.name))
                .map(|l| l.iter().map(|a| schema::normalize_header(a)).collect())
                .unwrap_or_default();
            let builtin = c
                .aliases
                .iter()
                .map(|a| schema::normalize_header(a))
                .collect();
            (user, builtin, date_names(c))
        })
        .collect();
    for (hi, h) in headers.iter().enumerate() {
        let nh = schema::normalize_header(h);
        if nh.is_empty() {
            continue;
        }
        // A cell the rules file maps to some column is that column's, and no longer a
        // built-in candidate for another (`unit = ["编号"]` settles 编号 vs 工单号).
        let mapped = names.iter().any(|(user, _, _)| user.contains(&nh));
        for (ci, c) in cols.iter().enumerate() {
            let (user, builtin, dates) = &names[ci];
            let prio = if user.contains(&nh) {
                Some(0)
            } else if mapped {
                None
            } else if nh == c.name {
                Some(1)
            } else if c.name == "case_id" && WEAK_CASE_ID.contains(&nh.as_str()) {
                Some(WEAK)
            } else if let Some(p) = builtin.iter().position(|a| *a == nh) {
                Some(2 + p)
            } else {
                dates.iter().position(|a| *a == nh).map(|p| DATE_ALIAS + p)
            };
            let Some(p) = prio else { continue };
            let alias = |p: usize| (2..DATE_ALIAS).contains(&p);
            match best[ci] {
                // Two cells naming one column by its Chinese aliases are ambiguous: an
                // export with both 编号 (a row counter) and 工单号 (the case id) must not
                // have one dropped without a word. A mapping in the rules file (0) or the
                // canonical name itself (1) is explicit, and wins; 序号 (WEAK) yields to
                // any other name: beside one, it is the table's row counter.
                Some((bp, bh)) if bp == p || (alias(bp) && alias(p)) => {
                    return Err(Error::input(
                        display,
                        format!(
                            "columns {} ({:?}) and {} ({:?}) both name `{}` ({}); keep one, or map one explicitly with [input.aliases.{}]",
                            bh + 1,
                            headers[bh],
                            hi + 1,
                            h,
                            c.name,
                            c.label,
                            kind.name()
                        ),
                    ))
                }
                Some((bp, _)) if bp < p => {}
                _ => best[ci] = Some((p, hi)),
            }
        }
    }
    // A mapping in the rules file wins over a header that names the column itself or by
    // a built-in alias: said, for a mapping to the wrong column leaves the right one
    // unread (`received_at = ["房号"]` beside a 受理时间 column).
    for (ci, b) in best.iter().enumerate() {
        if let Some((0, hi)) = b {
            let (_, builtin, _) = &names[ci];
            let c = &cols[ci];
            let passed: Vec<&str> = headers
                .iter()
                .enumerate()
                .filter(|&(hj, h)| {
                    let nh = schema::normalize_header(h);
                    hj != *hi && !nh.is_empty() && (nh == c.name || builtin.contains(&nh))
                })
                .map(|(_, h)| h.as_str())
                .collect();
            if !passed.is_empty() {
                warnings.push(format!(
                    "{display}: `{}` ({}) is read from column {:?}, as [input.aliases.{}] maps it; column {:?}, which names it too, is not read for it",
                    c.name,
                    c.label,
                    headers[*hi],
                    kind.name(),
                    passed.join("\", \"")
                ));
            }
        }
    }
    for (ci, b) in best.iter().enumerate() {
        if let Some((p, hi)) = b {
            mapping[*hi].push(ci);
            if *p == WEAK {
                warnings.push(format!(
                    "{display}: the case ids are read from {:?}, which is often a row counter: a case numbered alike in another file or sheet is rejected as a repeat; map the export's real case id (工单号) with [input.aliases.cases] if it has one",
                    headers[*hi]
                ));
            }
        }
    }
    // An export that names the first responder but has no 工号 column: the name is the
    // employee's identity, and the audit says so (a roster keyed by 工号 cannot join it).
    if kind == FileKind::Cases {
        let idx = |n: &str| cols.iter().position(|c| c.name == n);
        if let (Some(id), Some(name)) = (idx("first_responder_id"), idx("first_responder")) {
            if best[id].is_none() {
                if let Some((p, hi)) = best[name] {
                    best[id] = Some((p, hi));
                    mapping[hi].push(id);
                    warnings.push(format!(
                        "{display}: no 首问人工号 (first_responder_id) column: the names in {:?} are taken as the employees' ids, joined to the roster's 工号 where the roster has one employee of that name (two employees of one name stay one, unknown to the roster); map the export's 工号 column with [input.aliases.cases] if it has one",
                        headers.get(hi).map_or("", String::as_str)
                    ));
                }
            }
        }
    }
    let missing: Vec<&Column> = cols
        .iter()
        .enumerate()
        .filter(|(ci, c)| c.required && best[*ci].is_none())
        .map(|(_, c)| c)
        .collect();
    if let Some(c) = missing.first() {
        let names: Vec<String> = missing
            .iter()
            .map(|c| format!("`{}` ({})", c.name, c.label))
            .collect();
        let mut accepted = vec![c.name.to_string()];
        accepted.extend(c.aliases.iter().map(|a| a.to_string()));
        // A date alone (受理日期) is read too.
        accepted.extend(date_names(c));
        // The rules file's own aliases for it, and where they are: none matched.
        let mapped = user.and_then(|u| u.get(c.name)).filter(|l| !l.is_empty());
        let advice = match mapped {
            Some(list) => {
                let at = opts
                    .alias_at
                    .get(&kind)
                    .and_then(|m| m.get(c.name))
                    .map(|s| format!(" at {s}"))
                    .unwrap_or_default();
                let written: Vec<String> = list.iter().map(|a| format!("{a:?}")).collect();
                let hint = list
                    .iter()
                    .map(|a| {
                        crate::rules::did_you_mean(
                            a,
                            &headers.iter().map(String::as_str).collect::<Vec<_>>(),
                        )
                    })
                    .find(|h| !h.is_empty())
                    .unwrap_or_default();
                format!(
                    ", or the rules file's [input.aliases.{}]{at}: {}, none of which is in this header{hint}",
                    kind.name(),
                    written.join(", ")
                )
            }
            None => format!(
                " (or add an alias under [input.aliases.{}] in the rules file)",
                kind.name()
            ),
        };
        return Err(Error::input(
            display,
            format!(
                "missing required column {}; for `{}` a header must be one of: {}{advice}. The header read was: {}",
                names.join(", "),
                c.name,
                accepted.join(", "),
                header_excerpt(headers)
            ),
        ));
    }
    Ok(mapping)
}

/// The priority of a date name of a time column (受理日期 for 受理时间, [`date_names`]):
/// after its time names, which it then completes ([`date_partners`]).
const DATE_ALIAS: usize = 500;

/// The names of a time column's date alone: each built-in `…时间` alias as `…日期`
/// (受理日期, 办结日期), normalised. An export that keeps only the date is read as days of
/// unknown hour; one that keeps both has them joined.
fn date_names(c: &Column) -> Vec<String> {
    if c.ty != ColType::DateTime {
        return vec![];
    }
    c.aliases
        .iter()
        .filter_map(|a| date_name(&schema::normalize_header(a)))
        .collect()
}

/// The name of the date alone of a normalised time name: 受理时间 → 受理日期.
fn date_name(time_name: &str) -> Option<String> {
    time_name
        .strip_suffix("时间")
        .map(|stem| format!("{stem}日期"))
}

/// For each time column read from a `…时间` cell, the header cell of its date when the
/// export keeps it apart (`受理日期 | 受理时间`), not otherwise read: a time of day alone
/// in the time cell is joined to that date.
fn date_partners(kind: FileKind, headers: &[String], map: &[Vec<usize>]) -> Vec<Option<usize>> {
    let cols = kind.columns();
    let normal: Vec<String> = headers
        .iter()
        .map(|h| schema::normalize_header(h))
        .collect();
    cols.iter()
        .enumerate()
        .map(|(ci, c)| {
            if c.ty != ColType::DateTime {
                return None;
            }
            let hi = map.iter().position(|m| m.contains(&ci))?;
            let want = date_name(&normal[hi])?;
            (0..headers.len()).find(|&j| map[j].is_empty() && normal[j] == want)
        })
        .collect()
}

/// Names of a case id that are often only a table's row counter (序号): taken as the case
/// id only when no other name of it is there, and then with a warning.
const WEAK_CASE_ID: &[&str] = &["序号"];
/// The priority of a [`WEAK_CASE_ID`] name: after every other alias.
const WEAK: usize = 1000;

/// The header as read, for a message: at most 30 cells, control characters escaped.
fn header_excerpt(headers: &[String]) -> String {
    const SHOWN: usize = 30;
    // A row of data read as the header (the real one missing or mangled: its cells hold
    // a number, a date or a time): what could be a customer's name is masked, a known
    // column name not. Any phone-shaped number is, in any header.
    let data_like = headers
        .iter()
        .any(|h| h.bytes().filter(u8::is_ascii_digit).count() >= 4);
    let mut s = headers
        .iter()
        .take(SHOWN)
        .map(|h| {
            let h = if is_known_header(h) {
                std::borrow::Cow::Borrowed(h.as_str())
            } else if data_like
                && crate::mask::name_like_pieces(h.trim())
                    .first()
                    .map(String::as_str)
                    == Some(h.trim())
            {
                std::borrow::Cow::Owned(crate::mask::mask_name(h))
            } else {
                crate::mask::mask_phones_in_text(h)
            };
            if h.chars().any(|c| c.is_control() || schema::is_invisible(c)) {
                h.escape_debug().to_string()
            } else {
                h.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    if headers.len() > SHOWN {
        s.push_str(&format!(" … ({} columns in all)", headers.len()));
    }
    s
}

/// Whether a header cell names a column of some input file (its canonical name, label
/// or an alias).
fn is_known_header(h: &str) -> bool {
    let h = schema::normalize_header(h);
    FileKind::ALL.iter().any(|k| {
        k.columns().iter().any(|c| {
            c.name == h
                || schema::normalize_header(c.label) == h
                || c.aliases.iter().any(|a| schema::normalize_header(a) == h)
        })
    })
}

/// Records an export may put above its header row (a title, the date range, a blank
/// line) that are passed over looking for it.
pub const TITLE_LINES: usize = 10;

/// The warning naming the records passed over above a header found on `line`.
/// A row passed over may be a row of data (a case above the header): its cells under the
/// header's customer name and phone (`pii`: header index, whether a phone) are masked,
/// as is any phone-shaped number.
fn lines_above_header(
    display: &str,
    above: &[(u64, Vec<String>)],
    line: u64,
    pii: &[(usize, bool)],
) -> String {
    let shown: Vec<String> = above
        .iter()
        .map(|(_, cells)| {
            cells
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    let c = c.trim();
                    match pii.iter().find(|p| p.0 == j) {
                        Some((_, true)) => crate::mask::mask_phone(c),
                        Some((_, false)) => crate::mask::mask_name(c),
                        None => c.to_string(),
                    }
                })
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|text| !text.is_empty())
        .map(|text| {
            let text = crate::mask::mask_phones_in_text(&text).into_owned();
            let cut: String = text.chars().take(60).collect();
            if cut.len() < text.len() {
                format!("{:?}", format!("{cut}…"))
            } else {
                format!("{cut:?}")
            }
        })
        .collect();
    let lines = match (above.first(), above.last()) {
        (Some(a), Some(b)) if a.0 != b.0 => format!("lines {}–{}", a.0, b.0),
        (Some(a), _) => format!("line {}", a.0),
        _ => String::new(),
    };
    format!(
        "{display}: {lines} above the header row (line {line}) passed over as the export's title, not data: {}",
        shown.join(", ")
    )
}

/// Below this size a file is read in one piece: splitting would not pay.
const SPLIT_BYTES: usize = 16 << 20;

/// [`SPLIT_BYTES`], or `SHOUWEN_TEST_SPLIT_BYTES` when set: CI runs the input tests once
/// more with it at 0, so that every test file is also read in two pieces (and shares its
/// repeated values after a few rows, see [`share_after`]).
fn split_bytes() -> usize {
    static AT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *AT.get_or_init(|| {
        std::env::var("SHOUWEN_TEST_SPLIT_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(SPLIT_BYTES)
    })
}

/// Rows a piece of a file is read into before its repeated values are held once (see
/// [`TextCol::share_repeats`]); from then on a shared column takes each row's number, and
/// the piece never holds a center's name on every row (at 10M cases, 1 GB while reading).
/// A few rows under the unit tests and when the test split is set (every test file then
/// shares while read).
fn share_after() -> usize {
    match split_bytes() {
        0 => 4,
        _ if cfg!(test) => 4,
        _ => 1 << 16,
    }
}

fn read_file(
    table: &mut Table,
    csv: &CsvFile,
    opts: &ReadOptions,
    rejected: &mut Vec<Rejected>,
) -> Result<FileStats> {
    let read = read_file_split(table, csv, opts, rejected, split_bytes());
    // What reading touched last (a mapped file's pages) is not needed again but for the
    // few rows rejected later.
    csv.release(0, usize::MAX);
    read
}

/// [`read_file`], splitting a file of `split_bytes` or more (tests split small files).
fn read_file_split(
    table: &mut Table,
    csv: &CsvFile,
    opts: &ReadOptions,
    rejected: &mut Vec<Rejected>,
    split_bytes: usize,
) -> Result<FileStats> {
    let kind = table.kind;
    let file_idx = table.files.len();
    table.files.push(csv.display.clone());
    let cols = kind.columns();
    // The header: the first record naming the kind's required columns. Exports often
    // put a title, a date range or a blank line above it: up to TITLE_LINES records are
    // passed over (and named in a warning); they are no rows of data.
    let mut header: Option<(u64, Vec<String>)> = None;
    let mut above: Vec<(u64, Vec<String>)> = vec![];
    let (body, body_line) = csv.scan(0, 1, 0, usize::MAX, |r| {
        if let Some(field) = r.unclosed_quote {
            return Err(Error::input(
                &csv.display,
                format!(
                    "line {}: header cell {} opens a quote that is never closed; expected a header row naming the columns",
                    r.line,
                    field + 1
                ),
            ));
        }
        let headers: Vec<String> = r.iter().map(|b| csv.decode_lossy(b)).collect();
        if names_required(kind, &headers, opts) {
            header = Some((r.line, headers));
            return Ok(false);
        }
        above.push((r.line, headers));
        Ok(above.len() <= TITLE_LINES)
    })?;
    // A converted worksheet's records are numbered from the first (see `CsvFile::scan`).
    let first_index = above.len() + 1;
    let (headers, map) = match header {
        Some((line, headers)) => {
            let map = map_header(kind, &headers, opts, &csv.display, &mut table.warnings)?;
            table.header_rows.push(headers.clone());
            if !above.is_empty() {
                let pii: Vec<(usize, bool)> = PII_COLUMNS
                    .iter()
                    .filter_map(|(c, phone)| {
                        let ci = cols.iter().position(|x| x.name == *c)?;
                        Some((map.iter().position(|m| m.contains(&ci))?, *phone))
                    })
                    .collect();
                table
                    .warnings
                    .push(lines_above_header(&csv.display, &above, line, &pii));
            }
            (headers, map)
        }
        // None names the required columns: refused with what the header row most
        // likely is, the first record of more than one cell (a title has one).
        None => {
            let Some(first) = above.first() else {
                return Err(Error::input(&csv.display, "the file has no header row"));
            };
            let likely = above
                .iter()
                .find(|(_, h)| h.iter().filter(|c| !c.trim().is_empty()).count() > 1)
                .unwrap_or(first);
            map_header(kind, &likely.1, opts, &csv.display, &mut vec![])?;
            return Err(Error::input(&csv.display, "the file has no header row"));
        }
    };
    let mut named = vec![];
    for (ci, c) in cols.iter().enumerate() {
        if map.iter().any(|t| t.contains(&ci)) {
            named.push(c.name);
            if !table.present.contains(&c.name) {
                table.present.push(c.name);
            }
        }
    }
    let all = table.present.clone();
    table.file_columns.resize(file_idx, all);
    table.file_columns.push(named);
    let unmapped: Vec<usize> = (0..cols.len())
        .filter(|ci| !map.iter().any(|m| m.contains(ci)))
        .collect();
    let dates = date_partners(kind, &headers, &map);
    let mut reader = RowReader {
        csv,
        opts,
        cols,
        map: &map,
        dates: &dates,
        unmapped: &unmapped,
        headers: &headers,
        file_idx,
        kind,
        may_hold_nul: csv.may_hold_nul(),
        order: opts.date_order.unwrap_or_default(),
        in_file: csv
            .mapped()
            .filter(|_| kind == FileKind::Cases)
            .map(|m| (m, cols.iter().map(|c| IN_FILE.contains(&c.name)).collect())),
    };
    let mut part = read_rows(&reader, body, body_line, first_index, split_bytes)?;
    // `03/10/2026`: month first unless the rules file says otherwise or the file's own
    // dates say so (a day past the 12th in first place, and none in second); then the
    // file is read again day first, and a warning says why.
    if opts.date_order.is_none() {
        let ev = &part.dates;
        let show = |(line, text): &(u64, String)| format!("line {line} {text:?}");
        let share = ev.day_first_n as f64 / (ev.day_first_n + ev.either).max(1) as f64;
        match (&ev.day_first, &ev.month_first) {
            // One date alone (a typo) among many: not the file's order. Two (a row's
            // receipt and answer on the 13th) are.
            (Some(d), None) if ev.day_first_n < 2 && share < DAY_FIRST_MIN_SHARE => {
                table.warnings.push(format!(
                    "{}: dates with the year last are read month first ({}): only {} of {} read only day first (first {}), too few to say the file writes the day first, so those rows are rejected; set `[input] date_order = \"day-first\"` if it does",
                    csv.display,
                    DateOrder::MonthFirst.pattern(),
                    ev.day_first_n,
                    ev.day_first_n + ev.either,
                    show(d)
                ));
            }
            (Some(d), None) => {
                let why = show(d);
                reader.order = DateOrder::DayFirst;
                part = read_rows(&reader, body, body_line, first_index, split_bytes)?;
                table.warnings.push(format!(
                    "{}: dates with the year last are read day first ({}), as {why} can only be read; set `[input] date_order = \"month-first\"` if that is wrong",
                    csv.display,
                    DateOrder::DayFirst.pattern()
                ));
            }
            (Some(d), Some(m)) => table.warnings.push(format!(
                "{}: dates with the year last are written both ways ({} {}, {} {}); they are read month first, so the day-first ones are rejected: set `[input] date_order` to the file's order",
                csv.display,
                show(m),
                DateOrder::MonthFirst.pattern(),
                show(d),
                DateOrder::DayFirst.pattern()
            )),
            (None, None) if ev.either > 0 => table.warnings.push(format!(
                "{}: {} dates with the year last (e.g. 03/10/2026) read either way and none says which; they are read month first ({}): set `[input] date_order = \"day-first\"` if the file writes the day first",
                csv.display,
                ev.either,
                DateOrder::MonthFirst.pattern()
            )),
            _ => {}
        }
    }
    if !part.gbk_lines.is_empty() {
        let lines = &part.gbk_lines;
        let shown: Vec<String> = lines
            .iter()
            .take(GBK_LINES_SHOWN)
            .map(u64::to_string)
            .collect();
        let more = if lines.len() > GBK_LINES_SHOWN {
            " …"
        } else {
            ""
        };
        table.warnings.push(format!(
            "{}: a UTF-8 file with lines that are not UTF-8 (line {}{more}): their cells that are not Chinese text in UTF-8 were read as GBK/GB18030; check those lines (text pasted from an older system?)",
            csv.display,
            shown.join(", ")
        ));
    }
    Ok(reader.finish(table, part, rejected))
}

/// The rows of a file past its header, read by `reader` from `body` (on `body_line`).
fn read_rows(
    reader: &RowReader<'_>,
    body: usize,
    body_line: u64,
    first_index: usize,
    split_bytes: usize,
) -> Result<Part> {
    let csv = reader.csv;
    let kind = reader.kind;
    // A large file is read in two pieces side by side: the second from a line start
    // past the middle, which may be inside a quoted field spanning lines. The first
    // piece reads on past that line until it reaches a record start the second piece
    // also found: from a common record start both read alike, so the second piece's
    // records from there on are exactly what one reading would give, and its records
    // before it (read out of step) are dropped. If the two do not meet soon, the
    // second piece is thrown away and the first reads to the end.
    let split = (csv.text_len() - body >= split_bytes && !csv.has_line_map())
        .then(|| csv.next_line_start(body + (csv.text_len() - body) / 2))
        .flatten();
    let mut first = Part::new(kind);
    let all = usize::MAX;
    let Some(p) = split else {
        csv.scan(body, body_line, first_index, all, |r| {
            reader.record(&mut first, r)
        })?;
        return Ok(first);
    };
    let (stopped, second) = std::thread::scope(|s| {
        let second = s.spawn(|| {
            let mut part = Part::new(kind);
            let res = csv.scan(p, csv.line_at(p), 1, all, |r| {
                part.starts
                    .push((r.start, part.table.len(), part.rejected.len()));
                reader.record(&mut part, r)
            });
            // Repeats held once while the first piece is still being read: the two
            // pieces' copies of a center's name on every row need not stand side by side.
            part.table.share_repeats();
            (res, part)
        });
        let stopped = csv.scan(body, body_line, first_index, p, |r| {
            reader.record(&mut first, r)
        });
        (stopped, second.join().ok())
    });
    let (mut at, mut line) = stopped?;
    let mut tries = 0;
    let met = loop {
        let Some((_, part)) = &second else { break None };
        if at >= csv.text_len() {
            break None;
        }
        let k = part.starts.partition_point(|x| x.0 < at);
        match part.starts.get(k) {
            Some(x) if x.0 == at => break Some(k),
            Some(x) if tries < 64 => {
                tries += 1;
                (at, line) = csv.scan(at, line, 1, x.0, |r| reader.record(&mut first, r))?;
            }
            _ => break None,
        }
    };
    match (met, second) {
        (Some(k), Some((res, mut part))) => {
            res?;
            #[cfg(test)]
            SPLITS.with(|c| {
                let (a, b, r) = c.get();
                c.set(if k == 0 { (a + 1, b, r) } else { (a, b + 1, r) })
            });
            part.drop_front(k);
            // The first piece is complete: its repeats too are held once, and the join
            // keeps both pieces shared (no copy of the second piece's values).
            first.table.share_repeats();
            first.append(part);
        }
        _ => {
            if at < csv.text_len() {
                #[cfg(test)]
                SPLITS.with(|c| c.set((c.get().0, c.get().1, c.get().2 + 1)));
                csv.scan(at, line, 1, all, |r| reader.record(&mut first, r))?;
            }
        }
    }
    Ok(first)
}

impl RowReader<'_> {
    /// Put a file's rows into `table` and its rejections into `rejected`.
    fn finish(&self, table: &mut Table, part: Part, rejected: &mut Vec<Rejected>) -> FileStats {
        let csv = self.csv;
        let Part {
            table: rows,
            rejected: mut rej_rows,
            read,
            kept,
            ..
        } = part;
        table.append(rows);
        let rej = rej_rows.len();
        rejected.append(&mut rej_rows);
        FileStats {
            kind: table.kind,
            path: csv.display.clone(),
            sha256: csv.sha256.clone(),
            encoding: csv.encoding,
            rows_read: read,
            rows_audited: kept,
            rows_rejected: rej,
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Pieces joined at their guessed start, joined further on, and thrown away.
    static SPLITS: std::cell::Cell<(usize, usize, usize)> =
        const { std::cell::Cell::new((0, 0, 0)) };
}

/// Rows read from one piece of a file.
struct Part {
    table: Table,
    rejected: Vec<Rejected>,
    read: usize,
    kept: usize,
    /// For a piece read on a guess: each record's start, with the rows kept and
    /// rejected before it.
    starts: Vec<(usize, usize, usize)>,
    dates: DateEvidence,
    /// In a UTF-8 file with GBK among it: the first lines (up to [`GBK_LINES_SHOWN`] + 1)
    /// that are not UTF-8 as a whole.
    gbk_lines: Vec<u64>,
}

/// How many lines a warning names.
const GBK_LINES_SHOWN: usize = 5;

/// What the dates of a file written with their year last (`13/10/2026`) say of their
/// order: the first (by line) that only one order reads, for each order, and how many
/// either order reads. A month has days past the 12th, so a month's export settles it.
#[derive(Debug, Default)]
struct DateEvidence {
    day_first: Option<(u64, String)>,
    month_first: Option<(u64, String)>,
    either: usize,
    /// How many dates only day first reads (`13/03/2011`): a typo among a month-first
    /// export must not turn the whole file.
    day_first_n: usize,
}

/// The share of a file's year-last dates that must read only day first for the file to
/// be read day first when only one does (and none reads only month first): a day-first
/// export has days past the 12th in most of a month; one mistyped date among a hundred
/// is a typo. Two such dates turn the file whatever their share.
const DAY_FIRST_MIN_SHARE: f64 = 0.05;

impl DateEvidence {
    fn note(&mut self, text: &str, line: u64) {
        let Some(order) = year_last_order(text) else {
            return;
        };
        let slot = match order {
            None => {
                self.either += 1;
                return;
            }
            Some(DateOrder::DayFirst) => {
                self.day_first_n += 1;
                &mut self.day_first
            }
            Some(DateOrder::MonthFirst) => &mut self.month_first,
        };
        if slot.as_ref().is_none_or(|(l, _)| line < *l) {
            *slot = Some((line, text.to_string()));
        }
    }

    fn merge(&mut self, other: DateEvidence) {
        for (mine, theirs) in [
            (&mut self.day_first, other.day_first),
            (&mut self.month_first, other.month_first),
        ] {
            if let Some((l, t)) = theirs {
                if mine.as_ref().is_none_or(|(m, _)| l < *m) {
                    *mine = Some((l, t));
                }
            }
        }
        self.either += other.either;
        self.day_first_n += other.day_first_n;
    }
}

impl Part {
    fn new(kind: FileKind) -> Part {
        Part {
            table: Table::new(kind),
            rejected: vec![],
            read: 0,
            kept: 0,
            starts: vec![],
            dates: DateEvidence::default(),
            gbk_lines: vec![],
        }
    }

    /// Forget the first `k` records read (see `starts`).
    fn drop_front(&mut self, k: usize) {
        let Some(&(_, rows, rejections)) = self.starts.get(k) else {
            return;
        };
        if k == 0 {
            // The usual case: the guess was a record start. Nothing to drop, and no
            // copy of the piece's columns (half the file's text).
            self.starts.clear();
            return;
        }
        let keep: Vec<bool> = (0..self.table.len()).map(|i| i >= rows).collect();
        for (_, c) in &mut self.table.columns {
            c.retain_mask(&keep);
        }
        self.table.sources.drain(..rows);
        self.table.raws.drain(..rows.min(self.table.raws.len()));
        self.rejected.drain(..rejections);
        self.read -= k;
        self.kept -= rows;
        self.starts.drain(..k);
    }

    fn append(&mut self, other: Part) {
        self.table.append(other.table);
        self.rejected.extend(other.rejected);
        self.read += other.read;
        self.kept += other.kept;
        self.dates.merge(other.dates);
        self.gbk_lines.extend(other.gbk_lines);
        self.gbk_lines.sort_unstable();
        self.gbk_lines.dedup();
        self.gbk_lines.truncate(GBK_LINES_SHOWN + 1);
    }
}

/// A typed cell: its value, or empty and the row's first error noted.
fn push_parsed<T>(
    vec: &mut impl PushOpt<T>,
    parsed: std::result::Result<T, String>,
    error: &mut Option<String>,
) {
    match parsed {
        Ok(x) => vec.push(Some(x)),
        Err(why) => {
            error.get_or_insert(why);
            vec.push(None);
        }
    }
}

/// A column of values that may be absent.
trait PushOpt<T> {
    fn push(&mut self, v: Option<T>);
}

impl<T> PushOpt<T> for Vec<Option<T>> {
    fn push(&mut self, v: Option<T>) {
        Vec::push(self, v)
    }
}

impl PushOpt<i64> for OptI64 {
    fn push(&mut self, v: Option<i64>) {
        OptI64::push(self, v)
    }
}

/// Turns the records of one file into typed rows, or rejections saying why.
struct RowReader<'a> {
    csv: &'a CsvFile,
    opts: &'a ReadOptions,
    cols: &'static [Column],
    map: &'a [Vec<usize>],
    /// Per canonical column, the header cell of its date when kept apart
    /// ([`date_partners`]).
    dates: &'a [Option<usize>],
    /// Canonical columns no header cell names: empty in every row.
    unmapped: &'a [usize],
    headers: &'a [String],
    file_idx: usize,
    kind: FileKind,
    /// Whether a decoded field can hold a NUL (see [`CsvFile::may_hold_nul`]).
    may_hold_nul: bool,
    /// How a date with its year last reads.
    order: DateOrder,
    /// The mapped file and, per canonical column, whether its values may be left there
    /// ([`IN_FILE`]); `None` when no value is left in the file.
    in_file: Option<(&'a csvfile::MappedText, Vec<bool>)>,
}

impl RowReader<'_> {
    fn record(&self, part: &mut Part, r: csvfile::Record<'_>) -> Result<bool> {
        let (csv, opts, cols, map, headers, file_idx) = (
            self.csv,
            self.opts,
            self.cols,
            self.map,
            self.headers,
            self.file_idx,
        );
        // A row of empty cells (Excel's trailing blank rows saved as `,,,,`, a line of
        // spaces) holds nothing: passed over as an empty line is, not a row read.
        if r.unclosed_quote.is_none() && r.iter().all(|f| f.iter().all(|b| b.is_ascii_whitespace()))
        {
            return Ok(true);
        }
        let table = &mut part.table;
        let rejected = &mut part.rejected;
        let (read, kept) = (&mut part.read, &mut part.kept);
        *read += 1;
        let record_utf8 = csv.record_is_utf8(r.raw);
        if !record_utf8 && csv.is_mixed() && part.gbk_lines.len() <= GBK_LINES_SHOWN {
            part.gbk_lines.push(r.line);
        }
        let kind = table.kind;
        // A column's value as written (trimmed), read for a rejected row.
        let field = |hi: usize| {
            let b = r.field(hi)?;
            let v = match csv.decode_in_record(b, record_utf8) {
                Ok(v) => v.into_owned(),
                Err(_) => csv.decode_lossy(b),
            };
            Some(v.trim().to_string())
        };
        let column = |c: &str| {
            let ci = cols.iter().position(|x| x.name == c)?;
            map.iter().position(|m| m.contains(&ci))
        };
        let cell = |c: &str| field(column(c)?);
        let reject = |reason: String| {
            let raw = csv.decode_lossy(r.raw);
            let mut pii: Vec<(String, bool)> = PII_COLUMNS
                .iter()
                .filter_map(|(c, phone)| Some((cell(c)?, *phone)))
                .collect();
            // Fields that do not line up with the header: a resident's name may
            // be anywhere (or inside an unclosed quote), so whatever could be a name is.
            if kind != FileKind::Roster && (r.unclosed_quote.is_some() || r.len() != headers.len())
            {
                // The fields a field or two too many or too few before it moved the
                // name and phone to (`多一列,John Smith,0571 88886666`): masked too, when
                // they look like one.
                let shift = r.len().abs_diff(headers.len()).min(3);
                for (c, phone) in PII_COLUMNS {
                    let Some(hi) = column(c) else { continue };
                    for d in 1..=shift {
                        let at = if r.len() > headers.len() {
                            Some(hi + d)
                        } else {
                            hi.checked_sub(d)
                        };
                        let Some(v) = at.and_then(field) else {
                            continue;
                        };
                        let digits = v.chars().filter(char::is_ascii_digit).count();
                        let fits = if *phone {
                            digits >= 7
                        } else {
                            digits == 0 && (1..=40).contains(&v.chars().count())
                        };
                        if fits && !v.is_empty() {
                            pii.push((v, *phone));
                        }
                    }
                }
                pii.extend(
                    crate::mask::name_like_pieces(&raw)
                        .into_iter()
                        .map(|p| (p, false)),
                );
            }
            Rejected {
                file: csv.display.clone(),
                line: r.line,
                reason,
                raw,
                pii,
                kind,
                case_id: cell("case_id").filter(|v| !v.is_empty()),
                outside: false,
            }
        };
        if let Some(field) = r.unclosed_quote {
            let name = headers
                .get(field)
                .map(|h| format!(" ({h:?})"))
                .unwrap_or_default();
            rejected.push(reject(format!(
                "unclosed quote: field {}{name} opens a quote that is not closed on this line, so the row cannot be split into fields (reading resumes on the next line)",
                field + 1
            )));
            return Ok(true);
        }
        // A separator after the last cell of each row (`…,E01,`) adds an empty field past
        // the header's: it holds nothing, so the row is read without it.
        let trailing_empty = r.len() > headers.len()
            && r.iter()
                .skip(headers.len())
                .all(|f| f.iter().all(|b| b.is_ascii_whitespace()));
        if r.len() != headers.len() && !trailing_empty {
            rejected.push(reject(format!(
                "expected {} fields as in the header, found {}",
                headers.len(),
                r.len()
            )));
            return Ok(true);
        }
        let before = table.len();
        let mut error: Option<String> = None;
        let raw_at = csv.span_of(r.raw).0 as usize;
        let text = csv.record_text(&r, record_utf8);
        for (hi, field) in r.iter().enumerate().take(headers.len()) {
            let checked = text.as_ref().and_then(|t| t.field(&r, hi));
            for &ci in &map[hi] {
                let c = &cols[ci];
                // The column as a reason names it, with the file's header when that is
                // another name (a mapping to the wrong column shows where it read).
                let named = Named(c, headers.get(hi).map_or("", String::as_str));
                let decoded = match checked {
                    Some(v) => Ok(std::borrow::Cow::Borrowed(v)),
                    None => csv.decode_in_record(field, record_utf8),
                };
                let value = match decoded {
                    Ok(v) => v,
                    Err(csvfile::NotUtf8) => {
                        error.get_or_insert(format!("{named}: {}", csv.undecodable()));
                        continue;
                    }
                };
                if self.may_hold_nul && value.contains('\0') {
                    error.get_or_insert(format!(
                    "{named}: contains a NUL byte, which typed text never holds: the file is damaged here"
                ));
                    continue;
                }
                let v = value.trim();
                // A placeholder (NULL, 无, `-`, 0000-00-00 00:00:00) in a time or an id
                // says the cell holds nothing, as an empty one does.
                let nothing = (c.ty == ColType::DateTime || c.is_id()) && schema::is_placeholder(v);
                let placeholder = if nothing { v } else { "" };
                // An id joins files: one pasted with a zero-width space or written in
                // full width is the same id.
                let folded;
                let v = match v {
                    _ if nothing => "",
                    v if c.is_id() && !v.is_ascii() => {
                        folded = schema::fold_id(v);
                        folded.as_str()
                    }
                    v => v,
                };
                // A time column whose date is kept apart (受理日期 | 受理时间): the date,
                // to join to a time of day alone, or to stand alone for an empty time.
                let date = match self.dates.get(ci) {
                    Some(Some(hj)) if c.ty == ColType::DateTime => r
                        .field(*hj)
                        .and_then(|b| csv.decode_in_record(b, record_utf8).ok())
                        .map(|d| d.trim().to_string())
                        .filter(|d| !d.is_empty()),
                    _ => None,
                };
                // A placeholder date (无, 0000-00-00) leaves no date, and a time of day
                // beside it (00:00:00) no time.
                let (date, v) = match date {
                    Some(d) if schema::is_placeholder(&d) => {
                        (None, if is_time_of_day(v) { "" } else { v })
                    }
                    d => (d, v),
                };
                if v.is_empty() && date.is_none() {
                    if c.required {
                        let as_written = match placeholder {
                            "" => String::new(),
                            w => format!(" (written {w:?})"),
                        };
                        error.get_or_insert(format!("{named} is required but empty{as_written}"));
                    }
                    push_null(&mut table.columns[ci].1);
                    continue;
                }
                if let Some(e) = spreadsheet_error(v) {
                    error.get_or_insert(format!(
                        "{named} holds the spreadsheet error {e}: the formula behind it failed, so the value is unknown"
                    ));
                    continue;
                }
                match (&mut table.columns[ci].1, c.ty) {
                    (ColData::Text(vec), _) => match self.in_file.as_ref().and_then(|(m, cols)| {
                        let start = r.fields.start_in_raw(hi)?;
                        let at = place_in_raw(start, field, v, cols[ci])?;
                        Some((m, raw_at + at))
                    }) {
                        Some((m, at)) => vec.push_in_file(v, m, at),
                        None => vec.push(Some(v)),
                    },
                    (ColData::Time(vec), _) => {
                        // The value read is the date column's, alone or joined to the
                        // time of day, or the cell's own.
                        let joined = match &date {
                            Some(d) if v.is_empty() => Some(d.clone()),
                            Some(d) if is_time_of_day(v) => Some(format!("{d} {v}")),
                            _ => None,
                        };
                        let order = self.order;
                        let parsed = match (&date, &joined) {
                            (Some(d), Some(_)) if v.is_empty() => parse_stamp_in(d, opts.tz, order),
                            (Some(d), Some(_)) => {
                                join_date_time(d, v, opts.tz, order).map(|ms| (ms, false))
                            }
                            _ => parse_stamp_in(v, opts.tz, order),
                        };
                        let written = match (&date, &joined) {
                            (Some(d), Some(_)) => d.as_str(),
                            _ => v,
                        };
                        part.dates.note(written, r.line);
                        match parsed {
                            // 01/01/1900 (NYC 311's open cases) or the Unix epoch: a
                            // placeholder for no time, as an empty cell.
                            Ok((ms, _)) if is_epoch_placeholder(ms, opts.tz) => {
                                if c.required {
                                    error.get_or_insert(format!(
                                        "{named} is required but empty (written {written:?}, a placeholder date)"
                                    ));
                                }
                                vec.push(None);
                            }
                            Ok((ms, false)) => vec.push(Some(ms)),
                            Ok((ms, true)) => vec.push_date_only(ms),
                            Err(e) => {
                                // A date taken from its own column is named with it.
                                let what = match (&joined, self.dates.get(ci)) {
                                    (Some(j), Some(Some(hj))) => format!(
                                        "{j:?} (its date from column {:?})",
                                        headers.get(*hj).map_or("", String::as_str)
                                    ),
                                    _ => format!("{v:?}"),
                                };
                                error.get_or_insert(format!(
                                    "{named}: cannot read {what} as a time: {}",
                                    e.0
                                ));
                                vec.push(None);
                            }
                        }
                    }
                    (ColData::Count(vec), _) => push_parsed(
                        vec,
                        parse_count(v).map_err(|e| format!("{named}: {v:?} {e}")),
                        &mut error,
                    ),
                    (ColData::Money(vec), _) => push_parsed(
                        vec,
                        parse_money(v).map_err(|e| format!("{named}: {v:?} {e}")),
                        &mut error,
                    ),
                }
            }
        }
        for &ci in self.unmapped {
            push_null(&mut table.columns[ci].1);
        }
        if let Some(reason) = error {
            for (_, c) in &mut table.columns {
                c.truncate(before);
            }
            // A footer of totals (合计 / 总计 / 小计 in a cell) is no case: said so first.
            // Looked for in the row's first two filled cells: 合计, 合计：210 条, A区小计.
            const TOTALS: [&str; 7] = ["合计", "总计", "小计", "共计", "合計", "總計", "小計"];
            let totals = r
                .iter()
                .take(headers.len())
                .enumerate()
                .filter_map(|(hi, f)| {
                    let v = csv.decode_in_record(f, record_utf8).ok()?;
                    let v: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                    (!v.is_empty()).then_some((hi, v))
                })
                .take(2)
                .find(|(_, v)| {
                    let v = v.trim_end_matches(['：', ':']);
                    TOTALS.iter().any(|w| v.starts_with(w) || v.ends_with(w))
                });
            let reason = match totals {
                Some((hi, v)) => format!(
                    "a totals row ({v:?} in column {:?}), not a case: a footer the export adds; {reason}",
                    headers.get(hi).map_or("", String::as_str)
                ),
                None => reason,
            };
            rejected.push(reject(reason));
        } else {
            table.sources.push(Source {
                file: file_idx,
                line: r.line,
            });
            table.raws.push(csv.span_of(r.raw));
            *kept += 1;
            if table.len() == share_after() {
                table.share_repeats();
            }
        }
        Ok(true)
    }
}

/// Where value `v` (the trimmed text of `field`, a field of a record that stands at
/// `start` of the record's raw text, [`split::Fields::start_in_raw`]) stands in that
/// raw text, when `wanted`. A guess to check: [`TextCol::push_in_file`] leaves a value in
/// the file only where the file holds exactly it.
fn place_in_raw(start: usize, field: &[u8], v: &str, wanted: bool) -> Option<usize> {
    if !wanted || v.is_empty() {
        return None;
    }
    // `v` borrows `field` when decoding did not copy it.
    let off = (v.as_ptr() as usize).checked_sub(field.as_ptr() as usize)?;
    if off + v.len() > field.len() {
        return None;
    }
    // Compared with the file where it is pushed (`TextCol::push_in_file`).
    Some(start + off)
}

/// The error values a spreadsheet shows in a cell whose formula failed (`#N/A` from a
/// VLOOKUP that found nothing, …), as a worksheet cell or as the text of a CSV saved
/// from one: `v` when it is one of them.
fn spreadsheet_error(v: &str) -> Option<&str> {
    const ERRORS: &[&str] = &[
        "#N/A",
        "#VALUE!",
        "#REF!",
        "#DIV/0!",
        "#NUM!",
        "#NAME?",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
    ];
    (v.starts_with('#') && ERRORS.contains(&v)).then_some(v)
}

/// A time no reception log holds, written for "none": a day in 1900 (01/01/1900; earlier
/// years are not read at all), or the Unix epoch's date at midnight as the export writes
/// it (1970-01-01 00:00:00 local).
fn is_epoch_placeholder(ms: i64, tz: chrono_tz::Tz) -> bool {
    use chrono::Datelike;
    let local = crate::timeparse::to_local(ms, tz);
    local.year() <= 1900
        || (local.date() == chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
            && local.time() == chrono::NaiveTime::MIN)
}

fn push_null(c: &mut ColData) {
    match c {
        ColData::Text(v) => v.push(None),
        ColData::Time(v) => v.push(None),
        ColData::Count(v) => v.push(None),
        ColData::Money(v) => v.push(None),
    }
}

/// Full-width digits, signs, point and comma (３，０００．５) as ASCII, as timestamps
/// accept them.
fn half_width_number(v: &str) -> String {
    v.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' | '－' | '＋' | '．' | '，' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

fn parse_count(v: &str) -> std::result::Result<i64, &'static str> {
    let t = half_width_number(v);
    let t = t.strip_suffix(".0").unwrap_or(&t);
    let t = t.strip_suffix('次').unwrap_or(t).trim();
    match t.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        Ok(_) => Err("is negative; expected a whole number ≥ 0"),
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => {
            Err("is too large for a count")
        }
        Err(_) => Err("is not a whole number"),
    }
}

fn parse_money(v: &str) -> std::result::Result<f64, &'static str> {
    let t: String = half_width_number(v)
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let t = t.trim().trim_end_matches('元').trim();
    match t.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
        Ok(_) => Err("is negative or not finite; expected an amount in yuan ≥ 0"),
        Err(_) => Err("is not a number; expected an amount in yuan"),
    }
}

/// The files of a dataset, one list per kind (only cases is required).
#[derive(Debug, Clone, Default)]
pub struct DatasetFiles {
    pub cases: Vec<InputFile>,
    /// One or several (`handoffs_东区.csv`, `handoffs_西区.csv`: one per center, as the
    /// cases may be).
    pub handoffs: Vec<InputFile>,
    pub roster: Option<InputFile>,
    pub inspections: Option<InputFile>,
    pub waivers: Option<InputFile>,
}

impl DatasetFiles {
    /// Find the files in a dataset folder: `cases*.csv|xlsx` and `handoffs*.csv|xlsx`
    /// (several allowed, e.g. one per center), and `roster`, `inspections`, `waivers` with
    /// `.csv` or `.xlsx`.
    pub fn discover(dir: &Path) -> Result<DatasetFiles> {
        let disp = dir.display().to_string();
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Error::input(&disp, format!("cannot read the dataset folder: {e}")))?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().to_str().map(|s| s.to_string()))
            .collect();
        names.sort();
        let data_ext = |n: &str| {
            let l = n.to_ascii_lowercase();
            l.ends_with(".csv") || l.ends_with(".xlsx")
        };
        let stem = |n: &str| {
            n.rsplit_once('.')
                .map(|(s, _)| s.to_string())
                .unwrap_or_default()
                .to_ascii_lowercase()
        };
        let file = |n: &String| InputFile {
            path: dir.join(n),
            display: dir.join(n).display().to_string(),
        };
        let mut out = DatasetFiles::default();
        for n in &names {
            if !data_ext(n) {
                continue;
            }
            let s = stem(n);
            for (kind, list) in [("cases", &mut out.cases), ("handoffs", &mut out.handoffs)] {
                if s == kind
                    || s.starts_with(&format!("{kind}_"))
                    || s.starts_with(&format!("{kind}-"))
                {
                    // cases.csv beside cases.xlsx: most likely one export saved twice
                    // ("save as CSV"), every row of which would be read twice.
                    if let Some(twin) = names.iter().find(|m| *m < n && data_ext(m) && stem(m) == s)
                    {
                        return Err(Error::input(
                            &disp,
                            format!(
                                "both {twin} and {n} are present, most likely one export saved twice; keep one, or name them apart ({kind}_东区.csv, {kind}_西区.xlsx) if they hold different rows"
                            ),
                        ));
                    }
                    list.push(file(n));
                }
            }
        }
        let one = |kind: &str| -> Result<Option<InputFile>> {
            let found: Vec<&String> = names
                .iter()
                .filter(|n| data_ext(n) && stem(n) == kind)
                .collect();
            if found.len() > 1 {
                return Err(Error::input(
                    &disp,
                    format!(
                        "both {} are present; keep one {kind} file",
                        found
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                ));
            }
            Ok(found.first().map(|n| file(n)))
        };
        out.roster = one("roster")?;
        out.inspections = one("inspections")?;
        out.waivers = one("waivers")?;
        if out.cases.is_empty() {
            return Err(Error::input(
                &disp,
                "no cases file: expected cases.csv (or cases.xlsx, or several cases_*.csv) in the dataset folder",
            ));
        }
        Ok(out)
    }
}

/// Expand `--cases` arguments: plain paths, or glob patterns (`exports/*.csv`). An
/// Office lock file a pattern matches (`~$cases.xlsx`, Excel's while the workbook is
/// open) is passed over: it is never data.
pub fn expand_globs(args: &[String]) -> Result<Vec<InputFile>> {
    expand_globs_as(args, "--cases")
}

/// [`expand_globs`] for the files of another option (`--handoffs`), named in its messages.
pub fn expand_globs_as(args: &[String], option: &str) -> Result<Vec<InputFile>> {
    let mut out = vec![];
    for a in args {
        if a.contains(['*', '?', '[']) {
            let paths =
                glob::glob(a).map_err(|e| Error::Usage(format!("bad pattern {a:?}: {e}")))?;
            let mut found: Vec<PathBuf> = paths.filter_map(|p| p.ok()).collect();
            found.sort();
            let matched = found.len();
            found.retain(|p| !is_office_lock(p));
            if found.is_empty() {
                return Err(Error::Usage(if matched > 0 {
                    format!(
                        "{option} {a:?} matches only Office lock files (~$…), which are never data"
                    )
                } else {
                    format!("{option} {a:?} matches no file")
                }));
            }
            out.extend(found.into_iter().map(InputFile::new));
        } else {
            let p = PathBuf::from(a);
            check_input_file(&p, option)?;
            out.push(InputFile::new(p));
        }
    }
    Ok(out)
}

/// An input file named on the command line (by `option`, e.g. `--roster`) must be a
/// file, and no Office lock file.
pub fn check_input_file(p: &Path, option: &str) -> Result<()> {
    let disp = p.display().to_string();
    if p.is_dir() {
        let hint = if option == "--cases" {
            format!(" (e.g. --cases '{}/*.csv')", disp.trim_end_matches('/'))
        } else {
            String::new()
        };
        return Err(Error::input(
            &disp,
            format!("is a directory, not a file; name the {option} file(s) in it{hint}, or audit the folder as a dataset (shouwen audit {disp})"),
        ));
    }
    if !p.is_file() {
        return Err(Error::input(&disp, "no such file"));
    }
    if is_office_lock(p) {
        return Err(Error::input(
            &disp,
            "is an Office lock file (Excel keeps a ~$ file beside a workbook while it is open), not data; name the workbook itself",
        ));
    }
    Ok(())
}

/// `~$name.xlsx`: the owner file Excel (or Word) keeps beside a document while it is open.
fn is_office_lock(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("~$"))
}

/// Index of the first row of each value (for duplicate detection in file order).
pub fn first_seen<'a>(
    values: impl Iterator<Item = Option<&'a str>>,
) -> (Vec<bool>, Vec<Option<usize>>) {
    let values: Vec<Option<&str>> = values.collect();
    let n = values.len();
    let (_, found) = crate::idhash::first_positions(n, |i| values[i]);
    let (mut keep, mut dup_of) = (vec![true; n], vec![None; n]);
    for (i, first) in found {
        keep[i] = false;
        dup_of[i] = Some(first);
    }
    (keep, dup_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TextCol against a plain `Vec<Option<String>>`: pushes (empty values, long values,
    /// multi-byte text), appends, truncations and masks in any order. Under test an end
    /// keeps 8 bits, so values of a few hundred bytes cross the boundaries a 4 GiB column
    /// crosses (one value may cross several).
    #[test]
    fn text_col_holds_what_a_vec_of_strings_holds() {
        use proptest::prelude::*;
        #[derive(Debug, Clone)]
        enum Op {
            Push(Option<String>),
            /// A value left in the file: its characters `from..to` (as far as they go).
            PushInFile(usize, usize),
            /// Hold repeated values once, if that saves enough.
            Share,
            /// Values appended, as a column that shares them (true) or not.
            Append(Vec<Option<String>>, bool),
            Truncate(usize),
            Retain(Vec<bool>),
        }
        let value = prop_oneof![
            1 => Just(None),
            1 => Just(Some(String::new())),
            1 => "[a-z不归我管]{0,6}".prop_map(Some),
            1 => (1usize..700).prop_map(|n| Some("管".repeat(n))),
            // a center's name, on row after row: a column worth sharing
            4 => prop_oneof![Just("碧水蓝天服务中心"), Just("东区")].prop_map(|v| Some(v.to_string())),
        ];
        let op = prop_oneof![
            4 => value.clone().prop_map(Op::Push),
            2 => (0usize..40, 0usize..40).prop_map(|(a, n)| Op::PushInFile(a, a + n)),
            1 => Just(Op::Share),
            1 => (proptest::collection::vec(value, 0..70), any::<bool>())
                .prop_map(|(vs, share)| Op::Append(vs, share)),
            1 => (0usize..80).prop_map(Op::Truncate),
            1 => proptest::collection::vec(any::<bool>(), 0..90).prop_map(Op::Retain),
        ];
        // A mapped file for the values left in it.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("text.csv");
        let text = "x,不归我管，您找物业。abc,\"\"".repeat(3);
        std::fs::write(&path, &text).unwrap();
        let csv = CsvFile::open(&path, "text.csv", Encoding::Auto).unwrap();
        let file = csv.mapped().expect("a mapped UTF-8 file");
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(300));
        runner
            .run(&proptest::collection::vec(op, 0..120), |ops| {
                let (mut col, mut model) = (TextCol::new(), Vec::<Option<String>>::new());
                for op in ops {
                    match op {
                        Op::Push(v) => {
                            col.push(v.as_deref());
                            model.push(v);
                        }
                        Op::Share => col.share_repeats(),
                        Op::PushInFile(a, b) => {
                            let last = bounds.len() - 1;
                            let (a, b) = (bounds[a.min(last)], bounds[b.min(last)]);
                            col.push_in_file(&text[a..b], file, a);
                            model.push(Some(text[a..b].to_string()));
                        }
                        Op::Append(vs, share) => {
                            let mut other: TextCol = vs.iter().map(|v| v.as_deref()).collect();
                            if share {
                                other.share_repeats();
                            }
                            col.append(&other);
                            model.extend(vs);
                        }
                        Op::Truncate(n) => {
                            col.truncate(n);
                            model.truncate(n);
                        }
                        Op::Retain(keep) => {
                            col.retain_mask(&keep);
                            let n = model.len().min(keep.len());
                            model = model
                                .into_iter()
                                .take(n)
                                .zip(&keep)
                                .filter(|(_, k)| **k)
                                .map(|(v, _)| v)
                                .collect();
                        }
                    }
                    prop_assert_eq!(col.len(), model.len());
                    let got: Vec<Option<&str>> = col.iter().collect();
                    let want: Vec<Option<&str>> = model.iter().map(|v| v.as_deref()).collect();
                    prop_assert_eq!(got, want);
                    prop_assert_eq!(col.get(model.len()), None);
                    // Whether a row holds a value, told without reading it.
                    for (i, v) in model.iter().enumerate() {
                        prop_assert_eq!(col.has_value(i), v.is_some());
                    }
                    prop_assert!(!col.has_value(model.len()));
                    // Equal contents, equal columns (no stale bits or offsets).
                    let fresh: TextCol = model.iter().map(|v| v.as_deref()).collect();
                    prop_assert_eq!(&col, &fresh);
                }
                Ok(())
            })
            .unwrap();
        // How many columns a draw shares varies: each change to a shared column is
        // covered for certain by `a_column_of_repeats_is_shared_and_reads_as_before`.
    }

    /// A column of a few values repeated is held once per value, reads exactly as before,
    /// and every change to it (a push of a new value, of an old one, of none, an append
    /// of a shared column and of an unshared one, a truncation, a mask) gives what the
    /// same change gives the column unshared, and keeps it shared. Pushes keep a column
    /// shared until a 2-byte number no longer tells its values apart; then they are
    /// copied out. A column of distinct values is left as it is.
    #[test]
    fn a_column_of_repeats_is_shared_and_reads_as_before() {
        let centers = ["碧水蓝天服务中心", "东区", ""];
        let values: Vec<Option<&str>> = (0..1000)
            .map(|i| (i % 7 != 0).then_some(centers[i % 3]))
            .collect();
        let plain: TextCol = values.iter().copied().collect();
        let mut col = plain.clone();
        col.share_repeats();
        assert!(col.shared.is_some() && col.buf.is_empty());
        assert_eq!(col.iter().collect::<Vec<_>>(), values);
        assert_eq!(col.get(1000), None);
        let keep: Vec<bool> = (0..1000).map(|i| i % 3 != 1).collect();
        for change in 0..7 {
            let (mut a, mut b) = (col.clone(), plain.clone());
            let apply = |c: &mut TextCol| match change {
                0 => c.push(Some("西区")),
                1 => c.push(Some("东区")),
                2 => c.push(None),
                3 => c.append(&col),
                4 => c.truncate(500),
                5 => c.retain_mask(&keep),
                _ => c.append(&plain),
            };
            // Twice: the second push finds the value the first numbered.
            apply(&mut a);
            apply(&mut a);
            apply(&mut b);
            apply(&mut b);
            assert!(a.shared.is_some(), "change {change}");
            assert_eq!(a.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
            assert_eq!(a.valid, b.valid, "change {change}");
        }
        // New values pushed one after another: shared up to 65,536 values, then copied
        // out, reading right all along.
        let mut many = col.clone();
        let mut want = values.clone();
        let names: Vec<String> = (0..70_000).map(|i| format!("中心{i}")).collect();
        for (i, v) in names.iter().enumerate() {
            many.push(Some(v));
            want.push(Some(v));
            if i == 65_000 {
                assert!(many.shared.is_some());
                assert!(many.iter().eq(want.iter().copied()));
            }
        }
        assert!(many.shared.is_none());
        assert!(many.iter().eq(want.iter().copied()));
        assert_eq!(many, want.iter().copied().collect::<TextCol>());
        let mut ids: TextCol = (0..1000)
            .map(|i| format!("SW{i:08}"))
            .map(Some)
            .collect::<Vec<_>>()
            .iter()
            .map(|v| v.as_deref())
            .collect();
        ids.share_repeats();
        assert!(ids.shared.is_none());
    }

    /// Two columns sharing their values join shared: the second's values are numbered
    /// after the first's (those both hold, once), empty rows stay empty, and a join whose
    /// values a 2-byte number cannot tell apart copies them out and still reads right.
    #[test]
    fn shared_columns_join_shared() {
        let col = |vs: &[Option<&str>]| -> TextCol {
            let mut c: TextCol = vs.iter().copied().collect();
            c.share_repeats();
            assert!(c.shared.is_some());
            c
        };
        let a: Vec<Option<&str>> = (0..300)
            .map(|i| [Some("东区"), None, Some("西区")][i % 3])
            .collect();
        let b: Vec<Option<&str>> = (0..300)
            .map(|i| [Some("北区"), Some("西区"), None, Some("")][i % 4])
            .collect();
        let mut joined = col(&a);
        joined.append(&col(&b));
        let s = joined.shared.as_deref().expect("still shared");
        // 东区, 西区 and then the second's new ones: 北区 and the empty text.
        assert_eq!(
            s.values.iter().collect::<Vec<_>>(),
            [Some("东区"), Some("西区"), Some("北区"), Some("")]
        );
        let want: Vec<Option<&str>> = a.iter().chain(&b).copied().collect();
        assert_eq!(joined.iter().collect::<Vec<_>>(), want);
        assert_eq!(joined, want.iter().copied().collect::<TextCol>());
        // Pushed after a join: a value the second column brought keeps its number (the
        // join numbers it in the map the push before it used), a new one is numbered
        // next.
        let mut pushed = col(&a);
        pushed.push(Some("东区"));
        pushed.append(&col(&b));
        pushed.push(Some("北区"));
        pushed.push(Some("南区"));
        let s = pushed.shared.as_deref().expect("still shared");
        assert_eq!(s.values.len(), 5, "北区 numbered once");
        assert_eq!(s.codes[s.codes.len() - 2..], [2, 4]);
        let want: Vec<Option<&str>> = a
            .iter()
            .chain(&[Some("东区")])
            .chain(&b)
            .chain(&[Some("北区"), Some("南区")])
            .copied()
            .collect();
        assert!(pushed.iter().eq(want.iter().copied()));
        // An unshared column joins a shared one row by row, and a shorter unshared one
        // is shared before a longer shared one joins it; both read as the rows joined.
        let short: Vec<Option<&str>> = vec![Some("西区"), None, Some("中区"), Some("")];
        let mut big = col(&a);
        big.append(&short.iter().copied().collect::<TextCol>());
        assert!(big.shared.is_some());
        assert!(big.iter().eq(a.iter().chain(&short).copied()));
        let mut small: TextCol = short.iter().copied().collect();
        small.append(&col(&a));
        assert!(small.shared.is_some());
        assert!(small.iter().eq(short.iter().chain(&a).copied()));
        // Into an empty column, and a column of empty rows only.
        let mut empty = TextCol::new();
        empty.append(&col(&b));
        assert_eq!(empty.iter().collect::<Vec<_>>(), b);
        let nones = vec![None; 200];
        let mut with_nones = col(&a);
        let mut none_col: TextCol = nones.iter().copied().collect();
        none_col.share_repeats();
        with_nones.append(&none_col);
        let want: Vec<Option<&str>> = a.iter().chain(&nones).copied().collect();
        assert_eq!(with_nones.iter().collect::<Vec<_>>(), want);

        // 40,000 distinct values each side, repeated: 80,000 together do not fit.
        let names = |from: usize| -> Vec<String> {
            (0..120_000)
                .map(|i| format!("碧水蓝天服务中心{}", from + i % 40_000))
                .collect()
        };
        let (x, y) = (names(0), names(40_000));
        let x: Vec<Option<&str>> = x.iter().map(|v| Some(v.as_str())).collect();
        let y: Vec<Option<&str>> = y.iter().map(|v| Some(v.as_str())).collect();
        let mut big = col(&x);
        big.append(&col(&y));
        assert!(big.shared.is_none(), "more values than a u16 numbers");
        assert!(big.iter().eq(x.iter().chain(&y).copied()));
    }

    /// Repeats are found in two halves by hash side by side: the same rows, pointing at
    /// the same first rows, as one pass in file order.
    #[test]
    fn repeated_ids_are_found_as_in_one_pass() {
        // Above and below the size indexed on one thread.
        for rows in [120_000u64, 1_200] {
            repeats_found_as_in_one_pass(rows);
        }
    }

    fn repeats_found_as_in_one_pass(rows: u64) {
        let ids: Vec<Option<String>> = (0..rows)
            .map(|i| {
                // 3/4 as many values as rows: repeats
                let x = i * 7919 % (rows * 3 / 4 + 1);
                (!x.is_multiple_of(11)).then(|| format!("SW{x:08}"))
            })
            .collect();
        let (keep, dup_of) = first_seen(ids.iter().map(|v| v.as_deref()));
        let mut first: std::collections::HashMap<&str, usize> = Default::default();
        let (mut want_keep, mut want_dup) = (vec![], vec![]);
        for (i, v) in ids.iter().enumerate() {
            match v.as_deref().map(|v| (v, first.get(v).copied())) {
                Some((_, Some(j))) => {
                    want_keep.push(false);
                    want_dup.push(Some(j));
                }
                Some((v, None)) => {
                    first.insert(v, i);
                    want_keep.push(true);
                    want_dup.push(None);
                }
                None => {
                    want_keep.push(true);
                    want_dup.push(None);
                }
            }
        }
        assert!(
            want_keep.iter().filter(|k| !**k).count() as u64 > rows / 12,
            "repeats exist"
        );
        assert_eq!(keep, want_keep);
        assert_eq!(dup_of, want_dup);
        let kept: Vec<&str> = ids.iter().flatten().map(String::as_str).collect();
        let set = crate::idhash::SplitSet::new(&kept);
        assert!(kept.iter().all(|v| set.contains(v)));
        assert!(!set.contains("SW99999999") && !set.contains(""));
        // each id maps to where it first is
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, v) in kept.iter().enumerate() {
            first.entry(v).or_insert(i);
        }
        assert!(kept
            .iter()
            .all(|v| set.position(v) == first.get(v).copied()));
        assert_eq!(set.position("SW99999999"), None);
    }

    /// Dropping rows copies each run of kept rows at once: the column left is the kept
    /// values in order, empty cells and all, for 600 patterns of kept and dropped rows
    /// (all kept and all dropped among them).
    #[test]
    fn dropping_rows_keeps_the_other_values_in_order() {
        let values: Vec<Option<String>> = (0..40)
            .map(|i| (i % 3 != 1).then(|| format!("值{i}").repeat(i % 4)))
            .collect();
        let col: TextCol = values.iter().map(|v| v.as_deref()).collect();
        for pattern in 0u64..600 {
            // a pseudo-random mask, with all-kept and all-dropped among them
            let keep: Vec<bool> = (0..values.len())
                .map(|i| match pattern {
                    0 => true,
                    1 => false,
                    p => (p.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (i % 61)) & 3 != 0,
                })
                .collect();
            let mut kept = col.clone();
            kept.retain_mask(&keep);
            let want: Vec<Option<&str>> = values
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(v, _)| v.as_deref())
                .collect();
            assert_eq!(kept.iter().collect::<Vec<_>>(), want, "pattern {pattern}");
            assert_eq!(
                kept,
                want.into_iter().collect::<TextCol>(),
                "pattern {pattern}"
            );
        }
    }

    /// A record's fields are checked as UTF-8 together, but a damaged character cut by
    /// a delimiter (`a\xE4\xB8,\xADb`: the two fields joined read as 中) is damaged in
    /// each field: the row is rejected as not UTF-8, as when each field was checked alone.
    #[test]
    fn a_character_cut_by_a_delimiter_is_not_utf8() {
        let head = "case_id,center,received_at,category,first_responder_id,content,resolution";
        let mut b = format!("\u{FEFF}{head}\n").into_bytes();
        b.extend_from_slice(b"C1,\xE7\x94\xB2,2026-10-08 08:00,QA,E1,a\xE4\xB8,\xADb\n");
        b.extend_from_slice("C2,甲,2026-10-08 09:00,报修,E1,漏水,已修\n".as_bytes());
        let csv = CsvFile::from_bytes(b, "cases.csv", Encoding::Auto).unwrap();
        let mut table = Table::new(FileKind::Cases);
        let mut rejected = vec![];
        read_file_split(
            &mut table,
            &csv,
            &ReadOptions::default(),
            &mut rejected,
            usize::MAX,
        )
        .unwrap();
        assert_eq!(table.len(), 1);
        assert_eq!(table.text("content").get(0), Some("漏水"));
        assert_eq!(rejected.len(), 1, "{rejected:?}");
        assert_eq!(rejected[0].line, 2);
        assert!(
            rejected[0].reason.contains("`content`")
                && rejected[0].reason.contains("not valid UTF-8"),
            "{}",
            rejected[0].reason
        );
    }

    /// Everything a reading produces, as text to compare.
    fn read(text: &str, split_bytes: usize) -> String {
        let csv = CsvFile::from_bytes(text.as_bytes().to_vec(), "cases.csv", Encoding::Auto)
            .expect("a CSV with a header");
        let mut table = Table::new(FileKind::Cases);
        let mut rejected = vec![];
        let st = read_file_split(
            &mut table,
            &csv,
            &ReadOptions::default(),
            &mut rejected,
            split_bytes,
        )
        .map_err(|e| e.to_string());
        table.raw_files.push(csv);
        let raws: Vec<String> = (0..table.len()).map(|i| table.raw_text(i)).collect();
        // A text column by its values: the pieces may hold them shared (see
        // `TextCol::share_repeats`), one reading in its buffer.
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|(_, c)| match c {
                ColData::Text(t) => format!("{:?}", t.iter().collect::<Vec<_>>()),
                c => format!("{c:?}"),
            })
            .collect();
        format!(
            "{st:?}\n{columns:?}\n{:?}\n{raws:?}\n{rejected:?}",
            table.sources
        )
    }

    /// A file read in two pieces side by side gives exactly what one reading gives,
    /// wherever its middle falls: inside a quoted field spanning lines, on a blank line,
    /// between CR and LF, on an unclosed quote, a short row or a bad time.
    #[test]
    fn a_file_read_in_two_pieces_reads_as_one() {
        let header =
            "case_id,center,received_at,category,first_responder_id,customer_name,reply,content\r\n";
        let rows = [
            "C{i},东区,2026-10-01 09:00,报修,E1,张三,\"第一行\r\n第二行，\"\"引号\"\"\r\n第三行\",报修\r\n",
            "C{i},东区,2026-10-01 09:{m},咨询,E2,李四,好的,\"漏水\n楼上\"\n",
            "\r\n",
            "C{i},西区,not a time,报修,E1,王五,,\r\n",
            "C{i},西区,2026-10-02 10:00,投诉,E3,\"赵六,\"\"老\"\",x\r",
            "C{i},西区,2026-10-02 10:00,投诉,E3,钱七\r\n",
            "C{i},北区,2026-10-03 11:{m},报修,E2,\"未闭合,引号\r\n",
            "C{i},北区,2026-10-03 11:00,报修,,孙八,\"\",\"\"\n",
        ];
        let mut checked = 0;
        for shift in 0..rows.len() {
            for n in [3usize, 8, 9, 17, 40] {
                let mut text = header.to_string();
                for i in 0..n {
                    let r = rows[(i + shift) % rows.len()];
                    text.push_str(
                        &r.replace("{i}", &i.to_string())
                            .replace("{m}", &format!("{:02}", i % 60)),
                    );
                }
                let whole = read(&text, usize::MAX);
                assert!(whole.starts_with("Ok(FileStats"), "{whole}");
                if n >= rows.len() {
                    // Every kind of row is in the file: some kept, some rejected.
                    let count = |field: &str| -> usize {
                        let at = whole.find(field).expect(field) + field.len() + 2;
                        let digits: String = whole[at..]
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect();
                        digits.parse().expect(field)
                    };
                    assert!(
                        count("rows_audited") > 0 && count("rows_rejected") > 0,
                        "{whole}"
                    );
                }
                for split in [0, 1, text.len() / 3] {
                    assert_eq!(
                        read(&text, split),
                        whole,
                        "shift {shift}, {n} rows, split {split}:\n{text}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, rows.len() * 5 * 3);
        // Both kinds of join happened: where the guessed line was a record start, and
        // further on, where it was inside a quoted field.
        let (in_step, out_of_step, redone) = SPLITS.with(|c| c.get());
        assert!(
            in_step > 10 && out_of_step > 10,
            "joined in step {in_step}, out of step {out_of_step}, thrown away {redone}"
        );
    }

    /// Values left in a mapped file read exactly as values copied from the same bytes
    /// held in memory: any text in the long columns (quotes, doubled quotes, separators,
    /// line breaks, padding that is trimmed, CJK), any quoting, any separator, with and
    /// without a byte-order mark, in one piece and in two.
    #[test]
    fn values_left_in_the_file_read_as_values_copied() {
        use proptest::prelude::*;
        let cell = proptest::collection::vec(
            prop_oneof![
                Just("a"),
                Just("中"),
                Just("\""),
                Just(","),
                Just(";"),
                Just("\t"),
                Just("\n"),
                Just("\r\n"),
                Just(" "),
                Just("不归我管"),
            ],
            0..8,
        )
        .prop_map(|v| v.concat());
        let row = proptest::collection::vec(cell, 4);
        let style = prop_oneof![
            Just(csv::QuoteStyle::Necessary),
            Just(csv::QuoteStyle::Always),
            Just(csv::QuoteStyle::NonNumeric),
        ];
        let strategy = (
            proptest::collection::vec(row, 1..12),
            style,
            prop_oneof![Just(b','), Just(b'\t'), Just(b';')],
            any::<bool>(),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.csv");
        let (in_file, runs) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(200));
        runner
            .run(&strategy, |(rows, style, delimiter, bom)| {
                let mut w = csv::WriterBuilder::new()
                    .quote_style(style)
                    .delimiter(delimiter)
                    .from_writer(vec![]);
                let head = [
                    "case_id",
                    "center",
                    "category",
                    "first_responder_id",
                    "received_at",
                ];
                let long = ["reply", "content", "unit", "resolution"];
                w.write_record(head.iter().chain(&long)).unwrap();
                for (i, r) in rows.iter().enumerate() {
                    let id = format!("C{i}");
                    let fixed = [id.as_str(), "东区", "报修", "E1", "2026-10-01 09:00"];
                    w.write_record(fixed.iter().copied().chain(r.iter().map(String::as_str)))
                        .unwrap();
                }
                let mut bytes = if bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    vec![]
                };
                bytes.extend(w.into_inner().unwrap());
                // Rows no CSV writer makes, which readers still take: text after a closing
                // quote, a quote inside an unquoted field, a space before a quote.
                let d = (delimiter as char).to_string();
                for (i, odd) in ["\"ab\"cd", "a\"b\"c", " \"ab\"", "\"a\"\"\"b", "\"中\"文 "]
                    .iter()
                    .enumerate()
                {
                    let row = [odd, "x", odd, odd].join(&d);
                    let id = format!("D{i}");
                    let head = [id.as_str(), "东区", "报修", "E1", "2026-10-01 09:00"].join(&d);
                    bytes.extend(format!("{head}{d}{row}\n").as_bytes());
                }
                std::fs::write(&path, &bytes).unwrap();
                let mapped = CsvFile::open(&path, "cases.csv", Encoding::Auto).unwrap();
                let held = CsvFile::from_bytes(bytes, "cases.csv", Encoding::Auto).unwrap();
                prop_assert!(mapped.mapped().is_some() && held.mapped().is_none());
                for split in [usize::MAX, 0] {
                    let read = |csv: &CsvFile| {
                        let (mut t, mut rej) = (Table::new(FileKind::Cases), vec![]);
                        let st =
                            read_file_split(&mut t, csv, &ReadOptions::default(), &mut rej, split)
                                .map_err(|e| e.to_string());
                        (t, format!("{st:?} {rej:?}"))
                    };
                    let ((a, ra), (b, rb)) = (read(&mapped), read(&held));
                    prop_assert!(ra.starts_with("Ok(") && a.len() == rows.len() + 5, "{}", ra);
                    prop_assert_eq!(ra, rb);
                    prop_assert_eq!(&a.sources, &b.sources);
                    for ((c, x), (_, y)) in a.columns.iter().zip(&b.columns) {
                        if let (ColData::Text(x), ColData::Text(y)) = (x, y) {
                            prop_assert_eq!(
                                x.iter().collect::<Vec<_>>(),
                                y.iter().collect::<Vec<_>>(),
                                "{}",
                                c.name
                            );
                            prop_assert_eq!(y.in_file_count(), 0);
                            in_file.set(in_file.get() + x.in_file_count());
                        }
                    }
                    runs.set(runs.get() + 1);
                }
                Ok(())
            })
            .unwrap();
        // The values were indeed left in the file, not all copied.
        let (in_file, runs) = (in_file.get(), runs.get());
        assert!(
            in_file > runs,
            "{in_file} values left in the file over {runs} readings"
        );
    }
}
