/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_TESTS_IMAGEX_HELPERS_H
#define MECTL_TESTS_IMAGEX_HELPERS_H

/* Helpers shared by the host tests of the image engine on mkimage images. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

static inline uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline bool all_ff(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xFF)
			return false;
	return true;
}

/* Pieces of one stream joined (a line may be printed in several pieces). */
static inline bool log_has(const struct img_result *r, enum img_stream s, const char *needle)
{
	size_t len = 1;
	char *all, *p;
	bool found;

	for (size_t i = 0; i < r->log.n; i++)
		len += strlen(r->log.v[i].text);
	all = p = calloc(1, len);
	if (!all)
		return false;
	for (size_t i = 0; i < r->log.n; i++)
		if (r->log.v[i].stream == s)
			p = stpcpy(p, r->log.v[i].text);
	found = strstr(all, needle) != NULL;
	free(all);
	return found;
}

#endif
