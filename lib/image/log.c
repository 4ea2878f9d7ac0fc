// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The run's log: pieces of text tagged with the stream me_cleaner prints them on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "image-internal.h"

static int log_vadd(struct img_log *log, enum img_stream s, const char *fmt, va_list ap)
{
	char *text;

	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		struct img_log_entry *v = reallocarray(log->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		log->v = v;
		log->cap = cap;
	}
	if (vasprintf(&text, fmt, ap) < 0)
		return -ENOMEM;
	log->v[log->n].stream = s;
	log->v[log->n].text = text;
	log->n++;
	return 0;
}

int img_log_add(struct img_log *log, enum img_stream s, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = log_vadd(log, s, fmt, ap);
	va_end(ap);
	return r;
}

void img_log_free(struct img_log *log)
{
	size_t i;

	if (!log)
		return;
	for (i = 0; i < log->n; i++)
		free(log->v[i].text);
	free(log->v);
	log->v = NULL;
	log->n = log->cap = 0;
}

int img_out(struct img_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = log_vadd(&c->r->log, IMG_STDOUT, fmt, ap);
	va_end(ap);
	return r;
}

int img_err(struct img_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = log_vadd(&c->r->log, IMG_STDERR, fmt, ap);
	va_end(ap);
	return r;
}

int img_fail(struct img_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = log_vadd(&c->r->log, IMG_STDERR, fmt, ap);
	va_end(ap);
	c->r->exit_code = 1;
	return r < 0 ? r : IMG_STOP;
}

void img_result_free(struct img_result *r)
{
	if (!r)
		return;
	img_log_free(&r->log);
	free(r->image.data);
	free(r->descriptor.data);
	free(r->me.data);
	memset(r, 0, sizeof(*r));
}
