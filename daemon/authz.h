/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_AUTHZ_H
#define MECTLD_AUTHZ_H

/*
 * mectld: who may submit what. Every answer rests on what the bus vouches for (the
 * sender's unique name and the uid the bus took from the socket when it connected),
 * never on /proc/PID, which may by then belong to another process.
 *
 * With polkit on the bus (org.freedesktop.PolicyKit1), polkit decides: the subject is
 * the sender's bus name, the action org.mectl1.flash (chip jobs) or org.mectl1.image
 * (check, clean), with the detail "group" naming Group= for the shipped rule
 * (org.mectl1.rules). Without polkit: uid 0, plus for chip jobs the members of the
 * configured group as the user database lists them (getgrouplist of the bus's uid).
 * Uid 0 is always allowed, without asking.
 */
#include <systemd/sd-bus.h>
#include <sys/types.h>

typedef struct Context Context;

typedef enum AuthzAction {
	AUTHZ_FLASH,		/* probe, read, write, restore, neutralize */
	AUTHZ_IMAGE,		/* check, clean */
	_AUTHZ_ACTION_MAX,
} AuthzAction;

/*
 * May the sender of m do action? 1: yes, *ret_uid is its uid. 0: polkit was asked;
 * the method handler returns 1 (answer later) and sd-bus dispatches m to it again
 * once polkit has answered, when this call gives the verdict. <0: refused or failed,
 * with a named error in error for a refusal.
 */
int authz_check(Context *c, sd_bus_message *m, AuthzAction action, uid_t *ret_uid,
		sd_bus_error *error);

/* The uid the bus vouches for (the socket's peer uid at connect time). */
int authz_sender_uid(sd_bus_message *m, uid_t *ret);

/* Forget the pending questions (at exit). */
void authz_done(Context *c);

#endif
