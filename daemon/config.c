// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the configuration file. A table of keys, each with its parser; the file is
 * read once at start, before the command line is applied over it.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "config.h"
#include "util.h"

typedef int (*config_parse_fn)(const char *value, void *dest);

static int parse_string(const char *value, void *dest)
{
	char **s = dest, *n = strdup(value);

	if (!n)
		return -ENOMEM;
	free(*s);
	*s = n;
	return 0;
}

/* A decimal number 1..max into an unsigned. */
static int parse_count(const char *value, unsigned long max, unsigned *dest)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)value[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || *end || v < 1 || v > max)
		return -EINVAL;
	*dest = (unsigned)v;
	return 0;
}

/* An MTD device as a key names it: /dev/mtdN or an MTD name (which may hold spaces). */
static int check_mtd(const char *value)
{
	if (strlen(value) > MECTLD_MTD_NAME_MAX)
		return -EINVAL;
	if (!strncmp(value, "/dev/", 5)) {
		const char *d = value + strlen("/dev/mtd");

		if (strncmp(value, "/dev/mtd", 8) || !*d || strspn(d, "0123456789") != strlen(d))
			return -EINVAL;
	}
	return 0;
}

/* One device per AllowMTD= line; an empty value clears. */
static int parse_allow_mtd(const char *value, void *dest)
{
	char ***list = dest, *v;
	int r;

	if (!*value) {
		strv_free(*list);
		*list = NULL;
		return 0;
	}
	if (check_mtd(value) < 0)
		return -EINVAL;
	v = strdup(value);
	if (!v)
		return -ENOMEM;
	r = strv_push(list, v);
	if (r < 0)
		free(v);
	return r;
}

/* InternalMTD=: a device as AllowMTD= names one, or "auto"; empty: none. */
static int parse_internal_mtd(const char *value, void *dest)
{
	if (*value && check_mtd(value) < 0)
		return -EINVAL;
	return parse_string(value, dest);
}

static int parse_keep_jobs(const char *value, void *dest)
{
	return parse_count(value, MECTLD_KEEP_JOBS_MAX, dest);
}

static int parse_image_jobs(const char *value, void *dest)
{
	return parse_count(value, MECTLD_IMAGE_JOBS_MAX, dest);
}

static const struct config_key {
	const char *name;
	config_parse_fn parse;
	size_t offset;
	const char *expect;	/* for the error message */
} config_keys[] = {
	{ "Group", parse_string, offsetof(struct mectld_config, group), "a group name" },
	{ "KeepJobs", parse_keep_jobs, offsetof(struct mectld_config, keep_jobs),
	  "a number of jobs, 1 to 100000" },
	{ "AllowMTD", parse_allow_mtd, offsetof(struct mectld_config, allow_mtd),
	  "/dev/mtdN or an MTD name (at most 127 characters)" },
	{ "ImageJobs", parse_image_jobs, offsetof(struct mectld_config, image_jobs),
	  "a number of jobs, 1 to 8" },
	{ "InternalMTD", parse_internal_mtd, offsetof(struct mectld_config, internal_mtd),
	  "auto, /dev/mtdN or an MTD name (at most 127 characters)" },
	{ "InternalProgrammer", parse_string, offsetof(struct mectld_config, internal_programmer),
	  "a flashrom programmer, e.g. internal" },
	{ "InternalChip", parse_string, offsetof(struct mectld_config, internal_chip),
	  "a flashrom chip name" },
};

int config_init(struct mectld_config *cfg)
{
	*cfg = (struct mectld_config) { .keep_jobs = MECTLD_KEEP_JOBS_DEFAULT,
					.image_jobs = MECTLD_IMAGE_JOBS_DEFAULT };
	cfg->group = strdup("mectl");
	return cfg->group ? 0 : -ENOMEM;
}

void config_done(struct mectld_config *cfg)
{
	free(cfg->group);
	cfg->group = NULL;
	strv_free(cfg->allow_mtd);
	cfg->allow_mtd = NULL;
	free(cfg->internal_mtd);
	cfg->internal_mtd = NULL;
	free(cfg->internal_programmer);
	cfg->internal_programmer = NULL;
	free(cfg->internal_chip);
	cfg->internal_chip = NULL;
}

static const struct config_key *config_key_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(config_keys); i++)
		if (!strcmp(config_keys[i].name, name))
			return &config_keys[i];
	return NULL;
}

int config_set(struct mectld_config *cfg, const char *key, const char *value)
{
	const struct config_key *k = config_key_find(key);

	if (!k)
		return -ENOENT;
	return k->parse(value, (char *)cfg + k->offset);
}

const char *config_expect(const char *key)
{
	const struct config_key *k = config_key_find(key);

	return k ? k->expect : "a known key";
}

static char *strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int config_load(struct mectld_config *cfg, const char *path, bool must_exist)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	unsigned n = 0;

	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		fprintf(stderr, "mectld: cannot read %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (getline(&line, &cap, f) >= 0) {
		const struct config_key *k;
		char *key, *value, *eq;
		int r;

		n++;
		key = strip(line);
		if (!*key || *key == '#' || *key == ';')
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			fprintf(stderr, "mectld: %s:%u: not a Key=Value line\n", path, n);
			return -EINVAL;
		}
		*eq = 0;
		key = strip(key);
		value = strip(eq + 1);
		k = config_key_find(key);
		if (!k) {
			fprintf(stderr, "mectld: %s:%u: unknown key '%s'\n", path, n, key);
			return -EINVAL;
		}
		r = k->parse(value, (char *)cfg + k->offset);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			fprintf(stderr, "mectld: %s:%u: %s: '%s' is not %s\n", path, n, key, value,
				k->expect);
			return -EINVAL;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "mectld: cannot read %s: %s\n", path, strerror(EIO));
		return -EIO;
	}
	return 0;
}
