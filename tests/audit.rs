//! End-to-end behaviour of `shouwen audit` on small fixtures under tests/fixtures/,
//! each with its verdicts written in the regulation's terms.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::Digest;

use shouwen::audit::{self, AuditOptions, AuditResult};
use shouwen::input::DatasetFiles;
use shouwen::rules;

mod common;
use common::{assert_reconciles, cases_only, default_rules, root, verdicts};

fn fixture(p: &str) -> PathBuf {
    root().join("tests/fixtures").join(p)
}

fn audit_files(files: DatasetFiles, rules: rules::RuleSet, opts: AuditOptions) -> AuditResult {
    let loaded = audit::load(&files, &rules, opts.period.as_deref()).expect("loads");
    audit::run(rules, loaded, &opts).expect("audits")
}

fn v(c: &str, r: &str, e: &str, w: bool) -> (String, String, String, bool) {
    (c.into(), r.into(), e.into(), w)
}

fn period(p: &str) -> AuditOptions {
    AuditOptions {
        period: Some(p.into()),
        ..AuditOptions::default()
    }
}

/// A waiver row listed as unmatched because it repeats the one at `of`: it stands at
/// `at` (both `file:line`).
fn assert_repeats(u: &audit::UnmatchedWaiver, at: &str, of: &str) {
    assert!(u.source.ends_with(at), "{u:?}");
    assert!(
        u.why.contains("repeats the waiver at") && u.why.contains(of),
        "{u:?}"
    );
}

/// The basic fixture is written for the response and record-keeping rules.
fn basic_opts() -> AuditOptions {
    AuditOptions {
        select: vec!["RESP".into(), "RECORD".into()],
        ..period("2026-10")
    }
}

#[test]
fn basic_fixture_verdicts_in_the_regulations_terms() {
    let files = DatasetFiles::discover(&fixture("basic")).unwrap();
    let r = audit_files(files, default_rules(), basic_opts());
    assert_reconciles(&r);
    let want: BTreeSet<_> = [
        // C02: answered 24:00:01 after receipt → 及时回应原则 broken, charged to 王芳.
        v("C02", "RESP-24H", "E01", false),
        // C03: never answered, past due at the as-of time → charged to 赵强.
        v("C03", "RESP-24H", "E02", false),
        // C05: phone inquiry without the caller's number (管理制度 4.5) → 周敏.
        v("C05", "RECORD-PHONE", "E03", false),
        // C06: content only whitespace (问题记录原则) → 周敏.
        v("C06", "RECORD-CASE", "E03", false),
        // C07: 78 h to answer, waived (业主出差) → stays in the trail, costs nothing.
        v("C07", "RESP-24H", "E03", true),
    ]
    .into();
    assert_eq!(verdicts(&r), want);
    // C01 answered at exactly 24:00:00 is on time; C04 (12 h old, unanswered) is pending.
    let pending: Vec<&str> = r.pending.iter().map(|p| r.case_id(p.row)).collect();
    assert_eq!(pending, ["C04"]);
    let c07 = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "C07")
        .unwrap();
    assert!(
        c07.evidence
            .text()
            .starts_with("首次回应用时 78.0 小时，超过 24 小时"),
        "{}",
        c07.evidence
    );
    let c03 = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "C03")
        .unwrap();
    assert!(
        c03.evidence
            .text()
            .contains("截至 2026-11-01 00:00 仍未首次回应"),
        "{}",
        c03.evidence
    );
    let c05 = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "C05")
        .unwrap();
    assert_eq!(&*c05.evidence.text(), "未记录：联系电话");
    // The waiver for C08 matches no violation and is reported, not silently ignored.
    assert_eq!(r.unmatched_waivers.len(), 1);
    assert_eq!(r.unmatched_waivers[0].case_id, "C08");
    // 周敏: two minor record violations (1 point each); the waived one costs nothing.
    let e03 = r
        .scorecards
        .iter()
        .find(|c| c.employee.id == "E03")
        .unwrap();
    assert_eq!((e03.minor, e03.major, e03.waived), (2, 0, 1));
    assert_eq!(e03.points, 2.0);
    assert_eq!(e03.score, 98.0);
    assert_eq!(e03.cases, 3);
    let e01 = r
        .scorecards
        .iter()
        .find(|c| c.employee.id == "E01")
        .unwrap();
    assert_eq!((e01.cases, e01.points, e01.score), (3, 2.0, 98.0));
    // E10 has no cases but is in the roster.
    assert!(r
        .scorecards
        .iter()
        .any(|c| c.employee.id == "E10" && c.cases == 0));
}

#[test]
fn pending_turns_into_past_due_one_second_after_the_limit() {
    let files = DatasetFiles::discover(&fixture("basic")).unwrap();
    for (as_of, c04_late) in [
        ("2026-11-01 12:00:00", false),
        ("2026-11-01 12:00:01", true),
    ] {
        let opts = AuditOptions {
            as_of: Some(as_of.into()),
            ..basic_opts()
        };
        let r = audit_files(files.clone(), default_rules(), opts);
        let late = verdicts(&r).contains(&v("C04", "RESP-24H", "E02", false));
        let pending = r.pending.iter().any(|p| r.case_id(p.row) == "C04");
        assert_eq!((late, pending), (c04_late, !c04_late), "as of {as_of}");
    }
}

#[test]
fn utf8_bom_gbk_and_crlf_files_audit_alike() {
    let mut seen = vec![];
    for (f, enc) in [
        ("utf8.csv", "utf-8"),
        ("utf8_bom.csv", "utf-8-bom"),
        ("gbk.csv", "gb18030"),
        ("utf8_crlf.csv", "utf-8"),
    ] {
        let r = audit_files(
            cases_only(&fixture("encodings").join(f)),
            default_rules(),
            AuditOptions::default(),
        );
        assert_reconciles(&r);
        assert_eq!(r.stats[0].encoding, enc, "{f}");
        assert_eq!(r.cases.len(), 2, "{f}");
        let reply = r.cases.text("reply").get(0).unwrap().to_string();
        assert_eq!(
            reply.replace("\r\n", "\n"),
            "王芳：马上安排。\n业主：好的",
            "{f}: quoted newline kept"
        );
        assert_eq!(
            r.cases.text("content").get(1),
            Some("噪音, 晚上11点后"),
            "{f}"
        );
        // A2: answered 48 h after receipt → RESP-24H charged to E02 (赵强).
        assert_eq!(
            verdicts(&r),
            [v("A2", "RESP-24H", "E02", false)].into(),
            "{f}"
        );
        seen.push((
            r.cases.time("received_at").to_vec(),
            r.cases.text("customer_name").clone(),
        ));
    }
    assert!(
        seen.windows(2).all(|w| w[0] == w[1]),
        "all encodings read the same values"
    );
}

/// A Hong Kong or Taiwan export: Big5 bytes, a header in traditional characters. Read as
/// Big5 without being told (GBK would turn it into rare characters), its header names
/// the columns, and 4.7's 不归我管 is found written 不歸我管: H1 charged to E01;
/// H2 answered after 49 hours, RESP-24H charged to E02.
#[test]
fn a_big5_export_with_a_traditional_header_is_read_and_judged() {
    let text = "編號,服務中心,受理時間,類別,首問人工號,首次回應時間,答覆內容\n\
H1,沙田服務中心,2026-10-03 09:05,投訴,E01,2026-10-03 10:00,這個不歸我管\n\
H2,沙田服務中心,2026-10-03 09:05,諮詢,E02,2026-10-05 10:00,已安排維修人員處理\n";
    let (bytes, _, bad) = encoding_rs::BIG5.encode(text);
    assert!(!bad, "the premise: the text is Big5");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    std::fs::write(&p, &bytes).unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_reconciles(&r);
    assert_eq!(r.stats[0].encoding, "big5");
    assert_eq!(r.cases.text("center").get(0), Some("沙田服務中心"));
    assert_eq!(
        verdicts(&r),
        [
            v("H1", "PHRASE-BANNED", "E01", false),
            v("H2", "RESP-24H", "E02", false)
        ]
        .into()
    );
    // The same file in GBK (simplified) is still read as GBK.
    let simplified = "编号,服务中心,受理时间,类别,首问人工号,首次回应时间,答复内容\n\
H1,沙田服务中心,2026-10-03 09:05,投诉,E01,2026-10-03 10:00,这个不归我管\n";
    std::fs::write(&p, encoding_rs::GBK.encode(simplified).0).unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_eq!(r.stats[0].encoding, "gb18030");
    assert_eq!(r.cases.text("center").get(0), Some("沙田服务中心"));
}

/// A US or European export saved by Excel as "CSV" is Windows-1252: `DÉP`, `Señal –`,
/// `Café` are read as written (as GBK they were `D蒔` and rejected rows), without being
/// told, and `encoding = "windows-1252"` (or `latin1`) says it outright. A GBK file
/// whose only Chinese is its names (rare characters) stays GBK.
#[test]
fn a_windows_1252_export_is_read_as_written_and_gbk_names_stay_gbk() {
    let text = "Unique Key,Agency,Created Date,Complaint Type,Owner\n\
1,DÉP,2026-10-03 09:05,Señal – Noise,E01\n\
2,DÉP,2026-10-03 09:05,Café “closed”,E02\n\
3,DOT,2026-10-03 09:05,Noise,E03\n";
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!bad && std::str::from_utf8(&bytes).is_err(), "the premise");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    std::fs::write(&p, &bytes).unwrap();
    let rules_with = |input: &str| {
        let text = read(&root().join("rules/default.toml")).replace(
            "# [input.aliases.cases]",
            &format!("{input}[input.aliases.cases]\ncase_id = [\"Unique Key\"]\ncenter = [\"Agency\"]\nreceived_at = [\"Created Date\"]\ncategory = [\"Complaint Type\"]\nfirst_responder_id = [\"Owner\"]\n# "),
        );
        rules::parse(&text, "company.toml", "-").unwrap()
    };
    let explicit = {
        let mut r = rules_with("");
        r.read.encoding = shouwen::input::Encoding::parse("windows-1252").unwrap();
        r
    };
    for rules in [rules_with(""), explicit] {
        let r = audit_files(cases_only(&p), rules, AuditOptions::default());
        assert_reconciles(&r);
        assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
        assert_eq!(r.stats[0].encoding, "windows-1252");
        let centers: Vec<_> = r.cases.text("center").iter().flatten().collect();
        assert_eq!(centers, ["DÉP", "DÉP", "DOT"]);
        let cats: Vec<_> = r.cases.text("category").iter().flatten().collect();
        assert_eq!(cats[..2], ["Señal – Noise", "Café “closed”"]);
    }
    let text = read(&root().join("rules/default.toml"))
        .replace("encoding = \"auto\"", "encoding = \"latin1\"");
    let forced = rules::parse(&text, "company.toml", "-").unwrap();
    assert_eq!(forced.read.encoding, shouwen::input::Encoding::Windows1252);
    // Names alone in GBK (no character of them among the commonest): still GBK.
    let names = "case_id,center,received_at,category,first_responder_id,customer_name\n\
C1,bj,2026-10-03 09:05,ts,E01,张伟\nC2,bj,2026-10-03 09:05,ts,E02,欧阳娜娜\nC3,bj,2026-10-03 09:05,ts,E02,叶梅\n";
    std::fs::write(&p, encoding_rs::GBK.encode(names).0).unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_eq!(r.stats[0].encoding, "gb18030");
    let got: Vec<_> = r.cases.text("customer_name").iter().flatten().collect();
    assert_eq!(got, ["张伟", "欧阳娜娜", "叶梅"]);
    // GB18030 with emoji (four bytes each, as WeChat replies hold them) beside names and
    // English headers: still GB18030, not Western.
    let emoji = "case_id,center,received_at,category,first_responder_id,customer_name,reply\n\
C1,bj,2026-10-03 09:05,ts,E01,王芳,好的👍🙏\nC2,bj,2026-10-03 09:05,ts,E02,陈小明,👌😊\n";
    let (bytes, _, bad) = encoding_rs::GB18030.encode(emoji);
    assert!(!bad, "the premise: GB18030 holds the emoji");
    std::fs::write(&p, &bytes).unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_eq!(r.stats[0].encoding, "gb18030");
    let got: Vec<_> = r.cases.text("customer_name").iter().flatten().collect();
    assert_eq!(got, ["王芳", "陈小明"]);
}

/// 叶梅 in GBK is D2B6 C3B7, which is also well-formed UTF-8 (Ҷ÷): a field cannot tell
/// its encoding alone; its record (GBK throughout) does.
#[test]
fn a_gbk_name_that_happens_to_be_valid_utf8_reads_as_gbk() {
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let header = "case_id,center,received_at,category,first_responder_id,customer_name\n";
    let line = "C2,滨江壹号,2026-10-03 09:05,投诉,E02,叶梅\n";
    assert!(
        std::str::from_utf8(&gbk("叶梅")).is_ok(),
        "the premise of the test"
    );
    for (what, bytes, center) in [
        ("a GBK file", gbk(&format!("{header}{line}")), "滨江壹号"),
        (
            "a GBK file in which that name is a line's only Chinese",
            gbk(&format!(
                "{header}C1,滨江壹号,2026-10-03 09:05,投诉,E02,张三\nC2,滨江壹号,2026-10-03 09:05,投诉,E02,王五\nC3,bj,2026-10-03 09:05,ts,E02,叶梅\n"
            )),
            "bj",
        ),
        (
            "a UTF-8 line, then a GBK one",
            [
                format!("{header}C1,锦绣花园,2026-10-03 09:05,咨询,E01,王芳\n").into_bytes(),
                gbk(line),
            ]
            .concat(),
            "滨江壹号",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cases.csv");
        std::fs::write(&p, bytes).unwrap();
        let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
        assert_reconciles(&r);
        let names: Vec<_> = r.cases.text("customer_name").iter().flatten().collect();
        assert_eq!(names.last(), Some(&"叶梅"), "{what}: {names:?}");
        assert_eq!(
            r.cases.text("center").iter().last(),
            Some(Some(center)),
            "{what}"
        );
    }
}

#[test]
fn every_spec_timestamp_format_reads_as_the_same_instant() {
    let r = audit_files(
        cases_only(&fixture("formats/cases.csv")),
        default_rules(),
        AuditOptions::default(),
    );
    assert_reconciles(&r);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let t = r.cases.time("received_at");
    assert_eq!(t.len(), 6);
    assert!(t.iter().all(|x| x == t.get(0)));
    // 2026-10-03 09:05 +08:00 = 2026-10-03 01:05 UTC.
    assert_eq!(t.get(0), Some(1_790_989_500_000));
}

#[test]
fn aliases_from_the_rules_file_map_a_foreign_export() {
    let rules = rules::load(&fixture("aliases/rules.toml")).unwrap();
    let r = audit_files(
        cases_only(&fixture("aliases/cases.csv")),
        rules,
        AuditOptions::default(),
    );
    assert_reconciles(&r);
    assert_eq!(r.cases.len(), 2);
    // X1 answered after 25 h → late, charged to agent A7; X2 after 1 h → on time.
    assert_eq!(verdicts(&r), [v("X1", "RESP-24H", "A7", false)].into());
    assert_eq!(r.cases.text("customer_name").get(1), Some("Bob"));
}

#[test]
fn each_rejection_reason_names_the_column_and_value() {
    let r = audit_files(
        cases_only(&fixture("rejects/cases.csv")),
        default_rules(),
        period("2026-10"),
    );
    assert_reconciles(&r);
    let st = &r.stats[0];
    assert_eq!(
        (st.rows_read, st.rows_audited, st.rows_rejected),
        (11, 1, 10)
    );
    let reason = |line: u64| {
        r.rejected
            .iter()
            .find(|x| x.line == line)
            .map(|x| x.reason.clone())
            .unwrap_or_else(|| panic!("line {line} not rejected"))
    };
    for (line, parts) in [
        (
            3,
            vec!["received_at", "受理时间", "2026-13-03 09:05", "month 13"],
        ),
        (4, vec!["first_responder_id", "required but empty"]),
        (5, vec!["expected 7 fields", "found 5"]),
        (6, vec!["expected 7 fields", "found 8"]),
        (7, vec!["contacts", "\"-1\"", "negative"]),
        (8, vec!["contacts", "\"two\"", "not a whole number"]),
        (9, vec!["duplicate case_id \"R1\"", "cases.csv:2"]),
        (10, vec!["first_response_at", "before `received_at`"]),
        (11, vec!["outside the audited period 2026-10"]),
        (12, vec!["45944.375", "Excel"]),
    ] {
        let why = reason(line);
        for p in parts {
            assert!(why.contains(p), "line {line}: {why:?} lacks {p:?}");
        }
    }
    for x in &r.rejected {
        assert!(x.file.ends_with("rejects/cases.csv"));
        assert!(!x.raw.is_empty());
    }
}

#[test]
fn a_missing_required_column_is_refused_with_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    let refused = |text: &str| -> String {
        std::fs::write(&p, text).unwrap();
        audit::load(&cases_only(&p), &default_rules(), None)
            .err()
            .expect("refused")
            .to_string()
    };
    let e = refused("case_id,center,received_at,category\nC1,c,2026-10-01 09:00,咨询\n");
    assert!(
        e.contains("cases.csv") && e.contains("first_responder_id") && e.contains("首问人工号"),
        "{e}"
    );
    // Below a title row, the error quotes the header row (not the one-cell title).
    let e =
        refused("客户来访登记表,,,\n案件编号,服务中心,受理时间,类别\nK1,c,2026-10-03 09:00,咨询\n");
    assert!(
        e.contains("first_responder_id")
            && e.contains("The header read was: 案件编号,服务中心,受理时间,类别"),
        "{e}"
    );
}

#[test]
fn xlsx_cases_read_like_csv_with_sheet_rows_as_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows = [
        [
            "案件编号",
            "服务中心",
            "受理时间",
            "类别",
            "首问人工号",
            "首次回应时间",
        ],
        [
            "K1",
            "c",
            "2026-10-03 09:00",
            "咨询",
            "E01",
            "2026-10-05 09:00",
        ],
        ["K2", "c", "bad time", "咨询", "E01", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(&p).unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_reconciles(&r);
    assert_eq!(r.stats[0].encoding, "xlsx");
    assert_eq!(verdicts(&r), [v("K1", "RESP-24H", "E01", false)].into());
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].line, 3, "the worksheet row");
}

/// Exports often put the report's title, its date range and a blank line above the header
/// row. The header is the first row naming the required columns; the rows above it are
/// passed over and named in a warning, and the data rows keep their own line numbers
/// (the same in a workbook: tests/xlsx_inputs.rs).
#[test]
fn an_export_title_above_the_header_is_passed_over_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    let rows = "案件编号,服务中心,受理时间,类别,首问人工号,首次回应时间\n\
K1,c,2026-10-03 09:00,咨询,E01,2026-10-05 09:00\n\
K2,c,bad time,咨询,E01,\n";
    // Title, date range and a blank row as Excel saves them (empty cells): header on line 4.
    std::fs::write(
        &p,
        format!("锦绣华庭服务中心客户来访登记表（2026年10月）,,,,,\n统计时间：2026-10-01 至 2026-10-31,,,,,\n,,,,,\n{rows}"),
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_reconciles(&r);
    assert_eq!(r.stats[0].rows_read, 2, "the title rows are no data");
    // K1: first response after 48 hours, charged to E01; K2: its time is unreadable.
    assert_eq!(verdicts(&r), [v("K1", "RESP-24H", "E01", false)].into());
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].line, 6, "K2's own line");
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("lines 1–3 above the header row (line 4)")
            && w.contains("锦绣华庭服务中心客户来访登记表（2026年10月）")
            && w.contains("统计时间"),
        "{w}"
    );
    // A header on line 1 is read as before, without a word.
    std::fs::write(&p, rows).unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert!(r.input_warnings.is_empty(), "{:?}", r.input_warnings);
    assert_eq!(r.rejected[0].line, 3);
}

/// An export with the first responder's name (首问人) but no 工号 column is audited with
/// the names as the employees' ids, and the audit says so: a roster joins a name it gives
/// one employee (see `ids_written_otherwise_join_the_roster_and_unknown_ones_are_named`),
/// and two employees of one name stay one.
#[test]
fn names_taken_as_ids_for_lack_of_a_gonghao_column_are_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    std::fs::write(
        &p,
        "编号,服务中心,受理时间,类别,首问人,首次回应时间\nK1,c,2026-10-03 09:00,咨询,张伟,2026-10-05 09:00\n",
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_eq!(verdicts(&r), [v("K1", "RESP-24H", "张伟", false)].into());
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("no 首问人工号")
            && w.contains("\"首问人\"")
            && w.contains("[input.aliases.cases]"),
        "{w}"
    );
    // With the 工号 column, nothing to say.
    std::fs::write(
        &p,
        "编号,服务中心,受理时间,类别,首问人,首问人工号,首次回应时间\nK1,c,2026-10-03 09:00,咨询,张伟,E01,2026-10-05 09:00\n",
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert!(r.input_warnings.is_empty(), "{:?}", r.input_warnings);
}

/// 序号 beside 工单号 is the table's row counter: the case id is 工单号, with no question
/// asked. 序号 alone is taken as the case id, with a warning (numbered 1…N in every export,
/// a second export's cases would be rejected as repeats).
#[test]
fn xuhao_yields_to_any_other_case_id_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    std::fs::write(
        &p,
        "序号,工单号,服务中心,受理时间,类别,首问人工号,首次回应时间\n\
1,GD001,c,2026-10-03 09:00,咨询,E01,2026-10-05 09:00\n\
1,GD002,c,2026-10-03 09:00,咨询,E01,2026-10-03 10:00\n",
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    assert_eq!(verdicts(&r), [v("GD001", "RESP-24H", "E01", false)].into());
    assert!(r.input_warnings.is_empty(), "{:?}", r.input_warnings);
    std::fs::write(
        &p,
        "序号,服务中心,受理时间,类别,首问人工号,首次回应时间\n1,c,2026-10-03 09:00,咨询,E01,2026-10-05 09:00\n",
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_eq!(verdicts(&r), [v("1", "RESP-24H", "E01", false)].into());
    let w = r.input_warnings.join("\n");
    assert!(w.contains("\"序号\"") && w.contains("row counter"), "{w}");
}

/// A date written without a time of day (an export that keeps only 受理日期, a response
/// dated 10-04) is a day of unknown hour: a finding is charged only when it holds
/// whatever the hour was. RESP-24H (4.1, 24 小时内回应) counts from the end of a receipt
/// day and to the start of a response day; a response dated the day of receipt is in
/// order; a day wholly before the receipt is rejected.
#[test]
fn a_date_without_a_time_is_judged_at_whatever_hour_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    std::fs::write(
        &p,
        "case_id,center,received_at,category,first_responder_id,first_response_at\n\
D1,c,2026-10-03 09:05,咨询,E01,2026-10-03\n\
D2,c,2026-10-03 09:05,咨询,E01,2026-10-02 23:00\n\
D3,c,2026-10-03,咨询,E03,2026-10-04 20:00\n\
D4,c,2026-10-03,咨询,E04,2026-10-05 00:30\n\
D5,c,2026-10-03,咨询,E05,2026-10-02\n\
D6,c,2026/10/3,咨询,E06,2026年10月3日\n\
D7,c,2026-10-03 10:00,咨询,E07,2026-10-04\n\
D8,c,2026-10-03 10:00,咨询,E08,2026-10-05\n\
D9,c,2026-10-03 10:00,咨询,E09,2026-10-04 10:01\n",
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    let got = reasons(&r);
    // D2: a time before receipt; D5: a whole day before it.
    assert_eq!(
        got.iter().map(|g| g.1).collect::<Vec<_>>(),
        [3, 6],
        "{got:?}"
    );
    assert!(got[0].2.contains("2026-10-02 23:00 is before"), "{got:?}");
    assert!(
        got[1]
            .2
            .ends_with("2026-10-02 is before `received_at` (受理时间) 2026-10-03"),
        "{got:?}"
    );
    // D1, D3, D6, D7 on time at some hour of their days; D4 late even from 23:59 of the
    // 3rd; D8 late even at 00:00 of the 5th; D9 late by the clock.
    let rows: BTreeSet<_> = verdicts(&r)
        .into_iter()
        .filter(|x| x.1 == "RESP-24H")
        .map(|x| (x.0, x.2))
        .collect();
    let want: BTreeSet<(String, String)> = [("D4", "E04"), ("D8", "E08"), ("D9", "E09")]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(rows, want);
    let ev = |case: &str| {
        r.violations
            .iter()
            .find(|v| v.case_id(&r.cases) == case)
            .map(|v| v.evidence.to_string())
            .unwrap()
    };
    let d4 = ev("D4");
    assert!(
        d4.contains("2026-10-03（未记时刻，按当日结束计）") && d4.contains("2026-10-05 00:30"),
        "{d4}"
    );
    // The on-time rate counts alike: D1, D3, D6, D7 of the seven answered.
    let k = shouwen::audit::kpis(
        &r.cases,
        0..r.cases.len(),
        r.as_of,
        r.rules.calendar.tz,
        &r.followup_not_due,
    );
    assert!((k.on_time_rate.unwrap() - 4.0 / 7.0).abs() < 1e-9, "{k:?}");
    let d8 = ev("D8");
    assert!(
        d8.contains("2026-10-05（未记时刻，按当日 0 时计）") && d8.contains("用时 38.0 小时"),
        "{d8}"
    );
}

/// An export that keeps the date and the time of day in columns of their own (受理日期 |
/// 受理时间) has them joined; an empty time leaves the date alone, a day of unknown hour;
/// an export with only 受理日期 is read as such days. RESP-24H (4.1) then judges them.
#[test]
fn a_date_kept_apart_from_its_time_of_day_is_joined_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    std::fs::write(
        &p,
        "编号,服务中心,受理日期,受理时间,类别,首问人工号,首次回应日期,首次回应时间\n\
A1,c,2026-10-03,9:05,咨询,E01,2026-10-04,10:00\n\
A2,c,2026/10/3,下午3:05,咨询,E02,2026/10/4,14:00\n\
A3,c,2026-10-03,,咨询,E03,2026-10-05,\n\
A4,c,,09:00,咨询,E04,2026-10-05,\n\
A5,c,2026-10-03,2026-10-03 09:00,咨询,E05,2026-10-04,08:00\n\
A6,c,10月3号,9:05,咨询,E06,2026-10-04,08:00\n",
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    let got = reasons(&r);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].1, 5);
    assert!(got[0].2.contains("a time of day without a date"), "{got:?}");
    // A date column that cannot be read is named, with the value it gave.
    assert_eq!(got[1].1, 7);
    assert!(
        got[1]
            .2
            .contains("cannot read \"10月3号 9:05\" (its date from column \"受理日期\")"),
        "{got:?}"
    );
    // A1 took 24.9 hours; A2 23 hours; A3 two days apart whatever the hours; A5 23 hours.
    assert_eq!(
        verdicts(&r),
        [
            v("A1", "RESP-24H", "E01", false),
            v("A3", "RESP-24H", "E03", false)
        ]
        .into()
    );
    let a1 = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "A1")
        .unwrap();
    assert!(
        a1.evidence
            .to_string()
            .contains("2026-10-03 09:05 → 首次回应时间 2026-10-04 10:00"),
        "{}",
        a1.evidence
    );
    // Only the dates: each a day of unknown hour.
    std::fs::write(
        &p,
        "编号,服务中心,受理日期,类别,首问人工号,首次回应日期\n\
B1,c,2026-10-03,咨询,E01,2026-10-04\n\
B2,c,2026-10-03,咨询,E02,2026-10-05\n",
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    assert_eq!(verdicts(&r), [v("B2", "RESP-24H", "E02", false)].into());
    // Placeholders in either column: no response (P1, P2, P3: judged unanswered), or the
    // date alone (P4); no row lost.
    std::fs::write(
        &p,
        "编号,服务中心,受理日期,受理时间,类别,首问人工号,首次回应日期,首次回应时间\n\
P1,c,2026-10-03,9:05,咨询,E01,无,无\n\
P2,c,2026-10-03,9:05,咨询,E02,-,\n\
P3,c,2026-10-03,9:05,咨询,E03,0000-00-00,00:00:00\n\
P4,c,2026-10-03,9:05,咨询,E04,2026-10-05,-\n\
P5,c,2026-10-03,9:05,咨询,E05,2026-10-03,NULL\n",
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), period("2026-10"));
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    assert_eq!(
        verdicts(&r),
        [
            v("P1", "RESP-24H", "E01", false),
            v("P2", "RESP-24H", "E02", false),
            v("P3", "RESP-24H", "E03", false),
            v("P4", "RESP-24H", "E04", false),
        ]
        .into()
    );
}

/// A date with its year last (`03/10/2026`) is read in the order the file's own dates
/// show: a Hong Kong export writing `13/10/2026` writes the day first, so its
/// `03/10/2026` is 3 October, not March 10. A file that gives no sign is read month
/// first (311 exports) with a warning; a file written both ways is not guessed at;
/// `[input] date_order` decides outright. RESP-24H (4.1) then judges the hours.
#[test]
fn a_date_with_its_year_last_reads_in_the_order_the_file_shows() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    let header = "编号,服务中心,受理时间,类别,首问人工号,首次回应时间\n";
    let with_order = |order: &str| {
        let text = read(&root().join("rules/default.toml"))
            .replace("date_order = \"auto\"", &format!("date_order = {order:?}"));
        rules::parse(&text, "company.toml", "-").unwrap()
    };
    // H1 is 3 → 4 October read day first (23 hours), March 10 → April 10 read month
    // first; H2 (13 October) can only be read day first; H3 answered in 25 hours.
    std::fs::write(
        &p,
        format!(
            "{header}H1,c,03/10/2026 09:00,咨询,E01,04/10/2026 08:00\n\
H2,c,12/10/2026 09:00,咨询,E02,13/10/2026 08:00\n\
H3,c,3.10.2026 09:00,咨询,E03,4.10.2026 10:00\n"
        ),
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    assert_eq!(verdicts(&r), [v("H3", "RESP-24H", "E03", false)].into());
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("read day first (日/月/年), as line 3 \"13/10/2026 08:00\" can only be read"),
        "{w}"
    );
    // The rules file's month-first is obeyed: 13/10 is no month, and H1 is late.
    let r = audit_files(
        cases_only(&p),
        with_order("month-first"),
        AuditOptions::default(),
    );
    let got = reasons(&r);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].2.contains("month 13 is not 1–12"), "{got:?}");
    assert!(r.input_warnings.is_empty(), "{:?}", r.input_warnings);
    // Day first set outright: the same verdicts as the file's own evidence gave.
    let r = audit_files(
        cases_only(&p),
        with_order("day-first"),
        AuditOptions::default(),
    );
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    assert_eq!(verdicts(&r), [v("H3", "RESP-24H", "E03", false)].into());
    assert!(r.input_warnings.is_empty(), "{:?}", r.input_warnings);

    // No date past the 12th: read month first (10/03 is October 3), and said so.
    std::fs::write(
        &p,
        format!("{header}U1,c,10/03/2026 09:00,咨询,E01,10/04/2026 10:00\n"),
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_eq!(verdicts(&r), [v("U1", "RESP-24H", "E01", false)].into());
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("2 dates with the year last (e.g. 03/10/2026) read either way"),
        "{w}"
    );
    // US order shown by a day past the 12th (a 311 export): no warning.
    std::fs::write(
        &p,
        format!("{header}U1,c,10/13/2026 09:00,咨询,E01,10/14/2026 08:00\n"),
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert!(r.rejected.is_empty() && verdicts(&r).is_empty());
    assert!(r.input_warnings.is_empty(), "{:?}", r.input_warnings);
    // Both orders in one file: month first, the day-first row rejected, and a warning
    // naming one of each.
    std::fs::write(
        &p,
        format!(
            "{header}M1,c,10/13/2026 09:00,咨询,E01,10/14/2026 08:00\n\
M2,c,13/10/2026 09:00,咨询,E02,14/10/2026 08:00\n"
        ),
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    let got = reasons(&r);
    assert_eq!((got.len(), got[0].1), (1, 3), "{got:?}");
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("written both ways (line 2 \"10/13/2026 09:00\" 月/日/年, line 3 \"13/10/2026 09:00\" 日/月/年)"),
        "{w}"
    );
    // One mistyped day-first date among forty month-first rows (03/01/2011, none past
    // the 12th) does not turn the file: month first, the typo's row rejected, and said.
    let mut text = header.to_string();
    for i in 1..=40 {
        let answered = if i == 7 {
            "13/03/2011 10:00"
        } else {
            "03/01/2011 10:00"
        };
        text.push_str(&format!("T{i},c,03/01/2011 09:00,咨询,E01,{answered}\n"));
    }
    std::fs::write(&p, text).unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    let got = reasons(&r);
    assert_eq!((got.len(), got[0].1), (1, 8), "{got:?}");
    assert!(got[0].2.contains("month 13 is not 1–12"), "{got:?}");
    // Read month first, March 1 answered within the hour: no RESP-24H anywhere.
    assert!(verdicts(&r).is_empty(), "{:?}", verdicts(&r));
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("only 1 of 80 read only day first (first line 8 \"13/03/2011 10:00\"), too few"),
        "{w}"
    );
    // A day-first export of October 1–12 with one row on the 13th (its receipt and its
    // answer): two dates say day first, and the file is read so.
    let mut text = header.to_string();
    for i in 1..=30 {
        let day = if i == 30 { 13 } else { 1 + i % 12 };
        text.push_str(&format!(
            "D{i},c,{day:02}/10/2026 09:00,咨询,E01,{day:02}/10/2026 10:00\n"
        ));
    }
    std::fs::write(&p, text).unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    assert_eq!(r.period, "2026-10");
    let bad = read(&root().join("rules/default.toml"))
        .replace("date_order = \"auto\"", "date_order = \"dmy\"");
    let err = rules::parse(&bad, "company.toml", "-").unwrap_err();
    assert!(
        err.iter().any(|e| e
            .to_string()
            .contains("unknown date_order `dmy`; expected `auto`")),
        "{err:?}"
    );
}

// ---------- the command line ----------

fn shouwen(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shouwen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("runs")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn cli_audit_writes_the_report_and_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r1");
    let rules = root().join("rules/default.toml");
    let basic = fixture("basic");
    let args = |o: &Path| {
        vec![
            "audit".to_string(),
            basic.display().to_string(),
            "--rules".into(),
            rules.display().to_string(),
            "--period".into(),
            "2026-10".into(),
            "--select".into(),
            "RESP,RECORD".into(),
            "--out".into(),
            o.display().to_string(),
        ]
    };
    let a: Vec<String> = args(&out);
    let o = shouwen(
        &a.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in shouwen::report::FILES {
        assert!(out.join(f).is_file(), "{f}");
    }
    let viol = read(&out.join("violations.csv"));
    assert!(viol.starts_with("case_id,rule_id,title,severity,points,employee_id,employee_name,center,evidence,source,waived,waiver_reason\n"));
    assert!(viol.contains("C07,RESP-24H,24小时内首次回应,major,0,E03,周敏,滨江壹号服务中心,首次回应用时 78.0 小时，超过 24 小时"));
    assert!(viol.contains("basic/cases.csv:"), "source names file:line");
    let m: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(m["period"], "2026-10");
    assert_eq!(m["as_of"], "2026-11-01T00:00:00+08:00");
    assert_eq!(m["violations"], 5);
    assert_eq!(m["waived"], 1);
    assert_eq!(m["pending"], 1);
    for f in m["files"].as_array().unwrap() {
        assert_eq!(
            f["rows_read"].as_u64().unwrap(),
            f["rows_audited"].as_u64().unwrap() + f["rows_rejected"].as_u64().unwrap()
        );
        // The hash of the file's bytes, computed here on its own.
        let bytes = std::fs::read(f["path"].as_str().unwrap()).unwrap();
        let want: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"].as_str().unwrap(), want, "{}", f["path"]);
    }
    // Same inputs, byte-identical outputs.
    let out2 = dir.path().join("r2");
    let a2 = args(&out2);
    let o2 = shouwen(
        &a2.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        dir.path(),
    );
    assert!(o2.status.success());
    for f in shouwen::report::FILES {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(out2.join(f)).unwrap(),
            "{f}"
        );
    }
    // --fail-on major: violations of that severity were found → exit 1, report still written.
    let mut a3 = args(&dir.path().join("r3"));
    a3.extend(["--fail-on".into(), "major".into()]);
    let o3 = shouwen(
        &a3.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        dir.path(),
    );
    assert_eq!(o3.status.code(), Some(1));
    let mut a4 = args(&dir.path().join("r4"));
    a4.extend(["--fail-on".into(), "critical".into()]);
    assert_eq!(
        shouwen(
            &a4.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            dir.path()
        )
        .status
        .code(),
        Some(0)
    );
}

/// A month with no audited case says so: a header-only export, or one whose every row was
/// rejected, must not read as a clean month.
#[test]
fn cli_an_audit_of_no_case_warns_that_it_says_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    std::fs::create_dir(&data).unwrap();
    let header = "case_id,center,received_at,category,first_responder_id\n";
    for (rows, why) in [
        ("", "the cases file holds no rows"),
        ("C1,c,not a time,咨询,E01\n", "every case row was rejected"),
        ("C1,c,2026-10-03 09:00,咨询,E01\n", ""),
    ] {
        std::fs::write(data.join("cases.csv"), format!("{header}{rows}")).unwrap();
        let out = dir.path().join("r");
        let o = shouwen(
            &[
                "audit",
                "d",
                "--out",
                out.to_str().unwrap(),
                "--format",
                "csv",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            text.contains("no case was audited"),
            !why.is_empty(),
            "{text}"
        );
        assert!(text.contains(why), "{text}");
    }
}

#[test]
fn cli_bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rules = root().join("rules/default.toml").display().to_string();
    // A previous report stays as it was.
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("violations.csv"), "previous").unwrap();
    std::fs::write(
        out.join("manifest.json"),
        r#"{"tool_version": "0.1.0", "rules": {"path": "x", "sha256": "y"}}"#,
    )
    .unwrap();
    let outs = out.display().to_string();

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let rejects = fixture("rejects/cases.csv").display().to_string();
    let unknown_sel = fixture("basic").display().to_string();
    let cases: &[(Vec<&str>, &[&str])] = &[
        (
            vec![
                "audit",
                "--cases",
                empty.to_str().unwrap(),
                "--rules",
                &rules,
                "--out",
                &outs,
            ],
            &["empty.csv", "empty"],
        ),
        (
            vec![
                "audit", "--cases", &rejects, "--rules", &rules, "--out", &outs, "--strict",
            ],
            &["--strict", "rejected"],
        ),
        (
            vec![
                "audit",
                &unknown_sel,
                "--rules",
                &rules,
                "--out",
                &outs,
                "--select",
                "NOPE",
            ],
            &["--select NOPE", "RESP-24H"],
        ),
        (
            vec![
                "audit",
                &unknown_sel,
                "--rules",
                &rules,
                "--out",
                &outs,
                "--select",
                "",
            ],
            &["--select: an empty rule id"],
        ),
        (
            vec![
                "audit",
                &unknown_sel,
                "--rules",
                &rules,
                "--out",
                &outs,
                "--period",
                "2026/10",
            ],
            &["--period"],
        ),
        (
            vec![
                "audit",
                "--cases",
                "/no/such/file.csv",
                "--rules",
                &rules,
                "--out",
                &outs,
            ],
            &["/no/such/file.csv"],
        ),
    ];
    for (args, wants) in cases {
        let o = shouwen(args, dir.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        for w in *wants {
            assert!(err.contains(w), "{args:?}: {err:?} lacks {w:?}");
        }
        assert_eq!(read(&out.join("violations.csv")), "previous", "{args:?}");
    }
}

/// A report replaces its folder as a whole, so `--out` must never name a folder of
/// other files (the dataset itself, someone's documents) or a file: refused before the
/// audit, everything left as it was. An earlier report's folder is replaced.
#[test]
fn cli_out_refuses_a_folder_that_is_not_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let rules = root().join("rules/default.toml").display().to_string();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for f in ["cases.csv", "roster.csv", "waivers.csv"] {
        std::fs::copy(fixture("basic").join(f), data.join(f)).unwrap();
    }
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    let d = data.display().to_string();
    for (out, want) in [
        (data.clone(), "cases.csv"),
        (file.clone(), "is not a folder"),
    ] {
        let o = shouwen(
            &[
                "audit",
                &d,
                "--rules",
                &rules,
                "--out",
                out.to_str().unwrap(),
            ],
            dir.path(),
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(want) && err.contains("--out"), "{err}");
    }
    assert_eq!(
        std::fs::read(data.join("cases.csv")).unwrap(),
        std::fs::read(fixture("basic").join("cases.csv")).unwrap()
    );
    assert_eq!(read(&file), "mine");
    // A new folder, then the same folder again (an earlier report): both written.
    let out = dir.path().join("r");
    for _ in 0..2 {
        let o = shouwen(
            &[
                "audit",
                &d,
                "--rules",
                &rules,
                "--out",
                out.to_str().unwrap(),
                "-q",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(out.join("manifest.json").is_file());
    }
}

#[test]
fn cli_masks_personal_data_in_rejected_rows_unless_unmasked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    std::fs::write(
        &p,
        "case_id,center,received_at,category,customer_name,customer_phone,first_responder_id\n\
         C1,c,not a time,咨询,陈小明,13912345678,E01\n\
         C2,c,2026-10-01 09:00,=HYPERLINK(\"x\"),李雷,13800001111,E01\n",
    )
    .unwrap();
    let rules = root().join("rules/default.toml").display().to_string();
    let run = |out: &str, extra: &[&str]| {
        let mut a = vec![
            "audit",
            "--cases",
            p.to_str().unwrap(),
            "--rules",
            &rules,
            "--out",
            out,
        ];
        a.extend_from_slice(extra);
        let o = shouwen(&a, dir.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        read(&dir.path().join(out).join("rejected.csv"))
    };
    let masked = run("m", &[]);
    assert!(
        masked.contains("陈**") && masked.contains("139****5678"),
        "{masked}"
    );
    assert!(
        !masked.contains("陈小明") && !masked.contains("13912345678"),
        "{masked}"
    );
    let unmasked = run("u", &["--unmask"]);
    assert!(unmasked.contains("陈小明") && unmasked.contains("13912345678"));
    let m: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("u/manifest.json"))).unwrap();
    assert_eq!(m["unmasked"], true);
}

#[test]
fn rules_check_points_at_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let base = read(&root().join("rules/default.toml"));
    let bad: &[(&str, &str, &str)] = &[
        ("within = \"24h\"", "within = \"24x\"", "unknown unit `x`"),
        (
            "kind = \"deadline\"",
            "kind = \"deadlin\"",
            "did you mean `deadline`?",
        ),
        (
            "clock = \"calendar\"",
            "clok = \"calendar\"",
            "unknown key `clok`",
        ),
        (
            "when = \"channel IN (",
            "when = \"chanel IN (",
            "did you mean `channel`?",
        ),
        (
            "id = \"RECORD-PHONE\"",
            "id = \"RECORD-CASE\"",
            "duplicate rule id `RECORD-CASE`",
        ),
        (
            "severity = \"minor\"",
            "severity = \"minr\"",
            "unknown severity `minr`",
        ),
    ];
    for (from, to, want) in bad {
        let text = base.replacen(from, to, 1);
        assert_ne!(text, base, "{from} not in default.toml");
        let p = dir.path().join("bad.toml");
        std::fs::write(&p, &text).unwrap();
        let o = shouwen(&["rules", "check", p.to_str().unwrap()], dir.path());
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{to}: {err}");
        // file:line:column of the offending text.
        let line = base[..base.find(from).unwrap()].matches('\n').count() + 1;
        assert!(
            err.contains(&format!("bad.toml:{line}:")),
            "{to}: expected line {line} in {err}"
        );
    }
    let o = shouwen(
        &[
            "rules",
            "check",
            root().join("rules/default.toml").to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

// ---------- the sample generator's ground truth ----------

fn expected(dir: &Path) -> BTreeSet<(String, String, String)> {
    let mut r = csv::Reader::from_path(dir.join("expected_violations.csv")).unwrap();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[0].to_string(), x[1].to_string(), x[2].to_string())
        })
        .collect()
}

fn found(r: &AuditResult) -> BTreeSet<(String, String, String)> {
    verdicts(r)
        .into_iter()
        .map(|(c, rule, e, _)| (c, rule, e))
        .collect()
}

#[test]
fn a_fresh_20000_case_sample_audit_finds_exactly_the_planted_violations() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    shouwen::sample::generate(
        &shouwen::sample::SampleOptions {
            cases: 20_000,
            seed: 7,
        },
        &out,
    )
    .unwrap();
    let r = audit_files(
        DatasetFiles::discover(&out).unwrap(),
        default_rules(),
        AuditOptions::default(),
    );
    assert_reconciles(&r);
    assert!(r.rejected.is_empty());
    let want = expected(&out);
    assert!(want.len() > 100, "the sample plants violations");
    let got = found(&r);
    let missed: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed {missed:?}\nextra {extra:?}"
    );
    // Every rule that exists is planted.
    for rule in &r.rules.rules {
        assert!(
            want.iter().any(|(_, id, _)| *id == rule.id),
            "{} not planted",
            rule.id
        );
    }
}

#[test]
fn the_committed_sample_data_audits_to_its_ground_truth() {
    let dir = root().join("sample-data");
    let r = audit_files(
        DatasetFiles::discover(&dir).unwrap(),
        default_rules(),
        AuditOptions::default(),
    );
    assert_reconciles(&r);
    assert_eq!(r.cases.len(), 5000);
    assert!(r.employees.len() >= 60);
    let centers: BTreeSet<&str> = (0..r.cases.len()).map(|i| r.case_center(i)).collect();
    assert!(centers.len() >= 3);
    assert_eq!(found(&r), expected(&dir));
}

// ---------- one fixture per rule kind (tests/fixtures/kinds/EXPECTED.md) ----------

fn kinds(select: &str) -> AuditResult {
    let files = DatasetFiles::discover(&fixture("kinds")).unwrap();
    let opts = AuditOptions {
        as_of: Some("2026-11-01 00:00".into()),
        select: vec![select.into()],
        ..AuditOptions::default()
    };
    let r = audit_files(files, default_rules(), opts);
    assert_reconciles(&r);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    r
}

#[test]
fn forbidden_phrase_fixture_verdicts() {
    let r = kinds("PHRASE");
    let want: BTreeSet<_> = [
        v("P01", "PHRASE-BANNED", "E08", false), // 王芳：这个不归我管
        v("P03", "PHRASE-BANNED", "E08", false), // spaced out: 不 归 我 管
        v("P04", "PHRASE-BANNED", "E08", false), // traditional: 不歸我管
        v("P06", "PHRASE-BANNED", "E09", false), // 客服 李娜：没办法 → 李娜
        v("P09", "PHRASE-BANNED", "E08", false), // continuation line of 王芳's turn
    ]
    .into();
    // P02 (a resident quoting), P05 (allowed context) and P07 (the resident's own content) pass.
    assert_eq!(verdicts(&r), want);
    let p01 = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "P01")
        .unwrap();
    assert_eq!(
        &*p01.evidence.text(),
        "「这个不归我管，您去找开发商」（王芳，第 1 行）"
    );
    // P08: 张三 is neither on the roster, nor the customer (陈先生), nor the first
    // responder (王芳): charged to no one, listed as not judged with the words.
    let run = &r.runs[r
        .rules
        .rules
        .iter()
        .position(|x| x.id == "PHRASE-BANNED")
        .unwrap()];
    let p08: Vec<&(String, String)> = run.not_judged.iter().filter(|(c, _)| c == "P08").collect();
    assert_eq!(p08.len(), 1, "{:?}", run.not_judged);
    assert!(
        p08[0].1.contains("「我不知道」（张三，第 1 行）")
            && p08[0].1.contains("charged to no one"),
        "{}",
        p08[0].1
    );
}

/// Who spoke in a transcript (hand-judged, 首问责任管理制度 4.7 binds staff): a resident
/// addressed by a form of the customer's surname (张阿姨, 老张, 陈姐) or by a form alone
/// (阿姨), the question of a 问/答 transcript, and the customer recorded as 陈先生 speaking
/// as 陈小明, are the resident: no violation. A colleague of another post (保安, 保洁阿姨)
/// or a person nobody can name is charged to no one and listed as not judged. The front
/// desk's label (客服, 答) is the first responder's. Denials (这不是不归我管) are no refusal;
/// the same asked back (不是不归我管吗) is.
#[test]
fn phrase_speakers_residents_by_address_colleagues_and_denials() {
    let row = |id: &str, customer: &str, reply: &str| {
        format!("{id},甲中心,2026-10-12 09:00:00,来访,咨询,{customer},,1栋101,反映问题,E01,王芳,2026-10-12 09:10:00,\"{reply}\",2026-10-12 18:00:00,,已处理,1,,,,\n")
    };
    let mut cases = CASES_HEADER.to_string();
    for (id, customer, reply) in [
        (
            "A1",
            "张桂兰",
            "王芳：您好\n张阿姨：我不知道是谁家漏水\n王芳：我马上去查",
        ),
        ("A2", "张三", "老张：我不知道是谁家漏水\n王芳：我马上去查"),
        ("A3", "陈丽", "陈姐：我不知道\n王芳：好的"),
        ("A4", "", "阿姨：我也没办法\n王芳：我来处理"),
        ("A5", "李四", "问：我不知道怎么办\n答：我帮您登记"),
        ("A6", "陈先生", "陈小明：你们怎么什么都不知道\n王芳：抱歉"),
        ("A7", "陈小明", "陈 小明：你们怎么什么都不知道\n王芳：抱歉"),
        ("B1", "李四", "保安：这个不归我管\n王芳：我来协调"),
        ("B2", "李四", "保洁阿姨：没办法\n王芳：我来协调"),
        ("B3", "", "李雷：没办法了吗\n王芳：抱歉"),
        ("C1", "李四", "客服：这个不归我管"),
        ("C2", "李四", "问：能修吗\n答：没办法"),
        ("C3", "李四", "王芳：这事不是不归我管吗，找工程部"),
        (
            "D1",
            "李四",
            "王芳：这不是不归我管，是需要工程部一起来看，我来协调",
        ),
        ("D2", "李四", "王芳：并不是不归我们管，我来协调"),
        ("D3", "李四", "王芳：我们这里没有不归我管的事"),
        // A roster employee of another center sharing the 王女士's surname is staff; a
        // spaced label is the name it spells; the desk's posts and English labels are
        // the desk's.
        ("E1", "王女士", "王磊：这个不归我管"),
        ("E2", "李四", "王 芳：不归我管"),
        ("E3", "李四", "客服主管：没办法"),
        ("E4", "李四", "Agent：不知道"),
        // A guard's words beside the first responder's own: hers charged, his listed.
        ("E5", "李四", "保安：不归我管\n王芳：没办法"),
    ] {
        cases.push_str(&row(id, customer, reply));
    }
    let d = dataset(&[
        ("cases.csv", cases.as_str()),
        (
            "roster.csv",
            "employee_id,name,role,department,center,supervisor_id,base_pay\nE01,王芳,管理人员,客服部,甲中心,,3000\nE09,王磊,管理人员,客服部,乙中心,,3000\n",
        ),
    ]);
    let r = audit_files(
        DatasetFiles::discover(d.path()).unwrap(),
        default_rules(),
        AuditOptions {
            select: vec!["PHRASE".into()],
            ..AuditOptions::default()
        },
    );
    assert_reconciles(&r);
    assert_eq!(
        verdicts(&r),
        [
            v("C1", "PHRASE-BANNED", "E01", false),
            v("C2", "PHRASE-BANNED", "E01", false),
            v("C3", "PHRASE-BANNED", "E01", false),
            v("E1", "PHRASE-BANNED", "E09", false),
            v("E2", "PHRASE-BANNED", "E01", false),
            v("E3", "PHRASE-BANNED", "E01", false),
            v("E4", "PHRASE-BANNED", "E01", false),
            v("E5", "PHRASE-BANNED", "E01", false),
        ]
        .into()
    );
    let run = &r.runs[r
        .rules
        .rules
        .iter()
        .position(|x| x.id == "PHRASE-BANNED")
        .unwrap()];
    let unjudged: BTreeSet<&str> = run.not_judged.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(unjudged, ["B1", "B2", "B3", "E5"].into());
    assert!(run.not_judged.iter().any(|(c, why)| c == "E5"
        && why.contains("「不归我管」（保安，第 1 行）")
        && !why.contains("没办法")));
    assert!(run.not_judged.iter().any(|(c, why)| c == "B1"
        && why.contains("「这个不归我管」（保安，第 1 行）")
        && why.contains("first responder (王芳)")));
    // Judged: every case but the three nobody can be charged for (E5 is judged: 王芳's
    // words are charged).
    assert_eq!(run.judged, 18);
}

#[test]
fn escalation_fixture_verdicts() {
    let r = kinds("ESC");
    let want: BTreeSet<_> = [
        v("H02", "ESC-PATH", "E07", false), // 保安员 straight to a 部门主管
        v("H04", "ESC-RETRANSFER", "E03", false), // 工程部 passed it on to 秩序部
        v("H06", "ESC-PINGPONG", "E02", false), // 经理 → 客户关系主管 → 经理
        v("H07", "ESC-MAX", "E02", false),  // the 4th handoff
        v("H08", "ESC-PATH", "E08", false), // another center, not via the 管理部经理
    ]
    .into();
    // H01 (two-step via 客户关系主管), H03 (保安员 → 保安队长), H05 (back to 客户关系主管
    // for coordination) pass.
    assert_eq!(verdicts(&r), want);
    let h04 = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "H04")
        .unwrap();
    assert!(
        h04.evidence
            .text()
            .starts_with("第2次转交 E03(部门主管, 工程部) → E04(部门主管, 秩序部)"),
        "{}",
        h04.evidence
    );
    // H09 hands to E99, who is not in the roster: not judged, and said so.
    let esc_path = r
        .rules
        .rules
        .iter()
        .position(|x| x.id == "ESC-PATH")
        .unwrap();
    let nj = &r.runs[esc_path].not_judged;
    assert_eq!(nj.len(), 1);
    assert_eq!(nj[0].0, "H09");
    assert!(nj[0].1.contains("E99"), "{}", nj[0].1);
}

#[test]
fn escalation_and_pay_without_a_roster_say_they_could_not_run() {
    let mut files = DatasetFiles::discover(&fixture("kinds")).unwrap();
    let opts = AuditOptions {
        select: vec!["ESC".into()],
        ..AuditOptions::default()
    };
    let with_roster = audit_files(files.clone(), default_rules(), opts.clone());
    assert_eq!(with_roster.pay_not_run, None);
    files.roster = None;
    let r = audit_files(files, default_rules(), opts);
    assert!(r.violations.is_empty());
    assert!(r.pay_not_run.as_deref().unwrap_or("").contains("no roster"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    shouwen::report::write(&r, &out, &shouwen::report::ReportOptions::default()).unwrap();
    let m: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(m["pay"]["status"], "could not run", "{}", m["pay"]);
    let summary = shouwen::report::summary::render(&r, &r.centers, &out, "csv");
    assert!(
        summary.contains("warning: pay could not run: no roster"),
        "{summary}"
    );
    for (rule, run) in r.rules.rules.iter().zip(&r.runs) {
        if rule.id.starts_with("ESC") {
            assert!(
                run.not_run.as_deref().unwrap_or("").contains("no roster"),
                "{}",
                rule.id
            );
        }
    }
}

#[test]
fn expression_deadline_and_inspection_fixture_verdicts() {
    let r = kinds("VISITS");
    assert_eq!(verdicts(&r), [v("X01", "VISITS-2", "E08", false)].into());
    let r = kinds("PROMISE");
    // X02 open with no promised time; X03 solved on the spot needs none.
    assert_eq!(
        verdicts(&r),
        [v("X02", "PROMISE-TIME", "E08", false)].into()
    );
    // The evidence shows why the rule applied (what `when` read), not only the condition.
    let ev = r.violations[0].evidence.to_string();
    assert!(
        ev.starts_with(
            "不满足 promised_at IS NOT NULL（承诺时间 = 空；适用条件读取：首次回应时间 = "
        ) && ev.contains("办结时间 = 空"),
        "{ev}"
    );
    let r = kinds("FOLLOWUP-3WD");
    // D01 followed up at 09:00 on the 调休 Saturday 10-10, within 3 working days of 09-30
    // across the National Day holiday; D02 one second after the due time; D03 never.
    assert_eq!(
        verdicts(&r),
        [
            v("D02", "FOLLOWUP-3WD", "E08", false),
            v("D03", "FOLLOWUP-3WD", "E08", false)
        ]
        .into()
    );
    let pending: Vec<&str> = r.pending.iter().map(|p| r.case_id(p.row)).collect();
    assert_eq!(
        pending,
        ["D04"],
        "resolved 10-30, due 11-04: still inside its deadline"
    );
    let r = kinds("INSPECT");
    let pts: Vec<(String, f64)> = r
        .violations
        .iter()
        .map(|v| (v.evidence.to_string(), v.points))
        .collect();
    assert_eq!(
        pts,
        [
            ("电话抽查 2026-10-15 10:00 发现：打官腔".to_string(), 2.0),
            ("电话抽查 2026-10-15 10:00 发现：傲慢".to_string(), 2.0)
        ]
    );
    assert!(r
        .violations
        .iter()
        .all(|v| v.case_id(&r.cases) == "I01" && &*v.employee_id == "E08"));
    let run = &r.runs[r
        .rules
        .rules
        .iter()
        .position(|x| x.id == "INSPECT-FINDINGS")
        .unwrap()];
    assert_eq!(run.not_judged.len(), 1, "I03's 态度差 is not in the table");
    let e08 = r
        .scorecards
        .iter()
        .find(|c| c.employee.id == "E08")
        .unwrap();
    assert_eq!(e08.points, 4.0);
}

#[test]
fn a_company_copy_with_changed_thresholds_audits_without_code_changes() {
    let dir = tempfile::tempdir().unwrap();
    let text = read(&root().join("rules/default.toml"))
        .replace("within = \"24h\"", "within = \"48h\"")
        .replace("phrases = [\"不知道\", \"不清楚\", \"没办法\", \"没有办法\", \"办不了\", \"不归我管\", \"不归我们管\", \"不懂\"]", "phrases = [\"开发商\"]")
        .replace("points = 3\nresponsible = \"speaker\"", "points = 5\nresponsible = \"speaker\"");
    let p = dir.path().join("company.toml");
    std::fs::write(&p, &text).unwrap();
    let rules = rules::load(&p).unwrap();
    let files = DatasetFiles::discover(&fixture("kinds")).unwrap();
    let opts = AuditOptions {
        as_of: Some("2026-11-01 00:00".into()),
        select: vec!["PHRASE".into()],
        ..AuditOptions::default()
    };
    let r = audit_files(files, rules, opts);
    // Only P01 mentions 开发商 now; it costs the company's 5 points.
    assert_eq!(
        verdicts(&r),
        [v("P01", "PHRASE-BANNED", "E08", false)].into()
    );
    assert_eq!(r.violations[0].points, 5.0);
    // And the 48-hour limit makes the basic fixture's 24:00:01 response on time.
    let rules = rules::load(&p).unwrap();
    let r = audit_files(
        DatasetFiles::discover(&fixture("basic")).unwrap(),
        rules,
        basic_opts(),
    );
    assert!(!verdicts(&r).iter().any(|x| x.0 == "C02"));
}

// ---------- `rules check` messages, pinned (tests/rules_check/*.toml → *.stderr) ----------

#[test]
fn rules_check_messages_are_pinned_per_failure_mode() {
    let dir = root().join("tests/rules_check");
    let bless = std::env::var_os("SHOUWEN_BLESS").is_some();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    let mut mismatches = vec![];
    for f in files {
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        let o = shouwen(&["rules", "check", &name], &dir);
        assert_eq!(o.status.code(), Some(2), "{name} must be refused");
        let got = String::from_utf8_lossy(&o.stderr).to_string();
        let snap = f.with_extension("stderr");
        if bless {
            std::fs::write(&snap, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&snap).unwrap_or_default();
        if got != want {
            mismatches.push(format!("--- {name}\nwant:\n{want}\ngot:\n{got}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n(rerun with SHOUWEN_BLESS=1 to accept)",
        mismatches.join("\n")
    );
}

#[test]
fn rules_explain_tells_what_why_and_how() {
    let dir = tempfile::tempdir().unwrap();
    let o = shouwen(
        &[
            "rules",
            "explain",
            "ESC-RETRANSFER",
            "--rules",
            root().join("rules/default.toml").to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    for want in [
        "ESC-RETRANSFER 责任接受部门不得再次转移",
        "不得再次转移至其它部门",
        "checks no_retransfer",
        "Example violation",
    ] {
        assert!(out.contains(want), "{want:?} missing from:\n{out}");
    }
    let o = shouwen(
        &[
            "rules",
            "explain",
            "RESP-42H",
            "--rules",
            root().join("rules/default.toml").to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `RESP-24H`?"));
}

#[test]
fn a_late_case_is_charged_to_whoever_held_it_when_the_deadline_passed() {
    let dir = tempfile::tempdir().unwrap();
    let rules = r#"
[[rule]]
id = "RESOLVE-90M"
title = "90 分钟内办结"
kind = "deadline"
severity = "major"
points = 2
responsible = "holder"
basis = "test"
from = "received_at"
to = "resolved_at"
within = "90m"
"#;
    let p = dir.path().join("holder.toml");
    std::fs::write(&p, rules).unwrap();
    let opts = AuditOptions {
        as_of: Some("2026-11-01 00:00".into()),
        ..AuditOptions::default()
    };
    let r = audit_files(
        DatasetFiles::discover(&fixture("kinds")).unwrap(),
        rules::load(&p).unwrap(),
        opts,
    );
    // H01 received 09:00, due 10:30: 王芳 handed it to 客户关系主管 E02 at 10:00, who passed
    // it on at 11:00 — E02 held it when the deadline passed.
    let h01: Vec<&str> = r
        .violations
        .iter()
        .filter(|v| v.case_id(&r.cases) == "H01")
        .map(|v| &*v.employee_id)
        .collect();
    assert_eq!(h01, ["E02"]);
    // The evidence shows E02 why: when it fell due, and the handoff that made him the
    // holder, with its file and line.
    let ev = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "H01")
        .unwrap()
        .evidence
        .to_string();
    assert!(
        ev.contains("（2026-10-12 10:30 到期时由 E02 持有：E08 于 2026-10-12 10:00 转交给 E02，"),
        "{ev}"
    );
    assert!(ev.contains("kinds/handoffs.csv:2）"), "{ev}");
    // P01 was never handed on: its first responder holds it.
    let p01: Vec<&str> = r
        .violations
        .iter()
        .filter(|v| v.case_id(&r.cases) == "P01")
        .map(|v| &*v.employee_id)
        .collect();
    assert_eq!(p01, ["E08"]);
    let ev = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "P01")
        .unwrap()
        .evidence
        .to_string();
    assert!(ev.ends_with("（未转交，由首问责任人持有）"), "{ev}");
}

/// Reads real public data nobody here wrote: ../shared/realdata/nyc311/ (NYC 311 Open
/// Data; see its SOURCE.md). Not copied into the project.
#[test]
fn real_nyc311_export_maps_by_aliases_and_reconciles() {
    let data = root().join("../shared/realdata/nyc311/311_subset.micro.csv");
    if !data.is_file() {
        eprintln!("skipped: {} not present", data.display());
        return;
    }
    let rules = rules::load(&fixture("realdata/nyc311_smoke.toml")).unwrap();
    let r = audit_files(cases_only(&data), rules, AuditOptions::default());
    assert_reconciles(&r);
    assert_eq!(r.stats[0].rows_read, 2000);
    // One header (Agency) feeds two canonical columns.
    assert_eq!(r.cases.text("center"), r.cases.text("first_responder_id"));
    // The one row closed on 01/01/1900 (a placeholder date on an open case) is audited,
    // with no closure: nothing is rejected.
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let raw = std::fs::read_to_string(&data).unwrap();
    let open_ids: Vec<&str> = raw
        .lines()
        .filter(|l| l.contains("01/01/1900"))
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(open_ids.len(), 1, "the premise: one placeholder closure");
    let ids = r.cases.text("case_id");
    let row = (0..r.cases.len())
        .find(|&i| ids.get(i) == Some(open_ids[0]))
        .unwrap();
    assert_eq!(r.cases.time("resolved_at").get(row), None);
    assert!(!r.violations.is_empty());
}

#[test]
fn an_export_without_staff_ids_charges_the_first_responder_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    // Tab-separated, Chinese headers, no 首问人工号 column: 首问人 (the name) identifies staff.
    std::fs::write(
        &p,
        "工单号\t管理处\t来电时间\t问题类型\t首问人\t回应时间\n\
         T1\t北区\t2026-10-03 09:00\t报修\t王芳\t2026-10-05 09:00\n\
         T2\t北区\t2026-10-03 09:00\t报修\t李娜\t2026-10-03 10:00\n",
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_reconciles(&r);
    assert_eq!(verdicts(&r), [v("T1", "RESP-24H", "王芳", false)].into());
}

// ---------- scoring, grades, pay and discipline (hand-computed) ----------

#[test]
fn scores_grades_pay_and_discipline_follow_from_the_violations() {
    let dir = tempfile::tempdir().unwrap();
    // The basic fixture's rules, with a scoring section small enough to compute by hand.
    let base = read(&root().join("rules/default.toml"));
    let rules_part = &base[base.find("[[rule]]\nid = \"RESP-24H\"").unwrap()
        ..base.find("[[rule]]\nid = \"PHRASE-BANNED\"").unwrap()];
    let text = format!(
        r#"[scoring]
base = 100
min_cases = 3
normalize_per = 2

[scoring.caps]
"RECORD-CASE" = 0.5

[[scoring.bands]]
min = 99
grade = "A"
coefficient = 1.2

[[scoring.bands]]
min = 98
grade = "B"
coefficient = 1.0

[[scoring.bands]]
min = 0
grade = "C"
coefficient = 0.8

[[discipline]]
action = "通报批评"
min_violations = 1
severity = "major"

[[discipline]]
action = "记过"
min_violations = 2
rules = ["RECORD"]

{}"#,
        rules_part.replacen(
            "fields = [\"channel\", \"content\", \"customer_name\"]",
            "fields = [\"channel\", \"content\", \"customer_name\"]\nfatal = true",
            1
        )
    );
    let p = dir.path().join("scoring.toml");
    std::fs::write(&p, &text).unwrap();
    let r = audit_files(
        DatasetFiles::discover(&fixture("basic")).unwrap(),
        rules::load(&p).unwrap(),
        period("2026-10"),
    );
    let card = |id: &str| r.scorecards.iter().find(|c| c.employee.id == id).unwrap();
    // E01 王芳: 3 cases, C02 late (2 points) → 2 × 2 / max(3, 2) = 1.33 → 98.67, band B.
    let e01 = card("E01");
    assert_eq!(
        (
            e01.cases,
            e01.points,
            e01.score,
            e01.grade.as_str(),
            e01.coefficient
        ),
        (3, 1.33, 98.67, "B", 1.0)
    );
    assert_eq!(e01.discipline.as_deref(), Some("通报批评"));
    // E02 赵强: 2 cases < min_cases 3 → 样本不足, coefficient 1.0, though C03 cost 2 points.
    let e02 = card("E02");
    assert_eq!(
        (e02.points, e02.score, e02.grade.as_str(), e02.coefficient),
        (2.0, 98.0, "样本不足", 1.0)
    );
    // E03 周敏: RECORD-PHONE 1 + RECORD-CASE 1 capped at 0.5 → 1.5 × 2 / 3 = 1.0 → 99.0,
    // band A by score, but RECORD-CASE is fatal → the lowest band C (0.8).
    let e03 = card("E03");
    assert_eq!(
        (e03.raw_points, e03.points, e03.score, e03.fatal),
        (2.0, 1.0, 99.0, true)
    );
    assert_eq!((e03.grade.as_str(), e03.coefficient), ("C", 0.8));
    // Two RECORD violations reach 记过, the graver step; no major one.
    assert_eq!(e03.discipline.as_deref(), Some("记过"));
    // E10 钱进: no cases, no violations.
    let e10 = card("E10");
    assert_eq!(
        (e10.score, e10.grade.as_str(), e10.discipline.as_deref()),
        (100.0, "样本不足", None)
    );
    // pay.csv: base × coefficient, two decimals; every roster employee has a row.
    let out = dir.path().join("out");
    shouwen::report::write(&r, &out, &shouwen::report::ReportOptions::default()).unwrap();
    let pay = read(&out.join("pay.csv"));
    assert!(
        pay.contains("E03,周敏,滨江壹号服务中心,3000.00,99,C,0.80,2400.00,-600.00,记过\n"),
        "{pay}"
    );
    assert!(
        pay.contains("E01,王芳,锦绣花园服务中心,3000.00,98.67,B,1.00,3000.00,0.00,通报批评\n"),
        "{pay}"
    );
    assert_eq!(pay.lines().count(), 1 + 4);
}

#[test]
fn centers_and_kpis_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let r = audit_files(
        DatasetFiles::discover(&fixture("basic")).unwrap(),
        default_rules(),
        basic_opts(),
    );
    let out = dir.path().join("out");
    shouwen::report::write(&r, &out, &shouwen::report::ReportOptions::default()).unwrap();
    let mut rdr = csv::Reader::from_path(out.join("centers.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |row: &csv::StringRecord, name: &str| {
        row[h.iter().position(|x| x == name).unwrap()].to_string()
    };
    let rows: Vec<csv::StringRecord> = rdr.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    // Both centers: 4 cases, 2 charged violations (C07's is waived) → 50 per 100 cases;
    // the tie shares rank 1 (listed by name: the name makes neither better).
    for row in &rows {
        assert_eq!(
            (
                col(row, "cases"),
                col(row, "violations_per_100"),
                col(row, "rank")
            ),
            ("4".into(), "50.00".into(), "1".into())
        );
    }
    assert_eq!(col(&rows[0], "center"), "滨江壹号服务中心");
    // 锦绣: C01 answered at 24:00:00 (on time), C02 at 24:00:01, C03 never answered and
    // past due, C04 still within its 24 h (pending, not counted) → 1 of 3; the median is
    // of the answered ones; C01 and C02 resolved of 4.
    let jx = rows
        .iter()
        .find(|x| col(x, "center") == "锦绣花园服务中心")
        .unwrap();
    assert_eq!(col(jx, "on_time_response_rate"), "0.3333");
    assert_eq!(col(jx, "median_response_hours"), "24.00");
    assert_eq!(col(jx, "resolution_rate"), "0.5000");
    // 王芳 E01: C01 on time, C02 late, C08 after 20 minutes → 2 of 3.
    let k = shouwen::audit::kpis(
        &r.cases,
        (0..r.cases.len()).filter(|&i| r.cases.text("first_responder_id").get(i) == Some("E01")),
        r.as_of,
        r.rules.calendar.tz,
        &r.followup_not_due,
    );
    assert_eq!((k.cases, k.responded), (3, 3));
    assert!((k.on_time_rate.unwrap() - 2.0 / 3.0).abs() < 1e-9);
}

/// The follow-up rate leaves out a complaint whose follow-up is not due yet (FOLLOWUP-3WD
/// holds it pending), as the on-time rate leaves out an answer not yet due: F1 followed
/// up, F3 never (late), F2 resolved on Friday 10-30 and due on 11-04 → 1 of 2, not 1 of 3.
#[test]
fn the_followup_rate_leaves_out_followups_not_due_yet() {
    let row = |id: &str, resolved: &str, followup: &str| {
        format!(
            "{id},甲中心,2026-10-12 09:00,来访,投诉,张三,13800138000,1-101,噪音,E1,王芳,2026-10-12 09:05,,,{resolved},,,{followup},E1,,\n"
        )
    };
    let cases = [
        CASES_HEADER.to_string(),
        row("F1", "2026-10-12 09:30", "2026-10-13 10:00"),
        row("F2", "2026-10-30 09:30", ""),
        row("F3", "2026-10-12 09:30", ""),
    ]
    .concat();
    let (_d, r) = audit_dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)], &[]);
    assert_eq!(r.followup_not_due, [false, true, false]);
    let k = shouwen::audit::kpis(
        &r.cases,
        0..3,
        r.as_of,
        r.rules.calendar.tz,
        &r.followup_not_due,
    );
    assert_eq!(k.followup_rate, Some(0.5));
    assert_eq!(r.centers[0].kpis.followup_rate, Some(0.5));
    assert!(verdicts(&r).contains(&v("F3", "FOLLOWUP-3WD", "E1", false)));
}

/// An employee's id as an export mangles it is still the roster's employee: a zero-width
/// space pasted after it, full-width digits, and (Excel) a number without the leading
/// zeros the roster gives it (`7` for `007`, said in a warning), or the employee's name in
/// place of the id (said too). An id the roster does not
/// hold at all is charged under that id, and a warning says so (no base pay for it).
#[test]
fn ids_written_otherwise_join_the_roster_and_unknown_ones_are_named() {
    let roster = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
007,小七,管理人员,客服部,甲中心,,3000\nE1,王芳,管理人员,客服部,甲中心,,3000\n\
8,小八,管理人员,客服部,甲中心,,3000\n9,小九,管理人员,客服部,甲中心,,3000\n\
009,老九,管理人员,客服部,甲中心,,3000\n";
    let row = |id: &str, who: &str, resp: &str| {
        format!(
            "{id},甲中心,2026-10-12 09:00,来访,咨询,张三,13800138000,1-101,漏水,{who},,{resp},,,,,,,,,\n"
        )
    };
    let cases = [
        CASES_HEADER.to_string(),
        row("C1", "7", "2026-10-13 10:00"),
        row("C2", "E1\u{200B}", "2026-10-13 10:00"),
        row("C3", "Ｅ１", "2026-10-13 10:00"),
        row("C4", "E9", "2026-10-13 10:00"),
        row("C5", "7", "2026-10-12 09:10"),
        // The roster's 8 written 008; 09 is the roster's 9 or its 009: neither guessed.
        row("C6", "008", "2026-10-13 10:00"),
        row("C7", "09", "2026-10-13 10:00"),
        // An export naming its staff without their 工号: the roster's one 王芳.
        row("C8", "王芳", "2026-10-13 10:00"),
    ]
    .concat();
    let (_d, r) = audit_dataset(&[("cases.csv", &cases), ("roster.csv", roster)], &["RESP"]);
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    assert_eq!(
        verdicts(&r),
        [
            v("C1", "RESP-24H", "007", false),
            v("C2", "RESP-24H", "E1", false),
            v("C3", "RESP-24H", "E1", false),
            v("C4", "RESP-24H", "E9", false),
            v("C6", "RESP-24H", "8", false),
            v("C7", "RESP-24H", "09", false),
            v("C8", "RESP-24H", "E1", false),
        ]
        .into()
    );
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("008 → 8 (1 rows), 7 → 007 (2 rows), 王芳 → E1 (1 rows)"),
        "{w}"
    );
    assert!(
        w.contains("2 case, handoff or spot-check rows name 2 employee id(s) the roster does not hold: 09 (1), E9 (1)"),
        "{w}"
    );
    // A name two roster employees share is joined to neither, and said so.
    let roster2 = format!("{roster}E5,王芳,管理人员,客服部,甲中心,,3000\n");
    let cases2 = [
        CASES_HEADER.to_string(),
        row("D1", "王芳", "2026-10-13 10:00"),
    ]
    .concat();
    let (_d, r) = audit_dataset(
        &[("cases.csv", &cases2), ("roster.csv", &roster2)],
        &["RESP"],
    );
    assert_eq!(verdicts(&r), [v("D1", "RESP-24H", "王芳", false)].into());
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("written as a name the roster gives several employees are not joined to any of them: 王芳 (1 rows)"),
        "{w}"
    );
}

/// Without a period the as-of time is the latest time in the data (SPEC), a mistyped year
/// included: a resolution dated 2062 for a case received in 2026 makes every open case of
/// the month decades late. Public exports close requests more than a year late, so the
/// time is kept, but a warning says where it is and how far past the latest receipt.
#[test]
fn an_as_of_time_far_past_every_receipt_is_named() {
    let cases = format!(
        "{CASES_HEADER}\
C1,甲中心,2026-10-30 09:05,来访,咨询,张三,13800138000,1-101,漏水,E1,王芳,,,,,,,,,,\n\
C2,甲中心,2026-10-30 11:05,来访,咨询,张三,13800138000,1-101,漏水,E2,李娜,2026-10-30 11:30,,,2062-10-30 12:00,,,,,,\n"
    );
    // Without --period, RESP only.
    let audit = |cases: &str| {
        let d = dataset(&[("cases.csv", cases), ("roster.csv", ROSTER)]);
        let opts = AuditOptions {
            select: vec!["RESP".into()],
            ..AuditOptions::default()
        };
        audit_files(
            DatasetFiles::discover(d.path()).unwrap(),
            default_rules(),
            opts,
        )
    };
    let r = audit(&cases);
    assert_eq!(
        shouwen::timeparse::format_local(r.as_of, r.rules.calendar.tz),
        "2062-10-30 12:00:00"
    );
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("the as-of time 2062-10-30 12:00:00 is the latest time in the data, `resolved_at` (办结时间) of")
            && w.contains("cases.csv:3: 13149 days after the latest 受理时间 2026-10-30 11:05:00"),
        "{w}"
    );
    // A year and less past the latest receipt: no warning.
    let r = audit(&cases.replace("2062-10-30 12:00", "2027-10-30 11:05"));
    assert!(r.input_warnings.is_empty(), "{:?}", r.input_warnings);
}

/// Exports' ways of writing "no time" and "no hour" (hand-judged on LA and NYC 311): a
/// closure at 00:00:00 on the day of the receipt, hours before it, is that date alone
/// (LA's `12:00:00 AM`), not a row rejected as closed before received; a closure dated
/// 01/01/1900 (NYC's open cases), with or without its hour, or 1970-01-01 00:00:00, is
/// no closure at all. A
/// midnight on a later day, or at the receipt's own day when the receipt is at 00:00, is
/// a time as written.
#[test]
fn midnight_on_the_receipt_day_is_a_date_alone_and_1900_is_no_time() {
    let header = "编号,服务中心,受理时间,类别,首问人工号,首次回应时间,办结时间\n";
    let text = format!(
        "{header}M1,c,2018-12-31 09:33:53,咨询,E01,2018-12-31 09:40,2018-12-31 00:00:00\n\
M2,c,2018-12-30 09:00,咨询,E01,2018-12-30 09:10,01/01/1900 12:00:00 AM\n\
M3,c,2018-12-30 09:00,咨询,E01,2018-12-30 09:10,1900-01-01\n\
M4,c,2018-12-30 09:00,咨询,E01,2018-12-30 09:10,2018-12-29 00:00:00\n\
M5,c,2018-12-30 09:00,咨询,E01,2018-12-30 09:10,2018-12-31 00:00:00\n\
M6,c,2018-12-30 09:00,咨询,E01,2018-12-30 09:10,1970-01-01 00:00:00\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.csv");
    std::fs::write(&p, text).unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    assert_reconciles(&r);
    // M4: the day before the receipt, whatever the hour: rejected as before it.
    let got = reasons(&r);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, 5, "{got:?}");
    assert!(got[0].2.contains("is before `received_at`"), "{got:?}");
    let ids = r.cases.text("case_id");
    let row = |id: &str| {
        (0..r.cases.len())
            .find(|&i| ids.get(i) == Some(id))
            .unwrap()
    };
    let resolved = r.cases.time("resolved_at");
    assert!(resolved.date_only(row("M1")));
    assert!(resolved.get(row("M2")).is_none() && resolved.get(row("M3")).is_none());
    // The epoch's date at midnight as written (local): no time either.
    assert!(resolved.get(row("M6")).is_none());
    assert!(!resolved.date_only(row("M5")) && resolved.get(row("M5")).is_some());
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("1 `resolved_at` (办结时间) at 00:00:00 on the day of the receipt, hours before it, are read as that date alone"),
        "{w}"
    );
    // A receipt written as 1900 is no receipt: rejected as required but empty.
    std::fs::write(
        &p,
        format!("{header}Z1,c,01/01/1900 12:00:00 AM,咨询,E01,,\n"),
    )
    .unwrap();
    let r = audit_files(cases_only(&p), default_rules(), AuditOptions::default());
    let got = reasons(&r);
    assert!(
        got.len() == 1
            && got[0].2.contains(
                "is required but empty (written \"01/01/1900 12:00:00 AM\", a placeholder date)"
            ),
        "{got:?}"
    );
}

/// Centers with the same violations per case share a rank (1, 1, 3), compared exactly:
/// 1 late answer in 10 cases and 2 in 20 are one rate.
#[test]
fn centers_with_the_same_rate_share_a_rank() {
    let mut cases = CASES_HEADER.to_string();
    // 戊中心: one clean case, fewer than min_cases (5): no rate to rank by; last, marked.
    for (center, n, late) in [
        ("丙中心", 20, 2),
        ("丁中心", 10, 1),
        ("甲中心", 20, 3),
        ("戊中心", 1, 0),
    ] {
        for k in 0..n {
            let resp = if k < late {
                "2026-10-13 10:00"
            } else {
                "2026-10-12 09:10"
            };
            cases.push_str(&format!(
                "{center}{k},{center},2026-10-12 09:00,来访,咨询,张三,13800138000,1-101,漏水,E1,王芳,{resp},,,,,,,,,\n"
            ));
        }
    }
    let (_d, r) = audit_dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)], &["RESP"]);
    let ranks: Vec<(&str, usize, usize)> = r
        .centers
        .iter()
        .map(|c| (c.center.as_str(), c.violations, c.rank))
        .collect();
    let mut ranks = ranks;
    ranks.sort();
    assert_eq!(
        ranks,
        [
            ("丁中心", 1, 1),
            ("丙中心", 2, 1),
            ("戊中心", 0, 4),
            ("甲中心", 3, 3)
        ],
        "{ranks:?}"
    );
    let sheet = shouwen::report::centers_sheet(&r, &r.centers);
    let at = sheet.header.iter().position(|h| h == "sample").unwrap();
    let marked: Vec<String> = sheet
        .rows
        .iter()
        .map(|row| match &row[at] {
            shouwen::report::Cell::Text(t) | shouwen::report::Cell::Num(t) => t.clone(),
        })
        .collect();
    assert_eq!(
        marked.iter().filter(|m| !m.is_empty()).collect::<Vec<_>>(),
        ["样本不足（1 件 < min_cases 5）"],
        "{marked:?}"
    );
}

#[test]
fn explain_score_traces_score_grade_pay_and_discipline_to_the_violations() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    // A company's rules named by a relative path, as users type it …
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::copy(
        root().join("rules/default.toml"),
        dir.path().join("rules/company.toml"),
    )
    .unwrap();
    let o = shouwen(
        &[
            "audit",
            fixture("basic").to_str().unwrap(),
            "--rules",
            "rules/company.toml",
            "--period",
            "2026-10",
            "--select",
            "RESP,RECORD",
            "--out",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(out.join("rules.toml")).unwrap(),
        std::fs::read(dir.path().join("rules/company.toml")).unwrap()
    );
    // HR is told that pay.csv comes from a partial audit: on the terminal and in the
    // manifest's pay block, which names the rules left out (the selected ones not).
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("warning: a partial audit (--select/--ignore)")
            && said.contains("PHRASE-BANNED")
            && said.contains("pay.csv"),
        "{said}"
    );
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let left: Vec<&str> = m["pay"]["rules_not_applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        left.contains(&"PHRASE-BANNED") && left.contains(&"ESC-PATH"),
        "{m}"
    );
    assert!(
        !left
            .iter()
            .any(|id| id.starts_with("RESP") || id.starts_with("RECORD")),
        "{m}"
    );
    // … and the report explained from another folder, where that path names nothing.
    assert!(!root().join("rules/company.toml").exists());
    let o = shouwen(
        &["explain-score", "E03", "--report", out.to_str().unwrap()],
        &root(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.contains("changed since the audit"), "{text}");
    // 周敏: two record violations of 1 point; the waived RESP-24H shown as waived and free.
    for want in [
        "E03 周敏",
        "C05        RECORD-PHONE",
        "C06        RECORD-CASE",
        // each rule broken with its clause, as the rules file cites it
        "Clauses (basis) of the rules broken:",
        "三.4 问题记录原则",
        "首问责任管理制度 4.5",
        "(waived: 业主出差，约定返回后联系（批准人 E10）)",
        "total 2 × 100 / max(3 cases, 100) = 2.00 points",
        "Score: 100 − 2.00 = 98",
        "样本不足",
        "Pay: 3000.00 × 1.00 = 3000.00 (delta 0.00)",
        // audited with --select RESP,RECORD: the rest is said to be left out
        "Not applied in this audit, so not in this score: ",
        "PHRASE-BANNED (not selected)",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    assert!(!text.contains("RESP-24H (not selected)"), "{text}");
    // The id as the audit joins ids: full-width Ｅ０３ is E03, said; E3 is not E03 (the
    // audit does not join those either).
    let o = shouwen(
        &["explain-score", "Ｅ０３", "--report", out.to_str().unwrap()],
        &root(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(
        t.contains("note: Ｅ０３ read as E03") && t.contains("Score: 100 − 2.00 = 98"),
        "{t}"
    );
    for typed in ["E77", "E3"] {
        let o = shouwen(
            &["explain-score", typed, "--report", out.to_str().unwrap()],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(2), "{typed}");
    }
}

/// explain-score prints the points deducted as scorecards.csv rounds them (0.625 → 0.63,
/// so 100 − 0.63 = 99.37 adds up), and a score below every band says it fell under them
/// all (not "score ≥ 0").
#[test]
fn explain_score_rounds_as_the_scorecard_and_names_a_score_below_every_band() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    std::fs::create_dir(&data).unwrap();
    // E1: 160 visits, one with no content (1 point × 100 / 160 = 0.625). E2: 5 visits,
    // none with content (at 30 points each, 150 points: a score of −50).
    let row = |id: String, who: &str, content: &str| {
        format!(
            "{id},甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,1-101,{content},{who},x,2026-10-12 09:05,好的,,2026-10-12 09:30,已处理,1,,,,\n"
        )
    };
    let mut cases = CASES_HEADER.to_string();
    for i in 0..160 {
        let content = if i == 0 { "" } else { "咨询停车" };
        cases.push_str(&row(format!("A{i:03}"), "E1", content));
    }
    for i in 0..5 {
        cases.push_str(&row(format!("B{i:03}"), "E2", ""));
    }
    std::fs::write(data.join("cases.csv"), cases).unwrap();
    std::fs::write(data.join("roster.csv"), ROSTER).unwrap();
    let default = read(&root().join("rules/default.toml"));
    let heavy = default.replacen(
        "severity = \"minor\"\npoints = 1\nresponsible = \"first_responder\"\n# Phone inquiries",
        "severity = \"minor\"\npoints = 30\nresponsible = \"first_responder\"\n# Phone inquiries",
        1,
    );
    assert_ne!(heavy, default);
    let audit = |name: &str, rules: &str| {
        let rules_path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&rules_path, rules).unwrap();
        let out = dir.path().join(name);
        let o = shouwen(
            &[
                "audit",
                data.to_str().unwrap(),
                "--rules",
                rules_path.to_str().unwrap(),
                "--period",
                "2026-10",
                "--select",
                "RECORD-CASE",
                "--out",
                out.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let card = |out: &Path, id: &str| {
        read(&out.join("scorecards.csv"))
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
            .to_string()
    };
    let explain = |out: &Path, id: &str| {
        let o = shouwen(
            &["explain-score", id, "--report", out.to_str().unwrap()],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let out = audit("default", &default);
    assert!(
        card(&out, "E1").contains(",0.63,99.37,"),
        "{}",
        card(&out, "E1")
    );
    let e1 = explain(&out, "E1");
    assert!(e1.contains("= 0.63 points"), "{e1}");
    assert!(e1.contains("Score: 100 − 0.63 = 99.37"), "{e1}");
    let out = audit("heavy", &heavy);
    assert!(
        card(&out, "E2").contains(",150,-50,"),
        "{}",
        card(&out, "E2")
    );
    let e2 = explain(&out, "E2");
    assert!(e2.contains("Score: 100 − 150.00 = -50"), "{e2}");
    assert!(
        e2.contains("score below every band's minimum (the lowest is 0) → the last band, D"),
        "{e2}"
    );
    assert!(!e2.contains("score ≥ 0 → band D"), "{e2}");
}

/// For every employee of the 5,000-case sample: points are the sum of their non-waived
/// violations' points after caps and normalisation, the grade is the band the score falls
/// in (unless marked or fatal), and pay follows from the coefficient.
#[test]
fn every_scorecard_adds_up_from_its_violations() {
    let r = audit_files(
        DatasetFiles::discover(&root().join("sample-data")).unwrap(),
        default_rules(),
        AuditOptions::default(),
    );
    assert!(r.scorecards.iter().any(|c| c.points > 0.0));
    scorecards_add_up(&r);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
    /// The same for audits of generated datasets of any seed and size.
    #[test]
    fn any_audits_scorecards_add_up(seed in 0u64..1_000_000, cases in 50usize..800) {
        let dir = tempfile::tempdir().unwrap();
        shouwen::sample::generate(&shouwen::sample::SampleOptions { cases, seed }, dir.path()).unwrap();
        let r = audit_files(DatasetFiles::discover(dir.path()).unwrap(), default_rules(), AuditOptions::default());
        assert_reconciles(&r);
        scorecards_add_up(&r);
    }
}

fn scorecards_add_up(r: &AuditResult) {
    let rules = default_rules();
    let sc = &rules.scoring;
    for c in &r.scorecards {
        let mut per_rule: std::collections::BTreeMap<&str, f64> = Default::default();
        for v in r
            .violations
            .iter()
            .filter(|v| *v.employee_id == *c.employee.id && v.waiver.is_none())
        {
            *per_rule.entry(&r.rules.rules[v.rule].id).or_default() += v.points;
        }
        let capped: f64 = per_rule
            .iter()
            .map(|(id, p)| sc.caps.get(*id).map(|cap| p.min(*cap)).unwrap_or(*p))
            .sum();
        let n = sc.normalize_per.unwrap();
        let want = capped * n / (c.cases as f64).max(n);
        assert!(
            (c.points - want).abs() < 0.006,
            "{}: {} vs {want}",
            c.employee.id,
            c.points
        );
        assert!((c.score - (sc.base - c.points)).abs() < 1e-9);
        if c.fatal {
            assert_eq!(c.grade, sc.bands.last().unwrap().grade);
        } else if c.handled < sc.min_cases {
            assert!(c.handled >= c.cases);
            assert_eq!((c.grade.as_str(), c.coefficient), ("样本不足", 1.0));
        } else {
            let band = sc
                .bands
                .iter()
                .find(|b| c.score >= b.min)
                .unwrap_or(sc.bands.last().unwrap());
            assert_eq!(
                (&c.grade, c.coefficient),
                (&band.grade, band.coefficient),
                "{}",
                c.employee.id
            );
        }
    }
    // pay.csv: adjusted = base × coefficient, delta = adjusted − base, two decimals.
    let pay = shouwen::report::pay(r);
    assert_eq!(pay.rows.len(), r.scorecards.len());
    for (row, c) in pay.rows.iter().zip(&r.scorecards) {
        let cell = |i: usize| match &row[i] {
            shouwen::report::Cell::Num(s) | shouwen::report::Cell::Text(s) => s.clone(),
        };
        assert_eq!(cell(0), c.employee.id);
        if let Some(base) = c.employee.base_pay {
            let adjusted = (base * c.coefficient * 100.0).round() / 100.0;
            assert_eq!(cell(7), format!("{adjusted:.2}"));
            assert_eq!(cell(8), format!("{:.2}", adjusted - base));
        }
    }
}

#[test]
fn compare_shows_score_changes_and_rules_no_longer_violated() {
    let dir = tempfile::tempdir().unwrap();
    let rules = root().join("rules/default.toml");
    // "October" is the basic fixture; "November" the same cases with 周敏 E03's records
    // put right: C05's phone recorded, C06's content written down.
    let fixed = dir.path().join("fixed");
    std::fs::create_dir(&fixed).unwrap();
    for f in ["roster.csv", "waivers.csv"] {
        std::fs::copy(fixture("basic").join(f), fixed.join(f)).unwrap();
    }
    let cases = read(&fixture("basic").join("cases.csv"))
        .replace(
            "电话,报修,孙丽,,8栋702",
            "电话,报修,孙丽,13500009999,8栋702",
        )
        .replace("9栋101,   ,E03", "9栋101,建议增加绿化,E03");
    std::fs::write(fixed.join("cases.csv"), cases).unwrap();
    let run = |data: &Path, name: &str, select: &str| {
        let out = dir.path().join(name);
        let o = shouwen(
            &[
                "audit",
                data.to_str().unwrap(),
                "--rules",
                rules.to_str().unwrap(),
                "--period",
                "2026-10",
                "--select",
                select,
                "--out",
                out.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let basic = fixture("basic");
    let (a, b) = (
        run(&basic, "a", "RESP,RECORD"),
        run(&fixed, "b", "RESP,RECORD"),
    );
    let compare = |a: &Path, b: &Path| {
        let csv_out = dir.path().join("compare.csv");
        let o = shouwen(
            &[
                "compare",
                a.to_str().unwrap(),
                b.to_str().unwrap(),
                "--out",
                csv_out.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            read(&csv_out),
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let (text, table, err) = compare(&a, &b);
    // 周敏 E03: 98 → 100, RECORD-CASE and RECORD-PHONE no longer violated.
    assert!(
        text.contains(
            "employee,E03,周敏,98,100,+2.00,样本不足,样本不足,,,,,,RECORD-CASE RECORD-PHONE,0.6667,"
        ),
        "{text}"
    );
    assert!(table.contains("-RECORD-CASE RECORD-PHONE"), "{table}");
    // An employee absent from report B (left; another company's report) is no longer
    // in breach of nothing: her row shows score A alone, no rule as no longer violated.
    let without = dir.path().join("without-e03");
    std::fs::create_dir(&without).unwrap();
    for e in std::fs::read_dir(&b).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, without.join(p.file_name().unwrap())).unwrap();
        }
    }
    let sc = read(&without.join("scorecards.csv"));
    let kept: Vec<&str> = sc.lines().filter(|l| !l.starts_with("E03,")).collect();
    assert!(kept.len() < sc.lines().count(), "{sc}");
    std::fs::write(without.join("scorecards.csv"), kept.join("\n") + "\n").unwrap();
    let (text_w, table_w, _) = compare(&a, &without);
    let e03: Vec<&str> = text_w
        .lines()
        .filter(|l| l.starts_with("employee,E03,"))
        .collect();
    assert_eq!(e03.len(), 1, "{text_w}");
    assert!(
        e03[0].starts_with("employee,E03,周敏,98,,,样本不足,,,,,,,,"),
        "{}",
        e03[0]
    );
    assert!(!table_w.contains("-RECORD-CASE"), "{table_w}");
    // both "months" are audits of 2026-10: a warning says so (on stderr, not in the table)
    assert!(
        err.contains("warning: both reports are of period 2026-10"),
        "{err}"
    );
    assert!(!table.contains("warning"), "{table}");
    // A damaged folder is refused with exit 2 and the reason, as `--previous` refuses
    // it: no manifest (no period or rules to check), a score that is no number.
    let damaged = |name: &str, edit: &dyn Fn(&Path)| -> PathBuf {
        let d = dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        for e in std::fs::read_dir(&b).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
            }
        }
        edit(&d);
        d
    };
    let no_manifest = damaged("no-manifest", &|d| {
        std::fs::remove_file(d.join("manifest.json")).unwrap()
    });
    let bad_score = damaged("bad-score", &|d| {
        let t = read(&d.join("scorecards.csv"));
        let score = t
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .nth(12)
            .unwrap()
            .to_string();
        let edited: Vec<String> = t
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 1 {
                    let mut f: Vec<&str> = l.split(',').collect();
                    f[12] = "abc";
                    f.join(",")
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert!(!score.is_empty());
        std::fs::write(d.join("scorecards.csv"), edited.join("\n") + "\n").unwrap();
    });
    let empty_score = damaged("empty-score", &|d| {
        let t = read(&d.join("scorecards.csv"));
        let edited: Vec<String> = t
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let mut f: Vec<&str> = l.split(',').collect();
                if i == 1 {
                    f[12] = "";
                }
                f.join(",")
            })
            .collect();
        std::fs::write(d.join("scorecards.csv"), edited.join("\n") + "\n").unwrap();
    });
    for (folder, why) in [
        (&no_manifest, "not a shouwen report folder: manifest.json"),
        (&bad_score, "score \"abc\" is not a number"),
        (&empty_score, "score is empty"),
    ] {
        let o = shouwen(
            &[
                "compare",
                a.to_str().unwrap(),
                folder.to_str().unwrap(),
                "--out",
                dir.path().join("never.csv").to_str().unwrap(),
            ],
            dir.path(),
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(why), "{err}");
        assert!(!dir.path().join("never.csv").exists());
    }
    // --out never writes over a report's own table (or any file not a comparison).
    let before = read(&b.join("scorecards.csv"));
    let o = shouwen(
        &[
            "compare",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--out",
            b.join("scorecards.csv").to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is not a comparison"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(read(&b.join("scorecards.csv")), before);
    // A report in which the record rules did not run says nothing about them: they are
    // not "no longer violated", and a warning says why.
    let c = run(&basic, "c", "RESP");
    let (text, _, err) = compare(&a, &c);
    assert!(
        err.contains("RECORD-CASE, RECORD-PHONE ran in only one of the reports"),
        "{err}"
    );
    assert!(
        text.contains("employee,E03,周敏,98,100,+2.00,样本不足,样本不足,,,,,,,0.6667,"),
        "{text}"
    );
    // Different rules files, and reports with nothing in common, are said to be so.
    let company = dir.path().join("company.toml");
    std::fs::write(&company, read(&rules).replace("points = 2", "points = 5")).unwrap();
    let o = shouwen(
        &[
            "audit",
            basic.to_str().unwrap(),
            "--rules",
            company.to_str().unwrap(),
            "--period",
            "2026-10",
            "--select",
            "RESP,RECORD",
            "--out",
            dir.path().join("d").to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success());
    let (_, _, err) = compare(&a, &dir.path().join("d"));
    assert!(err.contains("different rules files"), "{err}");
    assert!(!err.contains("share no employee"), "{err}");
    // and an audit given such a folder as --previous warns alike
    let o = shouwen(
        &[
            "audit",
            fixture("basic").to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--period",
            "2026-10",
            "--format",
            "csv",
            "--previous",
            a.to_str().unwrap(),
            "--out",
            dir.path().join("e").to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("warning: both reports are of period 2026-10"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (text, _, _) = compare(&a, &b);
    assert!(
        text.contains("center,滨江壹号服务中心,滨江壹号服务中心,,,,,,50.00,0.00,"),
        "{text}"
    );
}

const CASES_HEADER: &str = "case_id,center,received_at,channel,category,customer_name,customer_phone,unit,content,first_responder_id,first_responder,first_response_at,reply,promised_at,resolved_at,resolution,contacts,followup_at,followup_by,satisfaction,coordination_slip\n";
const ROSTER: &str = "employee_id,name,role,department,center,supervisor_id,base_pay\nE1,王芳,管理人员,客服部,甲中心,,3000\nE2,李娜,管理人员,客服部,甲中心,,3000\n";

/// A dataset folder holding `files` (name, contents).
fn dataset(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// The October audit of a [`dataset`] with the default rules, the rules `select`ed (all
/// when empty); the folder is returned to keep it.
fn audit_dataset(files: &[(&str, &str)], select: &[&str]) -> (tempfile::TempDir, AuditResult) {
    let d = dataset(files);
    let opts = AuditOptions {
        select: select.iter().map(|s| s.to_string()).collect(),
        ..period("2026-10")
    };
    let r = audit_files(
        DatasetFiles::discover(d.path()).unwrap(),
        default_rules(),
        opts,
    );
    (d, r)
}

/// A placeholder is no record (管理制度 4.5: 来电人姓名、联系电话 登记在册): a phone of 无,
/// 未留, `-` or `/`, a name of NULL, is RECORD-PHONE's violation as an empty one is, and
/// the evidence shows what was written. A time of NULL (or 0000-00-00 00:00:00) is no
/// time, as an empty cell is, not an unreadable row: the case stays audited.
#[test]
fn a_placeholder_is_no_record() {
    let row = |id: &str, name: &str, phone: &str, resolved: &str| {
        format!(
            "{id},甲中心,2026-10-12 09:00,电话,咨询,{name},{phone},1-101,漏水,E1,王芳,2026-10-12 09:05,,,{resolved},,,,,,\n"
        )
    };
    let cases = [
        CASES_HEADER.to_string(),
        row("T1", "张三", "-", "2026-10-12 09:30"),
        row("T2", "张三", "/", "2026-10-12 09:30"),
        row("T3", "张三", "无", "2026-10-12 09:30"),
        row("T4", "张三", "未留", "2026-10-12 09:30"),
        row("T5", "NULL", "13800138000", "2026-10-12 09:30"),
        row("T6", "张三", "13800138000", "2026-10-12 09:30"),
        row("T7", "无锡人", "0571-88886666", "NULL"),
        row("T8", "张三", "13800138000", "0000-00-00 00:00:00"),
    ]
    .concat();
    let (_d, r) = audit_dataset(
        &[("cases.csv", &cases), ("roster.csv", ROSTER)],
        &["RECORD-PHONE"],
    );
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    let got: BTreeSet<(String, String)> = r
        .violations
        .iter()
        .map(|v| (v.case_id(&r.cases).to_string(), v.evidence.to_string()))
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("T1", "未记录：联系电话（写作「-」）"),
        ("T2", "未记录：联系电话（写作「/」）"),
        ("T3", "未记录：联系电话（写作「无」）"),
        ("T4", "未记录：联系电话（写作「未留」）"),
        ("T5", "未记录：客户姓名（写作「NULL」）"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    // T7 and T8 are open cases (no resolution time), audited as such.
    assert!(r.cases.time("resolved_at").get(6).is_none());
    assert!(r.cases.time("resolved_at").get(7).is_none());
    assert_eq!(r.cases.len(), 8);
}

/// Two exports numbering their cases alike (two companies audited together, both at
/// A-1001): the later file's repeats are rejected as duplicates, as any repeat is, and a
/// warning names the two files and the count instead of letting the second company
/// shrink silently. A single repeat across files is no such pattern: no warning.
#[test]
fn one_export_repeating_anothers_case_ids_wholesale_is_named() {
    let row = |id: &str, center: &str| {
        format!(
            "{id},{center},2026-10-12 09:00,来访,咨询,张三,13800138000,1-101,漏水,E1,王芳,2026-10-12 09:05,,,,,,,,,\n"
        )
    };
    let file = |center: &str, ids: &[&str]| {
        let mut t = CASES_HEADER.to_string();
        for id in ids {
            t.push_str(&row(id, center));
        }
        t
    };
    let a = file("甲中心", &["A-1001", "A-1002", "A-1003", "A-1004"]);
    let b = file("乙中心", &["A-1001", "A-1002", "A-1003", "B-9"]);
    let (_d, r) = audit_dataset(
        &[
            ("cases_a.csv", &a),
            ("cases_b.csv", &b),
            ("roster.csv", ROSTER),
        ],
        &["RESP"],
    );
    assert_reconciles(&r);
    assert_eq!(r.rejected.len(), 3);
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("3 of the 4 rows of")
            && w.contains("cases_b.csv repeat case_ids of")
            && w.contains("cases_a.csv (e.g. \"A-1001\")"),
        "{w}"
    );
    let b1 = file("乙中心", &["A-1001", "B-2", "B-3", "B-4", "B-5", "B-6"]);
    let (_d, r) = audit_dataset(
        &[
            ("cases_a.csv", &a),
            ("cases_b.csv", &b1),
            ("roster.csv", ROSTER),
        ],
        &["RESP"],
    );
    assert_eq!(r.rejected.len(), 1);
    assert!(
        !r.input_warnings
            .iter()
            .any(|w| w.contains("repeat case_ids")),
        "{:?}",
        r.input_warnings
    );
}

/// A 合计 footer an export adds below its cases is rejected (its row is read, so it is
/// audited or rejected), with a reason that says it is a totals row, not a broken case.
#[test]
fn a_totals_footer_is_rejected_as_such() {
    let cases = format!(
        "{CASES_HEADER}T1,甲中心,2026-10-12 09:00,来访,咨询,张三,13800138000,1-101,漏水,E1,王芳,2026-10-12 09:10,,,,,,,,,\n合计,,,,,,,,,,,,,,,,,,,,\n,A区小计,,,,,,,,,,,,,,,,,,,\n合计：210 条,,,,,,,,,,,,,,,,,,,,\n"
    );
    let (_d, r) = audit_dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)], &["RESP"]);
    assert_reconciles(&r);
    assert_eq!(r.cases.len(), 1);
    let why = reasons(&r);
    assert_eq!(why.len(), 3, "{why:?}");
    for (w, want) in why.iter().zip([
        "a totals row (\"合计\" in column \"case_id\"), not a case",
        "a totals row (\"A区小计\" in column \"center\"), not a case",
        "a totals row (\"合计：210条\" in column \"case_id\"), not a case",
    ]) {
        assert!(w.2.starts_with(want), "{why:?}");
    }
}

/// A median of 15 minutes is 0.25 hours in centers.csv and scorecards.csv, not 0.2 (one
/// decimal rounded half to even): a consultant checking by hand gets 0.25.
#[test]
fn median_response_hours_keep_two_decimals() {
    let row = |id: &str, answered: &str| {
        format!(
            "{id},甲中心,2026-10-12 09:00,来访,咨询,张三,13800138000,1-101,漏水,E1,王芳,{answered},,,,,,,,,\n"
        )
    };
    let cases = [
        CASES_HEADER.to_string(),
        row("M1", "2026-10-12 09:10"),
        row("M2", "2026-10-12 09:20"),
    ]
    .concat();
    let (d, r) = audit_dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)], &["RESP"]);
    let out = d.path().join("out");
    let opts = shouwen::report::ReportOptions {
        formats: shouwen::report::Formats::csv_only(),
        ..Default::default()
    };
    shouwen::report::write(&r, &out, &opts).unwrap();
    for file in ["centers.csv", "scorecards.csv"] {
        let mut rdr = csv::Reader::from_path(out.join(file)).unwrap();
        let h = rdr.headers().unwrap().clone();
        let at = h.iter().position(|x| x == "median_response_hours").unwrap();
        let first = rdr.records().next().unwrap().unwrap();
        assert_eq!(&first[at], "0.25", "{file}");
    }
}

/// A --period run's headline says how many of its rejected rows are only outside the
/// period (no fault of the export), so a clean file does not look half broken.
#[test]
fn the_headline_counts_rows_outside_the_period_apart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = shouwen(
        &[
            "audit",
            fixture("basic").to_str().unwrap(),
            "--rules",
            root().join("rules/default.toml").to_str().unwrap(),
            "--period",
            "2026-09",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8_lossy(&o.stdout);
    let outside = read(&out.join("rejected.csv"))
        .lines()
        .filter(|l| l.contains("outside the audited period") || l.contains("period 2026-09"))
        .count();
    assert!(outside > 0);
    assert!(
        said.contains(&format!(
            "({outside} of them outside the period or after the as-of time)"
        )),
        "{said}"
    );
}

/// min_cases counts the cases an employee handled, first responded or handed to them: a
/// 部门主管 who answers no resident at the desk but receives six of the front desk's
/// cases is graded (his escalation breaches reach his pay); one who received two is
/// 样本不足. scorecards.csv's `cases` stays the first-responded count.
#[test]
fn min_cases_counts_the_cases_handed_to_an_employee_too() {
    let roster = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
E1,王芳,管理人员,客服部,甲中心,,3000\nE2,李强,部门主管,工程部,甲中心,,5000\n\
E3,赵敏,部门主管,保洁部,甲中心,,5000\n";
    let mut cases = CASES_HEADER.to_string();
    let mut handoffs = "case_id,seq,at,from_id,to_id\n".to_string();
    for i in 0..8 {
        cases.push_str(&format!(
            "K{i},甲中心,2026-10-12 09:00,来访,报修,张三,13800138000,1-101,漏水,E1,王芳,2026-10-12 09:05,,,,,,,,,\n"
        ));
        let to = if i < 6 { "E2" } else { "E3" };
        handoffs.push_str(&format!("K{i},1,2026-10-12 09:30,E1,{to}\n"));
    }
    // Handed on after the as-of time (11-01 00:00): not yet E3's case.
    handoffs.push_str("K0,2,2026-11-05 09:00,E2,E3\n");
    let (_d, r) = audit_dataset(
        &[
            ("cases.csv", &cases),
            ("roster.csv", roster),
            ("handoffs.csv", &handoffs),
        ],
        &["RESP"],
    );
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    let card = |id: &str| {
        r.scorecards
            .iter()
            .find(|c| c.employee.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!((card("E1").cases, card("E1").handled), (8, 8));
    assert_eq!((card("E2").cases, card("E2").handled), (0, 6));
    assert_eq!((card("E3").cases, card("E3").handled), (0, 2));
    assert_ne!(card("E2").grade, shouwen::audit::TOO_FEW_CASES);
    assert_eq!(card("E3").grade, shouwen::audit::TOO_FEW_CASES);
}

/// `shouwen audit DIR --rules rules/default.toml --format csv --out DIR/out EXTRA…`,
/// which must succeed: the report folder and the run's output.
fn audit_csv_cli(dir: &Path, extra: &[&str]) -> (PathBuf, std::process::Output) {
    let out = dir.join("out");
    let rules = root().join("rules/default.toml");
    let mut args = vec![
        "audit",
        dir.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = shouwen(&args, dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (out, o)
}

/// Every case row rejected, no period, no --as-of: no time sets the as-of time, and the
/// manifest says so (null) instead of showing 1970-01-01.
#[test]
fn an_audit_with_no_time_at_all_has_no_as_of() {
    let cases = format!(
        "{CASES_HEADER}N1,甲中心,不详,来访,咨询,张三,13800138000,1-101,漏水,E1,王芳,,,,,,,,,,\n"
    );
    let d = dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)]);
    let (out, o) = audit_csv_cli(d.path(), &[]);
    let m: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert!(m["as_of"].is_null(), "{}", m["as_of"]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(!said.contains("1970"), "{said}");
}

/// `--as-of 2026-10-31` is through the 31st: a case received that day is audited and
/// judged at its last millisecond (it was rejected as received after the as-of time,
/// 10-31 00:00); one received at 11-01 00:00 is after it.
#[test]
fn an_as_of_date_alone_is_the_end_of_that_day() {
    let tz = chrono_tz::Asia::Shanghai;
    assert_eq!(
        shouwen::audit::parse_as_of("2026-10-31", tz).unwrap(),
        shouwen::audit::parse_as_of("2026-10-31 23:59:59.999", tz).unwrap()
    );
    let cases = format!(
        "{CASES_HEADER}Z1,甲中心,2026-10-31 09:00,来访,咨询,张三,13800138000,1-101,漏水,E1,王芳,2026-10-31 09:05,,,,,,,,,\n\
Z2,甲中心,2026-11-01 00:00,来访,咨询,张三,13800138000,1-101,漏水,E1,王芳,2026-11-01 00:05,,,,,,,,,\n"
    );
    let d = dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)]);
    let (out, _) = audit_csv_cli(d.path(), &["--as-of", "2026-10-31"]);
    let m: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(m["as_of"], "2026-10-31T23:59:59.999+08:00");
    // The manifest's as-of, given again, is the same instant.
    assert_eq!(
        shouwen::audit::parse_as_of(m["as_of"].as_str().unwrap(), tz).unwrap(),
        shouwen::audit::parse_as_of("2026-10-31", tz).unwrap()
    );
    assert_eq!(m["period"], "2026-10");
    assert_eq!(m["cases_audited"], 1);
    let rejected = read(&out.join("rejected.csv"));
    assert_eq!(rejected.lines().count(), 2, "{rejected}");
    assert!(rejected.contains("cases.csv,3,"), "{rejected}");
}

/// PROMISE-TIME (管理制度 4.6: not solved on the spot → tell the resident when) over a
/// time written as a date alone: charged only when the case was not solved on the spot
/// whatever the hour was. P1: answered "2026-10-20" (hour unknown), solved 15:00 that day:
/// maybe within the hour, not charged. P2: answered 10:00, solved "2026-10-21": late at
/// any hour, charged to E1. P3: answered 10:00, solved "2026-10-20": maybe 10:30, not
/// charged. P4 (times known, solved 5 h later) is charged as before.
#[test]
fn promise_time_over_a_date_alone_is_charged_only_when_any_hour_breaks_it() {
    let row = |id: &str, answered: &str, resolved: &str| {
        format!(
            "{id},甲中心,2026-10-20 09:00,来访,咨询,张三,13800138000,1-101,漏水,E1,王芳,{answered},您好,,{resolved},已处理,1,,,,\n"
        )
    };
    let cases = [
        CASES_HEADER.to_string(),
        row("P1", "2026-10-20", "2026-10-20 15:00"),
        row("P2", "2026-10-20 10:00", "2026-10-21"),
        row("P3", "2026-10-20 10:00", "2026-10-20"),
        row("P4", "2026-10-20 10:00", "2026-10-20 15:00"),
    ]
    .concat();
    let (_d, r) = audit_dataset(
        &[("cases.csv", &cases), ("roster.csv", ROSTER)],
        &["PROMISE-TIME"],
    );
    assert!(r.rejected.is_empty(), "{:?}", reasons(&r));
    let got: Vec<(&str, &str)> = r
        .violations
        .iter()
        .map(|v| (v.case_id(&r.cases), &*v.employee_id))
        .collect();
    assert_eq!(got, [("P2", "E1"), ("P4", "E1")]);
}

fn reasons(r: &AuditResult) -> Vec<(String, u64, String)> {
    r.rejected
        .iter()
        .map(|x| {
            let file = Path::new(&x.file).file_name().unwrap().to_string_lossy();
            (file.into_owned(), x.line, x.reason.clone())
        })
        .collect()
}

/// Transcripts name their speakers as they like: a turn labelled with the case's own
/// customer is the resident speaking, and a turn labelled with a 工号 is that employee.
#[test]
fn phrase_turns_of_the_customer_by_name_and_of_staff_by_id() {
    let cases = format!(
        "{CASES_HEADER}\
S01,甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,,咨询停车,E1,王芳,2026-10-12 09:10,\"王建国：上次保安跟我说不归我管\n王芳：抱歉，我来处理\",,2026-10-12 09:30,,,,,,\n\
S02,甲中心,2026-10-12 09:00,来访,咨询,赵敏,13812345679,,咨询停车,E1,王芳,2026-10-12 09:10,E2：这个没办法,,2026-10-12 09:30,,,,,,\n\
S03,甲中心,2026-10-12 09:00,来访,咨询,赵敏,13812345679,,咨询停车,E1,王芳,2026-10-12 09:10,王芳：这个不归我管,,2026-10-12 09:30,,,,,,\n\
S04,甲中心,2026-10-12 09:00,来访,咨询,王芳,13812345679,,咨询停车,E1,王芳,2026-10-12 09:10,王芳：这个不归我管,,2026-10-12 09:30,,,,,,\n\
S05,甲中心,2026-10-12 09:00,来访,咨询,李娜,13812345679,,咨询停车,E1,王芳,2026-10-12 09:10,李娜：我不知道,,2026-10-12 09:30,,,,,,\n\
S06,甲中心,2026-10-12 09:00,来访,咨询,陈静,13812345679,,咨询停车,E1,王芳,2026-10-12 09:10,陈静：上次你们说没办法,,2026-10-12 09:30,,,,,,\n\
S07,甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345679,,咨询停车,E1,王芳,2026-10-12 09:10,\"王：不知道找谁\n王芳：我来处理\",,2026-10-12 09:30,,,,,,\n"
    );
    // 陈静 of 乙中心 shares the name of S06's customer, at another center
    let roster = format!("{ROSTER}E9,陈静,管理人员,客服部,乙中心,,3000\n");
    let (_d, r) = audit_dataset(
        &[("cases.csv", &cases), ("roster.csv", &roster)],
        &["PHRASE"],
    );
    assert_reconciles(&r);
    // S01: 王建国 is the customer quoting a guard, not staff speaking. S02: E2 said
    // 没办法, charged to E2 (in the roster), not to the first responder. S03: 王芳 herself.
    // S04 and S05: the customer shares a name with the first responder (王芳) or with a
    // roster employee of the center (李娜): the turn stays staff speech, as before names
    // were compared. S06: the namesake works at another center: the customer spoke. S07:
    // 王： is the surname of the customer 王建国; that the first responder 王芳 shares it
    // does not make it hers (a label names staff in full).
    assert_eq!(
        verdicts(&r),
        [
            v("S02", "PHRASE-BANNED", "E2", false),
            v("S03", "PHRASE-BANNED", "E1", false),
            v("S04", "PHRASE-BANNED", "E1", false),
            v("S05", "PHRASE-BANNED", "E2", false)
        ]
        .into()
    );
    assert!(
        r.violations
            .iter()
            .all(|v| !v.evidence.text().contains("不在员工名册")),
        "{:?}",
        r.violations
    );
}

/// Two banned phrases in one clause (没办法，不归我管) are one finding whose evidence quotes
/// the clause once, not twice.
#[test]
fn two_phrases_in_one_clause_are_quoted_once() {
    let cases = format!(
        "{CASES_HEADER}\
M01,甲中心,2026-10-12 09:00,来访,咨询,赵敏,13812345679,,咨询停车,E1,王芳,2026-10-12 09:10,\"赵敏：停车怎么办\n王芳：没办法，不归我管。\",,2026-10-12 09:30,,,,,,\n"
    );
    let (_d, r) = audit_dataset(
        &[("cases.csv", &cases), ("roster.csv", ROSTER)],
        &["PHRASE"],
    );
    assert_eq!(
        verdicts(&r),
        [v("M01", "PHRASE-BANNED", "E1", false)].into()
    );
    let e = r.violations[0].evidence.text();
    assert_eq!(e.matches("（王芳，第 2 行）").count(), 1, "{e}");
    assert!(e.contains("不归我管"), "{e}");
}

/// Rows that cannot be right are rejected with why, not audited as if they were: a
/// follow-up before the resolution, a handoff before the case was received, a second
/// handoff with the same 序号, a spot check outside the month; a repeated case id even
/// when the row it repeats is rejected. rejected.csv lists each file's rows in line order.
#[test]
fn impossible_times_and_repeats_are_rejected_with_why() {
    let cases = format!(
        "{CASES_HEADER}\
F01,甲中心,2026-10-12 09:00,来访,投诉,王建国,13812345678,,投诉噪音,E1,王芳,2026-10-12 09:10,王芳：好的,2026-10-20 12:00,2026-10-20 10:00,,,2026-10-13 10:00,E1,满意,\n\
F02,甲中心,2026-10-31 25:00,来访,咨询,王建国,13812345678,,咨询,E1,王芳,,,,,,,,,,\n\
F03,甲中心,2026-10-12 09:00,来访,报修,王建国,13812345678,,报修,E1,王芳,2026-10-12 09:10,王芳：好的,2026-10-13 12:00,2026-10-12 11:00,已修,1,2026-10-13 10:00,E1,满意,\n\
F01,甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,,咨询,E1,王芳,2026-10-12 09:10,王芳：好的,,2026-10-12 10:00,,,,,,\n\
F04,甲中心,2026-10-12 09:00,来访,投诉,王建国,13812345678,,投诉噪音,E1,王芳,2026-10-12 08:10,王芳：好的,2026-10-20 12:00,2026-10-20 10:00,,,2026-10-13 10:00,E1,满意,\n"
    );
    let handoffs = "case_id,seq,at,from_id,to_id,to_department,method,note\n\
F03,1,2026-10-01 08:00,E1,E2,客服部,现场,早于受理\n\
F03,2,2026-10-12 09:30,E1,E2,客服部,现场,\n\
F03,2,2026-10-12 09:40,E1,E2,客服部,现场,重复序号\n";
    let inspections = "inspection_id,at,center,employee_id,method,findings,note\n\
I-SEP,2026-09-12 14:00,甲中心,E1,电话抽查,傲慢,九月\n\
I-OCT,2026-10-12 14:00,甲中心,E1,电话抽查,傲慢,十月\n\
I-B,2026-10-13 14:00,乙中心,E2,现场暗访,傲慢,乙中心无案件\n";
    let (d, r) = audit_dataset(
        &[
            ("cases.csv", &cases),
            ("handoffs.csv", handoffs),
            ("inspections.csv", inspections),
            ("roster.csv", ROSTER),
        ],
        &[],
    );
    assert_reconciles(&r);
    let got = reasons(&r);
    let find = |file: &str, line: u64| {
        got.iter()
            .find(|(f, l, _)| f == file && *l == line)
            .map(|x| x.2.as_str())
            .unwrap_or_else(|| panic!("{file}:{line} not rejected: {got:?}"))
    };
    assert!(
        find("cases.csv", 2).starts_with(
            "`followup_at` (回访时间) 2026-10-13 10:00 is before `resolved_at` (办结时间) 2026-10-20 10:00"
        ),
        "{got:?}"
    );
    assert!(find("cases.csv", 3).contains("received_at"), "{got:?}");
    // two impossible times: rejected once, for the first check it fails
    assert!(
        find("cases.csv", 6).starts_with("`first_response_at`"),
        "{got:?}"
    );
    // a repeat of F01 is a finding even though F01 itself is rejected: it does not take
    // F01's place
    assert!(
        find("cases.csv", 5).starts_with("duplicate case_id \"F01\": already at")
            && find("cases.csv", 5).ends_with(
                "(only the first is kept, and it is audited unless a check of its own rejects it)"
            ),
        "{got:?}"
    );
    assert!(
        find("handoffs.csv", 2).contains("is before case \"F03\" was received"),
        "{got:?}"
    );
    assert!(
        find("handoffs.csv", 4).starts_with("duplicate handoff: case \"F03\" 序号 2 is already at"),
        "{got:?}"
    );
    assert!(
        find("inspections.csv", 2).contains("outside the audited period 2026-10"),
        "{got:?}"
    );
    assert_eq!(got.len(), 7, "{got:?}");
    // in reading order: the later check's row 2 before the parse error on row 3
    let order: Vec<(&str, u64)> = got.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    assert_eq!(
        order,
        [
            ("cases.csv", 2),
            ("cases.csv", 3),
            ("cases.csv", 5),
            ("cases.csv", 6),
            ("handoffs.csv", 2),
            ("handoffs.csv", 4),
            ("inspections.csv", 2)
        ]
    );
    let cases_stats = r
        .stats
        .iter()
        .find(|s| s.path.ends_with("cases.csv"))
        .unwrap();
    assert_eq!((cases_stats.rows_read, cases_stats.rows_audited), (5, 1));
    // only October's spot check is charged
    let inspected: Vec<&str> = r
        .violations
        .iter()
        .filter(|v| v.row.is_none())
        .map(|v| v.case_id(&r.cases))
        .collect();
    assert_eq!(inspected, ["I-OCT", "I-B"]);
    // 乙中心 has no audited case, so no row in centers.csv: the summary says where the
    // finding went instead of letting the centers silently not add up.
    assert!(r.centers.iter().all(|c| c.center != "乙中心"));
    let summary = shouwen::report::summary::render(&r, &r.centers, d.path(), "csv");
    assert!(
        summary.contains("note: 1 inspection finding(s) at 乙中心 with no audited cases"),
        "{summary}"
    );
}

/// A second waiver for the same case and rule is reported, not silently absorbed.
#[test]
fn a_repeated_waiver_is_reported() {
    let cases = format!(
        "{CASES_HEADER}\
W01,甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,,咨询,E1,王芳,2026-10-14 09:10,王芳：好的,,2026-10-14 09:30,,,,,,\n"
    );
    let waivers = "case_id,rule_id,reason,approved_by\n\
W01,RESP-24H,系统故障,E2\n\
W01,RESP-24H,系统故障,E2\n";
    let (_d, r) = audit_dataset(
        &[("cases.csv", &cases), ("waivers.csv", waivers)],
        &["RESP"],
    );
    assert_eq!(verdicts(&r), [v("W01", "RESP-24H", "E1", true)].into());
    assert_eq!(r.unmatched_waivers.len(), 1, "{:?}", r.unmatched_waivers);
    assert_repeats(&r.unmatched_waivers[0], "waivers.csv:3", "waivers.csv:2");
}

/// An expression rule whose `require` is unknown on a case (a column it reads is empty)
/// does not judge it, and lists it in not_judged with the empty column: an unanswered
/// case must not vanish from a response-time rule written as an expression.
#[test]
fn an_expression_that_cannot_be_decided_lists_the_case_as_not_judged() {
    let text = std::fs::read_to_string(root().join("rules/default.toml")).unwrap()
        + r#"
[[rule]]
id = "EXPR-24H"
title = "24小时内回应（表达式）"
kind = "expression"
severity = "major"
points = 2
responsible = "first_responder"
when = "category = '咨询'"
basis = "首问责任管理制度 4.1"
require = "first_response_at <= received_at + INTERVAL '24 hours'"
"#;
    let rules = shouwen::rules::parse(&text, "x.toml", "0").expect("valid");
    let row = |id: &str, responded: &str| {
        format!(
            "{id},甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,1-101,咨询,E1,王芳,{responded},好的,,,,,,,,\n"
        )
    };
    let cases = format!(
        "{CASES_HEADER}{}{}{}",
        row("X01", "2026-10-12 10:00"),
        row("X02", "2026-10-14 10:00"),
        row("X03", "")
    );
    let d = dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)]);
    let opts = AuditOptions {
        select: vec!["EXPR-24H".into()],
        ..period("2026-10")
    };
    let r = audit_files(DatasetFiles::discover(d.path()).unwrap(), rules, opts);
    assert_eq!(verdicts(&r), [v("X02", "EXPR-24H", "E1", false)].into());
    let run = r
        .rules
        .rules
        .iter()
        .zip(&r.runs)
        .find(|(rule, _)| rule.id == "EXPR-24H")
        .map(|(_, run)| run)
        .unwrap();
    assert_eq!(run.judged, 2);
    assert_eq!(run.not_judged.len(), 1, "{:?}", run.not_judged);
    let (case, why) = &run.not_judged[0];
    assert_eq!(case, "X03");
    assert!(
        why.contains("cannot be decided") && why.contains("first_response_at (首次回应时间) empty"),
        "{why}"
    );
}

/// An employee on the roster with no base pay is graded, with no amount in pay.csv, and
/// the audit names him (HR would otherwise find a blank in the payroll sheet); one whose
/// base pay goes past the fen is named with the amount paid on.
#[test]
fn an_employee_without_base_pay_is_named() {
    let roster = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
E1,王芳,管理人员,客服部,甲中心,,1234.565\n\
E2,李娜,管理人员,客服部,甲中心,,\n";
    let row = |id: &str, who: &str| {
        format!(
            "{id},甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,1-101,咨询,{who},x,2026-10-12 09:05,好的,,2026-10-12 09:30,已处理,1,,,,\n"
        )
    };
    let cases = format!("{CASES_HEADER}{}{}", row("P01", "E1"), row("P02", "E2"));
    let (_d, r) = audit_dataset(&[("cases.csv", &cases), ("roster.csv", roster)], &["RESP"]);
    let named: Vec<&String> = r
        .input_warnings
        .iter()
        .filter(|w| w.contains("no base pay"))
        .collect();
    assert_eq!(named.len(), 1, "{:?}", r.input_warnings);
    assert!(
        named[0].starts_with("1 employee(s)") && named[0].contains("E2 (李娜)"),
        "{named:?}"
    );
    assert!(!named[0].contains("E1"), "{named:?}");
    // and a base pay past the fen is said to be paid rounded
    let fen: Vec<&String> = r
        .input_warnings
        .iter()
        .filter(|w| w.contains("more than two decimals"))
        .collect();
    assert_eq!(fen.len(), 1, "{:?}", r.input_warnings);
    assert!(fen[0].contains("E1 (1234.565 → 1234.57)"), "{fen:?}");
}

/// A waiver is an approved exemption (SPEC): one with no approver is rejected, as one with
/// no reason is; one approved by the employee it would clear (by id or by name) clears
/// nothing of his and is reported; one approved by someone the roster does not know is
/// applied, and said.
#[test]
fn a_waiver_needs_an_approver_other_than_the_employee_charged() {
    let late = |id: &str| {
        format!(
            "{id},甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,,咨询,E1,王芳,2026-10-14 09:10,王芳：好的,,2026-10-14 09:30,,,,,,\n"
        )
    };
    let cases = format!(
        "{CASES_HEADER}{}",
        ["W01", "W02", "W03", "W04", "W05", "W06", "W07", "W08"]
            .map(late)
            .concat()
    );
    let waivers = "case_id,rule_id,reason,approved_by\n\
W01,RESP-24H,系统故障,\n\
W02,RESP-24H,系统故障,E1\n\
W03,RESP-24H,系统故障,王芳\n\
W04,RESP-24H,系统故障,ZZ9\n\
W05,RESP-24H,系统故障,E2\n\
W06,RESP-24H,系统故障,无\n\
W07,RESP-24H,系统故障,ｅ１\n\
W08,RESP-24H,系统故障,王 芳\n";
    let (_d, r) = audit_dataset(
        &[
            ("cases.csv", &cases),
            ("roster.csv", ROSTER),
            ("waivers.csv", waivers),
        ],
        &["RESP"],
    );
    assert_eq!(
        verdicts(&r),
        [
            v("W01", "RESP-24H", "E1", false),
            v("W02", "RESP-24H", "E1", false),
            v("W03", "RESP-24H", "E1", false),
            v("W04", "RESP-24H", "E1", true),
            v("W05", "RESP-24H", "E1", true),
            v("W06", "RESP-24H", "E1", false),
            v("W07", "RESP-24H", "E1", false),
            v("W08", "RESP-24H", "E1", false),
        ]
        .into()
    );
    // no approver: empty, or a placeholder (无)
    let unapproved: Vec<u64> = r
        .rejected
        .iter()
        .filter(|x| x.file.ends_with("waivers.csv"))
        .map(|x| x.line)
        .collect();
    assert_eq!(unapproved, [2, 7], "{:?}", r.rejected);
    assert!(
        r.rejected.iter().all(|x| x.reason.contains("approved_by")),
        "{:?}",
        r.rejected
    );
    // himself: by id, by name, full-width, lower case, with a space
    let own: Vec<&str> = r
        .unmatched_waivers
        .iter()
        .map(|u| u.case_id.as_str())
        .collect();
    assert_eq!(
        own,
        ["W02", "W03", "W07", "W08"],
        "{:?}",
        r.unmatched_waivers
    );
    assert!(
        r.unmatched_waivers
            .iter()
            .all(|u| u.why.contains("who is charged with this violation (E1)")),
        "{:?}",
        r.unmatched_waivers
    );
    let stranger: Vec<&String> = r
        .input_warnings
        .iter()
        .filter(|w| w.contains("does not name"))
        .collect();
    assert_eq!(stranger.len(), 1, "{:?}", r.input_warnings);
    assert!(
        stranger[0].contains("1 waiver(s)") && stranger[0].contains("waivers.csv:5 (ZZ9)"),
        "{stranger:?}"
    );
}

/// 转办差错率 is the share of handed-off cases with a handoff-path violation: one handoff
/// back (D1 → S1) breaks three clauses, but it is one case of two handled wrongly.
#[test]
fn escalation_error_rate_counts_cases_not_clauses() {
    let roster = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
S1,客服甲,管理人员,客服部,甲中心,,4000\n\
D1,工主甲,部门主管,工程部,甲中心,,5000\n";
    let cases = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at,promised_at,resolved_at\n\
C1,甲中心,2026-10-12 09:00,来访,报修,张三,灯坏了,S1,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 09:30\n\
C2,甲中心,2026-10-12 09:00,来访,报修,李四,灯坏了,S1,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 09:30\n";
    let handoffs = "case_id,seq,at,from_id,to_id,to_department\n\
C1,1,2026-10-12 09:11,S1,D1,工程部\n\
C1,2,2026-10-12 09:12,D1,S1,客服部\n\
C2,1,2026-10-12 09:11,S1,D1,工程部\n";
    let (d, r) = audit_dataset(
        &[
            ("cases.csv", cases),
            ("handoffs.csv", handoffs),
            ("roster.csv", roster),
        ],
        &["ESC"],
    );
    // D1 → S1 back: a path the roles do not allow, a second transfer, and A→B→A
    let on_c1: BTreeSet<String> = r
        .violations
        .iter()
        .filter(|v| v.case_id(&r.cases) == "C1")
        .map(|v| r.rules.rules[v.rule].id.clone())
        .collect();
    assert_eq!(
        on_c1,
        ["ESC-PATH", "ESC-PINGPONG", "ESC-RETRANSFER"]
            .map(String::from)
            .into(),
        "{:?}",
        verdicts(&r)
    );
    assert!(r.violations.iter().all(|v| v.case_id(&r.cases) == "C1"));
    // D1's three majors are one act on one case: one breach, no 通报批评 (the default
    // rules count cases); counted as violations they would reach it.
    let card = |r: &AuditResult| {
        r.scorecards
            .iter()
            .find(|c| c.employee.id == "D1")
            .unwrap()
            .discipline
            .clone()
    };
    assert_eq!(card(&r), None);
    let text = std::fs::read_to_string(root().join("rules/default.toml"))
        .unwrap()
        .replace("count = \"cases\"\n", "");
    let by_violations = rules::parse(&text, "by-violations.toml", "-").unwrap();
    let opts = AuditOptions {
        select: vec!["ESC".into()],
        ..period("2026-10")
    };
    let r2 = audit_files(
        DatasetFiles::discover(d.path()).unwrap(),
        by_violations,
        opts,
    );
    assert_eq!(card(&r2).as_deref(), Some("通报批评"));
    let out = d.path().join("out");
    shouwen::report::write(&r, &out, &shouwen::report::ReportOptions::default()).unwrap();
    let mut rdr = csv::Reader::from_path(out.join("centers.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let row = rdr.records().next().unwrap().unwrap();
    let rate = &row[h.iter().position(|x| x == "escalation_error_rate").unwrap()];
    assert_eq!(rate, "0.5000");
}

/// A case whose handoffs name someone missing from the roster cannot be judged by the
/// path rules, but ESC-MAX reads no roles: it judges that case like any other, and never
/// lists it as both violated and not judged.
#[test]
fn esc_max_judges_cases_the_path_rules_cannot() {
    let roster = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
CR1,客主甲,客户关系主管,客服部,甲中心,,5000\n\
D1,工主甲,部门主管,工程部,甲中心,CR1,5000\n\
S1,客服甲,管理人员,客服部,甲中心,CR1,4000\n\
W1,维修甲,维修员,工程部,甲中心,D1,3000\n";
    let cases = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at,promised_at,resolved_at,coordination_slip\n\
C1,甲中心,2026-10-12 09:00,来访,报修,张三,灯坏了,S1,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 10:00,X\n\
C2,甲中心,2026-10-12 09:00,来访,报修,李四,灯坏了,S1,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 10:00,X\n";
    let handoffs = "case_id,seq,at,from_id,to_id,to_department\n\
C1,1,2026-10-12 09:11,S1,CR1,客服部\n\
C1,2,2026-10-12 09:12,CR1,D1,工程部\n\
C1,3,2026-10-12 09:13,D1,X9,工程部\n\
C1,4,2026-10-12 09:14,X9,W1,工程部\n\
C2,1,2026-10-12 09:11,S1,CR1,客服部\n";
    let (_d, r) = audit_dataset(
        &[
            ("cases.csv", cases),
            ("handoffs.csv", handoffs),
            ("roster.csv", roster),
        ],
        &["ESC"],
    );
    let run = |id: &str| &r.runs[r.rules.rules.iter().position(|x| x.id == id).unwrap()];
    // C1: four handoffs, one more than ESC-MAX allows, charged to X9 who sent the fourth.
    assert!(verdicts(&r).contains(&v("C1", "ESC-MAX", "X9", false)));
    let max = run("ESC-MAX");
    assert_eq!((max.judged, max.violations), (2, 1));
    assert!(max.not_judged.is_empty(), "{:?}", max.not_judged);
    // The path rule cannot judge C1 (X9 has no role) and says so.
    let path = run("ESC-PATH");
    assert_eq!(path.judged, 1);
    assert_eq!(path.not_judged.len(), 1);
    assert!(path.not_judged[0].1.contains("X9 is not in the roster"));
}

/// A complaint's follow-up must record a rating: 满意 / 基本满意 / 不满意 or 1–5 (and the
/// usual five-level words). "6" or "好" is no rating: FOLLOWUP-SATISFACTION says so, as
/// for an empty one; the satisfaction rate counts only ratings.
#[test]
fn a_satisfaction_that_is_no_rating_is_not_recorded() {
    let mut cases = String::from(CASES_HEADER);
    for (id, sat) in [
        ("Q1", "满意"),
        ("Q2", "6"),
        ("Q3", "好"),
        ("Q4", "一般"),
        ("Q5", "５"),
        ("Q6", ""),
    ] {
        cases.push_str(&format!(
            "{id},甲中心,2026-10-12 09:00,来访,投诉,王建国,13812345678,,投诉噪音,E1,王芳,2026-10-12 09:10,王芳：好的,,2026-10-12 10:00,已处理,1,2026-10-13 10:00,E2,{sat},\n"
        ));
    }
    let (_d, r) = audit_dataset(
        &[("cases.csv", &cases), ("roster.csv", ROSTER)],
        &["FOLLOWUP-SATISFACTION"],
    );
    assert_reconciles(&r);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(
        verdicts(&r),
        [
            v("Q2", "FOLLOWUP-SATISFACTION", "E2", false),
            v("Q3", "FOLLOWUP-SATISFACTION", "E2", false),
            v("Q6", "FOLLOWUP-SATISFACTION", "E2", false)
        ]
        .into()
    );
    let evidence = |id: &str| common::evidence(&r, id);
    assert!(
        evidence("Q2").contains("「6」不是评价"),
        "{}",
        evidence("Q2")
    );
    assert_eq!(evidence("Q6"), "未记录：满意度");
    // rated: Q1 满意, Q4 一般, Q5 ５ → 2 of 3 satisfied
    let k = shouwen::audit::kpis(
        &r.cases,
        0..r.cases.len(),
        r.as_of,
        r.rules.calendar.tz,
        &r.followup_not_due,
    );
    assert!(
        (k.satisfaction_rate.unwrap() - 2.0 / 3.0).abs() < 1e-9,
        "{k:?}"
    );
}

/// 24小时内回应率 counts a case never answered against the employee and the center once
/// its 24 hours are over, as RESP-24H charges it; a case still within them is not counted.
#[test]
fn the_on_time_rate_counts_cases_never_answered_once_past_due() {
    let mut cases = CASES_HEADER.to_string();
    // K1: answered after 1 h (on time); K2–K4: never answered, received 10-12 → past due
    // at the as-of time (10-31 24:00), each a RESP-24H violation charged to E1;
    // K5: never answered, received 10-31 12:00 → still within 24 h: pending, not counted.
    cases.push_str(
        "K1,甲中心,2026-10-12 09:00,来访,咨询,王建国,,,咨询,E1,王芳,2026-10-12 10:00,,,,,,,,,\n",
    );
    for id in ["K2", "K3", "K4"] {
        cases.push_str(&format!(
            "{id},甲中心,2026-10-12 09:00,来访,咨询,王建国,,,咨询,E1,王芳,,,,,,,,,,\n"
        ));
    }
    cases.push_str("K5,甲中心,2026-10-31 12:00,来访,咨询,王建国,,,咨询,E1,王芳,,,,,,,,,,\n");
    let (_d, r) = audit_dataset(&[("cases.csv", &cases)], &["RESP"]);
    let late: Vec<&str> = r.violations.iter().map(|v| v.case_id(&r.cases)).collect();
    assert_eq!(late, ["K2", "K3", "K4"]);
    let k = shouwen::audit::kpis(
        &r.cases,
        0..r.cases.len(),
        r.as_of,
        r.rules.calendar.tz,
        &r.followup_not_due,
    );
    assert_eq!((k.cases, k.responded), (5, 1));
    assert_eq!(k.on_time_rate, Some(0.25), "{k:?}");
    assert_eq!(r.centers[0].kpis.on_time_rate, Some(0.25));
}

/// A deadline whose clock starts after the as-of time: with its end recorded it is judged
/// like any end recorded after the as-of time (a complaint of October resolved in November
/// and followed up late is October's finding: no later monthly audit holds the case);
/// without one it is pending, and the evidence says the clock had not started (it said
/// "已过 -125.0 小时").
#[test]
fn a_deadline_starting_after_the_as_of_time_is_judged_by_its_recorded_end_or_pending() {
    let cases = format!(
        "{CASES_HEADER}\
F1,甲中心,2026-10-05 09:00,来访,投诉,王建国,,,噪音,E1,王芳,2026-10-05 09:10,,,2026-10-20 10:00,,,,,,\n\
F2,甲中心,2026-10-05 09:00,来访,投诉,王建国,,,噪音,E1,王芳,2026-10-05 09:10,,,2026-10-08 10:00,,,,,,\n\
F3,甲中心,2026-10-05 09:00,来访,投诉,王建国,,,噪音,E1,王芳,2026-10-05 09:10,,,2026-10-20 10:00,,,2026-11-25 10:00,,,\n"
    );
    let d = dataset(&[("cases.csv", &cases)]);
    let r = audit_files(
        DatasetFiles::discover(d.path()).unwrap(),
        default_rules(),
        AuditOptions {
            as_of: Some("2026-10-15 00:00".into()),
            select: vec!["FOLLOWUP-3WD".into()],
            ..AuditOptions::default()
        },
    );
    // F2: resolved Thu 10-08 10:00; 3 working days (10-09, make-up Sat 10-10, Mon 10-12)
    // → due 10-12 10:00, no follow-up by 10-15 → FOLLOWUP-3WD charged to E1.
    // F3: resolved 10-20 (after the as-of time), followed up 11-25, over a month later →
    // FOLLOWUP-3WD charged to E1. F1: resolved 10-20, no follow-up → pending.
    assert_eq!(
        verdicts(&r),
        [
            v("F2", "FOLLOWUP-3WD", "E1", false),
            v("F3", "FOLLOWUP-3WD", "E1", false)
        ]
        .into()
    );
    // F2's evidence names the make-up Saturday it counted (调休), for the employee
    // counting "Thursday plus three working days" by the week.
    let f2 = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "F2")
        .unwrap()
        .evidence
        .to_string();
    assert!(
        f2.contains("应于 2026-10-12 10:00 前，其间 2026-10-10 周六调休上班计入（"),
        "{f2}"
    );
    let pending: Vec<(&str, &str)> = r
        .pending
        .iter()
        .map(|p| (r.case_id(p.row), p.evidence.as_str()))
        .collect();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].0, "F1");
    assert!(
        pending[0].1.contains("期限尚未开始计算"),
        "{}",
        pending[0].1
    );
    assert!(!pending[0].1.contains("已过 -"), "{}", pending[0].1);
}

#[test]
fn a_period_is_a_four_digit_year_and_a_month() {
    let tz = chrono_tz::Asia::Shanghai;
    for bad in [
        "26-10", "1-10", "99999-10", "0026-10", "2026-13", "2026-0", "2026/10", "-10",
    ] {
        assert!(
            shouwen::audit::Period::parse(bad, tz).is_err(),
            "{bad} must be refused"
        );
    }
    for (ok, label) in [
        ("2026-10", "2026-10"),
        ("2026-1", "2026-01"),
        (" 2026-12 ", "2026-12"),
    ] {
        assert_eq!(shouwen::audit::Period::parse(ok, tz).unwrap().label, label);
    }
}

/// Consultants audit one export per center together, and exports differ: a column one
/// file lacks is unknown for that file's cases, not empty. They are listed as not
/// judged by the rules that read it, and left out of the KPIs built on it.
#[test]
fn a_column_one_of_several_case_files_lacks_is_not_read_as_empty() {
    let a = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at\n\
A1,A中心,2026-10-08 08:05,来访,咨询,张三丰,咨询停车费,E1,2026-10-08 08:10\n\
A2,A中心,2026-10-08 08:05,来访,咨询,张三丰,咨询停车费,E1,\n";
    let b = "case_id,center,received_at,category,customer_name,content,first_responder_id\n\
B1,B中心,2026-10-08 08:05,咨询,李四,报修漏水,E2\n";
    let (d, r) = audit_dataset(&[("cases_a.csv", a), ("cases_b.csv", b)], &["RESP-24H"]);
    assert_reconciles(&r);
    // A2: never answered, past due at 11-01 → RESP-24H charged to E1. B1: its file has no
    // 首次回应时间 column → not judged (it used to be charged as never answered).
    assert_eq!(verdicts(&r), [v("A2", "RESP-24H", "E1", false)].into());
    let run = &r.runs[r
        .rules
        .rules
        .iter()
        .position(|x| x.id == "RESP-24H")
        .unwrap()];
    assert_eq!(run.judged, 2);
    assert_eq!(run.not_judged.len(), 1, "{:?}", run.not_judged);
    let (id, why) = &run.not_judged[0];
    assert_eq!(id, "B1");
    assert!(
        why.contains("cases_b.csv") && why.contains("first_response_at"),
        "{why}"
    );
    let center = |c: &str| r.centers.iter().find(|x| x.center == c).unwrap();
    assert_eq!(center("A中心").kpis.on_time_rate, Some(0.5));
    assert_eq!(center("B中心").kpis.on_time_rate, None);
    // B中心 has no violation only because nothing of it was judged: it ranks after A中心
    // (50 per 100 cases), its RESP rate is empty, and centers.csv says why.
    assert_eq!((center("A中心").rank, center("B中心").rank), (1, 2));
    assert_eq!(center("B中心").judged_in("RESP"), 0);
    let out = d.path().join("out");
    shouwen::report::write(&r, &out, &shouwen::report::ReportOptions::default()).unwrap();
    let mut rdr = csv::Reader::from_path(out.join("centers.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|x| x.unwrap()).collect();
    let col = |row: &csv::StringRecord, name: &str| {
        row[h.iter().position(|x| x == name).unwrap()].to_string()
    };
    let b = rows.iter().find(|x| col(x, "center") == "B中心").unwrap();
    assert_eq!(
        (col(b, "resp_per_100"), col(b, "not_fully_judged")),
        (String::new(), "RESP-24H 0/1".to_string())
    );
    let a = rows.iter().find(|x| col(x, "center") == "A中心").unwrap();
    assert_eq!(
        (col(a, "resp_per_100"), col(a, "not_fully_judged")),
        ("50.00".to_string(), String::new())
    );
}

/// One rule of a group lacking a column in one export (B's has no 协调单号, which only
/// ESC-SLIP reads) does not blank the group: the other ESC rules judged B's cases, so
/// B中心's escalation rate is over them, it ranks by its violations like A中心, and
/// centers.csv names the rule that could not judge it (ESC-SLIP 0/1). The same export
/// audited alone gets the same rate (ESC-SLIP then could not run at all).
#[test]
fn one_rule_lacking_a_column_names_itself_and_leaves_its_group_judged() {
    let a = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at,coordination_slip\n\
A1,A中心,2026-10-08 08:05,来访,咨询,张三丰,咨询停车费,E1,2026-10-08 08:10,\n";
    let b = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at\n\
B1,B中心,2026-10-08 08:05,来访,咨询,李四,报修漏水,E2,2026-10-08 08:10\n";
    let b_text = b;
    let (d, r) = audit_dataset(
        &[
            ("cases_a.csv", a),
            ("cases_b.csv", b),
            ("roster.csv", ROSTER),
        ],
        &["ESC"],
    );
    assert_reconciles(&r);
    let center = |c: &str| r.centers.iter().find(|x| x.center == c).unwrap();
    assert_eq!(center("B中心").judged_in("ESC"), 1);
    assert_eq!(
        center("B中心").judged_by_rule.get("ESC-SLIP").copied(),
        Some(0)
    );
    assert!(center("A中心").judged_by_rule.is_empty());
    // No violation in either: one rate, one rank (B used to rank last, "ESC 0/1").
    assert_eq!((center("A中心").rank, center("B中心").rank), (1, 1));
    let out = d.path().join("out");
    shouwen::report::write(&r, &out, &shouwen::report::ReportOptions::default()).unwrap();
    let mut rdr = csv::Reader::from_path(out.join("centers.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|x| x.unwrap()).collect();
    let col = |row: &csv::StringRecord, name: &str| {
        row[h.iter().position(|x| x == name).unwrap()].to_string()
    };
    let b = rows.iter().find(|x| col(x, "center") == "B中心").unwrap();
    assert_eq!(
        (col(b, "esc_per_100"), col(b, "not_fully_judged")),
        ("0.00".to_string(), "ESC-SLIP 0/1".to_string())
    );
    // B's export audited alone: ESC-SLIP could not run at all, and B中心 says the same.
    let (_d, alone) = audit_dataset(&[("cases_b.csv", b_text), ("roster.csv", ROSTER)], &["ESC"]);
    let b_alone = alone.centers.iter().find(|x| x.center == "B中心").unwrap();
    assert_eq!(b_alone.judged_by_rule.get("ESC-SLIP").copied(), Some(0));
    assert_eq!(b_alone.judged_in("ESC"), 1);
}

/// A rule group none of whose rules could run (no roster for the escalation rules, no
/// 回访时间 for the follow-up rules) judged no case: centers.csv leaves its rate and the
/// escalation error rate empty rather than a clean 0.00. And when one of several case
/// files lacks a column a rule's `when` reads, whether the rule applies to its cases is
/// unknown: they are not judged, not passed over as outside the rule.
#[test]
fn groups_that_could_not_run_have_no_rate_and_an_unreadable_when_is_not_judged() {
    let a = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at,satisfaction\n\
N1,北区中心,2026-10-08 08:05,来访,投诉,林女士,噪音,N01,2026-10-08 08:10,满意\n\
N2,北区中心,2026-10-09 08:05,来访,咨询,林女士,物业费,N01,2026-10-09 08:10,\n";
    let handoffs = "case_id,seq,at,from_id,to_id\nN1,1,2026-10-08 09:00,N01,N02\n";
    let (d, r) = audit_dataset(&[("cases.csv", a), ("handoffs.csv", handoffs)], &[]);
    let out = d.path().join("out");
    let opts = shouwen::report::ReportOptions {
        formats: shouwen::report::Formats::csv_only(),
        ..Default::default()
    };
    shouwen::report::write(&r, &out, &opts).unwrap();
    let mut rdr = csv::Reader::from_path(out.join("centers.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let row = rdr.records().next().unwrap().unwrap();
    let col = |name: &str| row[h.iter().position(|x| x == name).unwrap()].to_string();
    // RESP ran (0 violations: a clean 0.00); ESC (no roster) and FOLLOWUP (no 回访时间)
    // could not run: no rate.
    assert_eq!(col("resp_per_100"), "0.00");
    assert_eq!(
        (
            col("esc_per_100"),
            col("followup_per_100"),
            col("escalation_error_rate")
        ),
        (String::new(), String::new(), String::new())
    );

    // Two exports: the second has no 回访时间. FOLLOWUP-SATISFACTION's `when` reads it, so
    // for S1 (a complaint with a recorded 满意度) whether it applies is unknown: not judged.
    let b =
        "case_id,center,received_at,category,first_responder_id,first_response_at,satisfaction\n\
S1,南区中心,2026-10-08 08:05,投诉,S01,2026-10-08 08:10,满意\n";
    let full = format!(
        "{CASES_HEADER}F1,东区中心,2026-10-08 08:05,来访,投诉,王,,,噪音,E1,王芳,2026-10-08 08:10,,,2026-10-08 10:00,,,2026-10-09 10:00,E1,满意,\n"
    );
    let (_d, r) = audit_dataset(
        &[("cases_a.csv", &full), ("cases_b.csv", b)],
        &["FOLLOWUP-SATISFACTION"],
    );
    let run = &r.runs[r
        .rules
        .rules
        .iter()
        .position(|x| x.id == "FOLLOWUP-SATISFACTION")
        .unwrap()];
    assert_eq!(run.not_judged.len(), 1, "{:?}", run.not_judged);
    assert_eq!(run.not_judged[0].0, "S1");
    assert!(
        run.not_judged[0].1.contains("followup_at"),
        "{:?}",
        run.not_judged
    );
}

/// Two companies audited together both use the id E1: the second company's cases name
/// 周平, whom the roster does not know by that id, and would be charged to 王芳. The
/// audit says so (stderr and the manifest), naming the case and both names.
#[test]
fn a_first_responder_named_unlike_the_rosters_employee_is_warned_about() {
    let cases = format!(
        "{CASES_HEADER}\
K1,甲中心,2026-10-08 08:05,来访,咨询,林,,,问,E1,王芳,2026-10-08 08:10,,,,,,,,,\n\
K2,北区中心,2026-10-08 08:05,来访,咨询,林,,,问,E1,周 平,2026-10-08 08:10,,,,,,,,,\n\
K3,甲中心,2026-10-08 08:05,来访,咨询,林,,,问,E2,李 娜,2026-10-08 08:10,,,,,,,,,\n"
    );
    let d = dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)]);
    let files = DatasetFiles::discover(d.path()).unwrap();
    let loaded = shouwen::audit::load(&files, &default_rules(), Some("2026-10")).unwrap();
    // K3's "李 娜" is 李娜 written with a space: the same name.
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = &loaded.warnings[0];
    assert!(
        w.starts_with("1 case(s)")
            && w.contains("cases.csv:3 names 周 平, the roster's E1 is 王芳"),
        "{w}"
    );
}

/// One handoff that breaks two clauses of ESC-PATH (an operator skipping his direct
/// supervisor, to another center's department supervisor) is one violation of 2 points
/// with both findings as evidence, not two.
#[test]
fn one_wrong_handoff_is_one_path_violation() {
    let cases = format!(
        "{CASES_HEADER}\
AG1,甲中心,2026-10-12 09:00,来访,报修,王建国,,,漏水,O1,保安甲,2026-10-12 09:10,,,2026-10-12 15:00,,,,,,\n"
    );
    let roster = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
O1,保安甲,保安员,秩序部,甲中心,TL1,3000\n\
TL1,队长乙,保安队长,秩序部,甲中心,D1,3000\n\
D1,主管丙,部门主管,秩序部,甲中心,,3000\n\
D4,主管丁,部门主管,工程部,乙中心,,3000\n";
    let handoffs = "case_id,seq,at,from_id,to_id,to_department,method,note\n\
AG1,1,2026-10-12 09:20,O1,D4,工程部,电话,\n";
    let (_d, r) = audit_dataset(
        &[
            ("cases.csv", &cases),
            ("roster.csv", roster),
            ("handoffs.csv", handoffs),
        ],
        &["ESC-PATH"],
    );
    assert_reconciles(&r);
    let found: Vec<_> = r
        .violations
        .iter()
        .map(|v| (v.case_id(&r.cases), &*v.employee_id, v.points))
        .collect();
    assert_eq!(
        found,
        [("AG1", "O1", 2.0)],
        "{:?}",
        r.violations
            .iter()
            .map(|v| v.evidence.to_string())
            .collect::<Vec<_>>()
    );
    assert!(
        r.violations[0].evidence.text().contains('；'),
        "{}",
        r.violations[0].evidence
    );
}

/// The SPEC's `speakers` parameter: "staff" (the default) counts only staff turns, so a
/// resident quoting staff is no violation; "all" counts every line, for an export whose
/// reply holds staff's own words.
#[test]
fn the_speakers_parameter_chooses_whose_words_count() {
    let cases = format!(
        "{CASES_HEADER}\
S1,甲中心,2026-10-12 09:00,来访,咨询,王建国,,,咨询,E1,王芳,2026-10-12 09:10,\"业主：上次保安回我一句不归我管\n王芳：我来处理\",,,,,,,,\n"
    );
    let d = dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)]);
    let with = |speakers: &str| {
        let text = read(&root().join("rules/default.toml")).replace(
            "phrases = [\"不知道\"",
            &format!("speakers = {speakers:?}\nphrases = [\"不知道\""),
        );
        let rules = rules::parse(&text, "company.toml", "-").unwrap();
        let opts = AuditOptions {
            select: vec!["PHRASE".into()],
            ..period("2026-10")
        };
        verdicts(&audit_files(
            DatasetFiles::discover(d.path()).unwrap(),
            rules,
            opts,
        ))
    };
    // S1: the resident (业主) quotes a guard's 不归我管 → no violation with "staff" …
    // (回我一句 is no reporting word of C31: with every line counting, the words count.)
    assert!(with("staff").is_empty());
    // … and a violation charged to the first responder E1 when every line counts.
    assert_eq!(with("all"), [v("S1", "PHRASE-BANNED", "E1", false)].into());
    let bad = read(&root().join("rules/default.toml")).replace(
        "phrases = [\"不知道\"",
        "speakers = \"everyone\"\nphrases = [\"不知道\"",
    );
    let err = rules::parse(&bad, "company.toml", "-").unwrap_err();
    assert!(
        err.iter()
            .any(|e| e.to_string().contains("expected \"staff\"")),
        "{err:?}"
    );
}

/// `--period` keeps one month of an export that spans several: the other months' cases,
/// and their handoffs, are listed in rejected.csv (rows still reconcile) but are no
/// fault of the data, so `--strict` passes; a row that cannot be read still fails it.
#[test]
fn strict_does_not_count_rows_left_out_by_the_period() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    std::fs::create_dir(&data).unwrap();
    let cases = format!(
        "{CASES_HEADER}\
O1,甲中心,2026-10-12 09:00,来访,报修,王建国,,,漏水,E1,王芳,2026-10-12 09:10,,,2026-10-12 15:00,,,,,,\n\
S1,甲中心,2026-09-12 09:00,来访,报修,王建国,,,漏水,E1,王芳,2026-09-12 09:10,,,2026-09-12 15:00,,,,,,\n"
    );
    std::fs::write(data.join("cases.csv"), &cases).unwrap();
    std::fs::write(data.join("roster.csv"), ROSTER).unwrap();
    std::fs::write(
        data.join("handoffs.csv"),
        "case_id,seq,at,from_id,to_id,to_department,method,note\nS1,1,2026-09-12 09:20,E1,E2,客服部,电话,\n",
    )
    .unwrap();
    let audit = |extra: &[&str]| {
        let out = dir.path().join("r");
        let mut args = vec![
            "audit",
            data.to_str().unwrap(),
            "--period",
            "2026-10",
            "--strict",
            "--out",
            out.to_str().unwrap(),
            "-q",
        ];
        args.extend(extra);
        (shouwen(&args, dir.path()), out)
    };
    let (o, out) = audit(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rejected = read(&out.join("rejected.csv"));
    assert!(
        rejected.contains("outside the audited period"),
        "{rejected}"
    );
    assert!(rejected.contains("left out with it"), "{rejected}");
    // A row that cannot be read is a fault: --strict refuses.
    std::fs::write(
        data.join("cases.csv"),
        format!("{cases}B1,甲中心,2026-10-99 09:00,来访,报修,王建国,,,漏水,E1,王芳,,,,,,,,,,\n"),
    )
    .unwrap();
    let (o, _) = audit(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    // Only B1 counts: S1 and its handoff, left out by the period, do not.
    assert!(
        err.contains("--strict: 1 input row(s) were rejected"),
        "{err}"
    );
    assert!(err.contains("B1") || err.contains("2026-10-99"), "{err}");
    assert!(!err.contains("outside the audited period"), "{err}");
}

/// A case resolved without a recorded first response was answered by its resolution at
/// the latest: RESP-24H judges it by that time (it said "仍未首次回应，已过 490 小时" of
/// a case resolved within five minutes).
#[test]
fn a_resolution_stands_in_for_a_first_response_not_recorded() {
    let cases = format!(
        "{CASES_HEADER}\
W1,甲中心,2026-10-12 14:00,来访,报修,王建国,,,漏水,E1,王芳,,,,2026-10-12 14:05,,,,,,\n\
W2,甲中心,2026-10-12 14:00,来访,报修,王建国,,,漏水,E1,王芳,,,,2026-10-14 14:00,,,,,,\n\
W3,甲中心,2026-10-12 14:00,来访,报修,王建国,,,漏水,E1,王芳,,,,,,,,,,\n"
    );
    let (_d, r) = audit_dataset(&[("cases.csv", &cases)], &["RESP-24H"]);
    // W1: resolved 5 minutes after receipt → on time. W2: resolved after 48 h, no response
    // recorded → RESP-24H charged to E1, judged by the resolution. W3: neither → charged
    // as never answered.
    assert_eq!(
        verdicts(&r),
        [
            v("W2", "RESP-24H", "E1", false),
            v("W3", "RESP-24H", "E1", false)
        ]
        .into()
    );
    let ev = |id: &str| common::evidence(&r, id);
    assert!(
        ev("W2").contains("用时 48.0 小时")
            && ev("W2").contains("首次回应时间未记录，按办结时间计"),
        "{}",
        ev("W2")
    );
    assert!(ev("W3").contains("仍未首次回应"), "{}", ev("W3"));
    // The on-time rate agrees: W1 on time, W2 and W3 not → 1 of 3.
    let k = shouwen::audit::kpis(
        &r.cases,
        0..r.cases.len(),
        r.as_of,
        r.rules.calendar.tz,
        &r.followup_not_due,
    );
    assert!((k.on_time_rate.unwrap() - 1.0 / 3.0).abs() < 1e-9, "{k:?}");
}

/// 编号 (a row counter) and 工单号 (the ids) both name `case_id`: refused, until the rules
/// file maps one of them, to any column; then the other is the case id.
#[test]
fn an_ambiguous_alias_is_settled_by_mapping_the_other_cell_anywhere() {
    let d = dataset(&[(
        "cases.csv",
        "编号,工单号,服务中心,受理时间,类别,首问人工号,首次回应时间\n1,GD-A-0001,甲中心,2026-10-03 09:05,咨询,E01,\n",
    )]);
    let files = || DatasetFiles::discover(d.path()).unwrap();
    let opts = || AuditOptions {
        select: vec!["RESP-24H".into()],
        ..period("2026-10")
    };
    let err = audit::load(&files(), &default_rules(), Some("2026-10"))
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("both name `case_id`"), "{err}");
    let text = read(&root().join("rules/default.toml")).replace(
        "# [input.aliases.cases]",
        "[input.aliases.cases]\nunit = [\"编号\"]\n# ",
    );
    let rules = rules::parse(&text, "company.toml", "-").unwrap();
    let r = audit_files(files(), rules, opts());
    // GD-A-0001: never answered, past due at 11-01 → RESP-24H charged to E01.
    assert_eq!(
        verdicts(&r),
        [v("GD-A-0001", "RESP-24H", "E01", false)].into()
    );
}

/// A mapping to the wrong column: `received_at = ["房号"]` beside the export's own 受理时间.
/// The mapping wins, as written, but a warning says which column it passed over, and each
/// row's reason names the header it read (房号), not only the column's Chinese name.
#[test]
fn a_mapping_passing_over_a_named_column_is_warned_of_and_reasons_name_the_header() {
    let d = dataset(&[(
        "cases.csv",
        "工单号,服务中心,受理时间,房号,类别,首问人工号,回应时间\nG1,甲中心,2026-10-03 09:05,1栋101,咨询,E01,2026-10-03 09:10\nG2,甲中心,2026-10-03 09:05,2026-10-03 09:00,咨询,E01,10月3日 9点\n",
    )]);
    let text = read(&root().join("rules/default.toml")).replace(
        "# [input.aliases.cases]",
        "[input.aliases.cases]\nreceived_at = [\"房号\"]\n# ",
    );
    let rules = rules::parse(&text, "company.toml", "-").unwrap();
    let r = audit_files(
        DatasetFiles::discover(d.path()).unwrap(),
        rules,
        AuditOptions {
            select: vec!["RESP-24H".into()],
            ..AuditOptions::default()
        },
    );
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains("`received_at` (受理时间) is read from column \"房号\", as [input.aliases.cases] maps it; column \"受理时间\", which names it too, is not read for it"),
        "{w}"
    );
    let why = reasons(&r);
    assert!(
        why.iter().any(|(_, line, reason)| *line == 2
            && reason
                .contains("`received_at` (受理时间, column \"房号\"): cannot read \"1栋101\"")),
        "{why:?}"
    );
    // A header that is the column's own name or label is not repeated: G2's 回应时间 is
    // an alias of 首次回应时间, so it is named.
    assert!(
        why.iter().any(|(_, line, reason)| *line == 3
            && reason.contains("`first_response_at` (首次回应时间, column \"回应时间\")")),
        "{why:?}"
    );
}

/// A mapping to a header no file has (`resolved_at = ["Closed_Date"]` for `Closed Date`)
/// leaves the column unread: warned at the mapping's line and column, with the header
/// meant. An alias for another export's header, while every file has the column by a
/// name of its own, is not. A required column mapped wrongly is refused naming the alias.
#[test]
fn a_mapping_to_no_header_is_warned_at_its_line_and_a_required_one_refused() {
    let d = dataset(&[(
        "cases.csv",
        "工单号,服务中心,受理时间,Closed Date,类别,首问人工号,回应时间\nG1,甲中心,2026-10-03 09:05,2026-10-03 10:00,咨询,E01,2026-10-03 09:10\n",
    )]);
    let with = |aliases: &str| {
        let text = read(&root().join("rules/default.toml")).replace(
            "# [input.aliases.cases]",
            &format!("[input.aliases.cases]\n{aliases}\n# "),
        );
        rules::parse(&text, "company.toml", "-").unwrap()
    };
    let line = |rules: &rules::RuleSet| {
        let text = &rules.text;
        text.lines()
            .position(|l| l.starts_with("[input.aliases.cases]"))
            .unwrap()
            + 2
    };
    let rules = with("resolved_at = [\"Closed_Date\"]\nfirst_response_at = [\"Responded\"]");
    let at = line(&rules);
    let r = audit_files(
        DatasetFiles::discover(d.path()).unwrap(),
        rules,
        AuditOptions::default(),
    );
    let w = r.input_warnings.join("\n");
    assert!(
        w.contains(&format!("company.toml:{at}:15: [input.aliases.cases] maps `resolved_at` (办结时间) to \"Closed_Date\", which is no header of any cases file read (did you mean `Closed Date`?)")),
        "{w}"
    );
    // 首次回应时间 is read from 回应时间: the alias for another export is not a mistake.
    assert!(!w.contains("`first_response_at`"), "{w}");
    // Spelled right, nothing is said and 办结时间 is read.
    let r = audit_files(
        DatasetFiles::discover(d.path()).unwrap(),
        with("resolved_at = [\"Closed Date\"]"),
        AuditOptions::default(),
    );
    assert!(
        !r.input_warnings.join("\n").contains("no header"),
        "{:?}",
        r.input_warnings
    );
    assert!(r.cases.present.contains(&"resolved_at"));
    // A required column: refused, naming the alias, where it is, and the header meant.
    let rules = with("received_at = [\"Created Dat\"]");
    let at = line(&rules);
    let d = dataset(&[(
        "cases.csv",
        "工单号,服务中心,Created Date,类别,首问人工号\nG1,甲中心,2026-10-03 09:05,咨询,E01\n",
    )]);
    let err = audit::load(&DatasetFiles::discover(d.path()).unwrap(), &rules, None)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains(&format!("or the rules file's [input.aliases.cases] at company.toml:{at}:15: \"Created Dat\", none of which is in this header (did you mean `Created Date`?)")),
        "{err}"
    );
    assert!(!err.contains("or add an alias"), "{err}");
}

/// An inspections file whose findings column is not recognised must not read as "every
/// spot check clean": 检查结果 is read as the findings; with no findings column at all
/// the inspection rule could not run. And the as-of time derived from the data counts
/// the spot checks' times, so a rerun with the manifest's as-of reproduces the report.
#[test]
fn spot_checks_need_their_findings_and_count_in_the_derived_as_of() {
    let cases = format!(
        "{CASES_HEADER}\
K1,甲中心,2026-10-12 09:00,来访,咨询,王建国,,,咨询,E1,王芳,2026-10-12 09:10,,,2026-10-12 09:30,,,,,,\n"
    );
    let with = |header: &str, row: &str| {
        let d = dataset(&[
            ("cases.csv", &cases),
            ("roster.csv", ROSTER),
            ("inspections.csv", &format!("{header}\n{row}\n")),
        ]);
        let r = audit_files(
            DatasetFiles::discover(d.path()).unwrap(),
            default_rules(),
            AuditOptions {
                select: vec!["INSPECT".into()],
                ..AuditOptions::default()
            },
        );
        (d, r)
    };
    // I1 at 10-20: 不理睬 and 傲慢 found by a 现场暗访 of E1 → charged to E1, under the
    // Chinese header 检查结果; the as-of time is the spot check's, the latest event.
    let (_d, r) = with(
        "检查编号,检查时间,服务中心,工号,检查方式,检查结果,备注",
        "I1,2026/10/20 10:00,甲中心,E1,现场暗访,不理睬；傲慢,",
    );
    assert!(!r.violations.is_empty());
    assert!(r.violations.iter().all(|v| &*v.employee_id == "E1"));
    assert_eq!(
        shouwen::timeparse::format_local_short(r.as_of, chrono_tz::Asia::Shanghai),
        "2026-10-20 10:00"
    );
    // No findings column: the rule says it could not run, not "judged 1, violations 0".
    let (_d, r) = with(
        "检查编号,检查时间,服务中心,工号,检查方式,备注",
        "I1,2026/10/20 10:00,甲中心,E1,现场暗访,",
    );
    let i = r
        .rules
        .rules
        .iter()
        .position(|x| x.kind == "inspection")
        .unwrap();
    assert!(
        r.runs[i]
            .not_run
            .as_deref()
            .is_some_and(|w| w.contains("findings")),
        "{:?}",
        r.runs[i].not_run
    );
}

/// Placeholders an export writes into an empty field are no value: a 协调单号 of "无" is no
/// coordination slip. And a finding written twice in one spot check is one finding.
#[test]
fn a_slip_of_none_is_no_slip_and_a_repeated_finding_counts_once() {
    let roster = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
CR1,客主甲,客户关系主管,客服部,甲中心,,5000\n\
D2,工主甲,部门主管,工程部,甲中心,CR1,5000\n\
D3,秩主甲,部门主管,秩序部,甲中心,CR1,5000\n\
S1,客服甲,管理人员,客服部,甲中心,CR1,4000\n";
    let cases = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at,promised_at,resolved_at,coordination_slip\n\
K1,甲中心,2026-10-12 09:00,来访,报修,张三,漏水,S1,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 12:00,无\n\
K2,甲中心,2026-10-12 09:00,来访,报修,张三,漏水,S1,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 12:00,XT-001\n\
K3,甲中心,2026-10-12 09:00,来访,报修,张三,漏水,S1,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 12:00,\n";
    let mut handoffs = String::from("case_id,seq,at,from_id,to_id,to_department\n");
    for k in ["K1", "K2", "K3"] {
        handoffs.push_str(&format!(
            "{k},1,2026-10-12 09:11,S1,CR1,客服部\n{k},2,2026-10-12 09:12,CR1,D2,工程部\n{k},3,2026-10-12 09:13,CR1,D3,秩序部\n"
        ));
    }
    // I2 lists its findings a line each (Alt+Enter in the cell); I3 found nothing (无).
    let inspections = "inspection_id,at,center,employee_id,method,findings,note\nI1,2026-10-20 10:00,甲中心,S1,现场暗访,不理睬;不理睬,\nI2,2026-10-21 10:00,甲中心,S1,现场暗访,\"打官腔\n傲慢\",\nI3,2026-10-22 10:00,甲中心,S1,现场暗访,无,\n";
    let (_d, r) = audit_dataset(
        &[
            ("cases.csv", cases),
            ("handoffs.csv", &handoffs),
            ("roster.csv", roster),
            ("inspections.csv", inspections),
        ],
        &["ESC-SLIP", "INSPECT"],
    );
    let slips: BTreeSet<&str> = r
        .violations
        .iter()
        .filter(|v| r.rules.rules[v.rule].id == "ESC-SLIP")
        .map(|v| v.case_id(&r.cases))
        .collect();
    // Two departments (工程部, 秩序部) without a slip: K1 ("无") and K3 (blank) → ESC-SLIP;
    // K2 has slip XT-001.
    assert_eq!(slips, ["K1", "K3"].into());
    // I1: 不理睬 found once, written twice → one violation; I2: two; I3: none, and
    // nothing left unjudged.
    let found: Vec<String> = r
        .violations
        .iter()
        .filter(|v| v.row.is_none())
        .map(|v| v.evidence.to_string())
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found.iter().any(|e| e.contains("发现：打官腔"))
            && found.iter().any(|e| e.contains("发现：傲慢")),
        "{found:?}"
    );
    let k = r
        .rules
        .rules
        .iter()
        .position(|x| x.id == "INSPECT-FINDINGS")
        .unwrap();
    let inspect = &r.runs[k];
    assert!(inspect.not_judged.is_empty(), "{:?}", inspect.not_judged);
}

/// A 客户关系主管 and two 管理人员 of two centers, and two cases 王芳 (S1) answered: the
/// handoff tests' people and cases.
const HANDOFF_ROSTER: &str = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
CR1,钱丽,客户关系主管,客服部,甲中心,,5000\n\
S1,王芳,管理人员,客服部,甲中心,CR1,4000\n\
S2,李娜,管理人员,客服部,乙中心,,4000\n";
const HANDOFF_CASES: &str = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at,resolved_at\n\
R1,甲中心,2026-10-12 09:00,来访,咨询,张三,车位,S1,2026-10-12 09:05,2026-10-12 12:00\n\
R2,甲中心,2026-10-12 09:00,来访,咨询,张三,车位,S1,2026-10-12 09:05,2026-10-12 12:00\n";

/// An escalation finding shows the handoff as recorded — its time, method, note, and
/// the handoffs file's line — so that the employee sees which handoff is meant and the
/// quality department can open it. The case row stays the finding's source.
#[test]
fn an_escalation_finding_quotes_the_handoff_record() {
    let (roster, cases) = (HANDOFF_ROSTER, HANDOFF_CASES);
    let handoffs = "case_id,seq,at,from_id,to_id,to_department,method,note\n\
R1,1,2026-10-12 09:10,S1,CR1,客服部,电话,转客户关系主管协调\n\
R1,2,2026-10-12 09:40,CR1,S1,客服部,现场,车位事宜退回前台王芳处理\n\
R2,1,2026-10-12 09:20,S1,S2,客服部,电话,转乙中心\n";
    let (_d, r) = audit_dataset(
        &[
            ("cases.csv", cases),
            ("handoffs.csv", handoffs),
            ("roster.csv", roster),
        ],
        &["ESC-PATH", "ESC-PINGPONG"],
    );
    let found: Vec<(String, String, String)> = r
        .violations
        .iter()
        .map(|v| {
            (
                r.rules.rules[v.rule].id.clone(),
                v.evidence.to_string(),
                v.source(&r.cases),
            )
        })
        .collect();
    // R2: 王芳 handed it to a 管理人员 of another center — the wrong receiver and the
    // wrong way across centers, one ESC-PATH finding quoting the handoff once.
    let r2: Vec<String> = r
        .violations
        .iter()
        .filter(|v| v.case_id(&r.cases) == "R2")
        .map(|v| v.evidence.to_string())
        .collect();
    assert_eq!(r2.len(), 1, "{found:?}");
    assert_eq!(r2[0].matches("转乙中心").count(), 1, "{}", r2[0]);
    assert!(r2[0].contains('；'), "two clauses: {}", r2[0]);
    let found: Vec<(String, String, String)> = found
        .into_iter()
        .filter(|(_, _, source)| source.ends_with("cases.csv:2"))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    for (id, ev, source) in &found {
        // C R1: 钱丽 (CR1) sent it back to 王芳 at 09:40 — handoffs.csv line 3.
        assert!(
            ev.starts_with("第2次转交 CR1(客户关系主管, 客服部) → S1(管理人员, 客服部)（2026-10-12 09:40，现场，备注“车位事宜退回前台王芳处理”，")
                && ev.contains("handoffs.csv:3）："),
            "{id}: {ev}"
        );
        assert!(source.ends_with("cases.csv:2"), "{id}: {source}");
    }
    // The clause still follows the record.
    assert!(
        found
            .iter()
            .any(|(id, ev, _)| id == "ESC-PINGPONG" && ev.contains("：案件退回曾转出此案的 S1")),
        "{found:?}"
    );
}

/// Handoffs exported per center (`handoffs_东区.csv`, `handoffs_西区.csv`) are all read,
/// as the cases may be: a folder of them is not an audit without handoffs (every ESC
/// rule "ran" and found nothing). The same file saved twice is refused.
#[test]
fn handoffs_in_several_files_are_all_read() {
    let (roster, cases) = (HANDOFF_ROSTER, HANDOFF_CASES);
    let header = "case_id,seq,at,from_id,to_id,to_department,method,note\n";
    let east = format!("{header}R1,1,2026-10-12 09:10,S1,CR1,客服部,电话,\nR1,2,2026-10-12 09:40,CR1,S1,客服部,现场,\n");
    let west = format!("{header}R2,1,2026-10-12 09:20,S1,S2,客服部,电话,转乙中心\n");
    let d = dataset(&[
        ("cases.csv", cases),
        ("handoffs_东区.csv", &east),
        ("handoffs_西区.csv", &west),
        ("roster.csv", roster),
    ]);
    let files = DatasetFiles::discover(d.path()).unwrap();
    assert_eq!(files.handoffs.len(), 2, "{:?}", files.handoffs);
    let r = audit_files(
        files,
        default_rules(),
        AuditOptions {
            select: vec!["ESC".into()],
            ..period("2026-10")
        },
    );
    let cases_charged: BTreeSet<&str> = r.violations.iter().map(|v| v.case_id(&r.cases)).collect();
    assert_eq!(cases_charged, ["R1", "R2"].into(), "{:?}", verdicts(&r));
    // R2's finding cites the west file by name.
    let r2 = r
        .violations
        .iter()
        .find(|v| v.case_id(&r.cases) == "R2")
        .unwrap()
        .evidence
        .to_string();
    assert!(r2.contains("handoffs_西区.csv:2）"), "{r2}");
    // the same export saved as CSV and as a workbook: refused, naming both
    std::fs::write(d.path().join("handoffs_西区.xlsx"), b"x").unwrap();
    let e = DatasetFiles::discover(d.path()).unwrap_err().to_string();
    assert!(
        e.contains("handoffs_西区.csv") && e.contains("handoffs_西区.xlsx"),
        "{e}"
    );
}

/// A waiver names a case and a rule; a spot check (or a case) with several findings of
/// the rule has them all cleared by it, which is said. A waiver's `finding` (words of the
/// evidence) or `employee_id` clears only the finding it names; one naming a finding that
/// is not there is reported, not applied.
#[test]
fn a_waiver_can_name_one_finding_of_a_spot_check() {
    let roster = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
CR1,钱丽,客户关系主管,客服部,甲中心,,5000\n\
S1,吴刚,管理人员,客服部,甲中心,CR1,4000\n";
    let cases = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at,resolved_at\n\
R1,甲中心,2026-10-12 09:00,来访,咨询,张三,车位,S1,2026-10-12 09:05,2026-10-12 12:00\n";
    let inspections = "inspection_id,at,center,employee_id,method,findings,note\n\
JC1,2026-10-20 10:00,甲中心,S1,现场暗访,不理睬;傲慢,业主称其态度傲慢\n\
JC2,2026-10-21 10:00,甲中心,S1,电话抽查,推诿;打官腔,\n\
JC3,2026-10-22 10:00,甲中心,S1,电话抽查,斜视,\n\
JC4,2026-10-23 10:00,甲中心,S1,电话抽查,不理睬;傲慢,\n";
    // JC1's note says 傲慢 too: the finding is named, not looked for in the note. Row 5
    // repeats row 2 by the employee's name: nothing new cleared, so a repeat.
    let waivers = "case_id,rule_id,reason,approved_by,finding,employee_id\n\
JC1,INSPECT-FINDINGS,傲慢一项为误记,CR1,傲慢,\n\
JC2,INSPECT-FINDINGS,整次抽查作废,CR1,,\n\
JC3,INSPECT-FINDINGS,误记,CR1,傲慢,\n\
JC1,INSPECT-FINDINGS,傲慢一项为误记,CR1,傲慢,吴刚\n\
JC4,INSPECT-FINDINGS,本人认为误记,S1,,\n";
    let (_d, r) = audit_dataset(
        &[
            ("cases.csv", cases),
            ("roster.csv", roster),
            ("inspections.csv", inspections),
            ("waivers.csv", waivers),
        ],
        &["INSPECT"],
    );
    let mut found: Vec<(String, bool)> = r
        .violations
        .iter()
        .map(|v| {
            let ev = v.evidence.to_string();
            let what = ev.split("发现：").nth(1).unwrap_or("");
            let what = what.split('（').next().unwrap_or("").to_string();
            (
                format!("{} {what}", v.case_id(&r.cases)),
                v.waiver.is_some(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("JC1 不理睬".to_string(), false), // admitted: still charged
            ("JC1 傲慢".to_string(), true),    // the waiver names it
            ("JC2 打官腔".to_string(), true),  // the whole spot check waived …
            ("JC2 推诿".to_string(), true),
            ("JC3 斜视".to_string(), false), // 傲慢 is not what JC3 found
            ("JC4 不理睬".to_string(), false), // approved by S1 himself: not applied
            ("JC4 傲慢".to_string(), false),
        ]
    );
    // … and a row that cleared nothing is not said to clear two.
    assert!(
        !r.input_warnings.iter().any(|w| w.contains("\"JC4\"")),
        "{:?}",
        r.input_warnings
    );
    // … and said to have cleared two findings, naming them.
    let said: Vec<&String> = r
        .input_warnings
        .iter()
        .filter(|w| w.contains("clears 2 `INSPECT-FINDINGS` violations"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", r.input_warnings);
    assert!(
        said[0].contains("waivers.csv:3") && said[0].contains("推诿") && said[0].contains("打官腔"),
        "{said:?}"
    );
    // The warning names whom and what, not the evidence (it is not masked).
    assert!(!said[0].contains("电话抽查"), "{said:?}");
    assert_eq!(r.unmatched_waivers.len(), 3, "{:?}", r.unmatched_waivers);
    assert!(
        r.unmatched_waivers[2].why.starts_with("approved by \"S1\""),
        "{:?}",
        r.unmatched_waivers[2]
    );
    let u = &r.unmatched_waivers[0];
    assert!(u.source.ends_with("waivers.csv:4"), "{u:?}");
    assert!(
        u.why.starts_with("spot check \"JC3\" has 1")
            && u.why.contains("none with the finding its 豁免内容")
            && !u.why.contains("傲慢"),
        "{u:?}"
    );
    assert_repeats(&r.unmatched_waivers[1], "waivers.csv:5", "waivers.csv:2");
}

/// A waiver's `employee_id` (by id or roster name) clears only the violation charged to
/// that employee: two staff said a forbidden phrase in one case, one was excused.
#[test]
fn a_waiver_can_name_the_employee_it_clears() {
    let cases = format!(
        "{CASES_HEADER}\
W01,甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,1-101,咨询,E1,王芳,2026-10-12 09:10,\"王芳：不归我管\n李娜：不知道\",,2026-10-12 09:30,已处理,1,,,,\n"
    );
    let waivers = "case_id,rule_id,reason,approved_by,被豁免人工号\nW01,PHRASE-BANNED,李娜在转述业主原话,E9,李娜\n";
    let (_d, r) = audit_dataset(
        &[
            ("cases.csv", &cases),
            ("roster.csv", ROSTER),
            ("waivers.csv", waivers),
        ],
        &["PHRASE"],
    );
    assert_eq!(
        verdicts(&r),
        [
            v("W01", "PHRASE-BANNED", "E1", false),
            v("W01", "PHRASE-BANNED", "E2", true)
        ]
        .into()
    );
    assert!(r.unmatched_waivers.is_empty(), "{:?}", r.unmatched_waivers);
}

/// `--quiet` prints nothing but errors: the audit's warnings stay in manifest.json.
#[test]
fn quiet_prints_no_warnings_and_the_manifest_keeps_them() {
    let cases = format!(
        "{CASES_HEADER}\
W01,甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,,咨询,E1,王芳,2026-10-14 09:10,王芳：好的,,2026-10-14 09:30,,,,,,\n"
    );
    // approved by someone the roster does not know: applied, with a warning
    let waivers = "case_id,rule_id,reason,approved_by\nW01,RESP-24H,系统故障,E99\n";
    let d = dataset(&[
        ("cases.csv", &cases),
        ("roster.csv", ROSTER),
        ("waivers.csv", waivers),
    ]);
    let rules = root().join("rules/default.toml");
    let run = |out: &str, quiet: bool| {
        let out = d.path().join(out);
        let mut args = vec![
            "audit",
            d.path().to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ];
        if quiet {
            args.push("-q");
        }
        let o = shouwen(&args, d.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let m = read(&out.join("manifest.json"));
        (String::from_utf8_lossy(&o.stderr).to_string(), m)
    };
    let (loud, m1) = run("r1", false);
    assert!(loud.contains("warning:") && loud.contains("E99"), "{loud}");
    let (quiet, m2) = run("r2", true);
    assert_eq!(quiet, "", "--quiet printed: {quiet}");
    assert!(m1.contains("E99") && m2.contains("E99"), "{m2}");
}

/// A waiver that finds nothing to waive says why in the clerk's terms: its case is still
/// pending (not yet due), or it has no such violation.
#[test]
fn an_unapplied_waiver_says_whether_its_case_is_pending() {
    let cases = format!(
        "{CASES_HEADER}\
P1,甲中心,2026-10-31 12:00,来访,咨询,王建国,,,咨询,E1,王芳,,,,,,,,,,\n\
P2,甲中心,2026-10-12 09:00,来访,咨询,王建国,,,咨询,E1,王芳,2026-10-12 09:10,,,,,,,,,\n"
    );
    let waivers =
        "case_id,rule_id,reason,approved_by\nP1,RESP-24H,系统故障,E2\nP2,RESP-24H,系统故障,E2\n";
    let (_d, r) = audit_dataset(
        &[("cases.csv", &cases), ("waivers.csv", waivers)],
        &["RESP-24H"],
    );
    let why: Vec<(&str, &str)> = r
        .unmatched_waivers
        .iter()
        .map(|w| (w.case_id.as_str(), w.why.as_str()))
        .collect();
    // P1: received 10-31 12:00, due 11-01 12:00, after the as-of time → pending.
    // P2: answered after 10 minutes → no violation.
    assert_eq!(why.len(), 2, "{why:?}");
    assert!(
        why[0].0 == "P1" && why[0].1.contains("is pending"),
        "{why:?}"
    );
    assert!(
        why[1].0 == "P2" && why[1].1.contains("has no `RESP-24H` violation"),
        "{why:?}"
    );
}

/// The same case files named in another order on the command line give the same report.
#[test]
fn case_files_named_in_any_order_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        dir.path().join("cases_a.csv"),
        dir.path().join("cases_b.csv"),
    );
    std::fs::write(
        &a,
        format!(
            "{CASES_HEADER}A1,甲中心,2026-10-12 09:00,来访,咨询,王建国,,,咨询,E1,王芳,,,,,,,,,,\n"
        ),
    )
    .unwrap();
    std::fs::write(
        &b,
        format!(
            "{CASES_HEADER}B1,乙中心,2026-10-12 09:00,来访,咨询,李雷,,,咨询,E2,李娜,,,,,,,,,,\n"
        ),
    )
    .unwrap();
    let run = |first: &Path, second: &Path, out: &str| {
        let out = dir.path().join(out);
        let o = shouwen(
            &[
                "audit",
                "--cases",
                first.to_str().unwrap(),
                "--cases",
                second.to_str().unwrap(),
                "--period",
                "2026-10",
                "--format",
                "csv",
                "--out",
                out.to_str().unwrap(),
                "-q",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        read(&out.join("violations.csv"))
    };
    let (ab, ba) = (run(&a, &b, "ab"), run(&b, &a, "ba"));
    assert!(ab.contains("A1") && ab.contains("B1"), "{ab}");
    assert_eq!(ab, ba);
}

/// A 维修员 hands a job to his direct supervisor, the 工程部 主管, as the regulation tells
/// him; the 主管 passes it to 秩序部. That is the supervisor handling it, as if he had
/// first responded: no 再次转移, and one department besides the first holder's own.
#[test]
fn an_operators_step_to_his_own_supervisor_is_not_a_receiving_department() {
    let roster = "employee_id,name,role,department,center,supervisor_id,base_pay\n\
O2,维修乙,维修员,工程部,甲中心,D2,3000\n\
D2,工主乙,部门主管,工程部,甲中心,M1,5000\n\
D3,秩主丙,部门主管,秩序部,甲中心,M1,5000\n\
D4,环主丁,部门主管,环境部,甲中心,M1,5000\n\
M1,经理甲,管理部经理,管理部,甲中心,,8000\n\
T2,组长乙,班组长,工程部,甲中心,D2,4000\n\
S1,客服甲,管理人员,客服部,甲中心,M1,4000\n";
    let cases = "case_id,center,received_at,channel,category,customer_name,content,first_responder_id,first_response_at,promised_at,resolved_at,coordination_slip\n\
Y6,甲中心,2026-10-12 09:00,来访,报修,张三,漏水,S1,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 12:00,\n\
Y1,甲中心,2026-10-12 09:00,来访,报修,张三,漏水,D2,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 12:00,\n\
Y4,甲中心,2026-10-12 09:00,来访,报修,张三,漏水,O2,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 12:00,\n\
Y5,甲中心,2026-10-12 09:00,来访,报修,张三,漏水,O2,2026-10-12 09:10,2026-10-12 18:00,2026-10-12 12:00,\n";
    let handoffs = "case_id,seq,at,from_id,to_id,to_department\n\
Y6,1,2026-10-12 09:11,S1,T2,工程部\n\
Y6,2,2026-10-12 09:12,T2,D2,工程部\n\
Y6,3,2026-10-12 09:13,D2,D3,秩序部\n\
Y1,1,2026-10-12 09:11,D2,D3,秩序部\n\
Y4,1,2026-10-12 09:11,O2,D2,工程部\n\
Y4,2,2026-10-12 09:12,D2,D3,秩序部\n\
Y5,1,2026-10-12 09:11,O2,D2,工程部\n\
Y5,2,2026-10-12 09:12,D2,D3,秩序部\n\
Y5,3,2026-10-12 09:13,D3,D4,环境部\n";
    let (_d, r) = audit_dataset(
        &[
            ("cases.csv", cases),
            ("handoffs.csv", handoffs),
            ("roster.csv", roster),
        ],
        &["ESC-RETRANSFER", "ESC-SLIP"],
    );
    // Y1 (the 主管 first responded) and Y4 (the 维修员 brought it to him first) alike: no
    // violation. Y5: 秩序部 received it and passed it on to 环境部 → ESC-RETRANSFER charged
    // to D3, and two departments (秩序部, 环境部) without a slip → ESC-SLIP.
    let found: BTreeSet<_> = r
        .violations
        .iter()
        .map(|v| {
            (
                v.case_id(&r.cases),
                r.rules.rules[v.rule].id.as_str(),
                &*v.employee_id,
            )
        })
        .collect();
    // Y6: 客服部 S1 brought it into 工程部 through its 班组长, who took it to his
    // 主管: 工程部 received it, and passing it to 秩序部 is 再次转移 → charged to D2.
    assert!(
        found.iter().all(|(c, _, _)| *c == "Y5" || *c == "Y6"),
        "{found:?}"
    );
    assert!(found.contains(&("Y5", "ESC-RETRANSFER", "D3")), "{found:?}");
    assert!(found.contains(&("Y6", "ESC-RETRANSFER", "D2")), "{found:?}");
}

/// A roster without the 绩效工资基数 column: pay says it could not run, as without a roster.
#[test]
fn a_roster_without_base_pay_says_pay_could_not_run() {
    let cases = format!(
        "{CASES_HEADER}\
P01,甲中心,2026-10-12 09:00,来访,咨询,王建国,13812345678,,咨询,E1,王芳,2026-10-12 09:10,王芳：好的,,2026-10-12 09:30,,,,,,\n"
    );
    let roster = "employee_id,name,role,department,center\nE1,王芳,管理人员,客服部,甲中心\n";
    let (_d, r) = audit_dataset(&[("cases.csv", &cases), ("roster.csv", roster)], &["RESP"]);
    assert!(
        r.pay_not_run
            .as_deref()
            .unwrap_or("")
            .contains("no `base_pay`"),
        "{:?}",
        r.pay_not_run
    );
}

// ---------- over-long conditions: refused at check time, the largest accepted runs ----------

/// An `expression` rule with these `when` and `require`.
fn expression_rule(when: &str, require: &str) -> String {
    format!(
        "[[rule]]\nid = \"LONG-1\"\ntitle = \"长条件\"\nkind = \"expression\"\nseverity = \"minor\"\npoints = 1\nbasis = \"b\"\nwhen = \"{when}\"\nrequire = \"{require}\"\n"
    )
}

/// `shouwen ARGS` with the main thread's stack at 2 MiB, the size of the audit's worker
/// threads, so that the test checks the margin and not the 8 MiB of a shell's default.
fn shouwen_small_stack(args: &[&str], cwd: &Path) -> std::process::Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -s 2048 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_shouwen"))
        .args(args)
        .current_dir(cwd);
    cmd.output().expect("runs")
}

#[test]
fn an_over_long_condition_is_refused_and_the_longest_accepted_one_audits() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("long.toml");
    // 6,000 ORs overflowed the stack of `rules check` (exit 134): refused at `when`.
    let ors: Vec<String> = (0..6000).map(|i| format!("contacts = {i}")).collect();
    std::fs::write(&p, expression_rule(&ors.join(" OR "), "contacts <= 2")).unwrap();
    let o = shouwen(&["rules", "check", p.to_str().unwrap()], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("long.toml:8:8: error: `when` is too long: 11999 operators")
            && err.contains("IN (0, 1, 2)"),
        "{err}"
    );
    // One operator more than accepted: refused; parentheses nested too deep: refused.
    let chain = |n: usize| format!("contacts{} > 2", " + 1".repeat(n - 1));
    let max = rules::MAX_SQL_OPERATORS;
    std::fs::write(&p, expression_rule("contacts IS NOT NULL", &chain(max + 1))).unwrap();
    let o = shouwen(&["rules", "check", p.to_str().unwrap()], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("long.toml:9:11:") && err.contains("too long"),
        "{err}"
    );
    let deep = rules::MAX_SQL_DEPTH + 1;
    let nested = format!("{}contacts > 2{}", "(".repeat(deep), ")".repeat(deep));
    std::fs::write(&p, expression_rule("contacts IS NOT NULL", &nested)).unwrap();
    let o = shouwen(&["rules", "check", p.to_str().unwrap()], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("nests parentheses 33 deep"), "{err}");

    // The largest accepted: `max` operators in one chain (the deepest tree), inside the
    // deepest accepted parentheses, as both `when` and `require`; quoted operators do
    // not count. Checked and audited on a small stack, without overflow.
    let depth = rules::MAX_SQL_DEPTH;
    let largest = format!("{}{}{}", "(".repeat(depth), chain(max), ")".repeat(depth));
    let when = format!(
        "{}{} OR category = 'A OR B + C'{}",
        "(".repeat(depth),
        chain(max - 2),
        ")".repeat(depth)
    );
    std::fs::write(&p, expression_rule(&when, &largest)).unwrap();
    let o = shouwen_small_stack(&["rules", "check", p.to_str().unwrap()], dir.path());
    assert!(o.status.success(), "{o:?}");
    let out = dir.path().join("report");
    let o = shouwen_small_stack(
        &[
            "audit",
            fixture("basic").to_str().unwrap(),
            "--rules",
            p.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{o:?}");
    let m: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    let runs = m["rule_runs"].as_array().unwrap();
    assert!(
        runs.iter()
            .any(|r| r["id"] == "LONG-1" && r["status"] == "ran"),
        "{runs:?}"
    );
}

/// The centers' and employees' measures taken in one pass over the cases are those taken
/// over each group's own rows (as centers.csv and scorecards.csv were made before): the
/// committed sample, grouped by center and by first responder.
#[test]
fn measures_of_all_groups_at_once_are_each_groups_own() {
    let files = DatasetFiles::discover(&root().join("sample-data")).unwrap();
    let loaded = audit::load(&files, &default_rules(), None).unwrap();
    let cases = &loaded.cases;
    let as_of = cases.time("received_at").iter().flatten().max().unwrap();
    // Some follow-ups marked not due, to compare that too.
    let not_due: Vec<bool> = (0..cases.len()).map(|i| i % 3 == 0).collect();
    for column in ["center", "first_responder_id"] {
        let mut number: std::collections::BTreeMap<&str, u32> = Default::default();
        let group: Vec<u32> = cases
            .text(column)
            .iter()
            .map(|v| match v {
                Some(v) => {
                    let next = number.len() as u32;
                    *number.entry(v).or_insert(next)
                }
                None => u32::MAX,
            })
            .collect();
        assert!(number.len() > 1, "{column}: several groups");
        let all = audit::kpis_by_group(
            cases,
            &group,
            number.len(),
            as_of,
            chrono_tz::Asia::Shanghai,
            &not_due,
        );
        for (g, got) in all.iter().enumerate() {
            let rows = (0..cases.len()).filter(|&i| group[i] == g as u32);
            let want = audit::kpis(cases, rows, as_of, chrono_tz::Asia::Shanghai, &not_due);
            assert!(want.cases > 0);
            assert_eq!(got, &want, "{column} group {g}");
        }
    }
}

/// 投诉回访 within 3 working days (FOLLOWUP-3WD) is counted on the rules' [calendar]: in
/// a year it lists holidays for, 国庆 does not count; in a year it lists none for, the
/// rule still judges, and the report says that its working days there are plain weekdays.
#[test]
fn working_day_deadlines_follow_the_calendar_and_name_the_years_it_lacks() {
    let complaint = |id: &str, resolved: &str, followup: &str| {
        format!(
            "{id},甲中心,{resolved},来访,投诉,王建国,13812345678,,投诉噪音,E1,王芳,{resolved},好的,,{resolved},已处理,1,{followup},E1,满意,\n"
        )
    };
    let audit_with = |rules: shouwen::rules::RuleSet, p: &str, rows: &[String]| {
        let cases = format!("{CASES_HEADER}{}", rows.concat());
        let d = dataset(&[("cases.csv", &cases), ("roster.csv", ROSTER)]);
        let opts = AuditOptions {
            select: vec!["FOLLOWUP-3WD".into()],
            ..period(p)
        };
        let r = audit_files(DatasetFiles::discover(d.path()).unwrap(), rules, opts);
        assert_reconciles(&r);
        let run = r
            .rules
            .rules
            .iter()
            .zip(&r.runs)
            .find(|(rule, _)| rule.id == "FOLLOWUP-3WD")
            .map(|(_, run)| run.clone())
            .unwrap();
        (verdicts(&r), run)
    };
    let audit = |p: &str, rows: &[String]| audit_with(default_rules(), p, rows);
    // 2025: 10/1–10/8 are holidays and Saturday 10/11 a make-up day, so 3 working days
    // from Tue 9/30 10:00 end on 10/11 10:00. F01 (回访 10/10) is on time; F02 (10/13)
    // is late. Counted on weekdays alone the deadline would be 10/3 10:00.
    let (found, run) = audit(
        "2025-09",
        &[
            complaint("F01", "2025-09-30 10:00", "2025-10-10 09:00"),
            complaint("F02", "2025-09-30 10:00", "2025-10-13 09:00"),
        ],
    );
    assert_eq!(found, [v("F02", "FOLLOWUP-3WD", "E1", false)].into());
    assert_eq!(run.warning, None);
    // 2027: the default calendar lists no holidays yet. The rule still judges (G01,
    // resolved Mon 1/4 and followed up Fri 1/8, is late on any calendar) and says that
    // its working days of 2027 are plain weekdays.
    let (found, run) = audit(
        "2027-01",
        &[complaint("G01", "2027-01-04 10:00", "2027-01-08 11:00")],
    );
    assert_eq!(found, [v("G01", "FOLLOWUP-3WD", "E1", false)].into());
    let w = run.warning.expect("a warning for 2027");
    assert!(w.contains("2027") && !w.contains("2026"), "{w}");
    assert!(w.contains("[calendar]") && w.contains("放假安排"), "{w}");
    // A rules file with no holidays at all (a custom file written without [calendar]'s
    // lists): 国庆 2026 counts as working days, so H01 (resolved Wed 9/30, followed up
    // Fri 10/9) is charged, and the run says why.
    let text = std::fs::read_to_string(root().join("rules/default.toml")).unwrap();
    let (head, rest) = text.split_once("holidays = [").unwrap();
    let (_, tail) = rest.split_once("\n]\n").unwrap();
    let (_, tail) = tail.split_once("\n]\n").unwrap(); // makeup_workdays
    let bare = format!("{head}holidays = []\nmakeup_workdays = []\n{tail}");
    let rules = shouwen::rules::parse(&bare, "bare.toml", "0").expect("valid without holidays");
    assert!(rules.calendar.holidays.is_empty() && rules.calendar.makeup_workdays.is_empty());
    let h01 = || vec![complaint("H01", "2026-09-30 10:00", "2026-10-09 09:00")];
    let (found, run) = audit_with(rules, "2026-09", &h01());
    assert_eq!(found, [v("H01", "FOLLOWUP-3WD", "E1", false)].into());
    let w = run.warning.expect("a warning: no holidays at all");
    assert!(w.contains("2026") && w.contains("[calendar]"), "{w}");
    // with the calendar, on time and no warning
    let (found, run) = audit("2026-09", &h01());
    assert_eq!(found, BTreeSet::new());
    assert_eq!(run.warning, None);
}
