#!/usr/bin/python3
"""tests/faults/frames.py IFACE GUEST_MAC GUEST_IP GW_IP COUNT [SEED]

Sends COUNT random and mutated Ethernet frames out of IFACE (the tap the
guest sits on) with a raw AF_PACKET socket, and prints what it sent.

Frames are built in two stages, because scapy builds a few thousand
frames a second and sends far slower than a socket:
  1. templates, with scapy: every layer the guest parses, each with
     hostile fields: Ethernet (short, odd types, VLAN tags), ARP (bad
     hardware/protocol lengths and opcodes, truncated), IPv4 (bad version,
     IHL, total length, checksum, TTL, options of every odd length,
     broadcast/multicast/own sources), fragments (overlapping, duplicated,
     never completed, past 64 KiB), ICMP (every type and code, truncated),
     TCP (every flag combination, data offsets 0..15, malformed options:
     zero and oversize lengths, window shift 255, MSS 0, odd SACK blocks);
  2. mutations, in plain python: bit flips, interesting byte values,
     truncation, random tails; half of them get their IPv4 and TCP/ICMP
     checksums recomputed so the parsers behind the checksum see them too.

Two things are kept out so the test measures parsing, not ARP spoofing or
a SYN flood: no frame claims the gateway's IP in an ARP sender field, and
a plain, valid SYN only ever goes to closed ports.

Sending is paced by the tap's own tx_packets counter (what QEMU has taken
off the tap), so frames are not lost in the host's queue: what the guest
was handed is what it must account for.
"""
import os
import random
import socket
import struct
import sys
import time

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, Raw,
                       conf, fragment, raw)

conf.verb = 0


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def fix_checksums(f):
    """Recompute the IPv4 header checksum and, for an unfragmented TCP or
    ICMP datagram whose lengths fit the frame, the transport checksum."""
    if len(f) < 34 or f[12:14] != b"\x08\x00":
        return f
    b = bytearray(f)
    ihl = (b[14] & 15) * 4
    if ihl < 20 or 14 + ihl > len(b):
        return f
    b[24:26] = b"\0\0"
    b[24:26] = struct.pack("!H", csum(bytes(b[14:14 + ihl])))
    tot = struct.unpack("!H", b[16:18])[0]
    frag = struct.unpack("!H", b[20:22])[0] & 0x3FFF
    if frag or tot < ihl or 14 + tot > len(b):
        return bytes(b)
    seg = 14 + ihl
    proto = b[23]
    if proto == 6 and tot - ihl >= 20:
        b[seg + 16:seg + 18] = b"\0\0"
        ph = bytes(b[26:34]) + struct.pack("!BBH", 0, 6, tot - ihl)
        b[seg + 16:seg + 18] = struct.pack("!H", csum(ph + bytes(b[seg:14 + tot])))
    elif proto == 1 and tot - ihl >= 8:
        b[seg + 2:seg + 4] = b"\0\0"
        b[seg + 2:seg + 4] = struct.pack("!H", csum(bytes(b[seg:14 + tot])))
    return bytes(b)


class Gen:
    def __init__(self, r, gmac, gip, gw, mymac):
        self.r, self.gmac, self.gip, self.gw, self.mymac = r, gmac, gip, gw, mymac

    def rip(self):
        r = self.r
        return r.choice([
            f"10.0.2.{r.randrange(3, 255)}", "0.0.0.0", "255.255.255.255", "10.0.2.255",
            f"224.0.0.{r.randrange(256)}", "127.0.0.1", self.gip,
            ".".join(str(r.randrange(256)) for _ in range(4))])

    def eth(self, typ=None):
        r = self.r
        dst = r.choice([self.gmac] * 6 + ["ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01",
                                          "02:00:00:00:00:01"])
        return Ether(dst=dst, src=self.mymac, type=typ if typ is not None else 0x0800)

    def opts(self):
        r = self.r
        return r.choice([
            b"", b"\x01" * r.randrange(1, 40), b"\x00", b"\x07\x03\x04", b"\x07\x27\x04" + b"\0" * 36,
            b"\x44\x02\x05\x00", b"\x44\xff", b"\x83\x00", b"\x83\x01\x00\x00",
            bytes(r.randrange(256) for _ in range(r.randrange(1, 41))),
            b"\x94\x04\x00\x00"])

    def tcp_opts(self):
        r = self.r
        return r.choice([
            b"", b"\x02\x04\x00\x00", b"\x02\x00", b"\x02\x01", b"\x02\xff",
            b"\x03\x03\xff\x01", b"\x03\x03\x0e", b"\x04\x02\x08\x0a" + b"\0" * 8,
            b"\x05\x03\x00", b"\x05\x0b" + b"\0" * 9, b"\x08\x05\x00\x00\x00",
            b"\x01" * 40, b"\x00\x02\x04\x05\xb4", b"\xfe\x00\x00\x00",
            bytes(r.randrange(256) for _ in range(r.randrange(1, 41)))])

    def pad4(self, b):
        return b + b"\x00" * (-len(b) % 4)

    def t_eth(self):
        r = self.r
        k = r.randrange(4)
        if k == 0:     # a bare or nearly bare header (shorter, the host refuses to send)
            return raw(self.eth(r.randrange(0x10000))) + os.urandom(r.randrange(0, 8))
        if k == 1:
            return raw(self.eth(r.randrange(0x10000)) / Raw(os.urandom(r.randrange(0, 200))))
        if k == 2:
            return raw(self.eth(0x8100) / Dot1Q(vlan=r.randrange(4096), type=r.choice([0x800, 0x806, 0x86dd]))
                       / Raw(os.urandom(r.randrange(0, 100))))
        return raw(self.eth(0x86DD) / Raw(os.urandom(r.randrange(0, 100))))

    def t_arp(self):
        r = self.r
        psrc = self.rip()
        if psrc == self.gw:
            psrc = "10.0.2.77"
        a = ARP(op=1, hwsrc=r.choice([self.mymac, "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
                                      "01:00:5e:00:00:01", "02:00:00:00:00:77"]),
                psrc=psrc, pdst=r.choice([self.gip, self.gip, self.rip()]))
        # the odd header fields are patched into the bytes: scapy would
        # try to encode the addresses by the lengths it is given
        b = bytearray(raw(a))
        struct.pack_into("!HHBBH", b, 0, r.choice([1, 1, 1, 6, r.randrange(65536)]),
                         r.choice([0x800, 0x800, 0x86dd, r.randrange(65536)]),
                         r.choice([6, 6, 6, 0, 8, 255]), r.choice([4, 4, 4, 0, 6, 16, 255]),
                         r.choice([1, 2, 1, 2, 0, 3, 4, r.randrange(65536)]))
        a = Raw(bytes(b))
        f = raw(self.eth(0x0806) / a)
        if r.random() < 0.3:
            f = f[:r.randrange(14, len(f))]
        return f

    def ip(self, proto):
        r = self.r
        return IP(src=self.rip() if r.random() < 0.5 else self.gw,
                  dst=r.choice([self.gip] * 5 + ["255.255.255.255", "10.0.2.255", "10.0.2.99"]),
                  ttl=r.choice([64, 0, 1, 255]), proto=proto, id=r.randrange(65536),
                  flags=r.choice([0, 0, 2, 1, 4]))

    def ip_post(self, f):
        """Hostile IPv4 header fields, patched into the built frame's bytes
        (scapy's IPOption would parse our junk options and fail): options
        of odd kinds and lengths, then maybe a lying version, IHL, total
        length or checksum."""
        r = self.r
        b = bytearray(f)
        if r.random() < 0.3:
            o = self.pad4(self.opts())[:40]
            b[34:34] = o
            b[14] = 0x40 | (5 + len(o) // 4)
            struct.pack_into("!H", b, 16, struct.unpack_from("!H", b, 16)[0] + len(o))
        b = bytearray(fix_checksums(bytes(b)))
        if r.random() < 0.2:
            b[14] = (r.choice([0, 5, 6, 15]) << 4) | (b[14] & 15)
        if r.random() < 0.2:
            b[14] = (b[14] & 0xF0) | r.randrange(16)
        if r.random() < 0.2:
            struct.pack_into("!H", b, 16, r.choice([0, 1, 19, 20, 21, 1500, 65535, r.randrange(65536)]))
        if r.random() < 0.2:
            struct.pack_into("!H", b, 24, r.randrange(65536))
        elif r.random() < 0.5:
            b[24:26] = b"\0\0"
            ihl = (b[14] & 15) * 4
            if 20 <= ihl <= len(b) - 14:
                b[24:26] = struct.pack("!H", csum(bytes(b[14:14 + ihl])))
        return bytes(b)

    def t_ip(self):
        r = self.r
        return self.ip_post(raw(self.eth() / self.ip(r.randrange(256)) / Raw(os.urandom(r.randrange(0, 300)))))

    def t_icmp(self):
        r = self.r
        ic = ICMP(type=r.choice([8, 8, 0, 3, 5, 11, 13, r.randrange(256)]), code=r.randrange(256) if r.random() < .3 else 0,
                  id=r.randrange(65536), seq=r.randrange(65536))
        if r.random() < 0.2:
            ic.chksum = r.randrange(65536)
        f = self.ip_post(raw(self.eth() / self.ip(1) / ic / Raw(os.urandom(r.randrange(0, 1400)))))
        if r.random() < 0.2:
            f = f[:r.randrange(14, len(f))]
        return f

    def t_tcp(self):
        r = self.r
        flags = r.randrange(256)
        dport = r.choice([80, 80, 80, r.randrange(65536)])
        if flags & 0x02 and dport == 80 and not flags & 0x05:
            dport = r.choice([81, 8080, 22, r.randrange(1024, 65536)])   # no SYN flood here
        t = TCP(sport=r.randrange(65536), dport=dport, seq=r.randrange(1 << 32),
                ack=r.randrange(1 << 32), flags=flags, window=r.choice([0, 1, 65535, r.randrange(65536)]),
                urgptr=r.randrange(65536) if r.random() < 0.2 else 0,
                options=[])
        o = self.tcp_opts()
        pl = os.urandom(r.randrange(0, 200)) if r.random() < 0.4 else b""
        f = self.eth() / self.ip(6) / t / Raw(self.pad4(o) + pl)
        b = bytearray(self.ip_post(raw(f)))
        # data offset: the honest one (options counted) or a lie
        ihl = (b[14] & 15) * 4 if 20 <= (b[14] & 15) * 4 <= len(b) - 14 else 20
        off = 14 + ihl + 12
        if off < len(b):
            honest = min(15, (20 + len(self.pad4(o))) // 4)
            b[off] = ((r.randrange(16) if r.random() < 0.3 else honest) << 4) | (b[off] & 15)
        return fix_checksums(bytes(b)) if r.random() < 0.7 else bytes(b)

    def t_frag(self):
        """A whole train of fragments, hostile in one way or another."""
        r = self.r
        proto = r.choice([1, 6, 17])
        body = os.urandom(r.randrange(600, 9000))
        if proto == 1:
            inner = ICMP(type=8, id=r.randrange(65536)) / Raw(body)
        elif proto == 6:
            inner = TCP(sport=r.randrange(65536), dport=r.choice([80, 81]), flags="A") / Raw(body)
        else:
            inner = UDP(sport=r.randrange(65536), dport=r.randrange(65536)) / Raw(body)
        pkt = IP(src=f"10.0.2.{r.randrange(3, 255)}", dst=self.gip, id=r.randrange(65536)) / inner
        frs = fragment(pkt, fragsize=r.choice([8, 16, 64, 512, 1400]))
        frs = [bytes(raw(x)) for x in frs]
        k = r.randrange(6)
        if k == 0:
            r.shuffle(frs)
        elif k == 1:
            frs += [r.choice(frs) for _ in range(3)]
        elif k == 2 and len(frs) > 1:
            frs.pop(r.randrange(len(frs)))          # never completes
        elif k == 3:
            b = bytearray(r.choice(frs))            # offset past 64 KiB
            struct.pack_into("!H", b, 6, 0x2000 | 0x1FFF)
            frs.append(bytes(b))
        elif k == 4:
            b = bytearray(r.choice(frs))            # overlap: shift an offset
            fo = struct.unpack_from("!H", b, 6)[0]
            struct.pack_into("!H", b, 6, (fo & 0xE000) | max(0, (fo & 0x1FFF) - 1))
            frs.append(bytes(b))
        out = []
        for x in frs[:20]:
            b = bytearray(x)
            b[10:12] = b"\0\0"
            b[10:12] = struct.pack("!H", csum(bytes(b[:(b[0] & 15) * 4])))
            out.append(raw(self.eth()) + bytes(b))
        return out


def mutate(r, f):
    b = bytearray(f)
    for _ in range(r.randrange(1, 5)):
        if not b:
            break
        k = r.randrange(5)
        lo = 14 if len(b) > 14 and r.random() < 0.9 else 0
        pos = r.randrange(lo, len(b)) if len(b) > lo else 0
        if k == 0:
            b[pos] ^= 1 << r.randrange(8)
        elif k == 1:
            b[pos] = r.choice([0, 0xFF, 0x7F, 0x80, 0x01])
        elif k == 2 and len(b) > 15:
            del b[r.randrange(15, len(b)):]
        elif k == 3:
            b += bytes(r.randrange(256) for _ in range(r.randrange(1, 64)))
        else:
            struct.pack_into("!H", b, min(pos, len(b) - 2), r.choice([0, 0xFFFF, 0x8000, len(b)])) if len(b) >= 2 else None
    out = bytes(b[:1514])
    return fix_checksums(out) if r.random() < 0.5 else out


def tap_tx(iface):
    with open(f"/sys/class/net/{iface}/statistics/tx_packets") as f:
        return int(f.read())


def main():
    iface, gmac, gip, gw, count = sys.argv[1:6]
    count = int(count)
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    r = random.Random(seed)
    with open(f"/sys/class/net/{iface}/address") as f:
        mymac = f.read().strip()
    g = Gen(r, gmac, gip, gw, mymac)
    t0 = time.monotonic()
    kinds = dict(eth=0, arp=0, ip=0, icmp=0, tcp=0, frag=0, mutated=0)
    templates = []
    ntemp = max(200, min(3000, count // 30))
    makers = [("eth", g.t_eth, 1), ("arp", g.t_arp, 2), ("ip", g.t_ip, 3), ("icmp", g.t_icmp, 2),
              ("tcp", g.t_tcp, 6), ("frag", g.t_frag, 1)]
    weights = [w for _, _, w in makers]
    frames = []
    while len(templates) < ntemp:
        name, fn, _ = r.choices(makers, weights)[0]
        got = fn()
        for f in (got if isinstance(got, list) else [got]):
            templates.append((name, f))
    # half the frames are templates as built (fragment trains stay in
    # order, as a train), half are mutations of a random template
    for name, f in templates:
        frames.append(f)
        kinds[name] += 1
    while len(frames) < count:
        if r.random() < 0.5:
            name, f = r.choice(templates)
            frames.append(f)
            kinds[name] += 1
        else:
            frames.append(mutate(r, r.choice(templates)[1]))
            kinds["mutated"] += 1
    frames = frames[:count]
    t_build = time.monotonic() - t0

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    tx0 = tap_tx(iface)
    sent = errors = 0
    window = 128            # frames in the tap's queue at most
    t1 = time.monotonic()
    stall_deadline = None
    for i, f in enumerate(frames):
        if i % 32 == 0:
            while sent - (tap_tx(iface) - tx0) > window:
                if stall_deadline is None:
                    stall_deadline = time.monotonic() + 10
                if time.monotonic() > stall_deadline:
                    print(f"frames: the guest stopped taking frames after {sent} sent", flush=True)
                    window = 1 << 30      # carry on unpaced: the test will fail anyway
                    break
                time.sleep(0.001)
            stall_deadline = None
        try:
            s.send(f)
            sent += 1
        except OSError:
            errors += 1
    deadline = time.monotonic() + 10
    while tap_tx(iface) - tx0 < sent and time.monotonic() < deadline:
        time.sleep(0.05)
    delivered = tap_tx(iface) - tx0
    t_send = time.monotonic() - t1
    print(f"frames: {sent} sent ({errors} refused by the host socket), {delivered} taken by QEMU; "
          f"built in {t_build:.1f}s, sent in {t_send:.1f}s; "
          + " ".join(f"{k}={v}" for k, v in kinds.items()))
    print(f"SENT {sent} DELIVERED {delivered}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
