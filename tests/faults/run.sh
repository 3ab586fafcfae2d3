#!/usr/bin/env bash
# tests/faults/run.sh - the fault, abuse and soak suite: "nothing lost,
# nothing wedged".  Needs root (network namespaces, tap, nftables, raw
# sockets).  `make test-faults` runs it; QUICK=1 (used by `make test`)
# shrinks every count so the whole suite takes a few minutes.
#
# Cases (tests/faults/cases/NN_*.sh, run in order, each boots its own guest):
#   10 loss        nftables random drop each way, byte-exact downloads
#   20 relay       reorder/duplicate/corrupt frames in tools/relay/relay.py
#   30 netfault    the guest's own netfault= injector over user networking
#   40 slow        paced slow readers beside normal clients; idle timeout
#   50 flood       2 000 idle connections and a SYN flood; service goes on
#   60 malformed   100 000 bad frames, 10 000 bad HTTP requests
#   70 soak        200 000 requests, keep-alive and not; nothing leaks
#   80 loss_heavy  4 MiB through 25% loss, last, with the budget left (full only)
#
# Every case prints "PASS name" / "FAIL name: why" plus indented lines with
# what was sent and what the counters showed; the run ends with
# "N passed, M failed".  Environment: BUILD (build dir, default build),
# QUICK=1, CASES=substring (run only matching cases), STANDIN=1 (Linux
# stand-in guest, for working on the suite itself), FAULTS_ELF=path (an ELF
# already built with ASSETS=<its asset dir>), LIMIT (seconds for the whole run, default 840 / 300
# quick).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
BUILD=${BUILD:-build}
QUICK=${QUICK:-}
[ "$QUICK" = 0 ] && QUICK=
source "$TOP/tests/faults/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	fail faults-setup "needs root (network namespaces, tap, nftables)"
	echo; echo "$PASSED passed, $FAILED failed"; exit 1
fi
LIMIT=${LIMIT:-$([ -n "$QUICK" ] && echo 300 || echo 840)}
START=$SECONDS
# time_left SECS: 0 if at least SECS remain in the run's budget
time_left() { [ $((START + LIMIT - SECONDS)) -ge "$1" ]; }

# The suite's own site (sizes the cases name) baked into its own ELF, in a
# build dir beside $BUILD so the ordinary build is untouched.
FBUILD=${BUILD%/}-faults
ASSET_DIR=$TOP/$FBUILD/assets
"$PY" "$FX/stats.py" gen-assets "$ASSET_DIR" || { fail faults-setup "cannot write assets"; exit 1; }
if [ -z "${STANDIN:-}" ] && [ -n "${FAULTS_ELF:-}" ]; then
	ELF=$FAULTS_ELF     # a given ELF, built with ASSETS=$ASSET_DIR (working on the suite)
	[ -f "$ELF" ] || { fail faults-build "no $ELF"; exit 1; }
elif [ -z "${STANDIN:-}" ]; then
	if ! make -s -C "$TOP" BUILD="$FBUILD" ASSETS="$ASSET_DIR" >"$T/make.log" 2>&1; then
		fail faults-build "make BUILD=$FBUILD ASSETS=$ASSET_DIR failed: $(tail -3 "$T/make.log" | tr '\n' ' ')"
		echo; echo "$PASSED passed, $FAILED failed"; exit 1
	fi
	ELF=$TOP/$FBUILD/quartz-unikernel.elf
fi
ns_setup || { fail faults-setup "cannot create namespace $NS with tap qtap0"; exit 1; }
echo "faults: namespace $NS, guest $GUEST_IP via qtap0, ${QUICK:+quick, }budget ${LIMIT}s"

for c in "$FX"/cases/[0-9]*.sh; do
	case "$(basename "$c")" in *"${CASES:-}"*) ;; *) continue;; esac
	echo "== faults/$(basename "$c" .sh)  (t=$((SECONDS - START))s)"
	# shellcheck disable=SC1090
	source "$c"
	guest_stop 2>/dev/null
	loss_set 0
done

echo
echo "faults: done in $((SECONDS - START))s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
