/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_H
#define MECTLD_H

/*
 * mectld: the daemon's one Context, and the limits of what it accepts.
 *
 * Threads: the sd-event loop (main thread) owns the bus, the queue and the state
 * dir; each running job has one worker thread that does the slow part (SPI reads
 * and writes take seconds to minutes; the image engine is pure CPU). A worker
 * touches only its Job, under Context.lock, and wakes the loop through an eventfd;
 * the loop then emits PropertiesChanged and persists. sd-bus is never used off the
 * main thread. Threads rather than child processes because a job's input and
 * output (8-32 MiB images) and its progress stay in one address space with no
 * serialisation, and the engine is a pure library with no globals.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "authz.h"
#include "config.h"
#include "job.h"
#include "kernel.h"
#include "mectl-dbus.h"
#include "util.h"

/* Largest image accepted through an fd: the largest SPI NOR BIOS chips (512 Mbit). */
#define MECTL_IMAGE_MAX (64u << 20)
/* check/clean jobs one uid may have queued or running at once. */
#define MECTL_IMAGE_JOBS_PER_UID 4u
#define MECTL_PASSES_DEFAULT 2
#define MECTL_PASSES_MAX 16

/* Job.mtd of a job on the host's own flash chip (job-internal.c). */
#define JOB_MTD_INTERNAL MECTL_MTD_INTERNAL

typedef struct AuthzQuery AuthzQuery;
struct jobs_observer;

struct Context {
	sd_event *event;
	sd_bus *bus;
	char *bus_address;		/* NULL: the system bus */
	char *state_dir;
	int state_fd;			/* state dir */
	int jobs_fd;			/* state dir/jobs */
	int backups_fd;			/* state dir/backups */
	gid_t chip_gid;			/* members may run chip jobs; (gid_t)-1: none */
	struct mectld_config config;	/* as read at start (config.h) */
	const char *chip_group;		/* its name, for messages and polkit */
	AuthzQuery *authz_queries;	/* asked polkit, answer pending or not yet taken */

	pthread_mutex_t lock;
	int wake_fd;			/* eventfd: a worker changed something */
	sd_event_source *wake_source;
	struct kernel_events *kevents;
	sd_event_source *kevents_source;

	const struct jobs_observer *observer;	/* jobs.h: set by bus.c */
	Job **jobs;			/* by id order */
	size_t n_jobs;
	uint32_t next_id;
	atomic_bool stopping;		/* SIGTERM: workers stop at the next safe point */
	bool emitting;			/* bus.c: a signal of mectld's own is being built */
};

#endif
