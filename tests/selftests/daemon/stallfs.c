// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stalled file system, for limits.sh: a FUSE server on the raw /dev/fuse protocol
 * (<linux/fuse.h>, no libfuse) that mounts itself read-only at MOUNTPOINT and serves
 * one regular file, MOUNTPOINT/image, of SIZE bytes (zeros). READ requests for
 * offsets below HOLD_FROM are answered; later ones are held, never answered, as a
 * network server that stopped responding holds them, until SIGUSR1 releases them all
 * (and every later read is answered). FUSE_INTERRUPT is ignored, as such a server
 * would. Run as root:
 *
 *   stallfs MOUNTPOINT SIZE HOLD_FROM
 *
 * The mount has allow_other and default_permissions (a share every local user may
 * read) and FUSE_ASYNC_READ (libfuse's default): the kernel reads through the page
 * cache in background requests, and a reader waits for its pages killably, as it does
 * on a stalled NFS mount. No signal but a fatal one ends that wait. (Without
 * FUSE_ASYNC_READ the reader itself would wait for a request already sent, which not
 * even SIGKILL ends.)
 *
 * Prints one line when mounted, then one per held READ, per ignored INTERRUPT and per
 * release, on stdout. Exits 0 when unmounted, 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fuse.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define FILE_NAME "image"
#define FILE_NODE 2
/* The name and attributes stay valid for a day: no GETATTR or LOOKUP storms. */
#define VALID_S 86400
/* Requests and replies: well above a READ's 32 pages (FUSE's default max_pages). */
#define BUF_SIZE (1u << 20)
#define MAX_WRITE 4096
#define MAX_BACKGROUND 16

struct held {
	uint64_t unique, offset;
	uint32_t size;
};

struct server {
	int fuse_fd;
	uint64_t size, hold_from;
	bool released;
	struct held *held;
	size_t n_held, cap_held;
	uint8_t zeros[BUF_SIZE];
	bool done;
};

/* One reply: the header and @len bytes of @data (none for an error). */
static int reply(struct server *s, uint64_t unique, int error, const void *data, size_t len)
{
	struct fuse_out_header h = {
		.len = (uint32_t)(sizeof(h) + len), .error = error, .unique = unique,
	};
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)data, .iov_len = len },
	};

	/* ENOENT: the request is gone (its reader was interrupted or killed). */
	if (writev(s->fuse_fd, iov, len ? 2 : 1) < 0 && errno != ENOENT) {
		fprintf(stderr, "stallfs: reply to %" PRIu64 ": %s\n", unique, strerror(errno));
		return -errno;
	}
	return 0;
}

static int reply_err(struct server *s, uint64_t unique, int err)
{
	return reply(s, unique, -err, NULL, 0);
}

static void fill_attr(const struct server *s, uint64_t node, struct fuse_attr *a)
{
	*a = (struct fuse_attr) { .ino = node, .blksize = 4096 };
	if (node == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0444;
		a->nlink = 1;
		a->size = s->size;
		a->blocks = (s->size + 511) / 512;
	}
}

static bool known_node(uint64_t node)
{
	return node == FUSE_ROOT_ID || node == FILE_NODE;
}

/* The data of a READ at @offset, clipped to the file and to what one reply holds. */
static int answer_read(struct server *s, uint64_t unique, uint64_t offset, uint32_t size)
{
	uint64_t len = offset < s->size ? s->size - offset : 0;

	if (len > size)
		len = size;
	if (len > sizeof(s->zeros))
		len = sizeof(s->zeros);
	return reply(s, unique, 0, s->zeros, (size_t)len);
}

typedef int (*op_fn)(struct server *s, const struct fuse_in_header *h, const void *arg);

static int op_init(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	struct fuse_init_in in = {};
	struct fuse_init_out out = {};

	memcpy(&in, arg, h->len - sizeof(*h) < sizeof(in) ? h->len - sizeof(*h) : sizeof(in));
	if (in.major != FUSE_KERNEL_VERSION) {
		fprintf(stderr, "stallfs: the kernel speaks FUSE %u.%u\n", in.major, in.minor);
		return reply_err(s, h->unique, EPROTO);
	}
	out.major = FUSE_KERNEL_VERSION;
	out.minor = in.minor < FUSE_KERNEL_MINOR_VERSION ? in.minor : FUSE_KERNEL_MINOR_VERSION;
	out.max_readahead = in.max_readahead;
	out.flags = in.flags & FUSE_ASYNC_READ;
	out.max_background = MAX_BACKGROUND;
	out.congestion_threshold = MAX_BACKGROUND * 3 / 4;
	out.max_write = MAX_WRITE;
	out.time_gran = 1;
	return reply(s, h->unique, 0, &out, sizeof(out));
}

static int op_lookup(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	struct fuse_entry_out out = {
		.nodeid = FILE_NODE, .generation = 1, .entry_valid = VALID_S, .attr_valid = VALID_S,
	};

	if (h->nodeid != FUSE_ROOT_ID || strcmp(arg, FILE_NAME))
		return reply_err(s, h->unique, ENOENT);
	fill_attr(s, FILE_NODE, &out.attr);
	return reply(s, h->unique, 0, &out, sizeof(out));
}

static int op_getattr(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	struct fuse_attr_out out = { .attr_valid = VALID_S };

	if (!known_node(h->nodeid))
		return reply_err(s, h->unique, ENOENT);
	fill_attr(s, h->nodeid, &out.attr);
	return reply(s, h->unique, 0, &out, sizeof(out));
}

static int op_open(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	const struct fuse_open_in *in = arg;
	struct fuse_open_out out = { .fh = 1, .open_flags = FOPEN_KEEP_CACHE };

	if (h->nodeid != FILE_NODE)
		return reply_err(s, h->unique, EISDIR);
	if ((in->flags & O_ACCMODE) != O_RDONLY)
		return reply_err(s, h->unique, EROFS);
	return reply(s, h->unique, 0, &out, sizeof(out));
}

static int op_read(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	const struct fuse_read_in *in = arg;
	struct held *nh;

	if (s->released || in->offset < s->hold_from)
		return answer_read(s, h->unique, in->offset, in->size);
	if (s->n_held == s->cap_held) {
		size_t cap = s->cap_held ? s->cap_held * 2 : 16;

		nh = realloc(s->held, cap * sizeof(*nh));
		if (!nh)
			return -ENOMEM;
		s->held = nh;
		s->cap_held = cap;
	}
	s->held[s->n_held++] = (struct held) {
		.unique = h->unique, .offset = in->offset, .size = in->size,
	};
	printf("held READ offset=%" PRIu64 " size=%u\n", in->offset, in->size);
	return 0;
}

static int op_ok(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	return reply(s, h->unique, 0, NULL, 0);
}

static int op_statfs(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	struct fuse_statfs_out out = { .st = {
		.blocks = (s->size + 4095) / 4096, .files = 2, .bsize = 4096, .frsize = 4096,
		.namelen = 255,
	} };

	return reply(s, h->unique, 0, &out, sizeof(out));
}

/* FORGET and BATCH_FORGET: nothing to forget, and no reply. */
static int op_forget(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	return 0;
}

static int op_interrupt(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	const struct fuse_interrupt_in *in = arg;

	printf("ignored INTERRUPT of %" PRIu64 "\n", in->unique);
	return 0;
}

static int op_destroy(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	s->done = true;
	return reply(s, h->unique, 0, NULL, 0);
}

/* Every other opcode is answered ENOSYS, which the kernel remembers where it can. */
static const struct {
	op_fn fn;
	uint32_t arg_len;	/* the least the request carries after its header */
} ops[] = {
	[FUSE_INIT] = { op_init, 8 },
	[FUSE_LOOKUP] = { op_lookup, 1 },
	[FUSE_GETATTR] = { op_getattr, 0 },
	[FUSE_OPEN] = { op_open, sizeof(struct fuse_open_in) },
	[FUSE_READ] = { op_read, sizeof(struct fuse_read_in) },
	[FUSE_FLUSH] = { op_ok, 0 },
	[FUSE_RELEASE] = { op_ok, 0 },
	[FUSE_STATFS] = { op_statfs, 0 },
	[FUSE_FORGET] = { op_forget, 0 },
	[FUSE_BATCH_FORGET] = { op_forget, 0 },
	[FUSE_INTERRUPT] = { op_interrupt, sizeof(struct fuse_interrupt_in) },
	[FUSE_DESTROY] = { op_destroy, 0 },
};

static int handle(struct server *s, uint8_t *buf, size_t n)
{
	const struct fuse_in_header *h = (const void *)buf;

	if (n < sizeof(*h) || h->len != n) {
		fprintf(stderr, "stallfs: a request of %zu bytes\n", n);
		return -EPROTO;
	}
	if (h->opcode >= sizeof(ops) / sizeof(ops[0]) || !ops[h->opcode].fn)
		return reply_err(s, h->unique, ENOSYS);
	if (n - sizeof(*h) < ops[h->opcode].arg_len)
		return reply_err(s, h->unique, EINVAL);
	/* LOOKUP's name is NUL-terminated by the kernel, within the request */
	if (h->opcode == FUSE_LOOKUP && buf[n - 1])
		return reply_err(s, h->unique, EINVAL);
	return ops[h->opcode].fn(s, h, buf + sizeof(*h));
}

static int release_all(struct server *s)
{
	printf("released %zu held READs\n", s->n_held);
	s->released = true;
	for (size_t i = 0; i < s->n_held; i++) {
		int r = answer_read(s, s->held[i].unique, s->held[i].offset, s->held[i].size);

		if (r < 0)
			return r;
	}
	s->n_held = 0;
	return 0;
}

static int serve(struct server *s, int sig_fd)
{
	static uint8_t buf[BUF_SIZE];

	while (!s->done) {
		struct pollfd p[2] = {
			{ .fd = s->fuse_fd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
		};
		ssize_t n;
		int r;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1) {
				r = release_all(s);
				if (r < 0)
					return r;
			}
		}
		if (!(p[0].revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		n = read(s->fuse_fd, buf, sizeof(buf));
		if (n < 0 && errno == ENODEV)	/* unmounted */
			break;
		/* ENOENT: the request was interrupted before it was read */
		if (n < 0 && (errno == ENOENT || errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		r = handle(s, buf, (size_t)n);
		if (r < 0)
			return r;
	}
	printf("unmounted\n");
	return 0;
}

static int parse_u64(const char *arg, uint64_t *ret)
{
	char *end;

	errno = 0;
	*ret = strtoull(arg, &end, 0);
	return errno || end == arg || *end || arg[0] == '-' ? -EINVAL : 0;
}

int main(int argc, char **argv)
{
	static struct server s;
	char opts[256];
	sigset_t ss;
	int sig_fd, r;

	if (argc != 4 || parse_u64(argv[2], &s.size) < 0 || parse_u64(argv[3], &s.hold_from) < 0) {
		fprintf(stderr, "usage: stallfs MOUNTPOINT SIZE HOLD_FROM\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sig_fd = signalfd(-1, &ss, SFD_CLOEXEC);
	s.fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (sig_fd < 0 || s.fuse_fd < 0) {
		perror("stallfs: /dev/fuse");
		return 1;
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other,"
		 "default_permissions", s.fuse_fd);
	if (mount("stallfs", argv[1], "fuse", MS_RDONLY | MS_NOSUID | MS_NODEV, opts) < 0) {
		fprintf(stderr, "stallfs: mount %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("mounted %s/" FILE_NAME ": %" PRIu64 " bytes, reads from %" PRIu64 " held\n",
	       argv[1], s.size, s.hold_from);
	r = serve(&s, sig_fd);
	if (r < 0) {
		fprintf(stderr, "stallfs: %s\n", strerror(-r));
		umount2(argv[1], MNT_DETACH);
		return 1;
	}
	return 0;
}
