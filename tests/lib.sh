# tests/lib.sh - shared helpers for the QEMU and system tests (sourced).
#
# Every QEMU run is wrapped in `timeout` and killed by its own PID on exit,
# never by name.  Results are "PASS name" / "FAIL name: why" lines.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "${BUILD:-build}" in /*) BUILD_DIR=${BUILD};; *) BUILD_DIR=$TOP/${BUILD:-build};; esac
ELF=${ELF:-$BUILD_DIR/quartz-unikernel.elf}
QEMU=${QEMU:-qemu-system-x86_64}
TMPDIR_T=$(mktemp -d /tmp/quartz-test.XXXXXX)
QEMU_PIDS=()

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: ${2:-}"; }
# check NAME CONDITION-COMMAND... : pass or fail by a command's status
check() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n" "$*"; fi; }

cleanup_() {
	local p
	for p in "${QEMU_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${QEMU_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$TMPDIR_T"
}
trap cleanup_ EXIT

# free_port: a TCP port on 127.0.0.1 nobody listens on right now
free_port() {
	python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

# qemu_start SERIAL_LOG SECONDS [extra qemu args...]
# Starts QEMU in the background under `timeout`; sets QEMU_PID.
# Defaults: -M microvm, 64M, no network unless the caller adds one.
qemu_start() {
	local log=$1 secs=$2; shift 2
	local machine=${MACHINE:-microvm}
	timeout --signal=KILL "$secs" "$QEMU" -M "$machine" -m "${MEM:-64M}" -nodefaults -no-user-config \
		-display none -no-reboot -serial "file:$log" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$ELF" "$@" >/dev/null 2>"$log.stderr" &
	QEMU_PID=$!
	QEMU_PIDS+=("$QEMU_PID")
}

# qemu_wait: wait for the current QEMU to exit; its status lands in QEMU_RC
# (call it directly, not in $(...): a subshell cannot wait for our child)
qemu_wait() { wait "$QEMU_PID"; QEMU_RC=$?; }
qemu_stop() { kill "$QEMU_PID" 2>/dev/null; wait "$QEMU_PID" 2>/dev/null; }

# wait_serial LOG REGEX SECONDS: 0 once a line matches, 1 on timeout
wait_serial() {
	local log=$1 re=$2 secs=$3 i=0
	while [ $i -lt $((secs * 10)) ]; do
		grep -qE "$re" "$log" 2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# user_net PORT: args for user networking with host PORT -> guest 80
user_net() {
	echo "-netdev user,id=n0,hostfwd=tcp:127.0.0.1:$1-:80 -device virtio-net-device,netdev=n0"
}

# wait_http URL SECONDS: wait for an HTTP response (not just a connect:
# QEMU's user networking accepts before the guest listens)
wait_http() {
	local url=$1 secs=$2 i=0
	while [ $i -lt "$secs" ]; do
		curl -s -o /dev/null -m 2 "$url" && return 0
		sleep 1; i=$((i + 1))
	done
	return 1
}
