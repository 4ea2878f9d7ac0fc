// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the check and clean jobs (the image engine on an image passed as an fd),
 * and the engine glue neutralize uses. Open to any local user: they touch no chip.
 *
 * Options are me_cleaner's flags, parsed by the engine itself (img_parse_args()),
 * once at submission so a bad flag is an immediate D-Bus error, and again in the
 * worker. Flags that name files (-O, -D, -M) make no sense here: the output of
 * clean goes to the passed fd; extracting pieces is `mectl clean` offline.
 */
#include <string.h>

#include "image.h"
#include "mectld.h"
#include "job-image.h"

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
		strbuf_printf(b, "%s{\"stream\":\"%s\",\"text\":", i ? "," : "",
			      log->v[i].stream == IMG_STDERR ? "stderr" : "stdout");
		strbuf_json_str(b, log->v[i].text);
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

int job_run_image(Job *j, JobOutcome *o)
{
	_cleanup_free_ uint8_t *in = NULL;
	_cleanup_free_ char *text = NULL;
	struct img_options opts;
	struct img_result res = {};
	struct strbuf b = {};
	size_t len = 0;
	int r;

	job_set_phase(j, j->type == JOB_CHECK ? "check" : "clean");
	r = job_load_input(j, &in, &len);
	if (r < 0)
		return r;
	if (j->type == JOB_CHECK) {
		r = image_check(in, len, &res);
	} else {
		r = image_parse(j->type, j->args, &opts, &res);
		if (r == 0) {
			img_result_free(&res);
			r = img_run(in, len, &opts, &res);
		}
	}
	if (r < 0 && r != -EINVAL)
		goto out;

	if (res.exit_code == 0 && j->type == JOB_CLEAN && res.write_image && j->out_fd >= 0) {
		r = write_fd_replace(j->out_fd, res.image.data, res.image.len);
		if (r < 0) {
			if (asprintf(&o->message, "cannot write the cleaned image: %s", strerror(-r)) < 0)
				o->message = NULL;
			goto out;
		}
	}
	text = log_text(&res.log);
	strbuf_printf(&b, "{\"exit_code\":%d,\"written\":%s,\"size\":%zu,\"log\":", res.exit_code,
		      res.exit_code == 0 && j->type == JOB_CLEAN && res.write_image && j->out_fd >= 0 ?
		      "true" : "false", res.image.len);
	image_log_to_json(&res.log, &b);
	strbuf_printf(&b, "}");
	o->result = strbuf_steal(&b);
	o->message = text ? TAKE_PTR(text) : NULL;
	o->state = res.exit_code == 0 ? JOB_SUCCEEDED : JOB_FAILED;
	r = 0;
out:
	img_result_free(&res);
	return r;
}
