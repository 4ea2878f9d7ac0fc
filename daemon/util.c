// SPDX-License-Identifier: GPL-2.0-or-later
/* mectld: atomic files, hex, SHA-256 (fd I/O and the string builder: lib/common). */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <openssl/evp.h>

#include "util.h"

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

void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

int strv_push(char ***v, char *s)
{
	size_t n = 0;
	char **nv;

	while (*v && (*v)[n])
		n++;
	nv = realloc(*v, (n + 2) * sizeof(char *));
	if (!nv)
		return -ENOMEM;
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

int mtd_sysfs_attr(const char *sysfs, unsigned index, const char *attr, char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = NULL;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/class/mtd/mtd%u/%s", sysfs, index, attr);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}
