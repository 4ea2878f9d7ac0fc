/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mectl_flash: private declarations shared by the files of the module.
 *
 * One struct mectl_chip per attached SPI NOR chip. Its life follows the binding
 * of the spi_device to our spi_driver: probe() creates it, remove() destroys it.
 * attach.c moves a spi_device from spidev to us and back; core.c is the driver;
 * spi.c the spi-nor controller_ops; vendor.c the per-manufacturer quirks.
 */
#ifndef MECTL_FLASH_H
#define MECTL_FLASH_H

#include <linux/list.h>
#include <linux/mtd/mtd.h>
#include <linux/mtd/spi-nor.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <linux/types.h>

#include <mectl.h>

#define MECTL_DRV_NAME		"mectl_flash"
/* Highest SPI clock accepted from users (no SPI NOR part goes faster in 1-1-1). */
#define MECTL_SPEED_MAX		200000000
/* JEDEC id: manufacturer, memory type, capacity (the first bytes of RDID). */
#define MECTL_JEDEC_ID_LEN	3
/* Bytes of a command frame: opcode, up to 4 address bytes, up to 4 dummy bytes. */
#define MECTL_SPI_CMD_MAX		16

struct mectl_vendor;
struct netlink_ext_ack;

/**
 * struct mectl_attach_req - what to attach, and how: one request at a time.
 * @bus:	SPI bus number (the B of spiB.C).
 * @cs:		chip select (the C of spiB.C).
 * @speed_hz:	SPI clock for the chip; 0 keeps the spi_device's max_speed_hz.
 * @wp_gpio:	GPIO line driven high for WP#: its name, or a legacy GPIO
 *		number in decimal; NULL for none.
 * @hold_gpio:	GPIO line driven high for HOLD#, as @wp_gpio.
 * @writeable:	arm erase/write from the start.
 * @prev_override: driver_override found on the spi_device; probe moves it
 *		into the chip, which restores it on detach.
 * @err:	set by probe: 0 or the -errno that made it decline.
 */
struct mectl_attach_req {
	u32 bus;
	u32 cs;
	u32 speed_hz;
	const char *wp_gpio;
	const char *hold_gpio;
	bool writeable;
	const char *prev_override;
	int err;
};

#define MECTL_MTD_HOOK(name) typeof(((struct mtd_info *)NULL)->name) name

/**
 * struct mectl_nor_hooks - the MTD ops spi-nor's scan installed.
 *
 * core.c replaces each one it finds set with a wrapper that passes the gate
 * (armed? still there?) first; a hook spi-nor left NULL stays NULL.
 */
struct mectl_nor_hooks {
	MECTL_MTD_HOOK(_read);
	MECTL_MTD_HOOK(_write);
	MECTL_MTD_HOOK(_erase);
	MECTL_MTD_HOOK(_lock);
	MECTL_MTD_HOOK(_unlock);
	MECTL_MTD_HOOK(_is_locked);
	MECTL_MTD_HOOK(_get_fact_prot_info);
	MECTL_MTD_HOOK(_read_fact_prot_reg);
	MECTL_MTD_HOOK(_get_user_prot_info);
	MECTL_MTD_HOOK(_read_user_prot_reg);
	MECTL_MTD_HOOK(_suspend);
	MECTL_MTD_HOOK(_resume);
};

/**
 * struct mectl_chip - one attached chip.
 * @node:	entry in the list of attached chips (mectl_list_lock).
 * @spi:	the spi_device bound to our driver (referenced for the life of
 *		the chip); nor.dev points at its dev.
 * @nor:	the spi-nor object; nor.mtd is the registered MTD device.
 * @vendor:	manufacturer (and its quirks) by the first JEDEC id byte.
 * @part:	part family from the id (parts.c), NULL when not known.
 * @bus:	bus number, cached for lookups.
 * @cs:		chip select, cached for lookups.
 * @speed_hz:	clock used for every transfer (never 0 once probed).
 * @wp_gpio:	GPIO line held high for WP#, as the request gave it; "" for
 *		none.
 * @hold_gpio:	GPIO line held high for HOLD#, as @wp_gpio.
 * @id:		RDID bytes read before spi-nor's scan.
 * @sr_cache:	status registers 1..3 as last read (at attach, then by every
 *		live read); served to callers without CAP_NET_ADMIN.
 * @sr_cached:	bit n-1 set: @sr_cache[n-1] holds a value.
 * @name:	MTD name, "mectl-spiB.C".
 * @writeable:	erase/write allowed (armed).
 * @in_4byte:	the chip was put into 4-byte address mode (EN4B seen).
 * @block_erase_opcode: 64 KiB block erase used for whole aligned blocks of
 *		an erase request (erase.c), 0 if erases all go to spi-nor.
 * @open_lock:	protects @opens and @closing.
 * @opens:	users of the MTD device (open /dev/mtdN, mtdblock, in-kernel).
 * @closing:	detach in progress: new opens are refused.
 * @io_sem:	held for reading around every call into spi-nor from the MTD
 *		ops, for writing when the chip goes away under an open user.
 * @gone:	the spi_device was unbound while the MTD was open: I/O fails.
 * @orphaned:	remove() found users and left freeing the chip to the last
 *		of them (mectl_mtd_put_device()).
 * @hooks:	the MTD ops spi-nor installed, called through the gate.
 * @prev_override: driver_override of the spi_device before we took it over,
 *		restored on detach (spidev binds through it on flashsim).
 * @ctlr_owner:	module of the SPI controller's driver, pinned while attached.
 * @txbuf:	command frame (opcode, address, dummy, register data).
 * @rxbuf:	register read buffer.
 *
 * @txbuf and @rxbuf are last, each aligned as kmalloc aligns, so neither
 * shares a cache line with the other or with any field: DMA-safe inside the
 * kzalloc'd chip, without two allocations of their own.
 */
struct mectl_chip {
	struct list_head node;
	struct spi_device *spi;
	struct spi_nor nor;
	const struct mectl_vendor *vendor;
	const char *part;
	u32 bus;
	u32 cs;
	u32 speed_hz;
	char wp_gpio[MECTL_GPIO_NAME_MAX];
	char hold_gpio[MECTL_GPIO_NAME_MAX];
	u8 id[MECTL_JEDEC_ID_MAX];
	u8 sr_cache[3];
	u8 sr_cached;
	char name[24];
	bool writeable;
	bool in_4byte;
	u8 block_erase_opcode;
	struct mutex open_lock;
	unsigned int opens;
	bool closing;
	struct rw_semaphore io_sem;
	bool gone;
	bool orphaned;
	struct mectl_nor_hooks hooks;
	const char *prev_override;
	struct module *ctlr_owner;
	u8 txbuf[MECTL_SPI_CMD_MAX] __aligned(ARCH_KMALLOC_MINALIGN);
	u8 rxbuf[MECTL_SPI_CMD_MAX] __aligned(ARCH_KMALLOC_MINALIGN);
};

/**
 * struct mectl_vendor - what differs between manufacturers.
 * @id:		first JEDEC id byte, the manufacturer code; 0 ends the table.
 * @name:	manufacturer, as reported to users.
 * @sr2_opcode:	read opcode of status register 2, 0 if the parts have none.
 * @sr3_opcode:	read opcode of status register 3, 0 if the parts have none.
 * @block_erase: every part erases a uniform 64 KiB block with 0xd8 (0xdc
 *		with 4-byte opcodes) and signals the end in SR1.WIP alone.
 * @leave_4byte: run on detach when the chip was put into 4-byte mode; NULL
 *		sends EX4B.
 */
struct mectl_vendor {
	u8 id;
	const char *name;
	u8 sr2_opcode;
	u8 sr3_opcode;
	bool block_erase;
	int (*leave_4byte)(struct mectl_chip *chip);
};

/* core.c */
extern struct spi_driver mectl_spi_driver;
extern struct mutex mectl_list_lock;
extern struct list_head mectl_chips;
extern struct mectl_attach_req *mectl_pending;
void mectl_chip_set_writeable(struct mectl_chip *chip, bool on);
int mectl_chip_begin_detach(struct mectl_chip *chip);

/* erase.c */
void mectl_erase_setup(struct mectl_chip *chip);
u32 mectl_block_erase_size(const struct mectl_chip *chip);
int mectl_erase(struct mectl_chip *chip, struct erase_info *instr);

/* attach.c */
int mectl_attach(struct mectl_attach_req *req);
int mectl_detach(u32 bus, u32 cs);
void mectl_detach_all(void);
struct mectl_chip *__mectl_find_chip(bool any, u32 bus, u32 cs);

/* spi.c */
extern const struct spi_nor_controller_ops mectl_spi_nor_ops;
int mectl_spi_read_reg(struct mectl_chip *chip, u8 opcode, u8 *val, size_t len);
int mectl_spi_write_reg(struct mectl_chip *chip, u8 opcode, const u8 *val,
			size_t len);

/* parts.c */
const char *mectl_part_family(const u8 *id);

/* vendor.c */
const struct mectl_vendor *mectl_vendor_find(u8 id);
int mectl_read_sr(struct mectl_chip *chip, unsigned int n, u8 *val);
bool mectl_cached_sr(struct mectl_chip *chip, unsigned int n, u8 *val);
int mectl_leave_4byte(struct mectl_chip *chip);

/* gpio.c */
int mectl_gpio_check(const char *wp, const char *hold,
		     struct netlink_ext_ack *extack);
int mectl_gpio_hold_high(struct device *dev, const char *wp, const char *hold);
bool mectl_gpio_number(const char *spec, u32 *num);

/* sysfs.c */
extern const struct attribute_group *mectl_sysfs_groups[];
void mectl_sysfs_notify_writeable(struct mectl_chip *chip);

/* netlink.c */
int mectl_netlink_init(void);
void mectl_netlink_exit(void);
void mectl_netlink_event(struct mectl_chip *chip, u8 event);

#endif /* MECTL_FLASH_H */
