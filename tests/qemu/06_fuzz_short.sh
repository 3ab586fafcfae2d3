#!/usr/bin/env bash
# tests/qemu/06_fuzz_short.sh - a short run of every libFuzzer target
# (tests/fuzz/fuzz_*.c, built by `make fuzz-build` with clang's
# -fsanitize=fuzzer,address,undefined): each runs FUZZ_SHORT_SECONDS
# (default 10) from its seed corpus; a crash, leak, sanitizer report or
# broken invariant (the targets abort()) is a FAIL with the log's tail.
# The long run is `make fuzz FUZZ_SECONDS=N`.
. "$(dirname "$0")/../lib.sh"
secs=${FUZZ_SHORT_SECONDS:-10}
B=${BUILD:-build}
case "$B" in /*) ;; *) B=$TOP/$B;; esac

if ! command -v clang >/dev/null; then
	fail fuzz:clang "clang not installed (tools/deps.sh test installs it)"
	exit 0
fi
if ! out=$(make -C "$TOP" BUILD="$B" fuzz-build 2>&1); then
	fail fuzz:build "$(tail -n 5 <<<"$out" | tr '\n' '|')"
	exit 0
fi
for f in "$B"/fuzz/fuzz_*; do
	[ -x "$f" ] && [ -f "$TOP/tests/fuzz/$(basename "$f").c" ] || continue
	n=$(basename "$f")
	work=$TMPDIR_T/work_$n
	mkdir -p "$work"
	corpus=$TOP/tests/fuzz/corpus_${n#fuzz_}
	[ -d "$corpus" ] || corpus=
	if timeout --signal=KILL $((secs + 30)) "$f" -max_total_time="$secs" -max_len=8192 \
		-print_final_stats=1 "$work" $corpus > "$TMPDIR_T/$n.log" 2>&1; then
		runs=$(awk "/stat::number_of_executed_units/ {print \$NF}" "$TMPDIR_T/$n.log")
		pass "fuzz:$n (${runs:-?} runs in ${secs} s)"
	else
		fail "fuzz:$n" "$(grep -m3 -E 'ERROR|SUMMARY|deadly' "$TMPDIR_T/$n.log" | tr '\n' '|')"
	fi
done
