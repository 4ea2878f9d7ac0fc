// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON string literals (json.h). */
#include <stdint.h>
#include <string.h>

#include "json.h"

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), 0 if there is none. */
static size_t utf8_len(const unsigned char *p)
{
	static const struct {
		unsigned char lead_min, lead_max, second_min, second_max;
		size_t len;
	} seq[] = {
		{ 0xC2, 0xDF, 0x80, 0xBF, 2 },
		{ 0xE0, 0xE0, 0xA0, 0xBF, 3 },	/* no overlong forms */
		{ 0xE1, 0xEC, 0x80, 0xBF, 3 },
		{ 0xED, 0xED, 0x80, 0x9F, 3 },	/* no surrogates */
		{ 0xEE, 0xEF, 0x80, 0xBF, 3 },
		{ 0xF0, 0xF0, 0x90, 0xBF, 4 },
		{ 0xF1, 0xF3, 0x80, 0xBF, 4 },
		{ 0xF4, 0xF4, 0x80, 0x8F, 4 },	/* up to U+10FFFF */
	};

	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		if (p[0] < seq[i].lead_min || p[0] > seq[i].lead_max)
			continue;
		if (p[1] < seq[i].second_min || p[1] > seq[i].second_max)
			return 0;
		for (size_t k = 2; k < seq[i].len; k++)
			if (p[k] < 0x80 || p[k] > 0xBF)
				return 0;
		return seq[i].len;
	}
	return 0;
}

/*
 * What stands for the bytes at p in the literal: *out (*out_len bytes; esc holds it
 * when it is an escape). Returns how many input bytes that covers (at least 1).
 */
static size_t json_piece(const unsigned char *p, char esc[7], const char **out, size_t *out_len)
{
	static const char hex[] = "0123456789abcdef";
	static const char short_esc[][2] = {
		['"'] = "\"", ['\\'] = "\\", ['\b'] = "b", ['\f'] = "f",
		['\n'] = "n", ['\r'] = "r", ['\t'] = "t",
	};
	size_t n;

	if (*p < sizeof(short_esc) / sizeof(short_esc[0]) && short_esc[*p][0]) {
		esc[0] = '\\';
		esc[1] = short_esc[*p][0];
		*out = esc;
		*out_len = 2;
		return 1;
	}
	if (*p >= 0x20 && *p < 0x7F) {
		*out = (const char *)p;
		*out_len = 1;
		return 1;
	}
	n = *p >= 0x80 ? utf8_len(p) : 0;
	if (n) {
		*out = (const char *)p;
		*out_len = n;
		return n;
	}
	memcpy(esc, "\\u00", 4);
	esc[4] = hex[*p >> 4];
	esc[5] = hex[*p & 15];
	*out = esc;
	*out_len = 6;
	return 1;
}

void json_str(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[7];

	if (!s) {
		strbuf_add(b, "null", 4);
		return;
	}
	strbuf_add(b, "\"", 1);
	while (*p) {
		const char *out;
		size_t len;

		p += json_piece(p, esc, &out, &len);
		strbuf_add(b, out, len);
	}
	strbuf_add(b, "\"", 1);
}

void json_fstr(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[7];

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		const char *out;
		size_t len;

		p += json_piece(p, esc, &out, &len);
		fwrite(out, 1, len, f);
	}
	fputc('"', f);
}
