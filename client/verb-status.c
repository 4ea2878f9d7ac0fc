// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl status: is this machine's Intel ME disabled?
 *
 * Two sources, both optional: the HFSTS registers decoded by mectl_me.ko in
 * /sys/class/intel_me/meN (status-sysfs.c), and the ME's MKHI client over /dev/meiN
 * (status-mkhi.c). status-print.c turns them into a verdict and a report.
 *
 * Exit status: 0 disabled, 1 enabled, 2 unknown or error.
 * Test seam: --sysfs-root DIR (or $SYSFS_ROOT) prefixes every /sys path.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "status.h"
#include "verbs.h"

#define EXIT_ME_DISABLED	0
#define EXIT_ME_ENABLED		1
#define EXIT_ME_UNKNOWN		2

#define DEFAULT_MEI		"/dev/mei0"
#define DEFAULT_TIMEOUT_MS	1000

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

static const int exit_codes[] = {
	[VERDICT_DISABLED] = EXIT_ME_DISABLED,
	[VERDICT_ENABLED] = EXIT_ME_ENABLED,
	[VERDICT_UNKNOWN] = EXIT_ME_UNKNOWN,
};

/* Why the registers cannot be shown, for stderr. */
static void explain_sysfs(const struct status_sysfs *d, const struct args *a)
{
	switch (d->state) {
	case SYSFS_NO_MODULE:
		fprintf(stderr, "mectl: %s/sys/class/intel_me does not exist: mectl_me is not loaded (modprobe mectl_me)\n",
			a->root);
		break;
	case SYSFS_NO_DEVICE:
		if (a->device)
			fprintf(stderr, "mectl: no intel_me device named %s\n", a->device);
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
}

static void status_freep(struct status **s)
{
	if (*s)
		status_sysfs_free(&(*s)->sysfs);
	free(*s);
}

int verb_status(int argc, char **argv)
{
	_cleanup_(status_freep) struct status *s = NULL;
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
	r = status_sysfs_load(&s->sysfs, a.root, a.device);
	if (r < 0) {
		fprintf(stderr, "mectl: reading %s: %s\n", s->sysfs.dir, strerror(-r));
		return EXIT_ME_UNKNOWN;
	}
	explain_sysfs(&s->sysfs, &a);

	if (a.no_mei)
		s->mkhi.state = MKHI_NOT_QUERIED;
	else
		status_mkhi_query(&s->mkhi, a.mei, a.timeout_ms);
	if (s->mkhi.state == MKHI_UNAVAILABLE)
		fprintf(stderr, "mectl: MKHI not queried: %s\n", s->mkhi.error);

	status_decide(s);
	if (a.json)
		status_print_json(s);
	else
		status_print_text(s);
	fflush(stdout);
	return exit_codes[s->verdict];
}
