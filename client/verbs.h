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
 * is given): on a dump, or on this PC's own chip through mectld.
 */
int verb_internal_check(int argc, char **argv);

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
/*
 * The probe of the host's own chip (the internal flashing pre-flight), followed to its
 * end without output; *ret holds it (the caller frees it). -errno, one line printed.
 */
struct mectl_job_status;
int mectl_probe_internal(const char *address, struct mectl_job_status *ret);

#endif
