// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the check and clean jobs (the image engine on an image passed as an fd),
 * and the engine glue neutralize uses. Open to any local user: they touch no chip.
 *
 * check/clean get the engine's options typed (lib/bus/engine-options.c), decoded and
 * checked once at submission, and one fd for each piece the run may produce (the
 * image, -D's descriptor, -M's ME region), each replaced only when the run succeeds.
 * neutralize takes me_cleaner's flags, parsed by the engine itself (img_parse_args())
 * at submission so a bad flag is an immediate D-Bus error, and again in the worker;
 * flags naming files (-O, -D, -M) make no sense there.
 */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "job-image.h"
#include "job-store.h"
#include "mectld.h"

static const char *const file_flags[] = { "-O", "--output", "-D", "--extract-descriptor",
					  "-M", "--extract-me", NULL };

static bool names_a_file(const char *arg)
{
	for (const char *const *f = file_flags; *f; f++) {
		size_t n = strlen(*f);

		if (!strncmp(arg, *f, n) && (arg[n] == 0 || arg[n] == '=' || (*f)[1] != '-'))
			return true;
	}
	return false;
}

int image_parse(JobType type, char **args, struct img_options *o, struct img_result *res)
{
	char *argv[64];
	int argc = 0, r;

	argv[argc++] = (char *)job_type_to_string(type);
	for (char **a = args; a && *a; a++) {
		if (argc >= (int)ELEMENTSOF(argv) - 1)
			return -E2BIG;
		argv[argc++] = *a;
	}
	/* neutralize without flags: me_cleaner -S, the guide's --soft-disable */
	if (type == JOB_NEUTRALIZE && argc == 1)
		argv[argc++] = (char *)"-S";
	argv[argc] = NULL;
	*o = (struct img_options) {};
	*res = (struct img_result) {};
	/* the program name the engine prints in its messages, as `mectl clean` does */
	r = img_parse_args(o, argc, argv, type == JOB_NEUTRALIZE ? "mectl neutralize" : "mectl clean",
			   IMG_ARGS_NO_FILE, res);
	if (r < 0)
		return r;
	return r == 1 ? -EINVAL : 0;
}

static char *log_text(const struct img_log *log)
{
	struct strbuf b = {};

	for (size_t i = 0; i < log->n; i++)
		strbuf_printf(&b, "%s", log->v[i].text);
	return strbuf_steal(&b);
}

int image_args_validate(JobType type, char **args, char **ret_msg)
{
	struct img_options o;
	struct img_result res;
	int r;

	for (char **a = args; a && *a; a++)
		if (names_a_file(*a) || (type == JOB_NEUTRALIZE &&
					 (!strcmp(*a, "-c") || !strcmp(*a, "--check")))) {
			if (asprintf(ret_msg, "%s is not accepted here (the image and its output "
				     "cross the bus as fds; use 'mectl clean' offline to extract)", *a) < 0)
				*ret_msg = NULL;
			return -EINVAL;
		}
	r = image_parse(type, args, &o, &res);
	if (r == -EINVAL)
		*ret_msg = log_text(&res.log);
	img_result_free(&res);
	return r;
}

void image_log_to_json(const struct img_log *log, struct strbuf *b)
{
	strbuf_printf(b, "[");
	for (size_t i = 0; i < log->n; i++) {
		strbuf_printf(b, "%s{\"" MECTL_LOG_STREAM "\":\"%s\",\"" MECTL_LOG_TEXT "\":",
			      i ? "," : "",
			      log->v[i].stream == IMG_STDERR ? MECTL_LOG_STDERR : MECTL_LOG_STDOUT);
		json_str(b, log->v[i].text);
		strbuf_printf(b, "}");
	}
	strbuf_printf(b, "]");
}

int image_check(const uint8_t *in, size_t len, struct img_result *res)
{
	struct img_options o = { .prog = "mectl", .check = true };

	*res = (struct img_result) {};
	return img_run(in, len, &o, res);
}

/* One read() per MiB: a cancel is seen between two. */
#define INPUT_CHUNK (1u << 20)
/* How often a worker waiting on a silent pipe looks for a cancel. */
#define INPUT_POLL_MS 200

/* Until fd has data or its end, or the job is cancelled (SIGTERM cancels too). */
static int wait_readable(Job *j, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		int r;

		if (job_cancel_requested(j))
			return -ECANCELED;
		r = poll(&p, 1, INPUT_POLL_MS);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/*
 * The client's image, copied here on the worker thread (never on the event loop):
 * a regular file from offset 0, or a pipe up to its end. Either way no more than
 * MECTL_IMAGE_MAX bytes are held.
 */
static int image_read_input(Job *j, uint8_t **ret, size_t *ret_len, JobOutcome *o)
{
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = 0, cap;
	struct stat st;
	bool fifo;
	int r;

	if (fstat(j->in_fd, &st) < 0)
		return -errno;
	fifo = S_ISFIFO(st.st_mode);
	if (!fifo && !S_ISREG(st.st_mode))
		return error_line(&o->message, -EINVAL, "the image fd must be a regular file or a pipe");
	if (!fifo && (st.st_size <= 0 || (uint64_t)st.st_size > MECTL_IMAGE_MAX))
		return error_line(&o->message, -EFBIG, "the image has %lld bytes (1..%u accepted)",
				  (long long)st.st_size, MECTL_IMAGE_MAX);
	cap = fifo ? INPUT_CHUNK : (size_t)st.st_size;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t want;
		ssize_t k;

		if (len == cap) {
			uint8_t *nb;

			if (!fifo)
				break;
			if (cap > MECTL_IMAGE_MAX)
				return error_line(&o->message, -EFBIG, "the image has more than %u bytes",
						  MECTL_IMAGE_MAX);
			cap = cap * 2 > MECTL_IMAGE_MAX ? MECTL_IMAGE_MAX + 1 : cap * 2;
			nb = realloc(buf, cap);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		r = fifo ? wait_readable(j, j->in_fd) : job_cancel_requested(j) ? -ECANCELED : 0;
		if (r < 0)
			return r;
		want = cap - len < INPUT_CHUNK ? cap - len : INPUT_CHUNK;
		k = fifo ? read(j->in_fd, buf + len, want) : pread(j->in_fd, buf + len, want, (off_t)len);
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (k < 0)
			return error_line(&o->message, -errno, "cannot read the image fd: %s", strerror(errno));
		if (k == 0)
			break;
		len += (size_t)k;
		if (!fifo)
			job_set_progress(j, (double)len / (double)cap);
	}
	if (!len || (!fifo && len < cap))
		return error_line(&o->message, -EIO, "the image ended after %zu bytes", len);
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* The image of the job: from its fd, or spooled by an older mectld. */
int job_image_input(Job *j, uint8_t **ret, size_t *ret_len, JobOutcome *o)
{
	if (j->in_fd >= 0)
		return image_read_input(j, ret, ret_len, o);
	if (j->has_input)
		return job_store_load_input(j, ret, ret_len);
	return error_line(&o->message, -EBADF, "the image fd was lost in a restart of mectld: submit the "
			  "job again");
}

static void job_image_free(struct job_image *ji)
{
	if (!ji)
		return;
	engine_options_done(&ji->opts);
	if (ji->descriptor_fd >= 0)
		close(ji->descriptor_fd);
	if (ji->me_fd >= 0)
		close(ji->me_fd);
	free(ji);
}

int job_image_attach(Job *j)
{
	struct job_image *ji = calloc(1, sizeof(*ji));

	if (!ji)
		return -ENOMEM;
	ji->descriptor_fd = ji->me_fd = -1;
	j->image = ji;
	j->image_free = job_image_free;
	return 0;
}

/* The run: the options decoded at submission, or a job file's flags (an older mectld). */
static int image_run(Job *j, const uint8_t *in, size_t len, struct img_result *res)
{
	struct img_options opts;
	int r;

	if (j->image)
		return img_run(in, len, &j->image->opts.o, res);
	if (j->type == JOB_CHECK)
		return image_check(in, len, res);
	r = image_parse(j->type, j->args, &opts, res);
	if (r < 0)
		return r;
	img_result_free(res);
	return img_run(in, len, &opts, res);
}

/* The pieces a successful run produced, each into the fd the client passed for it. */
static int image_write_outputs(Job *j, const struct img_result *res, bool written[3],
			       JobOutcome *o)
{
	const struct {
		bool want;
		int fd;
		const struct img_buf *buf;
		const char *what;
	} out[3] = {
		{ res->write_image, j->type == JOB_CLEAN ? j->out_fd : -1, &res->image,
		  "the cleaned image" },
		{ res->write_descriptor, j->image ? j->image->descriptor_fd : -1, &res->descriptor,
		  "the descriptor" },
		{ res->write_me, j->image ? j->image->me_fd : -1, &res->me, "the ME region" },
	};

	for (size_t i = 0; i < ELEMENTSOF(out); i++) {
		int r;

		written[i] = false;
		if (res->exit_code || !out[i].want || out[i].fd < 0)
			continue;
		r = write_fd_replace(out[i].fd, out[i].buf->data, out[i].buf->len);
		if (r < 0) {
			if (asprintf(&o->message, "cannot write %s: %s", out[i].what, strerror(-r)) < 0)
				o->message = NULL;
			return r;
		}
		written[i] = true;
	}
	return 0;
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

int job_run_image(Job *j, JobOutcome *o)
{
	_cleanup_free_ uint8_t *in = NULL;
	_cleanup_free_ char *text = NULL, *report = NULL;
	struct img_result res = {};
	struct strbuf b = {};
	bool written[3];
	size_t len = 0;
	int r;

	job_set_phase(j, JOB_PHASE_INPUT);
	r = job_image_input(j, &in, &len, o);
	if (r < 0)
		return r;
	job_set_phase(j, j->type == JOB_CHECK ? JOB_PHASE_CHECK : JOB_PHASE_CLEAN);
	r = image_run(j, in, len, &res);
	if (r < 0 && r != -EINVAL)
		goto out;
	r = image_write_outputs(j, &res, written, o);
	if (r < 0)
		goto out;
	if (j->image && j->image->opts.o.json) {
		r = img_report_json(&res.report, &report);
		if (r < 0)
			goto out;
		report[strcspn(report, "\n")] = 0;
	}
	text = log_text(&res.log);
	strbuf_printf(&b, "{\"" MECTL_RESULT_EXIT_CODE "\":%d,\"" MECTL_RESULT_WRITTEN "\":%s,\""
		      MECTL_RESULT_DESCRIPTOR_WRITTEN "\":%s,\"" MECTL_RESULT_ME_WRITTEN "\":%s,\""
		      MECTL_RESULT_SIZE "\":%zu,\"" MECTL_RESULT_LOG "\":", res.exit_code,
		      json_bool(written[0]), json_bool(written[1]), json_bool(written[2]),
		      res.image.len);
	image_log_to_json(&res.log, &b);
	if (report)
		strbuf_printf(&b, ",\"" MECTL_RESULT_REPORT "\":%s", report);
	strbuf_printf(&b, "}");
	o->result = strbuf_steal(&b);
	o->message = text ? TAKE_PTR(text) : NULL;
	o->state = res.exit_code == 0 ? JOB_SUCCEEDED : JOB_FAILED;
	r = 0;
out:
	img_result_free(&res);
	return r;
}
