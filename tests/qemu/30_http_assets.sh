#!/usr/bin/env bash
# tests/qemu/30_http_assets.sh - the default site over QEMU user networking:
# the listening line, every baked file byte-exact with its Content-Type,
# then HTTP semantics end to end (directory resolution, HEAD, 304 with the
# ETag, 206 and 416, the gzip variant, 404/400/405/414/431/501/505) and
# that the server still serves after the bad requests.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
LIB="$(dirname "$0")/http_lib.py"

port=$(free_port)
log=$TMPDIR_T/serial.log
qemu_start "$log" 120 $(user_net "$port")
if ! wait_http "http://127.0.0.1:$port/" 30; then
	fail http_assets:boot "no HTTP answer within 30 s; serial: $(tail -n 5 "$log" | tr '\n' '|')"
	exit 0
fi
pass http_assets:boot

# "http: listening on :80 (N assets, B bytes)" with the real numbers
n=$(find "$TOP/assets" -type f | wc -l)
b=$(find "$TOP/assets" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
check http_assets:listening_line grep -q "^http: listening on :80 ($n assets, $b bytes)" <(tr -d '\r' < "$log")

# the reference page is the big page of the default site (slow-reader and
# loss tests download it): it must stay at least 228 126 bytes
ref=$TOP/assets/docs/quartz_reference/index.html
check http_assets:reference_size_at_least_228126 [ "$(stat -c %s "$ref" 2>/dev/null || echo 0)" -ge 228126 ]

# every committed name.gz must still be name compressed (not stale)
while IFS= read -r gz; do
	src=${gz%.gz}
	[ -f "$src" ] || continue
	check "http_assets:gz_fresh:${src#$TOP/assets}" cmp -s "$src" <(gzip -dc "$gz")
done < <(find "$TOP/assets" -name '*.gz' -type f)

TOP=$TOP CHECK_PREFIX=http_assets: $PY "$LIB" assets "$port" "$TOP/assets" assets
TOP=$TOP CHECK_PREFIX=http_protocol: $PY "$LIB" protocol "$port"

# The access log says what happened, one line per request.
if wait_serial "$log" '^http: 10\.0\.2\.2:[0-9]+ GET / 200 [0-9]+ [0-9]+ms' 5; then
	pass http_assets:access_log
else
	fail http_assets:access_log "no access-log line for GET /"
fi
check http_assets:no_panic bash -c "! grep -q '^panic:' '$log'"
qemu_stop
