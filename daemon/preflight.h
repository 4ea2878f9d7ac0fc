/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_PREFLIGHT_H
#define MECTLD_PREFLIGHT_H

/*
 * The internal flashing pre-flight: which regions of the host's own chip a job may
 * write, decided before anything is written and before the chip is read whole. Two
 * sources: the chip's own flash descriptor as the host reads it (FLMSTR1,
 * lib/image/host-access.h), and what the backend that reaches the chip reports of
 * its controller (an MTD device without MTD_WRITEABLE, the ranges flashrom finds
 * write-protected). A lock of the controller narrows the descriptor's verdict, never
 * widens it. Pure: bytes and locks in, a decision out.
 *
 *	struct preflight p;
 *	r = preflight_decide(&p, descriptor, len, locks, n_locks);	// 0: p.verdict
 */
#include <stdbool.h>
#include <stdint.h>

#include "host-access.h"
#include "strbuf.h"

#define PREFLIGHT_LOCKS_MAX 8
#define PREFLIGHT_NOTES_MAX 4

/* One thing the controller keeps the host from writing, in the backend's words. */
struct host_lock {
	char what[192];			/* one line: "/dev/mtd0 (BIOS) is read-only" */
	char way_out[384];		/* what lifts it, or "" */
	uint64_t start, end;		/* what it covers (end exclusive); end 0: everything */
};

/* A descriptor region a write may change: FLREGn and its bytes (end exclusive). */
struct host_region {
	unsigned flreg;
	uint64_t start, end;
};

struct preflight {
	struct img_host_access access;	/* the descriptor's decision */
	struct host_lock locks[PREFLIGHT_LOCKS_MAX];
	unsigned n_locks;
	/* FLREGn: the descriptor lets the host write it and no lock covers any of it */
	bool writable[IMG_HOST_MAX_REGIONS];
	enum img_host_verdict verdict;	/* the descriptor's, narrowed by the locks */
	const char *verdict_id;		/* "full", "me-only", "none" */
	char verdict_line[256];
	const char *notes[PREFLIGHT_NOTES_MAX + 1];	/* NULL-terminated */
};

/**
 * preflight_decide() - the host's write access to its own chip
 * @buf, @len: the chip's first bytes as the host read them (the descriptor: 4 KiB)
 * @locks, @n_locks: what the backend reports (copied; at most PREFLIGHT_LOCKS_MAX)
 *
 * Return: 0 with @p filled; -EINVAL when the descriptor gives no decision
 * (@p->access.error says why); -ENOMEM.
 */
int preflight_decide(struct preflight *p, const uint8_t *buf, size_t len,
		     const struct host_lock *locks, unsigned n_locks);

/* Why region FLREGn is not writable, one phrase into buf ("FLMSTR1 = 0x0a0b0000", a lock). */
const char *preflight_why_not(const struct preflight *p, unsigned flreg, char *buf, size_t len);

/*
 * Does a write that takes a chip of size bytes from current to target, erasing blocks
 * of erasesize bytes, stay inside the regions g (side by side ones join)? 0 with
 * changed[FLREGn] set for each region that changes (IMG_HOST_MAX_REGIONS entries);
 * -EINVAL, why in err, when a differing byte lies outside them, or a differing erase
 * block reaches outside them (erasing it would touch a region the host may not write).
 */
int preflight_write_bounds(const struct host_region *g, unsigned n, const uint8_t *current,
			   const uint8_t *target, uint64_t size, uint32_t erasesize, bool *changed,
			   char *err, size_t len);

/* The decision as JSON: {verdict, verdict_line, notes, locks, writable}. */
void preflight_json(const struct preflight *p, struct strbuf *b);

#endif
