//! A whole audit of a fuzzed `cases.csv` with the default rules: loading, the columnar
//! rule evaluation (deadlines on the working-day calendar, `when`/`require` SQL,
//! forbidden phrases, required fields), charging and scores. Slower per input than
//! `csv_loader` (polars runs every rule), so it complements it rather than replacing it.
//!
//! Invariants: no panic; the run either refuses the input with an input error or audits
//! it, every violation naming a known rule and, when it has one, an audited row.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shouwen::audit::AuditOptions;
use shouwen::input::{DatasetFiles, InputFile};
use shouwen::rules::RuleSet;
use shouwen::Error;

struct State {
    file: InputFile,
    rules: RuleSet,
}

fn state() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("shouwen-fuzz-audit-{}", std::process::id()));
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

fuzz_target!(|data: &[u8]| {
    let st = state();
    std::fs::write(&st.file.path, data).expect("write the scratch file");
    let dataset = DatasetFiles {
        cases: vec![st.file.clone()],
        ..Default::default()
    };
    let loaded = match shouwen::audit::load(&dataset, &st.rules, None) {
        Ok(l) => l,
        Err(e) => {
            assert!(matches!(e, Error::Input { .. }), "{e}");
            return;
        }
    };
    let opts = AuditOptions {
        period: None,
        as_of: None,
        select: vec![],
        ignore: vec![],
    };
    match shouwen::audit::run(st.rules.clone(), loaded, &opts) {
        Ok(r) => {
            for v in &r.violations {
                assert!(v.rule < r.rules.rules.len(), "unknown rule {}", v.rule);
                if let Some(row) = v.row {
                    assert!(row < r.cases.len(), "row {row} of {}", r.cases.len());
                }
                assert!(v.points.is_finite(), "points {}", v.points);
            }
            for s in &r.scorecards {
                assert!(s.score.is_finite(), "score {}", s.score);
            }
        }
        Err(e) => panic!("an audit of loaded data failed: {e}"),
    }
});
