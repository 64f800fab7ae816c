//! `inspection`: findings of spot checks (明察暗访) cost points.

use super::config::RawRule;
use super::{Diags, KindInfo, Responsible};
use crate::audit::{EvalCtx, ExtHit, Outcome};
use crate::timeparse::format_local_short;

pub static INFO: KindInfo = KindInfo {
    name: "inspection",
    doc: "Charges the findings of mystery-shopper calls and on-site spot checks
(inspections.csv, 工诚 四 定期检查: 不理睬, 不关心, 打官腔, 斜视, 傲慢 …) to the employee
inspected. `findings` maps each finding to its points; one violation per finding of an
inspection, with the inspection id in the case column. A finding that is not in the
table is reported as not judged (a typo must not pass silently, nor cost points).

Example violation: INSPECT-FINDINGS on I0042, 电话抽查 2026-10-12 10:00 发现：打官腔.",
    params: &[(
        "findings",
        "finding → points, e.g. { 不理睬 = 2, 打官腔 = 2, 推诿 = 3 }",
    )],
    responsible: &[Responsible::Inspected],
};

#[derive(Debug, Clone)]
pub struct Inspection {
    pub findings: Vec<(String, f64)>,
}

impl Inspection {
    pub(crate) fn validate(r: &RawRule, d: &mut Diags<'_>) -> Option<Inspection> {
        if let Some(w) = &r.when {
            d.at(
                w.span(),
                "`when` filters cases; an inspection rule reads inspections.csv, not cases",
            );
        }
        let t = super::require_param(&r.findings, "findings", r, d, "findings = { 打官腔 = 2 }")?;
        let mut findings = vec![];
        for (k, v) in t.get_ref() {
            super::number_in(d, v, &format!("points for `{k}`"), super::POINTS_RANGE, "2");
            findings.push((k.trim().to_string(), *v.get_ref()));
        }
        if findings.is_empty() {
            d.at(t.span(), "findings is empty; expected e.g. { 打官腔 = 2 }");
            return None;
        }
        Some(Inspection { findings })
    }

    pub fn describe(&self) -> String {
        let f: Vec<String> = self
            .findings
            .iter()
            .map(|(k, p)| format!("{k} = {}", super::fmt_points(*p)))
            .collect();
        format!("  findings  {}\n", f.join(", "))
    }

    pub fn evaluate(&self, ctx: &EvalCtx<'_>) -> Outcome {
        let mut out = Outcome::default();
        let Some(t) = ctx.inspections else { return out };
        let tz = ctx.calendar.tz;
        let (ids, at, centers, emps, methods, fs, notes) = (
            t.text("inspection_id"),
            t.time("at"),
            t.text("center"),
            t.text("employee_id"),
            t.text("method"),
            t.text("findings"),
            t.text("note"),
        );
        for (i, at) in at.iter().enumerate() {
            out.ext_judged += 1;
            let Some(list) = fs.get(i) else {
                continue;
            };
            let id = ids.get(i).map(str::to_string).unwrap_or_default();
            // A finding written twice in one spot check (不理睬;不理睬) is one finding.
            let mut seen: Vec<&str> = vec![];
            // One finding per line of the cell too (Alt+Enter); 无 or `-` says the check
            // found nothing.
            for f in list
                .split([';', '；', ',', '，', '\n', '\r'])
                .flat_map(split_dun)
                .map(finding_text)
                .filter(|f| !f.is_empty() && !nothing_found(f))
            {
                if seen.contains(&f) {
                    continue;
                }
                seen.push(f);
                match self.findings.iter().find(|(k, _)| k == f) {
                    None => out.not_judged.push((
                        id.clone(),
                        format!(
                            "{}: finding `{f}` is not in the rule's findings",
                            t.source(i)
                        ),
                    )),
                    Some((k, points)) => out.ext.push(ExtHit {
                        case_id: id.clone(),
                        center: centers.get(i).map(str::to_string).unwrap_or_default(),
                        source: t.source(i),
                        order: (t.sources[i].file, t.sources[i].line),
                        employee_id: emps.get(i).map(str::to_string).unwrap_or_default(),
                        evidence: format!(
                            "{}{} 发现：{k}{}",
                            methods.get(i).unwrap_or("检查"),
                            at.map(|a| format!(" {}", format_local_short(a, tz)))
                                .unwrap_or_default(),
                            notes.get(i).map(|n| format!("（{n}）")).unwrap_or_default()
                        ),
                        points: *points,
                        finding: k.clone(),
                    }),
                }
            }
        }
        out
    }
}

/// Split at 、 between findings, but not the 、 of a number (`1、傲慢`).
fn split_dun(s: &str) -> impl Iterator<Item = &str> {
    let mut parts = vec![];
    let mut from = 0;
    for (i, c) in s.char_indices() {
        if c == '、' {
            let before = s[from..i].trim();
            if !before.is_empty() && !before.chars().all(|c| c.is_ascii_digit()) {
                parts.push(&s[from..i]);
                from = i + c.len_utf8();
            }
        }
    }
    parts.push(&s[from..]);
    parts.into_iter()
}

/// A finding as written in a list, without its number or bullet (`1.`, `1、`, `①`,
/// `(1)`, `-`, `•`) and a closing full stop: `1.傲慢。` is 傲慢.
fn finding_text(f: &str) -> &str {
    let mut t = f.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let rest = &t[digits..];
        if let Some(c) = rest.chars().next().filter(|c| ".、)）．:：".contains(*c)) {
            t = &rest[c.len_utf8()..];
        }
    } else if let Some(c) = t.chars().next() {
        if ('\u{2460}'..='\u{2473}').contains(&c) || "-•·*".contains(c) {
            t = &t[c.len_utf8()..];
        } else if let Some(close) = ["(", "（"]
            .iter()
            .find_map(|o| t.strip_prefix(o))
            .and_then(|r| {
                let n = r.bytes().take_while(u8::is_ascii_digit).count();
                (n > 0).then(|| &r[n..])
            })
            .and_then(|r| r.strip_prefix(')').or_else(|| r.strip_prefix('）')))
        {
            t = close;
        }
    }
    t.trim().trim_end_matches(['。', '.', '；', ';']).trim()
}

/// A spot check that found nothing: 无, `-`, 无异常, 正常 ….
fn nothing_found(f: &str) -> bool {
    crate::input::schema::is_placeholder(f)
        || [
            "无异常",
            "未发现问题",
            "未发现异常",
            "正常",
            "良好",
            "无问题",
            "合格",
        ]
        .contains(&f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_findings_are_read_without_their_numbers() {
        for (written, read) in [
            ("1.傲慢", "傲慢"),
            ("2、推诿。", "推诿"),
            ("①不理睬", "不理睬"),
            ("(3)打官腔", "打官腔"),
            ("（4）斜视", "斜视"),
            ("- 傲慢", "傲慢"),
            ("傲慢", "傲慢"),
            ("12345", "12345"),
        ] {
            assert_eq!(finding_text(written), read, "{written}");
        }
        let parts: Vec<&str> = split_dun("1、傲慢、推诿").map(finding_text).collect();
        assert_eq!(parts, ["傲慢", "推诿"]);
        assert!(nothing_found("无异常") && nothing_found("-") && !nothing_found("傲慢"));
    }
}
