// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: which MTD device is the host's own flash chip (host-chip.h). InternalMTD=
 * names it as /dev/mtdN, by MTD name, or "auto": the MTD device named "BIOS" (the
 * one partition spi-intel registers) under a device bound to the driver "intel-spi"
 * (spi-intel-pci's and spi-intel-platform's): in sysfs, mtdN's device is the SPI NOR
 * device (driver spi-nor), under the SPI controller, under the PCI or platform device
 * intel-spi drives. Every path is under a sysfs root the caller gives ("/sys"; a test
 * tree in the tests).
 */
#include <dirent.h>
#include <limits.h>
#include <string.h>

#include "host-chip.h"

#define SPI_INTEL_DRIVER "intel-spi"
#define SPI_INTEL_PART "BIOS"

void host_mtd_drivers(const char *sysfs, unsigned index, char *buf, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], link[PATH_MAX], drv[PATH_MAX + 8];
	size_t used = 0, root;
	char *slash;

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/class/mtd/mtd%u/device", sysfs, index);
	if (!realpath(sysfs, link) || !realpath(path, real))
		return;
	root = strlen(link);
	while (strlen(real) > root && used < len) {
		ssize_t n;

		snprintf(drv, sizeof(drv), "%s/driver", real);
		n = readlink(drv, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = 0;
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " < " : "",
						 strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
		}
		slash = strrchr(real, '/');
		if (!slash)
			break;
		*slash = 0;
	}
}

static bool has_driver(const char *drivers, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = drivers; (p = strstr(p, name)); p += n)
		if ((p == drivers || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
			return true;
	return false;
}

/* Is class/mtd entry d an MTD device ("mtdN", not "mtdNro")? Its index in *ret. */
static bool mtd_entry(const char *d, unsigned *ret)
{
	char *end;
	unsigned long n;

	if (strncmp(d, "mtd", 3) || !d[3] || d[3] < '0' || d[3] > '9')
		return false;
	n = strtoul(d + 3, &end, 10);
	if (*end || n > 65535)
		return false;
	*ret = (unsigned)n;
	return true;
}

int host_mtd_find(const char *sysfs, const char *want, char *err, size_t len)
{
	DIR *dir;
	char path[PATH_MAX], name[128], drivers[256];
	int found = -ENODEV, n = 0;
	bool autodetect = !strcmp(want, "auto");
	struct dirent *de;
	unsigned index;

	if (!strncmp(want, "/dev/", 5)) {
		if (!mtd_entry(want + 5, &index) || mtd_sysfs_attr(sysfs, index, "name", name, sizeof(name)) < 0) {
			snprintf(err, len, "no MTD device %s", want);
			return -ENODEV;
		}
		return (int)index;
	}
	snprintf(path, sizeof(path), "%s/class/mtd", sysfs);
	dir = opendir(path);
	while (dir && (de = readdir(dir))) {
		if (!mtd_entry(de->d_name, &index) ||
		    mtd_sysfs_attr(sysfs, index, "name", name, sizeof(name)) < 0)
			continue;
		if (autodetect) {
			host_mtd_drivers(sysfs, index, drivers, sizeof(drivers));
			if (strcmp(name, SPI_INTEL_PART) || !has_driver(drivers, SPI_INTEL_DRIVER))
				continue;
		} else if (strcmp(name, want)) {
			continue;
		}
		found = (int)index;
		n++;
	}
	if (dir)
		closedir(dir);
	if (n == 1)
		return found;
	if (n > 1)
		snprintf(err, len, "%d MTD devices are named %s: name one as /dev/mtdN in "
			 "InternalMTD=", n, autodetect ? SPI_INTEL_PART : want);
	else if (autodetect)
		snprintf(err, len, "no MTD device of the kernel's spi-intel driver (modprobe "
			 "spi-intel-pci; Debian's kernels do not build it: CONFIG_SPI_INTEL_PCI)");
	else
		snprintf(err, len, "no MTD device named %s", want);
	return n > 1 ? -ENOTUNIQ : -ENODEV;
}
