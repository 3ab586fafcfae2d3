#!/usr/bin/env bash
# tests/qemu/70_faults_quick.sh - the fault, abuse and soak suite
# (tests/faults/run.sh) in quick mode, as part of `make test`: the same
# cases with smaller counts and one loss level, a few minutes in all.
# Its PASS/FAIL lines are forwarded as they are; its measurements stay as
# indented lines.  `make test-faults` runs the full suite.
set -u
cd "$(dirname "$0")/../.." || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "FAIL faults-quick: needs root (network namespaces, tap, nftables)"
	exit 0
fi
QUICK=1 BUILD=${BUILD:-build} bash tests/faults/run.sh 2>&1 |
	grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
# run.sh's own exit status only says whether a FAIL line was printed,
# which tests/run.sh counts itself.
exit 0
