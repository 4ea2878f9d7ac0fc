// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the generic netlink edge (family "mectl", include/uapi/mectl.h).
 *
 * The only file that speaks libnl. libnl turns the kernel's error ACK (a -errno)
 * into its own NLE_* codes, losing the errno; an NL_CB_ERR callback keeps the
 * kernel's value, and nle_to_errno() converts the rest once, here.
 */
#include <string.h>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "kernel.h"
#include "util.h"

static int nle_to_errno(int nle)
{
	static const int map[] = {
		[NLE_SUCCESS] = 0,
		[NLE_FAILURE] = EIO,
		[NLE_INTR] = EINTR,
		[NLE_BAD_SOCK] = EBADF,
		[NLE_AGAIN] = EAGAIN,
		[NLE_NOMEM] = ENOMEM,
		[NLE_EXIST] = EEXIST,
		[NLE_INVAL] = EINVAL,
		[NLE_RANGE] = ERANGE,
		[NLE_MSGSIZE] = EMSGSIZE,
		[NLE_OPNOTSUPP] = EOPNOTSUPP,
		[NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
		[NLE_OBJ_NOTFOUND] = ENOENT,
		[NLE_NOATTR] = ENODATA,
		[NLE_MISSING_ATTR] = EBADMSG,
		[NLE_AF_MISMATCH] = EPROTO,
		[NLE_SEQ_MISMATCH] = EPROTO,
		[NLE_MSG_OVERFLOW] = EOVERFLOW,
		[NLE_MSG_TRUNC] = EMSGSIZE,
		[NLE_NOADDR] = EADDRNOTAVAIL,
		[NLE_SRCRT_NOSUPPORT] = EOPNOTSUPP,
		[NLE_MSG_TOOSHORT] = EBADMSG,
		[NLE_MSGTYPE_NOSUPPORT] = EOPNOTSUPP,
		[NLE_OBJ_MISMATCH] = EINVAL,
		[NLE_NOCACHE] = ENOENT,
		[NLE_BUSY] = EBUSY,
		[NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
		[NLE_NOACCESS] = EACCES,
		[NLE_PERM] = EPERM,
		[NLE_PKTLOC_FILE] = ENOENT,
		[NLE_PARSE_ERR] = EBADMSG,
		[NLE_NODEV] = ENODEV,
		[NLE_IMMUTABLE] = EROFS,
		[NLE_DUMP_INTR] = EINTR,
		[NLE_ATTRSIZE] = EMSGSIZE,
	};

	if (nle < 0)
		nle = -nle;
	if ((size_t)nle >= ELEMENTSOF(map) || !map[nle])
		return nle ? -EIO : 0;
	return -map[nle];
}

static struct nla_policy chip_policy[MECTL_A_MAX + 1] = {
	[MECTL_A_BUS] = { .type = NLA_U32 },
	[MECTL_A_CS] = { .type = NLA_U32 },
	[MECTL_A_SPEED_HZ] = { .type = NLA_U32 },
	[MECTL_A_WP_GPIO] = { .type = NLA_U32 },
	[MECTL_A_HOLD_GPIO] = { .type = NLA_U32 },
	[MECTL_A_WRITEABLE] = { .type = NLA_U8 },
	[MECTL_A_JEDEC_ID] = { .type = NLA_UNSPEC, .maxlen = MECTL_JEDEC_ID_MAX },
	[MECTL_A_PART] = { .type = NLA_STRING, .maxlen = MECTL_PART_MAX },
	[MECTL_A_MANUFACTURER] = { .type = NLA_STRING, .maxlen = MECTL_PART_MAX },
	[MECTL_A_SIZE] = { .type = NLA_U64 },
	[MECTL_A_ERASE_SIZE] = { .type = NLA_U32 },
	[MECTL_A_BLOCK_ERASE_SIZE] = { .type = NLA_U32 },
	[MECTL_A_PAGE_SIZE] = { .type = NLA_U32 },
	[MECTL_A_SR1] = { .type = NLA_U8 },
	[MECTL_A_SR2] = { .type = NLA_U8 },
	[MECTL_A_SR3] = { .type = NLA_U8 },
	[MECTL_A_MTD_INDEX] = { .type = NLA_U32 },
	[MECTL_A_MTD_NAME] = { .type = NLA_STRING },
};

static int parse_chip(struct nl_msg *msg, struct chip_info *c, uint8_t *ret_cmd)
{
	struct nlattr *tb[MECTL_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = genlmsg_hdr(nlh);
	int r;

	r = genlmsg_parse(nlh, 0, tb, MECTL_A_MAX, chip_policy);
	if (r < 0)
		return nle_to_errno(r);
	*c = (struct chip_info) {};
	if (ret_cmd)
		*ret_cmd = gh->cmd;
	if (!tb[MECTL_A_BUS] || !tb[MECTL_A_CS])
		return -EBADMSG;
	c->bus = nla_get_u32(tb[MECTL_A_BUS]);
	c->cs = nla_get_u32(tb[MECTL_A_CS]);
	if (tb[MECTL_A_SPEED_HZ])
		c->speed_hz = nla_get_u32(tb[MECTL_A_SPEED_HZ]);
	if (tb[MECTL_A_JEDEC_ID]) {
		c->jedec_len = (size_t)nla_len(tb[MECTL_A_JEDEC_ID]);
		if (c->jedec_len > sizeof(c->jedec))
			c->jedec_len = sizeof(c->jedec);
		memcpy(c->jedec, nla_data(tb[MECTL_A_JEDEC_ID]), c->jedec_len);
	}
	if (tb[MECTL_A_MANUFACTURER])
		nla_strlcpy(c->manufacturer, tb[MECTL_A_MANUFACTURER], sizeof(c->manufacturer));
	if (tb[MECTL_A_PART])
		nla_strlcpy(c->part, tb[MECTL_A_PART], sizeof(c->part));
	if (tb[MECTL_A_SIZE])
		c->size = nla_get_u64(tb[MECTL_A_SIZE]);
	if (tb[MECTL_A_ERASE_SIZE])
		c->erase_size = nla_get_u32(tb[MECTL_A_ERASE_SIZE]);
	if (tb[MECTL_A_BLOCK_ERASE_SIZE])
		c->block_erase_size = nla_get_u32(tb[MECTL_A_BLOCK_ERASE_SIZE]);
	if (tb[MECTL_A_PAGE_SIZE])
		c->page_size = nla_get_u32(tb[MECTL_A_PAGE_SIZE]);
	for (int i = 0; i < 3; i++) {
		struct nlattr *a = tb[MECTL_A_SR1 + i];

		c->has_sr[i] = a;
		if (a)
			c->sr[i] = nla_get_u8(a);
	}
	if (tb[MECTL_A_WRITEABLE])
		c->writeable = nla_get_u8(tb[MECTL_A_WRITEABLE]);
	if (tb[MECTL_A_MTD_INDEX]) {
		c->has_mtd = true;
		c->mtd_index = nla_get_u32(tb[MECTL_A_MTD_INDEX]);
	}
	if (tb[MECTL_A_MTD_NAME])
		nla_strlcpy(c->mtd_name, tb[MECTL_A_MTD_NAME], sizeof(c->mtd_name));
	return 0;
}

/* One request/response exchange on a fresh socket. */
struct request {
	struct nl_sock *sk;
	int family;
	int kernel_errno;		/* from the error ACK, 0 when none */
	struct chip_info *chips;
	size_t n_chips;
	int parse_error;
};

static void request_done(struct request *q)
{
	if (q->sk)
		nl_socket_free(q->sk);
	free(q->chips);
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct request *q = arg;

	(void)nla;
	q->kernel_errno = e->error;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *q = arg;
	struct chip_info *n;
	int r;

	n = realloc(q->chips, (q->n_chips + 1) * sizeof(*n));
	if (!n) {
		q->parse_error = -ENOMEM;
		return NL_STOP;
	}
	q->chips = n;
	r = parse_chip(msg, &q->chips[q->n_chips], NULL);
	if (r < 0) {
		q->parse_error = r;
		return NL_SKIP;
	}
	q->n_chips++;
	return NL_OK;
}

static int request_open(struct request *q)
{
	int r;

	*q = (struct request) {};
	q->sk = nl_socket_alloc();
	if (!q->sk)
		return -ENOMEM;
	r = genl_connect(q->sk);
	if (r < 0)
		return nle_to_errno(r);
	q->family = genl_ctrl_resolve(q->sk, MECTL_GENL_NAME);
	if (q->family < 0)
		return q->family == -NLE_OBJ_NOTFOUND ? -ENOENT : nle_to_errno(q->family);
	nl_socket_modify_cb(q->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, q);
	nl_socket_modify_err_cb(q->sk, NL_CB_CUSTOM, on_error, q);
	return 0;
}

/* Send cmd with the attributes already put into msg, collect replies and the ACK. */
static int request_run(struct request *q, struct nl_msg *msg, bool dump)
{
	int r;

	r = nl_send_auto(q->sk, msg);
	if (r < 0)
		return nle_to_errno(r);
	if (dump)
		r = nl_recvmsgs_default(q->sk);
	else
		r = nl_wait_for_ack(q->sk);
	if (q->kernel_errno)
		return q->kernel_errno;	/* already negative */
	if (r < 0)
		return nle_to_errno(r);
	return q->parse_error;
}

static struct nl_msg *request_msg(struct request *q, uint8_t cmd, bool dump)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, q->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, MECTL_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void nl_msg_freep(struct nl_msg **m)
{
	if (*m)
		nlmsg_free(*m);
}

int kernel_list_chips(struct chip_info **ret, size_t *ret_n)
{
	_cleanup_(request_done) struct request q = {};
	_cleanup_(nl_msg_freep) struct nl_msg *msg = NULL;
	int r;

	r = request_open(&q);
	if (r < 0)
		return r;
	msg = request_msg(&q, MECTL_CMD_GET_INFO, true);
	if (!msg)
		return -ENOMEM;
	r = request_run(&q, msg, true);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(q.chips);
	*ret_n = q.n_chips;
	return 0;
}

int kernel_find_mtd(uint32_t mtd_index, struct chip_info *ret)
{
	_cleanup_free_ struct chip_info *chips = NULL;
	size_t n = 0, i;
	int r;

	r = kernel_list_chips(&chips, &n);
	if (r < 0)
		return r;
	for (i = 0; i < n; i++)
		if (chips[i].has_mtd && chips[i].mtd_index == mtd_index) {
			*ret = chips[i];
			return 0;
		}
	return -ENODEV;
}

/* A command on spiBUS.CS: socket, message, BUS and CS. */
static int chip_request(struct request *q, uint8_t cmd, uint32_t bus, uint32_t cs,
			struct nl_msg **ret)
{
	int r;

	r = request_open(q);
	if (r < 0)
		return r;
	*ret = request_msg(q, cmd, false);
	if (!*ret)
		return -ENOMEM;
	if (nla_put_u32(*ret, MECTL_A_BUS, bus) < 0 || nla_put_u32(*ret, MECTL_A_CS, cs) < 0)
		return -EMSGSIZE;
	return 0;
}

int kernel_attach(uint32_t bus, uint32_t cs, uint32_t speed_hz, struct chip_info *ret)
{
	_cleanup_(request_done) struct request q = {};
	_cleanup_(nl_msg_freep) struct nl_msg *msg = NULL;
	int r;

	r = chip_request(&q, MECTL_CMD_ATTACH, bus, cs, &msg);
	if (r < 0)
		return r;
	if (speed_hz && nla_put_u32(msg, MECTL_A_SPEED_HZ, speed_hz) < 0)
		return -EMSGSIZE;
	r = request_run(&q, msg, false);
	if (r < 0)
		return r;
	if (q.n_chips < 1)
		return -EBADMSG;
	*ret = q.chips[0];
	return 0;
}

int kernel_arm(uint32_t bus, uint32_t cs, bool writeable)
{
	_cleanup_(request_done) struct request q = {};
	_cleanup_(nl_msg_freep) struct nl_msg *msg = NULL;
	int r;

	r = chip_request(&q, MECTL_CMD_ARM, bus, cs, &msg);
	if (r < 0)
		return r;
	if (nla_put_u8(msg, MECTL_A_WRITEABLE, writeable) < 0)
		return -EMSGSIZE;
	return request_run(&q, msg, false);
}

struct kernel_events {
	struct nl_sock *sk;
	kernel_event_fn fn;
	void *userdata;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct kernel_events *ev = arg;
	struct chip_info c;
	uint8_t cmd;

	if (parse_chip(msg, &c, &cmd) < 0)
		return NL_SKIP;
	switch ((enum mectl_cmd)cmd) {
	case MECTL_EVENT_ATTACHED:
	case MECTL_EVENT_DETACHED:
	case MECTL_EVENT_ARMED:
		ev->fn((enum mectl_cmd)cmd, &c, ev->userdata);
		break;
	case MECTL_CMD_UNSPEC:
	case MECTL_CMD_ATTACH:
	case MECTL_CMD_DETACH:
	case MECTL_CMD_GET_INFO:
	case MECTL_CMD_ARM:
	case __MECTL_CMD_MAX:
		break;
	}
	return NL_OK;
}

int kernel_events_open(kernel_event_fn fn, void *userdata, struct kernel_events **ret)
{
	struct kernel_events *ev;
	int grp, r;

	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->fn = fn;
	ev->userdata = userdata;
	ev->sk = nl_socket_alloc();
	if (!ev->sk) {
		r = -ENOMEM;
		goto fail;
	}
	r = genl_connect(ev->sk);
	if (r < 0) {
		r = nle_to_errno(r);
		goto fail;
	}
	grp = genl_ctrl_resolve_grp(ev->sk, MECTL_GENL_NAME, MECTL_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		r = grp == -NLE_OBJ_NOTFOUND ? -ENOENT : nle_to_errno(grp);
		goto fail;
	}
	nl_socket_disable_seq_check(ev->sk);
	nl_socket_modify_cb(ev->sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, ev);
	r = nl_socket_add_membership(ev->sk, grp);
	if (r < 0) {
		r = nle_to_errno(r);
		goto fail;
	}
	r = nl_socket_set_nonblocking(ev->sk);
	if (r < 0) {
		r = nle_to_errno(r);
		goto fail;
	}
	*ret = ev;
	return 0;
fail:
	kernel_events_free(ev);
	return r;
}

int kernel_events_fd(struct kernel_events *ev)
{
	return nl_socket_get_fd(ev->sk);
}

int kernel_events_dispatch(struct kernel_events *ev)
{
	int r = nl_recvmsgs_default(ev->sk);

	if (r == -NLE_AGAIN)
		return 0;
	return r < 0 ? nle_to_errno(r) : 0;
}

struct kernel_events *kernel_events_free(struct kernel_events *ev)
{
	if (!ev)
		return NULL;
	if (ev->sk)
		nl_socket_free(ev->sk);
	free(ev);
	return NULL;
}
