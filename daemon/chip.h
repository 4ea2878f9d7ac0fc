/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_CHIP_H
#define MECTLD_CHIP_H

/*
 * Which chip a job talks to, and its identity (chip.c).
 */
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "kernel.h"
#include "strbuf.h"

typedef struct Chip {
	struct chip_info info;
	bool managed;			/* attached by mectl_flash (netlink knows it) */
	char id[96];			/* "jedec-ef4017-8388608" or "mtd-<name>-<size>" */
	char jedec_hex[2 * MECTL_JEDEC_ID_MAX + 1];
	bool armed;
} Chip;

int chip_identify(int mtd, Chip *ret);
/*
 * May jobs use /dev/mtdN? 1: a chip mectl_flash attached, or a device AllowMTD= names
 * (by path or MTD name); 0: no; -ENODEV: no such device.
 */
int chip_allowed(const struct mectld_config *cfg, int mtd);
int chip_arm(Chip *chip, bool on);
void chip_to_json(const Chip *chip, uint64_t size, uint32_t erasesize, struct strbuf *b);
/* The only chip mectl_flash attached: -ENODEV none, -ENOTUNIQ several. */
int resolve_default_mtd(int *ret_mtd);

#endif
