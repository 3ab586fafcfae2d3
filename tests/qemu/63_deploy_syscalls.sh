#!/usr/bin/env bash
# 63_deploy_syscalls.sh - every system call the unit's command makes (the
# quartz-run shell script, then QEMU booting Quartz, serving requests and
# stopping on SIGTERM) is allowed by the unit's SystemCallFilter= lines.
#
# No systemd runs here to enforce the filter, so the test records the calls
# with strace and checks them against the sets systemd-analyze expands from
# the unit's own lines.  A call the filter forbids would fail with EPERM
# under systemd and could break the service in ways no other test sees.
. "$(dirname "$0")/../lib.sh"
D=$TOP/deploy
R=$TMPDIR_T/root
for c in strace systemd-analyze; do
	command -v $c >/dev/null || { fail deploy_syscalls "$c missing (tools/deps.sh test installs it)"; exit 0; }
done
[ -f "$ELF" ] || { fail deploy_syscalls "no ELF at $ELF"; exit 0; }
"$D/install.sh" --root "$R" --elf "$ELF" >/dev/null || { fail deploy_syscalls "install.sh --root failed"; exit 0; }

port=$(free_port)
mapfile -d '' argv < <("$D/unit-cmdline" "$D/quartz-unikernel.service" --path "/opt/quartz=$R/opt/quartz" \
	--set QUARTZ_PORT="$port")
timeout --signal=KILL 60 strace -f -qq -o "$TMPDIR_T/trace" "${argv[@]}" > "$TMPDIR_T/serial" 2>&1 < /dev/null &
SPID=$!
QEMU_PIDS+=("$SPID")
served=
for _ in $(seq 1 200); do
	[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ] && { served=1; break; }
	sleep 0.1
done
for _ in $(seq 1 20); do curl -s -o /dev/null -m 2 "http://127.0.0.1:$port/"; done
# Stop as systemctl stop would: SIGTERM to the service's main process (QEMU;
# strace's child, since quartz-run execs it).
qpid=$(pgrep -P "$SPID" | head -1)
tpid=$(pgrep -P "$qpid" | head -1)
kill -TERM "${tpid:-$qpid}" 2>/dev/null
wait "$SPID"
[ -n "$served" ] || { fail deploy_syscalls "QEMU under strace did not serve"; exit 0; }

python3 - "$D/quartz-unikernel.service" "$TMPDIR_T/trace" <<'PY'
import re, subprocess, sys
unit, trace = sys.argv[1], sys.argv[2]

def expand(name, seen=None):
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    out = subprocess.run(["systemd-analyze", "syscall-filter", name], capture_output=True, text=True).stdout
    calls = set()
    for line in out.splitlines()[1:]:
        w = line.strip()
        if not w or w.startswith("#"):
            continue
        calls |= expand(w, seen) if w.startswith("@") else {w}
    return calls

allow, deny = None, set()
for line in open(unit):
    m = re.match(r"SystemCallFilter=(~?)(.*)", line.strip())
    if not m:
        continue
    names = set()
    for w in m.group(2).split():
        names |= expand(w) if w.startswith("@") else {w}
    if m.group(1):
        deny |= names
    else:
        allow = names if allow is None else allow | names
used = set()
for line in open(trace):
    m = re.match(r"\d+\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]", line)
    if m and not line.split(None, 1)[1].startswith(("+++", "---")):
        used.add(m.group(1))
bad = sorted(c for c in used if (allow is not None and c not in allow) or c in deny)
if len(used) < 20:
    print("FAIL deploy_syscalls_recorded: only %d distinct calls recorded" % len(used))
else:
    print("PASS deploy_syscalls_recorded")
if bad:
    print("FAIL deploy_syscalls_allowed: forbidden by the unit's filter: %s" % " ".join(bad))
else:
    print("PASS deploy_syscalls_allowed")
PY
