//! The reports people read: report.xlsx read back with an independent reader (calamine)
//! and checked sheet by sheet against the CSVs; charts and page written and reproducible.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shouwen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shouwen"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs")
}

fn audit(dataset: &Path, out: &Path, extra: &[&str]) {
    let mut a = vec![
        "audit",
        dataset.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    a.extend_from_slice(extra);
    let o = shouwen(&a);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn csv_rows(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (h, rows)
}

/// What a CSV cell shows once the formula guard (a leading `'`) is taken off.
fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// Every sheet of report.xlsx holds exactly its CSV's rows: numbers as numbers, text as
/// text, headers in Chinese, and not one formula anywhere.
fn check_workbook_against_csvs(report: &Path, with_compare: bool) {
    let mut wb: Xlsx<_> = open_workbook(report.join("report.xlsx")).expect("calamine opens it");
    let mut pairs = vec![
        ("员工评分", "scorecards.csv"),
        ("绩效调整", "pay.csv"),
        ("违规明细", "violations.csv"),
        ("服务中心对比", "centers.csv"),
        ("拒收记录", "rejected.csv"),
        ("待定案件", "pending.csv"),
        ("未能判定", "not_judged.csv"),
    ];
    if with_compare {
        pairs.push(("月度对比", "compare.csv"));
    }
    let names = wb.sheet_names().to_vec();
    let mut expected_names = vec!["汇总"];
    expected_names.extend(pairs.iter().map(|p| p.0));
    expected_names.insert(8, "未生效豁免");
    assert_eq!(names, expected_names);
    // 未生效豁免 holds the manifest's unmatched waivers, one row each.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report.join("manifest.json")).unwrap()).unwrap();
    let want: Vec<Vec<Data>> = manifest["unmatched_waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            ["case_id", "rule_id", "why", "source"]
                .iter()
                .map(|k| Data::String(w[*k].as_str().unwrap().to_string()))
                .collect()
        })
        .collect();
    let got: Vec<Vec<Data>> = wb
        .worksheet_range("未生效豁免")
        .unwrap()
        .rows()
        .skip(1)
        .map(|r| r.to_vec())
        .collect();
    assert_eq!(got, want);
    for (sheet, csv_name) in pairs {
        let range = wb.worksheet_range(sheet).unwrap();
        let formulas = wb.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has a formula"
        );
        let csv_path = report.join(csv_name);
        let (header, rows) = if csv_path.exists() {
            csv_rows(&csv_path)
        } else {
            // 月度对比 has no CSV in the report folder: `compare` writes the same table.
            let tmp = report.join("..").join("compare-check.csv");
            let o = shouwen(&[
                "compare",
                report.join("..").join("prev").to_str().unwrap(),
                report.to_str().unwrap(),
                "--out",
                tmp.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            csv_rows(&tmp)
        };
        let got: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        assert_eq!(got.len(), rows.len() + 1, "{sheet}: rows");
        for (c, h) in header.iter().enumerate() {
            assert_eq!(
                got[0][c],
                Data::String(shouwen::report::workbook::zh_header(h)),
                "{sheet}: header {c}"
            );
        }
        for (i, row) in rows.iter().enumerate() {
            for (c, want) in row.iter().enumerate() {
                let cell = got[i + 1].get(c).cloned().unwrap_or(Data::Empty);
                let want = unguard(want);
                match &cell {
                    Data::Float(x) => {
                        let w: f64 = want.parse().unwrap_or_else(|_| {
                            panic!("{sheet} r{} c{c}: number {x} but CSV has {want:?}", i + 2)
                        });
                        assert!((x - w).abs() < 1e-9, "{sheet} r{} c{c}: {x} vs {w}", i + 2);
                    }
                    Data::Int(x) => assert_eq!(x.to_string(), want),
                    // shown in Chinese where the CSV keeps a code (major → 一般)
                    Data::String(s) => assert_eq!(
                        s,
                        &*shouwen::report::workbook::zh_value(&header[c], want),
                        "{sheet} r{} c{c}",
                        i + 2
                    ),
                    Data::Empty => assert_eq!(want, "", "{sheet} r{} c{c}", i + 2),
                    other => panic!("{sheet} r{} c{c}: unexpected cell {other:?}", i + 2),
                }
            }
        }
    }
    // The codes people read in Chinese, literally: 违规明细's severity and waived columns.
    let v = wb.worksheet_range("违规明细").unwrap();
    let shown: std::collections::BTreeSet<String> = v
        .rows()
        .skip(1)
        .flat_map(|r| [r[3].to_string(), r[10].to_string()])
        .collect();
    assert!(
        shown
            .iter()
            .all(|x| ["轻微", "一般", "严重", "是", "否"].contains(&x.as_str())),
        "{shown:?}"
    );
    assert!(shown.contains("否"), "{shown:?}");
    // 汇总 agrees with the manifest.
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("manifest.json")).unwrap())
            .unwrap();
    let summary: BTreeMap<String, Data> = wb
        .worksheet_range("汇总")
        .unwrap()
        .rows()
        .skip(1)
        .map(|r| (r[0].to_string(), r[1].clone()))
        .collect();
    assert_eq!(
        summary["稽核案件数"],
        Data::Float(m["cases_audited"].as_f64().unwrap())
    );
    assert_eq!(
        summary["拒收记录"],
        Data::Float(m["rows_rejected"].as_f64().unwrap())
    );
    assert_eq!(
        summary["已豁免"],
        Data::Float(m["waived"].as_f64().unwrap())
    );
    assert_eq!(
        summary["期间"],
        Data::String(m["period"].as_str().unwrap().into())
    );
    // 平均得分: the graded employees' mean score, to 0.01, in the sheet and on the page
    // alike (the page showed 84.2 where the sheet showed 84.25).
    let (h, rows) = csv_rows(&report.join("scorecards.csv"));
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let graded: Vec<f64> = rows
        .iter()
        .filter(|r| r[col("grade")] != "样本不足")
        .map(|r| r[col("score")].parse::<f64>().unwrap())
        .collect();
    if !graded.is_empty() {
        let mean = graded.iter().sum::<f64>() / graded.len() as f64;
        let want = format!("{:.2}", (mean * 100.0).round() / 100.0);
        assert_eq!(
            summary["平均得分"].to_string(),
            want.trim_end_matches('0').trim_end_matches('.')
        );
        let page = std::fs::read_to_string(report.join("report.html")).unwrap();
        assert!(
            page.contains(&format!("<b>{want}</b><span>平均得分</span>")),
            "the page's 平均得分 is not {want}"
        );
    }
}

#[test]
fn the_workbook_holds_every_csv_row_as_typed_cells() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    audit(&root().join("sample-data"), &out, &[]);
    check_workbook_against_csvs(&out, false);
    // Every rule ran: the pay block names no rule left out (a --select run's does).
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["pay"]["status"], "computed");
    assert!(m["pay"].get("rules_not_applied").is_none(), "{}", m["pay"]);
    // rates are stored as fractions and shown as percentages, pay as yuan
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let r = wb.worksheet_range("员工评分").unwrap();
    let col = r
        .rows()
        .next()
        .unwrap()
        .iter()
        .position(|c| c == &Data::String("24小时内回应率".into()))
        .unwrap();
    let Data::Float(v) = r.rows().nth(1).unwrap()[col] else {
        panic!("a rate is a number cell");
    };
    assert!((0.0..=1.0).contains(&v), "{v}");
}

#[test]
fn rejected_rows_with_formula_text_stay_text_in_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    std::fs::create_dir(&data).unwrap();
    // A row with a formula for a case id and an impossible date: rejected, and its raw
    // text must reach both the CSV (guarded) and the workbook (as a string) harmlessly.
    let cases = std::fs::read_to_string(root().join("tests/fixtures/basic/cases.csv")).unwrap();
    let header = cases.lines().next().unwrap();
    let cols = header.split(',').count();
    let mut bad = vec!["".to_string(); cols];
    bad[0] = "=HYPERLINK(\"http://x\",\"y\")".into();
    let received = header
        .split(',')
        .position(|h| h.contains("receiv") || h.contains("受理"))
        .unwrap_or(1);
    bad[received] = "2026-13-45 99:00".into();
    std::fs::write(
        data.join("cases.csv"),
        format!("{}\n{}\n", cases.trim_end(), bad.join(",")),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/fixtures/basic/roster.csv"),
        data.join("roster.csv"),
    )
    .unwrap();
    // … and a waiver of a case that is not in the data: 未生效豁免 lists it.
    let waivers = std::fs::read_to_string(root().join("tests/fixtures/basic/waivers.csv")).unwrap();
    std::fs::write(
        data.join("waivers.csv"),
        format!("{}\nNOPE-1,RESP-24H,不存在的案件,E10\n", waivers.trim_end()),
    )
    .unwrap();
    // … and a handoff to someone not in the roster: the escalation rules cannot judge
    // C01, which 未能判定 lists.
    std::fs::write(
        data.join("handoffs.csv"),
        "case_id,seq,at,from_id,to_id\nC01,1,2026-10-03 10:00:00,E01,E99\n",
    )
    .unwrap();
    let out = dir.path().join("r");
    audit(&data, &out, &["--period", "2026-10"]);
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(rejected.contains("'=HYPERLINK"), "{rejected}");
    let not_judged = std::fs::read_to_string(out.join("not_judged.csv")).unwrap();
    assert!(not_judged.contains("C01,ESC-"), "{not_judged}");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("NOPE-1"), "{manifest}");
    check_workbook_against_csvs(&out, false);
}

#[test]
fn with_a_previous_report_the_workbook_compares_months_and_a_trend_chart_is_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let prev = dir.path().join("prev");
    let cur = dir.path().join("cur");
    audit(&root().join("sample-data"), &prev, &["--ignore", "RESP"]);
    audit(
        &root().join("sample-data"),
        &cur,
        &["--previous", prev.to_str().unwrap()],
    );
    check_workbook_against_csvs(&cur, true);
    // The month audited with --ignore RESP says, beside its pay, that it is partial: in
    // 汇总 and on the page; the full month says nothing of the kind.
    let summary_items = |dir: &Path| -> Vec<(String, String)> {
        let mut wb: Xlsx<_> = open_workbook(dir.join("report.xlsx")).unwrap();
        wb.worksheet_range("汇总")
            .unwrap()
            .rows()
            .skip(1)
            .map(|r| (r[0].to_string(), r[2].to_string()))
            .collect()
    };
    let partial = summary_items(&prev);
    assert!(
        partial
            .iter()
            .any(|(item, note)| item == "未选用的规则（部分稽核）"
                && note.contains("RESP-24H")
                && note.contains("得分与绩效不完整")),
        "{partial:?}"
    );
    let page = std::fs::read_to_string(prev.join("report.html")).unwrap();
    assert!(
        page.contains("部分稽核：未纳入规则 RESP-24H"),
        "no partial note on the page"
    );
    assert!(!summary_items(&cur)
        .iter()
        .any(|(item, _)| item.contains("部分稽核")));
    assert!(!std::fs::read_to_string(cur.join("report.html"))
        .unwrap()
        .contains("部分稽核"));
    assert!(cur.join("charts/trend.svg").is_file());
    assert!(cur.join("charts/trend.png").is_file());
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cur.join("manifest.json")).unwrap()).unwrap();
    let outputs: Vec<&str> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(outputs.contains(&"charts/trend.png"));
    for o in outputs {
        assert!(
            cur.join(o).is_file(),
            "manifest lists {o} but it is missing"
        );
    }
}

#[test]
fn format_csv_writes_only_the_tables_and_every_format_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let only = dir.path().join("csv");
    audit(&root().join("sample-data"), &only, &["--format", "csv"]);
    assert!(only.join("violations.csv").is_file());
    assert!(!only.join("report.xlsx").exists());
    assert!(!only.join("report.html").exists());
    assert!(!only.join("charts").exists());
    let o = shouwen(&["audit", "--format", "pdf", "--out", "/nonexistent/x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pdf"));

    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    audit(&root().join("sample-data"), &a, &[]);
    audit(&root().join("sample-data"), &b, &[]);
    let all = shouwen::report::outputs(shouwen::report::Formats::all(), false);
    assert!(all.iter().any(|f| f == "report.xlsx"));
    for f in &all {
        let (x, y) = (std::fs::read(a.join(f)), std::fs::read(b.join(f)));
        assert!(x.is_ok(), "{f} missing");
        assert!(x.unwrap() == y.unwrap(), "{f} differs between two runs");
    }
}

#[test]
fn chart_pngs_carry_chinese_glyphs_not_missing_glyph_boxes() {
    use shouwen::report::font;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    audit(&root().join("sample-data"), &out, &["--format", "charts"]);
    // Every label drawn (titles, axes, legends, center names, rule titles) is covered by
    // the embedded font: the SVG keeps each label as a <title> of its outline path.
    for name in shouwen::report::CHARTS {
        let svg = std::fs::read_to_string(out.join(format!("charts/{name}.svg"))).unwrap();
        assert!(!svg.contains("<text"), "{name}: text must be outlines");
        let labels: Vec<&str> = svg
            .split("<title>")
            .skip(1)
            .filter_map(|s| s.split("</title>").next())
            .collect();
        assert!(labels.len() > 5, "{name}: {labels:?}");
        for l in &labels {
            let missing: Vec<char> = l
                .chars()
                .filter(|c| !c.is_ascii() && !font::has_glyph(*c))
                .collect();
            assert!(missing.is_empty(), "{name}: {l} lacks {missing:?}");
        }
        // The PNG's title band has ink.
        let png = image::open(out.join(format!("charts/{name}.png")))
            .unwrap()
            .to_rgb8();
        let ink = (0..44)
            .flat_map(|y| (0..png.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| png.get_pixel(x, y).0.iter().all(|&v| v < 110))
            .count();
        assert!(ink > 150, "{name}: title band has {ink} dark pixels");
    }
    // The title's pixels differ from what the missing-glyph box would draw: render the
    // title with the font and with the box glyph and compare their ink.
    let title = "员工得分分布";
    let l = font::layout(title, 24.0);
    let mut ink = 0;
    font::raster(&l, |_, _, c| ink += usize::from(c > 0.5));
    let boxes = font::Line {
        glyphs: l
            .glyphs
            .iter()
            .map(|g| (ab_glyph::GlyphId(0), g.1))
            .collect(),
        ..font::layout(title, 24.0)
    };
    let mut box_ink = 0;
    font::raster(&boxes, |_, _, c| box_ink += usize::from(c > 0.5));
    assert!(ink > 0 && ink != box_ink, "{ink} vs {box_ink}");
}

/// Every file of a report folder, by name, as bytes.
fn report_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The audit evaluates the cases in slices of rows (`--chunk-rows`, 100,000 by default,
/// so every test dataset is one slice), charging each slice's findings before the next.
/// Slices of one or a few rows must give every report byte for byte as one pass does:
/// the shipped sample (every file kind, waivers, inspections), the sample with its
/// handoffs shuffled (a case's handoffs spread over the file), the sample as two case
/// files each lacking a column a rule reads (their cases not judged by that rule), and
/// the per-kind fixtures.
#[test]
fn slices_of_cases_give_the_same_reports_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = root().join("sample-data");
    // The sample with its handoffs in another order.
    let shuffled = tmp.path().join("shuffled");
    std::fs::create_dir(&shuffled).unwrap();
    for f in ["cases.csv", "roster.csv", "inspections.csv", "waivers.csv"] {
        std::fs::copy(sample.join(f), shuffled.join(f)).unwrap();
    }
    let text = std::fs::read_to_string(sample.join("handoffs.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    assert!(
        lines.iter().all(|l| !l.contains('"')),
        "one record per line"
    );
    // A fixed permutation: every 7th line first, then the rest backwards.
    let (mut a, mut b): (Vec<&str>, Vec<&str>) = (vec![], vec![]);
    for (i, l) in lines.iter().enumerate() {
        if i % 7 == 0 {
            a.push(l)
        } else {
            b.push(l)
        }
    }
    b.reverse();
    a.extend(b);
    std::fs::write(
        shuffled.join("handoffs.csv"),
        format!("{header}\n{}\n", a.join("\n")),
    )
    .unwrap();
    // The sample's cases as two exports: the first without `satisfaction`, the second
    // without `contacts` (read with the csv crate: transcripts span lines).
    let two = tmp.path().join("two-exports");
    std::fs::create_dir(&two).unwrap();
    for f in [
        "handoffs.csv",
        "roster.csv",
        "inspections.csv",
        "waivers.csv",
    ] {
        std::fs::copy(sample.join(f), two.join(f)).unwrap();
    }
    let (head, rows) = csv_rows(&sample.join("cases.csv"));
    let half = rows.len() / 2;
    for (name, part, drop) in [
        ("cases_a.csv", &rows[..half], "satisfaction"),
        ("cases_b.csv", &rows[half..], "contacts"),
    ] {
        let keep: Vec<usize> = (0..head.len()).filter(|&i| head[i] != drop).collect();
        assert!(keep.len() < head.len(), "{drop} is a column of the sample");
        let mut w = csv::Writer::from_path(two.join(name)).unwrap();
        w.write_record(keep.iter().map(|&i| &head[i])).unwrap();
        for r in part {
            w.write_record(keep.iter().map(|&i| &r[i])).unwrap();
        }
        w.flush().unwrap();
    }
    let fixtures = root().join("tests/fixtures");
    let runs: [(&Path, &[&str]); 5] = [
        (&sample, &["97", "1000"]),
        (&shuffled, &["13"]),
        (&two, &["333", "2500"]),
        (&fixtures.join("kinds"), &["1", "2"]),
        (&fixtures.join("basic"), &["1"]),
    ];
    for (dataset, sizes) in runs {
        let one = tmp.path().join("one-pass");
        let _ = std::fs::remove_dir_all(&one);
        audit(dataset, &one, &[]);
        let want = report_bytes(&one);
        let (_, violations) = csv_rows(&one.join("violations.csv"));
        assert!(
            !violations.is_empty(),
            "{}: nothing to compare",
            dataset.display()
        );
        for size in sizes {
            let sliced = tmp.path().join(format!("sliced-{size}"));
            let _ = std::fs::remove_dir_all(&sliced);
            audit(dataset, &sliced, &["--chunk-rows", size]);
            let got = report_bytes(&sliced);
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                want.keys().collect::<Vec<_>>()
            );
            for (name, bytes) in &want {
                assert!(
                    got[name] == *bytes,
                    "{}: {name} differs with --chunk-rows {size}",
                    dataset.display()
                );
            }
        }
    }
    // The two exports' missing columns did leave cases not judged (so the slices were
    // compared on that path too).
    let (_, not_judged) = csv_rows(&tmp.path().join("sliced-2500/not_judged.csv"));
    assert!(
        not_judged
            .iter()
            .any(|r| r[2].contains("cases_a.csv has no column `satisfaction`"))
            && not_judged
                .iter()
                .any(|r| r[2].contains("cases_b.csv has no column `contacts`")),
        "{not_judged:?}"
    );
}

/// A rule disabled in the rules file is reported as disabled, not as "not selected" (an
/// HR reader of a partial audit must tell the company's choice from the run's), in the
/// manifest, the workbook's 汇总 and explain-score.
#[test]
fn a_disabled_rule_is_reported_as_disabled_not_unselected() {
    let dir = tempfile::tempdir().unwrap();
    let rules = std::fs::read_to_string(root().join("rules/default.toml"))
        .unwrap()
        .replacen("id = \"ESC-MAX\"", "id = \"ESC-MAX\"\nenabled = false", 1);
    assert!(rules.contains("enabled = false"));
    let rules_path = dir.path().join("r.toml");
    std::fs::write(&rules_path, rules).unwrap();
    let out = dir.path().join("r");
    audit(
        &root().join("sample-data"),
        &out,
        &[
            "--rules",
            rules_path.to_str().unwrap(),
            "--ignore",
            "PHRASE",
        ],
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let status = |id: &str| {
        m["rule_runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("ESC-MAX"), "disabled");
    assert_eq!(status("PHRASE-BANNED"), "not selected");
    assert_eq!(status("RESP-24H"), "ran");
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let summary = wb.worksheet_range("汇总").unwrap();
    let texts: Vec<String> = summary
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(texts.iter().any(|t| t.starts_with("已停用")), "{texts:?}");
    let employee = std::fs::read_to_string(out.join("scorecards.csv"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let o = shouwen(&[
        "explain-score",
        &employee,
        "--report",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("PHRASE-BANNED (not selected)") && text.contains("ESC-MAX (disabled)"),
        "{text}"
    );
}
