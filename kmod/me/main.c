// SPDX-License-Identifier: GPL-2.0-only
/*
 * mectl_me: Intel ME status (HFSTS1..6) in /sys/class/intel_me/meN.
 *
 * The module never binds the MEI function: it reads PCI config space next to
 * mei_me, which keeps the function. Values are read again on every sysfs access;
 * with poll_ms set, a work item also re-reads them periodically and signals
 * changes through sysfs_notify() and a KOBJ_CHANGE uevent.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "me.h"

static bool unhide;
module_param(unhide, bool, 0444);
MODULE_PARM_DESC(unhide,
		 "reveal an MEI function hidden through RCBA FD2.ME1D (5..9 Series PCH only; default off)");

static unsigned int poll_ms;
static bool me_ready;
/* orders poll_ms writes against module exit: no re-arm once exit began */
static DEFINE_MUTEX(me_poll_lock);
static LIST_HEAD(me_devices);
static DEFINE_MUTEX(me_devices_lock);

static void me_poll_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(me_poll_work, me_poll_fn);

#define ME_POLL_MIN_MS	10

static void me_poll_arm(void)
{
	unsigned int ms = READ_ONCE(poll_ms);

	if (ms)
		mod_delayed_work(system_wq, &me_poll_work, msecs_to_jiffies(ms));
	else
		cancel_delayed_work(&me_poll_work);
}

static int poll_ms_set(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;
	int r;

	r = kstrtouint(val, 0, &ms);
	if (r)
		return r;
	if (ms && ms < ME_POLL_MIN_MS)
		return -EINVAL;
	mutex_lock(&me_poll_lock);
	WRITE_ONCE(poll_ms, ms);
	if (me_ready)
		me_poll_arm();
	mutex_unlock(&me_poll_lock);
	return 0;
}

static const struct kernel_param_ops poll_ms_ops = {
	.set = poll_ms_set,
	.get = param_get_uint,
};
module_param_cb(poll_ms, &poll_ms_ops, &poll_ms, 0644);
MODULE_PARM_DESC(poll_ms, "re-read the registers every N ms (>= 10) and notify changes; 0 = off (default)");

/**
 * me_poll_enabled() - is the periodic re-read on
 *
 * Return: true when poll_ms is non-zero.
 */
bool me_poll_enabled(void)
{
	return READ_ONCE(poll_ms) != 0;
}

/**
 * me_dev_alloc() - allocate a device record
 * @ops: register source
 * @chipset: chipset family, never NULL
 * @device: MEI PCI device ID, 0 when unknown (hidden function)
 *
 * Return: the record, or NULL when out of memory.
 */
struct me_dev *me_dev_alloc(const struct me_backend_ops *ops,
			    const struct me_chipset *chipset, u16 device)
{
	struct me_dev *me = kzalloc(sizeof(*me), GFP_KERNEL);

	if (!me)
		return NULL;
	INIT_LIST_HEAD(&me->node);
	mutex_init(&me->lock);
	me->ops = ops;
	me->chipset = chipset;
	me->device = device;
	me->index = -1;
	return me;
}

static void me_dev_free(struct me_dev *me)
{
	if (me->ops->release)
		me->ops->release(me);
	mutex_destroy(&me->lock);
	kfree(me);
}

/**
 * me_dev_read() - read HFSTS1..6 now
 * @me: the device
 * @regs: receives the values; absent or unreadable ones are %ME_REG_INACCESSIBLE
 */
void me_dev_read(struct me_dev *me, u32 regs[ME_NR_HFSTS])
{
	unsigned int i;

	for (i = 0; i < ME_NR_HFSTS; i++)
		regs[i] = ME_REG_INACCESSIBLE;
	if (!me->hidden)
		me->ops->read(me, regs);
	for (i = me->chipset->nregs; i < ME_NR_HFSTS; i++)
		regs[i] = ME_REG_INACCESSIBLE;
}

/**
 * me_dev_add() - publish a device in sysfs and take ownership of it
 * @me: the device from me_dev_alloc(); freed here on failure
 *
 * Return: 0 on success, -errno otherwise.
 */
int me_dev_add(struct me_dev *me)
{
	int r;

	me_dev_read(me, me->last);
	r = me_sysfs_add(me);
	if (r) {
		me_dev_free(me);
		return r;
	}
	mutex_lock(&me_devices_lock);
	list_add_tail(&me->node, &me_devices);
	mutex_unlock(&me_devices_lock);
	return 0;
}

/**
 * me_dev_check() - re-read a device and signal what changed since last time
 * @me: the device
 */
void me_dev_check(struct me_dev *me)
{
	u32 now[ME_NR_HFSTS], old[ME_NR_HFSTS];

	me_dev_read(me, now);
	mutex_lock(&me->lock);
	memcpy(old, me->last, sizeof(old));
	memcpy(me->last, now, sizeof(now));
	mutex_unlock(&me->lock);
	if (memcmp(old, now, sizeof(now)))
		me_sysfs_notify_changes(me, old, now);
}

/**
 * me_check_all() - me_dev_check() every device
 */
void me_check_all(void)
{
	struct me_dev *me;

	mutex_lock(&me_devices_lock);
	list_for_each_entry(me, &me_devices, node)
		me_dev_check(me);
	mutex_unlock(&me_devices_lock);
}

static void me_poll_fn(struct work_struct *work)
{
	unsigned int ms;

	me_check_all();
	ms = READ_ONCE(poll_ms);
	if (ms && READ_ONCE(me_ready))
		queue_delayed_work(system_wq, &me_poll_work, msecs_to_jiffies(ms));
}

static void me_remove_all(void)
{
	struct me_dev *me, *tmp;

	mutex_lock(&me_devices_lock);
	list_for_each_entry_safe(me, tmp, &me_devices, node) {
		list_del(&me->node);
		me_sysfs_remove(me);
		me_dev_free(me);
	}
	mutex_unlock(&me_devices_lock);
}

static int __init me_init(void)
{
	int n, r;

	r = me_sysfs_init();
	if (r)
		return r;
	if (me_sim_requested())
		n = me_sim_probe(unhide);
	else
		n = me_pci_probe_all(unhide);
	if (!me_sim_requested())
		me_sim_close();
	if (n < 0) {
		r = n;
		goto undo_devices;
	}
	if (!n)
		pr_info("no MEI function found; /sys/class/intel_me stays empty\n");
	mutex_lock(&me_poll_lock);
	WRITE_ONCE(me_ready, true);
	me_poll_arm();
	mutex_unlock(&me_poll_lock);
	return 0;

undo_devices:
	me_remove_all();
	me_pci_exit();
	me_sysfs_exit();
	return r;
}

static void __exit me_exit(void)
{
	mutex_lock(&me_poll_lock);
	WRITE_ONCE(me_ready, false);
	mutex_unlock(&me_poll_lock);
	/* the work re-queues itself only while me_ready; _sync copes with that */
	cancel_delayed_work_sync(&me_poll_work);
	me_remove_all();
	me_pci_exit();
	me_sysfs_exit();
}

module_init(me_init);
module_exit(me_exit);

MODULE_DESCRIPTION("Intel ME status registers (HFSTS) decoded in sysfs");
MODULE_AUTHOR("mectl project");
MODULE_LICENSE("GPL");
