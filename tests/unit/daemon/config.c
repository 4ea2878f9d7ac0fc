// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of mectld's configuration file (daemon/config.c): defaults, comments and
 * spacing, every key (AllowMTD= as a list, InternalMTD= as one device), and each kind of bad
 * content failing with -EINVAL.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../../../daemon/config.h"

FIXTURE(conf) {
	char path[64];
	struct mectld_config cfg;
};

FIXTURE_SETUP(conf)
{
	int fd;

	strcpy(self->path, "/tmp/mectld-conf.XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, config_init(&self->cfg));
}

FIXTURE_TEARDOWN(conf)
{
	config_done(&self->cfg);
	unlink(self->path);
}

static int load_text(const char *path, struct mectld_config *cfg, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fputs(text, f);
	fclose(f);
	return config_load(cfg, path, true);
}

TEST_F(conf, defaults)
{
	EXPECT_STREQ("mectl", self->cfg.group);
	EXPECT_EQ(100u, self->cfg.keep_jobs);
	EXPECT_EQ(NULL, self->cfg.allow_mtd);
	EXPECT_EQ(1u, self->cfg.image_jobs);
}

TEST_F(conf, image_jobs_from_one_to_eight)
{
	static const char *const bad[] = { "ImageJobs=0\n", "ImageJobs=9\n", "ImageJobs=two\n" };

	ASSERT_EQ(0, load_text(self->path, &self->cfg, "ImageJobs=2\n"));
	EXPECT_EQ(2u, self->cfg.image_jobs);
	ASSERT_EQ(0, config_set(&self->cfg, "ImageJobs", "8"));
	EXPECT_EQ(8u, self->cfg.image_jobs);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		TH_LOG("content: %s", bad[i]);
		EXPECT_EQ(-EINVAL, load_text(self->path, &self->cfg, bad[i]));
		EXPECT_EQ(8u, self->cfg.image_jobs);
	}
}

TEST_F(conf, keys_comments_and_spaces)
{
	ASSERT_EQ(0, load_text(self->path, &self->cfg,
			       "# mectld\n\n; another comment\n  Group = flashers  \n"
			       "KeepJobs=7\n"));
	EXPECT_STREQ("flashers", self->cfg.group);
	EXPECT_EQ(7u, self->cfg.keep_jobs);
}

TEST_F(conf, empty_group_means_root_only)
{
	ASSERT_EQ(0, load_text(self->path, &self->cfg, "Group=\n"));
	EXPECT_STREQ("", self->cfg.group);
}

TEST_F(conf, allow_mtd_adds_one_device_per_line_and_empty_clears)
{
	ASSERT_EQ(0, load_text(self->path, &self->cfg,
			       "AllowMTD=/dev/mtd0\nAllowMTD = BIOS \nAllowMTD=mtdram test device\n"));
	ASSERT_NE(NULL, self->cfg.allow_mtd);
	EXPECT_STREQ("/dev/mtd0", self->cfg.allow_mtd[0]);
	EXPECT_STREQ("BIOS", self->cfg.allow_mtd[1]);
	EXPECT_STREQ("mtdram test device", self->cfg.allow_mtd[2]);
	EXPECT_EQ(NULL, self->cfg.allow_mtd[3]);
	ASSERT_EQ(0, config_set(&self->cfg, "AllowMTD", ""));
	EXPECT_EQ(NULL, self->cfg.allow_mtd);
}

TEST_F(conf, internal_mtd_auto_a_path_or_a_name_and_empty_clears)
{
	static const char *const good[] = { "auto", "/dev/mtd3", "BIOS", "a name with spaces" };

	EXPECT_EQ(NULL, self->cfg.internal_mtd);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ASSERT_EQ(0, config_set(&self->cfg, "InternalMTD", good[i]));
		EXPECT_STREQ(good[i], self->cfg.internal_mtd);
	}
	ASSERT_EQ(0, load_text(self->path, &self->cfg, "InternalMTD = auto \n"));
	EXPECT_STREQ("auto", self->cfg.internal_mtd);
	ASSERT_EQ(0, config_set(&self->cfg, "InternalMTD", ""));
	EXPECT_STREQ("", self->cfg.internal_mtd);
}

TEST_F(conf, the_last_value_wins_and_the_command_line_overrides)
{
	ASSERT_EQ(0, load_text(self->path, &self->cfg, "KeepJobs=5\nKeepJobs=6\n"));
	EXPECT_EQ(6u, self->cfg.keep_jobs);
	ASSERT_EQ(0, config_set(&self->cfg, "KeepJobs", "100000"));
	EXPECT_EQ(100000u, self->cfg.keep_jobs);
	EXPECT_EQ(-ENOENT, config_set(&self->cfg, "Nope", "1"));
}

TEST_F(conf, bad_content_fails_and_keeps_other_values)
{
	static const char *const bad[] = {
		"Bogus=1\n",		/* unknown key */
		"group=mectl\n",	/* keys are case-sensitive */
		"KeepJobs\n",		/* no '=' */
		"KeepJobs=0\n",		/* out of range */
		"KeepJobs=100001\n",
		"KeepJobs=-3\n",
		"KeepJobs=12x\n",
		"KeepJobs=\n",
		"KeepJobs= 4 2\n",
		"AllowMTD=/dev/sda\n",	/* a path, but not an MTD device */
		"AllowMTD=/dev/mtd\n",
		"AllowMTD=/dev/mtd1x\n",
		"AllowMTD=/dev/mtdblock0\n",
		"InternalMTD=/dev/sda\n",	/* InternalMTD= names a device as AllowMTD= does */
		"InternalMTD=/dev/mtdblock0\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		TH_LOG("content: %s", bad[i]);
		EXPECT_EQ(-EINVAL, load_text(self->path, &self->cfg, bad[i]));
		EXPECT_EQ(100u, self->cfg.keep_jobs);
	}
}

TEST_F(conf, a_missing_file_is_fine_unless_named)
{
	EXPECT_EQ(0, config_load(&self->cfg, "/nonexistent/mectld.conf", false));
	EXPECT_EQ(-ENOENT, config_load(&self->cfg, "/nonexistent/mectld.conf", true));
	EXPECT_EQ(100u, self->cfg.keep_jobs);
}

TEST_HARNESS_MAIN
