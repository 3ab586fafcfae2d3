#!/usr/bin/env bash
# tests/qemu/11_net_tap.sh - the guest on a tap device inside a network
# namespace this test creates (host side 10.0.2.2/24, guest 10.0.2.15):
#   - the boot ping from the guest is answered;
#   - ping -c 200 -i 0.01 from the namespace: 0% loss (RTTs reported);
#   - 1400- and 1472-byte payloads (the latter fills the 1500 MTU);
#   - arping gets a reply;
#   - 10 000 random bad frames (scapy, bounded) leave the guest answering,
#     and its counters show it saw them;
#   - a flood ping (ping -f -c 20000, bounded) loses < 1%; frames per
#     second both ways are reported as INFO lines.
# Needs root (netns, tap).  Everything it creates is removed on exit.
# Runs legacy virtio-mmio with acpi=off by default; 12_net_tap_modern.sh
# reruns it on the modern transport with ACPI (T names the results).
. "$(dirname "$0")/../lib.sh"
T=${TAP_NAME:-tap}

NS=quartz-t$$
TAP=qt$$
GUEST=10.0.2.15
LOG=$TMPDIR_T/tap.log

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
	fail $T:setup "needs root and iproute2 (ip netns, tuntap)"
	exit 0
fi

teardown() {
	cleanup_                                # QEMU first: it holds the tap
	ip netns del "$NS" 2>/dev/null
}
trap teardown EXIT

nsx() { ip netns exec "$NS" "$@"; }

if ! ip netns add "$NS" || ! nsx ip tuntap add dev "$TAP" mode tap ||
   ! nsx ip addr add 10.0.2.2/24 dev "$TAP" || ! nsx ip link set "$TAP" up ||
   ! nsx ip link set lo up; then
	fail $T:setup "could not create namespace $NS with tap $TAP"
	exit 0
fi

# QEMU runs inside the namespace; `ip netns exec` execs it, so the PID
# qemu_start records (timeout's) still leads straight to QEMU.
cat > "$TMPDIR_T/qemu-ns" <<EOF
#!/bin/sh
exec ip netns exec $NS ${QEMU:-qemu-system-x86_64} "\$@"
EOF
chmod +x "$TMPDIR_T/qemu-ns"
QEMU="$TMPDIR_T/qemu-ns" MACHINE=${MACHINE:-microvm,acpi=off} qemu_start "$LOG" 600 \
	-netdev tap,id=n0,ifname="$TAP",script=no,downscript=no \
	-device virtio-net-device,netdev=n0 ${TAP_QARGS:-} -append "stats_every=1"

if ! wait_serial "$LOG" '^ping: reply from 10\.0\.2\.2' 30; then
	fail $T:boot_ping "no reply to the guest's boot ping; serial tail: $(tail -n 8 "$LOG" | tr '\n' '|')"
	exit 0
fi
pass $T:boot_ping

# last_stat GROUP NAME: the newest value of a counter in the serial log
last_stat() {
	grep "net: stats $1 " "$LOG" | tail -n 1 | grep -oE "(^| )$2=[0-9]+" | cut -d= -f2
}

# --- ping: loss and RTT ---------------------------------------------------
out=$(nsx ping -c 200 -i 0.01 -W 2 -q $GUEST 2>&1)
if echo "$out" | grep -q ' 0% packet loss'; then
	pass $T:ping_200
else
	fail $T:ping_200 "$(echo "$out" | grep -E 'loss|rtt' | tr '\n' ' ')"
fi
echo "INFO $T: ping -c 200 -i 0.01: $(echo "$out" | grep -E '^rtt')"

for size in 1400 1472; do
	out=$(nsx ping -c 20 -i 0.02 -W 2 -q -s $size $GUEST 2>&1)
	if echo "$out" | grep -q ' 0% packet loss'; then
		pass $T:ping_payload_$size
	else
		fail $T:ping_payload_$size "$(echo "$out" | grep -E 'loss' | tr '\n' ' ')"
	fi
done

# --- ARP from the outside --------------------------------------------------
if nsx arping -c 3 -w 5 -I "$TAP" $GUEST >"$TMPDIR_T/arping.out" 2>&1 &&
   grep -qi 'reply from 10.0.2.15 \[52:54:00:12:34:56\]' "$TMPDIR_T/arping.out"; then
	pass $T:arping
else
	fail $T:arping "$(tr '\n' ' ' < "$TMPDIR_T/arping.out")"
fi

# --- 10 000 bad frames -------------------------------------------------------
sleep 1.2   # a fresh stats line for the "before" count
rx_before=$(last_stat virtio_net rx_frames)
cat > "$TMPDIR_T/badframes.py" <<'PY'
# Random malformed frames at the guest: garbage, truncated and lying
# headers at every layer.  Deterministic seed so a failure can be replayed.
import random, sys, struct
from scapy.all import Ether, ARP, IP, ICMP, TCP, UDP, Raw, sendp, conf
conf.verb = 0
iface, count = sys.argv[1], int(sys.argv[2])
rnd = random.Random(4242)
GMAC, GIP = "52:54:00:12:34:56", "10.0.2.15"
def rbytes(n): return bytes(rnd.getrandbits(8) for _ in range(n))
def rip():     # never 10.0.2.2: a valid ARP claim for it would (rightly) be learned
    while True:
        a = "%d.%d.%d.%d" % tuple(rnd.randrange(256) for _ in range(4))
        if a != "10.0.2.2": return a
def dst(): return rnd.choice([GMAC, GMAC, "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01"])
def frame():
    k = rnd.randrange(10)
    if k == 0:      # pure garbage after an Ethernet header
        return Ether(dst=dst(), type=rnd.randrange(65536)) / Raw(rbytes(rnd.randrange(0, 1500)))
    if k == 1:      # ARP with lying lengths / ops, truncated
        a = bytes(ARP(hwtype=rnd.randrange(4), ptype=rnd.choice([0x800, rnd.randrange(65536)]),
                      hwlen=rnd.choice([6, rnd.randrange(256)]), plen=rnd.choice([4, rnd.randrange(256)]),
                      op=rnd.randrange(6), psrc=rip(), pdst=rnd.choice([GIP, rip()])))
        return Ether(dst=dst(), type=0x806) / Raw(a[:rnd.randrange(len(a) + 1)])
    if k in (2, 3): # IPv4 header with random version/ihl/len/frag/proto/csum
        ip = IP(src=rip(), dst=rnd.choice([GIP, GIP, "10.0.2.255", rip()]),
                version=rnd.choice([4, 4, rnd.randrange(16)]), ihl=rnd.randrange(16),
                len=rnd.choice([None, rnd.randrange(65536)]), flags=rnd.randrange(8),
                frag=rnd.randrange(8192), ttl=rnd.randrange(256), proto=rnd.randrange(256),
                chksum=rnd.choice([None, rnd.randrange(65536)]))
        b = bytes(ip / Raw(rbytes(rnd.randrange(0, 1400))))
        return Ether(dst=dst(), type=0x800) / Raw(b[:rnd.randrange(len(b) + 1)])
    if k in (4, 5): # fragments: overlapping, oversized, never finished
        off = rnd.randrange(8192)
        ip = IP(src=rip(), dst=GIP, id=rnd.randrange(4), flags=rnd.choice([0, 1]), frag=off,
                proto=rnd.choice([1, 6, 17]))
        return Ether(dst=GMAC) / ip / Raw(rbytes(rnd.randrange(8, 1400) & ~7))
    if k == 6:      # ICMP with bad checksums / types, echo with junk
        return Ether(dst=GMAC) / IP(src=rip(), dst=GIP) / ICMP(
            type=rnd.randrange(256), code=rnd.randrange(256),
            chksum=rnd.choice([None, rnd.randrange(65536)])) / Raw(rbytes(rnd.randrange(0, 1400)))
    if k in (7, 8): # TCP at port 80 with random flags, offsets, options
        t = TCP(sport=rnd.randrange(65536), dport=rnd.choice([80, 80, rnd.randrange(65536)]),
                seq=rnd.getrandbits(32), ack=rnd.getrandbits(32), flags=rnd.randrange(256),
                dataofs=rnd.choice([None, rnd.randrange(16)]), window=rnd.randrange(65536),
                chksum=rnd.choice([None, None, rnd.randrange(65536)]),
                options=rnd.choice([[], [("MSS", rnd.randrange(65536))], [("WScale", 14)],
                                    [("NOP", None)] * 3 + [("EOL", None)]]))
        b = bytes(IP(src=rip(), dst=GIP) / t / Raw(rbytes(rnd.randrange(0, 600))))
        return Ether(dst=GMAC, type=0x800) / Raw(b[:rnd.randrange(20, len(b) + 1)])
    # UDP and anything else the guest does not serve
    return Ether(dst=GMAC) / IP(src=rip(), dst=GIP) / UDP(sport=rnd.randrange(65536),
        dport=rnd.randrange(65536)) / Raw(rbytes(rnd.randrange(0, 1400)))
frames = [frame() for _ in range(count)]
sent = 0
for i in range(0, count, 500):  # batches: one socket, bounded work per call
    sendp(frames[i:i + 500], iface=iface)
    sent += len(frames[i:i + 500])
print("sent", sent)
PY
if nsx timeout 300 /usr/bin/python3 "$TMPDIR_T/badframes.py" "$TAP" 10000 >"$TMPDIR_T/bad.out" 2>&1; then
	pass $T:bad_frames_sent
else
	fail $T:bad_frames_sent "$(tail -n 3 "$TMPDIR_T/bad.out" | tr '\n' ' ')"
fi
out=$(nsx ping -c 20 -i 0.05 -W 2 -q $GUEST 2>&1)
if echo "$out" | grep -q ' 0% packet loss'; then
	pass $T:alive_after_bad_frames
else
	fail $T:alive_after_bad_frames "$(echo "$out" | grep loss)"
fi
sleep 1.2
rx_after=$(last_stat virtio_net rx_frames)
if [ -n "$rx_before" ] && [ -n "$rx_after" ] && [ $((rx_after - rx_before)) -ge 9000 ]; then
	pass $T:bad_frames_reached_guest
else
	fail $T:bad_frames_reached_guest "virtio_net rx_frames before=$rx_before after=$rx_after"
fi
if grep -qi 'panic' "$LOG"; then
	fail $T:no_panic "$(grep -i -m1 panic "$LOG")"
else
	pass $T:no_panic
fi

# --- flood ping: throughput ----------------------------------------------------
rx0=$(last_stat virtio_net rx_frames); tx0=$(last_stat virtio_net tx_frames)
out=$(nsx timeout 150 ping -f -c 20000 -w 120 -q $GUEST 2>&1)
sleep 1.2
rx1=$(last_stat virtio_net rx_frames); tx1=$(last_stat virtio_net tx_frames)
line=$(echo "$out" | grep 'packets transmitted')
if [[ $line =~ ([0-9]+)\ packets\ transmitted,\ ([0-9]+)\ received.*time\ ([0-9]+)ms ]]; then
	txd=${BASH_REMATCH[1]} rcv=${BASH_REMATCH[2]} ms=${BASH_REMATCH[3]}
	echo "INFO $T: ping -f -c 20000: $line; $(echo "$out" | grep -E '^rtt')"
	if [ "$ms" -gt 0 ]; then
		echo "INFO $T: flood: $((rcv * 1000 / ms)) echo round trips/s;" \
			"guest virtio_net rx $((rx1 - rx0)) tx $((tx1 - tx0)) frames over ${ms} ms" \
			"= $(((rx1 - rx0) * 1000 / ms)) rx/s, $(((tx1 - tx0) * 1000 / ms)) tx/s"
	fi
	if [ "$txd" -ge 20000 ] && [ $((rcv * 100)) -ge $((txd * 99)) ]; then
		pass $T:flood_ping
	else
		fail $T:flood_ping "$line"
	fi
else
	fail $T:flood_ping "no summary: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
fi
grep 'net: stats virtio_net' "$LOG" | tail -n 1 | sed "s/^/INFO $T: /"
exit 0
