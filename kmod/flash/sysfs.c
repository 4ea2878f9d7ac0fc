// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: attributes of the attached spi_device (/sys/bus/spi/devices/
 * spiB.C/), one value per file, documented in kmod/flash/ABI.
 * They exist while the chip is attached: the driver core adds them after
 * probe and removes them before remove.
 */
#include <linux/device.h>
#include <linux/kstrtox.h>
#include <linux/sysfs.h>

#include "mectl_flash.h"

static struct mectl_chip *dev_to_chip(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t jedec_id_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct mectl_chip *chip = dev_to_chip(dev);

	return sysfs_emit(buf, "%*phN\n", MECTL_JEDEC_ID_LEN, chip->id);
}
static DEVICE_ATTR_RO(jedec_id);

static ssize_t manufacturer_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_chip(dev)->vendor->name);
}
static DEVICE_ATTR_RO(manufacturer);

static ssize_t part_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_chip(dev)->part ?: "unknown");
}
static DEVICE_ATTR_RO(part);

static ssize_t size_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)dev_to_chip(dev)->nor.mtd.size);
}
static DEVICE_ATTR_RO(size);

static ssize_t erase_size_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_to_chip(dev)->nor.mtd.erasesize);
}
static DEVICE_ATTR_RO(erase_size);

static ssize_t block_erase_size_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", mectl_block_erase_size(dev_to_chip(dev)));
}
static DEVICE_ATTR_RO(block_erase_size);

static ssize_t page_size_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_to_chip(dev)->nor.mtd.writebufsize);
}
static DEVICE_ATTR_RO(page_size);

static ssize_t mtd_index_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_to_chip(dev)->nor.mtd.index);
}
static DEVICE_ATTR_RO(mtd_index);

static ssize_t writeable_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(dev_to_chip(dev)->writeable));
}

static ssize_t writeable_store(struct device *dev,
			       struct device_attribute *attr, const char *buf,
			       size_t count)
{
	bool on;
	int ret;

	ret = kstrtobool(buf, &on);
	if (ret)
		return ret;
	mectl_chip_set_writeable(dev_to_chip(dev), on);
	return count;
}
static DEVICE_ATTR_RW(writeable);

static ssize_t mectl_sr_show(struct device *dev, unsigned int n, char *buf)
{
	u8 val;
	int ret;

	ret = mectl_read_sr(dev_to_chip(dev), n, &val);
	if (ret)
		return ret;
	return sysfs_emit(buf, "%02x\n", val);
}

static ssize_t sr1_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return mectl_sr_show(dev, 1, buf);
}
static DEVICE_ATTR_RO(sr1);

static ssize_t sr2_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return mectl_sr_show(dev, 2, buf);
}
static DEVICE_ATTR_RO(sr2);

static ssize_t sr3_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return mectl_sr_show(dev, 3, buf);
}
static DEVICE_ATTR_RO(sr3);

static struct attribute *mectl_attrs[] = {
	&dev_attr_jedec_id.attr,
	&dev_attr_manufacturer.attr,
	&dev_attr_part.attr,
	&dev_attr_size.attr,
	&dev_attr_erase_size.attr,
	&dev_attr_block_erase_size.attr,
	&dev_attr_page_size.attr,
	&dev_attr_mtd_index.attr,
	&dev_attr_writeable.attr,
	&dev_attr_sr1.attr,
	&dev_attr_sr2.attr,
	&dev_attr_sr3.attr,
	NULL,
};

/* sr2/sr3 only where the manufacturer has them (vendor.c). */
static umode_t mectl_attr_is_visible(struct kobject *kobj,
				     struct attribute *attr, int n)
{
	struct mectl_chip *chip = dev_to_chip(kobj_to_dev(kobj));

	if (attr == &dev_attr_sr2.attr && !chip->vendor->sr2_opcode)
		return 0;
	if (attr == &dev_attr_sr3.attr && !chip->vendor->sr3_opcode)
		return 0;
	return attr->mode;
}

static const struct attribute_group mectl_group = {
	.attrs = mectl_attrs,
	.is_visible = mectl_attr_is_visible,
};

const struct attribute_group *mectl_sysfs_groups[] = {
	&mectl_group,
	NULL,
};

/**
 * mectl_sysfs_notify_writeable() - wake poll() on the writeable attribute.
 * @chip: an attached chip.
 */
void mectl_sysfs_notify_writeable(struct mectl_chip *chip)
{
	sysfs_notify(&chip->spi->dev.kobj, NULL, "writeable");
}
