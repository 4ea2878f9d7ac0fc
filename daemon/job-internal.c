// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: jobs on the host's own flash chip (internal flashing), through the backend
 * mectld.conf picks (host-chip.h): spi-intel's MTD device, or libflashrom.
 *
 *   probe -> pre-flight -> read 1..N -> backup -> check -> clean -> write -> report
 *
 * The pre-flight comes first, on the chip's descriptor alone (its first 4 KiB, as
 * the host reads it) and the controller's locks the backend reports (preflight.h):
 * which regions the host may write. "No" ends the job there, before the chip is read
 * whole, with the ways out and nothing written; "ME region only" runs me_cleaner
 * without the HAP bit (module removal only) and writes the ME region alone; "yes"
 * writes the ME region and the descriptor. The backend writes the erase blocks that
 * differ inside those regions only and verifies them; a change outside them is
 * refused before anything is written. Read pass 1 must hold the descriptor the
 * pre-flight decided on.
 *
 * restore --internal puts a backup mectld made of this chip back the same way: the
 * chip is read, and the backup is written only when every region it differs in is
 * one the host may write (else refused, naming the region and what keeps it);
 * content no backup holds is kept as one first.
 *
 * probe --internal is the pre-flight alone: `mectl check --internal` on the live chip.
 */
#include <string.h>

#include "backup.h"
#include "host-chip.h"
#include "job-neutralize.h"
#include "job-read.h"
#include "job-write.h"

/* The descriptor region: the pre-flight reads this much of the chip. */
#define IFD_BYTES 4096u

struct internal_run {
	struct nz_engine e;
	struct host_chip h;
	struct preflight pf;
	bool decided;			/* pf holds a decision */
	bool facts_added;		/* the result carries the facts below */
	uint8_t ifd[IFD_BYTES];
	size_t ifd_len;
	JobOutcome *o;
};

/*
 * After a power cycle, what mectl status should show: kmod/me/ABI's indicators, and
 * its lines ("ME: %-24s: %s", intelmetool's form), by whether the cleaned image sets
 * the HAP/AltMeDisable strap: the ME parks in its bring-up (the seed guide's sample),
 * or it fails on the modules me_cleaner removed (me_cleaner's wiki; pre-Skylake, ME
 * generations 1 and 2, also stop at "M0 kernel load").
 */
struct expect_line {
	const char *indicator;		/* NULL: a line, not an indicator */
	const char *label, *value;
};

static const struct expect_line parked[] = {
	{ "firmware_init_complete", "Firmware Init Complete", "NO" },
	{ "working_state", "Current Working State", "Initializing" },
	{ "operation_state", "Current Operation State", "Bring up" },
	{ "progress_phase", "Progress Phase", "BUP Phase" },
	{}
};
static const struct expect_line failed[] = {
	{ "error_code", "Error Code", "Image Failure" },
	{}
};
static const struct expect_line failed_pre_skylake[] = {
	{ "error_code", "Error Code", "Image Failure" },
	{ NULL, "Progress Phase State", "M0 kernel load" },
	{}
};

enum expectation {
	EXPECT_FAILED,
	EXPECT_FAILED_PRE_SKYLAKE,
	EXPECT_PARKED,
	_EXPECT_MAX,
};

static const struct {
	const struct expect_line *lines;
	const char *words;		/* for the message */
} expectations[_EXPECT_MAX] = {
	[EXPECT_FAILED] = { failed, "Error Code: Image Failure" },
	[EXPECT_FAILED_PRE_SKYLAKE] = { failed_pre_skylake, "Error Code: Image Failure, "
					"Progress Phase State: M0 kernel load" },
	[EXPECT_PARKED] = { parked, "the ME parked in its bring-up (Firmware Init Complete: NO, "
			    "Current Working State: Initializing, Current Operation State: "
			    "Bring up, Progress Phase: BUP Phase; some of them)" },
};

static bool strap_set(const struct nz_engine *e)
{
	return e->cln.report.strap.present && e->cln.report.strap.set_after;
}

static enum expectation expectation(const struct nz_engine *e)
{
	if (strap_set(e))
		return EXPECT_PARKED;
	return e->chk.report.gen == 1 || e->chk.report.gen == 2 ? EXPECT_FAILED_PRE_SKYLAKE :
	       EXPECT_FAILED;
}

static void strv_json(const char *const *v, struct strbuf *b)
{
	strbuf_printf(b, "[");
	for (unsigned i = 0; v[i]; i++) {
		strbuf_printf(b, "%s", i ? "," : "");
		json_str(b, v[i]);
	}
	strbuf_printf(b, "]");
}

static void expectation_json(const struct nz_engine *e, struct strbuf *b)
{
	const struct expect_line *lines = expectations[expectation(e)].lines, *l;
	bool first = true;

	strbuf_printf(b, "{\"disabled\":\"yes\",\"indicators\":[");
	for (l = lines; l->label; l++)
		if (l->indicator) {
			strbuf_printf(b, "%s", first ? "" : ",");
			json_str(b, l->indicator);
			first = false;
		}
	strbuf_printf(b, "],\"lines\":[");
	for (l = lines; l->label; l++)
		strbuf_printf(b, "%s\"ME: %-24s: %s\"", l == lines ? "" : ",", l->label, l->value);
	strbuf_printf(b, "]}");
}

/* The backend's facts, and the pre-flight once made, as members (each after a comma). */
static void facts_json(const struct internal_run *ir, const struct host_write_report *rep,
		       struct strbuf *b)
{
	if (ir->h.ops && ir->h.size) {	/* open */
		strbuf_printf(b, ",\"" MECTL_RESULT_BACKEND "\":\"%s\",", ir->h.ops->name);
		ir->h.ops->json(&ir->h, rep, b);
		strbuf_printf(b, ",\"" MECTL_RESULT_SIZE "\":%llu", (unsigned long long)ir->h.size);
	}
	if (ir->h.skipped[0]) {
		strbuf_printf(b, ",\"" MECTL_RESULT_INTERNAL_MTD_SKIPPED "\":");
		json_str(b, ir->h.skipped);
	}
	if (ir->decided) {
		strbuf_printf(b, ",\"" MECTL_RESULT_HOST_ACCESS "\":");
		img_host_access_json(&ir->pf.access, b);
		strbuf_printf(b, ",\"" MECTL_RESULT_PREFLIGHT "\":");
		preflight_json(&ir->pf, b);
	}
}

/* A failed job's result object gets the facts too (once). */
static void add_facts(struct internal_run *ir)
{
	JobOutcome *o = ir->o;
	struct strbuf b = {};
	char *s;

	if (ir->facts_added || !o->result || o->result[0] != '{')
		return;
	strbuf_printf(&b, "%.*s", (int)strlen(o->result) - 1, o->result);
	facts_json(ir, NULL, &b);
	strbuf_printf(&b, "}");
	s = strbuf_steal(&b);
	if (s) {
		free(o->result);
		o->result = s;
	}
	ir->facts_added = true;
}

static int fail_untouched(struct internal_run *ir, const char *what, int r)
{
	return nz_fail_untouched(ir->o, what, NULL, ir->e.backup != NULL, r);
}

/* Phase "probe": the backend up, the chip found. */
static int open_chip(Job *j, struct internal_run *ir)
{
	int r;

	job_set_phase(j, JOB_PHASE_PROBE);
	r = host_chip_open(&j->ctx->config, &ir->h);
	if (r < 0)
		return fail_untouched(ir, ir->h.err, r == -EPERM || r == -ENOMEM ? r : -EIO);
	return 0;
}

/* Phase "preflight": the descriptor as the host reads it, and the controller's locks. */
static int preflight(Job *j, struct internal_run *ir)
{
	int r;

	job_set_phase(j, JOB_PHASE_PREFLIGHT);
	ir->ifd_len = ir->h.size < IFD_BYTES ? ir->h.size : IFD_BYTES;
	r = ir->h.ops->read(&ir->h, 0, ir->ifd, ir->ifd_len, NULL, NULL);
	if (r < 0)
		return fail_untouched(ir, ir->h.err, -EIO);
	r = preflight_decide(&ir->pf, ir->ifd, ir->ifd_len, ir->h.locks, ir->h.n_locks);
	if (r == -EINVAL) {
		_cleanup_free_ char *what = NULL;

		if (asprintf(&what, "no internal flashing decision from the chip's descriptor (%s)",
			     ir->pf.access.error) < 0)
			what = NULL;
		return fail_untouched(ir, what ? what : "no descriptor", -EINVAL);
	}
	if (r < 0)
		return r;
	ir->decided = true;
	return 0;
}

/* A pre-flight "no", with the verdict's notes (the ways out): nothing written. */
static int refuse(struct internal_run *ir, const char *what, bool notes)
{
	_cleanup_free_ char *line = NULL;
	struct strbuf b = {};

	strbuf_printf(&b, "%s", what);
	for (const char *const *n = ir->pf.notes; notes && *n; n++)
		strbuf_printf(&b, "; %s", *n);
	line = strbuf_steal(&b);
	return fail_untouched(ir, line ? line : what, -EACCES);
}

/* Read pass 1 holds the descriptor the pre-flight decided on; then the engine starts. */
static int first_pass(void *userdata, const uint8_t *first, uint64_t size)
{
	struct internal_run *ir = userdata;

	if (memcmp(first, ir->ifd, ir->ifd_len))
		return fail_untouched(ir, "the chip's descriptor changed between the pre-flight "
				      "and read pass 1", -ESTALE);
	return ir->e.job->type == JOB_NEUTRALIZE ? nz_engine_start(&ir->e, first, size) : 0;
}

static int read_all(void *port, uint8_t *buf, Job *j)
{
	struct internal_run *ir = port;
	int r;

	r = ir->h.ops->read(&ir->h, 0, buf, ir->h.size, job_flash_progress, j);
	if (r < 0 && r != -ECANCELED)
		fail_untouched(ir, ir->h.err, r);
	return r;
}

/* What the verdict lets neutralize write: the ME region, and the descriptor for "yes". */
static unsigned neutralize_regions(const struct internal_run *ir, struct host_region *g)
{
	static const unsigned wanted[] = { IMG_REGION_FD, IMG_REGION_ME };	/* FLREG order */
	unsigned n = 0;

	for (unsigned i = 0; i < ELEMENTSOF(wanted); i++) {
		const struct img_host_region *a = &ir->pf.access.regions[wanted[i]];

		if (wanted[i] == IMG_REGION_FD && ir->pf.verdict != IMG_HOST_FULL)
			continue;
		g[n++] = (struct host_region) { a->index, a->start, a->end };
	}
	return n;
}

static void regions_json(const struct host_region *g, unsigned n, struct strbuf *b)
{
	strbuf_printf(b, "[");
	for (unsigned i = 0; i < n; i++) {
		strbuf_printf(b, "%s", i ? "," : "");
		json_str(b, fr_region_name(g[i].flreg));
	}
	strbuf_printf(b, "]");
}

/* The write failed: what the chip may now hold, and the way back. */
static int write_failed(struct internal_run *ir, const struct host_write_report *rep)
{
	JobOutcome *o = ir->o;
	struct strbuf b = {};

	strbuf_printf(&b, "{\"" MECTL_RESULT_ERROR "\":\"write-failed\",\"" MECTL_RESULT_CHIP_TOUCHED
		      "\":%s,\"" MECTL_RESULT_BACKUP_WRITTEN "\":%s,\"" MECTL_RESULT_BACKUP "\":",
		      rep->touched ? "true" : "false", ir->e.backup ? "true" : "false");
	json_str(&b, ir->e.backup);
	facts_json(ir, rep, &b);
	strbuf_printf(&b, "}");
	free(o->result);
	o->result = strbuf_steal(&b);
	ir->facts_added = true;
	free(o->message);
	if (asprintf(&o->message, "writing the host's flash chip (%s) failed: %s; %s", ir->h.label,
		     ir->h.err, rep->touched ? "the chip may be partly written: mectl restore "
		     "--internal BACKUP puts it back" : "nothing was written") < 0)
		o->message = NULL;
	return -EIO;
}

/* Phase "write": the chip from current to target inside the regions g; failures say how. */
static int write_regions(struct internal_run *ir, const uint8_t *current, const uint8_t *target,
			 const struct host_region *g, unsigned n, struct host_write_report *rep)
{
	Job *j = ir->e.job;
	int r;

	job_set_phase(j, JOB_PHASE_WRITE);
	r = job_chip_write_begin(j, ir->o);
	if (r < 0)
		return r;
	r = ir->h.ops->write(&ir->h, current, target, g, n, rep, job_flash_progress, j);
	job_chip_write_done(j);
	return r < 0 ? write_failed(ir, rep) : 0;
}

/* The pre-flight's verdict for neutralize: refused, or how to clean. */
static int neutralize_verdict(struct internal_run *ir)
{
	bool wants_descriptor = false;
	struct img_options opts;
	struct img_result res;

	if (ir->pf.verdict == IMG_HOST_NONE)
		return refuse(ir, ir->pf.verdict_line, true);
	if (ir->pf.verdict == IMG_HOST_ME_ONLY) {
		if (image_parse(ir->e.job->type, ir->e.job->args, &opts, &res) == 0)
			wants_descriptor = opts.soft_disable_only || opts.descriptor;
		img_result_free(&res);
		if (wants_descriptor)
			return refuse(ir, "-s and -d change the descriptor, which the host cannot "
				      "write (module removal only: -S or no flags)", true);
		ir->e.keep_descriptor = true;
	}
	return 0;
}

static void neutralize_report(struct internal_run *ir, const struct host_write_report *rep,
			      const struct host_region *g, unsigned n, double t0, struct strbuf *b)
{
	struct nz_engine *e = &ir->e;
	bool fd_changed = false;

	strbuf_printf(b, "{\"" MECTL_RESULT_PASSES "\":%u", e->job->passes);
	facts_json(ir, rep, b);
	strbuf_printf(b, ",\"" MECTL_RESULT_HAP_SET "\":%s,\"" MECTL_RESULT_REGIONS "\":",
		      strap_set(e) ? "true" : "false");
	regions_json(g, n, b);
	strbuf_printf(b, ",\"" MECTL_RESULT_REGIONS_WRITTEN "\":");
	strv_json(rep->changed, b);
	for (unsigned i = 0; rep->changed[i]; i++)
		fd_changed |= !strcmp(rep->changed[i], "fd");
	strbuf_printf(b, ",\"" MECTL_RESULT_DESCRIPTOR_CHANGED "\":%s,\"" MECTL_RESULT_VERIFIED
		      "\":%s,\"" MECTL_RESULT_SHA256_BEFORE "\":\"%s\",\"" MECTL_RESULT_SHA256_AFTER
		      "\":\"%s\",\"" MECTL_RESULT_BACKUP_WRITTEN "\":true,\""
		      MECTL_RESULT_STATE_BACKUP "\":", fd_changed ? "true" : "false",
		      rep->verified ? "true" : "false", e->sha_orig, e->sha_new);
	json_str(b, e->backup);
	strbuf_printf(b, ",\"" MECTL_RESULT_EXPECT "\":");
	expectation_json(e, b);
	strbuf_printf(b, ",\"" MECTL_RESULT_SECONDS "\":%.2f,\"" MECTL_RESULT_PHASES "\":",
		      nz_now() - t0);
	job_phase_times_json(e->job, b);
	strbuf_printf(b, ",\"" MECTL_RESULT_CLEAN_LOG "\":");
	image_log_to_json(&e->cln.log, b);
	strbuf_printf(b, "}");
	ir->facts_added = true;
}

int job_run_neutralize_internal(Job *j, JobOutcome *o)
{
	_cleanup_free_ uint8_t *orig = NULL;
	struct internal_run ir = { .e = { .job = j }, .o = o };
	struct job_reader rd = { NULL, 0, read_all, &ir };
	struct host_region g[2];
	struct host_write_report rep = {};
	struct strbuf b = {};
	double t0 = nz_now();
	unsigned n;
	int r;

	r = open_chip(j, &ir);
	if (r >= 0)
		r = preflight(j, &ir);
	if (r >= 0)
		r = neutralize_verdict(&ir);
	if (r < 0)
		goto out;
	ir.e.chip_id = ir.h.id;
	rd.what = ir.h.label;
	rd.size = ir.h.size;
	orig = malloc(ir.h.size);
	if (!orig) {
		r = -ENOMEM;
		goto out;
	}
	r = job_read_agree(j, &rd, j->passes, orig, first_pass, &ir, o);
	nz_engine_join(&ir.e);
	if (r >= 0)
		r = nz_engine_verdict(&ir.e, ir.h.size, o);
	if (r < 0)
		goto out;

	n = neutralize_regions(&ir, g);
	r = write_regions(&ir, orig, ir.e.cln.image.data, g, n, &rep);
	if (r < 0)
		goto out;

	job_set_phase(j, JOB_PHASE_REPORT);
	neutralize_report(&ir, &rep, g, n, t0, &b);
	o->result = strbuf_steal(&b);
	if (asprintf(&o->message, "neutralized the host's flash chip (%s): %s, verified; sha256 "
		     "%s -> %s; mectld keeps the backup as %s. After a power cycle (all power "
		     "removed for a few seconds) mectl status should say: ME disabled: yes, with "
		     "%s", ir.h.label, ir.e.keep_descriptor ? "ME region written (module removal "
		     "only: the descriptor is read-only to the host, the HAP bit is not set)" :
		     strap_set(&ir.e) ? "ME region and descriptor written, HAP/AltMeDisable bit set" :
		     "ME region written", ir.e.sha_orig, ir.e.sha_new, ir.e.backup,
		     expectations[expectation(&ir.e)].words) < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
	r = 0;
out:
	if (r < 0)
		add_facts(&ir);
	nz_engine_done(&ir.e);
	host_chip_close(&ir.h);
	return r;
}

/*
 * The regions current and image differ in, each one the host may write, into g; their
 * number, or -EACCES (the outcome says which region and what keeps it).
 */
static int restore_regions(struct internal_run *ir, const uint8_t *current, const uint8_t *image,
			   struct host_region *g)
{
	const struct img_host_access *a = &ir->pf.access;
	int n = 0;

	for (unsigned i = 0; i < a->n_regions; i++) {
		const struct img_host_region *r = &a->regions[i];
		_cleanup_free_ char *what = NULL;
		char why[256];

		if (!r->used || r->end > ir->h.size ||
		    !memcmp(current + r->start, image + r->start, r->end - r->start))
			continue;
		if (ir->pf.writable[i]) {
			g[n++] = (struct host_region) { r->index, r->start, r->end };
			continue;
		}
		if (asprintf(&what, "the backup differs from the chip in the %s region, which the "
			     "host cannot write (%s)", r->name,
			     preflight_why_not(&ir->pf, i, why, sizeof(why))) < 0)
			return -ENOMEM;
		return refuse(ir, what, ir->pf.verdict == IMG_HOST_NONE);
	}
	return n;
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

static void restore_report(struct internal_run *ir, const struct host_write_report *rep,
			   const char *sha_cur, const char *sha_img, const char *kept,
			   struct strbuf *b)
{
	strbuf_printf(b, "{\"" MECTL_RESULT_SHA256_BEFORE "\":\"%s\",\"" MECTL_RESULT_SHA256_AFTER
		      "\":\"%s\",\"" MECTL_RESULT_REGIONS_WRITTEN "\":", sha_cur, sha_img);
	strv_json(rep->changed, b);
	strbuf_printf(b, ",\"" MECTL_RESULT_VERIFIED "\":%s,\"" MECTL_RESULT_KEPT_BACKUP "\":",
		      rep->verified ? "true" : "false");
	json_str(b, kept);
	facts_json(ir, rep, b);
	strbuf_printf(b, ",\"" MECTL_RESULT_PHASES "\":");
	job_phase_times_json(ir->e.job, b);
	strbuf_printf(b, "}");
	ir->facts_added = true;
}

int job_run_restore_internal(Job *j, JobOutcome *o)
{
	_cleanup_free_ uint8_t *image = NULL, *current = NULL;
	_cleanup_free_ char *kept = NULL;
	struct internal_run ir = { .e = { .job = j }, .o = o };
	struct job_reader rd = { NULL, 0, read_all, &ir };
	struct host_region g[IMG_HOST_MAX_REGIONS];
	char sha_cur[65], sha_img[65];
	struct host_write_report rep = {};
	struct strbuf b = {};
	size_t len = 0;
	int r, n = 0;

	job_set_phase(j, JOB_PHASE_INPUT);
	r = job_image_input(j, &image, &len, o);
	if (r < 0)
		return r;
	r = open_chip(j, &ir);
	if (r < 0)
		goto out;
	r = job_image_admit(j, ir.h.id, ir.h.size, image, len, sha_img, o);
	if (r < 0)
		goto out;
	r = preflight(j, &ir);
	if (r < 0)
		goto out;
	current = malloc(len);
	if (!current) {
		r = -ENOMEM;
		goto out;
	}
	rd.what = ir.h.label;
	rd.size = len;
	r = job_read_agree(j, &rd, 1, current, first_pass, &ir, o);
	if (r >= 0)
		r = n = restore_regions(&ir, current, image, g);
	if (r >= 0)
		r = sha256_hex(current, len, sha_cur);
	if (r >= 0 && n > 0 && !backup_known(j->ctx, ir.h.id, sha_cur))
		r = keep_current(j, &rd, ir.h.id, current, &kept, o);
	if (r < 0)
		goto out;

	if (n > 0) {
		r = write_regions(&ir, current, image, g, (unsigned)n, &rep);
		if (r < 0)
			goto out;
	}
	job_set_phase(j, JOB_PHASE_REPORT);
	restore_report(&ir, &rep, sha_cur, sha_img, kept, &b);
	o->result = strbuf_steal(&b);
	if (asprintf(&o->message, "restore on the host's flash chip (%s): %s%s%s", ir.h.label,
		     n ? "the backup's regions written and verified" :
		     "the chip already holds the backup, nothing written",
		     kept ? "; no backup held the chip's previous content, it is now kept as " : "",
		     kept ? kept : "") < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
	r = 0;
out:
	if (r < 0)
		add_facts(&ir);
	host_chip_close(&ir.h);
	return r;
}

int job_run_probe_internal(Job *j, JobOutcome *o)
{
	struct internal_run ir = { .e = { .job = j }, .o = o };
	struct strbuf b = {};
	int r;

	r = open_chip(j, &ir);
	if (r >= 0)
		r = preflight(j, &ir);
	if (r < 0) {
		add_facts(&ir);
		host_chip_close(&ir.h);
		return r;
	}
	strbuf_printf(&b, "{\"" MECTL_RESULT_PHASES "\":");
	job_phase_times_json(j, &b);
	facts_json(&ir, NULL, &b);
	strbuf_printf(&b, "}");
	o->result = strbuf_steal(&b);
	if (asprintf(&o->message, "internal flashing pre-flight of %s: %s", ir.h.label,
		     ir.pf.verdict_line) < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
	host_chip_close(&ir.h);
	return 0;
}
