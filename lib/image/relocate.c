// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Relocation (-r, me_cleaner 1.2's relocate_partition()): move the first partition
 * of the rewritten $FPT (FTPR) down to region offset 0x400, or higher when the LLUT's "LUT start
 * correction" needs it, fixing the LLUT pointers first (at the old place).
 */
#include <stdio.h>

#include "image-internal.h"

static int check_u32(struct img_ctx *c, const char *what, int64_t v)
{
	if (v < 0 || v > 0xFFFFFFFFll)
		return img_fail(c, "Error: relocation makes the %s 0x%llx, which does not fit "
				"in 32 bits: the image is malformed\n", what, (long long)v);
	return 0;
}

static int adjust_llut(struct img_ctx *c, int64_t llut, int64_t diff, uint32_t corr)
{
	const uint8_t *p = NULL;
	uint32_t n, i, v;
	int64_t x;
	int r;

	r = img_read(c, &c->me, llut, 4, &p);
	if (r)
		return r;
	if (memcmp(p, "LLUT", 4))
		return img_fail(c, "Huffman modules present but no LLUT found!\n");

	r = img_out(c, " Adjusting LUT start offset...\n");
	if (r)
		return r;
	x = llut + diff + 0x40 - corr;
	r = check_u32(c, "LUT start", x);
	if (!r)
		r = img_write32(c, &c->me, llut + 0x0C, (uint32_t)x);
	if (!r)
		r = img_out(c, " Adjusting Huffman start offset...\n");
	if (!r)
		r = img_read32(c, &c->me, llut + 0x14, &v);
	if (r)
		return r;
	x = (int64_t)v + diff;
	r = check_u32(c, "Huffman start", x);
	if (!r)
		r = img_write32(c, &c->me, llut + 0x14, (uint32_t)x);
	if (!r)
		r = img_out(c, " Adjusting chunks offsets...\n");
	if (!r)
		r = img_read32(c, &c->me, llut + 4, &n);
	for (i = 0; !r && i < n; i++) {
		r = img_read32(c, &c->me, llut + 0x40 + 4 * (int64_t)i, &v);
		if (r || (v >> 24) == 0x80)
			continue;
		x = (int64_t)(v & 0xFFFFFF) + diff;
		r = check_u32(c, "chunk offset", x);
		if (!r)
			r = img_write32(c, &c->me, llut + 0x40 + 4 * (int64_t)i,
					(v & 0xFF000000) | ((uint32_t)x & 0xFFFFFF));
	}
	return r;
}

int img_relocate(struct img_ctx *c, bool mod_headers, int64_t llut_rel, int64_t *new_off)
{
	const uint8_t *p = NULL;
	int64_t old, size, target = 0x400, diff, llut = 0, moved;
	uint32_t corr = 0;
	char name[5];
	int r;

	r = img_read(c, &c->me, 0x30, 0x10, &p);
	if (r)
		return r;
	if (!img_ascii_name(p, 4, name))
		return img_fail(c, "Error: the partition to relocate has a name that is not "
				"ASCII: the image is malformed\n");
	old = img_le32(p + 8);
	size = img_le32(p + 0xC);

	if (mod_headers && llut_rel >= 0) {
		llut = old + llut_rel;
		if (llut) {
			r = img_read(c, &c->me, llut + 9, 2, &p);
			if (r)
				return r;
			corr = img_le16(p);
			if ((int64_t)corr - llut - 0x40 + old > target)
				target = (int64_t)corr - llut - 0x40 + old;
			target = (target + 0x1F) / 0x20 * 0x20;
		}
	}
	diff = target - old;

	r = img_out(c, "Relocating %s from 0x%llx - 0x%llx to 0x%llx - 0x%llx...\n", name,
		    (long long)old, (long long)(old + size), (long long)target,
		    (long long)(target + size));
	if (!r)
		r = img_out(c, " Adjusting FPT entry...\n");
	if (!r)
		r = img_write32(c, &c->me, 0x38, (uint32_t)target);
	if (r)
		return r;

	if (mod_headers) {
		if (llut)
			r = adjust_llut(c, llut, diff, corr);
		else
			r = img_out(c, " No Huffman modules found\n");
		if (r)
			return r;
	}

	r = img_out(c, " Moving data...\n");
	if (r)
		return r;
	moved = size < c->me.end - old ? size : c->me.end - old;
	r = img_move(c, &c->me, old, moved, target, 0xFF);
	if (r)
		return r;
	c->rep->relocated = true;
	*new_off = target;
	return 0;
}
