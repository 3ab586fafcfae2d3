#!/usr/bin/env bash
# tests/qemu/33_http_custom_assets.sh - `make ASSETS=dir` with awkward files:
# 0 and 1 byte, exact multiples of the 1460-byte MSS, several MiB, names
# that need percent-encoding, nested index pages and a .gz pair.  The
# image is built in a BUILD dir of its own (under the test's temp dir) so
# the main build is untouched; every file must come back byte-exact.
# Also: a missing or empty ASSETS directory must fail the build clearly.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
LIB="$(dirname "$0")/http_lib.py"

site=$TMPDIR_T/site
b=$TMPDIR_T/build
mkdir -p "$site/nested/deeper" "$site/with space"
: > "$site/empty.bin"
printf 'x' > "$site/one.bin"
head -c 1460 /dev/urandom > "$site/mss1.bin"
head -c 2920 /dev/urandom > "$site/mss2.bin"
head -c $((1460 * 100)) /dev/urandom > "$site/mss100.bin"
head -c $((1460 * 100 + 1)) /dev/urandom > "$site/mss100plus1.bin"
head -c $((3 * 1024 * 1024)) /dev/urandom > "$site/three_mib.bin"
head -c $((7 * 1024 * 1024 + 13)) /dev/urandom > "$site/seven_mib.dat"
echo '<h1>custom</h1>' > "$site/index.html"
echo '<h1>nested</h1>' > "$site/nested/deeper/index.html"
echo 'spaced out' > "$site/with space/a b%c&d.txt"
printf 'caf\xc3\xa9\n' > "$site/caf$(printf '\xc3\xa9').txt"
seq 1 5000 > "$site/numbers.txt"
gzip -9n -c "$site/numbers.txt" > "$site/numbers.txt.gz"
echo '{"a":1}' > "$site/data.json"

main_content=$TOP/${BUILD:-build}/content.S
main_before=$(stat -c %Y.%s "$main_content" 2>/dev/null || echo none)
if ! out=$(make -C "$TOP" -j2 BUILD="$b" ASSETS="$site" 2>&1); then
	fail http_custom:build "$(tail -n 5 <<<"$out" | tr '\n' '|')"
	exit 0
fi
pass http_custom:build
main_after=$(stat -c %Y.%s "$main_content" 2>/dev/null || echo none)
check http_custom:main_build_untouched [ "$main_before" = "$main_after" ]

port=$(free_port)
log=$TMPDIR_T/serial.log
ELF=$b/quartz-unikernel.elf qemu_start "$log" 180 $(user_net "$port") -append "accesslog=0"
if ! wait_http "http://127.0.0.1:$port/" 40; then
	fail http_custom:boot "no HTTP answer within 40 s; serial: $(tail -n 5 "$log" | tr '\n' '|')"
	exit 0
fi
n=$(find "$site" -type f | wc -l)
bytes=$(find "$site" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
check http_custom:listening_line grep -q "^http: listening on :80 ($n assets, $bytes bytes)" <(tr -d '\r' < "$log")
TOP=$TOP CHECK_PREFIX=http_custom: $PY "$LIB" assets "$port" "$site" custom

# nested index resolution and the .gz variant on a custom site
got=$(curl -s "http://127.0.0.1:$port/nested/deeper")
check http_custom:nested_dir_without_slash [ "$got" = '<h1>nested</h1>' ]
got=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/numbers.txt" | gzip -dc | sha256sum)
check http_custom:gzip_variant [ "$got" = "$(sha256sum < "$site/numbers.txt")" ]
# a range in the middle of the biggest file
want=$(tail -c +$((5 * 1024 * 1024 + 1)) "$site/seven_mib.dat" | head -c 100000 | sha256sum)
got=$(curl -s -r $((5 * 1024 * 1024))-$((5 * 1024 * 1024 + 99999)) "http://127.0.0.1:$port/seven_mib.dat" | sha256sum)
check http_custom:range_in_7mib_file [ "$got" = "$want" ]
qemu_stop

# bad ASSETS directories are build errors with a message
mkdir -p "$TMPDIR_T/emptysite/sub"
if out=$(make -C "$TOP" BUILD="$TMPDIR_T/build-bad" ASSETS="$TMPDIR_T/emptysite" 2>&1); then
	fail http_custom:empty_dir_fails "make succeeded"
else
	check http_custom:empty_dir_fails grep -q "is empty" <<<"$out"
fi
if out=$(make -C "$TOP" BUILD="$TMPDIR_T/build-bad" ASSETS="$TMPDIR_T/no-such-dir" 2>&1); then
	fail http_custom:missing_dir_fails "make succeeded"
else
	check http_custom:missing_dir_fails grep -q "asset directory" <<<"$out"
fi
