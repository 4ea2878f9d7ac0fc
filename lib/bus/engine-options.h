/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_ENGINE_OPTIONS_H
#define MECTL_ENGINE_OPTIONS_H

/*
 * The image engine's options (struct img_options) as the a{sv} "engine" argument of
 * SubmitCheck/SubmitClean: one table for the client's encoding and mectld's decoding.
 * Paths (output, extract_descriptor, extract_me) cross as names only, for the
 * engine's messages; the files themselves cross as the a{sh} outputs.
 */
#include <systemd/sd-bus.h>

#include "image.h"

#define ENGINE_OPTION_STRINGS 8

/* Decoded options and the strings they point into. */
struct engine_options {
	struct img_options o;
	char *strings[ENGINE_OPTION_STRINGS];
};

/* Append o (what the client parsed) as a{sv}. */
int engine_options_append(sd_bus_message *m, const struct img_options *o);
/*
 * Read the a{sv} into e (prog is the caller's to set). -EINVAL with a one-line reason
 * in *ret_msg (caller frees) for an unknown key, a wrong type or a string given twice.
 */
int engine_options_read(sd_bus_message *m, struct engine_options *e, char **ret_msg);
/* What me_cleaner's command line refuses beyond the syntax: -EINVAL, reason in *ret_msg. */
int engine_options_validate(struct engine_options *e, char **ret_msg);
void engine_options_done(struct engine_options *e);

#endif
