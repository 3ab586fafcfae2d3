#!/usr/bin/env bash
# tests/qemu/31_http_keepalive.sh - persistent connections and pipelining:
# curl fetches several URLs over one connection (the server's connection
# counter moves by one), requests sent back to back on one socket, the
# HTTP/1.0 rules, and pipelined requests in a single send answered in order.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
LIB="$(dirname "$0")/http_lib.py"

port=$(free_port)
log=$TMPDIR_T/serial.log
qemu_start "$log" 120 $(user_net "$port")
if ! wait_http "http://127.0.0.1:$port/" 30; then
	fail http_keepalive:boot "no HTTP answer within 30 s"
	exit 0
fi

total() { $PY "$LIB" stats "$port" connections.total; }
before=$(total)
u="http://127.0.0.1:$port"
out=$(curl -sv -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
	"$u/" "$u/style.css" "$u/img/logo.svg" "$u/robots.txt" 2>&1)
after=$(total)
# before/after each cost one connection of their own
if [ $((after - before)) -eq 2 ]; then
	pass http_keepalive:curl_four_urls_one_connection
else
	fail http_keepalive:curl_four_urls_one_connection "connections went $before -> $after (want +2)"
fi
check http_keepalive:curl_reused grep -q "Re-using existing connection" <<<"$out"

TOP=$TOP CHECK_PREFIX=http_keepalive: $PY "$LIB" keepalive "$port"
TOP=$TOP CHECK_PREFIX=http_pipeline: $PY "$LIB" pipeline "$port"
qemu_stop
