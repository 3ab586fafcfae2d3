# tests/netns.sh - network namespaces for QEMU tests (sourced after lib.sh).
#
# The same approach as tests/qemu/11_net_tap.sh, as helpers: a namespace
# the test makes (and deletes on exit), optionally a tap in it for QEMU,
# and a QEMU that runs inside it so its traffic never leaves.
#
#   netns_make NS           create NS with lo up; remembered for teardown
#   netns_tap NS TAP CIDR   add a tap TAP with address CIDR, up
#   netns_qemu NS           print the path of a wrapper that execs QEMU in NS
#                           (use as QEMU=$(netns_qemu NS) qemu_start ...)
#   netns_loss NS IF PCT    drop PCT% of packets each way on IF, at random
#                           (nftables numgen in the input and output hooks;
#                           there is no netem in this kernel); 0 removes it
#   netns_loss_counts NS    "in=N out=M": packets the loss rules dropped
#   nsx NS CMD...           run CMD in NS
#
# `ip netns exec` execs its command, so the PID qemu_start records (that of
# `timeout`) still leads straight to QEMU, and cleanup_ kills it by PID.
# Teardown order matters: QEMU first (it holds the tap), then namespaces.

NETNS_MADE=()

netns_teardown_() {
	local ns
	cleanup_
	for ns in "${NETNS_MADE[@]}"; do ip netns del "$ns" 2>/dev/null; done
	true
}
trap netns_teardown_ EXIT

# netns_ok: root and iproute2 are there (tests skip with a FAIL otherwise)
netns_ok() { [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null; }

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

netns_make() {
	ip netns add "$1" || return 1
	NETNS_MADE+=("$1")
	nsx "$1" ip link set lo up
}

netns_tap() {
	nsx "$1" ip tuntap add dev "$2" mode tap &&
	nsx "$1" ip addr add "$3" dev "$2" &&
	nsx "$1" ip link set "$2" up
}

netns_qemu() {
	local w=$TMPDIR_T/qemu-in-$1
	cat > "$w" <<EOF
#!/bin/sh
exec ip netns exec $1 ${QEMU:-qemu-system-x86_64} "\$@"
EOF
	chmod +x "$w"
	echo "$w"
}

netns_loss() {
	local ns=$1 ifc=$2 pct=$3
	nsx "$ns" nft delete table inet qloss 2>/dev/null
	[ "$pct" -eq 0 ] && return 0
	nsx "$ns" nft -f - <<EOF
table inet qloss {
	chain in { type filter hook input priority 0; policy accept;
		iifname "$ifc" numgen random mod 100 < $pct counter drop; }
	chain out { type filter hook output priority 0; policy accept;
		oifname "$ifc" numgen random mod 100 < $pct counter drop; }
}
EOF
}

netns_loss_counts() {
	nsx "$1" nft list table inet qloss 2>/dev/null |
		awk '/counter/ { for (i = 1; i <= NF; i++) if ($i == "packets") v[++n] = $(i + 1) }
		     END { printf "in=%s out=%s", v[1] + 0, v[2] + 0 }'
}
