// SPDX-License-Identifier: GPL-2.0
/*
 * The "mectl" generic netlink family of mectl_flash.ko, driven through libnl
 * against flashsim's chip on spi0.0: ATTACH/GET_INFO/ARM/DETACH, the events
 * group (ATTACHED only once the sysfs attributes exist), strict validation,
 * CAP_NET_ADMIN on mutating commands, -EBUSY while /dev/mtdN is open, and
 * module autoload by family name.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "kselftest_harness.h"
#include "../lib.h"
#include "mectl.h"

#define SPI_DEV "/sys/bus/spi/devices/spi0.0"

struct chip_info {
	int count;		/* messages seen (dump entries) */
	unsigned int bus, cs, mtd_index, erase_size, page_size, speed_hz;
	unsigned long long size;
	unsigned char jedec[MECTL_JEDEC_ID_MAX];
	char manufacturer[MECTL_PART_MAX];
	char part[MECTL_PART_MAX];
	char mtd_name[64];
	int writeable, sr1, sr2, sr3;
	int cmd;		/* genl command of the last message */
	int jedec_len;
	char wp_name[MECTL_GPIO_NAME_MAX], hold_name[MECTL_GPIO_NAME_MAX];
	long long wp_num, hold_num;	/* -1: not in the message */
};

struct xact {
	int err;
	int done;
	struct chip_info *info;
};

static int read_sysfs_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int parse_info(struct nl_msg *msg, struct chip_info *ci)
{
	struct genlmsghdr *gh = genlmsg_hdr(nlmsg_hdr(msg));
	struct nlattr *tb[MECTL_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MECTL_A_MAX, NULL) < 0)
		return NL_SKIP;
	ci->count++;
	ci->cmd = gh->cmd;
	if (tb[MECTL_A_BUS])
		ci->bus = nla_get_u32(tb[MECTL_A_BUS]);
	if (tb[MECTL_A_CS])
		ci->cs = nla_get_u32(tb[MECTL_A_CS]);
	if (tb[MECTL_A_MTD_INDEX])
		ci->mtd_index = nla_get_u32(tb[MECTL_A_MTD_INDEX]);
	if (tb[MECTL_A_SPEED_HZ])
		ci->speed_hz = nla_get_u32(tb[MECTL_A_SPEED_HZ]);
	if (tb[MECTL_A_ERASE_SIZE])
		ci->erase_size = nla_get_u32(tb[MECTL_A_ERASE_SIZE]);
	if (tb[MECTL_A_PAGE_SIZE])
		ci->page_size = nla_get_u32(tb[MECTL_A_PAGE_SIZE]);
	if (tb[MECTL_A_SIZE])
		ci->size = nla_get_u64(tb[MECTL_A_SIZE]);
	if (tb[MECTL_A_JEDEC_ID])
		ci->jedec_len = nla_len(tb[MECTL_A_JEDEC_ID]);
	if (tb[MECTL_A_JEDEC_ID])
		memcpy(ci->jedec, nla_data(tb[MECTL_A_JEDEC_ID]),
		       nla_len(tb[MECTL_A_JEDEC_ID]) < MECTL_JEDEC_ID_MAX ?
		       nla_len(tb[MECTL_A_JEDEC_ID]) : MECTL_JEDEC_ID_MAX);
	if (tb[MECTL_A_MANUFACTURER])
		snprintf(ci->manufacturer, sizeof(ci->manufacturer), "%s",
			 nla_get_string(tb[MECTL_A_MANUFACTURER]));
	if (tb[MECTL_A_PART])
		snprintf(ci->part, sizeof(ci->part), "%s",
			 nla_get_string(tb[MECTL_A_PART]));
	if (tb[MECTL_A_MTD_NAME])
		snprintf(ci->mtd_name, sizeof(ci->mtd_name), "%s",
			 nla_get_string(tb[MECTL_A_MTD_NAME]));
	ci->writeable = tb[MECTL_A_WRITEABLE] ? nla_get_u8(tb[MECTL_A_WRITEABLE]) : -1;
	ci->sr1 = tb[MECTL_A_SR1] ? nla_get_u8(tb[MECTL_A_SR1]) : -1;
	ci->sr2 = tb[MECTL_A_SR2] ? nla_get_u8(tb[MECTL_A_SR2]) : -1;
	ci->sr3 = tb[MECTL_A_SR3] ? nla_get_u8(tb[MECTL_A_SR3]) : -1;
	if (tb[MECTL_A_WP_GPIO_NAME])
		snprintf(ci->wp_name, sizeof(ci->wp_name), "%s",
			 nla_get_string(tb[MECTL_A_WP_GPIO_NAME]));
	if (tb[MECTL_A_HOLD_GPIO_NAME])
		snprintf(ci->hold_name, sizeof(ci->hold_name), "%s",
			 nla_get_string(tb[MECTL_A_HOLD_GPIO_NAME]));
	ci->wp_num = tb[MECTL_A_WP_GPIO] ? (long long)nla_get_u32(tb[MECTL_A_WP_GPIO]) : -1;
	ci->hold_num = tb[MECTL_A_HOLD_GPIO] ? (long long)nla_get_u32(tb[MECTL_A_HOLD_GPIO]) : -1;
	return NL_OK;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	return x->info ? parse_info(msg, x->info) : NL_OK;
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct xact *x = arg;

	x->err = e->error;
	x->done = 1;
	return NL_STOP;
}

static int skip_seq_check(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

static int done_cb(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	x->done = 1;
	return NL_STOP;
}

/* Send @msg (consumed), collect replies into @ci; returns 0 or -errno from the kernel. */
static int transact(struct nl_sock *sk, struct nl_msg *msg, struct chip_info *ci)
{
	struct xact x = { .info = ci };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int r;

	if (ci)
		memset(ci, 0, sizeof(*ci));
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, done_cb, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, done_cb, &x);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, &x);
	r = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (r < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (!x.done) {
		r = nl_recvmsgs(sk, cb);
		if (r < 0 && !x.done) {
			x.err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return x.err;
}

static struct nl_msg *request(int family, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
		    flags | NLM_F_ACK, cmd, MECTL_GENL_VERSION);
	return msg;
}

static int attach(struct nl_sock *sk, int family, struct chip_info *ci)
{
	struct nl_msg *msg = request(family, MECTL_CMD_ATTACH, 0);

	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 0);
	nla_put_u32(msg, MECTL_A_SPEED_HZ, 8000000);
	return transact(sk, msg, ci);
}

static int detach(struct nl_sock *sk, int family)
{
	return transact(sk, request(family, MECTL_CMD_DETACH, 0), NULL);
}

static int arm(struct nl_sock *sk, int family, int on)
{
	struct nl_msg *msg = request(family, MECTL_CMD_ARM, 0);

	nla_put_u8(msg, MECTL_A_WRITEABLE, on);
	return transact(sk, msg, NULL);
}

/* Wait up to @ms for one event on @ev; returns its genl command or -1. */
static int next_event(struct nl_sock *ev, struct chip_info *ci, int ms)
{
	struct pollfd p = { .fd = nl_socket_get_fd(ev), .events = POLLIN };
	struct xact x = { .info = ci };
	struct nl_cb *cb;

	memset(ci, 0, sizeof(*ci));
	if (poll(&p, 1, ms) != 1)
		return -1;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	/* events carry sequence number 0 */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, skip_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &x);
	nl_recvmsgs(ev, cb);
	nl_cb_put(cb);
	return ci->count ? ci->cmd : -1;
}

FIXTURE(genl) {
	struct nl_sock *sk;
	struct nl_sock *ev;
	int family;
};

FIXTURE_SETUP(genl)
{
	int grp;

	self->sk = NULL;
	self->ev = NULL;
	if (geteuid() != 0)
		SKIP(return, "needs root");
	run("modprobe -r mectl_flash 2>/dev/null; modprobe -r flashsim 2>/dev/null");
	if (run("modprobe flashsim bus_num=0 chip=w25q64fv") != 0)
		SKIP(return, "flashsim not available");
	ASSERT_EQ(0, run("modprobe mectl_flash"));
	ASSERT_EQ(0, access("/dev/spidev0.0", F_OK));

	self->sk = nl_socket_alloc();
	ASSERT_EQ(0, genl_connect(self->sk));
	self->family = genl_ctrl_resolve(self->sk, MECTL_GENL_NAME);
	ASSERT_GT(self->family, 0);

	self->ev = nl_socket_alloc();
	nl_socket_disable_seq_check(self->ev);
	ASSERT_EQ(0, genl_connect(self->ev));
	grp = genl_ctrl_resolve_grp(self->ev, MECTL_GENL_NAME,
				    MECTL_GENL_MCGRP_EVENTS);
	ASSERT_GT(grp, 0);
	ASSERT_EQ(0, nl_socket_add_membership(self->ev, grp));
}

FIXTURE_TEARDOWN(genl)
{
	if (self->ev)
		nl_socket_free(self->ev);
	if (self->sk)
		nl_socket_free(self->sk);
	run("modprobe -r mectl_flash 2>/dev/null; modprobe -r flashsim 2>/dev/null");
}

TEST_F(genl, attach_info_arm_detach)
{
	static const unsigned char w25q64[3] = { 0xef, 0x40, 0x17 };
	struct chip_info ci, ev;
	struct nl_msg *msg;
	char path[64];

	ASSERT_EQ(0, attach(self->sk, self->family, &ci));
	EXPECT_EQ(1, ci.count);
	EXPECT_EQ(MECTL_CMD_GET_INFO, ci.cmd);
	EXPECT_EQ(3, ci.jedec_len);	/* the JEDEC id, not the 6 RDID bytes */
	EXPECT_EQ(0, memcmp(ci.jedec, w25q64, 3));
	/* as marked on the chip, not spi-nor 6.1's "s25fl064k" */
	EXPECT_STREQ("Winbond", ci.manufacturer);
	EXPECT_STREQ("W25Q64", ci.part);
	EXPECT_EQ(8ULL << 20, ci.size);
	EXPECT_EQ(4096U, ci.erase_size);
	EXPECT_EQ(256U, ci.page_size);
	EXPECT_EQ(8000000U, ci.speed_hz);
	EXPECT_EQ(0, ci.writeable);
	EXPECT_STREQ("mectl-spi0.0", ci.mtd_name);
	EXPECT_EQ(read_sysfs_int(SPI_DEV "/mtd_index"), (int)ci.mtd_index);
	EXPECT_GE(ci.sr1, 0);
	EXPECT_GE(ci.sr2, 0);
	EXPECT_GE(ci.sr3, 0);
	snprintf(path, sizeof(path), "/dev/mtd%u", ci.mtd_index);
	EXPECT_EQ(0, access(path, F_OK));
	EXPECT_NE(0, access("/dev/spidev0.0", F_OK));

	ASSERT_EQ(MECTL_EVENT_ATTACHED, next_event(self->ev, &ev, 2000));
	EXPECT_EQ(ci.mtd_index, ev.mtd_index);
	EXPECT_EQ(8ULL << 20, ev.size);

	/* doit naming the chip, doit naming none, dumpit */
	msg = request(self->family, MECTL_CMD_GET_INFO, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 0);
	ASSERT_EQ(0, transact(self->sk, msg, &ci));
	EXPECT_STREQ("W25Q64", ci.part);
	ASSERT_EQ(0, transact(self->sk, request(self->family, MECTL_CMD_GET_INFO, 0), &ci));
	EXPECT_EQ(1, ci.count);
	ASSERT_EQ(0, transact(self->sk, request(self->family, MECTL_CMD_GET_INFO, NLM_F_DUMP), &ci));
	EXPECT_EQ(1, ci.count);
	EXPECT_EQ(8ULL << 20, ci.size);

	ASSERT_EQ(0, arm(self->sk, self->family, 1));
	EXPECT_EQ(1, read_sysfs_int(SPI_DEV "/writeable"));
	ASSERT_EQ(MECTL_EVENT_ARMED, next_event(self->ev, &ev, 2000));
	EXPECT_EQ(1, ev.writeable);
	ASSERT_EQ(0, arm(self->sk, self->family, 0));
	EXPECT_EQ(0, read_sysfs_int(SPI_DEV "/writeable"));
	ASSERT_EQ(MECTL_EVENT_ARMED, next_event(self->ev, &ev, 2000));
	EXPECT_EQ(0, ev.writeable);

	ASSERT_EQ(0, detach(self->sk, self->family));
	ASSERT_EQ(MECTL_EVENT_DETACHED, next_event(self->ev, &ev, 2000));
	EXPECT_EQ(ci.mtd_index, ev.mtd_index);
	EXPECT_EQ(0, access("/dev/spidev0.0", F_OK));
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(-ENODEV, transact(self->sk, request(self->family, MECTL_CMD_GET_INFO, 0), &ci));
	ASSERT_EQ(0, transact(self->sk, request(self->family, MECTL_CMD_GET_INFO, NLM_F_DUMP), &ci));
	EXPECT_EQ(0, ci.count);
	EXPECT_EQ(-ENODEV, detach(self->sk, self->family));
}

/*
 * The kernel log, in the order things happened: the driver core's debug line
 * from driver_bound(), which runs once probe returned and the driver's sysfs
 * attributes were made, and mectl_flash's for each event it sent.
 */
#define DYNDBG "/proc/dynamic_debug/control"

static int order_debug(int on)
{
	const char *flag = on ? "+p" : "-p";
	char cmd[96];
	int r;

	snprintf(cmd, sizeof(cmd), "func driver_bound %s", flag);
	r = write_file(DYNDBG, cmd);
	snprintf(cmd, sizeof(cmd), "module mectl_flash func mectl_netlink_event %s", flag);
	return r ?: write_file(DYNDBG, cmd);
}

/* Where among the records read from @kmsg (-1 if not there) the two lines are. */
struct attach_order {
	int bound;	/* spi0.0 bound to a driver, its attributes made */
	int attached;	/* mectl_flash sent ATTACHED */
	int records;
};

static struct attach_order kmsg_order(int kmsg)
{
	struct attach_order o = { .bound = -1, .attached = -1 };
	char rec[8192], attached[64];
	const char *text;
	ssize_t n;

	snprintf(attached, sizeof(attached), "mectl-spi0.0: event %d sent",
		 MECTL_EVENT_ATTACHED);
	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0) {
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text)
			continue;
		if (o.bound < 0 && strstr(text, "driver_bound: bound to device") &&
		    strstr(text, "spi0.0"))
			o.bound = o.records;
		if (o.attached < 0 && strstr(text, attached))
			o.attached = o.records;
		o.records++;
	}
	return o;
}

/*
 * ATTACHED tells listeners that spiB.C's sysfs attributes (kmod/flash/ABI)
 * are there to read: the kernel must send it after driver_bound(). The kernel
 * log orders both lines as they ran, so an ATTACHED sent any earlier (from
 * probe, say) shows, however fast or slow a listener is.
 */
TEST_F(genl, attached_after_sysfs)
{
	struct attach_order o;
	struct chip_info ci;
	int kmsg, r;

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));
	ASSERT_EQ(0, order_debug(1));
	r = attach(self->sk, self->family, &ci);
	order_debug(0);
	ASSERT_EQ(0, r);
	o = kmsg_order(kmsg);
	close(kmsg);
	TH_LOG("%d log records: spi0.0 bound #%d, ATTACHED sent #%d",
	       o.records, o.bound, o.attached);
	EXPECT_LE(0, o.bound);
	EXPECT_LE(0, o.attached);
	EXPECT_LT(o.bound, o.attached);
}

TEST_F(genl, attach_errors)
{
	struct chip_info ci;
	struct nl_msg *msg;

	ASSERT_EQ(0, attach(self->sk, self->family, &ci));
	EXPECT_EQ(-EBUSY, attach(self->sk, self->family, &ci));

	msg = request(self->family, MECTL_CMD_ATTACH, 0);
	nla_put_u32(msg, MECTL_A_BUS, 7);
	nla_put_u32(msg, MECTL_A_CS, 0);
	EXPECT_EQ(-ENODEV, transact(self->sk, msg, &ci));

	/* No GPIO 400 (flashsim's 28 lines are 996-1023 on x86 6.1, 512 and
	 * up since 6.2): a clean -ENODEV, spi0.0 left alone; the same for an
	 * unknown line name. */
	ASSERT_EQ(0, detach(self->sk, self->family));
	msg = request(self->family, MECTL_CMD_ATTACH, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 0);
	nla_put_u32(msg, MECTL_A_WP_GPIO, 400);
	EXPECT_EQ(-ENODEV, transact(self->sk, msg, &ci));
	EXPECT_EQ(0, access("/dev/spidev0.0", F_OK));
	msg = request(self->family, MECTL_CMD_ATTACH, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 0);
	nla_put_string(msg, MECTL_A_WP_GPIO_NAME, "GPIO99");
	EXPECT_EQ(-ENODEV, transact(self->sk, msg, &ci));
	EXPECT_EQ(0, access("/dev/spidev0.0", F_OK));
	EXPECT_EQ(0, attach(self->sk, self->family, &ci));
}

/* WP# and HOLD# by line name: attached, and GET_INFO gives the names back. */
TEST_F(genl, gpio_lines_by_name)
{
	struct chip_info ci;
	struct nl_msg *msg;

	msg = request(self->family, MECTL_CMD_ATTACH, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 0);
	nla_put_string(msg, MECTL_A_WP_GPIO_NAME, "GPIO23");
	nla_put_string(msg, MECTL_A_HOLD_GPIO_NAME, "GPIO24");
	ASSERT_EQ(0, transact(self->sk, msg, &ci));
	EXPECT_STREQ("GPIO23", ci.wp_name);
	EXPECT_STREQ("GPIO24", ci.hold_name);
	EXPECT_EQ(-1, ci.wp_num);
	msg = request(self->family, MECTL_CMD_GET_INFO, 0);
	ASSERT_EQ(0, transact(self->sk, msg, &ci));
	EXPECT_STREQ("GPIO23", ci.wp_name);
	EXPECT_STREQ("GPIO24", ci.hold_name);
	ASSERT_EQ(0, detach(self->sk, self->family));

	/* Both a name and a number for WP#, one line for both pins, a name
	 * longer than any line's: -EINVAL, nothing attached. */
	msg = request(self->family, MECTL_CMD_ATTACH, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 0);
	nla_put_string(msg, MECTL_A_WP_GPIO_NAME, "GPIO23");
	nla_put_u32(msg, MECTL_A_WP_GPIO, 23);
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, NULL));
	msg = request(self->family, MECTL_CMD_ATTACH, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 0);
	nla_put_string(msg, MECTL_A_WP_GPIO_NAME, "GPIO23");
	nla_put_string(msg, MECTL_A_HOLD_GPIO_NAME, "GPIO23");
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, NULL));
	msg = request(self->family, MECTL_CMD_ATTACH, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 0);
	nla_put_string(msg, MECTL_A_HOLD_GPIO_NAME,
		       "GPIO_NAME_LONGER_THAN_31_CHARACTERS");
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, NULL));
	EXPECT_EQ(0, access("/dev/spidev0.0", F_OK));
	EXPECT_EQ(-ENODEV, detach(self->sk, self->family));
}

TEST_F(genl, strict_validation)
{
	struct chip_info ci;
	struct nl_msg *msg;

	ASSERT_EQ(0, attach(self->sk, self->family, &ci));

	/* output-only attribute in a request */
	msg = request(self->family, MECTL_CMD_GET_INFO, 0);
	nla_put_u64(msg, MECTL_A_SIZE, 1);
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, &ci));
	/* ARM without WRITEABLE; out-of-range values are -ERANGE (policy) */
	EXPECT_EQ(-EINVAL, transact(self->sk, request(self->family, MECTL_CMD_ARM, 0), NULL));
	EXPECT_EQ(-ERANGE, arm(self->sk, self->family, 2));
	/* BUS without CS */
	msg = request(self->family, MECTL_CMD_GET_INFO, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, &ci));
	/* ATTACH without BUS/CS, CS out of range, speed out of range */
	EXPECT_EQ(-EINVAL, transact(self->sk, request(self->family, MECTL_CMD_ATTACH, 0), NULL));
	msg = request(self->family, MECTL_CMD_ATTACH, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 256);
	EXPECT_EQ(-ERANGE, transact(self->sk, msg, NULL));
	msg = request(self->family, MECTL_CMD_ATTACH, 0);
	nla_put_u32(msg, MECTL_A_BUS, 0);
	nla_put_u32(msg, MECTL_A_CS, 1);
	nla_put_u32(msg, MECTL_A_SPEED_HZ, 4000000000u);
	EXPECT_EQ(-ERANGE, transact(self->sk, msg, NULL));
	/* wrong type (u32 where u8 is expected) */
	msg = request(self->family, MECTL_CMD_ARM, 0);
	nla_put_u32(msg, MECTL_A_WRITEABLE, 1);
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, NULL));
	EXPECT_EQ(0, read_sysfs_int(SPI_DEV "/writeable"));
}

/* Child: drop to nobody (no capabilities) and try every command. */
static int unprivileged_child(void)
{
	struct nl_sock *sk;
	struct chip_info ci;
	struct nl_msg *msg;
	int family, fails = 0;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return 100;
	sk = nl_socket_alloc();
	if (genl_connect(sk))
		return 101;
	family = genl_ctrl_resolve(sk, MECTL_GENL_NAME);
	if (family <= 0)
		return 102;
	if (attach(sk, family, &ci) != -EPERM)
		fails |= 1;
	if (arm(sk, family, 1) != -EPERM)
		fails |= 2;
	if (detach(sk, family) != -EPERM)
		fails |= 4;
	msg = request(family, MECTL_CMD_GET_INFO, 0);
	if (transact(sk, msg, &ci) != 0 || ci.count != 1)
		fails |= 8;
	nl_socket_free(sk);
	return fails;
}

TEST_F(genl, unprivileged_refused)
{
	struct chip_info ci;
	int status;
	pid_t pid;

	ASSERT_EQ(0, attach(self->sk, self->family, &ci));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(unprivileged_child());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child failure bits 0x%x (1 attach, 2 arm, 4 detach, 8 info)",
		       WEXITSTATUS(status));
	}
	EXPECT_EQ(0, read_sysfs_int(SPI_DEV "/writeable"));
	EXPECT_EQ(0, transact(self->sk, request(self->family, MECTL_CMD_GET_INFO, 0), &ci));
}

/* How many times flashsim saw @opcode since its counters were reset. */
static long sim_op_count(unsigned int opcode)
{
	FILE *f = fopen("/sys/kernel/debug/flashsim/stats", "r");
	char line[128];
	unsigned int op;
	long n, total = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "op 0x%x %*s %ld", &op, &n) == 2 && op == opcode)
			total += n;
	fclose(f);
	return total;
}

/* Child: as nobody, GET_INFO @n times; the exit status counts replies with SR1. */
static int unprivileged_info_child(int n)
{
	struct nl_sock *sk;
	struct chip_info ci;
	int family, with_sr1 = 0;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return 255;
	sk = nl_socket_alloc();
	if (genl_connect(sk))
		return 255;
	family = genl_ctrl_resolve(sk, MECTL_GENL_NAME);
	if (family <= 0)
		return 255;
	while (n--)
		if (!transact(sk, request(family, MECTL_CMD_GET_INFO, 0), &ci) && ci.sr1 >= 0)
			with_sr1++;
	nl_socket_free(sk);
	return with_sr1;
}

/*
 * A GET_INFO from a user without CAP_NET_ADMIN is served from the values the
 * last live read found: the chip sees no RDSR, so such a loop cannot hold the
 * chip (and the list lock) against a write, attach or detach. Root's GET_INFO
 * reads live, which shows the counter would catch it.
 */
TEST_F(genl, unprivileged_info_cached)
{
	struct chip_info ci;
	int status;
	pid_t pid;

	ASSERT_EQ(0, attach(self->sk, self->family, &ci));
	ASSERT_EQ(0, write_file("/sys/kernel/debug/flashsim/stats", "0"));
	ASSERT_EQ(0, sim_op_count(0x05));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(unprivileged_info_child(50));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(50, WEXITSTATUS(status));	/* every reply carried SR1 */
	EXPECT_EQ(0, sim_op_count(0x05));	/* none of them read it */
	EXPECT_EQ(0, transact(self->sk, request(self->family, MECTL_CMD_GET_INFO, 0), &ci));
	EXPECT_LE(1, sim_op_count(0x05));
	EXPECT_LE(0, ci.sr1);
}

TEST_F(genl, detach_busy_while_open)
{
	struct chip_info ci;
	char path[64];
	int fd;

	ASSERT_EQ(0, attach(self->sk, self->family, &ci));
	snprintf(path, sizeof(path), "/dev/mtd%u", ci.mtd_index);
	fd = open(path, O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EBUSY, detach(self->sk, self->family));
	EXPECT_NE(0, run("modprobe -r mectl_flash 2>/dev/null"));
	EXPECT_EQ(0, transact(self->sk, request(self->family, MECTL_CMD_GET_INFO, 0), &ci));
	close(fd);
	EXPECT_EQ(0, detach(self->sk, self->family));
	EXPECT_EQ(0, access("/dev/spidev0.0", F_OK));
}

TEST_F(genl, autoload_by_family_name)
{
	struct nl_sock *sk;

	ASSERT_EQ(0, run("modprobe -r mectl_flash"));
	ASSERT_NE(0, access("/sys/module/mectl_flash", F_OK));
	sk = nl_socket_alloc();
	ASSERT_EQ(0, genl_connect(sk));
	EXPECT_GT(genl_ctrl_resolve(sk, MECTL_GENL_NAME), 0);
	EXPECT_EQ(0, access("/sys/module/mectl_flash", F_OK));
	nl_socket_free(sk);
}

TEST_HARNESS_MAIN
