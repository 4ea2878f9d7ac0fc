/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOB_H
#define MECTLD_JOB_H

/*
 * One job: its parameters (fixed at submission, persisted), its live state, and the
 * API its worker thread uses (job.c). The queue (jobs.c) creates, schedules, starts
 * and ends jobs on the main thread; a worker touches only its own Job, under
 * Context.lock, and wakes the loop through Context.wake_fd (mectld.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "job-type.h"
#include "strbuf.h"

typedef struct Context Context;
typedef struct Job Job;
struct job_image;

/* Bits of Job.dirty: which properties changed since the loop last looked. */
enum {
	JOB_DIRTY_STATE = 1 << 0,
	JOB_DIRTY_PHASE = 1 << 1,
	JOB_DIRTY_PROGRESS = 1 << 2,
	JOB_DIRTY_MESSAGE = 1 << 3,
	JOB_DIRTY_RESULT = 1 << 4,
	JOB_DIRTY_PERSIST = 1 << 5,	/* write the job file */
};

/* The phase a job is in: "read" carries which pass of how many. */
struct job_phase_at {
	JobPhase phase;
	unsigned pass, passes;
};

struct Job {
	Context *ctx;
	uint32_t id;
	JobType type;
	uid_t owner;

	/* Parameters, fixed at submission (persisted). */
	int mtd;			/* chip: /dev/mtd<mtd>; -1 for image-only jobs;
					 * JOB_MTD_INTERNAL: the host's own chip */
	char *chip_id;			/* Chip.id at submission; NULL: none known */
	uint32_t bus, cs, speed_hz;	/* probe: attach spiBUS.CS when set */
	bool attach;
	uint32_t passes;
	bool force;
	char **args;			/* me_cleaner flags (NULL-terminated) */
	bool has_input;			/* jobs/N.in holds the image (an older mectld spooled it) */
	int in_fd;			/* the client's image, read by the worker */
	bool has_output;		/* an output fd was passed */
	int out_fd;			/* -1 after a restart */
	struct job_image *image;	/* check/clean: engine options, extra outputs */
	void (*image_free)(struct job_image *image);	/* set with image (job-image.c) */

	/* Live state, under ctx->lock once a worker runs. */
	JobState state;
	struct job_phase_at phase;
	double progress;		/* of the current phase, 0..1 */
	double phase_started;		/* CLOCK_MONOTONIC seconds */
	struct strbuf phase_times;	/* worker only: "name":seconds of ended phases */
	char *message;
	char *result;			/* JSON object */
	unsigned dirty;

	atomic_bool cancel;
	bool cancellable;		/* false while the chip is being written (under lock) */
	pthread_t thread;
	bool thread_started;
	atomic_bool finished;		/* worker returned; loop joins it */
};

/* What a worker body leaves: JOB_SUCCEEDED, JOB_FAILED or JOB_CANCELLED, its texts. */
typedef struct JobOutcome {
	JobState state;
	char *message;
	char *result;
} JobOutcome;

/* One worker body per job type (job-*.c): 0 or -errno, the outcome filled in. */
typedef int (*job_run_fn)(Job *j, JobOutcome *o);

/* The object (main thread). */
Job *job_new(Context *c, JobType type, uid_t owner);
Job *job_free(Job *j);
char *job_object_path(const Job *j);
/* The job's phase as the contract shows it ("read 1/2"); buf of JOB_PHASE_TEXT_MAX. */
void job_phase_text(const Job *j, char *buf, size_t len);
/* Flag what changed and wake the loop (ctx->lock held, any thread). */
void job_touch(Job *j, unsigned dirty);

/* The worker API (any thread). */
void job_set_phase(Job *j, JobPhase phase);
void job_set_read_pass(Job *j, unsigned pass, unsigned passes);
/* Ends the current phase and appends {"phase":seconds,...} to b. */
void job_phase_times_json(Job *j, struct strbuf *b);
void job_set_progress(Job *j, double progress);
/*
 * The chip is about to be written: from here on a cancel, or mectld's shutdown, waits
 * for job_chip_write_done(). -ECANCELED (the outcome says so) when a cancel came
 * first: nothing may be written.
 */
int job_chip_write_begin(Job *j, JobOutcome *o);
void job_chip_write_done(Job *j);
bool job_cancel_requested(Job *j);
/* Progress callback of the chip readers and writers: sets progress, stops on cancel. */
int job_flash_progress(void *userdata, uint64_t done, uint64_t total);
/* The worker's end: its outcome becomes the job's state (the loop joins the thread). */
void job_finish(Job *j, JobOutcome *o, int r);

/* The worker bodies, one file per job type; jobs.c's table says which runs a job. */
int job_run_probe(Job *j, JobOutcome *o);
int job_run_read(Job *j, JobOutcome *o);
int job_run_image(Job *j, JobOutcome *o);	/* check and clean */
int job_run_write(Job *j, JobOutcome *o);	/* write and restore */
int job_run_neutralize(Job *j, JobOutcome *o);
/*
 * job-internal.c: on the host's own chip (JOB_MTD_INTERNAL): neutralize, restore, and
 * the probe, which is the internal flashing pre-flight alone
 */
int job_run_neutralize_internal(Job *j, JobOutcome *o);
int job_run_restore_internal(Job *j, JobOutcome *o);
int job_run_probe_internal(Job *j, JobOutcome *o);

#endif
