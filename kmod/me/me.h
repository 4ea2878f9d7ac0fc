/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mectl_me: Intel ME status from the MEI function's PCI config space, in sysfs.
 *
 * Files, one concern each:
 *   main.c    module parameters, init/exit, the periodic re-read
 *   pci.c     backend: MEI functions found on the PCI bus (read-only, no binding)
 *   rcba.c    FD2.ME1D: is HECI #1 hidden, and the opt-in unhide
 *   sim.c     backend: register values from module parameters
 *   sysfs.c   the intel_me class and its attributes
 *   decode.c  bit fields, string tables, verdict (also compiled by a host test)
 *   ids.c     device ID and chipset tables (also compiled by a host test)
 */
#ifndef MECTL_ME_H
#define MECTL_ME_H

#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>

#include "decode.h"

struct me_dev;

/**
 * struct me_backend_ops - where a device's register values come from
 * @name: shown in the "source" attribute ("pci", "sim")
 * @read: fill HFSTS1..6; registers the function does not have, or cannot be
 *	read, are %ME_REG_INACCESSIBLE
 * @release: drop what the backend holds for @me (may be NULL)
 */
struct me_backend_ops {
	const char *name;
	void (*read)(struct me_dev *me, u32 regs[ME_NR_HFSTS]);
	void (*release)(struct me_dev *me);
};

/**
 * struct me_dev - one MEI function (visible, revealed, hidden or simulated)
 * @node: entry in the module's device list
 * @dev: the intel_me class device meN
 * @ops: register source
 * @pdev: the MEI function (PCI backend, visible); a held reference
 * @parent: the device meN hangs below (MEI function, LPC bridge, or NULL)
 * @bus: PCI bus and @devfn for a function the PCI core does not know (revealed)
 * @devfn: see @bus
 * @device: MEI PCI device ID, 0 when hidden and never revealed
 * @chipset: chipset family (from the MEI or the LPC bridge ID)
 * @hidden: the firmware hides the function (FD2.ME1D) and it stays hidden
 * @last: register values at the previous change check
 * @lock: serialises @last
 * @index: N in meN
 */
struct me_dev {
	struct list_head node;
	struct device *dev;
	const struct me_backend_ops *ops;
	struct pci_dev *pdev;
	struct device *parent;
	struct pci_bus *bus;
	unsigned int devfn;
	u16 device;
	const struct me_chipset *chipset;
	bool hidden;
	u32 last[ME_NR_HFSTS];
	struct mutex lock;
	int index;
};

/* main.c */
struct me_dev *me_dev_alloc(const struct me_backend_ops *ops,
			    const struct me_chipset *chipset, u16 device);
int me_dev_add(struct me_dev *me);
void me_dev_read(struct me_dev *me, u32 regs[ME_NR_HFSTS]);
void me_dev_check(struct me_dev *me);
void me_check_all(void);
bool me_poll_enabled(void);

/* pci.c */
int me_pci_probe_all(bool unhide);
void me_pci_exit(void);

/* rcba.c */
/**
 * struct me_rcba_state - what rcba.c found at the LPC bridge
 * @chipset: PCH family of 00:1f.0, NULL when it has no RCBA we trust
 * @lpc: the LPC bridge (a held reference), NULL when @chipset is NULL
 * @fd2: physical address of FD2 (RCBA + 0x3428), 0 when RCBA is disabled
 * @hidden: FD2.ME1D was set when we looked
 * @revealed: we cleared ME1D and must set it again at exit
 */
struct me_rcba_state {
	const struct me_chipset *chipset;
	struct pci_dev *lpc;
	phys_addr_t fd2;
	bool hidden;
	bool revealed;
};

bool me_rcba_unhide_allowed(const struct me_chipset *chipset);
int me_rcba_probe(struct me_rcba_state *st);
int me_rcba_unhide(struct me_rcba_state *st);
void me_rcba_restore(struct me_rcba_state *st);

/* sim.c */
bool me_sim_requested(void);
int me_sim_probe(bool unhide);
void me_sim_close(void);

/* sysfs.c */
int me_sysfs_init(void);
void me_sysfs_exit(void);
int me_sysfs_add(struct me_dev *me);
void me_sysfs_remove(struct me_dev *me);
void me_sysfs_notify_changes(struct me_dev *me, const u32 *old, const u32 *now);

#endif
