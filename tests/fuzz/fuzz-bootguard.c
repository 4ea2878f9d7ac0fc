// SPDX-License-Identifier: GPL-2.0-or-later
/* Boot Guard: the FIT of a flash image whose last byte sits just below 4 GiB. */
#include "fuzz-common.h"
#include "bootguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_bootguard_info bg;

	memset(&bg, 0, sizeof(bg));
	bg_fit_parse(data, size, &bg);
	return 0;
}
