/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_FLASHROM_H
#define MECTLD_FLASHROM_H

/*
 * The chip through libflashrom (1.3): its `internal` programmer lets a PC flash its
 * own BIOS chip where the kernel offers no spi-intel MTD device; `dummy` emulates a
 * chip on an image file. libflashrom drives one programmer at a time, so one handle
 * is open at a time (-EBUSY otherwise), from one thread.
 *
 * Every function returns 0 or -errno and, on error, one line in err->msg. Nothing
 * here logs: flashrom's own messages (errors, warnings, information; not its debug
 * output) are kept verbatim in the handle's log, fr_log(), for a caller to quote, e.g.
 * ichspi's "FREG2: Management Engine region (0x00001000-0x0017ffff) is locked." or
 * "Transaction error between offset 0x001000 and 0x00103f (= 0x001000 + 63)!".
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash.h"
#include "strbuf.h"

#define FR_MSG_MAX 512
/* The regions of an Intel flash descriptor, as flashrom names them. */
#define FR_REGIONS_MAX 16

struct fr_err {
	char msg[FR_MSG_MAX];
};

struct fr_open_opts {
	const char *programmer;		/* "internal", "dummy", ... */
	const char *params;		/* flashrom's programmer parameters, or NULL, e.g.
					 * "emulate=W25Q128FV,image=/path" */
	const char *chip;		/* probe for this chip only (flashrom's name), or NULL */
	const char *lockdown_path;	/* NULL: /sys/kernel/security/lockdown */
};

struct fr_chip {
	char programmer[32];
	char vendor[32];
	char name[64];			/* flashrom's chip name, e.g. "W25Q128.V" */
	uint64_t size;
	/* private */
	struct flashrom_programmer *prog;	/* 1.3 leaves it NULL: prog_up tells */
	bool prog_up;
	struct flashrom_flashctx *ctx;
	struct strbuf log;
	size_t op_start;		/* log offset where the running call began */
	size_t err_line;		/* log offset of its first error line, or SIZE_MAX */
	bool log_full;
};

struct fr_region {
	const char *name;		/* "fd", "bios", "me", "gbe", "pd", ... */
	uint32_t start, len;
	uint64_t bytes_changed;		/* > 0: the region was written */
};

struct fr_write_report {
	unsigned n;			/* the included regions, in the caller's order */
	struct fr_region region[FR_REGIONS_MAX];
	unsigned written;		/* how many of them changed */
	bool verified;			/* written, and the included regions read back
					 * right (false: nothing differed, or a failure) */
};

/*
 * Initialise the programmer and probe for exactly one chip: 0 with ret->name and
 * ret->size set; -ENODEV no chip; -ENOTUNIQ several (their names in err->msg: name one
 * in opts->chip); -EPERM a programmer that needs /dev/mem and port I/O (`internal`)
 * under kernel lockdown or without CAP_SYS_RAWIO, refused before flashrom is asked,
 * the message naming the cause and the ways out. Whatever it returns, fr_close(ret)
 * ends it (and keeps nothing open after a failure); fr_log(ret) is valid until then.
 */
int fr_open(const struct fr_open_opts *opts, struct fr_chip *ret, struct fr_err *err);
/* Shut the programmer down (the dummy programmer writes its image file back here). */
void fr_close(struct fr_chip *c);
/* flashrom's messages since fr_open, one per line ("" when none). */
const char *fr_log(const struct fr_chip *c);

/*
 * The whole chip into buf (c->size bytes), in 1 MiB steps through one-region
 * layouts, so cb (may be NULL) sees progress in bytes; a negative return of cb stops
 * the read with that error.
 */
int fr_read(struct fr_chip *c, uint8_t *buf, flash_progress_fn cb, void *userdata,
	    struct fr_err *err);

/* len bytes at off into buf (len bytes), through a layout of that one range. */
int fr_read_range(struct fr_chip *c, uint64_t off, uint64_t len, uint8_t *buf,
		  struct fr_err *err);

/*
 * Make the chip hold target, given that it holds current (just read with fr_read),
 * changing only the named descriptor regions (NULL-terminated, e.g. {"me", NULL}):
 * the layout is the chip's own descriptor (which current must hold), with only
 * those regions included; flashrom writes the erase blocks that differ, taking
 * current as what the chip holds, and reads the included regions back. Refused with
 * -EINVAL before anything is written when target differs from current outside the
 * named regions, or a name is unknown; -ENOENT a region the descriptor does not
 * have; -ENODATA no descriptor on the chip; -ESTALE current's first 4 KiB (the
 * descriptor) are not the chip's; -EIO flashrom failed (its first error line in
 * err->msg). rep says which regions changed, also on failure.
 */
int fr_write(struct fr_chip *c, const uint8_t *current, const uint8_t *target,
	     const char *const *regions, struct fr_write_report *rep, struct fr_err *err);

/* flashrom's name of descriptor region FLREGn ("fd", "bios", "me", ...); NULL past them. */
const char *fr_region_name(unsigned flreg);

#endif
