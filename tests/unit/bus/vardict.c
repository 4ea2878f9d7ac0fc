// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of lib/bus/vardict.c: every type lands in its member, the given keys are
 * the seen bits, and an unknown key, a value of another type or a key given twice is
 * refused with one line naming it.
 */
#include <stdbool.h>
#include <string.h>

#include "kselftest_harness.h"
#include "bus-pair.h"
#include "vardict.h"

struct opts {
	bool flag;
	int32_t i;
	uint32_t u;
	int fd;
	const char *s;
};

static const struct vardict_field fields[] = {
	{ "flag", 'b', offsetof(struct opts, flag) },
	{ "i", 'i', offsetof(struct opts, i) },
	{ "u", 'u', offsetof(struct opts, u) },
	{ "fd", 'h', offsetof(struct opts, fd) },
	{ "s", 's', offsetof(struct opts, s) },
	{}
};

FIXTURE(vd) {
	sd_bus *bus;
	sd_bus_message *m;
	int peer;
	struct opts o;
	uint64_t seen;
	char *msg;
};

FIXTURE_SETUP(vd)
{
	ASSERT_LE(0, bus_pair_open(&self->bus, &self->peer));
	ASSERT_LE(0, sd_bus_message_new_signal(self->bus, &self->m, "/t", "t.T", "S"));
	self->o = (struct opts) { .fd = -1 };
}

FIXTURE_TEARDOWN(vd)
{
	free(self->msg);
	sd_bus_message_unref(self->m);
	bus_pair_close(self->bus, self->peer);
}

static int decode(struct __test_metadata *_metadata, FIXTURE_DATA(vd) *self)
{
	ASSERT_LE(0, sd_bus_message_seal(self->m, 1, 0));
	ASSERT_LE(0, sd_bus_message_rewind(self->m, true));
	return vardict_read(self->m, fields, "option", &self->o, &self->seen, &self->msg);
}

TEST_F(vd, every_type_in_its_member)
{
	ASSERT_LE(0, sd_bus_message_append(self->m, "a{sv}", 4, "flag", "b", 1, "i", "i", -2,
					   "u", "u", 4000000000u, "s", "s", "text"));
	ASSERT_EQ(0, decode(_metadata, self));
	EXPECT_TRUE(self->o.flag);
	EXPECT_EQ(-2, self->o.i);
	EXPECT_EQ(4000000000u, self->o.u);
	EXPECT_STREQ("text", self->o.s);
	EXPECT_EQ(-1, self->o.fd);
	EXPECT_EQ(0x17u, self->seen);	/* flag, i, u, s: not fd */
}

TEST_F(vd, a_file_descriptor)
{
	ASSERT_LE(0, sd_bus_message_append(self->m, "a{sv}", 1, "fd", "h", 0));
	ASSERT_EQ(0, decode(_metadata, self));
	EXPECT_LE(0, self->o.fd);
	EXPECT_EQ(0x8u, self->seen);
}

TEST_F(vd, empty_sets_nothing)
{
	ASSERT_LE(0, sd_bus_message_append(self->m, "a{sv}", 0));
	ASSERT_EQ(0, decode(_metadata, self));
	EXPECT_EQ(0u, self->seen);
	EXPECT_FALSE(self->o.flag);
}

static const struct {
	const char *key, *sig, *reason;
} refused[] = {
	{ "colour", "s", "unknown option 'colour'" },
	{ "flag", "s", "option 'flag' must have type b" },
	{ "u", "i", "option 'u' must have type u" },
};

TEST_F(vd, refusals_name_the_key)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int r;

		sd_bus_message_unref(self->m);
		ASSERT_LE(0, sd_bus_message_new_signal(self->bus, &self->m, "/t", "t.T", "S"));
		if (!strcmp(refused[i].sig, "s"))
			r = sd_bus_message_append(self->m, "a{sv}", 1, refused[i].key, "s", "x");
		else
			r = sd_bus_message_append(self->m, "a{sv}", 1, refused[i].key, "i", 1);
		ASSERT_LE(0, r);
		free(self->msg);
		self->msg = NULL;
		EXPECT_EQ(-EINVAL, decode(_metadata, self)) TH_LOG("row %zu", i);
		ASSERT_NE(NULL, self->msg);
		EXPECT_STREQ(refused[i].reason, self->msg);
	}
}

TEST_F(vd, a_key_twice)
{
	ASSERT_LE(0, sd_bus_message_append(self->m, "a{sv}", 2, "u", "u", 1, "u", "u", 2));
	EXPECT_EQ(-EINVAL, decode(_metadata, self));
	EXPECT_STREQ("option 'u' given twice", self->msg);
}

TEST_HARNESS_MAIN
