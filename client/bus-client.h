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

#include <json-c/json.h>
#include <systemd/sd-bus.h>

#include "mectl-dbus.h"

/* Connect; address NULL = the system bus. */
int mectl_bus_open(const char *address, sd_bus **ret);

/* true when org.mectl1 has an owner or can be activated. */
bool mectl_daemon_reachable(sd_bus *bus);

/* Connect and make sure mectld is there (or can be started); one error line if not. */
int mectl_daemon_open(const char *address, sd_bus **ret);

/* Print a failed method call's error (named D-Bus error or errno) once. */
int mectl_bus_error(const char *what, const sd_bus_error *error, int r);

struct mectl_job_status {
	uint32_t id;
	char *type;
	char *state;
	char *phase;
	double progress;
	char *message;
	int32_t mtd;			/* the job's chip: /dev/mtdN, -1 for none */
	struct json_object *result;	/* the typed Result as JSON (an object once read) */
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

/* A member of the job's Result: NULL when absent (see MECTL_RESULT_* in mectl-dbus.h). */
struct json_object *mectl_result_get(const struct mectl_job_status *s, const char *key);
bool mectl_result_true(const struct mectl_job_status *s, const char *key);

#endif
