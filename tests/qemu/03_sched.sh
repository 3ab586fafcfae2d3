#!/usr/bin/env bash
# tests/qemu/03_sched.sh - the scheduler.
#   preempt: three tasks spin without ever yielding; each logs when it
#     notices it was switched out and back in.  All three must reach round
#     4, and the log must alternate between them (only preemption can do
#     that), within the guest's own 5 s watchdog.
#   event: a signal before the wait is kept, a wait times out on time, a
#     task blocked with no deadline is woken by another task's signal.
. "$(dirname "$0")/../lib.sh"
[ -f "$ELF" ] || { fail "$(basename "$0" .sh)" "ELF missing: $ELF"; exit 1; }

run_test() {   # NAME -> sets LOG, ST
	LOG=$TMPDIR_T/$1.log
	qemu_start "$LOG" 30 -append "test=$1"
	wait "$QEMU_PID"; ST=$?
	tr -d '\r' < "$LOG" > "$LOG.txt"; LOG=$LOG.txt
}

run_test preempt
check preempt_status_ok test "$ST" = 1
check preempt_ok_line grep -qE '^preempt: ok, [0-9]+ switches$' "$LOG"
for t in A B C; do
	check "preempt_task_${t}_rounds" grep -qE "^preempt: task $t resumed \\(round 4," "$LOG"
done
# Interleaving: in the sequence of task letters, count changes of task.
seq=$(sed -nE 's/^preempt: task ([ABC]) resumed.*/\1/p' "$LOG" | tr -d '\n')
changes=$(python3 -c "import sys; s=sys.argv[1]; print(sum(a!=b for a,b in zip(s,s[1:])))" "$seq")
check "preempt_interleaved($seq)" test "$changes" -ge 6

run_test event
check event_status_ok test "$ST" = 1
check event_ok_line grep -qE '^event: ok' "$LOG"
