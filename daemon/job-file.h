/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOB_FILE_H
#define MECTLD_JOB_FILE_H

/*
 * The job file format (state dir jobs/N, job-file.c): "key=value" lines, every key
 * required ("arg" repeats), nothing defaulted. job-store.c reads and writes the files.
 */
#include <stddef.h>
#include <stdint.h>

#include "job.h"

enum {
	JOB_KEY_ID,
	JOB_KEY_TYPE,
	JOB_KEY_STATE,
	JOB_KEY_OWNER,
	JOB_KEY_MTD,
	JOB_KEY_CHIP,
	JOB_KEY_ATTACH,
	JOB_KEY_BUS,
	JOB_KEY_CS,
	JOB_KEY_SPEED,
	JOB_KEY_PASSES,
	JOB_KEY_FORCE,
	JOB_KEY_HAS_INPUT,
	JOB_KEY_HAS_OUTPUT,
	JOB_KEY_PROGRESS,
	JOB_KEY_ARG,
	JOB_KEY_PHASE,
	JOB_KEY_MESSAGE,
	JOB_KEY_RESULT,
	_JOB_KEY_MAX,
};
#define JOB_FILE_ARGS_MAX 64

/* The id a job file's name stands for: canonical decimal, 1..UINT32_MAX; -EINVAL else. */
int job_file_name_to_id(const char *name, uint32_t *ret);
char *job_serialize(const Job *j);
/* Free what the file's text fields hold (args, chip, message, result). */
void job_fields_free(Job *j);
/*
 * Parse the job file called name (len bytes of text) into j (from job_new()).
 * -EBADMSG with a one-line reason in *ret_why (caller frees) when the file is
 * damaged; *ret_seen has bit JOB_KEY_x set for each key read before that.
 */
int job_file_parse(const char *name, const char *text, size_t len, Job *j, uint32_t *ret_seen,
		   char **ret_why);

#endif
