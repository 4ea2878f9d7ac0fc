/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_UTIL_H
#define MECTLD_UTIL_H

/*
 * Small helpers shared by mectld's files: whole-fd I/O, atomic file writes, hashes,
 * a string builder. Cleanup attributes come from include/cleanup.h.
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

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* Whole-buffer I/O on fds: retry short transfers and EINTR. */
int loop_read_at(int fd, void *buf, size_t len, uint64_t off);
int loop_write(int fd, const void *buf, size_t len);
/* Read an fd to its end (at most max bytes, -EFBIG beyond). */
int read_fd_all(int fd, size_t max, uint8_t **ret, size_t *ret_len);
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
int read_file_at(int dirfd, const char *name, size_t max, uint8_t **ret, size_t *ret_len);

/*
 * An fd mectld may write an image into: a regular file on a storage file system, not
 * on proc, sysfs, debugfs or another kernel interface file system. -EBADFD: not a
 * regular file; -EXDEV: on a kernel file system, named in *ret_fs.
 */
int fd_check_storage(int fd, const char **ret_fs);

/* Lower-case hex of a byte string into out (2 * len + 1 bytes). */
void hex_encode(const uint8_t *p, size_t len, char *out);
/* SHA-256 as 64 hex characters + NUL. */
int sha256_hex(const void *buf, size_t len, char out[65]);

/*
 * A growing string for JSON results and messages. All functions accept a failed
 * (OOM) strbuf and keep it failed; strbuf_steal() then returns NULL.
 */
struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal, quoted and escaped. */
void strbuf_json_str(struct strbuf *b, const char *s);
char *strbuf_steal(struct strbuf *b);
void strbuf_done(struct strbuf *b);

#endif
