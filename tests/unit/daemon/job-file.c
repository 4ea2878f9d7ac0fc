// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of mectld's job file format (daemon/job-file.c): what mectld writes
 * reads back the same; every damaged file is rejected with its reason, never
 * defaulted; a cut-short record says which keys it still had.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../../../daemon/job-file.h"
#include "../../../daemon/mectld.h"

static const char good[] =
	"id=7\ntype=read\nstate=queued\nowner=1000\nmtd=3\nchip=jedec-ef4017-8388608\n"
	"attach=0\nbus=0\ncs=0\nspeed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=1\n"
	"progress=0.0000\narg=-S\narg=line\\nbreak \\\\ x\nphase=\nmessage=\nresult=\n";

static Job *job_blank(void)
{
	Job *j = calloc(1, sizeof(*j));

	if (j) {
		j->mtd = -1;
		j->out_fd = -1;
	}
	return j;
}

static void job_release(Job *j)
{
	job_fields_free(j);
	free(j);
}

/* Parse text as file name; the reason (or NULL) in *why, the keys read in *seen. */
static int parse(const char *name, const char *text, uint32_t *seen, char **why, Job **ret)
{
	Job *j = job_blank();
	int r;

	if (!j)
		return -ENOMEM;
	r = job_file_parse(name, text, strlen(text), j, seen, why);
	*ret = j;
	return r;
}

TEST(good_file_round_trips)
{
	uint32_t seen;
	char *why, *again;
	Job *j;

	ASSERT_EQ(0, parse("7", good, &seen, &why, &j));
	EXPECT_EQ(NULL, why);
	EXPECT_EQ(7u, j->id);
	EXPECT_EQ(JOB_READ, j->type);
	EXPECT_EQ(JOB_QUEUED, j->state);
	EXPECT_EQ(1000u, j->owner);
	EXPECT_EQ(3, j->mtd);
	EXPECT_STREQ("jedec-ef4017-8388608", j->chip_id);
	EXPECT_TRUE(j->has_output);
	ASSERT_NE(NULL, j->args);
	EXPECT_STREQ("-S", j->args[0]);
	EXPECT_STREQ("line\nbreak \\ x", j->args[1]);
	EXPECT_EQ(NULL, j->args[2]);
	EXPECT_EQ(NULL, j->message);
	again = job_serialize(j);
	ASSERT_NE(NULL, again);
	EXPECT_STREQ(good, again);
	free(again);
	job_release(j);
}

/* A neutralize job on the host's own chip: mtd=internal, and back. */
TEST(internal_chip_round_trips)
{
	static const char text[] =
		"id=9\ntype=neutralize\nstate=queued\nowner=0\nmtd=internal\nchip=\n"
		"attach=0\nbus=0\ncs=0\nspeed_hz=0\npasses=2\nforce=0\nhas_input=0\n"
		"has_output=1\nprogress=0.0000\nphase=\nmessage=\nresult=\n";
	uint32_t seen;
	char *why, *again;
	Job *j;

	ASSERT_EQ(0, parse("9", text, &seen, &why, &j));
	EXPECT_EQ(JOB_MTD_INTERNAL, j->mtd);
	again = job_serialize(j);
	ASSERT_NE(NULL, again);
	EXPECT_STREQ(text, again);
	free(again);
	job_release(j);
}

/* Every phase a worker reports is written and read back as itself. */
TEST(phases_round_trip)
{
	static const char *const phases[] = { "", "input", "attach", "probe", "read 1/2",
		"read 16/16", "preflight", "compare", "backup", "check", "clean", "arm",
		"write", "verify", "disarm", "report" };
	static const char head[] =
		"id=5\ntype=neutralize\nstate=running\nowner=0\nmtd=0\nchip=\nattach=0\nbus=0\n"
		"cs=0\nspeed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=1\n"
		"progress=0.0000\nphase=";

	for (size_t i = 0; i < ELEMENTSOF(phases); i++) {
		char text[512], *why, *again;
		uint32_t seen;
		Job *j;

		snprintf(text, sizeof(text), "%s%s\nmessage=\nresult=\n", head, phases[i]);
		ASSERT_EQ(0, parse("5", text, &seen, &why, &j)) TH_LOG("phase '%s': %s", phases[i], why);
		EXPECT_EQ(!strcmp(phases[i], "arm") || !strcmp(phases[i], "write") ||
			  !strcmp(phases[i], "verify") || !strcmp(phases[i], "disarm"),
			  job_phase_touches_chip(j->phase.phase)) TH_LOG("phase '%s'", phases[i]);
		again = job_serialize(j);
		ASSERT_NE(NULL, again);
		EXPECT_STREQ(text, again);
		free(again);
		job_release(j);
	}
}

/* One damaged file per row, and the words its reason must contain. */
static const struct {
	const char *name, *text, *reason;
} damaged[] = {
	{ "7", "id=7\nmtd=3\n", "missing key 'type'" },
	{ "7", "", "empty" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=0\nprogress=0\nphase=\n"
	  "message=\nresult=", "cut short" },
	{ "7", "id=7\ncolour=blue\n", "unknown key 'colour'" },
	{ "7", "id=7\nid=7\n", "'id' given twice" },
	{ "7", "id=7\nno equals sign\n", "not a key=value line" },
	{ "7", "id=7x\n", "bad value for 'id'" },
	{ "7", "id=7\ntype=erase\n", "bad value for 'type'" },
	{ "7", "id=7\ntype=read\nstate=sleeping\n", "bad value for 'state'" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=-1\n", "bad value for 'owner'" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=-2\n", "bad value for 'mtd'" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=bad\\qescape\n",
	  "bad value for 'chip'" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=\nattach=2\n",
	  "bad value for 'attach'" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=0\nprogress=nan\n",
	  "bad value for 'progress'" },
	{ "8", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=0\nprogress=0\nphase=\n"
	  "message=\nresult=\n", "id=7 in a file named 8" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=99\nforce=0\nhas_input=0\nhas_output=0\nprogress=0\nphase=\n"
	  "message=\nresult=\n", "passes=99" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=-1\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=0\nprogress=0\nphase=\n"
	  "message=\nresult=\n", "without a chip" },
	{ "7", "id=7\ntype=check\nstate=queued\nowner=0\nmtd=0\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=2\nforce=0\nhas_input=1\nhas_output=0\nprogress=0\nphase=\n"
	  "message=\nresult=\n", "names a chip" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=internal\nchip=\nattach=0\nbus=0\n"
	  "cs=0\nspeed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=0\nprogress=0\n"
	  "phase=\nmessage=\nresult=\n", "on the host's own chip" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=0\nprogress=0\n"
	  "phase=erase\n", "bad value for 'phase'" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=0\nprogress=0\n"
	  "phase=read 3/2\n", "bad value for 'phase'" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=0\nprogress=0\n"
	  "phase=read 01/2\n", "bad value for 'phase'" },
	{ "7", "id=7\ntype=read\nstate=queued\nowner=0\nmtd=3\nchip=\nattach=0\nbus=0\ncs=0\n"
	  "speed_hz=0\npasses=2\nforce=0\nhas_input=0\nhas_output=0\nprogress=0\n"
	  "phase=write 1/2\n", "bad value for 'phase'" },
	{ "07", "id=7\n", "not a job id" },
	{ "7.in", "id=7\n", "not a job id" },
	{ "4294967296", "id=0\n", "not a job id" },
};

TEST(damaged_files_are_rejected_with_a_reason)
{
	for (size_t i = 0; i < ELEMENTSOF(damaged); i++) {
		uint32_t seen;
		char *why = NULL;
		Job *j = NULL;
		int r = parse(damaged[i].name, damaged[i].text, &seen, &why, &j);

		EXPECT_EQ(-EBADMSG, r) TH_LOG("row %zu accepted", i);
		ASSERT_NE(NULL, why);
		EXPECT_NE(NULL, strstr(why, damaged[i].reason))
			TH_LOG("row %zu: '%s' lacks '%s'", i, why, damaged[i].reason);
		free(why);
		job_release(j);
	}
}

TEST(nul_byte_is_damage)
{
	static const char text[] = "id=7\n\0type=read\n";
	uint32_t seen;
	char *why = NULL;
	Job *j = job_blank();

	ASSERT_NE(NULL, j);
	EXPECT_EQ(-EBADMSG, job_file_parse("7", text, sizeof(text) - 1, j, &seen, &why));
	EXPECT_TRUE(why && strstr(why, "NUL"));
	free(why);
	job_release(j);
}

TEST(cut_short_running_write_keeps_what_it_read)
{
	uint32_t seen;
	char *why = NULL;
	Job *j;

	EXPECT_EQ(-EBADMSG, parse("12", "id=12\ntype=write\nstate=running\nowner=0\nmtd=0\nch",
				  &seen, &why, &j));
	free(why);
	job_release(j);
	/* cut at a line end: the keys before it are named as read */
	EXPECT_EQ(-EBADMSG, parse("12", "id=12\ntype=write\nstate=running\nowner=0\nmtd=2\n",
				  &seen, &why, &j));
	EXPECT_TRUE(why && strstr(why, "missing key 'chip'"));
	EXPECT_EQ((1u << JOB_KEY_ID) | (1u << JOB_KEY_TYPE) | (1u << JOB_KEY_STATE) |
		  (1u << JOB_KEY_OWNER) | (1u << JOB_KEY_MTD), seen);
	EXPECT_EQ(JOB_WRITE, j->type);
	EXPECT_EQ(JOB_RUNNING, j->state);
	EXPECT_EQ(2, j->mtd);
	free(why);
	job_release(j);
}

TEST(too_many_args_rejected)
{
	struct strbuf b = {};
	uint32_t seen;
	char *why = NULL, *text;
	Job *j;

	strbuf_printf(&b, "id=7\n");
	for (int i = 0; i <= JOB_FILE_ARGS_MAX; i++)
		strbuf_printf(&b, "arg=-S\n");
	text = strbuf_steal(&b);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(-EBADMSG, parse("7", text, &seen, &why, &j));
	EXPECT_TRUE(why && strstr(why, "bad value for 'arg'"));
	free(why);
	free(text);
	job_release(j);
}

TEST_HARNESS_MAIN
