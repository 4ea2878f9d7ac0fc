// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the read job. N whole-chip passes (default 2) must be byte-identical —
 * the seed guide's "read twice and diff" — else the job fails naming the differing
 * offsets. The agreed image becomes a backup: the daemon's own copy in the state
 * dir (never overwritten) and the client's file through the passed fd.
 */
#include <string.h>

#include "backup.h"
#include "flash.h"
#include "job-read.h"
#include "mectld.h"

/* How many differing offsets a failed read names. */
#define DIFF_LIST_MAX 16

static int describe_mismatch(const uint8_t *a, const uint8_t *b, uint64_t size, unsigned pass,
			     JobOutcome *o)
{
	struct strbuf msg = {}, res = {};
	uint64_t n = 0;

	strbuf_printf(&res, "{\"error\":\"passes-differ\",\"pass\":%u,\"offsets\":[", pass);
	for (uint64_t i = 0; i < size; i++) {
		if (a[i] == b[i])
			continue;
		if (n < DIFF_LIST_MAX) {
			strbuf_printf(&msg, "%s0x%llx", n ? ", " : "", (unsigned long long)i);
			strbuf_printf(&res, "%s%llu", n ? "," : "", (unsigned long long)i);
		}
		n++;
	}
	strbuf_printf(&res, "],\"differing_bytes\":%llu}", (unsigned long long)n);
	o->result = strbuf_steal(&res);
	if (asprintf(&o->message, "read pass %u differs from pass 1 in %llu byte(s) at %s%s; "
		     "nothing was written (check the clip and lower the SPI speed)", pass,
		     (unsigned long long)n, msg.s ? msg.s : "", n > DIFF_LIST_MAX ? ", ..." : "") < 0)
		o->message = NULL;
	strbuf_done(&msg);
	return -EIO;
}

int job_read_agree(Job *j, const struct job_reader *rd, unsigned passes, uint8_t *first,
		   job_first_pass_fn first_done, void *userdata, JobOutcome *o)
{
	_cleanup_free_ uint8_t *other = NULL;
	int r;

	if (passes > 1) {
		other = malloc(rd->size);
		if (!other)
			return -ENOMEM;
	}
	for (unsigned p = 1; p <= passes; p++) {
		job_set_read_pass(j, p, passes);
		r = rd->read_all(rd->port, p == 1 ? first : other, j);
		if (r < 0) {
			if (r != -ECANCELED && !o->message &&
			    asprintf(&o->message, "reading %s failed in pass %u: %s", rd->what, p,
				     strerror(-r)) < 0)
				o->message = NULL;
			return r;
		}
		if (p == 1 && first_done) {
			r = first_done(userdata, first, rd->size);
			if (r < 0)
				return r;
		}
		if (p > 1 && memcmp(first, other, rd->size))
			return describe_mismatch(first, other, rd->size, p, o);
	}
	return 0;
}

static int mtd_read_all(void *port, uint8_t *buf, Job *j)
{
	return flash_read_all(port, buf, job_flash_progress, j);
}

int job_open_chip(Job *j, bool rw, Chip *chip, struct flash *f)
{
	int r;

	job_set_phase(j, JOB_PHASE_PROBE);
	/* checked at submission; again here, in case the index names another device now */
	r = chip_allowed(&j->ctx->config, j->mtd);
	if (r <= 0)
		return r ? r : -EPERM;
	r = chip_identify(j->mtd, chip);
	if (r < 0)
		return r;
	return flash_open((unsigned)j->mtd, rw, chip->info.page_size,
			  chip->info.block_erase_size, f);
}

int job_read_passes(Job *j, struct flash *f, unsigned passes, uint8_t *first,
		    job_first_pass_fn first_done, void *userdata, JobOutcome *o)
{
	char what[32];
	struct job_reader rd = { what, f->size, mtd_read_all, f };

	snprintf(what, sizeof(what), "/dev/mtd%u", f->index);
	return job_read_agree(j, &rd, passes, first, first_done, userdata, o);
}

int job_run_read(Job *j, JobOutcome *o)
{
	_cleanup_free_ uint8_t *data = NULL;
	_cleanup_free_ char *backup = NULL;
	struct flash f = { .fd = -1 };
	struct strbuf b = {};
	char sha[65];
	Chip chip;
	int r;

	r = job_open_chip(j, false, &chip, &f);
	if (r < 0)
		return r;
	data = malloc(f.size);
	r = data ? job_read_passes(j, &f, j->passes, data, NULL, NULL, o) : -ENOMEM;
	flash_close(&f);
	if (r < 0)
		return r;

	job_set_phase(j, JOB_PHASE_BACKUP);
	r = sha256_hex(data, f.size, sha);
	if (r < 0)
		return r;
	r = backup_store(j->ctx, chip.id, data, f.size, &backup);
	if (r < 0) {
		if (asprintf(&o->message, "cannot keep the backup in the state dir: %s", strerror(-r)) < 0)
			o->message = NULL;
		return r;
	}
	if (j->out_fd >= 0) {
		r = write_fd_replace(j->out_fd, data, f.size);
		if (r < 0) {
			if (asprintf(&o->message, "cannot write the backup file: %s (mectld kept a copy: %s)",
				     strerror(-r), backup) < 0)
				o->message = NULL;
			return r;
		}
	}

	strbuf_printf(&b, "{");
	chip_to_json(&chip, f.size, f.erasesize, &b);
	strbuf_printf(&b, ",\"passes\":%u,\"sha256\":\"%s\",\"state_backup\":", j->passes, sha);
	json_str(&b, backup);
	strbuf_printf(&b, ",\"phases\":");
	job_phase_times_json(j, &b);
	strbuf_printf(&b, "}");
	o->result = strbuf_steal(&b);
	if (asprintf(&o->message, "%u identical reads of /dev/mtd%d (%llu bytes, sha256 %s); "
		     "mectld keeps a copy in %s", j->passes, j->mtd, (unsigned long long)f.size, sha,
		     backup) < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
	return 0;
}
