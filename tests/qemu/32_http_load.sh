#!/usr/bin/env bash
# tests/qemu/32_http_load.sh - real load generators against the guest:
# ab with keep-alive (2000 requests, 8 at a time) and wrk (5 s, 16
# connections) must finish with zero errors and only 2xx answers, the
# large reference page must still come back byte-exact afterwards, and
# /api/stats.json must parse and show the counters moving.
# Bounded: ab -n 2000, wrk -d 5, all under the QEMU timeout.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
LIB="$(dirname "$0")/http_lib.py"
stat() { $PY "$LIB" stats "$port" "$1"; }

port=$(free_port)
log=$TMPDIR_T/serial.log
# accesslog=0: thousands of serial lines would measure the console, not HTTP
qemu_start "$log" 180 $(user_net "$port") -append "accesslog=0"
if ! wait_http "http://127.0.0.1:$port/" 30; then
	fail http_load:boot "no HTTP answer within 30 s"
	exit 0
fi
TOP=$TOP CHECK_PREFIX=http_load: $PY "$LIB" stats "$port" >/dev/null || true
req0=$(stat requests.total)
bytes0=$(stat bytes_sent)

ab_out=$(timeout 120 ab -q -k -n 2000 -c 8 "http://127.0.0.1:$port/" 2>&1)
complete=$(awk '/^Complete requests:/ {print $3}' <<<"$ab_out")
failed=$(awk '/^Failed requests:/ {print $3}' <<<"$ab_out")
non2xx=$(awk '/^Non-2xx responses:/ {print $3}' <<<"$ab_out")
rps=$(awk '/^Requests per second:/ {print $4}' <<<"$ab_out")
if [ "$complete" = 2000 ] && [ "$failed" = 0 ] && [ -z "$non2xx" ]; then
	pass "http_load:ab_k_2000_c8 ($rps req/s)"
else
	fail http_load:ab_k_2000_c8 "complete=$complete failed=$failed non2xx=$non2xx: $(tail -n 5 <<<"$ab_out" | tr '\n' '|')"
fi

# --timeout 10s: user networking's forwarded port listens with a backlog of
# 1, so some of wrk's 16 simultaneous connects wait 1-3 s in the host
# kernel before the guest ever sees them (docs/DESIGN); wrk's default 2 s
# timeout would count that host-side queueing as an error of the server.
wrk_out=$(timeout 60 wrk -t 2 -c 16 -d 5 --timeout 10s "http://127.0.0.1:$port/" 2>&1)
reqs=$(awk '/requests in/ {print $1}' <<<"$wrk_out")
rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$wrk_out")
if [ -n "$reqs" ] && [ "$reqs" -gt 0 ] && ! grep -qE 'Socket errors|Non-2xx' <<<"$wrk_out"; then
	pass "http_load:wrk_c16_5s ($reqs requests, $rps req/s)"
else
	fail http_load:wrk_c16_5s "$(tr '\n' '|' <<<"$wrk_out")"
fi

# still byte-exact, largest page included
ref=$TOP/assets/docs/quartz_reference/index.html
if [ -f "$ref" ]; then
	got=$(curl -s -m 20 "http://127.0.0.1:$port/docs/quartz_reference/" | sha256sum | cut -d' ' -f1)
	want=$(sha256sum < "$ref" | cut -d' ' -f1)
	check http_load:reference_byte_exact_after_load [ "$got" = "$want" ]
fi

req1=$(stat requests.total)
bytes1=$(stat bytes_sent)
refused=$(stat connections.refused)
if [ -n "$req1" ] && [ "$req1" -ge $((req0 + 2000)) ] && [ "$bytes1" -gt "$bytes0" ]; then
	pass "http_load:stats_counters_moved (requests $req0 -> $req1)"
else
	fail http_load:stats_counters_moved "requests $req0 -> $req1, bytes $bytes0 -> $bytes1"
fi
check http_load:no_refused_connections [ "$refused" = 0 ]
c5=$(stat requests.5xx)
check http_load:no_5xx [ "$c5" = 0 ]
check http_load:no_panic bash -c "! grep -q '^panic:' '$log'"
qemu_stop
