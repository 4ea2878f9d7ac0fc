/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_CONFIG_H
#define MECTLD_CONFIG_H

/*
 * mectld's configuration file (default /etc/mectl/mectld.conf): "Key=Value" lines,
 * '#' or ';' comments, blank lines; spaces around key and value are ignored. Keys are
 * listed in config.c's table; mectld(8) documents them. Command-line options override
 * the file.
 */
#include <stdbool.h>

#define MECTLD_CONFIG_FILE "/etc/mectl/mectld.conf"
#define MECTLD_KEEP_JOBS_DEFAULT 100u
#define MECTLD_KEEP_JOBS_MAX 100000u
/* The longest MTD name AllowMTD= can hold; the kernel's are far shorter. */
#define MECTLD_MTD_NAME_MAX 127u
#define MECTLD_IMAGE_JOBS_DEFAULT 1u
#define MECTLD_IMAGE_JOBS_MAX 8u

struct mectld_config {
	char *group;		/* members may run chip jobs; "" = no group */
	unsigned keep_jobs;	/* finished jobs kept, 1..MECTLD_KEEP_JOBS_MAX */
	char **allow_mtd;	/* MTD devices not attached by mectl_flash that jobs may
				 * use: "/dev/mtdN" or an MTD name; NULL-terminated */
	unsigned image_jobs;	/* check/clean jobs run at once, 1..MECTLD_IMAGE_JOBS_MAX */
	char *internal_mtd;	/* the host's own chip as an MTD device (spi-intel's):
				 * "auto", "/dev/mtdN" or an MTD name; NULL: none */
	char *internal_programmer;	/* libflashrom programmer[:params] for jobs on the
					 * host's own chip where internal_mtd finds nothing;
					 * NULL with internal_mtd NULL: internal flashing off */
	char *internal_chip;	/* flashrom's chip name when its probe finds several */
};

/* The built-in defaults (group "mectl", 100 jobs, no other MTD); -ENOMEM only. */
int config_init(struct mectld_config *cfg);
void config_done(struct mectld_config *cfg);

/*
 * Apply the file at path to cfg. A missing file is 0 unless must_exist. Any error
 * is reported as one line on stderr naming the file (and line), then -errno
 * (-EINVAL for bad content); cfg may then be partly updated.
 */
int config_load(struct mectld_config *cfg, const char *path, bool must_exist);

/* One value, as from the file: key is a config key ("KeepJobs"); -EINVAL if bad. */
int config_set(struct mectld_config *cfg, const char *key, const char *value);
/* What a key's value must be, for messages ("a number of jobs, 1 to 100000"). */
const char *config_expect(const char *key);

#endif
