/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_CLIENT_BUS_CLIENT_H
#define MECTL_CLIENT_BUS_CLIENT_H

/*
 * The client side of org.mectl1: connect (system bus or --bus=ADDRESS), call a
 * Manager method with a clear message when mectld is not there, follow a job until
 * it ends (progress bar on a TTY, plain lines otherwise), print its outcome.
 * Every function prints its own error line ("mectl: ...") and returns -errno.
 */
#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

#define MECTL_BUS_NAME		"org.mectl1"
#define MECTL_OBJECT_PATH	"/org/mectl1"
#define MECTL_MANAGER_IFACE	"org.mectl1.Manager"
#define MECTL_JOB_IFACE		"org.mectl1.Job"

/* Connect; address NULL = the system bus. */
int mectl_bus_open(const char *address, sd_bus **ret);

/* true when org.mectl1 has an owner or can be activated. */
bool mectl_daemon_reachable(sd_bus *bus);

/* Print a failed method call's error (named D-Bus error or errno) once. */
int mectl_bus_error(const char *what, const sd_bus_error *error, int r);

struct mectl_job_status {
	uint32_t id;
	char *type;
	char *state;
	char *phase;
	double progress;
	char *message;
	char *result;
};

void mectl_job_status_done(struct mectl_job_status *s);
int mectl_job_get(sd_bus *bus, const char *path, struct mectl_job_status *ret);
bool mectl_job_state_final(const char *state);

/*
 * Follow the job at path until it ends. progress: draw a bar (TTY) or print lines;
 * quiet: nothing until the end. Fills ret with the final status.
 */
int mectl_job_wait(sd_bus *bus, const char *path, bool progress, struct mectl_job_status *ret);

/* Print the outcome: --json as one object, else the job's message. */
void mectl_job_print(const struct mectl_job_status *s, bool json);

/* A job's Result: an integer member, a boolean member, the engine's log entries. */
int mectl_result_int(const char *json, const char *key, long *ret);
bool mectl_result_true(const char *json, const char *key);
int mectl_result_log(const char *json, const char *key,
		     int (*fn)(void *userdata, bool is_stderr, const char *text), void *userdata);

#endif
