// SPDX-License-Identifier: GPL-2.0-or-later
/* $FPT and partition handling: every input is a bare region with "$FPT" at 0x10. */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_options o;
	uint8_t *b;

	if (size < 0x30)
		return 0;
	b = malloc(size);
	if (!b)
		return 0;
	memcpy(b, data, size);
	memcpy(b + 0x10, "$FPT", 4);
	fuzz_options(&o, 0, 0x01);		/* clean -t */
	fuzz_run(b, size, &o);
	fuzz_options(&o, 0, 0x06);		/* -w MFS,EFFS */
	fuzz_run(b, size, &o);
	free(b);
	return 0;
}
