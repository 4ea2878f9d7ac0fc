// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the chip's data path, the MTD user ABI on /dev/mtdN.
 *
 * Erase is synchronous in 6.1 (MEMERASE returns when the chip is done), NOR program
 * only clears bits, so a block that differs is erased, then only its pages that are
 * not all 0xFF are programmed (an erased page already reads 0xFF). The verify pass
 * then reads every rewritten block back once; a block that reads wrong is erased and
 * programmed again and re-read, FLASH_WRITE_ATTEMPTS times in all, before the job
 * gives up. One read-back per block, not two.
 *
 * Where the chip erases a larger block in one command (mectl_flash's 64 KiB block
 * erase: about 150 ms against 16 x 45 ms by sectors), a block of which more than half
 * differs and the rest is blank before and after is erased whole; the kernel uses the
 * one command for any whole aligned block an erase covers (flash_plan_run()).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <mtd/mtd-user.h>

#include "flash.h"
#include "util.h"

/* One read() per 256 KiB: few syscalls, fine-grained enough for progress. */
#define READ_CHUNK (256u * 1024)
/*
 * Adjacent differing blocks are erased with one MEMERASE and read back with one read,
 * at most this much at a time (progress), aligned to it, when the chip has no block
 * erase of its own size.
 */
#define RUN_MAX (64u * 1024)

static const char *mtd_type_name(unsigned char type)
{
	switch (type) {
	case MTD_ABSENT: return "absent";
	case MTD_RAM: return "ram";
	case MTD_ROM: return "rom";
	case MTD_NORFLASH: return "nor";
	case MTD_NANDFLASH: return "nand";
	case MTD_DATAFLASH: return "dataflash";
	case MTD_UBIVOLUME: return "ubi";
	case MTD_MLCNANDFLASH: return "mlc-nand";
	}
	return "unknown";
}

/* The MTD name, or "mtdN" where sysfs has none. */
static void read_mtd_name(unsigned index, char *buf, size_t len)
{
	if (mtd_sysfs_attr("/sys", index, "name", buf, len) < 0 || !buf[0])
		snprintf(buf, len, "mtd%u", index);
}

int flash_open(unsigned index, bool rw, unsigned pagesize, unsigned blocksize, struct flash *ret)
{
	_cleanup_close_ int fd = -1;
	struct mtd_info_user info;
	char path[32];

	snprintf(path, sizeof(path), "/dev/mtd%u", index);
	fd = open(path, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, MEMGETINFO, &info) < 0)
		return -errno;
	if (info.type == MTD_NANDFLASH || info.type == MTD_MLCNANDFLASH || info.type == MTD_UBIVOLUME)
		return -EMEDIUMTYPE;	/* bad blocks and OOB: not a BIOS flash */
	if (info.size == 0 || info.erasesize == 0 || (rw && info.size % info.erasesize))
		return -EMEDIUMTYPE;

	*ret = (struct flash) {
		.index = index,
		.size = info.size,
		.erasesize = info.erasesize,
		.pagesize = pagesize ? pagesize : 256,
		.writeable = info.flags & MTD_WRITEABLE,
	};
	if (ret->pagesize > ret->erasesize || ret->erasesize % ret->pagesize)
		ret->pagesize = ret->erasesize;
	/* Only a block that is a whole number of erase blocks and tiles the chip. */
	if (blocksize > ret->erasesize && blocksize % ret->erasesize == 0 &&
	    ret->size % blocksize == 0)
		ret->blocksize = blocksize;
	snprintf(ret->type, sizeof(ret->type), "%s", mtd_type_name(info.type));
	read_mtd_name(index, ret->name, sizeof(ret->name));
	ret->fd = take_fd(&fd);
	return 0;
}

void flash_close(struct flash *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int flash_read_range(struct flash *f, uint64_t off, void *buf, uint64_t len)
{
	if (off > f->size || len > f->size - off)
		return -EINVAL;
	return loop_read_at(f->fd, buf, len, off);
}

int flash_read_all(struct flash *f, uint8_t *buf, flash_progress_fn cb, void *userdata)
{
	uint64_t off;
	int r;

	for (off = 0; off < f->size; off += READ_CHUNK) {
		uint64_t n = f->size - off < READ_CHUNK ? f->size - off : READ_CHUNK;

		r = loop_read_at(f->fd, buf + off, n, off);
		if (r < 0)
			return r;
		if (cb) {
			r = cb(userdata, off + n, f->size);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

void flash_diff_count(const struct flash *f, const uint8_t *a, const uint8_t *b,
		      uint64_t *ret_blocks, uint64_t *ret_bytes)
{
	uint64_t blocks = 0, bytes = 0, off, i;

	for (off = 0; off < f->size; off += f->erasesize) {
		if (!memcmp(a + off, b + off, f->erasesize))
			continue;
		blocks++;
		for (i = off; i < off + f->erasesize; i++)
			bytes += a[i] != b[i];
	}
	*ret_blocks = blocks;
	*ret_bytes = bytes;
}

static int flash_erase(struct flash *f, uint64_t off, uint64_t len)
{
	struct erase_info_user64 e64 = { .start = off, .length = len };
	struct erase_info_user e32 = { .start = (uint32_t)off, .length = (uint32_t)len };

	if (ioctl(f->fd, MEMERASE64, &e64) == 0)
		return 0;
	if (errno != ENOTTY)
		return -errno;
	return ioctl(f->fd, MEMERASE, &e32) < 0 ? -errno : 0;
}

static bool all_ff(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

/* Program the pages of one erased block that hold data; runs of them in one write. */
static int flash_program_block(struct flash *f, uint64_t off, const uint8_t *data, uint64_t *pages)
{
	uint32_t p = 0;
	int r;

	while (p < f->erasesize) {
		uint32_t start;

		if (all_ff(data + p, f->pagesize)) {
			p += f->pagesize;
			continue;
		}
		start = p;
		while (p < f->erasesize && !all_ff(data + p, f->pagesize))
			p += f->pagesize;
		r = loop_write_at(f->fd, data + start, p - start, off + start);
		if (r < 0)
			return r;
		*pages += (p - start) / f->pagesize;
	}
	return 0;
}

/* Erase the block at off and program its non-0xFF pages. */
static int flash_rewrite_block(struct flash *f, uint64_t off, const uint8_t *want, uint64_t *pages)
{
	int r;

	r = flash_erase(f, off, f->erasesize);
	if (r < 0)
		return r;
	return flash_program_block(f, off, want, pages);
}

static bool block_differs(const struct flash *f, const uint8_t *a, const uint8_t *b, uint64_t off)
{
	return memcmp(a + off, b + off, f->erasesize) != 0;
}

static bool block_blank(const struct flash *f, const uint8_t *a, const uint8_t *b, uint64_t off)
{
	return all_ff(a + off, f->erasesize) && all_ff(b + off, f->erasesize);
}

/* Runs never cross a multiple of this: the chip's block erase size, or RUN_MAX. */
static uint64_t group_size(const struct flash *f)
{
	if (f->blocksize)
		return f->blocksize;
	return f->erasesize < RUN_MAX && RUN_MAX % f->erasesize == 0 ? RUN_MAX : f->erasesize;
}

static uint64_t count_differing(const struct flash *f, const uint8_t *a, const uint8_t *b,
				uint64_t off, uint64_t len)
{
	uint64_t n = 0, end = off + len;

	for (; off < end; off += f->erasesize)
		n += block_differs(f, a, b, off);
	return n;
}

/*
 * The chip's block at off goes in one erase when more than half of its erase blocks
 * differ and every other one is blank before and after: the block erase changes no
 * byte that is not rewritten anyway, and no unchanged data is programmed again.
 */
static bool whole_block(const struct flash *f, const uint8_t *a, const uint8_t *b, uint64_t off)
{
	uint64_t b_off, differ = 0;

	if (!f->blocksize || off % f->blocksize || f->size - off < f->blocksize)
		return false;
	for (b_off = off; b_off < off + f->blocksize; b_off += f->erasesize) {
		if (block_differs(f, a, b, b_off))
			differ++;
		else if (!block_blank(f, a, b, b_off))
			return false;
	}
	return differ * 2 > f->blocksize / f->erasesize;
}

uint64_t flash_plan_run(const struct flash *f, const uint8_t *current, const uint8_t *target,
			uint64_t off)
{
	uint64_t g = group_size(f), end = (off / g + 1) * g, len = 0;

	if (whole_block(f, current, target, off))
		return f->blocksize;
	if (end > f->size)
		end = f->size;
	while (off + len < end && block_differs(f, current, target, off + len))
		len += f->erasesize;
	return len;
}

int flash_write_blocks(struct flash *f, const uint8_t *current, const uint8_t *target,
		       flash_progress_fn cb, void *userdata, struct flash_write_stats *st)
{
	uint64_t off, run, b, done = 0;
	int r;

	*st = (struct flash_write_stats) { .blocks_total = f->size / f->erasesize };
	flash_diff_count(f, current, target, &st->blocks_changed, &st->bytes_changed);

	for (off = 0; off < f->size; off += run ? run : f->erasesize) {
		run = flash_plan_run(f, current, target, off);
		if (!run)
			continue;
		/* One MEMERASE per run: the kernel erases its whole chip blocks in one command each. */
		r = flash_erase(f, off, run);
		if (r == -EROFS || r == -EPERM)
			return r;	/* not armed: nothing else will work either */
		/* Any other failure shows up in flash_verify_blocks() and is retried there. */
		for (b = off; b < off + run; b += f->erasesize) {
			r = flash_program_block(f, b, target + b, &st->pages_programmed);
			if (r == -EROFS || r == -EPERM)
				return r;
		}
		st->blocks_erased += run / f->erasesize;
		done += count_differing(f, current, target, off, run);
		st->blocks_done = done;
		if (cb) {
			r = cb(userdata, done, st->blocks_changed);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Read back one block until it is right, rewriting it in between. */
static int verify_block(struct flash *f, uint64_t off, const uint8_t *want, uint8_t *back,
			bool have_back, struct flash_write_stats *st)
{
	unsigned attempt;
	int r;

	/* attempt 0 checks the write pass; each further one rewrites the block */
	for (attempt = 0; attempt < FLASH_WRITE_ATTEMPTS; attempt++) {
		if (attempt > 0) {
			st->retries++;
			r = flash_rewrite_block(f, off, want, &st->pages_programmed);
			if (r == -EROFS || r == -EPERM)
				return r;
			if (r < 0)
				continue;
		}
		r = attempt == 0 && have_back ? 0 : loop_read_at(f->fd, back, f->erasesize, off);
		if (r == 0 && !memcmp(back, want, f->erasesize))
			return 0;
	}
	st->verify_failed = true;
	st->bad_offset = off;
	return -EIO;
}

int flash_verify_blocks(struct flash *f, const uint8_t *current, const uint8_t *target,
			flash_progress_fn cb, void *userdata, struct flash_write_stats *st)
{
	_cleanup_free_ uint8_t *buf = NULL;
	uint64_t off, run, b, done = 0;
	int r, rr;

	buf = malloc(group_size(f));
	if (!buf)
		return -ENOMEM;
	for (off = 0; off < f->size; off += run ? run : f->erasesize) {
		run = flash_plan_run(f, current, target, off);
		if (!run)
			continue;
		/* One read for the run; a block that reads wrong is retried on its own. */
		rr = loop_read_at(f->fd, buf, run, off);
		for (b = off; b < off + run; b += f->erasesize) {
			uint8_t *back = buf + (b - off);

			r = verify_block(f, b, target + b, back, rr == 0, st);
			if (r < 0)
				return r;
			if (block_differs(f, current, target, b))
				st->blocks_verified = ++done;
		}
		if (cb) {
			r = cb(userdata, done, st->blocks_changed);
			if (r < 0)
				return r;
		}
	}
	return 0;
}
