// SPDX-License-Identifier: GPL-2.0-or-later
/* PLACEHOLDER: replaced by the owner of this verb file. */
#include <stdio.h>
#include <stdlib.h>
#include "verbs.h"

int verb_status(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mectl: %s: not built yet\n", argv[0]);
	return EXIT_FAILURE;
}

