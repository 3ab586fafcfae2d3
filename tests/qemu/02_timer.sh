#!/usr/bin/env bash
# tests/qemu/02_timer.sh - time as the host sees it.
#
# test=sleep prints a line before and after each of three sleep_ms(500).
# A small Python reader timestamps every serial line as it arrives on
# QEMU's stdout (host monotonic clock), so each sleep is measured twice:
# by the guest (now_us) and by the host (line arrival).  Both must be
# within 15% of 500 ms, and agree with each other within 15%.
# The first sleep spans the switch from the boot calibration (5 x 0.5 ms)
# to the background one (5 x 125+ ms): the refined windows must agree
# within 0.1% and the boot estimate be within 0.5% of the refined one.
. "$(dirname "$0")/../lib.sh"
[ -f "$ELF" ] || { fail "$(basename "$0" .sh)" "ELF missing: $ELF"; exit 1; }

out=$TMPDIR_T/sleep.times
timeout --signal=KILL 30 python3 - "$QEMU" "$ELF" > "$out" <<'PY'
import subprocess, sys, time
qemu, elf = sys.argv[1], sys.argv[2]
p = subprocess.Popen([qemu, "-M", "microvm", "-m", "64M", "-nodefaults", "-no-user-config",
                      "-display", "none", "-no-reboot", "-serial", "stdio",
                      "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                      "-kernel", elf, "-append", "test=sleep"],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
before = None
for raw in iter(p.stdout.readline, b""):
    t = time.monotonic()
    line = raw.decode(errors="replace").strip()
    if line.startswith("sleep: before"):
        before = t
    elif line.startswith("sleep: after") and before is not None:
        guest_us = int(line.split("slept ")[1].split(" ")[0])
        print("%d %d" % (round((t - before) * 1e6), guest_us))
    elif line.startswith(("sleep: ", "timer: ")):
        print("# " + line)
print("status %d" % p.wait())
PY
cat "$out" | sed 's/^/  /'
n=0
while read -r host guest; do
	case $host in \#*|status) continue;; esac
	n=$((n + 1))
	check "sleep500_host_$n" test "$host" -ge 425000 -a "$host" -le 575000
	check "sleep500_guest_$n" test "$guest" -ge 500000 -a "$guest" -le 575000
	check "sleep500_agree_$n" test $((host * 100)) -ge $((guest * 85)) -a $((host * 100)) -le $((guest * 115))
done < "$out"
check sleep_three_measured test "$n" = 3
# "timer: refined over 5 windows of >= 125 ms: tsc N kHz (LO..HI), P ppm from boot's"
ref=$(sed -nE 's/^# timer: refined over [0-9]+ windows of >= [0-9]+ ms: tsc ([0-9]+) kHz \(([0-9]+)\.\.([0-9]+)\), (-?[0-9]+) ppm from boot.s$/\1 \2 \3 \4/p' "$out")
if [ -n "$ref" ]; then
	read -r khz lo hi ppm <<< "$ref"
	check refined_windows_agree test $(((hi - lo) * 1000)) -le "$khz"
	check boot_estimate_close test "${ppm#-}" -le 5000
else
	fail refined_windows_agree "no 'timer: refined' line"
fi
check sleep_status_ok grep -qx 'status 1' "$out"
