#!/usr/bin/env bash
# tests/run.sh - run every test and print one summary line.
#
# Each test prints "PASS name" or "FAIL name: why" lines; this script runs
#   1. every host unit test binary in build/host/tests/ (built by make),
#   2. every QEMU/system test script tests/qemu/[0-9]*.sh, in order,
# and ends with "N passed, M failed".  Exit status is non-zero on any
# failure, or if a test program died without reporting.
#
# TESTS=pattern limits which tests run (a substring of the file name).
set -u
cd "$(dirname "$0")/.."
B=${BUILD:-build}
log=$B/test-results.txt
mkdir -p "$B"
: > "$log"
crashed=0

run_one() {   # name, command...
	local name=$1; shift
	echo "== $name"
	local out rc
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL) ' >> "$log"
	if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL '; then
		echo "FAIL $name: exited with status $rc without reporting a failure"
		echo "FAIL $name: exit $rc" >> "$log"
		crashed=1
	fi
}

for t in "$B"/host/tests/test_*; do
	[ -x "$t" ] || continue
	case "$(basename "$t")" in *"${TESTS:-}"*) ;; *) continue;; esac
	run_one "host/$(basename "$t")" "$t"
done
for t in tests/qemu/[0-9]*.sh; do
	[ -f "$t" ] || continue
	case "$(basename "$t")" in *"${TESTS:-}"*) ;; *) continue;; esac
	run_one "qemu/$(basename "$t")" bash "$t"
done

passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
if [ "$failed" -gt 0 ]; then
	echo
	echo "Failures:"
	grep '^FAIL ' "$log"
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && [ $crashed -eq 0 ]
