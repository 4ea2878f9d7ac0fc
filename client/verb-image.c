// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl check / mectl clean: me_cleaner 1.2's command line over the image engine
 * (lib/image/), run in-process: no daemon and no root needed.
 *
 * Output files (the image in place or -O, -D, -M) are written only when the run
 * succeeds, each to a temporary file in the target's directory, fsync'ed and
 * renamed over the target, so an error or a crash never leaves a half-written
 * file. In place, the file keeps its mode and (when allowed) its owner, but it is
 * a new inode: other hard links keep the old contents. An image whose FTPR signature check fails is not written at all
 * (me_cleaner writes first and complains after); the engine logs one extra
 * stderr line (IMG_MSG_NOT_WRITTEN) saying so.
 *
 * When mectld runs (org.mectl1 owned on the system bus, or DBUS_SYSTEM_BUS_ADDRESS),
 * the engine runs there as a clean job (daemon/job-image.c, the same library): the
 * input goes over as an fd, the image comes back through a memfd, the log and exit
 * code through the job's Result; outputs are still written here, the same way.
 * Without mectld, and for what the job does not do (-D, -M, --json), in-process.
 * The output is the same either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stddef.h>
#include <sys/mman.h>

#include "bus-client.h"
#include "cleanup.h"
#include "fd.h"
#include "image.h"
#include "verbs.h"

static void print_log(const struct img_log *log, bool stdout_too)
{
	size_t i;

	for (i = 0; i < log->n; i++) {
		if (log->v[i].stream == IMG_STDERR) {
			fflush(stdout);
			fputs(log->v[i].text, stderr);
			fflush(stderr);
		} else if (stdout_too) {
			fputs(log->v[i].text, stdout);
		}
	}
	fflush(stdout);
}

/* One output file on its way: written and synced under a temporary name. */
struct pending {
	const char *target;	/* the name the user gave (for messages) */
	char *path;		/* where it goes (the input's real path for in place) */
	char *tmp;
	const struct img_buf *data;
	mode_t mode;
	uid_t uid;		/* in place: keep the owner (-1: leave as created) */
	gid_t gid;
};

static int write_tmp(struct pending *p)
{
	_cleanup_(freep) char *dir_copy = strdup(p->path);
	_cleanup_(closep) int fd = -1;
	const char *dir, *base;
	int r;

	if (!dir_copy)
		return -ENOMEM;
	dir = dirname(dir_copy);
	base = strrchr(p->path, '/') ? strrchr(p->path, '/') + 1 : p->path;
	if (asprintf(&p->tmp, "%s/.%s.mectl-XXXXXX", dir, base) < 0) {
		p->tmp = NULL;
		return -ENOMEM;
	}
	fd = mkstemp(p->tmp);
	if (fd < 0) {
		free(p->tmp);
		p->tmp = NULL;
		return -errno;
	}
	r = loop_write(fd, p->data->data, p->data->len);
	if (r < 0)
		return r;
	if (p->uid != (uid_t)-1 && fchown(fd, p->uid, p->gid) < 0 && errno != EPERM)
		return -errno;
	if (fchmod(fd, p->mode) < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

static int sync_dir(const char *path)
{
	_cleanup_(freep) char *copy = strdup(path);
	_cleanup_(closep) int fd = -1;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

/* All or nothing as far as it can be: every temporary first, then the renames. */
static int write_outputs(struct pending *p, size_t n)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n && !r; i++) {
		r = write_tmp(&p[i]);
		if (r < 0)
			fprintf(stderr, "mectl: cannot write %s: %s\n", p[i].target, strerror(-r));
	}
	for (i = 0; i < n && !r; i++) {
		if (rename(p[i].tmp, p[i].path) < 0) {
			r = -errno;
			fprintf(stderr, "mectl: cannot replace %s: %s\n", p[i].target, strerror(-r));
			break;
		}
		free(p[i].tmp);
		p[i].tmp = NULL;
		r = sync_dir(p[i].path);
		if (r < 0)
			fprintf(stderr, "mectl: cannot sync the folder of %s: %s\n", p[i].target,
				strerror(-r));
	}
	for (i = 0; i < n; i++) {
		if (p[i].tmp)
			unlink(p[i].tmp);
		free(p[i].tmp);
		free(p[i].path);
	}
	return r;
}

static int prepare(struct pending *p, const char *target, bool follow, const struct img_buf *data,
		   mode_t mode)
{
	char *real = follow ? realpath(target, NULL) : NULL;

	p->target = target;
	p->path = real ? real : strdup(target);
	p->tmp = NULL;
	p->data = data;
	p->mode = mode;
	p->uid = (uid_t)-1;
	p->gid = (gid_t)-1;
	return p->path ? 0 : -ENOMEM;
}

static int save_results(const struct img_options *o, const struct img_result *res,
			const struct stat *in_st)
{
	struct pending p[3];
	mode_t um = umask(0), in_mode = in_st->st_mode & 07777;
	size_t n = 0;
	int r = 0;

	umask(um);
	if (res->write_descriptor)
		r = prepare(&p[n++], o->extract_descriptor, false, &res->descriptor, 0666 & ~um);
	if (!r && res->write_me)
		r = prepare(&p[n++], o->extract_me, false, &res->me, 0666 & ~um);
	if (!r && res->write_image) {
		r = o->output ? prepare(&p[n++], o->output, false, &res->image, in_mode)
			      : prepare(&p[n++], o->file, true, &res->image, in_mode);
		if (!r && !o->output) {
			p[n - 1].uid = in_st->st_uid;
			p[n - 1].gid = in_st->st_gid;
		}
	}
	if (r < 0) {
		while (n--)
			free(p[n].path);
		fprintf(stderr, "mectl: out of memory\n");
		return r;
	}
	return write_outputs(p, n);
}

/* -O, -D or -M naming the input itself would overwrite what is being read. */
static bool same_file(const char *path, const struct stat *in_st)
{
	struct stat st;

	return path && stat(path, &st) == 0 && st.st_dev == in_st->st_dev &&
	       st.st_ino == in_st->st_ino;
}

/* The options as me_cleaner flags, for mectld (which takes no file names). */
static int options_to_flags(const struct img_options *o, char **v, size_t max)
{
	static const struct { size_t offset; const char *flag; } bools[] = {
		{ offsetof(struct img_options, soft_disable), "-S" },
		{ offsetof(struct img_options, soft_disable_only), "-s" },
		{ offsetof(struct img_options, relocate), "-r" },
		{ offsetof(struct img_options, truncate), "-t" },
		{ offsetof(struct img_options, keep_modules), "-k" },
		{ offsetof(struct img_options, descriptor), "-d" },
		{ offsetof(struct img_options, check), "-c" },
		{ offsetof(struct img_options, force), "--force" },
	};
	size_t n = 0, i;

	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		if (*(const bool *)((const char *)o + bools[i].offset) && n < max)
			v[n++] = (char *)bools[i].flag;
	if (o->whitelist && *o->whitelist && n + 2 <= max) {
		v[n++] = (char *)"-w";
		v[n++] = (char *)o->whitelist;
	}
	if (o->blacklist && *o->blacklist && n + 2 <= max) {
		v[n++] = (char *)"-b";
		v[n++] = (char *)o->blacklist;
	}
	if (o->pch && n + 1 <= max) {
		static char pch[16];

		snprintf(pch, sizeof(pch), "--pch=%s", o->pch);
		v[n++] = pch;
	}
	if (n >= max)
		return -E2BIG;
	v[n] = NULL;
	return 0;
}

static int add_log(void *userdata, bool is_stderr, const char *text)
{
	return img_log_add(userdata, is_stderr ? IMG_STDERR : IMG_STDOUT, "%s", text);
}

/*
 * The run as a mectld clean job. Return 1 when it ran there (res filled), 0 when
 * mectld is not available or declined (the caller runs in-process), <0 on error.
 */
static int run_daemon(const struct img_options *o, int fd, struct img_result *res)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	_cleanup_(closep) int mfd = -1;
	struct mectl_job_status st = { 0 };
	sd_bus_error error = SD_BUS_ERROR_NULL;
	const char *path;
	char *flags[16];
	struct stat sb;
	long code;
	int r;

	if (o->json || o->extract_descriptor || o->extract_me || options_to_flags(o, flags, 16) < 0)
		return 0;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return 0;
	/* Quietly in-process when there is no system bus or nobody owns org.mectl1. */
	if (sd_bus_open_system(&bus) < 0)
		return 0;
	r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "NameHasOwner", &error, &reply, "s",
			       MECTL_BUS_NAME);
	if (r < 0 || sd_bus_message_read(reply, "b", &r) < 0 || !r) {
		sd_bus_error_free(&error);
		return 0;
	}
	mfd = memfd_create("mectl-clean", MFD_CLOEXEC);
	if (mfd < 0)
		return 0;
	reply = sd_bus_message_unref(reply);
	r = sd_bus_message_new_method_call(bus, &m, MECTL_BUS_NAME, MECTL_OBJECT_PATH,
					   MECTL_MANAGER_IFACE, "SubmitClean");
	if (r >= 0)
		r = sd_bus_message_append(m, "hh", fd, mfd);
	if (r >= 0)
		r = sd_bus_message_append_strv(m, flags);
	if (r >= 0)
		r = sd_bus_call(bus, m, 0, &error, &reply);
	sd_bus_error_free(&error);
	if (r < 0 || sd_bus_message_read(reply, "o", &path) < 0)
		return 0;	/* refused (e.g. a flag it does not take): in-process */
	r = mectl_job_wait(bus, path, false, &st);
	if (r >= 0 && (mectl_result_int(st.result, "exit_code", &code) < 0 ||
		       mectl_result_log(st.result, "log", add_log, &res->log) < 0))
		r = -EBADMSG;
	if (r >= 0) {
		res->exit_code = (int)code;
		if (mectl_result_true(st.result, "written")) {
			res->write_image = true;
			r = lseek(mfd, 0, SEEK_SET) < 0 ? -errno :
			    read_fd_all(mfd, SIZE_MAX, &res->image.data, &res->image.len);
		}
	}
	mectl_job_status_done(&st);
	return r < 0 ? r : 1;
}

/* The engine takes the buffer over (no second copy of the image in memory). */
static int run_engine(const struct img_options *o, uint8_t **buf, size_t len,
		      struct img_result *res)
{
	uint8_t *b = *buf;

	*buf = NULL;
	return img_run_owned(b, len, len, o, res);
}

static int image_verb(const char *prog, int argc, char **argv)
{
	_cleanup_(freep) uint8_t *buf = NULL;
	_cleanup_(closep) int fd = -1;
	struct img_result res = { 0 };
	struct img_options o;
	struct stat st;
	size_t len = 0;
	int r, rc;

	r = img_parse_args(&o, argc, argv, prog, 0, &res);
	if (r < 0) {
		fprintf(stderr, "mectl: out of memory\n");
		img_result_free(&res);
		return EXIT_FAILURE;
	}
	if (r > 0) {
		print_log(&res.log, true);
		rc = res.exit_code;
		img_result_free(&res);
		return rc;
	}
	img_result_free(&res);

	/* me_cleaner opens the input read/write unless -c or -O: it must be writable */
	fd = open(o.file, (o.check || o.output ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "mectl: cannot open %s: %s\n", o.file, strerror(errno));
		return EXIT_FAILURE;
	}
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		r = -EINVAL;
	else
		r = read_fd_all(fd, SIZE_MAX, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "mectl: cannot read %s: %s\n", o.file,
			r == -EINVAL ? "not a regular file or block device" : strerror(-r));
		return EXIT_FAILURE;
	}
	/* in place goes through rename(): that would replace a device node by a file */
	if (!o.check && !o.output && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "mectl: %s is not a regular file: use -O to write the result "
			"elsewhere\n", o.file);
		return EXIT_FAILURE;
	}
	if (same_file(o.output, &st) || same_file(o.extract_descriptor, &st) ||
	    same_file(o.extract_me, &st)) {
		fprintf(stderr, "mectl: an output file (-O, -D or -M) names the input file %s\n",
			o.file);
		return EXIT_FAILURE;
	}

	r = run_daemon(&o, fd, &res);
	if (r == 0)
		r = run_engine(&o, &buf, len, &res);
	if (r < 0) {
		fprintf(stderr, "mectl: %s\n", strerror(-r));
		img_result_free(&res);
		return EXIT_FAILURE;
	}
	print_log(&res.log, !o.json);
	if (o.json) {
		_cleanup_(freep) char *json = NULL;

		if (img_report_json(&res.report, &json) < 0) {
			fprintf(stderr, "mectl: out of memory\n");
			img_result_free(&res);
			return EXIT_FAILURE;
		}
		fputs(json, stdout);
		fflush(stdout);
	}
	rc = res.exit_code;
	if (!rc && save_results(&o, &res, &st) < 0)
		rc = EXIT_FAILURE;
	img_result_free(&res);
	return rc;
}

int verb_clean(int argc, char **argv)
{
	return image_verb("mectl clean", argc, argv);
}

/* mectl check FILE = mectl clean -c FILE */
int verb_check(int argc, char **argv)
{
	_cleanup_(freep) char **args = calloc((size_t)argc + 2, sizeof(*args));
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--internal"))
			return verb_internal_check(argc, argv);
	if (!args) {
		fprintf(stderr, "mectl: out of memory\n");
		return EXIT_FAILURE;
	}
	args[0] = argv[0];
	args[1] = (char *)"-c";
	for (i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	return image_verb("mectl check", argc + 1, args);
}
