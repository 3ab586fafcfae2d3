#!/usr/bin/env bash
# 60_deploy_units.sh - the systemd units pass `systemd-analyze verify`, and
# deploy/install.sh lays them out idempotently.
#
# No systemd runs here; verify works offline against a root directory, so
# the test stages an install there (install.sh --root) with a copy of the
# host's own system units (verify resolves sysinit.target etc. under the
# root).  A unit with a deliberate mistake must make verify complain, which
# shows the check can fail at all.
. "$(dirname "$0")/../lib.sh"
D=$TOP/deploy
R=$TMPDIR_T/root

if ! command -v systemd-analyze >/dev/null; then
	fail deploy_verify "systemd-analyze missing (tools/deps.sh test installs systemd)"
	exit 0
fi
[ -f "$ELF" ] || { fail deploy_install "no ELF at $ELF"; exit 0; }

out=$("$D/install.sh" --root "$R" --elf "$ELF" --domain quartz.example 2>&1)
check deploy_install_files test -x "$R/opt/quartz/quartz-run" -a -f "$R/opt/quartz/quartz-unikernel.elf" \
	-a -f "$R/etc/systemd/system/quartz-unikernel.service" -a -f "$R/etc/systemd/system/quartz-unikernel@.service"
check deploy_install_elf_same cmp -s "$ELF" "$R/opt/quartz/quartz-unikernel.elf"
check deploy_install_nginx_domain grep -q 'live/quartz.example/fullchain.pem' "$R/etc/nginx/conf.d/quartz.conf"

# Idempotent: a second run writes nothing and leaves the same tree.
sum() { (cd "$R" && find . -type f -print0 | sort -z | xargs -0 sha256sum; find . -printf '%p %m\n' | sort) | sha256sum; }
before=$(sum)
out2=$("$D/install.sh" --root "$R" --elf "$ELF" --domain quartz.example 2>&1)
after=$(sum)
if [ "$before" = "$after" ] && printf '%s\n' "$out2" | grep -q 'already up to date'; then
	pass deploy_install_idempotent
else
	fail deploy_install_idempotent "second run changed the tree or rewrote files: $out2"
fi

mkdir -p "$R/usr/lib/systemd"
cp -a /usr/lib/systemd/system "$R/usr/lib/systemd/"
ln -sf quartz-unikernel@.service "$R/etc/systemd/system/quartz-unikernel@1.service"

# verify UNIT: pass only on status 0 and no output (verify reports unknown
# keys and bad values as warnings with status 0).
verify() {
	local o
	o=$(systemd-analyze verify --root="$R" "/etc/systemd/system/$1" 2>&1)
	local rc=$?
	[ $rc -eq 0 ] && [ -z "$o" ] && return 0
	echo "$o" | head -5 >&2
	return 1
}
check deploy_verify_single verify quartz-unikernel.service
check deploy_verify_template verify quartz-unikernel@1.service

# The negative control: a misspelt key and a missing binary must each be
# reported by name, which shows this check can fail at all.
sed -e 's/^NoNewPrivileges=/NoNewPrivilege=/' "$D/quartz-unikernel.service" > "$R/etc/systemd/system/broken1.service"
sed -e 's#/opt/quartz/quartz-run#/opt/quartz/quartz-missing#' "$D/quartz-unikernel.service" > "$R/etc/systemd/system/broken2.service"
o1=$(systemd-analyze verify --root="$R" /etc/systemd/system/broken1.service 2>&1)
o2=$(systemd-analyze verify --root="$R" /etc/systemd/system/broken2.service 2>&1)
if printf '%s' "$o1" | grep -q NoNewPrivilege && printf '%s' "$o2" | grep -q quartz-missing; then
	pass deploy_verify_catches_mistakes
else
	fail deploy_verify_catches_mistakes "verify did not report: [$o1] [$o2]"
fi

# The hardening the deployment promises is really in both units.
missing=
for k in DynamicUser=yes ProtectSystem=strict ProtectHome=yes NoNewPrivileges=yes PrivateTmp=yes \
	 'CapabilityBoundingSet=$' 'DeviceAllow=/dev/kvm rw' SystemCallArchitectures=native \
	 RestrictAddressFamilies= MemoryMax= ReadOnlyPaths=/opt/quartz Restart=always; do
	for u in quartz-unikernel.service quartz-unikernel@.service; do
		grep -q "^$k" "$D/$u" || missing="$missing $u:$k"
	done
done
grep -q '^PrivateDevices=yes' "$D/quartz-unikernel.service" && missing="$missing PrivateDevices=yes(hides /dev/kvm)"
if [ -z "$missing" ]; then pass deploy_hardening_keys; else fail deploy_hardening_keys "missing:$missing"; fi
