#!/usr/bin/env bash
# tests/qemu/04_faults.sh - faults are reported, not hidden.
#   pagefault: a read of 0x7dead000beef must be reported as exception 14
#     with exactly that CR2 and the faulting task, then panic (status 7).
#   guard: unbounded recursion on a task stack must stop in the guard
#     page below it (a page fault just below the stack), not corrupt
#     whatever lies beneath.
#   panic: panic() prints its label and file:line and exits with 7.
. "$(dirname "$0")/../lib.sh"
[ -f "$ELF" ] || { fail "$(basename "$0" .sh)" "ELF missing: $ELF"; exit 1; }

run_test() {   # NAME -> sets LOG, ST
	LOG=$TMPDIR_T/$1.log
	qemu_start "$LOG" 30 -append "test=$1"
	wait "$QEMU_PID"; ST=$?
	tr -d '\r' < "$LOG" > "$LOG.txt"; LOG=$LOG.txt
}

run_test pagefault
check pagefault_status_panic test "$ST" = 7
check pagefault_vector grep -qE '^exception 14 \(page fault\), error code 0$' "$LOG"
check pagefault_cr2 grep -qE '^  CR2 0x00007dead000beef ' "$LOG"
check pagefault_kind grep -qx '  page fault: access (read) of an unmapped page' "$LOG"
check pagefault_task grep -qx '  task: pagefault' "$LOG"
check pagefault_regs grep -qE '^  R12 0x[0-9a-f]{16}' "$LOG"
check pagefault_panic grep -qE '^panic: unhandled exception \(kernel/trap\.c:[0-9]+\)$' "$LOG"

run_test guard
check guard_status_panic test "$ST" = 7
check guard_write_fault grep -qx '  page fault: access (write) of an unmapped page' "$LOG"
check guard_task grep -qx '  task: guard' "$LOG"
# CR2 is within one page below RSP's page (the guard page).
cr2=$(sed -nE 's/^  CR2 0x([0-9a-f]+) .*/\1/p' "$LOG")
rsp=$(sed -nE 's/^  RIP .* RSP 0x([0-9a-f]+)$/\1/p' "$LOG")
if [ -n "$cr2" ] && [ -n "$rsp" ] && [ $(( (0x$rsp - 0x$cr2) )) -lt 4096 ] && [ $(( 0x$rsp - 0x$cr2 )) -ge -4096 ]; then
	pass guard_cr2_near_rsp
else
	fail guard_cr2_near_rsp "cr2=$cr2 rsp=$rsp"
fi

run_test panic
check panic_status test "$ST" = 7
check panic_line grep -qE '^panic: ktest: deliberate panic \(kernel/ktest\.c:[0-9]+\)$' "$LOG"
check panic_backtrace grep -qE '^backtrace: 0x' "$LOG"
