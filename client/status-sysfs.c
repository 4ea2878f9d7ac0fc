// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl status: one /sys/class/intel_me/meN device, read as mectl_me publishes it
 * (one value per file, see kmod/me/ABI). Every attribute file is read: the field
 * names come from the device, and the indicators of a disabled ME from its
 * indicators attribute, so the client decides nothing the module already decides.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "status.h"

/* Read one sysfs value, first line only. Return 0 or -errno. */
static int read_attr(int dirfd, const char *name, char **value)
{
	_cleanup_(closep) int fd = -1;
	char buf[256];
	ssize_t n;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	*value = strdup(buf);
	return *value ? 0 : -ENOMEM;
}

static int first_device(const char *class_dir, char *name, size_t len)
{
	DIR *d = opendir(class_dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -errno;
	name[0] = 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "me", 2) || !e->d_name[2])
			continue;
		/* lowest index wins: me2 after me10 in readdir order is not guaranteed */
		if (!found || strtoul(e->d_name + 2, NULL, 10) < strtoul(name + 2, NULL, 10)) {
			snprintf(name, len, "%s", e->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found ? 0 : -ENODEV;
}

static bool is_file(DIR *d, const struct dirent *e)
{
	struct stat st;

	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_REG;
	return fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static int add_attr(struct status_sysfs *s, const char *name, char *value)
{
	struct sysfs_attr *a = realloc(s->attrs, (s->n_attrs + 1) * sizeof(*a));

	if (!a) {
		free(value);
		return -ENOMEM;
	}
	s->attrs = a;
	a[s->n_attrs].name = strdup(name);
	a[s->n_attrs].value = value;
	if (!a[s->n_attrs].name) {
		free(value);
		return -ENOMEM;
	}
	s->n_attrs++;
	return 0;
}

/* Every regular file of the device directory; a file that cannot be read is left out. */
static int read_attrs(struct status_sysfs *s)
{
	DIR *d = opendir(s->dir);
	struct dirent *e;
	int r = 0;

	if (!d)
		return -errno;
	while (!r && (e = readdir(d))) {
		char *value = NULL;

		if (!is_file(d, e))
			continue;
		r = read_attr(dirfd(d), e->d_name, &value);
		/* hfsts1 says there are registers: not reading it is an error */
		if (r < 0 && r != -ENOMEM && strcmp(e->d_name, "hfsts1")) {
			r = 0;
			continue;
		}
		if (!r)
			r = add_attr(s, e->d_name, value);
	}
	closedir(d);
	return r;
}

/* The indicators attribute: names separated by spaces, or "not accessible". */
static int split_indicators(struct status_sysfs *s)
{
	const char *v = status_sysfs_get(s, "indicators");
	_cleanup_(freep) char *copy = NULL;
	char *save, *w;

	if (!v || !strcmp(v, "not accessible"))
		return 0;
	copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char **ind = realloc(s->indicators, (s->n_indicators + 1) * sizeof(*ind));

		if (!ind)
			return -ENOMEM;
		s->indicators = ind;
		ind[s->n_indicators] = strdup(w);
		if (!ind[s->n_indicators])
			return -ENOMEM;
		s->n_indicators++;
	}
	return 0;
}

/**
 * status_sysfs_load() - read one intel_me device
 * @s: zeroed; filled in, free with status_sysfs_free() whatever the result
 * @root: prefix of /sys ("" for the real one)
 * @want: the device name (meN), or NULL for the lowest-numbered one
 *
 * A missing module, device, or hidden function is a @s->state, not an error.
 *
 * Return: 0, or -errno when the device exists and cannot be read.
 */
int status_sysfs_load(struct status_sysfs *s, const char *root, const char *want)
{
	char classdir[4096];
	const char *h1;
	int r;

	snprintf(classdir, sizeof(classdir), "%s/sys/class/intel_me", root);
	if (access(classdir, F_OK) < 0) {
		s->state = SYSFS_NO_MODULE;
		return 0;
	}
	if (want)
		snprintf(s->device, sizeof(s->device), "%s", want);
	else if (first_device(classdir, s->device, sizeof(s->device)) < 0) {
		s->state = SYSFS_NO_DEVICE;
		return 0;
	}
	snprintf(s->dir, sizeof(s->dir), "%s/%s", classdir, s->device);
	r = read_attrs(s);
	if (r == -ENOENT || (!r && !status_sysfs_get(s, "hfsts1"))) {
		s->state = SYSFS_NO_DEVICE;
		return 0;
	}
	if (r < 0)
		return r;
	r = split_indicators(s);
	if (r < 0)
		return r;
	h1 = status_sysfs_get(s, "hfsts1");
	if (!strcmp(status_sysfs_get(s, "hidden") ?: "", "yes"))
		s->state = SYSFS_HIDDEN;
	else
		s->state = strcmp(h1, "0xffffffff") ? SYSFS_OK : SYSFS_INACCESSIBLE;
	return 0;
}

/**
 * status_sysfs_free() - release what status_sysfs_load() allocated
 * @s: the device
 */
void status_sysfs_free(struct status_sysfs *s)
{
	unsigned int i;

	for (i = 0; i < s->n_attrs; i++) {
		free(s->attrs[i].name);
		free(s->attrs[i].value);
	}
	free(s->attrs);
	for (i = 0; i < s->n_indicators; i++)
		free(s->indicators[i]);
	free(s->indicators);
	s->attrs = NULL;
	s->indicators = NULL;
	s->n_attrs = s->n_indicators = 0;
}

/**
 * status_sysfs_get() - the value of one attribute
 * @s: the device
 * @name: attribute file name
 *
 * Return: its first line, or NULL when the device has no such file.
 */
const char *status_sysfs_get(const struct status_sysfs *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n_attrs; i++)
		if (!strcmp(s->attrs[i].name, name))
			return s->attrs[i].value;
	return NULL;
}

/**
 * status_sysfs_indicates() - does the module count this field as a sign of a disabled ME
 * @s: the device
 * @name: field attribute name, as the indicators attribute lists it
 *
 * Return: true when @name is among the indicators.
 */
bool status_sysfs_indicates(const struct status_sysfs *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n_indicators; i++)
		if (!strcmp(s->indicators[i], name))
			return true;
	return false;
}
