// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM test of mectl_me.ko through its sysfs ABI: the seed guide's sample, every value
 * of every field for one device of each layout (driven through the writable
 * sim_hfsts parameter), not-accessible registers, hidden/unhide, parameter errors,
 * and sysfs_notify on change. Expected strings come from golden.h, not from the
 * module's own tables. Runs as root; unloads mectl_me after every test.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "golden.h"
#include "kselftest_harness.h"
#include "../lib.h"

#define CLASS	"/sys/class/intel_me"
#define ME0	CLASS "/me0"
#define PARAMS	"/sys/module/mectl_me/parameters"

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static const char *attr(const char *name)
{
	static char buf[256];
	char path[PATH_MAX];

	snprintf(path, sizeof(path), ME0 "/%s", name);
	if (read_str(path, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "<missing %s>", name);
	return buf;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The walk below writes and reads thousands of times: keep the files open. */
static int set_fd = -1;

static int set_regs_fast(unsigned int h1, unsigned int h2)
{
	char v[64];
	int len = snprintf(v, sizeof(v), "0x%08x,0x%08x", h1, h2);

	return pwrite(set_fd, v, len, 0) == len ? 0 : -errno;
}

static const char *attr_fast(int fd)
{
	static char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return "<read error>";
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static int open_attr(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), ME0 "/%s", name);
	return open(path, O_RDONLY);
}

static int set_regs(unsigned int h1, unsigned int h2)
{
	char v[64];

	snprintf(v, sizeof(v), "0x%08x,0x%08x", h1, h2);
	return write_file(PARAMS "/sim_hfsts", v);
}

FIXTURE(me) {
	int dummy;
};

FIXTURE_SETUP(me)
{
	if (geteuid())
		SKIP(return, "needs root");
	run("rmmod mectl_me 2>/dev/null");
	if (run("modprobe -n mectl_me 2>/dev/null"))
		SKIP(return, "mectl_me.ko not installed");
}

FIXTURE_TEARDOWN(me)
{
	run("rmmod mectl_me 2>/dev/null");
}

TEST_F_TIMEOUT(me, seed_sample, 120)
{
	char link[PATH_MAX];
	unsigned int i;
	ssize_t n;

	ASSERT_EQ(0, run("modprobe mectl_me sim_hfsts=0x%08x,0x%08x sim_device=0x9c3a",
			 SEED_HFSTS1, SEED_HFSTS2));
	for (i = 0; i < sizeof(g_seed) / sizeof(g_seed[0]); i++)
		EXPECT_STREQ(g_seed[i].value, attr(g_seed[i].attr)) TH_LOG("seed field %u", i);
	EXPECT_STREQ("0x1e020191", attr("hfsts1"));
	EXPECT_STREQ("0x104d0142", attr("hfsts2"));
	EXPECT_STREQ("0x00000000", attr("hfsts6"));
	EXPECT_STREQ("8086:9c3a", attr("pci_id"));
	EXPECT_STREQ("Lynx Point LP", attr("chipset"));
	EXPECT_STREQ("ME", attr("layout"));
	EXPECT_STREQ("sim", attr("source"));
	EXPECT_STREQ("no", attr("hidden"));
	EXPECT_FALSE(exists(ME0 "/spi_protection_mode"));
	EXPECT_FALSE(exists(CLASS "/me1"));
	/* a simulated device has no parent: it lives under /sys/devices/virtual */
	n = readlink(ME0, link, sizeof(link) - 1);
	ASSERT_GT(n, 0);
	link[n] = 0;
	EXPECT_NE(NULL, strstr(link, "devices/virtual/intel_me/me0"));
	/* the parameter reads back what was given */
	EXPECT_EQ(0, read_str(PARAMS "/sim_hfsts", link, sizeof(link)));
	EXPECT_STREQ("0x1e020191,0x104d0142", link);
}

TEST_F_TIMEOUT(me, every_value_every_layout, 600)
{
	char want[128], name[64];
	unsigned int gl, i, v, checked = 0;
	int st;

	for (gl = 0; gl < G_LAYOUTS; gl++) {
		const struct g_device *d = &g_devices[gl];

		ASSERT_EQ(0, run("modprobe mectl_me sim_hfsts=0,0 sim_device=0x%04x", d->id));
		ASSERT_STREQ(d->layout, attr("layout"));
		snprintf(name, sizeof(name), ME0 "/%s", d->bit4);
		ASSERT_TRUE(exists(name)) TH_LOG("%s", name);
		snprintf(name, sizeof(name), ME0 "/%s",
			 strcmp(d->bit4, "manufacturing_mode") ? "manufacturing_mode" :
								 "spi_protection_mode");
		ASSERT_FALSE(exists(name)) TH_LOG("%s", name);

		set_fd = open(PARAMS "/sim_hfsts", O_WRONLY);
		ASSERT_GE(set_fd, 0);
		for (i = 0; i < sizeof(g_table_fields) / sizeof(g_table_fields[0]); i++) {
			const struct g_field *f = &g_table_fields[i];
			int fd = open_attr(f->attr);

			ASSERT_GE(fd, 0);
			for (v = 0; v < 1u << f->width; v++) {
				unsigned int r = v << f->shift;

				ASSERT_EQ(0, set_regs_fast(f->reg ? 0 : r, f->reg ? r : 0));
				ASSERT_STREQ(g_expect_table(&f->t[gl], v, want, sizeof(want)),
					     attr_fast(fd))
					TH_LOG("%s %s=%u", d->layout, f->attr, v);
				checked++;
			}
			close(fd);
		}
		for (i = 0; i < sizeof(g_bools) / sizeof(g_bools[0]); i++) {
			const struct g_bool *b = &g_bools[i];
			const char *a = strcmp(b->attr, "bit4") ? b->attr : d->bit4;

			ASSERT_EQ(0, set_regs(1u << b->shift, 0));
			ASSERT_STREQ(b->one, attr(a)) TH_LOG("%s %s", d->layout, a);
			ASSERT_EQ(0, set_regs(~(1u << b->shift) & 0x7fffffff, 0));
			ASSERT_STREQ(b->zero, attr(a)) TH_LOG("%s %s", d->layout, a);
			checked += 2;
		}
		st = open_attr("progress_phase_state");
		ASSERT_GE(st, 0);
		for (v = 0; v < 16 * 256; v++) {
			unsigned int phase = v >> 8, state = v & 0xff;

			ASSERT_EQ(0, set_regs_fast(0, phase << 28 | state << 16));
			ASSERT_STREQ(g_expect_state(gl, phase, state, want, sizeof(want)),
				     attr_fast(st))
				TH_LOG("%s phase %u state 0x%02x", d->layout, phase, state);
			checked++;
		}
		close(st);
		close(set_fd);
		set_fd = -1;
		/* raw registers follow the writes */
		ASSERT_EQ(0, set_regs(0x12345678, 0x9abcdef0));
		ASSERT_STREQ("0x12345678", attr("hfsts1"));
		ASSERT_STREQ("0x9abcdef0", attr("hfsts2"));
		ASSERT_EQ(0, run("rmmod mectl_me"));
	}
	TH_LOG("%u values checked through sysfs", checked);
}

TEST_F_TIMEOUT(me, not_accessible, 120)
{
	ASSERT_EQ(0, run("modprobe mectl_me sim_hfsts=0xffffffff,0x104d0142 sim_device=0xa0e0"));
	EXPECT_STREQ("0xffffffff", attr("hfsts1"));
	EXPECT_STREQ("not accessible", attr("working_state"));
	EXPECT_STREQ("not accessible", attr("spi_protection_mode"));
	/* phase 1 is BUP only in the ME layout; CSME numbers it differently */
	EXPECT_STREQ("Unknown (0x01)", attr("progress_phase"));
	EXPECT_STREQ("unknown", attr("disabled"));
	ASSERT_EQ(0, set_regs(0x00000245, 0xffffffff));
	EXPECT_STREQ("not accessible", attr("pm_event"));
	EXPECT_STREQ("unknown", attr("disabled"));
	ASSERT_EQ(0, set_regs(0x00000245, 0x60000000));
	EXPECT_STREQ("no", attr("disabled"));
	EXPECT_STREQ("Host communication established", attr("progress_phase_state"));
}

TEST_F_TIMEOUT(me, indicators, 120)
{
	unsigned int i;
	int loaded = -1;

	for (i = 0; i < sizeof(g_indicator_cases) / sizeof(g_indicator_cases[0]); i++) {
		const struct g_indicator_case *c = &g_indicator_cases[i];

		if (loaded != (int)c->l) {
			run("rmmod mectl_me 2>/dev/null");
			ASSERT_EQ(0, run("modprobe mectl_me sim_hfsts=0,0 sim_device=0x%04x",
					 g_devices[c->l].id));
			loaded = c->l;
		}
		ASSERT_EQ(0, set_regs(c->h1, c->h2));
		EXPECT_STREQ(c->indicators, attr("indicators"))
			TH_LOG("%s 0x%08x,0x%08x", g_devices[c->l].layout, c->h1, c->h2);
		EXPECT_STREQ(c->disabled, attr("disabled"))
			TH_LOG("%s 0x%08x,0x%08x", g_devices[c->l].layout, c->h1, c->h2);
	}
}

TEST_F_TIMEOUT(me, two_register_generation, 120)
{
	/* Cougar Point: HFSTS1/2 only */
	ASSERT_EQ(0, run("modprobe mectl_me sim_hfsts=0x245,0x60000000 sim_device=0x1c3a"));
	EXPECT_TRUE(exists(ME0 "/hfsts2"));
	EXPECT_FALSE(exists(ME0 "/hfsts3"));
	EXPECT_FALSE(exists(ME0 "/hfsts6"));
	EXPECT_STREQ("Normal", attr("working_state"));
	EXPECT_STREQ("Cougar Point", attr("chipset"));
	EXPECT_EQ(-EINVAL, write_file(PARAMS "/sim_hfsts", "1,2,3"));
	EXPECT_STREQ("0x00000245", attr("hfsts1"));
}

TEST_F_TIMEOUT(me, parameter_errors, 120)
{
	EXPECT_NE(0, run("modprobe mectl_me sim_hfsts=1,2 sim_device=0x1234 2>/dev/null"));
	EXPECT_FALSE(exists(CLASS));
	EXPECT_NE(0, run("modprobe mectl_me sim_hfsts=1,2,3,4,5,6,7 sim_device=0x9c3a 2>/dev/null"));
	EXPECT_NE(0, run("modprobe mectl_me sim_hfsts=1,2,3 sim_device=0x3b64 2>/dev/null"));
	EXPECT_NE(0, run("modprobe mectl_me sim_hfsts=0x1x sim_device=0x9c3a 2>/dev/null"));
	EXPECT_NE(0, run("modprobe mectl_me sim_hfsts=1,2 2>/dev/null"));
	EXPECT_NE(0, run("modprobe mectl_me poll_ms=5 sim_hfsts=1 sim_device=0x9c3a 2>/dev/null"));
	EXPECT_FALSE(exists(CLASS));

	ASSERT_EQ(0, run("modprobe mectl_me sim_hfsts=1,2 sim_device=0x9c3a"));
	EXPECT_EQ(-EINVAL, write_file(PARAMS "/sim_hfsts", "banana"));
	EXPECT_EQ(-EINVAL, write_file(PARAMS "/sim_hfsts", "\n"));
	EXPECT_EQ(-EINVAL, write_file(PARAMS "/sim_hfsts", "1,2,3,4,5,6,7"));
	EXPECT_EQ(-EINVAL, write_file(PARAMS "/poll_ms", "5"));
	EXPECT_EQ(-EINVAL, write_file(PARAMS "/poll_ms", "-1"));
	EXPECT_STREQ("0x00000001", attr("hfsts1"));
	/* read-only parameters stay read-only */
	EXPECT_NE(0, write_file(PARAMS "/sim_device", "0xa13a"));
	EXPECT_NE(0, write_file(PARAMS "/unhide", "1"));
}

static int poll_pri(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };
	char buf[64];

	return poll(&p, 1, ms) == 1 && (p.revents & POLLPRI) && pread(fd, buf, sizeof(buf), 0) > 0;
}

static int arm(const char *name)
{
	char path[PATH_MAX], buf[64];
	int fd;

	snprintf(path, sizeof(path), ME0 "/%s", name);
	fd = open(path, O_RDONLY);
	if (fd >= 0 && read(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

TEST_F_TIMEOUT(me, notify_on_change, 120)
{
	int h1, h2, ws, dis, st, ind;

	ASSERT_EQ(0, run("modprobe mectl_me sim_hfsts=0x%08x,0x%08x sim_device=0x9c3a",
			 SEED_HFSTS1, SEED_HFSTS2));
	h1 = arm("hfsts1");
	h2 = arm("hfsts2");
	ws = arm("working_state");
	dis = arm("disabled");
	st = arm("progress_phase_state");
	ind = arm("indicators");
	ASSERT_GE(h1, 0);
	ASSERT_GE(dis, 0);
	ASSERT_GE(ind, 0);

	/* the same values again: nothing changes, nobody is woken */
	ASSERT_EQ(0, set_regs(SEED_HFSTS1, SEED_HFSTS2));
	EXPECT_FALSE(poll_pri(h1, 100));
	/* HFSTS1 changes: its attributes and the verdict wake, HFSTS2's do not */
	ASSERT_EQ(0, set_regs(0x00000245, SEED_HFSTS2));
	EXPECT_TRUE(poll_pri(h1, 1000));
	EXPECT_TRUE(poll_pri(ws, 1000));
	EXPECT_TRUE(poll_pri(dis, 1000));
	EXPECT_TRUE(poll_pri(ind, 1000));
	EXPECT_FALSE(poll_pri(h2, 100));
	EXPECT_FALSE(poll_pri(st, 50));
	ASSERT_EQ(0, set_regs(0x00000245, 0x60000000));
	EXPECT_TRUE(poll_pri(h2, 1000));
	EXPECT_TRUE(poll_pri(st, 1000));
	EXPECT_STREQ("no", attr("disabled"));

	/* with poll_ms, changes are found by the periodic re-read, not by the write */
	ASSERT_EQ(0, write_file(PARAMS "/poll_ms", "20"));
	usleep(200 * 1000);
	EXPECT_FALSE(poll_pri(h1, 100));
	EXPECT_STREQ("Normal", attr("working_state"));
	ASSERT_EQ(0, set_regs(0x00000244, 0x60000000));
	EXPECT_TRUE(poll_pri(h1, 2000));
	EXPECT_TRUE(poll_pri(ws, 2000));
	EXPECT_TRUE(poll_pri(dis, 2000));
	EXPECT_FALSE(poll_pri(h2, 100));
	EXPECT_STREQ("Disabled", attr("working_state"));
	ASSERT_EQ(0, write_file(PARAMS "/poll_ms", "0"));
	/* off again: nothing ticks, the write itself notifies */
	ASSERT_EQ(0, set_regs(0x00000245, 0x60000000));
	EXPECT_TRUE(poll_pri(h1, 1000));
	close(h1);
	close(h2);
	close(ws);
	close(dis);
	close(st);
	close(ind);
}

TEST_F_TIMEOUT(me, hidden_and_unhide, 120)
{
	/* hidden, not asked to reveal */
	ASSERT_EQ(0, run("modprobe mectl_me sim_hidden=1 sim_hfsts=0x%08x,0x%08x sim_device=0x9c3a",
			 SEED_HFSTS1, SEED_HFSTS2));
	EXPECT_STREQ("yes", attr("hidden"));
	EXPECT_STREQ("unknown", attr("pci_id"));
	EXPECT_STREQ("Lynx Point LP", attr("chipset"));
	EXPECT_STREQ("0xffffffff", attr("hfsts1"));
	EXPECT_STREQ("not accessible", attr("working_state"));
	EXPECT_STREQ("unknown", attr("disabled"));
	ASSERT_EQ(0, run("rmmod mectl_me"));

	/* revealed on a chipset with RCBA FD2 */
	ASSERT_EQ(0, run("modprobe mectl_me unhide=1 sim_hidden=1 sim_hfsts=0x%08x,0x%08x sim_device=0x9c3a",
			 SEED_HFSTS1, SEED_HFSTS2));
	EXPECT_STREQ("no", attr("hidden"));
	EXPECT_STREQ("8086:9c3a", attr("pci_id"));
	EXPECT_STREQ("Initializing", attr("working_state"));
	EXPECT_STREQ("yes", attr("disabled"));
	ASSERT_EQ(0, run("rmmod mectl_me"));

	/* refused on a 100 Series PCH: 0xf0 of 00:1f.0 is no RCBA there */
	ASSERT_EQ(0, run("modprobe mectl_me unhide=1 sim_hidden=1 sim_hfsts=0x245,0x60000000 sim_device=0xa13a"));
	EXPECT_STREQ("yes", attr("hidden"));
	EXPECT_STREQ("not accessible", attr("working_state"));
}

TEST_F_TIMEOUT(me, no_mei_function, 120)
{
	char buf[64];

	ASSERT_EQ(0, run("modprobe mectl_me"));
	ASSERT_TRUE(exists(CLASS));
	/* QEMU's q35/pc machines have no MEI; on real hardware this test does not apply */
	if (exists(ME0))
		SKIP(return, "this machine has an MEI function");
	EXPECT_EQ(0, run("dmesg | tail -n 20 | grep -q 'no MEI function found'"));
	/* without a simulated device, the test aid is closed */
	EXPECT_EQ(-EPERM, write_file(PARAMS "/sim_hfsts", "0x245,0"));
	EXPECT_EQ(0, read_str(PARAMS "/poll_ms", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
	/* unhide=1 where 00:1f.0 is no 5..9 Series PCH (QEMU: ICH9): nothing revealed */
	ASSERT_EQ(0, run("rmmod mectl_me"));
	ASSERT_EQ(0, run("modprobe mectl_me unhide=1"));
	EXPECT_FALSE(exists(ME0));
}

/* first Intel PCI device (sorted by address): its BDF and device ID; false if none */
static bool first_intel_device(char *bdf, size_t len, unsigned int *device)
{
	char path[PATH_MAX], v[32];
	FILE *f = popen("ls /sys/bus/pci/devices 2>/dev/null | sort", "r");
	char name[64];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(name, sizeof(name), f)) {
		name[strcspn(name, "\n")] = 0;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", name);
		if (read_str(path, v, sizeof(v)) || strcmp(v, "0x8086"))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", name);
		if (read_str(path, v, sizeof(v)))
			continue;
		*device = strtoul(v, NULL, 16);
		snprintf(bdf, len, "%s", name);
		found = true;
	}
	pclose(f);
	return found;
}

TEST_F_TIMEOUT(me, pci_path_through_alias, 120)
{
	static const unsigned int off[6] = { 0x40, 0x48, 0x60, 0x64, 0x68, 0x6c };
	char bdf[64], path[PATH_MAX], link[PATH_MAX], want[16], name[16];
	unsigned char cfg[256];
	unsigned int device, i, v;
	ssize_t n;
	int fd;

	if (!first_intel_device(bdf, sizeof(bdf), &device))
		SKIP(return, "no Intel PCI device to read");
	EXPECT_NE(0, run("modprobe mectl_me test_alias=zz 2>/dev/null"));
	EXPECT_NE(0, run("modprobe mectl_me test_alias=%04x:1234 2>/dev/null", device));
	ASSERT_EQ(0, run("modprobe mectl_me test_alias=%04x:9c3a", device));
	EXPECT_STREQ("pci", attr("source"));
	EXPECT_STREQ("8086:9c3a", attr("pci_id"));
	/* the class device hangs below the PCI function it reads */
	n = readlink(ME0 "/device", link, sizeof(link) - 1);
	ASSERT_GT(n, 0);
	link[n] = 0;
	EXPECT_NE(NULL, strstr(link, bdf)) TH_LOG("%s vs %s", link, bdf);

	/* every register is the config dword at its offset (root reads all 256 bytes) */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(256, pread(fd, cfg, sizeof(cfg), 0));
	close(fd);
	for (i = 0; i < 6; i++) {
		v = cfg[off[i]] | cfg[off[i] + 1] << 8 | cfg[off[i] + 2] << 16 |
		    (unsigned int)cfg[off[i] + 3] << 24;
		snprintf(want, sizeof(want), "0x%08x", v);
		snprintf(name, sizeof(name), "hfsts%u", i + 1);
		EXPECT_STREQ(want, attr(name)) TH_LOG("%s at 0x%02x of %s", name, off[i], bdf);
	}
	v = cfg[0x40] & 0xf;
	EXPECT_STREQ(g_expect_table(&g_table_fields[0].t[G_ME], v, want, sizeof(want)),
		     attr("working_state"));
}

TEST_HARNESS_MAIN
