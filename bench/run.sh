#!/usr/bin/env bash
# bench/run.sh — time `shouwen audit` against the DuckDB and polars yardsticks (issue 6).
#
# Usage:  bench/run.sh [options] [SIZE ...]          (default sizes: 100000 1000000)
#   SIZE            cases per gen.py dataset, e.g. 100000 1000000 10000000
#   --reps N        timed repetitions per dataset (default 3; env BENCH_REPS).
#                   Datasets of 5M cases or more get --reps-large repetitions and no warm-up.
#   --reps-large N  repetitions for datasets of 5M cases or more (default 1)
#   --warmup N      untimed rounds before the timed ones (default 1; env BENCH_WARMUP)
#   --data DIR      where datasets and outputs go, outside the repo
#                   (default /work/bench-data; env SHOUWEN_BENCH_DATA)
#   --peers DIR     the yardsticks folder with gen.py, audit_duckdb.py, audit_polars.py
#                   (default <repo>/../shared/bench-peers; env SHOUWEN_BENCH_PEERS)
#   --no-sample     skip the `shouwen sample --cases 100000` dataset
#   --no-build      do not run `cargo build --release`; use SHOUWEN_BIN or target/release/shouwen
#   --rev REV       measure commit REV instead of the working tree: `git archive REV` into
#                   DATA/src-<sha>, built with --target-dir DATA/target, its own rules/default.toml
#                   (the first build compiles polars: ~25 min on 2 cores). For a profile-ready binary
#                   set CARGO_PROFILE_RELEASE_DEBUG=line-tables-only (same code, line tables added).
#   --out FILE      also write the markdown report to FILE (default DATA/results-<time>.md)
#   --report LOGDIR print the report of an earlier run again from its log folder
#                   (DATA/logs/<time>/: runs.tsv and meta.sh), without running anything
#
# Environment:
#   SHOUWEN_BIN        use this binary instead of building (implies --no-build)
#   BENCH_MAX_RSS_GIB  kill a run whose resident memory passes this (default 16); recorded as
#                      "killed". On a machine shared with builds, set it below the free memory.
#   Every run leaves DATA/logs/<time>/: runs.tsv (one row a run), meta.sh, and per run its
#   stdout, stderr, `time -v` output, counts and an RSS trace (<run>.rss: seconds, KiB).
#   BENCH_LARGE_TOOLS  tools run on datasets of 5M+ cases (default "full csv duckdb";
#                      add "polars" at your own risk of memory: it reads every column as text)
#
# Requirements (the script installs nothing; it checks and stops with a hint):
#   - GNU time at /usr/bin/time          apt-get install -y time
#   - cargo (Rust toolchain), python3 ≥ 3.11
#   - python packages duckdb and polars  pip install duckdb==2.0.1 polars==2.1.0
#   - disk: about 0.4 GB per 1M gen.py cases, plus the reports (about the same again)
#
# What it does, per dataset (gen-<N> from gen.py --seed 1; sample-100000 from
# `shouwen sample --cases 100000 --seed 1`): for each repetition it runs, alternating,
#   full    shouwen audit DATA --out OUT --rules rules/default.toml --timings   (default --format: every output)
#   csv     the same with --format csv
#   duckdb  python3 audit_duckdb.py DATA OUT
#   polars  python3 audit_polars.py DATA OUT
# each under /usr/bin/time -v (wall time from the script, nanosecond clock; CPU and peak RSS
# from time -v). Inputs are in the page cache after the warm-up round.
#
# Results must not change: shouwen's violation counts per rule (from violations.csv) and its
# manifest totals must be the same in every run, full and csv alike, and equal to the
# committed bench/expected-counts-<dataset>.txt. The file is written from the first run when
# it is absent (commit it); any difference stops the script with exit status 3 and a diff.
# Delete the file only when a change of results is intended. No timing is asserted.
#
# Prints a markdown report (tables of medians, ratios to DuckDB, peak RSS, shouwen's phase
# times, violation counts, load averages); bench/RESULTS.md is written from such a report.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)

REPS=${BENCH_REPS:-3}
REPS_LARGE=1
WARMUP=${BENCH_WARMUP:-1}
DATA=${SHOUWEN_BENCH_DATA:-/work/bench-data}
PEERS=${SHOUWEN_BENCH_PEERS:-$REPO/../shared/bench-peers}
DO_SAMPLE=1
DO_BUILD=1
REPORT_OUT=""
BUILD_REV=""
REPORT_ONLY=""
LARGE=5000000
LARGE_TOOLS=${BENCH_LARGE_TOOLS:-"full csv duckdb"}
MAX_RSS_KIB=$(( ${BENCH_MAX_RSS_GIB:-16} * 1024 * 1024 ))
SIZES=()
ARGS=("$@")

die() { echo "bench/run.sh: $*" >&2; exit 2; }

while (($#)); do
    case $1 in
        --reps) REPS=$2; shift 2 ;;
        --reps-large) REPS_LARGE=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --data) DATA=$2; shift 2 ;;
        --peers) PEERS=$2; shift 2 ;;
        --no-sample) DO_SAMPLE=0; shift ;;
        --no-build) DO_BUILD=0; shift ;;
        --rev) BUILD_REV=$2; shift 2 ;;
        --out) REPORT_OUT=$2; shift 2 ;;
        --report) REPORT_ONLY=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        [0-9]*) SIZES+=("$1"); shift ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
done
((${#SIZES[@]})) || SIZES=(100000 1000000)
[[ -n ${SHOUWEN_BIN:-} ]] && DO_BUILD=0

# ---------------------------------------------------------------- report
# Markdown from $LOG/runs.tsv and $LOG/meta.sh (also: bench/run.sh --report LOGDIR).
print_report() {
    echo "## shouwen benchmark — run $RUN_ID (UTC)"
    echo
    echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores," \
        "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
    echo "- shouwen $REV (binary sha256 ${BIN_SHA}…), rules $RULES;" \
        "python $(python3 -c 'import sys,duckdb,polars; print(sys.version.split()[0], "duckdb", duckdb.__version__, "polars", polars.__version__)')"
    echo "- command: \`bench/run.sh ${ARGS[*]}\` (reps $REPS, warm-up $WARMUP; 5M+: reps $REPS_LARGE, tools $LARGE_TOOLS); data in $DATA; raw runs: $RAW"
    echo
    for ds in "${DATASETS[@]}"; do
        IFS=: read -r name dir size <<<"$ds"
        echo "load average (1/5/15 min) at start ${SUM_LOAD_START[$name]}, at end ${SUM_LOAD_END[$name]} — $name"
        echo
    done
    python3 - "$RAW" "$SCRIPT_DIR" "$LOG" <<'PY'
import csv, os, re, statistics as st, sys
from collections import defaultdict
raw, bench, log = sys.argv[1:4]
rows = [r for r in csv.DictReader(open(raw), delimiter="\t") if not r["rep"].startswith("w")]
order, by = [], defaultdict(list)
for r in rows:
    if r["dataset"] not in order:
        order.append(r["dataset"])
    by[(r["dataset"], r["tool"])].append(r)
LABEL = {"full": "shouwen audit (all outputs)", "csv": "shouwen audit --format csv",
         "duckdb": "DuckDB yardstick", "polars": "polars yardstick"}
def med(xs): return st.median(xs) if xs else float("nan")
def ok(rs): return [r for r in rs if r["status"] == "ok"]
print("| dataset | tool | runs ok | wall median s (min–max) | cpu (user+sys) median s | peak RSS median MiB (max) | × DuckDB wall: median of paired ratios (ratio of medians) | × DuckDB cpu (paired) | load1 at runs |")
print("|---|---|---|---|---|---|---|---|---|")
summary = {}
for ds in order:
    duck = {r["rep"]: float(r["wall_s"]) for r in ok(by[(ds, "duckdb")])}
    duck_cpu = {r["rep"]: float(r["user_s"]) + float(r["sys_s"]) for r in ok(by[(ds, "duckdb")])}
    for tool in ("full", "csv", "duckdb", "polars"):
        rs = by.get((ds, tool), [])
        if not rs:
            continue
        g = ok(rs)
        walls = [float(r["wall_s"]) for r in g]
        cpus = [float(r["user_s"]) + float(r["sys_s"]) for r in g]
        rss = [int(r["maxrss_kib"]) / 1024 for r in g]
        bad = [r["status"] for r in rs if r["status"] != "ok"]
        paired = [float(r["wall_s"]) / duck[r["rep"]] for r in g if r["rep"] in duck]
        ratio = (f"{med(paired):.2f}× ({med(walls) / med(list(duck.values())):.2f}×)"
                 if paired and tool != "duckdb" else "–")
        pc = [(float(r["user_s"]) + float(r["sys_s"])) / duck_cpu[r["rep"]] for r in g if r["rep"] in duck_cpu]
        cratio = f"{med(pc):.2f}×" if pc and tool != "duckdb" else "–"
        loads = "/".join(r["load1"] for r in rs)
        w = f"{med(walls):.2f} ({min(walls):.2f}–{max(walls):.2f})" if walls else "–"
        m = f"{med(rss):.0f} ({max(rss):.0f})" if rss else "–"
        if not g and rs:  # nothing completed: show where the failed runs stopped
            w = "stopped at " + "/".join(f"{float(r['wall_s']):.1f}" for r in rs)
            m = "stopped at " + "/".join(f"{int(r['maxrss_kib'] or 0) / 1024:.0f}" for r in rs)
        c = f"{med(cpus):.2f}" if cpus else "–"
        print(f"| {ds} | {LABEL[tool]} | {len(g)}/{len(rs)}{' ' + ','.join(bad) if bad else ''} | {w} | {c} | {m} | {ratio} | {cratio} | {loads} |")
        summary[(ds, tool)] = (med(paired) if paired else None, med(rss) if rss else None, med(walls) if walls else None)
print()
print("shouwen's own phase times (`--timings`, medians, seconds):")
print()
print("| dataset | mode | load | rules | scoring | reports | total |")
print("|---|---|---|---|---|---|---|")
for ds in order:
    for tool in ("full", "csv"):
        ph = defaultdict(list)
        for r in ok(by.get((ds, tool), [])):
            for part in r["phases"].split(","):
                mt = re.fullmatch(r"([a-z]+)([0-9.]+)s", part)
                if mt:
                    ph[mt[1]].append(float(mt[2]))
        if ph:
            # before scoring had its own line, rules included it
            print(f"| {ds} | {tool} | " + " | ".join(f"{med(ph[k]):.3f}" if ph[k] else "–" for k in ("load", "rules", "scoring", "reports", "total")) + " |")
print()
print("Targets (issue 6; informational, nothing fails on time):")
print()
for ds in order:
    full, csvr = summary.get((ds, "full")), summary.get((ds, "csv"))
    if ds == "gen-1000000" and full and csvr:
        for what, v, lim in (("full audit wall / DuckDB", full[0], 1.0), ("--format csv wall / DuckDB", csvr[0], 0.7)):
            if v is not None:
                print(f"- 1M {what}: {v:.2f}× (target ≤ {lim}×) — {'met' if v <= lim else 'NOT met'}")
        r = max(x for x in (full[1], csvr[1]) if x is not None)
        print(f"- 1M peak RSS: {r:.0f} MiB (target ≤ 1536 MiB) — {'met' if r <= 1536 else 'NOT met'}")
    if ds == "gen-10000000" and full:
        if full[1] is not None:
            print(f"- 10M peak RSS: {full[1]:.0f} MiB (target ≤ 4096 MiB) — {'met' if full[1] <= 4096 else 'NOT met'}")
        one = summary.get(("gen-1000000", "full"))
        if one and one[2] and full[2]:
            g = full[2] / one[2]
            print(f"- 10M / 1M wall: {g:.1f}× for 10× the cases (target ≤ 10×) — {'met' if g <= 10 else 'NOT met'}")
        elif full[1] is None:
            print("- 10M: the full audit did not complete (see the runs table)")
print()
print("Violation counts (identical in every run, full and csv, and equal to the committed expectation):")
for ds in order:
    exp = os.path.join(bench, f"expected-counts-{ds}.txt")
    print()
    print(f"`bench/expected-counts-{ds}.txt`:")
    print()
    print("```")
    print(open(exp).read().rstrip() if os.path.exists(exp) else "(no shouwen run completed)")
    for tool in ("duckdb", "polars"):
        f = os.path.join(log, f"{ds}.{tool}.counts.first")
        if os.path.exists(f):
            print(f"# {tool} yardstick (rules a–f): {open(f).read().strip()}")
    print("```")
PY
}

if [[ -n $REPORT_ONLY ]]; then
    LOG=$(cd "$REPORT_ONLY" && pwd)
    [[ -f $LOG/meta.sh && -f $LOG/runs.tsv ]] || die "$REPORT_ONLY: no meta.sh and runs.tsv (a log folder of bench/run.sh)"
    declare -A SUM_LOAD_START SUM_LOAD_END
    # shellcheck disable=SC1091
    source "$LOG/meta.sh"
    RAW=$LOG/runs.tsv
    print_report
    exit 0
fi

# ---------------------------------------------------------------- requirements
[[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1 \
    || die "GNU time is missing: apt-get install -y time"
command -v python3 >/dev/null || die "python3 is missing"
python3 -c 'import duckdb, polars' 2>/dev/null \
    || die "python packages missing: pip install duckdb==2.0.1 polars==2.1.0"
for f in gen.py audit_duckdb.py audit_polars.py; do
    [[ -f $PEERS/$f ]] || die "$PEERS/$f not found (set --peers or SHOUWEN_BENCH_PEERS)"
done
PEERS=$(cd "$PEERS" && pwd)
case "$DATA/" in "$REPO"/*) die "--data $DATA is inside the repository; use a folder outside it" ;; esac
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
RUN_ID=$(date +%Y%m%d-%H%M%S)
LOG=$DATA/logs/$RUN_ID
mkdir -p "$LOG"
RAW=$LOG/runs.tsv
printf 'dataset\trep\ttool\twall_s\tuser_s\tsys_s\tmaxrss_kib\tstatus\tload1\tphases\n' >"$RAW"
REPORT_OUT=${REPORT_OUT:-$DATA/results-$RUN_ID.md}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
note() { echo "[bench $(date +%H:%M:%S) load $(loadavg)] $*" >&2; }

# ---------------------------------------------------------------- build
REV=$(git -C "$REPO" describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
RULES=$REPO/rules/default.toml
if [[ -n $BUILD_REV ]]; then
    REV=$(git -C "$REPO" rev-parse --short=12 "$BUILD_REV^{commit}") || die "--rev $BUILD_REV: no such commit"
    snap=$DATA/src-$REV
    if [[ ! -f $snap/Cargo.toml ]]; then
        note "git archive $REV -> $snap"
        rm -rf "$snap.tmp" && mkdir -p "$snap.tmp"
        git -C "$REPO" archive "$REV" | tar -x -C "$snap.tmp"
        mv "$snap.tmp" "$snap"
    fi
    RULES=$snap/rules/default.toml
    if ((DO_BUILD)); then
        note "cargo build --release ($snap, target dir $DATA/target)"
        cargo build --release --manifest-path "$snap/Cargo.toml" --target-dir "$DATA/target" >&2
    fi
    SRC_BIN=${SHOUWEN_BIN:-$DATA/target/release/shouwen}
elif ((DO_BUILD)); then
    note "cargo build --release ($REPO)"
    cargo build --release --manifest-path "$REPO/Cargo.toml" >&2
    tdir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$REPO/Cargo.toml" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    SRC_BIN=$tdir/release/shouwen
else
    SRC_BIN=${SHOUWEN_BIN:-$REPO/target/release/shouwen}
fi
[[ -x $SRC_BIN ]] || die "no shouwen binary at $SRC_BIN"
# A private copy: other people may rebuild target/release/shouwen while this runs.
mkdir -p "$DATA/bin"
BIN=$DATA/bin/shouwen-$REV
cp "$SRC_BIN" "$BIN.tmp.$$" && mv "$BIN.tmp.$$" "$BIN"
BIN_SHA=$(sha256sum "$BIN" | cut -c1-16)
note "binary $BIN (sha256 $BIN_SHA…), rules $RULES"

# ---------------------------------------------------------------- datasets
# A dataset is reused when its stamp matches what would be generated now.
gen_dataset() { # N -> prints the dataset dir
    local n=$1 dir=$DATA/gen-$1 stamp want
    want="gen.py --cases $n --seed 1 sha256=$(sha256sum "$PEERS/gen.py" | cut -d' ' -f1)"
    stamp=$dir/.bench-stamp
    if [[ -f $stamp && $(cat "$stamp") == "$want" && -f $dir/cases.csv ]]; then
        note "reusing $dir"
    else
        note "generating $dir ($want)"
        rm -rf "$dir"
        /usr/bin/time -f "gen.py $n: %e s wall, %M KB peak" \
            python3 "$PEERS/gen.py" --cases "$n" --seed 1 --out "$dir" >&2
        echo "$want" >"$stamp"
    fi
    echo "$dir"
}
if [[ -n $BUILD_REV ]]; then
    SAMPLE_REV=$(git -C "$REPO" log -1 --format=%h "$REV" -- src/sample.rs 2>/dev/null || echo unknown)
else
    SAMPLE_REV=$(git -C "$REPO" log -1 --format=%h -- src/sample.rs 2>/dev/null || echo unknown)
    git -C "$REPO" diff --quiet HEAD -- src/sample.rs 2>/dev/null || SAMPLE_REV=$SAMPLE_REV-dirty
fi
sample_dataset() { # N -> prints the dataset dir
    local n=$1 dir=$DATA/sample-$1 stamp want
    want="shouwen sample --cases $n --seed 1 src/sample.rs@$SAMPLE_REV"
    stamp=$dir/.bench-stamp
    if [[ -f $stamp && $(cat "$stamp") == "$want" && -f $dir/cases.csv ]]; then
        note "reusing $dir"
    else
        note "generating $dir ($want)"
        rm -rf "$dir"
        "$BIN" sample --cases "$n" --seed 1 --out "$dir" >&2
        echo "$want" >"$stamp"
    fi
    echo "$dir"
}

DATASETS=()   # name:dir:size
for n in "${SIZES[@]}"; do
    d=$(gen_dataset "$n")
    DATASETS+=("gen-$n:$d:$n")
done
if ((DO_SAMPLE)); then
    d=$(sample_dataset 100000)
    DATASETS+=("sample-100000:$d:100000")
fi

# ---------------------------------------------------------------- one timed run
# run_timed TAG OUTDIR -- CMD... ; appends a row to $RAW, leaves stdout/stderr in $LOG
LAST_STATUS=""
run_timed() {
    local tag=$1 out=$2; shift 3
    local tv=$LOG/$tag.time so=$LOG/$tag.stdout se=$LOG/$tag.stderr flag=$LOG/$tag.killed
    rm -rf "$out" "$flag" "$LOG/$tag.rss"
    local load1 t0 t1 tp wp rc
    load1=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$tv" -- "$@" >"$so" 2>"$se" &
    tp=$!
    # Watchdog: kill the measured process (by pid) if its RSS passes the limit.
    (
        trap 'exit 0' TERM
        SECONDS=0   # the trace in $LOG/<run>.rss: seconds since start, RSS in KiB
        c=""
        while kill -0 "$tp" 2>/dev/null; do
            sleep 0.5
            [[ -n $c ]] || c=$(pgrep -P "$tp" | head -1 || true)
            [[ -n $c && -r /proc/$c/status ]] || continue
            while read -r k v _; do
                [[ $k == VmRSS: ]] && echo "$SECONDS $v" >>"$LOG/$tag.rss"
                if [[ $k == VmRSS: ]] && ((v > MAX_RSS_KIB)); then
                    echo "RSS $v KiB > $MAX_RSS_KIB KiB" >"$flag"
                    kill -9 "$c" 2>/dev/null || true
                fi
            done <"/proc/$c/status" 2>/dev/null || true
        done
    ) &
    wp=$!
    rc=0
    wait "$tp" || rc=$?
    t1=$(date +%s%N)
    kill "$wp" 2>/dev/null || true
    wait "$wp" 2>/dev/null || true
    local wall user sys rss status phases
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    user=$(awk -F': ' '/User time/ {print $2}' "$tv")
    sys=$(awk -F': ' '/System time/ {print $2}' "$tv")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
    if [[ -f $flag ]]; then status="killed($(cat "$flag"))"
    elif ((rc != 0)); then status="exit$rc"
    else status=ok; fi
    phases=$(sed -n 's/^timings: //p' "$se" | tr -d ' ' || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$CUR_DS" "$CUR_REP" "$CUR_TOOL" \
        "$wall" "${user:-}" "${sys:-}" "${rss:-}" "$status" "$load1" "${phases:--}" >>"$RAW"
    note "$CUR_DS rep $CUR_REP $CUR_TOOL: ${wall}s, $(( ${rss:-0} / 1024 )) MiB, $status ${phases:+[$phases]}"
    LAST_STATUS=$status
    if [[ $status != ok ]]; then
        echo "---- $tag stderr (tail)" >&2; tail -n 5 "$se" >&2 || true
    fi
}

# ---------------------------------------------------------------- result checks
# shouwen_counts OUTDIR -> per-rule violation counts and manifest totals, one "key value" a line
shouwen_counts() {
    python3 - "$1" <<'PY'
import csv, json, sys
from collections import Counter
out = sys.argv[1]
m = json.load(open(f"{out}/manifest.json", encoding="utf-8"))
for k in ("cases_audited", "rows_rejected", "violations", "waived", "pending"):
    v = m.get(k)
    print(k, len(v) if isinstance(v, list) else v)
n, w = Counter(), Counter()
with open(f"{out}/violations.csv", encoding="utf-8-sig", newline="") as f:
    for row in csv.DictReader(f):
        n[row["rule_id"]] += 1
        w[row["rule_id"]] += row.get("waived") == "true"
for r in sorted(n):
    print(f"rule {r} {n[r]} waived {w[r]}")
print("violations.csv rows", sum(n.values()))
PY
}
peer_counts() { grep '^cases ' "$1" || echo "no counts printed"; }

FAILED_CHECK=0
check_counts() { # dataset-name counts-file run-label
    local name=$1 got=$2 label=$3
    local exp=$SCRIPT_DIR/expected-counts-$name.txt
    local first=$LOG/$name.counts.first
    if [[ ! -f $first ]]; then cp "$got" "$first"; fi
    if ! diff -u "$first" "$got" >"$LOG/$name.diff"; then
        echo "!!!!!!!! VIOLATION COUNTS CHANGED between runs of $name ($label)" >&2
        cat "$LOG/$name.diff" >&2
        exit 3
    fi
    if [[ ! -f $exp ]]; then
        {
            echo "# shouwen violation counts on $name ($(cat "$DATA/$name/.bench-stamp"))"
            echo "# rules/default.toml sha256=$(sha256sum "$RULES" | cut -c1-16); first written by bench/run.sh at $REV"
            echo "# Delete this file only when a change of results is intended."
            cat "$got"
        } >"$exp"
        note "wrote $exp from the first run: commit it"
    elif ! diff -u <(grep -v '^#' "$exp") "$got" >"$LOG/$name.expdiff"; then
        echo "!!!!!!!! VIOLATION COUNTS DIFFER from $exp ($label)" >&2
        grep "^#" "$exp" >&2 || true
        cat "$LOG/$name.expdiff" >&2
        exit 3
    fi
}

# ---------------------------------------------------------------- the runs
TOOLS=(full csv duckdb polars)
declare -A SUM_LOAD_START SUM_LOAD_END SHA_FIRST
for ds in "${DATASETS[@]}"; do
    IFS=: read -r name dir size <<<"$ds"
    tools=("${TOOLS[@]}")
    reps=$REPS warm=$WARMUP
    if ((size >= LARGE)); then
        read -r -a tools <<<"$LARGE_TOOLS"
        reps=$REPS_LARGE warm=0
    fi
    note "dataset $name: $reps timed rep(s) after $warm warm-up round(s); tools ${tools[*]}"
    SUM_LOAD_START[$name]=$(loadavg)
    cat "$dir"/*.csv >/dev/null
    for ((rep = 1 - warm; rep <= reps; rep++)); do
        for tool in "${tools[@]}"; do
            CUR_DS=$name CUR_REP=$rep CUR_TOOL=$tool
            [[ $rep -le 0 ]] && CUR_REP="w$((rep + warm))"
            out=$DATA/out/$name/$tool
            tag=$name.$CUR_REP.$tool
            case $tool in
                full) run_timed "$tag" "$out" -- "$BIN" audit "$dir" --out "$out" --rules "$RULES" --timings ;;
                csv) run_timed "$tag" "$out" -- "$BIN" audit "$dir" --out "$out" --rules "$RULES" --timings --format csv ;;
                duckdb|polars) run_timed "$tag" "$out" -- python3 "$PEERS/audit_$tool.py" "$dir" "$out" ;;
            esac
            [[ $LAST_STATUS == ok ]] || continue
            case $tool in
                full|csv)
                    shouwen_counts "$out" >"$LOG/$tag.counts"
                    check_counts "$name" "$LOG/$tag.counts" "$tag"
                    sha=$(cat "$out/violations.csv" "$out/scorecards.csv" | sha256sum | cut -c1-16)
                    if [[ -z ${SHA_FIRST[$name]:-} ]]; then SHA_FIRST[$name]=$sha
                    elif [[ ${SHA_FIRST[$name]} != "$sha" ]]; then
                        echo "!!!!!!!! violations.csv/scorecards.csv differ between runs of $name ($tag)" >&2
                        exit 3
                    fi ;;
                *)
                    peer_counts "$LOG/$tag.stdout" >"$LOG/$tag.counts"
                    first=$LOG/$name.$tool.counts.first
                    [[ -f $first ]] || cp "$LOG/$tag.counts" "$first"
                    cmp -s "$first" "$LOG/$tag.counts" || { echo "!!!!!!!! $tool counts changed on $name" >&2; exit 3; } ;;
            esac
        done
    done
    SUM_LOAD_END[$name]=$(loadavg)
    if ((size >= LARGE)); then rm -rf "$DATA/out/$name"; fi   # reports of a 10M run take gigabytes
done

# ---------------------------------------------------------------- report
declare -p RUN_ID REV BIN_SHA RULES ARGS REPS WARMUP REPS_LARGE LARGE_TOOLS DATA RAW DATASETS \
    SUM_LOAD_START SUM_LOAD_END | sed 's/^declare -- /declare -g /; s/^declare -\([aA]\) /declare -g\1 /' >"$LOG/meta.sh"
print_report | tee "$REPORT_OUT"
note "report written to $REPORT_OUT; raw runs in $RAW"
