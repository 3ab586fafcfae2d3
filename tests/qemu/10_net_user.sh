#!/usr/bin/env bash
# tests/qemu/10_net_user.sh - the NIC comes up and talks, on QEMU user
# networking, in every transport/platform combination we support:
# legacy (Version 1) and modern (Version 2) virtio-mmio, each with ACPI on
# (second IOAPIC, GSI 24+n) and off (GSI 5+n).
#
# Each boot must log the driver line, the IP configuration, the gateway's
# ARP reply and the reply to the boot ping, and the driver's counters must
# show frames both ways.  A last boot checks ip=/gw= from the command line.
. "$(dirname "$0")/../lib.sh"

NIC="-netdev user,id=n0 -device virtio-net-device,netdev=n0"
MODERN="-global virtio-mmio.force-legacy=false"

# boot_case NAME MACHINE VERSION GSI_MIN GSI_MAX APPEND [qemu args...]
boot_case() {
	local name=$1 machine=$2 ver=$3 gmin=$4 gmax=$5 append=$6; shift 6
	local log=$TMPDIR_T/$name.log
	MACHINE=$machine qemu_start "$log" 40 $NIC "$@" -append "$append"
	if ! wait_serial "$log" '^ping: reply from 10\.0\.2\.2' 25; then
		fail "$name" "no boot ping reply within 25 s; serial tail: $(tail -n 8 "$log" | tr '\n' '|')"
		qemu_stop
		return
	fi
	local drv
	drv=$(grep -m1 '^virtio-net: mmio' "$log" | tr -d '\r')
	if [[ $drv =~ ^virtio-net:\ mmio\ 0x[0-9a-f]+\ v$ver\ irq\ ([0-9]+)\ mac\ 52:54:00:12:34:56\ rxq\ ([0-9]+)\ txq\ ([0-9]+)$ ]]; then
		local irq=${BASH_REMATCH[1]}
		if [ "$irq" -ge "$gmin" ] && [ "$irq" -le "$gmax" ] && \
		   [ "${BASH_REMATCH[2]}" = 256 ] && [ "${BASH_REMATCH[3]}" = 512 ]; then
			pass "$name:driver_line"
		else
			fail "$name:driver_line" "irq $irq not in $gmin..$gmax or queues not rx 256 / tx 512: $drv"
		fi
	else
		fail "$name:driver_line" "got '$drv'"
	fi
	check "$name:arp_gateway" grep -q '^arp: 10\.0\.2\.2 is-at 52:55:0a:00:02:02' "$log"
	# stats_every=1: wait for a dump that shows traffic both ways.
	if wait_serial "$log" 'net: stats virtio_net .*rx_frames=[1-9].*tx_frames=[1-9]' 5; then
		pass "$name:counters"
	else
		fail "$name:counters" "no virtio_net stats line with rx and tx frames"
	fi
	if grep -qiE 'panic|bad_used=[1-9]' "$log"; then
		fail "$name:no_errors" "$(grep -iE -m2 'panic|bad_used=[1-9]' "$log")"
	else
		pass "$name:no_errors"
	fi
	qemu_stop
	LAST_LOG=$log
}

boot_case legacy_acpi     microvm          1 24 47 "stats_every=1"
boot_case legacy_noacpi   microvm,acpi=off 1 5 28  "stats_every=1"
boot_case modern_acpi     microvm          2 24 47 "stats_every=1" $MODERN
boot_case modern_noacpi   microvm,acpi=off 2 5 28  "stats_every=1" $MODERN

# Command-line configuration reaches the stack (SLIRP answers any guest
# address in 10.0.2.0/24).
boot_case cmdline_ip microvm,acpi=off 1 5 28 "ip=10.0.2.77/24 gw=10.0.2.2 stats_every=1"
check cmdline_ip:logged grep -q '^net: ip 10\.0\.2\.77/24 gw 10\.0\.2\.2' "$LAST_LOG"

# netfault= reaches the fault injector: with every frame dropped the
# gateway never answers, and the injector's counters say why.
log=$TMPDIR_T/netfault.log
MACHINE=microvm,acpi=off qemu_start "$log" 30 $NIC -append "netfault=drop:100,corrupt:0 stats_every=1"
if wait_serial "$log" 'net: stats fault .*tx_drop=[1-9]' 10; then
	pass netfault:drops_counted
else
	fail netfault:drops_counted "no fault tx_drop in: $(grep 'stats fault' "$log" | tail -n 1)"
fi
check netfault:logged grep -q '^net: fault injection drop 100% corrupt 0%' "$log"
check netfault:no_reply bash -c "! grep -q '^ping: reply' '$log'"
qemu_stop

# netexit= ends a test run with a final stats dump and a clean exit
# (isa-debug-exit status (0 << 1) | 1 = 1).
log=$TMPDIR_T/netexit.log
MACHINE=microvm,acpi=off qemu_start "$log" 30 $NIC -append "netexit=2"
wait "$QEMU_PID"; st=$?     # not $(qemu_wait): a subshell cannot wait for it
if [ "$st" = 1 ] && grep -q '^net: exit after' "$log" && grep -q 'net: stats virtio_net' "$log"; then
	pass netexit:clean_exit_with_stats
else
	fail netexit:clean_exit_with_stats "exit status $st; $(tail -n 3 "$log" | tr '\n' '|')"
fi
