#!/usr/bin/env bash
# tools/bench/linux-guest.sh SITE_DIR OUT_DIR
#
# Builds the baseline the benchmark compares Quartz against: Debian's own
# kernel (extracted from the linux-image package with dpkg-deb, never
# installed) and a gzip'd cpio initramfs holding busybox-static and nginx
# (binary plus the libraries ldd names), serving SITE_DIR.  Writes
# OUT_DIR/vmlinuz and OUT_DIR/initrd.gz and a stamp; a rerun with the same
# kernel package and the same site does nothing.
#
# Why the modules: Debian builds virtio, virtio_mmio and virtio_net as
# modules, and without CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, so the guest finds
# the microvm's virtio-mmio slots through ACPI (LNRO0005): both guests run
# with microvm's default ACPI on, which Quartz supports too.
set -eu
site=$(cd "$1" && pwd)
out=$2
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The kernel package linux-image-amd64 points at today.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$kpkg" ]; then
	apt-get update -qq >/dev/null 2>&1 || true
	kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$kpkg" ] || { echo "linux-guest: cannot resolve linux-image-amd64" >&2; exit 1; }
kver=${kpkg#linux-image-}

site_sum=$( (cd "$site" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)
me_sum=$(sha256sum "$0" | cut -c1-16)
key="$kpkg $site_sum $me_sum $(command -v nginx >/dev/null && nginx -v 2>&1)"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ] && [ -f "$out/vmlinuz" ] && [ -f "$out/initrd.gz" ]; then
	exit 0
fi

work=$(mktemp -d /tmp/quartz-linux-guest.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. The kernel and its modules, from the .deb, unpacked in a scratch dir.
# DEB_CACHE keeps one download for several builds.
cache=${DEB_CACHE:-$out}
mkdir -p "$cache"
deb=$(ls "$cache"/"$kpkg"_*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
	(cd "$cache" && apt-get download "$kpkg" >/dev/null 2>&1) || { echo "linux-guest: apt-get download $kpkg failed" >&2; exit 1; }
	deb=$(ls "$cache"/"$kpkg"_*.deb | head -1)
fi
dpkg-deb -x "$deb" "$work/k"
cp "$work/k/boot/vmlinuz-$kver" "$out/vmlinuz"
cp "$work/k/boot/config-$kver" "$out/config"

# 2. The initramfs tree.
r=$work/root
mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,run,var/log/nginx,var/lib/nginx,lib/modules,www,etc/nginx}
# busybox-static: the dynamic busybox would need its libraries too.
if ldd /bin/busybox >/dev/null 2>&1; then
	echo "linux-guest: /bin/busybox is dynamic; install busybox-static" >&2
	exit 1
fi
cp /bin/busybox "$r/bin/busybox"
for m in virtio_ring virtio virtio_mmio failover net_failover virtio_net; do
	f=$(find "$work/k/lib/modules/$kver" -name "$m.ko*" | head -1)
	[ -n "$f" ] || { echo "linux-guest: module $m not in $kpkg" >&2; exit 1; }
	case "$f" in
	*.xz) xz -dc "$f" > "$r/lib/modules/$m.ko";;
	*.zst) zstd -qdc "$f" > "$r/lib/modules/$m.ko";;
	*) cp "$f" "$r/lib/modules/$m.ko";;
	esac
done

if command -v nginx >/dev/null; then
	ng=$(command -v nginx)
	mkdir -p "$r/usr/sbin"
	cp "$ng" "$r/usr/sbin/nginx"
	for lib in $(ldd "$ng" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}'); do
		mkdir -p "$r$(dirname "$lib")"
		cp -L "$lib" "$r$lib"
	done
	cp /etc/nginx/mime.types "$r/etc/nginx/mime.types"
fi
cat > "$r/etc/nginx/nginx.conf" <<'NG'
# One worker on the guest's one vCPU; no access log (Quartz keeps none);
# keep-alive kept open for the whole wrk run, as Quartz does.
user root;
worker_processes 1;
error_log stderr;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
	include mime.types;
	default_type application/octet-stream;
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	keepalive_timeout 65;
	server {
		listen 80 backlog=1024;
		root /www;
		index index.html;
	}
}
NG
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
cp -a "$site/." "$r/www/"

cat > "$r/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_mmio failover net_failover virtio_net; do
	insmod /lib/modules/$m.ko || echo "init: insmod $m failed"
done
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
if [ -x /usr/sbin/nginx ]; then
	/usr/sbin/nginx -e stderr -c /etc/nginx/nginx.conf || echo "init: nginx failed"
	httpd -p 81 -h /www
else
	httpd -p 80 -h /www
fi
echo "init: serving"
while :; do sleep 3600; done
INIT
chmod 755 "$r/init"

(cd "$r" && find . | sort | cpio -o -H newc --quiet | gzip -9) > "$out/initrd.gz"
echo "$key" > "$out/stamp"
echo "linux-guest: built $kpkg + initrd $(stat -c %s "$out/initrd.gz") bytes in $out"
