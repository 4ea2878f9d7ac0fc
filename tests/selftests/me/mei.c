// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM test of meisim.ko against the /dev/mei user ABI (include/uapi/linux/mei.h):
 * connect (MTU, protocol version, ENOTTY, EBUSY), VTAG (EOPNOTSUPP, EINVAL),
 * unconnected use (ENODEV), MTU (EFBIG), partial and blocking reads, poll, queue
 * limit, notifications, and the MKHI client's answers in enabled and disabled mode.
 * Runs as root; unloads meisim after every test.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/mei.h>

#include "kselftest_harness.h"
#include "../lib.h"

#define DEV	"/dev/meisim0"
#define MODE	"/sys/module/meisim/parameters/mode"

static const uuid_le mkhi = UUID_LE(0x8e6a6715, 0x9abc, 0x4043,
				    0x88, 0xef, 0x9e, 0x39, 0xc6, 0xf6, 0x3e, 0x0f);
/* AMTHI: a real ME client this simulator does not offer */
static const uuid_le amthi = UUID_LE(0x12f80028, 0xb4b7, 0x4b2d,
				     0xac, 0xa8, 0x46, 0xe0, 0xff, 0x65, 0x81, 0x4c);

static const uint8_t get_fw_version[4] = { 0xff, 0x02, 0x00, 0x00 };
static const uint8_t get_fwcaps[8] = { 0x03, 0x02, 0x00, 0x00, 0, 0, 0, 0 };

static int set_mode(const char *m)
{
	return write_file(MODE, m);
}

/* connect fd to uuid; 0 or -errno; fills *mtu and *ver when not NULL */
static int connect_client(int fd, const uuid_le *uuid, uint32_t *mtu, uint8_t *ver)
{
	struct mei_connect_client_data d;

	memset(&d, 0, sizeof(d));
	d.in_client_uuid = *uuid;
	if (ioctl(fd, IOCTL_MEI_CONNECT_CLIENT, &d) < 0)
		return -errno;
	if (mtu)
		*mtu = d.out_client_properties.max_msg_length;
	if (ver)
		*ver = d.out_client_properties.protocol_version;
	return 0;
}

static int wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

FIXTURE(mei) {
	int fd;
};

FIXTURE_SETUP(mei)
{
	self->fd = -1;
	if (geteuid())
		SKIP(return, "needs root");
	run("rmmod meisim 2>/dev/null");
	if (run("modprobe -n meisim 2>/dev/null"))
		SKIP(return, "meisim.ko not installed");
	ASSERT_EQ(0, run("modprobe meisim fw_version=9.5.65.3000"));
	self->fd = open(DEV, O_RDWR);
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(mei)
{
	if (self->fd >= 0)
		close(self->fd);
	run("rmmod meisim 2>/dev/null");
}

TEST_F_TIMEOUT(mei, connect_properties, 120)
{
	uint32_t mtu = 0;
	uint8_t ver = 0;

	ASSERT_EQ(0, connect_client(self->fd, &mkhi, &mtu, &ver));
	EXPECT_EQ(512, mtu);
	EXPECT_EQ(1, ver);
	/* a second connect on the same file */
	EXPECT_EQ(-EBUSY, connect_client(self->fd, &mkhi, NULL, NULL));
}

TEST_F_TIMEOUT(mei, wrong_guid, 120)
{
	EXPECT_EQ(-ENOTTY, connect_client(self->fd, &amthi, NULL, NULL));
	/* the file is still usable afterwards */
	EXPECT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
}

TEST_F_TIMEOUT(mei, single_connection_client, 120)
{
	int fd2 = open(DEV, O_RDWR);

	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	EXPECT_EQ(-EBUSY, connect_client(fd2, &mkhi, NULL, NULL));
	/* closing the first connection frees the client */
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, connect_client(fd2, &mkhi, NULL, NULL));
	close(fd2);
}

TEST_F_TIMEOUT(mei, vtag, 120)
{
	struct mei_connect_client_data_vtag d;

	memset(&d, 0, sizeof(d));
	d.connect.in_client_uuid = mkhi;
	d.connect.vtag = 1;
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_MEI_CONNECT_CLIENT_VTAG, &d));
	EXPECT_EQ(EOPNOTSUPP, errno);
	d.connect.vtag = 0;
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_MEI_CONNECT_CLIENT_VTAG, &d));
	EXPECT_EQ(EINVAL, errno);
	d.connect.in_client_uuid = amthi;
	d.connect.vtag = 7;
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_MEI_CONNECT_CLIENT_VTAG, &d));
	EXPECT_EQ(ENOTTY, errno);
	/* a failed VTAG connect leaves the file unconnected */
	EXPECT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
}

TEST_F_TIMEOUT(mei, unconnected_and_bad_ioctls, 120)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	uint8_t buf[16];
	uint32_t v = 1;

	EXPECT_EQ(-1, write(self->fd, get_fw_version, sizeof(get_fw_version)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_MEI_NOTIFY_SET, &v));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_MEI_NOTIFY_GET, &v));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO('H', 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_MEI_CONNECT_CLIENT, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLERR);
}

TEST_F_TIMEOUT(mei, mtu, 120)
{
	static uint8_t big[513];
	uint8_t rsp[64];

	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	memcpy(big, get_fw_version, sizeof(get_fw_version));
	EXPECT_EQ(-1, write(self->fd, big, 513));
	EXPECT_EQ(EFBIG, errno);
	EXPECT_EQ(0, write(self->fd, big, 0));
	/* exactly the MTU is accepted (and answered: it is a GET FW VERSION) */
	EXPECT_EQ(512, write(self->fd, big, 512));
	ASSERT_TRUE(wait_in(self->fd, 1000));
	EXPECT_EQ(28, read(self->fd, rsp, sizeof(rsp)));
}

TEST_F_TIMEOUT(mei, fw_version, 120)
{
	uint8_t rsp[64];
	ssize_t n;
	int i;

	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	ASSERT_EQ(4, write(self->fd, get_fw_version, 4));
	ASSERT_TRUE(wait_in(self->fd, 1000));
	n = read(self->fd, rsp, sizeof(rsp));
	ASSERT_EQ(4 + 3 * 8, n);
	EXPECT_EQ(0xff, rsp[0]);
	EXPECT_EQ(0x82, rsp[1]);
	EXPECT_EQ(0, rsp[3]);
	for (i = 0; i < 3; i++) {
		const uint8_t *b = rsp + 4 + 8 * i;

		EXPECT_EQ(9, b[2]);				/* major */
		EXPECT_EQ(5, b[0] | b[1] << 8);			/* minor */
		EXPECT_EQ(3000, b[4] | b[5] << 8);		/* build */
		EXPECT_EQ(65, b[6] | b[7] << 8);		/* hotfix */
	}
	/* nothing else queued */
	EXPECT_FALSE(wait_in(self->fd, 50));
	EXPECT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->fd, rsp, sizeof(rsp)));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F_TIMEOUT(mei, fwcaps, 120)
{
	uint8_t rsp[64];
	uint8_t bad_rule[8] = { 0x03, 0x02, 0, 0, 5, 0, 0, 0 };
	ssize_t n;

	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	ASSERT_EQ(8, write(self->fd, get_fwcaps, 8));
	ASSERT_TRUE(wait_in(self->fd, 1000));
	n = read(self->fd, rsp, sizeof(rsp));
	ASSERT_EQ(16, n);
	EXPECT_EQ(0x03, rsp[0]);
	EXPECT_EQ(0x82, rsp[1]);
	EXPECT_EQ(0, rsp[3]);
	EXPECT_EQ(4, rsp[8]);
	/* Manageability, PAVP, IPV6, KVM */
	EXPECT_EQ(0x00061004u, rsp[9] | rsp[10] << 8 | rsp[11] << 16 | (uint32_t)rsp[12] << 24);
	/* a rule this client does not know: header only, failure result */
	ASSERT_EQ(8, write(self->fd, bad_rule, 8));
	ASSERT_TRUE(wait_in(self->fd, 1000));
	EXPECT_EQ(4, read(self->fd, rsp, sizeof(rsp)));
	EXPECT_NE(0, rsp[3]);
}

TEST_F_TIMEOUT(mei, disabled_mode, 120)
{
	uint8_t rsp[64];

	ASSERT_EQ(0, set_mode("disabled"));
	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	/* GET FW VERSION: no answer at all */
	ASSERT_EQ(4, write(self->fd, get_fw_version, 4));
	EXPECT_FALSE(wait_in(self->fd, 300));
	/* FWCAPS: an error result */
	ASSERT_EQ(8, write(self->fd, get_fwcaps, 8));
	ASSERT_TRUE(wait_in(self->fd, 1000));
	EXPECT_EQ(4, read(self->fd, rsp, sizeof(rsp)));
	EXPECT_EQ(0x03, rsp[0]);
	EXPECT_EQ(0x82, rsp[1]);
	EXPECT_NE(0, rsp[3]);
	/* and back */
	ASSERT_EQ(0, set_mode("enabled"));
	ASSERT_EQ(4, write(self->fd, get_fw_version, 4));
	ASSERT_TRUE(wait_in(self->fd, 1000));
	EXPECT_EQ(28, read(self->fd, rsp, sizeof(rsp)));
	EXPECT_EQ(-EINVAL, set_mode("sleepy"));
}

TEST_F_TIMEOUT(mei, partial_reads, 120)
{
	uint8_t a[4], b[64];

	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	ASSERT_EQ(4, write(self->fd, get_fw_version, 4));
	ASSERT_TRUE(wait_in(self->fd, 1000));
	EXPECT_EQ(4, read(self->fd, a, sizeof(a)));
	EXPECT_EQ(0xff, a[0]);
	EXPECT_EQ(0x82, a[1]);
	/* the rest of the same message */
	EXPECT_EQ(24, read(self->fd, b, sizeof(b)));
	EXPECT_EQ(9, b[2]);
	EXPECT_EQ(0, read(self->fd, b, 0));
}

static void *late_writer(void *arg)
{
	int fd = *(int *)arg;

	usleep(200 * 1000);
	if (write(fd, get_fw_version, 4) != 4)
		return (void *)1;
	return NULL;
}

TEST_F_TIMEOUT(mei, blocking_read_wakes, 120)
{
	struct timespec t0, t1;
	pthread_t th;
	uint8_t rsp[64];
	void *ret;
	long ms;

	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, pthread_create(&th, NULL, late_writer, &self->fd));
	EXPECT_EQ(28, read(self->fd, rsp, sizeof(rsp)));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_EQ(0, pthread_join(th, &ret));
	EXPECT_EQ(NULL, ret);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	EXPECT_GE(ms, 150);
}

TEST_F_TIMEOUT(mei, queue_limit, 120)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN | POLLOUT };
	uint8_t rsp[64];
	int i;

	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(4, write(self->fd, get_fw_version, 4));
	EXPECT_EQ(-1, write(self->fd, get_fw_version, 4));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLIN);
	EXPECT_FALSE(p.revents & POLLOUT);
	EXPECT_EQ(28, read(self->fd, rsp, sizeof(rsp)));
	EXPECT_EQ(4, write(self->fd, get_fw_version, 4));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(28, read(self->fd, rsp, sizeof(rsp)));
	EXPECT_EQ(-1, read(self->fd, rsp, sizeof(rsp)));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F_TIMEOUT(mei, notifications, 120)
{
	struct pollfd p = { .fd = self->fd, .events = POLLPRI };
	uint32_t v;

	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	/* NOTIFY_GET before NOTIFY_SET */
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_MEI_NOTIFY_GET, &v));
	EXPECT_EQ(EOPNOTSUPP, errno);
	v = 2;
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_MEI_NOTIFY_SET, &v));
	EXPECT_EQ(EINVAL, errno);
	v = 1;
	ASSERT_EQ(0, ioctl(self->fd, IOCTL_MEI_NOTIFY_SET, &v));
	EXPECT_EQ(0, poll(&p, 1, 50));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	v = 9;
	EXPECT_EQ(0, ioctl(self->fd, IOCTL_MEI_NOTIFY_GET, &v));
	EXPECT_EQ(0, v);
	/* a firmware event: the mode changes */
	ASSERT_EQ(0, set_mode("disabled"));
	EXPECT_EQ(1, poll(&p, 1, 1000));
	EXPECT_TRUE(p.revents & POLLPRI);
	EXPECT_EQ(0, ioctl(self->fd, IOCTL_MEI_NOTIFY_GET, &v));
	EXPECT_EQ(1, v);
	EXPECT_EQ(0, ioctl(self->fd, IOCTL_MEI_NOTIFY_GET, &v));
	EXPECT_EQ(0, v);
	/* disabled notifications: no event */
	v = 0;
	ASSERT_EQ(0, ioctl(self->fd, IOCTL_MEI_NOTIFY_SET, &v));
	ASSERT_EQ(0, set_mode("enabled"));
	EXPECT_EQ(0, poll(&p, 1, 50));
}

TEST_F_TIMEOUT(mei, permission, 120)
{
	/* root-only like the real /dev/meiN */
	struct stat st;

	ASSERT_EQ(0, stat(DEV, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	EXPECT_EQ(0, run("setpriv --reuid=65534 --regid=65534 --clear-groups "
			 "sh -c 'exec 3<>" DEV "' 2>&1 | grep -q 'Permission denied'"));
}

TEST_F_TIMEOUT(mei, bad_module_parameters, 120)
{
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, run("rmmod meisim"));
	EXPECT_NE(0, run("modprobe meisim fw_version=banana 2>/dev/null"));
	EXPECT_NE(0, run("modprobe meisim mode=sleepy 2>/dev/null"));
	EXPECT_NE(0, access(DEV, F_OK));
	ASSERT_EQ(0, run("modprobe meisim mode=disabled"));
	self->fd = open(DEV, O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, connect_client(self->fd, &mkhi, NULL, NULL));
	ASSERT_EQ(4, write(self->fd, get_fw_version, 4));
	EXPECT_FALSE(wait_in(self->fd, 200));
}

TEST_HARNESS_MAIN
