#!/usr/bin/env bash
# tools/run.sh ELF PORT MEM - boot Quartz in QEMU microvm in the foreground.
#
# Serial is this terminal (Ctrl-A X quits QEMU, Ctrl-A C its monitor).
# The site is at http://127.0.0.1:PORT/ (user networking forwards host
# 127.0.0.1:PORT to guest port 80).  KVM is used only if /dev/kvm is
# usable; otherwise QEMU's TCG emulator runs it.  Extra QEMU arguments can
# be passed in QEMU_EXTRA, a kernel command line in APPEND.
set -eu
if [ $# -lt 3 ]; then
	echo "usage: $0 ELF PORT MEM" >&2
	exit 2
fi
elf=$1 port=$2 mem=$3
[ -f "$elf" ] || { echo "run.sh: $elf not found (run make first)" >&2; exit 1; }

accel=()
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=(-enable-kvm -cpu host)
fi

echo "run.sh: http://127.0.0.1:$port/  (Ctrl-A X to quit)" >&2
# shellcheck disable=SC2086
exec qemu-system-x86_64 -M microvm "${accel[@]}" -m "$mem" \
	-nodefaults -no-user-config -nographic -serial mon:stdio \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:80" \
	-device virtio-net-device,netdev=n0 \
	-kernel "$elf" ${APPEND:+-append "$APPEND"} ${QEMU_EXTRA:-}
