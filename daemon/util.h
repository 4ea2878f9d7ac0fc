/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_UTIL_H
#define MECTLD_UTIL_H

/*
 * Small helpers shared by mectld's files: atomic file writes, hashes; with them the
 * helpers of lib/common (whole-fd I/O, the string builder, JSON strings). Cleanup
 * attributes come from include/cleanup.h.
 * Nothing here logs; everything returns 0 or -errno.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd.h"
#include "json.h"
#include "strbuf.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* Replace the whole content of a passed fd (truncate, write from 0, fsync). */
int write_fd_replace(int fd, const void *buf, size_t len);

/*
 * Atomic file replacement in dirfd: write NAME.tmp, fsync, rename over NAME, fsync
 * the directory. A reader sees the old file or the new one, never a mix.
 */
int write_file_atomic(int dirfd, const char *name, const void *buf, size_t len);
/* Same, but never replaces an existing NAME (-EEXIST): backups. */
int write_file_atomic_new(int dirfd, const char *name, const void *buf, size_t len);
/* The two halves: write+fsync a temporary, then rename (replace) or link (new). */
int write_file_staged(int dirfd, const char *tmp, const void *buf, size_t len);
int commit_staged(int dirfd, const char *tmp, const char *name, bool replace);

/*
 * An fd mectld may write an image into: a regular file on a storage file system, not
 * on proc, sysfs, debugfs or another kernel interface file system. -EBADFD: not a
 * regular file; -EXDEV: on a kernel file system, named in *ret_fs.
 */
int fd_check_storage(int fd, const char **ret_fs);

/*
 * SYSFS/class/mtd/mtdN/ATTR's first line, without its newline, into buf (sysfs is
 * "/sys", or a test's tree); -errno when it cannot be read.
 */
int mtd_sysfs_attr(const char *sysfs, unsigned index, const char *attr, char *buf, size_t len);

/* NULL-terminated string lists: free every string and the list; append s (taken). */
void strv_free(char **v);
int strv_push(char ***v, char *s);

/* Lower-case hex of a byte string into out (2 * len + 1 bytes). */
void hex_encode(const uint8_t *p, size_t len, char *out);
/* SHA-256 as 64 hex characters + NUL. */
int sha256_hex(const void *buf, size_t len, char out[65]);

#endif
