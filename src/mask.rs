//! Protecting people's data in reports: masking customer names and phone numbers, and
//! keeping text cells from running as spreadsheet formulas.

use std::borrow::Cow;

/// `陈小明` → `陈**`; a one-character name becomes `*`.
pub fn mask_name(s: &str) -> String {
    let mut chars = s.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count();
            if rest == 0 {
                "*".to_string()
            } else {
                format!("{first}{}", "*".repeat(rest))
            }
        }
    }
}

/// The pieces of a row's raw text that could be a person's name: runs of 2 to 4 Chinese
/// characters (up to 8 with the `·` of a transliterated or minority name) standing alone
/// between delimiters, quotes or spaces. For a row whose fields do not line up with its
/// header (an unclosed quote, a wrong number of fields), where the name column cannot be
/// told: every such piece is masked as a name, at the cost of masking a word or two.
pub fn name_like_pieces(raw: &str) -> Vec<String> {
    let is_han =
        |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c);
    let mut out: Vec<String> = raw
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    ',' | ';'
                        | '\t'
                        | '|'
                        | '"'
                        | '\''
                        | '，'
                        | '；'
                        | '、'
                        | '“'
                        | '”'
                        | '‘'
                        | '’'
                        | '：'
                        | ':'
                        | '（'
                        | '）'
                        | '('
                        | ')'
                )
        })
        .filter(|p| {
            let n = p.chars().count();
            let dots = p.chars().filter(|&c| c == '·' || c == '•').count();
            let max = if dots > 0 { 8 } else { 4 };
            (2..=max).contains(&n)
                && p.chars().all(|c| is_han(c) || c == '·' || c == '•')
                && p.chars().next().is_some_and(is_han)
        })
        .map(str::to_string)
        .collect();
    // Longest first: a name inside a longer piece is masked with it.
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

/// `13912345678` → `139****5678`; shorter numbers keep only their last four digits.
pub fn mask_phone(s: &str) -> String {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let head = if digits >= 11 { 3 } else { 0 };
    let mut seen = 0;
    s.trim()
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= head || seen > digits.saturating_sub(4) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Mask phone numbers written in free text (a reply, a raw row): an 11-digit mobile
/// number `1[3-9]xxxxxxxxx` keeps its first 3 and last 4 digits (`139****5678`), also
/// after the country code (`8613912345678`); a landline with its area code
/// (`0731-88886666`) keeps the area code and last 4 digits. A quote cut short by an
/// ellipsis may cut a number too: 5 to 12 digits right after `…` are the tail of one
/// (only the last 4 kept), and 5 to 12 digits starting `1[3-9]` right before `…` its head
/// (only the first 3 kept). Full-width digits (`１３９…`) are read as digits. Other digit
/// runs (case ids, amounts, dates) are left alone.
pub fn mask_phones_in_text(s: &str) -> Cow<'_, str> {
    const WIDE: std::ops::RangeInclusive<char> = '\u{FF10}'..='\u{FF19}';
    // A full-width digit is EF BC 90..=99 in UTF-8; EF only ever starts a character, so
    // the bytes are searched instead of decoding every character of the text.
    let wide = s
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == 0xEF && w[1] == 0xBC && (0x90..=0x99).contains(&w[2]));
    if wide {
        let ascii: String = s
            .chars()
            .map(|c| match c {
                c if WIDE.contains(&c) => char::from(b'0' + (c as u32 - 0xFF10) as u8),
                c => c,
            })
            .collect();
        return match mask_phones_in_text(&ascii) {
            Cow::Owned(m) => Cow::Owned(m),
            // Nothing masked: the text as written, full-width digits and all.
            Cow::Borrowed(_) => Cow::Borrowed(s),
        };
    }
    let b = s.as_bytes();
    const ELLIPSIS: &[u8] = "…".as_bytes();
    let is_mobile = |at: usize| b[at] == b'1' && (b'3'..=b'9').contains(&b[at + 1]);
    // (start, end, digits kept at the head, digits kept at the tail)
    let mut runs = vec![];
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let n = i - start;
        let mobile = n == 11 && is_mobile(start);
        let with_country = n == 13 && &b[start..start + 2] == b"86" && is_mobile(start + 2);
        // A landline number: 7–8 digits right after `0` + 2–3 digits + `-`.
        let landline = (7..=8).contains(&n) && start >= 4 && {
            let pre = &b[..start - 1];
            b[start - 1] == b'-'
                && pre.iter().rev().take_while(|c| c.is_ascii_digit()).count() >= 3
                && {
                    let k = pre.iter().rev().take_while(|c| c.is_ascii_digit()).count();
                    (3..=4).contains(&k) && pre[pre.len() - k] == b'0'
                }
        };
        // A piece of 5 or more digits can hide more than the 3 + 4 a masked number shows.
        let cut = (5..=12).contains(&n);
        if mobile {
            runs.push((start, i, 3, 4));
        } else if with_country {
            runs.push((start, i, 5, 4));
        } else if landline || (cut && b[..start].ends_with(ELLIPSIS)) {
            runs.push((start, i, 0, 4));
        } else if cut && b[i..].starts_with(ELLIPSIS) && is_mobile(start) {
            runs.push((start, i, 3, 0));
        }
    }
    if runs.is_empty() {
        return mask_grouped_mobiles(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (a, z, head, tail) in runs {
        out.push_str(&s[last..a]);
        out.push_str(&s[a..a + head]);
        out.push_str(&"*".repeat(z - a - head - tail));
        out.push_str(&s[z - tail..z]);
        last = z;
    }
    out.push_str(&s[last..]);
    Cow::Owned(mask_grouped_mobiles(&out).into_owned())
}

/// Calls `f` with each group of digit runs joined by single spaces or dashes
/// (`138 1234 5678`, `2026-10-12 09`): the byte range of each of its runs. Allocates
/// nothing: every evidence text of an audit passes through here. A group of more than
/// 16 runs is no way of writing a number, and is skipped.
fn for_each_digit_group(s: &str, mut f: impl FnMut(&[(usize, usize)])) {
    const MAX_RUNS: usize = 16;
    let b = s.as_bytes();
    let mut runs = [(0usize, 0usize); MAX_RUNS];
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut n = 0;
        loop {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if n < MAX_RUNS {
                runs[n] = (start, i);
            }
            n += 1;
            let joined =
                i + 1 < b.len() && matches!(b[i], b' ' | b'-') && b[i + 1].is_ascii_digit();
            if !joined {
                break;
            }
            i += 1;
        }
        if n <= MAX_RUNS {
            f(&runs[..n]);
        }
    }
}

/// Replace the digits at `at` (byte positions of ASCII digits) with `*`.
fn star_digits(s: &str, at: &[usize]) -> String {
    let mut b = s.as_bytes().to_vec();
    for &i in at {
        b[i] = b'*';
    }
    // Only ASCII digits were replaced by an ASCII byte: still UTF-8.
    String::from_utf8(b).unwrap_or_else(|_| s.to_string())
}

/// A mobile number written in its usual groups, `138 1234 5678` or `138-1234-5678`:
/// the middle four digits are masked as in an unbroken one.
fn mask_grouped_mobiles(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let mut at = vec![];
    for_each_digit_group(s, |g| {
        // any three runs in a row (`2026-10-12 138 1234 5678` holds one)
        for w in g.windows(3) {
            let is_3_4_4 = w[0].1 - w[0].0 == 3 && w[1].1 - w[1].0 == 4 && w[2].1 - w[2].0 == 4;
            if is_3_4_4 && b[w[0].0] == b'1' && (b'3'..=b'9').contains(&b[w[0].0 + 1]) {
                at.extend(w[1].0..w[1].1);
            }
        }
    });
    if at.is_empty() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(star_digits(s, &at))
    }
}

/// Mask the customer's own number wherever the text holds its digits, however they are
/// grouped (`138-1234-5678` in the phone column, `13812345678` in the reply) or cut at
/// an evidence's edge (`…3812345678`): every stretch of six or more digits that is a
/// piece of `phone`'s digits hides the digits `mask_phone` hides (for a mobile number,
/// all but its first three and last four), wherever the piece was cut.
pub fn mask_phone_digits<'a>(s: &'a str, phone: &str) -> Cow<'a, str> {
    const MAX_DIGITS: usize = 32;
    let mut pd = [0u8; MAX_DIGITS];
    let mut np = 0;
    for d in phone.bytes().filter(u8::is_ascii_digit) {
        if np == MAX_DIGITS {
            return Cow::Borrowed(s);
        }
        pd[np] = d;
        np += 1;
    }
    if np < 7 {
        return Cow::Borrowed(s);
    }
    let pd = &pd[..np];
    // Which of the number's digits stay readable: as `mask_phone` writes it, the first
    // three of a mobile number and the last four.
    let head = if np >= 11 { 3 } else { 0 };
    let b = s.as_bytes();
    let mut at = vec![];
    for_each_digit_group(s, |g| {
        // every stretch of consecutive runs in the group (a number may be written next to
        // a date or another number, `2026-10-12 138 1234 5678`)
        for first in 0..g.len() {
            let mut digits = [0u8; MAX_DIGITS];
            let mut count = 0;
            for (last, &(a, z)) in g.iter().enumerate().skip(first) {
                if count + (z - a) > np {
                    break;
                }
                digits[count..count + (z - a)].copy_from_slice(&b[a..z]);
                count += z - a;
                // One run of six digits or more; or runs grouped as numbers are (a date's
                // two-digit month and day in the middle is not: `2026-10-28 15`).
                let number_like = if last == first {
                    count >= 6
                } else {
                    count >= 7 && g[first + 1..last].iter().all(|(a, z)| z - a >= 3)
                };
                if !number_like {
                    continue;
                }
                // where in the number this piece sits decides which of its digits hide
                let Some(o) = pd.windows(count).position(|w| w == &digits[..count]) else {
                    continue;
                };
                let mut j = 0;
                for &(a, z) in &g[first..=last] {
                    for i in a..z {
                        if o + j >= head && o + j < np - 4 {
                            at.push(i);
                        }
                        j += 1;
                    }
                }
            }
        }
    });
    at.sort_unstable();
    at.dedup();
    if at.is_empty() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(star_digits(s, &at))
    }
}

/// OWASP CSV-injection advice: a text cell that starts with `=`, `+`, `-`, `@`, tab or
/// carriage return is prefixed with `'` so no spreadsheet evaluates it. A cell that
/// starts with `'` itself is prefixed too, so that [`restore_formula`] gives back every
/// value exactly (`'@x` was `@x`, `''x` was `'x`).
pub fn neutralize_formula(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// A cell of a report CSV read back (`compare`, `explain-score`): the value before
/// [`neutralize_formula`] guarded it.
pub fn restore_formula(s: &str) -> &str {
    match s.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'', ..] => &s[1..],
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_like_pieces_are_short_chinese_runs_between_delimiters() {
        assert_eq!(
            name_like_pieces("第二行,欧阳娜娜,13812345678,\"未闭合 王芳"),
            ["欧阳娜娜", "未闭合", "第二行", "王芳"]
        );
        // a minority name with its dot; not a long text, a one-character word, digits
        assert_eq!(
            name_like_pieces("阿依古丽·买买提,咨询物业费的收费标准,王,E01王芳"),
            ["阿依古丽·买买提"]
        );
    }

    #[test]
    fn names_and_phones() {
        assert_eq!(mask_name("陈小明"), "陈**");
        assert_eq!(mask_name("陈明"), "陈*");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_phone("13912345678"), "139****5678");
        assert_eq!(mask_phone("8888-6666"), "****-6666");
        assert_eq!(
            mask_phones_in_text("请回电13912345678或0731-88886666，案件C000123"),
            "请回电139****5678或0731-****6666，案件C000123"
        );
        assert_eq!(
            mask_phones_in_text("2026-10-03 09:05 用时 78.0 小时"),
            "2026-10-03 09:05 用时 78.0 小时"
        );
        // a mobile in its usual groups, not a date or an amount in groups
        assert_eq!(
            mask_phones_in_text("打138 1234 5678或138-1234-5679，2026-10-12，1500 2000 300"),
            "打138 **** 5678或138-****-5679，2026-10-12，1500 2000 300"
        );
        assert_eq!(
            mask_phones_in_text("2026-10-12 138 1234 5678"),
            "2026-10-12 138 **** 5678"
        );
    }

    /// Anyone's number, not only the customer's: with the country code, in full-width
    /// digits, or cut by the ellipsis of a shortened quote (the tail after `…`, the head
    /// before it). A case id, an amount or a date beside an ellipsis is left alone.
    #[test]
    fn numbers_with_a_country_code_full_width_or_cut_by_an_ellipsis_are_masked() {
        let m = |s: &str| mask_phones_in_text(s).into_owned();
        // Full-width digits are found byte-wise: written among full-width punctuation
        // (EF BC 8C ，, EF BC 9A ：, EF BD 90 ｐ) they are still read as digits, and only they.
        assert_eq!(
            m("：电话，１３９１２３４５６７８ｐ"),
            "：电话，139****5678ｐ"
        );
        assert_eq!(m("：，（）ｐ１"), "：，（）ｐ１");
        assert_eq!(m("回电+8613912345678"), "回电+86139****5678");
        assert_eq!(m("电话１３９１２３４５６７８"), "电话139****5678");
        assert_eq!(m("「…3700001234不知道」"), "「…******1234不知道」");
        assert_eq!(m("「…812345678，不知道」"), "「…*****5678，不知道」");
        assert_eq!(m("「办不了，打13700001…」"), "「办不了，打137*****…」");
        assert_eq!(m("「打139123…」"), "「打139***…」");
        assert_eq!(m("「…345678不知道」"), "「…**5678不知道」");
        for kept in [
            "「…2026-10-08 不知道」",
            "「…C000123不知道」",
            "「…500元不知道」",
            "「不知道，2026年10月…」",
            "全角日期２０２６年",
        ] {
            assert_eq!(m(kept), kept);
        }
    }

    #[test]
    fn the_customers_own_number_is_masked_however_it_is_written() {
        let phone = "138-1234-5678";
        for (text, want) in [
            ("王芳：13812345678不知道", "王芳：138****5678不知道"),
            ("「…3812345678不知道」", "「…38****5678不知道」"),
            ("回电 138 1234 5678", "回电 138 **** 5678"),
            // cut at the head or the tail by an evidence window: the hidden digits hide
            ("不知道，您打1381234…", "不知道，您打138****…"),
            ("…2345678不知道", "…***5678不知道"),
            // next to a date, and a date whose digits happen to be in the number
            ("2026-10-12 138-1234-5678", "2026-10-12 138-****-5678"),
            ("受理 2026-12-34 56:07", "受理 2026-12-34 56:07"),
            ("C000123 于 2026-10-12", "C000123 于 2026-10-12"),
        ] {
            assert_eq!(mask_phone_digits(text, phone), want, "{text}");
        }
        // too short a number to look for
        assert_eq!(mask_phone_digits("123456", "12345"), "123456");
    }

    #[test]
    fn guarded_cells_read_back_as_they_were() {
        for v in [
            "@evil",
            "=cmd|'/c calc'!A1",
            "'quoted",
            "''",
            "-3",
            "漏水",
            "",
            "'",
        ] {
            assert_eq!(restore_formula(&neutralize_formula(v)), v, "{v:?}");
        }
    }

    #[test]
    fn formulas_are_neutralized() {
        for s in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            assert!(neutralize_formula(s).starts_with('\''), "{s}");
        }
        assert_eq!(neutralize_formula("漏水"), "漏水");
    }
}
