// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: authorization (authz.h). A question to polkit is asynchronous, so the event
 * loop keeps serving while polkit, or an authentication dialog, takes its time: the
 * pending question holds a reference on the method call; polkit's answer is stored
 * with it and the call is queued again (sd_bus_enqueue_for_read), so its handler runs
 * once more and finds the verdict here.
 */
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "authz.h"
#include "mectld.h"

#define POLKIT_NAME	"org.freedesktop.PolicyKit1"
#define POLKIT_PATH	"/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_IFACE	"org.freedesktop.PolicyKit1.Authority"
/* CheckAuthorization's flags: an authentication agent may ask the user. */
#define POLKIT_ALLOW_USER_INTERACTION 1u

static const struct {
	const char *polkit_id;
	const char *what;		/* for refusals */
	bool members_only;		/* without polkit: root and the group only */
} actions[_AUTHZ_ACTION_MAX] = {
	[AUTHZ_FLASH] = { "org.mectl1.flash", "chip jobs", true },
	[AUTHZ_IMAGE] = { "org.mectl1.image", "check and clean", false },
};

struct AuthzQuery {
	AuthzQuery *next;
	Context *ctx;
	sd_bus_message *call;		/* the method call being authorized (a reference) */
	sd_bus_slot *slot;		/* the pending CheckAuthorization; NULL once answered */
	AuthzAction action;
	uid_t uid;
	int verdict;			/* once answered: 1 allowed, <0 refused */
	sd_bus_error error;		/* the refusal */
};

static void query_free(AuthzQuery *q)
{
	sd_bus_slot_unref(q->slot);
	sd_bus_message_unref(q->call);
	sd_bus_error_free(&q->error);
	free(q);
}

static void query_unlink(AuthzQuery *q)
{
	for (AuthzQuery **p = &q->ctx->authz_queries; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			return;
		}
}

int authz_sender_uid(sd_bus_message *m, uid_t *ret)
{
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
	int r;

	/* No SD_BUS_CREDS_AUGMENT: only what the bus itself knows, nothing from /proc. */
	r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
	if (r < 0)
		return r;
	return sd_bus_creds_get_euid(creds, ret);
}

/* Is uid in gid by the user database (primary group or /etc/group and friends)? */
static bool uid_in_group(uid_t uid, gid_t gid)
{
	_cleanup_free_ gid_t *groups = NULL;
	_cleanup_free_ char *buf = NULL;
	struct passwd pw, *p = NULL;
	long bufsize = sysconf(_SC_GETPW_R_SIZE_MAX);
	int n = 32, want;

	if (bufsize <= 0)
		bufsize = 16384;
	buf = malloc((size_t)bufsize);
	if (!buf || getpwuid_r(uid, &pw, buf, (size_t)bufsize, &p) != 0 || !p)
		return false;
	if (p->pw_gid == gid)
		return true;
	for (;;) {
		gid_t *g = realloc(groups, (size_t)n * sizeof(gid_t));

		if (!g)
			return false;
		groups = g;
		want = n;
		if (getgrouplist(p->pw_name, p->pw_gid, groups, &want) >= 0)
			break;
		if (want <= n)
			return false;
		n = want;
	}
	for (int i = 0; i < want; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* The rule without polkit: uid 0 (never asked here), the group for chip jobs. */
static void decide_without_polkit(AuthzQuery *q)
{
	Context *c = q->ctx;

	if (!actions[q->action].members_only ||
	    (c->chip_gid != (gid_t)-1 && uid_in_group(q->uid, c->chip_gid))) {
		q->verdict = 1;
		return;
	}
	q->verdict = sd_bus_error_setf(&q->error, MECTL_ERROR_ACCESS_DENIED,
				       "%s need root%s%s (uid %u refused)", actions[q->action].what,
				       c->chip_group ? " or group " : "",
				       c->chip_group ? c->chip_group : "", (unsigned)q->uid);
}

static void decide_by_polkit(AuthzQuery *q, sd_bus_message *reply)
{
	const char *id = actions[q->action].polkit_id, *what = actions[q->action].what;
	int authorized = 0, challenge = 0, r;

	r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	if (r < 0)
		q->verdict = sd_bus_error_setf(&q->error, MECTL_ERROR_ACCESS_DENIED,
					       "polkit's answer on %s is unreadable (%s); refused", id,
					       strerror(-r));
	else if (authorized)
		q->verdict = 1;
	else if (challenge)
		q->verdict = sd_bus_error_setf(&q->error, MECTL_ERROR_ACCESS_DENIED,
					       "%s need authentication (polkit action %s, uid %u): "
					       "allow interactive authorization with an agent running",
					       what, id, (unsigned)q->uid);
	else
		q->verdict = sd_bus_error_setf(&q->error, MECTL_ERROR_ACCESS_DENIED,
					       "polkit does not allow %s to uid %u (action %s)", what,
					       (unsigned)q->uid, id);
}

static int on_polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
	AuthzQuery *q = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(reply);
	int r;

	(void)ret_error;
	q->slot = sd_bus_slot_unref(q->slot);
	if (e && (sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
		  sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER)))
		decide_without_polkit(q);
	else if (e)
		q->verdict = sd_bus_error_setf(&q->error, MECTL_ERROR_ACCESS_DENIED,
					       "polkit cannot decide on %s (%s); refused",
					       actions[q->action].polkit_id, e->message ? e->message : e->name);
	else
		decide_by_polkit(q, reply);

	r = sd_bus_enqueue_for_read(sd_bus_message_get_bus(q->call), q->call);
	if (r < 0) {
		(void) sd_bus_reply_method_errno(q->call, r, NULL);
		query_unlink(q);
		query_free(q);
	}
	return 0;
}

static int ask_polkit(AuthzQuery *q)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
	Context *c = q->ctx;
	bool interactive = sd_bus_message_get_allow_interactive_authorization(q->call) > 0;
	int r;

	r = sd_bus_message_new_method_call(c->bus, &call, POLKIT_NAME, POLKIT_PATH, POLKIT_IFACE,
					   "CheckAuthorization");
	if (r < 0)
		return r;
	r = sd_bus_message_append(call, "(sa{sv})s", "system-bus-name", 1, "name", "s",
				  sd_bus_message_get_sender(q->call), actions[q->action].polkit_id);
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(call, 'a', "{ss}");
	if (r < 0)
		return r;
	/* the shipped rule grants org.mectl1.flash to the members of this group */
	if (q->action == AUTHZ_FLASH && c->chip_group) {
		r = sd_bus_message_append(call, "{ss}", "group", c->chip_group);
		if (r < 0)
			return r;
	}
	r = sd_bus_message_close_container(call);
	if (r < 0)
		return r;
	r = sd_bus_message_append(call, "us", interactive ? POLKIT_ALLOW_USER_INTERACTION : 0u, "");
	if (r < 0)
		return r;
	return sd_bus_call_async(c->bus, &q->slot, call, on_polkit_reply, q,
				 /* a person answering a dialog, else the bus default */
				 interactive ? MECTL_INTERACTIVE_AUTH_USEC : 0);
}

int authz_check(Context *c, sd_bus_message *m, AuthzAction action, uid_t *ret_uid,
		sd_bus_error *error)
{
	AuthzQuery *q;
	uid_t uid;
	int r;

	for (q = c->authz_queries; q; q = q->next)
		if (q->call == m)
			break;
	if (q && q->slot)
		return 0;	/* still waiting (not dispatched again before the answer) */
	if (q) {
		query_unlink(q);
		*ret_uid = q->uid;
		r = q->verdict;
		if (r < 0)
			sd_bus_error_copy(error, &q->error);
		query_free(q);
		if (r > 0)
			r = sd_bus_message_rewind(m, true);
		return r < 0 ? r : 1;
	}

	r = authz_sender_uid(m, &uid);
	if (r < 0)
		return sd_bus_error_setf(error, MECTL_ERROR_ACCESS_DENIED,
					 "cannot tell who is asking (%s); %s refused", strerror(-r),
					 actions[action].what);
	*ret_uid = uid;
	if (uid == 0)
		return 1;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	*q = (AuthzQuery) { .ctx = c, .call = sd_bus_message_ref(m), .action = action, .uid = uid,
			    .error = SD_BUS_ERROR_NULL };
	r = ask_polkit(q);
	if (r < 0) {
		query_free(q);
		return r;
	}
	q->next = c->authz_queries;
	c->authz_queries = q;
	return 0;
}

void authz_done(Context *c)
{
	while (c->authz_queries) {
		AuthzQuery *q = c->authz_queries;

		c->authz_queries = q->next;
		query_free(q);
	}
}
