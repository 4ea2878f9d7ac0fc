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
 */
#include <string.h>
#include <time.h>

#include "flash.h"
#include "job-image.h"
#include "mectld.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail_untouched(JobOutcome *o, const char *what, const struct img_log *log, int r)
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
	if (asprintf(&o->message, "%s%s%s; the chip was not touched", what, detail && *detail ? ": " : "",
		     detail ? detail : "") < 0)
		o->message = NULL;
	if (log) {
		b = (struct strbuf) {};
		strbuf_printf(&b, "{\"error\":");
		strbuf_json_str(&b, what);
		strbuf_printf(&b, ",\"chip_touched\":false,\"log\":");
		image_log_to_json(log, &b);
		strbuf_printf(&b, "}");
		o->result = strbuf_steal(&b);
	}
	return r;
}

int job_run_neutralize(Job *j, JobOutcome *o)
{
	_cleanup_free_ uint8_t *orig = NULL;
	_cleanup_free_ char *backup = NULL;
	struct img_options opts;
	struct img_result chk = {}, cln = {};
	struct flash f = { .fd = -1 };
	struct flash_write_stats st = {};
	struct strbuf b = {};
	char sha_orig[65], sha_new[65];
	double t0 = now_s();
	Chip chip;
	int r;

	job_set_phase(j, "probe");
	r = chip_identify(j->mtd, &chip);
	if (r < 0)
		return fail_untouched(o, "no chip", NULL, r);
	r = flash_open((unsigned)j->mtd, true, chip.info.page_size, &f);
	if (r < 0)
		return fail_untouched(o, "cannot open the MTD device", NULL, r);

	r = job_read_passes(j, &f, j->passes, &orig, o);	/* read xN + compare */
	if (r < 0)
		goto out;

	job_set_phase(j, "backup");
	r = sha256_hex(orig, f.size, sha_orig);
	if (r >= 0)
		r = backup_store(j->ctx, chip.id, orig, f.size, &backup);
	if (r >= 0 && j->out_fd >= 0)
		r = write_fd_replace(j->out_fd, orig, f.size);
	if (r < 0) {
		r = fail_untouched(o, "cannot save the backup", NULL, r);
		goto out;
	}

	job_set_phase(j, "check");
	r = image_check(orig, f.size, &chk);
	if (r < 0)
		goto out;
	if (chk.exit_code != 0) {
		r = fail_untouched(o, "me_cleaner check failed", &chk.log, -EINVAL);
		goto out;
	}

	job_set_phase(j, "clean");
	r = image_parse(j->type, j->args, &opts, &cln);
	if (r == 0) {
		img_result_free(&cln);
		r = img_run(orig, f.size, &opts, &cln);
	}
	if (r < 0 && r != -EINVAL)
		goto out;
	if (r < 0 || cln.exit_code != 0 || !cln.write_image) {
		r = fail_untouched(o, "me_cleaner clean failed", &cln.log, -EINVAL);
		goto out;
	}
	if (cln.image.len != f.size) {
		r = fail_untouched(o, "the cleaned image is not the chip's size (-t?)", &cln.log, -EINVAL);
		goto out;
	}
	r = sha256_hex(cln.image.data, f.size, sha_new);
	if (r < 0)
		goto out;
	if (job_cancel_requested(j)) {
		r = -ECANCELED;
		goto out;
	}

	r = job_write_chip(j, &chip, &f, orig, cln.image.data, &st, o);	/* arm, write, verify */
	if (r < 0) {
		strbuf_printf(&b, "{\"error\":\"write-failed\",\"chip_touched\":true,\"backup\":");
		strbuf_json_str(&b, backup);
		strbuf_printf(&b, ",");
		write_stats_to_json(&st, &b);
		strbuf_printf(&b, "}");
		o->result = strbuf_steal(&b);
		goto out;
	}

	job_set_phase(j, "report");
	strbuf_printf(&b, "{");
	chip_to_json(&chip, f.size, f.erasesize, &b);
	strbuf_printf(&b, ",\"passes\":%u,\"sha256_before\":\"%s\",\"sha256_after\":\"%s\","
		      "\"state_backup\":", j->passes, sha_orig, sha_new);
	strbuf_json_str(&b, backup);
	strbuf_printf(&b, ",");
	write_stats_to_json(&st, &b);
	strbuf_printf(&b, ",\"seconds\":%.2f,\"clean_log\":", now_s() - t0);
	image_log_to_json(&cln.log, &b);
	strbuf_printf(&b, "}");
	o->result = strbuf_steal(&b);
	if (asprintf(&o->message, "neutralized /dev/mtd%d: %llu of %llu erase blocks rewritten "
		     "(%llu bytes), verified; sha256 %s -> %s; backup kept in %s. To undo: "
		     "mectl restore --mtd %d BACKUP", j->mtd, (unsigned long long)st.blocks_changed,
		     (unsigned long long)st.blocks_total, (unsigned long long)st.bytes_changed,
		     sha_orig, sha_new, backup, j->mtd) < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
	r = 0;
out:
	img_result_free(&chk);
	img_result_free(&cln);
	flash_close(&f);
	return r;
}
