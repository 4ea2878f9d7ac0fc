/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOB_STORE_H
#define MECTLD_JOB_STORE_H

/*
 * The job files in the state dir (job-store.c), main thread only:
 *   jobs/N            one job (job-file.c's format), replaced atomically
 *   jobs/N.in         the image of a job an older mectld spooled, until it ends
 *   jobs/rejected/N   a damaged job file, moved aside at start (never loaded)
 *
 * A job file is written when the job is queued, when it starts (before its worker
 * runs), at every phase change and when it ends. So after a crash or kill -9 a job
 * whose file says "running" was cut short: loading makes it "interrupted" (naming a
 * chip it may have left partly written, which is disarmed), and jobs still "queued"
 * run again.
 */
#include <stddef.h>
#include <stdint.h>

#include "job.h"

/* Write j's file now (its fields read under ctx->lock). */
int job_store_save(Job *j);
/* Write the text of job id (serialized by the caller under ctx->lock). */
int job_store_write(Context *c, uint32_t id, const char *text);
/*
 * Every job on record, in id order, after crash recovery (stale temporaries removed,
 * damaged files moved aside, cut-short jobs interrupted and saved).
 */
int job_store_load(Context *c, Job ***ret, size_t *ret_n);
/* Remove a finished job's files: -errno if its file stays. */
int job_store_forget(Context *c, Job *j);
/* The image an older mectld spooled for j (has_input). */
int job_store_load_input(Job *j, uint8_t **ret, size_t *ret_len);
/* The job ended or was never started: its input goes (fd and spooled copy). */
void job_store_drop_input(Job *j);

#endif
