//! The input loader on arbitrary bytes, through the same paths an audit uses: the bytes
//! are written to a file and read by `input::read_table` as every kind of input file
//! (each encoding mode for cases), then by `audit::load` as a dataset's `cases.csv`
//! (cross-row checks: times before receipt, duplicate ids, the period filter, and the
//! per-file reconciliation).
//!
//! Invariants: no panic; a file is either refused with an input error or read with
//! rows read = rows audited + rows rejected; every column has one value per kept row.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shouwen::input::{
    read_table, ColData, DatasetFiles, Encoding, FileKind, InputFile, ReadOptions, Table,
};
use shouwen::rules::RuleSet;
use shouwen::Error;

struct State {
    file: InputFile,
    rules: RuleSet,
}

fn state() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| {
        // One scratch folder per fuzzing process (libFuzzer's -jobs/-fork run several).
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("shouwen-fuzz-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        let rules =
            shouwen::rules::parse(shouwen::rules::BUILT_IN_DEFAULT, "rules/default.toml", "")
                .expect("the built-in rules parse");
        State {
            file: InputFile::new(dir.join("cases.csv")),
            rules,
        }
    })
}

fn col_len(c: &ColData) -> usize {
    match c {
        ColData::Text(v) => v.len(),
        ColData::Time(v) => v.len(),
        ColData::Count(v) => v.len(),
        ColData::Money(v) => v.len(),
    }
}

fn check_table(t: &Table) {
    for (c, data) in &t.columns {
        assert_eq!(col_len(data), t.len(), "column {} length", c.name);
    }
    for i in 0..t.len() {
        let _ = t.source(i);
    }
}

fn expect_input_error(e: &Error) {
    assert!(
        matches!(e, Error::Input { .. }),
        "an unreadable file must be an input error, got: {e}"
    );
}

fuzz_target!(|data: &[u8]| {
    let st = state();
    std::fs::write(&st.file.path, data).expect("write the scratch file");
    let files = std::slice::from_ref(&st.file);

    for kind in FileKind::ALL {
        let encodings: &[Encoding] = if kind == FileKind::Cases {
            &[Encoding::Auto, Encoding::Utf8, Encoding::Gb18030]
        } else {
            &[Encoding::Auto]
        };
        for &encoding in encodings {
            let opts = ReadOptions {
                encoding,
                ..st.rules.read.clone()
            };
            let (mut stats, mut rejected) = (vec![], vec![]);
            match read_table(kind, files, &opts, &mut stats, &mut rejected) {
                Ok(t) => {
                    check_table(&t);
                    assert_eq!(stats.len(), 1);
                    let s = &stats[0];
                    assert_eq!(s.rows_read, s.rows_audited + s.rows_rejected);
                    assert_eq!(t.len(), s.rows_audited);
                    assert_eq!(rejected.len(), s.rows_rejected);
                }
                Err(e) => expect_input_error(&e),
            }
        }
    }

    let dataset = DatasetFiles {
        cases: vec![st.file.clone()],
        ..Default::default()
    };
    for period in [None, Some("2026-10")] {
        match shouwen::audit::load(&dataset, &st.rules, period) {
            Ok(l) => {
                check_table(&l.cases);
                for s in &l.stats {
                    assert_eq!(s.rows_read, s.rows_audited + s.rows_rejected);
                }
                let read: usize = l.stats.iter().map(|s| s.rows_read).sum();
                assert_eq!(read, l.cases.len() + l.handoffs.len() + l.rejected.len());
            }
            Err(e) => expect_input_error(&e),
        }
    }
});
