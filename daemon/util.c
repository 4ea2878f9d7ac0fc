// SPDX-License-Identifier: GPL-2.0-or-later
/* mectld: fd I/O, atomic files, hex, SHA-256, a string builder. */
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <openssl/evp.h>

#include "util.h"

int loop_read_at(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;	/* short device: caller asked past the end */
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int loop_write(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int read_fd_all(int fd, size_t max, uint8_t **ret, size_t *ret_len)
{
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (len == cap) {
			uint8_t *nb;

			if (cap > max)
				return -EFBIG;
			cap = cap ? cap * 2 : 1 << 20;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

int write_fd_replace(int fd, const void *buf, size_t len)
{
	int r;

	if (ftruncate(fd, 0) < 0 && errno != EINVAL)
		return -errno;
	if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE)
		return -errno;
	r = loop_write(fd, buf, len);
	if (r < 0)
		return r;
	if (fsync(fd) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}

int write_file_staged(int dirfd, const char *tmp, const void *buf, size_t len)
{
	_cleanup_close_ int fd = -1;
	int r;

	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = loop_write(fd, buf, len);
	if (r < 0 || fsync(fd) < 0) {
		r = r < 0 ? r : -errno;
		(void) unlinkat(dirfd, tmp, 0);
		return r;
	}
	return 0;
}

int commit_staged(int dirfd, const char *tmp, const char *name, bool replace)
{
	int r;

	if (replace)
		r = renameat(dirfd, tmp, dirfd, name) < 0 ? -errno : 0;
	else
		/* link() fails with EEXIST instead of replacing: never overwrite */
		r = linkat(dirfd, tmp, dirfd, name, 0) < 0 ? -errno : 0;
	if (r < 0 || !replace)
		(void) unlinkat(dirfd, tmp, 0);
	if (r < 0)
		return r;
	if (fsync(dirfd) < 0)
		return -errno;
	return 0;
}

static int write_atomic(int dirfd, const char *name, const void *buf, size_t len, bool replace)
{
	char tmp[256];
	int r;

	if (snprintf(tmp, sizeof(tmp), ".%s.tmp", name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	r = write_file_staged(dirfd, tmp, buf, len);
	if (r < 0)
		return r;
	return commit_staged(dirfd, tmp, name, replace);
}

int write_file_atomic(int dirfd, const char *name, const void *buf, size_t len)
{
	return write_atomic(dirfd, name, buf, len, true);
}

int write_file_atomic_new(int dirfd, const char *name, const void *buf, size_t len)
{
	return write_atomic(dirfd, name, buf, len, false);
}

int read_file_at(int dirfd, const char *name, size_t max, uint8_t **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return read_fd_all(fd, max, ret, ret_len);
}

/*
 * Kernel file systems whose "regular files" are interfaces, not storage: writing an
 * image there pokes the kernel (debugfs holds the flash simulator's chip, sysfs and
 * proc hold settings). Magic numbers from include/uapi/linux/magic.h.
 */
static const struct {
	long magic;
	const char *name;
} pseudo_fs[] = {
	{ PROC_SUPER_MAGIC, "proc" },
	{ SYSFS_MAGIC, "sysfs" },
	{ DEBUGFS_MAGIC, "debugfs" },
	{ TRACEFS_MAGIC, "tracefs" },
	{ SECURITYFS_MAGIC, "securityfs" },
	{ CGROUP_SUPER_MAGIC, "cgroup" },
	{ CGROUP2_SUPER_MAGIC, "cgroup2" },
	{ BPF_FS_MAGIC, "bpf" },
	{ 0x62656570 /* CONFIGFS_MAGIC */, "configfs" },
	{ PSTOREFS_MAGIC, "pstore" },
	{ EFIVARFS_MAGIC, "efivarfs" },
	{ DEVPTS_SUPER_MAGIC, "devpts" },
	{ 0x65735543 /* FUSECTL_SUPER_MAGIC */, "fusectl" },
	{ 0x6e736673 /* NSFS_MAGIC */, "nsfs" },
	{ 0x42494e4d /* BINFMTFS_MAGIC */, "binfmt_misc" },
	{ 0x73636673 /* SELINUX_MAGIC */, "selinuxfs" },
	{ 0x6c6f6f70 /* BINDERFS_SUPER_MAGIC */, "binderfs" },
};

int fd_check_storage(int fd, const char **ret_fs)
{
	struct statfs sfs;
	struct stat st;

	*ret_fs = NULL;
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EBADFD;
	for (size_t i = 0; i < ELEMENTSOF(pseudo_fs); i++)
		if ((long)sfs.f_type == pseudo_fs[i].magic) {
			*ret_fs = pseudo_fs[i].name;
			return -EXDEV;
		}
	return 0;
}

void hex_encode(const uint8_t *p, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = 0;
}

int sha256_hex(const void *buf, size_t len, char out[65])
{
	uint8_t md[32];
	unsigned int mdlen = 0;

	if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return -EIO;
	hex_encode(md, 32, out);
	return 0;
}

static bool strbuf_grow(struct strbuf *b, size_t more)
{
	char *ns;
	size_t cap;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = (b->len + more + 1) * 2;
	ns = realloc(b->s, cap);
	if (!ns) {
		b->oom = true;
		return false;
	}
	b->s = ns;
	b->cap = cap;
	return true;
}

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !strbuf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void strbuf_json_str(struct strbuf *b, const char *s)
{
	strbuf_printf(b, "\"");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			strbuf_printf(b, "\\%c", c);
		else if (c == '\n')
			strbuf_printf(b, "\\n");
		else if (c < 0x20)
			strbuf_printf(b, "\\u%04x", c);
		else
			strbuf_printf(b, "%c", c);
	}
	strbuf_printf(b, "\"");
}

char *strbuf_steal(struct strbuf *b)
{
	char *s;

	if (b->oom || !strbuf_grow(b, 0)) {
		strbuf_done(b);
		return NULL;
	}
	b->s[b->len] = 0;
	s = b->s;
	*b = (struct strbuf){};
	return s;
}

void strbuf_done(struct strbuf *b)
{
	free(b->s);
	*b = (struct strbuf){};
}
