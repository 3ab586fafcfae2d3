#!/usr/bin/env bash
# 65_bench_quick.sh - `make bench QUICK=1` runs end to end: it builds the
# Linux baseline guest and the floor kernel, boots both guests once, runs
# short wrk/ab loads and prints the one table.  No timing is asserted (the
# figures belong in docs/BENCHMARKS.md, not in a pass/fail); what is checked
# is that every row is there and both guests produced numbers.
. "$(dirname "$0")/../lib.sh"
B=${BUILD:-build}
out=$TMPDIR_T/bench.out
if ! (cd "$TOP" && tools/deps.sh bench >/dev/null && timeout --signal=KILL 600 make -s bench BUILD="$B" QUICK=1) > "$out" 2>&1; then
	fail bench_quick_runs "make bench QUICK=1 failed: $(grep -v '^  ' "$out" | tail -3 | tr '\n' ' ')"
	exit 0
fi
pass bench_quick_runs
rows=(
	"first HTTP 200 after QEMU start" "image size, default site" "image size, no assets"
	"smallest -m that serves" "user net: 10 MiB file" "user net: keep-alive 16 conns: req/s"
	"user net: keep-alive 16 conns: p99" "user net: keep-alive 256 conns: req/s"
	"user net: keep-alive 256 conns: errors" "user net: no keep-alive (ab -c16): req/s"
	"tap: keep-alive 256 conns: req/s" "tap: keep-alive 256 conns: errors"
	"guest instructions per request"
)
missing=
for r in "${rows[@]}"; do grep -qF "| $r" "$out" || missing="$missing [$r]"; done
if grep -q '^| what .*| Quartz .*| Linux' "$out" && [ -z "$missing" ]; then pass bench_quick_table; else
	fail bench_quick_table "missing rows:$missing"; fi
# Both guests served: their first-200 and req/s cells are numbers.
num='[0-9][0-9.]*'
line=$(grep -F '| first HTTP 200' "$out")
if printf '%s\n' "$line" | grep -qE "^\| first HTTP 200[^|]*\| $num s +\| $num s "; then pass bench_quick_both_served; else
	fail bench_quick_both_served "$line"; fi
line=$(grep -F '| user net: keep-alive 16 conns: errors' "$out")
if printf '%s\n' "$line" | grep -qE "^\|[^|]*\| $num +\| $num +\|"; then pass bench_quick_error_counts; else
	fail bench_quick_error_counts "$line"; fi
check bench_quick_markdown test -s "$TOP/$B/bench/quick.md"
