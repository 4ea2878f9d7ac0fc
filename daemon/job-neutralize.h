/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOB_NEUTRALIZE_H
#define MECTLD_JOB_NEUTRALIZE_H

/*
 * What neutralize does the same way whichever path reaches the chip: on the MTD
 * device of a clipped chip (job-neutralize.c) or on the host's own chip
 * (job-internal.c).
 *
 * The engine (hash, staged backup, check, clean: pure CPU) runs on its own thread
 * over read pass 1 while passes 2..N are read; nothing it did is final until every
 * pass agreed and nz_engine_verdict() took its answers:
 *
 *	struct nz_engine e = { .job = j, .chip_id = id };
 *	r = job_read_agree(j, &reader, j->passes, orig, nz_engine_start, &e, o);
 *	nz_engine_join(&e);
 *	if (r >= 0)
 *		r = nz_engine_verdict(&e, size, o);	// backup kept; e.cln.image to write
 *	...write...
 *	nz_engine_done(&e);
 */
#include <pthread.h>

#include "job-image.h"

struct nz_engine {
	Job *job;
	const char *chip_id;
	/* The host cannot write the descriptor: no HAP bit (-S is module removal only). */
	bool keep_descriptor;
	const uint8_t *in;
	size_t len;
	char sha_orig[65], sha_new[65];
	char *stage_tmp;
	char *backup;			/* the kept backup's name, once kept */
	int r_backup;
	struct img_options opts;
	struct img_result chk, cln;
	int r_chk, r_cln;
	double seconds;
	pthread_t thread;
	bool started;			/* on its thread */
	bool ran;			/* engine_thread() returned */
};

/* A job_first_pass_fn: start the engine on pass 1 (userdata: the nz_engine). */
int nz_engine_start(void *userdata, const uint8_t *first, uint64_t size);
void nz_engine_join(struct nz_engine *e);
/*
 * Every pass agreed: keep the backup, then take check's and clean's verdicts (a
 * descriptor that fails a sanity check is refused; a warning is kept for the report).
 * 0: e->cln.image (size bytes) is what to write; else the outcome says why and that
 * the chip was not touched.
 */
int nz_engine_verdict(struct nz_engine *e, uint64_t size, JobOutcome *o);
/* Free it all; a backup never kept is dropped (and the client's file emptied). */
void nz_engine_done(struct nz_engine *e);

/* The outcome of a job that did not touch the chip: what, the engine's error line. */
int nz_fail_untouched(JobOutcome *o, const char *what, const struct img_log *log,
		      bool backup_written, int r);
double nz_now(void);

#endif
