// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: neutralize on the host's own flash chip (internal flashing), through
 * libflashrom with the programmer InternalProgrammer= names (flashrom.c).
 *
 *   probe -> read 1/N -> pre-flight -> read 2..N -> backup -> check -> clean -> write
 *
 * The pre-flight is the chip's own descriptor as the host just read it
 * (lib/image/host-access.h): which regions FLMSTR1 lets the host write. "No" ends
 * the job before the other passes with the ways out and nothing written; "ME region
 * only" runs me_cleaner without the HAP bit (module removal only) and writes the ME
 * region alone; "yes" writes the ME region and the descriptor. libflashrom writes
 * the erase blocks that differ inside those regions only, and verifies them.
 *
 * restore --internal puts a backup mectld made of this chip back the same way: the
 * chip is read, its descriptor says which regions the host may write, and the backup
 * is written only when every region it differs in is one of them (else refused,
 * naming the region); content no backup holds is kept as one first.
 */
#include <string.h>

#include "backup.h"
#include "flashrom.h"
#include "host-access.h"
#include "job-neutralize.h"
#include "job-read.h"

/* The chip and what the pre-flight made of it. */
struct internal_run {
	struct nz_engine e;
	struct fr_chip chip;
	struct fr_err err;
	struct img_host_access access;
	int r_access;
	JobOutcome *o;
};

static int internal_read_all(void *port, uint8_t *buf, Job *j)
{
	struct internal_run *ir = port;
	int r;

	r = fr_read(&ir->chip, buf, job_flash_progress, j, &ir->err);
	if (r < 0 && r != -ECANCELED)
		nz_fail_untouched(ir->o, ir->err.msg, NULL, false, r);
	return r;
}

/* A pre-flight "no": the verdict, the ways out, and the host's access in the result. */
static int refuse(struct internal_run *ir, const char *what)
{
	const struct img_host_access *a = &ir->access;
	_cleanup_free_ char *line = NULL;
	struct strbuf b = {};
	JobOutcome *o = ir->o;

	strbuf_printf(&b, "%s", what);
	for (const char *const *n = a->notes; n && *n; n++)
		strbuf_printf(&b, "; %s", *n);
	line = strbuf_steal(&b);
	nz_fail_untouched(o, line ? line : what, NULL, false, -EACCES);
	if (o->result && o->result[0] == '{') {
		strbuf_printf(&b, "%.*s,\"" MECTL_RESULT_HOST_ACCESS "\":", (int)strlen(o->result) - 1,
			      o->result);
		img_host_access_json(a, &b);
		strbuf_printf(&b, "}");
		free(o->result);
		o->result = strbuf_steal(&b);
	}
	return -EACCES;
}

/* The descriptor the host read decides before passes 2..N are read. */
static int preflight(void *userdata, const uint8_t *first, uint64_t size)
{
	struct internal_run *ir = userdata;
	bool wants_descriptor = false;
	struct img_options opts;
	struct img_result res;

	job_set_phase(ir->e.job, JOB_PHASE_PREFLIGHT);
	ir->r_access = img_host_access(first, size, &ir->access);
	if (ir->r_access == -EINVAL) {
		_cleanup_free_ char *what = NULL;

		if (asprintf(&what, "no internal flashing decision from the chip's descriptor (%s)",
			     ir->access.error) < 0)
			what = NULL;
		return nz_fail_untouched(ir->o, what ? what : "no descriptor", NULL, false, -EINVAL);
	}
	if (ir->r_access < 0)
		return ir->r_access;
	if (ir->access.verdict == IMG_HOST_NONE)
		return refuse(ir, ir->access.verdict_line);
	if (ir->access.verdict == IMG_HOST_ME_ONLY) {
		if (image_parse(ir->e.job->type, ir->e.job->args, &opts, &res) == 0)
			wants_descriptor = opts.soft_disable_only || opts.descriptor;
		img_result_free(&res);
		if (wants_descriptor)
			return refuse(ir, "-s and -d change the descriptor, which the host cannot "
				      "write (module removal only: -S or no flags)");
		ir->e.keep_descriptor = true;
	}
	return nz_engine_start(&ir->e, first, size);
}

/* What to expect of the ME after a power cycle, as mectl status reports it. */
static void expectation_json(const struct nz_engine *e, struct strbuf *b)
{
	strbuf_printf(b, "{\"disabled\":\"yes\",\"indicators\":[\"error_code\"],\"lines\":["
		      "\"Error Code: Image Failure\"%s]}",
		      e->chk.report.gen == 1 || e->chk.report.gen == 2 ?
		      ",\"Progress Phase State: M0 kernel load\"" : "");
}

static void report_json(struct internal_run *ir, const struct fr_write_report *rep,
			const char *const *regions, double t0, struct strbuf *b)
{
	struct nz_engine *e = &ir->e;

	bool fd_changed = false;

	strbuf_printf(b, "{\"" MECTL_RESULT_PROGRAMMER "\":");
	json_str(b, ir->chip.programmer);
	strbuf_printf(b, ",\"" MECTL_RESULT_FLASH_CHIP "\":");
	json_str(b, ir->chip.name);
	strbuf_printf(b, ",\"size\":%llu,\"passes\":%u,\"host_access\":",
		      (unsigned long long)ir->chip.size, e->job->passes);
	img_host_access_json(&ir->access, b);
	strbuf_printf(b, ",\"hap_set\":%s,\"regions\":[", e->opts.soft_disable ? "true" : "false");
	for (unsigned i = 0; regions[i]; i++) {
		strbuf_printf(b, "%s", i ? "," : "");
		json_str(b, regions[i]);
	}
	strbuf_printf(b, "],\"regions_written\":[");
	for (unsigned i = 0, n = 0; i < rep->n; i++)
		if (rep->region[i].bytes_changed) {
			strbuf_printf(b, "%s", n++ ? "," : "");
			json_str(b, rep->region[i].name);
			fd_changed |= !strcmp(rep->region[i].name, "fd");
		}
	strbuf_printf(b, "],\"descriptor_changed\":%s", fd_changed ? "true" : "false");
	strbuf_printf(b, ",\"verified\":%s,\"sha256_before\":\"%s\",\"sha256_after\":\"%s\","
		      "\"backup_written\":true,\"state_backup\":", rep->verified ? "true" : "false",
		      e->sha_orig, e->sha_new);
	json_str(b, e->backup);
	strbuf_printf(b, ",\"expect\":");
	expectation_json(e, b);
	strbuf_printf(b, ",\"seconds\":%.2f,\"phases\":", nz_now() - t0);
	job_phase_times_json(e->job, b);
	strbuf_printf(b, ",\"flashrom_log\":");
	json_str(b, fr_log(&ir->chip));
	strbuf_printf(b, ",\"clean_log\":");
	image_log_to_json(&e->cln.log, b);
	strbuf_printf(b, "}");
}

/* Phase "probe": the programmer up, the chip found; its identity for backups in id. */
static int open_chip(Job *j, struct internal_run *ir, char *id, size_t id_len)
{
	const char *conf = j->ctx->config.internal_programmer;
	_cleanup_free_ char *prog = NULL;
	struct fr_open_opts opts = {};
	char *params;

	if (!conf || !*conf)
		return nz_fail_untouched(ir->o, "internal flashing is off (InternalProgrammer= in "
					 "mectld.conf)", NULL, false, -EPERM);
	prog = strdup(conf);
	if (!prog)
		return -ENOMEM;
	params = strchr(prog, ':');
	if (params)
		*params++ = 0;
	opts.programmer = prog;
	opts.params = params;
	if (j->ctx->config.internal_chip && *j->ctx->config.internal_chip)
		opts.chip = j->ctx->config.internal_chip;
	job_set_phase(j, JOB_PHASE_PROBE);
	if (fr_open(&opts, &ir->chip, &ir->err) < 0)
		return nz_fail_untouched(ir->o, ir->err.msg, NULL, false, -EIO);
	snprintf(id, id_len, "flashrom-%s-%llu", ir->chip.name, (unsigned long long)ir->chip.size);
	for (char *p = id; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *p))
			*p = '_';
	return 0;
}

int job_run_neutralize_internal(Job *j, JobOutcome *o)
{
	static const char *const me_and_fd[] = { "me", "fd", NULL };
	static const char *const me_only[] = { "me", NULL };
	_cleanup_free_ uint8_t *orig = NULL;
	struct internal_run ir = { .e = { .job = j }, .o = o };
	struct fr_write_report rep = {};
	const char *const *regions;
	struct job_reader rd = { "the host's flash chip", 0, internal_read_all, &ir };
	char chip_id[sizeof(ir.chip.name) + 48];
	struct strbuf b = {};
	double t0 = nz_now();
	int r;

	r = open_chip(j, &ir, chip_id, sizeof(chip_id));
	if (r < 0)
		goto out;
	ir.e.chip_id = chip_id;
	rd.size = ir.chip.size;
	orig = malloc(ir.chip.size);
	if (!orig) {
		r = -ENOMEM;
		goto out;
	}
	r = job_read_agree(j, &rd, j->passes, orig, preflight, &ir, o);
	nz_engine_join(&ir.e);
	if (r >= 0)
		r = nz_engine_verdict(&ir.e, ir.chip.size, o);
	if (r < 0)
		goto out;

	regions = ir.access.verdict == IMG_HOST_FULL ? me_and_fd : me_only;
	job_set_phase(j, JOB_PHASE_WRITE);
	r = job_chip_write_begin(j, o);
	if (r < 0)
		goto out;
	r = fr_write(&ir.chip, orig, ir.e.cln.image.data, regions, &rep, &ir.err);
	job_chip_write_done(j);
	if (r < 0) {
		bool touched = r != -EINVAL && r != -ENOENT && r != -ENODATA && r != -ESTALE;

		strbuf_printf(&b, "{\"error\":\"write-failed\",\"chip_touched\":%s,"
			      "\"backup_written\":true,\"backup\":", touched ? "true" : "false");
		json_str(&b, ir.e.backup);
		strbuf_printf(&b, ",\"flashrom_log\":");
		json_str(&b, fr_log(&ir.chip));
		strbuf_printf(&b, "}");
		o->result = strbuf_steal(&b);
		if (asprintf(&o->message, "writing the host's flash chip failed: %s; %s", ir.err.msg,
			     touched ? "the chip may be partly written: mectl restore --internal "
			     "BACKUP puts it back" : "nothing was written") < 0)
			o->message = NULL;
		r = -EIO;
		goto out;
	}

	job_set_phase(j, JOB_PHASE_REPORT);
	report_json(&ir, &rep, regions, t0, &b);
	o->result = strbuf_steal(&b);
	if (asprintf(&o->message, "neutralized the host's flash chip (%s, %s): %s, verified; "
		     "sha256 %s -> %s; mectld keeps the backup as %s. After a power cycle "
		     "(all power removed for a few seconds) mectl status should say: ME disabled: "
		     "yes, Error Code: Image Failure", ir.chip.programmer, ir.chip.name,
		     ir.e.keep_descriptor ? "ME region written (module removal only: the "
		     "descriptor is read-only to the host, the HAP bit is not set)" :
		     ir.e.opts.soft_disable ? "ME region and descriptor written, HAP bit set" :
		     "ME region written", ir.e.sha_orig, ir.e.sha_new, ir.e.backup) < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
	r = 0;
out:
	nz_engine_done(&ir.e);
	fr_close(&ir.chip);
	return r;
}

/* The regions current and image differ in, as flashrom names them; -EACCES if one is locked. */
static int restore_regions(const struct img_host_access *a, const uint8_t *current,
			   const uint8_t *image, uint64_t size, const char **names, size_t max,
			   char *why, size_t why_len)
{
	size_t n = 0;

	for (unsigned i = 0; i < a->n_regions; i++) {
		const struct img_host_region *g = &a->regions[i];

		if (!g->used || g->end > size || !memcmp(current + g->start, image + g->start,
							 g->end - g->start))
			continue;
		if (!g->write) {
			snprintf(why, why_len, "the backup differs from the chip in the %s region, "
				 "which the host cannot write (FLMSTR1 = 0x%08x)", g->name, a->flmstr1);
			return -EACCES;
		}
		if (n + 1 >= max || !fr_region_name(g->index))
			return -EINVAL;
		names[n++] = fr_region_name(g->index);
	}
	names[n] = NULL;
	return (int)n;
}

/* What no backup holds is kept before it is overwritten: more reads must agree first. */
static int keep_current(Job *j, const struct job_reader *rd, const char *chip_id,
			const uint8_t *current, char **ret_path, JobOutcome *o)
{
	_cleanup_free_ uint8_t *again = malloc(rd->size);
	int r;

	if (!again)
		return -ENOMEM;
	r = job_read_agree(j, rd, j->passes > 1 ? j->passes - 1 : 1, again, NULL, NULL, o);
	if (r < 0)
		return r;
	if (memcmp(again, current, rd->size))
		return nz_fail_untouched(o, "no backup holds the chip's content and two reads of it "
					 "differ: it cannot be kept", NULL, false, -EIO);
	job_set_phase(j, JOB_PHASE_BACKUP);
	r = backup_store(j->ctx, chip_id, current, rd->size, ret_path);
	if (r < 0)
		return nz_fail_untouched(o, "no backup holds the chip's content and it cannot be "
					 "kept in the state dir", NULL, false, r);
	return 0;
}

static void restore_report(struct internal_run *ir, const char *const *regions, int n,
			   const char *sha_cur, const char *sha_img, const char *kept,
			   const struct fr_write_report *rep, struct strbuf *b)
{
	strbuf_printf(b, "{\"" MECTL_RESULT_PROGRAMMER "\":");
	json_str(b, ir->chip.programmer);
	strbuf_printf(b, ",\"" MECTL_RESULT_FLASH_CHIP "\":");
	json_str(b, ir->chip.name);
	strbuf_printf(b, ",\"size\":%llu,\"sha256_before\":\"%s\",\"sha256_after\":\"%s\","
		      "\"regions_written\":[", (unsigned long long)ir->chip.size, sha_cur, sha_img);
	for (int i = 0; i < n; i++) {
		strbuf_printf(b, "%s", i ? "," : "");
		json_str(b, regions[i]);
	}
	strbuf_printf(b, "],\"verified\":%s,\"kept_backup\":", rep->verified ? "true" : "false");
	if (kept)
		json_str(b, kept);
	else
		strbuf_printf(b, "null");
	strbuf_printf(b, ",\"host_access\":");
	img_host_access_json(&ir->access, b);
	strbuf_printf(b, ",\"phases\":");
	job_phase_times_json(ir->e.job, b);
	strbuf_printf(b, "}");
}

int job_run_restore_internal(Job *j, JobOutcome *o)
{
	_cleanup_free_ uint8_t *image = NULL, *current = NULL;
	_cleanup_free_ char *kept = NULL;
	struct internal_run ir = { .e = { .job = j }, .o = o };
	struct job_reader rd = { "the host's flash chip", 0, internal_read_all, &ir };
	const char *regions[IMG_HOST_MAX_REGIONS + 1];
	char chip_id[sizeof(ir.chip.name) + 48], sha_cur[65], sha_img[65], why[192];
	struct fr_write_report rep = {};
	struct strbuf b = {};
	size_t len = 0;
	int r, n;

	job_set_phase(j, JOB_PHASE_INPUT);
	r = job_image_input(j, &image, &len, o);
	if (r < 0)
		return r;
	r = open_chip(j, &ir, chip_id, sizeof(chip_id));
	if (r < 0)
		goto out;
	if (len != ir.chip.size) {
		if (asprintf(&o->message, "the backup has %zu bytes, the chip %llu: nothing was "
			     "written", len, (unsigned long long)ir.chip.size) < 0)
			o->message = NULL;
		r = -EINVAL;
		goto out;
	}
	r = sha256_hex(image, len, sha_img);
	if (r < 0)
		goto out;
	if (!j->force && !backup_known(j->ctx, chip_id, sha_img)) {
		if (asprintf(&o->message, "this image (sha256 %s) is not a backup mectld made of this "
			     "chip (%s); nothing was written (--force writes it anyway)", sha_img,
			     chip_id) < 0)
			o->message = NULL;
		r = -EPERM;
		goto out;
	}
	current = malloc(len);
	if (!current) {
		r = -ENOMEM;
		goto out;
	}
	rd.size = len;
	r = job_read_agree(j, &rd, 1, current, NULL, NULL, o);
	if (r < 0)
		goto out;

	job_set_phase(j, JOB_PHASE_PREFLIGHT);
	r = img_host_access(current, len, &ir.access);
	if (r < 0) {
		r = nz_fail_untouched(o, r == -EINVAL ? ir.access.error : "out of memory", NULL,
				      false, r);
		goto out;
	}
	n = restore_regions(&ir.access, current, image, len, regions, ELEMENTSOF(regions), why,
			    sizeof(why));
	r = n == -EACCES ? refuse(&ir, why) : n;
	if (r < 0)
		goto out;
	r = sha256_hex(current, len, sha_cur);
	if (r >= 0 && n > 0 && !backup_known(j->ctx, chip_id, sha_cur))
		r = keep_current(j, &rd, chip_id, current, &kept, o);
	if (r < 0)
		goto out;

	if (n > 0) {
		job_set_phase(j, JOB_PHASE_WRITE);
		r = job_chip_write_begin(j, o);
		if (r < 0)
			goto out;
		r = fr_write(&ir.chip, current, image, regions, &rep, &ir.err);
		job_chip_write_done(j);
		if (r < 0) {
			if (asprintf(&o->message, "writing the host's flash chip failed: %s",
				     ir.err.msg) < 0)
				o->message = NULL;
			r = -EIO;
			goto out;
		}
	}
	job_set_phase(j, JOB_PHASE_REPORT);
	restore_report(&ir, regions, n, sha_cur, sha_img, kept, &rep, &b);
	o->result = strbuf_steal(&b);
	if (asprintf(&o->message, "restore on the host's flash chip (%s): %s%s%s", ir.chip.name,
		     n ? "the backup's regions written and verified" :
		     "the chip already holds the backup, nothing written",
		     kept ? "; no backup held the chip's previous content, it is now kept as " : "",
		     kept ? kept : "") < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
	r = 0;
out:
	fr_close(&ir.chip);
	return r;
}
