/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_CLIENT_STATUS_H
#define MECTL_CLIENT_STATUS_H

/*
 * mectl status, one concern per file:
 *   status-sysfs.c  what mectl_me publishes in /sys/class/intel_me/meN
 *   status-mkhi.c   the ME's MKHI client over /dev/meiN
 *   status-print.c  the verdict from both, and the report (text or JSON)
 *   verb-status.c   the command line
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- status-sysfs.c ---------------------------------------------------------- */

enum sysfs_state {
	SYSFS_OK,		/* a device with readable registers */
	SYSFS_NO_MODULE,	/* /sys/class/intel_me does not exist */
	SYSFS_NO_DEVICE,	/* the class is empty, or the device names nothing */
	SYSFS_HIDDEN,		/* the function is hidden by firmware */
	SYSFS_INACCESSIBLE,	/* registers read all-ones */
};

struct sysfs_attr {
	char *name;
	char *value;		/* first line, newline stripped */
};

/**
 * struct status_sysfs - one intel_me device as its attribute files read
 * @state: what was found
 * @device: meN
 * @dir: the device's directory (for messages)
 * @attrs: every attribute file of the directory, in directory order
 * @n_attrs: entries in @attrs
 * @indicators: the names the indicators attribute lists, in its order
 * @n_indicators: entries in @indicators
 */
struct status_sysfs {
	enum sysfs_state state;
	char device[256];
	char dir[4400];
	struct sysfs_attr *attrs;
	unsigned int n_attrs;
	char **indicators;
	unsigned int n_indicators;
};

int status_sysfs_load(struct status_sysfs *s, const char *root, const char *want);
void status_sysfs_free(struct status_sysfs *s);
const char *status_sysfs_get(const struct status_sysfs *s, const char *name);
bool status_sysfs_indicates(const struct status_sysfs *s, const char *name);

/* ---- status-mkhi.c ----------------------------------------------------------- */

enum mkhi_state {
	MKHI_NOT_QUERIED,	/* --no-mei */
	MKHI_UNAVAILABLE,	/* no device, no permission, no MKHI client */
	MKHI_FAILED,		/* connected, at least one request failed */
	MKHI_OK,		/* both requests answered */
};

/**
 * struct status_mkhi - what the ME answered
 * @state: how far the exchange got
 * @error: why it did not start (%MKHI_UNAVAILABLE)
 * @fwver_ok: GET FW VERSION answered
 * @fwcaps_ok: GET FWCAPS rule 0 answered
 * @ver: code, recovery, fitc versions: major, minor, hotfix, build
 * @capbits: FWCAPS rule 0
 */
struct status_mkhi {
	enum mkhi_state state;
	char error[160];
	bool fwver_ok, fwcaps_ok;
	uint16_t ver[3][4];
	uint32_t capbits;
};

void status_mkhi_query(struct status_mkhi *m, const char *path, int timeout_ms);

/* ---- status-print.c ---------------------------------------------------------- */

enum verdict {
	VERDICT_DISABLED,
	VERDICT_ENABLED,
	VERDICT_UNKNOWN,
};

#define STATUS_MAX_EVIDENCE 32

struct status {
	struct status_sysfs sysfs;
	struct status_mkhi mkhi;
	enum verdict verdict;
	char evidence[STATUS_MAX_EVIDENCE][160];
	unsigned int n_evidence;
	bool watchdog_advice;
};

void status_decide(struct status *s);
void status_print_text(const struct status *s);
void status_print_json(const struct status *s);

#endif
