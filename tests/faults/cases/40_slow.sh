# tests/faults/cases/40_slow.sh - slow and stalled readers (sourced by run.sh).
#
# 200 paced readers (SO_RCVBUF 4 KiB, ~2 KB/s) pull slow.bin while 16
# normal clients download img.bin back to back: everyone byte-exact, and
# the persist/zero-window counters show the slow readers really closed
# their windows.  Then connections that never send a request must be
# closed by the server's idle timeout and vanish from the stats.

if [ -n "$QUICK" ]; then NSLOW=50; NFAST=8; FCOUNT=3; NIDLE=10
else NSLOW=200; NFAST=16; FCOUNT=8; NIDLE=50; fi

if ! guest_boot tap 900; then
	fail slow-boot "guest did not serve on tap"
else
	$CX curl -s -o /dev/null "$GURL/img.bin"      # warm up before the baseline
	stats_save "$T/slow0"
	bg nsx "$PY" "$FX/clients.py" slow "$GURL/slow.bin" "$(asset_sha slow.bin)" \
		--clients $NSLOW --rate 2048 --rcvbuf 4096 --timeout 120 > "$T/slowr" 2>&1
	slow_pid=$LAST_BG
	sleep 3     # let the slow readers fill their windows first
	if $CX "$PY" "$FX/clients.py" fetch "$GURL/img.bin" "$(asset_sha img.bin)" \
		--clients $NFAST --count $FCOUNT --timeout 60 > "$T/fast" 2>&1; then
		pass slow-normal-clients
	else
		fail slow-normal-clients "$(tail -1 "$T/fast")"
	fi
	note "$(tail -1 "$T/fast")"
	stats_save "$T/slow-mid"
	if wait "$slow_pid"; then s_rc=0; else s_rc=1; fi
	stats_save "$T/slow1"
	if [ $s_rc -eq 0 ]; then pass slow-readers; else fail slow-readers "$(tail -1 "$T/slowr")"; fi
	note "$(tail -1 "$T/slowr")"
	persist=$(stats_cmd delta "$T/slow0" "$T/slow1" '^tcp\.(persist_entered|zwp_sent)$')
	note "slow: $NSLOW readers x 40000 B at ~2 KB/s beside $NFAST x $FCOUNT img.bin; guest: $(stats_cmd diff "$T/slow0" "$T/slow1" | grep -E '^(tcp\.(persist_entered|zwp_sent|rexmt_timeout|conn_timedout|conn_aborted)|http\.(read_stalls|write_again)) ' | cut -d' ' -f1,5 | tr '\n' ' ')"
	note "slow: HTTP connections at once (mid-run) $(stats_cmd val "$T/slow-mid" connections.current)"
	if [ "$persist" -gt 0 ]; then pass slow-window-closed
	else fail slow-window-closed "persist/zero-window-probe counters did not move: the slow readers never closed the window"; fi

	# Idle connections: no request ever.
	stats_save "$T/idle0"
	if $CX "$PY" "$FX/clients.py" idle "$GURL/" --clients $NIDLE --timeout 60 > "$T/idle" 2>&1; then
		pass idle-closed
	else
		fail idle-closed "$(tail -1 "$T/idle")"
	fi
	note "$(tail -1 "$T/idle")"
	if wait_settled "$T/slow0" 30; then
		pass slow-settled
		note "back to baseline after ${SETTLED_AFTER}s: $SETTLED_WHY"
	else
		fail slow-settled "not back to baseline after ${SETTLED_AFTER}s: $SETTLED_WHY"
	fi
	if guest_alive; then pass slow-guest-alive; else fail slow-guest-alive "QEMU exited"; fi
fi
guest_stop
