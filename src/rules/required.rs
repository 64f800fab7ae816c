//! `required`: fields that must be recorded for a case (问题记录原则).

use polars::prelude::*;

use super::config::RawRule;
use super::{case_column, require_param, Diags, KindInfo};
use crate::audit::{EvalCtx, Hit, Outcome};
use crate::input::schema::{case_label, is_placeholder};

/// The longest text placeholder in bytes (未提供, 未登记: 9; `0000-00-00` is a time's).
const TEXT_PLACEHOLDER_MAX_BYTES: usize = 12;

pub static INFO: KindInfo = KindInfo {
    name: "required",
    doc: "Checks that fields which must be recorded are filled in (问题记录原则).

A field counts as missing when it is empty or only whitespace, or holds a placeholder
that says nothing was recorded (无, 未留, 不详, NULL, N/A, or only dashes, slashes, dots or
zeros: `-`, `/`, `——`, `0`), shown as written. `satisfaction` counts as
missing too when it holds no rating (满意 / 基本满意 / 不满意 or 1–5, the usual
five-level words, or 是 / 否 of a 是否满意 column: \"好\" or \"6\" is no rating, and is
shown as such). One violation per
case lists every missing field; `when` narrows the cases (e.g. phone inquiries must
record the caller's name and number: channel = '电话').

Example violation: RECORD-PHONE on C000456, 未记录：联系电话.",
    params: &[(
        "fields",
        "the case columns that must be filled, e.g. [\"customer_name\", \"customer_phone\"]",
    )],
    responsible: super::CASE_PARTIES,
};

#[derive(Debug, Clone)]
pub struct Required {
    pub fields: Vec<String>,
}

impl Required {
    pub(crate) fn validate(r: &RawRule, d: &mut Diags<'_>) -> Option<Required> {
        let list = require_param(&r.fields, "fields", r, d, "fields = [\"content\"]")?;
        if list.get_ref().is_empty() {
            d.at(
                list.span(),
                "fields is empty; name at least one case column",
            );
            return None;
        }
        let mut fields = vec![];
        let mut ok = true;
        for f in list.get_ref() {
            match case_column(f, None, d) {
                Some(c) if fields.contains(&c) => {
                    d.at(f.span(), format!("`{c}` is listed twice"));
                    ok = false;
                }
                Some(c) => fields.push(c),
                None => ok = false,
            }
        }
        ok.then_some(Required { fields })
    }

    pub fn describe(&self) -> String {
        let f: Vec<String> = self
            .fields
            .iter()
            .map(|f| format!("{f} ({})", case_label(f)))
            .collect();
        format!("  fields  {}\n", f.join(", "))
    }

    /// The cases the frame selects (its `when`), each field tested for a value in the
    /// cases table itself (an empty or blank cell holds none: see `input`), and for
    /// `satisfaction` a look at the values that are there.
    pub fn evaluate(&self, ctx: &EvalCtx<'_>, base: LazyFrame) -> PolarsResult<Outcome> {
        let df = base.select([col("__row")]).collect()?;
        let judged: Vec<u32> = df.column("__row")?.u32()?.into_no_null_iter().collect();
        let columns: Vec<&crate::input::ColData> =
            self.fields.iter().map(|f| ctx.cases.col(f)).collect();
        // A satisfaction that is there but no rating is not recorded either.
        let sat = ctx.cases.text("satisfaction");
        let unrated = |f: &str, row: u32| -> Option<String> {
            if f != "satisfaction" {
                return None;
            }
            let v = sat.get(row as usize)?;
            crate::audit::satisfied(v).is_none().then(|| {
                format!(
                    "{}（「{v}」不是评价：应为 满意 / 基本满意 / 不满意、是 / 否、含“满意”的回访结果 或 1–5）",
                    case_label(f)
                )
            })
        };
        // A placeholder (无, 未留, `-`, NULL) says the field holds nothing: shown as written.
        let placeholder = |f: &str, c: &crate::input::ColData, row: u32| -> Option<String> {
            let crate::input::ColData::Text(t) = c else {
                return None;
            };
            // A text placeholder is short (无 is 3 bytes, 未登记 9, NULL 4): a longer value
            // left in its file is not read from there.
            t.get_short(row as usize, TEXT_PLACEHOLDER_MAX_BYTES)
                .filter(|v| is_placeholder(v))
                .map(|v| format!("{}（写作「{}」）", case_label(f), v.trim()))
        };
        let mut hits = vec![];
        for &row in &judged {
            let missing: Vec<String> = self
                .fields
                .iter()
                .zip(&columns)
                .filter_map(|(f, c)| match c.is_empty_at(row as usize) {
                    true => Some(case_label(f).to_string()),
                    false => placeholder(f, c, row).or_else(|| unrated(f, row)),
                })
                .collect();
            if missing.is_empty() {
                continue;
            }
            hits.push(Hit {
                row,
                evidence: format!("未记录：{}", missing.join("、")),
                pending: false,
                at: None,
                employee: None,
                // The fields missing: alike on many rows.
                shared_from: Some(0),
            });
        }
        Ok(Outcome {
            judged,
            hits,
            ..Outcome::default()
        })
    }
}
