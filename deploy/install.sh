#!/usr/bin/env bash
# deploy/install.sh - install Quartz as a systemd service (idempotent).
#
#   deploy/install.sh [--elf PATH] [--instances N] [--domain NAME]
#                     [--root DIR] [--no-start]
#
# Copies the ELF, quartz-run and the docs to /opt/quartz, the units to
# /etc/systemd/system, reloads systemd, enables and starts either the single
# unit (127.0.0.1:8080) or, with --instances N, quartz-unikernel@1..N
# (127.0.0.1:8081..8080+N), then checks each with curl.  With --domain it
# also installs deploy/nginx/quartz.conf for that name (TLS certificates
# from Let's Encrypt must exist, see docs/DEPLOY.md) and reloads nginx.
# Running it again changes nothing unless a file changed; a changed ELF
# restarts the running instances.  --root installs into a staging tree and
# implies --no-start (used by the tests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
elf=$top/build/quartz-unikernel.elf
instances=0 domain= root= start=1
die() { echo "install: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	--elf) elf=$2; shift;;
	--instances) instances=$2; shift;;
	--domain) domain=$2; shift;;
	--root) root=$(mkdir -p "$2" && cd "$2" && pwd); start=; shift;;
	--no-start) start=;;
	-h|--help) sed -n '2,16p' "$0"; exit 0;;
	*) die "unknown argument: $1";;
	esac
	shift
done
case "$instances" in ''|*[!0-9]*) die "--instances wants a number";; esac
[ -r "$elf" ] || die "no ELF at $elf (run make first, or pass --elf)"
if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then die "run as root (or with --root DIR)"; fi

opt=$root/opt/quartz
units=$root/etc/systemd/system
changed=()   # what differs from the installed copy

# put SRC DST MODE: install only when the content or mode differs, through
# a temporary file and a rename so a running QEMU never sees half an ELF.
put() {
	local src=$1 dst=$2 mode=$3
	if [ -f "$dst" ] && cmp -s "$src" "$dst" && [ "$(stat -c %a "$dst")" = "$mode" ]; then
		return 0
	fi
	mkdir -p "$(dirname "$dst")"
	install -m "$mode" "$src" "$dst.new.$$"
	mv -f "$dst.new.$$" "$dst"
	changed+=("$dst")
}

if [ -z "$root" ] && ! command -v qemu-system-x86_64 >/dev/null; then
	echo "install: installing qemu-system-x86 (QEMU runs each guest)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
fi

put "$elf" "$opt/quartz-unikernel.elf" 644
elf_changed=${#changed[@]}
put "$here/quartz-run" "$opt/quartz-run" 755
[ -f "$top/docs/DEPLOY.md" ] && put "$top/docs/DEPLOY.md" "$opt/DEPLOY.md" 644
put "$here/quartz-unikernel.service" "$units/quartz-unikernel.service" 644
put "$here/quartz-unikernel@.service" "$units/quartz-unikernel@.service" 644

if [ -n "$domain" ]; then
	case "$domain" in *[!A-Za-z0-9.-]*) die "bad domain: $domain";; esac
	conf=$(mktemp)
	sed "s/example\.com/$domain/g" "$here/nginx/quartz.conf" > "$conf"
	put "$conf" "$root/etc/nginx/conf.d/quartz.conf" 644
	rm -f "$conf"
	mkdir -p "$root/var/www/letsencrypt"
fi

if [ ${#changed[@]} -eq 0 ]; then
	echo "install: files already up to date"
else
	printf 'install: wrote %s\n' "${changed[@]}"
fi

[ -n "$start" ] || exit 0
if [ ! -d /run/systemd/system ]; then
	echo "install: systemd is not running here; files installed, nothing started"
	exit 0
fi

if [ "$instances" -eq 0 ]; then
	names=(quartz-unikernel.service)
	ports=(8080)
else
	names=() ports=()
	for i in $(seq 1 "$instances"); do names+=("quartz-unikernel@$i.service"); ports+=($((8080 + i))); done
fi
systemctl daemon-reload
systemctl enable --now "${names[@]}"
# A new ELF only takes effect in a new QEMU.
if [ "$elf_changed" -gt 0 ]; then systemctl restart "${names[@]}"; fi

if [ -n "$domain" ] && command -v nginx >/dev/null; then
	nginx -t && systemctl reload nginx
fi

# Check: each instance answers HTTP within 30 s (TCG boots in well under 1 s).
bad=0
for p in "${ports[@]}"; do
	code=000
	for _ in $(seq 1 30); do
		code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$p/" || true)
		[ "$code" != 000 ] && break
		sleep 1
	done
	echo "install: http://127.0.0.1:$p/ -> $code"
	[ "$code" = 200 ] || bad=1
done
[ $bad -eq 0 ] || { echo "install: an instance does not answer 200; see journalctl -u 'quartz-unikernel*'" >&2; exit 1; }
echo "install: done"
