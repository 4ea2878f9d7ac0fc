/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_FLASH_H
#define MECTLD_FLASH_H

/*
 * MTD access for chip jobs: whole-chip reads, and the diff-aware write (erase and
 * program only the erase blocks that differ, skip pages that stay all 0xFF, read
 * every written block back, retry it a bounded number of times).
 *
 * The daemon opens /dev/mtdN for an index it resolved itself; it never opens a
 * path a client names. No logging here: 0 or -errno, and facts in the out structs.
 */
#include <stdbool.h>
#include <stdint.h>

struct flash {
	int fd;
	unsigned index;
	uint64_t size;
	uint32_t erasesize;
	uint32_t blocksize;	/* larger erase the chip does in one command, or 0 */
	uint32_t pagesize;
	bool writeable;		/* the MTD device has MTD_WRITEABLE (spi-intel without
				 * writeable=1 registers its device without it) */
	char name[64];
	char type[16];
};

/*
 * Progress callback: done out of total units. A negative return (-ECANCELED)
 * stops the operation at the next safe point with that error.
 */
typedef int (*flash_progress_fn)(void *userdata, uint64_t done, uint64_t total);

struct flash_write_stats {
	uint64_t blocks_total;		/* erase blocks on the chip */
	uint64_t blocks_changed;	/* differing blocks that were rewritten */
	uint64_t bytes_changed;		/* differing bytes */
	uint64_t pages_programmed;	/* pages sent to the chip (non-0xFF) */
	uint64_t blocks_erased;		/* erase blocks erased: the changed ones, and blank
					 * ones inside a whole chip block (flash_plan_run) */
	uint64_t blocks_done;		/* changed blocks erased and programmed */
	uint64_t blocks_verified;	/* changed blocks read back right */
	unsigned retries;		/* extra attempts over all blocks */
	uint64_t bad_offset;		/* first block that failed verification */
	bool verify_failed;
};

/* Attempts per block (the write pass included) before verify gives up. */
#define FLASH_WRITE_ATTEMPTS 3

/*
 * blocksize: the chip's block erase (chip_info.block_erase_size), 0 if none. A
 * read-only open takes any NOR geometry (a partition the kernel made read-only for
 * not ending on an erase block); a read-write one needs whole erase blocks.
 */
int flash_open(unsigned index, bool rw, unsigned pagesize, unsigned blocksize,
	       struct flash *ret);
void flash_close(struct flash *f);

/* len bytes at off into buf. */
int flash_read_range(struct flash *f, uint64_t off, void *buf, uint64_t len);
/* Whole chip into buf (f->size bytes). */
int flash_read_all(struct flash *f, uint8_t *buf, flash_progress_fn cb, void *userdata);

/* Number of differing erase blocks and bytes between two chip-sized buffers. */
void flash_diff_count(const struct flash *f, const uint8_t *a, const uint8_t *b,
		      uint64_t *ret_blocks, uint64_t *ret_bytes);

/*
 * Length of the erase that starts at off (0: the block at off stays as it is). A
 * run covers adjacent differing erase blocks and never crosses a multiple of
 * f->blocksize (or of 64 KiB when the chip has no block erase); a chip block of
 * which more than half differs and the rest is blank before and after is one run.
 */
uint64_t flash_plan_run(const struct flash *f, const uint8_t *current, const uint8_t *target,
			uint64_t off);

/*
 * Make the chip hold target, given that it holds current now, in two passes:
 * flash_write_blocks() erases and programs every differing block;
 * flash_verify_blocks() reads each back and rewrites a wrong one (bounded). Both
 * fill st, also on failure, so a report can say how far it got. Verify returns
 * -EIO with st->verify_failed when a block still reads wrong after
 * FLASH_WRITE_ATTEMPTS.
 */
int flash_write_blocks(struct flash *f, const uint8_t *current, const uint8_t *target,
		       flash_progress_fn cb, void *userdata, struct flash_write_stats *st);
int flash_verify_blocks(struct flash *f, const uint8_t *current, const uint8_t *target,
			flash_progress_fn cb, void *userdata, struct flash_write_stats *st);

#endif
