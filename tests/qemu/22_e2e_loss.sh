#!/usr/bin/env bash
# tests/qemu/22_e2e_loss.sh - TCP recovery under random loss, on a tap.
#
# The guest sits on a tap inside a network namespace this test makes (host
# side 10.0.2.2/24, guest 10.0.2.15; the same plumbing as 11_net_tap.sh,
# through tests/netns.sh).  nftables in the namespace drops P% of packets
# in each direction at random (numgen random mod 100 < P, input and output
# hooks, on the tap); there is no netem in this kernel.  For P = 5 and 15:
#   - a 2 MiB body (curl from inside the namespace) arrives byte-exact;
#   - the guest's counters show the recovery: tcp.rexmt_timeout +
#     tcp.rexmt_fast > 0 during the transfer.
# Throughput, nftables drop counts and the retransmission counters are
# reported as info lines.  Each transfer is bounded (curl -m).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/netns.sh"
. "$TOP/tests/e2e/lib.sh"
T=e2e_loss
NS=qe2e-l$$
TAP=qe$$
GUEST=10.0.2.15

if ! netns_ok || ! command -v nft >/dev/null; then
	fail $T:setup "needs root, iproute2 and nftables"
	exit 0
fi
e2e_build $T || exit 0
if ! netns_make "$NS" || ! netns_tap "$NS" "$TAP" 10.0.2.2/24; then
	fail $T:setup "could not make namespace $NS with tap $TAP"
	exit 0
fi
CX=(ip netns exec "$NS")
URL=http://$GUEST
LOG=$TMPDIR_T/serial.log
QEMU=$(netns_qemu "$NS") MACHINE=microvm,acpi=off qemu_start "$LOG" 400 \
	-netdev tap,id=n0,ifname="$TAP",script=no,downscript=no \
	-device virtio-net-device,netdev=n0 -append "accesslog=0"
ok=0
for _ in $(seq 40); do
	"${CX[@]}" curl -s -o /dev/null -m 2 "$URL/" && { ok=1; break; }
	sleep 1
done
if [ $ok = 0 ]; then
	fail $T:boot "no HTTP answer on the tap within 40 s; serial: $(tail -n 5 "$LOG" | tr '\n' '|')"
	exit 0
fi
pass $T:boot
K="tcp.rexmt_timeout tcp.rexmt_fast tcp.rexmt_partial tcp.rexmt_bytes tcp.dupack_in tcp.ooo_in tcp.rto_backoff_max tcp.conn_timedout"

# the same body without loss, for comparison
info=$("${CX[@]}" curl -s -m 60 -o "$TMPDIR_T/l0.out" -w '%{size_download} %{speed_download} %{time_total}' "$URL/loss.bin")
if same_sha "$TMPDIR_T/l0.out" "$SITE/loss.bin"; then
	pass $T:no_loss_2mib
else
	fail $T:no_loss_2mib "not byte-exact: curl size/speed/time $info"
fi
read -r sz sp tt <<<"$info"
echo "info: $T: 0% loss: $sz B in $tt s = $(mbps "$sp")"

for pct in 5 15; do
	maxt=$((pct < 10 ? 60 : 90))
	stats_get "$URL" "$TMPDIR_T/a$pct.json"
	netns_loss "$NS" "$TAP" "$pct"
	info=$("${CX[@]}" curl -s -m "$maxt" -o "$TMPDIR_T/l$pct.out" \
		-w '%{size_download} %{speed_download} %{time_total} %{http_code}' "$URL/loss.bin")
	drops=$(netns_loss_counts "$NS")
	netns_loss "$NS" "$TAP" 0
	stats_get "$URL" "$TMPDIR_T/b$pct.json"
	read -r sz sp tt code <<<"$info"
	if same_sha "$TMPDIR_T/l$pct.out" "$SITE/loss.bin"; then
		pass $T:loss_${pct}pct_2mib
	else
		fail $T:loss_${pct}pct_2mib "not byte-exact within ${maxt} s: curl size/speed/time/code $info"
	fi
	echo "info: $T: ${pct}% loss each way: $sz B in $tt s = $(mbps "$sp"); nftables dropped $drops"
	d=$(stats_delta "$TMPDIR_T/a$pct.json" "$TMPDIR_T/b$pct.json" $K)
	echo "info: $T: ${pct}% loss, guest: $d"
	n=$(stats_sum "$TMPDIR_T/a$pct.json" "$TMPDIR_T/b$pct.json" tcp.rexmt_timeout tcp.rexmt_fast)
	if [ "${n:-0}" -gt 0 ] 2>/dev/null; then
		pass $T:loss_${pct}pct_recovery_counted
	else
		fail $T:loss_${pct}pct_recovery_counted "rexmt_timeout + rexmt_fast did not move: $d"
	fi
done

if "${CX[@]}" curl -s -m 10 -o /dev/null "$URL/"; then
	pass $T:alive_after
else
	fail $T:alive_after "no answer after the loss runs"
fi
if grep -qi 'panic' "$LOG"; then
	fail $T:no_panic "$(grep -i -m1 panic "$LOG")"
else
	pass $T:no_panic
fi
exit 0
