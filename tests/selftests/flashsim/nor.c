// SPDX-License-Identifier: GPL-2.0
/*
 * flashsim NOR semantics over raw spidev ioctls, checked against the
 * debugfs backing store: IDs, reads, WEL, page program (wrap, only clears
 * bits), erases, block protection, 4-byte addressing across 16 MiB, SFDP,
 * WP# and HOLD# (undriven, floating low), fault knobs, counters, the timing
 * model and removal with spidev open.
 *
 * Every test loads flashsim (bus_num=0) itself and unloads it afterwards.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/spi/spidev.h>

#include "kselftest_harness.h"
#include "../lib.h"

#define SPIDEV		"/dev/spidev0.0"
#define DBG		"/sys/kernel/debug/flashsim/"
#define PARAMS		"/sys/module/flashsim/parameters/"
#define PAGE		256
#define MIB		(1024 * 1024)
#define SZ_16M		(16 * MIB)

/* Also whatever another area's test may have left on spi0.0. */
static void unload(void)
{
	run("rmmod mectl_flash 2>/dev/null; rmmod flashsim 2>/dev/null");
}

/* Load flashsim on bus 0 and wait for /dev/spidev0.0; returns an open fd. */
static int load(const char *chip, const char *extra)
{
	uint32_t speed = 8000000;
	uint8_t mode = SPI_MODE_0;
	int i, fd;

	unload();
	if (run("modprobe flashsim bus_num=0 chip=%s %s", chip, extra ? extra : ""))
		return -1;
	for (i = 0; i < 100; i++) {
		fd = open(SPIDEV, O_RDWR);
		if (fd >= 0)
			break;
		usleep(20000);
	}
	if (fd < 0)
		return -1;
	if (ioctl(fd, SPI_IOC_WR_MODE, &mode) < 0 ||
	    ioctl(fd, SPI_IOC_WR_MAX_SPEED_HZ, &speed) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int xfer(int fd, const void *tx, size_t txlen, void *rx, size_t rxlen);
static int send(int fd, int n, ...);

/* The chip= of the loaded module, "" when none is loaded. */
static void loaded_chip(char *buf, size_t len)
{
	FILE *f = fopen(DBG "state", "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fscanf(f, "chip %31s", buf) != 1)
		buf[0] = '\0';
	fclose(f);
	(void)len;
}

/*
 * Loading and unloading costs about a second under TCG, so tests of the same
 * model share one load: the chip goes back to its power-up state (knobs off,
 * model parameters off, volatile state reset, status registers cleared
 * through the SPI path, counters zeroed). Tests preload every byte they check.
 */
static int attach(const char *chip)
{
	uint32_t speed = 8000000;
	uint8_t mode = SPI_MODE_0;
	char cur[32];
	int fd;

	loaded_chip(cur, sizeof(cur));
	if (strcmp(cur, chip))
		return load(chip, NULL);
	if (write_file(DBG "flip_rate", "0") || write_file(DBG "stuck_addr", "-1") ||
	    write_file(DBG "erase_fail", "0") || write_file(DBG "stuck_busy", "0") ||
	    write_file(DBG "absent", "0") || write_file(DBG "wp_floats_low", "0") ||
	    write_file(DBG "hold_floats_low", "0") || write_file(PARAMS "timing", "0") ||
	    write_file(PARAMS "clock_hz", "0") || write_file(DBG "jedec_override", "\n") ||
	    write_file(DBG "power_cycle", "1"))
		return -1;
	fd = open(SPIDEV, O_RDWR);
	if (fd < 0)
		return load(chip, NULL);
	if (ioctl(fd, SPI_IOC_WR_MODE, &mode) < 0 ||
	    ioctl(fd, SPI_IOC_WR_MAX_SPEED_HZ, &speed) < 0 ||
	    send(fd, 1, 0x06) || send(fd, 2, 0x01, 0x00) ||
	    send(fd, 1, 0x06) || send(fd, 2, 0x31, 0x00) ||
	    send(fd, 1, 0x06) || send(fd, 2, 0x11, 0x60) || send(fd, 1, 0x04) ||
	    write_file(DBG "stats", "0")) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The last test leaves nothing loaded (the harness forks; this is the parent). */
static void __attribute__((destructor)) unload_at_exit(void)
{
	unload();
}

/* One CS-low frame: tx bytes out, then rx bytes in (flashrom's shape). */
static int xfer(int fd, const void *tx, size_t txlen, void *rx, size_t rxlen)
{
	struct spi_ioc_transfer t[2];
	int n = 0;

	memset(t, 0, sizeof(t));
	t[n].tx_buf = (uintptr_t)tx;
	t[n].len = txlen;
	n++;
	if (rxlen) {
		t[n].rx_buf = (uintptr_t)rx;
		t[n].len = rxlen;
		n++;
	}
	return ioctl(fd, SPI_IOC_MESSAGE(n), t) < 0 ? -errno : 0;
}

/* A write-only frame of n bytes given as arguments. */
static int send(int fd, int n, ...)
{
	uint8_t b[16];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n && i < (int)sizeof(b); i++)
		b[i] = va_arg(ap, int);
	va_end(ap);
	return xfer(fd, b, i, NULL, 0);
}

static int cmd1(int fd, uint8_t op)
{
	return xfer(fd, &op, 1, NULL, 0);
}

static uint8_t rdreg(int fd, uint8_t op)
{
	uint8_t v = 0xa5;

	xfer(fd, &op, 1, &v, 1);
	return v;
}

static size_t put_addr(uint8_t *b, uint32_t addr, int alen)
{
	int i;

	for (i = 0; i < alen; i++)
		b[i] = addr >> (8 * (alen - 1 - i));
	return alen;
}

static int rd(int fd, uint8_t op, uint32_t addr, int alen, int dummy,
	      void *buf, size_t len)
{
	uint8_t h[8] = { op };
	size_t n = 1 + put_addr(h + 1, addr, alen);

	memset(h + n, 0, dummy);
	return xfer(fd, h, n + dummy, buf, len);
}

static int wrsr(int fd, uint8_t op, const uint8_t *v, size_t len)
{
	uint8_t b[4] = { op };

	memcpy(b + 1, v, len);
	cmd1(fd, 0x06);
	return xfer(fd, b, 1 + len, NULL, 0);
}

/* Program without WREN: the caller decides. */
static int pp_raw(int fd, uint8_t op, uint32_t addr, int alen,
		  const void *data, size_t len)
{
	uint8_t b[4096 + 8] = { op };
	size_t n = 1 + put_addr(b + 1, addr, alen);

	memcpy(b + n, data, len);
	return xfer(fd, b, n + len, NULL, 0);
}

static int pp(int fd, uint8_t op, uint32_t addr, int alen, const void *data,
	      size_t len)
{
	cmd1(fd, 0x06);
	return pp_raw(fd, op, addr, alen, data, len);
}

static int erase(int fd, uint8_t op, uint32_t addr, int alen)
{
	uint8_t b[8] = { op };
	size_t n = 1 + put_addr(b + 1, addr, alen);

	cmd1(fd, 0x06);
	return xfer(fd, b, n, NULL, 0);
}

static int dbg_rw(int write, uint32_t off, void *buf, size_t len)
{
	int fd = open(DBG "data", write ? O_WRONLY : O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);
	close(fd);
	return r == (ssize_t)len ? 0 : -EIO;
}

#define dbg_read(off, buf, len)		dbg_rw(0, off, buf, len)
#define dbg_write(off, buf, len)	dbg_rw(1, off, (void *)(buf), len)

static int knob(const char *name, long long v)
{
	char path[128], val[32];

	snprintf(path, sizeof(path), DBG "%s", name);
	snprintf(val, sizeof(val), "%lld\n", v);
	return write_file(path, val);
}

/* A "key value" line of stats/state, or "op 0xNN NAME count" by key "0xNN". */
static long long dbg_value(const char *file, const char *key)
{
	char path[128], line[128], k[64], name[64];
	long long v, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), DBG "%s", file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "op %63s %63s %lld", k, name, &v) == 3 ||
		    sscanf(line, "%63s %lli", k, &v) == 2) {
			if (!strcmp(k, key)) {
				found = v;
				break;
			}
		}
	}
	fclose(f);
	return found;
}

static long long stat_op(uint8_t op)
{
	char key[8];
	long long v;

	snprintf(key, sizeof(key), "0x%02x", op);
	v = dbg_value("stats", key);
	return v < 0 ? 0 : v;
}

static void fill_random(void *buf, size_t len)
{
	static unsigned int seed = 12345;
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = rand_r(&seed) >> 7;
}

static int all_bytes(const uint8_t *b, size_t len, uint8_t v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != v)
			return 0;
	return 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------ */

FIXTURE(nor) {
	int fd;
};

FIXTURE_VARIANT(nor) {
	const char *chip;
	uint8_t id[3];
	uint32_t size;
	int sfdp_minor;		/* -1: no SFDP */
	int sr23;
	int be32;
	uint32_t bp1_len;	/* protected by BP0 = 1 */
	int tb_bit;		/* SR1 bit of TB, 0 if none */
	int four;		/* 256 Mbit: 3 or 4 address bytes in BFPT */
};

FIXTURE_VARIANT_ADD(nor, w25q64fv) {
	.chip = "w25q64fv", .id = { 0xef, 0x40, 0x17 }, .size = 8 * MIB,
	.sfdp_minor = 0, .sr23 = 1, .be32 = 1, .bp1_len = 128 * 1024,
	.tb_bit = 5,
};

FIXTURE_VARIANT_ADD(nor, w25q128fv) {
	.chip = "w25q128fv", .id = { 0xef, 0x40, 0x18 }, .size = 16 * MIB,
	.sfdp_minor = 0, .sr23 = 1, .be32 = 1, .bp1_len = 256 * 1024,
	.tb_bit = 5,
};

FIXTURE_VARIANT_ADD(nor, w25q256fv) {
	.chip = "w25q256fv", .id = { 0xef, 0x40, 0x19 }, .size = 32 * MIB,
	.sfdp_minor = 0, .sr23 = 1, .be32 = 1, .bp1_len = 64 * 1024,
	.tb_bit = 6, .four = 1,
};

FIXTURE_VARIANT_ADD(nor, w25q256jv) {
	.chip = "w25q256jv", .id = { 0xef, 0x40, 0x19 }, .size = 32 * MIB,
	.sfdp_minor = 5, .sr23 = 1, .be32 = 1, .bp1_len = 64 * 1024,
	.tb_bit = 6, .four = 1,
};

FIXTURE_VARIANT_ADD(nor, mx25l6406e) {
	.chip = "mx25l6406e", .id = { 0xc2, 0x20, 0x17 }, .size = 8 * MIB,
	.sfdp_minor = -1, .sr23 = 0, .be32 = 0, .bp1_len = 64 * 1024,
	.tb_bit = 0,
};

FIXTURE_SETUP(nor)
{
	if (geteuid())
		SKIP(return, "needs root");
	self->fd = attach(variant->chip);
	ASSERT_LE(0, self->fd) TH_LOG("modprobe flashsim chip=%s failed", variant->chip);
}

FIXTURE_TEARDOWN(nor)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(nor, rdid_and_debugfs_size)
{
	uint8_t id[6];
	struct stat st;

	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, sizeof(id)));
	ASSERT_EQ(0, memcmp(id, variant->id, 3));
	/* The ID repeats while the clock runs. */
	ASSERT_EQ(0, memcmp(id + 3, variant->id, 3));
	ASSERT_EQ(0, stat(DBG "data", &st));
	ASSERT_EQ(variant->size, st.st_size);
}

TEST_F(nor, reads_match_debugfs_and_wrap)
{
	static uint8_t pre[8192], a[4096], b[4096];
	uint32_t off = variant->size / 2 - 4096;

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(off, pre, sizeof(pre)));
	ASSERT_EQ(0, rd(self->fd, 0x03, off + 100, 3, 0, a, 4000));
	ASSERT_EQ(0, memcmp(a, pre + 100, 4000));
	ASSERT_EQ(0, rd(self->fd, 0x0b, off + 4000, 3, 1, b, 4000));
	ASSERT_EQ(0, memcmp(b, pre + 4000, 4000));

	/* Reading past the last byte continues at address 0. */
	ASSERT_EQ(0, dbg_write(variant->size - 16, pre, 16));
	ASSERT_EQ(0, dbg_write(0, pre + 16, 16));
	if (variant->size > SZ_16M) {
		ASSERT_EQ(0, rd(self->fd, 0x13, variant->size - 16, 4, 0, a, 32));
	} else {
		ASSERT_EQ(0, rd(self->fd, 0x03, variant->size - 16, 3, 0, a, 32));
	}
	ASSERT_EQ(0, memcmp(a, pre, 32));
}

TEST_F(nor, wel_set_cleared_and_required)
{
	uint8_t data[PAGE], back[PAGE], ff[PAGE];
	long long before;

	memset(ff, 0xff, sizeof(ff));
	memset(data, 0x5a, sizeof(data));
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x03);
	ASSERT_EQ(0, cmd1(self->fd, 0x06));
	ASSERT_EQ(0x02, rdreg(self->fd, 0x05) & 0x03);
	ASSERT_EQ(0, cmd1(self->fd, 0x04));
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x02);

	/* Without WEL neither program nor erase has any effect. */
	ASSERT_EQ(0, dbg_write(0x10000, ff, PAGE));
	before = dbg_value("stats", "ignored_wel");
	ASSERT_EQ(0, pp_raw(self->fd, 0x02, 0x10000, 3, data, PAGE));
	ASSERT_EQ(0, dbg_read(0x10000, back, PAGE));
	ASSERT_EQ(0, memcmp(back, ff, PAGE));
	ASSERT_EQ(0, dbg_write(0x20000, data, PAGE));
	ASSERT_EQ(0, send(self->fd, 4, 0x20, 0x02, 0x00, 0x00));
	ASSERT_EQ(0, dbg_read(0x20000, back, PAGE));
	ASSERT_EQ(0, memcmp(back, data, PAGE));
	ASSERT_EQ(before + 2, dbg_value("stats", "ignored_wel"));

	/* A program clears WEL. */
	ASSERT_EQ(0, pp(self->fd, 0x02, 0x10000, 3, data, PAGE));
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x03);
	ASSERT_EQ(0, dbg_read(0x10000, back, PAGE));
	ASSERT_EQ(0, memcmp(back, data, PAGE));
}

TEST_F(nor, program_only_clears_bits)
{
	uint8_t old[PAGE], data[PAGE], back[PAGE];
	int i;

	fill_random(old, sizeof(old));
	fill_random(data, sizeof(data));
	ASSERT_EQ(0, dbg_write(0x30000, old, PAGE));
	ASSERT_EQ(0, pp(self->fd, 0x02, 0x30000, 3, data, PAGE));
	ASSERT_EQ(0, dbg_read(0x30000, back, PAGE));
	for (i = 0; i < PAGE; i++) {
		ASSERT_EQ(old[i] & data[i], back[i]) TH_LOG("byte %d", i);
	}
}

TEST_F(nor, program_wraps_inside_the_page)
{
	uint8_t ff[3 * PAGE], data[300], back[3 * PAGE];
	uint32_t page = 0x40100;
	int i;

	memset(ff, 0xff, sizeof(ff));
	fill_random(data, sizeof(data));
	/* 32 bytes from offset 0xF0: 16 at the end, 16 at the page start. */
	ASSERT_EQ(0, dbg_write(page - PAGE, ff, sizeof(ff)));
	ASSERT_EQ(0, pp(self->fd, 0x02, page + 0xf0, 3, data, 32));
	ASSERT_EQ(0, dbg_read(page - PAGE, back, sizeof(back)));
	ASSERT_TRUE(all_bytes(back, PAGE, 0xff));		/* page before */
	ASSERT_TRUE(all_bytes(back + 2 * PAGE, PAGE, 0xff));	/* page after */
	ASSERT_EQ(0, memcmp(back + PAGE + 0xf0, data, 16));
	ASSERT_EQ(0, memcmp(back + PAGE, data + 16, 16));
	ASSERT_TRUE(all_bytes(back + PAGE + 16, 0xf0 - 16, 0xff));

	/* 300 bytes from the page start: the last 44 replace the first 44. */
	ASSERT_EQ(0, dbg_write(page - PAGE, ff, sizeof(ff)));
	ASSERT_EQ(0, pp(self->fd, 0x02, page, 3, data, sizeof(data)));
	ASSERT_EQ(0, dbg_read(page, back, PAGE));
	for (i = 0; i < 44; i++) {
		ASSERT_EQ(data[PAGE + i], back[i]);
	}
	ASSERT_EQ(0, memcmp(back + 44, data + 44, PAGE - 44));
}

static void check_erase(struct __test_metadata *_metadata, int fd, uint8_t op,
			uint32_t size, int supported)
{
	static uint8_t pre[3 * 65536], back[3 * 65536];
	uint32_t base = 0x100000;

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(base, pre, sizeof(pre)));
	/* Any address inside the block erases the whole block. */
	ASSERT_EQ(0, erase(fd, op, base + 65536 + 1234, 3));
	ASSERT_EQ(0, dbg_read(base, back, sizeof(back)));
	ASSERT_EQ(0, memcmp(back, pre, 65536));
	if (!supported) {
		ASSERT_EQ(0, memcmp(back, pre, sizeof(back)));
		return;
	}
	ASSERT_TRUE(all_bytes(back + 65536, size, 0xff));
	ASSERT_EQ(0, memcmp(back + 65536 + size, pre + 65536 + size,
			    sizeof(pre) - 65536 - size));
	ASSERT_EQ(0, rdreg(fd, 0x05) & 0x03);
}

TEST_F(nor, erase_4k)
{
	check_erase(_metadata, self->fd, 0x20, 4096, 1);
}

TEST_F(nor, erase_32k)
{
	check_erase(_metadata, self->fd, 0x52, 32768, variant->be32);
}

TEST_F(nor, erase_64k)
{
	check_erase(_metadata, self->fd, 0xd8, 65536, 1);
}

TEST_F(nor, chip_erase_c7_and_60)
{
	uint8_t *buf = malloc(variant->size);
	static const uint8_t ops[] = { 0xc7, 0x60 };
	unsigned int i;

	ASSERT_NE(NULL, buf);
	for (i = 0; i < sizeof(ops); i++) {
		fill_random(buf, 4096);
		ASSERT_EQ(0, dbg_write(0, buf, 4096));
		ASSERT_EQ(0, dbg_write(variant->size - 4096, buf, 4096));
		ASSERT_EQ(0, cmd1(self->fd, 0x06));
		ASSERT_EQ(0, cmd1(self->fd, ops[i]));
		ASSERT_EQ(0, dbg_read(0, buf, variant->size));
		ASSERT_TRUE(all_bytes(buf, variant->size, 0xff)) TH_LOG("op %02x", ops[i]);
	}
	free(buf);
}

TEST_F(nor, cs_must_rise_right_after_the_command)
{
	uint8_t pre[4096], back[4096];
	uint8_t se_extra[5] = { 0x20, 0x05, 0x00, 0x00, 0x00 };

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(0x50000, pre, sizeof(pre)));
	ASSERT_EQ(0, cmd1(self->fd, 0x06));
	ASSERT_EQ(0, xfer(self->fd, se_extra, sizeof(se_extra), NULL, 0));
	ASSERT_EQ(0, dbg_read(0x50000, back, sizeof(back)));
	ASSERT_EQ(0, memcmp(back, pre, sizeof(pre)));
	/* A WREN frame with a trailing byte does not set WEL either. */
	ASSERT_EQ(0, cmd1(self->fd, 0x04));
	ASSERT_EQ(0, send(self->fd, 2, 0x06, 0x00));
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x02);
}

TEST_F(nor, cs_change_splits_frames)
{
	uint8_t pre[4096], back[4096];
	uint8_t wren = 0x06, se[4] = { 0x20, 0x06, 0x00, 0x00 };
	struct spi_ioc_transfer t[2];

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(0x60000, pre, sizeof(pre)));
	memset(t, 0, sizeof(t));
	t[0].tx_buf = (uintptr_t)&wren;
	t[0].len = 1;
	t[1].tx_buf = (uintptr_t)se;
	t[1].len = 4;
	/* Without cs_change WREN and SE are one frame: nothing happens. */
	ASSERT_EQ(5, ioctl(self->fd, SPI_IOC_MESSAGE(2), t));
	ASSERT_EQ(0, dbg_read(0x60000, back, sizeof(back)));
	ASSERT_EQ(0, memcmp(back, pre, sizeof(pre)));
	/* With cs_change after WREN they are two frames: the sector erases. */
	t[0].cs_change = 1;
	ASSERT_EQ(5, ioctl(self->fd, SPI_IOC_MESSAGE(2), t));
	ASSERT_EQ(0, dbg_read(0x60000, back, sizeof(back)));
	ASSERT_TRUE(all_bytes(back, sizeof(back), 0xff));

	/*
	 * cs_change on the last transfer keeps CS low after the message: a
	 * READ header in one message, its data in the next.
	 */
	ASSERT_EQ(0, dbg_write(0x60000, pre, sizeof(pre)));
	memset(t, 0, sizeof(t));
	se[0] = 0x03;
	t[0].tx_buf = (uintptr_t)se;
	t[0].len = 4;
	t[0].cs_change = 1;
	ASSERT_EQ(4, ioctl(self->fd, SPI_IOC_MESSAGE(1), t));
	memset(back, 0, sizeof(back));
	t[0].tx_buf = 0;
	t[0].rx_buf = (uintptr_t)back;
	t[0].len = 64;
	t[0].cs_change = 0;
	ASSERT_EQ(64, ioctl(self->fd, SPI_IOC_MESSAGE(1), t));
	ASSERT_EQ(0, memcmp(back, pre, 64));
}

TEST_F(nor, sfdp)
{
	uint8_t h[16], bfpt[64];
	uint32_t ptr, dw1, dw2, dw8;
	int ndw;

	ASSERT_EQ(0, rd(self->fd, 0x5a, 0, 3, 1, h, sizeof(h)));
	if (variant->sfdp_minor < 0) {
		ASSERT_TRUE(all_bytes(h, sizeof(h), 0xff));
		return;
	}
	ASSERT_EQ(0, memcmp(h, "SFDP", 4));
	ASSERT_EQ(variant->sfdp_minor, h[4]);
	ASSERT_EQ(1, h[5]);
	/* First parameter header: BFPT (ID 0xFF00), major 1. */
	ASSERT_EQ(0x00, h[8]);
	ASSERT_EQ(0xff, h[15]);
	ASSERT_EQ(variant->sfdp_minor, h[9]);
	ASSERT_EQ(1, h[10]);
	ndw = h[11];
	ASSERT_EQ(variant->sfdp_minor == 5 ? 16 : 9, ndw);
	ptr = h[12] | h[13] << 8 | h[14] << 16;
	ASSERT_EQ(0, rd(self->fd, 0x5a, ptr, 3, 1, bfpt, ndw * 4));
	dw1 = bfpt[0] | bfpt[1] << 8 | bfpt[2] << 16 | (uint32_t)bfpt[3] << 24;
	dw2 = bfpt[4] | bfpt[5] << 8 | bfpt[6] << 16 | (uint32_t)bfpt[7] << 24;
	dw8 = bfpt[28] | bfpt[29] << 8 | bfpt[30] << 16 | (uint32_t)bfpt[31] << 24;
	ASSERT_EQ(variant->size * 8 - 1, dw2);
	ASSERT_EQ(1u, dw1 & 3);				/* 4 KiB erase */
	ASSERT_EQ(0x20u, (dw1 >> 8) & 0xff);
	ASSERT_EQ(variant->four ? 1u : 0u, (dw1 >> 17) & 3);
	ASSERT_EQ(0x520f200cu, dw8);
	if (ndw == 16)	/* page size 2^8 in DWORD11 */
		ASSERT_EQ(8, (bfpt[40] >> 4) & 0xf);
}

static void set_ear(int fd, uint8_t ear)
{
	if (ear || rdreg(fd, 0xc8) != 0xff)
		wrsr(fd, 0xc5, &ear, 1);
}

TEST_F(nor, block_protection)
{
	uint32_t size = variant->size, plen = variant->bp1_len;
	uint8_t pre[4096], back[4096], data[PAGE];
	uint8_t sr[2];

	fill_random(pre, sizeof(pre));
	memset(data, 0, sizeof(data));
	/* BP0 = 1: the top bp1_len bytes are protected. */
	sr[0] = 0x04;
	ASSERT_EQ(0, wrsr(self->fd, 0x01, sr, 1));
	ASSERT_EQ(0x04, rdreg(self->fd, 0x05));
	ASSERT_EQ(0, dbg_write(size - 4096, pre, 4096));
	ASSERT_EQ(0, dbg_write(size - plen - 4096, pre, 4096));
	/* Above 16 MiB the 3-byte commands reach through the EAR. */
	set_ear(self->fd, size > SZ_16M);
	ASSERT_EQ(0, erase(self->fd, 0x20, (size - 4096) & 0xffffff, 3));
	ASSERT_EQ(0, pp(self->fd, 0x02, (size - 4096) & 0xffffff, 3, data, PAGE));
	ASSERT_EQ(0, erase(self->fd, 0x20, (size - plen - 4096) & 0xffffff, 3));
	set_ear(self->fd, 0);
	ASSERT_EQ(0, dbg_read(size - 4096, back, 4096));
	ASSERT_EQ(0, memcmp(back, pre, 4096)) TH_LOG("protected block changed");
	ASSERT_EQ(0, dbg_read(size - plen - 4096, back, 4096));
	ASSERT_TRUE(all_bytes(back, 4096, 0xff)) TH_LOG("unprotected block not erased");
	ASSERT_LE(2, dbg_value("stats", "ignored_protected"));
	/* A protected part refuses chip erase altogether. */
	ASSERT_EQ(0, cmd1(self->fd, 0x06));
	ASSERT_EQ(0, cmd1(self->fd, 0xc7));
	ASSERT_EQ(0, dbg_read(size - 4096, back, 4096));
	ASSERT_EQ(0, memcmp(back, pre, 4096));

	if (variant->tb_bit) {
		/* TB = 1: the bottom is protected instead, the top is free. */
		sr[0] = 0x04 | 1 << variant->tb_bit;
		ASSERT_EQ(0, wrsr(self->fd, 0x01, sr, 1));
		ASSERT_EQ(0, dbg_write(0, pre, 4096));
		ASSERT_EQ(0, erase(self->fd, 0x20, 0, 3));
		ASSERT_EQ(0, dbg_read(0, back, 4096));
		ASSERT_EQ(0, memcmp(back, pre, 4096));
		/* CMP = 1 (SR2 bit 6): everything but the bottom is protected. */
		sr[1] = 0x40;
		ASSERT_EQ(0, wrsr(self->fd, 0x01, sr, 2));
		ASSERT_EQ(0x40, rdreg(self->fd, 0x35));
		ASSERT_EQ(0, erase(self->fd, 0x20, 0, 3));
		ASSERT_EQ(0, dbg_read(0, back, 4096));
		ASSERT_TRUE(all_bytes(back, 4096, 0xff));
		ASSERT_EQ(0, dbg_write(0x200000, pre, 4096));
		ASSERT_EQ(0, erase(self->fd, 0x20, 0x200000, 3));
		ASSERT_EQ(0, dbg_read(0x200000, back, 4096));
		ASSERT_EQ(0, memcmp(back, pre, 4096));
	}
	/* BP = 0 frees the array again. */
	sr[0] = 0;
	sr[1] = 0;
	ASSERT_EQ(0, wrsr(self->fd, 0x01, sr, variant->sr23 ? 2 : 1));
	ASSERT_EQ(0, rdreg(self->fd, 0x05));
	ASSERT_EQ(0, dbg_write(0x200000, pre, 4096));
	ASSERT_EQ(0, erase(self->fd, 0x20, 0x200000, 3));
	ASSERT_EQ(0, dbg_read(0x200000, back, 4096));
	ASSERT_TRUE(all_bytes(back, 4096, 0xff));
}

TEST_F(nor, protect_all_and_sectors)
{
	uint32_t size = variant->size;
	uint8_t pre[8192], back[8192];
	/* BP bits all ones: BP0-2 on the 64/128 Mbit Winbond parts, BP0-3 else. */
	uint8_t sr = variant->tb_bit == 5 ? 0x1c : 0x3c;

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(0, pre, sizeof(pre)));
	ASSERT_EQ(0, wrsr(self->fd, 0x01, &sr, 1));
	ASSERT_EQ(sr, rdreg(self->fd, 0x05));
	ASSERT_EQ(0, erase(self->fd, 0x20, 0, 3));
	ASSERT_EQ(0, erase(self->fd, 0xd8, 0, 3));
	ASSERT_EQ(0, dbg_read(0, back, sizeof(back)));
	ASSERT_EQ(0, memcmp(back, pre, sizeof(pre)));

	/* WIP and WEL are not writable. */
	sr = 0x03;
	ASSERT_EQ(0, wrsr(self->fd, 0x01, &sr, 1));
	ASSERT_EQ(0, rdreg(self->fd, 0x05));
	if (variant->tb_bit != 5)
		return;
	/* SEC = 1, BP0 = 1: only the top 4 KiB sector is protected. */
	sr = 0x44;
	ASSERT_EQ(0, wrsr(self->fd, 0x01, &sr, 1));
	ASSERT_EQ(0, dbg_write(size - 8192, pre, sizeof(pre)));
	ASSERT_EQ(0, erase(self->fd, 0x20, size - 8192, 3));
	ASSERT_EQ(0, erase(self->fd, 0x20, size - 4096, 3));
	ASSERT_EQ(0, dbg_read(size - 8192, back, sizeof(back)));
	ASSERT_TRUE(all_bytes(back, 4096, 0xff));
	ASSERT_EQ(0, memcmp(back + 4096, pre + 4096, 4096));
}

TEST_F(nor, status_registers)
{
	uint8_t v = 0x04;

	/* WRSR without WREN is ignored. */
	ASSERT_EQ(0, send(self->fd, 2, 0x01, 0x08));
	ASSERT_EQ(0, rdreg(self->fd, 0x05));
	if (!variant->sr23) {
		/* No second status register: 0x35 is not decoded. */
		ASSERT_EQ(0xff, rdreg(self->fd, 0x35));
		return;
	}
	/* 0x31 writes SR2 (QE = bit 1), 0x11 writes SR3 (WPS = bit 2). */
	v = 0x02;
	ASSERT_EQ(0, wrsr(self->fd, 0x31, &v, 1));
	ASSERT_EQ(0x02, rdreg(self->fd, 0x35));
	v = 0x64;
	ASSERT_EQ(0, wrsr(self->fd, 0x11, &v, 1));
	ASSERT_EQ(0x64, rdreg(self->fd, 0x15) & 0x64);
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x03);
	/* 0x50 allows one volatile write without WREN. */
	ASSERT_EQ(0, cmd1(self->fd, 0x50));
	ASSERT_EQ(0, send(self->fd, 2, 0x01, 0x08));
	ASSERT_EQ(0x08, rdreg(self->fd, 0x05));
}

/*
 * WP# low (GPIO23 undriven, floating low) with SRP0/SRWD set and SRP1 clear:
 * hardware protection, every status register write is ignored, as on the
 * real parts; W25Q parts with QE set use the pin as IO2 instead.
 */
TEST_F(nor, wp_low_with_srp0_ignores_status_writes)
{
	uint8_t v;

	ASSERT_EQ(0, knob("wp_floats_low", 1));
	ASSERT_EQ(0, dbg_value("state", "wp_pin"));
	/* SRP0 clear: WP# low does not matter yet. */
	v = 0x80;
	ASSERT_EQ(0, wrsr(self->fd, 0x01, &v, 1));
	ASSERT_EQ(0x80, rdreg(self->fd, 0x05));
	/* Locked: ignored (WEL stays set, as for a protected program). */
	v = 0x84;
	ASSERT_EQ(0, wrsr(self->fd, 0x01, &v, 1));
	ASSERT_EQ(0x80, rdreg(self->fd, 0x05) & 0xfc);
	ASSERT_EQ(1, dbg_value("stats", "ignored_wp"));
	/* Not even the volatile write after 0x50 gets through. */
	if (variant->sr23) {
		ASSERT_EQ(0, cmd1(self->fd, 0x50));
		ASSERT_EQ(0, send(self->fd, 2, 0x01, 0x84));
		ASSERT_EQ(0x80, rdreg(self->fd, 0x05) & 0xfc);
		v = 0x02;
		ASSERT_EQ(0, wrsr(self->fd, 0x31, &v, 1));
		ASSERT_EQ(0, rdreg(self->fd, 0x35) & 0x02);
	}
	/* WP# high again: the write goes through. */
	ASSERT_EQ(0, knob("wp_floats_low", 0));
	ASSERT_EQ(1, dbg_value("state", "wp_pin"));
	v = 0x84;
	ASSERT_EQ(0, wrsr(self->fd, 0x01, &v, 1));
	ASSERT_EQ(0x84, rdreg(self->fd, 0x05));
	if (!variant->sr23)
		return;
	/* QE set: the pin is IO2, SRP0 alone no longer locks anything. */
	v = 0x02;
	ASSERT_EQ(0, wrsr(self->fd, 0x31, &v, 1));
	ASSERT_EQ(0, knob("wp_floats_low", 1));
	v = 0x80;
	ASSERT_EQ(0, wrsr(self->fd, 0x01, &v, 1));
	ASSERT_EQ(0x80, rdreg(self->fd, 0x05));
}

/*
 * HOLD# low (GPIO24 undriven, floating low): the chip ignores the clock and
 * leaves MISO high-impedance, so the host reads the line's idle level (0xff
 * pulled up, 0x00 pulled down) and nothing executes; with QE set (W25Q) the
 * pin is IO3 and the chip answers.
 */
TEST_F(nor, hold_low_chip_does_not_answer)
{
	uint8_t id[3], v;

	ASSERT_EQ(0, knob("hold_floats_low", 1));
	ASSERT_EQ(0, dbg_value("state", "hold_pin"));
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_TRUE(all_bytes(id, 3, 0xff));
	ASSERT_EQ(0, cmd1(self->fd, 0x06));
	ASSERT_LE(4, dbg_value("stats", "held_bytes"));
	ASSERT_EQ(0, knob("absent", 2));
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_TRUE(all_bytes(id, 3, 0x00));
	ASSERT_EQ(0, knob("absent", 0));
	ASSERT_EQ(0, knob("hold_floats_low", 0));
	/* WREN sent while held never reached the chip. */
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x02);
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_EQ(0, memcmp(id, variant->id, 3));
	if (!variant->sr23)
		return;
	v = 0x02;
	ASSERT_EQ(0, wrsr(self->fd, 0x31, &v, 1));
	ASSERT_EQ(0, knob("hold_floats_low", 1));
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_EQ(0, memcmp(id, variant->id, 3));
}

TEST_F(nor, deep_power_down_and_release)
{
	uint8_t id[3];

	ASSERT_EQ(0, cmd1(self->fd, 0xb9));
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_TRUE(all_bytes(id, 3, 0xff));
	ASSERT_EQ(0, cmd1(self->fd, 0xab));
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_EQ(0, memcmp(id, variant->id, 3));
	/* RES: 3 dummy bytes then the device id. */
	ASSERT_EQ(0, rd(self->fd, 0xab, 0, 3, 0, id, 1));
	ASSERT_EQ(variant->id[2] - 1, id[0]);
}

TEST_F(nor, stats_count_commands_and_bytes)
{
	uint8_t buf[100];
	int i;

	ASSERT_EQ(0, write_file(DBG "stats", "0\n"));
	ASSERT_EQ(0, dbg_value("stats", "frames"));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, buf, 3));
	}
	ASSERT_EQ(0, rd(self->fd, 0x03, 0, 3, 0, buf, 100));
	ASSERT_EQ(0, pp(self->fd, 0x02, 0x1000, 3, buf, 10));
	ASSERT_EQ(3, stat_op(0x9f));
	ASSERT_EQ(1, stat_op(0x03));
	ASSERT_EQ(1, stat_op(0x06));
	ASSERT_EQ(1, stat_op(0x02));
	ASSERT_EQ(6, dbg_value("stats", "frames"));
	ASSERT_EQ(9 + 100, dbg_value("stats", "bytes_out"));
	ASSERT_EQ(10, dbg_value("stats", "bytes_in"));
	ASSERT_EQ(3 * 4 + 104 + 1 + 14, dbg_value("stats", "clocked_bytes"));
}

/* ------------------------------------------------------------------------ */
/* 4-byte addressing on the 256 Mbit parts. */

FIXTURE(four) {
	int fd;
};

FIXTURE_VARIANT(four) {
	const char *chip;
	int native4;	/* 0x12/0x21/0xDC decoded */
};

FIXTURE_VARIANT_ADD(four, w25q256fv) {
	.chip = "w25q256fv", .native4 = 0,
};

FIXTURE_VARIANT_ADD(four, w25q256jv) {
	.chip = "w25q256jv", .native4 = 1,
};

FIXTURE_SETUP(four)
{
	if (geteuid())
		SKIP(return, "needs root");
	self->fd = attach(variant->chip);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(four)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(four, en4b_ex4b_across_16mib)
{
	static uint8_t pre[8192], back[8192];
	uint8_t data[PAGE];

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(SZ_16M - 4096, pre, sizeof(pre)));
	ASSERT_EQ(3, dbg_value("state", "addr_bytes"));
	ASSERT_EQ(0, rdreg(self->fd, 0x15) & 1);	/* ADS = 0 */

	/* 4-byte mode: one READ crosses the 16 MiB boundary. */
	ASSERT_EQ(0, cmd1(self->fd, 0xb7));
	ASSERT_EQ(4, dbg_value("state", "addr_bytes"));
	ASSERT_EQ(1, rdreg(self->fd, 0x15) & 1);	/* ADS = 1 */
	ASSERT_EQ(0, rd(self->fd, 0x03, SZ_16M - 2048, 4, 0, back, 4096));
	ASSERT_EQ(0, memcmp(back, pre + 2048, 4096));
	ASSERT_EQ(0, rd(self->fd, 0x0b, SZ_16M - 100, 4, 1, back, 200));
	ASSERT_EQ(0, memcmp(back, pre + 4096 - 100, 200));
	/* Program and erase above 16 MiB with 3-byte opcodes + 4-byte address. */
	memset(data, 0, sizeof(data));
	ASSERT_EQ(0, pp(self->fd, 0x02, SZ_16M + 256, 4, data, PAGE));
	ASSERT_EQ(0, dbg_read(SZ_16M, back, 1024));
	ASSERT_EQ(0, memcmp(back, pre + 4096, 256));
	ASSERT_TRUE(all_bytes(back + 256, 256, 0));
	ASSERT_EQ(0, erase(self->fd, 0x20, SZ_16M, 4));
	ASSERT_EQ(0, dbg_read(SZ_16M - 4096, back, 8192));
	ASSERT_EQ(0, memcmp(back, pre, 4096));		/* below: untouched */
	ASSERT_TRUE(all_bytes(back + 4096, 4096, 0xff));

	/* Back to 3 bytes: the same address bytes now mean the lower half. */
	ASSERT_EQ(0, cmd1(self->fd, 0xe9));
	ASSERT_EQ(3, dbg_value("state", "addr_bytes"));
	ASSERT_EQ(0, rd(self->fd, 0x03, 0xfff000, 3, 0, back, 4096));
	ASSERT_EQ(0, memcmp(back, pre, 4096));
}

TEST_F(four, extended_address_register)
{
	static uint8_t pre[8192], back[4096];
	uint8_t ear = 1;

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(SZ_16M - 4096, pre, sizeof(pre)));
	/* WREAR needs WEL. */
	ASSERT_EQ(0, send(self->fd, 2, 0xc5, 0x01));
	ASSERT_EQ(0, rdreg(self->fd, 0xc8));
	ASSERT_EQ(0, wrsr(self->fd, 0xc5, &ear, 1));
	ASSERT_EQ(1, rdreg(self->fd, 0xc8));
	ASSERT_EQ(0, rd(self->fd, 0x03, 0x000000, 3, 0, back, 4096));
	ASSERT_EQ(0, memcmp(back, pre + 4096, 4096));
	/* 4-byte read opcodes ignore the EAR and the mode. */
	ASSERT_EQ(0, rd(self->fd, 0x13, SZ_16M - 4096, 4, 0, back, 4096));
	ASSERT_EQ(0, memcmp(back, pre, 4096));
	ASSERT_EQ(0, rd(self->fd, 0x0c, SZ_16M, 4, 1, back, 4096));
	ASSERT_EQ(0, memcmp(back, pre + 4096, 4096));
	/* Software reset clears the EAR. */
	ASSERT_EQ(0, cmd1(self->fd, 0x66));
	ASSERT_EQ(0, cmd1(self->fd, 0x99));
	ASSERT_EQ(0, rdreg(self->fd, 0xc8));
}

TEST_F(four, native_4byte_program_erase)
{
	static uint8_t pre[4096], back[4096];
	uint8_t data[PAGE];

	fill_random(pre, sizeof(pre));
	memset(data, 0x00, sizeof(data));
	ASSERT_EQ(0, dbg_write(SZ_16M + 0x10000, pre, sizeof(pre)));
	ASSERT_EQ(0, pp(self->fd, 0x12, SZ_16M + 0x10000, 4, data, PAGE));
	ASSERT_EQ(0, dbg_read(SZ_16M + 0x10000, back, sizeof(back)));
	if (!variant->native4) {
		/* W25Q256FV has no 0x12: nothing is programmed. */
		ASSERT_EQ(0, memcmp(back, pre, sizeof(pre)));
		return;
	}
	ASSERT_TRUE(all_bytes(back, PAGE, 0));
	ASSERT_EQ(0, memcmp(back + PAGE, pre + PAGE, 4096 - PAGE));
	ASSERT_EQ(0, erase(self->fd, 0x21, SZ_16M + 0x10000, 4));
	ASSERT_EQ(0, dbg_read(SZ_16M + 0x10000, back, sizeof(back)));
	ASSERT_TRUE(all_bytes(back, sizeof(back), 0xff));
	ASSERT_EQ(0, dbg_write(SZ_16M + 0x10000, pre, sizeof(pre)));
	ASSERT_EQ(0, erase(self->fd, 0xdc, SZ_16M + 0x1ffff, 4));
	ASSERT_EQ(0, dbg_read(SZ_16M + 0x10000, back, sizeof(back)));
	ASSERT_TRUE(all_bytes(back, sizeof(back), 0xff));
	/* Still in 3-byte mode throughout. */
	ASSERT_EQ(3, dbg_value("state", "addr_bytes"));
}

TEST_F(four, power_cycle_returns_to_3byte_mode)
{
	ASSERT_EQ(0, cmd1(self->fd, 0xb7));
	ASSERT_EQ(4, dbg_value("state", "addr_bytes"));
	ASSERT_EQ(0, write_file(DBG "power_cycle", "1\n"));
	ASSERT_EQ(3, dbg_value("state", "addr_bytes"));
}

/* ------------------------------------------------------------------------ */
/* Fault knobs, timing model, removal: on the default part. */

FIXTURE(fault) {
	int fd;
};

FIXTURE_SETUP(fault)
{
	if (geteuid())
		SKIP(return, "needs root");
	self->fd = attach("w25q64fv");
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(fault)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int bit_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
	int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += __builtin_popcount(a[i] ^ b[i]);
	return n;
}

TEST_F(fault, flip_rate)
{
	static uint8_t pre[65536], r1[65536], r2[65536], back[65536];
	int i, d1, d2;

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(0, pre, sizeof(pre)));
	ASSERT_EQ(0, knob("flip_rate", 4096));
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(0, rd(self->fd, 0x03, i * 4096, 3, 0, r1 + i * 4096, 4096));
		ASSERT_EQ(0, rd(self->fd, 0x0b, i * 4096, 3, 1, r2 + i * 4096, 4096));
	}
	d1 = bit_diff(pre, r1, sizeof(pre));
	d2 = bit_diff(pre, r2, sizeof(pre));
	TH_LOG("flips: %d and %d in 64 KiB at 1/4096", d1, d2);
	ASSERT_LE(3, d1);
	ASSERT_GE(64, d1);
	ASSERT_LE(3, d2);
	ASSERT_GE(64, d2);
	/* Two reads disagree: what a two-read compare catches. */
	ASSERT_NE(0, memcmp(r1, r2, sizeof(r1)));
	ASSERT_LE(d1 + d2, dbg_value("stats", "flips"));
	/* The array itself is intact. */
	ASSERT_EQ(0, dbg_read(0, back, sizeof(back)));
	ASSERT_EQ(0, memcmp(back, pre, sizeof(pre)));
	ASSERT_EQ(0, knob("flip_rate", 0));
	ASSERT_EQ(0, rd(self->fd, 0x03, 0, 3, 0, r1, 4096));
	ASSERT_EQ(0, memcmp(r1, pre, 4096));
}

TEST_F(fault, stuck_addr)
{
	uint8_t ff[PAGE], zero[PAGE], back[PAGE];
	int i;

	memset(ff, 0xff, sizeof(ff));
	memset(zero, 0, sizeof(zero));
	ASSERT_EQ(0, dbg_write(0x7000, ff, PAGE));
	ASSERT_EQ(0, knob("stuck_addr", 0x7005));
	ASSERT_EQ(0, pp(self->fd, 0x02, 0x7000, 3, zero, PAGE));
	ASSERT_EQ(0, dbg_read(0x7000, back, PAGE));
	for (i = 0; i < PAGE; i++) {
		ASSERT_EQ(i == 5 ? 0xff : 0x00, back[i]) TH_LOG("byte %d", i);
	}
	ASSERT_EQ(0, knob("stuck_addr", -1));
	ASSERT_EQ(0, pp(self->fd, 0x02, 0x7000, 3, zero, PAGE));
	ASSERT_EQ(0, dbg_read(0x7000, back, PAGE));
	ASSERT_TRUE(all_bytes(back, PAGE, 0));
}

TEST_F(fault, erase_fail)
{
	uint8_t pre[4096], back[4096];

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(0x8000, pre, sizeof(pre)));
	ASSERT_EQ(0, knob("erase_fail", 1));
	ASSERT_EQ(0, erase(self->fd, 0x20, 0x8000, 3));
	/* Accepted (WEL cleared, not busy) but the data stays. */
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x03);
	ASSERT_EQ(0, dbg_read(0x8000, back, sizeof(back)));
	ASSERT_EQ(0, memcmp(back, pre, sizeof(pre)));
	ASSERT_EQ(0, knob("erase_fail", 0));
	ASSERT_EQ(0, erase(self->fd, 0x20, 0x8000, 3));
	ASSERT_EQ(0, dbg_read(0x8000, back, sizeof(back)));
	ASSERT_TRUE(all_bytes(back, sizeof(back), 0xff));
}

TEST_F(fault, stuck_busy)
{
	uint8_t id[3], pre[4096], back[4096];

	fill_random(pre, sizeof(pre));
	ASSERT_EQ(0, dbg_write(0x9000, pre, sizeof(pre)));
	ASSERT_EQ(0, knob("stuck_busy", 1));
	ASSERT_EQ(1, rdreg(self->fd, 0x05) & 1);
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_TRUE(all_bytes(id, 3, 0xff));
	ASSERT_EQ(0, erase(self->fd, 0x20, 0x9000, 3));
	ASSERT_EQ(0, dbg_read(0x9000, back, sizeof(back)));
	ASSERT_EQ(0, memcmp(back, pre, sizeof(pre)));
	ASSERT_LE(2, dbg_value("stats", "ignored_busy"));
	ASSERT_EQ(1, dbg_value("state", "busy"));
	ASSERT_EQ(0, knob("stuck_busy", 0));
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 1);
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_EQ(0xef, id[0]);
}

TEST_F(fault, absent)
{
	uint8_t id[3], buf[64];

	ASSERT_EQ(0, knob("absent", 1));
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_TRUE(all_bytes(id, 3, 0xff));
	ASSERT_EQ(0, rd(self->fd, 0x03, 0, 3, 0, buf, sizeof(buf)));
	ASSERT_TRUE(all_bytes(buf, sizeof(buf), 0xff));
	ASSERT_EQ(0, knob("absent", 2));
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_TRUE(all_bytes(id, 3, 0x00));
	ASSERT_EQ(0x00, rdreg(self->fd, 0x05));
	/* Nothing executes while absent. */
	ASSERT_EQ(0, cmd1(self->fd, 0x06));
	ASSERT_EQ(0, knob("absent", 0));
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x02);
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_EQ(0xef, id[0]);
}

TEST_F(fault, jedec_override)
{
	uint8_t id[6];
	char buf[16] = "";
	int fd;

	ASSERT_EQ(0, write_file(DBG "jedec_override", "123456\n"));
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, sizeof(id)));
	ASSERT_EQ(0, memcmp(id, "\x12\x34\x56\x12\x34\x56", 6));
	fd = open(DBG "jedec_override", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	ASSERT_STREQ("123456\n", buf);
	ASSERT_EQ(-EINVAL, write_file(DBG "jedec_override", "1234\n"));
	ASSERT_EQ(-EINVAL, write_file(DBG "jedec_override", "12345g\n"));
	/* An empty write gives the model's id back. */
	ASSERT_EQ(0, write_file(DBG "jedec_override", "\n"));
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_EQ(0, memcmp(id, "\xef\x40\x17", 3));
}

TEST_F(fault, knobs_reject_bad_values)
{
	uint8_t b = 0;
	int fd;

	ASSERT_EQ(-EINVAL, knob("absent", 3));
	ASSERT_EQ(-EINVAL, knob("stuck_addr", 8 * MIB));
	ASSERT_EQ(-EINVAL, knob("stuck_addr", -2));
	ASSERT_EQ(-EINVAL, knob("erase_fail", 2));
	ASSERT_EQ(-EINVAL, knob("flip_rate", -1));
	ASSERT_EQ(-EINVAL, write_file(DBG "absent", "x\n"));
	fd = open(DBG "data", O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, pwrite(fd, &b, 1, 8 * MIB));
	ASSERT_EQ(ENOSPC, errno);
	/* A write crossing the end is short. */
	ASSERT_EQ(1, pwrite(fd, "ab", 2, 8 * MIB - 1));
	close(fd);
}

TEST_F(fault, timing_model_keeps_wip)
{
	uint8_t id[3], data[PAGE];
	double t0, t;

	ASSERT_EQ(0, write_file(PARAMS "timing", "1\n"));
	t0 = now_s();
	ASSERT_EQ(0, erase(self->fd, 0x20, 0xa000, 3));
	ASSERT_EQ(0x03, rdreg(self->fd, 0x05) & 0x03);	/* WIP + WEL */
	/* Busy: anything but the status registers is ignored. */
	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_TRUE(all_bytes(id, 3, 0xff));
	while (rdreg(self->fd, 0x05) & 1)
		ASSERT_GT(5.0, now_s() - t0);
	t = now_s() - t0;
	TH_LOG("4K erase busy for %.1f ms", t * 1000);
	ASSERT_LE(0.045, t);
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x02);
	ASSERT_LE(1, dbg_value("stats", "ignored_busy"));

	memset(data, 0, sizeof(data));
	t0 = now_s();
	ASSERT_EQ(0, pp(self->fd, 0x02, 0xa000, 3, data, PAGE));
	while (rdreg(self->fd, 0x05) & 1)
		ASSERT_GT(5.0, now_s() - t0);
	ASSERT_LE(0.0007, now_s() - t0);
	ASSERT_EQ(0, write_file(PARAMS "timing", "0\n"));
	ASSERT_EQ(0, erase(self->fd, 0x20, 0xa000, 3));
	ASSERT_EQ(0, rdreg(self->fd, 0x05) & 0x03);
}

TEST_F(fault, clock_model)
{
	static uint8_t buf[4096];
	double t0, t;
	long long ns;
	int i;

	ASSERT_EQ(0, write_file(DBG "stats", "0\n"));
	ASSERT_EQ(0, write_file(PARAMS "clock_hz", "1000000\n"));
	t0 = now_s();
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, rd(self->fd, 0x03, i * 4096, 3, 0, buf, 4096));
	}
	t = now_s() - t0;
	ASSERT_EQ(0, write_file(PARAMS "clock_hz", "0\n"));
	ns = dbg_value("stats", "bus_ns");
	TH_LOG("8 x 4100 bytes at 1 MHz: %.3f s (model %.3f s)", t, ns / 1e9);
	/* (4 + 4096) bytes * 8 bits / 1 MHz per message. */
	ASSERT_EQ(8 * 32800000LL, ns);
	ASSERT_LE(0.2624, t);
	ASSERT_GT(3.0, t);
}

TEST_F(fault, rmmod_with_spidev_open)
{
	uint8_t id[3];

	ASSERT_EQ(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	ASSERT_EQ(0, run("rmmod flashsim"));
	/* The stale fd fails cleanly. */
	ASSERT_NE(0, rd(self->fd, 0x9f, 0, 0, 0, id, 3));
	close(self->fd);
	self->fd = -1;
	/* And the module comes back. */
	self->fd = attach("w25q64fv");
	ASSERT_LE(0, self->fd);
}

TEST(unknown_chip_refused)
{
	if (geteuid())
		SKIP(return, "needs root");
	unload();
	ASSERT_NE(0, run("modprobe flashsim bus_num=0 chip=nosuch 2>/dev/null"));
	ASSERT_NE(0, access(SPIDEV, F_OK));
	ASSERT_NE(0, access(DBG "data", F_OK));
}

TEST_HARNESS_MAIN
