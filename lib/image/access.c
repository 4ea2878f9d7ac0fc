// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bounded access to the working image, one region at a time (me_cleaner 1.2's RegionFile).
 *
 * The checks are me_cleaner's own (a fill only checks its end, a read checks the
 * absolute end); where me_cleaner's check fails it raises an uncaught exception.
 * Here the run ends with one error line and exit status 1 instead. Reads that
 * would run past the end of the file also end the run: me_cleaner gets a short read
 * there and crashes on the next unpack.
 */
#include <stdlib.h>

#include "image-internal.h"

static int out_of_region(struct img_ctx *c, const struct img_range *rg, int64_t a, int64_t b)
{
	const char *what = rg == &c->fd ? "descriptor" : "ME";

	return img_fail(c, "Error: access to 0x%llx-0x%llx is outside the %s region "
			"(0x%llx-0x%llx): the image is malformed\n",
			(long long)(rg->start + a), (long long)(rg->start + b), what,
			(long long)rg->start, (long long)rg->end);
}

static int past_eof(struct img_ctx *c, int64_t a, int64_t b)
{
	return img_fail(c, "Error: access to 0x%llx-0x%llx is past the end of the file "
			"(0x%zx bytes): the image is truncated or malformed\n",
			(long long)a, (long long)b, c->len);
}

/* Grow the file to @need bytes (zero fill), like a write past EOF. */
static int grow(struct img_ctx *c, uint64_t need)
{
	if (need > SIZE_MAX)
		return -ENOMEM;		/* a 32-bit size_t cannot hold it */
	if (need > c->cap) {
		uint8_t *p = realloc(c->buf, need);

		if (!p)
			return -ENOMEM;
		c->buf = p;
		c->cap = need;
	}
	if (need > c->len) {
		memset(c->buf + c->len, 0, need - c->len);
		c->len = need;
	}
	return 0;
}

int img_set_len(struct img_ctx *c, uint64_t len)
{
	if (len <= c->len) {
		c->len = (size_t)len;
		return 0;
	}
	return grow(c, len);
}

/*
 * @n bytes at @off fit in @rg: computed without overflow for any 64-bit count, so
 * that a count * size from the image never wraps into a small, accepted size.
 */
static bool in_region(const struct img_range *rg, int64_t off, uint64_t n)
{
	return off >= 0 && rg->end >= rg->start && off <= rg->end - rg->start &&
	       n <= (uint64_t)(rg->end - rg->start - off);
}

/* off + n for the error line, saturated (n may be any 64-bit count). */
static int64_t end_of(int64_t off, uint64_t n)
{
	return n > (uint64_t)(INT64_MAX / 2) ? INT64_MAX / 2 : off + (int64_t)n;
}

int img_read(struct img_ctx *c, const struct img_range *rg, int64_t off, uint64_t n,
	     const uint8_t **p)
{
	int64_t a, b;

	if (!in_region(rg, off, n))
		return out_of_region(c, rg, off, end_of(off, n));
	a = rg->start + off;
	b = a + (int64_t)n;
	if (b > (int64_t)c->len)
		return past_eof(c, a, b);
	*p = c->buf + a;
	return 0;
}

int img_read_array(struct img_ctx *c, const struct img_range *rg, int64_t off, uint32_t count,
		   uint32_t size, const uint8_t **p, size_t *total)
{
	const uint64_t n = (uint64_t)count * size;
	int r;

	r = img_read(c, rg, off, n, p);
	if (r < 0)
		return r;
	if (total)
		*total = (size_t)n;	/* it lies within the image: it fits */
	return 0;
}

int img_read32(struct img_ctx *c, const struct img_range *rg, int64_t off, uint32_t *v)
{
	const uint8_t *p = NULL;
	int r;

	r = img_read(c, rg, off, 4, &p);
	if (r < 0)
		return r;
	*v = img_le32(p);
	return 0;
}

int img_write(struct img_ctx *c, const struct img_range *rg, int64_t off, const void *data,
	      size_t n)
{
	int64_t a, b;
	int r;

	if (!in_region(rg, off, n))
		return out_of_region(c, rg, off, end_of(off, n));
	a = rg->start + off;
	b = a + (int64_t)n;
	r = grow(c, (uint64_t)b);
	if (r < 0)
		return r;
	memcpy(c->buf + a, data, n);
	return 0;
}

int img_write32(struct img_ctx *c, const struct img_range *rg, int64_t off, uint32_t v)
{
	uint8_t b[4];

	img_put_le32(b, v);
	return img_write(c, rg, off, b, 4);
}

int img_fill(struct img_ctx *c, const struct img_range *rg, int64_t a, int64_t b, uint8_t byte)
{
	int r;

	if (rg->start + b > rg->end)
		return out_of_region(c, rg, a, b);
	if (a >= b)
		return 0;
	if (a < 0)
		return out_of_region(c, rg, a, b);
	r = grow(c, (uint64_t)(rg->start + b));
	if (r < 0)
		return r;
	memset(c->buf + rg->start + a, byte, (size_t)(b - a));
	return 0;
}

/*
 * me_cleaner's block move: forward in 4 KiB blocks, each block read, its source
 * filled, then written at the destination. Right for downward moves, which is the
 * only kind relocation makes; copied as is so overlapping moves match byte for byte.
 */
int img_move(struct img_ctx *c, const struct img_range *rg, int64_t from, int64_t size,
	     int64_t to, uint8_t byte)
{
	uint8_t block[4096];
	int64_t i;
	int r;

	if (rg->start + from + size > rg->end || rg->start + to + size > rg->end)
		return out_of_region(c, rg, from < to ? from : to,
				     (from > to ? from : to) + size);
	for (i = 0; i < size; i += sizeof(block)) {
		size_t n = size - i < (int64_t)sizeof(block) ? (size_t)(size - i) : sizeof(block);
		const uint8_t *p = NULL;

		r = img_read(c, rg, from + i, n, &p);
		if (r < 0)
			return r;
		memcpy(block, p, n);
		r = img_fill(c, rg, from + i, from + i + (int64_t)n, byte);
		if (r < 0)
			return r;
		r = img_write(c, rg, to + i, block, n);
		if (r < 0)
			return r;
	}
	return 0;
}

int img_save(struct img_ctx *c, const struct img_range *rg, int64_t size, struct img_buf *out)
{
	const uint8_t *p = NULL;
	int r;

	if (size < 0 || rg->start + size > rg->end)
		return out_of_region(c, rg, 0, size);
	r = img_read(c, rg, 0, (uint64_t)size, &p);
	if (r < 0)
		return r;
	free(out->data);
	out->data = malloc(size ? (size_t)size : 1);
	if (!out->data)
		return -ENOMEM;
	memcpy(out->data, p, (size_t)size);
	out->len = (size_t)size;
	return 0;
}
