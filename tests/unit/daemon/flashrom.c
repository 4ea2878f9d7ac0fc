// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of mectld's libflashrom backend (daemon/flashrom.c) on flashrom's dummy
 * programmer, which emulates a W25Q128FV (16 MiB) on an image file and writes the
 * file back when the programmer shuts down: a real descriptor-bearing image
 * ($SHARED/testdata: full_cb_lumpy_me7_8M, fd 0-0xfff, me 0x1000-0x17ffff, bios
 * 0x180000-0x7fffff) padded with 0xFF to 16 MiB. The rules under test:
 *  - the probe names the one chip and its size, and refuses several matches;
 *  - a read returns the file, with progress, and stops when asked to; a range read
 *    returns that range;
 *  - a write changes exactly the bytes of the named regions and says which changed;
 *  - a target that differs outside them, an unknown or absent region, a chip without
 *    a descriptor: refused, the image file untouched (bytes and mtime);
 *  - flashrom's verify failure comes back as -EIO with flashrom's own line;
 *  - `internal` under kernel lockdown or without CAP_SYS_RAWIO is refused before
 *    flashrom is asked.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "kselftest_harness.h"
#include "cleanup.h"
#include "fd.h"
#include "../../../daemon/flashrom.h"

#define MIB (1024u * 1024)
#define CHIP (16 * MIB)
#define ME_START 0x1000u
#define ME_LEN 0x17f000u
#define BIOS_START 0x180000u

/*
 * An emulated chip: a temporary directory holding the image file, the dummy
 * programmer's parameters for it, and the file's bytes as written.
 */
struct bed {
	char dir[64], path[96], params[192];
	size_t size;
	uint8_t *orig;
};

/* Pin the file's mtime to a fixed past second, so any rewrite shows. */
static const struct timespec old_mtime = { .tv_sec = 1000000000 };

/*
 * The test image (xz-compressed in $SHARED/testdata/images) into the bed's file,
 * padded with 0xFF to size, for `emulate=CHIP`. -ENOENT: no test data.
 */
static int bed_init(struct bed *b, const char *image, const char *chip, size_t size)
{
	struct timespec t[2] = { old_mtime, old_mtime };
	const char *shared = getenv("SHARED");
	char cmd[4096];
	size_t n = 0;
	struct stat st;
	int fd, r;

	*b = (struct bed) { .size = size };
	snprintf(b->dir, sizeof(b->dir), "/tmp/mectl-flashrom.XXXXXX");
	if (!shared || !mkdtemp(b->dir))
		return -ENOENT;
	snprintf(b->path, sizeof(b->path), "%s/chip.bin", b->dir);
	snprintf(b->params, sizeof(b->params), "emulate=%s,image=%s", chip, b->path);
	snprintf(cmd, sizeof(cmd), "xz -dc '%s/testdata/images/%s.bin.xz' > '%s' 2>/dev/null",
		 shared, image, b->path);
	if (system(cmd) != 0)
		return -ENOENT;
	fd = open(b->path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || (size_t)st.st_size > size) {
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	r = 0;
	for (size_t left = size - (size_t)st.st_size; left && !r; ) {
		static const uint8_t ff[4096] = { [0 ... 4095] = 0xff };
		size_t k = left < sizeof(ff) ? left : sizeof(ff);

		r = loop_write(fd, ff, k);
		left -= k;
	}
	close(fd);
	if (r < 0 || utimensat(AT_FDCWD, b->path, t, 0) < 0)
		return -EIO;
	r = read_file_at(AT_FDCWD, b->path, SIZE_MAX, &b->orig, &n);
	return r < 0 ? r : n == size ? 0 : -EIO;
}

static void bed_done(struct bed *b)
{
	if (b->path[0])
		unlink(b->path);
	if (b->dir[0])
		rmdir(b->dir);
	free(b->orig);
	b->orig = NULL;
}

/* The image file now (the caller frees it), NULL if it is not the chip's size. */
static uint8_t *bed_file(const struct bed *b)
{
	uint8_t *buf = NULL;
	size_t n = 0;
	int r;

	r = read_file_at(AT_FDCWD, b->path, SIZE_MAX, &buf, &n);
	if (r < 0 || n != b->size) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool mtime_pinned(const struct bed *b)
{
	struct stat st;

	return !stat(b->path, &st) && st.st_mtim.tv_sec == old_mtime.tv_sec &&
	       st.st_mtim.tv_nsec == 0;
}

/* Neither rewritten nor changed. */
static bool bed_untouched(const struct bed *b)
{
	_cleanup_free_ uint8_t *now = bed_file(b);

	return now && !memcmp(now, b->orig, b->size) && mtime_pinned(b);
}

/* Differing bytes of two buffers. */
static size_t diff_count(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += a[i] != b[i];
	return n;
}

struct progress {
	unsigned calls;
	uint64_t last, total;
	bool monotonic;
	unsigned stop_at;	/* 0: never */
};

static int progress_cb(void *userdata, uint64_t done, uint64_t total)
{
	struct progress *p = userdata;

	p->calls++;
	if (done <= p->last)
		p->monotonic = false;
	p->last = done;
	p->total = total;
	return p->stop_at && p->calls == p->stop_at ? -ECANCELED : 0;
}

FIXTURE(dummy) {
	struct bed bed;
	uint8_t *cur;		/* what fr_read returned */
	uint8_t *tgt;		/* a copy of it, for the test to change */
	struct fr_chip chip;
	struct fr_err err;
	struct fr_write_report rep;
};

static const char *const only_me[] = { "me", NULL };

static int open_chip(FIXTURE_DATA(dummy) *self)
{
	struct fr_open_opts o = { .programmer = "dummy", .params = self->bed.params };

	return fr_open(&o, &self->chip, &self->err);
}

/* Open and read the chip into cur and tgt. */
static void open_read(struct __test_metadata *_metadata, FIXTURE_DATA(dummy) *self)
{
	ASSERT_EQ(0, open_chip(self)) TH_LOG("%s", self->err.msg);
	ASSERT_EQ(0, fr_read(&self->chip, self->cur, NULL, NULL, &self->err))
		TH_LOG("%s", self->err.msg);
	memcpy(self->tgt, self->cur, CHIP);
}

FIXTURE_SETUP(dummy)
{
	self->cur = malloc(CHIP);
	self->tgt = malloc(CHIP);
	ASSERT_NE(NULL, self->cur);
	ASSERT_NE(NULL, self->tgt);
	memset(self->cur, 0x5a, CHIP);
	if (bed_init(&self->bed, "full_cb_lumpy_me7_8M", "W25Q128FV", CHIP) < 0)
		SKIP(return, "SHARED testdata images not available");
}

FIXTURE_TEARDOWN(dummy)
{
	fr_close(&self->chip);
	bed_done(&self->bed);
	free(self->cur);
	free(self->tgt);
}

TEST_F(dummy, probe_names_chip_and_size)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	ASSERT_EQ(0, open_chip(self)) TH_LOG("%s", self->err.msg);
	EXPECT_EQ(CHIP, self->chip.size);
	EXPECT_STREQ("W25Q128.V", self->chip.name);
	EXPECT_STREQ("Winbond", self->chip.vendor);
	EXPECT_NE(NULL, strstr(fr_log(&self->chip), "Found Winbond flash chip \"W25Q128.V\""));
}

TEST_F(dummy, second_handle_busy)
{
	struct fr_open_opts o = { .programmer = "dummy", .params = self->bed.params };
	struct fr_chip other;
	struct fr_err err;

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	ASSERT_EQ(0, fr_open(&o, &self->chip, &self->err));
	EXPECT_EQ(-EBUSY, fr_open(&o, &other, &err));
	EXPECT_NE(NULL, strstr(err.msg, "already drives programmer dummy")) TH_LOG("%s", err.msg);
	fr_close(&other);
	/* the first handle still works */
	EXPECT_EQ(0, fr_read(&self->chip, self->cur, NULL, NULL, &self->err));
	EXPECT_EQ(0, memcmp(self->cur, self->bed.orig, CHIP));
}

TEST_F(dummy, read_equals_file_with_progress)
{
	struct progress p = { .monotonic = true };

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	ASSERT_EQ(0, open_chip(self));
	ASSERT_EQ(0, fr_read(&self->chip, self->cur, progress_cb, &p, &self->err))
		TH_LOG("%s", self->err.msg);
	EXPECT_EQ(0, memcmp(self->cur, self->bed.orig, CHIP));
	EXPECT_EQ(16u, p.calls);
	EXPECT_TRUE(p.monotonic);
	EXPECT_EQ(CHIP, p.last);
	EXPECT_EQ(CHIP, p.total);
}

TEST_F(dummy, read_stops_when_asked)
{
	struct progress p = { .monotonic = true, .stop_at = 3 };

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	ASSERT_EQ(0, open_chip(self));
	EXPECT_EQ(-ECANCELED, fr_read(&self->chip, self->cur, progress_cb, &p, &self->err));
	EXPECT_EQ(3u, p.calls);
	EXPECT_EQ(3 * MIB, p.last);
	/* nothing beyond the third step was read */
	EXPECT_EQ(0, memcmp(self->cur, self->bed.orig, 3 * MIB));
	EXPECT_EQ(0x5a, self->cur[3 * MIB]);
	EXPECT_EQ(0x5a, self->cur[CHIP - 1]);
}

/* A range: its bytes of the file, nothing around them; one outside the chip refused. */
TEST_F(dummy, read_range_is_that_range)
{
	static const struct { uint64_t off, len; } ok[] = {
		{ 0, 4096 }, { ME_START + 3, 77 }, { CHIP - 5, 5 }, { 0, CHIP - 1 },
	};
	static const struct { uint64_t off, len; } bad[] = {
		{ 0, 0 }, { CHIP, 1 }, { CHIP - 5, 6 }, { UINT64_MAX, 2 },
	};

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	ASSERT_EQ(0, open_chip(self));
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(self->cur, 0x5a, CHIP);
		ASSERT_EQ(0, fr_read_range(&self->chip, ok[i].off, ok[i].len, self->cur + 1,
					   &self->err)) TH_LOG("%s", self->err.msg);
		EXPECT_EQ(0, memcmp(self->cur + 1, self->bed.orig + ok[i].off, ok[i].len));
		EXPECT_EQ(0x5a, self->cur[0]);
		if (ok[i].len < CHIP - 1)
			EXPECT_EQ(0x5a, self->cur[1 + ok[i].len]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, fr_read_range(&self->chip, bad[i].off, bad[i].len, self->cur,
						 &self->err));
		EXPECT_NE(NULL, strstr(self->err.msg, "is not on the chip")) TH_LOG("%s", self->err.msg);
	}
}

TEST_F(dummy, write_me_changes_exactly_me)
{
	_cleanup_free_ uint8_t *after = NULL;
	size_t changed;

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	open_read(_metadata, self);
	for (size_t i = 0x2000; i < 0x3000; i++)	/* one erase block, inside ME */
		self->tgt[i] ^= 0xff;
	self->tgt[ME_START] ^= 0x01;				/* the region's edges */
	self->tgt[ME_START + ME_LEN - 1] ^= 0x80;
	changed = diff_count(self->cur, self->tgt, CHIP);
	ASSERT_EQ(0x1000u + 2, changed);

	ASSERT_EQ(0, fr_write(&self->chip, self->cur, self->tgt, only_me, &self->rep, &self->err))
		TH_LOG("%s\n%s", self->err.msg, fr_log(&self->chip));
	ASSERT_EQ(1u, self->rep.n);
	EXPECT_STREQ("me", self->rep.region[0].name);
	EXPECT_EQ(ME_START, self->rep.region[0].start);
	EXPECT_EQ(ME_LEN, self->rep.region[0].len);
	EXPECT_EQ(changed, self->rep.region[0].bytes_changed);
	EXPECT_EQ(1u, self->rep.written);
	EXPECT_TRUE(self->rep.verified);
	EXPECT_NE(NULL, strstr(fr_log(&self->chip), "VERIFIED."));
	fr_close(&self->chip);

	after = bed_file(&self->bed);
	ASSERT_NE(NULL, after);
	EXPECT_EQ(changed, diff_count(self->bed.orig, after, CHIP));
	EXPECT_EQ(0, memcmp(after, self->tgt, CHIP));
	EXPECT_FALSE(mtime_pinned(&self->bed));
}

TEST_F(dummy, write_me_and_fd_reports_both)
{
	static const char *const me_fd[] = { "me", "fd", NULL };
	_cleanup_free_ uint8_t *after = NULL;

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	open_read(_metadata, self);
	self->tgt[0x100000] ^= 0x55;		/* ME */
	self->tgt[0xf00] ^= 0x0f;		/* descriptor, past its regions' fields */
	ASSERT_EQ(0, fr_write(&self->chip, self->cur, self->tgt, me_fd, &self->rep, &self->err))
		TH_LOG("%s", self->err.msg);
	ASSERT_EQ(2u, self->rep.n);
	EXPECT_STREQ("me", self->rep.region[0].name);
	EXPECT_STREQ("fd", self->rep.region[1].name);
	EXPECT_EQ(0u, self->rep.region[1].start);
	EXPECT_EQ(0x1000u, self->rep.region[1].len);
	EXPECT_EQ(1u, self->rep.region[0].bytes_changed);
	EXPECT_EQ(1u, self->rep.region[1].bytes_changed);
	EXPECT_EQ(2u, self->rep.written);
	fr_close(&self->chip);
	after = bed_file(&self->bed);
	ASSERT_NE(NULL, after);
	EXPECT_EQ(0, memcmp(after, self->tgt, CHIP));
	EXPECT_EQ(2u, diff_count(self->bed.orig, after, CHIP));
}

TEST_F(dummy, write_reports_only_changed_regions)
{
	static const char *const me_fd[] = { "me", "fd", NULL };

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	open_read(_metadata, self);
	self->tgt[0x100000] ^= 0x55;
	ASSERT_EQ(0, fr_write(&self->chip, self->cur, self->tgt, me_fd, &self->rep, &self->err));
	EXPECT_EQ(2u, self->rep.n);
	EXPECT_EQ(1u, self->rep.written);
	EXPECT_EQ(1u, self->rep.region[0].bytes_changed);
	EXPECT_EQ(0u, self->rep.region[1].bytes_changed);
}

TEST_F(dummy, target_differs_in_bios_refused)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	open_read(_metadata, self);
	self->tgt[0x2000] ^= 0xff;			/* ME: allowed */
	self->tgt[BIOS_START + 0x80000] = 0x00;	/* BIOS: not named */
	EXPECT_EQ(-EINVAL, fr_write(&self->chip, self->cur, self->tgt, only_me, &self->rep, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "at 0x200000 (region bios)")) TH_LOG("%s", self->err.msg);
	EXPECT_NE(NULL, strstr(self->err.msg, "outside the regions to write"));
	EXPECT_FALSE(self->rep.verified);
	EXPECT_EQ(NULL, strstr(fr_log(&self->chip), "Erasing and writing"));
	fr_close(&self->chip);
	EXPECT_TRUE(bed_untouched(&self->bed));
}

TEST_F(dummy, target_differs_beyond_regions_refused)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	open_read(_metadata, self);
	self->tgt[CHIP - 1] = 0x00;			/* the padding: no descriptor region */
	EXPECT_EQ(-EINVAL, fr_write(&self->chip, self->cur, self->tgt, only_me, &self->rep, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "at 0xffffff (no region)")) TH_LOG("%s", self->err.msg);
	fr_close(&self->chip);
	EXPECT_TRUE(bed_untouched(&self->bed));
}

TEST_F(dummy, bad_region_names_refused)
{
	static const char *const unknown[] = { "me", "xx", NULL };
	static const char *const absent[] = { "gbe", NULL };
	static const char *const twice[] = { "me", "me", NULL };
	static const char *const none[] = { NULL };

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	open_read(_metadata, self);
	self->tgt[0x2000] ^= 0xff;
	EXPECT_EQ(-EINVAL, fr_write(&self->chip, self->cur, self->tgt, unknown, &self->rep, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "unknown descriptor region 'xx'"));
	EXPECT_EQ(-ENOENT, fr_write(&self->chip, self->cur, self->tgt, absent, &self->rep, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "the descriptor has no region 'gbe'"));
	EXPECT_EQ(-EINVAL, fr_write(&self->chip, self->cur, self->tgt, twice, &self->rep, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "region 'me' named twice"));
	EXPECT_EQ(-EINVAL, fr_write(&self->chip, self->cur, self->tgt, none, &self->rep, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "no region to write named"));
	fr_close(&self->chip);
	EXPECT_TRUE(bed_untouched(&self->bed));
}

TEST_F(dummy, stale_current_fails_verify)
{
	_cleanup_free_ uint8_t *stale = malloc(CHIP);

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	ASSERT_NE(NULL, stale);
	open_read(_metadata, self);
	/*
	 * current claims the byte at 0x5000 is already what the target wants; the chip
	 * holds something else there. flashrom trusts current, skips it, and its verify
	 * of the ME region finds the byte.
	 */
	memcpy(stale, self->cur, CHIP);
	stale[0x5000] = (uint8_t)~self->cur[0x5000];
	memcpy(self->tgt, stale, CHIP);
	self->tgt[0x2000] ^= 0xff;
	EXPECT_EQ(-EIO, fr_write(&self->chip, stale, self->tgt, only_me, &self->rep, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "the verify failed")) TH_LOG("%s", self->err.msg);
	EXPECT_NE(NULL, strstr(self->err.msg, "FAILED at 0x00005000")) TH_LOG("%s", self->err.msg);
	EXPECT_EQ(NULL, strchr(self->err.msg, '\n'));
	EXPECT_FALSE(self->rep.verified);
	EXPECT_EQ(1u, self->rep.written);
}

/*
 * current claims a BIOS byte the chip does not hold, target agrees with current: the
 * BIOS region is outside the layout, so flashrom neither writes nor verifies it (a
 * whole-chip layout would make its verify fail there).
 */
TEST_F(dummy, layout_limits_write_and_verify)
{
	_cleanup_free_ uint8_t *stale = malloc(CHIP);
	_cleanup_free_ uint8_t *after = NULL;

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	ASSERT_NE(NULL, stale);
	open_read(_metadata, self);
	memcpy(stale, self->cur, CHIP);
	stale[BIOS_START + 0x80000] = (uint8_t)~self->cur[BIOS_START + 0x80000];
	memcpy(self->tgt, stale, CHIP);
	self->tgt[0x2000] ^= 0xff;
	ASSERT_EQ(0, fr_write(&self->chip, stale, self->tgt, only_me, &self->rep, &self->err))
		TH_LOG("%s", self->err.msg);
	EXPECT_TRUE(self->rep.verified);
	fr_close(&self->chip);
	after = bed_file(&self->bed);
	ASSERT_NE(NULL, after);
	EXPECT_EQ(self->bed.orig[BIOS_START + 0x80000], after[BIOS_START + 0x80000]);
	EXPECT_EQ(self->tgt[0x2000], after[0x2000]);
	EXPECT_EQ(1u, diff_count(self->bed.orig, after, CHIP));
}

TEST_F(dummy, stale_descriptor_refused)
{
	_cleanup_free_ uint8_t *stale = malloc(CHIP);

	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	ASSERT_NE(NULL, stale);
	open_read(_metadata, self);
	memcpy(stale, self->cur, CHIP);
	memset(stale, 0xff, 0x1000);		/* "current" without the chip's descriptor */
	EXPECT_EQ(-ESTALE, fr_write(&self->chip, stale, stale, only_me, &self->rep, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "do not start with the chip's first 4096 bytes"))
		TH_LOG("%s", self->err.msg);
	fr_close(&self->chip);
	EXPECT_TRUE(bed_untouched(&self->bed));
}

/* A chip image without a descriptor: an ME region image alone, then 0xFF. */
TEST(no_descriptor)
{
	_cleanup_free_ uint8_t *cur = malloc(CHIP);
	struct fr_write_report rep;
	struct fr_chip chip = {};
	struct fr_err err;
	struct bed b;
	struct fr_open_opts o = { .programmer = "dummy", .params = b.params };

	ASSERT_NE(NULL, cur);
	if (bed_init(&b, "cb_google_link_me", "W25Q128FV", CHIP) < 0) {
		bed_done(&b);
		SKIP(return, "SHARED testdata images not available");
	}
	ASSERT_EQ(0, fr_open(&o, &chip, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, fr_read(&chip, cur, NULL, NULL, &err));
	EXPECT_EQ(0, memcmp(cur, b.orig, CHIP));
	cur[0x2000] ^= 0xff;
	EXPECT_EQ(-ENODATA, fr_write(&chip, b.orig, cur, only_me, &rep, &err));
	EXPECT_NE(NULL, strstr(err.msg, "no Intel flash descriptor on the chip")) TH_LOG("%s", err.msg);
	EXPECT_NE(NULL, strstr(err.msg, "Couldn't parse the descriptor!"));
	EXPECT_EQ(0u, rep.n);
	fr_close(&chip);
	EXPECT_TRUE(bed_untouched(&b));
	bed_done(&b);
}

/* MX25L6436 shares its ID with MX25L6405 and MX25L6405D in flashrom's table. */
TEST(several_chips_match)
{
	struct fr_chip chip = {};
	struct fr_err err;
	struct bed b;
	struct fr_open_opts o = { .programmer = "dummy", .params = b.params };

	if (bed_init(&b, "full_cb_lumpy_me7_8M", "MX25L6436", 8 * MIB) < 0) {
		bed_done(&b);
		SKIP(return, "SHARED testdata images not available");
	}
	EXPECT_EQ(-ENOTUNIQ, fr_open(&o, &chip, &err));
	EXPECT_NE(NULL, strstr(err.msg, "several flash chip definitions match")) TH_LOG("%s", err.msg);
	EXPECT_NE(NULL, strstr(err.msg, "(MX25L6405, MX25L6405D)")) TH_LOG("%s", err.msg);
	fr_close(&chip);

	o.chip = "MX25L6405D";
	EXPECT_EQ(0, fr_open(&o, &chip, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("MX25L6405D", chip.name);
	EXPECT_EQ(8 * MIB, chip.size);
	fr_close(&chip);

	o.chip = "W25Q128.V";
	EXPECT_EQ(-ENODEV, fr_open(&o, &chip, &err));
	EXPECT_STREQ("no flash chip W25Q128.V found on programmer dummy", err.msg);
	fr_close(&chip);
	EXPECT_TRUE(bed_untouched(&b));
	bed_done(&b);
}

TEST(bad_programmer_params)
{
	struct fr_open_opts o = { .programmer = "dummy", .params = "emulate=NOSUCHCHIP" };
	struct fr_chip chip;
	struct fr_err err;

	EXPECT_EQ(-EIO, fr_open(&o, &chip, &err));
	EXPECT_NE(NULL, strstr(err.msg, "programmer dummy failed to start: ")) TH_LOG("%s", err.msg);
	EXPECT_NE(NULL, strstr(err.msg, "NOSUCHCHIP")) TH_LOG("%s", err.msg);
	fr_close(&chip);
	/* flashrom says this one at its information level */
	o.programmer = "nosuch";
	EXPECT_EQ(-EIO, fr_open(&o, &chip, &err));
	EXPECT_STREQ("programmer nosuch failed to start: Error: Unknown programmer \"nosuch\". Valid choices are:",
		     err.msg);
	fr_close(&chip);
	o.programmer = "";
	EXPECT_EQ(-EINVAL, fr_open(&o, &chip, &err));
	EXPECT_STREQ("no programmer named", err.msg);
	fr_close(&chip);
}

/* fr_open("internal") with the lockdown file saying content; its result in err. */
static int open_internal(const char *content, struct fr_chip *chip, struct fr_err *err)
{
	char path[] = "/tmp/mectl-lockdown.XXXXXX";
	struct fr_open_opts o = { .programmer = "internal", .lockdown_path = path };
	int fd = mkstemp(path), r;

	if (fd < 0)
		return -errno;
	r = loop_write(fd, content, strlen(content));
	close(fd);
	if (r == 0)
		r = fr_open(&o, chip, err);
	unlink(path);
	return r;
}

TEST(internal_under_lockdown_refused)
{
	static const char *const modes[][2] = {
		{ "none [integrity] confidentiality\n", "lockdown (integrity)" },
		{ "none integrity [confidentiality]\n", "lockdown (confidentiality)" },
	};

	for (size_t i = 0; i < 2; i++) {
		struct fr_chip chip;
		struct fr_err err;

		EXPECT_EQ(-EPERM, open_internal(modes[i][0], &chip, &err));
		EXPECT_NE(NULL, strstr(err.msg, "programmer internal needs /dev/mem and port I/O"));
		EXPECT_NE(NULL, strstr(err.msg, modes[i][1])) TH_LOG("%s", err.msg);
		EXPECT_NE(NULL, strstr(err.msg, "spi-intel writeable=1"));
		EXPECT_NE(NULL, strstr(err.msg, "boot with lockdown off"));
		/* flashrom was never asked: it said nothing, nothing is open */
		EXPECT_STREQ("", fr_log(&chip));
		EXPECT_FALSE(chip.prog_up);
		fr_close(&chip);
	}
}

/* Without CAP_SYS_RAWIO (dropped in a child), lockdown off: refused all the same. */
TEST(internal_without_cap_sys_rawio_refused)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};
		struct fr_chip chip;
		struct fr_err err;
		int r;

		if (syscall(SYS_capget, &h, d) < 0)
			_exit(10);
		d[CAP_TO_INDEX(CAP_SYS_RAWIO)].effective &= ~CAP_TO_MASK(CAP_SYS_RAWIO);
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(11);
		r = open_internal("[none] integrity confidentiality\n", &chip, &err);
		if (r != -EPERM)
			_exit(12);
		if (!strstr(err.msg, "which need CAP_SYS_RAWIO") || !strstr(err.msg, "spi-intel"))
			_exit(13);
		if (fr_log(&chip)[0] || chip.prog_up)
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
