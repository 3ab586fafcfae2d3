#!/usr/bin/env bash
# tests/qemu/01_boot.sh - the kernel boots on every machine shape we
# support and prints the serial-log contract lines:
#   quartz: booting (pvh, cmdline "...")
#   mem: N KiB usable, N pages free
#   timer: lapic N kHz, tick N Hz
#   sched: running N tasks
# Shapes: microvm with ACPI (two IOAPICs) and acpi=off (one), -m 16M,
# 64M, 3G (all below 4 GiB) and 6G (RAM above 4 GiB too).  Each boot runs
# test=event (a short in-kernel test) so it ends on its own with status 1.
. "$(dirname "$0")/../lib.sh"
[ -f "$ELF" ] || { fail "$(basename "$0" .sh)" "ELF missing: $ELF"; exit 1; }

# boot_case NAME MACHINE MEM KIB_MIN KIB_MAX IOAPICS
boot_case() {
	local name=$1 machine=$2 mem=$3 kmin=$4 kmax=$5 nio=$6
	local log=$TMPDIR_T/$name.log
	MACHINE=$machine MEM=$mem qemu_start "$log" 30 -append "test=event marker=$name"
	local st
	wait "$QEMU_PID"; st=$?     # not $(qemu_wait): a subshell cannot wait for it
	tr -d '\r' < "$log" > "$log.txt"
	log=$log.txt
	if [ "$st" != 1 ]; then
		fail "$name" "exit status $st (want 1); tail: $(tail -n 5 "$log" | tr '\n' '|')"
		return
	fi
	check "$name:booting_line" grep -qx "quartz: booting (pvh, cmdline \"test=event marker=$name\")" "$log"
	local kib
	kib=$(sed -nE 's/^mem: ([0-9]+) KiB usable, [0-9]+ pages free$/\1/p' "$log")
	if [ -n "$kib" ] && [ "$kib" -ge "$kmin" ] && [ "$kib" -le "$kmax" ]; then
		pass "$name:mem_line"
	else
		fail "$name:mem_line" "usable '$kib' KiB not in $kmin..$kmax"
	fi
	check "$name:timer_line" grep -qE '^timer: lapic [0-9]+ kHz, tick ' "$log"
	check "$name:sched_line" grep -qE '^sched: running [0-9]+ tasks$' "$log"
	check "$name:ioapics" grep -qE "^apic: lapic id 0, $nio ioapic\\(s\\)" "$log"
	check "$name:unknown_key_logged" grep -qx 'cmdline: unknown key "marker" (ignored)' "$log"
	check "$name:test_ran" grep -qx 'event: ok.*' "$log"
	# Order: booting, mem, timer, sched.
	local order
	order=$(grep -nE '^(quartz: booting|mem: [0-9]+ KiB|timer: lapic|sched: running)' "$log" | cut -d: -f2 | tr '\n' ' ')
	check "$name:order" test "$order" = "quartz mem timer sched "
}

boot_case acpi_64M    microvm          64M 60000 65536 2
boot_case noacpi_64M  microvm,acpi=off 64M 60000 65536 1
boot_case acpi_16M    microvm          16M 8000 16384 2
boot_case noacpi_16M  microvm,acpi=off 16M 8000 16384 1
boot_case acpi_3G     microvm          3G  3000000 3145728 2
boot_case acpi_6G     microvm          6G  6000000 6291456 2

# A normal boot (no test=, no NIC) reaches the scheduler and stays up.
log=$TMPDIR_T/plain.log
qemu_start "$log" 20
if wait_serial "$log" '^sched: running' 10; then
	sleep 0.5
	if kill -0 "$QEMU_PID" 2>/dev/null; then pass plain_boot_stays_up; else fail plain_boot_stays_up "QEMU exited"; fi
else
	fail plain_boot_stays_up "no sched line; tail: $(tail -n 5 "$log" | tr '\n' '|')"
fi
check plain_no_panic bash -c "! grep -q '^panic' '$log'"
qemu_stop
