#!/usr/bin/env bash
# tools/bench.sh - `make bench`: Quartz against a Linux guest, one table.
#
# Builds, under $BUILD/bench/ (cached, so reruns are fast):
#   site/      the default site (assets/) plus hello.html, the small page
#              wrk and ab fetch; site-big/ adds big.bin, 10 MiB of random
#              bytes; tiny/ holds one tiny file (image size without assets)
#   q-*/       Quartz ELFs baked from each of those (make BUILD=... ASSETS=...)
#   linux-*/   Debian's kernel + a busybox/nginx initramfs serving the same
#              files (tools/bench/linux-guest.sh)
#   floor.elf  a PVH kernel that prints one byte and exits (tools/bench/floor.S)
#   insncount.so  a TCG plugin counting guest instructions (tools/bench/insncount.c)
# then runs tools/bench/bench.py, which prints the table: the load runs go
# once through user networking (127.0.0.1:port) and once over a tap device
# inside a network namespace it creates and deletes (root only).  Every
# client's full output lands in $BUILD/bench/raw.txt.  The full run
# writes docs/BENCHMARKS.md; QUICK=1 (1 boot each, short runs, no 10 MiB
# file, no memory search) writes $BUILD/bench/quick.md instead.
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
QUICK=${QUICK:-}
[ "$QUICK" = 0 ] && QUICK=
W=$B/bench
mkdir -p "$W"
say() { echo "bench: $*" >&2; }

# --- the sites -------------------------------------------------------------
# Rebuilt from assets/ every run (cheap); big.bin is kept across runs, so
# the bake and the initramfs caches see the same bytes.
mk_site() {   # dir, with-big
	local d=$W/$1
	rm -rf "$d.new" && mkdir -p "$d.new"
	[ -d assets ] && cp -a assets/. "$d.new/"
	[ -f "$d.new/index.html" ] || printf '<!doctype html><title>Quartz</title><p>Quartz benchmark site.\n' > "$d.new/index.html"
	# The small page: 512 bytes of HTML, the same for both guests.
	{ printf '<!doctype html><title>bench</title><p>'; head -c 512 /dev/zero | tr '\0' 'q'; printf '\n'; } |
		head -c 512 > "$d.new/hello.html"
	if [ "$2" = big ]; then
		[ -f "$W/big.bin" ] || head -c $((10 * 1024 * 1024)) /dev/urandom > "$W/big.bin"
		cp "$W/big.bin" "$d.new/big.bin"
	fi
	# Replace only on change, so make's timestamps do not force a rebake.
	if [ -d "$d" ] && diff -r "$d" "$d.new" >/dev/null 2>&1; then rm -rf "$d.new"; else rm -rf "$d"; mv "$d.new" "$d"; fi
}
mk_site site small
mk_site site-big big
rm -rf "$W/tiny.new"; mkdir -p "$W/tiny.new"; printf 'q\n' > "$W/tiny.new/index.html"
if [ -d "$W/tiny" ] && diff -r "$W/tiny" "$W/tiny.new" >/dev/null; then rm -rf "$W/tiny.new"; else rm -rf "$W/tiny"; mv "$W/tiny.new" "$W/tiny"; fi

# --- Quartz, three bakes ------------------------------------------------------
for v in site site-big tiny; do
	[ -n "$QUICK" ] && [ "$v" = site-big ] && continue
	say "building Quartz with $W/$v"
	make -s BUILD="$W/q-$v" ASSETS="$W/$v" "$W/q-$v/quartz-unikernel.elf" >&2
done

# --- the floor ------------------------------------------------------------------
gcc -c -o "$W/floor.o" tools/bench/floor.S
ld -nostdlib -z noexecstack -T tools/bench/floor.ld -o "$W/floor.elf" "$W/floor.o"

# --- sizes without debug info (QEMU loads only the PT_LOAD segments) ----------
for v in site tiny; do
	strip --strip-debug -o "$W/q-$v.stripped.elf" "$W/q-$v/quartz-unikernel.elf"
done

# --- the instruction-counting TCG plugin (optional) ------------------------------
plugin=$W/insncount.so
gcc -O2 -Wall -Wextra -shared -fPIC -fvisibility=hidden -o "$plugin" tools/bench/insncount.c -lpthread ||
	{ say "insncount plugin did not build: instructions per request omitted"; rm -f "$plugin"; }

# --- Linux ------------------------------------------------------------------------
for v in site site-big tiny; do
	[ -n "$QUICK" ] && [ "$v" = site-big ] && continue
	say "building the Linux guest with $W/$v"
	DEB_CACHE=$W/deb tools/bench/linux-guest.sh "$W/$v" "$W/linux-$v" >&2
done

args=(--floor "$W/floor.elf" --quartz "$W/q-site/quartz-unikernel.elf"
      --quartz-stripped "$W/q-site.stripped.elf" --quartz-tiny "$W/q-tiny/quartz-unikernel.elf"
      --quartz-tiny-stripped "$W/q-tiny.stripped.elf" --linux-tiny "$W/linux-tiny/initrd.gz"
      --linux-dir "$W/linux-site" --small /hello.html --notes tools/bench/notes.md
      --raw "$W/raw.txt" --insns "$plugin")
if [ -n "$QUICK" ]; then
	args+=(--quick --markdown "$W/quick.md")
else
	args+=(--quartz-big "$W/q-site-big/quartz-unikernel.elf" --linux-big-dir "$W/linux-site-big"
	       --big /big.bin --big-sha "$(sha256sum "$W/big.bin" | cut -d' ' -f1)"
	       --markdown docs/BENCHMARKS.md)
fi
exec python3 tools/bench/bench.py "${args[@]}"
