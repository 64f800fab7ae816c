//! `expression`: anything else, as an SQL boolean expression that must hold.

use polars::prelude::*;

use super::config::RawRule;
use super::{compile_sql, expr_columns, require_param, Diags, KindInfo};
use crate::audit::{EvalCtx, Hit, Outcome};
use crate::input::schema::case_label;

pub static INFO: KindInfo = KindInfo {
    name: "expression",
    doc: "Checks an SQL boolean expression over case columns: a violation where `when`
holds and `require` does not (e.g. 二次办结: require = \"contacts <= 2\").

SQL's three-valued logic applies: where `require` is unknown because a column it
reads is empty, the case is not judged (neither a violation nor a pass) and is listed
in not_judged.csv with the empty columns.

`when` and `require` may read `as_of`, the audit's as-of time (local time, as the case
columns): `resolved_at IS NULL AND as_of > first_response_at + INTERVAL '1 hour'` judges
an open case only once the hour is over.

A time written as a date alone (no hour) is charged only when the violation holds at
both ends of its day: the case is judged with it at 00:00 and again at 23:59:59 (each
combination, when several such times are read), and charged only if every judgement
breaks the rule. For a condition that moves one way with time (later is worse, as a
deadline) that is \"whatever the hour was\"; one about the hour itself (an hour between
8 and 20) may break at both ends and be charged.

Example violation: VISITS-2 on C000789, 不满足 contacts <= 2（往返次数 = 3）.",
    params: &[(
        "require",
        "an SQL boolean expression that must hold, e.g. \"contacts <= 2\"",
    )],
    responsible: super::CASE_PARTIES,
};

#[derive(Debug, Clone)]
pub struct Expression {
    pub require: String,
    pub expr: Expr,
    pub columns: Vec<String>,
}

impl Expression {
    pub(crate) fn validate(r: &RawRule, d: &mut Diags<'_>) -> Option<Expression> {
        let s = require_param(&r.require, "require", r, d, "require = \"contacts <= 2\"")?;
        let expr = compile_sql(s, d, "require")?;
        Some(Expression {
            require: s.get_ref().clone(),
            columns: expr_columns(&expr),
            expr,
        })
    }

    pub fn describe(&self) -> String {
        format!("  require {}\n", self.require)
    }

    /// `day_variants`: the same cases with times written as a date alone moved to the
    /// end of their day (see `audit::date_only_variants`); a case is a violation only if
    /// it is one in `base` and in every variant, whatever the hour was.
    pub fn evaluate(
        &self,
        ctx: &EvalCtx<'_>,
        base: LazyFrame,
        day_variants: Vec<LazyFrame>,
        when_columns: &[String],
    ) -> PolarsResult<Outcome> {
        // The values `when` read, beside the condition's own: why the rule applied (a
        // case not solved on the spot: answered 09:05, solved 10:05) is what an employee
        // asks first.
        let when_only: Vec<String> = when_columns
            .iter()
            .filter(|c| !self.columns.contains(c))
            .filter(|c| crate::input::FileKind::Cases.column(c).is_some())
            .fold(vec![], |mut v, c| {
                if !v.contains(c) {
                    v.push(c.clone());
                }
                v
            });
        let (judged, mut bad, unknown) = judge(base, &self.expr)?;
        for v in day_variants {
            if bad.is_empty() {
                break;
            }
            let (_, mut bad_late, _) = judge(v, &self.expr)?;
            // In row order already (a filter keeps the frame's order); sorted all the
            // same, which costs one pass over sorted rows, for the search.
            bad_late.sort_unstable();
            bad.retain(|r| bad_late.binary_search(r).is_ok());
        }
        // Where `require` is unknown (a column it reads is empty) the case is not judged,
        // and says so: an expression rule over an unanswered case must not lose it.
        let ids = ctx.cases.text("case_id");
        let not_judged = unknown
            .into_iter()
            .map(|row| {
                (
                    ids.get(row as usize).unwrap_or("").to_string(),
                    format!(
                        "require「{}」cannot be decided: {}",
                        self.require,
                        empty_columns(ctx, row, &self.columns)
                    ),
                )
            })
            .collect();
        let hits = bad
            .into_iter()
            .map(|row| Hit {
                row,
                evidence: if when_only.is_empty() {
                    format!(
                        "不满足 {}（{}）",
                        self.require,
                        values(ctx, row, &self.columns)
                    )
                } else {
                    format!(
                        "不满足 {}（{}；适用条件读取：{}）",
                        self.require,
                        values(ctx, row, &self.columns),
                        values(ctx, row, &when_only)
                    )
                },
                pending: false,
                at: None,
                employee: None,
                // The condition and the values that failed it: alike on many rows.
                shared_from: Some(0),
            })
            .collect();
        Ok(Outcome {
            judged,
            hits,
            not_judged,
            ..Outcome::default()
        })
    }
}

/// The rows of `base` where `expr` is known (judged), those where it is false, and those
/// where it is unknown.
fn judge(base: LazyFrame, expr: &Expr) -> PolarsResult<(Vec<u32>, Vec<u32>, Vec<u32>)> {
    let df = base
        // Boolean even where the condition's type is Null (`rules check` refuses one, but
        // `.not()` of a Null column fails with a plan dump).
        .select([
            col("__row"),
            expr.clone().cast(DataType::Boolean).alias("ok"),
        ])
        .collect()?;
    let rows = df.column("__row")?.u32()?;
    let ok = df.column("ok")?.bool()?;
    let (mut judged, mut bad, mut unknown) = (vec![], vec![], vec![]);
    for (row, ok) in rows.into_no_null_iter().zip(ok.iter()) {
        match ok {
            Some(true) => judged.push(row),
            Some(false) => {
                judged.push(row);
                bad.push(row);
            }
            None => unknown.push(row),
        }
    }
    Ok((judged, bad, unknown))
}

/// `首次回应时间、承诺时间 为空` for the columns an expression reads that are empty on
/// `row` (or the expression's own arithmetic, when none is).
fn empty_columns(ctx: &EvalCtx<'_>, row: u32, columns: &[String]) -> String {
    let empty: Vec<String> = columns
        .iter()
        .filter(|c| ctx.cases.col(c).is_empty_at(row as usize))
        .map(|c| match case_label(c) {
            "" => c.clone(),
            zh => format!("{c} ({zh})"),
        })
        .collect();
    if empty.is_empty() {
        "its value is unknown (NULL)".to_string()
    } else {
        format!("{} empty", empty.join(", "))
    }
}

/// `往返次数 = 3、渠道 = 电话` for the columns an expression reads.
fn values(ctx: &EvalCtx<'_>, row: u32, cols: &[String]) -> String {
    cols.iter()
        .map(|c| {
            let label = case_label(c);
            format!("{label} = {}", ctx.value_text(row as usize, c))
        })
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> LazyFrame {
        DataFrame::new(
            3,
            vec![
                Column::new("__row".into(), [0u32, 1, 2]),
                Column::new("contacts".into(), [Some(1i64), Some(3), None]),
            ],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn judges_known_rows_and_flags_false_ones() {
        let (judged, bad, unknown) = judge(frame(), &col("contacts").lt_eq(lit(2))).unwrap();
        assert_eq!((judged, bad), (vec![0, 1], vec![1]));
        assert_eq!(unknown, [2]);
    }

    /// A condition of type Null (`NULL`, `CASE WHEN … THEN NULL END`) judges nothing and
    /// does not fail ("dtype Null not supported in 'not' operation").
    #[test]
    fn a_null_typed_condition_judges_nothing_instead_of_failing() {
        let (judged, bad, unknown) = judge(frame(), &lit(NULL)).unwrap();
        assert!(judged.is_empty() && bad.is_empty());
        assert_eq!(unknown, [0, 1, 2]);
    }
}
