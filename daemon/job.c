// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the Job object and the API of its worker thread (job.h).
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "job-file.h"
#include "mectld.h"

Job *job_new(Context *c, JobType type, uid_t owner)
{
	Job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->ctx = c;
	j->type = type;
	j->owner = owner;
	j->mtd = -1;
	j->passes = MECTL_PASSES_DEFAULT;
	j->out_fd = -1;
	j->in_fd = -1;
	j->state = JOB_QUEUED;
	j->cancellable = true;
	return j;
}

Job *job_free(Job *j)
{
	if (!j)
		return NULL;
	if (j->out_fd >= 0)
		close(j->out_fd);
	if (j->in_fd >= 0)
		close(j->in_fd);
	if (j->image)
		j->image_free(j->image);
	job_fields_free(j);
	strbuf_done(&j->phase_times);
	free(j);
	return NULL;
}

char *job_object_path(const Job *j)
{
	char *p;

	if (asprintf(&p, MECTL_JOB_PREFIX "/%" PRIu32, j->id) < 0)
		return NULL;
	return p;
}

void job_phase_text(const Job *j, char *buf, size_t len)
{
	job_phase_format(j->phase.phase, j->phase.pass, j->phase.passes, buf, len);
}

void job_touch(Job *j, unsigned dirty)
{
	uint64_t one = 1;

	j->dirty |= dirty;
	(void) !write(j->ctx->wake_fd, &one, sizeof(one));
}

static double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The phase that ends now goes into phase_times (ctx->lock held). */
static void job_end_phase(Job *j, double now)
{
	char name[JOB_PHASE_TEXT_MAX];

	if (j->phase.phase == JOB_PHASE_NONE || j->phase_started <= 0)
		return;
	job_phase_text(j, name, sizeof(name));
	strbuf_printf(&j->phase_times, "%s", j->phase_times.len ? "," : "");
	json_str(&j->phase_times, name);
	strbuf_printf(&j->phase_times, ":%.3f", now - j->phase_started);
}

void job_phase_times_json(Job *j, struct strbuf *b)
{
	pthread_mutex_lock(&j->ctx->lock);
	job_end_phase(j, monotonic_s());
	j->phase_started = 0;
	strbuf_printf(b, "{%s}", j->phase_times.s && !j->phase_times.oom ? j->phase_times.s : "");
	pthread_mutex_unlock(&j->ctx->lock);
}

static void job_enter_phase(Job *j, JobPhase phase, unsigned pass, unsigned passes)
{
	double now = monotonic_s();

	pthread_mutex_lock(&j->ctx->lock);
	job_end_phase(j, now);
	j->phase_started = now;
	j->phase = (struct job_phase_at) { phase, pass, passes };
	j->progress = 0;
	job_touch(j, JOB_DIRTY_PHASE | JOB_DIRTY_PROGRESS | JOB_DIRTY_PERSIST);
	pthread_mutex_unlock(&j->ctx->lock);
}

void job_set_phase(Job *j, JobPhase phase)
{
	job_enter_phase(j, phase, 0, 0);
}

void job_set_read_pass(Job *j, unsigned pass, unsigned passes)
{
	job_enter_phase(j, JOB_PHASE_READ, pass, passes);
}

void job_set_progress(Job *j, double progress)
{
	pthread_mutex_lock(&j->ctx->lock);
	/* One signal per percent is plenty for a progress bar. */
	if (progress >= 1.0 || progress - j->progress >= 0.01 || progress < j->progress) {
		j->progress = progress > 1.0 ? 1.0 : progress;
		job_touch(j, JOB_DIRTY_PROGRESS);
	}
	pthread_mutex_unlock(&j->ctx->lock);
}

void job_set_cancellable(Job *j, bool cancellable)
{
	pthread_mutex_lock(&j->ctx->lock);
	j->cancellable = cancellable;
	pthread_mutex_unlock(&j->ctx->lock);
}

bool job_cancel_requested(Job *j)
{
	bool r;

	/* While the chip is being written a cancel waits for the write to finish. */
	pthread_mutex_lock(&j->ctx->lock);
	r = atomic_load(&j->cancel) && j->cancellable;
	pthread_mutex_unlock(&j->ctx->lock);
	return r;
}

int job_flash_progress(void *userdata, uint64_t done, uint64_t total)
{
	Job *j = userdata;

	job_set_progress(j, total ? (double)done / (double)total : 1.0);
	return job_cancel_requested(j) ? -ECANCELED : 0;
}

void job_finish(Job *j, JobOutcome *o, int r)
{
	if (r < 0 && o->state == JOB_SUCCEEDED)
		o->state = JOB_FAILED;
	if (r == -ECANCELED)
		o->state = atomic_load(&j->ctx->stopping) ? JOB_INTERRUPTED : JOB_CANCELLED;
	if (r < 0 && !o->message && asprintf(&o->message, "%s failed: %s",
					     job_type_to_string(j->type), strerror(-r)) < 0)
		o->message = NULL;

	pthread_mutex_lock(&j->ctx->lock);
	j->state = o->state;
	if (o->message) {
		free(j->message);
		j->message = o->message;
	}
	free(j->result);
	j->result = o->result;
	if (o->state == JOB_SUCCEEDED) {
		j->progress = 1.0;
		j->dirty |= JOB_DIRTY_PROGRESS;
	}
	atomic_store(&j->finished, true);
	job_touch(j, JOB_DIRTY_STATE | JOB_DIRTY_MESSAGE | JOB_DIRTY_RESULT | JOB_DIRTY_PERSIST);
	pthread_mutex_unlock(&j->ctx->lock);
	*o = (JobOutcome) {};
}
