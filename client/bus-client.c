// SPDX-License-Identifier: GPL-2.0-or-later
/* mectl: talking to mectld over D-Bus (see bus-client.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus-client.h"
#include "variant-json.h"

int mectl_bus_open(const char *address, sd_bus **ret)
{
	sd_bus *bus = NULL;
	int r;

	if (address) {
		r = sd_bus_new(&bus);
		if (r >= 0)
			r = sd_bus_set_address(bus, address);
		if (r >= 0)
			r = sd_bus_set_bus_client(bus, 1);
		if (r >= 0)
			r = sd_bus_negotiate_fds(bus, 1);
		if (r >= 0)
			r = sd_bus_start(bus);
	} else {
		r = sd_bus_open_system(&bus);
	}
	if (r < 0) {
		fprintf(stderr, "mectl: cannot connect to %s: %s (is dbus running?)\n",
			address ? address : "the D-Bus system bus", strerror(-r));
		sd_bus_unref(bus);
		return r;
	}
	*ret = bus;
	return 0;
}

bool mectl_daemon_reachable(sd_bus *bus)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int has = 0, r;

	r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "NameHasOwner", &error, &reply, "s",
			       MECTL_BUS_NAME);
	if (r >= 0)
		r = sd_bus_message_read(reply, "b", &has);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	if (r >= 0 && has)
		return true;
	/* Not running: can the bus start it (org.mectl1.service)? */
	r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "ListActivatableNames", &error, &reply, NULL);
	if (r >= 0) {
		const char *n;

		r = sd_bus_message_enter_container(reply, 'a', "s");
		while (r >= 0 && sd_bus_message_read(reply, "s", &n) > 0)
			if (!strcmp(n, MECTL_BUS_NAME)) {
				has = 1;
				break;
			}
	}
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return has;
}

int mectl_daemon_open(const char *address, sd_bus **ret)
{
	int r = mectl_bus_open(address, ret);

	if (r < 0)
		return r;
	if (!mectl_daemon_reachable(*ret)) {
		fprintf(stderr, "mectl: mectld is not running on %s (nothing owns %s); start it with "
			"'systemctl start mectld'%s\n", address ? address : "the system bus",
			MECTL_BUS_NAME, address ? "" : " or give --bus=ADDRESS");
		*ret = sd_bus_flush_close_unref(*ret);
		return -EHOSTUNREACH;
	}
	return 0;
}

int mectl_bus_error(const char *what, const sd_bus_error *error, int r)
{
	if (error && sd_bus_error_is_set(error)) {
		if (sd_bus_error_has_names(error, SD_BUS_ERROR_SERVICE_UNKNOWN,
					   SD_BUS_ERROR_NAME_HAS_NO_OWNER, SD_BUS_ERROR_NO_REPLY,
					   SD_BUS_ERROR_TIMEOUT)) {
			fprintf(stderr, "mectl: mectld is not reachable (%s); start it with "
				"'systemctl start mectld' or give --bus=ADDRESS\n", error->message);
			return -EHOSTUNREACH;
		}
		fprintf(stderr, "mectl: %s: %s (%s)\n", what, error->message, error->name);
		return r < 0 ? r : -EIO;
	}
	fprintf(stderr, "mectl: %s: %s\n", what, strerror(r < 0 ? -r : EIO));
	return r < 0 ? r : -EIO;
}

void mectl_job_status_done(struct mectl_job_status *s)
{
	free(s->type);
	free(s->state);
	free(s->phase);
	free(s->message);
	json_object_put(s->result);
	*s = (struct mectl_job_status) { .mtd = -1 };
}

bool mectl_job_state_final(const char *state)
{
	return state && strcmp(state, MECTL_JOB_STATE_QUEUED) && strcmp(state, MECTL_JOB_STATE_RUNNING);
}

static int dup_str(sd_bus_message *m, char **dst)
{
	const char *s;
	int r;

	r = sd_bus_message_read(m, "v", "s", &s);
	if (r < 0)
		return r;
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : -ENOMEM;
}

static int read_result(sd_bus_message *m, struct json_object **dst)
{
	int r;

	r = sd_bus_message_enter_container(m, 'v', "a{sv}");
	if (r < 0)
		return r;
	json_object_put(*dst);
	*dst = NULL;
	r = json_read_vardict(m, dst);
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

int mectl_job_get(sd_bus *bus, const char *path, struct mectl_job_status *ret)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_call_method(bus, MECTL_BUS_NAME, path, "org.freedesktop.DBus.Properties", "GetAll",
			       &error, &reply, "s", MECTL_JOB_IFACE);
	if (r < 0) {
		r = mectl_bus_error("cannot read the job", &error, r);
		goto out;
	}
	ret->mtd = -1;
	r = sd_bus_message_enter_container(reply, 'a', "{sv}");
	while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
		const char *key;

		r = sd_bus_message_read(reply, "s", &key);
		if (r < 0)
			break;
		if (!strcmp(key, "Id"))
			r = sd_bus_message_read(reply, "v", "u", &ret->id);
		else if (!strcmp(key, "Progress"))
			r = sd_bus_message_read(reply, "v", "d", &ret->progress);
		else if (!strcmp(key, "Type"))
			r = dup_str(reply, &ret->type);
		else if (!strcmp(key, "State"))
			r = dup_str(reply, &ret->state);
		else if (!strcmp(key, "Phase"))
			r = dup_str(reply, &ret->phase);
		else if (!strcmp(key, "Message"))
			r = dup_str(reply, &ret->message);
		else if (!strcmp(key, "Mtd"))
			r = sd_bus_message_read(reply, "v", "i", &ret->mtd);
		else if (!strcmp(key, "Result"))
			r = read_result(reply, &ret->result);
		else
			r = sd_bus_message_skip(reply, "v");
		if (r < 0)
			break;
		r = sd_bus_message_exit_container(reply);
	}
	if (r >= 0 && !ret->result && !(ret->result = json_object_new_object()))
		r = -ENOMEM;
	if (r < 0)
		fprintf(stderr, "mectl: cannot parse the job's properties: %s\n", strerror(-r));
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return r < 0 ? r : 0;
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	bool *changed = userdata;

	(void)m, (void)error;
	*changed = true;
	return 0;
}

static void draw(const struct mectl_job_status *s, bool tty, char *last_phase, size_t len, int *last_pct)
{
	int pct = (int)(s->progress * 100.0 + 0.5);
	const char *phase = s->phase && *s->phase ? s->phase : s->state;

	if (tty) {
		int fill = pct * 30 / 100;

		fprintf(stderr, "\r\033[Kjob %u %-12s [%.*s%*s] %3d%%", s->id, phase, fill,
			"##############################", 30 - fill, "", pct);
		fflush(stderr);
		return;
	}
	/* Plain lines: each new phase, and every 25% within one. */
	if (strcmp(last_phase, phase)) {
		fprintf(stderr, "mectl: job %u: %s\n", s->id, phase);
		snprintf(last_phase, len, "%s", phase);
		*last_pct = 0;
	} else if (pct >= *last_pct + 25 && strcmp(s->state, MECTL_JOB_STATE_RUNNING) == 0) {
		fprintf(stderr, "mectl: job %u: %s %d%%\n", s->id, phase, pct);
		*last_pct = pct - pct % 25;
	}
}

int mectl_job_wait(sd_bus *bus, const char *path, bool progress, struct mectl_job_status *ret)
{
	sd_bus_slot *slot = NULL;
	bool tty = isatty(STDERR_FILENO), changed = true, drawn = false;
	char last_phase[64] = "";
	int last_pct = 0, r;

	/*
	 * PropertiesChanged only names what changed (mectld sends no values): each one,
	 * and a second without one, is a GetAll. Subscribe first, then read: no change
	 * can slip between the two.
	 */
	r = sd_bus_match_signal(bus, &slot, MECTL_BUS_NAME, path, "org.freedesktop.DBus.Properties",
				"PropertiesChanged", on_properties_changed, &changed);
	if (r < 0) {
		fprintf(stderr, "mectl: cannot follow the job: %s\n", strerror(-r));
		return r;
	}
	for (;;) {
		if (changed) {
			changed = false;
			mectl_job_status_done(ret);
			r = mectl_job_get(bus, path, ret);
			if (r < 0)
				break;
			if (progress && ret->state && (strcmp(ret->state, MECTL_JOB_STATE_QUEUED) || tty)) {
				draw(ret, tty, last_phase, sizeof(last_phase), &last_pct);
				drawn = true;
			}
			if (mectl_job_state_final(ret->state))
				break;
		}
		r = sd_bus_process(bus, NULL);
		if (r < 0) {
			fprintf(stderr, "mectl: lost the bus: %s\n", strerror(-r));
			break;
		}
		if (r > 0)
			continue;
		r = sd_bus_wait(bus, 1000000);	/* and re-read once a second regardless */
		if (r < 0 && r != -EINTR) {
			fprintf(stderr, "mectl: lost the bus: %s\n", strerror(-r));
			break;
		}
		if (r == 0)
			changed = true;
	}
	if (drawn && tty)
		fputc('\n', stderr);
	sd_bus_slot_unref(slot);
	return r < 0 ? r : 0;
}

/* A string member, "" for none (json-c copies it). */
static int add_str(struct json_object *o, const char *key, const char *v)
{
	return json_object_object_add(o, key, json_object_new_string(v ? v : ""));
}

void mectl_job_print(const struct mectl_job_status *s, bool json)
{
	if (json) {
		struct json_object *o = json_object_new_object();
		char progress[16];

		snprintf(progress, sizeof(progress), "%.3f", s->progress);
		if (!o || json_object_object_add(o, "id", json_object_new_int64(s->id)) < 0 ||
		    add_str(o, "type", s->type) < 0 || add_str(o, "state", s->state) < 0 ||
		    add_str(o, "phase", s->phase) < 0 ||
		    json_object_object_add(o, "progress",
					   json_object_new_double_s(s->progress, progress)) < 0 ||
		    add_str(o, "message", s->message) < 0 ||
		    json_object_object_add(o, "result", s->result ? json_object_get(s->result) :
					   json_object_new_object()) < 0) {
			json_object_put(o);
			fprintf(stderr, "mectl: out of memory\n");
			return;
		}
		printf("%s\n", json_text(o));
		json_object_put(o);
		return;
	}
	if (s->state && !strcmp(s->state, MECTL_JOB_STATE_SUCCEEDED))
		printf("%s\n", s->message && *s->message ? s->message : "done");
	else
		fprintf(stderr, "mectl: job %u (%s) %s: %s\n", s->id, s->type ? s->type : "?",
			s->state ? s->state : "?", s->message && *s->message ? s->message : "no details");
}

struct json_object *mectl_result_get(const struct mectl_job_status *s, const char *key)
{
	struct json_object *v = NULL;

	return s->result && json_object_object_get_ex(s->result, key, &v) ? v : NULL;
}

bool mectl_result_true(const struct mectl_job_status *s, const char *key)
{
	struct json_object *v = mectl_result_get(s, key);

	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}
