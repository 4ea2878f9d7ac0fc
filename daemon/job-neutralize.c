// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: neutralize, the seed guide's whole workflow as one job.
 *
 *   probe -> read xN -> compare -> backup -> check -> clean -> arm -> write -> verify
 *
 * Everything up to and including clean only reads the chip: any failure there
 * leaves it untouched (and says so). The backup (the agreed read) is kept in the
 * state dir, never overwritten, and written to the client's fd before the chip is
 * armed; a failure after arming names the restore command.
 *
 * The engine (check + clean, pure CPU) runs on its own thread over pass 1 while
 * passes 2..N are read: SPI time and CPU time overlap. Its output is used only if
 * every pass agrees with pass 1, so the order of the decision is unchanged. Those
 * steps (nz_*, job-neutralize.h) serve job-internal.c as well.
 */
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "backup.h"
#include "flash.h"
#include "job-neutralize.h"
#include "job-read.h"
#include "job-write.h"

double nz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int nz_fail_untouched(JobOutcome *o, const char *what, const struct img_log *log,
		      bool backup_written, int r)
{
	_cleanup_free_ char *detail = NULL;
	struct strbuf b = {};

	if (log) {
		for (size_t i = 0; i < log->n; i++)
			if (log->v[i].stream == IMG_STDERR)
				strbuf_printf(&b, "%s", log->v[i].text);
		detail = strbuf_steal(&b);
		if (detail)
			detail[strcspn(detail, "\n")] = 0;
	}
	free(o->message);
	if (asprintf(&o->message, "%s%s%s; the chip was not touched", what, detail && *detail ? ": " : "",
		     detail ? detail : "") < 0)
		o->message = NULL;
	b = (struct strbuf) {};
	strbuf_printf(&b, "{\"error\":");
	json_str(&b, what);
	strbuf_printf(&b, ",\"chip_touched\":false,\"backup_written\":%s",
		      backup_written ? "true" : "false");
	if (log) {
		strbuf_printf(&b, ",\"log\":");
		image_log_to_json(log, &b);
	}
	strbuf_printf(&b, "}");
	free(o->result);
	o->result = strbuf_steal(&b);
	return r;
}

/*
 * Everything that needs only pass 1, on a thread beside the remaining read passes:
 * hash it, stage the backup (state dir temporary + the client's fd), check, clean,
 * hash the result. Nothing here is final: the backup is linked, and the clean
 * used, only once every pass agrees.
 */
static void *engine_thread(void *p)
{
	struct nz_engine *e = p;
	Job *j = e->job;
	double t0 = nz_now();

	e->r_backup = sha256_hex(e->in, e->len, e->sha_orig);
	if (e->r_backup >= 0)
		e->r_backup = backup_stage(j->ctx, e->chip_id, e->sha_orig, e->in, e->len, &e->stage_tmp);
	if (e->r_backup >= 0 && j->out_fd >= 0)
		e->r_backup = write_fd_replace(j->out_fd, e->in, e->len);

	e->r_chk = image_check(e->in, e->len, &e->chk);
	if (e->r_chk == 0 && e->chk.exit_code == 0) {
		e->r_cln = image_parse(j->type, j->args, &e->opts, &e->cln);
		/* module removal only: -S without its HAP bit (-s and -d need the descriptor) */
		if (e->r_cln == 0 && e->keep_descriptor)
			e->opts.soft_disable = false;
		if (e->r_cln == 0) {
			img_result_free(&e->cln);
			e->r_cln = img_run(e->in, e->len, &e->opts, &e->cln);
		}
		if (e->r_cln == 0 && e->cln.exit_code == 0 && e->cln.image.len == e->len)
			e->r_cln = sha256_hex(e->cln.image.data, e->len, e->sha_new);
	}
	e->seconds = nz_now() - t0;
	e->ran = true;
	return NULL;
}

int nz_engine_start(void *userdata, const uint8_t *first, uint64_t size)
{
	struct nz_engine *e = userdata;

	e->in = first;
	e->len = size;
	e->started = pthread_create(&e->thread, NULL, engine_thread, e) == 0;
	return 0;
}

void nz_engine_join(struct nz_engine *e)
{
	if (e->started)
		pthread_join(e->thread, NULL);
	else if (e->in && !e->ran)
		engine_thread(e);	/* no thread: run it here */
	e->started = false;
}

int nz_engine_verdict(struct nz_engine *e, uint64_t size, JobOutcome *o)
{
	Job *j = e->job;
	int r;

	/* Every pass agrees: the staged backup becomes the kept one. */
	job_set_phase(j, JOB_PHASE_BACKUP);
	r = e->r_backup;
	if (r >= 0)
		r = backup_commit(j->ctx, e->stage_tmp, e->chip_id, e->sha_orig, &e->backup);
	if (r < 0)
		return nz_fail_untouched(o, "cannot save the backup", NULL, false, r);

	/* The engine ran beside read 2..N; its verdicts are taken only now. */
	job_set_phase(j, JOB_PHASE_CHECK);
	if (e->r_chk < 0)
		return e->r_chk;
	if (e->chk.exit_code != 0)
		return nz_fail_untouched(o, "me_cleaner check failed", &e->chk.log, true, -EINVAL);
	/*
	 * me_cleaner only reports these; writing a chip with a broken descriptor is refused.
	 * A layout real boards ship (a BIOS region over the others) is a warning only:
	 * the engine leaves it in ifd_warning, the report carries it.
	 */
	if (e->chk.report.kind == IMG_KIND_FULL && !e->chk.report.ifd_sane) {
		_cleanup_free_ char *what = NULL;

		if (asprintf(&what, "the flash descriptor fails a sanity check (%s)",
			     e->chk.report.ifd_problem) < 0)
			what = NULL;
		return nz_fail_untouched(o, what ? what : "the flash descriptor fails a sanity check",
					 NULL, true, -EINVAL);
	}

	job_set_phase(j, JOB_PHASE_CLEAN);
	if (e->r_cln < 0 && e->r_cln != -EINVAL)
		return e->r_cln;
	if (e->r_cln < 0 || e->cln.exit_code != 0 || !e->cln.write_image)
		return nz_fail_untouched(o, "me_cleaner clean failed", &e->cln.log, true, -EINVAL);
	if (e->cln.image.len != size)
		return nz_fail_untouched(o, "the cleaned image is not the chip's size (-t?)",
					 &e->cln.log, true, -EINVAL);
	if (job_cancel_requested(j))
		return -ECANCELED;
	return 0;
}

void nz_engine_done(struct nz_engine *e)
{
	nz_engine_join(e);
	if (!e->backup) {
		backup_discard(e->job->ctx, e->stage_tmp);
		if (e->job->out_fd >= 0 && e->in)
			(void) !ftruncate(e->job->out_fd, 0);
	}
	free(e->stage_tmp);
	free(e->backup);
	img_result_free(&e->chk);
	img_result_free(&e->cln);
}

int job_run_neutralize(Job *j, JobOutcome *o)
{
	_cleanup_free_ uint8_t *orig = NULL;
	struct nz_engine e = { .job = j };
	struct flash f = { .fd = -1 };
	struct flash_write_stats st = {};
	struct strbuf b = {};
	double t0 = nz_now();
	Chip chip;
	int r;

	job_set_phase(j, JOB_PHASE_PROBE);
	r = chip_identify(j->mtd, &chip);
	if (r < 0)
		return nz_fail_untouched(o, "no chip", NULL, false, r);
	r = flash_open((unsigned)j->mtd, true, chip.info.page_size,
		       chip.info.block_erase_size, &f);
	if (r < 0)
		return nz_fail_untouched(o, "cannot open the MTD device", NULL, false, r);
	e.chip_id = chip.id;

	orig = malloc(f.size);
	if (!orig) {
		r = -ENOMEM;
		goto out;
	}
	/* read xN + compare; the engine starts on pass 1 meanwhile */
	r = job_read_passes(j, &f, j->passes, orig, nz_engine_start, &e, o);
	nz_engine_join(&e);
	if (r >= 0)
		r = nz_engine_verdict(&e, f.size, o);
	if (r < 0)
		goto out;

	r = job_write_chip(j, &chip, &f, orig, e.cln.image.data, &st, o);	/* arm, write, verify */
	if (r < 0) {
		strbuf_printf(&b, "{\"error\":\"write-failed\",\"chip_touched\":true,"
			      "\"backup_written\":true,\"backup\":");
		json_str(&b, e.backup);
		strbuf_printf(&b, ",");
		write_stats_to_json(&st, &b);
		strbuf_printf(&b, "}");
		o->result = strbuf_steal(&b);
		goto out;
	}

	job_set_phase(j, JOB_PHASE_REPORT);
	strbuf_printf(&b, "{");
	chip_to_json(&chip, f.size, f.erasesize, &b);
	strbuf_printf(&b, ",\"passes\":%u,\"sha256_before\":\"%s\",\"sha256_after\":\"%s\","
		      "\"backup_written\":true,\"state_backup\":", j->passes, e.sha_orig, e.sha_new);
	json_str(&b, e.backup);
	strbuf_printf(&b, ",");
	write_stats_to_json(&st, &b);
	if (e.chk.report.ifd_warning[0]) {
		strbuf_printf(&b, ",\"descriptor_warning\":");
		json_str(&b, e.chk.report.ifd_warning);
	}
	strbuf_printf(&b, ",\"seconds\":%.2f,\"engine_seconds\":%.2f,\"phases\":", nz_now() - t0,
		      e.seconds);
	job_phase_times_json(j, &b);
	strbuf_printf(&b, ",\"clean_log\":");
	image_log_to_json(&e.cln.log, &b);
	strbuf_printf(&b, "}");
	o->result = strbuf_steal(&b);
	if (asprintf(&o->message, "neutralized /dev/mtd%d: %llu of %llu erase blocks rewritten "
		     "(%llu bytes), verified; sha256 %s -> %s; mectld keeps the backup as %s. To "
		     "undo: mectl restore --mtd %d %s%s%s", j->mtd, (unsigned long long)st.blocks_changed,
		     (unsigned long long)st.blocks_total, (unsigned long long)st.bytes_changed,
		     e.sha_orig, e.sha_new, e.backup, j->mtd, e.backup,
		     e.chk.report.ifd_warning[0] ? ". Descriptor warning: " : "",
		     e.chk.report.ifd_warning) < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
	r = 0;
out:
	nz_engine_done(&e);
	flash_close(&f);
	return r;
}
