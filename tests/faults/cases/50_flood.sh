# tests/faults/cases/50_flood.sh - connection floods (sourced by run.sh).
#
# A. 2 000 concurrent slowloris connections (half silent, half trickling a
#    header line every 5 s and never finishing the request; any the server
#    closes is reopened) for a while;
# B. a SYN flood from random source addresses (hping3, bounded by count),
#    whose SYN-ACKs go nowhere, so half-open connections pile up.
# Throughout, one normal client asks for /1k.bin every half second: every
# request must be a 200 within 5 s.  Afterwards every TCB and connection
# must be gone again (stats back to the baseline).

if [ -n "$QUICK" ]; then NLORIS=2000; DLORIS=15; NSYN=10000; SETTLE=75
else NLORIS=2000; DLORIS=40; NSYN=20000; SETTLE=100; fi

if ! guest_boot tap 900; then
	fail flood-boot "guest did not serve on tap"
else
	$CX curl -s -o /dev/null "$GURL/img.bin"
	stats_save "$T/fl0"
	# A: slowloris
	bg nsx "$PY" "$FX/clients.py" slowloris "$GURL/" --conns $NLORIS --duration $DLORIS --trickle 5 > "$T/loris" 2>&1
	loris_pid=$LAST_BG
	sleep 2
	# a sample of the guest's tables half way through
	( sleep $((DLORIS / 2)); stats_save "$T/fl-mid" ) &
	mid_pid=$!
	if $CX "$PY" "$FX/clients.py" probe "$GURL/1k.bin" --duration $((DLORIS - 4)) \
		--interval 0.5 --timeout 5 > "$T/probeA" 2>&1; then
		pass flood-slowloris-service
	else
		fail flood-slowloris-service "$(tail -1 "$T/probeA")"
	fi
	note "$(grep 'probe failure' "$T/probeA" | head -2 | tr '\n' ' ')"
	note "during slowloris: $(tail -1 "$T/probeA")"
	wait "$mid_pid"
	wait "$loris_pid"
	note "$(tail -1 "$T/loris")"
	if [ -s "$T/fl-mid" ]; then
		note "mid-flood: HTTP connections $(stats_cmd val "$T/fl-mid" connections.current), TCBs $(stats_cmd sum "$T/fl-mid" '^tcp\.cur_')"
	else
		note "mid-flood: /api/stats.json could not be read either"
	fi
	stats_save "$T/fl1"
	note "guest during slowloris: $(stats_cmd diff "$T/fl0" "$T/fl1" | grep -E '^(tcp\.(conn_opened|conn_refused|conn_reset|conn_idle|conn_timedout|drop_[a-z_]*)|http\.(conn_refused|conn_total|conn_nomem)|connections\.refused) ' | cut -d' ' -f1,5 | tr '\n' ' ')"

	# B: SYN flood (hping3 sends 10 000 in about 5 s at -i u100)
	bg nsx timeout 120 hping3 -q -S -p 80 --rand-source -i u100 -c "$NSYN" "$GUEST_IP" > "$T/hping" 2>&1
	syn_pid=$LAST_BG
	if $CX "$PY" "$FX/clients.py" probe "$GURL/1k.bin" --duration $((NSYN / 2000 + 10)) \
		--interval 0.5 --timeout 5 > "$T/probeB" 2>&1; then
		pass flood-syn-service
	else
		fail flood-syn-service "$(tail -1 "$T/probeB")"
	fi
	wait "$syn_pid" >/dev/null 2>&1
	note "$(grep 'probe failure' "$T/probeB" | head -2 | tr '\n' ' ')"
	note "during SYN flood ($NSYN SYNs, random sources): $(tail -1 "$T/probeB")"
	stats_save "$T/fl2"
	note "guest during SYN flood: $(stats_cmd diff "$T/fl1" "$T/fl2" | grep -E '^(tcp\.(seg_in|conn_refused|rexmt_synack|synrcvd_timedout|drop_[a-z_]*|tw_[a-z]*)|ip\.drop_[a-z]*) ' | cut -d' ' -f1,5 | tr '\n' ' ')"
	if wait_settled "$T/fl0" $SETTLE; then
		pass flood-settled
		note "back to baseline after ${SETTLED_AFTER}s: $SETTLED_WHY"
	else
		fail flood-settled "not back to baseline after ${SETTLED_AFTER}s: $SETTLED_WHY"
	fi
	if guest_alive; then pass flood-guest-alive; else fail flood-guest-alive "QEMU exited"; fi
fi
guest_stop
