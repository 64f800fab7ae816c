//! The bad-input catalogue (issue 7): every kind of broken input a reception-log export
//! can hand the tool, each with its expected outcome written as data and in plain words.
//!
//! Every case runs the real binary (`shouwen audit <dir> --period 2026-10` unless the
//! case says otherwise) on files written into a temporary folder, and checks:
//!
//! - the binary never panics (exit 101 never appears) and never hangs;
//! - the outcome is the expected one: **audited** (exit 0) with the expected rows read,
//!   audited and rejected per file, and every rejected row in rejected.csv with its file,
//!   line and a reason naming the column and value; or **exit 2** with a message naming
//!   the file (and column) and nothing written;
//! - for every audited run, manifest.json reconciles: rows read = rows audited + rows
//!   rejected for every file, and rejected.csv lists exactly the rejected rows.
//!
//! The verdicts follow the SPEC (Input; rejected.csv; exit codes) and what a quality
//! department needs: no row is dropped silently; a row that cannot be audited is rejected
//! with a reason it can act on; a file that cannot be read at all stops the run.
//!
//! Run one case: `CATALOGUE=B16 cargo test --release --test bad_input`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The header most cases start from.
const H: &str = "case_id,center,received_at,category,first_responder_id,first_response_at,contacts";

/// Lines joined with `\n`, ending with one.
fn csv(lines: &[&str]) -> Vec<u8> {
    let mut s = lines.join("\n");
    s.push('\n');
    s.into_bytes()
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// Expected result of one case.
enum Outcome {
    /// Exit 0 and a report.
    Audited(Audit),
    /// Exit 2, nothing written; the message names `file` and each of `mentions`.
    Exit2 {
        file: &'static str,
        mentions: &'static [&'static str],
    },
}

/// A further check on an audited report.
type Check = fn(&Report) -> Result<(), String>;

#[derive(Default)]
struct Audit {
    /// Every input file: (file name, rows read, rows audited, rows rejected).
    files: Vec<(&'static str, usize, usize, usize)>,
    /// Every rejected row: (file name, line, words its reason must contain).
    rejected: Vec<(&'static str, u64, &'static [&'static str])>,
    /// Violations that must be found: (case id, rule id, text somewhere in its row).
    violations: Vec<(&'static str, &'static str, &'static str)>,
    /// (case id, rule id) that must not be a violation.
    clean: Vec<(&'static str, &'static str)>,
    /// Waivers reported as matching nothing: (case id, rule id, words of the why).
    unmatched_waivers: Vec<(&'static str, &'static str, &'static str)>,
    /// Anything else to check on the report.
    check: Option<Check>,
}

struct Case {
    id: &'static str,
    /// The expected verdict in plain words.
    verdict: &'static str,
    /// Files written into the dataset folder (name, bytes).
    files: Vec<(&'static str, Vec<u8>)>,
    /// Arguments after `audit`; `{dir}` is the dataset folder. `--out` and `--quiet` are
    /// added, and `--rules rules/default.toml` unless the case names its own.
    args: Vec<&'static str>,
    outcome: Outcome,
}

fn case(
    id: &'static str,
    verdict: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    outcome: Outcome,
) -> Case {
    Case {
        id,
        verdict,
        files,
        args: vec!["{dir}", "--period", "2026-10"],
        outcome,
    }
}

impl Case {
    fn args(mut self, args: &[&'static str]) -> Case {
        self.args = args.to_vec();
        self
    }
}

fn audited(files: &[(&'static str, usize, usize, usize)]) -> Audit {
    Audit {
        files: files.to_vec(),
        ..Audit::default()
    }
}

impl Audit {
    fn rej(mut self, file: &'static str, line: u64, words: &'static [&'static str]) -> Audit {
        self.rejected.push((file, line, words));
        self
    }
    fn viol(mut self, case_id: &'static str, rule: &'static str, text: &'static str) -> Audit {
        self.violations.push((case_id, rule, text));
        self
    }
    fn clean(mut self, case_id: &'static str, rule: &'static str) -> Audit {
        self.clean.push((case_id, rule));
        self
    }
    fn unmatched(mut self, case_id: &'static str, rule: &'static str, why: &'static str) -> Audit {
        self.unmatched_waivers.push((case_id, rule, why));
        self
    }
    fn check(mut self, f: Check) -> Audit {
        self.check = Some(f);
        self
    }
    fn done(self) -> Outcome {
        Outcome::Audited(self)
    }
}

fn exit2(file: &'static str, mentions: &'static [&'static str]) -> Outcome {
    Outcome::Exit2 { file, mentions }
}

/// A report folder as read back.
struct Report {
    manifest: serde_json::Value,
    /// rejected.csv rows: file, line, reason, raw.
    rejected: Vec<Vec<String>>,
    /// violations.csv rows (header first).
    violations: Vec<Vec<String>>,
}

fn read_csv(p: &Path) -> Result<Vec<Vec<String>>, String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(p)
        .map_err(|e| format!("{}: {e}", p.display()))?;
    r.records()
        .map(|x| {
            x.map(|x| x.iter().map(String::from).collect())
                .map_err(|e| format!("{}: {e}", p.display()))
        })
        .collect()
}

fn file_name(p: &str) -> &str {
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

// ---------------------------------------------------------------------------------------
// The catalogue.
// ---------------------------------------------------------------------------------------

fn catalogue() -> Vec<Case> {
    let default_rules = std::fs::read_to_string(root().join("rules/default.toml")).unwrap();
    let utf8_rules = default_rules.replace("encoding = \"auto\"", "encoding = \"utf-8\"");
    assert_ne!(
        utf8_rules, default_rules,
        "rules/default.toml sets [input] encoding"
    );
    let working_rules = default_rules.replacen("clock = \"calendar\"", "clock = \"working\"", 1);
    assert_ne!(working_rules, default_rules, "RESP-24H sets its clock");
    let megabyte = "漏".repeat(350_000); // 1,050,000 bytes of UTF-8

    vec![
        // ---------------- whole files ----------------
        case(
            "B01",
            "empty cases.csv (0 bytes) → exit 2: names cases.csv, says it is empty and a header row is expected",
            vec![("cases.csv", vec![])],
            exit2("cases.csv", &["empty", "header"]),
        ),
        case(
            "B02",
            "cases.csv holding only a BOM and blank lines → exit 2: empty",
            vec![("cases.csv", b"\xEF\xBB\xBF\n\r\n   \n".to_vec())],
            exit2("cases.csv", &["empty"]),
        ),
        case(
            "B03",
            "cases.csv of NUL bytes only (a zero-filled file after a crash) → exit 2: empty, holds only NUL bytes",
            vec![("cases.csv", vec![0u8; 4096])],
            exit2("cases.csv", &["empty", "NUL"]),
        ),
        case(
            "B04",
            "header only → audited: 0 rows read, 0 audited, 0 rejected (a month without cases is a report, not an error)",
            vec![("cases.csv", csv(&[H]))],
            audited(&[("cases.csv", 0, 0, 0)]).done(),
        ),
        case(
            "B05",
            "every one of the five files header only → audited, 0 rows in each",
            vec![
                ("cases.csv", csv(&[H])),
                ("handoffs.csv", csv(&["case_id,seq,at,from_id,to_id"])),
                ("roster.csv", csv(&["employee_id,name,role,supervisor_id,base_pay"])),
                ("inspections.csv", csv(&["inspection_id,at,employee_id,findings"])),
                ("waivers.csv", csv(&["case_id,rule_id,reason,approved_by"])),
            ],
            audited(&[
                ("cases.csv", 0, 0, 0),
                ("handoffs.csv", 0, 0, 0),
                ("roster.csv", 0, 0, 0),
                ("inspections.csv", 0, 0, 0),
                ("waivers.csv", 0, 0, 0),
            ])
            .done(),
        ),
        case(
            "B06",
            "roster.csv present but empty → exit 2 naming roster.csv (a roster handed in broken is not \"no roster\")",
            vec![
                ("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"])),
                ("roster.csv", vec![]),
            ],
            exit2("roster.csv", &["empty"]),
        ),
        case(
            "B07",
            "cases.csv without the required 首问人工号 column → exit 2 naming cases.csv and `first_responder_id` (首问人工号)",
            vec![(
                "cases.csv",
                csv(&[
                    "case_id,center,received_at,category,first_response_at",
                    "C1,c,2026-10-03 09:05,咨询,",
                ]),
            )],
            exit2("cases.csv", &["missing required column", "first_responder_id", "首问人工号"]),
        ),
        case(
            "B07b",
            "cases.csv without 受理时间 → exit 2 naming `received_at` and the names it may have, the date alone (受理日期) among them",
            vec![(
                "cases.csv",
                csv(&[
                    "case_id,center,category,first_responder_id,first_response_at",
                    "C1,c,咨询,E01,",
                ]),
            )],
            exit2("cases.csv", &["missing required column", "received_at", "受理时间", "受理日期"]),
        ),
        case(
            "B08",
            "handoffs.csv without the required 接收人工号 column → exit 2 naming handoffs.csv and `to_id`",
            vec![
                ("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"])),
                (
                    "handoffs.csv",
                    csv(&["case_id,seq,at,from_id", "C1,1,2026-10-03 10:00,E01"]),
                ),
            ],
            exit2("handoffs.csv", &["to_id", "接收人工号"]),
        ),
        case(
            "B09",
            "the column received_at twice → exit 2 naming both columns (3 and 6) and `received_at`",
            vec![(
                "cases.csv",
                csv(&[
                    "case_id,center,received_at,category,first_responder_id,received_at",
                    "C1,c,2026-10-03 09:05,咨询,E01,2026-10-04 09:05",
                ]),
            )],
            exit2("cases.csv", &["columns 3", "and 6", "received_at"]),
        ),
        case(
            "B10",
            "the Chinese header 受理时间 twice → exit 2 naming 受理时间 and `received_at`",
            vec![(
                "cases.csv",
                csv(&[
                    "编号,服务中心,受理时间,类别,首问人工号,受理时间",
                    "C1,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:05",
                ]),
            )],
            exit2("cases.csv", &["受理时间", "received_at"]),
        ),
        case(
            "B11",
            "case_id and its alias 编号 both present → audited: the canonical name wins, 编号 is kept as an extra column (C1's violation is under C1, not X1)",
            vec![(
                "cases.csv",
                csv(&[
                    "case_id,编号,center,received_at,category,first_responder_id,first_response_at",
                    "C1,X1,c,2026-10-03 09:05,咨询,E01,",
                ]),
            )],
            audited(&[("cases.csv", 1, 1, 0)])
                .viol("C1", "RESP-24H", "仍未首次回应")
                .done(),
        ),
        case(
            "B11b",
            "two Chinese aliases of case_id (编号 a row counter, 工单号 the ids) → exit 2: both name `case_id`, map one explicitly (one of them used to be dropped silently)",
            vec![(
                "cases.csv",
                csv(&[
                    "编号,工单号,center,received_at,category,first_responder_id,first_response_at",
                    "1,GD-A-0001,c,2026-10-03 09:05,咨询,E01,",
                ]),
            )],
            exit2("cases.csv", &["\"编号\"", "\"工单号\"", "both name `case_id`", "[input.aliases.cases]"]),
        ),
        case(
            "B12",
            "an unknown column twice (备注,备注) and a blank header cell → audited: unknown columns are kept and ignored",
            vec![(
                "cases.csv",
                csv(&[
                    "case_id,center,received_at,category,first_responder_id,备注,备注,",
                    "C1,c,2026-10-03 09:05,咨询,E01,a,b,c",
                ]),
            )],
            audited(&[("cases.csv", 1, 1, 0)]).done(),
        ),
        case(
            "B13",
            "columns reordered, Chinese headers, BOM → audited exactly as the canonical layout (往返次数 3 → VISITS-2; 受理时间 read from its column)",
            vec![(
                "cases.csv",
                cat(&[
                    b"\xEF\xBB\xBF",
                    &csv(&[
                        "往返次数,首问人工号,类别,受理时间,服务中心,编号,首次回应时间",
                        "3,E01,咨询,2026-10-03 09:05,c,C1,2026-10-03 10:05",
                        "1,E01,咨询,2026-10-04 09:05,c,C2,",
                    ]),
                ]),
            )],
            audited(&[("cases.csv", 2, 2, 0)])
                .viol("C1", "VISITS-2", "往返次数 = 3")
                .clean("C1", "RESP-24H")
                .viol("C2", "RESP-24H", "受理时间 2026-10-04 09:05")
                .done(),
        ),
        // ---------------- rows ----------------
        case(
            "B14",
            "ragged rows: 5 fields (line 3) and 8 fields (line 4) under a 7-column header → each rejected: expected 7 fields, found 5 / 8; the rows around them audited",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "C1,c,2026-10-03 09:05,咨询,E01,,1",
                    "C2,c,2026-10-03 09:05,咨询,E01",
                    "C3,c,2026-10-03 09:05,咨询,E01,,1,extra",
                    "C4,c,2026-10-03 09:05,咨询,E01,,1",
                ]),
            )],
            audited(&[("cases.csv", 4, 2, 2)])
                .rej("cases.csv", 3, &["expected 7 fields", "found 5"])
                .rej("cases.csv", 4, &["expected 7 fields", "found 8"])
                .done(),
        ),
        case(
            "B14b",
            "a separator after the last cell of each data row (`…,1,`, an exporter's habit) → every row audited: the field past the header's is empty; one with a value there is still rejected",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "C1,c,2026-10-03 09:05,咨询,E01,,1,",
                    "C2,c,2026-10-03 09:05,咨询,E01,,1, ",
                    "C3,c,2026-10-03 09:05,咨询,E01,,1,x",
                ]),
            )],
            audited(&[("cases.csv", 3, 2, 1)])
                .rej("cases.csv", 4, &["expected 7 fields", "found 8"])
                .viol("C1", "RESP-24H", "c")
                .viol("C2", "RESP-24H", "c")
                .done(),
        ),
        case(
            "B15",
            "rows of only commas (Excel's trailing blank rows) and a line of spaces → no rows, passed over as empty lines are (no data in them; `--strict` must not fail on them); a row with one value in it is a row → rejected",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "C1,c,2026-10-03 09:05,咨询,E01,,1",
                    ",,,,,,",
                    "   ",
                    ",,,咨询,,,",
                    ",,,,,,",
                ]),
            )],
            audited(&[("cases.csv", 2, 1, 1)])
                .rej("cases.csv", 5, &["case_id", "required but empty"])
                .done(),
        ),
        case(
            "B16",
            "an unclosed quote on line 3, no other quotes in the file → line 3 rejected (unclosed quote in field 3, received_at); lines 4 and 5 still audited, not swallowed into that field",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "C1,c,2026-10-03 09:05,咨询,E01,,1",
                    "C2,c,\"2026-10-03 09:05,咨询,E01,,1",
                    "C3,c,2026-10-03 09:05,咨询,E01,,1",
                    "C4,c,2026-10-03 09:05,咨询,E01,,1",
                ]),
            )],
            audited(&[("cases.csv", 4, 3, 1)])
                .rej("cases.csv", 3, &["unclosed quote", "field 3", "received_at"])
                .viol("C3", "RESP-24H", "cases.csv:4")
                .viol("C4", "RESP-24H", "cases.csv:5")
                .done(),
        ),
        case(
            "B17",
            "an unclosed quote on line 3 that a later row's quoted field would \"close\" → only line 3 rejected; lines 4–6 audited with their own values",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "C1,c,2026-10-03 09:05,咨询,E01,,1",
                    "C2,c,\"2026-10-03 09:05,咨询,E01,,1",
                    "C3,c,2026-10-03 09:05,咨询,E01,,1",
                    "C4,c,\"2026-10-04 09:05\",咨询,E01,,1",
                    "C5,c,2026-10-03 09:05,咨询,E01,,1",
                ]),
            )],
            audited(&[("cases.csv", 5, 4, 1)])
                .rej("cases.csv", 3, &["unclosed quote", "received_at"])
                .viol("C4", "RESP-24H", "受理时间 2026-10-04 09:05")
                .viol("C5", "RESP-24H", "cases.csv:6")
                .done(),
        ),
        case(
            "B18",
            "an unclosed quote on the last line → that line rejected (unclosed quote), the others audited",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "C1,c,2026-10-03 09:05,咨询,E01,,1",
                    "C2,c,2026-10-03 09:05,\"咨询,E01,,1",
                ]),
            )],
            audited(&[("cases.csv", 2, 1, 1)])
                .rej("cases.csv", 3, &["unclosed quote", "field 4", "category"])
                .done(),
        ),
        case(
            "B19",
            "an unclosed quote in the header → exit 2 naming cases.csv, line 1 and the quote",
            vec![(
                "cases.csv",
                csv(&[
                    "case_id,center,\"received_at,category,first_responder_id",
                    "C1,c,2026-10-03 09:05,咨询,E01",
                ]),
            )],
            exit2("cases.csv", &["line 1", "quote"]),
        ),
        case(
            "B20",
            "a quoted reply spanning two lines (legitimate) → audited; the row after it is counted on its real line (line 5 rejected for its contacts)",
            vec![(
                "cases.csv",
                csv(&[
                    "case_id,center,received_at,category,first_responder_id,first_response_at,contacts,reply",
                    "C1,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,1,\"王芳：您好，马上安排。",
                    "业主：好的，谢谢\"",
                    "C2,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,1,王芳：已答复。",
                    "C3,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,x,王芳：已答复。",
                ]),
            )],
            audited(&[("cases.csv", 3, 2, 1)])
                .rej("cases.csv", 5, &["contacts", "\"x\""])
                .done(),
        ),
        case(
            "B21",
            "classic Mac line endings (CR only) → audited; the bad row is reported on its real line 3",
            vec![(
                "cases.csv",
                format!(
                    "{H}\rC1,c,2026-10-03 09:05,咨询,E01,,1\rC2,c,2026-10-03 09:05,咨询,E01,,x\r"
                )
                .into_bytes(),
            )],
            audited(&[("cases.csv", 2, 1, 1)])
                .rej("cases.csv", 3, &["contacts", "\"x\""])
                .viol("C1", "RESP-24H", "cases.csv:2")
                .done(),
        ),
        // ---------------- bytes and encodings ----------------
        case(
            "B22",
            "a NUL byte inside a case id → that row rejected: `case_id` contains a NUL byte (the file is damaged there)",
            vec![(
                "cases.csv",
                cat(&[
                    &csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"]),
                    b"C\x002,c,2026-10-03 09:05,\xE5\x92\xA8\xE8\xAF\xA2,E01,,1\n",
                ]),
            )],
            audited(&[("cases.csv", 2, 1, 1)])
                .rej("cases.csv", 3, &["case_id", "NUL"])
                .check(|r| {
                    // The NUL is shown as ␀ in rejected.csv, not written as a NUL.
                    let raw = &r.rejected[1][3];
                    if raw.starts_with("C\u{2400}2,") {
                        Ok(())
                    } else {
                        Err(format!("raw of the row with a NUL reads {raw:?}"))
                    }
                })
                .done(),
        ),
        case(
            "B23",
            "a NUL byte in an extra column the audit does not read → audited (nothing it uses is damaged)",
            vec![(
                "cases.csv",
                cat(&[
                    b"case_id,center,received_at,category,first_responder_id,note\n",
                    b"C1,c,2026-10-03 09:05,x,E01,a\x00b\n",
                ]),
            )],
            audited(&[("cases.csv", 1, 1, 0)]).done(),
        ),
        case(
            "B24",
            "UTF-16LE without a byte-order mark (NUL in every other byte), Chinese header → detected and audited like UTF-8",
            vec![(
                "cases.csv",
                utf16le("编号,服务中心,受理时间,类别,首问人工号,首次回应时间\nC1,锦绣花园,2026-10-03 09:05,咨询,E01,\n"),
            )],
            audited(&[("cases.csv", 1, 1, 0)])
                .viol("C1", "RESP-24H", "锦绣花园")
                .done(),
        ),
        case(
            "B25",
            "UTF-16LE with a byte-order mark (Excel \"Unicode text\") → audited like UTF-8",
            vec![(
                "cases.csv",
                cat(&[
                    b"\xFF\xFE",
                    &utf16le(&format!("{H}\nC1,锦绣花园,2026-10-03 09:05,咨询,E01,,1\n")),
                ]),
            )],
            audited(&[("cases.csv", 1, 1, 0)])
                .viol("C1", "RESP-24H", "锦绣花园")
                .done(),
        ),
        case(
            "B26",
            "a damaged byte (0xFF) inside 类别 of a UTF-8 file → that row rejected: `category` is neither valid UTF-8 nor GBK; the other rows audited",
            vec![(
                "cases.csv",
                cat(&[
                    &csv(&[H, "C1,锦绣花园,2026-10-03 09:05,咨询,E01,,1"]),
                    b"C2,c,2026-10-03 09:05,\xE5\x92\xA8\xFF\xE8\xAF\xA2,E01,,1\n",
                    "C3,锦绣花园,2026-10-03 09:05,咨询,E01,,1\n".as_bytes(),
                ]),
            )],
            audited(&[("cases.csv", 3, 2, 1)])
                .rej("cases.csv", 3, &["category", "类别", "neither valid UTF-8 nor"])
                .viol("C3", "RESP-24H", "锦绣花园")
                .check(|r| {
                    // The raw text shows the readable part of the damaged row.
                    let raw = &r.rejected[1][3];
                    if raw.contains("咨\u{FFFD}询") {
                        Ok(())
                    } else {
                        Err(format!("raw of the damaged row reads {raw:?}"))
                    }
                })
                .done(),
        ),
        case(
            "B27",
            "mixed encodings: UTF-8 lines and a GBK line in one file → every row audited, each decoded in its own encoding",
            vec![(
                "cases.csv",
                cat(&[
                    &csv(&[H, "C1,锦绣花园,2026-10-03 09:05,咨询,E01,,1"]),
                    &gbk("C2,滨江壹号,2026-10-03 09:05,投诉,E02,,1\n"),
                ]),
            )],
            audited(&[("cases.csv", 2, 2, 0)])
                .viol("C1", "RESP-24H", "锦绣花园")
                .viol("C2", "RESP-24H", "滨江壹号")
                .done(),
        ),
        case(
            "B27b",
            "a UTF-8 line with one cell in GBK (a name pasted from an old system) → the line's other cells stay UTF-8 (its center is no new one) and a warning names the line",
            vec![(
                "cases.csv",
                cat(&[
                    &csv(&[H, "C1,锦绣花园,2026-10-03 09:05,咨询,E01,,1"]),
                    "C2,锦绣花园,2026-10-03 09:05,".as_bytes(),
                    &gbk("投诉"),
                    b",E02,,1\n",
                ]),
            )],
            audited(&[("cases.csv", 2, 2, 0)])
                .viol("C1", "RESP-24H", "锦绣花园")
                .viol("C2", "RESP-24H", "锦绣花园")
                .check(|r| {
                    let w = r.manifest["input_warnings"].to_string();
                    if w.contains("lines that are not UTF-8 (line 3)") {
                        Ok(())
                    } else {
                        Err(format!("warnings: {w}"))
                    }
                })
                .done(),
        ),
        case(
            "B28",
            "a GBK file while the rules say [input] encoding = \"utf-8\" → each row with Chinese text rejected: `category` not valid UTF-8, set [input] encoding",
            vec![
                (
                    "cases.csv",
                    gbk(&format!(
                        "{H}\nC1,c,2026-10-03 09:05,咨询,E01,,1\nC2,c,2026-10-03 09:05,other,E01,,1\n"
                    )),
                ),
                ("rules.toml", utf8_rules.into_bytes()),
            ],
            audited(&[("cases.csv", 2, 1, 1)])
                .rej("cases.csv", 2, &["category", "not valid UTF-8", "[input] encoding"])
                .done(),
        )
        .args(&["{dir}", "--period", "2026-10", "--rules", "{dir}/rules.toml"]),
        // ---------------- size ----------------
        case(
            "B29",
            "a 1 MB 反映内容 and a 1 MB transcript ending in 不知道 → audited; PHRASE-BANNED found, its evidence a short excerpt, not the megabyte",
            vec![(
                "cases.csv",
                format!(
                    "case_id,center,received_at,category,first_responder_id,first_response_at,content,reply\n\
                     C1,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,{megabyte},王芳：{megabyte}不知道\n"
                )
                .into_bytes(),
            )],
            audited(&[("cases.csv", 1, 1, 0)])
                .viol("C1", "PHRASE-BANNED", "不知道")
                .check(|r| {
                    let longest = r.violations.iter().flatten().map(|c| c.len()).max();
                    match longest {
                        Some(n) if n < 4096 => Ok(()),
                        n => Err(format!("a violations.csv cell is {n:?} bytes long")),
                    }
                })
                .done(),
        ),
        case(
            "B30",
            "a 1 MB field in a row with a bad time → rejected for the time; the raw row kept whole in rejected.csv",
            vec![(
                "cases.csv",
                format!(
                    "case_id,center,received_at,category,first_responder_id,content\n\
                     C1,c,not a time,咨询,E01,{megabyte}\n"
                )
                .into_bytes(),
            )],
            audited(&[("cases.csv", 1, 0, 1)])
                .rej("cases.csv", 2, &["received_at", "not a time"])
                .check(|r| {
                    let n = r.rejected[1][3].len();
                    if n > 1_000_000 {
                        Ok(())
                    } else {
                        Err(format!("raw is {n} bytes"))
                    }
                })
                .done(),
        ),
        case(
            "B31",
            "100,000 columns in the header (the required five, then 99,995 unknown ones), rows of 100,000 fields → audited; a 5-field row rejected: expected 100000 fields, found 5",
            vec![("cases.csv", wide_file(100_000, true))],
            audited(&[("cases.csv", 3, 2, 1)])
                .rej("cases.csv", 4, &["expected 100000 fields", "found 5"])
                .done(),
        )
        ,
        case(
            "B32",
            "100,000 unknown columns and none required → exit 2 naming cases.csv and `case_id`, the message short (the header is not echoed whole)",
            vec![("cases.csv", wide_file(100_000, false))],
            exit2("cases.csv", &["missing required column", "case_id", "100000 columns"]),
        )
        ,
        // ---------------- cross-row checks ----------------
        case(
            "B33",
            "case id C1 repeated on line 4 → line 4 rejected: duplicate case_id \"C1\", already at cases.csv:2; the first is audited",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "C1,c,2026-10-03 09:05,咨询,E01,,1",
                    "C2,c,2026-10-03 09:05,咨询,E01,,1",
                    "C1,c,2026-10-05 09:05,咨询,E02,,1",
                ]),
            )],
            audited(&[("cases.csv", 3, 2, 1)])
                .rej("cases.csv", 4, &["duplicate case_id \"C1\"", "cases.csv:2"])
                .viol("C1", "RESP-24H", "E01")
                .done(),
        ),
        case(
            "B33b",
            "long ids a spreadsheet saved in scientific notation (202610120001 and 202610120002 both 2.02610E+11) → the repeat rejected, saying the digits were lost and to export ids as text; C3 is no such number (3E5X)",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "2.02610E+11,c,2026-10-03 09:05,咨询,E01,,1",
                    "2.02610E+11,c,2026-10-05 09:05,咨询,E02,,1",
                    "3E5X,c,2026-10-05 09:05,咨询,E02,,1",
                    "3E5X,c,2026-10-05 09:05,咨询,E02,,1",
                ]),
            )],
            audited(&[("cases.csv", 4, 2, 2)])
                .rej("cases.csv", 3, &["duplicate case_id \"2.02610E+11\"", "scientific notation", "export the ids as text"])
                .rej("cases.csv", 5, &["duplicate case_id \"3E5X\""])
                .check(|r| {
                    if r.rejected[2][2].contains("scientific") {
                        Err(format!("3E5X is no number: {}", r.rejected[2][2]))
                    } else {
                        Ok(())
                    }
                })
                .viol("2.02610E+11", "RESP-24H", "E01")
                .viol("3E5X", "RESP-24H", "E02")
                .done(),
        ),
        case(
            "B34",
            "the same case id in two centers' files → the later one (cases_b.csv:2) rejected naming cases_a.csv:2",
            vec![
                ("cases_a.csv", csv(&[H, "A1,a,2026-10-03 09:05,咨询,E01,,1"])),
                (
                    "cases_b.csv",
                    csv(&[
                        H,
                        "A1,b,2026-10-04 09:05,咨询,E02,,1",
                        "B1,b,2026-10-04 09:05,咨询,E02,,1",
                    ]),
                ),
            ],
            audited(&[("cases_a.csv", 1, 1, 0), ("cases_b.csv", 2, 1, 1)])
                .rej("cases_b.csv", 2, &["duplicate case_id \"A1\"", "cases_a.csv:2"])
                .done(),
        ),
        case(
            "B35",
            "the same cases file named twice with --cases → exit 2 naming the file: named twice (not an internal error, not every row a duplicate)",
            vec![("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"]))],
            exit2("cases.csv", &["twice"]),
        )
        .args(&[
            "--cases",
            "{dir}/cases.csv",
            "--cases",
            "{dir}/cases.csv",
            "--period",
            "2026-10",
        ]),
        case(
            "B36",
            "C02: 首次回应时间 before 受理时间 → rejected, reason names 首次回应时间; C03: 办结时间 before 受理时间 → rejected naming 办结时间; C01 answered at the minute of receipt → audited",
            vec![(
                "cases.csv",
                csv(&[
                    "case_id,center,received_at,category,first_responder_id,first_response_at,resolved_at",
                    "C01,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:05,",
                    "C02,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:04,",
                    "C03,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:10,2026-10-02 18:00",
                ]),
            )],
            audited(&[("cases.csv", 3, 1, 2)])
                .rej(
                    "cases.csv",
                    3,
                    &["首次回应时间", "2026-10-03 09:04", "before `received_at`"],
                )
                .rej("cases.csv", 4, &["办结时间", "2026-10-02 18:00", "before"])
                .clean("C01", "RESP-24H")
                .done(),
        ),
        // ---------------- timestamps ----------------
        case(
            "T01",
            "offsets: +08:00 received, Z answered exactly 24 h later → on time; local received, -04:00 answered 24 h 1 s later → RESP-24H; +0800 form read too",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "O1,c,2026-10-03T09:05:00+08:00,咨询,E01,2026-10-04T01:05:00Z,1",
                    "O2,c,2026-10-03 09:05,咨询,E01,2026-10-03T21:05:01-04:00,1",
                    "O3,c,2026-10-03T09:05:00+0800,咨询,E01,2026-10-03 10:05,1",
                ]),
            )],
            audited(&[("cases.csv", 3, 3, 0)])
                .clean("O1", "RESP-24H")
                .viol("O2", "RESP-24H", "首次回应时间 2026-10-04 09:05")
                .clean("O3", "RESP-24H")
                .done(),
        ),
        case(
            "T02",
            "an offset that moves the receipt out of October (2026-10-31T20:00-05:00 = 11-01 09:00, 2026-10-01T00:30+09:00 = 09-30 23:30 in Shanghai) → rejected: outside the audited period 2026-10",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "P1,c,2026-10-31T20:00:00-05:00,咨询,E01,,1",
                    "P2,c,2026-10-01T00:30:00+09:00,咨询,E01,,1",
                ]),
            )],
            audited(&[("cases.csv", 2, 0, 2)])
                .rej("cases.csv", 2, &["2026-11-01 09:00", "outside the audited period 2026-10"])
                .rej("cases.csv", 3, &["2026-09-30 23:30", "outside the audited period 2026-10"])
                .done(),
        ),
        case(
            "T03",
            "period edges: received 2026-10-01 00:00:00 → audited; received 2026-11-01 00:00:00 → rejected, outside the period",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "E1,c,2026-10-01 00:00:00,咨询,E01,2026-10-01 00:10,1",
                    "E2,c,2026-11-01 00:00:00,咨询,E01,,1",
                ]),
            )],
            audited(&[("cases.csv", 2, 1, 1)])
                .rej("cases.csv", 3, &["outside the audited period 2026-10"])
                .done(),
        ),
        case(
            "T04",
            "received in the future (2099-10-03, 2027-01-05) → rejected: outside the audited period 2026-10",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "F1,c,2099-10-03 09:05,咨询,E01,,1",
                    "F2,c,2027-01-05 09:05,咨询,E01,,1",
                    "F3,c,2026-10-05 09:05,咨询,E01,2026-10-05 09:30,1",
                ]),
            )],
            audited(&[("cases.csv", 3, 1, 2)])
                .rej("cases.csv", 2, &["2099-10-03", "outside the audited period"])
                .rej("cases.csv", 3, &["2027-01-05", "outside the audited period"])
                .done(),
        ),
        case(
            "T05",
            "an October case answered \"2099-10-03\" (after the as-of time) → audited: RESP-24H, the evidence shows the 2099 time, so the typo is visible to the employee and the quality department",
            vec![(
                "cases.csv",
                csv(&[H, "F1,c,2026-10-03 09:05,咨询,E01,2099-10-03 09:05,1"]),
            )],
            audited(&[("cases.csv", 1, 1, 0)])
                .viol("F1", "RESP-24H", "首次回应时间 2099-10-03 09:05")
                .done(),
        ),
        case(
            "T06",
            "far past: received 1899 → rejected, year out of range; received 1900-01-01 (311's placeholder date) → rejected, the required receipt is empty; answered 1970-01-01 08:00 (epoch zero in UTC, not a placeholder as written) → rejected, before 受理时间; answered 0000-00-00 00:00:00 (a database's empty date) → no answer, as an empty cell: audited, and RESP-24H finds it unanswered",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "P1,c,1899-12-31 00:00,咨询,E01,,1",
                    "P2,c,1900-01-01 00:00,咨询,E01,,1",
                    "P3,c,2026-10-03 09:05,咨询,E01,1970-01-01 08:00,1",
                    "P4,c,2026-10-03 09:05,咨询,E01,0000-00-00 00:00:00,1",
                ]),
            )],
            audited(&[("cases.csv", 4, 1, 3)])
                .rej("cases.csv", 2, &["received_at", "1899-12-31", "year 1899"])
                .rej("cases.csv", 3, &["1900-01-01", "required but empty", "placeholder date"])
                .rej("cases.csv", 4, &["首次回应时间", "1970-01-01", "before"])
                .viol("P4", "RESP-24H", "c")
                .done(),
        ),
        case(
            "T07",
            "Excel serial numbers (45944.375) as times → rejected naming the column, the value and that it looks like an Excel serial date",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "X1,c,45944.375,咨询,E01,,1",
                    "X2,c,2026-10-03 09:05,咨询,E01,45944.375,1",
                    "X3,c,2026-10-03 09:05,咨询,E01,45944,1",
                ]),
            )],
            audited(&[("cases.csv", 3, 0, 3)])
                .rej("cases.csv", 2, &["received_at", "45944.375", "Excel"])
                .rej("cases.csv", 3, &["first_response_at", "45944.375", "Excel"])
                .rej("cases.csv", 4, &["first_response_at", "45944", "Excel"])
                .done(),
        ),
        case(
            "T08",
            "impossible times: 24:00, 2026-02-29, second 60, offset +25:00 → each rejected saying which part is wrong",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "I1,c,2026-10-03 24:00,咨询,E01,,1",
                    "I2,c,2026-02-29 09:00,咨询,E01,,1",
                    "I3,c,2026-10-03 09:05:60,咨询,E01,,1",
                    "I4,c,2026-10-03 09:05 +25:00,咨询,E01,,1",
                ]),
            )],
            audited(&[("cases.csv", 4, 0, 4)])
                .rej("cases.csv", 2, &["received_at", "hour 24"])
                .rej("cases.csv", 3, &["received_at", "day 29"])
                .rej("cases.csv", 4, &["received_at", "second 60"])
                .rej("cases.csv", 5, &["received_at", "+25:00"])
                .done(),
        ),
        case(
            "T09",
            "Unix seconds (1759453500) → rejected: unrecognised date, naming received_at; a compact date (20261003), as ticket systems write it, is read as that day",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "U1,c,1759453500,咨询,E01,,1",
                    "U2,c,20261003,咨询,E01,,1",
                ]),
            )],
            audited(&[("cases.csv", 2, 1, 1)])
                .rej("cases.csv", 2, &["received_at", "1759453500", "unrecognised date"])
                .done(),
        ),
        case(
            "T10",
            "cases.xlsx: date-formatted cells → audited; a General-formatted 45944.375 → rejected at its sheet row 3 as an Excel serial",
            vec![("cases.xlsx", xlsx_with_dates())],
            audited(&[("cases.xlsx", 2, 1, 1)])
                .rej("cases.xlsx", 3, &["received_at", "45944.375", "Excel"])
                .viol("K1", "RESP-24H", "首次回应时间 2026-10-05 09:00")
                .done(),
        ),
        case(
            "T11",
            "cases.xlsx that is not a workbook (text renamed) → exit 2 naming cases.xlsx: cannot open the workbook",
            vec![("cases.xlsx", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"]))],
            exit2("cases.xlsx", &["workbook"]),
        ),
        case(
            "T12",
            "--as-of 2026-10-15 without a period: A2 and A3, received 10-20, after the as-of time → rejected (a case cannot be judged before it was received); A1 audited",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "A1,c,2026-10-03 09:05,咨询,E01,,1",
                    "A2,c,2026-10-20 09:05,咨询,E01,,1",
                    "A3,c,2026-10-20 09:05,咨询,E01,2026-10-22 09:05,1",
                ]),
            )],
            audited(&[("cases.csv", 3, 1, 2)])
                .rej("cases.csv", 3, &["received_at", "2026-10-20 09:05", "as-of"])
                .rej("cases.csv", 4, &["received_at", "2026-10-20 09:05", "as-of"])
                .viol("A1", "RESP-24H", "")
                .done(),
        )
        .args(&["{dir}", "--as-of", "2026-10-15 00:00"]),
        case(
            "T13",
            "--period 2026-10 with --as-of 2026-09-15, before the month begins → exit 2: no case of the period could be judged",
            vec![("cases.csv", csv(&[H, "A1,c,2026-10-03 09:05,咨询,E01,,1"]))],
            exit2("--as-of", &["before the period 2026-10 begins"]),
        )
        .args(&["{dir}", "--period", "2026-10", "--as-of", "2026-09-15"]),
        case(
            "T14",
            "times with seconds keep them in reasons and evidence: a response 20 s before receipt → rejected naming 10:00:10 and 10:00:30; 24 h + 1 s → RESP-24H showing 08:05:01; 24 h + 0.4 s → RESP-24H showing 0.4 秒",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "Z1,c,2026-10-10 10:00:30,咨询,E01,2026-10-10 10:00:10,1",
                    "A2,c,2026-10-08 08:05:00,咨询,E01,2026-10-09 08:05:01,1",
                    "A3,c,2026-10-08 08:05:00.500,咨询,E01,2026-10-09 08:05:00.900,1",
                ]),
            )],
            audited(&[("cases.csv", 3, 2, 1)])
                .rej("cases.csv", 2, &["2026-10-10 10:00:10", "2026-10-10 10:00:30"])
                .viol("A2", "RESP-24H", "2026-10-09 08:05:01")
                .viol("A3", "RESP-24H", "24 小时 0 分 0.4 秒")
                .done(),
        )
        .args(&["{dir}", "--period", "2026-10"]),
        case(
            "T15",
            "RESP-24H on the working clock: received Fri 10-16 17:00, answered Mon 10-19 17:00:01 → RESP-24H, the time taken in working time (24 h 0 m 1 s), not the 72 calendar hours",
            vec![
                (
                    "cases.csv",
                    csv(&[H, "W3,c,2026-10-16 17:00,咨询,E01,2026-10-19 17:00:01,1"]),
                ),
                ("rules.toml", working_rules.into_bytes()),
            ],
            audited(&[("cases.csv", 1, 1, 0)])
                .viol("W3", "RESP-24H", "24 小时 0 分 1 秒，即 24.0（工作时间）")
                .done(),
        )
        .args(&["{dir}", "--period", "2026-10", "--rules", "{dir}/rules.toml"]),
        case(
            "T16",
            "PROMISE-TIME at the as-of time (11-01 00:00): P1 answered 10-31 23:30, still open, no promise → not judged (it may yet be solved on the spot within the hour); P2 answered 22:30, open, no promise → PROMISE-TIME; P3 answered 23:30 with a promise → clean",
            vec![(
                "cases.csv",
                csv(&[
                    "case_id,center,received_at,category,first_responder_id,first_response_at,resolved_at,promised_at",
                    "P1,c,2026-10-31 23:20,咨询,E01,2026-10-31 23:30,,",
                    "P2,c,2026-10-31 22:20,咨询,E01,2026-10-31 22:30,,",
                    "P3,c,2026-10-31 23:20,咨询,E01,2026-10-31 23:30,,2026-11-02 12:00",
                ]),
            )],
            audited(&[("cases.csv", 3, 3, 0)])
                .viol("P2", "PROMISE-TIME", "")
                .clean("P1", "PROMISE-TIME")
                .clean("P3", "PROMISE-TIME")
                .done(),
        )
        .args(&["{dir}", "--period", "2026-10", "--select", "PROMISE"]),
        // ---------------- numbers ----------------
        case(
            "N01",
            "往返次数: -1 → rejected, negative; \"two\" and 2.5 → rejected, not a whole number; 20 digits → rejected, too large; empty, \"2次\" and full-width \"３\" → audited (３ is 3: VISITS-2)",
            vec![(
                "cases.csv",
                csv(&[
                    H,
                    "N1,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,-1",
                    "N2,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,two",
                    "N3,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,2.5",
                    "N4,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,99999999999999999999",
                    "N5,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,",
                    "N6,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,2次",
                    "N7,c,2026-10-03 09:05,咨询,E01,2026-10-03 09:30,３",
                ]),
            )],
            audited(&[("cases.csv", 7, 3, 4)])
                .rej("cases.csv", 2, &["contacts", "往返次数", "\"-1\"", "negative"])
                .rej("cases.csv", 3, &["contacts", "\"two\"", "not a whole number"])
                .rej("cases.csv", 4, &["contacts", "\"2.5\"", "not a whole number"])
                .rej("cases.csv", 5, &["contacts", "too large"])
                .clean("N6", "VISITS-2")
                .viol("N7", "VISITS-2", "往返次数 = 3")
                .done(),
        ),
        case(
            "N02",
            "roster 绩效工资基数: -3000 → rejected, negative; 三千 → rejected, not a number; ¥3,000, full-width ５０００ and ３，０００．５０ 元 → audited",
            vec![
                ("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"])),
                (
                    "roster.csv",
                    csv(&[
                        "employee_id,name,role,base_pay",
                        "E01,王芳,管理人员,\"¥3,000\"",
                        "E02,赵强,保安员,-3000",
                        "E03,周敏,管理人员,三千",
                        "E04,李娜,管理人员,５０００",
                        "E05,陈静,管理人员,３，０００．５０ 元",
                    ]),
                ),
            ],
            audited(&[("cases.csv", 1, 1, 0), ("roster.csv", 5, 3, 2)])
                .rej("roster.csv", 3, &["base_pay", "\"-3000\"", "negative"])
                .rej("roster.csv", 4, &["base_pay", "\"三千\"", "not a number"])
                .done(),
        ),
        case(
            "N03",
            "handoffs 序号 \"x\" → rejected naming `seq`",
            vec![
                ("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"])),
                (
                    "handoffs.csv",
                    csv(&[
                        "case_id,seq,at,from_id,to_id",
                        "C1,1,2026-10-03 10:00,E01,E02",
                        "C1,x,2026-10-03 11:00,E02,E03",
                    ]),
                ),
            ],
            audited(&[("cases.csv", 1, 1, 0), ("handoffs.csv", 2, 1, 1)])
                .rej("handoffs.csv", 3, &["seq", "序号", "\"x\""])
                .done(),
        ),
        // ---------------- roster, handoffs, waivers, inspections ----------------
        case(
            "R01",
            "a roster whose supervisors form a cycle (E01→E02→E03→E01) and one who is their own supervisor → audited, every roster row kept; the escalation rules run and finish (no endless walk up the chain)",
            vec![
                (
                    "cases.csv",
                    csv(&[
                        &format!("{H},coordination_slip"),
                        "C1,c,2026-10-03 09:05,投诉,E01,2026-10-03 09:30,1,",
                        "C2,c,2026-10-03 09:05,投诉,E04,2026-10-03 09:30,1,",
                    ]),
                ),
                (
                    "roster.csv",
                    csv(&[
                        "employee_id,name,role,department,center,supervisor_id,base_pay",
                        "E01,王芳,保安员,秩序部,c,E02,1800",
                        "E02,赵强,保安队长,秩序部,c,E03,2500",
                        "E03,钱进,部门主管,秩序部,c,E01,5000",
                        "E04,孙丽,管理人员,客服部,c,E04,3000",
                        "E05,杨经理,管理部经理,管理处,d,E05,8000",
                    ]),
                ),
                (
                    "handoffs.csv",
                    csv(&[
                        "case_id,seq,at,from_id,to_id,to_department,method",
                        "C1,1,2026-10-03 10:00,E01,E02,秩序部,电话",
                        "C1,2,2026-10-03 11:00,E02,E05,管理处,电话",
                        "C2,1,2026-10-03 10:00,E04,E05,管理处,电话",
                    ]),
                ),
            ],
            audited(&[
                ("cases.csv", 2, 2, 0),
                ("handoffs.csv", 3, 3, 0),
                ("roster.csv", 5, 5, 0),
            ])
            .check(|r| {
                for run in r.manifest["rule_runs"].as_array().into_iter().flatten() {
                    let id = run["id"].as_str().unwrap_or("");
                    if id.starts_with("ESC") && run["status"] != "ran" {
                        return Err(format!("{id} did not run: {run}"));
                    }
                }
                Ok(())
            })
            .done(),
        ),
        case(
            "R02",
            "roster: E01 listed twice → the second rejected naming the first's line; role 厨师 → rejected, not a role of the regulation",
            vec![
                ("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"])),
                (
                    "roster.csv",
                    csv(&[
                        "employee_id,name,role",
                        "E01,王芳,管理人员",
                        "E01,王芳芳,管理人员",
                        "E02,赵强,厨师",
                    ]),
                ),
            ],
            audited(&[("cases.csv", 1, 1, 0), ("roster.csv", 3, 1, 2)])
                .rej("roster.csv", 3, &["duplicate employee_id \"E01\"", "roster.csv:2"])
                .rej("roster.csv", 4, &["role", "厨师"])
                .done(),
        ),
        case(
            "H01",
            "handoffs of an unknown case (C9) and of a case outside the period (C2) → rejected: C9 not an audited case, C2 left out with its case; the handoff of C1 audited",
            vec![
                (
                    "cases.csv",
                    csv(&[
                        H,
                        "C1,c,2026-10-03 09:05,咨询,E01,,1",
                        "C2,c,2026-09-03 09:05,咨询,E01,,1",
                    ]),
                ),
                (
                    "handoffs.csv",
                    csv(&[
                        "case_id,seq,at,from_id,to_id",
                        "C1,1,2026-10-03 10:00,E01,E02",
                        "C9,1,2026-10-03 10:00,E01,E02",
                        "C2,1,2026-09-03 10:00,E01,E02",
                    ]),
                ),
            ],
            audited(&[("cases.csv", 2, 1, 1), ("handoffs.csv", 3, 1, 2)])
                .rej("cases.csv", 3, &["outside the audited period"])
                .rej("handoffs.csv", 3, &["\"C9\"", "not an audited case"])
                .rej("handoffs.csv", 4, &["\"C2\"", "outside the audited period", "left out with it"])
                .done(),
        ),
        case(
            "W01",
            "waivers: for an unknown rule (NOPE-1) → audited and reported as matching nothing (no rule NOPE-1); for an unknown case → reported as not an audited case; without a reason → rejected naming `reason` (豁免理由); the valid one waives C1's RESP-24H",
            vec![
                ("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"])),
                (
                    "waivers.csv",
                    csv(&[
                        "case_id,rule_id,reason,approved_by",
                        "C1,NOPE-1,误登记,E10",
                        "C9,RESP-24H,误登记,E10",
                        "C1,RESP-24H,,E10",
                        "C1,RESP-24H,业主出差,E10",
                    ]),
                ),
            ],
            audited(&[("cases.csv", 1, 1, 0), ("waivers.csv", 4, 3, 1)])
                .rej("waivers.csv", 4, &["reason", "豁免理由", "required but empty"])
                .unmatched("C1", "NOPE-1", "no rule `NOPE-1`")
                .unmatched("C9", "RESP-24H", "is not an audited case")
                .viol("C1", "RESP-24H", "业主出差")
                .done(),
        ),
        case(
            "I01",
            "inspections: a bad 检查时间 → rejected naming `at`; an empty 被查人工号 → rejected, required",
            vec![
                ("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"])),
                (
                    "inspections.csv",
                    csv(&[
                        "inspection_id,at,employee_id,findings",
                        "S1,2026-10-10 10:00,E01,不理睬",
                        "S2,2026-13-10 10:00,E01,不理睬",
                        "S3,2026-10-10 10:00,,傲慢",
                    ]),
                ),
            ],
            audited(&[("cases.csv", 1, 1, 0), ("inspections.csv", 3, 1, 2)])
                .rej("inspections.csv", 3, &["`at`", "检查时间", "month 13"])
                .rej("inspections.csv", 4, &["employee_id", "required but empty"])
                .done(),
        ),
        // ---------------- folders and separators ----------------
        case(
            "F01",
            "a dataset folder without any cases file → exit 2: no cases file, expected cases.csv",
            vec![("roster.csv", csv(&["employee_id,name,role", "E01,王芳,管理人员"]))],
            exit2("", &["no cases file", "cases.csv"]),
        ),
        case(
            "F02",
            "semicolon- and tab-separated exports (cases_a.csv, cases_b.csv) → audited like comma-separated ones",
            vec![
                (
                    "cases_a.csv",
                    csv(&[&H.replace(',', ";"), "A1;c;2026-10-03 09:05;咨询;E01;;3"]),
                ),
                (
                    "cases_b.csv",
                    csv(&[&H.replace(',', "\t"), "B1\tc\t2026-10-03 09:05\t咨询\tE01\t\t1"]),
                ),
            ],
            audited(&[("cases_a.csv", 1, 1, 0), ("cases_b.csv", 1, 1, 0)])
                .viol("A1", "VISITS-2", "往返次数 = 3")
                .viol("B1", "RESP-24H", "")
                .done(),
        ),
        // ---------------- rule selection ----------------
        case(
            "S01",
            "--select ESC-PATH where ESC-PATH has enabled = false → exit 2: the rule is disabled in the rules file (it ran nothing, exit 0)",
            vec![
                ("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"])),
                (
                    "rules.toml",
                    default_rules
                        .replacen("id = \"ESC-PATH\"", "id = \"ESC-PATH\"\nenabled = false", 1)
                        .into_bytes(),
                ),
            ],
            exit2("", &["--select ESC-PATH", "disabled in the rules file"]),
        )
        .args(&["{dir}", "--rules", "{dir}/rules.toml", "--select", "ESC-PATH"]),
        case(
            "S02",
            "--ignore of every rule group → exit 2: no rule left to run (it audited zero rules, exit 0)",
            vec![("cases.csv", csv(&[H, "C1,c,2026-10-03 09:05,咨询,E01,,1"]))],
            exit2("", &["no rule left to run"]),
        )
        .args(&[
            "{dir}",
            "--ignore",
            "RESP,RECORD,PHRASE,ESC,PROMISE,VISITS,FOLLOWUP,INSPECT",
        ]),
    ]
}

/// A cases file whose header has `n` columns: the five required ones then unknown ones
/// (or, without `required`, unknown ones only), two full rows and one 5-field row.
fn wide_file(n: usize, required: bool) -> Vec<u8> {
    let req = [
        "case_id",
        "center",
        "received_at",
        "category",
        "first_responder_id",
    ];
    let mut header: Vec<String> = if required {
        req.iter().map(|s| s.to_string()).collect()
    } else {
        vec![]
    };
    let start = header.len();
    header.extend((start..n).map(|i| format!("x{i}")));
    let mut s = header.join(",");
    s.push('\n');
    let filler = ",".repeat(n - 5);
    for id in ["C1", "C2"] {
        s.push_str(&format!("{id},c,2026-10-03 09:05,咨询,E01{filler}\n"));
    }
    s.push_str("C3,c,2026-10-03 09:05,咨询,E01\n");
    s.into_bytes()
}

/// A worksheet with real date cells (row 2) and a General-formatted serial (row 3).
fn xlsx_with_dates() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (c, h) in [
        "编号",
        "服务中心",
        "受理时间",
        "类别",
        "首问人工号",
        "首次回应时间",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["K1", "c"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    let at = |s: &str| ExcelDateTime::parse_from_str(s).unwrap();
    ws.write_datetime_with_format(1, 2, at("2026-10-03 09:00:00"), &date)
        .unwrap();
    ws.write_string(1, 3, "咨询").unwrap();
    ws.write_string(1, 4, "E01").unwrap();
    ws.write_datetime_with_format(1, 5, at("2026-10-05 09:00:00"), &date)
        .unwrap();
    ws.write_string(2, 0, "K2").unwrap();
    ws.write_string(2, 1, "c").unwrap();
    ws.write_number(2, 2, 45944.375).unwrap();
    ws.write_string(2, 3, "咨询").unwrap();
    ws.write_string(2, 4, "E01").unwrap();
    wb.save_to_buffer().unwrap()
}

// ---------------------------------------------------------------------------------------
// Running a case.
// ---------------------------------------------------------------------------------------

struct Ran {
    code: Option<i32>,
    stderr: String,
}

/// How long a case may run before it is taken for a hang and stopped: not a speed
/// target (no test asserts on time; speed is the benchmark's, `bench/run.sh`), only so
/// that a hang fails this test instead of stalling the test run. Every case finishes in
/// seconds; quadratic work on the 100,000-column header of B31 would take hours.
const HANG: Duration = Duration::from_secs(600);

/// Runs the binary; stops it after `limit` (a hang is a failure, not a stuck test run).
fn run_binary(args: &[String], limit: Duration) -> Result<Ran, String> {
    let started = Instant::now();
    let errfile = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouwen"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(errfile.reopen().unwrap())
        .spawn()
        .map_err(|e| format!("cannot start the binary: {e}"))?;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let stderr = std::fs::read(errfile.path()).unwrap_or_default();
            return Ok(Ran {
                code: status.code(),
                stderr: String::from_utf8_lossy(&stderr).into_owned(),
            });
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {limit:?}: a hang"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run_case(c: &Case) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in &c.files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let out = tmp.path().join("report");
    let dirs = dir.display().to_string();
    let mut args: Vec<String> = vec!["audit".into()];
    args.extend(c.args.iter().map(|a| a.replace("{dir}", &dirs)));
    if !c.args.contains(&"--rules") {
        args.push("--rules".into());
        args.push(root().join("rules/default.toml").display().to_string());
    }
    args.extend(["--out".into(), out.display().to_string(), "--quiet".into()]);

    let ran = run_binary(&args, HANG)?;
    let err = &ran.stderr;
    if ran.code == Some(101) || err.contains("panicked") {
        return Err(format!("PANIC (exit {:?}): {err}", ran.code));
    }
    match &c.outcome {
        Outcome::Exit2 { file, mentions } => {
            if ran.code != Some(2) {
                return Err(format!("expected exit 2, got {:?}: {err}", ran.code));
            }
            for w in std::iter::once(file).chain(mentions.iter()) {
                if !err.contains(w) {
                    return Err(format!("the message lacks {w:?}: {err}"));
                }
            }
            if err.len() > 8 * 1024 {
                return Err(format!("the message is {} bytes long", err.len()));
            }
            if out.exists() {
                return Err("exit 2 but a report folder was written".into());
            }
            Ok(())
        }
        Outcome::Audited(want) => {
            if ran.code != Some(0) {
                return Err(format!("expected exit 0, got {:?}: {err}", ran.code));
            }
            let report = Report {
                manifest: serde_json::from_str(
                    &std::fs::read_to_string(out.join("manifest.json"))
                        .map_err(|e| format!("manifest.json: {e}"))?,
                )
                .map_err(|e| format!("manifest.json: {e}"))?,
                rejected: read_csv(&out.join("rejected.csv"))?,
                violations: read_csv(&out.join("violations.csv"))?,
            };
            check_reconciles(&report)?;
            check_audit(want, &report)
        }
    }
}

/// rows read = rows audited + rows rejected for every file, and rejected.csv lists
/// exactly the rejected rows, each with file, line and reason.
fn check_reconciles(r: &Report) -> Result<(), String> {
    let files = r.manifest["files"]
        .as_array()
        .ok_or("manifest.json has no files")?;
    let mut total_rejected = 0;
    let n = |f: &serde_json::Value, k: &str| f[k].as_u64().unwrap_or(u64::MAX);
    for f in files {
        let (read, aud, rej) = (
            n(f, "rows_read"),
            n(f, "rows_audited"),
            n(f, "rows_rejected"),
        );
        if read != aud + rej {
            return Err(format!(
                "{}: rows_read {read} ≠ audited {aud} + rejected {rej}",
                f["path"]
            ));
        }
        total_rejected += rej;
        let path = f["path"].as_str().unwrap_or("");
        let listed = r.rejected[1..].iter().filter(|x| x[0] == path).count() as u64;
        if listed != rej {
            return Err(format!(
                "{path}: rows_rejected {rej} but rejected.csv lists {listed}"
            ));
        }
    }
    if r.rejected.first().map(|h| h.join(",")) != Some("file,line,reason,raw".into()) {
        return Err(format!("rejected.csv header: {:?}", r.rejected.first()));
    }
    if (r.rejected.len() - 1) as u64 != total_rejected
        || r.manifest["rows_rejected"].as_u64() != Some(total_rejected)
    {
        return Err(format!(
            "rejected.csv has {} rows, the files {total_rejected}, manifest rows_rejected {}",
            r.rejected.len() - 1,
            r.manifest["rows_rejected"]
        ));
    }
    for x in &r.rejected[1..] {
        let line: u64 = x[1].parse().unwrap_or(0);
        if x[0].is_empty() || line == 0 || x[2].trim().is_empty() {
            return Err(format!(
                "a rejected row without file, line or reason: {x:?}"
            ));
        }
    }
    Ok(())
}

fn check_audit(want: &Audit, r: &Report) -> Result<(), String> {
    let files: Vec<(String, u64, u64, u64)> = r.manifest["files"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                file_name(f["path"].as_str().unwrap_or("")).to_string(),
                f["rows_read"].as_u64().unwrap_or(0),
                f["rows_audited"].as_u64().unwrap_or(0),
                f["rows_rejected"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut expected: Vec<(String, u64, u64, u64)> = want
        .files
        .iter()
        .map(|(n, a, b, c)| (n.to_string(), *a as u64, *b as u64, *c as u64))
        .collect();
    let mut got = files.clone();
    expected.sort();
    got.sort();
    if got != expected {
        return Err(format!(
            "files (name, read, audited, rejected): got {got:?}, expected {expected:?}; rejected.csv: {:?}",
            &r.rejected[1..]
        ));
    }
    // Every rejected row is an expected one, and every expected one is there.
    let rows: Vec<(&str, u64, &str)> = r.rejected[1..]
        .iter()
        .map(|x| (file_name(&x[0]), x[1].parse().unwrap_or(0), x[2].as_str()))
        .collect();
    for (file, line, words) in &want.rejected {
        let Some((_, _, reason)) = rows.iter().find(|(f, l, _)| f == file && l == line) else {
            return Err(format!("{file}:{line} not rejected; rejected: {rows:?}"));
        };
        for w in *words {
            if !reason.contains(w) {
                return Err(format!("{file}:{line}: reason {reason:?} lacks {w:?}"));
            }
        }
    }
    for (f, l, reason) in &rows {
        if !want.rejected.iter().any(|(wf, wl, _)| wf == f && wl == l) {
            return Err(format!("unexpected rejection {f}:{l}: {reason}"));
        }
    }
    let viol = |case_id: &str, rule: &str| {
        r.violations[1..]
            .iter()
            .filter(|v| v[0] == case_id && v[1] == rule)
            .map(|v| v.join(","))
            .collect::<Vec<_>>()
    };
    for (case_id, rule, text) in &want.violations {
        let found = viol(case_id, rule);
        if !found.iter().any(|v| v.contains(text)) {
            return Err(format!(
                "no {rule} violation of {case_id} containing {text:?}; found {found:?}"
            ));
        }
    }
    for (case_id, rule) in &want.clean {
        let found = viol(case_id, rule);
        if !found.is_empty() {
            return Err(format!("{case_id} should not violate {rule}: {found:?}"));
        }
    }
    let unmatched: Vec<&serde_json::Value> = r.manifest["unmatched_waivers"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    if unmatched.len() != want.unmatched_waivers.len() {
        return Err(format!(
            "unmatched waivers: got {unmatched:?}, expected {:?}",
            want.unmatched_waivers
        ));
    }
    for (case_id, rule, why) in &want.unmatched_waivers {
        if !unmatched.iter().any(|w| {
            w["case_id"] == *case_id
                && w["rule_id"] == *rule
                && w["why"].as_str().unwrap_or("").contains(why)
        }) {
            return Err(format!(
                "no unmatched waiver ({case_id}, {rule}, {why:?}) in {unmatched:?}"
            ));
        }
    }
    if let Some(check) = want.check {
        check(r)?;
    }
    Ok(())
}

fn run_all(cases: &[Case]) {
    let only: Option<Vec<String>> = std::env::var("CATALOGUE")
        .ok()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let mut failures = vec![];
    let mut ran = 0;
    for c in cases {
        if let Some(only) = &only {
            if !only.iter().any(|o| o == c.id) {
                continue;
            }
        }
        ran += 1;
        if let Err(e) = run_case(c) {
            failures.push(format!("{} ({}):\n    {e}", c.id, c.verdict));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} catalogue cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn bad_input_catalogue() {
    let all = catalogue();
    let mut ids: Vec<&str> = all.iter().map(|c| c.id).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "catalogue ids are unique");
    for c in &all {
        assert!(!c.verdict.is_empty(), "{} has its verdict in words", c.id);
    }
    run_all(&all);
}
