/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOB_INTERNAL_H
#define MECTLD_JOB_INTERNAL_H

/*
 * Jobs on the host's own flash chip (Job.mtd JOB_MTD_INTERNAL): job-internal.c.
 * neutralize and restore (declared in mectld.h with the other job bodies), and the
 * probe, which is the pre-flight alone: what `mectl check --internal` shows of the
 * live chip.
 */
#include "mectld.h"

int job_run_probe_internal(Job *j, JobOutcome *o);

#endif
