//! What the workbook's summary sheet, the charts and the HTML page show, assembled from
//! an audit result (the CSV tables are built in `mod.rs`).

use std::collections::BTreeMap;

use super::charts::{self, Bars, Chart};
use super::html::{Page, MAX_VIOLATION_ROWS};
use super::{Cell, Previous, Sheet};
use crate::audit::{AuditResult, CenterRow, TOO_FEW_CASES};

/// Non-waived violations by severity: [minor, major, critical].
pub fn by_severity(r: &AuditResult) -> [usize; 3] {
    let mut s = [0usize; 3];
    for v in r.violations.iter().filter(|v| v.waiver.is_none()) {
        s[r.rules.rules[v.rule].severity as usize] += 1;
    }
    s
}

/// Non-waived violations per rule (index into `r.rules.rules`).
pub fn by_rule(r: &AuditResult) -> Vec<usize> {
    let mut n = vec![0usize; r.rules.rules.len()];
    for v in r.violations.iter().filter(|v| v.waiver.is_none()) {
        n[v.rule] += 1;
    }
    n
}

/// Scores of the employees with a grade (not 样本不足).
fn graded_scores(r: &AuditResult) -> Vec<f64> {
    r.scorecards
        .iter()
        .filter(|c| c.grade != TOO_FEW_CASES)
        .map(|c| c.score)
        .collect()
}

/// Mean score of employees with a grade (not 样本不足).
pub fn mean_score(r: &AuditResult) -> Option<f64> {
    let graded = graded_scores(r);
    (!graded.is_empty()).then(|| graded.iter().sum::<f64>() / graded.len() as f64)
}

/// The bands' grades, best first.
pub fn band_grades(r: &AuditResult) -> Vec<String> {
    r.rules
        .scoring
        .bands
        .iter()
        .map(|b| b.grade.clone())
        .collect()
}

/// Every grade an employee can get: the bands', then 样本不足.
fn grades(r: &AuditResult) -> Vec<String> {
    let mut g = band_grades(r);
    g.push(TOO_FEW_CASES.to_string());
    g
}

/// Said beside the pay of a partial audit (`--select` / `--ignore`; a rule that could
/// not run is marked 无法执行 in the rules): the scores and pay leave their violations
/// out. Empty when every enabled rule was selected.
pub fn partial_note(r: &AuditResult) -> String {
    let left_out = r.rules_not_selected();
    if left_out.is_empty() {
        return String::new();
    }
    format!(
        "部分稽核：未纳入规则 {} 的违规，得分与绩效不完整，发放绩效前请以全部规则稽核",
        left_out.join("、")
    )
}

/// The 汇总 sheet: headline figures, then one row per rule with its clause.
/// The wording of a report made with `--unmask`, on the 汇总 sheet and atop the page:
/// a workbook forwarded without its manifest still says what it holds.
pub const UNMASKED: &str =
    "未脱敏（--unmask）：本报告含客户姓名和电话原文，仅限授权人员查阅，勿外传";

pub fn summary_sheet(r: &AuditResult, centers: &[CenterRow], unmask: bool) -> Sheet {
    let sev = by_severity(r);
    let read: usize = r.stats.iter().map(|s| s.rows_read).sum();
    let t = |s: &str| Cell::text(s);
    let n = |x: usize| Cell::Num(x.to_string());
    let mut rows = vec![vec![t("期间"), t(&r.period), t("")]];
    if unmask {
        rows.push(vec![t("个人信息"), t("未脱敏"), t(UNMASKED)]);
    }
    rows.extend([
        vec![
            t("判定时点"),
            t(&super::as_of_text(r)),
            t("未办结案件按此时点判定"),
        ],
        vec![
            t("规则文件"),
            t(&r.rules.path),
            Cell::text(format!("sha256 {}", r.rules.sha256)),
        ],
        vec![t("读取行数"), n(read), t("")],
        vec![t("稽核案件数"), n(r.cases.len()), t("")],
        vec![t("拒收记录"), n(r.rejected.len()), t("见 拒收记录 表")],
        vec![
            t("违规（未豁免）"),
            n(sev.iter().sum()),
            t("见 违规明细 表"),
        ],
        vec![t("其中 严重"), n(sev[2]), t("")],
        vec![t("其中 一般"), n(sev[1]), t("")],
        vec![t("其中 轻微"), n(sev[0]), t("")],
        vec![t("已豁免"), n(r.waived_count()), t("")],
        vec![t("待处理（未到期）"), n(r.pending.len()), t("")],
        vec![t("员工数"), n(r.scorecards.len()), t("")],
        vec![
            t("平均得分"),
            mean_score(r)
                .map(|m| Cell::Num(format!("{:.2}", crate::audit::round2(m))))
                .unwrap_or(t("")),
            Cell::text(format!("不含{TOO_FEW_CASES}")),
        ],
    ]);
    let left_out = r.rules_not_selected();
    if !left_out.is_empty() {
        rows.push(vec![
            t("未选用的规则（部分稽核）"),
            n(left_out.len()),
            Cell::text(partial_note(r)),
        ]);
    }
    for g in grades(r) {
        let k = r.scorecards.iter().filter(|c| c.grade == g).count();
        rows.push(vec![Cell::text(format!("等级 {g} 人数")), n(k), t("")]);
    }
    rows.push(vec![t("服务中心数"), n(centers.len()), t("")]);
    let counts = by_rule(r);
    for ((rule, run), k) in r.rules.rules.iter().zip(&r.runs).zip(counts) {
        let value = if !rule.enabled {
            t("已停用")
        } else if !run.selected {
            t("未选用")
        } else if run.not_run.is_some() {
            t("无法执行")
        } else {
            n(k)
        };
        rows.push(vec![
            Cell::text(format!("规则 {} {}", rule.id, rule.title)),
            value,
            Cell::text(&rule.basis),
        ]);
    }
    Sheet {
        header: vec!["item".into(), "value".into(), "clause".into()],
        rows,
    }
}

/// Centers to draw: all when few, else the 6 best and 6 worst by rank.
fn chart_centers(centers: &[CenterRow]) -> (Vec<&CenterRow>, bool) {
    let mut v: Vec<&CenterRow> = centers.iter().collect();
    v.sort_by_key(|c| c.rank);
    if v.len() <= 12 {
        return (v, false);
    }
    let mut keep: Vec<&CenterRow> = v[..6].to_vec();
    keep.extend_from_slice(&v[v.len() - 6..]);
    (keep, true)
}

pub fn charts(r: &AuditResult, centers: &[CenterRow], prev: Option<&Previous>) -> Vec<Chart> {
    let mut out = vec![];
    let people = "人数".to_string();

    // 1. score distribution, 5-point bins up to 100, of the graded employees (as the
    // grade counts beside it: 样本不足 has a score but no grade)
    let scores = graded_scores(r);
    let low = scores.iter().copied().fold(100.0f64, f64::min);
    let start = ((low / 5.0).floor() * 5.0).clamp(0.0, 95.0);
    let nb = ((100.0 - start) / 5.0) as usize;
    let mut bins = vec![0.0; nb.max(1)];
    for s in &scores {
        let i = (((s.max(start) - start) / 5.0).floor() as usize).min(bins.len() - 1);
        bins[i] += 1.0;
    }
    let cats = (0..bins.len())
        .map(|i| {
            let a = start + 5.0 * i as f64;
            format!("{a:.0}–{:.0}", a + 5.0)
        })
        .collect();
    out.push(charts::bars(&Bars {
        name: "score_distribution",
        title: "员工得分分布（不含样本不足）".into(),
        x_desc: "得分".into(),
        y_desc: people.clone(),
        categories: cats,
        series: vec![(people.clone(), bins)],
        percent: false,
        marker: None,
    }));

    // 2. violations by rule
    let counts = by_rule(r);
    let (mut cats, mut vals) = (vec![], vec![]);
    for ((rule, run), k) in r.rules.rules.iter().zip(&r.runs).zip(&counts) {
        if run.selected && run.not_run.is_none() {
            cats.push(format!("{} {}", rule.id, rule.title));
            vals.push(*k as f64);
        }
    }
    out.push(charts::hbars(
        "violations_by_rule",
        "各规则违规数（未豁免）",
        "违规数",
        &cats,
        &vals,
    ));

    // 3. centers side by side on the main KPIs
    let (shown, cut) = chart_centers(centers);
    let suffix = if cut {
        "（排名前后各 6 个）"
    } else {
        ""
    };
    let kpi = |c: &CenterRow| {
        vec![
            c.kpis.on_time_rate.unwrap_or(0.0),
            c.kpis.resolution_rate.unwrap_or(0.0),
            c.kpis.followup_rate.unwrap_or(0.0),
            c.kpis.satisfaction_rate.unwrap_or(0.0),
        ]
    };
    out.push(charts::bars(&Bars {
        name: "centers_kpis",
        title: format!("服务中心主要指标对比{suffix}"),
        x_desc: "指标".into(),
        y_desc: "比率".into(),
        categories: vec![
            "24小时内回应率".into(),
            "办结率".into(),
            "投诉回访率".into(),
            "满意率".into(),
        ],
        series: shown.iter().map(|c| (c.center.clone(), kpi(c))).collect(),
        percent: true,
        marker: None,
    }));

    // 4. first-response time, 4-hour bins, with the 24-hour line
    let (rec, resp) = (
        r.cases.time("received_at"),
        r.cases.time("first_response_at"),
    );
    let mut hb = vec![0.0; 19];
    for (a, b) in rec.iter().zip(resp) {
        if let (Some(a), Some(b)) = (a, b) {
            let h = (b - a) as f64 / 3_600_000.0;
            hb[((h.max(0.0) / 4.0).floor() as usize).min(18)] += 1.0;
        }
    }
    let cats = (0..19)
        .map(|i| {
            if i == 18 {
                "≥72".to_string()
            } else {
                format!("{}–{}", i * 4, i * 4 + 4)
            }
        })
        .collect();
    out.push(charts::bars(&Bars {
        name: "first_response_hours",
        title: "首次回应用时分布".into(),
        x_desc: "小时".into(),
        y_desc: "案件数".into(),
        categories: cats,
        series: vec![("案件数".into(), hb)],
        percent: false,
        marker: Some((6.0, "24 小时".into())),
    }));

    // 5. grade counts per center
    let mut count: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for c in &r.scorecards {
        *count
            .entry((c.employee.center.as_str(), c.grade.as_str()))
            .or_default() += 1.0;
    }
    let gs = grades(r);
    out.push(charts::bars(&Bars {
        name: "grades_by_center",
        title: format!("各服务中心等级人数{suffix}"),
        x_desc: "服务中心".into(),
        y_desc: people,
        categories: shown.iter().map(|c| c.center.clone()).collect(),
        series: gs
            .iter()
            .map(|g| {
                let v = shown
                    .iter()
                    .map(|c| {
                        count
                            .get(&(c.center.as_str(), g.as_str()))
                            .copied()
                            .unwrap_or(0.0)
                    })
                    .collect();
                (g.clone(), v)
            })
            .collect(),
        percent: false,
        marker: None,
    }));

    // 6. trend against the previous report
    if let Some(p) = prev {
        out.push(charts::bars(&Bars {
            name: "trend",
            title: format!("每百案违规数：{} → {}{suffix}", p.period, r.period),
            x_desc: "服务中心".into(),
            y_desc: "每百案违规数".into(),
            categories: shown.iter().map(|c| c.center.clone()).collect(),
            series: vec![
                (
                    p.period.clone(),
                    shown
                        .iter()
                        .map(|c| p.per_100.get(&c.center).copied().unwrap_or(0.0))
                        .collect(),
                ),
                (
                    r.period.clone(),
                    shown.iter().map(|c| c.per_100()).collect(),
                ),
            ],
            percent: false,
            marker: None,
        }));
    }
    out
}

/// Violations for the page: the gravest first (severity, points), at most
/// [`MAX_VIOLATION_ROWS`].
pub fn worst(r: &AuditResult, opts: &super::ReportOptions) -> (Sheet, String) {
    let mut idx: Vec<usize> = (0..r.violations.len()).collect();
    idx.sort_by(|&a, &b| {
        let (va, vb) = (&r.violations[a], &r.violations[b]);
        let key = |v: &crate::audit::Violation| {
            (
                v.waiver.is_none(),
                r.rules.rules[v.rule].severity as u8,
                (v.points * 1000.0) as i64,
            )
        };
        key(vb).cmp(&key(va)).then(a.cmp(&b))
    });
    idx.truncate(MAX_VIOLATION_ROWS);
    let rows: Vec<Vec<Cell>> = idx
        .iter()
        .map(|&i| super::violation_row(r, &r.violations[i], opts))
        .collect();
    let (shown, total) = (rows.len(), r.violations.len());
    let note = if shown < total {
        format!("共 {total} 条，此处按严重程度列出前 {shown} 条；完整列表见 violations.csv 与 report.xlsx。")
    } else {
        format!("共 {total} 条（含已豁免），严重程度高者在前。")
    };
    (
        Sheet {
            header: super::violations_header(),
            rows,
        },
        note,
    )
}

pub fn page<'a>(
    r: &'a AuditResult,
    centers: &[CenterRow],
    summary: &'a Sheet,
    charts: &[Chart],
    [scorecards, pay, centers_sheet]: [&'a Sheet; 3],
    (worst, note): (&'a Sheet, String),
    manifest: &str,
) -> Page<'a> {
    let sev = by_severity(r);
    let mut figures = vec![
        ("稽核案件".to_string(), r.cases.len().to_string()),
        (
            "违规（未豁免）".to_string(),
            sev.iter().sum::<usize>().to_string(),
        ),
        ("严重".to_string(), sev[2].to_string()),
        ("一般".to_string(), sev[1].to_string()),
        ("轻微".to_string(), sev[0].to_string()),
        ("已豁免".to_string(), r.waived_count().to_string()),
        ("待处理（未到期）".to_string(), r.pending.len().to_string()),
        ("拒收记录".to_string(), r.rejected.len().to_string()),
        ("员工".to_string(), r.scorecards.len().to_string()),
        ("服务中心".to_string(), centers.len().to_string()),
    ];
    if let Some(m) = mean_score(r) {
        // as the summary table shows it (84.25, not 84.2)
        figures.push((
            "平均得分".to_string(),
            format!("{:.2}", crate::audit::round2(m)),
        ));
    }
    let all = crate::audit::kpis(
        &r.cases,
        0..r.cases.len(),
        r.as_of,
        r.rules.calendar.tz,
        &r.followup_not_due,
    );
    if let Some(x) = all.on_time_rate {
        figures.push(("24小时内回应率".to_string(), format!("{:.1}%", x * 100.0)));
    }
    let counts = by_rule(r);
    let rules = Sheet {
        header: [
            "rule_id",
            "title",
            "kind",
            "severity",
            "points",
            "status",
            "judged",
            "violations",
            "clause",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: r
            .rules
            .rules
            .iter()
            .zip(&r.runs)
            .zip(counts)
            .map(|((rule, run), k)| {
                let status = if !rule.enabled {
                    "已停用（规则文件 enabled = false）".to_string()
                } else if !run.selected {
                    "未选用".to_string()
                } else if let Some(why) = &run.not_run {
                    format!("无法执行：{why}")
                } else if let Some(w) = &run.warning {
                    format!("已执行；注意：{w}")
                } else {
                    "已执行".to_string()
                };
                vec![
                    Cell::text(&rule.id),
                    Cell::text(&rule.title),
                    Cell::text(rule.kind),
                    Cell::text(rule.severity.label()),
                    Cell::Num(crate::rules::fmt_points(rule.points)),
                    Cell::text(status),
                    Cell::Num(run.judged.to_string()),
                    Cell::Num(k.to_string()),
                    Cell::text(&rule.basis),
                ]
            })
            .collect(),
    };
    Page {
        title: format!("首问责任制稽核报告 {}", r.period),
        subtitle: format!(
            "判定时点 {} · 规则 {}（{}）· shouwen {}",
            super::as_of_text(r),
            r.rules.meta.name,
            r.rules.path,
            env!("CARGO_PKG_VERSION")
        ),
        banner: None,
        figures,
        charts: charts
            .iter()
            .map(|c| (c.title.clone(), c.svg.clone()))
            .collect(),
        tables: vec![
            ("totals", "汇总".into(), String::new(), summary),
            ("employees", "员工评分".into(), String::new(), scorecards),
            ("pay", "绩效调整".into(), partial_note(r), pay),
            (
                "centers",
                "服务中心对比".into(),
                String::new(),
                centers_sheet,
            ),
            ("violations", "违规明细".into(), note, worst),
        ],
        rules,
        manifest: manifest.to_string(),
    }
}
