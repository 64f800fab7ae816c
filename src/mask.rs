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
/// Digits are read as in free text (full-width `１３９…` and Chinese numerals too).
pub fn mask_phone(s: &str) -> String {
    let s = s.trim();
    let b = s.as_bytes();
    let mut digits = 0usize;
    let mut i = 0;
    while i < b.len() {
        i += match digit_at(b, i) {
            Some((_, l)) => {
                digits += 1;
                l
            }
            None => char_len(b[i]),
        };
    }
    let head = if digits >= 11 { 3 } else { 0 };
    let mut out = String::with_capacity(s.len());
    let (mut seen, mut i, mut last) = (0, 0, 0);
    while i < b.len() {
        match digit_at(b, i) {
            Some((_, l)) => {
                seen += 1;
                if seen > head && seen <= digits.saturating_sub(4) {
                    out.push_str(&s[last..i]);
                    out.push('*');
                    last = i + l;
                }
                i += l;
            }
            None => i += char_len(b[i]),
        }
    }
    out.push_str(&s[last..]);
    out
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || ('\u{3400}'..='\u{4DBF}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{20000}'..='\u{3134F}').contains(&c)
}

/// A letter of a word written in letters (Latin, Cyrillic …), or a digit: what a Latin
/// name found in text must not touch on either side.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// The ways a customer-name cell is looked for in free text. The cell may hold more
/// than the name (`陈小明(租户)`: the bracket is dropped), two names (`陈小明、李雷`: each
/// is looked for), a name with a space in it (`陈 小明`: looked for with or without
/// spaces), or a name in letters (`John Smith`: each word of two letters or more is
/// looked for as a whole word, in any case, so `JOHN SMITH` and `Mr. Smith` are found).
/// Each key: its characters, and whether it is written in letters.
fn name_keys(cell: &str) -> Vec<(Vec<char>, bool)> {
    // the cell without what it holds in brackets
    let mut depth = 0usize;
    let mut plain = String::with_capacity(cell.len());
    for c in cell.chars() {
        match c {
            '(' | '（' | '[' | '【' | '〔' => depth += 1,
            ')' | '）' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    // tokens: runs of letters (a `·` inside a minority name kept); Chinese ones apart
    // only by spaces are one name
    let mut tokens: Vec<(Vec<char>, bool)> = vec![];
    let mut cur: Vec<char> = vec![];
    // since the last token ended only spaces were seen; and so before the current one
    let (mut gap_is_space, mut cur_spaced) = (false, false);
    let finish = |tokens: &mut Vec<(Vec<char>, bool)>, cur: &mut Vec<char>, spaced: bool| {
        let han = cur.iter().any(|&c| is_han(c));
        match tokens.last_mut() {
            Some((prev, true)) if spaced && han => prev.append(cur),
            _ => tokens.push((std::mem::take(cur), han)),
        }
    };
    for c in plain.chars() {
        if c.is_alphabetic() || (matches!(c, '·' | '•') && !cur.is_empty()) {
            if cur.is_empty() {
                cur_spaced = gap_is_space;
            }
            cur.push(c);
        } else if !cur.is_empty() {
            finish(&mut tokens, &mut cur, cur_spaced);
            gap_is_space = c.is_whitespace();
        } else {
            gap_is_space &= c.is_whitespace();
        }
    }
    if !cur.is_empty() {
        finish(&mut tokens, &mut cur, cur_spaced);
    }
    let only = tokens.len() == 1;
    tokens
        .into_iter()
        .filter(|(t, han)| *han || t.len() >= 2 || only)
        .map(|(t, han)| (t, !han))
        .collect()
}

/// Whether text char `t` is name char `k`: the same, or the same letter in another case.
fn same_letter(t: char, k: char) -> bool {
    t == k || (t.is_alphabetic() && !is_han(t) && t.to_lowercase().eq(k.to_lowercase()))
}

/// Whether `s` may hold `name` or a piece of it: see [`mask_name_in_text`]. Allocates
/// nothing.
fn name_may_be_in(s: &str, name: &str) -> bool {
    let is_gap = |c: char| c == ' ' || c == '\u{3000}';
    // a pair of letters side by side in the text, a space or two between allowed
    let pair_in = |c1: char, c2: char| {
        let mut firsts = [c1, c1];
        if c1.is_ascii_alphabetic() {
            firsts = [c1.to_ascii_lowercase(), c1.to_ascii_uppercase()];
        }
        firsts.iter().any(|&f| {
            s.match_indices(f).any(|(i, m)| {
                s[i + m.len()..]
                    .trim_start_matches(is_gap)
                    .chars()
                    .next()
                    .is_some_and(|n| same_letter(n, c2))
            })
        })
    };
    let letter = |c: char| c.is_alphabetic() || matches!(c, '·' | '•');
    // one-letter words: looked for letter by letter
    let mut run = 0;
    let mut single = false;
    for c in name.chars().chain([' ']) {
        if letter(c) {
            run += 1;
        } else {
            single |= run == 1;
            run = 0;
        }
    }
    if single {
        return name.chars().filter(|c| c.is_alphabetic()).any(|c| {
            if c.is_ascii() {
                s.bytes().any(|b| b.eq_ignore_ascii_case(&(c as u8)))
            } else {
                s.contains(c) || !c.is_lowercase() && !s.is_ascii()
            }
        });
    }
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if letter(c) {
            if let Some(p) = prev {
                if pair_in(p, c) {
                    return true;
                }
            }
            prev = Some(c);
        } else if !c.is_whitespace() {
            prev = None;
        }
    }
    false
}

/// Mask the customer's name wherever the text holds it ([`name_keys`]: with or without
/// a space, in any case, each of two names, a Latin name's words), and a piece of it cut
/// by an ellipsis (`Mr. Smit…` → `Mr. S***…`, `…小明说` → `…**说`). A one-character name
/// (`王`, `e`) is masked only standing alone, never inside a word (`王芳`, `received`).
/// `keep`, the name of the employee the evidence is charged to: a customer who shares it
/// is not masked where the evidence names that employee as the speaker (`（王芳，第 3
/// 行）`). Allocates nothing when the text holds no character of the name.
pub fn mask_name_in_text<'a>(s: &'a str, name: &str, keep: Option<&str>) -> Cow<'a, str> {
    let name = name.trim();
    if name.is_empty() || s.is_empty() {
        return Cow::Borrowed(s);
    }
    // Fast path: every match, and every piece of two characters or more cut by an
    // ellipsis, holds two letters the name has side by side (`陈小明`: 陈小 or 小明, maybe
    // with a space between): when the text has no such pair, nothing is masked. A name
    // with a one-letter word (`王`, `e`, `王、李`) is looked for by its letters alone.
    if !name_may_be_in(s, name) {
        return Cow::Borrowed(s);
    }
    let keys = name_keys(name);
    if keys.is_empty() {
        return Cow::Borrowed(s);
    }
    let t: Vec<(usize, char)> = s.char_indices().collect();
    let at = |i: usize| t.get(i).map(|x| x.1);
    let mut hide: Vec<usize> = vec![]; // indices into t
    let is_gap = |c: char| c == ' ' || c == '\u{3000}';
    for (key, latin) in &keys {
        let k = key.len();
        let mut i = 0;
        while i < t.len() {
            if !same_letter(t[i].1, key[0]) {
                i += 1;
                continue;
            }
            // match the key from i, a Chinese one across spaces
            let mut j = i + 1;
            let mut matched = vec![i];
            for &kc in &key[1..] {
                while !*latin && at(j).is_some_and(is_gap) && j > i {
                    j += 1;
                }
                if at(j).is_some_and(|c| same_letter(c, kc)) {
                    matched.push(j);
                    j += 1;
                } else {
                    break;
                }
            }
            let whole = matched.len() == k;
            let before = i.checked_sub(1).and_then(at);
            let after = at(j);
            // A one-character name stands alone between delimiters (`,e,`, `= 王）`),
            // not in `e.g.` or `王芳`; a Latin name is a whole word.
            let delimiter = |c: Option<char>| {
                c.is_none_or(|c| {
                    c.is_whitespace()
                        || matches!(
                            c,
                            ',' | '，'
                                | ';'
                                | '；'
                                | '、'
                                | '"'
                                | '\''
                                | '“'
                                | '”'
                                | '('
                                | ')'
                                | '（'
                                | '）'
                                | '='
                                | ':'
                                | '：'
                                | '|'
                                | '「'
                                | '」'
                        )
                })
            };
            let alone = if k == 1 {
                delimiter(before) && delimiter(after)
            } else if *latin {
                !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
            } else {
                true
            };
            let speaker = keep.is_some_and(|e| {
                let end = t.get(j).map_or(s.len(), |x| x.0);
                e.trim() == &s[t[i].0..end] && before == Some('（') && s[end..].starts_with("，第")
            });
            if whole && alone && !speaker {
                if k == 1 {
                    hide.push(i);
                } else {
                    hide.extend(&matched[1..]);
                }
                i = j;
            } else {
                i += 1;
            }
        }
        // a piece cut by an ellipsis: the tail after it, the head before it
        if k < 3 && *latin || k < 2 {
            continue;
        }
        for (p, &(_, c)) in t.iter().enumerate() {
            if c != '…' {
                continue;
            }
            for n in (2..k).rev() {
                let tail = &key[k - n..];
                if p + n < t.len()
                    && (0..n).all(|x| same_letter(t[p + 1 + x].1, tail[x]))
                    && !(*latin && at(p + 1 + n).is_some_and(is_word_char))
                {
                    hide.extend(p + 1..p + 1 + n);
                    break;
                }
            }
            for n in (2..k).rev() {
                let head = &key[..n];
                if p >= n
                    && (0..n).all(|x| same_letter(t[p - n + x].1, head[x]))
                    && !(*latin
                        && (p - n)
                            .checked_sub(1)
                            .and_then(at)
                            .is_some_and(is_word_char))
                {
                    hide.extend(p - n + 1..p);
                    break;
                }
            }
        }
    }
    if hide.is_empty() {
        return Cow::Borrowed(s);
    }
    hide.sort_unstable();
    hide.dedup();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for i in hide {
        let (at, c) = t[i];
        out.push_str(&s[last..at]);
        out.push('*');
        last = at + c.len_utf8();
    }
    out.push_str(&s[last..]);
    Cow::Owned(out)
}

/// A digit as written in free text at byte `i` of `b` (a character boundary): an ASCII
/// digit, a full-width one (`１`), or a Chinese numeral as a number is read out or typed
/// from speech (`一三八零…`, `〇`, `幺` for 1). Its value and its length in bytes.
#[inline]
fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let c = b[i];
    if c.is_ascii_digit() {
        return Some((c - b'0', 1));
    }
    // Every other digit is a three-byte character; most Chinese text is settled by its
    // first two bytes (〇 E3 80, 一七三 E4 B8, 九 E4 B9, 二五 E4 BA, 六八 E5 85, 四 E5 9B,
    // 幺 E5 B9, 零 E9 9B, full-width EF BC), before any decoding.
    let lead = matches!(
        (c, b.get(i + 1)),
        (0xE3, Some(0x80))
            | (0xE4, Some(0xB8..=0xBA))
            | (0xE5, Some(0x85 | 0x9B | 0xB9))
            | (0xE9, Some(0x9B))
            | (0xEF, Some(0xBC))
    );
    if !lead || i + 2 >= b.len() {
        return None;
    }
    let ch = ((c as u32 & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F);
    let v = match ch {
        0xFF10..=0xFF19 => ch - 0xFF10,
        0x96F6 | 0x3007 => 0, // 零 〇
        0x4E00 | 0x5E7A => 1, // 一 幺
        0x4E8C => 2,          // 二
        0x4E09 => 3,          // 三
        0x56DB => 4,          // 四
        0x4E94 => 5,          // 五
        0x516D => 6,          // 六
        0x4E03 => 7,          // 七
        0x516B => 8,          // 八
        0x4E5D => 9,          // 九
        _ => return None,
    };
    Some((v as u8, 3))
}

/// What may stand between the groups of one number: a space, `-`, `.`, a bracket round
/// an area code (`(0571)8765…`), and their full-width forms (`－`, `　`, `（`, `）`, `．`).
/// Its length in bytes, 0 for anything else.
#[inline]
fn separator_at(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'-' | b'.' | b'(' | b')' => 1,
        0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x80]) => 3,
        0xEF if b.get(i + 1) == Some(&0xBC)
            && matches!(b.get(i + 2), Some(0x88 | 0x89 | 0x8D | 0x8E)) =>
        {
            3
        }
        _ => 0,
    }
}

/// The length of the character led by byte `c`.
#[inline]
fn char_len(c: u8) -> usize {
    match c {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// A run of digits (in any of the ways [`digit_at`] reads): its byte range and how many
/// digits it holds.
#[derive(Clone, Copy, Default)]
struct Run {
    start: usize,
    end: usize,
    n: usize,
}

/// Calls `f` with each group of digit runs joined by one to three separators
/// (`138 1234 5678`, `(0571)87654321`, `2026-10-12 09`), and whether an ellipsis (`…`)
/// cuts the group at its start and at its end. Allocates nothing: every evidence text of
/// an audit passes through here. A group of more than 32 runs is passed on in pieces.
fn for_each_digit_group(s: &str, mut f: impl FnMut(&[Run], bool, bool)) {
    const MAX_RUNS: usize = 32;
    const ELLIPSIS: &[u8] = "…".as_bytes();
    let b = s.as_bytes();
    let mut runs = [Run::default(); MAX_RUNS];
    let mut i = 0;
    while i < b.len() {
        if digit_at(b, i).is_none() {
            i += char_len(b[i]);
            continue;
        }
        // an ellipsis right before, separators (`…-5678`, `…(0571)`) aside
        let mut j = i;
        while j > 0 && matches!(b[j - 1], b' ' | b'-' | b'.' | b'(') {
            j -= 1;
        }
        let cut_before = b[..j].ends_with(ELLIPSIS);
        let mut k = 0;
        let cut_after = loop {
            let start = i;
            let mut n = 0;
            while i < b.len() {
                match digit_at(b, i) {
                    Some((_, l)) => {
                        i += l;
                        n += 1;
                    }
                    None => break,
                }
            }
            if k == MAX_RUNS {
                f(&runs[..k], cut_before, false);
                k = 0;
            }
            runs[k] = Run { start, end: i, n };
            k += 1;
            let mut j = i;
            let mut seps = 0;
            while j < b.len() && seps < 3 {
                let l = separator_at(b, j);
                if l == 0 {
                    break;
                }
                j += l;
                seps += 1;
            }
            if seps > 0 && j < b.len() && digit_at(b, j).is_some() {
                i = j;
            } else {
                break b[j..].starts_with(ELLIPSIS);
            }
        };
        f(&runs[..k], cut_before, cut_after);
    }
}

/// The digits of `runs`, in `out`: how many, or `None` when more than `out` holds.
fn digits_of(b: &[u8], runs: &[Run], out: &mut [u8]) -> Option<usize> {
    let mut n = 0;
    for r in runs {
        let mut i = r.start;
        while i < r.end {
            let (d, l) = digit_at(b, i)?;
            *out.get_mut(n)? = d;
            n += 1;
            i += l;
        }
    }
    Some(n)
}

/// Add to `hide` the byte range of each digit of `runs` whose index (counted from the
/// first digit of `runs`) is in `from..to`.
fn hide_digits(b: &[u8], runs: &[Run], from: usize, to: usize, hide: &mut Vec<(usize, usize)>) {
    let mut j = 0;
    for r in runs {
        let mut i = r.start;
        while i < r.end {
            let Some((_, l)) = digit_at(b, i) else {
                return;
            };
            if j >= from && j < to {
                hide.push((i, l));
            }
            j += 1;
            i += l;
        }
    }
}

/// `s` with each digit at the byte ranges `hide` written `*`.
fn star(s: &str, mut hide: Vec<(usize, usize)>) -> Cow<'_, str> {
    if hide.is_empty() {
        return Cow::Borrowed(s);
    }
    hide.sort_unstable();
    hide.dedup();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (at, len) in hide {
        if at < last {
            continue;
        }
        out.push_str(&s[last..at]);
        out.push('*');
        last = at + len;
    }
    out.push_str(&s[last..]);
    Cow::Owned(out)
}

/// The length of a Chinese area code that starts `d` (`010`, `02x`: 3; `0xxx`: 4).
fn area_code(d: &[u8]) -> Option<usize> {
    match d {
        [0, 1, 0, ..] | [0, 2, ..] => Some(3),
        [0, 3..=9, ..] => Some(4),
        _ => None,
    }
}

/// Whether a phone number's digits `d` (`breaks`: where in `d` each run after the first
/// begins) are a number, or the head or tail of one an ellipsis cut, and if so how many
/// digits stay readable at its head and at its tail.
///
/// A mobile number `1[3-9]` + 9 digits, alone or after `86`, `0086` or a trunk `0`,
/// in groups split where people split it (3-4-4, 4-3-4, 3-8, 7-4); a landline number
/// with its area code (`0571 87654321`, `(0571)8765-4321`, `057187654321`). Cut by an
/// ellipsis: 5 or more digits of a mobile's head, 3 or more of a landline's number
/// after its area code, and 5 to 12 digits of any number's tail.
fn phone_shape(
    d: &[u8],
    breaks: &[usize],
    cut_before: bool,
    cut_after: bool,
) -> Option<(usize, usize)> {
    let n = d.len();
    let split_at = |allowed: &[usize]| breaks.iter().all(|k| allowed.contains(k));
    let mobile_at = |p: usize| d.len() > p + 1 && d[p] == 1 && (3..=9).contains(&d[p + 1]);
    let prefixes: [&[u8]; 4] = [&[], &[8, 6], &[0, 0, 8, 6], &[0]];
    for prefix in prefixes {
        let p = prefix.len();
        if !d.starts_with(prefix) || !mobile_at(p) || !split_at(&[p, p + 3, p + 4, p + 7]) {
            continue;
        }
        if n == p + 11 || (cut_after && n >= p + 5 && n < p + 11) {
            return Some((p + 3, if n == p + 11 { 4 } else { 0 }));
        }
    }
    if let Some(a) = area_code(d) {
        if split_at(&[a, a + 3, a + 4]) {
            let local = n - a;
            if local == 8 || (a == 4 && local == 7) {
                return Some((a, 4));
            }
            if cut_after && (3..8).contains(&local) {
                return Some((a, 0));
            }
        }
    }
    if cut_before && (5..=12).contains(&n) && breaks.iter().all(|k| [4, 7, 8].contains(&(n - k))) {
        return Some((0, 4));
    }
    None
}

/// Mask phone numbers written in free text (a reply, a raw row, a warning): a mobile
/// number keeps its first 3 and last 4 digits (`139****5678`), also after a country
/// code (`+86 139****5678`, `0086139****5678`) or a trunk `0`; a landline keeps its area
/// code and last 4 digits (`(0571)****4321`, `0731-****6666`). Numbers are read however
/// they are written: in groups joined by spaces, `-`, `.` or brackets, in full-width
/// digits, in Chinese numerals (`一三九…`). A quote cut short by an ellipsis may cut a
/// number too: the piece of it next to `…` hides what it would hide whole. Other digit
/// runs (case ids, amounts, dates, times, hours) are left alone, and the text is left
/// as written apart from the hidden digits.
pub fn mask_phones_in_text(s: &str) -> Cow<'_, str> {
    const MAX_DIGITS: usize = 16;
    let b = s.as_bytes();
    let mut hide = vec![];
    for_each_digit_group(s, |g, cut_before, cut_after| {
        // every stretch of consecutive runs of the group: a number may be written next
        // to a date or another number (`2026-10-12 138 1234 5678`)
        for first in 0..g.len() {
            let mut d = [0u8; MAX_DIGITS];
            let mut breaks = [0usize; MAX_DIGITS];
            let mut count = 0;
            for last in first..g.len() {
                let r = g[last];
                if count + r.n > MAX_DIGITS {
                    break;
                }
                if last > first {
                    breaks[last - first - 1] = count;
                }
                // An inner group of a number has 3 digits or more.
                if last > first + 1 && g[last - 1].n < 3 {
                    break;
                }
                let Some(k) = digits_of(b, &g[last..=last], &mut d[count..]) else {
                    break;
                };
                count += k;
                let Some((head, tail)) = phone_shape(
                    &d[..count],
                    &breaks[..last - first],
                    cut_before && first == 0,
                    cut_after && last == g.len() - 1,
                ) else {
                    continue;
                };
                hide_digits(b, &g[first..=last], head, count - tail, &mut hide);
            }
        }
    });
    star(s, hide)
}

/// Mask the customer's own number wherever the text holds its digits, however they are
/// written (`138-1234-5678` in the phone column, `13812345678`, `138.1234.5678`,
/// `１３８－１２３４－５６７８` or `一三八一二三四五六七八` in the reply, `(0571)8888…` for
/// `0571-88886666`) or cut at an evidence's edge (`…3812345678`): every stretch of six or
/// more digits that is a piece of `phone`'s digits, and the head or tail of them (four
/// digits or more) next to an ellipsis, hides the digits `mask_phone` hides (for a
/// mobile number, all but its first three and last four), wherever the piece was cut.
pub fn mask_phone_digits<'a>(s: &'a str, phone: &str) -> Cow<'a, str> {
    const MAX_DIGITS: usize = 32;
    let mut pd = [0u8; MAX_DIGITS];
    let pb = phone.as_bytes();
    let mut np = 0;
    let mut i = 0;
    while i < pb.len() {
        match digit_at(pb, i) {
            Some((d, l)) => {
                if np == MAX_DIGITS {
                    return Cow::Borrowed(s);
                }
                pd[np] = d;
                np += 1;
                i += l;
            }
            None => i += char_len(pb[i]),
        }
    }
    if np < 7 {
        return Cow::Borrowed(s);
    }
    let pd = &pd[..np];
    // Which of the number's digits stay readable: as `mask_phone` writes it, the first
    // three of a mobile number and the last four.
    let head: usize = if np >= 11 { 3 } else { 0 };
    let b = s.as_bytes();
    let mut hide = vec![];
    for_each_digit_group(s, |g, cut_before, cut_after| {
        for first in 0..g.len() {
            let mut digits = [0u8; MAX_DIGITS];
            let mut count = 0;
            for last in first..g.len() {
                let r = g[last];
                if count + r.n > np {
                    break;
                }
                let Some(k) = digits_of(b, &g[last..=last], &mut digits[count..]) else {
                    break;
                };
                count += k;
                let piece = &digits[..count];
                // One run of six digits or more; or runs grouped as numbers are (a date's
                // two-digit month and day in the middle is not: `2026-10-28 15`).
                let number_like = if last == first {
                    count >= 6
                } else {
                    count >= 7 && g[first + 1..last].iter().all(|r| r.n >= 3)
                };
                // where in the number this piece sits decides which of its digits hide
                let o = if count >= 4 && cut_before && first == 0 && pd.ends_with(piece) {
                    Some(np - count)
                } else if count >= 4 && cut_after && last == g.len() - 1 && pd.starts_with(piece) {
                    Some(0)
                } else if number_like {
                    pd.windows(count).position(|w| w == piece)
                } else {
                    None
                };
                let Some(o) = o else {
                    continue;
                };
                let from = head.saturating_sub(o);
                let to = (np - 4).saturating_sub(o).min(count);
                if from < to {
                    hide_digits(b, &g[first..=last], from, to, &mut hide);
                }
            }
        }
    });
    star(s, hide)
}

/// A quote cut short (`「…`, `…」`) may end in part of a name or phone: a fragment of
/// `value` touching the ellipsis (its tail after `…`, its head before `…`) is starred.
pub fn mask_cut_fragments(text: &str, value: &str) -> String {
    mask_cut_fragments_from(text, value, 2)
}

/// [`mask_cut_fragments`] for fragments of at least `min` characters: a phone's pieces
/// of two or three digits touching `…` (`10月13…` beside a 138… number) are no more than
/// its masked form shows, and masking them starred dates and amounts.
fn mask_cut_fragments_from(text: &str, value: &str, min: usize) -> String {
    let v: Vec<char> = value.chars().collect();
    let mut t: Vec<char> = text.chars().collect();
    for i in 0..t.len() {
        if t[i] != '…' {
            continue;
        }
        // after the ellipsis: the longest tail of the value that starts the text
        for k in (min..v.len()).rev() {
            let tail = &v[v.len() - k..];
            if t.len() >= i + 1 + k && &t[i + 1..i + 1 + k] == tail {
                t[i + 1..i + 1 + k].iter_mut().for_each(|c| *c = '*');
                break;
            }
        }
        // before the ellipsis: the longest head of the value that ends the text
        for k in (min..v.len()).rev() {
            let head = &v[..k];
            if i >= k && &t[i - k..i] == head {
                t[i - k..i].iter_mut().for_each(|c| *c = '*');
                break;
            }
        }
    }
    t.into_iter().collect()
}

/// `s` with a person's `name` and `phone` masked however the text writes them, pieces of
/// them cut by an ellipsis too, then any other phone-shaped number.
pub fn mask_personal(
    s: &str,
    name: Option<&str>,
    phone: Option<&str>,
    staff: Option<&str>,
) -> String {
    let out = mask_own(s, name, phone, staff);
    match mask_phones_in_text(&out) {
        Cow::Owned(masked) => masked,
        Cow::Borrowed(_) => out.into_owned(),
    }
}

/// `s` with a person's `name` and `phone` masked however the text writes them.
pub fn mask_own<'a>(
    s: &'a str,
    name: Option<&str>,
    phone: Option<&str>,
    staff: Option<&str>,
) -> Cow<'a, str> {
    // Borrowed until something is masked: most evidence quotes neither name nor phone.
    let mut out = Cow::Borrowed(s);
    if let Some(v) = phone {
        if out.contains(v) {
            out = Cow::Owned(out.replace(v, &mask_phone(v)));
        }
        // the number written another way, or cut at the evidence's edge
        if let Cow::Owned(m) = mask_phone_digits(&out, v) {
            out = Cow::Owned(m);
        }
        if out.contains('…') {
            out = Cow::Owned(mask_cut_fragments_from(&out, v, 4));
        }
    }
    if let Some(v) = name {
        if let Cow::Owned(m) = mask_name_in_text(&out, v, staff) {
            out = Cow::Owned(m);
        }
    }
    out
}

/// Text for the terminal: control characters (ESC, BEL, CR, the C1 controls …) and the
/// marks that reorder text (bidirectional overrides) written as escapes (`\u{1b}`), as a
/// waiver's id is: a center or employee named in an export with an escape sequence would
/// otherwise retitle the window, clear the screen (hiding the warnings above) or write
/// the clipboard. Line breaks and tabs are kept. Borrowed when there is nothing to escape.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    // ASCII text is settled byte-wise; the rest decoded only when it has a non-ASCII byte.
    let ascii_ok = s
        .bytes()
        .all(|b| b >= 0x20 && b != 0x7F || b == b'\n' || b == b'\t' || b >= 0x80);
    if ascii_ok && (s.is_ascii() || !s.chars().any(unsafe_char)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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

    /// Two or three digits of the customer's phone touching `…` are no more than its
    /// masked form shows: a date or an amount there stays readable; four are masked.
    #[test]
    fn short_pieces_of_the_phone_at_a_cut_stay_readable() {
        let phone = Some("13812345678");
        assert_eq!(
            mask_personal("「改到下周10月13…」", None, phone, None),
            "「改到下周10月13…」"
        );
        assert_eq!(
            mask_personal("「…78号楼」", None, phone, None),
            "「…78号楼」"
        );
        assert!(!mask_personal("「…5678不知道」", None, phone, None).contains("5678"));
    }

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
            "：电话，１３９****５６７８ｐ"
        );
        assert_eq!(m("：，（）ｐ１"), "：，（）ｐ１");
        assert_eq!(m("回电+8613912345678"), "回电+86139****5678");
        assert_eq!(m("电话１３９１２３４５６７８"), "电话１３９****５６７８");
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

    /// Finding 1: the customer's own number written with dots, in Chinese numerals, with
    /// its area code in brackets, in full-width digits and separators, cut by the window.
    #[test]
    fn the_customers_own_number_is_masked_in_any_writing() {
        for (text, phone, want) in [
            ("不知道138.0013.8001", "13800138001", "不知道138.****.8001"),
            (
                "不知道一三八零零一三八零零二",
                "13800138002",
                "不知道一三八****八零零二",
            ),
            (
                "不知道(0571)88886663",
                "0571-88886663",
                "不知道(057*)****6663",
            ),
            (
                "「不知道(0571)8888…」",
                "0571-88886663",
                "「不知道(057*)****…」",
            ),
            (
                "不知道１３８－００１３－８００４",
                "13800138004",
                "不知道１３８－****－８００４",
            ),
            (
                "不知道１３８　００１３　８００５",
                "138 0013 8005",
                "不知道１３８　****　８００５",
            ),
            (
                "业主吴*出差，电话134.0000.5555",
                "13400005555",
                "业主吴*出差，电话134.****.5555",
            ),
            (
                "「没办法，打 1380 01…」",
                "13800138000",
                "「没办法，打 138* **…」",
            ),
            // a full-width number in the phone column, ASCII in the text
            (
                "回电13800138000",
                "１３８－００１３－８０００",
                "回电138****8000",
            ),
        ] {
            assert_eq!(mask_phone_digits(text, phone), want, "{text}");
        }
        assert_eq!(
            mask_phone("１３８－００１３－８０００"),
            "１３８－****－８０００"
        );
    }

    /// Finding 3: anyone's number, in the shapes people write them; and what must stay
    /// readable: dates, times, case ids, amounts, hours.
    #[test]
    fn numbers_in_common_shapes_are_masked_and_nothing_else() {
        let m = |s: &str| mask_phones_in_text(s).into_owned();
        for (text, want) in [
            ("不知道(0571)87654321", "不知道(0571)****4321"),
            ("不知道（0571）87654321", "不知道（0571）****4321"),
            ("不知道0571 87654321", "不知道0571 ****4321"),
            ("不知道057187654321", "不知道0571****4321"),
            ("不知道010-12345678", "不知道010-****5678"),
            ("不知道013912345678", "不知道0139****5678"),
            ("不知道008613912345678", "不知道0086139****5678"),
            ("回电+86 139 1234 5678", "回电+86 139 **** 5678"),
            ("不知道139-12345678", "不知道139-****5678"),
            ("不知道139.1234.5678", "不知道139.****.5678"),
            ("不知道1380-013-8000", "不知道138*-***-8000"),
            (
                "不知道１３９－１２３４－５６７８",
                "不知道１３９－****－５６７８",
            ),
            ("不知道一三九一二三四五六七八", "不知道一三九****五六七八"),
            ("不知道幺三九幺二三四五六七八", "不知道幺三九****五六七八"),
            // cut by the evidence window
            ("「不知道１３９ １２３４ ５…」", "「不知道１３９ **** *…」"),
            ("「不知道1391234 56…」", "「不知道139**** **…」"),
            ("「…1234 5678不知道」", "「…**** 5678不知道」"),
            ("「不知道(0571)8765…」", "「不知道(0571)****…」"),
            // two numbers in one group
            ("13912345678 13812345678", "139****5678 138****5678"),
        ] {
            assert_eq!(m(text), want, "{text}");
        }
        for kept in [
            "2026-10-03 09:05:00",
            "受理 2026-10-03 09:05:00，回应 2026-10-05 10:00",
            "20261003",
            "20261003090500",
            "2026.10.03",
            "C000123",
            "C0001234567",
            "用时 287.0 小时",
            "金额 1500.00 元，1,234.50",
            "1500 2000 300",
            "3栋2单元1201室",
            "第一二三四五条",
            "二〇二六年十月三日",
            "「…2026-10-13 13不知道」",
            "「不知道，2026年10月…」",
            "「…287.0 小时」",
            "版本 1.2.3.4",
            "12345678",
        ] {
            assert_eq!(m(kept), kept);
        }
    }

    /// Finding 7 and 12: the name in whatever form the cell holds it, and not inside
    /// other words.
    #[test]
    fn the_customers_name_is_masked_in_any_form_and_only_as_a_name() {
        let m = |s: &str, name: &str| mask_name_in_text(s, name, None).into_owned();
        assert_eq!(m("不知道，陈小明", "陈 小明"), "不知道，陈**");
        assert_eq!(m("不知道，陈 小明", "陈小明"), "不知道，陈 **");
        assert_eq!(
            m("不知道，陈小明，租户", "陈小明(租户)"),
            "不知道，陈**，租户"
        );
        assert_eq!(m("陈小明和李雷", "陈小明、李雷"), "陈**和李*");
        assert_eq!(m("不知道，John Smith", "JOHN SMITH"), "不知道，J*** S****");
        assert_eq!(m("叫John来", "John Smith"), "叫J***来");
        assert_eq!(m("不知道. Mr. Smith", "John Smith"), "不知道. Mr. S****");
        assert_eq!(
            m("「不知道. Mr. Smit…」", "John Smith"),
            "「不知道. Mr. S***…」"
        );
        assert_eq!(m("「…小明说不知道」", "陈小明"), "「…**说不知道」");
        assert_eq!(
            m("call Maria at 612345678", "Maria García"),
            "call M**** at 612345678"
        );
        // a one-character name alone is masked; inside a word, never
        assert_eq!(
            m("`received_at` cannot read, expected e.g. 2026", "e"),
            "`received_at` cannot read, expected e.g. 2026"
        );
        assert_eq!(m("M2,bad,e,138", "e"), "M2,bad,*,138");
        assert_eq!(m("王芳：好的", "王"), "王芳：好的");
        assert_eq!(m("（客户姓名 = 王）", "王"), "（客户姓名 = *）");
        // Smithson is not Smith
        assert_eq!(m("Smithson", "John Smith"), "Smithson");
        // nothing of the name: the text itself
        assert!(matches!(
            mask_name_in_text("不知道", "陈小明", None),
            Cow::Borrowed(_)
        ));
        // a letter of the name but no two side by side: settled without a copy
        assert!(matches!(
            mask_name_in_text("「…明天再说」（王芳，第 1 行）", "陈小明", None),
            Cow::Borrowed(_)
        ));
        // a customer named as the employee: the speaker stays, the quote is masked
        assert_eq!(
            mask_name_in_text("「王芳说不知道」（王芳，第 1 行）", "王芳", Some("王芳")),
            "「王*说不知道」（王芳，第 1 行）"
        );
    }

    /// Finding 8: text from the data printed on a terminal cannot drive it.
    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        let s = "中心\u{1b}]0;PWNED\u{7}\u{1b}[2J\r王芳\u{9b}1m\u{202e}x\n  next\tline";
        let t = terminal_safe(s);
        assert!(
            !t.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{t}"
        );
        assert!(!t.contains('\u{202e}'));
        assert!(
            t.contains("\\u{1b}]0;PWNED") && t.contains("\n  next\tline"),
            "{t}"
        );
        assert!(matches!(terminal_safe("中心 A\n"), Cow::Borrowed(_)));
    }
}
