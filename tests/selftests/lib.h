/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_SELFTESTS_LIB_H
#define MECTL_SELFTESTS_LIB_H

/* Helpers shared by the C selftests that run in the VM (every area). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run a shell command line; its exit status, -1 if it did not exit normally. */
static inline int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	return r != -1 && WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* Write @val to a sysfs/debugfs file in one write(): 0 or -errno. */
static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

#endif
