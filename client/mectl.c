// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl: neutralise the Intel Management Engine.
 *
 * The verb table below is the whole command line; each verb lives in the file its
 * concern names (verbs.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verbs.h"

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct verb verbs[] = {
	{ "probe",	verb_probe,	"identify the chip on the programmer" },
	{ "read",	verb_read,	"read the chip N times, compare, save a backup" },
	{ "check",	verb_check,	"check a firmware image (me_cleaner -c)" },
	{ "clean",	verb_clean,	"clean a firmware image (me_cleaner flags)" },
	{ "write",	verb_write,	"write an image to the chip (changed blocks only)" },
	{ "restore",	verb_restore,	"write a backup back to the chip" },
	{ "neutralize",	verb_neutralize, "read, check, clean, write and verify in one job" },
	{ "status",	verb_status,	"ME status of this machine, and a verdict" },
	{ "jobs",	verb_jobs,	"list mectld's jobs" },
	{ "job",	verb_job,	"show one job" },
	{ "cancel",	verb_cancel,	"cancel a queued or running job" },
	{ "watch",	verb_watch,	"follow a job's progress until it ends" },
	{ NULL, NULL, NULL }
};

static void help(FILE *f)
{
	const struct verb *v;

	fprintf(f, "usage: mectl VERB [OPTIONS...] [ARGS...]\n\n"
		   "Neutralise the Intel Management Engine: read, clean and write the\n"
		   "BIOS flash through mectld, and read the ME's status.\n\nVerbs:\n");
	for (v = verbs; v->name; v++)
		fprintf(f, "  %-11s %s\n", v->name, v->help);
	fprintf(f, "\nmectl VERB --help shows the options of a verb.\n");
}

int main(int argc, char **argv)
{
	const struct verb *v;

	if (argc < 2) {
		help(stderr);
		return EXIT_FAILURE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		help(stdout);
		return EXIT_SUCCESS;
	}
	for (v = verbs; v->name; v++)
		if (!strcmp(argv[1], v->name))
			return v->run(argc - 1, argv + 1);

	fprintf(stderr, "mectl: unknown verb '%s' (mectl --help lists them)\n", argv[1]);
	return EXIT_FAILURE;
}
