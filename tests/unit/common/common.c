// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of lib/common: the string builder, the JSON string writer (the same
 * literal into a strbuf and into a stream), whole-fd I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fd.h"
#include "json.h"
#include "strbuf.h"

/* The literal of s from json_str(), checked equal to json_fstr()'s. */
static char *literal(const char *s)
{
	struct strbuf b = {};
	char *mem = NULL, *out;
	size_t n = 0;
	FILE *f;

	json_str(&b, s);
	out = strbuf_steal(&b);
	f = open_memstream(&mem, &n);
	if (!out || !f)
		abort();
	json_fstr(f, s);
	fclose(f);
	if (strcmp(out, mem)) {
		fprintf(stderr, "json_str \"%s\" != json_fstr \"%s\"\n", out, mem);
		free(out);
		out = NULL;
	}
	free(mem);
	return out;
}

#define EXPECT_LITERAL(want, s) do {		\
		char *got_ = literal(s);		\
		ASSERT_NE(NULL, got_);			\
		EXPECT_STREQ(want, got_);		\
		free(got_);				\
	} while (0)

TEST(strbuf_appends_and_steals)
{
	struct strbuf b = {};
	char *s;

	strbuf_add(&b, "ab", 2);
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&b, "%03d", i % 1000);
	ASSERT_EQ((size_t)3002, b.len);
	s = strbuf_steal(&b);
	ASSERT_NE(NULL, s);
	EXPECT_EQ(0, strncmp(s, "ab000001002", 11));
	EXPECT_STREQ("999", s + 2999);
	EXPECT_EQ(NULL, b.s);
	free(s);
}

TEST(strbuf_failed_stays_failed)
{
	struct strbuf b = {};

	strbuf_printf(&b, "x");
	b.oom = true;
	strbuf_add(&b, "y", 1);
	EXPECT_EQ(NULL, strbuf_steal(&b));
	EXPECT_EQ(NULL, b.s);
}

TEST(json_escaping)
{
	EXPECT_LITERAL("\"a\\\"b\\\\c\\nd\\u0001\"", "a\"b\\c\nd\x01");
	EXPECT_LITERAL("\"\\b\\f\\r\\t\\u001f\\u007f\"", "\b\f\r\t\x1f\x7f");
	EXPECT_LITERAL("null", NULL);
	EXPECT_LITERAL("\"\"", "");
}

TEST(json_utf8_copied_other_bytes_latin1)
{
	/* é, €, U+10348: well-formed, copied */
	EXPECT_LITERAL("\"\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88\"", "\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88");
	/* a lone continuation byte, 0xFF, an overlong '/', a surrogate, a cut sequence */
	EXPECT_LITERAL("\"\\u0080\\u00ff\"", "\x80\xff");
	EXPECT_LITERAL("\"\\u00c0\\u00af\"", "\xc0\xaf");
	EXPECT_LITERAL("\"\\u00ed\\u00a0\\u0080\"", "\xed\xa0\x80");
	EXPECT_LITERAL("\"\\u00e2\\u0082x\"", "\xe2\x82x");
	EXPECT_LITERAL("\"\\u00f4\\u0090\\u0080\\u0080\"", "\xf4\x90\x80\x80");
}

TEST(fd_whole_reads_and_writes)
{
	char path[] = "/tmp/mectl-common.XXXXXX";
	uint8_t *buf = NULL;
	char part[4];
	size_t len = 0;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ(0, loop_write(fd, "0123456789", 10));
	ASSERT_EQ(0, loop_read_at(fd, part, 4, 3));
	EXPECT_EQ(0, memcmp(part, "3456", 4));
	EXPECT_EQ(-EIO, loop_read_at(fd, part, 4, 8));
	ASSERT_EQ(0, (int)lseek(fd, 0, SEEK_SET));
	ASSERT_EQ(0, read_fd_all(fd, 10, &buf, &len));
	ASSERT_EQ((size_t)10, len);
	EXPECT_EQ(0, memcmp(buf, "0123456789", 10));
	free(buf);
	buf = NULL;
	ASSERT_EQ(0, (int)lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(-EFBIG, read_fd_all(fd, 9, &buf, &len));
	EXPECT_EQ(NULL, buf);
	ASSERT_EQ(0, loop_write_at(fd, "ab", 2, 4));
	ASSERT_EQ(0, loop_read_at(fd, part, 4, 3));
	EXPECT_EQ(0, memcmp(part, "3ab6", 4));
	close(fd);
}

TEST_HARNESS_MAIN
