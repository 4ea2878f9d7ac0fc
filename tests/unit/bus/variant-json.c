// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of lib/bus/variant-json.c: a JSON object through a{sv} and back is equal
 * to itself (every JSON type, null, empty and mixed arrays, nesting), each value has
 * the D-Bus type include/mectl-dbus.h documents, and what is not an object is refused.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "bus-pair.h"
#include "variant-json.h"

/* obj as a{sv} in a sealed message, rewound for reading. */
static sd_bus_message *to_message(struct __test_metadata *_metadata, sd_bus *bus,
				  struct json_object *obj)
{
	sd_bus_message *m = NULL;

	ASSERT_LE(0, sd_bus_message_new_signal(bus, &m, "/t", "t.T", "S"));
	ASSERT_EQ(0, json_append_vardict(m, obj));
	ASSERT_LE(0, sd_bus_message_seal(m, 1, 0));
	ASSERT_LE(0, sd_bus_message_rewind(m, true));
	return m;
}

/* The D-Bus type key's value has in m's a{sv}. */
static void expect_type(struct __test_metadata *_metadata, sd_bus_message *m, const char *key,
			const char *want)
{
	const char *k, *contents;
	char type;
	bool found = false;

	ASSERT_LE(0, sd_bus_message_rewind(m, true));
	ASSERT_LE(0, sd_bus_message_enter_container(m, 'a', "{sv}"));
	while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
		ASSERT_LE(0, sd_bus_message_read(m, "s", &k));
		ASSERT_LE(0, sd_bus_message_peek_type(m, &type, &contents));
		if (!strcmp(k, key)) {
			EXPECT_STREQ(want, contents) TH_LOG("key %s", key);
			found = true;
		}
		ASSERT_LE(0, sd_bus_message_skip(m, "v"));
		ASSERT_LE(0, sd_bus_message_exit_container(m));
	}
	EXPECT_TRUE(found) TH_LOG("key %s", key);
}

FIXTURE(vj) {
	sd_bus *bus;
	int peer;
};

FIXTURE_SETUP(vj)
{
	ASSERT_LE(0, bus_pair_open(&self->bus, &self->peer));
}

FIXTURE_TEARDOWN(vj)
{
	bus_pair_close(self->bus, self->peer);
}

static const char doc[] =
	"{\"exit_code\":1,\"written\":false,\"seconds\":1.25,\"name\":\"a \\\"b\\\" \\u00e9\\n\","
	"\"kept\":null,\"none\":[],\"words\":[\"x\",\"y\"],\"offsets\":[1,-2,9007199254740993],"
	"\"log\":[{\"stream\":\"stdout\",\"text\":\"t\"}],\"mixed\":[1,\"two\",null,[],{}],"
	"\"nested\":{\"deeper\":{\"b\":true,\"empty\":{}}}}";

TEST_F(vj, round_trip_is_equal)
{
	struct json_object *in = json_tokener_parse(doc), *out = NULL;
	sd_bus_message *m;

	ASSERT_NE(NULL, in);
	m = to_message(_metadata, self->bus, in);
	ASSERT_EQ(0, json_read_vardict(m, &out));
	EXPECT_TRUE(json_object_equal(in, out)) TH_LOG("in %s\nout %s", json_text(in), json_text(out));
	json_object_put(out);
	sd_bus_message_unref(m);
	json_object_put(in);
}

TEST_F(vj, documented_types)
{
	static const char *const want[][2] = {
		{ "exit_code", "x" }, { "written", "b" }, { "seconds", "d" }, { "name", "s" },
		{ "kept", "av" }, { "none", "as" }, { "words", "as" }, { "offsets", "ax" },
		{ "log", "aa{sv}" }, { "mixed", "av" }, { "nested", "a{sv}" },
	};
	struct json_object *in = json_tokener_parse(doc);
	sd_bus_message *m;

	ASSERT_NE(NULL, in);
	m = to_message(_metadata, self->bus, in);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		expect_type(_metadata, m, want[i][0], want[i][1]);
	sd_bus_message_unref(m);
	json_object_put(in);
}

TEST_F(vj, not_an_object_is_refused)
{
	struct json_object *arr = json_tokener_parse("[1,2]");
	sd_bus_message *m = NULL;

	ASSERT_LE(0, sd_bus_message_new_signal(self->bus, &m, "/t", "t.T", "S"));
	EXPECT_EQ(-EINVAL, json_append_vardict(m, arr));
	sd_bus_message_unref(m);
	json_object_put(arr);
}

TEST_F(vj, text_form_is_compact_with_plain_slashes)
{
	struct json_object *o = json_tokener_parse("{ \"path\" : \"/org/mectl1\", \"n\" : [ 1 ] }");

	ASSERT_NE(NULL, o);
	EXPECT_STREQ("{\"path\":\"/org/mectl1\",\"n\":[1]}", json_text(o));
	json_object_put(o);
}

TEST_HARNESS_MAIN
