# tests/faults/cases/80_loss_heavy.sh - 4 MiB through 25% loss each way
# (sourced by run.sh; full mode only).
#
# The slowest case by far (without SACK, every lost retransmission doubles
# the RTO), so it runs last and gets what the suite's time budget has left,
# at most 450 s (the whole suite stays under 15 minutes).  Same nftables
# rule as 10_loss.sh.

if [ -z "$QUICK" ]; then
	left=$((START + LIMIT - SECONDS - 20))
	maxt=$((left > 450 ? 450 : left))
	if [ "$maxt" -lt 60 ]; then
		fail loss-25-4m.bin "out of time budget (${left}s left)"
	elif ! guest_boot tap 900; then
		fail loss-heavy-boot "guest did not serve on tap"
	else
		stats_save "$T/lh0"
		loss_set 25
		if fetch_check 4m.bin "$maxt"; then
			pass loss-25-4m.bin
			note "loss 25% each way: 4m.bin byte-exact in ${FETCH_TIME}s"
		else
			fail loss-25-4m.bin "$FETCH_WHY"
		fi
		note "loss 25%: nftables dropped $(loss_counts) packets"
		loss_set 0
		stats_save "$T/lh1"
		note "guest: $(stats_cmd diff "$T/lh0" "$T/lh1" | grep -E '^tcp\.(rexmt_[a-z]*|dupack_in|rto_backoff_max) ' | awk '{ print $1, $5 }' | tr '\n' ' ')"
		if guest_alive; then pass loss-heavy-guest-alive; else fail loss-heavy-guest-alive "QEMU exited"; fi
	fi
	guest_stop
fi
