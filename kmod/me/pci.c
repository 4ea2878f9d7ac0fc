// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI backend: the MEI functions the PCI core knows, found by device ID, read with
 * pci_read_config_dword() and never bound (mei_me may own them meanwhile; config
 * reads are serialised by the PCI core). When none is found and the LPC bridge
 * says the firmware hid HECI #1, the function is reported as hidden or, only if
 * the unhide parameter asks for it, revealed and read by bus/devfn.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/pci.h>

#include "me.h"

/*
 * Test aid: no emulator has an MEI function, so the PCI path can be exercised on
 * any Intel PCI device instead: "test_alias=1237:9c3a" reads 8086:1237 as if it were
 * an MEI function 9c3a (config reads only, like for a real one).
 */
static char *test_alias;
module_param(test_alias, charp, 0444);
MODULE_PARM_DESC(test_alias,
		 "test aid: DEV:MEI reads Intel PCI device DEV as MEI function MEI (config reads only)");

/* HFSTS1..6 offsets in the MEI function's config space (hw-me-regs.h PCI_CFG_HFS_*) */
static const u8 me_hfsts_offsets[ME_NR_HFSTS] = { 0x40, 0x48, 0x60, 0x64, 0x68, 0x6c };

/* HECI #1 is device 22 function 0 on every PCH that can hide it */
#define ME_HECI1_DEVFN	PCI_DEVFN(0x16, 0)

static struct me_rcba_state me_rcba;

static void me_pci_read(struct me_dev *me, u32 regs[ME_NR_HFSTS])
{
	unsigned int i;
	int r;

	for (i = 0; i < me->chipset->nregs && i < ME_NR_HFSTS; i++) {
		if (me->pdev)
			r = pci_read_config_dword(me->pdev, me_hfsts_offsets[i], &regs[i]);
		else if (me->bus)
			r = pci_bus_read_config_dword(me->bus, me->devfn,
						      me_hfsts_offsets[i], &regs[i]);
		else
			r = -ENODEV;
		if (r)
			regs[i] = ME_REG_INACCESSIBLE;
	}
}

static void me_pci_release(struct me_dev *me)
{
	pci_dev_put(me->pdev);
	me->pdev = NULL;
}

static const struct me_backend_ops me_pci_ops = {
	.name = "pci",
	.read = me_pci_read,
	.release = me_pci_release,
};

static int me_pci_add_id(u16 device, const struct me_pci_id *id)
{
	struct pci_dev *pdev = NULL;
	int n = 0, r;

	while ((pdev = pci_get_device(PCI_VENDOR_ID_INTEL, device, pdev))) {
		struct me_dev *me = me_dev_alloc(&me_pci_ops, id->chipset, id->device);

		if (!me) {
			pci_dev_put(pdev);
			return -ENOMEM;
		}
		me->pdev = pci_dev_get(pdev);
		me->parent = &pdev->dev;
		r = me_dev_add(me);
		if (r) {
			pci_dev_put(pdev);
			return r;
		}
		pci_info(pdev, "%s %04x (%s, %s)\n",
			 device == id->device ? "MEI function" : "test_alias: read as MEI function",
			 id->device, id->chipset->name, id->chipset->gen);
		n++;
	}
	return n;
}

static int me_pci_add_visible(void)
{
	const struct me_pci_id *id;
	unsigned int i;
	u16 dev, mei;
	int n = 0, r;

	if (test_alias) {
		id = NULL;
		if (sscanf(test_alias, "%hx:%hx", &dev, &mei) == 2)
			id = me_pci_id_lookup(mei);
		if (!id) {
			pr_err("test_alias '%s': expected DEV:MEI, MEI a known MEI device ID\n",
			       test_alias);
			return -EINVAL;
		}
		return me_pci_add_id(dev, id);
	}
	for (i = 0; i < me_pci_ids_count; i++) {
		r = me_pci_add_id(me_pci_ids[i].device, &me_pci_ids[i]);
		if (r < 0)
			return r;
		n += r;
	}
	return n;
}

/* The function answers config cycles again once FD2.ME1D is clear. */
static int me_pci_add_revealed(struct pci_dev *lpc)
{
	const struct me_pci_id *id;
	struct me_dev *me;
	u32 vd;
	int r;

	r = pci_bus_read_config_dword(lpc->bus, ME_HECI1_DEVFN, PCI_VENDOR_ID, &vd);
	if (r || (vd & 0xffff) != PCI_VENDOR_ID_INTEL) {
		pci_warn(lpc, "revealed HECI #1 does not answer (id 0x%08x)\n", vd);
		return -ENODEV;
	}
	id = me_pci_id_lookup(vd >> 16);
	if (!id) {
		pci_warn(lpc, "revealed HECI #1 has unknown device id %04x\n", vd >> 16);
		return -ENODEV;
	}
	me = me_dev_alloc(&me_pci_ops, id->chipset, id->device);
	if (!me)
		return -ENOMEM;
	me->bus = lpc->bus;
	me->devfn = ME_HECI1_DEVFN;
	me->parent = &lpc->dev;
	r = me_dev_add(me);
	if (r)
		return r;
	pci_info(lpc, "revealed hidden MEI function %04x (%s)\n", id->device, id->chipset->name);
	return 1;
}

static int me_pci_add_hidden(struct pci_dev *lpc, const struct me_chipset *chipset)
{
	struct me_dev *me = me_dev_alloc(&me_pci_ops, chipset, 0);
	int r;

	if (!me)
		return -ENOMEM;
	me->hidden = true;
	me->parent = &lpc->dev;
	r = me_dev_add(me);
	if (r)
		return r;
	pci_info(lpc, "MEI function hidden by firmware (FD2.ME1D); unhide=1 reveals it\n");
	return 1;
}

/**
 * me_pci_probe_all() - create a device for every MEI function on the PCI bus
 * @unhide: reveal HECI #1 if the firmware hid it (RCBA chipsets only)
 *
 * Return: number of devices created (0: no MEI function), or -errno.
 */
int me_pci_probe_all(bool unhide)
{
	int n, r;

	n = me_pci_add_visible();
	if (n)
		return n;

	r = me_rcba_probe(&me_rcba);
	if (r || !me_rcba.chipset) {
		if (unhide)
			pr_info("unhide: no 5..9 Series PCH with RCBA here, nothing to reveal\n");
		return r;
	}
	if (!me_rcba.hidden)
		return 0;
	if (!unhide)
		return me_pci_add_hidden(me_rcba.lpc, me_rcba.chipset);

	r = me_rcba_unhide(&me_rcba);
	if (!r)
		r = me_pci_add_revealed(me_rcba.lpc);
	if (r < 0) {
		me_rcba_restore(&me_rcba);
		return me_pci_add_hidden(me_rcba.lpc, me_rcba.chipset);
	}
	return r;
}

/**
 * me_pci_exit() - hide again what we revealed, drop the LPC bridge reference
 */
void me_pci_exit(void)
{
	me_rcba_restore(&me_rcba);
	pci_dev_put(me_rcba.lpc);
	me_rcba.lpc = NULL;
	me_rcba.chipset = NULL;
}
