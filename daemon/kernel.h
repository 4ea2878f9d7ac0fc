/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_KERNEL_H
#define MECTLD_KERNEL_H

/*
 * mectld's view of mectl_flash.ko through the generic netlink family "mectl"
 * (include/uapi/mectl.h). kernel.c is the only file that speaks libnl; everything
 * here returns 0 or -errno (the kernel's own errno when it sent one).
 *
 * Each call opens its own short-lived socket, so worker threads may call them
 * (arm/disarm) while the main loop owns the event socket.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mectl.h"

struct chip_info {
	uint32_t bus, cs;
	uint32_t speed_hz;
	uint8_t jedec[MECTL_JEDEC_ID_MAX];
	size_t jedec_len;
	char manufacturer[MECTL_PART_MAX];
	char part[MECTL_PART_MAX];
	uint64_t size;
	uint32_t erase_size;
	uint32_t block_erase_size;	/* whole aligned blocks erased in one command, or 0 */
	uint32_t page_size;
	bool has_sr[3];
	uint8_t sr[3];
	bool writeable;
	bool has_mtd;
	uint32_t mtd_index;
	char mtd_name[64];
};

/* Every attached chip. -ENOENT: the family is not registered (module not loaded). */
int kernel_list_chips(struct chip_info **ret, size_t *ret_n);
/* The attached chip behind /dev/mtd<index>; -ENODEV when no attached chip has it. */
int kernel_find_mtd(uint32_t mtd_index, struct chip_info *ret);
int kernel_attach(uint32_t bus, uint32_t cs, uint32_t speed_hz, struct chip_info *ret);
int kernel_arm(uint32_t bus, uint32_t cs, bool writeable);

/* Multicast events (attached, detached, armed), for the daemon's event loop. */
struct kernel_events;
typedef void (*kernel_event_fn)(enum mectl_cmd event, const struct chip_info *chip, void *userdata);

int kernel_events_open(kernel_event_fn fn, void *userdata, struct kernel_events **ret);
int kernel_events_fd(struct kernel_events *ev);
/* Handle whatever is queued on the socket; never blocks. */
int kernel_events_dispatch(struct kernel_events *ev);
struct kernel_events *kernel_events_free(struct kernel_events *ev);

#endif
