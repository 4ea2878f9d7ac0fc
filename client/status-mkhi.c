// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl status: the ME's MKHI client over /dev/meiN. Connect, then GET FW VERSION
 * and FWCAPS rule 0, each answer awaited with poll() and a timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/mei.h>

#include "cleanup.h"
#include "status.h"

struct mkhi_hdr {
	uint8_t group_id;
	uint8_t command;
	uint8_t reserved;
	uint8_t result;
} __attribute__((packed));

#define MKHI_RESPONSE		0x80
#define MKHI_GROUP_FWCAPS	0x03
#define MKHI_FWCAPS_GET_RULE	0x02
#define MKHI_GROUP_GEN		0xff
#define MKHI_GEN_GET_FW_VERSION	0x02

static const uuid_le mkhi_guid = UUID_LE(0x8e6a6715, 0x9abc, 0x4043,
					 0x88, 0xef, 0x9e, 0x39, 0xc6, 0xf6, 0x3e, 0x0f);

/* Send one request, wait up to timeout_ms for one answer. Return its length or -errno. */
static ssize_t mkhi_xfer(int fd, const void *req, size_t len, uint8_t *rsp, size_t cap,
			 int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	n = write(fd, req, len);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (p.revents & (POLLERR | POLLHUP))
		return -EIO;
	n = read(fd, rsp, cap);
	if (n < 0)
		return -errno;
	return n;
}

static bool mkhi_rsp_ok(const uint8_t *rsp, ssize_t n, size_t need, uint8_t group, uint8_t cmd)
{
	const struct mkhi_hdr *h = (const void *)rsp;

	return n >= (ssize_t)need && h->group_id == group &&
	       h->command == (cmd | MKHI_RESPONSE) && h->result == 0;
}

/* GET FW VERSION: header, then 1..3 blocks (code, recovery, fitc) as Linux mei accepts. */
static void mkhi_fw_version(struct status_mkhi *m, int fd, int timeout_ms)
{
	struct mkhi_hdr req = { .group_id = MKHI_GROUP_GEN, .command = MKHI_GEN_GET_FW_VERSION };
	uint8_t rsp[512];
	unsigned int i;
	ssize_t n;

	n = mkhi_xfer(fd, &req, sizeof(req), rsp, sizeof(rsp), timeout_ms);
	if (!mkhi_rsp_ok(rsp, n, 4 + 8, MKHI_GROUP_GEN, MKHI_GEN_GET_FW_VERSION))
		return;
	m->fwver_ok = true;
	for (i = 0; i < 3 && 4 + 8 * (i + 1) <= (size_t)n; i++) {
		const uint8_t *b = rsp + 4 + 8 * i;

		m->ver[i][0] = b[2];			/* major */
		m->ver[i][1] = b[0] | b[1] << 8;	/* minor */
		m->ver[i][2] = b[6] | b[7] << 8;	/* hotfix */
		m->ver[i][3] = b[4] | b[5] << 8;	/* build */
	}
}

/* FWCAPS GET RULE 0: header, rule id, length byte, then the rule data. */
static void mkhi_fwcaps(struct status_mkhi *m, int fd, int timeout_ms)
{
	struct {
		struct mkhi_hdr hdr;
		uint32_t rule_id;
	} __attribute__((packed)) req = {
		.hdr = { .group_id = MKHI_GROUP_FWCAPS, .command = MKHI_FWCAPS_GET_RULE },
		.rule_id = 0,
	};
	uint8_t rsp[512];
	ssize_t n;

	n = mkhi_xfer(fd, &req, sizeof(req), rsp, sizeof(rsp), timeout_ms);
	if (!mkhi_rsp_ok(rsp, n, 4 + 4 + 1 + 4, MKHI_GROUP_FWCAPS, MKHI_FWCAPS_GET_RULE))
		return;
	m->fwcaps_ok = true;
	m->capbits = rsp[9] | rsp[10] << 8 | rsp[11] << 16 | (uint32_t)rsp[12] << 24;
}

/* Open @path and connect to MKHI; -1 with @m->error set when that fails. */
static int mkhi_connect(struct status_mkhi *m, const char *path)
{
	struct mei_connect_client_data conn;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			snprintf(m->error, sizeof(m->error),
				 "%s does not exist (mei_me not loaded, or no MEI device)", path);
		else if (errno == EACCES || errno == EPERM)
			snprintf(m->error, sizeof(m->error),
				 "%s: permission denied (the MEI device is root-only; run as root)",
				 path);
		else
			snprintf(m->error, sizeof(m->error), "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(&conn, 0, sizeof(conn));
	conn.in_client_uuid = mkhi_guid;
	if (ioctl(fd, IOCTL_MEI_CONNECT_CLIENT, &conn) < 0) {
		if (errno == ENOTTY)
			snprintf(m->error, sizeof(m->error), "%s: the ME offers no MKHI client",
				 path);
		else
			snprintf(m->error, sizeof(m->error), "%s: connecting to MKHI: %s", path,
				 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * status_mkhi_query() - ask the ME's MKHI client for its firmware version and caps
 * @m: zeroed; filled in
 * @path: the MEI character device
 * @timeout_ms: how long to wait for each answer
 */
void status_mkhi_query(struct status_mkhi *m, const char *path, int timeout_ms)
{
	_cleanup_(closep) int fd = mkhi_connect(m, path);

	if (fd < 0) {
		m->state = MKHI_UNAVAILABLE;
		return;
	}
	mkhi_fw_version(m, fd, timeout_ms);
	mkhi_fwcaps(m, fd, timeout_ms);
	m->state = m->fwver_ok && m->fwcaps_ok ? MKHI_OK : MKHI_FAILED;
}
