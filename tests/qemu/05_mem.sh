#!/usr/bin/env bash
# tests/qemu/05_mem.sh - test=mem drains the page allocator to empty,
# refills it and checks the count comes back exactly, then allocates up to
# 2000 heap buffers of 24 B to 9000 B (pattern-filled and verified), frees
# them in an interleaved order and checks the heap gave its pages back,
# then runs the heap dry (kmalloc must return NULL) and frees it all.
# At 16M (nearly all of it is used) and 128M.
. "$(dirname "$0")/../lib.sh"
[ -f "$ELF" ] || { fail "$(basename "$0" .sh)" "ELF missing: $ELF"; exit 1; }

for mem in 16M 128M; do
	LOG=$TMPDIR_T/mem$mem.log
	MEM=$mem qemu_start "$LOG" 60 -append test=mem
	wait "$QEMU_PID"; st=$?
	tr -d '\r' < "$LOG" > "$LOG.txt"
	check "mem_$mem:status" test "$st" = 1
	check "mem_$mem:drained" grep -qE '^mem: drained and refilled [0-9]+ pages$' "$LOG.txt"
	check "mem_$mem:ok" grep -qx 'mem: ok' "$LOG.txt"
done
