# tests/faults/cases/70_soak.sh - soak (sourced by run.sh).
#
# ab, bounded by count: NSOAK requests with keep-alive and NSOAK without
# (16 concurrent each), then the same again, so a slow leak shows as a
# second round that ends lower than the first.  Every request must succeed
# with a 200; afterwards TCBs, HTTP connections, pbufs and free pages are
# back to the baseline and no lost/leaked-buffer counter moved
# (tests/faults/stats.py settled).

if [ -n "$QUICK" ]; then NSOAK=5000; ROUNDS=1; else NSOAK=50000; ROUNDS=2; fi

# ab_run NAME ARGS...: one bounded ab run; sets AB_LINE, 0 if all 200s
ab_run() {
	local name=$1; shift
	$CX timeout 300 ab -q -r -s 10 "$@" > "$T/ab.$name" 2>&1
	local done fail non2xx rps
	done=$(awk '/^Complete requests:/ { print $3 }' "$T/ab.$name")
	fail=$(awk '/^Failed requests:/ { print $3 }' "$T/ab.$name")
	non2xx=$(awk '/^Non-2xx responses:/ { print $3 }' "$T/ab.$name")
	local ka; ka=$(awk '/^Keep-Alive requests:/ { print $3 }' "$T/ab.$name")
	rps=$(awk '/^Requests per second:/ { print $4 }' "$T/ab.$name")
	AB_LINE="$name: ${done:-0} complete, ${fail:-?} failed, ${non2xx:-0} non-2xx, ${ka:-0} kept alive, ${rps:-?} req/s"
	[ "${done:-0}" -gt 0 ] && [ "${fail:-1}" -eq 0 ] && [ "${non2xx:-0}" -eq 0 ] &&
		[ "$done" -ge "$AB_N" ]
}

if ! guest_boot tap 900; then
	fail soak-boot "guest did not serve on tap"
else
	# warm-up (heap slabs, ARP) before the baseline, then the soak rounds
	AB_N=200; ab_run warm -n 200 -c 16 -k "$GURL/1k.bin"
	sleep 3     # TIME_WAITs of the warm-up gone (2 MSL)
	stats_save "$T/soak0"
	total=0
	for round in $(seq 1 $ROUNDS); do
		AB_N=$NSOAK
		if ab_run "keepalive-$round" -n "$NSOAK" -c 16 -k "$GURL/1k.bin"; then
			pass "soak-keepalive-$round"
		else
			fail "soak-keepalive-$round" "$AB_LINE"
		fi
		note "$AB_LINE"
		if ab_run "close-$round" -n "$NSOAK" -c 16 "$GURL/1k.bin"; then
			pass "soak-close-$round"
		else
			fail "soak-close-$round" "$AB_LINE"
		fi
		note "$AB_LINE"
		total=$((total + 2 * NSOAK))
		stats_save "$T/soak-r$round"
		note "after round $round: $(stats_cmd gauges "$T/soak-r$round")"
	done
	if wait_settled "$T/soak0" 30; then
		pass soak-settled
		note "after $total requests, back to baseline after ${SETTLED_AFTER}s: $SETTLED_WHY"
	else
		fail soak-settled "after $total requests, not back to baseline after ${SETTLED_AFTER}s: $SETTLED_WHY"
	fi
	stats_save "$T/soak1"
	note "guest: $(stats_cmd diff "$T/soak0" "$T/soak1" | grep -E '^(requests\.total|pbuf\.alloc_fail|tcp\.(tw_recycled|tw_reused|drop_table_full|conn_aborted|rexmt_timeout)|http\.(conn_refused|conn_nomem|aborted_responses)|virtio_net\.(rx_refill_fail|tx_ring_full)) ' | awk '{ print $1, $5 }' | tr '\n' ' ')"
	if guest_alive; then pass soak-guest-alive; else fail soak-guest-alive "QEMU exited"; fi
fi
guest_stop
