// SPDX-License-Identifier: GPL-2.0-or-later
/* The whole pipeline: any bytes, any legal option set (the last two bytes choose it). */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_options o;

	if (size < 2)
		return 0;
	fuzz_options(&o, data[size - 1], data[size - 2]);
	fuzz_run(data, size - 2, &o);
	return 0;
}
