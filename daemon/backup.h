/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_BACKUP_H
#define MECTLD_BACKUP_H

/*
 * Backups (backup.c): every verified read of a chip, in the state dir's backups/,
 * named by the chip's identity and the content's SHA-256 ("ID-SHA256.bin"), never
 * overwritten and never pruned. A write refuses a chip whose current content is not
 * among them (unless forced); a restore accepts only an image that is among them
 * (unless forced), and keeps the content it overwrites first when none holds it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Context Context;

/* Keep data as a backup of chip chip_id; its path in *ret_path (when not NULL). */
int backup_store(Context *c, const char *chip_id, const uint8_t *data, size_t len, char **ret_path);
/* The same in two steps: stage (write + fsync a hidden temporary), then commit (link). */
int backup_stage(Context *c, const char *chip_id, const char *sha256, const uint8_t *data,
		 size_t len, char **ret_tmp);
int backup_commit(Context *c, const char *tmp, const char *chip_id, const char *sha256,
		  char **ret_path);
void backup_discard(Context *c, const char *tmp);
bool backup_known(Context *c, const char *chip_id, const char *sha256);

#endif
