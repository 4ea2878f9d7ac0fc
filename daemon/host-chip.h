/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_HOST_CHIP_H
#define MECTLD_HOST_CHIP_H

/*
 * The host's own flash chip, for internal jobs (job-internal.c), through one of two
 * backends behind one set of operations:
 *   mtd       the MTD device the kernel's spi-intel driver registers (host-mtd.c):
 *             flash.c's data path, the one the Pi's chips take;
 *   flashrom  libflashrom's programmer, `internal` on a PC (host-flashrom.c).
 * InternalMTD= in mectld.conf names the first; where its device does not exist,
 * InternalProgrammer= the second. Opening one also collects what it knows of the
 * controller's locks (preflight.h) for the pre-flight.
 *
 *	struct host_chip h;
 *	r = host_chip_open(&cfg, &h);		// h.err says why not
 *	r = h.ops->read(&h, 0, buf, 4096, NULL, NULL);
 *	...
 *	host_chip_close(&h);
 */
#include <stdbool.h>
#include <stdint.h>

#include "chip.h"
#include "config.h"
#include "flash.h"
#include "flashrom.h"
#include "host-access.h"
#include "mectl-dbus.h"
#include "preflight.h"
#include "util.h"

struct host_write_report {
	const char *changed[IMG_HOST_MAX_REGIONS + 1];	/* regions written, by flashrom's
							 * names ("me", "fd"), NULL-terminated */
	bool verified;			/* written and read back right */
	bool touched;			/* the chip may have been erased or programmed */
	struct flash_write_stats st;	/* mtd: what flash.c did */
};

struct host_chip;

struct host_chip_ops {
	const char *name;		/* the result's "backend": "mtd", "flashrom" */
	/* len bytes at off into buf; cb (may be NULL) sees progress in bytes */
	int (*read)(struct host_chip *h, uint64_t off, uint8_t *buf, uint64_t len,
		    flash_progress_fn cb, void *userdata);
	/*
	 * Make the chip hold target, given that it holds current (read just before),
	 * changing bytes inside regions only: a target that differs outside them, or a
	 * change whose erase block reaches outside them, is refused with -EINVAL before
	 * anything is written. Progress on cb in the backend's units.
	 */
	int (*write)(struct host_chip *h, const uint8_t *current, const uint8_t *target,
		     const struct host_region *regions, unsigned n, struct host_write_report *rep,
		     flash_progress_fn cb, void *userdata);
	/* The backend's facts as JSON members (no braces), a write's when rep is given. */
	void (*json)(const struct host_chip *h, const struct host_write_report *rep,
		     struct strbuf *b);
	void (*close)(struct host_chip *h);
};

struct host_mtd {
	Chip chip;			/* its identity (chip.c) */
	struct flash f;			/* open read-only */
	char driver[128];		/* the drivers above it: "spi-nor < intel-spi" */
};

struct host_chip {
	const struct host_chip_ops *ops;
	char label[160];		/* for messages: "/dev/mtd0 (BIOS)", "flashrom internal, W25Q128.V" */
	char id[160];			/* the chip's identity for mectld's backups */
	uint64_t size;
	struct host_lock locks[PREFLIGHT_LOCKS_MAX];	/* what the controller keeps */
	unsigned n_locks;
	char skipped[256];		/* why InternalMTD= was passed over, or "" */
	char err[FR_MSG_MAX];		/* the last failure, one line */
	struct host_mtd mtd;
	struct fr_chip fr;
};

/* Is internal flashing configured at all (InternalMTD= or InternalProgrammer=)? */
bool host_chip_configured(const struct mectld_config *cfg);

/*
 * Open the host's chip through the backend the configuration picks: 0, or -errno
 * with h->err saying why and what to do. host_chip_close() ends it either way.
 */
int host_chip_open(const struct mectld_config *cfg, struct host_chip *h);
void host_chip_close(struct host_chip *h);

/* mtd-sysfs.c */
/*
 * The MTD device InternalMTD= names under sysfs (normally "/sys"): "/dev/mtdN", an
 * MTD name, or "auto" (the "BIOS" one under a device bound to spi-intel). Its index;
 * -ENODEV none, -ENOTUNIQ several, with why in err.
 */
int host_mtd_find(const char *sysfs, const char *want, char *err, size_t len);
/* The drivers bound to the devices above mtdN, nearest first: "spi-nor < intel-spi". */
void host_mtd_drivers(const char *sysfs, unsigned index, char *buf, size_t len);

/* host-mtd.c */
extern const struct host_chip_ops host_mtd_ops;
/* Open /dev/mtd<index> for an internal job: 0 or -errno, h->err set. */
int host_mtd_open(struct host_chip *h, int index);

/* host-flashrom.c */
extern const struct host_chip_ops host_flashrom_ops;
int host_flashrom_open(struct host_chip *h, const struct mectld_config *cfg);
/*
 * The write protections flashrom's messages name (its log since the programmer
 * started): "FREGn: ... region (0xA-0xB) is read-only." and "PRn: Warning: 0xA-0xB
 * is locked." as locks; how many were added to h->locks.
 */
unsigned host_flashrom_locks(struct host_chip *h, const char *log);

#endif
