// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * $FPT: finding it (at 0 or 0x10 of the ME region, as me_cleaner 1.2), the partition
 * list and partition removal with the table rewrite, EFFS flag and checksum.
 */
#include <stdio.h>
#include <stdlib.h>

#include "image-internal.h"

bool img_ascii_name(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	while (n && !p[n - 1])
		n--;
	for (i = 0; i < n; i++)
		if (p[i] >= 0x80)
			return false;
	memcpy(out, p, n);
	out[n] = 0;
	return true;
}

int img_fpt_find(struct img_ctx *c)
{
	const uint8_t *p = NULL;
	int r;

	r = img_read(c, &c->me, 0, 4, &p);
	if (r)
		return r;
	if (!memcmp(p, "$FPT", 4)) {
		c->fpt_offset = 0;
	} else {
		r = img_read(c, &c->me, 0x10, 4, &p);
		if (r)
			return r;
		if (!memcmp(p, "$FPT", 4))
			c->fpt_offset = 0x10;
		else
			return -ENOENT;
	}
	c->rep->fpt_found = true;
	c->rep->fpt_offset = c->me.start + c->fpt_offset;
	return img_out(c, "Found FPT header at 0x%llx\n", (long long)(c->me.start + c->fpt_offset));
}

/* A comma separated list contains @name (exact match; empty items allowed). */
static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *q;

	if (!list)
		return false;
	for (;;) {
		q = strchr(list, ',');
		if ((q ? (size_t)(q - list) : strlen(list)) == n && !strncmp(list, name, n))
			return true;
		if (!q)
			return false;
		list = q + 1;
	}
}

/* The partition table into the report, before anything changes; no log, no errors. */
void img_fpt_report(struct img_ctx *c)
{
	const uint8_t *tab = c->buf + c->me.start + c->fpt_offset + 0x20;
	uint32_t i;

	c->rep->n_partitions = 0;
	if (c->me.start + c->fpt_offset + 0x20 + (int64_t)c->entries * 0x20 > c->me.end)
		return;
	for (i = 0; i < c->entries && i < IMG_MAX_PARTITIONS; i++) {
		const uint8_t *e = tab + (size_t)i * 0x20;
		struct img_partition *pr = &c->rep->partitions[i];
		int64_t start = img_le32(e + 8), length = img_le32(e + 0xC);

		if (!img_ascii_name(e, 4, pr->name))
			strcpy(pr->name, "????");
		pr->offset = (uint32_t)start;
		pr->length = (uint32_t)length;
		pr->flags = img_le32(e + 0x1C);
		if ((pr->flags & 0x7F) == 2)
			pr->fate = IMG_PART_NVRAM;
		else if (!start || !length || start + length > c->me.end)
			pr->fate = IMG_PART_NO_DATA;
		else
			pr->fate = IMG_PART_LISTED;
		c->rep->n_partitions++;
	}
}

int img_fpt_clean(struct img_ctx *c, int64_t *extra_end)
{
	const struct img_options *o = c->o;
	const char *wl = o->whitelist && *o->whitelist ? o->whitelist : NULL;
	const char *bl = o->blacklist && *o->blacklist ? o->blacklist : NULL;
	const uint8_t *tab;
	uint8_t *kept_tab = NULL;
	uint32_t kept = 0, i, v;
	const uint8_t *p = NULL;
	size_t tab_len;
	int64_t sum;
	int r;

	if (bl)
		wl = NULL;
	r = img_out(c, "Reading partitions list...\n");
	if (r)
		return r;
	r = img_read_array(c, &c->me, c->fpt_offset + 0x20, c->entries, 0x20, &tab, &tab_len);
	if (r)
		return r;
	kept_tab = malloc(tab_len + 1);
	if (!kept_tab)
		return -ENOMEM;
	/* the table is rewritten in place below: work from a copy */
	memcpy(kept_tab, tab, tab_len);
	tab = kept_tab;
	{
		uint8_t *out = malloc(tab_len + 1);

		if (!out) {
			free(kept_tab);
			return -ENOMEM;
		}
		for (i = 0; i < c->entries && !r; i++) {
			const uint8_t *e = tab + (size_t)i * 0x20;
			uint32_t flags = img_le32(e + 0x1C);
			int64_t start = img_le32(e + 8), length = img_le32(e + 0xC), end;
			struct img_partition *pr = NULL;
			char name[5];
			bool keep;

			if (!img_ascii_name(e, 4, name))
				strcpy(name, "????");
			if (i < c->rep->n_partitions)	/* listed by img_fpt_report() */
				pr = &c->rep->partitions[i];
			if (!strcmp(c->variant, "ME") && c->version[0] == 6 && i == c->entries - 1 &&
			    length == 0xFFFFFFFF)
				length = (c->me.end - c->me.start) - start;
			end = start + length;

			if ((flags & 0x7F) == 2) {
				r = img_out(c, " %-4s (NVRAM partition, no data, 0x%08llx total bytes): "
					    "nothing to remove\n", name, (long long)length);
				if (pr)
					pr->fate = IMG_PART_NVRAM;
			} else if (start == 0 || length == 0 || end > c->me.end) {
				r = img_out(c, " %-4s (      no data here      , 0x%08llx total bytes): "
					    "nothing to remove\n", name, (long long)length);
				if (pr)
					pr->fate = IMG_PART_NO_DATA;
			} else {
				r = img_out(c, " %-4s (0x%08llx - 0x%09llx, 0x%08llx total bytes): ",
					    name, (long long)start, (long long)end, (long long)length);
				if (r)
					break;
				keep = !strcmp(name, "FTPR") || list_has(wl, name) ||
				       (bl && !list_has(bl, name));
				if (keep) {
					memcpy(out + (size_t)kept * 0x20, e, 0x20);
					kept++;
					if (strcmp(name, "FTPR") && end > *extra_end)
						*extra_end = end;
					r = img_out(c, "NOT removed\n");
				} else {
					r = img_fill(c, &c->me, start, end, 0xFF);
					if (!r)
						r = img_out(c, "removed\n");
				}
				if (pr)
					pr->fate = keep ? IMG_PART_KEPT : IMG_PART_REMOVED;
			}
		}
		if (!r)
			r = img_out(c, "Removing partition entries in FPT...\n");
		if (!r && kept)
			r = img_write(c, &c->me, 0x30, out, (size_t)kept * 0x20);
		free(out);
	}
	free(kept_tab);
	if (r)
		return r;
	r = img_write32(c, &c->me, 0x14, kept);
	if (!r)
		r = img_fill(c, &c->me, 0x30 + 0x20 * (int64_t)kept, 0x30 + 0x20 * (int64_t)c->entries,
			     0xFF);
	if (r)
		return r;

	if ((!bl && !list_has(wl, "EFFS")) || list_has(bl, "EFFS")) {
		r = img_out(c, "Removing EFFS presence flag...\n");
		if (!r)
			r = img_read32(c, &c->me, 0x24, &v);
		if (!r)
			r = img_write32(c, &c->me, 0x24, v & ~1u);
		if (r)
			return r;
	}

	/* header checksum: gen 3 covers the 32-byte header, gen 2 the first 0x30 bytes */
	{
		int64_t from = c->gen == 3 ? 0x10 : 0;
		uint8_t ck;

		r = img_read(c, &c->me, from, (size_t)(0x30 - from), &p);
		if (r)
			return r;
		sum = 0;
		for (i = 0; i < 0x30 - from; i++)
			if (from + i != 0x1B)
				sum += p[i];
		ck = (uint8_t)(-sum & 0xFF);
		r = img_write(c, &c->me, 0x1B, &ck, 1);
		if (!r)
			r = img_out(c, "Correcting checksum (0x%02x)...\n", ck);
	}
	return r;
}
