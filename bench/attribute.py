#!/usr/bin/env python3
"""Attribute perf samples to shouwen's own functions (used by bench/profile.sh).

usage: perf script -F tid,ip,sym --no-inline -i perf.data | python3 bench/attribute.py

Every sample is charged to the innermost frame that is shouwen's own code (a `shouwen::`
function, closures and drop glue of shouwen types included), so time spent in malloc/free,
memcpy, memcmp, hashing, polars or the kernel on shouwen's behalf lands on the shouwen
function that asked for it. Prints that table, and for the costliest library leaves
(allocator, memmove, memcmp, hashing, page faults) which shouwen functions drive them.
"""
import re
import sys
from collections import Counter, defaultdict

LIB = [
    ("allocator (malloc/free)", re.compile(r"malloc|free|_int_|unlink_chunk|realloc|consolidate|tcache|__rdl_|__rust_(alloc|dealloc|realloc)")),
    ("memmove/memcpy", re.compile(r"memmove|memcpy")),
    ("memcmp", re.compile(r"memcmp|bcmp")),
    ("hashing (SipHash)", re.compile(r"sip::Hasher|hash_one|BuildHasher")),
    ("kernel (page faults, zeroing, I/O)", re.compile(r"^k:")),
]


def own_name(sym):
    """The shouwen function a frame belongs to, or None when it is not shouwen's code.

    Inlined frames (perf script --inline) carry DWARF names such as
    `{closure#0}<&u32, shouwen::rules::escalation::{impl#0}::evaluate::{closure_env#1}, …>`:
    a closure of shouwen's `evaluate`. A library function that only has a shouwen type as a
    parameter (`reserve<shouwen::…::EscViolation>`) is not shouwen's code.
    """
    s = re.sub(r"::\{\{closure\}\}| \(inlined\)$", "", sym)
    m = re.search(r"drop_in_place<(shouwen::[\w:]+)", s)
    if m:
        return f"drop {m[1]}"
    if s.startswith(("shouwen::", "<shouwen::")):
        return re.sub(r"::\{closure(_env)?#\d+\}.*", "", s)
    m = re.search(r"(shouwen::[\w:{}#]*?)::\{closure(?:_env)?#\d+\}", s)
    if m:
        return re.sub(r"::\{impl#\d+\}", "", m[1]) + " (its closures)"
    return None


samples = []
cur = []
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        if cur:
            samples.append(cur)
        cur = []
        continue
    if not line.startswith("\t") and not line.startswith(" "):
        continue  # the tid header
    parts = line.strip().split(None, 1)
    if len(parts) < 2:
        continue
    ip, sym = parts
    if ip.startswith("ffffffff"):
        sym = "k:" + sym
    cur.append(sym)
if cur:
    samples.append(cur)

n = len(samples)
own = Counter()
lib_by_own = defaultdict(Counter)
leaf_lib = Counter()
for frames in samples:
    leaf = frames[0]
    who = next((w for w in (own_name(f) for f in frames if "drop_in_place<alloc" not in f) if w), "(outside shouwen)")
    own[who] += 1
    for label, pat in LIB:
        if pat.search(leaf):
            leaf_lib[label] += 1
            lib_by_own[label][who] += 1
            break

print(f"{n} samples")
print()
print("| shouwen function (innermost own frame) | % of samples |")
print("|---|---|")
for who, c in own.most_common(30):
    print(f"| `{who}` | {100 * c / n:.1f} |")
print()
print("| library leaf | % of samples | driven mostly by (share of that leaf) |")
print("|---|---|---|")
for label, c in leaf_lib.most_common():
    top = ", ".join(f"`{w}` {100 * k / c:.0f}%" for w, k in lib_by_own[label].most_common(4))
    print(f"| {label} | {100 * c / n:.1f} | {top} |")
