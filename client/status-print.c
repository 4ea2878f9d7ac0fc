// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl status: the verdict and the report. The report reads like intelmetool's,
 * then a verdict with the evidence lines that led to it, following the checklist of
 * the Gentoo wiki guide to disabling the ME:
 *
 *   registers say disabled, MKHI did not fully answer      -> disabled
 *   registers say disabled, MKHI answered both requests    -> unknown (contradiction)
 *   registers say enabled                                  -> enabled
 *   registers unknown (no module/device, hidden), MKHI ok  -> enabled
 *   otherwise                                              -> unknown
 *
 * What the registers say, and which of their fields are the guide's indicators,
 * mectl_me decides (its disabled and indicators attributes); this file only picks
 * the lines to show.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "status.h"

/* intelmetool's report lines: the attribute each prints and its label, in its order. */
struct line {
	const char *attr;
	const char *label;
};

static const struct line lines[] = {
	{ "fw_partition_table",		"FW Partition Table" },
	{ "bringup_loader_failure",	"Bringup Loader Failure" },
	{ "firmware_init_complete",	"Firmware Init Complete" },
	{ "manufacturing_mode",		"Manufacturing Mode" },
	{ "spi_protection_mode",	"SPI Protection Mode" },
	{ "boot_options_present",	"Boot Options Present" },
	{ "update_in_progress",		"Update In Progress" },
	{ "working_state",		"Current Working State" },
	{ "operation_state",		"Current Operation State" },
	{ "operation_mode",		"Current Operation Mode" },
	{ "error_code",			"Error Code" },
	{ "progress_phase",		"Progress Phase" },
	{ "pm_event",			"Power Management Event" },
	{ "progress_phase_state",	"Progress Phase State" },
};

#define NLINES (sizeof(lines) / sizeof(lines[0]))

/* FWCAPS rule 0 bits, intelmetool's names (coreboot mefwcaps_sku). */
struct cap {
	unsigned int bit;
	const char *name;
};

static const struct cap caps[] = {
	{ 0, "Full Network manageability" },
	{ 1, "Regular Network manageability" },
	{ 2, "Manageability" },
	{ 3, "Small business technology" },
	{ 4, "Level III manageability" },
	{ 5, "IntelR Anti-Theft (AT)" },
	{ 6, "IntelR Capability Licensing Service (CLS)" },
	{ 10, "IntelR Power Sharing Technology (MPC)" },
	{ 11, "ICC Over Clocking" },
	{ 12, "Protected Audio Video Path (PAVP)" },
	{ 17, "IPV6" },
	{ 18, "KVM Remote Control (KVM)" },
	{ 19, "Outbreak Containment Heuristic (OCH)" },
	{ 20, "Virtual LAN (VLAN)" },
	{ 21, "TLS" },
	{ 23, "Wireless LAN (WLAN)" },
};

static const char *broken_text = "ME: has a broken implementation on your board with this firmware";

static const char *watchdog_text =
	"The ME reports \"Platform Disable Wait\": leave this machine running for 30 minutes.\n"
	"If it does not reset itself, the ME's watchdog was cleared and the ME stays off;\n"
	"if it does, the firmware did not finish disabling the ME (restore the backup).";

/* ---- verdict ------------------------------------------------------------------ */

static void add_evidence(struct status *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_evidence(struct status *s, const char *fmt, ...)
{
	va_list ap;

	if (s->n_evidence == STATUS_MAX_EVIDENCE)
		return;
	va_start(ap, fmt);
	vsnprintf(s->evidence[s->n_evidence], sizeof(s->evidence[0]), fmt, ap);
	va_end(ap);
	s->n_evidence++;
}

static const char *label_of(const char *attr)
{
	unsigned int i;

	for (i = 0; i < NLINES; i++)
		if (!strcmp(lines[i].attr, attr))
			return lines[i].label;
	return attr;
}

static void add_line(struct status *s, const char *attr)
{
	const char *v = status_sysfs_get(&s->sysfs, attr);

	if (v)
		add_evidence(s, "ME: %-24s: %s", label_of(attr), v);
}

static void add_mkhi_evidence(struct status *s)
{
	const struct status_mkhi *m = &s->mkhi;

	switch (m->state) {
	case MKHI_OK:
	case MKHI_FAILED:
		if (m->fwver_ok)
			add_evidence(s, "ME: Firmware Version %u.%u.%u.%u (code)", m->ver[0][0],
				     m->ver[0][1], m->ver[0][2], m->ver[0][3]);
		else
			add_evidence(s, "ME: GET FW VERSION message failed");
		if (m->fwcaps_ok)
			add_evidence(s, "ME: GET FWCAPS answered (0x%08x)", m->capbits);
		else
			add_evidence(s, "ME: GET FWCAPS message failed");
		break;
	case MKHI_UNAVAILABLE:
		add_evidence(s, "MKHI not queried: %s", m->error);
		break;
	case MKHI_NOT_QUERIED:
		break;
	}
}

static const char *registers_disabled(const struct status *s)
{
	return status_sysfs_get(&s->sysfs, "disabled") ?: "unknown";
}

/* Why the registers were not read, per sysfs state; NULL: they were. */
static const char * const not_read[] = {
	[SYSFS_OK] = NULL,
	[SYSFS_NO_MODULE] = "status registers not read: mectl_me is not loaded (modprobe mectl_me)",
	[SYSFS_NO_DEVICE] = "status registers not read: no MEI function found (no ME interface, or hidden by firmware)",
	[SYSFS_HIDDEN] = "status registers not read: the firmware hides the MEI function (FD2.ME1D)",
	[SYSFS_INACCESSIBLE] = "status registers not accessible (read 0xffffffff)",
};

/**
 * status_decide() - the verdict and its evidence from what sysfs and MKHI gave
 * @s: the status; sets @s->verdict, the evidence lines and @s->watchdog_advice
 */
void status_decide(struct status *s)
{
	const char *ws = status_sysfs_get(&s->sysfs, "working_state");
	const char *disabled = registers_disabled(s);
	bool ok = s->sysfs.state == SYSFS_OK;
	unsigned int i;

	if (not_read[s->sysfs.state])
		add_evidence(s, "%s", not_read[s->sysfs.state]);

	if (ok && !strcmp(disabled, "yes")) {
		if (s->mkhi.state == MKHI_OK) {
			s->verdict = VERDICT_UNKNOWN;
			add_evidence(s, "the status registers say disabled, but the ME answered MKHI:");
		} else {
			s->verdict = VERDICT_DISABLED;
		}
		for (i = 0; i < s->sysfs.n_indicators; i++)
			add_line(s, s->sysfs.indicators[i]);
		if (status_sysfs_indicates(&s->sysfs, "error_code"))
			add_evidence(s, "%s", broken_text);
		add_mkhi_evidence(s);
	} else if (ok && !strcmp(disabled, "no")) {
		s->verdict = VERDICT_ENABLED;
		add_line(s, "working_state");
		add_line(s, "firmware_init_complete");
		add_line(s, "error_code");
		add_line(s, "progress_phase");
		add_mkhi_evidence(s);
	} else {
		if (ok)
			add_evidence(s, "the status registers do not settle it (disabled: %s)",
				     disabled);
		s->verdict = s->mkhi.state == MKHI_OK ? VERDICT_ENABLED : VERDICT_UNKNOWN;
		if (ok) {
			add_line(s, "working_state");
			add_line(s, "firmware_init_complete");
		}
		add_mkhi_evidence(s);
	}
	s->watchdog_advice = ws && !strcmp(ws, "Platform Disable Wait");
}

/* ---- output ------------------------------------------------------------------- */

static const char * const verdict_words[] = {
	[VERDICT_DISABLED] = "yes",
	[VERDICT_ENABLED] = "no",
	[VERDICT_UNKNOWN] = "unknown",
};

static const char * const sysfs_words[] = {
	[SYSFS_OK] = "ok",
	[SYSFS_NO_MODULE] = "no-module",
	[SYSFS_NO_DEVICE] = "no-device",
	[SYSFS_HIDDEN] = "hidden",
	[SYSFS_INACCESSIBLE] = "not-accessible",
};

static const char * const mkhi_words[] = {
	[MKHI_NOT_QUERIED] = "not-queried",
	[MKHI_UNAVAILABLE] = "unavailable",
	[MKHI_FAILED] = "failed",
	[MKHI_OK] = "ok",
};

/* An attribute's value, "" when the device has no such file. */
static const char *attr(const struct status *s, const char *name)
{
	return status_sysfs_get(&s->sysfs, name) ?: "";
}

static const char *hfsts_name(unsigned int i)
{
	static const char * const names[] = {
		"hfsts1", "hfsts2", "hfsts3", "hfsts4", "hfsts5", "hfsts6",
	};

	return names[i];
}

static void print_registers(const struct status *s)
{
	const struct status_sysfs *d = &s->sysfs;
	unsigned int i;

	printf("MEI found: [%s] %s (%s; %s layout; source: %s; %s)\n\n", attr(s, "pci_id"),
	       attr(s, "chipset"), attr(s, "generation"), attr(s, "layout"), attr(s, "source"),
	       d->device);
	printf("ME Status   : %s\n", attr(s, "hfsts1"));
	printf("ME Status 2 : %s\n", attr(s, "hfsts2"));
	for (i = 2; i < 6; i++)
		if (*attr(s, hfsts_name(i)))
			printf("ME Status %u : %s\n", i + 1, attr(s, hfsts_name(i)));
	printf("\n");
	for (i = 0; i < NLINES; i++)
		if (status_sysfs_get(d, lines[i].attr))
			printf("ME: %-24s: %s\n", lines[i].label, attr(s, lines[i].attr));
	if (d->state == SYSFS_OK && status_sysfs_indicates(d, "error_code"))
		printf("%s\n", broken_text);
	printf("\n");
}

static void print_mkhi(const struct status_mkhi *m)
{
	unsigned int i;

	if (m->fwver_ok)
		printf("ME: Firmware Version %u.%u.%u.%u (code) %u.%u.%u.%u (recovery) "
		       "%u.%u.%u.%u (fitc)\n",
		       m->ver[0][0], m->ver[0][1], m->ver[0][2], m->ver[0][3],
		       m->ver[1][0], m->ver[1][1], m->ver[1][2], m->ver[1][3],
		       m->ver[2][0], m->ver[2][1], m->ver[2][2], m->ver[2][3]);
	else
		printf("ME: GET FW VERSION message failed\n");
	if (m->fwcaps_ok)
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
			printf("ME Capability: %-42s: %s\n", caps[i].name,
			       m->capbits & (1u << caps[i].bit) ? "ON" : "OFF");
	else
		printf("ME: GET FWCAPS message failed\n");
	printf("\n");
}

/**
 * status_print_text() - the intelmetool-like report, the verdict and its evidence
 * @s: a decided status
 */
void status_print_text(const struct status *s)
{
	unsigned int i;

	switch (s->sysfs.state) {
	case SYSFS_OK:
	case SYSFS_INACCESSIBLE:
		print_registers(s);
		break;
	case SYSFS_HIDDEN:
		printf("MEI hidden: %s (%s; %s): the firmware hides HECI #1 (FD2.ME1D)\n\n",
		       attr(s, "chipset"), attr(s, "generation"), s->sysfs.device);
		break;
	case SYSFS_NO_MODULE:
	case SYSFS_NO_DEVICE:
		break;
	}
	if (s->mkhi.state == MKHI_OK || s->mkhi.state == MKHI_FAILED)
		print_mkhi(&s->mkhi);

	printf("ME disabled: %s\n", verdict_words[s->verdict]);
	for (i = 0; i < s->n_evidence; i++)
		printf("  evidence: %s\n", s->evidence[i]);
	if (s->watchdog_advice)
		printf("\n%s\n", watchdog_text);
}

static void json_device(const struct status *s)
{
	static const char * const props[] = { "pci_id", "chipset", "generation", "source" };
	const struct status_sysfs *d = &s->sysfs;
	unsigned int i;
	bool first;

	printf(",\"device\":");
	json_fstr(stdout, d->device);
	for (i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		printf(",\"%s\":", props[i]);
		json_fstr(stdout, attr(s, props[i]));
	}
	printf(",\"registers\":{");
	for (i = 0, first = true; i < 6; i++) {
		if (!*attr(s, hfsts_name(i)))
			continue;
		printf("%s\"%s\":", first ? "" : ",", hfsts_name(i));
		json_fstr(stdout, attr(s, hfsts_name(i)));
		first = false;
	}
	printf("},\"fields\":{");
	for (i = 0, first = true; i < NLINES; i++) {
		if (!status_sysfs_get(d, lines[i].attr))
			continue;
		printf("%s\"%s\":", first ? "" : ",", lines[i].attr);
		json_fstr(stdout, attr(s, lines[i].attr));
		first = false;
	}
	printf("},\"registers_disabled\":");
	json_fstr(stdout, registers_disabled(s));
}

/**
 * status_print_json() - the same as one JSON object on one line
 * @s: a decided status
 */
void status_print_json(const struct status *s)
{
	const struct status_mkhi *m = &s->mkhi;
	unsigned int i;

	printf("{\"sysfs\":");
	json_fstr(stdout, sysfs_words[s->sysfs.state]);
	if (s->sysfs.state == SYSFS_OK || s->sysfs.state == SYSFS_INACCESSIBLE ||
	    s->sysfs.state == SYSFS_HIDDEN)
		json_device(s);
	printf(",\"mkhi\":");
	json_fstr(stdout, mkhi_words[m->state]);
	if (m->state == MKHI_UNAVAILABLE) {
		printf(",\"mkhi_error\":");
		json_fstr(stdout, m->error);
	}
	if (m->fwver_ok)
		printf(",\"fw_version\":\"%u.%u.%u.%u\"", m->ver[0][0], m->ver[0][1],
		       m->ver[0][2], m->ver[0][3]);
	if (m->fwcaps_ok)
		printf(",\"fwcaps\":%u", m->capbits);
	printf(",\"disabled\":");
	json_fstr(stdout, verdict_words[s->verdict]);
	printf(",\"evidence\":[");
	for (i = 0; i < s->n_evidence; i++) {
		if (i)
			putchar(',');
		json_fstr(stdout, s->evidence[i]);
	}
	printf("],\"watchdog_advice\":%s}\n", s->watchdog_advice ? "true" : "false");
}
