// SPDX-License-Identifier: GPL-2.0-or-later
/* A growing string (strbuf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

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

void strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	if (!strbuf_grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!strbuf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
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

int error_line(char **ret, int r, const char *fmt, ...)
{
	va_list ap;

	free(*ret);
	va_start(ap, fmt);
	if (vasprintf(ret, fmt, ap) < 0)
		*ret = NULL;
	va_end(ap);
	return r;
}
