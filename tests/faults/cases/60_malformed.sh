# tests/faults/cases/60_malformed.sh - malformed input (sourced by run.sh).
#
# 100 000 random and mutated frames from frames.py (scapy templates of every
# layer, then mutations; raw AF_PACKET on qtap0, paced by what QEMU takes
# off the tap), then 10 000 malformed HTTP requests (clients.py httpfuzz).
# Afterwards the guest must answer pings, serve byte-exact and be back to
# its baseline; its drop counters must account for at least DROP_PCT% of
# the frames it was handed (the rest are frames a correct stack answers or
# accepts: echo requests, RSTs to closed ports, ARP requests, fragments
# still waiting for their train).

if [ -n "$QUICK" ]; then NFRAMES=20000; NHTTP=1000; else NFRAMES=100000; NHTTP=10000; fi
DROP_PCT=80

if ! guest_boot tap 900; then
	fail malformed-boot "guest did not serve on tap"
else
	$CX curl -s -o /dev/null "$GURL/img.bin"
	gmac=$(nsx ip neigh show "$GUEST_IP" | awk '{ print $5; exit }')
	stats_save "$T/mf0"
	if timeout 300 ip netns exec "$NS" "$PY" "$FX/frames.py" qtap0 "${gmac:-52:54:00:12:34:56}" \
		"$GUEST_IP" "$HOST_IP" "$NFRAMES" 11 > "$T/frames" 2>&1; then
		:
	else
		fail malformed-frames-sent "frames.py failed: $(tail -2 "$T/frames" | tr '\n' ' ')"
	fi
	note "$(grep '^frames:' "$T/frames" | tail -2 | tr '\n' ' ')"
	sent=$(awk '/^SENT/ { print $2 }' "$T/frames"); sent=${sent:-0}
	deliv=$(awk '/^SENT/ { print $4 }' "$T/frames"); deliv=${deliv:-0}
	sleep 2
	stats_save "$T/mf1"
	rx=$(stats_cmd delta "$T/mf0" "$T/mf1" '^virtio_net\.rx_frames$')
	drops=$(stats_cmd delta "$T/mf0" "$T/mf1" '^(eth|arp|ip|icmp|tcp)\.drop_|^ip\.reass_(bad|toobig|noslot|nomem|overlap|dup)$|^virtio_net\.rx_(short|too_long)$')
	note "guest: virtio rx +$rx frames for $deliv taken off the tap; drop counters +$drops"
	note "guest drops by reason: $(stats_cmd diff "$T/mf0" "$T/mf1" | grep -E '\.(drop_[a-z_]*|reass_[a-z]*|rx_short|rx_too_long) ' | awk '{ print $1, $5 }' | sort -t'(' -k2 -rn | tr '\n' ' ')"
	note "guest answered: $(stats_cmd diff "$T/mf0" "$T/mf1" | grep -E '^(icmp\.echo_reply_tx|tcp\.(rst_out|conn_refused|challenge_ack)|arp\.(reply_tx|learned|req_rx)|ip\.frag_rx|ip\.reass_ok) ' | awk '{ print $1, $5 }' | tr '\n' ' ')"
	if [ "$sent" -ge "$NFRAMES" ]; then pass malformed-frames-sent
	else fail malformed-frames-sent "only $sent of $NFRAMES frames could be sent"; fi
	if [ "$deliv" -gt 0 ] && [ "$drops" -ge $((deliv * DROP_PCT / 100)) ]; then
		pass malformed-drops-counted
	else
		fail malformed-drops-counted "drop counters +$drops for $deliv frames handed to the guest (want >= $DROP_PCT%)"
	fi

	if $CX "$PY" "$FX/clients.py" httpfuzz "$GURL/" --count $NHTTP --conc 16 --seed 5 > "$T/hf" 2>&1; then
		pass malformed-http
	else
		fail malformed-http "$(tail -1 "$T/hf")"
	fi
	note "$(tail -1 "$T/hf")"
	stats_save "$T/mf2"
	note "guest HTTP: $(stats_cmd diff "$T/mf1" "$T/mf2" | grep -E '^http\.(resp_[0-9]*|eof_mid_request|aborted_responses|conn_refused) ' | awk '{ print $1, $5 }' | tr '\n' ' ')"

	if nsx ping -c 5 -i 0.2 -W 2 -q "$GUEST_IP" > "$T/ping" 2>&1; then pass malformed-ping-after
	else fail malformed-ping-after "$(grep -E 'packets' "$T/ping")"; fi
	if fetch_check img.bin 30; then pass malformed-serves-after; else fail malformed-serves-after "$FETCH_WHY"; fi
	if wait_settled "$T/mf0" 40; then
		pass malformed-settled
		note "back to baseline after ${SETTLED_AFTER}s: $SETTLED_WHY"
	else
		fail malformed-settled "not back to baseline after ${SETTLED_AFTER}s: $SETTLED_WHY"
	fi
	if guest_alive; then pass malformed-guest-alive; else fail malformed-guest-alive "QEMU exited"; fi
fi
guest_stop
