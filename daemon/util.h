/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_UTIL_H
#define MECTLD_UTIL_H

/*
 * Small helpers shared by mectld's files: cleanup attributes (libsystemd's public
 * headers only give the sd_*_unrefp ones), whole-fd I/O and atomic file writes.
 * Nothing here logs; everything returns 0 or -errno.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand ownership of an fd or pointer to the caller: returns it, leaves -1/NULL. */
static inline int take_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })

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
int read_file_at(int dirfd, const char *name, size_t max, uint8_t **ret, size_t *ret_len);

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
