// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated backend: HFSTS values from module parameters, for tests and for reading
 * someone else's report (intelmetool's "ME Status"/"ME Status 2" lines):
 *
 *   modprobe mectl_me sim_hfsts=0x1e020191,0x104d0142 sim_device=0x9c3a
 *
 * The device is the same class device as for real hardware, without a parent.
 * sim_hfsts stays writable by root while loaded, so a test can walk every value
 * without reloading; a write is checked for changes at once, or by the next poll
 * tick when poll_ms is set (so the tests exercise the periodic path). sim_hidden
 * models a function the firmware hid through FD2.ME1D; unhide=1 reveals it only on
 * chipsets where the PCI backend would be allowed to.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "me.h"

static DEFINE_SPINLOCK(sim_lock);
static u32 sim_regs[ME_NR_HFSTS];
static unsigned int sim_nr;
static bool sim_active;		/* the sim device exists */
static bool sim_closed;		/* loaded without a sim device: refuse writes */

static ushort sim_device;
module_param(sim_device, ushort, 0444);
MODULE_PARM_DESC(sim_device, "simulate this MEI PCI device ID (e.g. 0x9c3a) instead of probing PCI");

static bool sim_hidden;
module_param(sim_hidden, bool, 0444);
MODULE_PARM_DESC(sim_hidden, "simulate a MEI function hidden by firmware (FD2.ME1D)");

static int sim_hfsts_parse(const char *val, u32 *regs, unsigned int *nr)
{
	char *buf, *p, *tok;
	unsigned int n = 0;
	int r = 0;

	buf = kstrdup(val, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = strim(buf);
	if (!*p) {
		r = -EINVAL;
		goto free_buf;
	}
	while ((tok = strsep(&p, ","))) {
		if (n == ME_NR_HFSTS) {
			r = -EINVAL;
			break;
		}
		r = kstrtou32(strim(tok), 0, &regs[n]);
		if (r)
			break;
		n++;
	}
	*nr = n;
free_buf:
	kfree(buf);
	return r;
}

static int sim_hfsts_set(const char *val, const struct kernel_param *kp)
{
	u32 regs[ME_NR_HFSTS] = { 0 };
	const struct me_pci_id *id;
	unsigned int nr;
	bool active;
	int r;

	r = sim_hfsts_parse(val, regs, &nr);
	if (r) {
		pr_err("sim_hfsts: expected 1..6 comma-separated 32-bit values\n");
		return r;
	}
	spin_lock(&sim_lock);
	active = sim_active;
	if (sim_closed) {
		spin_unlock(&sim_lock);
		pr_err("sim_hfsts: the module was loaded without a simulated device\n");
		return -EPERM;
	}
	spin_unlock(&sim_lock);
	if (active) {
		id = me_pci_id_lookup(sim_device);
		if (id && nr > id->chipset->nregs) {
			pr_err("sim_hfsts: %u values, but %s has %u registers\n",
			       nr, id->chipset->name, id->chipset->nregs);
			return -EINVAL;
		}
	}
	spin_lock(&sim_lock);
	memcpy(sim_regs, regs, sizeof(sim_regs));
	sim_nr = nr;
	spin_unlock(&sim_lock);
	/* like hardware: with poll_ms set, the next poll tick finds the change */
	if (active && !me_poll_enabled())
		me_check_all();
	return 0;
}

static int sim_hfsts_get(char *buf, const struct kernel_param *kp)
{
	u32 regs[ME_NR_HFSTS];
	unsigned int i, nr;
	int len = 0;

	spin_lock(&sim_lock);
	memcpy(regs, sim_regs, sizeof(regs));
	nr = sim_nr;
	spin_unlock(&sim_lock);
	for (i = 0; i < nr; i++)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%s0x%08x", i ? "," : "", regs[i]);
	len += scnprintf(buf + len, PAGE_SIZE - len, "\n");
	return len;
}

static const struct kernel_param_ops sim_hfsts_ops = {
	.set = sim_hfsts_set,
	.get = sim_hfsts_get,
};
module_param_cb(sim_hfsts, &sim_hfsts_ops, NULL, 0600);
MODULE_PARM_DESC(sim_hfsts,
		 "simulate HFSTS1[,HFSTS2,...HFSTS6] (registers not given read 0); writable by root while loaded");

static void me_sim_read(struct me_dev *me, u32 regs[ME_NR_HFSTS])
{
	unsigned int i;

	spin_lock(&sim_lock);
	for (i = 0; i < ME_NR_HFSTS; i++)
		regs[i] = i < sim_nr ? sim_regs[i] : 0;
	spin_unlock(&sim_lock);
}

static const struct me_backend_ops me_sim_ops = {
	.name = "sim",
	.read = me_sim_read,
};

/**
 * me_sim_requested() - did the user ask for a simulated device
 *
 * Return: true when any sim_* parameter was given.
 */
bool me_sim_requested(void)
{
	return sim_nr || sim_device || sim_hidden;
}

/**
 * me_sim_close() - refuse sim_hfsts writes from now on (PCI mode)
 */
void me_sim_close(void)
{
	spin_lock(&sim_lock);
	sim_closed = true;
	spin_unlock(&sim_lock);
}

/**
 * me_sim_probe() - create the simulated device from the sim_* parameters
 * @unhide: reveal a sim_hidden function where the chipset allows it
 *
 * Return: 1 (one device) on success, -errno otherwise.
 */
int me_sim_probe(bool unhide)
{
	const struct me_pci_id *id;
	struct me_dev *me;
	bool hidden = sim_hidden;
	int r;

	if (!sim_device) {
		pr_err("sim: sim_device is required (an MEI PCI device ID such as 0x9c3a)\n");
		return -EINVAL;
	}
	id = me_pci_id_lookup(sim_device);
	if (!id) {
		pr_err("sim: sim_device 0x%04x is not a known MEI device ID\n", sim_device);
		return -EINVAL;
	}
	if (sim_nr > id->chipset->nregs) {
		pr_err("sim: sim_hfsts has %u values, but %s has %u registers\n",
		       sim_nr, id->chipset->name, id->chipset->nregs);
		return -EINVAL;
	}
	if (hidden && unhide) {
		if (me_rcba_unhide_allowed(id->chipset)) {
			hidden = false;
			pr_info("sim: cleared the simulated FD2.ME1D, HECI #1 revealed\n");
		} else {
			pr_warn("sim: unhide refused: %s has no RCBA FD2\n", id->chipset->name);
		}
	}

	/* a hidden function does not tell its device ID; the LPC bridge tells the family */
	me = me_dev_alloc(&me_sim_ops, id->chipset, hidden ? 0 : id->device);
	if (!me)
		return -ENOMEM;
	me->hidden = hidden;
	r = me_dev_add(me);
	if (r)
		return r;
	spin_lock(&sim_lock);
	sim_active = true;
	spin_unlock(&sim_lock);
	pr_info("sim: %s MEI %04x (%s, %s)\n", hidden ? "hidden" : "simulated",
		sim_device, id->chipset->name, id->chipset->gen);
	return 1;
}
