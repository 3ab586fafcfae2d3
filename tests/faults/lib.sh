# tests/faults/lib.sh - plumbing for the fault suite (sourced by run.sh).
#
# Topology (one network namespace per run, made here, deleted on exit):
#
#   netns $NS:  qtap0 10.0.2.2/24  <── tap ──>  QEMU (guest 10.0.2.15)
#                                  or  qtap0 <── relay.py ── unix dgram ──> QEMU
#   outside:    QEMU user networking, hostfwd 127.0.0.1:PORT -> :80
#
# Clients run inside $NS (`nsx CMD`), so all test traffic stays on the tap
# of a namespace this script made.  QEMU is always under `timeout` and is
# killed by its PID (tests/lib.sh's QEMU_PIDS).
#
# STANDIN=1 replaces QEMU by a Linux stand-in (for developing the suite
# before the kernel serves): a second namespace $NSG with a tap gtap0 at
# 10.0.2.15, glued to the "QEMU side" socket by another relay, and a
# python HTTP server there.  Guest-counter checks cannot pass against it.

# shellcheck source=../lib.sh
source "$TOP/tests/lib.sh"

PY=/usr/bin/python3          # Debian's python: the one with scapy
T=$TMPDIR_T
FX=$TOP/tests/faults
RELAY=$TOP/tools/relay/relay.py
NS=qfault$$
NSG=qfaultg$$
GUEST_IP=10.0.2.15
HOST_IP=10.0.2.2
GAPPEND="ip=$GUEST_IP/24 gw=$HOST_IP"
BOOTS=0
BG_PIDS=()                  # relays, servers, clients started in background
PASSED=0
FAILED=0

pass() { echo "PASS $1"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $1: ${2:-}"; FAILED=$((FAILED + 1)); }
note() { echo "  $*"; }          # measurements, indented so runners ignore them
nsx() { ip netns exec "$NS" "$@"; }

fx_cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	cleanup_          # QEMUs (by PID) and the temp dir
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NSG" 2>/dev/null
	true
}
trap fx_cleanup EXIT
trap 'exit 130' INT TERM

# bg CMD...: start a helper in the background, remembered for cleanup.
# `nsx` is expanded here so that $! is the helper itself (a function in
# the background would be a subshell whose child survives a kill).
bg() {
	if [ "$1" = nsx ]; then shift; set -- ip netns exec "$NS" "$@"; fi
	"$@" & BG_PIDS+=("$!"); LAST_BG=$!
}
bg_stop() {    # PID: stop one background helper and reap it
	kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; true
}

# ---- the namespace ---------------------------------------------------------
ns_setup() {
	ip netns add "$NS" || return 1
	nsx ip link set lo up
	nsx ip tuntap add dev qtap0 mode tap || return 1
	nsx ip addr add "$HOST_IP/24" dev qtap0
	nsx ip link set qtap0 up
	# Many short client connections: widen ports, let TIME_WAIT overflow
	# rather than run out of ports (the guest, not the client, is tested).
	nsx sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	nsx sysctl -qw net.ipv4.tcp_max_tw_buckets=4096
	nsx sysctl -qw net.ipv4.tcp_tw_reuse=1
	nsx sysctl -qw net.ipv4.tcp_syncookies=0 2>/dev/null
	# the relay and QEMU speak unix datagrams: room for bursts (default 10)
	nsx sysctl -qw net.unix.max_dgram_qlen=512
	true
}

# loss_set PCT: drop PCT% of packets each way on qtap0 (0 removes the rule)
loss_set() {
	nsx nft delete table inet qloss 2>/dev/null
	[ "$1" -eq 0 ] && return 0
	nsx nft -f - <<EOF
table inet qloss {
	chain in { type filter hook input priority 0; policy accept;
		iifname "qtap0" numgen random mod 100 < $1 counter drop; }
	chain out { type filter hook output priority 0; policy accept;
		oifname "qtap0" numgen random mod 100 < $1 counter drop; }
}
EOF
}
# loss_counts: "in=N out=M" packets the loss rules dropped
loss_counts() {
	nsx nft list table inet qloss 2>/dev/null |
		awk '/counter/ { for (i = 1; i <= NF; i++) if ($i == "packets") v[++n] = $(i + 1) }
		     END { printf "in=%s out=%s", v[1] + 0, v[2] + 0 }'
}

# tap_counts: "rx=N tx=M tx_drop=K" of qtap0 (tx = toward the guest)
tap_counts() {
	local d=/sys/class/net/qtap0/statistics
	nsx sh -c "echo rx=\$(cat $d/rx_packets) tx=\$(cat $d/tx_packets) tx_drop=\$(cat $d/tx_dropped)"
}

# ---- the guest ---------------------------------------------------------------
# guest_boot MODE SECS [extra -append words]
#   MODE tap    QEMU on qtap0 inside $NS
#   MODE relay  QEMU on a unix dgram socket, tools/relay/relay.py bridges it
#               to qtap0 with RELAY_ARGS (faults) and writes $T/relay.json
#   MODE user   QEMU user networking outside the namespace (hostfwd)
# Sets GURL (base URL), CX (client command prefix: "nsx" or ""), and
# returns 0 once the guest answers HTTP.
guest_boot() {
	local mode=$1 secs=$2; shift 2
	local append="$GAPPEND $*" net
	GLOG=$T/guest-$mode-$((++BOOTS)).log
	case $mode in
	tap)
		net=(-netdev tap,id=n0,ifname=qtap0,script=no,downscript=no
		     -device virtio-net-device,netdev=n0)
		GURL=http://$GUEST_IP; CX=nsx ;;
	relay)
		rm -f "$T/relay.sock" "$T/qemu.sock" "$T/relay.json"
		bg nsx "$PY" "$RELAY" --tap qtap0 --sock "$T/relay.sock" --peer "$T/qemu.sock" \
			--stats "$T/relay.json" ${RELAY_ARGS:-}
		RELAY_PID=$LAST_BG
		net=(-netdev "dgram,id=n0,local.type=unix,local.path=$T/qemu.sock,remote.type=unix,remote.path=$T/relay.sock"
		     -device virtio-net-device,netdev=n0)
		GURL=http://$GUEST_IP; CX=nsx ;;
	user)
		[ -n "${STANDIN:-}" ] && { echo "stand-in has no user networking" > "$GLOG"; return 1; }
		UPORT=$(free_port)
		net=(-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$UPORT-:80"
		     -device virtio-net-device,netdev=n0)
		GURL=http://127.0.0.1:$UPORT; CX= ;;
	esac
	if [ -n "${STANDIN:-}" ]; then
		standin_boot "$mode" || return 1
	elif [ "$mode" = user ]; then
		qemu_start "$GLOG" "$secs" "${net[@]}" -append "$append"
	else
		# `ip netns exec` execs timeout, so QEMU_PID is timeout's PID and
		# killing it (by PID) takes QEMU with it.
		qemu_start_ns "$GLOG" "$secs" "${net[@]}" -append "$append"
	fi
	wait_guest 30
}

# qemu_start_ns LOG SECS ARGS...: tests/lib.sh's qemu_start, inside $NS
qemu_start_ns() {
	local log=$1 secs=$2; shift 2
	ip netns exec "$NS" timeout --signal=KILL "$secs" qemu-system-x86_64 -M microvm \
		-m "${MEM:-64M}" -nodefaults -no-user-config -display none -no-reboot \
		-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$ELF" "$@" >/dev/null 2>"$log.stderr" &
	QEMU_PID=$!
	QEMU_PIDS+=("$QEMU_PID")
}

wait_guest() {   # SECS: wait until the guest serves /; 0 ok
	local i=0
	while [ $i -lt $(($1 * 4)) ]; do
		$CX curl -s -o /dev/null -m 2 "$GURL/" && return 0
		if [ -z "${STANDIN:-}" ] && ! kill -0 "$QEMU_PID" 2>/dev/null; then
			return 1
		fi
		sleep 0.25; i=$((i + 1))
	done
	return 1
}

guest_stop() {
	if [ -n "${STANDIN:-}" ]; then standin_stop; else qemu_stop; fi
	[ -n "${RELAY_PID:-}" ] && bg_stop "$RELAY_PID"
	RELAY_PID=
	true
}

# guest_alive: the QEMU process still runs (a crash or triple fault ends it)
guest_alive() { [ -n "${STANDIN:-}" ] || kill -0 "$QEMU_PID" 2>/dev/null; }

# ---- the stand-in guest (STANDIN=1) -------------------------------------------
standin_boot() {
	local mode=$1
	ip netns del "$NSG" 2>/dev/null
	ip netns add "$NSG" || return 1
	ip netns exec "$NSG" ip link set lo up
	ip netns exec "$NSG" ip tuntap add dev gtap0 mode tap
	ip netns exec "$NSG" ip link set gtap0 address 52:54:00:12:34:56
	ip netns exec "$NSG" ip addr add "$GUEST_IP/24" dev gtap0
	ip netns exec "$NSG" ip link set gtap0 up
	ip netns exec "$NSG" ip route add default via "$HOST_IP"
	if [ "$mode" = tap ]; then     # the "tap" is a fault-free relay pair
		rm -f "$T/relay.sock" "$T/qemu.sock"
		bg nsx "$PY" "$RELAY" --tap qtap0 --sock "$T/relay.sock" --peer "$T/qemu.sock"
		RELAY_PID=$LAST_BG
	fi
	bg ip netns exec "$NSG" "$PY" "$RELAY" --tap gtap0 --sock "$T/qemu.sock" --peer "$T/relay.sock"
	SI_RELAY=$LAST_BG
	bg ip netns exec "$NSG" "$PY" "$FX/standin_server.py" "$ASSET_DIR" 80
	SI_SERVER=$LAST_BG
}
standin_stop() {
	bg_stop "$SI_SERVER"; bg_stop "$SI_RELAY"
	ip netns del "$NSG" 2>/dev/null; true
}

# ---- assets and stats ---------------------------------------------------------
# asset_sha NAME: expected sha256 of a generated asset
asset_sha() { sha256sum "$ASSET_DIR/$1" | cut -d' ' -f1; }

# fetch_check NAME MAXSECS: download $GURL/NAME with curl, byte-exact check.
# Sets FETCH_TIME; 0 ok, 1 with FETCH_WHY set.
fetch_check() {
	local name=$1 max=$2 out=$T/dl.$$ res code rc
	rm -f "$out"
	res=$($CX curl -s -o "$out" -m "$max" -w '%{http_code} %{time_total}' "$GURL/$name"); rc=$?
	code=${res%% *}; FETCH_TIME=${res#* }
	local got; got=$(stat -c %s "$out" 2>/dev/null || echo 0)
	local want; want=$(stat -c %s "$ASSET_DIR/$name")
	if [ $rc -eq 28 ]; then
		FETCH_WHY="timed out after ${max}s with $got of $want bytes (HTTP $code)"; return 1
	fi
	if [ "$code" != 200 ]; then FETCH_WHY="HTTP $code after ${FETCH_TIME}s (curl exit $rc)"; return 1; fi
	if [ "$(sha256sum < "$out" | cut -d' ' -f1)" != "$(asset_sha "$name")" ]; then
		FETCH_WHY="body differs ($got bytes, want $want; curl exit $rc)"
		return 1
	fi
	return 0
}

# stats_save FILE: the guest's /api/stats.json, flattened to "group.name
# value" lines (curl, so the client closes first and leaves no TIME_WAIT
# in the guest; retried because some cases read it over a faulty link)
stats_save() {
	local i
	for i in 1 2 3 4 5; do
		$CX curl -s -m 10 "$GURL/api/stats.json" | "$PY" "$FX/stats.py" flat > "$1" 2>/dev/null
		[ -s "$1" ] && return 0
		sleep 1
	done
	return 1
}
# stats_cmd ARGS...: tests/faults/stats.py helper (diff, sum, delta, settled)
stats_cmd() { "$PY" "$FX/stats.py" "$@"; }

# wait_settled BASE SECS: poll the stats until TCBs, connections, pbufs and
# free pages are back to BASE's (stats.py settled); 0 ok.  SETTLED_WHY
# holds the last comparison, SETTLED_AFTER the seconds it took.
wait_settled() {
	local base=$1 secs=$2 t0=$SECONDS rc
	while :; do
		stats_save "$T/settle" || { SETTLED_WHY="stats unreadable"; rc=1; }
		if [ -s "$T/settle" ]; then
			SETTLED_WHY=$(stats_cmd settled "$base" "$T/settle"); rc=$?
		fi
		SETTLED_AFTER=$((SECONDS - t0))
		[ $rc -eq 0 ] && return 0
		[ $rc -eq 2 ] && return 1
		[ $SETTLED_AFTER -ge "$secs" ] && return 1
		sleep 2
	done
}
