// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the host's chip through libflashrom (host-chip.h's flashrom backend), for
 * PCs whose kernel has no spi-intel MTD device: flashrom.c does the work; this file
 * adapts it and reads flashrom's own report of the controller's locks. Its ichspi
 * driver names them when the programmer starts (libflashrom 1.3, ichspi.c):
 *	FREG2: Management Engine region (0x00001000-0x0017ffff) is locked.	(info)
 *	PR0: Warning: 0x00180000-0x007fffff is read-only.			(warning)
 * the first from FRAP (the descriptor's FLMSTR1 as the controller applies it), the
 * second a Protected Range register the firmware set; "read-only" and "locked" keep
 * the host from writing the range.
 */
#include <string.h>

#include "host-chip.h"
#include "util.h"

#define PR_WAY_OUT "the firmware sets its Protected Range registers at every boot and " \
	"locks them: an external programmer, mectl on a Raspberry Pi"

/* The access words of ichspi.c that deny writes. */
static const char *const denied[] = { "read-only", "locked" };

static bool write_denied(const char *word)
{
	for (size_t i = 0; i < ELEMENTSOF(denied); i++)
		if (!strcmp(word, denied[i]))
			return true;
	return false;
}

/* One line of flashrom's log as a lock: 1 if it is one (into l), else 0. */
static int parse_lock(const char *line, struct host_lock *l)
{
	unsigned n, a, b;
	char word[16];
	int end = 0;

	*l = (struct host_lock) {};
	if ((sscanf(line, "FREG%u: %*[^(](0x%x-0x%x) is %15[a-z-].%n", &n, &a, &b, word, &end) == 4 ||
	     sscanf(line, "PR%u: Warning: 0x%x-0x%x is %15[a-z-].%n", &n, &a, &b, word, &end) == 4 ||
	     sscanf(line, "GPR%u: Warning: 0x%x-0x%x is %15[a-z-].%n", &n, &a, &b, word, &end) == 4) &&
	    end > 0 && a <= b && write_denied(word)) {
		snprintf(l->what, sizeof(l->what), "flashrom: %.*s", end, line);
		if (line[0] != 'F')
			snprintf(l->way_out, sizeof(l->way_out), "way out: %s", PR_WAY_OUT);
		l->start = a;
		l->end = (uint64_t)b + 1;
		return 1;
	}
	return 0;
}

unsigned host_flashrom_locks(struct host_chip *h, const char *log)
{
	unsigned added = 0;

	for (const char *p = log; *p && h->n_locks < PREFLIGHT_LOCKS_MAX; ) {
		const char *e = strchrnul(p, '\n');
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)(e - p), p);
		if (parse_lock(line, &h->locks[h->n_locks])) {
			h->n_locks++;
			added++;
		}
		p = *e ? e + 1 : e;
	}
	return added;
}

static int fr_read_at(struct host_chip *h, uint64_t off, uint8_t *buf, uint64_t len,
		      flash_progress_fn cb, void *userdata)
{
	struct fr_err e;
	int r;

	if (off == 0 && len == h->size)
		r = fr_read(&h->fr, buf, cb, userdata, &e);
	else
		r = fr_read_range(&h->fr, off, len, buf, &e);
	if (r < 0)
		snprintf(h->err, sizeof(h->err), "%s", e.msg);
	return r;
}

static int fr_write_regions(struct host_chip *h, const uint8_t *current, const uint8_t *target,
			    const struct host_region *regions, unsigned n,
			    struct host_write_report *rep, flash_progress_fn cb, void *userdata)
{
	const char *names[IMG_HOST_MAX_REGIONS + 1];
	struct fr_write_report fr = {};
	struct fr_err e;
	unsigned k = 0;
	int r;

	(void)cb;
	(void)userdata;		/* libflashrom 1.3 reports no progress of a write */
	*rep = (struct host_write_report) {};
	if (n > IMG_HOST_MAX_REGIONS)
		return -E2BIG;
	for (unsigned i = 0; i < n; i++) {
		names[i] = fr_region_name(regions[i].flreg);
		if (!names[i]) {
			snprintf(h->err, sizeof(h->err), "no flashrom name for region FLREG%u",
				 regions[i].flreg);
			return -EINVAL;
		}
	}
	names[n] = NULL;
	r = fr_write(&h->fr, current, target, names, &fr, &e);
	for (unsigned i = 0; i < fr.n; i++)
		if (fr.region[i].bytes_changed)
			rep->changed[k++] = fr.region[i].name;
	rep->changed[k] = NULL;
	rep->verified = fr.verified;
	rep->touched = r >= 0 ? fr.written > 0 :
		       r != -EINVAL && r != -ENOENT && r != -ENODATA && r != -ESTALE;
	if (r < 0)
		snprintf(h->err, sizeof(h->err), "%s", e.msg);
	return r;
}

static void fr_json(const struct host_chip *h, const struct host_write_report *rep,
		    struct strbuf *b)
{
	(void)rep;	/* flashrom's log says what it did */
	strbuf_printf(b, "\"" MECTL_RESULT_PROGRAMMER "\":");
	json_str(b, h->fr.programmer);
	strbuf_printf(b, ",\"" MECTL_RESULT_FLASH_CHIP "\":");
	json_str(b, h->fr.name);
	strbuf_printf(b, ",\"" MECTL_RESULT_FLASHROM_LOG "\":");
	json_str(b, fr_log(&h->fr));
}

static void fr_host_close(struct host_chip *h)
{
	fr_close(&h->fr);
}

const struct host_chip_ops host_flashrom_ops = {
	.name = "flashrom",
	.read = fr_read_at,
	.write = fr_write_regions,
	.json = fr_json,
	.close = fr_host_close,
};

int host_flashrom_open(struct host_chip *h, const struct mectld_config *cfg)
{
	_cleanup_free_ char *prog = strdup(cfg->internal_programmer);
	struct fr_open_opts opts = {};
	struct fr_err e;
	char *params;

	if (!prog)
		return -ENOMEM;
	params = strchr(prog, ':');
	if (params)
		*params++ = 0;
	opts.programmer = prog;
	opts.params = params;
	if (cfg->internal_chip && *cfg->internal_chip)
		opts.chip = cfg->internal_chip;
	h->ops = &host_flashrom_ops;
	if (fr_open(&opts, &h->fr, &e) < 0) {
		snprintf(h->err, sizeof(h->err), "%s", e.msg);
		return -EIO;
	}
	h->size = h->fr.size;
	snprintf(h->label, sizeof(h->label), "flashrom %s, %s", h->fr.programmer, h->fr.name);
	snprintf(h->id, sizeof(h->id), "flashrom-%s-%llu", h->fr.name,
		 (unsigned long long)h->fr.size);
	for (char *p = h->id; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *p))
			*p = '_';
	host_flashrom_locks(h, fr_log(&h->fr));
	return 0;
}
