/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_CLIENT_VERBS_H
#define MECTL_CLIENT_VERBS_H

/*
 * One function per verb. Each gets the arguments after the program name (argv[0] is
 * the verb), parses its own options, prints errors to stderr prefixed "mectl: " and
 * returns an exit status (EXIT_SUCCESS, EXIT_FAILURE, or a status its man page
 * documents) — never an errno.
 */

/* verb-image.c: the image engine, in-process or through mectld */
int verb_check(int argc, char **argv);
int verb_clean(int argc, char **argv);

/*
 * verb-internal.c: mectl check --internal (verb_check() hands it argv when the option
 * is given), and the one rendering of an internal flashing pre-flight decision.
 */
#include <stdbool.h>
#include <stdio.h>
struct img_host_access;
int verb_internal_check(int argc, char **argv);
void host_access_print(FILE *f, const struct img_host_access *a, bool json);

/* verb-status.c: the target's ME status (sysfs + /dev/meiN) */
int verb_status(int argc, char **argv);

/* verb-jobs.c: chip jobs through mectld */
int verb_probe(int argc, char **argv);
int verb_read(int argc, char **argv);
int verb_write(int argc, char **argv);
int verb_restore(int argc, char **argv);
int verb_neutralize(int argc, char **argv);
int verb_jobs(int argc, char **argv);
int verb_job(int argc, char **argv);
int verb_cancel(int argc, char **argv);
int verb_watch(int argc, char **argv);

#endif
