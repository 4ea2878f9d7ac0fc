// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the backups of chip contents (backup.h).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "mectld.h"

static void backup_name(const char *chip_id, const char *sha256, char *out, size_t len)
{
	snprintf(out, len, "%s-%s.bin", chip_id, sha256);
}

int backup_stage(Context *c, const char *chip_id, const char *sha256, const uint8_t *data,
		 size_t len, char **ret_tmp)
{
	char name[256];

	snprintf(name, sizeof(name), ".%s-%s.bin.tmp", chip_id, sha256);
	*ret_tmp = strdup(name);
	if (!*ret_tmp)
		return -ENOMEM;
	return write_file_staged(c->backups_fd, name, data, len);
}

int backup_commit(Context *c, const char *tmp, const char *chip_id, const char *sha256,
		  char **ret_path)
{
	char name[256];
	int r;

	backup_name(chip_id, sha256, name, sizeof(name));
	r = commit_staged(c->backups_fd, tmp, name, false);
	if (r < 0 && r != -EEXIST)	/* the same bytes are already kept: fine */
		return r;
	if (ret_path && asprintf(ret_path, "%s/backups/%s", c->state_dir, name) < 0)
		return -ENOMEM;
	return 0;
}

void backup_discard(Context *c, const char *tmp)
{
	if (tmp)
		(void) unlinkat(c->backups_fd, tmp, 0);
}

int backup_store(Context *c, const char *chip_id, const uint8_t *data, size_t len, char **ret_path)
{
	_cleanup_free_ char *tmp = NULL;
	char sha[65];
	int r;

	r = sha256_hex(data, len, sha);
	if (r < 0)
		return r;
	r = backup_stage(c, chip_id, sha, data, len, &tmp);
	if (r < 0)
		return r;
	return backup_commit(c, tmp, chip_id, sha, ret_path);
}

bool backup_known(Context *c, const char *chip_id, const char *sha256)
{
	char name[256];

	backup_name(chip_id, sha256, name, sizeof(name));
	return faccessat(c->backups_fd, name, F_OK, 0) == 0;
}
