// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl check --internal [FILE]: the internal flashing pre-flight. Can this board's
 * host write its own ME region (and descriptor)?
 *   FILE    a dump: the decision is the image engine's (lib/image/host-access.h);
 *   none    this PC's own chip, through mectld (a probe job of the host's chip): the
 *           chip's descriptor as the host reads it, and what the backend that reaches
 *           it (spi-intel's MTD device, libflashrom) reports of the controller's locks.
 * One rendering for both, from the decision's JSON form (the daemon's result, or the
 * engine's img_host_access_json()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus-client.h"
#include "cleanup.h"
#include "fd.h"
#include "host-access.h"
#include "strbuf.h"
#include "variant-json.h"
#include "verbs.h"

#define PROG "mectl check --internal"

/* Members of a JSON object, with defaults when absent or of another type. */
static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "?";
}

static int64_t num(struct json_object *o, const char *key)
{
	return json_object_get_int64(member(o, key));
}

static const char *yes_no(struct json_object *o, const char *key)
{
	return json_object_get_boolean(member(o, key)) ? "yes" : "no";
}

static void print_lines(struct json_object *arr, const char *indent)
{
	size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++)
		printf("%s%s\n", indent, json_object_get_string(json_object_array_get_idx(arr, i)));
}

/* The descriptor's part: layout, FLMSTR1, the table of the host's access. */
static void print_access(struct json_object *a)
{
	struct json_object *regions = member(a, "regions");
	size_t n = json_object_is_type(regions, json_type_array) ? json_object_array_length(regions) : 0;

	printf("Flash descriptor: %s, FLCOMP 0x%08x (read clock %s)\n", str(a, "layout_name"),
	       (unsigned)num(a, "flcomp"), str(a, "read_clock"));
	printf("Host access (FLMSTR1 = 0x%08x):\n", (unsigned)num(a, "flmstr1"));
	printf("  %-5s %-11s %-23s %-5s %s\n", "FLREG", "region", "range", "read", "write");
	for (size_t i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(regions, i);
		char range[32] = "unused";

		if (json_object_get_boolean(member(r, "used")))
			snprintf(range, sizeof(range), "0x%08llx-0x%08llx",
				 (unsigned long long)num(r, "start"),
				 (unsigned long long)num(r, "end") - 1);
		printf("  %-5u %-11s %-23s %-5s %s\n", (unsigned)num(r, "index"), str(r, "name"),
		       range, yes_no(r, "read"), yes_no(r, "write"));
	}
}

/* The live chip's part: which backend reached it, and the controller's locks. */
static void print_backend(struct json_object *res)
{
	struct json_object *locks = member(member(res, MECTL_RESULT_PREFLIGHT), "locks");
	size_t n = json_object_is_type(locks, json_type_array) ? json_object_array_length(locks) : 0;

	if (!strcmp(str(res, MECTL_RESULT_BACKEND), "mtd")) {
		struct json_object *chip = member(res, MECTL_RESULT_CHIP);

		printf("Chip: /dev/mtd%d (%s), %lld bytes, through the MTD device (drivers: %s), "
		       "writeable: %s\n", (int)num(chip, "mtd"), str(chip, "mtd_name"),
		       (long long)num(res, MECTL_RESULT_SIZE), str(res, MECTL_RESULT_DRIVERS),
		       yes_no(res, MECTL_RESULT_MTD_WRITEABLE));
	} else {
		printf("Chip: %s, %lld bytes, through libflashrom's programmer %s\n",
		       str(res, MECTL_RESULT_FLASH_CHIP), (long long)num(res, MECTL_RESULT_SIZE),
		       str(res, MECTL_RESULT_PROGRAMMER));
	}
	if (member(res, MECTL_RESULT_INTERNAL_MTD_SKIPPED))
		printf("  (%s)\n", str(res, MECTL_RESULT_INTERNAL_MTD_SKIPPED));
	printf("Controller locks:%s\n", n ? "" : " none reported");
	for (size_t i = 0; i < n; i++)
		printf("  %s\n", str(json_object_array_get_idx(locks, i), "what"));
}

/* The verdict, and what follows from it. */
static void print_verdict(struct json_object *d)
{
	printf("Internal flashing: %s\n", str(d, "verdict_line"));
	print_lines(member(d, "notes"), "  ");
}

static bool verdict_none(struct json_object *d)
{
	return !strcmp(str(d, "verdict"), "none");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [--json] [FILE]\n"
		   "       " PROG " [--json] [--bus=ADDRESS]\n\n"
		   "Can this board flash its own BIOS chip? From the flash descriptor of the\n"
		   "full image FILE, or without FILE of this PC's own chip as mectld reads it\n"
		   "(with what its controller reports: a read-only MTD device, write-protected\n"
		   "ranges): the host's (FLMSTR1) read/write access per region, and whether it\n"
		   "can write the ME region and the descriptor. Exit status 0 when the ME\n"
		   "region is writable, 1 when it is not or there is no decision.\n");
}

static int check_file(const char *file, bool json)
{
	_cleanup_free_ uint8_t *buf = NULL;
	struct img_host_access a;
	struct json_object *o;
	struct strbuf b = {};
	size_t len = 0;
	int r;

	r = read_file_at(AT_FDCWD, file, SIZE_MAX, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "mectl: cannot read %s: %s\n", file, strerror(-r));
		return EXIT_FAILURE;
	}
	r = img_host_access(buf, len, &a);
	if (r == -EINVAL) {
		fprintf(stderr, "mectl: %s: %s\n", file, a.error);
		return EXIT_FAILURE;
	}
	if (r >= 0)
		img_host_access_json(&a, &b);
	o = r >= 0 && !b.oom ? json_tokener_parse(b.s) : NULL;
	strbuf_done(&b);
	if (!o) {
		fprintf(stderr, "mectl: out of memory\n");
		return EXIT_FAILURE;
	}
	if (json) {
		printf("%s\n", json_text(o));
	} else {
		print_access(o);
		print_verdict(o);
	}
	r = verdict_none(o) ? EXIT_FAILURE : EXIT_SUCCESS;
	json_object_put(o);
	return r;
}

static int check_live(const char *bus, bool json)
{
	struct mectl_job_status st = {};
	struct json_object *d;
	int r;

	r = mectl_probe_internal(bus, &st);
	if (r < 0)
		return EXIT_FAILURE;
	d = mectl_result_get(&st, MECTL_RESULT_PREFLIGHT);
	if (json) {
		mectl_job_print(&st, true);
	} else if (!d) {
		mectl_job_print(&st, false);	/* failed: one line naming why */
	} else {
		print_access(mectl_result_get(&st, MECTL_RESULT_HOST_ACCESS));
		print_backend(st.result);
		print_verdict(d);
	}
	r = d && !verdict_none(d) ? EXIT_SUCCESS : EXIT_FAILURE;
	mectl_job_status_done(&st);
	return r;
}

int verb_internal_check(int argc, char **argv)
{
	const char *file = NULL, *bus = NULL;
	bool json = false, opts = true;
	int i;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (opts && !strcmp(s, "--")) {
			opts = false;
		} else if (opts && !strcmp(s, "--internal")) {
			continue;
		} else if (opts && !strcmp(s, "--json")) {
			json = true;
		} else if (opts && !strncmp(s, "--bus=", 6)) {
			bus = s + 6;
		} else if (opts && !strcmp(s, "--bus") && i + 1 < argc) {
			bus = argv[++i];
		} else if (opts && (!strcmp(s, "-h") || !strcmp(s, "--help"))) {
			usage(stdout);
			return EXIT_SUCCESS;
		} else if (opts && s[0] == '-' && s[1]) {
			fprintf(stderr, "mectl: " PROG ": unknown option %s\n", s);
			return 2;
		} else if (file) {
			fprintf(stderr, "mectl: " PROG ": one FILE only (%s)\n", s);
			return 2;
		} else {
			file = s;
		}
	}
	if (file && bus) {
		fprintf(stderr, "mectl: " PROG ": FILE is a dump, --bus is for this PC's chip: "
			"one of them\n");
		return 2;
	}
	return file ? check_file(file, json) : check_live(bus, json);
}
