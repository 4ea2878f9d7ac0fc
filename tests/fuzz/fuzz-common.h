/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_FUZZ_COMMON_H
#define MECTL_FUZZ_COMMON_H

/*
 * Helpers for the libFuzzer targets: run the engine on a byte buffer with a legal
 * option set (me_cleaner's own exclusions after parse_args(), respected so that every finding is
 * a real bug) and serialise the report, as mectl check --json would.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Option sets, indexed by a selector byte. */
static inline void fuzz_options(struct img_options *o, uint8_t sel, uint8_t sel2)
{
	memset(o, 0, sizeof(*o));
	o->prog = "fuzz";
	if (sel & 1) {
		o->check = true;
		o->keep_modules = sel & 2;
		o->extract_descriptor = sel & 4 ? "fd.bin" : NULL;
		o->extract_me = sel & 8 ? "me.bin" : NULL;
		o->json = sel & 16;
		return;
	}
	o->soft_disable_only = (sel & 6) == 6;
	o->soft_disable = !o->soft_disable_only && (sel & 2);
	o->keep_modules = sel & 8;
	o->descriptor = sel & 16;
	o->extract_descriptor = sel & 32 ? "fd.bin" : NULL;
	o->extract_me = sel & 64 ? "me.bin" : NULL;
	o->force = sel & 128;
	o->pch = sel2 & 32 ? (sel2 & 64 ? "lp" : "h") : NULL;
	if (!o->soft_disable_only) {
		o->truncate = sel2 & 1;
		if (sel2 & 2)
			o->whitelist = sel2 & 4 ? "MFS,EFFS" : "NFTP";
		else if (sel2 & 8)
			o->blacklist = sel2 & 4 ? "MFS" : ",FTPR,";
		else
			o->relocate = sel2 & 16;
	}
}

static inline void fuzz_run(const uint8_t *img, size_t len, const struct img_options *o)
{
	struct img_result r = { 0 };
	char *json = NULL;

	if (img_run(img, len, o, &r) == 0 && img_report_json(&r.report, &json) == 0)
		free(json);
	img_result_free(&r);
}

/*
 * A bare ME region holding @ftpr as its only partition: ROM bypass, $FPT at 0x10
 * with one FTPR entry at 0x1000. Returns a malloc'ed buffer of *len bytes.
 */
static inline uint8_t *fuzz_wrap_ftpr(const uint8_t *ftpr, size_t n, size_t *len)
{
	uint8_t *b = malloc(0x1000 + n), sum = 0;

	if (!b)
		return NULL;
	memset(b, 0xFF, 0x1000);
	memset(b, 0, 0x30);
	memcpy(b + 0x10, "$FPT", 4);
	b[0x14] = 1;
	b[0x18] = 0x20; b[0x19] = 0x10; b[0x1A] = 0x20;
	memset(b + 0x30, 0, 0x20);
	memcpy(b + 0x30, "FTPR", 4);
	b[0x39] = 0x10;						/* offset 0x1000 */
	b[0x3C] = n & 0xFF; b[0x3D] = n >> 8 & 0xFF; b[0x3E] = n >> 16 & 0xFF; b[0x3F] = n >> 24 & 0xFF;
	for (int i = 0; i < 0x30; i++)
		sum += b[i];
	b[0x1B] = (uint8_t)-sum;
	memcpy(b + 0x1000, ftpr, n);
	*len = 0x1000 + n;
	return b;
}

#endif
