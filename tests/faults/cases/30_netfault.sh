# tests/faults/cases/30_netfault.sh - the guest's own fault injector over
# user networking (sourced by run.sh).
#
# -append netfault=drop:P,corrupt:P makes net/fault.c drop and flip bits
# in frames both ways inside the guest, so loss and corruption can be
# tested where no tap or nftables is at hand (QEMU user networking,
# hostfwd on 127.0.0.1).  Its flips land anywhere in the frame, so they
# show up as drops of every kind (checksum, not-us, bad type...) except in
# the few bytes nobody checks (source MAC, Ethernet padding): the stated
# share is 60%.

if [ -n "$QUICK" ]; then SIZES="1k.bin img.bin"; else SIZES="1k.bin img.bin 4m.bin"; fi
NF_DROP=5; NF_CORRUPT=2

if [ -n "${STANDIN:-}" ]; then
	note "netfault: skipped, the stand-in has no user networking"
elif ! guest_boot user 900 "netfault=drop:$NF_DROP,corrupt:$NF_CORRUPT"; then
	fail netfault-boot "guest did not serve on user networking (log: $(tail -2 "$GLOG" 2>/dev/null | tr '\n' ' '))"
else
	grep -q "fault injection" "$GLOG" || note "netfault: no 'fault injection' line on serial"
	stats_save "$T/nf0"
	for sz in $SIZES; do
		if fetch_check "$sz" 120; then
			pass "netfault-$sz"
			note "netfault drop ${NF_DROP}% corrupt ${NF_CORRUPT}% (user net): $sz byte-exact in ${FETCH_TIME}s"
		else
			fail "netfault-$sz" "$FETCH_WHY"
		fi
	done
	stats_save "$T/nf1"
	rxd=$(stats_cmd delta "$T/nf0" "$T/nf1" '^fault\.rx_drop$')
	rxc=$(stats_cmd delta "$T/nf0" "$T/nf1" '^fault\.rx_corrupt$')
	txd=$(stats_cmd delta "$T/nf0" "$T/nf1" '^fault\.tx_drop$')
	txc=$(stats_cmd delta "$T/nf0" "$T/nf1" '^fault\.tx_corrupt$')
	drops=$(stats_cmd delta "$T/nf0" "$T/nf1" '^(eth|arp|ip|icmp|tcp)\.drop_')
	csum=$(stats_cmd delta "$T/nf0" "$T/nf1" '\.drop_csum$')
	note "guest injector: rx dropped $rxd corrupted $rxc, tx dropped $txd corrupted $txc; drops counted +$drops (checksum +$csum)"
	if [ "$rxd" -gt 0 ] && [ "$txd" -gt 0 ]; then pass netfault-injected
	else fail netfault-injected "injector did not fire (rx_drop +$rxd tx_drop +$txd)"; fi
	if [ "$rxc" -eq 0 ] || [ "$drops" -ge $((rxc * 6 / 10)) ]; then pass netfault-corrupt-counted
	else fail netfault-corrupt-counted "$rxc frames corrupted on receive, only $drops drops counted (want >= 60%)"; fi
	if guest_alive; then pass netfault-guest-alive; else fail netfault-guest-alive "QEMU exited"; fi
fi
guest_stop
