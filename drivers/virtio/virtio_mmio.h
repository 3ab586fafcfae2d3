/*
 * drivers/virtio/virtio_mmio.h - the virtio-mmio register window
 * (virtio 1.x section 4.2.2, and 4.2.4 for the legacy Version 1 layout),
 * the device status bits (2.1) and the feature bits we know about.
 *
 * Offsets only: which window to look at comes from
 * platform_virtio_slots(), never from a constant here.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_MMIO_H
#define DRIVERS_VIRTIO_VIRTIO_MMIO_H

#include <stdint.h>

#define VIRTIO_MMIO_MAGIC_VALUE       0x000  /* "virt" */
#define VIRTIO_MMIO_VERSION           0x004  /* 1 legacy, 2 modern */
#define VIRTIO_MMIO_DEVICE_ID         0x008  /* 0 = empty slot, 1 = net */
#define VIRTIO_MMIO_VENDOR_ID         0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES   0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES   0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE   0x028  /* legacy only */
#define VIRTIO_MMIO_QUEUE_SEL         0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX     0x034
#define VIRTIO_MMIO_QUEUE_NUM         0x038
#define VIRTIO_MMIO_QUEUE_ALIGN       0x03c  /* legacy only */
#define VIRTIO_MMIO_QUEUE_PFN         0x040  /* legacy only */
#define VIRTIO_MMIO_QUEUE_READY       0x044  /* modern only */
#define VIRTIO_MMIO_QUEUE_NOTIFY      0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS  0x060
#define VIRTIO_MMIO_INTERRUPT_ACK     0x064
#define VIRTIO_MMIO_STATUS            0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW    0x080  /* modern only, from here on */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH   0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW  0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW  0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG            0x100  /* device-specific config space */
#define VIRTIO_MMIO_WINDOW            0x200  /* size of one slot */

#define VIRTIO_MMIO_MAGIC 0x74726976u        /* "virt", little-endian */
#define VIRTIO_ID_NET 1

/* InterruptStatus bits */
#define VIRTIO_MMIO_INT_VRING  1u            /* a used ring was updated */
#define VIRTIO_MMIO_INT_CONFIG 2u            /* configuration changed */

/* Device status (2.1): the driver sets these in order during init. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER      2u
#define VIRTIO_STATUS_DRIVER_OK   4u
#define VIRTIO_STATUS_FEATURES_OK 8u         /* not in the legacy interface */
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED      128u

/* Feature bits (6, and 5.1.3 for the network device) */
#define VIRTIO_NET_F_MAC        5            /* config.mac is valid */
#define VIRTIO_NET_F_STATUS     16
#define VIRTIO_F_VERSION_1      32           /* modern: little-endian, 12-byte net hdr */

/* The virtio-net header in front of every frame (5.1.6).  Without
 * VIRTIO_F_VERSION_1 (and without MRG_RXBUF) num_buffers is absent and the
 * header is 10 bytes; with VERSION_1 it is always 12. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));
#define VIRTIO_NET_HDR_LEN_LEGACY 10
#define VIRTIO_NET_HDR_LEN_MODERN 12
_Static_assert(sizeof(struct virtio_net_hdr) == VIRTIO_NET_HDR_LEN_MODERN, "net hdr");

/* Network device config space (5.1.4): mac first. */
#define VIRTIO_NET_CFG_MAC 0

#endif
