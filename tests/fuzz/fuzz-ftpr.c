// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An FTPR partition wrapped into a region image. Built twice, as fuzz-gen2 and
 * fuzz-gen3: the engine picks the generation from the bytes, so the two targets
 * differ only in their seed corpus ($MN2/$MME/LLUT partitions, or $CPD ones).
 */
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
