// SPDX-License-Identifier: GPL-2.0-or-later
/* PLACEHOLDER: replaced by the owner of this verb file. */
#include <stdio.h>
#include <stdlib.h>
#include "verbs.h"

int verb_probe(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

int verb_read(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

int verb_write(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

int verb_restore(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

int verb_neutralize(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

int verb_jobs(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

int verb_job(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

int verb_cancel(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

int verb_watch(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

