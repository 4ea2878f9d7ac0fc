// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl: neutralise the Intel Management Engine.
 *
 * The verb table below is the whole command line; each verb lives in the file its
 * concern names (verbs.h). The options the verbs share may also come before the verb
 * (mectl --bus=ADDRESS jobs): they are handed to the verb right after its name, so the
 * verb alone decides what they mean.
 */
#include <stdbool.h>
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
	{ "check",	verb_check,	"check a firmware image (me_cleaner -c; --internal: can the host flash it)" },
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

/* The options allowed before the verb. */
static const struct global_option {
	const char *name;
	bool has_value;		/* --name=VALUE or --name VALUE */
	const char *usage;
	const char *help;
} global_options[] = {
	{ "--bus",  true,  "--bus=ADDRESS", "talk to mectld on this D-Bus address, not the system bus" },
	{ "--json", false, "--json",        "print the outcome as one JSON object" },
	{ NULL, false, NULL, NULL }
};

static void help(FILE *f)
{
	const struct global_option *o;
	const struct verb *v;

	fprintf(f, "usage: mectl [OPTIONS...] VERB [OPTIONS...] [ARGS...]\n\n"
		   "Neutralise the Intel Management Engine: read, clean and write the\n"
		   "BIOS flash through mectld, and read the ME's status.\n\n"
		   "Options (before or after the verb; each verb takes those it needs):\n");
	for (o = global_options; o->name; o++)
		fprintf(f, "  %-15s %s\n", o->usage, o->help);
	fprintf(f, "\nVerbs:\n");
	for (v = verbs; v->name; v++)
		fprintf(f, "  %-15s %s\n", v->name, v->help);
	fprintf(f, "\nmectl VERB --help shows the options of a verb.\n");
}

/*
 * The leading option at argv[*i] as one word "--name" or "--name=VALUE" in *ret (taking
 * the next word for a separate value). Returns 0, or -1 after a one-line error.
 */
static int take_global(int argc, char **argv, int *i, char **ret)
{
	const struct global_option *o;
	const char *arg = argv[*i];
	size_t n;

	for (o = global_options; o->name; o++) {
		n = strlen(o->name);
		if (strncmp(arg, o->name, n) || (arg[n] && (arg[n] != '=' || !o->has_value)))
			continue;
		if (arg[n] || !o->has_value) {
			*ret = argv[*i];
			return 0;
		}
		if (*i + 1 >= argc) {
			fprintf(stderr, "mectl: %s needs a value\n", o->name);
			return -1;
		}
		if (asprintf(ret, "%s=%s", o->name, argv[++*i]) < 0) {
			fprintf(stderr, "mectl: out of memory\n");
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "mectl: unknown option '%s' before the verb (mectl --help lists them)\n",
		arg);
	return -1;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help") || !strcmp(arg, "help");
}

int main(int argc, char **argv)
{
	const struct verb *v;
	char **args;
	int i, n = 1, rc;

	if (argc < 2) {
		help(stderr);
		return EXIT_FAILURE;
	}
	/* the verb's argv: its name, the leading options, the words after it */
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args) {
		fprintf(stderr, "mectl: out of memory\n");
		return EXIT_FAILURE;
	}
	for (i = 1; i < argc && argv[i][0] == '-' && !is_help(argv[i]); i++)
		if (take_global(argc, argv, &i, &args[n++]) < 0)
			return EXIT_FAILURE;
	if (i == argc) {
		fprintf(stderr, "mectl: no verb after the options (mectl --help lists them)\n");
		return EXIT_FAILURE;
	}
	if (is_help(argv[i])) {
		help(stdout);
		return EXIT_SUCCESS;
	}
	for (v = verbs; v->name; v++)
		if (!strcmp(argv[i], v->name))
			break;
	if (!v->name) {
		fprintf(stderr, "mectl: unknown verb '%s' (mectl --help lists them)\n", argv[i]);
		return EXIT_FAILURE;
	}
	args[0] = argv[i];
	while (++i < argc)
		args[n++] = argv[i];
	rc = v->run(n, args);
	free(args);
	return rc;
}
