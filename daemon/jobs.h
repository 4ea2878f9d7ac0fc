/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOBS_H
#define MECTLD_JOBS_H

/*
 * The queue (jobs.c), main thread only: submission, scheduling (one worker per chip
 * in submission order; image jobs alongside, ImageJobs= at once and
 * MECTL_IMAGE_JOBS_PER_UID queued or running per uid), cancellation, the workers'
 * wake-ups, shutdown and pruning. Whoever shows jobs (bus.c) learns of every change
 * through the observer it sets; the queue knows nothing of them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "job.h"

struct jobs_observer {
	void (*added)(Context *c, Job *j);
	/* dirty: JOB_DIRTY_* bits of what changed */
	void (*changed)(Context *c, Job *j, unsigned dirty);
	/* j is freed after this returns */
	void (*removed)(Context *c, Job *j);
};

void jobs_set_observer(Context *c, const struct jobs_observer *o);

/* The jobs on record (job-store.c), then pruned. */
int jobs_load(Context *c);
/* Start what may start now. */
void jobs_schedule(Context *c);
/* Takes j (id set by the caller): persists, announces, schedules. */
int job_submit(Context *c, Job *j);
Job *job_find(Context *c, uint32_t id);
/* -EALREADY: ended; -EBUSY: writing the chip, it stops after the write. */
int job_cancel(Job *j);
/* A check/clean job of uid may be queued: -EUSERS when it has its share already. */
int jobs_admit_image(Context *c, uid_t uid);
/* The workers changed something (Context.wake_fd is readable). */
void jobs_wake(Context *c);
/*
 * Shutdown: workers stop at their next safe point. True when a worker that touches no
 * chip did not stop in time (blocked reading its image): it is left running, and its
 * job, the lock and the wake fd must outlive this process's exit path.
 */
bool jobs_stop(Context *c);
/* Forget finished jobs beyond the newest KeepJobs= (files and bus objects). */
void jobs_prune(Context *c);

#endif
