// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of how mectld finds the host's own chip as an MTD device
 * (daemon/mtd-sysfs.c), on a sysfs tree laid out as the kernel lays it out: the
 * MTD device of spi-intel's chip is the partition "BIOS" whose device is the SPI NOR
 * device (driver spi-nor), under the SPI controller, under the PCI function bound to
 * "intel-spi"; beside it a flashsim chip with a "BIOS" partition of its own and the
 * character devices' "mtdNro" entries. The rules under test:
 *  - InternalMTD=auto takes the one "BIOS" under intel-spi, none or several are
 *    refused with the reason (spi-intel absent names CONFIG_SPI_INTEL_PCI);
 *  - an MTD name must name one device; /dev/mtdN must exist;
 *  - the drivers above a device, nearest first.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../../../daemon/host-chip.h"

#define INTEL "devices/pci0000:00/0000:00:1f.5"
#define FLASHSIM "devices/platform/flashsim"

FIXTURE(sysfs) {
	char root[64];
	char err[256];
};

/* mkdir -p ROOT/PATH */
static void mkdirs(const char *root, const char *path)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, path);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void put(const char *root, const char *path, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, path);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void link_to(const char *root, const char *path, const char *target)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, path);
	unlink(p);
	if (symlink(target, p) < 0)
		perror(p);
}

/* An SPI NOR chip on controller SPI under PARENT with MTD mtdN named NAME. */
static void chip(const char *root, const char *parent, const char *spi, unsigned n,
		 const char *name)
{
	char dev[256], path[320], target[320];

	snprintf(dev, sizeof(dev), "%s/spi_master/%s/%s.0", parent, spi, spi);
	snprintf(path, sizeof(path), "%s/mtd/mtd%u", dev, n);
	mkdirs(root, path);
	snprintf(path, sizeof(path), "%s/mtd/mtd%u/name", dev, n);
	snprintf(target, sizeof(target), "%s\n", name);
	put(root, path, target);
	/* as the kernel links it: mtdN/device -> ../../../spiB.0 */
	snprintf(path, sizeof(path), "%s/mtd/mtd%u/device", dev, n);
	snprintf(target, sizeof(target), "../../../%s.0", spi);
	link_to(root, path, target);
	snprintf(path, sizeof(path), "%s/mtd/mtd%uro", dev, n);
	mkdirs(root, path);
	snprintf(path, sizeof(path), "%s/driver", dev);
	link_to(root, path, "/sys/bus/spi/drivers/spi-nor");
	snprintf(path, sizeof(path), "class/mtd/mtd%u", n);
	snprintf(target, sizeof(target), "../../%s/mtd/mtd%u", dev, n);
	link_to(root, path, target);
	snprintf(path, sizeof(path), "class/mtd/mtd%uro", n);
	snprintf(target, sizeof(target), "../../%s/mtd/mtd%uro", dev, n);
	link_to(root, path, target);
}

FIXTURE_SETUP(sysfs)
{
	snprintf(self->root, sizeof(self->root), "/tmp/mectl-sysfs.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	mkdirs(self->root, "class/mtd");
	mkdirs(self->root, INTEL);
	link_to(self->root, INTEL "/driver", "/sys/bus/pci/drivers/intel-spi");
	mkdirs(self->root, FLASHSIM);
	link_to(self->root, FLASHSIM "/driver", "/sys/bus/platform/drivers/flashsim");
	chip(self->root, INTEL, "spi0", 0, "BIOS");
	chip(self->root, FLASHSIM, "spi1", 1, "BIOS");
	chip(self->root, FLASHSIM, "spi2", 2, "spi2.0");
}

FIXTURE_TEARDOWN(sysfs)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->root);
	if (system(cmd) != 0)
		TH_LOG("cannot remove %s", self->root);
}

TEST_F(sysfs, auto_takes_the_bios_partition_under_intel_spi)
{
	EXPECT_EQ(0, host_mtd_find(self->root, "auto", self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
}

TEST_F(sysfs, drivers_nearest_first)
{
	char d[128];

	host_mtd_drivers(self->root, 0, d, sizeof(d));
	EXPECT_STREQ("spi-nor < intel-spi", d);
	host_mtd_drivers(self->root, 1, d, sizeof(d));
	EXPECT_STREQ("spi-nor < flashsim", d);
	host_mtd_drivers(self->root, 9, d, sizeof(d));
	EXPECT_STREQ("", d);
}

TEST_F(sysfs, auto_without_intel_spi)
{
	link_to(self->root, INTEL "/driver", "/sys/bus/pci/drivers/xhci_hcd");
	EXPECT_EQ(-ENODEV, host_mtd_find(self->root, "auto", self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "no MTD device of the kernel's spi-intel driver"));
	EXPECT_NE(NULL, strstr(self->err, "CONFIG_SPI_INTEL_PCI"));
}

TEST_F(sysfs, auto_with_two_intel_spi_chips)
{
	chip(self->root, INTEL, "spi3", 3, "BIOS");
	EXPECT_EQ(-ENOTUNIQ, host_mtd_find(self->root, "auto", self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "2 MTD devices are named BIOS: name one as /dev/mtdN"));
}

TEST_F(sysfs, by_name)
{
	EXPECT_EQ(2, host_mtd_find(self->root, "spi2.0", self->err, sizeof(self->err)));
	EXPECT_EQ(-ENOTUNIQ, host_mtd_find(self->root, "BIOS", self->err, sizeof(self->err)));
	EXPECT_EQ(-ENODEV, host_mtd_find(self->root, "spi9.0", self->err, sizeof(self->err)));
	EXPECT_STREQ("no MTD device named spi9.0", self->err);
}

TEST_F(sysfs, by_path)
{
	EXPECT_EQ(1, host_mtd_find(self->root, "/dev/mtd1", self->err, sizeof(self->err)));
	EXPECT_EQ(-ENODEV, host_mtd_find(self->root, "/dev/mtd7", self->err, sizeof(self->err)));
	EXPECT_STREQ("no MTD device /dev/mtd7", self->err);
	EXPECT_EQ(-ENODEV, host_mtd_find(self->root, "/dev/mtd1ro", self->err, sizeof(self->err)));
}

TEST_HARNESS_MAIN
