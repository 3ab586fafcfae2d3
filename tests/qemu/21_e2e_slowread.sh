#!/usr/bin/env bash
# tests/qemu/21_e2e_slowread.sh - the seed bug for real: slow readers
# that close the guest's send window, over QEMU user networking.
#
# On the host namespace, SLIRP's host-side socket autotunes its send
# buffer to 4 MiB, which swallows a 228 KB body whatever the client does
# (measured: a paced reader with SO_RCVBUF=4096 and a 5 s pause never made
# the guest see a zero window).  So QEMU runs here in a network namespace
# this test makes, with small TCP buffers (net.ipv4.tcp_wmem/rmem are per
# namespace), hostfwd on 127.0.0.1 inside it, clients inside it too.
# Then a slow reader fills SLIRP's buffers and the window really closes:
#   - curl --limit-rate 20k of the 228 126-byte body: byte-exact;
#   - a python reader, SO_RCVBUF=4096, 4 KiB every 30 ms, stopping 5 s
#     after 40 KB: byte-exact, and tcp.persist_entered / tcp.zwp_sent moved
#     (SLIRP's own buffer holds 128 KiB: the stop comes early enough that
#     the rest of the body does not fit, so the window really reaches 0);
#   - on this lossless link, nothing was retransmitted (a probe's answer
#     is not a duplicate ACK);
#   - 64 clients x 1 MiB, all connections open before any body is read,
#     so the guest holds 64 closed windows at once: all byte-exact.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/netns.sh"
. "$TOP/tests/e2e/lib.sh"
T=e2e_slow
NS=qe2e-s$$

if ! netns_ok; then
	fail $T:setup "needs root and iproute2 (ip netns)"
	exit 0
fi
e2e_build $T || exit 0
if ! netns_make "$NS" ||
   ! nsx "$NS" sysctl -qw net.ipv4.tcp_wmem="4096 16384 16384" net.ipv4.tcp_rmem="4096 16384 16384"; then
	fail $T:setup "could not make namespace $NS with small TCP buffers"
	exit 0
fi
CX=(ip netns exec "$NS")
port=8080
URL=http://127.0.0.1:$port
LOG=$TMPDIR_T/serial.log
QEMU=$(netns_qemu "$NS") qemu_start "$LOG" 200 $(user_net "$port") -append "accesslog=0"
ok=0
for _ in $(seq 40); do
	"${CX[@]}" curl -s -o /dev/null -m 2 "$URL/" && { ok=1; break; }
	sleep 1
done
if [ $ok = 0 ]; then
	fail $T:boot "no HTTP answer within 40 s; serial: $(tail -n 5 "$LOG" | tr '\n' '|')"
	exit 0
fi
pass $T:boot
K="tcp.persist_entered tcp.zwp_sent tcp.rexmt_timeout tcp.rexmt_fast tcp.rexmt_partial tcp.rexmt_bytes tcp.dupack_in tcp.conn_timedout tcp.conn_idle"

# --- curl --limit-rate 20k: the seed bug's request -------------------------
stats_get "$URL" "$TMPDIR_T/s0.json"
info=$("${CX[@]}" curl -s -m 60 --limit-rate 20k -o "$TMPDIR_T/seed.out" \
	-w '%{size_download} %{time_total} %{http_code}' "$URL/seed.bin")
if same_sha "$TMPDIR_T/seed.out" "$SITE/seed.bin"; then
	pass $T:seed_curl_limit_rate_20k
else
	fail $T:seed_curl_limit_rate_20k "not byte-exact: curl size/time/code $info"
fi
stats_get "$URL" "$TMPDIR_T/s1.json"
echo "info: $T: curl --limit-rate 20k, 228126 B: size/time/code $info; guest: $(stats_delta "$TMPDIR_T/s0.json" "$TMPDIR_T/s1.json" $K)"

# --- a paced reader that stops mid-body ----------------------------------------
res=$("${CX[@]}" python3 "$E2E/slowread.py" --port $port --path /seed.bin --expect "$SITE/seed.bin" \
	--rcvbuf 4096 --chunk 4096 --interval 0.03 --pause-at 40000 --pause 5 --timeout 60 2>&1)
if [[ $res == ok* ]]; then
	pass $T:slow_reader_byte_exact
else
	fail $T:slow_reader_byte_exact "$res"
fi
stats_get "$URL" "$TMPDIR_T/s2.json"
d=$(stats_delta "$TMPDIR_T/s1.json" "$TMPDIR_T/s2.json" $K)
echo "info: $T: paced reader (SO_RCVBUF 4096, 4 KiB / 30 ms, 5 s stop at 40 KB): $res; guest: $d"
pe=$(stats_sum "$TMPDIR_T/s1.json" "$TMPDIR_T/s2.json" tcp.persist_entered)
zw=$(stats_sum "$TMPDIR_T/s1.json" "$TMPDIR_T/s2.json" tcp.zwp_sent)
if [ "${pe:-0}" -gt 0 ] 2>/dev/null && [ "${zw:-0}" -gt 0 ] 2>/dev/null; then
	pass $T:slow_reader_window_closed
else
	fail $T:slow_reader_window_closed "the scenario did not happen: persist_entered +$pe zwp_sent +$zw"
fi

# --- no loss here, so nothing may be retransmitted -------------------------------
rx=$(stats_sum "$TMPDIR_T/s0.json" "$TMPDIR_T/s2.json" tcp.rexmt_fast tcp.rexmt_timeout)
if [ "$rx" = 0 ]; then
	pass $T:no_retransmit_without_loss
else
	fail $T:no_retransmit_without_loss "lossless link, yet $(stats_delta "$TMPDIR_T/s0.json" "$TMPDIR_T/s2.json" tcp.rexmt_fast tcp.rexmt_timeout tcp.rexmt_bytes tcp.dupack_in tcp.zwp_sent): answers to zero-window probes counted as duplicate ACKs?"
fi

# --- 64 closed windows at once ----------------------------------------------------
out=$("${CX[@]}" python3 "$E2E/parallel.py" --port $port --path /one.bin --expect "$SITE/one.bin" \
	--n 64 --timeout 90 2>&1)
if [ $? -eq 0 ]; then
	pass $T:parallel_64x1mib_small_buffers
else
	fail $T:parallel_64x1mib_small_buffers "$(head -n 5 <<<"$out" | tr '\n' '|') $(tail -n 1 <<<"$out")"
fi
stats_get "$URL" "$TMPDIR_T/s3.json"
echo "info: $T: 64 parallel x 1 MiB with 16 KiB host buffers: $(tail -n 1 <<<"$out"); guest: $(stats_delta "$TMPDIR_T/s2.json" "$TMPDIR_T/s3.json" $K)"

if grep -qi 'panic' "$LOG"; then
	fail $T:no_panic "$(grep -i -m1 panic "$LOG")"
else
	pass $T:no_panic
fi
exit 0
