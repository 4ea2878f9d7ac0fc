// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Internal flashing pre-flight (host-access.h): the descriptor is decoded by ifd.c
 * (regions, FLMSTR1, the layout of its access bits); this file lays out the host's
 * read/write access per FLREG slot and turns the ME and descriptor write bits into
 * one verdict.
 */
#include <stdio.h>

#include "host-access.h"
#include "image-internal.h"
#include "json.h"
#include "strbuf.h"

_Static_assert(IMG_HOST_MAX_REGIONS >= IMG_IFD_MAX_REGIONS, "a slot per FLREGn of any layout");

static const char *const notes_full[] = {
	"the cleaned image can be flashed internally, HAP/AltMeDisable bit included (mectl clean -S)",
	NULL
};

static const char *const notes_me_only[] = {
	"the descriptor is read-only to the host: the HAP/AltMeDisable bit cannot be set "
	"internally (no -S, -s or -d)",
	"module removal only: flash an image cleaned without -S, with the descriptor untouched",
	NULL
};

static const char *const notes_none[] = {
	"way out: the Flash Descriptor Security Override strap, sampled at power-on, makes the "
	"chipset ignore these access bits: HDA_SDO pulled high on 5 series and later PCHs, "
	"GPIO33 (HDA_DOCK_EN#) pulled low on ICH8-10; some boards bring it out as a jumper "
	"(\"ME_WE\", \"FD override\")",
	"way out: an external programmer: mectl on a Raspberry Pi with a clip on the flash "
	"chip reads, cleans and writes it with the target powered off",
	NULL
};

/* [ME region writable][descriptor writable] */
static const struct {
	enum img_host_verdict verdict;
	const char *id;
	const char *line;		/* FLMSTR1 is appended */
	const char *const *notes;
} verdicts[2][2] = {
	[0][0] = { IMG_HOST_NONE, "none",
		   "no: the ME region is not writable by the host", notes_none },
	[0][1] = { IMG_HOST_NONE, "none",
		   "no: the ME region is not writable by the host", notes_none },
	[1][0] = { IMG_HOST_ME_ONLY, "me-only",
		   "ME region only: the host can write the ME region, not the descriptor",
		   notes_me_only },
	[1][1] = { IMG_HOST_FULL, "full",
		   "yes: the host can write the ME region and the descriptor",
		   notes_full },
};

static int fail(struct img_host_access *a, const char *what)
{
	snprintf(a->error, sizeof(a->error), "%s", what);
	return -EINVAL;
}

/* The engine's error line ("Error: ...\n") as the reason, without prefix and newline. */
static int fail_log(struct img_host_access *a, const struct img_log *log)
{
	const char *t = log->n ? log->v[log->n - 1].text : "the descriptor cannot be read";
	size_t n;

	if (!strncmp(t, "Error: ", 7))
		t += 7;
	n = strcspn(t, "\n");
	snprintf(a->error, sizeof(a->error), "%.*s", (int)n, t);
	return -EINVAL;
}

static void lay_out(struct img_host_access *a, struct img_ctx *c)
{
	unsigned i;

	a->n_regions = img_ifd_region_slots(c);
	for (i = 0; i < a->n_regions; i++) {
		struct img_host_region *h = &a->regions[i];
		struct img_region rg;
		uint32_t v = img_le32(c->buf + c->frba + 4 * i);

		img_ifd_region_decode(&rg, v);
		h->index = i;
		h->name = img_ifd_region_name(i);
		h->flreg = v;
		h->used = rg.enabled && (v & 0x7FFF) != 0x7FFF;
		h->start = rg.start;
		h->end = rg.end;
		img_ifd_access(a->layout, a->flmstr1, i, &h->read, &h->write);
	}
}

/* The decision on a decoded descriptor (@c, the engine's context after img_ifd_decode()). */
static int decide(struct img_host_access *a, struct img_ctx *c)
{
	const struct img_report *rep = c->rep;
	const struct img_host_region *me, *fd;
	unsigned v;

	a->layout = rep->ifd_layout;
	a->layout_name = img_ifd_layout_info(a->layout)->name;
	a->flcomp = rep->flcomp;
	a->read_clock = img_ifd_read_clock(a->flcomp);
	a->flmstr1 = rep->flmstr[0];
	if (c->fcba + 4 > c->len || c->fmba + 4 > c->len)
		return fail(a, "the descriptor's component or master section lies past the end of "
			    "the file");
	if (a->layout == IMG_IFD_UNKNOWN) {
		snprintf(a->error, sizeof(a->error), "FLCOMP (0x%08x) does not tell the descriptor "
			 "layout: read clock %s, neither IFD v1 (20 MHz) nor v2 (17 or 30 MHz)",
			 a->flcomp, a->read_clock);
		return -EINVAL;
	}
	if (img_ifd_region_slots(c) <= IMG_REGION_ME ||
	    c->frba + 4 * img_ifd_region_slots(c) > c->len)
		return fail(a, "the descriptor's region section is too short for an ME region");
	lay_out(a, c);
	me = &a->regions[IMG_REGION_ME];
	fd = &a->regions[IMG_REGION_FD];
	if (!me->used) {
		snprintf(a->error, sizeof(a->error), "the descriptor defines no ME region "
			 "(FLREG2 = 0x%08x): there is nothing to flash", me->flreg);
		return -EINVAL;
	}
	v = me->write;
	a->verdict = verdicts[v][fd->write].verdict;
	a->verdict_id = verdicts[v][fd->write].id;
	a->notes = verdicts[v][fd->write].notes;
	snprintf(a->verdict_line, sizeof(a->verdict_line), "%s (FLMSTR1 = 0x%08x)",
		 verdicts[v][fd->write].line, a->flmstr1);
	return 0;
}

int img_host_access(const void *buf, size_t len, struct img_host_access *a)
{
	struct img_result res = { 0 };
	/* img_ifd_decode() only reads the buffer */
	struct img_ctx c = { .r = &res, .rep = &res.report, .buf = (uint8_t *)buf, .len = len };
	int64_t sig = img_ifd_find(buf, len);
	int r;

	memset(a, 0, sizeof(*a));
	if (sig < 0)
		return fail(a, "no flash descriptor (no signature 0x0FF0A55A at 0x0 or 0x10): "
			    "a full flash image is needed, not a region");
	r = img_ifd_decode(&c, sig);
	if (r == IMG_STOP)
		r = fail_log(a, &res.log);
	else if (!r)
		r = decide(a, &c);
	img_result_free(&res);
	return r;
}

static const char *const layout_ids[] = {
	[IMG_IFD_UNKNOWN] = "unknown", [IMG_IFD_V1] = "v1", [IMG_IFD_V2] = "v2",
};

void img_host_access_json(const struct img_host_access *a, struct strbuf *b)
{
	const char *const *n;
	unsigned i;

	strbuf_printf(b, "{\"layout\":\"%s\",\"layout_name\":", layout_ids[a->layout]);
	json_str(b, a->layout_name);
	strbuf_printf(b, ",\"flcomp\":%u,\"read_clock\":", a->flcomp);
	json_str(b, a->read_clock);
	strbuf_printf(b, ",\"flmstr1\":%u,\"regions\":[", a->flmstr1);
	for (i = 0; i < a->n_regions; i++) {
		const struct img_host_region *r = &a->regions[i];

		strbuf_printf(b, "%s{\"index\":%u,\"name\":", i ? "," : "", r->index);
		json_str(b, r->name);
		strbuf_printf(b, ",\"flreg\":%u,\"used\":%s,\"start\":%llu,\"end\":%llu,"
			      "\"read\":%s,\"write\":%s}", r->flreg, r->used ? "true" : "false",
			      (unsigned long long)r->start, (unsigned long long)r->end,
			      r->read ? "true" : "false", r->write ? "true" : "false");
	}
	strbuf_printf(b, "],\"verdict\":\"%s\",\"verdict_line\":", a->verdict_id);
	json_str(b, a->verdict_line);
	strbuf_add(b, ",\"notes\":[", 10);
	for (n = a->notes; n && *n; n++) {
		if (n != a->notes)
			strbuf_add(b, ",", 1);
		json_str(b, *n);
	}
	strbuf_add(b, "]}", 2);
}
