/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_IMAGE_HOST_ACCESS_H
#define MECTL_IMAGE_HOST_ACCESS_H

/*
 * Internal flashing pre-flight: can the host (the BIOS master, FLMSTR1) write the ME
 * region, and the descriptor, of the chip this image describes? Decided from the
 * flash descriptor alone, before anything is written: mectl check --internal on a
 * dump, and the same call on the chip as the host reads it.
 *
 *	struct img_host_access a;
 *	int r = img_host_access(buf, len, &a);	// 0: a.verdict; -EINVAL: a.error
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

#define IMG_HOST_MAX_REGIONS 12

enum img_host_verdict {
	IMG_HOST_NONE,			/* the ME region is not writable by the host */
	IMG_HOST_ME_ONLY,		/* the ME region only: no HAP/AltMeDisable bit */
	IMG_HOST_FULL,			/* the ME region and the descriptor */
};

struct img_host_region {
	unsigned index;			/* FLREGn */
	const char *name;		/* "descriptor", "BIOS", "ME", ... */
	uint32_t flreg;
	bool used;			/* base <= limit, base not 0x7FFF (reserved) */
	uint64_t start, end;		/* file offsets, end exclusive */
	bool read, write;		/* the host's access */
};

struct img_host_access {
	enum img_ifd_layout layout;
	const char *layout_name;	/* "IFD v1 (ICH8 to 9 series)" */
	const char *read_clock;		/* FLCOMP's read clock, the layout's evidence */
	uint32_t flcomp, flmstr1;
	unsigned n_regions;		/* FLREG slots the descriptor has, for this layout */
	struct img_host_region regions[IMG_HOST_MAX_REGIONS];
	enum img_host_verdict verdict;
	const char *verdict_id;		/* "full", "me-only", "none" */
	char verdict_line[128];		/* one line, FLMSTR1 quoted for "none" */
	const char *const *notes;	/* NULL-terminated: what follows, or the ways out */
	char error[192];		/* why there is no decision (-EINVAL) */
};

/**
 * img_host_access() - the host's access to the regions of an image's descriptor
 * @buf, @len: a full flash image (descriptor at 0 or 0x10); not modified
 *
 * Return: 0 with @a filled; -EINVAL when there is no decision (no descriptor, one
 * that points past the file, an unknown layout, no ME region), @a->error saying
 * why in one line; -ENOMEM.
 */
int img_host_access(const void *buf, size_t len, struct img_host_access *a);

struct strbuf;
/* @a as one JSON object (mectl check --internal --json, the internal job's report). */
void img_host_access_json(const struct img_host_access *a, struct strbuf *b);

#endif
