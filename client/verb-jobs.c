// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl: the chip verbs (probe, read, write, restore, neutralize) and the job verbs
 * (jobs, job, cancel, watch), all through mectld on D-Bus.
 *
 * The chip is named by MTD device: --mtd /dev/mtdN (or N); only the index N crosses
 * the bus, the daemon opens the device itself. Without --mtd, mectld takes the one
 * chip attached by mectl_flash. Files cross the bus as fds: mectl opens them here
 * with the caller's rights. A backup (read, neutralize) is written to an unnamed
 * file (O_TMPFILE) next to FILE and linked to FILE only when the job succeeds, so
 * there is never a partial backup, and link() refuses to replace an existing FILE:
 * a backup is never overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus-client.h"
#include "variant-json.h"
#include "verbs.h"

struct args {
	const char *bus;
	bool json;
	bool no_block;
	bool force;
	bool internal;		/* probe, neutralize, restore: the host's own chip */
	bool quiet;		/* follow the job without progress, print nothing */
	int mtd;		/* -1: the daemon picks */
	unsigned passes;	/* 0: the daemon's default */
	const char *backup;
	long bus_num, cs;	/* probe --attach BUS.CS */
	unsigned speed_hz;
	char **rest;		/* positional arguments */
	int n_rest;
	char **flags;		/* neutralize: me_cleaner flags */
	int n_flags;
};

enum {
	ARG_BUS = 0x100,
	ARG_JSON,
	ARG_MTD,
	ARG_PASSES,
	ARG_FORCE,
	ARG_NO_BLOCK,
	ARG_BACKUP,
	ARG_ATTACH,
	ARG_SPEED,
	ARG_INTERNAL,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "bus", required_argument, NULL, ARG_BUS },
	{ "json", no_argument, NULL, ARG_JSON },
	{ "mtd", required_argument, NULL, ARG_MTD },
	{ "passes", required_argument, NULL, ARG_PASSES },
	{ "force", no_argument, NULL, ARG_FORCE },
	{ "no-block", no_argument, NULL, ARG_NO_BLOCK },
	{ "backup", required_argument, NULL, ARG_BACKUP },
	{ "attach", required_argument, NULL, ARG_ATTACH },
	{ "speed", required_argument, NULL, ARG_SPEED },
	{ "internal", no_argument, NULL, ARG_INTERNAL },
	{}
};

struct verb_help {
	const char *verb;
	const char *usage;
	const char *text;
};

static const struct verb_help helps[] = {
	{ "probe", "[--mtd DEV | --attach BUS.CS [--speed HZ] | --internal]",
	  "Identify the chip (attaching spiBUS.CS through mectl_flash with --attach).\n"
	  "--internal: this PC's own BIOS chip, its internal flashing pre-flight\n"
	  "(mectl check --internal shows it as a table)." },
	{ "read", "[--mtd DEV] [--passes N] FILE",
	  "Read the chip N times (default 2), require identical reads, save the backup to\n"
	  "FILE (which must not exist). mectld keeps its own copy too." },
	{ "write", "[--mtd DEV] [--force] [--no-block] FILE",
	  "Write FILE to the chip, changed erase blocks only, and verify. Refused unless\n"
	  "mectld holds a verified backup of the chip's current content (--force)." },
	{ "restore", "[--mtd DEV | --internal] [--force] [--no-block] BACKUP",
	  "Write a backup mectld made of this chip back to it (diff + verify).\n"
	  "--internal: this PC's own BIOS chip (see neutralize), the regions the backup\n"
	  "differs in only, each one the host may write." },
	{ "neutralize", "[--mtd DEV | --internal] --backup FILE [--passes N] [ME_CLEANER_FLAGS...]",
	  "Read xN, compare, keep the backup in FILE (must not exist), check, clean\n"
	  "(me_cleaner flags, default -S), write the changed blocks and verify: the whole\n"
	  "read-twice/diff/check/clean/flashrom -w sequence in one job.\n"
	  "--internal: this PC's own BIOS chip, through spi-intel's MTD device or\n"
	  "libflashrom (mectld.conf), where its flash descriptor and controller let the\n"
	  "host write the ME region (mectl check --internal); only the regions the host\n"
	  "may write are written." },
	{ "jobs", "", "List mectld's jobs." },
	{ "job", "ID", "Show one job." },
	{ "cancel", "ID", "Cancel a queued job, or a running one before it writes the chip." },
	{ "watch", "ID", "Follow a job until it ends." },
	{}
};

static void help(const char *verb)
{
	for (const struct verb_help *h = helps; h->verb; h++)
		if (!strcmp(h->verb, verb)) {
			printf("usage: mectl %s %s\n\n%s\n\n"
			       "Common options:\n"
			       "  --bus=ADDRESS  talk to mectld on this D-Bus address (default: system bus)\n"
			       "  --json         print the outcome as one JSON object\n"
			       "  -h --help      this help\n", verb, h->usage, h->text);
			return;
		}
}

static int parse_mtd(const char *s, int *ret)
{
	char *end;
	long n;

	if (!strncmp(s, "/dev/mtd", 8))
		s += 8;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 0 || n > 65535)
		return -EINVAL;
	*ret = (int)n;
	return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || end == s || *end || n > max || s[0] == '-')
		return -EINVAL;
	*ret = n;
	return 0;
}

/* One option of ours in neutralize's argv: "--name=V", "--name V" or a flag. */
static int take_value(int argc, char **argv, int *i, const char *name, const char **ret)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=') {
		*ret = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != 0)
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "mectl: %s needs a value\n", name);
		return -EINVAL;
	}
	*ret = argv[++*i];
	return 1;
}

static int apply_option(struct args *a, int c, const char *val);

/*
 * neutralize: mectl's own options anywhere, everything else is a me_cleaner flag
 * passed on verbatim (bundled "-Sk", "-w MFS,EFFS" included); "--" ends ours.
 */
static int parse_neutralize(int argc, char **argv, struct args *a)
{
	static const struct { const char *name; int c; } valued[] = {
		{ "--bus", ARG_BUS }, { "--mtd", ARG_MTD }, { "--passes", ARG_PASSES },
		{ "--backup", ARG_BACKUP },
	};
	bool ours = true;
	int i, k, r;

	for (i = 1; i < argc; i++) {
		const char *val = NULL;

		if (!ours) {
			a->flags[a->n_flags++] = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--")) {
			ours = false;
			continue;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			help(argv[0]);
			return 0;
		}
		if (!strcmp(argv[i], "--json")) {
			a->json = true;
			continue;
		}
		if (!strcmp(argv[i], "--internal")) {
			a->internal = true;
			continue;
		}
		for (k = 0, r = 0; k < (int)(sizeof(valued) / sizeof(valued[0])); k++) {
			r = take_value(argc, argv, &i, valued[k].name, &val);
			if (r != 0)
				break;
		}
		if (r < 0)
			return r;
		if (r > 0) {
			r = apply_option(a, valued[k].c, val);
			if (r < 0)
				return r;
			continue;
		}
		a->flags[a->n_flags++] = argv[i];
	}
	return 1;
}

static int apply_option(struct args *a, int c, const char *val)
{
	unsigned long n;

	switch (c) {
	case ARG_BUS:
		a->bus = val;
		break;
	case ARG_JSON:
		a->json = true;
		break;
	case ARG_MTD:
		if (parse_mtd(val, &a->mtd) < 0) {
			fprintf(stderr, "mectl: --mtd wants /dev/mtdN or N, not '%s'\n", val);
			return -EINVAL;
		}
		break;
	case ARG_PASSES:
		if (parse_uint(val, 16, &n) < 0 || n < 1) {
			fprintf(stderr, "mectl: --passes wants 1..16, not '%s'\n", val);
			return -EINVAL;
		}
		a->passes = (unsigned)n;
		break;
	case ARG_FORCE:
		a->force = true;
		break;
	case ARG_INTERNAL:
		a->internal = true;
		break;
	case ARG_NO_BLOCK:
		a->no_block = true;
		break;
	case ARG_BACKUP:
		a->backup = val;
		break;
	case ARG_ATTACH: {
		char buf[32], *dot;
		unsigned long b, s;

		snprintf(buf, sizeof(buf), "%s", val);
		dot = strchr(buf, '.');
		if (!dot || (*dot = 0, parse_uint(buf, 65535, &b) < 0) || parse_uint(dot + 1, 255, &s) < 0) {
			fprintf(stderr, "mectl: --attach wants BUS.CS (e.g. 0.0)\n");
			return -EINVAL;
		}
		a->bus_num = (long)b;
		a->cs = (long)s;
		break;
	}
	case ARG_SPEED:
		if (parse_uint(val, 200000000, &n) < 0) {
			fprintf(stderr, "mectl: --speed wants Hz, not '%s'\n", val);
			return -EINVAL;
		}
		a->speed_hz = (unsigned)n;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* Returns <0 error, 0 exit (help), >0 go on. */
static int parse_argv(int argc, char **argv, struct args *a)
{
	int c, r;

	*a = (struct args) { .mtd = -1, .bus_num = -1, .cs = -1 };
	a->rest = calloc((size_t)argc + 1, sizeof(char *));
	a->flags = calloc((size_t)argc + 1, sizeof(char *));
	if (!a->rest || !a->flags)
		return -ENOMEM;
	if (!strcmp(argv[0], "neutralize"))
		return parse_neutralize(argc, argv, a);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) >= 0) {
		if (c == 'h') {
			help(argv[0]);
			return 0;
		}
		if (c == '?')
			return -EINVAL;
		r = apply_option(a, c, optarg);
		if (r < 0)
			return r;
	}
	for (; optind < argc; optind++)
		a->rest[a->n_rest++] = argv[optind];
	return 1;
}

static void args_done(struct args *a)
{
	free(a->rest);
	free(a->flags);
}

static int want_args(const struct args *a, const char *verb, int n)
{
	if (a->n_rest == n)
		return 0;
	fprintf(stderr, "mectl: %s takes %d argument%s (mectl %s --help)\n", verb, n, n == 1 ? "" : "s",
		verb);
	return -EINVAL;
}

/* a{sv} with the chip options every chip verb shares. */
static int append_options(sd_bus_message *m, const struct args *a, int backup_fd)
{
	int r;

	r = sd_bus_message_open_container(m, 'a', "{sv}");
	if (r >= 0 && a->mtd >= 0)
		r = sd_bus_message_append(m, "{sv}", "mtd", "i", a->mtd);
	if (r >= 0 && a->passes)
		r = sd_bus_message_append(m, "{sv}", "passes", "u", a->passes);
	if (r >= 0 && a->force)
		r = sd_bus_message_append(m, "{sv}", "force", "b", 1);
	if (r >= 0 && a->internal)
		r = sd_bus_message_append(m, "{sv}", "internal", "b", 1);
	if (r >= 0 && a->bus_num >= 0)
		r = sd_bus_message_append(m, "{sv}", "bus", "u", (uint32_t)a->bus_num);
	if (r >= 0 && a->cs >= 0)
		r = sd_bus_message_append(m, "{sv}", "cs", "u", (uint32_t)a->cs);
	if (r >= 0 && a->speed_hz)
		r = sd_bus_message_append(m, "{sv}", "speed_hz", "u", a->speed_hz);
	if (r >= 0 && backup_fd >= 0)
		r = sd_bus_message_append(m, "{sv}", "backup", "h", backup_fd);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

/* Send a prepared Submit* call, follow the job, print the outcome. */
static int run_job_status(sd_bus *bus, sd_bus_message *m, const struct args *a, const char *what,
			  bool *ret_ok, struct mectl_job_status *ret_st)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	struct mectl_job_status st = {};
	const char *path;
	int r;

	*ret_ok = false;
	r = sd_bus_call(bus, m, sd_bus_message_get_allow_interactive_authorization(m) > 0 ?
			MECTL_INTERACTIVE_AUTH_USEC + 10 * 1000000ULL : 0, &error, &reply);
	if (r < 0) {
		r = mectl_bus_error(what, &error, r);
		goto out;
	}
	r = sd_bus_message_read(reply, "o", &path);
	if (r < 0) {
		fprintf(stderr, "mectl: bad reply from mectld: %s\n", strerror(-r));
		goto out;
	}
	if (a->no_block) {
		if (a->json)
			printf("{\"job\":\"%s\"}\n", path);
		else
			printf("%s\n", path);
		*ret_ok = true;
		goto out;
	}
	r = mectl_job_wait(bus, path, !a->json && !a->quiet, &st);
	if (r < 0)
		goto out;
	if (!a->quiet)
		mectl_job_print(&st, a->json);
	*ret_ok = st.state && !strcmp(st.state, MECTL_JOB_STATE_SUCCEEDED);
out:
	if (ret_st)
		*ret_st = st;
	else
		mectl_job_status_done(&st);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return r;
}

static int run_job(sd_bus *bus, sd_bus_message *m, const struct args *a, const char *what,
		   bool *ret_ok)
{
	return run_job_status(bus, m, a, what, ret_ok, NULL);
}

static int new_call(sd_bus *bus, const char *method, sd_bus_message **ret)
{
	int r = sd_bus_message_new_method_call(bus, ret, MECTL_BUS_NAME, MECTL_OBJECT_PATH,
					       MECTL_MANAGER_IFACE, method);

	/*
	 * A chip job needs org.mectl1.flash (auth_admin_keep unless a rule grants it): from
	 * a terminal, polkit may ask the user through an authentication agent, as
	 * systemctl and udisksctl let it.
	 */
	if (r >= 0 && isatty(STDIN_FILENO))
		r = sd_bus_message_set_allow_interactive_authorization(*ret, true);
	if (r < 0)
		fprintf(stderr, "mectl: cannot build the call: %s\n", strerror(-r));
	/* A chip job can take minutes, but the call itself only queues it. */
	return r;
}

/*
 * A new file FILE that appears only when the job succeeds: an unnamed file
 * (O_TMPFILE) in FILE's directory, or where the file system has none (overlayfs,
 * vfat, NFS) a hidden named temporary beside it; backup_commit() links it to FILE.
 * link() never replaces an existing FILE, and an existing FILE is refused up front.
 */
struct staged {
	int fd;
	char *tmp;		/* the named temporary, NULL with O_TMPFILE */
};

static int backup_open(const char *file, struct staged *ret)
{
	char *dcopy = strdup(file), *bcopy = strdup(file), *dir, *tmp = NULL;
	int fd = -1, r = 0;

	*ret = (struct staged) { .fd = -1 };
	if (!dcopy || !bcopy) {
		r = -ENOMEM;
		goto out;
	}
	if (access(file, F_OK) == 0 || errno != ENOENT) {
		fprintf(stderr, "mectl: %s exists; a backup is never overwritten (pick a new name)\n", file);
		r = -EEXIST;
		goto out;
	}
	dir = dirname(dcopy);
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, basename(bcopy)) < 0) {
			tmp = NULL;
			r = -ENOMEM;
			goto out;
		}
		fd = mkostemp(tmp, O_CLOEXEC);
	}
	if (fd < 0) {
		r = -errno;
		fprintf(stderr, "mectl: cannot create %s: %s\n", file, strerror(-r));
		goto out;
	}
	ret->fd = fd;
	ret->tmp = tmp;
	tmp = NULL;
out:
	free(tmp);
	free(dcopy);
	free(bcopy);
	return r;
}

/* The new name is durable only once its directory is on disk too. */
static int fsync_parent_dir(const char *file)
{
	char *copy = strdup(file);
	int fd, r = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return r;
}

static int backup_commit(struct staged *st, const char *file)
{
	char proc[64];
	int r;

	if (st->tmp) {
		r = fsync(st->fd) < 0 || link(st->tmp, file) < 0 ? -errno : 0;
	} else {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", st->fd);
		r = linkat(AT_FDCWD, proc, AT_FDCWD, file, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
	}
	if (r >= 0)
		r = fsync_parent_dir(file);
	if (r < 0)
		fprintf(stderr, "mectl: cannot create %s: %s (mectld keeps a copy in its state dir)\n",
			file, strerror(-r));
	return r;
}

/* Whatever happened, no temporary stays behind. */
static void backup_close(struct staged *st)
{
	if (st->tmp) {
		(void) unlink(st->tmp);
		free(st->tmp);
	}
	if (st->fd >= 0)
		close(st->fd);
	*st = (struct staged) { .fd = -1 };
}

static int open_image(const char *file, int *ret)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		fprintf(stderr, "mectl: cannot open %s: %m\n", file);
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "mectl: %s is not a regular file\n", file);
		close(fd);
		return -EINVAL;
	}
	*ret = fd;
	return 0;
}

typedef int (*chip_verb_fn)(sd_bus *bus, struct args *a, bool *ok);

static int run_verb(int argc, char **argv, chip_verb_fn fn)
{
	struct args a;
	sd_bus *bus = NULL;
	bool ok = false;
	int r;

	r = parse_argv(argc, argv, &a);
	if (r <= 0) {
		args_done(&a);
		return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	r = mectl_daemon_open(a.bus, &bus);
	if (r >= 0)
		r = fn(bus, &a, &ok);
	sd_bus_flush_close_unref(bus);
	args_done(&a);
	return r >= 0 && ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int do_probe(sd_bus *bus, struct args *a, bool *ok)
{
	sd_bus_message *m = NULL;
	int r;

	if (want_args(a, "probe", 0) < 0)
		return -EINVAL;
	r = new_call(bus, "SubmitProbe", &m);
	if (r >= 0)
		r = append_options(m, a, -1);
	if (r >= 0)
		r = run_job(bus, m, a, "probe", ok);
	sd_bus_message_unref(m);
	return r;
}

static int do_read(sd_bus *bus, struct args *a, bool *ok)
{
	sd_bus_message *m = NULL;
	struct staged out;
	int r;

	if (want_args(a, "read", 1) < 0)
		return -EINVAL;
	r = backup_open(a->rest[0], &out);
	if (r < 0)
		return r;
	r = new_call(bus, "SubmitRead", &m);
	if (r >= 0)
		r = append_options(m, a, out.fd);
	if (r >= 0) {
		a->no_block = false;	/* the file appears only when the job succeeds */
		r = run_job(bus, m, a, "read", ok);
	}
	if (r >= 0 && *ok)
		r = backup_commit(&out, a->rest[0]);
	sd_bus_message_unref(m);
	backup_close(&out);
	return r;
}

static int do_write_like(sd_bus *bus, struct args *a, bool *ok, const char *verb, const char *method)
{
	sd_bus_message *m = NULL;
	int fd = -1, r;

	if (want_args(a, verb, 1) < 0)
		return -EINVAL;
	r = open_image(a->rest[0], &fd);
	if (r < 0)
		return r;
	r = new_call(bus, method, &m);
	if (r >= 0)
		r = sd_bus_message_append(m, "h", fd);
	if (r >= 0)
		r = append_options(m, a, -1);
	if (r >= 0)
		r = run_job(bus, m, a, verb, ok);
	sd_bus_message_unref(m);
	close(fd);
	return r;
}

static int do_write(sd_bus *bus, struct args *a, bool *ok)
{
	return do_write_like(bus, a, ok, "write", "SubmitWrite");
}

static int do_restore(sd_bus *bus, struct args *a, bool *ok)
{
	return do_write_like(bus, a, ok, "restore", "SubmitRestore");
}

/* The command that puts FILE back on the chip the job used. */
static const char *restore_cmd(const struct mectl_job_status *st, const char *file, char *buf,
			       size_t len)
{
	if (st->mtd == MECTL_MTD_INTERNAL)
		snprintf(buf, len, "mectl restore --internal %s", file);
	else if (st->mtd >= 0)
		snprintf(buf, len, "mectl restore --mtd %d %s", st->mtd, file);
	else
		snprintf(buf, len, "mectl restore %s", file);
	return buf;
}

static int do_neutralize(sd_bus *bus, struct args *a, bool *ok)
{
	struct mectl_job_status st = {};
	sd_bus_message *m = NULL;
	struct staged out;
	char undo[PATH_MAX + 96];
	int r;

	if (!a->backup) {
		fprintf(stderr, "mectl: neutralize needs --backup FILE (a new file for the original image)\n");
		return -EINVAL;
	}
	r = backup_open(a->backup, &out);
	if (r < 0)
		return r;
	r = new_call(bus, "SubmitNeutralize", &m);
	if (r >= 0)
		r = sd_bus_message_append(m, "h", out.fd);
	if (r >= 0)
		r = sd_bus_message_append_strv(m, a->flags);
	if (r >= 0)
		r = append_options(m, a, -1);
	if (r >= 0) {
		a->no_block = false;
		r = run_job_status(bus, m, a, "neutralize", ok, &st);
	}
	/*
	 * The backup is saved before the chip is armed: keep it whenever the job got
	 * that far (the daemon says so), also when the write failed: restore needs it.
	 */
	if (r >= 0 && (*ok || mectl_result_true(&st, MECTL_RESULT_BACKUP_WRITTEN)) &&
	    backup_commit(&out, a->backup) >= 0 && !a->json) {
		if (*ok)
			printf("The original is in %s. To undo: %s\n", a->backup,
			       restore_cmd(&st, a->backup, undo, sizeof(undo)));
		else if (mectl_result_true(&st, MECTL_RESULT_CHIP_TOUCHED))
			fprintf(stderr, "mectl: the original is in %s: %s\n", a->backup,
				restore_cmd(&st, a->backup, undo, sizeof(undo)));
	}
	mectl_job_status_done(&st);
	sd_bus_message_unref(m);
	backup_close(&out);
	return r;
}

int mectl_probe_internal(const char *address, struct mectl_job_status *ret)
{
	struct args a = { .mtd = -1, .bus_num = -1, .cs = -1, .internal = true, .quiet = true };
	sd_bus_message *m = NULL;
	sd_bus *bus = NULL;
	bool ok = false;
	int r;

	r = mectl_daemon_open(address, &bus);
	if (r >= 0)
		r = new_call(bus, "SubmitProbe", &m);
	if (r >= 0)
		r = append_options(m, &a, -1);
	if (r >= 0)
		r = run_job_status(bus, m, &a, "probe", &ok, ret);
	sd_bus_message_unref(m);
	sd_bus_flush_close_unref(bus);
	return r;
}

int verb_probe(int argc, char **argv)
{
	return run_verb(argc, argv, do_probe);
}

int verb_read(int argc, char **argv)
{
	return run_verb(argc, argv, do_read);
}

int verb_write(int argc, char **argv)
{
	return run_verb(argc, argv, do_write);
}

int verb_restore(int argc, char **argv)
{
	return run_verb(argc, argv, do_restore);
}

int verb_neutralize(int argc, char **argv)
{
	return run_verb(argc, argv, do_neutralize);
}

static int do_jobs(sd_bus *bus, struct args *a, bool *ok)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *type, *state, *phase, *path;
	double progress;
	uint32_t id;
	bool first = true;
	int r;

	if (want_args(a, "jobs", 0) < 0)
		return -EINVAL;
	r = sd_bus_call_method(bus, MECTL_BUS_NAME, MECTL_OBJECT_PATH, MECTL_MANAGER_IFACE, "ListJobs",
			       &error, &reply, NULL);
	if (r < 0) {
		r = mectl_bus_error("cannot list jobs", &error, r);
		goto out;
	}
	r = sd_bus_message_enter_container(reply, 'a', "(usssdo)");
	if (r < 0)
		goto out;
	if (a->json)
		printf("[");
	else
		printf("%-5s %-11s %-12s %-12s %s\n", "ID", "TYPE", "STATE", "PHASE", "PROGRESS");
	while ((r = sd_bus_message_read(reply, "(usssdo)", &id, &type, &state, &phase, &progress,
					&path)) > 0) {
		if (a->json)
			printf("%s{\"id\":%u,\"type\":\"%s\",\"state\":\"%s\",\"phase\":\"%s\","
			       "\"progress\":%.3f,\"path\":\"%s\"}", first ? "" : ",", id, type, state,
			       phase, progress, path);
		else
			printf("%-5u %-11s %-12s %-12s %3.0f%%\n", id, type, state, phase, progress * 100);
		first = false;
	}
	if (a->json)
		printf("]\n");
	*ok = r >= 0;
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return r;
}

static int job_path_arg(const struct args *a, const char *verb, char *buf, size_t len, uint32_t *ret_id)
{
	unsigned long id;

	if (want_args(a, verb, 1) < 0)
		return -EINVAL;
	if (parse_uint(a->rest[0], UINT32_MAX, &id) < 0 || id == 0) {
		fprintf(stderr, "mectl: '%s' is not a job id (mectl jobs lists them)\n", a->rest[0]);
		return -EINVAL;
	}
	snprintf(buf, len, MECTL_JOB_PREFIX "/%lu", id);
	*ret_id = (uint32_t)id;
	return 0;
}

static int do_job(sd_bus *bus, struct args *a, bool *ok)
{
	struct mectl_job_status st = {};
	char path[64];
	uint32_t id;
	int r;

	r = job_path_arg(a, "job", path, sizeof(path), &id);
	if (r < 0)
		return r;
	r = mectl_job_get(bus, path, &st);
	if (r >= 0) {
		if (a->json)
			mectl_job_print(&st, true);
		else
			printf("Job %u\n  Type: %s\n  State: %s\n  Phase: %s\n  Progress: %.0f%%\n"
			       "  Message: %s\n  Result: %s\n", st.id, st.type, st.state, st.phase,
			       st.progress * 100, st.message, json_text(st.result));
		*ok = true;
	}
	mectl_job_status_done(&st);
	return r;
}

static int do_cancel(sd_bus *bus, struct args *a, bool *ok)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	char path[64];
	uint32_t id;
	int r;

	r = job_path_arg(a, "cancel", path, sizeof(path), &id);
	if (r < 0)
		return r;
	r = sd_bus_call_method(bus, MECTL_BUS_NAME, MECTL_OBJECT_PATH, MECTL_MANAGER_IFACE, "CancelJob",
			       &error, NULL, "u", id);
	if (r < 0)
		r = mectl_bus_error("cannot cancel", &error, r);
	else
		*ok = true;
	sd_bus_error_free(&error);
	return r;
}

static int do_watch(sd_bus *bus, struct args *a, bool *ok)
{
	struct mectl_job_status st = {};
	char path[64];
	uint32_t id;
	int r;

	r = job_path_arg(a, "watch", path, sizeof(path), &id);
	if (r < 0)
		return r;
	r = mectl_job_wait(bus, path, !a->json, &st);
	if (r >= 0) {
		mectl_job_print(&st, a->json);
		*ok = st.state && !strcmp(st.state, MECTL_JOB_STATE_SUCCEEDED);
	}
	mectl_job_status_done(&st);
	return r;
}

int verb_jobs(int argc, char **argv)
{
	return run_verb(argc, argv, do_jobs);
}

int verb_job(int argc, char **argv)
{
	return run_verb(argc, argv, do_job);
}

int verb_cancel(int argc, char **argv)
{
	return run_verb(argc, argv, do_cancel);
}

int verb_watch(int argc, char **argv)
{
	return run_verb(argc, argv, do_watch);
}
