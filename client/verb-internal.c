// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl check --internal FILE: the internal flashing pre-flight of a dump. Can this
 * board's host write its own ME region (and descriptor)? The decision is the image
 * engine's (lib/image/host-access.h); host_access_print() renders it, as text or
 * JSON, for this verb and for any other path that holds a decision.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd.h"
#include "host-access.h"
#include "json.h"
#include "strbuf.h"
#include "verbs.h"

#define PROG "mectl check --internal"

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

static void print_text(FILE *f, const struct img_host_access *a)
{
	const char *const *n;
	unsigned i;

	fprintf(f, "Flash descriptor: %s, FLCOMP 0x%08x (read clock %s)\n", a->layout_name,
		a->flcomp, a->read_clock);
	fprintf(f, "Host access (FLMSTR1 = 0x%08x):\n", a->flmstr1);
	fprintf(f, "  %-5s %-11s %-23s %-5s %s\n", "FLREG", "region", "range", "read", "write");
	for (i = 0; i < a->n_regions; i++) {
		const struct img_host_region *r = &a->regions[i];
		char range[32] = "unused";

		if (r->used)
			snprintf(range, sizeof(range), "0x%08llx-0x%08llx",
				 (unsigned long long)r->start, (unsigned long long)r->end - 1);
		fprintf(f, "  %-5u %-11s %-23s %-5s %s\n", r->index, r->name, range,
			yes_no(r->read), yes_no(r->write));
	}
	fprintf(f, "Internal flashing: %s\n", a->verdict_line);
	for (n = a->notes; n && *n; n++)
		fprintf(f, "  %s\n", *n);
}

static void print_json(FILE *f, const struct img_host_access *a)
{
	struct strbuf b = { 0 };

	img_host_access_json(a, &b);
	strbuf_add(&b, "\n", 1);
	if (b.oom)
		fprintf(stderr, "mectl: out of memory\n");
	else
		fputs(b.s, f);
	strbuf_done(&b);
}

void host_access_print(FILE *f, const struct img_host_access *a, bool json)
{
	if (json)
		print_json(f, a);
	else
		print_text(f, a);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [--json] FILE\n\n"
		   "Can this board flash its own BIOS chip? From the flash descriptor of the\n"
		   "full image FILE: the host's (FLMSTR1) read/write access per region, and\n"
		   "whether it can write the ME region and the descriptor. Exit status 0 when\n"
		   "the ME region is writable, 1 when it is not or FILE has no descriptor.\n");
}

int verb_internal_check(int argc, char **argv)
{
	_cleanup_free_ uint8_t *buf = NULL;
	struct img_host_access a;
	const char *file = NULL;
	bool json = false, opts = true;
	size_t len = 0;
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (opts && !strcmp(s, "--")) {
			opts = false;
		} else if (opts && !strcmp(s, "--internal")) {
			continue;
		} else if (opts && !strcmp(s, "--json")) {
			json = true;
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
	if (!file) {
		usage(stderr);
		return 2;
	}
	r = read_file_at(AT_FDCWD, file, SIZE_MAX, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "mectl: cannot read %s: %s\n", file, strerror(-r));
		return EXIT_FAILURE;
	}
	r = img_host_access(buf, len, &a);
	if (r == -ENOMEM) {
		fprintf(stderr, "mectl: out of memory\n");
		return EXIT_FAILURE;
	}
	if (r) {
		fprintf(stderr, "mectl: %s: %s\n", file, a.error);
		return EXIT_FAILURE;
	}
	host_access_print(stdout, &a, json);
	return a.verdict == IMG_HOST_NONE ? EXIT_FAILURE : EXIT_SUCCESS;
}
