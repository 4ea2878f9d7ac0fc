// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel Flash Descriptor (me_cleaner 1.2's FLMAP reads and
 * flreg_to_start_end()), plus the sanity checks the me_cleaner wiki asks for
 * before trusting a dump (region sizes that make sense, every master with
 * read/write access to its own region), which go into the report. Corruption (a
 * region past the end, the ME or GbE region over the descriptor, two regions
 * crossing) makes it not sane; a BIOS region that holds other regions whole, as
 * some vendors ship it, is only a warning.
 *
 * The layout of the master access bits is decided as coreboot's ifdtool did it
 * (get_ifd_version_from_fcba(), decode_flmstr()): FLCOMP's read clock field (bits
 * 17-19) is 20 MHz on an IFD v1 descriptor and 17 or 30 MHz on IFD v2; any other
 * value leaves the layout unknown. The 20 MHz value also means 100 MHz on 500 series
 * and later (IFD v2): there FLMSTR1 decides (ifd_layout_of()). The number of FLREGn slots is the room between
 * FRBA and the next section (ifdtool's max_regions_from_fdbar()).
 */
#include <stdio.h>
#include <stdlib.h>

#include "image-internal.h"

#define IFD_SIGNATURE	0x0FF0A55A
#define FLUMAP1		0xEFC		/* the upper map, the end of the sections */

static const struct img_ifd_layout_info layouts[] = {
	[IMG_IFD_UNKNOWN] = { "unknown", 0, 0, 0 },
	[IMG_IFD_V1] = { "IFD v1 (ICH8 to 9 series)", 16, 24, 8 },
	[IMG_IFD_V2] = { "IFD v2 (100 series and later)", 8, 20, 12 },
};

/* FLCOMP bits 17-19 (ifdtool's enum spi_frequency): the value -> layout */
static const struct {
	enum img_ifd_layout layout;
	const char *clock;
	enum img_ifd_layout alt;	/* what the same value means on later chipsets */
} read_clocks[8] = {
	[0] = { IMG_IFD_V1, "20 MHz", IMG_IFD_V2 },	/* 100 MHz on 500 series and later */
	[1] = { IMG_IFD_UNKNOWN, "33 MHz" },
	[2] = { IMG_IFD_UNKNOWN, "48 MHz" },
	[3] = { IMG_IFD_UNKNOWN, "reserved value 3" },
	[4] = { IMG_IFD_V2, "30 MHz" },
	[5] = { IMG_IFD_UNKNOWN, "reserved value 5" },
	[6] = { IMG_IFD_V2, "17 MHz" },
	[7] = { IMG_IFD_UNKNOWN, "reserved value 7" },
};

static const char *const region_names[IMG_IFD_MAX_REGIONS] = {
	[IMG_REGION_FD] = "descriptor", [IMG_REGION_BIOS] = "BIOS", [IMG_REGION_ME] = "ME",
	[IMG_REGION_GBE] = "GbE", [IMG_REGION_PDR] = "PDR", [5] = "DevExp1", [6] = "BIOS2",
	[7] = "reserved 7", [8] = "EC", [9] = "DevExp2", [10] = "IE", [11] = "10GbE0",
};

static unsigned read_clock_field(uint32_t flcomp)
{
	return flcomp >> 17 & 7;
}

const struct img_ifd_layout_info *img_ifd_layout_info(enum img_ifd_layout layout)
{
	return &layouts[layout];
}

/*
 * The layout from FLCOMP's read clock; where the value means another layout on later
 * chipsets (0), FLMSTR1 tells: on IFD v1 its bits 8-15 are the host's requester ID, 0,
 * on IFD v2 they hold its read access, which always includes the BIOS region (bit 9).
 */
static enum img_ifd_layout ifd_layout_of(uint32_t flcomp, uint32_t flmstr1)
{
	unsigned f = read_clock_field(flcomp);

	if (read_clocks[f].alt != IMG_IFD_UNKNOWN && (flmstr1 >> 8 & 0xFF))
		return read_clocks[f].alt;
	return read_clocks[f].layout;
}

const char *img_ifd_read_clock(uint32_t flcomp)
{
	return read_clocks[read_clock_field(flcomp)].clock;
}

const char *img_ifd_region_name(unsigned region)
{
	return region < IMG_IFD_MAX_REGIONS ? region_names[region] : "?";
}

bool img_ifd_access(enum img_ifd_layout layout, uint32_t flmstr, unsigned region, bool *read,
		    bool *write)
{
	const struct img_ifd_layout_info *l = &layouts[layout];

	if (region >= l->regions)
		return false;
	*read = flmstr >> (l->read_shift + region) & 1;
	*write = flmstr >> (l->write_shift + region) & 1;
	return true;
}

int64_t img_ifd_find(const uint8_t *buf, size_t len)
{
	static const int64_t at[] = { 0, 0x10 };
	size_t i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		if (len >= (size_t)at[i] + 4 && img_le32(buf + at[i]) == IFD_SIGNATURE)
			return at[i];
	return -1;
}

void img_ifd_region_decode(struct img_region *rg, uint32_t v)
{
	rg->present = true;
	rg->reg = v;
	rg->start = (uint64_t)(v & 0x7FFF) << 12;
	rg->end = (uint64_t)(((v >> 4) & 0x07FFF000) | 0xFFF) + 1;
	rg->enabled = rg->start < rg->end;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

unsigned img_ifd_region_slots(const struct img_ctx *c)
{
	uint32_t s[] = { c->fcba, c->fmba, c->frba, c->fpsba, FLUMAP1 };
	unsigned i, n = 0, max = layouts[c->rep->ifd_layout].regions;

	qsort(s, sizeof(s) / sizeof(s[0]), sizeof(s[0]), cmp_u32);
	for (i = 0; i + 1 < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] == c->frba && s[i + 1] > c->frba) {
			n = (s[i + 1] - c->frba) / 4;
			break;
		}
	return n < max ? n : max;
}

static int file_read32(struct img_ctx *c, int64_t off, uint32_t *v)
{
	if (off < 0 || off + 4 > (int64_t)c->len)
		return img_fail(c, "Error: the flash descriptor points past the end of the file "
				"(offset 0x%llx, file size 0x%zx)\n", (long long)off, c->len);
	*v = img_le32(c->buf + off);
	return 0;
}

int img_ifd_decode(struct img_ctx *c, int64_t sig)
{
	struct img_report *rep = c->rep;
	uint32_t flmap0, flmap1, flmap2, v;
	int i, r;

	r = file_read32(c, sig + 4, &flmap0);
	if (!r)
		r = file_read32(c, sig + 8, &flmap1);
	if (!r)
		r = file_read32(c, sig + 0xC, &flmap2);
	if (r)
		return r;
	c->fcba = (flmap0 & 0xFF) << 4;
	c->frba = ((flmap0 >> 16) & 0xFF) << 4;
	c->fmba = (flmap1 & 0xFF) << 4;
	c->fpsba = ((flmap1 >> 16) & 0xFF) << 4;
	c->fmsba = (flmap2 & 0xFF) << 4;

	for (i = 0; i < IMG_REGION__MAX; i++) {
		/* me_cleaner reads FLREG0..2; the others only feed the report */
		if (i > IMG_REGION_ME && c->frba + 4 * i + 4 > c->len)
			break;
		r = file_read32(c, c->frba + 4 * i, &v);
		if (r)
			return r;
		img_ifd_region_decode(&rep->regions[i], v);
	}
	c->fd.start = rep->regions[IMG_REGION_FD].start;
	c->fd.end = rep->regions[IMG_REGION_FD].end;
	c->bios.start = rep->regions[IMG_REGION_BIOS].start;
	c->bios.end = rep->regions[IMG_REGION_BIOS].end;
	c->me.start = rep->regions[IMG_REGION_ME].start;
	c->me.end = rep->regions[IMG_REGION_ME].end;
	for (i = 0; i < 3; i++)
		if (c->fmba + 4 * i + 4 <= c->len)
			rep->flmstr[i] = img_le32(c->buf + c->fmba + 4 * i);
	/* me_cleaner does not read FLCOMP: one past the end only leaves the layout unknown */
	rep->flcomp = 0;
	rep->ifd_layout = IMG_IFD_UNKNOWN;
	if (c->fcba + 4 <= c->len) {
		rep->flcomp = img_le32(c->buf + c->fcba);
		rep->ifd_layout = ifd_layout_of(rep->flcomp, rep->flmstr[0]);
	}
	return 0;
}

/* Master @flmstr has read and write access to region @rg in at least one layout. */
static bool master_has_rw(uint32_t flmstr, unsigned rg)
{
	enum img_ifd_layout l;
	bool rd, wr;

	for (l = IMG_IFD_V1; l <= IMG_IFD_V2; l++)
		if (img_ifd_access(l, flmstr, rg, &rd, &wr) && rd && wr)
			return true;
	return false;
}

static bool region_used(const struct img_region *rg)
{
	return rg->present && rg->enabled;
}

static bool overlap(const struct img_region *a, const struct img_region *b)
{
	return a->start < b->end && b->start < a->end;
}

static bool contains(const struct img_region *outer, const struct img_region *inner)
{
	return outer->start <= inner->start && inner->end <= outer->end;
}

/*
 * Two used regions that overlap: a BIOS region holding the other one whole is a layout
 * real boards ship (vendor descriptors whose BIOS region spans the chip, FLREG1 =
 * 0x07ff0000 on 8 MiB, ifdtool and me_cleaner accept them): 0, and its bit is set
 * in @covered. Any other overlap is corruption: -EINVAL with the reason in @why.
 */
static int check_pair(const struct img_report *rep, int i, int j, char *why, size_t n,
		      unsigned *covered)
{
	const struct img_region *a = &rep->regions[i], *b = &rep->regions[j];
	int other = i == IMG_REGION_BIOS ? j : j == IMG_REGION_BIOS ? i : -1;

	if (other >= 0 && contains(&rep->regions[IMG_REGION_BIOS], &rep->regions[other])) {
		*covered |= 1u << other;
		return 0;
	}
	if (i == IMG_REGION_FD || j == IMG_REGION_FD) {
		const struct img_region *r = i == IMG_REGION_FD ? b : a;

		snprintf(why, n, "the %s region (0x%llx-0x%llx) overlaps the descriptor",
			 region_names[i == IMG_REGION_FD ? j : i], (unsigned long long)r->start,
			 (unsigned long long)r->end);
	} else {
		snprintf(why, n, "the %s region (0x%llx-0x%llx) and the %s region (0x%llx-0x%llx) "
			 "overlap", region_names[i], (unsigned long long)a->start,
			 (unsigned long long)a->end, region_names[j], (unsigned long long)b->start,
			 (unsigned long long)b->end);
	}
	return -EINVAL;
}

/* "the descriptor, ME and GbE regions" for the regions in @mask */
static void region_list(unsigned mask, char *out, size_t n)
{
	size_t len = 0;
	int i, left = __builtin_popcount(mask);

	out[0] = 0;
	for (i = 0; i < IMG_REGION__MAX && len < n; i++) {
		if (!(mask & 1u << i))
			continue;
		left--;
		len += (size_t)snprintf(out + len, n - len, "%s%s", region_names[i],
					left > 1 ? ", " : left == 1 ? " and " : "");
	}
}

void img_ifd_sanity(struct img_ctx *c)
{
	struct img_report *rep = c->rep;
	const struct img_region *fd = &rep->regions[IMG_REGION_FD];
	const struct img_region *bios = &rep->regions[IMG_REGION_BIOS];
	char *why = rep->ifd_problem, names[40];
	size_t n = sizeof(rep->ifd_problem);
	unsigned covered = 0;
	int i, j;

	rep->ifd_sane = false;
	rep->ifd_warning[0] = 0;
	if (!fd->enabled || fd->start != 0 || fd->end != 0x1000) {
		snprintf(why, n, "descriptor region is 0x%llx-0x%llx, not 0x0-0x1000",
			 (unsigned long long)fd->start, (unsigned long long)fd->end);
		return;
	}
	for (i = 0; i < IMG_REGION__MAX; i++) {
		const struct img_region *rg = &rep->regions[i];

		if (!region_used(rg))
			continue;
		if (rg->end > c->len) {
			snprintf(why, n, "the %s region (0x%llx-0x%llx) ends past the file (0x%zx bytes)",
				 region_names[i], (unsigned long long)rg->start,
				 (unsigned long long)rg->end, c->len);
			return;
		}
	}
	for (i = 0; i < IMG_REGION__MAX; i++)
		for (j = i + 1; j < IMG_REGION__MAX; j++)
			if (region_used(&rep->regions[i]) && region_used(&rep->regions[j]) &&
			    overlap(&rep->regions[i], &rep->regions[j]) &&
			    check_pair(rep, i, j, why, n, &covered))
				return;
	if (!bios->enabled) {
		snprintf(why, n, "no BIOS region");
		return;
	}
	/*
	 * FLMSTR1 = host CPU/BIOS, FLMSTR2 = ME, FLMSTR3 = GbE: each needs RW on itself, in
	 * either layout: FLCOMP's read clock does not tell the layout on every chipset (0
	 * is 20 MHz on IFD v1 and 100 MHz on 500 series and later), and a wrong guess
	 * here would refuse a sane image.
	 */
	for (i = 1; i <= 3; i++) {
		if (i == 3 && !rep->regions[IMG_REGION_GBE].enabled)
			break;
		if (i == 2 && !rep->regions[IMG_REGION_ME].enabled)
			continue;
		if (!master_has_rw(rep->flmstr[i - 1], i)) {
			snprintf(why, n, "FLMSTR%d (0x%08x) has no read/write access to its own region",
				 i, rep->flmstr[i - 1]);
			return;
		}
	}
	if (covered) {
		region_list(covered, names, sizeof(names));
		snprintf(rep->ifd_warning, sizeof(rep->ifd_warning),
			 "the BIOS region (0x%x-0x%x) also covers the %s region%s (a vendor layout, "
			 "not corruption)", (unsigned)bios->start, (unsigned)bios->end, names,
			 covered & (covered - 1) ? "s" : "");
	}
	why[0] = 0;
	rep->ifd_sane = true;
}
