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
/// number `1[3-9]xxxxxxxxx` keeps its first 3 and last 4 digits (`139****5678`); a
/// landline with its area code (`0731-88886666`) keeps the area code and last 4 digits.
/// Other digit runs (case ids, amounts, dates) are left alone.
pub fn mask_phones_in_text(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
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
        let mobile = n == 11 && b[start] == b'1' && (b'3'..=b'9').contains(&b[start + 1]);
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
        if mobile || landline {
            runs.push((start, i, if mobile { 3 } else { 0 }));
        }
    }
    if runs.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (a, z, keep_head) in runs {
        out.push_str(&s[last..a]);
        out.push_str(&s[a..a + keep_head]);
        out.push_str(&"*".repeat(z - a - keep_head - 4));
        out.push_str(&s[z - 4..z]);
        last = z;
    }
    out.push_str(&s[last..]);
    Cow::Owned(out)
}

/// OWASP CSV-injection advice: a text cell that starts with `=`, `+`, `-`, `@`, tab or
/// carriage return is prefixed with `'` so no spreadsheet evaluates it.
pub fn neutralize_formula(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn formulas_are_neutralized() {
        for s in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            assert!(neutralize_formula(s).starts_with('\''), "{s}");
        }
        assert_eq!(neutralize_formula("漏水"), "漏水");
    }
}
