// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld's job file parser (daemon/job-file.c). The input is a file's content; the
 * first byte picks its name from a few (the id must match it). Whatever parses must
 * write back to a text that parses to the same text again.
 */
#include <stdlib.h>
#include <string.h>

#include "job-file.h"
#include "mectld.h"

static const char *const names[] = { "7", "1", "4294967295", "12" };

static void job_release(Job *j)
{
	job_fields_free(j);
	*j = (Job) { .mtd = -1, .out_fd = -1 };
}

static int parse(const char *name, const char *text, size_t len, Job *j)
{
	uint32_t seen;
	char *why = NULL;
	int r = job_file_parse(name, text, len, j, &seen, &why);

	if ((r == -EBADMSG) != (why != NULL))
		abort();	/* a rejection always says why, an acceptance never */
	free(why);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Job j = { .mtd = -1, .out_fd = -1 };
	char *once, *twice;
	const char *name;

	if (size < 1 || size > 1 << 16)
		return 0;
	name = names[data[0] % ELEMENTSOF(names)];
	if (parse(name, (const char *)data + 1, size - 1, &j) < 0) {
		job_release(&j);
		return 0;
	}
	once = job_serialize(&j);
	job_release(&j);
	if (!once)
		return 0;
	if (parse(name, once, strlen(once), &j) < 0)
		abort();	/* mectld could not read back what it wrote */
	twice = job_serialize(&j);
	if (twice && strcmp(once, twice))
		abort();
	job_release(&j);
	free(once);
	free(twice);
	return 0;
}
