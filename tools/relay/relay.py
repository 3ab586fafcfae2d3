#!/usr/bin/python3
"""tools/relay/relay.py - a frame relay between a tap device and QEMU's
`-netdev dgram` (unix datagram) backend, that can misbehave on purpose.

    QEMU ── unix dgram ── relay ── /dev/net/tun (tap) ── host stack

    qemu ... -netdev dgram,id=n0,local.type=unix,local.path=Q,
                      remote.type=unix,remote.path=R
    relay.py --tap qtap0 --sock R --peer Q --seed 7 \
             --reorder 5 --dup 5 --corrupt 2 --stats out.json

One datagram is one Ethernet frame (no length prefix), which is why the
dgram backend was chosen over `stream`.  Every frame, in both directions,
goes through the same fault pipeline, driven by one seeded RNG so a run
can be repeated:

  drop     the frame is not forwarded;
  corrupt  one bit is flipped inside the IPv4 datagram (never in the
           Ethernet header, never in padding past the IP total length), so
           every corrupted frame is one a receiver's checksum must catch;
           non-IPv4 frames (ARP) are never corrupted;
  dup      the frame is sent twice;
  reorder  the frame is held back and sent after the next frame in the same
           direction (or after HOLD_MS if no frame follows).

Counters per direction ("to_guest" = tap -> QEMU, "to_host" = QEMU -> tap)
are written as JSON to --stats every second and on exit (SIGTERM/SIGINT),
so the test can compare what was done with what the guest counted.

The same program with no faults is the test suite's stand-in "QEMU" when
no kernel is built yet: a tap in another namespace plays the guest NIC.

Percentages are floats (0..100).  Python is fast enough here: a frame costs
two syscalls, and the guest under TCG is far slower than that.
"""
import argparse
import fcntl
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
HOLD_MS = 20          # longest a reordered frame waits for a successor
SEND_WAIT_MS = 200    # longest a frame waits for room on the other side
MAX_FRAME = 65536


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    ifr = struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    return fd


class Direction:
    """One direction of the relay: its fault counters and held frame."""

    def __init__(self, name, send, fd):
        self.name = name
        self.send_raw = send
        self.fd = fd
        self.held = None          # (frame, deadline) being reordered
        self.c = dict(frames_in=0, frames_out=0, bytes_in=0, dropped=0,
                      corrupted=0, corrupted_sent=0, corrupted_ipv4_tcp=0, duplicated=0,
                      reordered=0, send_waits=0, send_full=0, send_no_peer=0,
                      send_errors=0)

    def wait_writable(self, secs):
        select.select([], [self.fd], [], max(0.0, secs))

    def send(self, frame):
        """Hand one frame on.  A full queue on the other side (QEMU busy,
        tap backlog) is waited for, up to SEND_WAIT_MS: the only losses on
        this link are the ones asked for.  Failures are counted by kind."""
        deadline = None
        while True:
            try:
                self.send_raw(frame)
                self.c["frames_out"] += 1
                return
            except BlockingIOError:
                now = time.monotonic()
                if deadline is None:
                    self.c["send_waits"] += 1
                    deadline = now + SEND_WAIT_MS / 1000.0
                if now >= deadline:
                    self.c["send_full"] += 1
                    return
                self.wait_writable(deadline - now)
            except (ConnectionRefusedError, FileNotFoundError):
                self.c["send_no_peer"] += 1       # QEMU not up yet, or gone
                return
            except OSError:
                self.c["send_errors"] += 1
                return

    def flush_held(self, now):
        if self.held and now >= self.held[1]:
            self.send(self.held[0])
            self.held = None


class Relay:
    def __init__(self, args):
        self.a = args
        self.rng = random.Random(args.seed)
        self.tap = open_tap(args.tap)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if os.path.exists(args.sock):
            os.unlink(args.sock)
        self.sock.bind(args.sock)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        self.sock.setblocking(False)
        self.peer_connected = False
        self.to_guest = Direction("to_guest", self.send_peer, self.sock)
        self.to_host = Direction("to_host", lambda f: os.write(self.tap, f), self.tap)
        self.running = True
        self.last_dump = 0.0

    def send_peer(self, frame):
        # connect()ed, so that select() waits for room in QEMU's receive
        # queue (a unix dgram socket holds only net.unix.max_dgram_qlen
        # frames); QEMU binds its path after we start, so connect lazily.
        if not self.peer_connected:
            self.sock.connect(self.a.peer)
            self.peer_connected = True
        self.sock.send(frame)

    def corrupt(self, frame):
        """Flip one bit inside the IPv4 datagram, or return None if the
        frame is not IPv4 (nothing a checksum would cover)."""
        if len(frame) < 34 or frame[12:14] != b"\x08\x00":
            return None
        ip_len = struct.unpack("!H", frame[16:18])[0]
        end = min(len(frame), 14 + max(ip_len, 20))
        pos = self.rng.randrange(14, end)
        b = bytearray(frame)
        b[pos] ^= 1 << self.rng.randrange(8)
        return bytes(b), frame[23] == 6

    def handle(self, d, frame, now):
        a, r, c = self.a, self.rng, d.c
        c["frames_in"] += 1
        c["bytes_in"] += len(frame)
        if a.drop and r.random() * 100 < a.drop:
            c["dropped"] += 1
            return
        if a.corrupt and r.random() * 100 < a.corrupt:
            res = self.corrupt(frame)
            if res:
                frame, is_tcp = res
                c["corrupted"] += 1
                c["corrupted_ipv4_tcp"] += int(is_tcp)
        else:
            res = None
        copies = 1
        if a.dup and r.random() * 100 < a.dup:
            c["duplicated"] += 1
            copies = 2
        if res:                   # what the receiver's checksums must catch
            c["corrupted_sent"] += copies
        if a.reorder and d.held is None and r.random() * 100 < a.reorder:
            c["reordered"] += 1
            d.held = (frame, now + HOLD_MS / 1000.0)
            if copies == 2:
                d.send(frame)     # one copy now, the other after its successor
            return
        for _ in range(copies):
            d.send(frame)
        if d.held:                # the held frame goes after this one
            d.send(d.held[0])
            d.held = None

    def dump(self):
        if not self.a.stats:
            return
        out = {"seed": self.a.seed, "drop": self.a.drop, "corrupt": self.a.corrupt,
               "dup": self.a.dup, "reorder": self.a.reorder,
               "to_guest": self.to_guest.c, "to_host": self.to_host.c}
        tmp = self.a.stats + ".tmp"
        with open(tmp, "w") as f:
            json.dump(out, f)
        os.replace(tmp, self.a.stats)

    def run(self):
        deadline = time.monotonic() + self.a.duration if self.a.duration else None
        while self.running:
            now = time.monotonic()
            if deadline and now >= deadline:
                break
            wait = 0.5
            for d in (self.to_guest, self.to_host):
                if d.held:
                    wait = min(wait, max(0.0, d.held[1] - now))
            rd, _, _ = select.select([self.tap, self.sock], [], [], wait)
            now = time.monotonic()
            if self.tap in rd:
                for _ in range(64):
                    try:
                        f = os.read(self.tap, MAX_FRAME)
                    except BlockingIOError:
                        break
                    self.handle(self.to_guest, f, now)
            if self.sock in rd:
                for _ in range(64):
                    try:
                        f = self.sock.recv(MAX_FRAME)
                    except BlockingIOError:
                        break
                    self.handle(self.to_host, f, now)
            self.to_guest.flush_held(now)
            self.to_host.flush_held(now)
            if now - self.last_dump >= 1.0:
                self.dump()
                self.last_dump = now
        self.dump()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tap", required=True, help="tap device to open (must exist or be creatable)")
    p.add_argument("--sock", required=True, help="unix dgram path this relay binds")
    p.add_argument("--peer", required=True, help="unix dgram path QEMU binds")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--drop", type=float, default=0.0)
    p.add_argument("--corrupt", type=float, default=0.0)
    p.add_argument("--dup", type=float, default=0.0)
    p.add_argument("--reorder", type=float, default=0.0)
    p.add_argument("--stats", help="JSON counters file, rewritten every second")
    p.add_argument("--duration", type=float, default=0, help="exit after this many seconds (0: never)")
    a = p.parse_args()
    r = Relay(a)

    def stop(*_):
        r.running = False
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    r.run()


if __name__ == "__main__":
    sys.exit(main())
