#!/usr/bin/env bash
# bench/profile.sh — where `shouwen audit` spends its time: perf profile of one audit.
#
# Usage:  bench/profile.sh [--rev REV] [--format FMT] [SIZE]   (default SIZE 1000000)
#   Profiles `shouwen audit DATA/gen-SIZE` (the dataset bench/run.sh generates) with
#   `perf record --call-graph dwarf` and prints: time per thread, inclusive time of the
#   audit's phases (load / rules / scoring / reports / drop) and of each rule kind, samples
#   charged to shouwen's own functions (bench/attribute.py: malloc, memcpy, hashing … land on
#   the shouwen function that caused them), and the hottest functions by self time.
#   Files go to DATA/profile-<rev>-<size>/.
#   --rev REV     profile that commit, built like `bench/run.sh --rev REV` (DATA/src-<sha>,
#                 --target-dir DATA/target) with CARGO_PROFILE_RELEASE_DEBUG=line-tables-only
#                 (default: the working tree, built into DATA/target-profile the same way;
#                 either is a full polars build the first time: ~25 min on 2 cores)
#   --format FMT  pass --format FMT to the audit (default: none, i.e. every output)
#   SHOUWEN_BIN=path  profile that binary instead (no build); symbols are needed, line
#                 tables are better (inlined functions are then attributed to their caller
#                 chain). The committed release profile has `debug = false`, which keeps the
#                 symbol table: good enough for a flat profile.
#   PERF_FREQ     samples per second (default 400)
#   PERF_INLINE=1 let bench/attribute.py see inlined frames too (needs line tables; slow; the
#                 names of inlined frames can be wrong where the linker folded identical code,
#                 e.g. two `chars().map().collect()` closures, so the default leaves them out;
#                 perf report's inclusive table uses them whenever the binary has line tables). A binary with line tables for shouwen only, without rebuilding polars:
#                 cargo build --release --config 'profile.release.package.shouwen.debug="line-tables-only"'
#                 (the committed profile is unchanged; the code is the same, .text differs by <0.01%)
#
# Requirements: perf (Debian: apt-get install -y linux-perf) working in this VM: hardware
# counters are not exposed here, so the sampling clock is cpu-clock (a software event).
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
DATA=${SHOUWEN_BENCH_DATA:-/work/bench-data}
FREQ=${PERF_FREQ:-400}
REV_ARG="" FMT="" SIZE=1000000
while (($#)); do
    case $1 in
        --rev) REV_ARG=$2; shift 2 ;;
        --format) FMT=$2; shift 2 ;;
        [0-9]*) SIZE=$1; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
command -v perf >/dev/null || { echo "perf missing: apt-get install -y linux-perf" >&2; exit 2; }
DS=$DATA/gen-$SIZE
[[ -f $DS/cases.csv ]] || { echo "no dataset $DS: run bench/run.sh $SIZE first" >&2; exit 2; }

export CARGO_PROFILE_RELEASE_DEBUG=line-tables-only
if [[ -n ${SHOUWEN_BIN:-} ]]; then
    BIN=$SHOUWEN_BIN REV=$(basename "$BIN") RULES=$REPO/rules/default.toml
elif [[ -n $REV_ARG ]]; then
    REV=$(git -C "$REPO" rev-parse --short=12 "$REV_ARG^{commit}")
    snap=$DATA/src-$REV
    if [[ ! -f $snap/Cargo.toml ]]; then
        rm -rf "$snap.tmp" && mkdir -p "$snap.tmp"
        git -C "$REPO" archive "$REV" | tar -x -C "$snap.tmp" && mv "$snap.tmp" "$snap"
    fi
    cargo build --release --manifest-path "$snap/Cargo.toml" --target-dir "$DATA/target" >&2
    BIN=$DATA/target/release/shouwen RULES=$snap/rules/default.toml
else
    REV=$(git -C "$REPO" describe --always --dirty --abbrev=12)
    cargo build --release --manifest-path "$REPO/Cargo.toml" --target-dir "$DATA/target-profile" >&2
    BIN=$DATA/target-profile/release/shouwen RULES=$REPO/rules/default.toml
fi
OUT=$DATA/profile-$REV-$SIZE${FMT:+-$FMT}
mkdir -p "$OUT"
cp "$BIN" "$OUT/shouwen"   # perf resolves symbols from this copy, not a binary rebuilt later
cat "$DS"/*.csv >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/load.txt"
perf record -e cpu-clock -F "$FREQ" --call-graph dwarf,32768 -o "$OUT/perf.data" -- \
    "$OUT/shouwen" audit "$DS" --out "$OUT/report" --rules "$RULES" --timings ${FMT:+--format "$FMT"} \
    >"$OUT/audit.stdout" 2>"$OUT/audit.stderr"
grep '^timings' "$OUT/audit.stderr" | tee "$OUT/timings.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.txt"

# Reports: per thread; inclusive (children) per symbol; self per symbol.
perf report -i "$OUT/perf.data" --stdio --no-children --sort comm --percent-limit 0.5 -g none \
    >"$OUT/threads.txt" 2>/dev/null
perf report -i "$OUT/perf.data" --stdio --children --sort symbol --percent-limit 0.3 -g none \
    >"$OUT/inclusive.txt" 2>/dev/null
perf report -i "$OUT/perf.data" --stdio --no-children --sort symbol --percent-limit 0.02 -g none \
    >"$OUT/self.txt" 2>/dev/null
perf report -i "$OUT/perf.data" --stdio --no-children --sort dso --percent-limit 0.3 -g none \
    >"$OUT/dso.txt" 2>/dev/null

echo
echo "### samples per thread"
grep -E '^ +[0-9]' "$OUT/threads.txt" | head -12
echo
echo "### inclusive time of the phases and rule kinds (share of all samples, all threads)"
python3 - "$OUT/inclusive.txt" "$OUT/self.txt" <<'PY'
import re, sys
def parse(path, two):
    out = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s+([\d.]+)%\s+(?:([\d.]+)%\s+)?\[(.)\]\s+(.*)", line)
        if m:
            out.append((float(m[1]), float(m[2] or m[1]), re.sub(r"(\s+-)*\s*$", "", m[4]), m[3]))
    return out
rows = parse(sys.argv[1], True)
selfrows = parse(sys.argv[2], False)
want = [
    ("load: audit::load", r"^shouwen::audit::load$"),
    ("  read_table (CSV → columns)", r"^shouwen::input::read_table$"),
    ("  CsvFile::open (read, sha256, utf-8 check)", r"^shouwen::input::csvfile::CsvFile::open$"),
    ("  timestamp parsing", r"^shouwen::timeparse::parse_timestamp$"),
    ("  Table::reject_where", r"^shouwen::input::Table::reject_where"),
    ("  Table::reject_duplicates", r"^shouwen::input::Table::reject_duplicates"),
    ("rules+scoring: audit::run", r"^shouwen::audit::run$"),
    ("  cases_frame (Table → polars)", r"^shouwen::audit::cases_frame$"),
    ("  deadline", r"^shouwen::rules::deadline::Deadline::evaluate$"),
    ("  required", r"^shouwen::rules::required::Required::evaluate$"),
    ("  expression", r"^shouwen::rules::expression::Expression::evaluate$"),
    ("  forbidden_phrase", r"^shouwen::rules::forbidden_phrase::ForbiddenPhrase::evaluate$"),
    ("  escalation", r"^shouwen::rules::escalation::Escalation::evaluate$"),
    ("    escalation_check::check", r"^shouwen::rules::escalation_check::check$"),
    ("    escalation_check::judge_case", r"^shouwen::rules::escalation_check::judge_case$"),
    ("  inspection", r"^shouwen::rules::inspection::Inspection::evaluate$"),
    ("  Holders::new", r"^shouwen::audit::Holders::new$"),
    ("  charge", r"^shouwen::audit::charge$"),
    ("  apply_waivers", r"^shouwen::audit::apply_waivers$"),
    ("  employees", r"^shouwen::audit::employees$"),
    ("  scorecards", r"^shouwen::audit::scorecards$"),
    ("reports: report::write", r"^shouwen::report::write$"),
    ("  violations.csv", r"^shouwen::report::violations$"),
    ("  centers.csv", r"^shouwen::report::centers$|^shouwen::audit::centers$"),
    ("  write_csv", r"^shouwen::report::write_csv$"),
    ("  manifest", r"^shouwen::report::manifest$"),
    ("drop AuditResult (after the timings)", r"drop_in_place<shouwen::audit::AuditResult>"),
    ("kernel page faults (fresh memory)", r"^asm_exc_page_fault$"),
    ("polars thread pool (all)", r"^rayon_core::registry::WorkerThread::wait_until_cold$|^rayon_core::registry::main_loop$"),
]
print("| part | inclusive % | self % |")
print("|---|---|---|")
for label, pat in want:
    hits = [r for r in rows if re.search(pat, r[2])]
    if hits:
        h = max(hits)
        print(f"| {label} | {h[0]:.1f} | {h[1]:.1f} |")
groups = [
    ("glibc malloc/free (self)", lambda r: r[3] == "." and re.search(r"malloc|free|_int_|unlink_chunk|realloc|consolidate|tcache", r[2])),
    ("memmove/memcpy (self)", lambda r: re.search(r"memmove|memcpy", r[2])),
    ("memcmp (self)", lambda r: re.search(r"memcmp", r[2])),
    ("kernel (self, mostly page faults and zeroing)", lambda r: r[3] == "k"),
]
for label, f in groups:
    print(f"| {label} | | {sum(r[1] for r in selfrows if f(r)):.1f} |")
PY
echo
echo "### samples charged to shouwen's own functions (bench/attribute.py)"
# With line tables in the binary, PERF_INLINE=1 expands inlined frames (slow: addr2line).
perf script -i "$OUT/perf.data" -F tid,ip,sym $([[ ${PERF_INLINE:-0} == 1 ]] && echo --inline || echo --no-inline) \
    2>/dev/null >"$OUT/script.txt"
python3 "$SCRIPT_DIR/attribute.py" <"$OUT/script.txt" | tee "$OUT/attribution.md"
echo
echo "### hottest functions by self time"
grep -E "^ +[0-9]" "$OUT/self.txt" | sed "s/ *-  *- *$//" | head -40
echo
echo "(full reports in $OUT: threads.txt inclusive.txt self.txt dso.txt attribution.md; perf.data for perf report -i)"
