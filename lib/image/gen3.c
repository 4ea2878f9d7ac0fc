// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Generation 3 (ME 11, TXE 3, SPS 4): module removal over the $CPD directory
 * (me_cleaner 1.2's check_and_remove_modules_gen3()). A module runs up to the next
 * one in offset order; a sentinel "end" at the partition length sorts first among
 * equals.
 */
#include <stdio.h>
#include <stdlib.h>

#include "image-internal.h"

struct cpd_mod {
	char name[13];
	int64_t off;
	bool huffman;
	size_t order;		/* for a stable sort */
};

static int cmp_mod(const void *a, const void *b)
{
	const struct cpd_mod *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static bool essential(const char *name)
{
	static const char *const prefixes[] = { "rbe", "kernel", "syslib", "bup" };
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* The report's entry for @name (listed by img_gen3_report()), or a new one. */
static struct img_module *find_module(struct img_ctx *c, const char *name)
{
	struct img_module *m;
	size_t i;

	for (i = 0; i < c->rep->n_modules; i++)
		if (!strcmp(c->rep->modules[i].name, name))
			return &c->rep->modules[i];
	if (c->rep->n_modules >= IMG_MAX_MODULES)
		return NULL;
	m = &c->rep->modules[c->rep->n_modules++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	return m;
}

/* The $CPD entries into the report, before anything changes; no log, no errors. */
void img_gen3_report(struct img_ctx *c)
{
	int64_t ftpr = c->me.start + c->ftpr_offset;
	uint32_t count, i;

	c->rep->n_modules = 0;
	if (ftpr + 0x10 > c->me.end)
		return;
	count = img_le32(c->buf + ftpr + 4);
	if (count > IMG_MAX_MODULES || ftpr + 0x10 + (int64_t)count * 0x18 > c->me.end)
		return;
	for (i = 0; i < count; i++) {
		const uint8_t *e = c->buf + ftpr + 0x10 + (size_t)i * 0x18;
		struct img_module *m = &c->rep->modules[i];
		uint32_t w = img_le32(e + 0xC);

		if (!img_ascii_name(e, 12, m->name))
			break;
		m->comp = ends_with(m->name, ".man") || ends_with(m->name, ".met") ?
			  IMG_COMP_MANIFEST : (w >> 25) & 1 ? IMG_COMP_HUFFMAN : IMG_COMP_LZMA;
		m->start = c->ftpr_offset + (w & 0x01FFFFFF);
		m->end = m->start;
		m->fate = IMG_MOD_LISTED;
		c->rep->n_modules++;
	}
}

int img_gen3_modules(struct img_ctx *c, int64_t *end)
{
	int64_t ftpr = c->ftpr_offset, new_off;
	struct cpd_mod *mods;
	const uint8_t *p = NULL;
	uint32_t count, i;
	int r;

	*end = 0;
	if (c->o->keep_modules) {
		*end = ftpr + c->ftpr_length;
		goto relocate;
	}
	r = img_read32(c, &c->me, ftpr + 4, &count);
	if (r)
		return r;
	r = img_read_array(c, &c->me, ftpr + 0x10, count, 0x18, &p, NULL);
	if (r)
		return r;
	/* The $CPD directory opens the partition: its entries lie inside it. */
	if (0x10 + (int64_t)count * 0x18 > (int64_t)c->ftpr_length)
		return img_fail(c, "Error: the $CPD directory lists %u entries (0x%llx bytes), more "
				"than the FTPR partition holds (0x%x): the image is malformed\n",
				count, (long long)(0x10 + (int64_t)count * 0x18), c->ftpr_length);
	mods = calloc((size_t)count + 1, sizeof(*mods));
	if (!mods)
		return -ENOMEM;
	strcpy(mods[0].name, "end");
	mods[0].off = c->ftpr_length;
	for (i = 0; i < count; i++) {
		const uint8_t *e = p + (size_t)i * 0x18;
		uint32_t w = img_le32(e + 0xC);

		if (!img_ascii_name(e, 12, mods[i + 1].name)) {
			free(mods);
			return img_fail(c, "Error: $CPD entry %u has a name that is not ASCII: "
					"the image is malformed\n", i);
		}
		mods[i + 1].off = w & 0x01FFFFFF;
		mods[i + 1].huffman = (w >> 25) & 1;
		mods[i + 1].order = i + 1;
	}
	qsort(mods, (size_t)count + 1, sizeof(*mods), cmp_mod);

	for (i = 0, r = 0; i < count && !r; i++) {
		const struct cpd_mod *m = &mods[i];
		int64_t start = ftpr + m->off, stop = ftpr + mods[i + 1].off;
		bool man = ends_with(m->name, ".man"), met = ends_with(m->name, ".met");
		const char *label = man || met ? "uncompressed" :
				    m->huffman ? "Huffman" : "LZMA/uncomp.";
		struct img_module *rm = NULL;
		bool kept = true;

		rm = find_module(c, m->name);
		if (rm) {
			rm->comp = man || met ? IMG_COMP_MANIFEST :
				   m->huffman ? IMG_COMP_HUFFMAN : IMG_COMP_LZMA;
			rm->start = (uint32_t)start;
			rm->end = (uint32_t)stop;
		}
		r = img_out(c, " %-12s (%-12s, 0x%06llx - 0x%06llx): ", m->name, label,
			    (long long)start, (long long)stop);
		if (r)
			break;
		if (man) {
			r = img_out(c, "NOT removed, partition manif.\n");
		} else if (met) {
			r = img_out(c, "NOT removed, module metadata\n");
		} else if (essential(m->name)) {
			r = img_out(c, "NOT removed, essential\n");
		} else {
			kept = false;
			r = img_fill(c, &c->me, start, stop < c->me.end ? stop : c->me.end, 0xFF);
			if (!r)
				r = img_out(c, "removed\n");
		}
		if (rm)
			rm->fate = kept ? IMG_MOD_KEPT : IMG_MOD_REMOVED;
		if (kept && stop > *end)
			*end = stop;
	}
	free(mods);
	if (r)
		return r;
relocate:
	if (c->o->relocate) {
		r = img_relocate(c, false, -1, &new_off);
		if (r)
			return r;
		*end += new_off - ftpr;
		c->ftpr_offset = (uint32_t)new_off;
	}
	return 0;
}
