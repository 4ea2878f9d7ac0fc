// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the internal flashing pre-flight (daemon/preflight.c) and of the
 * locks the libflashrom backend reads from flashrom's messages (host-flashrom.c), on
 * the real descriptors of $SHARED/testdata (fbg1701, lumpy) with FLMSTR1 set to each
 * verdict. The rules under test:
 *  - without locks the decision is the descriptor's: verdict, line and notes;
 *  - a lock takes away every region it touches: over everything (a read-only MTD
 *    device) or over the ME region the verdict is "no", over the descriptor "ME
 *    region only", elsewhere the verdict stays; the line quotes the lock, the notes
 *    start with its way out;
 *  - a lock decides only where the descriptor would have let the host write;
 *  - flashrom's FREGn lines that deny writes ("read-only", "locked") and its PRn/GPRn
 *    warnings are locks with their ranges; read-write and write-only ones are not;
 *  - a write stays inside the regions it may change: a differing byte, or a differing
 *    erase block, outside them is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../../../daemon/host-chip.h"

#define IFD 4096u

/* The first 4 KiB of a test image, FLMSTR1 (at 0x60 in these IFD v1 descriptors) set. */
static int descriptor(const char *image, uint32_t flmstr1, uint8_t *buf)
{
	const char *shared = getenv("SHARED");
	char cmd[4096];
	FILE *f;
	size_t n;

	if (!shared)
		return -ENOENT;
	snprintf(cmd, sizeof(cmd), "xz -dc '%s/testdata/images/%s.bin.xz' 2>/dev/null | head -c %u",
		 shared, image, IFD);
	f = popen(cmd, "r");
	if (!f)
		return -ENOENT;
	n = fread(buf, 1, IFD, f);
	if (pclose(f) != 0 || n != IFD)
		return -ENOENT;
	buf[0x60] = flmstr1 & 0xff;
	buf[0x61] = flmstr1 >> 8 & 0xff;
	buf[0x62] = flmstr1 >> 16 & 0xff;
	buf[0x63] = flmstr1 >> 24 & 0xff;
	return 0;
}

static struct host_lock lock(uint64_t start, uint64_t end, const char *what)
{
	struct host_lock l = { .start = start, .end = end };

	snprintf(l.what, sizeof(l.what), "%s", what);
	snprintf(l.way_out, sizeof(l.way_out), "way out: lift %s", what);
	return l;
}

FIXTURE(pf) {
	uint8_t fd[IFD];
	struct preflight p;
	struct img_host_access a;
};

FIXTURE_SETUP(pf)
{
	/* fbg1701: fd 0-0xfff, ME 0x1000-0x1fffff, BIOS 0x200000-0x7fffff */
	if (descriptor("full_cb_fbg1701_txe2_8M", 0xffff0000, self->fd) < 0)
		SKIP(return, "SHARED testdata images not available");
}

FIXTURE_TEARDOWN(pf)
{
}

static void set_flmstr1(FIXTURE_DATA(pf) *self, uint32_t v)
{
	self->fd[0x60] = v & 0xff;
	self->fd[0x61] = v >> 8 & 0xff;
	self->fd[0x62] = v >> 16 & 0xff;
	self->fd[0x63] = v >> 24 & 0xff;
}

/* Without locks: exactly the descriptor's decision, for each verdict. */
TEST_F(pf, no_locks_is_the_descriptor)
{
	static const uint32_t flmstr1[] = { 0xffff0000, 0x0e0f0000, 0x0a0b0000 };

	if (_metadata->skip)
		return;
	for (size_t i = 0; i < sizeof(flmstr1) / sizeof(flmstr1[0]); i++) {
		set_flmstr1(self, flmstr1[i]);
		ASSERT_EQ(0, img_host_access(self->fd, IFD, &self->a));
		ASSERT_EQ(0, preflight_decide(&self->p, self->fd, IFD, NULL, 0));
		EXPECT_EQ((int)self->a.verdict, (int)self->p.verdict);
		EXPECT_STREQ(self->a.verdict_id, self->p.verdict_id);
		EXPECT_STREQ(self->a.verdict_line, self->p.verdict_line);
		for (unsigned k = 0; self->a.notes[k]; k++)
			EXPECT_STREQ(self->a.notes[k], self->p.notes[k]);
		for (unsigned r = 0; r < self->a.n_regions; r++)
			EXPECT_EQ(self->a.regions[r].used && self->a.regions[r].write,
				  self->p.writable[r]);
	}
}

/* A lock over everything (end 0): a read-only MTD device. */
TEST_F(pf, whole_chip_lock_is_no)
{
	struct host_lock l = lock(0, 0, "/dev/mtd0 (BIOS) is read-only");

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, preflight_decide(&self->p, self->fd, IFD, &l, 1));
	EXPECT_EQ((int)IMG_HOST_NONE, (int)self->p.verdict);
	EXPECT_STREQ("none", self->p.verdict_id);
	EXPECT_STREQ("no: the controller keeps the ME region from the host: /dev/mtd0 (BIOS) is "
		     "read-only", self->p.verdict_line);
	EXPECT_STREQ("way out: lift /dev/mtd0 (BIOS) is read-only", self->p.notes[0]);
	ASSERT_NE(NULL, self->p.notes[1]);
	EXPECT_NE(NULL, strstr(self->p.notes[1], "an external programmer"));
	EXPECT_EQ(NULL, self->p.notes[2]);
	for (unsigned r = 0; r < self->p.access.n_regions; r++)
		EXPECT_FALSE(self->p.writable[r]);
}

/* Over the descriptor only: ME region only; over the BIOS region: still yes. */
TEST_F(pf, range_locks_narrow_by_region)
{
	struct host_lock fd = lock(0x800, 0x900, "fd locked");
	struct host_lock bios = lock(0x300000, 0x400000, "bios locked");
	char why[256];

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, preflight_decide(&self->p, self->fd, IFD, &fd, 1));
	EXPECT_EQ((int)IMG_HOST_ME_ONLY, (int)self->p.verdict);
	EXPECT_STREQ("ME region only: the controller keeps the descriptor from the host: fd locked",
		     self->p.verdict_line);
	EXPECT_STREQ("way out: lift fd locked", self->p.notes[0]);
	EXPECT_FALSE(self->p.writable[IMG_REGION_FD]);
	EXPECT_TRUE(self->p.writable[IMG_REGION_ME]);
	EXPECT_TRUE(self->p.writable[IMG_REGION_BIOS]);
	EXPECT_STREQ("fd locked", preflight_why_not(&self->p, IMG_REGION_FD, why, sizeof(why)));

	ASSERT_EQ(0, preflight_decide(&self->p, self->fd, IFD, &bios, 1));
	EXPECT_EQ((int)IMG_HOST_FULL, (int)self->p.verdict);
	EXPECT_STREQ(self->p.access.verdict_line, self->p.verdict_line);
	EXPECT_FALSE(self->p.writable[IMG_REGION_BIOS]);
	EXPECT_TRUE(self->p.writable[IMG_REGION_FD]);
	EXPECT_TRUE(self->p.writable[IMG_REGION_ME]);
}

/* A lock where the descriptor already denies the host: the descriptor's words stay. */
TEST_F(pf, lock_decides_only_what_the_descriptor_allows)
{
	struct host_lock fd = lock(0, 0x1000, "fd locked");
	struct host_lock all = lock(0, 0, "everything locked");
	struct strbuf b = {};
	char why[256];

	if (_metadata->skip)
		return;
	set_flmstr1(self, 0x0e0f0000);		/* ME only */
	ASSERT_EQ(0, preflight_decide(&self->p, self->fd, IFD, &fd, 1));
	EXPECT_EQ((int)IMG_HOST_ME_ONLY, (int)self->p.verdict);
	EXPECT_STREQ(self->p.access.verdict_line, self->p.verdict_line);
	EXPECT_STREQ("FLMSTR1 = 0x0e0f0000",
		     preflight_why_not(&self->p, IMG_REGION_FD, why, sizeof(why)));

	set_flmstr1(self, 0x0a0b0000);		/* no */
	ASSERT_EQ(0, preflight_decide(&self->p, self->fd, IFD, &all, 1));
	EXPECT_EQ((int)IMG_HOST_NONE, (int)self->p.verdict);
	EXPECT_STREQ("no: the ME region is not writable by the host (FLMSTR1 = 0x0a0b0000)",
		     self->p.verdict_line);
	EXPECT_NE(NULL, strstr(self->p.notes[0], "Flash Descriptor Security Override strap"));
	/* the lock is reported all the same */
	preflight_json(&self->p, &b);
	ASSERT_FALSE(b.oom);
	EXPECT_NE(NULL, strstr(b.s, "\"verdict\":\"none\""));
	EXPECT_NE(NULL, strstr(b.s, "\"locks\":[{\"what\":\"everything locked\""));
	EXPECT_NE(NULL, strstr(b.s, "\"writable\":[]"));
	strbuf_done(&b);
}

TEST_F(pf, no_descriptor_no_decision)
{
	uint8_t blank[IFD];

	if (_metadata->skip)
		return;
	memset(blank, 0xff, sizeof(blank));
	EXPECT_EQ(-EINVAL, preflight_decide(&self->p, blank, IFD, NULL, 0));
	EXPECT_NE(NULL, strstr(self->p.access.error, "no flash descriptor"));
}

/*
 * A write's bounds (what the MTD backend checks before it opens the device for
 * writing): lumpy's layout, fd 0-0xfff, ME 0x1000-0x17ffff, BIOS 0x180000-.
 */
#define CHIP (8u << 20)

FIXTURE(bounds) {
	uint8_t *cur, *tgt;
	bool changed[IMG_HOST_MAX_REGIONS];
	char err[256];
};

static const struct host_region fd_me[] = {
	{ IMG_REGION_FD, 0, 0x1000 }, { IMG_REGION_ME, 0x1000, 0x180000 },
};

FIXTURE_SETUP(bounds)
{
	self->cur = malloc(CHIP);
	self->tgt = malloc(CHIP);
	ASSERT_NE(NULL, self->cur);
	ASSERT_NE(NULL, self->tgt);
	for (size_t i = 0; i < CHIP; i++)
		self->cur[i] = (uint8_t)(i * 13 + i / 4096);
	memcpy(self->tgt, self->cur, CHIP);
}

FIXTURE_TEARDOWN(bounds)
{
	free(self->cur);
	free(self->tgt);
}

TEST_F(bounds, changes_inside_named_by_region)
{
	self->tgt[0x10] ^= 1;
	self->tgt[0x17ffff] ^= 1;
	ASSERT_EQ(0, preflight_write_bounds(fd_me, 2, self->cur, self->tgt, CHIP, 4096,
					    self->changed, self->err, sizeof(self->err)));
	EXPECT_TRUE(self->changed[IMG_REGION_FD]);
	EXPECT_TRUE(self->changed[IMG_REGION_ME]);
	EXPECT_FALSE(self->changed[IMG_REGION_BIOS]);
	/* nothing differs: nothing changes */
	ASSERT_EQ(0, preflight_write_bounds(fd_me, 2, self->cur, self->cur, CHIP, 4096,
					    self->changed, self->err, sizeof(self->err)));
	EXPECT_FALSE(self->changed[IMG_REGION_FD]);
	EXPECT_FALSE(self->changed[IMG_REGION_ME]);
}

TEST_F(bounds, a_byte_outside_refused)
{
	self->tgt[0x180000] ^= 1;	/* the BIOS region's first byte */
	EXPECT_EQ(-EINVAL, preflight_write_bounds(fd_me, 2, self->cur, self->tgt, CHIP, 4096,
						  self->changed, self->err, sizeof(self->err)));
	EXPECT_STREQ("the target differs from the chip at 0x180000, outside the regions to "
		     "write; nothing was written", self->err);
}

/* 64 KiB erase blocks: an ME change at 0x1000 erases the descriptor too. */
TEST_F(bounds, an_erase_block_reaching_outside_refused)
{
	self->tgt[0x1000] ^= 1;
	EXPECT_EQ(-EINVAL, preflight_write_bounds(&fd_me[1], 1, self->cur, self->tgt, CHIP,
						  0x10000, self->changed, self->err,
						  sizeof(self->err)));
	EXPECT_STREQ("the erase block at 0x000000 (65536 bytes) reaches outside the regions "
		     "to write; nothing was written", self->err);
	/* with the descriptor writable too, the block lies inside the two regions side by side */
	EXPECT_EQ(0, preflight_write_bounds(fd_me, 2, self->cur, self->tgt, CHIP, 0x10000,
					    self->changed, self->err, sizeof(self->err)));
	/* the ME region's last 64 KiB block ends where the BIOS region begins */
	self->tgt[0x17ffff] ^= 1;
	EXPECT_EQ(0, preflight_write_bounds(fd_me, 2, self->cur, self->tgt, CHIP, 0x10000,
					    self->changed, self->err, sizeof(self->err)));
}

/* flashrom's own lines (ichspi.c, libflashrom 1.3) as the backend reads them. */
static const char flashrom_log[] =
	"Found chipset \"Intel Q67\".\n"
	"SPI Configuration is locked down.\n"
	"FREG0: Flash Descriptor region (0x00000000-0x00000fff) is read-only.\n"
	"FREG2: Management Engine region (0x00001000-0x001fffff) is locked.\n"
	"FREG3: Gigabit Ethernet region (0x00300000-0x00301fff) is write-only.\n"
	"FREG1: BIOS region (0x00200000-0x007fffff) is read-write.\n"
	"PR0: Warning: 0x00600000-0x007fffff is read-only.\n"
	"PR1: Warning: 0x00400000-0x00400fff is write-only.\n"
	"GPR0: Warning: 0x00500000-0x00500fff is locked.\n"
	"Not all flash regions are freely accessible by flashrom. This is most likely\n";

TEST(flashrom_lines_are_locks)
{
	static const struct { uint64_t start, end; const char *what; } want[] = {
		{ 0x0, 0x1000, "flashrom: FREG0: Flash Descriptor region (0x00000000-0x00000fff) is read-only." },
		{ 0x1000, 0x200000, "flashrom: FREG2: Management Engine region (0x00001000-0x001fffff) is locked." },
		{ 0x600000, 0x800000, "flashrom: PR0: Warning: 0x00600000-0x007fffff is read-only." },
		{ 0x500000, 0x501000, "flashrom: GPR0: Warning: 0x00500000-0x00500fff is locked." },
	};
	struct host_chip h = {};

	EXPECT_EQ(4u, host_flashrom_locks(&h, flashrom_log));
	ASSERT_EQ(4u, h.n_locks);
	for (unsigned i = 0; i < 4; i++) {
		EXPECT_EQ(want[i].start, h.locks[i].start);
		EXPECT_EQ(want[i].end, h.locks[i].end);
		EXPECT_STREQ(want[i].what, h.locks[i].what);
	}
	/* a region's lock is FLMSTR1 applied (the descriptor says why); a PR is the firmware's */
	EXPECT_STREQ("", h.locks[0].way_out);
	EXPECT_NE(NULL, strstr(h.locks[2].way_out, "Protected Range"));
	/* more than a chip's worth of locks never overruns */
	for (unsigned i = 0; i < 4; i++)
		host_flashrom_locks(&h, flashrom_log);
	EXPECT_EQ((unsigned)PREFLIGHT_LOCKS_MAX, h.n_locks);
}

/* The same lines decide on a descriptor that would allow everything. */
TEST(flashrom_locks_decide)
{
	struct host_chip h = {};
	struct preflight p;
	uint8_t fd[IFD];

	if (descriptor("full_cb_fbg1701_txe2_8M", 0xffff0000, fd) < 0)
		SKIP(return, "SHARED testdata images not available");
	host_flashrom_locks(&h, "PR0: Warning: 0x00600000-0x007fffff is read-only.\n");
	ASSERT_EQ(0, preflight_decide(&p, fd, IFD, h.locks, h.n_locks));
	EXPECT_EQ((int)IMG_HOST_FULL, (int)p.verdict);
	host_flashrom_locks(&h, "FREG2: Management Engine region (0x00001000-0x001fffff) is locked.\n");
	ASSERT_EQ(0, preflight_decide(&p, fd, IFD, h.locks, h.n_locks));
	EXPECT_EQ((int)IMG_HOST_NONE, (int)p.verdict);
	EXPECT_STREQ("no: the controller keeps the ME region from the host: flashrom: FREG2: "
		     "Management Engine region (0x00001000-0x001fffff) is locked.", p.verdict_line);
}

TEST_HARNESS_MAIN
