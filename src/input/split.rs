//! Splitting CSV text into records and fields in place.
//!
//! Reads as the `csv` crate's lenient reader does (no headers, flexible field counts,
//! `"` quotes with doubled quotes inside, `\r`, `\n` or `\r\n` ending a record, blank
//! lines skipped, text after a closing quote kept without the quote), and finds in the
//! same pass what that reader leaves to be found after it: a quote that is never properly
//! closed ([`Split::unclosed`]) and the line breaks inside quoted fields. A field is a
//! range of the file's bytes where it stands there as it is (most fields: no copy, and
//! its place in the file is known); only a quoted field with a doubled quote, or with
//! text after its closing quote, is copied (unescaped). The tests hold it to the `csv`
//! crate's reading, record by record.

/// Where a field's bytes are: `start..end` of the record's raw text, or of
/// [`Fields::unescaped`] when `copied`.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    copied: bool,
}

/// The fields of one record, reused from record to record.
#[derive(Debug, Default)]
pub struct Fields {
    spans: Vec<Span>,
    /// The copied fields' text, one after the other.
    unescaped: Vec<u8>,
}

impl Fields {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `i` of a record whose raw text is `raw`.
    pub fn get<'a>(&'a self, raw: &'a [u8], i: usize) -> Option<&'a [u8]> {
        let s = self.spans.get(i)?;
        let from = if s.copied { &self.unescaped[..] } else { raw };
        from.get(s.start..s.end)
    }

    /// Where field `i` starts in the record's raw text when it stands there as it is.
    pub fn start_in_raw(&self, i: usize) -> Option<usize> {
        let s = self.spans.get(i)?;
        (!s.copied).then_some(s.start)
    }

    /// Field `i` as text, given the record's raw text and the copied fields' text as
    /// checked text ([`Fields::unescaped`]). A checked `get`: a field whose ends are not
    /// character boundaries gives `None`.
    pub fn text<'a>(&self, raw: &'a str, unescaped: Option<&'a str>, i: usize) -> Option<&'a str> {
        let s = self.spans.get(i)?;
        if s.copied {
            unescaped?.get(s.start..s.end)
        } else {
            raw.get(s.start..s.end)
        }
    }

    /// The copied fields' text, one after the other.
    pub fn unescaped(&self) -> &[u8] {
        &self.unescaped
    }

    fn clear(&mut self) {
        self.spans.clear();
        self.unescaped.clear();
    }

    fn push_raw(&mut self, base: usize, start: usize, end: usize) {
        self.spans.push(Span {
            start: start - base,
            end: end - base,
            copied: false,
        });
    }
}

/// How a record read by [`split_record`] ended: its text is `data[start..end]` and
/// reading goes on at `end`; it holds `breaks` line breaks (inside quoted fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub end: usize,
    pub breaks: u64,
    /// `Some(field)`: that field opens a quote that is never properly closed: the file
    /// ends inside it, or its closing quote is followed by text after a line break (so
    /// that quote opened a field further down). The record is then cut at the end of the
    /// line the quote opened on; its fields are those before `field` as read, then the
    /// text from after the quote to `end` as it stands, and its breaks those of the
    /// fields before.
    pub unclosed: Option<usize>,
}

/// Line breaks in `data[from..to]`: `\n`, and a `\r` not followed by `\n`.
pub fn count_line_breaks(data: &[u8], from: usize, to: usize) -> u64 {
    let span = &data[from.min(to)..to];
    let newlines = memchr::memchr_iter(b'\n', span).count() as u64;
    // A lone `\r` is rare: look for one only where there is a `\r` at all.
    let lone_cr = memchr::memchr_iter(b'\r', span)
        .filter(|&i| data.get(from + i + 1) != Some(&b'\n'))
        .count() as u64;
    newlines + lone_cr
}

/// Where the next record starts at or after `at` (blank lines are skipped), and the line
/// breaks skipped to reach it; `data.len()` when no record is left.
pub fn next_record(data: &[u8], at: usize) -> (usize, u64) {
    let mut p = at.min(data.len());
    while p < data.len() && matches!(data[p], b'\r' | b'\n') {
        p += 1;
    }
    (p, count_line_breaks(data, at.min(p), p))
}

/// Reads the record starting at `data[start]` (not a line break; see [`next_record`]),
/// its fields into `fields`.
pub fn split_record(data: &[u8], start: usize, delimiter: u8, fields: &mut Fields) -> Split {
    fields.clear();
    let mut p = start;
    let mut breaks = 0;
    loop {
        if data.get(p) != Some(&b'"') {
            // Unquoted: to the next delimiter or line end (a quote here is text).
            let e =
                memchr::memchr3(delimiter, b'\n', b'\r', &data[p..]).map_or(data.len(), |k| p + k);
            fields.push_raw(start, p, e);
            match data.get(e) {
                Some(&d) if d == delimiter => p = e + 1,
                _ => {
                    return Split {
                        end: e,
                        breaks,
                        unclosed: None,
                    }
                }
            }
            continue;
        }
        // Quoted: to the closing quote, doubled quotes standing for one.
        let (open, content) = (p, p + 1);
        let (mut j, mut piece, mut copied) = (content, content, None::<usize>);
        // Cut at the end of the line the quote opened on (the text copied for this field
        // so far, from `copied` on, is let go of).
        let unclosed = |fields: &mut Fields, copied: Option<usize>, breaks| {
            let end = memchr::memchr2(b'\r', b'\n', &data[open..]).map_or(data.len(), |k| open + k);
            let field = fields.len();
            if let Some(from) = copied {
                fields.unescaped.truncate(from);
            }
            fields.push_raw(start, (open + 1).min(end), end);
            Split {
                end,
                breaks,
                unclosed: Some(field),
            }
        };
        let q = loop {
            let Some(k) = memchr::memchr(b'"', &data[j..]) else {
                // The file ends inside the quotes.
                return unclosed(fields, copied, breaks);
            };
            let q = j + k;
            if data.get(q + 1) != Some(&b'"') {
                break q;
            }
            // A doubled quote: the text so far and one quote.
            copied.get_or_insert(fields.unescaped.len());
            fields.unescaped.extend_from_slice(&data[piece..=q]);
            (piece, j) = (q + 2, q + 2);
        };
        let inner = count_line_breaks(data, content, q);
        let after = q + 1;
        let end = match data.get(after) {
            Some(&b) if b != delimiter && !matches!(b, b'\r' | b'\n') => {
                if inner > 0 {
                    return unclosed(fields, copied, breaks);
                }
                // Text after the closing quote: kept, the quote dropped, to the next
                // delimiter or line end.
                let e = memchr::memchr3(delimiter, b'\n', b'\r', &data[after..])
                    .map_or(data.len(), |k| after + k);
                copied.get_or_insert(fields.unescaped.len());
                fields.unescaped.extend_from_slice(&data[piece..q]);
                fields.unescaped.extend_from_slice(&data[after..e]);
                piece = e;
                e
            }
            _ => after,
        };
        breaks += inner;
        match copied {
            Some(from) => {
                if piece < q {
                    fields.unescaped.extend_from_slice(&data[piece..q]);
                }
                let to = fields.unescaped.len();
                fields.spans.push(Span {
                    start: from,
                    end: to,
                    copied: true,
                });
            }
            None => fields.push_raw(start, content, q),
        }
        match data.get(end) {
            Some(&d) if d == delimiter => p = end + 1,
            _ => {
                return Split {
                    end,
                    breaks,
                    unclosed: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record as read: its line, start, fields, raw text and unclosed quote.
    type Read = (u64, usize, Vec<Vec<u8>>, Vec<u8>, Option<usize>);

    /// The records of `data` as [`split_record`] reads them, with lines counted.
    fn split_all(data: &[u8], delimiter: u8) -> Vec<Read> {
        let mut out = vec![];
        let mut fields = Fields::default();
        let (mut at, mut line) = (0, 1);
        loop {
            let (start, skipped) = next_record(data, at);
            line += skipped;
            if start >= data.len() {
                return out;
            }
            let Split {
                end,
                breaks,
                unclosed,
            } = split_record(data, start, delimiter, &mut fields);
            let raw = &data[start..end];
            let got: Vec<Vec<u8>> = (0..fields.len())
                .map(|i| fields.get(raw, i).unwrap().to_vec())
                .collect();
            out.push((line, start, got, raw.to_vec(), unclosed));
            line += breaks;
            at = end;
        }
    }

    /// How shouwen found unclosed quotes before it split records itself (the test's
    /// oracle): a quoted field in `raw` (one record as the lenient csv reader delimited it) that is not
    /// properly closed: the file ends inside it, or its closing quote is followed by text (so
    /// the quote that "closed" it opened another field further down) after a line break. The
    /// reader would read the lines after it as part of that field: the rows there would be
    /// lost inside one rejected record. Returns (byte offset of the opening quote, field index).
    /// A lone quote error on a single line (`"abc"def`) is left to the lenient reader.
    fn unclosed_quote(raw: &[u8], delimiter: u8) -> Option<(usize, usize)> {
        // No quote, nothing unclosed (most records).
        memchr::memchr(b'"', raw)?;
        // Field by field; runs of text are skipped with memchr to the next byte that can
        // change the state (a quote inside quotes, else a delimiter).
        let (mut field, mut i, mut at_start) = (0usize, 0usize, true);
        loop {
            if at_start && raw.get(i) == Some(&b'"') {
                let open = i;
                let mut j = i + 1;
                loop {
                    let Some(k) = memchr::memchr(b'"', &raw[j..]) else {
                        // the record ends inside the quotes
                        return Some((open, field));
                    };
                    let q = j + k;
                    match raw.get(q + 1) {
                        None => return None,
                        Some(b'"') => j = q + 2,
                        Some(&b) if b == delimiter => {
                            (field, i, at_start) = (field + 1, q + 2, true);
                            break;
                        }
                        Some(b'\r' | b'\n') => {
                            (i, at_start) = (q + 1, false);
                            break;
                        }
                        Some(_) => {
                            // text after the closing quote: that quote opened a field further
                            // down, if the quoted part spans lines
                            if memchr::memchr2(b'\r', b'\n', &raw[open..q]).is_some() {
                                return Some((open, field));
                            }
                            (i, at_start) = (q + 1, false);
                            break;
                        }
                    }
                }
                continue;
            }
            match memchr::memchr(delimiter, &raw[i.min(raw.len())..]) {
                Some(k) => (field, i, at_start) = (field + 1, i + k + 1, true),
                None => return None,
            }
        }
    }

    /// The byte-by-byte state machine [`unclosed_quote`] skips through with memchr.
    fn unclosed_quote_by_byte(raw: &[u8], delimiter: u8) -> Option<(usize, usize)> {
        #[derive(PartialEq)]
        enum S {
            FieldStart,
            Unquoted,
            Quoted,
            QuoteInQuoted,
        }
        let mut state = S::FieldStart;
        let (mut field, mut open) = (0usize, 0usize);
        for (i, &b) in raw.iter().enumerate() {
            state = match state {
                S::FieldStart | S::Unquoted if b == delimiter => {
                    field += 1;
                    S::FieldStart
                }
                S::FieldStart if b == b'"' => {
                    open = i;
                    S::Quoted
                }
                S::FieldStart | S::Unquoted => S::Unquoted,
                S::Quoted if b == b'"' => S::QuoteInQuoted,
                S::Quoted => S::Quoted,
                S::QuoteInQuoted if b == b'"' => S::Quoted,
                S::QuoteInQuoted if b == delimiter => {
                    field += 1;
                    S::FieldStart
                }
                S::QuoteInQuoted if matches!(b, b'\r' | b'\n') => S::Unquoted,
                S::QuoteInQuoted => {
                    if raw[open..i].iter().any(|c| matches!(c, b'\r' | b'\n')) {
                        return Some((open, field));
                    }
                    S::Unquoted
                }
            };
        }
        (state == S::Quoted).then_some((open, field))
    }

    /// The memchr version of the unclosed-quote scan gives the byte-by-byte answer on
    /// every record of up to 7 bytes over quotes, separators, line ends and text.
    #[test]
    fn unclosed_quotes_are_found_as_byte_by_byte() {
        let alphabet: &[&[u8]] = &[b"\"", b",", b"\n", b"\r", b"a", "中".as_bytes()];
        let mut checked = 0;
        for raw in every_text(alphabet, 7) {
            assert_eq!(
                unclosed_quote(&raw, b','),
                unclosed_quote_by_byte(&raw, b','),
                "{}",
                show(&raw)
            );
            checked += 1;
        }
        assert!(checked > 300_000);
    }

    /// Every text of up to `max` symbols of `alphabet`, each once.
    fn every_text<'a>(alphabet: &'a [&'a [u8]], max: u32) -> impl Iterator<Item = Vec<u8>> + 'a {
        (0..=max).flat_map(move |len| {
            (0..alphabet.len().pow(len)).map(move |mut k| {
                let mut text = vec![];
                for _ in 0..len {
                    text.extend_from_slice(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                text
            })
        })
    }

    /// The records of `data` as the `csv` crate reads them, lines counted and unclosed
    /// quotes cut as shouwen did before it split records itself.
    fn csv_crate_all(data: &[u8], delimiter: u8) -> Vec<Read> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(std::io::Cursor::new(data));
        let mut rec = csv::ByteRecord::new();
        let mut out = vec![];
        let (mut counted_to, mut line_at) = (0usize, 1u64);
        while rdr.read_byte_record(&mut rec).unwrap() {
            let pos = (rdr.position().byte() as usize).min(data.len());
            let mut start = rec
                .position()
                .map(|p| p.byte() as usize)
                .unwrap_or(0)
                .min(data.len());
            while start < pos && matches!(data[start], b'\r' | b'\n') {
                start += 1;
            }
            if start >= counted_to {
                line_at += count_line_breaks(data, counted_to, start);
                counted_to = start;
            }
            let mut raw = &data[start..pos.max(start)];
            while let [rest @ .., b'\r' | b'\n'] = raw {
                raw = rest;
            }
            match unclosed_quote(raw, delimiter) {
                None => out.push((
                    line_at,
                    start,
                    rec.iter().map(<[u8]>::to_vec).collect(),
                    raw.to_vec(),
                    None,
                )),
                Some((open, field)) => {
                    let open = start + open;
                    let end = data[open..]
                        .iter()
                        .position(|b| matches!(b, b'\r' | b'\n'))
                        .map_or(data.len(), |p| open + p);
                    let mut got: Vec<Vec<u8>> =
                        rec.iter().take(field).map(<[u8]>::to_vec).collect();
                    got.push(data[(open + 1).min(end)..end].to_vec());
                    out.push((line_at, start, got, data[start..end].to_vec(), Some(field)));
                    let mut resume = csv::Position::new();
                    resume.set_byte(end as u64);
                    rdr.seek(resume).unwrap();
                }
            }
        }
        out
    }

    fn show(data: &[u8]) -> String {
        format!("{:?}", String::from_utf8_lossy(data))
    }

    /// Every text of up to 6 symbols over quotes, separators, line ends and text reads as
    /// the `csv` crate reads it: the same records, fields, lines, raw text and unclosed
    /// quotes.
    #[test]
    fn short_texts_split_as_the_csv_crate_reads_them() {
        let alphabet: &[&[u8]] = &[b"\"", b",", b"\n", b"\r", b"a", "中".as_bytes(), b";"];
        let mut checked = 0;
        for data in every_text(alphabet, 6) {
            for delimiter in [b',', b';'] {
                assert_eq!(
                    split_all(&data, delimiter),
                    csv_crate_all(&data, delimiter),
                    "{}",
                    show(&data)
                );
            }
            checked += 1;
        }
        assert!(checked > 100_000);
    }

    /// Longer random texts, with quoted fields spanning lines, doubled quotes and text
    /// after closing quotes, read as the `csv` crate reads them.
    #[test]
    fn random_texts_split_as_the_csv_crate_reads_them() {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(b"\"".to_vec()),
            Just(b"\"\"".to_vec()),
            Just(b",".to_vec()),
            Just(b"\t".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\r".to_vec()),
            Just(b"\",\"".to_vec()),
            Just(b"\"\n".to_vec()),
            "[a-z0-9 ]{1,12}".prop_map(String::into_bytes),
            "[不归我管没办法]{1,4}".prop_map(String::into_bytes),
            proptest::collection::vec(any::<u8>(), 1..4),
        ];
        let text = proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat());
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(4000));
        runner
            .run(
                &(text, prop_oneof![Just(b','), Just(b'\t')]),
                |(data, d)| {
                    prop_assert_eq!(
                        split_all(&data, d),
                        csv_crate_all(&data, d),
                        "{}",
                        show(&data)
                    );
                    Ok(())
                },
            )
            .unwrap();
    }

    /// A field cut at its unclosed quote leaves none of the text copied for it: the
    /// fields before it, copied or not, are all the copied text there is.
    #[test]
    fn a_cut_field_leaves_no_copied_text() {
        let mut fields = Fields::default();
        let data = b"\"a\"\"b\",\"c\"\"d\nx\"y,z";
        let got = split_record(data, 0, b',', &mut fields);
        assert_eq!(got.unclosed, Some(1), "{got:?}");
        assert_eq!(fields.unescaped(), b"a\"b");
        let raw = &data[..got.end];
        assert_eq!(fields.get(raw, 1), Some(&b"c\"\"d"[..]));
    }

    #[test]
    fn fields_stand_in_place_unless_unescaped() {
        let data = b"a,\"b,c\",\"d\"\"e\",\"f\"g,h\r\nx";
        let mut fields = Fields::default();
        let Split {
            end,
            breaks,
            unclosed,
        } = split_record(data, 0, b',', &mut fields);
        assert_eq!(unclosed, None);
        assert_eq!(
            (&data[..end], breaks),
            (&b"a,\"b,c\",\"d\"\"e\",\"f\"g,h"[..], 0)
        );
        let raw = &data[..end];
        let got: Vec<&[u8]> = (0..fields.len())
            .map(|i| fields.get(raw, i).unwrap())
            .collect();
        assert_eq!(got, [&b"a"[..], b"b,c", b"d\"e", b"fg", b"h"]);
        let starts: Vec<Option<usize>> =
            (0..fields.len()).map(|i| fields.start_in_raw(i)).collect();
        assert_eq!(starts, [Some(0), Some(3), None, None, Some(20)]);
    }
}
