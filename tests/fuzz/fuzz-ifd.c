// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Descriptor decoding: every input is a full image (signature forced at 0x10 or 0),
 * through a run and through the internal flashing pre-flight.
 */
#include "fuzz-common.h"
#include "host-access.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sig[4] = { 0x5A, 0xA5, 0xF0, 0x0F };
	struct img_host_access a;
	struct img_options o;
	uint8_t *b;

	if (size < 0x20)
		return 0;
	b = malloc(size);
	if (!b)
		return 0;
	memcpy(b, data, size);
	memcpy(b + (data[0] == 0x5A ? 0 : 0x10), sig, 4);
	fuzz_options(&o, 1, 0);			/* -c */
	fuzz_run(b, size, &o);
	fuzz_options(&o, 0x72, 0x01);		/* -S -d -D -M -t */
	fuzz_run(b, size, &o);
	if (img_host_access(b, size, &a) == 0 && a.n_regions > IMG_HOST_MAX_REGIONS)
		abort();
	free(b);
	return 0;
}
