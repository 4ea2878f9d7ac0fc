// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl status: is this machine's Intel ME disabled?
 *
 * Two sources, both optional: the HFSTS registers decoded by mectl_me.ko in
 * /sys/class/intel_me/meN (one value per file, see kmod/me/ABI), and the ME's MKHI
 * client over /dev/meiN (connect, GET FW VERSION, FWCAPS rule 0, each answer
 * awaited with poll() and a timeout). The report reads like intelmetool's, then a
 * verdict with the evidence lines that led to it, following the checklist of the
 * Gentoo wiki guide to disabling the ME:
 *
 *   registers say disabled, MKHI did not fully answer      -> disabled
 *   registers say disabled, MKHI answered both requests    -> unknown (contradiction)
 *   registers say enabled                                  -> enabled
 *   registers unknown (no module/device, hidden), MKHI ok  -> enabled
 *   otherwise                                              -> unknown
 *
 * Exit status: 0 disabled, 1 enabled, 2 unknown or error.
 * Test seam: --sysfs-root DIR (or $SYSFS_ROOT) prefixes every /sys path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/mei.h>

#include "cleanup.h"
#include "verbs.h"

#define EXIT_ME_DISABLED	0
#define EXIT_ME_ENABLED		1
#define EXIT_ME_UNKNOWN		2

#define DEFAULT_MEI		"/dev/mei0"
#define DEFAULT_TIMEOUT_MS	1000

enum verdict {
	VERDICT_DISABLED,
	VERDICT_ENABLED,
	VERDICT_UNKNOWN,
};

enum sysfs_state {
	SYSFS_OK,		/* a device with readable registers */
	SYSFS_NO_MODULE,	/* /sys/class/intel_me does not exist */
	SYSFS_NO_DEVICE,	/* the class is empty, or --device names nothing */
	SYSFS_HIDDEN,		/* the function is hidden by firmware */
	SYSFS_INACCESSIBLE,	/* registers read all-ones */
};

enum mkhi_state {
	MKHI_NOT_QUERIED,	/* --no-mei */
	MKHI_UNAVAILABLE,	/* no device, no permission, no MKHI client */
	MKHI_FAILED,		/* connected, at least one request failed */
	MKHI_OK,		/* both requests answered */
};

/* One line of intelmetool's report: sysfs attribute and label. */
struct field {
	const char *attr;
	const char *label;
};

static const struct field fields[] = {
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

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

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

#define MAX_LINES 32

struct status {
	/* sysfs */
	enum sysfs_state sysfs;
	char device[256];
	char class_dir[4400];
	char pci_id[32], chipset[96], generation[32], source[16], layout[16];
	char regs[6][16];
	char values[NFIELDS][96];
	bool present[NFIELDS];
	char disabled[16];
	/* MKHI */
	enum mkhi_state mkhi;
	const char *mei_path;
	char mkhi_error[160];
	bool fwver_ok, fwcaps_ok;
	uint16_t ver[3][4];		/* code, recovery, fitc: major minor hotfix build */
	uint32_t capbits;
	/* verdict */
	enum verdict verdict;
	const char *evidence[MAX_LINES];
	char evidence_buf[MAX_LINES][160];
	unsigned int n_evidence;
	bool watchdog_advice;
};

static void add_evidence(struct status *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_evidence(struct status *s, const char *fmt, ...)
{
	va_list ap;

	if (s->n_evidence == MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(s->evidence_buf[s->n_evidence], sizeof(s->evidence_buf[0]), fmt, ap);
	va_end(ap);
	s->evidence[s->n_evidence] = s->evidence_buf[s->n_evidence];
	s->n_evidence++;
}

/* Read one sysfs value, trailing newline stripped. Return 0 or -errno. */
static int read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	_cleanup_(freep) char *path = NULL;
	_cleanup_(closep) int fd = -1;
	ssize_t n;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int first_device(const char *class_dir, char *name, size_t len)
{
	DIR *d = opendir(class_dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -errno;
	name[0] = 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "me", 2) || !e->d_name[2])
			continue;
		/* lowest index wins: me2 after me10 in readdir order is not guaranteed */
		if (!found || strtoul(e->d_name + 2, NULL, 10) < strtoul(name + 2, NULL, 10)) {
			snprintf(name, len, "%s", e->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found ? 0 : -ENODEV;
}

static int load_sysfs(struct status *s, const char *root, const char *want)
{
	char classdir[4096];
	char dir[4400];
	unsigned int i;
	int r;

	snprintf(classdir, sizeof(classdir), "%s/sys/class/intel_me", root);
	if (access(classdir, F_OK) < 0) {
		s->sysfs = SYSFS_NO_MODULE;
		return 0;
	}
	if (want)
		snprintf(s->device, sizeof(s->device), "%s", want);
	else if (first_device(classdir, s->device, sizeof(s->device)) < 0) {
		s->sysfs = SYSFS_NO_DEVICE;
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/%s", classdir, s->device);
	snprintf(s->class_dir, sizeof(s->class_dir), "%s", dir);
	r = read_attr(dir, "hfsts1", s->regs[0], sizeof(s->regs[0]));
	if (r == -ENOENT) {
		s->sysfs = SYSFS_NO_DEVICE;
		return 0;
	}
	if (r < 0)
		return r;
	for (i = 1; i < 6; i++) {
		char name[8];

		snprintf(name, sizeof(name), "hfsts%u", i + 1);
		if (read_attr(dir, name, s->regs[i], sizeof(s->regs[i])) < 0)
			s->regs[i][0] = 0;
	}
	for (i = 0; i < NFIELDS; i++)
		s->present[i] = read_attr(dir, fields[i].attr, s->values[i],
					  sizeof(s->values[i])) == 0;
	if (read_attr(dir, "disabled", s->disabled, sizeof(s->disabled)) < 0)
		snprintf(s->disabled, sizeof(s->disabled), "unknown");
	read_attr(dir, "pci_id", s->pci_id, sizeof(s->pci_id));
	read_attr(dir, "chipset", s->chipset, sizeof(s->chipset));
	read_attr(dir, "generation", s->generation, sizeof(s->generation));
	read_attr(dir, "source", s->source, sizeof(s->source));
	read_attr(dir, "layout", s->layout, sizeof(s->layout));
	{
		char hidden[8] = "";

		read_attr(dir, "hidden", hidden, sizeof(hidden));
		if (!strcmp(hidden, "yes")) {
			s->sysfs = SYSFS_HIDDEN;
			return 0;
		}
	}
	s->sysfs = strcmp(s->regs[0], "0xffffffff") ? SYSFS_OK : SYSFS_INACCESSIBLE;
	return 0;
}

/* ---- MKHI over /dev/meiN ------------------------------------------------------ */

struct mkhi_hdr {
	uint8_t group_id;
	uint8_t command;
	uint8_t reserved;
	uint8_t result;
} __attribute__((packed));

#define MKHI_RESPONSE		0x80
#define MKHI_GROUP_FWCAPS	0x03
#define MKHI_FWCAPS_GET_RULE	0x02
#define MKHI_GROUP_GEN		0xff
#define MKHI_GEN_GET_FW_VERSION	0x02

static const uuid_le mkhi_guid = UUID_LE(0x8e6a6715, 0x9abc, 0x4043,
					 0x88, 0xef, 0x9e, 0x39, 0xc6, 0xf6, 0x3e, 0x0f);

/* Send one request, wait up to timeout_ms for one answer. Return its length or -errno. */
static ssize_t mkhi_xfer(int fd, const void *req, size_t len, uint8_t *rsp, size_t cap,
			 int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	n = write(fd, req, len);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (p.revents & (POLLERR | POLLHUP))
		return -EIO;
	n = read(fd, rsp, cap);
	if (n < 0)
		return -errno;
	return n;
}

static bool mkhi_rsp_ok(const uint8_t *rsp, ssize_t n, size_t need, uint8_t group, uint8_t cmd)
{
	const struct mkhi_hdr *h = (const void *)rsp;

	return n >= (ssize_t)need && h->group_id == group &&
	       h->command == (cmd | MKHI_RESPONSE) && h->result == 0;
}

static void query_mkhi(struct status *s, int timeout_ms)
{
	struct mei_connect_client_data conn;
	_cleanup_(closep) int fd = -1;
	uint8_t rsp[512];
	ssize_t n;
	unsigned int i;

	fd = open(s->mei_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			snprintf(s->mkhi_error, sizeof(s->mkhi_error),
				 "%s does not exist (mei_me not loaded, or no MEI device)", s->mei_path);
		else if (errno == EACCES || errno == EPERM)
			snprintf(s->mkhi_error, sizeof(s->mkhi_error),
				 "%s: permission denied (the MEI device is root-only; run as root)",
				 s->mei_path);
		else
			snprintf(s->mkhi_error, sizeof(s->mkhi_error), "%s: %s", s->mei_path,
				 strerror(errno));
		s->mkhi = MKHI_UNAVAILABLE;
		return;
	}
	memset(&conn, 0, sizeof(conn));
	conn.in_client_uuid = mkhi_guid;
	if (ioctl(fd, IOCTL_MEI_CONNECT_CLIENT, &conn) < 0) {
		if (errno == ENOTTY)
			snprintf(s->mkhi_error, sizeof(s->mkhi_error),
				 "%s: the ME offers no MKHI client", s->mei_path);
		else
			snprintf(s->mkhi_error, sizeof(s->mkhi_error),
				 "%s: connecting to MKHI: %s", s->mei_path, strerror(errno));
		s->mkhi = MKHI_UNAVAILABLE;
		return;
	}

	{
		struct mkhi_hdr req = { .group_id = MKHI_GROUP_GEN,
					.command = MKHI_GEN_GET_FW_VERSION };

		n = mkhi_xfer(fd, &req, sizeof(req), rsp, sizeof(rsp), timeout_ms);
		/* header + at least the code block (Linux mei accepts 1..3 blocks) */
		if (mkhi_rsp_ok(rsp, n, 4 + 8, MKHI_GROUP_GEN, MKHI_GEN_GET_FW_VERSION)) {
			s->fwver_ok = true;
			for (i = 0; i < 3 && 4 + 8 * (i + 1) <= (size_t)n; i++) {
				const uint8_t *b = rsp + 4 + 8 * i;

				s->ver[i][0] = b[2];			/* major */
				s->ver[i][1] = b[0] | b[1] << 8;	/* minor */
				s->ver[i][2] = b[6] | b[7] << 8;	/* hotfix */
				s->ver[i][3] = b[4] | b[5] << 8;	/* build */
			}
		}
	}
	{
		struct {
			struct mkhi_hdr hdr;
			uint32_t rule_id;
		} __attribute__((packed)) req = {
			.hdr = { .group_id = MKHI_GROUP_FWCAPS, .command = MKHI_FWCAPS_GET_RULE },
			.rule_id = 0,
		};

		n = mkhi_xfer(fd, &req, sizeof(req), rsp, sizeof(rsp), timeout_ms);
		/* header, rule id, length byte, then rule data */
		if (mkhi_rsp_ok(rsp, n, 4 + 4 + 1 + 4, MKHI_GROUP_FWCAPS, MKHI_FWCAPS_GET_RULE)) {
			s->fwcaps_ok = true;
			s->capbits = rsp[9] | rsp[10] << 8 | rsp[11] << 16 | (uint32_t)rsp[12] << 24;
		}
	}
	s->mkhi = s->fwver_ok && s->fwcaps_ok ? MKHI_OK : MKHI_FAILED;
}

/* ---- verdict ------------------------------------------------------------------ */

static const char *value_of(const struct status *s, const char *attr)
{
	unsigned int i;

	for (i = 0; i < NFIELDS; i++)
		if (s->present[i] && !strcmp(fields[i].attr, attr))
			return s->values[i];
	return NULL;
}

static bool is_hex_state(const char *v)
{
	return !strncmp(v, "0x", 2) || !strncmp(v, "Unknown", 7);
}

/*
 * The seed guide's "real indications that the ME is disabled", as tests on the
 * decoded lines, in the guide's order. The kernel's "disabled" attribute applies
 * the same list to the register bits; these only pick the lines to show.
 */
struct indicator {
	const char *attr;
	bool (*match)(const char *v);
};

static bool m_no(const char *v) { return !strcmp(v, "NO"); }
static bool m_error(const char *v) { return strcmp(v, "No Error") != 0; }
static bool m_working(const char *v)
{
	return !strcmp(v, "Initializing") || !strcmp(v, "Disabled") ||
	       !strcmp(v, "Platform Disable Wait");
}
static bool m_mode(const char *v)
{
	return !strncmp(v, "Unknown (", 9) || !strcmp(v, "Soft Temporary Disable");
}
static bool m_opstate(const char *v) { return !strcmp(v, "Bring up"); }
static bool m_phase(const char *v) { return !strcmp(v, "BUP Phase") || !strncmp(v, "Unknown (", 9); }
static bool m_phase_state(const char *v)
{
	return is_hex_state(v) || !strcmp(v, "Check to see if straps say ME DISABLED");
}

static const struct indicator indicators[] = {
	{ "firmware_init_complete",	m_no },
	{ "error_code",			m_error },
	{ "working_state",		m_working },
	{ "operation_mode",		m_mode },
	{ "operation_state",		m_opstate },
	{ "progress_phase",		m_phase },
	{ "progress_phase_state",	m_phase_state },
};

static const char *label_of(const char *attr)
{
	unsigned int i;

	for (i = 0; i < NFIELDS; i++)
		if (!strcmp(fields[i].attr, attr))
			return fields[i].label;
	return attr;
}

static void add_line(struct status *s, const char *attr)
{
	const char *v = value_of(s, attr);

	if (v)
		add_evidence(s, "ME: %-24s: %s", label_of(attr), v);
}

static void add_mkhi_evidence(struct status *s)
{
	switch (s->mkhi) {
	case MKHI_OK:
	case MKHI_FAILED:
		if (s->fwver_ok)
			add_evidence(s, "ME: Firmware Version %u.%u.%u.%u (code)", s->ver[0][0],
				     s->ver[0][1], s->ver[0][2], s->ver[0][3]);
		else
			add_evidence(s, "ME: GET FW VERSION message failed");
		if (s->fwcaps_ok)
			add_evidence(s, "ME: GET FWCAPS answered (0x%08x)", s->capbits);
		else
			add_evidence(s, "ME: GET FWCAPS message failed");
		break;
	case MKHI_UNAVAILABLE:
		add_evidence(s, "MKHI not queried: %s", s->mkhi_error);
		break;
	case MKHI_NOT_QUERIED:
		break;
	}
}

static void decide(struct status *s)
{
	const char *ws = value_of(s, "working_state");
	bool regs_yes = false, regs_no = false;
	unsigned int i;

	switch (s->sysfs) {
	case SYSFS_OK:
		regs_yes = !strcmp(s->disabled, "yes");
		regs_no = !strcmp(s->disabled, "no");
		break;
	case SYSFS_NO_MODULE:
		add_evidence(s, "status registers not read: mectl_me is not loaded (modprobe mectl_me)");
		break;
	case SYSFS_NO_DEVICE:
		add_evidence(s, "status registers not read: no MEI function found (no ME interface, or hidden by firmware)");
		break;
	case SYSFS_HIDDEN:
		add_evidence(s, "status registers not read: the firmware hides the MEI function (FD2.ME1D)");
		break;
	case SYSFS_INACCESSIBLE:
		add_evidence(s, "status registers not accessible (read 0xffffffff)");
		break;
	}

	if (regs_yes) {
		if (s->mkhi == MKHI_OK) {
			s->verdict = VERDICT_UNKNOWN;
			add_evidence(s, "the status registers say disabled, but the ME answered MKHI:");
		} else {
			s->verdict = VERDICT_DISABLED;
		}
		for (i = 0; i < sizeof(indicators) / sizeof(indicators[0]); i++) {
			const char *v = value_of(s, indicators[i].attr);

			if (v && indicators[i].match(v))
				add_line(s, indicators[i].attr);
		}
		if (value_of(s, "error_code") && m_error(value_of(s, "error_code")))
			add_evidence(s, "ME: has a broken implementation on your board with this firmware");
		add_mkhi_evidence(s);
	} else if (regs_no) {
		s->verdict = VERDICT_ENABLED;
		add_line(s, "working_state");
		add_line(s, "firmware_init_complete");
		add_line(s, "error_code");
		add_line(s, "progress_phase");
		add_mkhi_evidence(s);
	} else {
		if (s->sysfs == SYSFS_OK)
			add_evidence(s, "the status registers do not settle it (disabled: %s)",
				     s->disabled);
		s->verdict = s->mkhi == MKHI_OK ? VERDICT_ENABLED : VERDICT_UNKNOWN;
		if (s->sysfs == SYSFS_OK) {
			add_line(s, "working_state");
			add_line(s, "firmware_init_complete");
		}
		add_mkhi_evidence(s);
	}
	s->watchdog_advice = ws && !strcmp(ws, "Platform Disable Wait");
}

/* ---- output ------------------------------------------------------------------- */

static const char *verdict_word(enum verdict v)
{
	switch (v) {
	case VERDICT_DISABLED:
		return "yes";
	case VERDICT_ENABLED:
		return "no";
	case VERDICT_UNKNOWN:
		break;
	}
	return "unknown";
}

static const char *watchdog_text =
	"The ME reports \"Platform Disable Wait\": leave this machine running for 30 minutes.\n"
	"If it does not reset itself, the ME's watchdog was cleared and the ME stays off;\n"
	"if it does, the firmware did not finish disabling the ME (restore the backup).";

static void print_text(const struct status *s)
{
	unsigned int i;

	switch (s->sysfs) {
	case SYSFS_OK:
	case SYSFS_INACCESSIBLE:
		printf("MEI found: [%s] %s (%s; %s layout; source: %s; %s)\n\n", s->pci_id,
		       s->chipset, s->generation, s->layout, s->source, s->device);
		printf("ME Status   : %s\n", s->regs[0]);
		printf("ME Status 2 : %s\n", s->regs[1]);
		for (i = 2; i < 6; i++)
			if (s->regs[i][0])
				printf("ME Status %u : %s\n", i + 1, s->regs[i]);
		printf("\n");
		for (i = 0; i < NFIELDS; i++)
			if (s->present[i])
				printf("ME: %-24s: %s\n", fields[i].label, s->values[i]);
		if (value_of(s, "error_code") && m_error(value_of(s, "error_code")) &&
		    s->sysfs == SYSFS_OK)
			printf("ME: has a broken implementation on your board with this firmware\n");
		printf("\n");
		break;
	case SYSFS_HIDDEN:
		printf("MEI hidden: %s (%s; %s): the firmware hides HECI #1 (FD2.ME1D)\n\n",
		       s->chipset, s->generation, s->device);
		break;
	case SYSFS_NO_MODULE:
	case SYSFS_NO_DEVICE:
		break;
	}

	switch (s->mkhi) {
	case MKHI_OK:
	case MKHI_FAILED:
		if (s->fwver_ok)
			printf("ME: Firmware Version %u.%u.%u.%u (code) %u.%u.%u.%u (recovery) "
			       "%u.%u.%u.%u (fitc)\n",
			       s->ver[0][0], s->ver[0][1], s->ver[0][2], s->ver[0][3],
			       s->ver[1][0], s->ver[1][1], s->ver[1][2], s->ver[1][3],
			       s->ver[2][0], s->ver[2][1], s->ver[2][2], s->ver[2][3]);
		else
			printf("ME: GET FW VERSION message failed\n");
		if (s->fwcaps_ok)
			for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
				printf("ME Capability: %-42s: %s\n", caps[i].name,
				       s->capbits & (1u << caps[i].bit) ? "ON" : "OFF");
		else
			printf("ME: GET FWCAPS message failed\n");
		printf("\n");
		break;
	case MKHI_UNAVAILABLE:
	case MKHI_NOT_QUERIED:
		break;
	}

	printf("ME disabled: %s\n", verdict_word(s->verdict));
	for (i = 0; i < s->n_evidence; i++)
		printf("  evidence: %s\n", s->evidence[i]);
	if (s->watchdog_advice)
		printf("\n%s\n", watchdog_text);
}

static void json_str(const char *v)
{
	const unsigned char *p;

	putchar('"');
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static const char *sysfs_word(enum sysfs_state st)
{
	switch (st) {
	case SYSFS_OK:
		return "ok";
	case SYSFS_NO_MODULE:
		return "no-module";
	case SYSFS_NO_DEVICE:
		return "no-device";
	case SYSFS_HIDDEN:
		return "hidden";
	case SYSFS_INACCESSIBLE:
		return "not-accessible";
	}
	return "?";
}

static const char *mkhi_word(enum mkhi_state st)
{
	switch (st) {
	case MKHI_NOT_QUERIED:
		return "not-queried";
	case MKHI_UNAVAILABLE:
		return "unavailable";
	case MKHI_FAILED:
		return "failed";
	case MKHI_OK:
		return "ok";
	}
	return "?";
}

static void print_json(const struct status *s)
{
	unsigned int i;
	bool first;

	printf("{\"sysfs\":");
	json_str(sysfs_word(s->sysfs));
	if (s->sysfs == SYSFS_OK || s->sysfs == SYSFS_INACCESSIBLE || s->sysfs == SYSFS_HIDDEN) {
		printf(",\"device\":");
		json_str(s->device);
		printf(",\"pci_id\":");
		json_str(s->pci_id);
		printf(",\"chipset\":");
		json_str(s->chipset);
		printf(",\"generation\":");
		json_str(s->generation);
		printf(",\"source\":");
		json_str(s->source);
		printf(",\"registers\":{");
		for (i = 0, first = true; i < 6; i++) {
			if (!s->regs[i][0])
				continue;
			printf("%s\"hfsts%u\":", first ? "" : ",", i + 1);
			json_str(s->regs[i]);
			first = false;
		}
		printf("},\"fields\":{");
		for (i = 0, first = true; i < NFIELDS; i++) {
			if (!s->present[i])
				continue;
			printf("%s\"%s\":", first ? "" : ",", fields[i].attr);
			json_str(s->values[i]);
			first = false;
		}
		printf("},\"registers_disabled\":");
		json_str(s->disabled);
	}
	printf(",\"mkhi\":");
	json_str(mkhi_word(s->mkhi));
	if (s->mkhi == MKHI_UNAVAILABLE) {
		printf(",\"mkhi_error\":");
		json_str(s->mkhi_error);
	}
	if (s->fwver_ok)
		printf(",\"fw_version\":\"%u.%u.%u.%u\"", s->ver[0][0], s->ver[0][1],
		       s->ver[0][2], s->ver[0][3]);
	if (s->fwcaps_ok)
		printf(",\"fwcaps\":%u", s->capbits);
	printf(",\"disabled\":");
	json_str(verdict_word(s->verdict));
	printf(",\"evidence\":[");
	for (i = 0; i < s->n_evidence; i++) {
		if (i)
			putchar(',');
		json_str(s->evidence[i]);
	}
	printf("],\"watchdog_advice\":%s}\n", s->watchdog_advice ? "true" : "false");
}

/* ---- command line ------------------------------------------------------------- */

static void help(void)
{
	printf("usage: mectl status [OPTIONS]\n\n"
	       "Is this machine's Intel ME disabled? Reads the ME status registers decoded by\n"
	       "mectl_me.ko (/sys/class/intel_me/meN) and asks the ME's MKHI client over the\n"
	       "MEI device (GET FW VERSION, FWCAPS), prints an intelmetool-like report, then\n"
	       "a verdict \"ME disabled: yes/no/unknown\" with the evidence behind it.\n\n"
	       "Options:\n"
	       "  --mei PATH         MEI character device (default %s)\n"
	       "  --no-mei           do not query MKHI\n"
	       "  --device meN       which /sys/class/intel_me device (default: the first)\n"
	       "  --timeout MS       wait this long for each MKHI answer (default %d)\n"
	       "  --sysfs-root DIR   read DIR/sys/... instead of /sys/... (tests; also $SYSFS_ROOT)\n"
	       "  --json             one JSON object instead of the report\n"
	       "  -h, --help         this help\n\n"
	       "Exit status:\n"
	       "  0  the ME is disabled\n"
	       "  1  the ME is enabled (running)\n"
	       "  2  unknown (no module, no MEI function, hidden, contradicting evidence) or error\n",
	       DEFAULT_MEI, DEFAULT_TIMEOUT_MS);
}

struct args {
	const char *mei;
	const char *root;
	const char *device;
	int timeout_ms;
	bool no_mei;
	bool json;
};

/* Return <0 on error, 0 to exit successfully (help), >0 to run. */
static int parse_argv(int argc, char **argv, struct args *a)
{
	enum { ARG_MEI = 0x100, ARG_NO_MEI, ARG_DEVICE, ARG_TIMEOUT, ARG_ROOT, ARG_JSON };
	static const struct option options[] = {
		{ "mei",	required_argument,	NULL, ARG_MEI },
		{ "no-mei",	no_argument,		NULL, ARG_NO_MEI },
		{ "device",	required_argument,	NULL, ARG_DEVICE },
		{ "timeout",	required_argument,	NULL, ARG_TIMEOUT },
		{ "sysfs-root",	required_argument,	NULL, ARG_ROOT },
		{ "json",	no_argument,		NULL, ARG_JSON },
		{ "help",	no_argument,		NULL, 'h' },
		{}
	};
	char *end;
	long v;
	int c;

	a->mei = DEFAULT_MEI;
	a->root = getenv("SYSFS_ROOT") ? getenv("SYSFS_ROOT") : "";
	a->timeout_ms = DEFAULT_TIMEOUT_MS;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
		switch (c) {
		case ARG_MEI:
			a->mei = optarg;
			break;
		case ARG_NO_MEI:
			a->no_mei = true;
			break;
		case ARG_DEVICE:
			if (strncmp(optarg, "me", 2) || strchr(optarg, '/')) {
				fprintf(stderr, "mectl: --device: expected a name like me0, got '%s'\n",
					optarg);
				return -EINVAL;
			}
			a->device = optarg;
			break;
		case ARG_TIMEOUT:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 1 || v > 60000) {
				fprintf(stderr, "mectl: --timeout: expected 1..60000 ms, got '%s'\n",
					optarg);
				return -EINVAL;
			}
			a->timeout_ms = (int)v;
			break;
		case ARG_ROOT:
			a->root = optarg;
			break;
		case ARG_JSON:
			a->json = true;
			break;
		case 'h':
			help();
			return 0;
		case '?':
		default:
			if (optopt)
				fprintf(stderr, "mectl: status: unknown or incomplete option '%s'\n",
					argv[optind - 1]);
			else
				fprintf(stderr, "mectl: status: unknown option '%s'\n",
					argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mectl: status: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 1;
}

int verb_status(int argc, char **argv)
{
	_cleanup_(freep) struct status *s = NULL;
	struct args a = { 0 };
	int r;

	r = parse_argv(argc, argv, &a);
	if (r <= 0)
		return r < 0 ? EXIT_ME_UNKNOWN : EXIT_SUCCESS;

	s = calloc(1, sizeof(*s));
	if (!s) {
		fprintf(stderr, "mectl: out of memory\n");
		return EXIT_ME_UNKNOWN;
	}
	s->mei_path = a.mei;
	r = load_sysfs(s, a.root, a.device);
	if (r < 0) {
		fprintf(stderr, "mectl: reading %s: %s\n", s->class_dir, strerror(-r));
		return EXIT_ME_UNKNOWN;
	}
	switch (s->sysfs) {
	case SYSFS_NO_MODULE:
		fprintf(stderr, "mectl: %s/sys/class/intel_me does not exist: mectl_me is not loaded (modprobe mectl_me)\n",
			a.root);
		break;
	case SYSFS_NO_DEVICE:
		if (a.device)
			fprintf(stderr, "mectl: no intel_me device named %s\n", a.device);
		else
			fprintf(stderr, "mectl: mectl_me found no MEI function on this machine\n");
		break;
	case SYSFS_HIDDEN:
		fprintf(stderr, "mectl: the firmware hides the MEI function; 'modprobe mectl_me unhide=1' reveals it on 5..9 Series chipsets\n");
		break;
	case SYSFS_OK:
	case SYSFS_INACCESSIBLE:
		break;
	}

	if (a.no_mei)
		s->mkhi = MKHI_NOT_QUERIED;
	else
		query_mkhi(s, a.timeout_ms);
	if (s->mkhi == MKHI_UNAVAILABLE)
		fprintf(stderr, "mectl: MKHI not queried: %s\n", s->mkhi_error);

	decide(s);
	if (a.json)
		print_json(s);
	else
		print_text(s);
	fflush(stdout);

	switch (s->verdict) {
	case VERDICT_DISABLED:
		return EXIT_ME_DISABLED;
	case VERDICT_ENABLED:
		return EXIT_ME_ENABLED;
	case VERDICT_UNKNOWN:
		break;
	}
	return EXIT_ME_UNKNOWN;
}
