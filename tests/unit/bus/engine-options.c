// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of lib/bus/engine-options.c: what the client encodes is what mectld
 * decodes (every option), and what me_cleaner's command line refuses is refused here
 * too, with one line naming it: an unknown key, a wrong type, a string twice, -S with
 * -s, -w with -b, a --pch outside lp/h, -c with -S.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "bus-pair.h"
#include "engine-options.h"

FIXTURE(eo) {
	sd_bus *bus;
	sd_bus_message *m;
	int peer;
	struct engine_options got;
	char *msg;
};

FIXTURE_SETUP(eo)
{
	ASSERT_LE(0, bus_pair_open(&self->bus, &self->peer));
	ASSERT_LE(0, sd_bus_message_new_signal(self->bus, &self->m, "/t", "t.T", "S"));
}

FIXTURE_TEARDOWN(eo)
{
	engine_options_done(&self->got);
	free(self->msg);
	sd_bus_message_unref(self->m);
	bus_pair_close(self->bus, self->peer);
}

/* Seal, rewind, decode and check: the result of read, else of validate. */
static int decode(struct __test_metadata *_metadata, FIXTURE_DATA(eo) *self)
{
	int r;

	ASSERT_LE(0, sd_bus_message_seal(self->m, 1, 0));
	ASSERT_LE(0, sd_bus_message_rewind(self->m, true));
	r = engine_options_read(self->m, &self->got, &self->msg);
	if (r < 0)
		return r;
	return engine_options_validate(&self->got, &self->msg);
}

TEST_F(eo, every_option_round_trips)
{
	struct img_options o = {
		.output = "out.bin", .soft_disable = true, .relocate = true, .truncate = true,
		.keep_modules = true, .whitelist = "MFS,EFFS", .descriptor = true,
		.extract_descriptor = "fd.bin", .extract_me = "me.bin", .json = true, .force = true,
		.pch = "lp",
	};
	const struct img_options *g = &self->got.o;

	ASSERT_LE(0, engine_options_append(self->m, &o));
	/* every value is read first; then the checks refuse -r with -w, as me_cleaner does */
	ASSERT_EQ(-EINVAL, decode(_metadata, self));
	EXPECT_STREQ("Relocation is not yet supported with custom whitelist or blacklist", self->msg);
	EXPECT_TRUE(g->soft_disable && g->relocate && g->truncate && g->keep_modules &&
		    g->descriptor && g->json && g->force);
	EXPECT_FALSE(g->soft_disable_only || g->check);
	EXPECT_STREQ("out.bin", g->output);
	EXPECT_STREQ("MFS,EFFS", g->whitelist);
	EXPECT_EQ(NULL, g->blacklist);
	EXPECT_STREQ("fd.bin", g->extract_descriptor);
	EXPECT_STREQ("me.bin", g->extract_me);
	EXPECT_STREQ("lp", g->pch);
}

TEST_F(eo, nothing_set_is_a_plain_clean)
{
	struct img_options o = {};

	ASSERT_LE(0, engine_options_append(self->m, &o));
	ASSERT_EQ(0, decode(_metadata, self));
	EXPECT_EQ(0, memcmp(&o, &self->got.o, sizeof(o)));
}

static const struct {
	const char *key, *type, *value;
	const char *key2, *type2, *value2;
	const char *msg;
} bad[] = {
	{ "colour", "s", "red", NULL, NULL, NULL, "unknown engine option 'colour'" },
	{ "soft_disable", "s", "yes", NULL, NULL, NULL, "engine option 'soft_disable' must have type b" },
	{ "pch", "s", "x", NULL, NULL, NULL, "option 'pch': invalid choice 'x'" },
	{ "whitelist", "s", "MFS", "whitelist", "s", "EFFS", "engine option 'whitelist' given twice" },
	{ "soft_disable", "b", "1", "soft_disable_only", "b", "1",
	  "option 'soft_disable' is not allowed with 'soft_disable_only'" },
	{ "whitelist", "s", "MFS", "blacklist", "s", "EFFS",
	  "option 'whitelist' is not allowed with 'blacklist'" },
	{ "check", "b", "1", "soft_disable", "b", "1", "-c can't be used with -S, -s, -r, -d, -t or -O" },
};

static int append_one(sd_bus_message *m, const char *key, const char *type, const char *value)
{
	if (!key)
		return 0;
	if (type[0] == 'b')
		return sd_bus_message_append(m, "{sv}", key, "b", (int)(value[0] == '1'));
	return sd_bus_message_append(m, "{sv}", key, "s", value);
}

TEST_F(eo, refusals_name_the_problem)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sd_bus_message_unref(self->m);
		engine_options_done(&self->got);
		free(self->msg);
		self->msg = NULL;
		ASSERT_LE(0, sd_bus_message_new_signal(self->bus, &self->m, "/t", "t.T", "S"));
		ASSERT_LE(0, sd_bus_message_open_container(self->m, 'a', "{sv}"));
		ASSERT_LE(0, append_one(self->m, bad[i].key, bad[i].type, bad[i].value));
		ASSERT_LE(0, append_one(self->m, bad[i].key2, bad[i].type2, bad[i].value2));
		ASSERT_LE(0, sd_bus_message_close_container(self->m));
		EXPECT_EQ(-EINVAL, decode(_metadata, self)) TH_LOG("case %zu", i);
		EXPECT_STREQ(bad[i].msg, self->msg ? self->msg : "(none)");
	}
}

TEST_HARNESS_MAIN
