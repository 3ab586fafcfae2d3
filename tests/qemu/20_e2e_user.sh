#!/usr/bin/env bash
# tests/qemu/20_e2e_user.sh - TCP end to end over QEMU user networking
# (hostfwd on 127.0.0.1, a free port), with real clients, every body
# checked byte-exact (sha256 against the source file of the test site):
#   - the seed bug's request: curl --limit-rate 20k of a 228 126-byte body;
#   - an 8 MiB body at full speed (three times; MB/s reported) and with
#     curl --limit-rate 200k (about 40 s: curl really is the bottleneck);
#   - a client that reads 100 KB, stops reading for 30 s, then resumes;
#   - 64 clients at once, each fetching a 1 MiB body.
# The three long ones (200k, stall, 64 parallel) run at the same time to
# keep the test near one minute.  The guest's TCP counters are reported.
# Slow readers with small host buffers are 21_e2e_slowread.sh; loss is
# 22_e2e_loss.sh.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/e2e/lib.sh"
T=e2e_user

e2e_build $T || exit 0
port=$(free_port)
URL=http://127.0.0.1:$port
LOG=$TMPDIR_T/serial.log
qemu_start "$LOG" 240 $(user_net "$port") -append "accesslog=0"
if ! wait_http "$URL/" 40; then
	fail $T:boot "no HTTP answer within 40 s; serial: $(tail -n 5 "$LOG" | tr '\n' '|')"
	exit 0
fi
pass $T:boot
stats_get "$URL" "$TMPDIR_T/s0.json"

# fetch NAME FILE CURL-ARGS...: curl FILE into $TMPDIR_T/NAME.out; sets
# FETCH_INFO to "size speed time"; status 0 when byte-exact
fetch() {
	local name=$1 file=$2; shift 2
	FETCH_INFO=$(curl -s -m 120 "$@" -o "$TMPDIR_T/$name.out" \
		-w '%{size_download} %{speed_download} %{time_total} %{http_code}' "$URL/$file")
	same_sha "$TMPDIR_T/$name.out" "$SITE/$file"
}

# --- the seed bug: 228 126 bytes at --limit-rate 20k ---------------------
if fetch seed seed.bin --limit-rate 20k; then
	pass $T:seed_limit_rate_20k
else
	fail $T:seed_limit_rate_20k "not byte-exact: curl size/speed/time/code $FETCH_INFO"
fi
echo "info: $T: seed.bin (228126 B) at --limit-rate 20k: $(awk '{print $3}' <<<"$FETCH_INFO") s"

# --- 8 MiB at full speed ---------------------------------------------------
for i in 1 2 3; do
	if fetch big$i big.bin; then
		pass $T:big_8mib_full_speed_$i
	else
		fail $T:big_8mib_full_speed_$i "not byte-exact: curl size/speed/time/code $FETCH_INFO"
	fi
	read -r sz sp tt _ <<<"$FETCH_INFO"
	echo "info: $T: 8 MiB full speed run $i: $sz B in $tt s = $(mbps "$sp")"
	rm -f "$TMPDIR_T/big$i.out"
done

# --- the long ones, side by side -------------------------------------------
stats_get "$URL" "$TMPDIR_T/s1.json"
# 8 MiB at 200 KB/s: curl reads slowly, host buffers fill, the window closes
( fetch slow200k big.bin --limit-rate 200k -m 150; echo "$? $FETCH_INFO" > "$TMPDIR_T/slow200k.res" ) &
BG1=$!
# read 100 KB, stop reading for 30 s, resume.  The body (8 MiB) is bigger
# than what SLIRP and the host socket buffer (4 MiB here) can absorb, so
# the guest really sees its window close for the rest of the stall.
python3 "$E2E/slowread.py" --port "$port" --path /big.bin --expect "$SITE/big.bin" \
	--rcvbuf 4096 --chunk 65536 --interval 0 --pause-at 100000 --pause 30 \
	--timeout 120 > "$TMPDIR_T/stall.res" 2>&1 &
BG2=$!
sleep 2   # let the stall begin before the crowd arrives
out=$(python3 "$E2E/parallel.py" --port "$port" --path /one.bin --expect "$SITE/one.bin" \
	--n 64 --timeout 90 2>&1)
if [ $? -eq 0 ]; then
	pass $T:parallel_64x1mib
else
	fail $T:parallel_64x1mib "$(head -n 5 <<<"$out" | tr '\n' '|') $(tail -n 1 <<<"$out")"
fi
echo "info: $T: 64 parallel clients x 1 MiB: $(tail -n 1 <<<"$out")"

wait "$BG2"
res=$(cat "$TMPDIR_T/stall.res")
stats_get "$URL" "$TMPDIR_T/s2.json"
if [[ $res == ok* ]]; then
	pass $T:stall_30s_resume
else
	# the idle timer (conn_idle, conn_timedout) must not count a peer that
	# answers window probes as gone
	fail $T:stall_30s_resume "$res; guest: $(stats_delta "$TMPDIR_T/s1.json" "$TMPDIR_T/s2.json" tcp.zwp_sent tcp.conn_idle tcp.conn_timedout tcp.rst_out)"
fi
echo "info: $T: read 100 KB, stall 30 s, resume (8 MiB): $res"

wait "$BG1"
read -r rc sz sp tt code < "$TMPDIR_T/slow200k.res"
if [ "$rc" = 0 ]; then
	pass $T:big_8mib_limit_rate_200k
else
	fail $T:big_8mib_limit_rate_200k "not byte-exact: curl size/speed/time/code $sz $sp $tt $code"
fi
echo "info: $T: 8 MiB at --limit-rate 200k: $sz B in $tt s"
stats_get "$URL" "$TMPDIR_T/s3.json"

# --- afterwards: alive, no panic, counters ------------------------------------
if fetch after seed.bin; then
	pass $T:alive_after
else
	fail $T:alive_after "curl $FETCH_INFO"
fi
if grep -qi 'panic' "$LOG"; then
	fail $T:no_panic "$(grep -i -m1 panic "$LOG")"
else
	pass $T:no_panic
fi
K="tcp.persist_entered tcp.zwp_sent tcp.rexmt_timeout tcp.rexmt_fast tcp.rexmt_partial tcp.rexmt_bytes tcp.dupack_in tcp.conn_timedout tcp.conn_idle tcp.conn_reset"
echo "info: $T: guest tcp during the full-speed and seed fetches: $(stats_delta "$TMPDIR_T/s0.json" "$TMPDIR_T/s1.json" $K)"
echo "info: $T: guest tcp during stall + 64 parallel + 200k: $(stats_delta "$TMPDIR_T/s1.json" "$TMPDIR_T/s3.json" $K)"
exit 0
