/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOB_IMAGE_H
#define MECTLD_JOB_IMAGE_H

/* The check and clean jobs, and the engine glue bus.c and neutralize use (job-image.c). */
#include "engine-options.h"
#include "image.h"
#include "mectld.h"

/* A check/clean job's engine options (decoded once, at submission) and output fds. */
struct job_image {
	struct engine_options opts;
	int descriptor_fd;	/* -D: the descriptor goes there; -1: not asked */
	int me_fd;		/* -M */
};

/* A check/clean job's options and outputs, set when submitted (freed with the job). */
int job_image_attach(Job *j);
/* The image a job was passed: read from its fd on the worker, or its spooled copy. */
int job_image_input(Job *j, uint8_t **ret, size_t *ret_len, JobOutcome *o);
/* Check the engine's options at submission (named error text in ret_msg). */
int image_args_validate(JobType type, char **args, char **ret_msg);

/* me_cleaner flags of a job into engine options; -EINVAL with the usage text in res. */
int image_parse(JobType type, char **args, struct img_options *o, struct img_result *res);
/* me_cleaner -c on a buffer. */
int image_check(const uint8_t *in, size_t len, struct img_result *res);
void image_log_to_json(const struct img_log *log, struct strbuf *b);

#endif
