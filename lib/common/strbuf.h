/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_COMMON_STRBUF_H
#define MECTL_COMMON_STRBUF_H

/*
 * A growing NUL-terminated string (JSON results, reports, messages). Start from
 * (struct strbuf){}. Every function accepts a failed (out of memory) strbuf and keeps
 * it failed, so a caller appends without checking and looks once at the end:
 * strbuf_steal() then returns NULL.
 *
 *   strbuf_add(b, s, n)        append n bytes of s
 *   strbuf_printf(b, fmt, ...) append printf output (any length)
 *   strbuf_steal(b)            the malloc'ed string (the caller frees it), b emptied;
 *                              NULL if anything failed
 *   strbuf_done(b)             free the string, b emptied
 *
 * error_line(ret, r, fmt, ...) is the one-line reason of a failure: *ret becomes the
 * formatted text (NULL if out of memory; what it held is freed) and r is returned.
 */
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *strbuf_steal(struct strbuf *b);
void strbuf_done(struct strbuf *b);
int error_line(char **ret, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
