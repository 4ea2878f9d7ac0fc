// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the tables of job types, states and phases (job-type.h).
 */
#include <stdio.h>
#include <string.h>

#include "job-type.h"
#include "mectl-dbus.h"
#include "util.h"

static const struct {
	const char *name;
	bool uses_chip;
	bool writes_chip;
	bool internal;		/* also runs on the host's own chip */
} job_types[_JOB_TYPE_MAX] = {
	[JOB_PROBE] = { MECTL_JOB_TYPE_PROBE, true, false, true },
	[JOB_READ] = { MECTL_JOB_TYPE_READ, true, false, false },
	[JOB_CHECK] = { MECTL_JOB_TYPE_CHECK, false, false, false },
	[JOB_CLEAN] = { MECTL_JOB_TYPE_CLEAN, false, false, false },
	[JOB_WRITE] = { MECTL_JOB_TYPE_WRITE, true, true, false },
	[JOB_RESTORE] = { MECTL_JOB_TYPE_RESTORE, true, true, true },
	[JOB_NEUTRALIZE] = { MECTL_JOB_TYPE_NEUTRALIZE, true, true, true },
};

static const struct {
	const char *name;
	bool final;
} job_states[_JOB_STATE_MAX] = {
	[JOB_QUEUED] = { MECTL_JOB_STATE_QUEUED, false },
	[JOB_RUNNING] = { MECTL_JOB_STATE_RUNNING, false },
	[JOB_SUCCEEDED] = { MECTL_JOB_STATE_SUCCEEDED, true },
	[JOB_FAILED] = { MECTL_JOB_STATE_FAILED, true },
	[JOB_CANCELLED] = { MECTL_JOB_STATE_CANCELLED, true },
	[JOB_INTERRUPTED] = { MECTL_JOB_STATE_INTERRUPTED, true },
};

/*
 * touches_chip: from arming to disarming, the chip may hold part of what was being
 * written; before, it holds what was read.
 */
static const struct {
	const char *name;
	bool touches_chip;
	bool has_pass;		/* "read 1/2" */
} job_phases[_JOB_PHASE_MAX] = {
	[JOB_PHASE_NONE] = { "", false, false },
	[JOB_PHASE_INPUT] = { "input", false, false },
	[JOB_PHASE_ATTACH] = { "attach", false, false },
	[JOB_PHASE_PROBE] = { "probe", false, false },
	[JOB_PHASE_READ] = { "read", false, true },
	[JOB_PHASE_PREFLIGHT] = { "preflight", false, false },
	[JOB_PHASE_COMPARE] = { "compare", false, false },
	[JOB_PHASE_BACKUP] = { "backup", false, false },
	[JOB_PHASE_CHECK] = { "check", false, false },
	[JOB_PHASE_CLEAN] = { "clean", false, false },
	[JOB_PHASE_ARM] = { "arm", true, false },
	[JOB_PHASE_WRITE] = { "write", true, false },
	[JOB_PHASE_VERIFY] = { "verify", true, false },
	[JOB_PHASE_DISARM] = { "disarm", true, false },
	[JOB_PHASE_REPORT] = { "report", false, false },
};

const char *job_type_to_string(JobType t)
{
	return t >= 0 && t < _JOB_TYPE_MAX ? job_types[t].name : NULL;
}

JobType job_type_from_string(const char *s)
{
	for (int i = 0; s && i < _JOB_TYPE_MAX; i++)
		if (!strcmp(job_types[i].name, s))
			return (JobType)i;
	return _JOB_TYPE_INVALID;
}

bool job_type_uses_chip(JobType t)
{
	return t >= 0 && t < _JOB_TYPE_MAX && job_types[t].uses_chip;
}

bool job_type_writes_chip(JobType t)
{
	return t >= 0 && t < _JOB_TYPE_MAX && job_types[t].writes_chip;
}

bool job_type_internal(JobType t)
{
	return t >= 0 && t < _JOB_TYPE_MAX && job_types[t].internal;
}

const char *job_state_to_string(JobState s)
{
	return s >= 0 && s < _JOB_STATE_MAX ? job_states[s].name : NULL;
}

JobState job_state_from_string(const char *s)
{
	for (int i = 0; s && i < _JOB_STATE_MAX; i++)
		if (!strcmp(job_states[i].name, s))
			return (JobState)i;
	return _JOB_STATE_INVALID;
}

bool job_state_is_final(JobState s)
{
	return s >= 0 && s < _JOB_STATE_MAX && job_states[s].final;
}

void job_phase_format(JobPhase p, unsigned pass, unsigned passes, char *buf, size_t len)
{
	if (p < 0 || p >= _JOB_PHASE_MAX)
		p = JOB_PHASE_NONE;
	if (job_phases[p].has_pass)
		snprintf(buf, len, "%s %u/%u", job_phases[p].name, pass, passes);
	else
		snprintf(buf, len, "%s", job_phases[p].name);
}

/* A pass count as job_phase_format() writes it: canonical decimal, 1..UINT_MAX. */
static int parse_count(const char *s, size_t n, unsigned *ret)
{
	unsigned long long v = 0;

	if (n == 0 || n > 10 || s[0] == '0')
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > (unsigned)-1)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

int job_phase_parse(const char *s, JobPhase *ret, unsigned *ret_pass, unsigned *ret_passes)
{
	for (int i = 0; i < _JOB_PHASE_MAX; i++) {
		size_t n = strlen(job_phases[i].name);
		const char *num, *slash;

		if (!job_phases[i].has_pass) {
			if (strcmp(s, job_phases[i].name))
				continue;
			*ret = (JobPhase)i;
			*ret_pass = *ret_passes = 0;
			return 0;
		}
		if (strncmp(s, job_phases[i].name, n) || s[n] != ' ')
			continue;
		num = s + n + 1;
		slash = strchr(num, '/');
		if (!slash || parse_count(num, (size_t)(slash - num), ret_pass) < 0 ||
		    parse_count(slash + 1, strlen(slash + 1), ret_passes) < 0 ||
		    *ret_pass > *ret_passes)
			return -EINVAL;
		*ret = (JobPhase)i;
		return 0;
	}
	return -EINVAL;
}

bool job_phase_touches_chip(JobPhase p)
{
	return p >= 0 && p < _JOB_PHASE_MAX && job_phases[p].touches_chip;
}
