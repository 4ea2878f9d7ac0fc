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
 * With --daemon (or --bus=ADDRESS) the engine runs in mectld instead, as a check or
 * clean job (daemon/job-image.c, the same library): the input goes over as an fd, the
 * options typed (lib/bus/engine-options.c), one memfd for each output; the log, exit
 * code and --json report come back in the job's typed Result, the outputs through the
 * memfds, and they are written here, the same way. Same stdout, stderr, exit status
 * and files either way (tests/unit/daemon/transports.sh).
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
#include "engine-options.h"
#include "cleanup.h"
#include "fd.h"
#include "image.h"
#include "variant-json.h"
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

static const char transport_help[] =
	"\n"
	"where the engine runs (in-process unless one is given):\n"
	"  --daemon              in mectld on the system bus, as a job\n"
	"  --bus ADDRESS         in mectld on this D-Bus address\n";

/* mectl's own options of check/clean, taken out before me_cleaner's command line. */
struct transport {
	bool daemon;		/* --daemon: run the engine in mectld */
	const char *bus;	/* --bus=ADDRESS: mectld's bus (implies --daemon) */
};

/* Remove --daemon and --bus from argv (up to a "--"). 0, or -EINVAL (one line printed). */
static int take_transport(int *argc, char **argv, struct transport *t)
{
	int i, n = 1;

	*t = (struct transport) {};
	for (i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[n++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--daemon")) {
			t->daemon = true;
		} else if (!strncmp(argv[i], "--bus=", 6)) {
			t->daemon = true;
			t->bus = argv[i] + 6;
		} else if (!strcmp(argv[i], "--bus")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "mectl: --bus needs a value\n");
				return -EINVAL;
			}
			t->daemon = true;
			t->bus = argv[++i];
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
}

#define N_OUTPUTS 3	/* the image, -D, -M */

/* One piece a mectld job may hand back: a memfd passed as the a{sh} output key. */
struct daemon_output {
	const char *key;		/* MECTL_OUTPUT_* */
	const char *written;		/* MECTL_RESULT_*: the job replaced it */
	bool want;
	struct img_buf *buf;
	bool *flag;			/* res->write_* */
	int fd;
};

/* The engine's log from the Result: [{stream, text}] in order. */
static int log_from_result(const struct mectl_job_status *st, struct img_log *log)
{
	struct json_object *v = mectl_result_get(st, MECTL_RESULT_LOG);
	size_t n = v && json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;

	if (!v)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i), *stream, *text;

		if (!json_object_object_get_ex(e, MECTL_LOG_STREAM, &stream) ||
		    !json_object_object_get_ex(e, MECTL_LOG_TEXT, &text))
			return -EBADMSG;
		if (img_log_add(log, strcmp(json_object_get_string(stream), MECTL_LOG_STDERR) ?
				IMG_STDOUT : IMG_STDERR, "%s", json_object_get_string(text)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int submit_image(sd_bus *bus, const struct img_options *o, int fd,
			const struct daemon_output *out, size_t n_out, const char **ret_path,
			sd_bus_message **ret_reply)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, MECTL_BUS_NAME, MECTL_OBJECT_PATH,
					   MECTL_MANAGER_IFACE,
					   o->check ? "SubmitCheck" : "SubmitClean");
	if (r >= 0)
		r = sd_bus_message_append(m, "h", fd);
	if (r >= 0)
		r = engine_options_append(m, o);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "{sh}");
	for (size_t i = 0; r >= 0 && i < n_out; i++)
		if (out[i].want)
			r = sd_bus_message_append(m, "{sh}", out[i].key, out[i].fd);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r < 0) {
		fprintf(stderr, "mectl: cannot build the call: %s\n", strerror(-r));
		return r;
	}
	r = sd_bus_call(bus, m, 0, &error, ret_reply);
	if (r < 0) {
		r = mectl_bus_error("mectld refused the job", &error, r);
		sd_bus_error_free(&error);
		return r;
	}
	r = sd_bus_message_read(*ret_reply, "o", ret_path);
	if (r < 0)
		fprintf(stderr, "mectl: bad reply from mectld: %s\n", strerror(-r));
	return r;
}

/*
 * The run as a mectld job: the image as an fd, the options typed, a memfd for each
 * output; back come the log, the exit code, the report (--json) and the outputs, which
 * are then written here as in-process. Errors are printed; <0 on one.
 */
static int run_daemon(const struct transport *t, const struct img_options *o, int fd,
		      struct img_result *res, struct json_object **ret_report)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	struct daemon_output out[N_OUTPUTS] = {
		{ MECTL_OUTPUT_IMAGE, MECTL_RESULT_WRITTEN, !o->check, &res->image,
		  &res->write_image, -1 },
		{ MECTL_OUTPUT_DESCRIPTOR, MECTL_RESULT_DESCRIPTOR_WRITTEN, o->extract_descriptor,
		  &res->descriptor, &res->write_descriptor, -1 },
		{ MECTL_OUTPUT_ME, MECTL_RESULT_ME_WRITTEN, o->extract_me, &res->me, &res->write_me,
		  -1 },
	};
	struct mectl_job_status st = { .mtd = -1 };
	struct json_object *code, *report = NULL;
	const char *path;
	size_t i;
	int r;

	r = mectl_daemon_open(t->bus, &bus);
	if (r < 0)
		return r;
	for (i = 0; i < N_OUTPUTS; i++)
		if (out[i].want && (out[i].fd = memfd_create("mectl-output", MFD_CLOEXEC)) < 0) {
			r = -errno;
			fprintf(stderr, "mectl: cannot create a memfd: %s\n", strerror(-r));
			goto out;
		}
	r = submit_image(bus, o, fd, out, N_OUTPUTS, &path, &reply);
	if (r >= 0)
		r = mectl_job_wait(bus, path, false, &st);
	if (r < 0)
		goto out;
	code = mectl_result_get(&st, MECTL_RESULT_EXIT_CODE);
	if (!code) {
		/* the engine never ran (the image could not be read, a restart) */
		mectl_job_print(&st, false);
		r = -EIO;
		goto out;
	}
	if (o->json && (!json_object_object_get_ex(st.result, MECTL_RESULT_REPORT, &report) ||
			!json_object_is_type(report, json_type_object))) {
		fprintf(stderr, "mectl: mectld's result has no report\n");
		r = -EBADMSG;
		goto out;
	}
	res->exit_code = json_object_get_int(code);
	r = log_from_result(&st, &res->log);
	for (i = 0; r >= 0 && i < N_OUTPUTS; i++) {
		if (!out[i].want || !mectl_result_true(&st, out[i].written))
			continue;
		*out[i].flag = true;
		r = lseek(out[i].fd, 0, SEEK_SET) < 0 ? -errno :
		    read_fd_all(out[i].fd, SIZE_MAX, &out[i].buf->data, &out[i].buf->len);
	}
	if (r < 0) {
		fprintf(stderr, "mectl: cannot take mectld's result: %s\n", strerror(-r));
		goto out;
	}
	*ret_report = report ? json_object_get(report) : NULL;
out:
	for (i = 0; i < N_OUTPUTS; i++)
		if (out[i].fd >= 0)
			close(out[i].fd);
	mectl_job_status_done(&st);
	return r;
}

/* The engine takes the buffer over (no second copy of the image in memory). */
static int run_engine(const struct img_options *o, uint8_t **buf, size_t len,
		      struct img_result *res)
{
	uint8_t *b = *buf;

	*buf = NULL;
	return img_run_owned(b, len, len, o, res);
}

/* The report --json prints, whichever side ran the engine: one text form (json_text()). */
static int print_report(const struct img_result *res, struct json_object *report)
{
	_cleanup_(freep) char *text = NULL;
	struct json_object *own = NULL;

	if (!report) {
		if (img_report_json(&res->report, &text) < 0 || !(own = json_tokener_parse(text))) {
			fprintf(stderr, "mectl: out of memory\n");
			return -ENOMEM;
		}
		report = own;
	}
	printf("%s\n", json_text(report));
	fflush(stdout);
	json_object_put(own);
	return 0;
}

static int image_verb(const char *prog, int argc, char **argv)
{
	_cleanup_(freep) uint8_t *buf = NULL;
	_cleanup_(closep) int fd = -1;
	struct json_object *report = NULL;
	struct img_result res = { 0 };
	struct transport t;
	struct img_options o;
	struct stat st;
	size_t len = 0;
	int r, rc;

	if (take_transport(&argc, argv, &t) < 0)
		return EXIT_FAILURE;
	r = img_parse_args(&o, argc, argv, prog, 0, &res);
	if (r < 0) {
		fprintf(stderr, "mectl: out of memory\n");
		img_result_free(&res);
		return EXIT_FAILURE;
	}
	if (r > 0) {
		print_log(&res.log, true);
		/* -h: the engine's options, then the client's own */
		if (!res.exit_code && res.log.n && !strncmp(res.log.v[0].text, "usage:", 6))
			fputs(transport_help, stdout);
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

	if (t.daemon) {
		r = run_daemon(&t, &o, fd, &res, &report);
	} else {
		r = run_engine(&o, &buf, len, &res);
		if (r < 0)
			fprintf(stderr, "mectl: %s\n", strerror(-r));
	}
	if (r < 0) {
		img_result_free(&res);
		return EXIT_FAILURE;
	}
	print_log(&res.log, !o.json);
	if (o.json && print_report(&res, report) < 0) {
		json_object_put(report);
		img_result_free(&res);
		return EXIT_FAILURE;
	}
	json_object_put(report);
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
