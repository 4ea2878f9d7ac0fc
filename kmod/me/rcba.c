// SPDX-License-Identifier: GPL-2.0-only
/*
 * RCBA FD2.ME1D: how firmware hides HECI #1 on the 5..9 Series PCHs.
 *
 * RCBA is the dword at 0xf0 of the LPC bridge 00:1f.0 (bit 0: enable, bits 31:14:
 * base); FD2 ("function disable 2") is at RCBA + 0x3428 and its bit 1, ME1D, takes
 * HECI #1 off the bus. From the 100 Series on, 0xf0 of 00:1f.0 is something else, so
 * a write there would land at an arbitrary physical address: everything here is
 * gated on the LPC bridge's device ID being in me_lpc_ranges[]. Firmware usually
 * hides the function on purpose (ME disabled), so revealing it is opt-in only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/pci.h>

#include "me.h"

#define LPC_RCBA		0xf0
#define LPC_RCBA_EN		BIT(0)
#define LPC_RCBA_BASE_MASK	0xffffc000u
#define RCBA_FD2		0x3428
#define FD2_ME1D		BIT(1)

/**
 * me_rcba_unhide_allowed() - may we touch FD2 on this chipset
 * @chipset: chipset family, may be NULL
 *
 * Return: true only for PCH families known to have an RCBA with FD2.
 */
bool me_rcba_unhide_allowed(const struct me_chipset *chipset)
{
	return chipset && chipset->has_rcba;
}

static int fd2_access(phys_addr_t fd2, u32 clear, u32 set, u32 *val)
{
	void __iomem *p = ioremap(fd2, sizeof(u32));
	u32 v;

	if (!p)
		return -ENOMEM;
	v = readl(p);
	if (clear || set) {
		writel((v & ~clear) | set, p);
		v = readl(p);
	}
	iounmap(p);
	*val = v;
	return 0;
}

/**
 * me_rcba_probe() - find the LPC bridge and read FD2.ME1D
 * @st: filled in; @st->chipset stays NULL when the bridge is not a known RCBA PCH
 *
 * Return: 0 on success (including "not an RCBA chipset"), -errno otherwise.
 */
int me_rcba_probe(struct me_rcba_state *st)
{
	struct pci_dev *lpc;
	const struct me_chipset *cs;
	u32 rcba, fd2;
	int r;

	memset(st, 0, sizeof(*st));
	lpc = pci_get_domain_bus_and_slot(0, 0, PCI_DEVFN(0x1f, 0));
	if (!lpc)
		return 0;
	cs = lpc->vendor == PCI_VENDOR_ID_INTEL ? me_lpc_lookup(lpc->device) : NULL;
	if (!cs) {
		pci_dev_put(lpc);
		return 0;
	}
	st->lpc = lpc;
	st->chipset = cs;

	r = pci_read_config_dword(lpc, LPC_RCBA, &rcba);
	if (r || !(rcba & LPC_RCBA_EN) || !(rcba & LPC_RCBA_BASE_MASK)) {
		pci_info(lpc, "%s: RCBA not enabled (0x%08x), cannot tell whether the MEI is hidden\n",
			 cs->name, rcba);
		return 0;
	}
	st->fd2 = (rcba & LPC_RCBA_BASE_MASK) + RCBA_FD2;
	r = fd2_access(st->fd2, 0, 0, &fd2);
	if (r)
		return r;
	st->hidden = fd2 & FD2_ME1D;
	pci_dbg(lpc, "%s: FD2 0x%08x\n", cs->name, fd2);
	return 0;
}

/**
 * me_rcba_unhide() - clear FD2.ME1D
 * @st: state from me_rcba_probe() with @st->hidden set
 *
 * Return: 0 when the bit reads back clear, -errno otherwise.
 */
int me_rcba_unhide(struct me_rcba_state *st)
{
	u32 fd2;
	int r;

	if (!me_rcba_unhide_allowed(st->chipset) || !st->fd2)
		return -EOPNOTSUPP;
	r = fd2_access(st->fd2, FD2_ME1D, 0, &fd2);
	if (r)
		return r;
	st->revealed = true;
	if (fd2 & FD2_ME1D) {
		pci_warn(st->lpc, "FD2.ME1D does not clear (FD2 0x%08x)\n", fd2);
		return -EIO;
	}
	pci_notice(st->lpc, "cleared FD2.ME1D to reveal HECI #1 (set again at unload)\n");
	return 0;
}

/**
 * me_rcba_restore() - set FD2.ME1D again if me_rcba_unhide() cleared it
 * @st: state from me_rcba_probe()
 */
void me_rcba_restore(struct me_rcba_state *st)
{
	u32 fd2;

	if (!st->revealed)
		return;
	st->revealed = false;
	if (!fd2_access(st->fd2, 0, FD2_ME1D, &fd2))
		pci_info(st->lpc, "HECI #1 hidden again (FD2 0x%08x)\n", fd2);
}
