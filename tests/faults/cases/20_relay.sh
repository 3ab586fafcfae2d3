# tests/faults/cases/20_relay.sh - reordering, duplication and corruption
# (sourced by run.sh).
#
# QEMU's NIC is a unix dgram socket; tools/relay/relay.py carries every
# frame between it and qtap0 and, with a fixed seed, reorders, duplicates
# and flips one bit inside the IPv4 datagram of a set share of frames, both
# ways.  Downloads must stay byte-exact, and every corrupted frame the
# relay handed the guest must show up as a drop in its stats, nearly all
# as checksum drops (and no checksum drop without a corruption: that would
# be a checksum bug).

RELAY_ARGS="--seed 7 --reorder 5 --dup 5 --corrupt 2"
if [ -n "$QUICK" ]; then SIZES="1k.bin img.bin"; else SIZES="1k.bin img.bin 4m.bin"; fi

if ! guest_boot relay 900; then
	fail relay-boot "guest did not serve through the relay (log: $(tail -2 "$GLOG" 2>/dev/null | tr '\n' ' '))"
else
	# Stats are read through the faulty link too; only the deltas matter.
	stats_save "$T/relay0"
	nsx cat /proc/net/snmp > "$T/snmp0"
	for sz in $SIZES; do
		if fetch_check "$sz" 120; then
			pass "relay-$sz"
			note "reorder 5% dup 5% corrupt 2% each way: $sz byte-exact in ${FETCH_TIME}s"
		else
			fail "relay-$sz" "$FETCH_WHY"
		fi
	done
	# 20 parallel clients, so reordered and duplicated frames land on
	# many connections at once.
	if $CX "$PY" "$FX/clients.py" fetch "$GURL/img.bin" "$(asset_sha img.bin)" \
		--clients 20 --count 2 --timeout 120 > "$T/relay-par" 2>&1; then
		pass relay-parallel
	else
		fail relay-parallel "$(tail -1 "$T/relay-par")"
	fi
	note "$(tail -1 "$T/relay-par")"
	sleep 1.5                      # the relay writes its counters every second
	stats_save "$T/relay1"
	nsx cat /proc/net/snmp > "$T/snmp1"
	read -r rg_in rg_cor rg_sent rg_dup rg_reo rh_cor rg_out rg_err < <("$PY" - "$T/relay.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
g, h = j["to_guest"], j["to_host"]
print(g["frames_in"], g["corrupted"], g["corrupted_sent"], g["duplicated"] + h["duplicated"],
      g["reordered"] + h["reordered"], h["corrupted"], g["frames_out"], g["send_full"] + g["send_errors"])
PY
)
	csum=$(stats_cmd delta "$T/relay0" "$T/relay1" '^(ip|tcp|icmp)\.drop_csum$')
	drops=$(stats_cmd delta "$T/relay0" "$T/relay1" '^(eth|ip|tcp|icmp)\.drop_|^ip\.reass_(bad|toobig|overlap)$')
	note "relay: to guest $rg_in frames, $rg_cor corrupted ($rg_sent copies delivered), $rg_dup duplicated, $rg_reo reordered (both ways); $rh_cor corrupted toward the host"
	note "guest: checksum drops +$csum, all ip/tcp/icmp drops +$drops, $(stats_cmd diff "$T/relay0" "$T/relay1" | grep -E '^tcp\.(dup_in|ooo_in|rexmt_[a-z]*|dupack_in) ' | cut -d' ' -f1,5 | tr '\n' ' ')"
	note "relay handed the guest $rg_out frames ($rg_err lost to a full queue or errors); guest virtio rx +$(stats_cmd delta "$T/relay0" "$T/relay1" '^virtio_net\.rx_frames$')"
	note "guest drops by reason: $(stats_cmd diff "$T/relay0" "$T/relay1" | grep -E '\.(drop_[a-z_]*|reass_[a-z]*) ' | awk '{ print $1, $5 }' | tr '\n' ' ')"
	note "host (namespace): $(awk '/^Tcp:/ && !h { split($0, n); h = 1; next } /^Tcp:/ { for (i = 2; i <= NF; i++) if (n[i] == "InCsumErrors") print "Tcp InCsumErrors " $i }' "$T/snmp1")"
	# A flipped bit in an IPv4 header field may be caught by a length or
	# version check before the checksum: those count as caught too.
	caught=$(stats_cmd delta "$T/relay0" "$T/relay1" '\.drop_csum$|^ip\.drop_(version|hlen|totlen_short|truncated|short|proto)$|^tcp\.drop_(short|opts)$|^icmp\.drop_short$')
	note "corruption caught by the guest: $caught of $rg_sent (checksum $csum)"
	if [ "${rg_sent:-0}" -gt 0 ] && [ "$caught" -ge $((rg_sent * 95 / 100)) ] && [ "$csum" -le "$rg_sent" ]; then
		pass relay-corrupt-counted
	else
		fail relay-corrupt-counted "$caught corruption drops (checksum $csum) for $rg_sent corrupted frames delivered (want >= 95%, checksum drops <= 100%)"
	fi
	if [ "${rg_dup:-0}" -gt 0 ] && [ "${rg_reo:-0}" -gt 0 ]; then pass relay-faults-happened
	else fail relay-faults-happened "relay duplicated $rg_dup, reordered $rg_reo"; fi
	if guest_alive; then pass relay-guest-alive; else fail relay-guest-alive "QEMU exited"; fi
fi
guest_stop
