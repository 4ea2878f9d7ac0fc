/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOB_TYPE_H
#define MECTLD_JOB_TYPE_H

/*
 * What mectld knows of its job types, states and phases, as tables (job-type.c): the
 * names the contract (include/mectl-dbus.h) and the job files use, which types work
 * on a chip, and which phases may leave a chip other than it was read. Pure data:
 * the file format, its fuzzer and the queue all read it. How each type runs is the
 * queue's table (jobs.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum JobType {
	JOB_PROBE,
	JOB_READ,
	JOB_CHECK,
	JOB_CLEAN,
	JOB_WRITE,
	JOB_RESTORE,
	JOB_NEUTRALIZE,
	_JOB_TYPE_MAX,
	_JOB_TYPE_INVALID = -EINVAL,
} JobType;

typedef enum JobState {
	JOB_QUEUED,
	JOB_RUNNING,
	JOB_SUCCEEDED,
	JOB_FAILED,
	JOB_CANCELLED,
	JOB_INTERRUPTED,	/* mectld died while it ran */
	_JOB_STATE_MAX,
	_JOB_STATE_INVALID = -EINVAL,
} JobState;

/* The steps a running job reports (property Phase); "read" carries its pass: "read 1/2". */
typedef enum JobPhase {
	JOB_PHASE_NONE,		/* not started */
	JOB_PHASE_INPUT,
	JOB_PHASE_ATTACH,
	JOB_PHASE_PROBE,
	JOB_PHASE_READ,
	JOB_PHASE_PREFLIGHT,
	JOB_PHASE_COMPARE,
	JOB_PHASE_BACKUP,
	JOB_PHASE_CHECK,
	JOB_PHASE_CLEAN,
	JOB_PHASE_ARM,
	JOB_PHASE_WRITE,
	JOB_PHASE_VERIFY,
	JOB_PHASE_DISARM,
	JOB_PHASE_REPORT,
	_JOB_PHASE_MAX,
	_JOB_PHASE_INVALID = -EINVAL,
} JobPhase;

/* The longest phase text: "read 4294967295/4294967295". */
#define JOB_PHASE_TEXT_MAX 32

const char *job_type_to_string(JobType t);
JobType job_type_from_string(const char *s);
/* The type works on a chip (it names one, and one worker per chip runs). */
bool job_type_uses_chip(JobType t);
/* The type may write its chip: cut short, the chip may be partly written. */
bool job_type_writes_chip(JobType t);
/* The type also runs on the host's own chip (internal flashing, JOB_MTD_INTERNAL). */
bool job_type_internal(JobType t);

const char *job_state_to_string(JobState s);
JobState job_state_from_string(const char *s);
/* succeeded, failed, cancelled or interrupted: it never changes again. */
bool job_state_is_final(JobState s);

/* "read 1/2", "write", "" (none) into buf (JOB_PHASE_TEXT_MAX bytes). */
void job_phase_format(JobPhase p, unsigned pass, unsigned passes, char *buf, size_t len);
/* Back from that text: -EINVAL for anything job_phase_format() does not write. */
int job_phase_parse(const char *s, JobPhase *ret, unsigned *ret_pass, unsigned *ret_passes);
/* In this phase the chip may already differ from what was read. */
bool job_phase_touches_chip(JobPhase p);

#endif
