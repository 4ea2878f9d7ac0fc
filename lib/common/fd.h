/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_COMMON_FD_H
#define MECTL_COMMON_FD_H

/*
 * Whole-buffer I/O on file descriptors: short transfers and EINTR are retried.
 * Each returns 0 or -errno.
 *
 *   loop_read_at(fd, buf, len, off)     pread exactly len bytes at off (-EIO at the end)
 *   loop_write_at(fd, buf, len, off)    pwrite all of buf at off (-EIO where a device ends)
 *   loop_write(fd, buf, len)            write all of buf
 *   read_fd_all(fd, max, &buf, &len)    read fd to its end into a new malloc'ed buffer
 *                                       (one spare byte after it); -EFBIG past max bytes
 *   read_file_at(dirfd, name, max, ...) the same for the file name in dirfd (AT_FDCWD:
 *                                       a path)
 */
#include <stddef.h>
#include <stdint.h>

int loop_read_at(int fd, void *buf, size_t len, uint64_t off);
int loop_write_at(int fd, const void *buf, size_t len, uint64_t off);
int loop_write(int fd, const void *buf, size_t len);
int read_fd_all(int fd, size_t max, uint8_t **ret, size_t *ret_len);
int read_file_at(int dirfd, const char *name, size_t max, uint8_t **ret, size_t *ret_len);

#endif
