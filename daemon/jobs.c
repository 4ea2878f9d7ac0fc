// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the job queue, its worker threads and its persistence.
 *
 * State dir layout (every file replaced atomically: tmp + fsync + rename + fsync dir):
 *   jobs/N        one job: parameters, state, phase, message, result (key=value lines)
 *   jobs/N.in     the image a job was given (write, restore, check, clean), until it ends
 *   jobs/rejected/N   a damaged job file, moved aside at start (never loaded)
 *   backups/ID-SHA256.bin   every verified chip read, never overwritten
 *
 * Finished jobs beyond the newest KeepJobs= (config.h) are forgotten (file and bus
 * object; jobs_prune()). Backups are never deleted by mectld: they are the way back,
 * and one per distinct content of a chip.
 *
 * A job file is written when the job is queued, when it starts (before the worker
 * runs), at every phase change and when it ends. So after a crash or kill -9 a job
 * whose file says "running" was cut short: it becomes "interrupted" at the next
 * start, and jobs still "queued" run again.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>

#include "mectld.h"

static bool job_is_final(const Job *j)
{
	return j->state != JOB_QUEUED && j->state != JOB_RUNNING;
}

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
	job_image_free(j->image);
	job_fields_free(j);
	strbuf_done(&j->phase_times);
	free(j);
	return NULL;
}

Job *job_find(Context *c, uint32_t id)
{
	for (size_t i = 0; i < c->n_jobs; i++)
		if (c->jobs[i]->id == id)
			return c->jobs[i];
	return NULL;
}

char *job_object_path(const Job *j)
{
	char *p;

	if (asprintf(&p, MECTL_JOB_PREFIX "/%u", j->id) < 0)
		return NULL;
	return p;
}

/* ---------------------------------------------------------------------------------
 * Persistence (the format is job-file.c's).
 */
static int job_write_file(Context *c, uint32_t id, const char *text)
{
	char name[16];

	if (!text)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%u", id);
	return write_file_atomic(c->jobs_fd, name, text, strlen(text));
}

/* Persist now (main thread). */
static int job_save(Job *j)
{
	_cleanup_free_ char *text = NULL;

	pthread_mutex_lock(&j->ctx->lock);
	text = job_serialize(j);
	pthread_mutex_unlock(&j->ctx->lock);
	return job_write_file(j->ctx, j->id, text);
}

static int job_cmp(const void *a, const void *b)
{
	const Job *x = *(Job *const *)a, *y = *(Job *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
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

/* Phases of a neutralize job in which the chip may already differ from what was read. */
static const char *const chip_touching_phases[] = { "arm", "write", "verify", "disarm" };

static bool job_may_have_written(const Job *j)
{
	if (j->type == JOB_WRITE || j->type == JOB_RESTORE)
		return true;
	if (j->type != JOB_NEUTRALIZE || !j->phase)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(chip_touching_phases); i++)
		if (!strncmp(j->phase, chip_touching_phases[i], strlen(chip_touching_phases[i])))
			return true;
	return false;
}

/* Every chip mectl_flash has attached, disarmed: when a record no longer names its chip. */
static void disarm_all_chips(void)
{
	_cleanup_free_ struct chip_info *chips = NULL;
	size_t n = 0;

	if (kernel_list_chips(&chips, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		(void) kernel_arm(chips[i].bus, chips[i].cs, false);
}

static void job_mark_interrupted(Job *j, bool mtd_known)
{
	_cleanup_free_ char *msg = NULL;
	bool chip_written = job_may_have_written(j);
	Chip chip;

	if (asprintf(&msg, "mectld stopped while this job was running (phase: %s)%s",
		     j->phase ? j->phase : "none",
		     !chip_written ? "" : j->mtd == JOB_MTD_INTERNAL ?
		     "; the chip may be partly written: restore it from the backup with 'mectl "
		     "restore --internal FILE'" :
		     "; the chip may be partly written: restore it from the backup with 'mectl "
		     "restore --mtd N FILE'") < 0)
		msg = NULL;
	j->state = JOB_INTERRUPTED;
	free(j->message);
	j->message = TAKE_PTR(msg);
	/* A chip left armed by the dead worker is disarmed again. */
	if (!mtd_known)
		disarm_all_chips();
	else if (j->mtd >= 0 && chip_identify(j->mtd, &chip) >= 0 && chip.managed)
		(void) chip_arm(&chip, false);
}

/* Drop one finished job: its files, then its bus object. Fails only if the file stays. */
static int job_forget(Context *c, Job *j)
{
	char name[16];

	snprintf(name, sizeof(name), "%" PRIu32, j->id);
	if (unlinkat(c->jobs_fd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	snprintf(name, sizeof(name), "%" PRIu32 ".in", j->id);
	(void) unlinkat(c->jobs_fd, name, 0);
	bus_job_removed(c, j);
	job_free(j);
	return 0;
}

void jobs_prune(Context *c)
{
	size_t final = 0, drop, i, k;

	for (i = 0; i < c->n_jobs; i++)
		final += job_is_final(c->jobs[i]) && !c->jobs[i]->thread_started;
	if (final <= c->config.keep_jobs)
		return;
	drop = final - c->config.keep_jobs;
	/* Oldest first: the array is in id order. */
	for (i = 0, k = 0; i < c->n_jobs; i++) {
		Job *j = c->jobs[i];
		int r;

		if (drop > 0 && job_is_final(j) && !j->thread_started) {
			drop--;
			r = job_forget(c, j);
			if (r >= 0)
				continue;
			fprintf(stderr, "mectld: job %" PRIu32 ": cannot remove its file, keeping it: %s\n",
				j->id, strerror(-r));
		}
		c->jobs[k++] = j;
	}
	c->n_jobs = k;
}

/* A stale temporary of an atomic write (".NAME.tmp") that a crash left behind. */
static bool is_stale_tmp(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' && n > 5 && !strcmp(name + n - 4, ".tmp");
}

static void remove_stale_tmps(int dirfd, const char *dirname)
{
	_cleanup_close_ int dfd = dup(dirfd);
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (!d)
		return;
	dfd = -1;
	rewinddir(d);	/* the dup shares its offset with dirfd */
	while ((de = readdir(d)))
		if (is_stale_tmp(de->d_name) && unlinkat(dirfd, de->d_name, 0) == 0)
			fprintf(stderr, "mectld: removed the stale temporary %s/%s\n", dirname,
				de->d_name);
	closedir(d);
}

/*
 * A damaged job file goes to jobs/rejected/ (with its .in), under its own name or
 * NAME.2, NAME.3 ... if that is taken: never run, never lost, logged this once.
 */
static int job_file_reject(Context *c, const char *name, const char *why)
{
	_cleanup_close_ int rfd = -1;
	char dest[288], in[288];
	int r = 0;

	if (mkdirat(c->jobs_fd, "rejected", 0700) < 0 && errno != EEXIST)
		r = -errno;
	if (r >= 0) {
		rfd = openat(c->jobs_fd, "rejected", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rfd < 0)
			r = -errno;
	}
	for (unsigned k = 1; r >= 0; k++) {
		if (k == 1)
			snprintf(dest, sizeof(dest), "%s", name);
		else
			snprintf(dest, sizeof(dest), "%s.%u", name, k);
		if (renameat2(c->jobs_fd, name, rfd, dest, RENAME_NOREPLACE) == 0)
			break;
		if (errno != EEXIST || k >= 1000)
			r = -errno;
	}
	if (r < 0) {
		fprintf(stderr, "mectld: job file %s is damaged (%s) and cannot be moved aside (%s); "
			"not loaded\n", name, why, strerror(-r));
		return r;
	}
	snprintf(in, sizeof(in), "%s.in", name);
	snprintf(dest + strlen(dest), sizeof(dest) - strlen(dest), ".in");
	(void) renameat2(c->jobs_fd, in, rfd, dest, RENAME_NOREPLACE);
	(void) fsync(rfd);
	(void) fsync(c->jobs_fd);
	dest[strlen(dest) - 3] = 0;
	fprintf(stderr, "mectld: job file %s rejected, moved to jobs/rejected/%s: %s\n", name, dest,
		why);
	return 0;
}

/*
 * One job file. A damaged one is moved aside and not loaded — except that a record
 * which got as far as "state=running" is kept as an interrupted job (it never runs
 * again) so that its chip is disarmed and the client sees what happened.
 */
static int job_load_one(Context *c, const char *name, Job **ret)
{
	_cleanup_free_ uint8_t *text = NULL;
	_cleanup_free_ char *why = NULL;
	uint32_t seen = 0, id;
	size_t len = 0;
	bool running;
	Job *j;
	int r;

	*ret = NULL;
	if (job_file_name_to_id(name, &id) < 0)
		return 0;
	j = job_new(c, JOB_PROBE, 0);
	if (!j)
		return -ENOMEM;
	r = read_file_at(c->jobs_fd, name, 1 << 20, &text, &len);
	if (r == -ENOMEM) {
		job_free(j);
		return r;
	}
	if (r < 0) {
		if (asprintf(&why, "cannot read it: %s", strerror(-r)) < 0)
			why = NULL;
		r = -EBADMSG;
	} else {
		r = job_file_parse(name, (const char *)text, len, j, &seen, &why);
	}
	if (r == -ENOMEM) {
		job_free(j);
		return r;
	}
	if (r == 0) {
		*ret = j;
		return 0;
	}
	(void) job_file_reject(c, name, why ? why : "damaged");
	running = (seen & (1u << JOB_KEY_TYPE)) && (seen & (1u << JOB_KEY_STATE)) &&
		  j->state == JOB_RUNNING;
	if (!running) {
		job_free(j);
		return 0;
	}
	/* What the record lacks is not guessed: no chip, no input or output, root only. */
	j->id = id;
	if (!(seen & (1u << JOB_KEY_OWNER)))
		j->owner = 0;
	if (!(seen & (1u << JOB_KEY_MTD)))
		j->mtd = -1;
	j->has_input = j->has_output = false;
	j->passes = MECTL_PASSES_DEFAULT;
	job_mark_interrupted(j, seen & (1u << JOB_KEY_MTD));
	if (j->message) {
		char *m = NULL;

		if (asprintf(&m, "%s; its job file was damaged (%s) and is kept in jobs/rejected/",
			     j->message, why ? why : "") >= 0) {
			free(j->message);
			j->message = m;
		}
	}
	*ret = j;
	return 1;	/* already marked: save it as it is now */
}

int jobs_load(Context *c)
{
	_cleanup_close_ int dfd = -1;
	DIR *d;
	struct dirent *de;
	uint32_t max_id = 0;
	int r = 0;

	remove_stale_tmps(c->jobs_fd, "jobs");
	remove_stale_tmps(c->backups_fd, "backups");
	dfd = dup(c->jobs_fd);
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d)
		return -errno;
	dfd = -1;
	rewinddir(d);
	while ((de = readdir(d))) {
		Job *j;

		r = job_load_one(c, de->d_name, &j);
		if (r < 0)
			break;
		if (!j)
			continue;
		if (r > 0 && job_save(j) < 0)
			fprintf(stderr, "mectld: job %u: cannot save its record\n", j->id);
		if (j->id > max_id)
			max_id = j->id;
		r = jobs_append(c, j);
		if (r < 0) {
			job_free(j);
			break;
		}
	}
	closedir(d);
	if (r == -ENOMEM)
		return r;
	qsort(c->jobs, c->n_jobs, sizeof(Job *), job_cmp);
	c->next_id = max_id + 1;

	for (size_t i = 0; i < c->n_jobs; i++) {
		Job *j = c->jobs[i];

		if (j->state == JOB_RUNNING) {
			job_mark_interrupted(j, true);
			r = job_save(j);
			if (r < 0)
				return r;
		} else if (j->state == JOB_QUEUED && j->has_output) {
			/* The client's fd died with the old daemon: the output stays here. */
			free(j->message);
			j->message = strdup("requeued after a restart; the output fd was lost, "
					    "results stay in mectld's state dir");
		}
	}
	jobs_prune(c);
	return 0;
}

int job_load_input(Job *j, uint8_t **ret, size_t *ret_len)
{
	char name[24];

	snprintf(name, sizeof(name), "%u.in", j->id);
	return read_file_at(j->ctx->jobs_fd, name, MECTL_IMAGE_MAX, ret, ret_len);
}

static void job_drop_input(Job *j)
{
	char name[24];

	if (j->in_fd >= 0)
		j->in_fd = (close(j->in_fd), -1);
	if (!j->has_input)
		return;
	snprintf(name, sizeof(name), "%u.in", j->id);
	(void) unlinkat(j->ctx->jobs_fd, name, 0);
}

/* ---------------------------------------------------------------------------------
 * Backups: every verified read of a chip, named by chip identity and content hash.
 * write refuses a chip whose current content is not among them (unless forced);
 * restore accepts only an image that is among them (unless forced).
 */
static void backup_name(const char *chip_id, const char *sha256, char *out, size_t len)
{
	snprintf(out, len, "%s-%s.bin", chip_id, sha256);
}

int backup_stage(Context *c, const char *chip_id, const char *sha256, const uint8_t *data,
		 size_t len, char **ret_tmp)
{
	char name[256];

	snprintf(name, sizeof(name), ".%s-%s.bin.tmp", chip_id, sha256);
	*ret_tmp = strdup(name);
	if (!*ret_tmp)
		return -ENOMEM;
	return write_file_staged(c->backups_fd, name, data, len);
}

int backup_commit(Context *c, const char *tmp, const char *chip_id, const char *sha256,
		  char **ret_path)
{
	char name[256];
	int r;

	backup_name(chip_id, sha256, name, sizeof(name));
	r = commit_staged(c->backups_fd, tmp, name, false);
	if (r < 0 && r != -EEXIST)	/* the same bytes are already kept: fine */
		return r;
	if (ret_path && asprintf(ret_path, "%s/backups/%s", c->state_dir, name) < 0)
		return -ENOMEM;
	return 0;
}

void backup_discard(Context *c, const char *tmp)
{
	if (tmp)
		(void) unlinkat(c->backups_fd, tmp, 0);
}

int backup_store(Context *c, const char *chip_id, const uint8_t *data, size_t len, char **ret_path)
{
	_cleanup_free_ char *tmp = NULL;
	char sha[65];
	int r;

	r = sha256_hex(data, len, sha);
	if (r < 0)
		return r;
	r = backup_stage(c, chip_id, sha, data, len, &tmp);
	if (r < 0)
		return r;
	return backup_commit(c, tmp, chip_id, sha, ret_path);
}

bool backup_known(Context *c, const char *chip_id, const char *sha256)
{
	char name[256];

	backup_name(chip_id, sha256, name, sizeof(name));
	return faccessat(c->backups_fd, name, F_OK, 0) == 0;
}

/* ---------------------------------------------------------------------------------
 * Worker side. Everything below may run on a worker thread.
 */
static void job_touch(Job *j, unsigned bits)
{
	uint64_t one = 1;

	j->dirty |= bits;
	(void) !write(j->ctx->wake_fd, &one, sizeof(one));
}

static double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void job_end_phase(Job *j, double now)
{
	if (!j->phase || j->phase_started <= 0)
		return;
	strbuf_printf(&j->phase_times, "%s", j->phase_times.len ? "," : "");
	json_str(&j->phase_times, j->phase);
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

void job_set_phase(Job *j, const char *phase)
{
	char *p = strdup(phase);
	double now = monotonic_s();

	pthread_mutex_lock(&j->ctx->lock);
	job_end_phase(j, now);
	j->phase_started = now;
	if (p) {
		free(j->phase);
		j->phase = p;
	}
	j->progress = 0;
	job_touch(j, JOB_DIRTY_PHASE | JOB_DIRTY_PROGRESS | JOB_DIRTY_PERSIST);
	pthread_mutex_unlock(&j->ctx->lock);
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

void job_set_message(Job *j, const char *fmt, ...)
{
	va_list ap;
	char *m;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	pthread_mutex_lock(&j->ctx->lock);
	free(j->message);
	j->message = m;
	job_touch(j, JOB_DIRTY_MESSAGE);
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

typedef int (*job_run_fn)(Job *j, JobOutcome *o);

static const job_run_fn job_run_table[_JOB_TYPE_MAX] = {
	[JOB_PROBE] = job_run_probe,
	[JOB_READ] = job_run_read,
	[JOB_CHECK] = job_run_image,
	[JOB_CLEAN] = job_run_image,
	[JOB_WRITE] = job_run_write,
	[JOB_RESTORE] = job_run_write,
	[JOB_NEUTRALIZE] = job_run_neutralize,
};

static void *job_thread(void *p)
{
	Job *j = p;
	JobOutcome o = { .state = JOB_FAILED };
	int r;

	r = job_run_table[j->type](j, &o);
	if (r < 0 && o.state == JOB_SUCCEEDED)
		o.state = JOB_FAILED;
	if (r == -ECANCELED)
		o.state = atomic_load(&j->ctx->stopping) ? JOB_INTERRUPTED : JOB_CANCELLED;
	if (r < 0 && !o.message && asprintf(&o.message, "%s failed: %s",
					    job_type_to_string(j->type), strerror(-r)) < 0)
		o.message = NULL;

	pthread_mutex_lock(&j->ctx->lock);
	j->state = o.state;
	if (o.message) {
		free(j->message);
		j->message = o.message;
	}
	free(j->result);
	j->result = o.result;
	if (o.state == JOB_SUCCEEDED) {
		j->progress = 1.0;
		j->dirty |= JOB_DIRTY_PROGRESS;
	}
	atomic_store(&j->finished, true);
	job_touch(j, JOB_DIRTY_STATE | JOB_DIRTY_MESSAGE | JOB_DIRTY_RESULT | JOB_DIRTY_PERSIST);
	pthread_mutex_unlock(&j->ctx->lock);
	return NULL;
}

/* ---------------------------------------------------------------------------------
 * Main-thread side.
 */
static int job_start(Job *j)
{
	int r;

	j->state = JOB_RUNNING;
	r = job_save(j);	/* "running" on disk before the chip is touched */
	if (r < 0)
		return r;
	bus_job_changed(j->ctx, j, JOB_DIRTY_STATE);
	r = -pthread_create(&j->thread, NULL, job_thread, j);
	if (r < 0) {
		j->state = JOB_FAILED;
		free(j->message);
		j->message = strdup("cannot start a worker thread");
		(void) job_save(j);
		bus_job_changed(j->ctx, j, JOB_DIRTY_STATE | JOB_DIRTY_MESSAGE);
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
	Chip chip;
	int r;

	if (!job_type_uses_chip(j->type) || j->mtd < 0 || !j->chip_id)
		return true;
	r = chip_identify(j->mtd, &chip);
	if (r >= 0 && !strcmp(chip.id, j->chip_id))
		return true;
	j->state = JOB_FAILED;
	free(j->message);
	if (asprintf(&j->message, "not run: /dev/mtd%d is no longer the chip this job was queued "
		     "for (%s, now %s); submit it again", j->mtd, j->chip_id,
		     r < 0 ? "no chip" : chip.id) < 0)
		j->message = NULL;
	job_drop_input(j);
	(void) job_save(j);
	bus_job_changed(j->ctx, j, JOB_DIRTY_STATE | JOB_DIRTY_MESSAGE);
	fprintf(stderr, "mectld: job %u: %s\n", j->id, j->message ? j->message : "chip changed");
	return false;
}

static bool is_image_job(const Job *j)
{
	return !job_type_uses_chip(j->type);
}

/* check/clean jobs of uid (any uid: (uid_t)-1) queued or running. */
static unsigned image_jobs_active(Context *c, JobState state, uid_t uid)
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
	return image_jobs_active(c, JOB_QUEUED, uid) + image_jobs_active(c, JOB_RUNNING, uid) >=
	       MECTL_IMAGE_JOBS_PER_UID ? -EUSERS : 0;
}

int jobs_schedule(Context *c)
{
	unsigned image_running = image_jobs_active(c, JOB_RUNNING, (uid_t)-1);

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
			fprintf(stderr, "mectld: job %u: cannot start: %s\n", j->id, strerror(-r));
	}
	return 0;
}

int job_submit(Context *c, Job *j)
{
	Chip chip;
	int r;

	/* The identity of the chip it is queued for, checked again when it starts. */
	if (job_type_uses_chip(j->type) && j->mtd >= 0 && !j->chip_id &&
	    chip_identify(j->mtd, &chip) >= 0) {
		j->chip_id = strdup(chip.id);
		if (!j->chip_id)
			return -ENOMEM;
	}
	r = job_save(j);
	if (r < 0)
		return r;
	jobs_prune(c);
	r = jobs_append(c, j);
	if (r < 0)
		return r;
	(void) bus_job_added(c, j);
	return jobs_schedule(c);
}

int job_cancel(Job *j)
{
	Context *c = j->ctx;
	bool ok;

	if (j->state == JOB_QUEUED) {
		j->state = JOB_CANCELLED;
		free(j->message);
		j->message = strdup("cancelled before it started");
		job_drop_input(j);
		(void) job_save(j);
		bus_job_changed(c, j, JOB_DIRTY_STATE | JOB_DIRTY_MESSAGE);
		return 0;
	}
	if (job_is_final(j))
		return -EALREADY;
	pthread_mutex_lock(&c->lock);
	ok = j->cancellable;
	if (ok)
		atomic_store(&j->cancel, true);
	pthread_mutex_unlock(&c->lock);
	return ok ? 0 : -EBUSY;
}

int jobs_wake(Context *c)
{
	uint64_t n;
	bool reschedule = false;

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
			pthread_join(j->thread, NULL);
			j->thread_started = false;
			if (j->out_fd >= 0)
				j->out_fd = (close(j->out_fd), -1);
			job_drop_input(j);
			reschedule = true;
		}
		if (text) {
			int r = job_write_file(c, j->id, text);

			if (r < 0)
				fprintf(stderr, "mectld: job %u: cannot save state, ignoring: %s\n",
					j->id, strerror(-r));
		}
		if (dirty)
			bus_job_changed(c, j, dirty);
	}
	if (!reschedule)
		return 0;
	jobs_prune(c);
	return jobs_schedule(c);
}

/* Shutdown: ask running workers to stop at their next safe point and wait. */
void jobs_stop(Context *c)
{
	atomic_store(&c->stopping, true);
	for (size_t i = 0; i < c->n_jobs; i++)
		if (c->jobs[i]->thread_started)
			atomic_store(&c->jobs[i]->cancel, true);
	for (size_t i = 0; i < c->n_jobs; i++) {
		Job *j = c->jobs[i];

		if (!j->thread_started)
			continue;
		pthread_join(j->thread, NULL);
		j->thread_started = false;
		/* What it was doing when asked to stop, as the job's final record. */
		pthread_mutex_lock(&c->lock);
		if (j->state == JOB_RUNNING)
			j->state = JOB_INTERRUPTED;
		pthread_mutex_unlock(&c->lock);
		(void) job_save(j);
	}
}
