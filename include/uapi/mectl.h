/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mectl: the kernel <-> userspace contract of the flash programmer module.
 *
 * mectl_flash.ko drives a SPI NOR chip (the BIOS flash of a target PC, clipped to
 * the SPI controller of a Raspberry Pi, or the simulated chip of flashsim.ko)
 * through the kernel's spi-nor core and registers it as an MTD device. Bulk data
 * never crosses this interface: it goes through /dev/mtdN (the MTD user ABI),
 * which mtd-utils, dd and mectld all use. This generic netlink family only
 * attaches, describes and arms chips.
 *
 * Family MECTL_GENL_NAME, version MECTL_GENL_VERSION. Each attached chip is
 * named by its SPI bus number and chip select (MECTL_A_BUS + MECTL_A_CS); a
 * command that names no chip and accepts one applies to the only chip
 * attached, or fails with -EINVAL if there are several.
 *
 * MECTL_CMD_ATTACH (needs CAP_NET_ADMIN)
 *	in:  BUS, CS, [SPEED_HZ], [WP_GPIO_NAME or WP_GPIO],
 *	     [HOLD_GPIO_NAME or HOLD_GPIO], [WRITEABLE]
 *	Takes spiBUS.CS from whatever driver holds it (spidev, normally), drives
 *	the WP# and HOLD# lines high, probes the chip with spi-nor and registers
 *	the MTD device. Replies with the same attributes as MECTL_CMD_GET_INFO.
 *	-ENODEV when there is no spiBUS.CS, nothing answers on it, spi-nor does
 *	not know the JEDEC id or no GPIO line has the name (or number) given for
 *	WP# or HOLD# (the kernel log says which, in one line); -EBUSY when that
 *	chip is already attached. Out-of-range attributes fail the policy
 *	(-ERANGE), unknown or output-only ones too (-EINVAL), and so do a name
 *	and a number for the same pin, or one line for both pins (-EINVAL).
 *
 * MECTL_CMD_DETACH (needs CAP_NET_ADMIN)
 *	in:  [BUS, CS]
 *	Leaves 4-byte address mode if it was entered, unregisters the MTD device
 *	and hands spiBUS.CS back to spidev. -EBUSY while /dev/mtdN is open.
 *
 * MECTL_CMD_GET_INFO (anyone; doit for one chip, dumpit for all)
 *	in:  [BUS, CS]
 *	out: BUS, CS, SPEED_HZ, JEDEC_ID, PART, SIZE, ERASE_SIZE,
 *	     BLOCK_ERASE_SIZE, PAGE_SIZE, SR1, SR2, SR3 (where the part has them), WRITEABLE, MTD_INDEX,
 *	     MTD_NAME, [WP_GPIO_NAME or WP_GPIO], [HOLD_GPIO_NAME or HOLD_GPIO]
 *	     (each as the request gave it)
 *
 * MECTL_CMD_ARM (needs CAP_NET_ADMIN)
 *	in:  [BUS, CS], WRITEABLE
 *	Erase and write on the MTD device fail with -EROFS until the chip is
 *	armed (WRITEABLE=1); WRITEABLE=0 disarms it again. Acked, no reply
 *	data; MECTL_EVENT_ARMED is sent only when the state changes. The
 *	sysfs attribute spiBUS.CS/writeable is the same switch.
 *
 * Multicast group MECTL_GENL_MCGRP_EVENTS: MECTL_EVENT_ATTACHED,
 * MECTL_EVENT_DETACHED and MECTL_EVENT_ARMED, each carrying the GET_INFO
 * attributes of the chip concerned (DETACHED: BUS, CS, MTD_INDEX only).
 * ATTACHED goes out once the sysfs attributes of spiBUS.CS (kmod/flash/ABI)
 * are there to read.
 */
#ifndef _UAPI_MECTL_H
#define _UAPI_MECTL_H

#define MECTL_GENL_NAME		"mectl"
#define MECTL_GENL_VERSION	1
#define MECTL_GENL_MCGRP_EVENTS	"events"

/* Longest JEDEC id the kernel reads (SPI_NOR_MAX_ID_LEN). */
#define MECTL_JEDEC_ID_MAX	6
/* Longest part or manufacturer name, including the terminating NUL. */
#define MECTL_PART_MAX		32
/* Longest GPIO line name, including the terminating NUL (GPIO_MAX_NAME_SIZE). */
#define MECTL_GPIO_NAME_MAX	32

enum mectl_cmd {
	MECTL_CMD_UNSPEC,
	MECTL_CMD_ATTACH,
	MECTL_CMD_DETACH,
	MECTL_CMD_GET_INFO,
	MECTL_CMD_ARM,
	MECTL_EVENT_ATTACHED,
	MECTL_EVENT_DETACHED,
	MECTL_EVENT_ARMED,

	__MECTL_CMD_MAX
};
#define MECTL_CMD_MAX (__MECTL_CMD_MAX - 1)

enum mectl_attr {
	MECTL_A_UNSPEC,
	MECTL_A_BUS,		/* u32: SPI bus number (spiB.C) */
	MECTL_A_CS,		/* u32: chip select */
	MECTL_A_SPEED_HZ,	/* u32: SPI clock for the chip */
	MECTL_A_WP_GPIO,	/* u32: legacy global GPIO number driven high
				 * for WP# while attached (prefer
				 * WP_GPIO_NAME: numbers change between
				 * kernels) */
	MECTL_A_HOLD_GPIO,	/* u32: legacy GPIO number for HOLD#, as
				 * WP_GPIO */
	MECTL_A_WRITEABLE,	/* u8: 0 = erase/write refused, 1 = armed */
	MECTL_A_JEDEC_ID,	/* binary: the JEDEC id, the first 3 RDID bytes
				 * (manufacturer, memory type, capacity); at
				 * most MECTL_JEDEC_ID_MAX */
	MECTL_A_PART,		/* string: part family as marked on the chip,
				 * e.g. "W25Q64", or "unknown" */
	MECTL_A_SIZE,		/* u64: bytes */
	MECTL_A_ERASE_SIZE,	/* u32: MTD erase block, bytes */
	MECTL_A_PAGE_SIZE,	/* u32: program page, bytes */
	MECTL_A_SR1,		/* u8: status register 1 */
	MECTL_A_SR2,		/* u8: status register 2 */
	MECTL_A_SR3,		/* u8: status register 3 */
	MECTL_A_MTD_INDEX,	/* u32: N of /dev/mtdN */
	MECTL_A_MTD_NAME,	/* string: MTD device name */
	MECTL_A_PAD,
	MECTL_A_BLOCK_ERASE_SIZE, /* u32: an erase request's whole aligned
				 * blocks of this size take one command each
				 * (64 KiB block erase), the rest goes by
				 * ERASE_SIZE; 0 = no such blocks */
	MECTL_A_MANUFACTURER,	/* string: manufacturer by the JEDEC id's first
				 * byte, e.g. "Winbond", or "unknown" */
	MECTL_A_WP_GPIO_NAME,	/* string: name of the GPIO line driven high
				 * for WP# while attached, as gpioinfo lists
				 * it ("GPIO23" on a Pi), at most
				 * MECTL_GPIO_NAME_MAX with the NUL */
	MECTL_A_HOLD_GPIO_NAME,	/* string: the GPIO line for HOLD#, as
				 * WP_GPIO_NAME ("GPIO24" on a Pi) */

	__MECTL_A_MAX
};
#define MECTL_A_MAX (__MECTL_A_MAX - 1)

#endif /* _UAPI_MECTL_H */
