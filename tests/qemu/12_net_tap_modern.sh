#!/usr/bin/env bash
# tests/qemu/12_net_tap_modern.sh - 11_net_tap.sh again on the modern
# (Version 2) virtio-mmio transport with ACPI on (second IOAPIC): the
# same pings, bad frames and flood through the other init and IRQ path.
TAP_NAME=tap_modern MACHINE=microvm TAP_QARGS="-global virtio-mmio.force-legacy=false" \
	exec bash "$(dirname "$0")/11_net_tap.sh"
