// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of mectld's write plan (daemon/flash.c, flash_plan_run()): which erase
 * blocks go into one MEMERASE. The rules under test:
 *  - a run is a row of adjacent differing erase blocks and never crosses a group
 *    boundary (the chip's block erase size, or 64 KiB without one);
 *  - with a block erase, a chip block of which more than half differs and the rest
 *    is blank (all 0xFF) before and after is erased whole;
 *  - nothing that holds unchanged data is ever erased, and every differing block is.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../../../daemon/flash.h"

#define KIB 1024u
#define SECTOR (4 * KIB)
#define CHIP (1024 * KIB)

/* A 1 MiB chip of 4 KiB erase blocks: every sector holds data, target = current. */
FIXTURE(chip) {
	struct flash f;
	uint8_t *cur, *tgt;
};

FIXTURE_SETUP(chip)
{
	self->f = (struct flash) { .fd = -1, .size = CHIP, .erasesize = SECTOR, .pagesize = 256 };
	self->cur = malloc(CHIP);
	self->tgt = malloc(CHIP);
	ASSERT_NE(NULL, self->cur);
	ASSERT_NE(NULL, self->tgt);
	for (size_t i = 0; i < CHIP; i++)
		self->cur[i] = (uint8_t)(i * 7 + i / 4096);
	memcpy(self->tgt, self->cur, CHIP);
}

FIXTURE_TEARDOWN(chip)
{
	free(self->cur);
	free(self->tgt);
}

/* Make sector n differ (one byte). */
static void change(uint8_t *tgt, unsigned n)
{
	tgt[n * SECTOR + 100] ^= 0x5a;
}

/* Make sector n blank on both sides. */
static void blank(uint8_t *cur, uint8_t *tgt, unsigned n)
{
	memset(cur + n * SECTOR, 0xff, SECTOR);
	memset(tgt + n * SECTOR, 0xff, SECTOR);
}

/* The plan as "start+len" pairs in KiB, e.g. "64+64 132+8". */
static void plan(const struct flash *f, const uint8_t *cur, const uint8_t *tgt, char *out,
		 size_t n)
{
	uint64_t off, run;

	out[0] = 0;
	for (off = 0; off < f->size; off += run ? run : f->erasesize) {
		run = flash_plan_run(f, cur, tgt, off);
		if (run) {
			size_t l = strlen(out);

			snprintf(out + l, n - l, "%s%llu+%llu", l ? " " : "",
				 (unsigned long long)(off / KIB), (unsigned long long)(run / KIB));
		}
	}
}

TEST_F(chip, identical_images_plan_nothing)
{
	char p[256];

	self->f.blocksize = 64 * KIB;
	plan(&self->f, self->cur, self->tgt, p, sizeof(p));
	ASSERT_STREQ("", p);
}

TEST_F(chip, runs_join_neighbours_and_stop_at_64k_without_block_erase)
{
	char p[256];

	/* sectors 14..18 straddle the 64 KiB line; 20 alone; 32..47 a whole block */
	for (unsigned s = 14; s <= 18; s++)
		change(self->tgt, s);
	change(self->tgt, 20);
	for (unsigned s = 32; s < 48; s++)
		change(self->tgt, s);
	plan(&self->f, self->cur, self->tgt, p, sizeof(p));
	ASSERT_STREQ("56+8 64+12 80+4 128+64", p);
}

TEST_F(chip, whole_block_when_more_than_half_differs_and_the_rest_is_blank)
{
	char p[256];

	self->f.blocksize = 64 * KIB;
	/* block 1 (sectors 16..31): 9 differ, 7 blank -> whole */
	for (unsigned s = 16; s < 32; s++) {
		if (s % 2 == 0 || s == 31)
			change(self->tgt, s);
		else
			blank(self->cur, self->tgt, s);
	}
	plan(&self->f, self->cur, self->tgt, p, sizeof(p));
	ASSERT_STREQ("64+64", p);
}

TEST_F(chip, half_is_not_more_than_half)
{
	char p[256];

	self->f.blocksize = 64 * KIB;
	/* block 2 (sectors 32..47): 8 differ (pairs), 8 blank -> by runs */
	for (unsigned s = 32; s < 48; s++) {
		if ((s / 2) % 2 == 0)
			change(self->tgt, s);
		else
			blank(self->cur, self->tgt, s);
	}
	plan(&self->f, self->cur, self->tgt, p, sizeof(p));
	ASSERT_STREQ("128+8 144+8 160+8 176+8", p);
}

TEST_F(chip, unchanged_data_keeps_a_block_from_being_erased_whole)
{
	char p[256];

	self->f.blocksize = 64 * KIB;
	/* block 3: 15 differ, sector 48 holds unchanged data */
	for (unsigned s = 49; s < 64; s++)
		change(self->tgt, s);
	plan(&self->f, self->cur, self->tgt, p, sizeof(p));
	ASSERT_STREQ("196+60", p);
}

TEST_F(chip, a_blank_sector_that_changes_counts_as_differing)
{
	char p[256];

	self->f.blocksize = 64 * KIB;
	/* block 0: sectors 0..8 go from blank to data, 9..15 stay blank */
	for (unsigned s = 0; s < 16; s++)
		blank(self->cur, self->tgt, s);
	for (unsigned s = 0; s < 9; s++)
		memset(self->tgt + s * SECTOR, 0x11, 256);
	plan(&self->f, self->cur, self->tgt, p, sizeof(p));
	ASSERT_STREQ("0+64", p);
}

TEST_F(chip, the_last_block_of_the_chip)
{
	char p[256];

	self->f.blocksize = 64 * KIB;
	for (unsigned s = CHIP / SECTOR - 16; s < CHIP / SECTOR; s++)
		change(self->tgt, s);
	plan(&self->f, self->cur, self->tgt, p, sizeof(p));
	ASSERT_STREQ("960+64", p);
}

/* Random images: the plan covers every differing sector and no unchanged data. */
TEST_F(chip, random_plans_keep_the_rules)
{
	uint64_t group = 64 * KIB, off, run, b;
	unsigned round;

	srand(1);
	for (round = 0; round < 200; round++) {
		bool covered[CHIP / SECTOR] = { false };

		memcpy(self->tgt, self->cur, CHIP);
		self->f.blocksize = round % 2 ? 64 * KIB : 0;
		for (unsigned s = 0; s < CHIP / SECTOR; s++) {
			int r = rand() % 3;

			if (r == 0)
				change(self->tgt, s);
			else if (r == 1)
				blank(self->cur, self->tgt, s);
			/* else: unchanged data */
		}
		for (off = 0; off < CHIP; off += run ? run : SECTOR) {
			run = flash_plan_run(&self->f, self->cur, self->tgt, off);
			ASSERT_EQ(0u, run % SECTOR);
			/* never across a group boundary */
			ASSERT_TRUE(run == 0 || off / group == (off + run - 1) / group);
			for (b = off; b < off + run; b += SECTOR) {
				bool differs = memcmp(self->cur + b, self->tgt + b, SECTOR) != 0;
				bool blank_both = self->cur[b] == 0xff && self->tgt[b] == 0xff &&
					!memcmp(self->cur + b, self->cur + b + 1, SECTOR - 1) &&
					!memcmp(self->tgt + b, self->tgt + b + 1, SECTOR - 1);

				ASSERT_TRUE(differs || blank_both);
				covered[b / SECTOR] = true;
			}
		}
		for (unsigned s = 0; s < CHIP / SECTOR; s++)
			if (memcmp(self->cur + s * SECTOR, self->tgt + s * SECTOR, SECTOR))
				ASSERT_TRUE(covered[s]);
	}
}

TEST_HARNESS_MAIN
