// SPDX-License-Identifier: GPL-2.0-or-later
/* mectld's configuration file (daemon/config.c), read from a memfd by its /proc path. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

static int fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fd = memfd_create("mectld.conf", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* config_load() names every bad line on stderr; sanitizers report on fd 2 directly */
	stderr = fopen("/dev/null", "we");
	return stderr ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mectld_config cfg;

	if (size > 1 << 16 || ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	if (config_init(&cfg) < 0)
		return 0;
	if (config_load(&cfg, path, true) == 0 && (!cfg.group || cfg.keep_jobs < 1 ||
						    cfg.keep_jobs > MECTLD_KEEP_JOBS_MAX))
		abort();	/* accepted, yet out of range */
	config_done(&cfg);
	return 0;
}
