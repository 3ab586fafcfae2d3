#!/usr/bin/env bash
# 61_deploy_execstart.sh - the units' own ExecStart lines boot Quartz and
# serve HTTP 200; a guest panic makes QEMU exit non-zero (so systemd
# restarts it); SIGTERM stops it promptly.
#
# The command is read out of the unit file by deploy/unit-cmdline (never
# retyped here), with the unit's variables set as /etc/default/... would set
# them, and /opt/quartz pointing at a staged install (install.sh --root).
. "$(dirname "$0")/../lib.sh"
D=$TOP/deploy
R=$TMPDIR_T/root
[ -f "$ELF" ] || { fail deploy_exec "no ELF at $ELF"; exit 0; }
"$D/install.sh" --root "$R" --elf "$ELF" >/dev/null || { fail deploy_exec "install.sh --root failed"; exit 0; }

# The page to ask for: / once the default site has an index.
url_path=/
[ -f "$TOP/assets/index.html" ] || url_path=/$(cd "$TOP/assets" && find . -type f | head -1 | cut -c3-)

# run_unit LOG SECS UNIT [unit-cmdline args...]: start the unit's command
# under timeout; sets RUN_PID (timeout forwards our SIGTERM to QEMU).
run_unit() {
	local log=$1 secs=$2 unit=$3; shift 3
	local argv=()
	mapfile -d '' argv < <("$D/unit-cmdline" "$D/$unit" --path "/opt/quartz=$R/opt/quartz" "$@")
	[ ${#argv[@]} -gt 0 ] || return 1
	echo "${argv[*]}" > "$log.cmd"
	timeout --signal=KILL "$secs" "${argv[@]}" > "$log" 2> "$log.stderr" < /dev/null &
	RUN_PID=$!
	QEMU_PIDS+=("$RUN_PID")
}

# 1. The single unit, on a free port (QUARTZ_PORT as /etc/default would set it).
port=$(free_port)
run_unit "$TMPDIR_T/single.log" 60 quartz-unikernel.service --set QUARTZ_PORT="$port"
code=000
for _ in $(seq 1 150); do
	code=$(curl -s -o "$TMPDIR_T/body" -m 2 -w '%{http_code}' "http://127.0.0.1:$port$url_path" || true)
	[ "$code" = 200 ] && break
	sleep 0.1
done
if [ "$code" = 200 ]; then pass deploy_exec_single_200; else
	fail deploy_exec_single_200 "got $code from $(cat "$TMPDIR_T/single.log.cmd"): $(tail -3 "$TMPDIR_T/single.log.stderr")"; fi
want=$TOP/assets$url_path; [ "$url_path" = / ] && want=$TOP/assets/index.html
check deploy_exec_single_body cmp -s "$TMPDIR_T/body" "$want"
# The serial console reaches stdout, i.e. the journal under systemd.
check deploy_exec_serial_on_stdout grep -q 'http' "$TMPDIR_T/single.log"
# quartz-run picked the accelerator this host has: QEMU (the child of our
# timeout) runs with -accel kvm exactly when /dev/kvm is usable.
qpid=$(pgrep -P "$RUN_PID" | head -1)
qargs=$(tr '\0' ' ' < "/proc/$qpid/cmdline" 2>/dev/null)
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then want_accel="-accel kvm"; else want_accel="-accel tcg"; fi
case "$qargs" in
*"$want_accel"*) pass deploy_exec_accel_choice;;
*) fail deploy_exec_accel_choice "want $want_accel in: $qargs";;
esac

# SIGTERM (what systemctl stop sends) ends QEMU within TimeoutStopSec (5 s).
t0=$(date +%s%N)
kill -TERM "$RUN_PID"
wait "$RUN_PID"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$ms" -lt 5000 ] && [ $rc -ne 137 ]; then pass deploy_exec_sigterm_stops; else
	fail deploy_exec_sigterm_stops "took $ms ms, status $rc"; fi

# 2. The template, instance 2, port base chosen so that base + 2 is free.
port=$(free_port)
run_unit "$TMPDIR_T/tmpl.log" 60 quartz-unikernel@.service --instance 2 --set QUARTZ_PORT_BASE=$((port - 2))
code=000
for _ in $(seq 1 150); do
	code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port$url_path" || true)
	[ "$code" = 200 ] && break
	sleep 0.1
done
if [ "$code" = 200 ]; then pass deploy_exec_template_200; else
	fail deploy_exec_template_200 "got $code on base+2=$port"; fi
kill -TERM "$RUN_PID"; wait "$RUN_PID"

# 3. A guest panic (the kernel's test=panic) must exit QEMU non-zero, or
# Restart= would have nothing to act on.  Status is (code << 1) | 1.
port=$(free_port)
run_unit "$TMPDIR_T/panic.log" 30 quartz-unikernel.service --set QUARTZ_PORT="$port" --set QUARTZ_APPEND=test=panic
wait "$RUN_PID"; rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 137 ] && [ $((rc & 1)) -eq 1 ] && grep -q panic "$TMPDIR_T/panic.log"; then
	pass deploy_exec_panic_exits_nonzero
else
	fail deploy_exec_panic_exits_nonzero "status $rc; serial: $(tail -2 "$TMPDIR_T/panic.log")"
fi
