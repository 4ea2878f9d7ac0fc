// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the job files and what loading them recovers after a crash (job-store.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "chip.h"
#include "job-file.h"
#include "job-store.h"
#include "mectld.h"

int job_store_write(Context *c, uint32_t id, const char *text)
{
	char name[16];

	if (!text)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%" PRIu32, id);
	return write_file_atomic(c->jobs_fd, name, text, strlen(text));
}

int job_store_save(Job *j)
{
	_cleanup_free_ char *text = NULL;

	pthread_mutex_lock(&j->ctx->lock);
	text = job_serialize(j);
	pthread_mutex_unlock(&j->ctx->lock);
	return job_store_write(j->ctx, j->id, text);
}

int job_store_forget(Context *c, Job *j)
{
	char name[16];

	snprintf(name, sizeof(name), "%" PRIu32, j->id);
	if (unlinkat(c->jobs_fd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	snprintf(name, sizeof(name), "%" PRIu32 ".in", j->id);
	(void) unlinkat(c->jobs_fd, name, 0);
	return 0;
}

int job_store_load_input(Job *j, uint8_t **ret, size_t *ret_len)
{
	char name[24];

	snprintf(name, sizeof(name), "%" PRIu32 ".in", j->id);
	return read_file_at(j->ctx->jobs_fd, name, MECTL_IMAGE_MAX, ret, ret_len);
}

void job_store_drop_input(Job *j)
{
	char name[24];

	if (j->in_fd >= 0)
		j->in_fd = (close(j->in_fd), -1);
	if (!j->has_input)
		return;
	snprintf(name, sizeof(name), "%" PRIu32 ".in", j->id);
	(void) unlinkat(j->ctx->jobs_fd, name, 0);
}

/* ---------------------------------------------------------------------------------
 * Crash recovery
 */

/*
 * May a job cut short have left its chip other than it was read? Its phase says so
 * (job-type.c); a record that lost its phase says so of every type that writes.
 */
static bool job_may_have_written(const Job *j, bool phase_known)
{
	if (!job_type_writes_chip(j->type))
		return false;
	return !phase_known || job_phase_touches_chip(j->phase.phase);
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

static void job_mark_interrupted(Job *j, bool mtd_known, bool phase_known)
{
	_cleanup_free_ char *msg = NULL;
	bool chip_written = job_may_have_written(j, phase_known);
	char phase[JOB_PHASE_TEXT_MAX];
	Chip chip;

	job_phase_text(j, phase, sizeof(phase));
	if (asprintf(&msg, "mectld stopped while this job was running (phase: %s)%s",
		     phase_known && *phase ? phase : "none",
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
	job_mark_interrupted(j, seen & (1u << JOB_KEY_MTD), seen & (1u << JOB_KEY_PHASE));
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

static int job_cmp(const void *a, const void *b)
{
	const Job *x = *(Job *const *)a, *y = *(Job *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* What a job read intact needs after a restart: a running one was cut short. */
static int job_recover(Job *j)
{
	if (j->state == JOB_RUNNING) {
		job_mark_interrupted(j, true, true);
		return job_store_save(j);
	}
	if (j->state == JOB_QUEUED && j->has_output) {
		/* The client's fd died with the old daemon: the output stays here. */
		free(j->message);
		j->message = strdup("requeued after a restart; the output fd was lost, "
				    "results stay in mectld's state dir");
	}
	return 0;
}

int job_store_load(Context *c, Job ***ret, size_t *ret_n)
{
	_cleanup_close_ int dfd = -1;
	Job **jobs = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
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
		Job **nj, *j;

		r = job_load_one(c, de->d_name, &j);
		if (r < 0)
			break;
		if (!j)
			continue;
		if (r > 0 && job_store_save(j) < 0)
			fprintf(stderr, "mectld: job %" PRIu32 ": cannot save its record\n", j->id);
		nj = realloc(jobs, (n + 1) * sizeof(*nj));
		if (!nj) {
			job_free(j);
			r = -ENOMEM;
			break;
		}
		jobs = nj;
		jobs[n++] = j;
		r = 0;
	}
	closedir(d);
	if (r >= 0) {
		qsort(jobs, n, sizeof(*jobs), job_cmp);
		for (size_t i = 0; i < n && r >= 0; i++)
			r = job_recover(jobs[i]);
	}
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			job_free(jobs[i]);
		free(jobs);
		return r;
	}
	*ret = jobs;
	*ret_n = n;
	return 0;
}
