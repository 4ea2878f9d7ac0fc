/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOB_READ_H
#define MECTLD_JOB_READ_H

/*
 * The steps every job that reads a chip shares (job-read.c): open the job's chip,
 * read it N times over any reader, require the passes to agree.
 */
#include <stdbool.h>
#include <stdint.h>

#include "chip.h"
#include "job.h"

struct flash;

/* Phase "probe": the job's chip identity and its MTD device open. */
int job_open_chip(Job *j, bool rw, Chip *chip, struct flash *f);

/*
 * Called once pass 1 is in (first stays valid until the read returns); a negative
 * return ends the read with that error (o->message set by the callback).
 */
typedef int (*job_first_pass_fn)(void *userdata, const uint8_t *first, uint64_t size);

/* A whole-chip reader: the MTD device (flash.c) or libflashrom (flashrom.c). */
struct job_reader {
	const char *what;		/* for messages: "/dev/mtd3" */
	uint64_t size;
	int (*read_all)(void *port, uint8_t *buf, Job *j);	/* progress on j */
	void *port;
};

/* passes whole reads into first (rd->size bytes, caller's); -EIO naming offsets on a mismatch. */
int job_read_agree(Job *j, const struct job_reader *rd, unsigned passes, uint8_t *first,
		   job_first_pass_fn first_done, void *userdata, JobOutcome *o);
/* The same over the MTD device f. */
int job_read_passes(Job *j, struct flash *f, unsigned passes, uint8_t *first,
		    job_first_pass_fn first_done, void *userdata, JobOutcome *o);

#endif
