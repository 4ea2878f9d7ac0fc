// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The flow of one run, in the order of me_cleaner 1.2's main program: detect,
 * descriptor, $FPT, manifest, strap report, (gen 1 disable), ME 6 Ignition,
 * partitions, modules, relocation, minimum size/truncation, soft-disable, -d, -D,
 * -M, signature. The steps live in the files their names give; this file strings
 * them together and owns the small steps (straps, -d, -D, -M).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "image-internal.h"
#include "hooks.h"

/* Python's format(v, "0Nx"): the sign counts in the width. */
static const char *hexw(char *buf, size_t n, int64_t v, int width)
{
	if (v < 0)
		snprintf(buf, n, "-%0*llx", width > 1 ? width - 1 : 1, (unsigned long long)-v);
	else
		snprintf(buf, n, "%0*llx", width, (unsigned long long)v);
	return buf;
}

/* FLREGn encoding (start_end_to_flreg()) with Python's arithmetic on negative values. */
static uint32_t region_encode(int64_t start, int64_t end)
{
	return (uint32_t)(((start & 0x07FFF000) >> 12) | (((end - 1) & 0x07FFF000) << 4));
}

static bool has_fpt(const uint8_t *p, size_t len, size_t off)
{
	return len >= off + 4 && !memcmp(p + off, "$FPT", 4);
}

static int detect(struct img_ctx *c)
{
	const struct img_options *o = c->o;
	int r;

	if (has_fpt(c->buf, c->len, 0) || has_fpt(c->buf, c->len, 0x10)) {
		c->rep->kind = IMG_KIND_ME_REGION;
		r = img_out(c, "ME/TXE image detected\n");
		if (r)
			return r;
		if (o->descriptor || o->extract_descriptor || o->extract_me || o->soft_disable ||
		    o->soft_disable_only)
			return img_fail(c, "-d, -D, -M, -S and -s require a full dump\n");
		c->me.start = 0;
		c->me.end = (int64_t)c->len;
		c->rep->regions[IMG_REGION_ME].start = 0;
		c->rep->regions[IMG_REGION_ME].end = c->len;
		c->rep->regions[IMG_REGION_ME].enabled = c->len > 0;
		return 0;
	}
	if (img_ifd_find(c->buf, c->len) >= 0) {
		bool at0 = img_ifd_find(c->buf, c->len) == 0;

		c->full = true;
		c->rep->kind = IMG_KIND_FULL;
		r = img_out(c, "Full image detected\n");
		if (!r)
			r = img_ifd_decode(c, at0 ? 0 : 0x10);
		if (r)
			return r;
		img_ifd_sanity(c);
		if (c->me.start >= c->me.end) {
			c->rep->me_disabled = true;
			r = img_out(c, "The ME region in this image has already been disabled\n");
			if (r)
				return r;
		} else if (c->me.end > (int64_t)c->len) {
			return img_fail(c, "Error: the ME region (0x%llx-0x%llx) ends past the end of "
					"the file (0x%zx bytes): the image is truncated\n",
					(long long)c->me.start, (long long)c->me.end, c->len);
		}
		if (c->fd.start < c->fd.end && c->fd.end > (int64_t)c->len)
			return img_fail(c, "Error: the descriptor region (0x%llx-0x%llx) ends past the "
					"end of the file (0x%zx bytes): the image is truncated\n",
					(long long)c->fd.start, (long long)c->fd.end, c->len);
		if (at0)
			c->gen = 1;
		r = img_bootguard_probe(c);
		if (r)
			return r;
		return 0;
	}
	r = img_unknown_hook(c);
	if (r)
		return r;
	return img_fail(c, "Unknown image\n");
}

/* The strap report of a full image (AltMeDisable or HAP), and the gen-1 meDisable bits. */
static int strap_report(struct img_ctx *c)
{
	struct img_strap *st = &c->rep->strap;
	uint32_t v;
	int r;

	if (c->gen == 1) {
		static const struct { const char *name; bool ich; } straps[] = {
			{ "ICHSTRP0", true }, { "MCHSTRP0", false },
		};
		size_t i;

		for (i = 0; i < 2; i++) {
			uint32_t off = straps[i].ich ? c->fpsba : c->fmsba;

			r = img_read32(c, &c->fd, off, &v);
			if (!r)
				r = img_out(c, "The meDisable bit in %s is ", straps[i].name);
			if (r)
				return r;
			if (i == 0) {
				st->present = true;
				st->name = "meDisable";
				st->offset = (uint32_t)c->fd.start + off;
				st->bit = 0;
				st->set_before = st->set_after = v & 1;
			}
			if (v & 1)
				r = img_out(c, "SET\n");
			else if (c->o->check)
				r = img_out(c, "NOT SET\n");
			else {
				r = img_out(c, "NOT SET, setting it now...\n");
				if (!r)
					r = img_write32(c, &c->fd, off, v | 1);
				if (i == 0)
					st->set_after = true;
			}
			if (r)
				return r;
		}
		return 0;
	}

	st->present = true;
	if (c->gen == 2) {
		st->name = "AltMeDisable";
		st->offset = (uint32_t)c->fd.start + c->fpsba + 0x28;
		st->bit = 7;
		r = img_read32(c, &c->fd, c->fpsba + 0x28, &v);
		if (r)
			return r;
		st->set_before = st->set_after = v >> 7 & 1;
		r = img_out(c, "The AltMeDisable bit is %s\n", v & 0x80 ? "SET" : "NOT SET");
	} else {
		st->name = "HAP";
		st->offset = (uint32_t)c->fd.start + c->fpsba;
		st->bit = 16;
		r = img_read32(c, &c->fd, c->fpsba, &v);
		if (r)
			return r;
		st->set_before = st->set_after = v >> 16 & 1;
		r = img_out(c, "The HAP bit is %s\n", v & 0x10000 ? "SET" : "NOT SET");
	}
	c->strap_value = v;
	c->strap_read = true;
	return r;
}

/* gen 1 (ME 1-5), not -c: disable the region in the descriptor and wipe it. */
static int gen1_disable(struct img_ctx *c)
{
	struct img_range file = { 0, (int64_t)c->len };
	int r;

	r = img_out(c, "Disabling the ME region...\n");
	if (!r)
		r = img_write32(c, &file, c->frba + 8, 0x00001FFF);
	if (!r)
		r = img_out(c, "Wiping the ME region...\n");
	/*
	 * me_cleaner under Python 3 crashes here (it passes a str to the fill); the
	 * wipe it means to do, and does under Python 2, is what runs here.
	 */
	if (!r)
		r = img_fill(c, &c->me, 0, c->me.end - c->me.start, 0xFF);
	return r;
}

/* ME 6 Ignition firmware ($SKU after the module headers) is removed whole. */
static int ignition_check(struct img_ctx *c)
{
	const uint8_t *p = NULL;
	uint32_t n;
	int r;

	r = img_read32(c, &c->me, (int64_t)c->ftpr_offset + 0x20, &n);
	if (!r)
		r = img_read(c, &c->me, (int64_t)c->ftpr_offset + 0x290 + ((int64_t)n + 1) * 0x60,
			     12, &p);
	if (r)
		return r;
	if (memcmp(p, "$SKU", 4) || p[8] || p[9] || p[10] || p[11])
		return 0;
	c->ignition = true;
	c->rep->ignition = true;
	r = img_out(c, "ME 6 Ignition firmware detected, removing everything...\n");
	if (!r)
		r = img_fill(c, &c->me, 0, c->me.end - c->me.start, 0xFF);
	return r;
}

/* Partitions, modules, relocation, minimum size, truncation. */
static int clean_me(struct img_ctx *c)
{
	int64_t extra_end = 0, end;
	int r;

	r = img_fpt_clean(c, &extra_end);
	if (!r)
		r = img_out(c, "Reading FTPR modules list...\n");
	if (!r)
		r = c->gen == 3 ? img_gen3_modules(c, &end) : img_gen2_modules(c, &end);
	if (r)
		return r;
	c->rep->ftpr_offset = c->ftpr_offset;

	if (end > 0) {
		int64_t kept_end;

		if (extra_end > end)
			end = extra_end;
		kept_end = end;
		end = (end / 0x1000 + 1) * 0x1000 + 4 * 0x1000;
		c->rep->min_size = end;
		r = img_out(c, "The ME minimum size should be %lld bytes (0x%llx bytes)\n",
			    (long long)end, (long long)end);
		if (!r && c->full)
			r = img_out(c, "The ME region can be reduced up to:\n %08llx:%08llx me\n",
				    (long long)c->me.start, (long long)(c->me.start + end - 1));
		if (!r && !c->full && c->o->truncate) {
			r = img_out(c, "Truncating file at 0x%llx...\n", (long long)end);
			/*
			 * me_cleaner grows the file up to @end, which is right for the few
			 * spare blocks past the kept data (-k), but kept data that ends
			 * past the image itself means bogus module offsets (it would write
			 * gigabytes).
			 */
			if (!r && kept_end > c->me.end - c->me.start)
				return img_fail(c, "Error: the kept FTPR data ends at 0x%llx, past the "
						"end of the image (0x%llx): the image is malformed\n",
						(long long)kept_end,
						(long long)(c->me.end - c->me.start));
			if (!r)
				r = img_set_len(c, (uint64_t)end);
			c->rep->truncated = true;
		}
		if (r)
			return r;
	}
	c->end_addr = end;
	return 0;
}

/* -S / -s: set the AltMeDisable (gen 2) or HAP (gen 3) strap bit. */
static int soft_disable(struct img_ctx *c)
{
	struct img_strap *st = &c->rep->strap;
	int r;

	if (!c->strap_read)
		return img_fail(c, "Error: the ME-disable strap could not be read\n");
	if (c->gen == 3) {
		r = img_out(c, "Setting the HAP bit in PCHSTRP0 to disable Intel ME...\n");
		if (!r)
			r = img_write32(c, &c->fd, c->fpsba, c->strap_value | 0x00010000);
	} else {
		r = img_out(c, "Setting the AltMeDisable bit in PCHSTRP10 to disable Intel ME...\n");
		if (!r)
			r = img_write32(c, &c->fd, c->fpsba + 0x28, c->strap_value | 0x80);
	}
	st->set_after = true;
	return r;
}

/* -d: remove the ME's read/write access to the other regions (FLMSTR2). */
static int descriptor_perms(struct img_ctx *c)
{
	uint32_t v;
	int r;

	r = img_out(c, "Removing ME/TXE R/W access to the other flash regions...\n");
	if (r)
		return r;
	if (c->gen == 3)
		return img_write32(c, &c->fd, c->fmba + 4, 0x00400500);
	r = img_read32(c, &c->fd, c->fmba + 4, &v);
	if (r)
		return r;
	return img_write32(c, &c->fd, c->fmba + 4, (v | 0x04040000) & 0x0404FFFF);
}

/* -D: the descriptor, with adjusted region bounds when truncated (-t). */
static int extract_descriptor(struct img_ctx *c)
{
	struct img_buf *d = &c->r->descriptor;
	int64_t me_s = c->me.start, me_e = c->me.end, bios_s = c->bios.start, bios_e = c->bios.end;
	int64_t new_end = me_s + c->end_addr;
	char a[24], b[24], e[24], f[24];
	int r;

	r = img_out(c, "Extracting the descriptor to \"%s\"...\n", c->o->extract_descriptor);
	if (!r)
		r = img_save(c, &c->fd, c->fd.end - c->fd.start, d);
	if (r || !c->o->truncate)
		return r;

	if (bios_s != me_e)
		return img_out(c, "\nWARNING:\nThe start address of the BIOS region (0x%s) isn't "
			       "equal to the end address\nof the ME region (0x%s): if you want to "
			       "recover the space from the ME \nregion you have to manually modify "
			       "the descriptor.\n\n",
			       hexw(a, sizeof(a), bios_s, 8), hexw(b, sizeof(b), me_e, 8));

	r = img_out(c, "Modifying the regions of the extracted descriptor...\n");
	if (!r)
		r = img_out(c, " %s:%s me   --> %s:%s me\n", hexw(a, sizeof(a), me_s, 8),
			    hexw(b, sizeof(b), me_e - 1, 8), hexw(e, sizeof(e), me_s, 8),
			    hexw(f, sizeof(f), new_end - 1, 8));
	if (!r)
		r = img_out(c, " %s:%s bios --> %s:%s bios\n", hexw(a, sizeof(a), bios_s, 8),
			    hexw(b, sizeof(b), bios_e - 1, 8), hexw(e, sizeof(e), new_end, 8),
			    hexw(f, sizeof(f), bios_e - 1, 8));
	if (r)
		return r;
	if ((size_t)c->frba + 12 > d->len)
		return img_fail(c, "Error: the region table (FRBA 0x%x) lies outside the "
				"descriptor region: the image is malformed\n", c->frba);
	img_put_le32(d->data + c->frba + 4, region_encode(new_end, bios_e));
	if (c->gen != 1)
		img_put_le32(d->data + c->frba + 8, region_encode(me_s, new_end));
	return 0;
}

static int signature_line(struct img_ctx *c, enum img_sig sig)
{
	int r;

	if (sig == IMG_SIG_VALID)
		return img_out(c, "VALID\n");
	r = img_out(c, "INVALID!!\n");
	if (!r)
		r = img_fail(c, "The FTPR partition signature is not valid. Is the input ME/TXE "
			     "image valid?\n");
	if (r == IMG_STOP && (!c->o->check || c->o->extract_descriptor || c->o->extract_me)) {
		int r2 = img_err(c, IMG_MSG_NOT_WRITTEN "\n");

		if (r2)
			return r2;
	}
	return r;
}

/* -M: the ME region, truncated with -t. */
static int extract_me(struct img_ctx *c)
{
	struct img_buf *m = &c->r->me;
	enum img_sig sig;
	int r;

	if (c->o->truncate) {
		r = img_out(c, "Extracting and truncating the ME image to \"%s\"...\n",
			    c->o->extract_me);
		if (r)
			return r;
		if (c->end_addr <= 0)
			return img_fail(c, "Error: the ME image can't be truncated: its minimum size "
					"is unknown (the module walk was skipped)\n");
		r = img_save(c, &c->me, c->end_addr, m);
	} else {
		r = img_out(c, "Extracting the ME image to \"%s\"...\n", c->o->extract_me);
		if (!r)
			r = img_save(c, &c->me, c->me.end - c->me.start, m);
	}
	if (r || c->ignition)
		return r;
	r = img_out(c, "Checking the FTPR RSA signature of the extracted ME image... ");
	if (!r)
		r = img_rsa_check(c, m->data, m->len, (size_t)INT64_MAX,
				  (int64_t)c->ftpr_offset + c->ftpr_mn2_offset, &sig);
	if (r)
		return r;
	c->rep->me_sig = sig;
	return signature_line(c, sig);
}

static int check_signature(struct img_ctx *c)
{
	size_t file_len = (int64_t)c->len > c->me.start ? c->len - (size_t)c->me.start : 0;
	enum img_sig sig;
	int r;

	r = img_out(c, "Checking the FTPR RSA signature... ");
	if (!r)
		r = img_rsa_check(c, c->buf + c->me.start, file_len,
				  (size_t)(c->me.end - c->me.start),
				  (int64_t)c->ftpr_offset + c->ftpr_mn2_offset, &sig);
	if (r)
		return r;
	c->rep->sig = sig;
	return signature_line(c, sig);
}

static int me_disabled_error(struct img_ctx *c)
{
	return img_fail(c, "Error: the ME region is disabled in the descriptor (FLREG2 = "
			"0x%08x): there is no ME firmware to check or clean\n",
			c->rep->regions[IMG_REGION_ME].reg);
}

static int run(struct img_ctx *c)
{
	const struct img_options *o = c->o;
	int r;

	r = detect(c);
	if (r)
		return r;

	if (!c->rep->me_disabled) {
		r = img_fpt_find(c);
		if (r == -ENOENT) {
			r = img_unknown_hook(c);
			if (r)
				return r;
			return img_fail(c, c->full ? "The ME/TXE region is valid but the firmware is "
					"corrupted or missing\n" : "Unknown error\n");
		}
		if (r)
			return r;
		c->end_addr = c->gen == 1 ? 0 : c->me.end;
		r = img_manifest_parse(c);
		if (r)
			return r;
		img_fpt_report(c);
		if (c->gen == 2)
			img_gen2_report(c);
		else if (c->gen == 3)
			img_gen3_report(c);
		if (c->gen == 3) {
			r = img_cse_after_manifest(c);
			if (r)
				return r;
		}
	}

	if (c->me.start > 0) {
		r = strap_report(c);
		if (r)
			return r;
		if (c->gen == 1 && !c->rep->me_disabled && !o->check) {
			r = gen1_disable(c);
			if (r)
				return r;
		}
	}

	if (c->gen == 2 && !o->check && !o->soft_disable_only && c->variant &&
	    !strcmp(c->variant, "ME") && c->version[0] == 6) {
		r = ignition_check(c);
		if (r)
			return r;
	}

	if (c->gen != 1 && !o->check) {
		if (c->rep->me_disabled)
			return me_disabled_error(c);
		if (!o->soft_disable_only && !c->ignition) {
			r = clean_me(c);
			if (r)
				return r;
		}
		if (o->soft_disable || o->soft_disable_only) {
			r = soft_disable(c);
			if (r)
				return r;
		}
	}

	if (o->descriptor) {
		r = descriptor_perms(c);
		if (r)
			return r;
	}
	if (o->extract_descriptor) {
		r = extract_descriptor(c);
		if (r)
			return r;
	}
	if (c->gen != 1) {
		if (c->rep->me_disabled)
			return me_disabled_error(c);
		if (o->extract_me) {
			r = extract_me(c);
			if (r)
				return r;
		}
		if (!c->ignition) {
			r = check_signature(c);
			if (r)
				return r;
		}
	}
	if (!o->check)
		return img_out(c, "Done! Good luck!\n");
	return 0;
}

int img_run(const void *in, size_t len, const struct img_options *o, struct img_result *res)
{
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf)
		return -ENOMEM;
	if (len)
		memcpy(buf, in, len);
	return img_run_owned(buf, len, len, o, res);
}

int img_run_owned(uint8_t *buf, size_t len, size_t cap, const struct img_options *o,
		  struct img_result *res)
{
	const struct img_options defaults = { .prog = "mectl clean" };
	struct img_ctx ctx = { 0 };
	int r;

	ctx.o = o ? o : &defaults;
	ctx.r = res;
	ctx.rep = &res->report;
	res->exit_code = 0;
	ctx.buf = buf;
	ctx.len = len;
	ctx.cap = cap < len ? len : cap;
	ctx.end_addr = 0;

	r = run(&ctx);
	res->image.data = ctx.buf;
	res->image.len = ctx.len;
	res->report.gen = ctx.gen;
	if (r == -ENOMEM)
		return r;
	if (r && r != IMG_STOP && !res->exit_code) {
		/* an unexpected error code: still one line and exit 1 */
		img_fail(&ctx, "Error: internal error %d\n", r);
	}
	res->write_image = !res->exit_code && !ctx.o->check;
	res->write_descriptor = !res->exit_code && ctx.o->extract_descriptor && res->descriptor.data;
	res->write_me = !res->exit_code && ctx.o->extract_me && res->me.data;
	return 0;
}
