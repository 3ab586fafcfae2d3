# tests/e2e/lib.sh - shared by tests/qemu/2*_e2e_*.sh (sourced after lib.sh).
#
# e2e_build PREFIX    generate the test site (tests/e2e/site.py: exact sizes,
#                     seeded PRNG) into $B/e2e-site and bake it into an image
#                     in $B/e2e, where $B is the BUILD dir the suite runs
#                     with; sets SITE and ELF.  A FAIL line and status 1 if
#                     the build fails.  Reruns cost nothing: unchanged files
#                     keep their mtime, so make does not rebake.
# same_sha A B        0 when two files have the same sha256
# stats_get URL FILE  snapshot /api/stats.json (clients run through "${CX[@]}":
#                     empty, or `ip netns exec NS` for a namespace)
# stats_delta A B KEY...   "KEY=+N ..." between two snapshots
# stats_sum A B KEY...     the sum of those deltas
# mbps BYTES/S        bytes per second as "N.N MB/s" (or "N.N KB/s" below 1 MB/s)

E2E=$TOP/tests/e2e

e2e_build() {
	local b=${BUILD:-build} out
	case $b in /*) ;; *) b=$TOP/$b ;; esac
	SITE=$b/e2e-site
	if ! out=$(python3 "$E2E/site.py" "$SITE" 2>&1); then
		fail "$1:site" "$out"; return 1
	fi
	if ! out=$(make -s -C "$TOP" -j2 BUILD="$b/e2e" ASSETS="$SITE" 2>&1); then
		fail "$1:build" "$(tail -n 5 <<<"$out" | tr '\n' '|')"; return 1
	fi
	ELF=$b/e2e/quartz-unikernel.elf
}

same_sha() { [ "$(sha256sum < "$1")" = "$(sha256sum < "$2")" ]; }

CX=()
stats_get() { "${CX[@]}" python3 "$E2E/stats.py" get "$1" "$2" >/dev/null 2>&1; }
stats_delta() { python3 "$E2E/stats.py" delta "$@"; }
stats_sum() { python3 "$E2E/stats.py" sum "$@"; }
mbps() { awk -v b="$1" 'BEGIN { if (b >= 1e6) printf "%.1f MB/s", b / 1e6; else printf "%.1f KB/s", b / 1e3 }'; }
