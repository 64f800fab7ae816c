//! The command line: argument parsing and exit codes (0 audited, 1 `--fail-on`
//! threshold crossed, 2 bad input or rules, with nothing written).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::audit::{self, AuditOptions};
use crate::error::{Error, Result};
use crate::input::{check_input_file, expand_globs, DatasetFiles, InputFile};
use crate::report::{self, ReportOptions};
use crate::rules::{self, Severity};

#[derive(Parser)]
#[command(
    name = "shouwen",
    version,
    about = "Audit reception logs against the 首问责任制 (first-inquiry responsibility system)"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Audit a dataset folder (default: sample-data/) into reports/<period>/
    Audit(Box<AuditArgs>),
    /// Check or explain a rules file
    Rules {
        #[command(subcommand)]
        cmd: RulesCmd,
    },
    /// Write a realistic synthetic dataset with planted violations and their truth
    Sample(SampleArgs),
    /// Month over month: score, grade, rules newly violated or no longer, per center
    Compare {
        report_a: PathBuf,
        report_b: PathBuf,
        /// Where to write the comparison table
        #[arg(long, default_value = "compare.csv")]
        out: PathBuf,
    },
    /// How one employee's score, grade, pay and discipline follow from the findings
    ExplainScore {
        employee_id: String,
        /// A report folder written by `shouwen audit`
        #[arg(long)]
        report: PathBuf,
    },
}

#[derive(Subcommand)]
enum RulesCmd {
    /// Validate a rules file without auditing; every problem is listed at file:line:column
    Check { file: PathBuf },
    /// What a rule checks, why (its clause), its parameters and an example
    Explain {
        rule_id: String,
        #[arg(long, default_value = "rules/default.toml")]
        rules: PathBuf,
    },
}

#[derive(Args)]
struct AuditArgs {
    /// Dataset folder with cases.csv and optionally handoffs, roster, inspections, waivers
    dataset: Option<PathBuf>,
    /// Cases file(s); repeatable, globs allowed ("exports/*.csv")
    #[arg(long)]
    cases: Vec<String>,
    #[arg(long)]
    roster: Option<PathBuf>,
    /// Handoffs file(s); repeatable, globs allowed
    #[arg(long)]
    handoffs: Vec<String>,
    #[arg(long)]
    inspections: Option<PathBuf>,
    #[arg(long)]
    waivers: Option<PathBuf>,
    /// Rules file
    #[arg(long, default_value = "rules/default.toml")]
    rules: PathBuf,
    /// Audit only cases received in this month (YYYY-MM); open cases are judged as of its end
    #[arg(long)]
    period: Option<String>,
    /// The time open cases are judged at (default: the period's end, or the latest time in
    /// the data); a date alone means through that day (2026-10-31 = 2026-10-31 23:59:59.999)
    #[arg(long)]
    as_of: Option<String>,
    /// Report folder (default: reports/<period>)
    #[arg(long)]
    out: Option<PathBuf>,
    /// Outputs besides csv (always written), comma-separated: xlsx, html, charts, all
    /// (default: all)
    #[arg(long, value_delimiter = ',')]
    format: Vec<String>,
    /// A previous report folder: adds 月度对比 to report.xlsx and a trend chart
    #[arg(long)]
    previous: Option<PathBuf>,
    /// Only these rules (ids or id prefixes, comma-separated)
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules (ids or id prefixes, comma-separated)
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Any rejected input row is an error (exit 2, nothing written); rows left out by
    /// --period or --as-of are listed in rejected.csv but do not count
    #[arg(long)]
    strict: bool,
    /// Show customer names and phone numbers unmasked (recorded in manifest.json)
    #[arg(long)]
    unmask: bool,
    /// Exit 1 when a non-waived violation of this severity or worse is found
    #[arg(long, value_parser = ["minor", "major", "critical"])]
    fail_on: Option<String>,
    /// Print how long each phase took
    #[arg(long)]
    timings: bool,
    /// Print nothing but errors and --previous's warnings (the audit's warnings stay in
    /// manifest.json)
    #[arg(long, short)]
    quiet: bool,
    /// Memory the audit may use (e.g. 4G); an input that needs more is refused up front
    /// (default: the memory available on this machine)
    #[arg(long)]
    memory_limit: Option<String>,
    /// Case rows evaluated at once (default 100000): fewer hold less memory; the
    /// findings are the same for any number
    #[arg(long, hide = true, value_parser = clap::value_parser!(u64).range(1..))]
    chunk_rows: Option<u64>,
}

#[derive(Args)]
struct SampleArgs {
    /// Number of cases
    #[arg(long, default_value_t = 5000)]
    cases: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long)]
    out: PathBuf,
}

pub fn main() -> ExitCode {
    crate::par::configure_allocator();
    let cli = Cli::parse();
    let r = match cli.cmd {
        Cmd::Audit(a) => audit_cmd(*a),
        Cmd::Rules {
            cmd: RulesCmd::Check { file },
        } => rules_check(&file),
        Cmd::Rules {
            cmd: RulesCmd::Explain { rule_id, rules },
        } => rules::load(&rules)
            .and_then(|set| rules::explain(&set, &rule_id))
            .map(|text| {
                print!("{}", crate::mask::terminal_safe(&text));
                ExitCode::SUCCESS
            }),
        Cmd::Sample(s) => sample_cmd(&s),
        Cmd::Compare {
            report_a,
            report_b,
            out,
        } => crate::compare::compare(&report_a, &report_b).and_then(|(sheet, table)| {
            for w in crate::compare::warnings(&report_a, &report_b) {
                eprintln!("{}", crate::mask::terminal_safe(&w));
            }
            // Never over a report's own tables or any file that is not a comparison.
            if out.exists() && !crate::compare::is_comparison(&out) {
                return Err(crate::error::Error::input(
                    out.display().to_string(),
                    "exists and is not a comparison written by `shouwen compare`: not written over; choose another --out",
                ));
            }
            crate::report::write_sheet(&out, sheet)?;
            print!("{}", crate::mask::terminal_safe(&table));
            Ok(ExitCode::SUCCESS)
        }),
        Cmd::ExplainScore {
            employee_id,
            report,
        } => crate::explain::explain_score(&employee_id, &report).map(|text| {
            print!("{}", crate::mask::terminal_safe(&text));
            ExitCode::SUCCESS
        }),
    };
    match r {
        Ok(code) => code,
        Err(e) => {
            let _ = std::io::stdout().flush();
            eprintln!("{}", crate::mask::terminal_safe(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

fn rules_check(file: &std::path::Path) -> Result<ExitCode> {
    let set = rules::load(file)?;
    let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    println!("{}: ok, {} rules: {}", set.path, ids.len(), ids.join(", "));
    Ok(ExitCode::SUCCESS)
}

fn sample_cmd(s: &SampleArgs) -> Result<ExitCode> {
    let summary = crate::sample::generate(
        &crate::sample::SampleOptions {
            cases: s.cases,
            seed: s.seed,
        },
        &s.out,
    )
    .map_err(|e| Error::Output {
        path: s.out.display().to_string(),
        message: e.to_string(),
    })?;
    println!(
        "wrote {}: {} cases, {} employees in {} centers, {} handoffs, {} planted violations (as of {})",
        s.out.display(),
        summary.cases,
        summary.employees,
        summary.centers,
        summary.handoffs,
        summary.planted,
        summary.as_of
    );
    Ok(ExitCode::SUCCESS)
}

fn dataset_files(a: &AuditArgs) -> Result<DatasetFiles> {
    let mut files = match (&a.dataset, a.cases.is_empty()) {
        (Some(dir), _) => DatasetFiles::discover(dir)?,
        (None, true) => DatasetFiles::discover(&PathBuf::from("sample-data"))?,
        (None, false) => DatasetFiles::default(),
    };
    if !a.cases.is_empty() {
        // Read in path order, as a folder's or a pattern's files are: the report must not
        // depend on the order the files were named in (a repeated case id keeps the row
        // of the file first in that order).
        files.cases = expand_globs(&a.cases)?;
        files.cases.sort_by(|x, y| x.path.cmp(&y.path));
    }
    let one = |p: &Option<PathBuf>, option: &str| -> Result<Option<InputFile>> {
        match p {
            None => Ok(None),
            Some(p) => {
                check_input_file(p, option)?;
                Ok(Some(InputFile::new(p.clone())))
            }
        }
    };
    if let Some(f) = one(&a.roster, "--roster")? {
        files.roster = Some(f);
    }
    if !a.handoffs.is_empty() {
        files.handoffs = crate::input::expand_globs_as(&a.handoffs, "--handoffs")?;
        files.handoffs.sort_by(|x, y| x.path.cmp(&y.path));
    }
    if let Some(f) = one(&a.inspections, "--inspections")? {
        files.inspections = Some(f);
    }
    if let Some(f) = one(&a.waivers, "--waivers")? {
        files.waivers = Some(f);
    }
    Ok(files)
}

/// Memory an audit needs per byte of input, measured with every report (`/usr/bin/time`
/// peak RSS, 2026-11-28, after the exports were mapped instead of read): 1M gen.py cases
/// (357 MiB of CSV) 893 MiB, 2.5×; 10M cases (3.5 GiB) 5.5 GiB with `--format csv`, 1.6×;
/// at 100k cases 184–191 MiB for 29–70 MiB, GBK included (its text is decoded into
/// memory, not left in the file). 4× plus [`FIXED_MEMORY`] covers each with room.
const BYTES_PER_INPUT_BYTE: u64 = 4;

/// What an audit needs whatever its input: the rule engine, the fonts, the charts.
const FIXED_MEMORY: u64 = 128 << 20;

/// Refuse, before reading a row, an input this machine cannot hold: a clear message
/// instead of the kernel's OOM killer half-way through.
fn check_memory(files: &DatasetFiles, limit: Option<&str>) -> Result<()> {
    let mut paths: Vec<&std::path::Path> = files
        .cases
        .iter()
        .chain(&files.handoffs)
        .map(|f| f.path.as_path())
        .collect();
    for f in [&files.roster, &files.inspections, &files.waivers]
        .into_iter()
        .flatten()
    {
        paths.push(&f.path);
    }
    let input: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let available = match limit {
        Some(l) => Some(parse_size(l).ok_or_else(|| {
            Error::Usage(format!(
                "--memory-limit {l}: expected a size such as 4G or 512M"
            ))
        })?),
        None => mem_available(),
    };
    let Some(available) = available else {
        return Ok(());
    };
    let need = input.saturating_mul(BYTES_PER_INPUT_BYTE) + FIXED_MEMORY;
    if need > available {
        let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
        return Err(Error::Input {
            file: paths
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            message: format!(
                "the input ({:.2} GiB in {} file(s)) needs about {:.1} GiB of memory to audit \
                 and {:.1} GiB is available{}; audit it in parts (one month or one center \
                 per run, e.g. --cases 'exports/center_a*.csv'), or on a larger machine",
                gib(input),
                paths.len(),
                gib(need),
                gib(available),
                if limit.is_some() {
                    " (--memory-limit)"
                } else {
                    ""
                }
            ),
        });
    }
    Ok(())
}

/// `4G`, `512M`, `1.5GiB`, or plain bytes.
fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1u64,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return None,
    };
    (n.is_finite() && n >= 0.0).then_some((n * mult as f64) as u64)
}

/// MemAvailable from /proc/meminfo (Linux); None elsewhere.
fn mem_available() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    crate::par::proc_kib(&info, "MemAvailable:")
}

fn audit_cmd(a: AuditArgs) -> Result<ExitCode> {
    let formats = report::Formats::parse(&a.format).map_err(Error::Usage)?;
    let mut progress = report::summary::Progress::new(a.quiet);
    let t0 = Instant::now();
    let rules = rules::load(&a.rules)?;
    let files = dataset_files(&a)?;
    check_memory(&files, a.memory_limit.as_deref())?;
    let opts = AuditOptions {
        period: a.period.clone(),
        as_of: a.as_of.clone(),
        select: a.select.clone(),
        ignore: a.ignore.clone(),
        chunk_rows: a.chunk_rows.map(|c| c as usize),
    };
    // Refuse unknown --select/--ignore, and an --out that is no report folder, before
    // reading any data.
    rules::select(&rules.rules, &opts.select, &opts.ignore)?;
    let disabled = rules::disabled_selected(&rules.rules, &opts.select);
    if !disabled.is_empty() && !a.quiet {
        eprintln!(
            "note: --select: {} disabled in the rules file (enabled = false), not run",
            disabled.join(", ")
        );
    }
    if let Some(out) = &a.out {
        report::check_out(out)?;
    }
    progress.step("load", 0, 3);
    // The peak memory up to the end of each phase, for --timings.
    let mut peaks: Vec<(&str, Option<(u64, u64)>)> = vec![];
    let loaded = audit::load_as_of(
        &files,
        &rules,
        opts.period.as_deref(),
        opts.as_of.as_deref(),
    )?;
    let t_load = t0.elapsed();
    peaks.push(("load", crate::par::memory()));
    if !loaded.warnings.is_empty() && !a.quiet {
        progress.finish();
        for w in &loaded.warnings {
            eprintln!("warning: {}", crate::mask::terminal_safe(w));
        }
    }
    progress.step("rules", 1, 3);
    // Rows outside --period or after --as-of were left out on purpose, not bad data.
    let faults: Vec<&crate::input::Rejected> =
        loaded.rejected.iter().filter(|r| !r.outside).collect();
    if a.strict && !faults.is_empty() {
        for r in faults.iter().take(20) {
            let line = format!(
                "{}:{}: rejected: {}",
                r.file,
                r.line,
                if a.unmask {
                    r.reason.clone()
                } else {
                    crate::report::mask_rejected(r, &r.reason)
                }
            );
            eprintln!("{}", crate::mask::terminal_safe(&line));
        }
        if faults.len() > 20 {
            eprintln!("… and {} more", faults.len() - 20);
        }
        return Err(Error::Strict {
            rejected: faults.len(),
        });
    }
    let t1 = Instant::now();
    let said = loaded.warnings.len();
    let result = audit::run(rules, loaded, &opts)?;
    let t_rules = t1.elapsed();
    // What the audit itself found to warn of (an as-of time far past every receipt).
    if result.input_warnings.len() > said && !a.quiet {
        progress.finish();
        for w in &result.input_warnings[said..] {
            eprintln!("warning: {}", crate::mask::terminal_safe(w));
        }
    }
    peaks.push(("rules and scoring", crate::par::memory()));
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&result.period));
    let t2 = Instant::now();
    progress.step("reports", 2, 3);
    let ropts = ReportOptions {
        unmask: a.unmask,
        formats,
        previous: a.previous.clone(),
    };
    let written = report::write(&result, &out, &ropts);
    progress.finish();
    written?;
    // Printed even with --quiet: these are kept nowhere else.
    if let Some(prev) = &a.previous {
        for w in crate::compare::warnings(prev, &out) {
            let w = format!("{w} (--previous {})", prev.display());
            eprintln!("{}", crate::mask::terminal_safe(&w));
        }
    }
    let t_report = t2.elapsed();
    peaks.push(("reports", crate::par::memory()));
    if !a.quiet {
        let mut what = vec!["csv"];
        for (on, name) in [
            (formats.xlsx, "xlsx"),
            (formats.html, "html"),
            (formats.charts, "charts"),
        ] {
            if on {
                what.push(name);
            }
        }
        let summary = report::summary::render_with(
            &result,
            &result.centers,
            &out,
            &what.join(", "),
            a.unmask,
        );
        print!("{}", crate::mask::terminal_safe(&summary));
    }
    if a.timings {
        eprintln!(
            "timings: load {:.3}s, rules {:.3}s, scoring {:.3}s, reports {:.3}s, total {:.3}s",
            t_load.as_secs_f64(),
            t_rules.as_secs_f64() - result.scoring_seconds,
            result.scoring_seconds,
            t_report.as_secs_f64(),
            t0.elapsed().as_secs_f64()
        );
        let mib = |b: u64| b >> 20;
        let at: Vec<String> = peaks
            .iter()
            .filter_map(|(phase, m)| {
                m.map(|(now, peak)| {
                    format!("{phase} {} MiB (in use after it {})", mib(peak), mib(now))
                })
            })
            .collect();
        if !at.is_empty() {
            eprintln!("peak memory up to the end of: {}", at.join(", "));
        }
    }
    let crossed = a
        .fail_on
        .as_deref()
        .and_then(Severity::parse)
        .is_some_and(|level| {
            result
                .violations
                .iter()
                .any(|v| v.waiver.is_none() && result.rules.rules[v.rule].severity >= level)
        });
    // The process ends here: freeing millions of cells one by one would take seconds
    // (6 s at 1M cases, bench/RESULTS.md); the OS reclaims the memory at once.
    std::mem::forget(result);
    Ok(if crossed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
