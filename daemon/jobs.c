// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the job queue and its worker threads (jobs.h).
 *
 * Finished jobs beyond the newest KeepJobs= (config.h) are forgotten: file and bus
 * object (jobs_prune()). Backups are never deleted by mectld (backup.h).
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "chip.h"
#include "job-file.h"
#include "job-store.h"
#include "jobs.h"
#include "mectld.h"

/* At shutdown, how long a worker may take to stop unless it is writing its chip. */
#define STOP_WAIT_S 3

/* How each type runs: on an MTD device (or no chip), and on the host's own chip. */
static const struct {
	job_run_fn run;
	job_run_fn run_internal;	/* NULL: the type has no such form */
} job_runners[_JOB_TYPE_MAX] = {
	[JOB_PROBE] = { job_run_probe, job_run_probe_internal },
	[JOB_READ] = { job_run_read, NULL },
	[JOB_CHECK] = { job_run_image, NULL },
	[JOB_CLEAN] = { job_run_image, NULL },
	[JOB_WRITE] = { job_run_write, NULL },
	[JOB_RESTORE] = { job_run_write, job_run_restore_internal },
	[JOB_NEUTRALIZE] = { job_run_neutralize, job_run_neutralize_internal },
};

void jobs_set_observer(Context *c, const struct jobs_observer *o)
{
	c->observer = o;
}

static void notify_added(Context *c, Job *j)
{
	if (c->observer)
		c->observer->added(c, j);
}

static void notify_changed(Context *c, Job *j, unsigned dirty)
{
	if (c->observer && dirty)
		c->observer->changed(c, j, dirty);
}

static void notify_removed(Context *c, Job *j)
{
	if (c->observer)
		c->observer->removed(c, j);
}

/* The job's new state (and message) on disk and on the bus: the main thread's changes. */
static void job_update(Job *j, JobState state, char *message)
{
	j->state = state;
	if (message) {
		free(j->message);
		j->message = message;
	}
	if (job_store_save(j) < 0)
		fprintf(stderr, "mectld: job %" PRIu32 ": cannot save its record\n", j->id);
	notify_changed(j->ctx, j, JOB_DIRTY_STATE | (message ? JOB_DIRTY_MESSAGE : 0));
}

Job *job_find(Context *c, uint32_t id)
{
	for (size_t i = 0; i < c->n_jobs; i++)
		if (c->jobs[i]->id == id)
			return c->jobs[i];
	return NULL;
}

static int jobs_append(Context *c, Job *j)
{
	Job **n = realloc(c->jobs, (c->n_jobs + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	c->jobs = n;
	c->jobs[c->n_jobs++] = j;
	return 0;
}

static bool job_prunable(const Job *j)
{
	return job_state_is_final(j->state) && !j->thread_started;
}

void jobs_prune(Context *c)
{
	size_t final = 0, drop, i, k;

	for (i = 0; i < c->n_jobs; i++)
		final += job_prunable(c->jobs[i]);
	if (final <= c->config.keep_jobs)
		return;
	drop = final - c->config.keep_jobs;
	/* Oldest first: the array is in id order. */
	for (i = 0, k = 0; i < c->n_jobs; i++) {
		Job *j = c->jobs[i];
		int r;

		if (drop > 0 && job_prunable(j)) {
			drop--;
			r = job_store_forget(c, j);
			if (r >= 0) {
				notify_removed(c, j);
				job_free(j);
				continue;
			}
			fprintf(stderr, "mectld: job %" PRIu32 ": cannot remove its file, keeping it: "
				"%s\n", j->id, strerror(-r));
		}
		c->jobs[k++] = j;
	}
	c->n_jobs = k;
}

int jobs_load(Context *c)
{
	uint32_t max_id = 0;
	int r;

	r = job_store_load(c, &c->jobs, &c->n_jobs);
	if (r < 0)
		return r;
	for (size_t i = 0; i < c->n_jobs; i++)
		if (c->jobs[i]->id > max_id)
			max_id = c->jobs[i]->id;
	c->next_id = max_id + 1;
	jobs_prune(c);
	return 0;
}

static job_run_fn job_runner(const Job *j)
{
	return j->mtd == JOB_MTD_INTERNAL ? job_runners[j->type].run_internal :
	       job_runners[j->type].run;
}

static void *job_thread(void *p)
{
	Job *j = p;
	JobOutcome o = { .state = JOB_FAILED };
	int r;

	r = job_runner(j)(j, &o);
	job_finish(j, &o, r);
	return NULL;
}

static int job_start(Job *j)
{
	int r;

	j->state = JOB_RUNNING;
	r = job_store_save(j);	/* "running" on disk before the chip is touched */
	if (r < 0)
		return r;
	notify_changed(j->ctx, j, JOB_DIRTY_STATE);
	r = -pthread_create(&j->thread, NULL, job_thread, j);
	if (r < 0) {
		job_update(j, JOB_FAILED, strdup("cannot start a worker thread"));
		return r;
	}
	j->thread_started = true;
	return 0;
}

static bool chip_busy(Context *c, int mtd)
{
	for (size_t i = 0; i < c->n_jobs; i++) {
		Job *j = c->jobs[i];

		if (j->state == JOB_RUNNING && j->mtd == mtd && job_type_uses_chip(j->type))
			return true;
	}
	return false;
}

/*
 * A chip job runs only on the chip it was queued for: after a restart, a detach or a
 * swapped clip, /dev/mtdN may be another chip. False (and the job failed) if not.
 */
static bool job_chip_unchanged(Job *j)
{
	char *msg = NULL;
	Chip chip;
	int r;

	if (!job_type_uses_chip(j->type) || j->mtd < 0 || !j->chip_id)
		return true;
	r = chip_identify(j->mtd, &chip);
	if (r >= 0 && !strcmp(chip.id, j->chip_id))
		return true;
	if (asprintf(&msg, "not run: /dev/mtd%d is no longer the chip this job was queued "
		     "for (%s, now %s); submit it again", j->mtd, j->chip_id,
		     r < 0 ? "no chip" : chip.id) < 0)
		msg = NULL;
	job_store_drop_input(j);
	job_update(j, JOB_FAILED, msg);
	fprintf(stderr, "mectld: job %" PRIu32 ": %s\n", j->id, msg ? msg : "chip changed");
	return false;
}

static bool is_image_job(const Job *j)
{
	return !job_type_uses_chip(j->type);
}

/* check/clean jobs of uid (any uid: (uid_t)-1) in state. */
static unsigned image_jobs_in(Context *c, JobState state, uid_t uid)
{
	unsigned n = 0;

	for (size_t i = 0; i < c->n_jobs; i++) {
		const Job *j = c->jobs[i];

		if (is_image_job(j) && j->state == state && (uid == (uid_t)-1 || j->owner == uid))
			n++;
	}
	return n;
}

int jobs_admit_image(Context *c, uid_t uid)
{
	return image_jobs_in(c, JOB_QUEUED, uid) + image_jobs_in(c, JOB_RUNNING, uid) >=
	       MECTL_IMAGE_JOBS_PER_UID ? -EUSERS : 0;
}

void jobs_schedule(Context *c)
{
	unsigned image_running = image_jobs_in(c, JOB_RUNNING, (uid_t)-1);

	if (atomic_load(&c->stopping))
		return;
	for (size_t i = 0; i < c->n_jobs; i++) {
		Job *j = c->jobs[i];
		int r;

		if (j->state != JOB_QUEUED)
			continue;
		/* One worker per chip, in submission order; image jobs run alongside. */
		if (job_type_uses_chip(j->type) && j->mtd != -1 && chip_busy(c, j->mtd))
			continue;
		if (!job_chip_unchanged(j))
			continue;
		/* At most ImageJobs= image jobs at once, the others wait in order. */
		if (is_image_job(j) && image_running >= c->config.image_jobs)
			continue;
		image_running += is_image_job(j);
		r = job_start(j);
		if (r < 0)
			fprintf(stderr, "mectld: job %" PRIu32 ": cannot start: %s\n", j->id,
				strerror(-r));
	}
}

int job_submit(Context *c, Job *j)
{
	Chip chip;
	int r;

	if (!job_runner(j))
		return -EOPNOTSUPP;
	/* The identity of the chip it is queued for, checked again when it starts. */
	if (job_type_uses_chip(j->type) && j->mtd >= 0 && !j->chip_id &&
	    chip_identify(j->mtd, &chip) >= 0) {
		j->chip_id = strdup(chip.id);
		if (!j->chip_id)
			return -ENOMEM;
	}
	r = job_store_save(j);
	if (r < 0)
		return r;
	jobs_prune(c);
	r = jobs_append(c, j);
	if (r < 0)
		return r;
	notify_added(c, j);
	jobs_schedule(c);
	return 0;
}

int job_cancel(Job *j)
{
	Context *c = j->ctx;
	bool ok;

	if (j->state == JOB_QUEUED) {
		job_store_drop_input(j);
		job_update(j, JOB_CANCELLED, strdup("cancelled before it started"));
		return 0;
	}
	if (job_state_is_final(j->state))
		return -EALREADY;
	pthread_mutex_lock(&c->lock);
	ok = j->cancellable;
	if (ok)
		atomic_store(&j->cancel, true);
	pthread_mutex_unlock(&c->lock);
	return ok ? 0 : -EBUSY;
}

/* A worker returned: join it, close what it was given. */
static void job_reap(Job *j)
{
	pthread_join(j->thread, NULL);
	j->thread_started = false;
	if (j->out_fd >= 0)
		j->out_fd = (close(j->out_fd), -1);
	job_store_drop_input(j);
}

void jobs_wake(Context *c)
{
	bool reschedule = false;
	uint64_t n;

	(void) !read(c->wake_fd, &n, sizeof(n));
	for (size_t i = 0; i < c->n_jobs; i++) {
		Job *j = c->jobs[i];
		_cleanup_free_ char *text = NULL;
		unsigned dirty;
		bool done;

		pthread_mutex_lock(&c->lock);
		dirty = j->dirty;
		j->dirty = 0;
		done = j->thread_started && atomic_load(&j->finished);
		if (dirty & JOB_DIRTY_PERSIST)
			text = job_serialize(j);
		pthread_mutex_unlock(&c->lock);

		if (done) {
			job_reap(j);
			reschedule = true;
		}
		if (text) {
			int r = job_store_write(c, j->id, text);

			if (r < 0)
				fprintf(stderr, "mectld: job %" PRIu32 ": cannot save state, ignoring: "
					"%s\n", j->id, strerror(-r));
		}
		notify_changed(c, j, dirty & ~JOB_DIRTY_PERSIST);
	}
	if (!reschedule)
		return;
	jobs_prune(c);
	jobs_schedule(c);
}

/*
 * Shutdown. Every worker is asked to stop and gets until STOP_WAIT_S; one still
 * writing its chip after that is waited for (the write is finished first). Any other
 * one (blocked reading its image from a stalled FUSE or NFS file) is left for the
 * process's exit to end: its cancel is set, so it can no longer begin a chip write.
 */
bool jobs_stop(Context *c)
{
	struct timespec deadline;
	bool left = false;

	atomic_store(&c->stopping, true);
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->n_jobs; i++)
		if (c->jobs[i]->thread_started)
			atomic_store(&c->jobs[i]->cancel, true);
	pthread_mutex_unlock(&c->lock);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += STOP_WAIT_S;
	for (size_t i = 0; i < c->n_jobs; i++) {
		Job *j = c->jobs[i];
		bool joined, writing;

		if (!j->thread_started)
			continue;
		joined = pthread_timedjoin_np(j->thread, NULL, &deadline) == 0;
		if (!joined) {
			pthread_mutex_lock(&c->lock);
			writing = !j->cancellable;
			pthread_mutex_unlock(&c->lock);
			joined = writing && pthread_join(j->thread, NULL) == 0;
		}
		if (joined) {
			j->thread_started = false;
		} else {
			fprintf(stderr, "mectld: job %" PRIu32 ": its worker does not stop (blocked "
				"reading its image?); leaving it\n", j->id);
			left = true;
		}
		/* What it was doing when asked to stop, as the job's final record. */
		pthread_mutex_lock(&c->lock);
		if (j->state == JOB_RUNNING)
			j->state = JOB_INTERRUPTED;
		pthread_mutex_unlock(&c->lock);
		(void) job_store_save(j);
	}
	return left;
}
