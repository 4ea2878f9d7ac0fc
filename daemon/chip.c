// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: which chip a job talks to, and its identity.
 *
 * Clients name a chip by MTD index (mectl --mtd /dev/mtdN sends N, never the path);
 * the daemon builds "/dev/mtdN" itself. A chip attached by mectl_flash is known to
 * the netlink family: its identity is its JEDEC id and size, and it is armed for writes. Any
 * other MTD device (mtdram while developing) is used as it is, identified by MTD
 * name and size, with nothing to arm. Jobs use such a device only when AllowMTD= in
 * mectld.conf names it (chip_allowed): the host's own flash is an MTD device too.
 */
#include <ctype.h>
#include <string.h>

#include "chip.h"
#include "util.h"

/* /sys/class/mtd/mtdN/ATTR's first line, into buf; -ENODEV without the device. */
static int mtd_sysfs_read(int mtd, const char *attr, char *buf, size_t len)
{
	return mtd_sysfs_attr("/sys", (unsigned)mtd, attr, buf, len) < 0 ? -ENODEV : 0;
}

int chip_allowed(const struct mectld_config *cfg, int mtd)
{
	struct chip_info info;
	char name[MECTLD_MTD_NAME_MAX + 2] = "", dev[32];
	int r;

	if (mtd < 0)
		return -ENODEV;
	r = kernel_find_mtd((uint32_t)mtd, &info);
	if (r >= 0)
		return 1;
	if (r != -ENOENT && r != -ENODEV)
		return r;
	r = mtd_sysfs_read(mtd, "name", name, sizeof(name));
	if (r < 0)
		return r;
	snprintf(dev, sizeof(dev), "/dev/mtd%d", mtd);
	for (char **a = cfg->allow_mtd; a && *a; a++)
		if (!strcmp(*a, dev) || !strcmp(*a, name))
			return 1;
	return 0;
}

int chip_identify(int mtd, Chip *ret)
{
	char name[64] = "", size[32] = "0";
	int r;

	if (mtd < 0)
		return -EINVAL;
	*ret = (Chip) {};
	r = kernel_find_mtd((uint32_t)mtd, &ret->info);
	if (r >= 0) {
		ret->managed = true;
		hex_encode(ret->info.jedec, ret->info.jedec_len, ret->jedec_hex);
		/* the whole JEDEC id (with its extended bytes) and the size the chip reports */
		snprintf(ret->id, sizeof(ret->id), "jedec-%s-%llu", ret->jedec_hex,
			 (unsigned long long)ret->info.size);
		return 0;
	}
	if (r != -ENOENT && r != -ENODEV)
		return r;

	r = mtd_sysfs_read(mtd, "name", name, sizeof(name));
	if (r < 0)
		return r;
	if (mtd_sysfs_read(mtd, "size", size, sizeof(size)) < 0 || !*size)
		strcpy(size, "0");
	for (char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p))
			*p = '_';
	snprintf(ret->id, sizeof(ret->id), "mtd-%s-%s", name, size);
	ret->info.mtd_index = (uint32_t)mtd;
	ret->info.has_mtd = true;
	snprintf(ret->info.mtd_name, sizeof(ret->info.mtd_name), "%s", name);
	return 0;
}

int chip_arm(Chip *chip, bool on)
{
	int r;

	if (!chip->managed)
		return 0;
	r = kernel_arm(chip->info.bus, chip->info.cs, on);
	if (r >= 0)
		chip->armed = on;
	return r;
}

int resolve_default_mtd(int *ret_mtd)
{
	_cleanup_free_ struct chip_info *chips = NULL;
	size_t n = 0, found = 0;
	int mtd = -1, r;

	r = kernel_list_chips(&chips, &n);
	if (r < 0)
		return r == -ENOENT ? -ENODEV : r;
	for (size_t i = 0; i < n; i++)
		if (chips[i].has_mtd) {
			found++;
			mtd = (int)chips[i].mtd_index;
		}
	if (found == 0)
		return -ENODEV;
	if (found > 1)
		return -ENOTUNIQ;
	*ret_mtd = mtd;
	return 0;
}

void chip_to_json(const Chip *chip, uint64_t size, uint32_t erasesize, struct strbuf *b)
{
	strbuf_printf(b, "\"chip\":{\"id\":");
	json_str(b, chip->id);
	strbuf_printf(b, ",\"managed\":%s,\"mtd\":%u,\"mtd_name\":", chip->managed ? "true" : "false",
		      chip->info.mtd_index);
	json_str(b, chip->info.mtd_name);
	strbuf_printf(b, ",\"size\":%llu,\"erase_size\":%u", (unsigned long long)size, erasesize);
	if (chip->managed) {
		strbuf_printf(b, ",\"bus\":%u,\"cs\":%u,\"speed_hz\":%u,\"jedec_id\":\"%s\",\"manufacturer\":",
			      chip->info.bus, chip->info.cs, chip->info.speed_hz, chip->jedec_hex);
		json_str(b, chip->info.manufacturer);
		strbuf_printf(b, ",\"part\":");
		json_str(b, chip->info.part);
		strbuf_printf(b, ",\"block_erase_size\":%u", chip->info.block_erase_size);
		strbuf_printf(b, ",\"page_size\":%u,\"writeable\":%s", chip->info.page_size,
			      chip->info.writeable ? "true" : "false");
		for (int i = 0; i < 3; i++)
			if (chip->info.has_sr[i])
				strbuf_printf(b, ",\"sr%d\":%u", i + 1, chip->info.sr[i]);
	}
	strbuf_printf(b, "}");
}
