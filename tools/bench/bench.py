#!/usr/bin/env python3
"""tools/bench/bench.py - boots Quartz and a Linux guest under identical QEMU
settings, measures both, and prints one table (and writes it as Markdown).

Called by tools/bench.sh, which builds the images first.  Every QEMU runs
under `timeout --signal=KILL` and is killed by its own PID; every client talks
only to 127.0.0.1 on a port picked free just before.

Measurements (see docs/BENCHMARKS.md for what each means and why):
  boot     QEMU start -> first HTTP 200, polled about every 10 ms; the floor
           is a PVH kernel that prints one byte and exits.
  size     the image QEMU loads, with the default site and without assets.
  memory   the smallest -m that still serves the default site.
  10MiB    MB/s for one 10 MiB random file, checksum verified.
  wrk/ab   requests/s and p50/p99 latency of a small page, keep-alive with
           wrk at 16 and 256 connections, and one connection per request
           with ab; errors counted.
  insns    guest instructions per request, with the insn-count TCG plugin
           when it is built (tools/bench/insncount.c), else omitted.
"""
import argparse
import datetime
import hashlib
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
TMP = tempfile.mkdtemp(prefix="quartz-bench.")
RAW = None   # file that keeps every client's full output (--raw)


def keep(title, text):
    if RAW:
        with open(RAW, "a") as f:
            f.write("==== %s\n%s\n" % (title, text))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Guest:
    """One kind of guest: how to build its QEMU command line."""

    def __init__(self, name, kernel, initrd=None, append=None):
        self.name, self.kernel, self.initrd, self.append = name, kernel, initrd, append

    def argv(self, port, mem, serial, extra=()):
        # The same flags for every guest: only -kernel/-initrd/-append differ.
        a = [QEMU, "-M", "microvm", "-m", mem, "-nodefaults", "-no-user-config",
             "-display", "none", "-no-reboot", "-serial", serial,
             "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        if port is not None:
            a += ["-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:80" % port,
                  "-device", "virtio-net-device,netdev=n0"]
        a += ["-kernel", self.kernel]
        if self.initrd:
            a += ["-initrd", self.initrd]
        if self.append:
            a += ["-append", self.append]
        return a + list(extra)


class Vm:
    """A running QEMU, started under timeout, stopped by its own PID."""

    def __init__(self, argv, secs, **kw):
        self.argv = ["timeout", "--signal=KILL", str(secs)] + argv
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, **kw)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)  # timeout forwards it to QEMU
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


def http_get(port, path, timeout):
    """One HTTP/1.0-style GET; returns (status, body) or None."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError:
        return None
    try:
        s.settimeout(timeout)
        s.sendall(("GET %s HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
    except OSError:
        return None
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d+)", data)
    if not m:
        return None
    head, _, body = data.partition(b"\r\n\r\n")
    return int(m.group(1)), body


# At most this many polls in flight.  More is not kinder to the figure: a
# flood of connections into QEMU's user networking while the guest boots
# kept QEMU's main loop so busy that Linux's PIT calibration of the TSC
# failed and its boot stalled for tens of seconds.
MAX_ATTEMPTS = 2


def wait_200(vm, port, limit, path="/"):
    """Seconds from QEMU start to the first 200, or None.

    A new attempt starts every 10 ms while fewer than MAX_ATTEMPTS are
    waiting: QEMU's user networking accepts the host connection before the
    guest listens, so one attempt can hang while the guest comes up, and a
    strictly sequential poller would add that wait to the figure.
    """
    done = threading.Event()
    result = []

    def attempt():
        r = http_get(port, path, 1.0)
        if r and r[0] == 200 and not done.is_set():
            result.append(time.monotonic() - vm.t0)
            done.set()

    threads = []
    while not done.is_set():
        if time.monotonic() - vm.t0 > limit or vm.p.poll() is not None:
            break
        threads = [t for t in threads if t.is_alive()]
        if len(threads) < MAX_ATTEMPTS:
            t = threading.Thread(target=attempt, daemon=True)
            t.start()
            threads.append(t)
        done.wait(0.01)
    return min(result) if result else None


def boot_time(guest, mem, runs, limit):
    times = []
    for _ in range(runs):
        port = free_port()
        vm = Vm(guest.argv(port, mem, "file:%s/boot.log" % TMP), limit + 5,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = wait_200(vm, port, limit)
        vm.stop()
        if t is not None:
            times.append(t)
    return times


def floor_time(floor, mem, runs):
    """QEMU start -> the floor kernel's byte on serial, and -> QEMU exit."""
    byte, exit_ = [], []
    for _ in range(runs):
        g = Guest("floor", floor)
        vm = Vm(g.argv(None, mem, "stdio"), 20, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL)
        b = vm.p.stdout.read(1)
        if b:
            byte.append(time.monotonic() - vm.t0)
        vm.p.wait()
        exit_.append(time.monotonic() - vm.t0)
    return byte, exit_


def min_memory(guest, sizes, limit):
    """The smallest -m (MiB) in sizes that serves /, trying upwards."""
    for m in sizes:
        port = free_port()
        vm = Vm(guest.argv(port, "%dM" % m, "file:%s/mem.log" % TMP), limit + 5,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = wait_200(vm, port, limit)
        vm.stop()
        if t is not None:
            return m
    return None


class Target:
    """Where the clients connect: a forwarded loopback port, or the guest's
    own address seen from inside a network namespace (pre = ip netns exec)."""

    def __init__(self, base, pre=()):
        self.base, self.pre = base, list(pre)


class Netns:
    """A network namespace holding a tap device at 10.0.2.2/24: QEMU and the
    clients both run inside it, so the guest's 10.0.2.15 is reachable from
    the clients and from nothing else on the machine."""

    def __init__(self, name):
        self.name = name
        self.pre = ["ip", "netns", "exec", name]

    @staticmethod
    def make():
        if os.geteuid() != 0:
            return None
        ns = Netns("qbench%d" % os.getpid())
        steps = [["ip", "netns", "add", ns.name],
                 ns.pre + ["ip", "link", "set", "lo", "up"],
                 ns.pre + ["ip", "tuntap", "add", "dev", "qtap0", "mode", "tap"],
                 ns.pre + ["ip", "addr", "add", "10.0.2.2/24", "dev", "qtap0"],
                 ns.pre + ["ip", "link", "set", "qtap0", "up"]]
        for st in steps:
            if subprocess.run(st, capture_output=True).returncode != 0:
                ns.delete()
                return None
        return ns

    def delete(self):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)

    def boot(self, guest, mem, limit):
        argv = guest.argv(None, mem, "file:%s/tap-%s.log" % (TMP, guest.name),
                          ["-netdev", "tap,id=n0,ifname=qtap0,script=no,downscript=no",
                           "-device", "virtio-net-device,netdev=n0"])
        vm = Vm(self.pre + argv, 3600,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit and vm.p.poll() is None:
            r = subprocess.run(self.pre + ["curl", "-s", "-o", "/dev/null", "-m", "1", "-w", "%{http_code}",
                                           "http://10.0.2.15/"], capture_output=True, text=True)
            if r.stdout == "200":
                return vm
            time.sleep(0.1)
        vm.stop()
        return None


def start_serving(guest, mem, limit):
    port = free_port()
    vm = Vm(guest.argv(port, mem, "file:%s/%s.log" % (TMP, guest.name)), 3600,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    vm.served = wait_200(vm, port, limit)
    if vm.served is None:
        vm.stop()
        return None, None
    return vm, port


def throughput(t, path, want_sha, runs):
    """MB/s (10^6 bytes/s) per run for one file fetched with curl."""
    out = []
    bad = 0
    for _ in range(runs):
        f = os.path.join(TMP, "dl")
        r = subprocess.run(t.pre + ["curl", "-s", "-m", "120", "-o", f, "-w", "%{time_total} %{http_code}",
                                    t.base + path],
                           capture_output=True, text=True)
        try:
            secs, code = r.stdout.split()
            secs = float(secs)
        except ValueError:
            bad += 1
            continue
        data = open(f, "rb").read() if os.path.exists(f) else b""
        if code != "200" or hashlib.sha256(data).hexdigest() != want_sha:
            bad += 1
            continue
        out.append(len(data) / secs / 1e6)
    return out, bad


def read_count(path):
    try:
        return int(open(path).read().strip())
    except (OSError, ValueError):
        return None


def insns_per_request(guest, mem, plugin, path, n, limit):
    """Guest instructions per keep-alive request, idle rate subtracted.

    The guest boots with the insncount plugin, serves, settles for a second,
    is watched idle for a second, then serves n requests on one keep-alive
    connection (ab -k -c1): (delta - idle_rate * elapsed) / n.
    """
    out = os.path.join(TMP, "insns")
    port = free_port()
    vm = Vm(guest.argv(port, mem, "file:%s/insns.log" % TMP, ["-plugin", "%s,out=%s" % (plugin, out)]),
            limit + 120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if wait_200(vm, port, limit) is None:
            return None
        time.sleep(1.0)
        c0, t0 = read_count(out), time.monotonic()
        time.sleep(1.0)
        c1, t1 = read_count(out), time.monotonic()
        cmd = ["ab", "-q", "-k", "-n", str(n), "-c", "1", "http://127.0.0.1:%d%s" % (port, path)]
        r = subprocess.run(["timeout", "--signal=KILL", "120"] + cmd, capture_output=True, text=True)
        keep("insns: " + " ".join(cmd), r.stdout)
        t2 = time.monotonic()
        time.sleep(0.1)   # let the writer thread catch up (every 20 ms)
        c2 = read_count(out)
        m = re.search(r"Complete requests:\s+(\d+)", r.stdout)
        if None in (c0, c1, c2) or not m or int(m.group(1)) != n:
            return None
        idle_rate = (c1 - c0) / (t1 - t0)
        return max(0.0, (c2 - c1) - idle_rate * (t2 - t1 + 0.1)) / n
    finally:
        vm.stop()


def to_ms(s):
    """wrk latency text (e.g. 1.23ms, 540.00us, 1.20s) -> ms."""
    m = re.match(r"([\d.]+)(us|ms|s|m)$", s)
    if not m:
        return None
    v = float(m.group(1))
    return v * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[m.group(2)]


def run_wrk(t, path, conns, secs):
    # One client thread: on this 2-core host a second wrk thread competes
    # with QEMU's vCPU and I/O threads, and the p99 then measures the host's
    # scheduler (28 ms against 3 ms with one thread, same guest, same load).
    threads = 1
    cmd = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % secs, "--timeout", "5s",
           "--latency", t.base + path]
    r = subprocess.run(t.pre + ["timeout", "--signal=KILL", str(secs + 30)] + cmd,
                       capture_output=True, text=True)
    o = r.stdout
    keep(" ".join(cmd), o + r.stderr)
    res = {"cmd": " ".join(cmd)}
    m = re.search(r"Requests/sec:\s+([\d.]+)", o)
    res["rps"] = float(m.group(1)) if m else None
    for q in ("50", "99"):
        m = re.search(r"^\s+%s(?:\.000)?%%\s+(\S+)" % q, o, re.M)
        res["p" + q] = to_ms(m.group(1)) if m else None
    errs = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", o)
    if m:
        errs += sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", o)
    if m:
        errs += int(m.group(1))
    m = re.search(r"(\d+) requests in", o)
    res["reqs"] = int(m.group(1)) if m else 0
    res["errors"] = errs if res["rps"] is not None else None
    return res


def run_ab(t, path, conns, n):
    cmd = ["ab", "-q", "-n", str(n), "-c", str(conns), "-s", "5", "-r", t.base + path]
    r = subprocess.run(t.pre + ["timeout", "--signal=KILL", "120"] + cmd, capture_output=True, text=True)
    o = r.stdout
    keep(" ".join(cmd), o + r.stderr)
    res = {"cmd": " ".join(cmd)}
    m = re.search(r"Requests per second:\s+([\d.]+)", o)
    res["rps"] = float(m.group(1)) if m else None
    for q in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+(\d+)" % q, o, re.M)
        res["p" + q] = float(m.group(1)) if m else None
    errs = 0
    for pat in (r"Failed requests:\s+(\d+)", r"Non-2xx responses:\s+(\d+)"):
        m = re.search(pat, o)
        if m:
            errs += int(m.group(1))
    m = re.search(r"Complete requests:\s+(\d+)", o)
    done = int(m.group(1)) if m else 0
    errs += max(0, n - done)
    res["errors"] = errs if res["rps"] is not None else None
    return res


def host_tsc_khz():
    """The host's TSC rate, which TCG passes through to the guest's RDTSC.

    Told this, Linux skips its PIT calibration of the TSC, which failed on
    this 2-core host whenever it was busy ("Unable to calibrate against
    PIT") and then left the boot stuck for tens of seconds; KVM would give
    the same number through kvmclock.  Quartz calibrates its own clocks
    against the PIT over several windows and needs no hint.
    """
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("cpu MHz"):
                return int(float(l.split(":")[1]) * 1000)
    except OSError:
        pass
    return None


def med(xs):
    return statistics.median(xs) if xs else None


# ---- the table --------------------------------------------------------------

def fmt(v, unit="", prec=1):
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return "%d%s" % (v, unit)
    return ("%%.%df%%s" % prec) % (v, unit)


def ratio(q, l, higher_better):
    if q is None or l is None or q == 0 or l == 0:
        return "n/a"
    return "%.2fx" % ((q / l) if higher_better else (l / q))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--quartz", required=True, help="ELF with the default site + bench files")
    ap.add_argument("--quartz-tiny", help="ELF built with one tiny asset")
    ap.add_argument("--linux-dir", required=True, help="dir with vmlinuz + initrd.gz (same site)")
    ap.add_argument("--linux-tiny", help="initrd built with one tiny asset")
    ap.add_argument("--quartz-big", help="ELF with the default site + the 10 MiB file")
    ap.add_argument("--linux-big-dir", help="vmlinuz + initrd.gz with the 10 MiB file")
    ap.add_argument("--floor", required=True)
    ap.add_argument("--mem", default="128M", help="-m for every run but the memory search")
    ap.add_argument("--big", default="/big.bin")
    ap.add_argument("--big-sha", default="")
    ap.add_argument("--small", default="/hello.html")
    ap.add_argument("--markdown", help="write the results here")
    ap.add_argument("--notes", help="Markdown appended after the table")
    ap.add_argument("--insns", help="TCG plugin .so counting guest instructions")
    ap.add_argument("--raw", help="append every client's full output here")
    ap.add_argument("--no-tap", action="store_true", help="skip the tap-device runs")
    ap.add_argument("--quartz-stripped", help="the default-site ELF without debug info")
    ap.add_argument("--quartz-tiny-stripped", help="the tiny-asset ELF without debug info")
    a = ap.parse_args()
    global RAW
    RAW = a.raw
    if RAW:
        open(RAW, "w").close()

    q = a.quick
    load0 = os.getloadavg()[0]
    boots = 1 if q else 5
    dl_runs = 1 if q else 5
    wrk_secs = 2 if q else 10
    ab_n = 200 if q else 2000
    mem_sizes = [] if q else [4, 5, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256]

    ldir = a.linux_dir
    append = "console=ttyS0 quiet panic=-1"
    khz = host_tsc_khz()
    if khz:
        append += " tsc_early_khz=%d" % khz
    linux = lambda d: Guest("linux", os.path.join(d, "vmlinuz"), os.path.join(d, "initrd.gz"), append)
    # The default site, for boot time, size and memory; the same plus the
    # 10 MiB file for the load runs (a 10 MiB random file in a gzip'd
    # initramfs would slow Linux's boot by its decompression).
    # accesslog=0: Quartz writes a serial line per request by default, and
    # the nginx guest keeps no access log either.
    qappend = "accesslog=0"
    guests = {"quartz": Guest("quartz", a.quartz, append=qappend), "linux": linux(ldir)}
    big = {"quartz": Guest("quartz", a.quartz_big or a.quartz, append=qappend),
           "linux": linux(a.linux_big_dir or ldir)}
    limit = {"quartz": 20, "linux": 60}
    R = {"quartz": {}, "linux": {}}
    log = lambda *x: print("bench:", *x, file=sys.stderr, flush=True)

    # 1. boot to first 200, and the floor.  The runs are interleaved (floor,
    # Quartz, Linux, floor, ...) so that all three see the same mix of host
    # load: on this shared machine the floor alone moved between 0.09 and
    # 0.28 s from one minute to the next.
    fb, fe, ts = [], [], {g: [] for g in guests}
    for _ in range(boots):
        b, e = floor_time(a.floor, a.mem, 1)
        fb += b
        fe += e
        if not q:
            for g in guests:
                ts[g] += boot_time(guests[g], a.mem, 1, limit[g])
    floor = med(fb)
    log("floor: byte %s s, exit %s s" % (fmt(floor, "", 3), fmt(med(fe), "", 3)))
    if not q:
        for g in guests:
            R[g]["boot"] = med(ts[g])
            log("%s: first 200 after %s s (%d/%d boots served)" % (g, fmt(med(ts[g]), "", 3), len(ts[g]), boots))

    # 2. image size
    lk = os.path.getsize(guests["linux"].kernel)
    R["quartz"]["size"] = os.path.getsize(a.quartz_stripped or a.quartz)
    R["quartz"]["size_dbg"] = os.path.getsize(a.quartz)
    R["linux"]["size"] = lk + os.path.getsize(guests["linux"].initrd)
    if a.quartz_tiny and os.path.exists(a.quartz_tiny):
        R["quartz"]["size0"] = os.path.getsize(a.quartz_tiny_stripped or a.quartz_tiny)
    if a.linux_tiny and os.path.exists(a.linux_tiny):
        R["linux"]["size0"] = lk + os.path.getsize(a.linux_tiny)

    # 3. smallest -m that serves (the same default-site images)
    for g in guests:
        R[g]["mem"] = min_memory(guests[g], mem_sizes, limit[g]) if mem_sizes else "skipped"
        log("%s: serves with -m %sM" % (g, R[g]["mem"]))

    # 4-5. one long-running guest each (quick mode: the default-site guest,
    # whose boot also gives the boot time, and no 10 MiB file)
    cmds = {}

    def load(g, t, key):
        """The load runs against one serving guest; results under R[g][key+...]."""
        if not q:
            mbs, bad = throughput(t, a.big, a.big_sha, dl_runs)
            R[g][key + "mbs"], R[g][key + "mbs_bad"] = med(mbs), bad
            log("%s %s: 10 MiB at %s MB/s (%d bad)" % (g, key or "user", fmt(med(mbs)), bad))
        for c in (16, 256):
            w = run_wrk(t, a.small, c, wrk_secs)
            R[g][key + "wrk%d" % c] = w
            cmds[key + "wrk%d" % c] = " ".join(t.pre[:3] + ["NS"] if t.pre else []) + (" " if t.pre else "") + w["cmd"]
            log("%s %s: wrk -c%d: %s req/s p50 %s p99 %s ms, %s errors" %
                (g, key or "user", c, w["rps"], w["p50"], w["p99"], w["errors"]))
        b = run_ab(t, a.small, 16, ab_n)
        R[g][key + "ab"] = b
        cmds[key + "ab"] = " ".join(t.pre[:3] + ["NS"] if t.pre else []) + (" " if t.pre else "") + b["cmd"]
        log("%s %s: ab: %s req/s p50 %s p99 %s ms, %s errors" %
            (g, key or "user", b["rps"], b["p50"], b["p99"], b["errors"]))

    for g in guests:
        vm, port = start_serving(guests[g] if q else big[g], a.mem, limit[g])
        if vm is None:
            log("%s: did not serve; skipping load tests" % g)
            continue
        if q:
            R[g]["boot"] = vm.served
        try:
            load(g, Target("http://127.0.0.1:%d" % port), "")
        finally:
            vm.stop()
        for k in list(cmds):
            cmds[k] = cmds[k].replace(":%d/" % port, ":PORT/")

    # The same loads over a tap device in a network namespace made for the
    # purpose: no user-networking copy, no forwarded port with a backlog of 1.
    ns = Netns.make() if not a.no_tap else None
    if ns is None:
        log("tap: skipped (needs root and ip netns)" if not a.no_tap else "tap: skipped")
    else:
        try:
            # Quick mode exercises this path with Quartz alone: a Linux boot
            # costs seconds to tens of seconds.
            for g in (["quartz"] if q else guests):
                vm = ns.boot(big[g] if not q else guests[g], a.mem, limit[g])
                if vm is None:
                    log("%s tap: did not serve" % g)
                    continue
                try:
                    load(g, Target("http://10.0.2.15", ns.pre), "tap_")
                finally:
                    vm.stop()
        finally:
            ns.delete()

    # 6. instructions per request (the default-site guests, plugin loaded)
    if a.insns and os.path.exists(a.insns):
        for g in (["quartz"] if q else guests):
            R[g]["ipr"] = insns_per_request(guests[g], a.mem, a.insns, a.small, 200 if q else 2000, limit[g])
            log("%s: %s guest instructions per request" % (g, fmt(R[g]["ipr"], "", 0)))

    # ---- table
    rows = []
    def row(name, qv, lv, unit, prec, hib, target):
        r = "-" if hib is None else ratio(qv, lv, hib) if not isinstance(qv, str) else "n/a"
        rows.append((name, fmt(qv, unit, prec), fmt(lv, unit, prec), r, target))
    qb, lb = R["quartz"].get("boot"), R["linux"].get("boot")
    row("first HTTP 200 after QEMU start (s, median)", qb, lb, " s", 3, False,
        "<= 1.3x floor (floor %s s; quartz/floor %s)" % (fmt(floor, "", 3),
                                                         "%.2fx" % (qb / floor) if qb and floor else "n/a"))
    row("image size, default site (bytes)", R["quartz"]["size"], R["linux"]["size"], "", 0, False,
        "Quartz: ELF without debug info (%d with)" % R["quartz"]["size_dbg"])
    row("image size, no assets (bytes)", R["quartz"].get("size0"), R["linux"].get("size0"), "", 0, False,
        "<= 1/50 of Linux")
    row("smallest -m that serves (MiB)", R["quartz"]["mem"], R["linux"]["mem"], "", 0, False, "8 MiB")
    for key, net in (("", "user net"), ("tap_", "tap")):
        Q, L = R["quartz"], R["linux"]
        row("%s: 10 MiB file (MB/s, median)" % net, Q.get(key + "mbs"), L.get(key + "mbs"), "", 1, True,
            ">= 1.5x")
        for c in (16, 256):
            k = key + "wrk%d" % c
            qw, lw = Q.get(k, {}), L.get(k, {})
            row("%s: keep-alive %d conns: req/s" % (net, c), qw.get("rps"), lw.get("rps"), "", 0, True, ">= 3x")
            row("%s: keep-alive %d conns: p50 (ms)" % (net, c), qw.get("p50"), lw.get("p50"), "", 2, False, "")
            row("%s: keep-alive %d conns: p99 (ms)" % (net, c), qw.get("p99"), lw.get("p99"), "", 2, False,
                "<= 1/10")
            row("%s: keep-alive %d conns: errors" % (net, c), qw.get("errors"), lw.get("errors"), "", 0, None,
                "0" if c == 256 else "")
        qa, la = Q.get(key + "ab", {}), L.get(key + "ab", {})
        row("%s: no keep-alive (ab -c16): req/s" % net, qa.get("rps"), la.get("rps"), "", 0, True, "")
        row("%s: no keep-alive (ab -c16): p50 (ms)" % net, qa.get("p50"), la.get("p50"), "", 0, False, "")
        row("%s: no keep-alive (ab -c16): p99 (ms)" % net, qa.get("p99"), la.get("p99"), "", 0, False, "")
        row("%s: no keep-alive (ab -c16): errors" % net, qa.get("errors"), la.get("errors"), "", 0, None, "")
    row("guest instructions per request (ab -k -c1)", R["quartz"].get("ipr"), R["linux"].get("ipr"), "", 0, False,
        "" if a.insns and os.path.exists(a.insns) else "omitted: TCG plugin not built")

    hdr = ("what", "Quartz", "Linux 6.1 + nginx", "Quartz advantage", "target")
    w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(5)]
    line = lambda r: "| " + " | ".join(str(r[i]).ljust(w[i]) for i in range(5)) + " |"
    table = [line(hdr), "|" + "|".join("-" * (x + 2) for x in w) + "|"] + [line(r) for r in rows]
    print("\n".join(table))

    if a.markdown:
        qv = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        cpu = "unknown"
        for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if l.startswith("Model name:"):
                cpu = l.split(":", 1)[1].strip()
        ncpu = os.cpu_count()
        g = guests["linux"]
        md = []
        md.append("# Benchmarks: Quartz against a Linux guest\n")
        md.append("Generated by `make bench%s` (tools/bench.sh) on %s.\n" %
                  (" QUICK=1" if q else "", datetime.datetime.now().strftime("%Y-%m-%d %H:%M %Z").strip()))
        md.append("- QEMU: %s, TCG (no KVM), one vCPU per guest" % qv)
        md.append("- Host CPU: %s, %d cores" % (cpu, ncpu))
        md.append("- Linux guest: Debian's kernel (%s) + initramfs with busybox-static and nginx %s" %
                  (open(os.path.join(ldir, "stamp")).read().split()[0] if os.path.exists(os.path.join(ldir, "stamp")) else "?",
                   subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]))
        md.append("- Runs: %d cold boots each; %d downloads; wrk %d s per run; ab %d requests" %
                  (boots, dl_runs, wrk_secs, ab_n))
        md.append("- Host load average (1 min) at start %.1f, at end %.1f: other work on this 2-core "
                  "machine competes with QEMU and the clients, so compare the columns of one run, "
                  "not runs with each other\n" % (load0, os.getloadavg()[0]))
        md.append("## Results\n")
        md.append("\n".join(table) + "\n")
        md.append("\"Quartz advantage\" is Linux/Quartz for times, sizes and memory, and Quartz/Linux "
                  "for rates: above 1x Quartz is better.\n")
        md.append("## Command lines\n")
        md.append("Both guests (only -kernel, -initrd and -append differ; the memory search "
                  "changes -m; each run gets a free port):\n")
        md.append("```\n" + " ".join(shlex.quote(x) for x in guests["quartz"].argv(0, a.mem, "file:LOG")).replace(":0-:80", ":PORT-:80") + "\n")
        md.append(" ".join(shlex.quote(x) for x in g.argv(0, a.mem, "file:LOG")).replace(":0-:80", ":PORT-:80") + "\n```\n")
        md.append("The tap runs replace the two network arguments with `-netdev tap,id=n0,ifname=qtap0,"
                  "script=no,downscript=no -device virtio-net-device,netdev=n0`, QEMU and the clients "
                  "running inside a network namespace NS made for the run, where qtap0 is 10.0.2.2/24 "
                  "and the guest is 10.0.2.15.\n")
        md.append("Floor: `%s` (time to the byte on stdout)\n" %
                  " ".join(Guest("floor", a.floor).argv(None, a.mem, "stdio")))
        md.append("Clients:\n```\ncurl -s -o FILE -w '%%{time_total} %%{http_code}' http://127.0.0.1:PORT%s   # then sha256\n%s\n```\n" %
                  (a.big, "\n".join(cmds[k] for k in sorted(cmds))))
        if a.notes and os.path.exists(a.notes):
            md.append(open(a.notes).read())
        with open(a.markdown, "w") as f:
            f.write("\n".join(md))
        log("wrote", a.markdown)
    ok = R["quartz"].get("boot") is not None and R["linux"].get("boot") is not None
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        subprocess.run(["rm", "-rf", TMP])
