// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of mectld's persistence primitives (daemon/util.c): atomic replacement,
 * never-overwrite for backups, whole-file reads with a size cap, which output fds are
 * storage. The JSON writer's tests: tests/unit/common/common.c.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../../../daemon/util.h"

FIXTURE(dir) {
	char path[64];
	int fd;
};

FIXTURE_SETUP(dir)
{
	strcpy(self->path, "/tmp/mectld-unit.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->path));
	self->fd = open(self->path, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dir)
{
	char cmd[96];

	close(self->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->path);
	if (system(cmd) != 0)
		TH_LOG("cannot remove %s", self->path);
}

TEST_F(dir, atomic_replace_leaves_no_temporary)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	ASSERT_EQ(0, write_file_atomic(self->fd, "job", "one", 3));
	ASSERT_EQ(0, write_file_atomic(self->fd, "job", "second", 6));
	ASSERT_EQ(0, read_file_at(self->fd, "job", 100, &buf, &len));
	ASSERT_EQ((size_t)6, len);
	ASSERT_EQ(0, memcmp(buf, "second", 6));
	free(buf);
	ASSERT_EQ(-1, faccessat(self->fd, ".job.tmp", F_OK, 0));
}

TEST_F(dir, backup_is_never_overwritten)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	ASSERT_EQ(0, write_file_atomic_new(self->fd, "b.bin", "orig", 4));
	ASSERT_EQ(-EEXIST, write_file_atomic_new(self->fd, "b.bin", "evil", 4));
	ASSERT_EQ(0, read_file_at(self->fd, "b.bin", 100, &buf, &len));
	ASSERT_EQ(0, memcmp(buf, "orig", 4));
	free(buf);
	ASSERT_EQ(-1, faccessat(self->fd, ".b.bin.tmp", F_OK, 0));
}

TEST_F(dir, read_cap_is_enforced)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char big[4096];

	memset(big, 'x', sizeof(big));
	ASSERT_EQ(0, write_file_atomic(self->fd, "big", big, sizeof(big)));
	ASSERT_EQ(-EFBIG, read_file_at(self->fd, "big", 1000, &buf, &len));
	ASSERT_EQ(-ENOENT, read_file_at(self->fd, "missing", 1000, &buf, &len));
}

TEST_F(dir, output_fds_only_on_storage)
{
	const char *fs = "x";
	int fd, pipefd[2];

	fd = openat(self->fd, "out.bin", O_WRONLY | O_CREAT, 0600);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, fd_check_storage(fd, &fs));
	EXPECT_EQ(NULL, fs);
	close(fd);
	/* a regular file on proc (and sysfs, debugfs ...) is a kernel interface */
	fd = open("/proc/self/status", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EXDEV, fd_check_storage(fd, &fs));
	EXPECT_STREQ("proc", fs);
	close(fd);
	fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);
	if (fd >= 0) {
		EXPECT_EQ(-EXDEV, fd_check_storage(fd, &fs));
		EXPECT_STREQ("sysfs", fs);
		close(fd);
	}
	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(-EBADFD, fd_check_storage(pipefd[1], &fs));
	close(pipefd[0]);
	close(pipefd[1]);
	EXPECT_EQ(-EBADFD, fd_check_storage(self->fd, &fs));
}

TEST(sha256_of_abc)
{
	char hex[65];

	ASSERT_EQ(0, sha256_hex("abc", 3, hex));
	ASSERT_STREQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
}

TEST_HARNESS_MAIN
