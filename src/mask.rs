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
    mask_phones_in_text(s).into_owned()
}

/// Mask every run of 7 to 12 digits in free text (phone numbers written inside a
/// reply or a raw row): 11+ digits keep the first 3 and last 4, shorter keep the last 4.
pub fn mask_phones_in_text(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let mut runs = vec![];
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if (7..=12).contains(&(i - start)) {
                runs.push((start, i));
            }
        } else {
            i += 1;
        }
    }
    if runs.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (a, z) in runs {
        out.push_str(&s[last..a]);
        let n = z - a;
        let keep_head = if n >= 11 { 3 } else { 0 };
        out.push_str(&s[a..a + keep_head]);
        out.push_str(&"*".repeat(n - keep_head - 4));
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
