// SPDX-License-Identifier: GPL-2.0-or-later
/* Generation 3: the input is an FTPR partition ($CPD directory, FTPR.man, modules). */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_options o;
	size_t len;
	uint8_t *b = fuzz_wrap_ftpr(data, size, &len);

	if (!b)
		return 0;
	fuzz_options(&o, 1, 0);			/* -c */
	fuzz_run(b, len, &o);
	fuzz_options(&o, 0, 0x11);		/* -r -t */
	fuzz_run(b, len, &o);
	fuzz_options(&o, 0x08, 0x10);		/* -k -r */
	fuzz_run(b, len, &o);
	free(b);
	return 0;
}
