// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * me_cleaner 1.2's command line, parsed the way Python's argparse parses it:
 * options and the positional in any order, "--", bundled short flags, attached
 * values, --long=value, unambiguous long prefixes, two mutually exclusive groups,
 * the same error texts, usage on stderr and exit status 2. Then me_cleaner's own
 * semantic checks (exit status 1).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "image-internal.h"

enum opt_id {
	OPT_HELP,
	OPT_VERSION,
	OPT_OUTPUT,
	OPT_SOFT_DISABLE,
	OPT_SOFT_DISABLE_ONLY,
	OPT_RELOCATE,
	OPT_TRUNCATE,
	OPT_KEEP_MODULES,
	OPT_WHITELIST,
	OPT_BLACKLIST,
	OPT_DESCRIPTOR,
	OPT_EXTRACT_DESCRIPTOR,
	OPT_EXTRACT_ME,
	OPT_CHECK,
	OPT_JSON,
	OPT_FORCE,
	OPT_PCH,
	OPT__MAX,
};

struct opt {
	char short_name;	/* 0: long only */
	const char *long_name;
	bool has_arg;
	int group;		/* mutually exclusive group, 0 = none */
};

/* In argparse's order: long-prefix ambiguity messages list matches in this order. */
static const struct opt opts[OPT__MAX] = {
	[OPT_HELP]		 = { 'h', "help", false, 0 },
	[OPT_VERSION]		 = { 'v', "version", false, 0 },
	[OPT_OUTPUT]		 = { 'O', "output", true, 0 },
	[OPT_SOFT_DISABLE]	 = { 'S', "soft-disable", false, 1 },
	[OPT_SOFT_DISABLE_ONLY]	 = { 's', "soft-disable-only", false, 1 },
	[OPT_RELOCATE]		 = { 'r', "relocate", false, 0 },
	[OPT_TRUNCATE]		 = { 't', "truncate", false, 0 },
	[OPT_KEEP_MODULES]	 = { 'k', "keep-modules", false, 0 },
	[OPT_WHITELIST]		 = { 'w', "whitelist", true, 2 },
	[OPT_BLACKLIST]		 = { 'b', "blacklist", true, 2 },
	[OPT_DESCRIPTOR]	 = { 'd', "descriptor", false, 0 },
	[OPT_EXTRACT_DESCRIPTOR] = { 'D', "extract-descriptor", true, 0 },
	[OPT_EXTRACT_ME]	 = { 'M', "extract-me", true, 0 },
	[OPT_CHECK]		 = { 'c', "check", false, 0 },
	[OPT_JSON]		 = { 0, "json", false, 0 },
	[OPT_FORCE]		 = { 0, "force", false, 0 },
	[OPT_PCH]		 = { 0, "pch", true, 0 },
};

/* Everything after the usage block of `me_cleaner.py -h` (Appendix A). */
static const char help_body[] =
	"\n"
	"Tool to remove as much code as possible from Intel ME/TXE firmware images\n"
	"\n"
	"positional arguments:\n"
	"  file                  ME/TXE image or full dump\n"
	"\n"
	"options:\n"
	"  -h, --help            show this help message and exit\n"
	"  -v, --version         show program's version number and exit\n"
	"  -O output_file, --output output_file\n"
	"                        save the modified image in a separate file, instead of\n"
	"                        modifying the original file\n"
	"  -S, --soft-disable    in addition to the usual operations on the ME/TXE\n"
	"                        firmware, set the MeAltDisable bit or the HAP bit to\n"
	"                        ask Intel ME/TXE to disable itself after the hardware\n"
	"                        initialization (requires a full dump)\n"
	"  -s, --soft-disable-only\n"
	"                        instead of the usual operations on the ME/TXE\n"
	"                        firmware, just set the MeAltDisable bit or the HAP bit\n"
	"                        to ask Intel ME/TXE to disable itself after the\n"
	"                        hardware initialization (requires a full dump)\n"
	"  -r, --relocate        relocate the FTPR partition to the top of the ME\n"
	"                        region to save even more space\n"
	"  -t, --truncate        truncate the empty part of the firmware (requires a\n"
	"                        separated ME/TXE image or --extract-me)\n"
	"  -k, --keep-modules    don't remove the FTPR modules, even when possible\n"
	"  -w whitelist, --whitelist whitelist\n"
	"                        Comma separated list of additional partitions to keep\n"
	"                        in the final image. This can be used to specify the\n"
	"                        MFS partition for example, which stores PCIe and clock\n"
	"                        settings.\n"
	"  -b blacklist, --blacklist blacklist\n"
	"                        Comma separated list of partitions to remove from the\n"
	"                        image. This option overrides the default removal list.\n"
	"  -d, --descriptor      remove the ME/TXE Read/Write permissions to the other\n"
	"                        regions on the flash from the Intel Flash Descriptor\n"
	"                        (requires a full dump)\n"
	"  -D output_descriptor, --extract-descriptor output_descriptor\n"
	"                        extract the flash descriptor from a full dump; when\n"
	"                        used with --truncate save a descriptor with adjusted\n"
	"                        regions start and end\n"
	"  -M output_me_image, --extract-me output_me_image\n"
	"                        extract the ME firmware from a full dump; when used\n"
	"                        with --truncate save a truncated ME/TXE image\n"
	"  -c, --check           verify the integrity of the fundamental parts of the\n"
	"                        firmware and exit\n"
	"\n"
	"mectl extensions (not in me_cleaner):\n"
	"  --json                print the report as JSON instead of the log\n"
	"  --force               clean CSME 12+/TXE 3+ images that are only checked\n"
	"                        otherwise\n"
	"  --pch {lp,h}          the board's PCH SKU, for CSME 12/14 images whose HAP\n"
	"                        strap location depends on it\n";

/*
 * argparse's usage line: "usage: PROG " then the option parts, wrapped at 78
 * columns with continuation lines indented under the first part, then the
 * positional on a line of its own when the whole does not fit on one line.
 */
static int add_usage(struct img_log *log, enum img_stream s, const char *prog, bool file)
{
	static const char *const parts[] = {
		"[-h]", "[-v]", "[-O output_file]", "[-S | -s]", "[-r]", "[-t]", "[-k]",
		"[-w whitelist | -b blacklist]", "[-d]", "[-D output_descriptor]",
		"[-M output_me_image]", "[-c]",
	};
	const size_t width = 78, np = sizeof(parts) / sizeof(parts[0]);
	char line[1024];
	size_t indent = strlen("usage: ") + strlen(prog) + 1, total = indent - 1, i, len;
	int r;

	for (i = 0; i < np; i++)
		total += 1 + strlen(parts[i]);
	if (file)
		total += strlen(" file");
	if (total <= width || indent > width * 3 / 4 || indent >= sizeof(line) - 64)
		goto one_line;

	len = (size_t)snprintf(line, sizeof(line), "usage: %s", prog);
	for (i = 0; i < np; i++) {
		if (len + 1 + strlen(parts[i]) > width && len > indent - 1) {
			r = img_log_add(log, s, "%s\n", line);
			if (r < 0)
				return r;
			len = (size_t)snprintf(line, sizeof(line), "%*s%s", (int)indent, "", parts[i]);
			continue;
		}
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", parts[i]);
	}
	r = img_log_add(log, s, "%s\n", line);
	if (r < 0 || !file)
		return r;
	return img_log_add(log, s, "%*sfile\n", (int)indent, "");

one_line:
	len = (size_t)snprintf(line, sizeof(line), "usage: %s", prog);
	for (i = 0; i < np && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", parts[i]);
	return img_log_add(log, s, "%s%s\n", line, file ? " file" : "");
}

static const char *opt_display(enum opt_id id, char *buf, size_t n)
{
	if (opts[id].short_name)
		snprintf(buf, n, "-%c/--%s", opts[id].short_name, opts[id].long_name);
	else
		snprintf(buf, n, "--%s", opts[id].long_name);
	return buf;
}

struct parser {
	struct img_options *o;
	struct img_result *r;
	const char *prog;
	unsigned flags;
	bool seen[OPT__MAX];
	/* unrecognised arguments, in order */
	char *extras;
	size_t extras_len;
};

static int parser_error(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int parser_error(struct parser *p, const char *fmt, ...)
{
	char *text;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	r = add_usage(&p->r->log, IMG_STDERR, p->prog, !(p->flags & IMG_ARGS_NO_FILE));
	if (r >= 0)
		r = img_log_add(&p->r->log, IMG_STDERR, "%s: error: %s\n", p->prog, text);
	free(text);
	p->r->exit_code = 2;
	p->r->done = true;
	return r < 0 ? r : 1;
}

static int add_extra(struct parser *p, const char *arg)
{
	size_t n = strlen(arg);
	char *e = realloc(p->extras, p->extras_len + n + 2);

	if (!e)
		return -ENOMEM;
	p->extras = e;
	if (p->extras_len)
		e[p->extras_len++] = ' ';
	memcpy(e + p->extras_len, arg, n + 1);
	p->extras_len += n;
	return 0;
}

/* argparse takes "-5", "-.5" and anything with a space as a value, not an option. */
static bool looks_like_option(const char *a)
{
	const char *q;
	bool digits = false, dot = false;

	if (a[0] != '-' || !a[1])
		return false;
	if (strchr(a, ' '))
		return false;
	for (q = a + 1; *q; q++) {
		if (isdigit((unsigned char)*q))
			digits = true;
		else if (*q == '.' && !dot)
			dot = true;
		else
			return true;
	}
	return !digits;
}

static int apply(struct parser *p, enum opt_id id, const char *value)
{
	struct img_options *o = p->o;
	enum opt_id other;
	char a[48], b[48];

	if (opts[id].group) {
		for (other = 0; other < OPT__MAX; other++)
			if (other != id && opts[other].group == opts[id].group && p->seen[other])
				return parser_error(p, "argument %s: not allowed with argument %s",
						    opt_display(id, a, sizeof(a)),
						    opt_display(other, b, sizeof(b)));
	}
	p->seen[id] = true;

	switch (id) {
	case OPT_HELP:
		p->r->done = true;
		p->r->exit_code = 0;
		if (add_usage(&p->r->log, IMG_STDOUT, p->prog, !(p->flags & IMG_ARGS_NO_FILE)) < 0 ||
		    img_log_add(&p->r->log, IMG_STDOUT, "%s", help_body) < 0)
			return -ENOMEM;
		return 1;
	case OPT_VERSION:
		p->r->done = true;
		p->r->exit_code = 0;
		return img_log_add(&p->r->log, IMG_STDOUT, "%s 1.2\n", p->prog) < 0 ? -ENOMEM : 1;
	case OPT_OUTPUT:
		o->output = value;
		break;
	case OPT_SOFT_DISABLE:
		o->soft_disable = true;
		break;
	case OPT_SOFT_DISABLE_ONLY:
		o->soft_disable_only = true;
		break;
	case OPT_RELOCATE:
		o->relocate = true;
		break;
	case OPT_TRUNCATE:
		o->truncate = true;
		break;
	case OPT_KEEP_MODULES:
		o->keep_modules = true;
		break;
	case OPT_WHITELIST:
		o->whitelist = value;
		break;
	case OPT_BLACKLIST:
		o->blacklist = value;
		break;
	case OPT_DESCRIPTOR:
		o->descriptor = true;
		break;
	case OPT_EXTRACT_DESCRIPTOR:
		o->extract_descriptor = value;
		break;
	case OPT_EXTRACT_ME:
		o->extract_me = value;
		break;
	case OPT_CHECK:
		o->check = true;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_PCH:
		if (strcmp(value, "lp") && strcmp(value, "h"))
			return parser_error(p, "argument --pch: invalid choice: '%s' (choose from "
					    "'lp', 'h')", value);
		o->pch = value;
		break;
	case OPT__MAX:
		break;
	}
	return 0;
}

/* The value of an option that takes one: attached, or the next argument. */
static int take_value(struct parser *p, enum opt_id id, const char *attached, int argc,
		      char *const *argv, int *i, const char **value)
{
	char a[48];

	if (attached) {
		*value = attached;
		return 0;
	}
	if (*i + 1 >= argc || looks_like_option(argv[*i + 1]) || !strcmp(argv[*i + 1], "--"))
		return parser_error(p, "argument %s: expected one argument",
				    opt_display(id, a, sizeof(a)));
	*value = argv[++*i];
	return 0;
}

static int parse_long(struct parser *p, int argc, char *const *argv, int *i)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	enum opt_id id, match = OPT__MAX;
	unsigned nmatch = 0;
	const char *value = NULL;
	char a[48];
	int r;

	for (id = 0; id < OPT__MAX; id++) {
		if (strlen(opts[id].long_name) == n && !strncmp(opts[id].long_name, arg, n)) {
			match = id;
			nmatch = 1;
			break;
		}
	}
	if (!nmatch) {
		for (id = 0; id < OPT__MAX; id++)
			if (!strncmp(opts[id].long_name, arg, n)) {
				match = id;
				nmatch++;
			}
	}
	if (nmatch > 1) {
		char list[512];
		size_t len = 0;

		list[0] = 0;
		for (id = 0; id < OPT__MAX; id++)
			if (!strncmp(opts[id].long_name, arg, n))
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s--%s",
							len ? ", " : "", opts[id].long_name);
		return parser_error(p, "ambiguous option: --%.*s could match %s", (int)n, arg, list);
	}
	if (!nmatch)
		return add_extra(p, argv[*i]);

	if (!opts[match].has_arg) {
		if (eq)
			return parser_error(p, "argument %s: ignored explicit argument '%s'",
					    opt_display(match, a, sizeof(a)), eq + 1);
		return apply(p, match, NULL);
	}
	r = take_value(p, match, eq ? eq + 1 : NULL, argc, argv, i, &value);
	if (r)
		return r;
	return apply(p, match, value);
}

static enum opt_id find_short(char ch)
{
	enum opt_id id;

	for (id = 0; id < OPT__MAX; id++)
		if (opts[id].short_name && opts[id].short_name == ch)
			return id;
	return OPT__MAX;
}

static int parse_short(struct parser *p, int argc, char *const *argv, int *i)
{
	const char *arg = argv[*i] + 1;
	enum opt_id id = find_short(arg[0]);
	const char *value;
	char a[48];
	int r;

	if (id == OPT__MAX)
		return add_extra(p, argv[*i]);
	for (;;) {
		if (opts[id].has_arg) {
			r = take_value(p, id, arg[1] ? arg + 1 : NULL, argc, argv, i, &value);
			if (r)
				return r;
			return apply(p, id, value);
		}
		if (!arg[1])
			return apply(p, id, NULL);
		/* a flag followed by more letters: each must be another short option */
		if (find_short(arg[1]) == OPT__MAX)
			return parser_error(p, "argument %s: ignored explicit argument '%s'",
					    opt_display(id, a, sizeof(a)), arg + 1);
		r = apply(p, id, NULL);
		if (r)
			return r;
		arg++;
		id = find_short(arg[0]);
	}
}

int img_options_check(struct img_options *o, struct img_result *res)
{
	const char *msg = NULL;

	if (o->check && (o->soft_disable || o->soft_disable_only || o->relocate ||
			 o->descriptor || o->truncate || o->output))
		msg = "-c can't be used with -S, -s, -r, -d, -t or -O";
	else if (o->soft_disable_only && (o->relocate || o->truncate))
		msg = "-s can't be used with -r or -t";
	else if (((o->whitelist && *o->whitelist) || (o->blacklist && *o->blacklist)) &&
		 o->relocate)
		msg = "Relocation is not yet supported with custom whitelist or blacklist";
	if (!msg)
		return 0;
	res->exit_code = 1;
	res->done = true;
	return img_log_add(&res->log, IMG_STDERR, "%s\n", msg) < 0 ? -ENOMEM : 1;
}

int img_parse_args(struct img_options *o, int argc, char *const *argv, const char *prog,
		   unsigned flags, struct img_result *res)
{
	struct parser p = { .o = o, .r = res, .prog = prog, .flags = flags };
	bool dashdash = false;
	int i, r = 0;

	memset(o, 0, sizeof(*o));
	o->prog = prog;
	res->exit_code = 0;
	res->done = false;

	for (i = 1; i < argc && !r; i++) {
		const char *a = argv[i];

		if (!dashdash && !strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && looks_like_option(a)) {
			r = a[1] == '-' ? parse_long(&p, argc, argv, &i)
					: parse_short(&p, argc, argv, &i);
			continue;
		}
		if (!o->file && !(flags & IMG_ARGS_NO_FILE))
			o->file = a;
		else
			r = add_extra(&p, a);
	}
	if (r)
		goto out;
	if (!o->file && !(flags & IMG_ARGS_NO_FILE)) {
		r = parser_error(&p, "the following arguments are required: file");
		goto out;
	}
	if (p.extras) {
		r = parser_error(&p, "unrecognized arguments: %s", p.extras);
		goto out;
	}
	r = img_options_check(o, res);
out:
	free(p.extras);
	return r;
}
