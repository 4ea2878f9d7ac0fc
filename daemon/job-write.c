// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the write and restore jobs.
 *
 * Both read the chip once, compare it with the image, arm the chip, rewrite only the
 * differing erase blocks (flash.c), disarm, and read the rewritten blocks back once
 * more. They differ in what they require:
 *   write    the chip's current content must be a backup mectld made of this chip
 *            (same identity, same SHA-256): nothing is overwritten that cannot be
 *            put back. --force skips the rule.
 *   restore  the image must be a backup mectld made of this chip. --force skips it.
 * Whatever is about to be overwritten is itself kept: when no backup holds the chip's
 * current content (a restore, or a forced write, onto a chip that was never read —
 * another board with the same part), it is read again, the reads must agree, and it
 * becomes a new backup before anything is armed.
 */
#include <string.h>

#include "backup.h"
#include "flash.h"
#include "job-image.h"
#include "job-read.h"
#include "job-write.h"
#include "mectld.h"

void write_stats_to_json(const struct flash_write_stats *st, struct strbuf *b)
{
	strbuf_printf(b, "\"blocks_total\":%llu,\"blocks_changed\":%llu,\"bytes_changed\":%llu,"
		      "\"blocks_erased\":%llu,\"pages_programmed\":%llu,\"retries\":%u",
		      (unsigned long long)st->blocks_total, (unsigned long long)st->blocks_changed,
		      (unsigned long long)st->bytes_changed, (unsigned long long)st->blocks_erased,
		      (unsigned long long)st->pages_programmed, st->retries);
}

int job_image_admit(Job *j, const char *chip_id, uint64_t chip_size, const uint8_t *image,
		    size_t len, char sha_img[65], JobOutcome *o)
{
	int r;

	if (len != chip_size) {
		if (asprintf(&o->message, "the image has %zu bytes, the chip %llu: nothing was "
			     "written", len, (unsigned long long)chip_size) < 0)
			o->message = NULL;
		return -EINVAL;
	}
	r = sha256_hex(image, len, sha_img);
	if (r < 0)
		return r;
	if (j->type == JOB_RESTORE && !j->force && !backup_known(j->ctx, chip_id, sha_img)) {
		if (asprintf(&o->message, "this image (sha256 %s) is not a backup mectld made of this "
			     "chip (%s); nothing was written (--force writes it anyway)", sha_img,
			     chip_id) < 0)
			o->message = NULL;
		return -EPERM;
	}
	return 0;
}

int job_write_chip(Job *j, Chip *chip, struct flash *f, const uint8_t *current,
		   const uint8_t *target, struct flash_write_stats *st, JobOutcome *o)
{
	int r, q;

	job_set_phase(j, JOB_PHASE_ARM);
	r = job_chip_write_begin(j, o);
	if (r < 0)
		return r;
	r = chip_arm(chip, true);
	if (r < 0) {
		job_chip_write_done(j);
		if (asprintf(&o->message, "cannot arm the chip for writing: %s; nothing was written",
			     strerror(-r)) < 0)
			o->message = NULL;
		return r;
	}
	job_set_phase(j, JOB_PHASE_WRITE);
	r = flash_write_blocks(f, current, target, job_flash_progress, j, st);
	if (r >= 0) {
		job_set_phase(j, JOB_PHASE_VERIFY);
		r = flash_verify_blocks(f, current, target, job_flash_progress, j, st);
	}
	job_set_phase(j, JOB_PHASE_DISARM);
	q = chip_arm(chip, false);
	if (q < 0)
		fprintf(stderr, "mectld: job %u: cannot disarm the chip, ignoring: %s\n", j->id,
			strerror(-q));
	job_chip_write_done(j);
	if (r >= 0)
		return 0;
	if (st->verify_failed)
		r = asprintf(&o->message, "verify failed: the erase block at 0x%llx still reads wrong "
			     "after %d attempts; the chip is partly written (%llu of %llu changed "
			     "blocks verified): put the backup back with 'mectl restore --mtd %u <backup file>'",
			     (unsigned long long)st->bad_offset, FLASH_WRITE_ATTEMPTS,
			     (unsigned long long)st->blocks_verified,
			     (unsigned long long)st->blocks_changed, f->index);
	else
		r = asprintf(&o->message, "writing failed after %llu of %llu blocks: %s; put the "
			     "backup back with 'mectl restore --mtd %u <backup file>'",
			     (unsigned long long)st->blocks_done, (unsigned long long)st->blocks_changed,
			     strerror(-r), f->index);
	if (r < 0)
		o->message = NULL;
	return -EIO;
}

/* The current content, which no backup holds, as a new backup: passes-1 more reads agree. */
static int keep_current(Job *j, const Chip *chip, struct flash *f, const uint8_t *current,
			const char *sha_cur, char **ret_path, JobOutcome *o)
{
	_cleanup_free_ uint8_t *again = NULL;
	unsigned passes = j->passes > 1 ? j->passes - 1 : 1;
	int r;

	again = malloc(f->size);
	if (!again)
		return -ENOMEM;
	r = job_read_passes(j, f, passes, again, NULL, NULL, o);
	if (r < 0)
		return r;
	if (memcmp(again, current, f->size)) {
		if (asprintf(&o->message, "no backup holds this chip's content (%s, sha256 %s) and two "
			     "reads of it differ: it cannot be kept, so nothing was written (check "
			     "the clip and lower the SPI speed)", chip->id, sha_cur) < 0)
			o->message = NULL;
		return -EIO;
	}
	job_set_phase(j, JOB_PHASE_BACKUP);
	r = backup_store(j->ctx, chip->id, current, f->size, ret_path);
	if (r < 0 && asprintf(&o->message, "no backup holds this chip's content and it cannot be "
			      "kept in the state dir: %s; nothing was written", strerror(-r)) < 0)
		o->message = NULL;
	return r;
}

int job_run_write(Job *j, JobOutcome *o)
{
	_cleanup_free_ char *kept = NULL;
	_cleanup_free_ uint8_t *image = NULL, *current = NULL;
	struct flash f = { .fd = -1 };
	struct flash_write_stats st = {};
	struct strbuf b = {};
	char sha_cur[65], sha_img[65];
	size_t len = 0;
	Chip chip;
	int r;

	job_set_phase(j, JOB_PHASE_INPUT);
	r = job_image_input(j, &image, &len, o);
	if (r < 0)
		return r;
	r = job_open_chip(j, true, &chip, &f);
	if (r < 0)
		return r;
	r = job_image_admit(j, chip.id, f.size, image, len, sha_img, o);
	if (r < 0)
		goto out;

	current = malloc(f.size);
	if (!current) {
		r = -ENOMEM;
		goto out;
	}
	job_set_phase(j, JOB_PHASE_COMPARE);
	r = flash_read_all(&f, current, job_flash_progress, j);
	if (r < 0)
		goto out;
	r = sha256_hex(current, f.size, sha_cur);
	if (r < 0)
		goto out;
	if (j->type == JOB_WRITE && !j->force && !backup_known(j->ctx, chip.id, sha_cur)) {
		if (asprintf(&o->message, "no verified backup of this chip's current content (%s, "
			     "sha256 %s): run 'mectl read' first (or --force); nothing was written",
			     chip.id, sha_cur) < 0)
			o->message = NULL;
		r = -EPERM;
		goto out;
	}
	if (!backup_known(j->ctx, chip.id, sha_cur) && strcmp(sha_cur, sha_img)) {
		r = keep_current(j, &chip, &f, current, sha_cur, &kept, o);
		if (r < 0)
			goto out;
	}

	r = job_write_chip(j, &chip, &f, current, image, &st, o);
	if (r < 0) {
		strbuf_printf(&b, "{\"error\":\"write-failed\",");
		write_stats_to_json(&st, &b);
		strbuf_printf(&b, ",\"bad_offset\":%llu}", (unsigned long long)st.bad_offset);
		o->result = strbuf_steal(&b);
		goto out;
	}
	strbuf_printf(&b, "{");
	chip_to_json(&chip, f.size, f.erasesize, &b);
	strbuf_printf(&b, ",\"sha256_before\":\"%s\",\"sha256_after\":\"%s\",", sha_cur, sha_img);
	write_stats_to_json(&st, &b);
	strbuf_printf(&b, ",\"kept_backup\":");
	if (kept)
		json_str(&b, kept);
	else
		strbuf_printf(&b, "null");
	strbuf_printf(&b, ",\"phases\":");
	job_phase_times_json(j, &b);
	strbuf_printf(&b, "}");
	o->result = strbuf_steal(&b);
	if (asprintf(&o->message, "%s: %llu of %llu erase blocks changed (%llu bytes), %llu pages "
		     "programmed, verified%s%s", job_type_to_string(j->type),
		     (unsigned long long)st.blocks_changed, (unsigned long long)st.blocks_total,
		     (unsigned long long)st.bytes_changed, (unsigned long long)st.pages_programmed,
		     kept ? "; no backup held the chip's previous content, it is now kept as " : "",
		     kept ? kept : "") < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
out:
	flash_close(&f);
	return r;
}
