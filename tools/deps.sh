#!/usr/bin/env bash
# tools/deps.sh run|test|faults|bench - install what that command needs.
#
# Looks for each tool first and only calls apt-get (with sudo when not
# root) for what is missing, saying what it installs and why.  Debian and
# Ubuntu only; elsewhere it prints what to install and fails.
set -eu
what=${1:-test}

need=()   # "command:package" pairs
need+=("qemu-system-x86_64:qemu-system-x86")
case "$what" in
test|faults|bench)
	need+=("curl:curl" "python3:python3" "ip:iproute2" "nft:nftables" "ping:iputils-ping"
	       "arping:iputils-arping" "wrk:wrk" "ab:apache2-utils" "hping3:hping3"
	       "clang:clang" "chromium:chromium")
	# deploy tests (tests/qemu/6*): nginx in front, a self-signed cert,
	# unit checks, the syscall filter against what QEMU calls
	need+=("nginx:nginx" "openssl:openssl" "systemd-analyze:systemd" "strace:strace")
	;;
esac
# the Linux guest the benchmark builds: an initramfs holding static busybox
[ "$what" = bench ] && need+=("cpio:cpio" "busybox:busybox-static")

missing=()
for pair in "${need[@]}"; do
	cmd=${pair%%:*}; pkg=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
# python modules (Debian's python3, which is what /usr/bin/python3 runs)
if [ "$what" != run ] && ! /usr/bin/python3 -c 'import scapy' >/dev/null 2>&1; then
	missing+=("python3-scapy")
fi
if [ "$what" != run ] && command -v clang >/dev/null && \
   ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	missing+=("libclang-rt-dev")
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing: ${missing[*]} (not a Debian/Ubuntu system: install them yourself)" >&2
	exit 1
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
echo "deps: installing for 'make $what': ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
