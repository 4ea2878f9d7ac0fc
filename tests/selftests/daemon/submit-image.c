// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper for daemon.sh: submit an image job (check or clean) to mectld with the
 * image as an fd, as any client would (`mectl check/clean` run in-process and do not
 * need it), wait for the job and print its outcome as JSON.
 *
 *   submit-image ADDRESS check IN
 *   submit-image ADDRESS clean IN OUT [ME_CLEANER_FLAGS...]
 *
 * OUT is created (it must not exist); "=PATH" opens an existing PATH for writing
 * instead, to hand mectld an fd it must refuse (a file on debugfs). The flags are
 * parsed here and sent typed, as mectl does (lib/bus/engine-options.c).
 *
 * Exit 0 when the job succeeded, 1 otherwise (the error line names the D-Bus error).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../../client/bus-client.h"
#include "engine-options.h"

int main(int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	struct mectl_job_status st = {};
	struct img_result res = {};
	struct img_options o = {};
	bool clean = argc >= 5 && !strcmp(argv[2], "clean");
	const char *path;
	sd_bus *bus = NULL;
	int in, out = -1, r;

	if (!(argc == 4 && !strcmp(argv[2], "check")) && !clean) {
		fprintf(stderr, "usage: submit-image ADDRESS check IN | clean IN OUT [FLAGS...]\n");
		return 1;
	}
	in = open(argv[3], O_RDONLY | O_CLOEXEC);
	if (clean)
		out = argv[4][0] == '=' ? open(argv[4] + 1, O_WRONLY | O_CLOEXEC) :
		      open(argv[4], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (in < 0 || (clean && out < 0)) {
		perror("submit-image: open");
		return 1;
	}
	if (clean && img_parse_args(&o, argc - 4, argv + 4, "mectl clean", IMG_ARGS_NO_FILE,
				    &res) != 0) {
		fprintf(stderr, "submit-image: bad flags\n");
		return 1;
	}
	r = mectl_bus_open(argv[1], &bus);
	if (r < 0)
		return 1;
	r = sd_bus_message_new_method_call(bus, &m, MECTL_BUS_NAME, MECTL_OBJECT_PATH,
					   MECTL_MANAGER_IFACE, clean ? "SubmitClean" : "SubmitCheck");
	if (r >= 0)
		r = sd_bus_message_append(m, "h", in);
	if (r >= 0)
		r = engine_options_append(m, &o);
	if (r >= 0)
		r = clean ? sd_bus_message_append(m, "a{sh}", 1, MECTL_OUTPUT_IMAGE, out) :
			    sd_bus_message_append(m, "a{sh}", 0);
	if (r >= 0)
		r = sd_bus_call(bus, m, 0, &error, &reply);
	if (r < 0) {
		mectl_bus_error("submit", &error, r);
		return 1;
	}
	r = sd_bus_message_read(reply, "o", &path);
	if (r >= 0)
		r = mectl_job_wait(bus, path, false, &st);
	if (r < 0)
		return 1;
	mectl_job_print(&st, true);
	return st.state && !strcmp(st.state, "succeeded") ? 0 : 1;
}
