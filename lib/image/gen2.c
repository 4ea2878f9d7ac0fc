// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Generation 2 (ME 6-10, TXE 1-2, SPS 2-3): the $MME module headers after the $MN2
 * manifest, LLUT Huffman chunks, module removal and relocation (me_cleaner 1.2's
 * remove_modules() and relocate_partition()).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "image-internal.h"

/*
 * One LLUT chunk's compressed bytes, 8 bytes each (a table may list millions): start
 * is 24 bits, end is another chunk's start or the Huffman stream's end (up to 33
 * bits), which CHUNK_STREAM_END stands for.
 */
struct chunk {
	uint32_t start, end;
};

#define CHUNK_STREAM_END UINT32_MAX

struct chunks {
	struct chunk *v;
	uint32_t n;
	int64_t stream_end;
};

static int64_t chunk_end(const struct chunks *cs, uint32_t end)
{
	return end == CHUNK_STREAM_END ? cs->stream_end : end;
}

static uint32_t chunk_end_code(const struct chunks *cs, int64_t end)
{
	return end == cs->stream_end ? CHUNK_STREAM_END : (uint32_t)end;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Python's slice bounds for a list of @len elements. */
static void slice_bounds(int64_t len, int64_t start, int64_t stop, int64_t *a, int64_t *b)
{
	if (start < 0) {
		start += len;
		if (start < 0)
			start = 0;
	} else if (start > len) {
		start = len;
	}
	if (stop < 0) {
		stop += len;
		if (stop < 0)
			stop = 0;
	} else if (stop > len) {
		stop = len;
	}
	*a = start;
	*b = stop < start ? start : stop;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * As me_cleaner 1.2's get_chunks_offsets(): every chunk runs up to the next
 * chunk's start (or the stream end): in the sorted list of all non-zero starts
 * plus the stream end, the element right after the first occurrence of its
 * start. The stream end is kept out of the list: that element is the smaller of
 * the next start in the list and the stream end (when not below).
 */
static int llut_chunks(struct img_ctx *c, int64_t llut, struct chunks *out, int64_t *base,
		       int64_t *chunk_size)
{
	const int64_t part_end = (int64_t)c->ftpr_offset + c->ftpr_length;
	const uint8_t *p = NULL;
	uint32_t *sorted;
	size_t nsorted = 0, i;
	struct chunk *ch;
	int64_t stream_end;
	uint32_t n;
	int r;

	r = img_read(c, &c->me, llut, 0x40, &p);
	if (r)
		return r;
	n = img_le32(p + 4);
	*base = (int64_t)img_le32(p + 8) + 0x10000000;
	*chunk_size = img_le32(p + 0x30);
	stream_end = (int64_t)img_le32(p + 0x10) + img_le32(p + 0x14);
	r = img_read_array(c, &c->me, llut + 0x40, n, 4, &p, NULL);
	if (r)
		return r;
	/*
	 * The LLUT is part of the FTPR partition: a chunk table that runs past the
	 * partition is malformed, and refused before anything is allocated for it.
	 * With the table inside the partition, what follows costs 8 bytes per entry,
	 * and 12 more while the modules are walked (remove_modules()).
	 */
	if (llut + 0x40 + (int64_t)n * 4 > part_end)
		return img_fail(c, "Error: the LLUT lists %u chunks (0x%llx-0x%llx), past the end "
				"of the FTPR partition (0x%llx): the image is malformed\n", n,
				(long long)(llut + 0x40), (long long)(llut + 0x40 + (int64_t)n * 4),
				(long long)part_end);
	ch = calloc((size_t)n + 1, sizeof(*ch));
	sorted = calloc((size_t)n + 1, sizeof(*sorted));
	if (!ch || !sorted) {
		free(ch);
		free(sorted);
		return -ENOMEM;
	}
	*out = (struct chunks) { .v = ch, .n = n, .stream_end = stream_end };
	for (i = 0; i < n; i++) {
		uint32_t v = img_le32(p + 4 * i);

		if ((v >> 24) == 0x80)
			continue;
		ch[i].start = v & 0xFFFFFF;
		if (ch[i].start)
			sorted[nsorted++] = ch[i].start;
	}
	qsort(sorted, nsorted, sizeof(*sorted), cmp_u32);
	for (i = 0; i < n; i++) {
		/* the first occurrence of start (binary search), then the next element */
		size_t lo = 0, hi = nsorted;
		int64_t end = -1;

		if (!ch[i].start)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (sorted[mid] < ch[i].start)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo + 1 < nsorted)
			end = sorted[lo + 1];
		if (stream_end >= ch[i].start && (end < 0 || stream_end < end))
			end = stream_end;
		if (end < 0) {
			long long bad = (long long)ch[i].start;

			free(ch);
			free(sorted);
			*out = (struct chunks) {};
			return img_fail(c, "Error: LLUT chunk %zu starts at 0x%llx, past the end of "
					"the Huffman stream (0x%llx): the image is malformed\n",
					i, bad, (long long)stream_end);
		}
		ch[i].end = chunk_end_code(out, end);
	}
	free(sorted);
	return 0;
}

static bool essential(const char *name)
{
	return !strcmp(name, "ROMP") || !strcmp(name, "BUP");
}

/* Entry @i of the module list (listed by img_gen2_report()), or a new one. */
static struct img_module *report_module(struct img_ctx *c, uint32_t i, const char *name,
					enum img_comp comp)
{
	struct img_module *m;

	if (i > c->rep->n_modules || i >= IMG_MAX_MODULES)
		return NULL;
	if (i == c->rep->n_modules)
		c->rep->n_modules++;
	m = &c->rep->modules[i];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->comp = comp;
	return m;
}

/*
 * The protected ("essential") chunks and the removal test of remove_modules(), in O(n log n):
 * a chunk c is kept when some protected p has p.start <= c.start < p.end, or
 * p.start < c.end <= p.end. With the protected chunks sorted by start and a running
 * maximum of their ends, each test is one binary search.
 */
struct prot_set {
	struct chunk *v;	/* sorted by start; v[i].end holds max(v[0..i].end) */
	size_t n;
	const struct chunks *cs;
};

static int cmp_chunk(const void *a, const void *b)
{
	const struct chunk *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* max end among the protected chunks whose start is < @x (@strict) or <= @x; -1 if none */
static int64_t max_end_before(const struct prot_set *ps, int64_t x, bool strict)
{
	size_t lo = 0, hi = ps->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strict ? ps->v[mid].start < x : ps->v[mid].start <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? chunk_end(ps->cs, ps->v[lo - 1].end) : -1;
}

static bool chunk_protected(const struct prot_set *ps, const struct chunk *c)
{
	int64_t end = chunk_end(ps->cs, c->end);

	return max_end_before(ps, c->start, false) > c->start ||
	       max_end_before(ps, end, true) >= end;
}

/* remove_modules(): the single walk over the module headers. */
static int remove_modules(struct img_ctx *c, const uint8_t *hdrs, uint32_t n, size_t size,
			  int64_t *end)
{
	static const char *const comp_name[] = { "uncomp.", "Huffman", "LZMA" };
	int64_t ftpr = c->ftpr_offset, base = 0, chunk_size = 0, i, k;
	struct chunks cs = {};
	int64_t *prefix = NULL;		/* prefix[k] = total length of chunks[0..k) */
	int32_t *mark = NULL;		/* difference array: essential slices over chunks */
	struct prot_set ps = { .cs = &cs };
	int r = 0;

	for (i = 0; i < n && !r; i++) {
		const uint8_t *h = hdrs + (size_t)i * size;
		int64_t offset = ftpr + img_le32(h + 0x38), msize = img_le32(h + 0x40);
		unsigned comp = (img_le32(h + 0x50) >> 4) & 7;
		struct img_module *m;
		char name[17];

		if (!img_ascii_name(h + 4, 16, name)) {
			r = img_fail(c, "Error: FTPR module %lld has a name that is not ASCII: "
				     "the image is malformed\n", (long long)i);
			break;
		}
		if (comp > 2) {
			r = img_fail(c, "Error: FTPR module %s has an unknown compression type (%u): "
				     "the image is malformed\n", name, comp);
			break;
		}
		r = img_out(c, " %-16s (%-7s, ", name, comp_name[comp]);
		if (r)
			break;
		m = report_module(c, (uint32_t)i, name, comp == 0 ? IMG_COMP_UNCOMPRESSED :
					   comp == 1 ? IMG_COMP_HUFFMAN : IMG_COMP_LZMA);

		if (comp != 1) {
			r = img_out(c, "0x%06llx - 0x%06llx       ): ", (long long)offset,
				    (long long)(offset + msize));
			if (r)
				break;
			if (m) {
				m->start = (uint32_t)offset;
				m->end = (uint32_t)(offset + msize);
			}
			if (essential(name)) {
				if (offset + msize > *end)
					*end = offset + msize;
				r = img_out(c, "NOT removed, essential\n");
				if (m)
					m->fate = IMG_MOD_KEPT;
			} else {
				int64_t stop = offset + msize < c->me.end ? offset + msize : c->me.end;

				r = img_fill(c, &c->me, offset, stop, 0xFF);
				if (!r)
					r = img_out(c, "removed\n");
				if (m)
					m->fate = IMG_MOD_REMOVED;
			}
			continue;
		}

		/* Huffman: the LLUT is read while the chunk list is empty */
		if (!cs.n) {
			const uint8_t *p = NULL;

			r = img_read(c, &c->me, offset, 4, &p);
			if (r)
				break;
			if (memcmp(p, "LLUT", 4)) {
				r = img_fail(c, "Huffman modules found, but LLUT is not present\n");
				break;
			}
			free(cs.v);
			cs = (struct chunks) {};
			r = llut_chunks(c, offset, &cs, &base, &chunk_size);
			if (r)
				break;
			free(prefix);
			free(mark);
			prefix = calloc((size_t)cs.n + 1, sizeof(*prefix));
			mark = calloc((size_t)cs.n + 1, sizeof(*mark));
			if (!prefix || !mark) {
				r = -ENOMEM;
				break;
			}
			for (k = 0; k < cs.n; k++)
				prefix[k + 1] = prefix[k] + chunk_end(&cs, cs.v[k].end) - cs.v[k].start;
		}
		if (!chunk_size) {
			r = img_fail(c, "Error: the LLUT chunk size is 0: the image is malformed\n");
			break;
		}
		{
			int64_t first = floordiv((int64_t)img_le32(h + 0x34) - base, chunk_size);
			int64_t last = first + floordiv(img_le32(h + 0x3C), chunk_size);
			int64_t a, b, huff;
			char kib[32];
			double q;

			slice_bounds(cs.n, first, last + 1, &a, &b);
			huff = prefix[b] - prefix[a];
			/* Python 3 round(): half to even */
			q = (double)huff / 1024.0;
			snprintf(kib, sizeof(kib), "~%.0f KiB", nearbyint(q));
			r = img_out(c, "fragmented data, %-9s): ", kib);
			if (r)
				break;
			if (m)
				m->huffman_bytes = (uint32_t)huff;
			if (essential(name)) {
				if (a < b) {
					mark[a]++;
					mark[b]--;
				}
				r = img_out(c, "NOT removed, essential\n");
				if (m)
					m->fate = IMG_MOD_KEPT;
			} else {
				r = img_out(c, "removed\n");
				if (m)
					m->fate = IMG_MOD_REMOVED;
			}
		}
	}

	free(prefix);
	if (!r && cs.n) {
		int64_t depth = 0;
		size_t np = 0;

		/* the protected list: chunks under an essential slice, start != 0 */
		for (k = 0; k < cs.n; k++) {
			depth += mark[k];
			np += depth > 0 && cs.v[k].start;
		}
		if (!np)
			r = img_fail(c, "Error: Huffman modules found, but none of them is essential "
				     "(ROMP/BUP): the image is malformed\n");
		ps.v = r ? NULL : calloc(np, sizeof(*ps.v));
		if (!r && !ps.v)
			r = -ENOMEM;
		for (k = 0, depth = 0; k < cs.n && !r; k++) {
			depth += mark[k];
			if (depth > 0 && cs.v[k].start)
				ps.v[ps.n++] = cs.v[k];
		}
		if (!r) {
			qsort(ps.v, ps.n, sizeof(*ps.v), cmp_chunk);
			/* each end becomes the running maximum of the ends so far */
			for (k = 1; k < (int64_t)ps.n; k++)
				if (chunk_end(&cs, ps.v[k - 1].end) > chunk_end(&cs, ps.v[k].end))
					ps.v[k].end = ps.v[k - 1].end;
		}
		for (k = 0; k < cs.n && !r; k++) {
			const struct chunk *ck = &cs.v[k];
			int64_t ck_end = chunk_end(&cs, ck->end);

			if (ck_end > ck->start && !chunk_protected(&ps, ck))
				r = img_fill(c, &c->me, ck->start,
					     ck_end < c->me.end ? ck_end : c->me.end, 0xFF);
		}
		if (!r && chunk_end(&cs, ps.v[ps.n - 1].end) > *end)
			*end = chunk_end(&cs, ps.v[ps.n - 1].end);
	}
	free(cs.v);
	free(mark);
	free(ps.v);
	return r;
}

/* The $MME module list into the report, before anything changes; no log, no errors. */
void img_gen2_report(struct img_ctx *c)
{
	int64_t ftpr = c->me.start + c->ftpr_offset;
	size_t size = 0;
	uint32_t n, i;
	const uint8_t *d;

	c->rep->n_modules = 0;
	if (ftpr + 0x290 + 0x84 > c->me.end)
		return;
	n = img_le32(c->buf + ftpr + 0x20);
	d = c->buf + ftpr + 0x290;
	if (!memcmp(d, "$MME", 4)) {
		if (!memcmp(d + 0x60, "$MME", 4) || n == 1)
			size = 0x60;
		else if (!memcmp(d + 0x80, "$MME", 4))
			size = 0x80;
	}
	if (!size || n > IMG_MAX_MODULES || ftpr + 0x290 + (int64_t)n * (int64_t)size > c->me.end)
		return;
	for (i = 0; i < n; i++) {
		const uint8_t *h = d + (size_t)i * size;
		struct img_module *m = &c->rep->modules[i];
		unsigned comp = (img_le32(h + 0x50) >> 4) & 7;

		if (memcmp(h, "$MME", 4) || !img_ascii_name(h + 4, 16, m->name))
			break;
		m->comp = comp == 0 ? IMG_COMP_UNCOMPRESSED : comp == 1 ? IMG_COMP_HUFFMAN :
			  comp == 2 ? IMG_COMP_LZMA : IMG_COMP_UNKNOWN;
		if (comp != 1) {
			m->start = c->ftpr_offset + img_le32(h + 0x38);
			m->end = m->start + img_le32(h + 0x40);
		}
		m->fate = IMG_MOD_LISTED;
		c->rep->n_modules++;
	}
}

int img_gen2_modules(struct img_ctx *c, int64_t *end)
{
	int64_t ftpr = c->ftpr_offset, llut_rel = -1, new_off;
	const uint8_t *d, *hdrs;
	uint8_t *copy;
	size_t size = 0, hdrs_len;
	uint32_t n, i;
	int r;

	*end = -1;
	r = img_read32(c, &c->me, ftpr + 0x20, &n);
	if (r)
		return r;
	r = img_read(c, &c->me, ftpr + 0x290, 0x84, &d);
	if (r)
		return r;
	if (!memcmp(d, "$MME", 4)) {
		if (!memcmp(d + 0x60, "$MME", 4) || n == 1)
			size = 0x60;
		else if (!memcmp(d + 0x80, "$MME", 4))
			size = 0x80;
	}
	if (!size)
		return img_out(c, "Can't find the module header size; skipping modules removal\n");

	r = img_read_array(c, &c->me, ftpr + 0x290, n, (uint32_t)size, &hdrs, &hdrs_len);
	if (r)
		return r;
	for (i = 0; i < n; i++)
		if (memcmp(hdrs + (size_t)i * size, "$MME", 4))
			return img_out(c, "Found less modules than expected in the FTPR partition; "
				       "skipping modules removal\n");
	/* removal writes into the region: keep the headers in a copy */
	copy = malloc(hdrs_len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, hdrs, hdrs_len);

	if (c->o->keep_modules) {
		*end = ftpr + c->ftpr_length;
	} else {
		*end = 0;
		r = remove_modules(c, copy, n, size, end);
	}
	if (!r && c->o->relocate) {
		for (i = 0; i < n; i++) {
			const uint8_t *h = copy + (size_t)i * size;

			if (((img_le32(h + 0x50) >> 4) & 7) == 1) {
				llut_rel = img_le32(h + 0x38);
				break;
			}
		}
		r = img_relocate(c, n > 0, llut_rel, &new_off);
		if (!r) {
			*end += new_off - ftpr;
			c->ftpr_offset = (uint32_t)new_off;
		}
	}
	free(copy);
	return r;
}
