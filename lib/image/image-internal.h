/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_IMAGE_INTERNAL_H
#define MECTL_IMAGE_INTERNAL_H

/*
 * Shared by the library's files only (not installed, not for callers). One struct
 * img_ctx per run holds me_cleaner's state; every access to the image goes through
 * the bounded helpers below, which mirror me_cleaner's RegionFile class but end
 * the run with one error line instead of a traceback.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "image.h"

/* Returned by a step that ended the run (exit code and log already set). */
#define IMG_STOP (-ECANCELED)

struct img_range {
	int64_t start, end;		/* absolute, end exclusive */
};

struct img_ctx {
	const struct img_options *o;
	struct img_result *r;
	struct img_report *rep;		/* == &r->report */

	/* The working image: starts as a copy of the input, becomes r->image. */
	uint8_t *buf;
	size_t len;			/* current file length (can grow: writes past EOF, -t) */
	size_t cap;

	bool full;			/* descriptor present */
	struct img_range fd, me, bios;	/* me_start/me_end etc. from FLREG0-2 */
	uint32_t fcba, frba, fmba, fpsba, fmsba;
	int gen;			/* 0 = unset */

	uint32_t fpt_offset;		/* region-relative: 0 or 0x10 */
	uint32_t entries;
	uint32_t ftpr_offset, ftpr_length, ftpr_mn2_offset;
	uint16_t version[4];
	const char *variant;		/* "ME", "TXE", "SPS" */
	bool ignition;
	int64_t end_addr;		/* me_cleaner's end_addr: end of kept data */

	uint32_t strap_value;		/* PCHSTRP0 or PCHSTRP10 as read for the strap report */
	bool strap_read;
};

/* Logging (log.c) */
int img_out(struct img_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int img_err(struct img_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log "fmt" on stderr, set exit code 1 and return IMG_STOP (or -ENOMEM). */
int img_fail(struct img_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Little-endian helpers on the working buffer; callers check bounds first. */
static inline uint32_t img_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t img_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline void img_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/*
 * Bounded access (access.c). @rg is a region (absolute); offsets are relative to its
 * start. Reads past the file's end or the region's end stop the run with a clear
 * error line, where me_cleaner would raise an exception.
 */
int img_read(struct img_ctx *c, const struct img_range *rg, int64_t off, uint64_t n,
	     const uint8_t **p);
/*
 * A table of @count entries of @size bytes (both from the image): the byte count is
 * computed in 64 bits, where a 32-bit size_t would wrap (0x08000001 * 0x20 = 0x20)
 * and let a huge table pass the bounds check. On success *total (if not NULL) is
 * that count; it lies within the image, so it fits in a size_t for malloc/memcpy.
 */
int img_read_array(struct img_ctx *c, const struct img_range *rg, int64_t off, uint32_t count,
		   uint32_t size, const uint8_t **p, size_t *total);
int img_read32(struct img_ctx *c, const struct img_range *rg, int64_t off, uint32_t *v);
int img_write(struct img_ctx *c, const struct img_range *rg, int64_t off, const void *data,
	      size_t n);
int img_write32(struct img_ctx *c, const struct img_range *rg, int64_t off, uint32_t v);
int img_fill(struct img_ctx *c, const struct img_range *rg, int64_t a, int64_t b, uint8_t byte);
int img_move(struct img_ctx *c, const struct img_range *rg, int64_t from, int64_t size,
	     int64_t to, uint8_t byte);
/* Set the file length (truncate or extend with zeros; -ENOMEM past SIZE_MAX). */
int img_set_len(struct img_ctx *c, uint64_t len);
/* Copy @size bytes from the region start into a new buffer. */
int img_save(struct img_ctx *c, const struct img_range *rg, int64_t size, struct img_buf *out);

/*
 * The flash descriptor (ifd.c). img_ifd_find(): the offset of its signature (0 on
 * ICH8-10, 0x10 later), -1 for none. A layout's FLMSTR bits: read at read_shift + n,
 * write at write_shift + n for region n < regions.
 */
#define IMG_IFD_MAX_REGIONS 12
struct img_ifd_layout_info {
	const char *name;
	unsigned read_shift, write_shift, regions;
};
int64_t img_ifd_find(const uint8_t *buf, size_t len);
const struct img_ifd_layout_info *img_ifd_layout_info(enum img_ifd_layout layout);
/* FLCOMP's read clock as text ("20 MHz"), the field the layout is decided from */
const char *img_ifd_read_clock(uint32_t flcomp);
const char *img_ifd_region_name(unsigned region);
void img_ifd_region_decode(struct img_region *rg, uint32_t flreg);
/* The FLREGn slots between FRBA and the next descriptor section (at most the layout's). */
unsigned img_ifd_region_slots(const struct img_ctx *c);
/* Access of master word @flmstr to @region: false when the layout has no bits for it. */
bool img_ifd_access(enum img_ifd_layout layout, uint32_t flmstr, unsigned region, bool *read,
		    bool *write);

/* Steps of the flow, one file each; 0, -ENOMEM or IMG_STOP. */
int img_ifd_decode(struct img_ctx *c, int64_t sig);		/* ifd.c */
void img_ifd_sanity(struct img_ctx *c);				/* ifd.c */
int img_fpt_find(struct img_ctx *c);				/* fpt.c */
int img_fpt_clean(struct img_ctx *c, int64_t *extra_end);	/* fpt.c */
/* Fill the report's partition/module lists before anything changes (no log). */
void img_fpt_report(struct img_ctx *c);				/* fpt.c */
void img_gen2_report(struct img_ctx *c);			/* gen2.c */
void img_gen3_report(struct img_ctx *c);			/* gen3.c */
int img_manifest_parse(struct img_ctx *c);			/* manifest.c */
int img_gen2_modules(struct img_ctx *c, int64_t *end);	/* gen2.c */
int img_gen3_modules(struct img_ctx *c, int64_t *end);	/* gen3.c */
/*
 * relocate.c; @mod_headers: gen 2 with module headers; @llut_rel: data offset of the
 * first Huffman module, -1 for none
 */
int img_relocate(struct img_ctx *c, bool mod_headers, int64_t llut_rel, int64_t *new_off);
/*
 * rsa.c: check the FTPR signature of the manifest at @m; @data holds @file_len bytes
 * up to the end of the file, of which the first @region_len are the ME region.
 */
int img_rsa_check(struct img_ctx *c, const uint8_t *data, size_t file_len, size_t region_len,
		  int64_t m, enum img_sig *sig);

/* me_cleaner's name handling: NULs stripped from the end; false if not 7-bit ASCII. */
bool img_ascii_name(const uint8_t *p, size_t n, char *out);

#endif
