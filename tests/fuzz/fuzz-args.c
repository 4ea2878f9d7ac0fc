// SPDX-License-Identifier: GPL-2.0-or-later
/* me_cleaner's command line: NUL-separated arguments. */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[34];
	struct img_options o;
	struct img_result r = { 0 };
	int argc = 1;

	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	argv[0] = "clean";
	for (size_t i = 0; i < size && argc < 33; ) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	img_parse_args(&o, argc, argv, "mectl clean", size & 1 ? IMG_ARGS_NO_FILE : 0, &r);
	img_result_free(&r);
	free(buf);
	return 0;
}
