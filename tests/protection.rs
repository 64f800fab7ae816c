//! People's data, formulas and atomic outputs (issue 7): an audit of data full of phone
//! numbers, names and formula-like text leaks none of them into any output; a failed,
//! killed or concurrent run never leaves a half-written report; an input too large for
//! the memory is refused up front.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook, Data, Reader, Xlsx};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shouwen(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shouwen"));
    c.args(args).current_dir(root());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file under `dir`, recursively, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

struct Planted {
    dir: tempfile::TempDir,
    phones: Vec<String>,
    /// The customers' numbers in full-width digits.
    wide: Vec<String>,
    names: Vec<String>,
}

/// A generated dataset whose every case carries a unique customer name and phone, quoted
/// again in the content and in the transcript (staff saying 不知道 next to them, so the
/// phrase rule's evidence quotes them), plus formula-like and markup text, and rows that
/// will be rejected with the phone in them.
fn planted() -> Planted {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let o = shouwen(
        &["sample", "--cases", "300", "--seed", "7", "--out", s(&data)],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(data.join("cases.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (name_c, phone_c, content_c, reply_c, resolution_c, received_c, unit_c) = (
        col("customer_name"),
        col("customer_phone"),
        col("content"),
        col("reply"),
        col("resolution"),
        col("received_at"),
        col("unit"),
    );
    let mut w = csv::Writer::from_path(data.join("cases.csv.new")).unwrap();
    w.write_record(&header).unwrap();
    let (mut phones, mut names) = (vec![], vec![]);
    let mut wide = vec![];
    let mut of_case = std::collections::HashMap::new();
    for (i, rec) in r.records().enumerate() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        let phone = format!("139{:08}", 10_000_000 + i);
        let name = format!("欧阳测{}", char::from_u32(0x4E00 + 300 + i as u32).unwrap());
        row[name_c] = name.clone();
        // every other case has its number in groups in the phone column, unbroken in the
        // transcript: masking must not depend on one spelling
        let grouped = format!("{}-{}-{}", &phone[..3], &phone[3..7], &phone[7..]);
        row[phone_c] = if i % 2 == 1 { grouped } else { phone.clone() };
        row[content_c] = format!(
            "=HYPERLINK(\"http://evil.example\",\"点我\") 联系{name} 电话 {phone} 或 0731-8888{:04}",
            i
        );
        // the phrase rule quotes a window around 不知道: phone and name on both sides
        row[reply_c] = format!(
            "{}\n业主：我是{name}，电话{phone}，备用{} {} {}\n客服：{name}{phone}不知道<script>alert('{i}')</script>{phone}{name}\n客服：没办法，您打{phone}问",
            row[reply_c],
            &phone[..3],
            &phone[3..7],
            &phone[7..]
        );
        // someone else's number, in a turn the phrase rule quotes (the front desk's: the
        // first responder's), and the customer's own in full-width digits
        let other = format!("137{:08}", 20_000_000 + i);
        let full: String = phone
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap())
            .collect();
        row[reply_c].push_str(&format!(
            "\n客服：朋友电话{other}不知道\n前台：记下了{full}，不清楚"
        ));
        row[resolution_c] = format!("@SUM(A1:A9) -{phone} +{phone}");
        row[unit_c] = "\t=1+2".into();
        if i % 50 == 0 {
            // rejected: an impossible receipt time, with the phone in the raw row
            row[received_c] = format!("2026-10-99 {name} {phone}");
        }
        of_case.insert(row[0].clone(), (name.clone(), phone.clone()));
        phones.push(phone);
        phones.push(other);
        wide.push(full);
        names.push(name);
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
    std::fs::rename(data.join("cases.csv.new"), data.join("cases.csv")).unwrap();
    // every waiver's reason quotes the resident of its case
    let mut r = csv::Reader::from_path(data.join("waivers.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let reason_c = header.iter().position(|h| h == "reason").unwrap();
    let mut w = csv::Writer::from_path(data.join("waivers.csv.new")).unwrap();
    w.write_record(&header).unwrap();
    let mut quoted = 0;
    for rec in r.records() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if let Some((name, phone)) = of_case.get(&row[0]) {
            row[reason_c] = format!("业主{name}（{phone}）来电要求暂缓；{}", row[reason_c]);
            quoted += 1;
        }
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
    assert!(quoted > 0, "the sample has waivers of its cases");
    std::fs::rename(data.join("waivers.csv.new"), data.join("waivers.csv")).unwrap();
    // every handoff's note quotes the resident of its case; the handoffs of the rejected
    // cases are rejected with them, and one handoff of each audited case whose number
    // ends in 1 has an impossible time: rejected rows whose raw text names the resident
    let mut r = csv::Reader::from_path(data.join("handoffs.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let (note_c, at_c) = (
        header.iter().position(|h| h == "note").unwrap(),
        header.iter().position(|h| h == "at").unwrap(),
    );
    let mut w = csv::Writer::from_path(data.join("handoffs.csv.new")).unwrap();
    w.write_record(&header).unwrap();
    let mut spoiled = std::collections::HashSet::new();
    for rec in r.records() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if let Some((name, _)) = of_case.get(&row[0]) {
            row[note_c] = format!("{}，已电话告知业主{name}", row[note_c]);
            if row[0].ends_with('1') && spoiled.insert(row[0].clone()) {
                row[at_c] = "2026-10-99 09:00".into();
            }
        }
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
    assert!(!spoiled.is_empty(), "the sample hands some cases on");
    std::fs::rename(data.join("handoffs.csv.new"), data.join("handoffs.csv")).unwrap();
    Planted {
        dir,
        phones,
        wide,
        names,
    }
}

fn formula_like(field: &str) -> bool {
    field.starts_with(['=', '+', '-', '@', '\t', '\r']) && field.parse::<f64>().is_err()
}

#[test]
fn no_output_leaks_a_phone_or_name_or_runs_a_formula() {
    let p = planted();
    let data = p.dir.path().join("d");
    let out = p.dir.path().join("r");
    let o = shouwen(&["audit", s(&data), "--out", s(&out)], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let terminal = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );

    let mut texts: Vec<(String, String)> = vec![("terminal".into(), terminal)];
    let all = files(&out);
    assert!(all.iter().any(|f| f.ends_with("report.xlsx")));
    assert!(all.iter().any(|f| f.ends_with("report.html")));
    for f in &all {
        let name = f.strip_prefix(&out).unwrap().display().to_string();
        match f.extension().and_then(|e| e.to_str()) {
            Some("png") => {} // pixels only; the SVG twin carries the same labels as text
            Some("xlsx") => {
                let mut wb: Xlsx<_> = open_workbook(f).unwrap();
                for sheet in wb.sheet_names().to_vec() {
                    let formulas = wb.worksheet_formula(&sheet).unwrap();
                    assert!(
                        formulas.used_cells().all(|(_, _, x)| x.is_empty()),
                        "{sheet}: a formula"
                    );
                    let range = wb.worksheet_range(&sheet).unwrap();
                    let mut text = String::new();
                    for (_, _, c) in range.used_cells() {
                        if let Data::String(v) = c {
                            text.push_str(v);
                            text.push('\n');
                        }
                    }
                    texts.push((format!("{name}:{sheet}"), text));
                }
            }
            _ => texts.push((name.clone(), std::fs::read_to_string(f).unwrap())),
        }
        if f.extension().is_some_and(|e| e == "csv") {
            let mut r = csv::Reader::from_path(f).unwrap();
            for rec in r.records() {
                for field in rec.unwrap().iter() {
                    assert!(!formula_like(field), "{name}: formula-like cell {field:?}");
                }
            }
        }
    }
    // The planted text did reach the outputs (so the checks below can fail) …
    let violations = std::fs::read_to_string(out.join("violations.csv")).unwrap();
    assert!(violations.contains("不知道"), "phrase evidence is reported");
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    let n_rejected = csv::Reader::from_path(out.join("rejected.csv"))
        .unwrap()
        .records()
        .filter(|r| r.as_ref().unwrap()[0].ends_with("cases.csv"))
        .count();
    assert_eq!(n_rejected, 6, "{rejected}");
    assert!(rejected.contains("139****"), "{rejected}");
    assert!(
        rejected.contains("欧**"),
        "the name quoted in a reason is masked"
    );
    // rejected handoffs (of rejected cases, and with an impossible time) quote their
    // case's resident: listed, the name masked as the case's own row has it
    let handoffs_rejected = csv::Reader::from_path(out.join("rejected.csv"))
        .unwrap()
        .records()
        .filter(|r| {
            let r = r.as_ref().unwrap();
            r[0].ends_with("handoffs.csv") && r[3].contains("已电话告知业主欧")
        })
        .count();
    assert!(handoffs_rejected > 6, "{rejected}");
    assert!(
        violations.contains("来电要求暂缓"),
        "waiver reasons are reported"
    );
    assert!(
        violations.contains("（客服，第"),
        "the other number's turn is quoted"
    );
    // … but no phone number and no full customer name survives anywhere.
    for (name, text) in &texts {
        for ph in &p.phones {
            assert!(!text.contains(ph.as_str()), "{name} leaks {ph}");
        }
        for n in &p.names {
            assert!(!text.contains(n.as_str()), "{name} leaks {n}");
        }
        for w in &p.wide {
            assert!(!text.contains(w.as_str()), "{name} leaks {w}");
        }
        assert!(!text.contains("0731-8888"), "{name} leaks a landline");
        // nor the same number in groups, nor the piece of it an evidence window cut
        for ph in &p.phones {
            let spaced = format!("{} {} {}", &ph[..3], &ph[3..7], &ph[7..]);
            assert!(!text.contains(&spaced), "{name} leaks {spaced}");
            assert!(!text.contains(&ph[1..]), "{name} leaks {}", &ph[1..]);
            // the head of the number cut by the window after 没办法 hides its middle too
            let middle = format!("{}…", &ph[3..7]);
            assert!(!text.contains(&middle), "{name} leaks {middle}");
        }
        // nor a cut-off piece of one next to an ellipsis
        for ph in &p.phones {
            assert!(
                !text.contains(&format!("…{}", &ph[7..])),
                "{name} leaks part of {ph}"
            );
            assert!(
                !text.contains(&format!("{}…", &ph[..7])),
                "{name} leaks part of {ph}"
            );
        }
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("不知道&lt;scr"), "markup shown as text");
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
}

#[test]
fn unmask_is_explicit_and_recorded() {
    let p = planted();
    let data = p.dir.path().join("d");
    let out = p.dir.path().join("r");
    let o = shouwen(
        &[
            "audit",
            s(&data),
            "--out",
            s(&out),
            "--unmask",
            "--format",
            "csv",
        ],
        &[],
    );
    assert!(o.status.success());
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["unmasked"], true);
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(rejected.contains(&p.phones[0]));
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            (
                f.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&f).unwrap(),
            )
        })
        .collect()
}

fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn a_run_failing_mid_write_leaves_the_previous_report_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let basic = root().join("tests/fixtures/basic");
    let o = shouwen(
        &["audit", s(&basic), "--period", "2026-10", "--out", s(&out)],
        &[],
    );
    assert!(o.status.success());
    let before = snapshot(&out);
    // violations.csv hands its rows on to the workbook as it writes them: when it fails,
    // the error names it, not the workbook left without rows.
    for fail_at in [
        "scorecards.csv",
        "violations.csv",
        "report.xlsx",
        "report.html",
        "manifest.json",
    ] {
        let o = shouwen(
            &["audit", "sample-data", "--out", s(&out)],
            &[("SHOUWEN_TEST_FAIL_WRITING", fail_at)],
        );
        assert_eq!(o.status.code(), Some(2), "fails at {fail_at}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(fail_at), "{err}");
        assert!(
            snapshot(&out) == before,
            "report changed after failing at {fail_at}"
        );
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }
}

#[test]
fn a_killed_run_leaves_either_the_old_or_the_new_report_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (out, fresh) = (dir.path().join("r"), dir.path().join("fresh"));
    let basic = root().join("tests/fixtures/basic");
    assert!(shouwen(
        &["audit", s(&basic), "--period", "2026-10", "--out", s(&out)],
        &[]
    )
    .status
    .success());
    assert!(shouwen(&["audit", "sample-data", "--out", s(&fresh)], &[])
        .status
        .success());
    let (old, new) = (snapshot(&out), snapshot(&fresh));
    for delay_ms in [30u64, 120, 250] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shouwen"))
            .args(["audit", "sample-data", "--quiet", "--out", s(&out)])
            .current_dir(root())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&out);
        assert!(
            now == old || now == new,
            "a mixed report after a kill at {delay_ms} ms"
        );
        // put the old report back for the next round
        if now == new {
            std::fs::remove_dir_all(&out).unwrap();
            assert!(shouwen(
                &["audit", s(&basic), "--period", "2026-10", "--out", s(&out)],
                &[]
            )
            .status
            .success());
        }
    }
}

#[test]
fn concurrent_audits_into_one_folder_never_mix_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let (ref_a, ref_b) = (dir.path().join("a"), dir.path().join("b"));
    let basic = root().join("tests/fixtures/basic");
    let args_a = |o: &Path| {
        vec![
            "audit".to_string(),
            s(&basic).to_string(),
            "--period".into(),
            "2026-10".into(),
            "--quiet".into(),
            "--out".into(),
            s(o).to_string(),
        ]
    };
    let args_b = |o: &Path| {
        vec![
            "audit".to_string(),
            "sample-data".into(),
            "--quiet".into(),
            "--out".into(),
            s(o).to_string(),
        ]
    };
    let run = |a: Vec<String>| {
        Command::new(env!("CARGO_BIN_EXE_shouwen"))
            .args(a)
            .current_dir(root())
            .spawn()
            .unwrap()
    };
    assert!(run(args_a(&ref_a)).wait().unwrap().success());
    assert!(run(args_b(&ref_b)).wait().unwrap().success());
    let (a, b) = (snapshot(&ref_a), snapshot(&ref_b));
    for _ in 0..4 {
        let mut kids: Vec<_> = (0..3)
            .flat_map(|_| [run(args_a(&out)), run(args_b(&out))])
            .collect();
        for k in &mut kids {
            assert!(k.wait().unwrap().success());
        }
        let now = snapshot(&out);
        assert!(now == a || now == b, "the report mixes two audits");
        let left: Vec<String> = leftovers(dir.path());
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}

#[test]
fn an_input_too_large_for_the_memory_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = shouwen(
        &[
            "audit",
            "sample-data",
            "--out",
            s(&out),
            "--memory-limit",
            "2M",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cases.csv"), "{err}");
    assert!(
        err.contains("needs about") && err.contains("in parts"),
        "{err}"
    );
    assert!(!out.exists());
    // a sufficient limit audits normally
    let o = shouwen(
        &[
            "audit",
            "sample-data",
            "--out",
            s(&out),
            "--memory-limit",
            "4G",
            "-q",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The workbook's rows wait in temporary files inside the report's own (staging) folder,
/// not the system's: a temporary folder that cannot be written (or one in memory, where
/// gigabytes of rows at 10M cases would be RAM) does not stop or burden the audit. With
/// TMPDIR pointing nowhere the report, workbook included, is written, and the workbook
/// reads back (calamine) with a row per violation.
#[test]
fn the_workbook_does_not_need_the_system_temporary_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let o = shouwen(
        &["audit", "sample-data", "--quiet", "--out", s(&out)],
        &[("TMPDIR", "/nonexistent-shouwen-tmp")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("a workbook");
    let violations = std::fs::read_to_string(out.join("violations.csv")).unwrap();
    let csv_rows = csv::Reader::from_reader(violations.as_bytes())
        .records()
        .count();
    let sheet = wb
        .worksheet_range("违规明细")
        .expect("the violations sheet");
    assert!(csv_rows > 100);
    assert_eq!(
        sheet.height(),
        csv_rows + 1,
        "a header and a row per violation"
    );
    // Nothing was left in the report folder besides the report's files.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

/// A row whose fields do not line up with the header (too few fields, an unclosed quote)
/// cannot tell which field is the resident's name: every piece that could be a name is
/// masked in rejected.csv, and `--unmask` shows the row as written.
#[test]
fn a_row_that_cannot_be_split_masks_whatever_could_be_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("cases.csv"),
        "case_id,center,received_at,category,first_responder_id,reply,customer_name,customer_phone\n\
A1,c,2026-10-03 09:05,咨询,E01,第一行\n\
第二行,欧阳娜娜,13812345678\n\
A2,c,2026-10-03 09:05,咨询,E01,\"未闭合,上官婉儿,13912345678\n",
    )
    .unwrap();
    let rejected = |unmask: bool| {
        let out = dir.path().join(if unmask { "u" } else { "m" });
        let mut args = vec!["audit", s(&data), "--out", s(&out), "--format", "csv"];
        if unmask {
            args.push("--unmask");
        }
        let o = shouwen(&args, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(out.join("rejected.csv")).unwrap()
    };
    let masked = rejected(false);
    for name in ["欧阳娜娜", "上官婉儿", "13812345678", "13912345678"] {
        assert!(!masked.contains(name), "{name} in {masked}");
    }
    assert!(
        masked.contains("欧***") && masked.contains("上***"),
        "{masked}"
    );
    let unmasked = rejected(true);
    assert!(unmasked.contains("欧阳娜娜") && unmasked.contains("上官婉儿"));
}

// ---------------------------------------------------------------------------------------
// Masking gaps found by a black-box probe (probe 18): numbers and names in the shapes
// people write them, and the outputs that copied data without masking it.

const HEADER: &str = "case_id,center,received_at,channel,category,customer_name,customer_phone,unit,content,first_responder_id,first_responder,first_response_at,reply";
const ROSTER: &str = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
E01,王芳,管理人员,客服部,锦绣花园服务中心,E10,3000\n\
E02,赵强,保安员,秩序部,锦绣花园服务中心,E10,1800\n\
E10,钱进,部门主管,客服部,锦绣花园服务中心,,5000\n";

/// A case row of [`HEADER`] at 锦绣花园服务中心, answered by 王芳 (E01) an hour later.
fn case(id: &str, name: &str, phone: &str, content: &str, reply: &str) -> String {
    let q = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
    format!(
        "{id},锦绣花园服务中心,2026-10-03 09:00:00,电话,报修,{},{},3栋,{},E01,王芳,2026-10-03 10:00:00,{}",
        q(name),
        q(phone),
        q(content),
        q(reply)
    )
}

/// Audit a dataset folder of `files` (period 2026-10); the folder, the report folder and
/// the run.
fn audit_files(files: &[(&str, String)], extra: &[&str]) -> (tempfile::TempDir, PathBuf, Output) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    std::fs::create_dir(&data).unwrap();
    for (name, text) in files {
        std::fs::write(data.join(name), text).unwrap();
    }
    let out = dir.path().join("r");
    let mut args = vec!["audit", s(&data), "--period", "2026-10", "--out", s(&out)];
    args.extend(extra);
    let o = shouwen(&args, &[]);
    (dir, out, o)
}

/// Every text a report folder and the run's terminal hold: files, the workbook's sheets.
fn all_text(out: &Path, o: &Output) -> String {
    let mut text = format!(
        "{}\n{}\n",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    if !out.exists() {
        return text;
    }
    for f in files(out) {
        match f.extension().and_then(|e| e.to_str()) {
            Some("png") => {}
            Some("xlsx") => {
                let mut wb: Xlsx<_> = open_workbook(&f).unwrap();
                for sheet in wb.sheet_names().to_vec() {
                    let range = wb.worksheet_range(&sheet).unwrap();
                    for (_, _, c) in range.used_cells() {
                        if let Data::String(v) = c {
                            text.push_str(v);
                            text.push('\n');
                        }
                    }
                }
            }
            _ => {
                text.push_str(&std::fs::read_to_string(&f).unwrap());
                text.push('\n');
            }
        }
    }
    text
}

/// The customer's own number written with dots, in Chinese numerals, with its area code
/// in brackets, full-width with full-width separators, cut by the evidence window, and
/// in a waiver's reason; other people's numbers in the common shapes; the customer's
/// name written otherwise than the cell. None is readable in any output, while dates,
/// times, case ids and hours stay as they were.
#[test]
fn numbers_and_names_in_any_shape_are_masked_but_dates_and_amounts_are_not() {
    // (name, phone column, reply): each reply holds a number whose middle digits
    // (5791, 4682 …) are found nowhere else, before 不知道 and cut after it
    let rows = [
        (
            "陈一",
            "13857911234",
            "王芳：138.5791.1234不知道138.5791.1234",
        ),
        (
            "陈二",
            "13846821234",
            "王芳：一三八四六八二一二三四不知道一三八四六八二一二三四",
        ),
        (
            "陈三",
            "0571-73918642",
            "王芳：(0571)73918642不知道(0571)73918642",
        ),
        (
            "陈四",
            "13863571234",
            "王芳：１３８－６３５７－１２３４不知道１３８－６３５７－１２３４",
        ),
        (
            "陈五",
            "138 2468 1234",
            "王芳：１３８　２４６８　１２３４不知道１３８　２４６８　１２３４",
        ),
        (
            "陈六",
            "13800000000",
            "王芳：邻居(0571)97531864不知道(0571)97531864",
        ),
        (
            "陈七",
            "13800000000",
            "王芳：邻居0571 64297777不知道0571 64297777",
        ),
        (
            "陈八",
            "13800000000",
            "王芳：邻居013975319999不知道013975319999",
        ),
        (
            "陈九",
            "13800000000",
            "王芳：邻居008613924689999不知道008613924689999",
        ),
        (
            "陈十",
            "13800000000",
            "王芳：邻居139-31758888不知道139-31758888",
        ),
        (
            "陈十一",
            "13800000000",
            "王芳：邻居139.7351.8888不知道139.7351.8888",
        ),
        (
            "陈十二",
            "13800000000",
            "王芳：邻居１３９ ５１７３ ８８８８不知道１３９ ５１７３ ８８８８",
        ),
        (
            "陈十三",
            "13800000000",
            "王芳：邻居一三九七一五三八八八八不知道一三九七一五三八八八八",
        ),
        (
            "陈十四",
            "13800000000",
            "王芳：邻居1393157 8888不知道1393157 8888",
        ),
        // names (finding 7) and a one-letter name (finding 12)
        ("陈 晓明", "13800000000", "王芳：陈晓明不知道，陈晓明"),
        (
            "林晓梅(租户)",
            "13800000000",
            "王芳：林晓梅不知道，租户林晓梅",
        ),
        (
            "JOHN SMITH",
            "13800000000",
            "王芳：John Smith不知道，John Smith",
        ),
        (
            "Jane Doughty",
            "13800000000",
            "王芳：Mrs. Doughty不知道. Mrs. Doughty",
        ),
        ("e", "13800000000", "王芳：please help不知道，please help"),
        // a customer who shares the employee's name: the speaker stays readable
        ("王芳", "13800000000", "王芳：好的不知道"),
    ];
    let mut cases = format!("{HEADER}\n");
    for (i, (name, phone, reply)) in rows.iter().enumerate() {
        cases.push_str(&case(&format!("K{:02}", i + 1), name, phone, "漏水", reply));
        cases.push('\n');
    }
    // answered two days late, waived with the resident's number in the reason
    cases.push_str(&format!(
        "{}\n",
        case("W01", "吴敏", "13492685555", "漏水", "王芳：好的")
            .replace("2026-10-03 10:00:00", "2026-10-05 10:00:00")
    ));
    let waivers =
        "case_id,rule_id,reason,approved_by\nW01,RESP-24H,业主吴敏出差，电话134.9268.5555,E10\n";
    let (_d, out, o) = audit_files(
        &[
            ("cases.csv", cases),
            ("roster.csv", ROSTER.into()),
            ("waivers.csv", waivers.into()),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let violations = std::fs::read_to_string(out.join("violations.csv")).unwrap();
    let text = all_text(&out, &o);
    // the evidence is there to mask …
    assert!(violations.contains("不知道"), "{violations}");
    assert!(violations.contains("电话134."), "{violations}");
    // … and none of the hidden digits, in whichever script, nor a name, shows
    for hidden in [
        "5791",
        "4682",
        "四六八二",
        "7391",
        "６３５７",
        "２４６８",
        "9753",
        "6429",
        "7531",
        "2468",
        "3175",
        "7351",
        "５１７３",
        "七一五三",
        "3157",
        "9268",
        "晓明",
        "晓梅",
        "ohn",
        "mith",
        "MITH",
        "oughty",
        "Doug",
    ] {
        assert!(!text.contains(hidden), "{hidden} shown:\n{violations}");
    }
    // what is no number stays readable: the times, the hours, the case ids, the words
    for kept in [
        "2026-10-03 09:00",
        "2026-10-05 10:00",
        "49.0 小时",
        "K01",
        "K20",
        "W01",
        "lease help不知道",
        "（王芳，第 1 行）",
        "租户",
    ] {
        assert!(violations.contains(kept), "{kept} lost:\n{violations}");
    }
    // the staff attribution of K20, whose customer is also 王芳, names the employee
    let k20 = violations.lines().find(|l| l.starts_with("K20,")).unwrap();
    assert!(k20.contains("（王芳，第 1 行）"), "{k20}");
}

/// Rejected rows: a phone written full-width with full-width separators, the customer's
/// own number with dots or in Chinese numerals, a ragged row whose extra field moved the
/// name and phone, a short row quoting part of the name and number.
#[test]
fn rejected_rows_mask_numbers_and_names_however_written() {
    let cases = format!(
        "{HEADER}\n\
F01,锦绣花园服务中心,坏时间,电话,报修,陈小明,０５７１－８８８８６６６６,3栋,漏水,E01,王芳,2026-10-03 10:00:00,好\n\
F02,锦绣花园服务中心,坏时间,电话,报修,李雷,１３８－５７９１－８０００,3栋,漏水,E01,王芳,2026-10-03 10:00:00,好\n\
F03,锦绣花园服务中心,坏时间,电话,报修,韩梅梅,13846828001,3栋,漏水,E01,王芳,2026-10-03 10:00:00,王芳：回电138.4682.8001或一三八四六八二八零零一\n\
G01,锦绣花园服务中心,2026-10-03 09:00:00,电话,报修,多一列,John Smith,0571 73918642,3栋,漏水,E01,王芳,2026-10-03 10:00:00,好\n\
G04,锦绣花园服务中心,2026-10-03 09:00:00,电话,报修,Maria García,+34 612345678,3栋,漏水 call Maria at 612345678,E01\n"
    );
    let (_d, out, o) = audit_files(
        &[("cases.csv", cases), ("roster.csv", ROSTER.into())],
        &["--format", "csv"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert_eq!(rejected.lines().count(), 6, "{rejected}");
    for hidden in [
        "８８８８６",
        "５７９１",
        "4682",
        "四六八二",
        "John",
        "Smith",
        "7391",
        "Maria",
        "García",
        "2345",
        "小明",
        "梅梅",
    ] {
        assert!(!rejected.contains(hidden), "{hidden} shown:\n{rejected}");
    }
    assert!(
        rejected.contains("坏时间") && rejected.contains("漏水"),
        "{rejected}"
    );
}

/// What a rule could not judge quotes an inspection's findings: masked in
/// not_judged.csv, the workbook's sheet and the terminal, as the evidence is.
#[test]
fn not_judged_reasons_mask_numbers() {
    let cases = format!(
        "{HEADER}\n{}\n",
        case("C01", "陈小明", "13900000000", "漏水", "王芳：好的")
    );
    let inspections = "inspection_id,at,center,employee_id,method,findings,note\n\
I1,2026-10-05 10:00:00,锦绣花园服务中心,E01,电话抽查,傲慢;业主陈小明13857918000投诉未回电,无\n";
    let (_d, out, o) = audit_files(
        &[
            ("cases.csv", cases),
            ("roster.csv", ROSTER.into()),
            ("inspections.csv", inspections.into()),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let not_judged = std::fs::read_to_string(out.join("not_judged.csv")).unwrap();
    assert!(not_judged.contains("138****8000"), "{not_judged}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("could not judge"), "{stdout}");
    let text = all_text(&out, &o);
    assert!(!text.contains("5791"), "a finding's number is shown");
}

/// Warnings quote cells: a data row above the header, a first responder cell holding a
/// resident's number, a header that is a row of data. Masked in manifest.json, the page
/// and the terminal.
#[test]
fn warnings_that_quote_cells_mask_them() {
    // a case row above the header, passed over as the title
    let title = format!(
        "W01,锦绣花园服务中心,2026-10-03 09:00:00,电话,报修,李雷,13957910000,3栋,漏水,E01,王芳,2026-10-03 10:00:00,王芳：好的\n{HEADER}\n{}\n",
        case("W02", "韩梅梅", "13700137000", "漏水", "王芳：好的")
    );
    let (_d, out, o) = audit_files(&[("cases.csv", title), ("roster.csv", ROSTER.into())], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = all_text(&out, &o);
    assert!(text.contains("passed over as the export's title"), "{text}");
    assert!(!text.contains("李雷") && !text.contains("5791"), "{text}");
    // a first responder named with the resident's number
    let swap = format!(
        "{HEADER}\n{}\n",
        case("S01", "韩梅梅", "13846820000", "漏水", "王芳：好的")
            .replace(",E01,王芳,", ",E01,陈小明 13846820000,")
    );
    let (_d, out, o) = audit_files(&[("cases.csv", swap), ("roster.csv", ROSTER.into())], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = all_text(&out, &o);
    assert!(text.contains("name a first responder other than"), "{text}");
    assert!(!text.contains("4682"), "{text}");
    // no header at all: the error quotes the first row
    let nohdr = format!(
        "{}\n",
        case("W01", "李雷", "13973510000", "漏水", "王芳：好的")
    );
    let (_d, out, o) = audit_files(&[("cases.csv", nohdr)], &[]);
    assert!(!o.status.success());
    let text = all_text(&out, &o);
    assert!(text.contains("The header read was"), "{text}");
    assert!(!text.contains("李雷") && !text.contains("7351"), "{text}");
    assert!(
        text.contains("锦绣花园服务中心") && text.contains("W01"),
        "{text}"
    );
}

/// A center or employee named with terminal escape sequences: printed escaped by the
/// audit summary and explain-score, as a waiver's id is.
#[test]
fn names_from_the_data_cannot_drive_the_terminal() {
    let cases = format!(
        "{HEADER}\n{}\n",
        case("A1", "陈小明", "13800138000", "漏水", "王芳：好的")
            .replace("锦绣花园服务中心", "中心\u{1b}]0;PWNED\u{7}\u{1b}[2J")
            .replace(",E01,王芳,", ",E1,王芳\u{1b}[5m闪,")
            .replace("2026-10-03 10:00:00", "2026-10-05 10:00:00")
    );
    let (_d, out, o) = audit_files(&[("cases.csv", cases)], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("PWNED"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    assert!(stdout.contains("\\u{1b}"), "{stdout}");
    let e = shouwen(&["explain-score", "E1", "--report", s(&out)], &[]);
    assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
    let e = String::from_utf8_lossy(&e.stdout);
    assert!(e.contains("PWNED") && !e.contains('\u{1b}'), "{e:?}");
}

/// A report made with `--unmask` says so where it is read: the 汇总 sheet and the page.
#[test]
fn an_unmasked_report_says_so_on_the_summary_sheet_and_the_page() {
    let cases = format!(
        "{HEADER}\n{}\n",
        case("C01", "陈小明", "13912345678", "漏水", "王芳：好的")
    );
    let files = [("cases.csv", cases), ("roster.csv", ROSTER.into())];
    let said = |unmask: bool| {
        let (_d, out, o) = audit_files(&files, if unmask { &["--unmask"] } else { &[] });
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
        let sheet = wb.worksheet_range("汇总").unwrap();
        let in_sheet = sheet
            .used_cells()
            .any(|(_, _, c)| matches!(c, Data::String(v) if v.contains("未脱敏")));
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        (
            in_sheet,
            html.contains("role=\"alert\"") && html.contains("未脱敏"),
        )
    };
    assert_eq!(said(true), (true, true));
    assert_eq!(said(false), (false, false));
}
