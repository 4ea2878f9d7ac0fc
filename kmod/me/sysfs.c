// SPDX-License-Identifier: GPL-2.0-only
/*
 * The intel_me class: /sys/class/intel_me/meN, one value per attribute, read from
 * the hardware on every access (see kmod/me/ABI).
 */
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "me.h"

static DEFINE_IDA(me_ida);

static struct me_dev *to_me(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t me_field_show(struct device *dev, char *buf, enum me_field f)
{
	struct me_dev *me = to_me(dev);
	u32 regs[ME_NR_HFSTS];
	char s[96];

	me_dev_read(me, regs);
	me_decode(me->chipset->layout, f, regs, s, sizeof(s));
	return sysfs_emit(buf, "%s\n", s);
}

static ssize_t me_reg_show(struct device *dev, char *buf, unsigned int i)
{
	u32 regs[ME_NR_HFSTS];

	me_dev_read(to_me(dev), regs);
	return sysfs_emit(buf, "0x%08x\n", regs[i]);
}

#define ME_REG_ATTR(n)								\
static ssize_t hfsts##n##_show(struct device *dev, struct device_attribute *a,	\
			       char *buf)					\
{										\
	return me_reg_show(dev, buf, (n) - 1);					\
}										\
static DEVICE_ATTR_RO(hfsts##n)

ME_REG_ATTR(1);
ME_REG_ATTR(2);
ME_REG_ATTR(3);
ME_REG_ATTR(4);
ME_REG_ATTR(5);
ME_REG_ATTR(6);

#define ME_FIELD_ATTR(_name, _field)						\
static ssize_t _name##_show(struct device *dev, struct device_attribute *a,	\
			    char *buf)						\
{										\
	return me_field_show(dev, buf, _field);					\
}										\
static DEVICE_ATTR_RO(_name)

ME_FIELD_ATTR(fw_partition_table, ME_FIELD_FW_PARTITION_TABLE);
ME_FIELD_ATTR(bringup_loader_failure, ME_FIELD_BRINGUP_LOADER_FAILURE);
ME_FIELD_ATTR(firmware_init_complete, ME_FIELD_FIRMWARE_INIT_COMPLETE);
ME_FIELD_ATTR(manufacturing_mode, ME_FIELD_MANUFACTURING_MODE);
ME_FIELD_ATTR(spi_protection_mode, ME_FIELD_MANUFACTURING_MODE);
ME_FIELD_ATTR(boot_options_present, ME_FIELD_BOOT_OPTIONS_PRESENT);
ME_FIELD_ATTR(update_in_progress, ME_FIELD_UPDATE_IN_PROGRESS);
ME_FIELD_ATTR(working_state, ME_FIELD_WORKING_STATE);
ME_FIELD_ATTR(operation_state, ME_FIELD_OPERATION_STATE);
ME_FIELD_ATTR(operation_mode, ME_FIELD_OPERATION_MODE);
ME_FIELD_ATTR(error_code, ME_FIELD_ERROR_CODE);
ME_FIELD_ATTR(progress_phase, ME_FIELD_PROGRESS_PHASE);
ME_FIELD_ATTR(pm_event, ME_FIELD_PM_EVENT);
ME_FIELD_ATTR(progress_phase_state, ME_FIELD_PROGRESS_PHASE_STATE);

static ssize_t disabled_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct me_dev *me = to_me(dev);
	u32 regs[ME_NR_HFSTS];

	me_dev_read(me, regs);
	return sysfs_emit(buf, "%s\n",
			  me_verdict_str(me_verdict(me->chipset->layout, regs, NULL)));
}
static DEVICE_ATTR_RO(disabled);

static ssize_t indicators_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct me_dev *me = to_me(dev);
	u32 regs[ME_NR_HFSTS];
	char s[160];

	me_dev_read(me, regs);
	me_indicators_str(me->chipset->layout, regs, s, sizeof(s));
	return sysfs_emit(buf, "%s\n", s);
}
static DEVICE_ATTR_RO(indicators);

static ssize_t pci_id_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct me_dev *me = to_me(dev);

	if (!me->device)
		return sysfs_emit(buf, "unknown\n");
	return sysfs_emit(buf, "8086:%04x\n", me->device);
}
static DEVICE_ATTR_RO(pci_id);

static ssize_t chipset_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_me(dev)->chipset->name);
}
static DEVICE_ATTR_RO(chipset);

static ssize_t generation_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_me(dev)->chipset->gen);
}
static DEVICE_ATTR_RO(generation);

static ssize_t layout_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", me_layout_get(to_me(dev)->chipset->layout)->name);
}
static DEVICE_ATTR_RO(layout);

static ssize_t source_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_me(dev)->ops->name);
}
static DEVICE_ATTR_RO(source);

static ssize_t hidden_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_me(dev)->hidden ? "yes" : "no");
}
static DEVICE_ATTR_RO(hidden);

static struct attribute *me_attrs[] = {
	&dev_attr_hfsts1.attr,
	&dev_attr_hfsts2.attr,
	&dev_attr_hfsts3.attr,
	&dev_attr_hfsts4.attr,
	&dev_attr_hfsts5.attr,
	&dev_attr_hfsts6.attr,
	&dev_attr_fw_partition_table.attr,
	&dev_attr_bringup_loader_failure.attr,
	&dev_attr_firmware_init_complete.attr,
	&dev_attr_manufacturing_mode.attr,
	&dev_attr_spi_protection_mode.attr,
	&dev_attr_boot_options_present.attr,
	&dev_attr_update_in_progress.attr,
	&dev_attr_working_state.attr,
	&dev_attr_operation_state.attr,
	&dev_attr_operation_mode.attr,
	&dev_attr_error_code.attr,
	&dev_attr_progress_phase.attr,
	&dev_attr_pm_event.attr,
	&dev_attr_progress_phase_state.attr,
	&dev_attr_disabled.attr,
	&dev_attr_indicators.attr,
	&dev_attr_pci_id.attr,
	&dev_attr_chipset.attr,
	&dev_attr_generation.attr,
	&dev_attr_layout.attr,
	&dev_attr_source.attr,
	&dev_attr_hidden.attr,
	NULL
};

static struct attribute * const me_reg_attrs[ME_NR_HFSTS] = {
	&dev_attr_hfsts1.attr, &dev_attr_hfsts2.attr, &dev_attr_hfsts3.attr,
	&dev_attr_hfsts4.attr, &dev_attr_hfsts5.attr, &dev_attr_hfsts6.attr,
};

/* Registers the function does not have, and the name bit 4 does not carry here. */
static umode_t me_attr_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	struct me_dev *me = to_me(kobj_to_dev(kobj));
	const struct me_layout_desc *ld = me_layout_get(me->chipset->layout);
	unsigned int i;

	for (i = me->chipset->nregs; i < ME_NR_HFSTS; i++)
		if (attr == me_reg_attrs[i])
			return 0;
	if (attr == &dev_attr_manufacturing_mode.attr ||
	    attr == &dev_attr_spi_protection_mode.attr)
		return strcmp(attr->name, ld->bit4_name) ? 0 : attr->mode;
	return attr->mode;
}

static const struct attribute_group me_group = {
	.attrs = me_attrs,
	.is_visible = me_attr_visible,
};

static const struct attribute_group *me_groups[] = {
	&me_group,
	NULL
};

/* Static and registered, not class_create()d: same call in every kernel. */
static struct class me_class = {
	.name = "intel_me",
	.dev_groups = me_groups,
};

/**
 * me_sysfs_notify_changes() - wake pollers of every attribute a change touches
 * @me: the device
 * @old: register values before
 * @now: register values after
 */
void me_sysfs_notify_changes(struct me_dev *me, const u32 *old, const u32 *now)
{
	const struct me_layout_desc *ld = me_layout_get(me->chipset->layout);
	struct kobject *kobj = &me->dev->kobj;
	bool decoded = false;
	unsigned int i;

	for (i = 0; i < ME_NR_HFSTS; i++) {
		if (old[i] == now[i])
			continue;
		sysfs_notify(kobj, NULL, me_reg_attrs[i]->name);
		if (i < 2)
			decoded = true;
	}
	if (decoded) {
		for (i = 0; i < ME_FIELD_COUNT; i++) {
			const char *name = me_fields[i].name;

			if (i == ME_FIELD_MANUFACTURING_MODE)
				name = ld->bit4_name;
			if (old[me_fields[i].reg] != now[me_fields[i].reg])
				sysfs_notify(kobj, NULL, name);
		}
		sysfs_notify(kobj, NULL, "disabled");
		sysfs_notify(kobj, NULL, "indicators");
	}
	kobject_uevent(kobj, KOBJ_CHANGE);
}

/**
 * me_sysfs_add() - create the class device meN for @me
 * @me: the device; @me->parent may be NULL
 *
 * Return: 0 on success, -errno otherwise.
 */
int me_sysfs_add(struct me_dev *me)
{
	struct device *dev;
	int id;

	id = ida_alloc(&me_ida, GFP_KERNEL);
	if (id < 0)
		return id;
	me->index = id;
	dev = device_create(&me_class, me->parent, MKDEV(0, 0), me, "me%d", id);
	if (IS_ERR(dev)) {
		ida_free(&me_ida, id);
		me->index = -1;
		return PTR_ERR(dev);
	}
	me->dev = dev;
	return 0;
}

/**
 * me_sysfs_remove() - remove the class device of @me
 * @me: the device (may never have been added)
 */
void me_sysfs_remove(struct me_dev *me)
{
	if (me->dev) {
		device_unregister(me->dev);
		me->dev = NULL;
	}
	if (me->index >= 0) {
		ida_free(&me_ida, me->index);
		me->index = -1;
	}
}

/**
 * me_sysfs_init() - register the intel_me class
 *
 * Return: 0 on success, -errno otherwise.
 */
int me_sysfs_init(void)
{
	return class_register(&me_class);
}

/**
 * me_sysfs_exit() - unregister the intel_me class
 */
void me_sysfs_exit(void)
{
	class_unregister(&me_class);
	ida_destroy(&me_ida);
}
