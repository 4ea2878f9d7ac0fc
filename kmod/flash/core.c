// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: a SPI NOR chip on spiB.C, identified by the spi-nor core and
 * registered as an MTD device.
 *
 * This file is the spi_driver. probe() runs only on behalf of mectl_attach()
 * (attach.c moves the spi_device over from spidev and names the request); it
 * reads the JEDEC id, lets spi_nor_scan() identify the part through our
 * controller_ops (spi.c) and registers the MTD device. remove() undoes that,
 * whoever unbinds us: a detach, the module going away, or the SPI controller
 * disappearing.
 *
 * Erase, write and lock changes are refused with -EROFS until the chip is
 * armed (module parameter, sysfs or netlink), like spi-intel's "writeable".
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "mectl_flash.h"

static int bus = -1;
module_param(bus, int, 0444);
MODULE_PARM_DESC(bus, "SPI bus B of spiB.C to attach at load (default: none, wait for netlink ATTACH)");

static int cs = -1;
module_param(cs, int, 0444);
MODULE_PARM_DESC(cs, "Chip select C of spiB.C (default 0)");

static uint speed_hz;
module_param(speed_hz, uint, 0444);
MODULE_PARM_DESC(speed_hz, "SPI clock in Hz (default 0: the spi device's max_speed_hz)");

static char *wp_gpio;
module_param(wp_gpio, charp, 0444);
MODULE_PARM_DESC(wp_gpio, "GPIO line driven high for WP# while attached, by name as gpioinfo lists it (GPIO23 on a Pi) or legacy number (default: none)");

static char *hold_gpio;
module_param(hold_gpio, charp, 0444);
MODULE_PARM_DESC(hold_gpio, "GPIO line driven high for HOLD# while attached, as wp_gpio (GPIO24 on a Pi; default: none)");

static bool writeable;
module_param(writeable, bool, 0444);
MODULE_PARM_DESC(writeable, "Allow erase/write from the start (default 0: -EROFS until armed)");

/* Attached chips, and the attach request probe() is expected to serve. */
DEFINE_MUTEX(mectl_list_lock);
LIST_HEAD(mectl_chips);
struct mectl_attach_req *mectl_pending;

static struct mectl_chip *mtd_to_chip(struct mtd_info *mtd)
{
	return container_of(mtd, struct mectl_chip, nor.mtd);
}

/*
 * The MTD ops spi-nor installed, wrapped: I/O stops once the chip is gone
 * (unbound under an open user), and anything that changes the chip waits for
 * the chip to be armed. mectl_io_enter() is the one place for both rules.
 */
static int mectl_io_enter(struct mectl_chip *chip, bool modifies)
{
	if (modifies && !READ_ONCE(chip->writeable))
		return -EROFS;
	down_read(&chip->io_sem);
	if (chip->gone) {
		up_read(&chip->io_sem);
		return -ENODEV;
	}
	return 0;
}

static void mectl_io_exit(struct mectl_chip *chip)
{
	up_read(&chip->io_sem);
}

static int mectl_mtd_read(struct mtd_info *mtd, loff_t from, size_t len,
			  size_t *retlen, u_char *buf)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, false);

	if (!ret) {
		ret = chip->hooks._read(mtd, from, len, retlen, buf);
		mectl_io_exit(chip);
	}
	return ret;
}

static int mectl_mtd_write(struct mtd_info *mtd, loff_t to, size_t len,
			   size_t *retlen, const u_char *buf)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, true);

	if (!ret) {
		ret = chip->hooks._write(mtd, to, len, retlen, buf);
		mectl_io_exit(chip);
	}
	return ret;
}

static int mectl_mtd_erase(struct mtd_info *mtd, struct erase_info *instr)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, true);

	if (!ret) {
		ret = mectl_erase(chip, instr);
		mectl_io_exit(chip);
	}
	return ret;
}

static int mectl_mtd_lock(struct mtd_info *mtd, loff_t ofs, uint64_t len)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, true);

	if (!ret) {
		ret = chip->hooks._lock(mtd, ofs, len);
		mectl_io_exit(chip);
	}
	return ret;
}

static int mectl_mtd_unlock(struct mtd_info *mtd, loff_t ofs, uint64_t len)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, true);

	if (!ret) {
		ret = chip->hooks._unlock(mtd, ofs, len);
		mectl_io_exit(chip);
	}
	return ret;
}

static int mectl_mtd_is_locked(struct mtd_info *mtd, loff_t ofs, uint64_t len)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, false);

	if (!ret) {
		ret = chip->hooks._is_locked(mtd, ofs, len);
		mectl_io_exit(chip);
	}
	return ret;
}

static int mectl_mtd_get_fact_prot_info(struct mtd_info *mtd, size_t len,
					size_t *retlen, struct otp_info *buf)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, false);

	if (!ret) {
		ret = chip->hooks._get_fact_prot_info(mtd, len, retlen, buf);
		mectl_io_exit(chip);
	}
	return ret;
}

static int mectl_mtd_read_fact_prot_reg(struct mtd_info *mtd, loff_t from,
					size_t len, size_t *retlen, u_char *buf)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, false);

	if (!ret) {
		ret = chip->hooks._read_fact_prot_reg(mtd, from, len, retlen, buf);
		mectl_io_exit(chip);
	}
	return ret;
}

static int mectl_mtd_get_user_prot_info(struct mtd_info *mtd, size_t len,
					size_t *retlen, struct otp_info *buf)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, false);

	if (!ret) {
		ret = chip->hooks._get_user_prot_info(mtd, len, retlen, buf);
		mectl_io_exit(chip);
	}
	return ret;
}

static int mectl_mtd_read_user_prot_reg(struct mtd_info *mtd, loff_t from,
					size_t len, size_t *retlen, u_char *buf)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, false);

	if (!ret) {
		ret = chip->hooks._read_user_prot_reg(mtd, from, len, retlen, buf);
		mectl_io_exit(chip);
	}
	return ret;
}

/* System sleep: a chip that is gone has nothing to suspend or resume. */
static int mectl_mtd_suspend(struct mtd_info *mtd)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = mectl_io_enter(chip, false);

	if (ret)
		return 0;
	ret = chip->hooks._suspend(mtd);
	mectl_io_exit(chip);
	return ret;
}

static void mectl_mtd_resume(struct mtd_info *mtd)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);

	if (mectl_io_enter(chip, false))
		return;
	chip->hooks._resume(mtd);
	mectl_io_exit(chip);
}

/*
 * Every user of the MTD device (open /dev/mtdN, /dev/mtdblockN, an in-kernel
 * get_mtd_device()) comes through here, under the MTD table mutex. Counting
 * them lets a detach refuse with -EBUSY instead of freeing what they use; the
 * module reference is the one spi-nor's own hook would have taken.
 */
static int mectl_mtd_get_device(struct mtd_info *mtd)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	int ret = 0;

	mutex_lock(&chip->open_lock);
	if (chip->closing || !try_module_get(THIS_MODULE))
		ret = -ENODEV;
	else
		chip->opens++;
	mutex_unlock(&chip->open_lock);
	return ret;
}

static void mectl_chip_free(struct mectl_chip *chip)
{
	put_device(&chip->spi->dev);
	kfree(chip->prev_override);
	kfree(chip);
}

/*
 * The MTD core calls this last on a close (the chip may be freed here):
 * the last user of a chip whose controller went away frees it.
 */
static void mectl_mtd_put_device(struct mtd_info *mtd)
{
	struct mectl_chip *chip = mtd_to_chip(mtd);
	bool last;

	mutex_lock(&chip->open_lock);
	last = !--chip->opens && chip->orphaned;
	mutex_unlock(&chip->open_lock);
	if (last)
		mectl_chip_free(chip);
	module_put(THIS_MODULE);
}

/* Route spi-nor's @hook, if it set one, through our gated wrapper. */
#define mectl_wrap(chip, hook)						\
	do {								\
		if ((chip)->nor.mtd.hook) {				\
			(chip)->hooks.hook = (chip)->nor.mtd.hook;	\
			(chip)->nor.mtd.hook = mectl_mtd##hook;		\
		}							\
	} while (0)

static void mectl_wrap_mtd_ops(struct mectl_chip *chip)
{
	struct mtd_info *mtd = &chip->nor.mtd;

	mectl_wrap(chip, _read);
	mectl_wrap(chip, _write);
	mectl_wrap(chip, _erase);
	mectl_wrap(chip, _lock);
	mectl_wrap(chip, _unlock);
	mectl_wrap(chip, _is_locked);
	mectl_wrap(chip, _get_fact_prot_info);
	mectl_wrap(chip, _read_fact_prot_reg);
	mectl_wrap(chip, _get_user_prot_info);
	mectl_wrap(chip, _read_user_prot_reg);
	mectl_wrap(chip, _suspend);
	mectl_wrap(chip, _resume);
	/*
	 * Programming or locking the one-time-programmable area cannot be
	 * undone; a BIOS flash tool has no business there. Reading it stays.
	 */
	mtd->_write_user_prot_reg = NULL;
	mtd->_lock_user_prot_reg = NULL;
	mtd->_erase_user_prot_reg = NULL;
	mtd->_get_device = mectl_mtd_get_device;
	mtd->_put_device = mectl_mtd_put_device;
}

/**
 * mectl_chip_set_writeable() - arm or disarm erase/write.
 * @chip: an attached chip.
 * @on: true to allow erase/write.
 *
 * Notifies sysfs pollers and the netlink "events" group on a change.
 */
void mectl_chip_set_writeable(struct mectl_chip *chip, bool on)
{
	if (READ_ONCE(chip->writeable) == on)
		return;
	WRITE_ONCE(chip->writeable, on);
	dev_info(&chip->spi->dev, "%s: erase/write %s\n", chip->name,
		 on ? "armed" : "disarmed");
	mectl_sysfs_notify_writeable(chip);
	mectl_netlink_event(chip, MECTL_EVENT_ARMED);
}

/**
 * mectl_chip_begin_detach() - refuse new users ahead of a detach.
 * @chip: an attached chip.
 *
 * Return: 0 when nobody uses the MTD device any more (new opens now fail with
 * -ENODEV), -EBUSY while somebody does.
 */
int mectl_chip_begin_detach(struct mectl_chip *chip)
{
	int ret = 0;

	mutex_lock(&chip->open_lock);
	if (chip->opens)
		ret = -EBUSY;
	else
		chip->closing = true;
	mutex_unlock(&chip->open_lock);
	return ret;
}

static bool mectl_id_is_blank(const u8 *id, size_t len)
{
	/* A floating MISO reads all ones, a MISO held low (no power) zeros. */
	return !memchr_inv(id, 0xff, len) || !memchr_inv(id, 0x00, len);
}

static struct mectl_chip *mectl_chip_alloc(struct spi_device *spi,
					   struct mectl_attach_req *req)
{
	struct mectl_chip *chip;

	chip = kzalloc(sizeof(*chip), GFP_KERNEL);
	if (!chip)
		return NULL;
	INIT_LIST_HEAD(&chip->node);
	mutex_init(&chip->open_lock);
	init_rwsem(&chip->io_sem);
	chip->spi = spi;
	get_device(&spi->dev);
	chip->bus = req->bus;
	chip->cs = req->cs;
	chip->speed_hz = req->speed_hz ?: spi->max_speed_hz;
	strscpy(chip->wp_gpio, req->wp_gpio ?: "", sizeof(chip->wp_gpio));
	strscpy(chip->hold_gpio, req->hold_gpio ?: "", sizeof(chip->hold_gpio));
	chip->writeable = req->writeable;
	snprintf(chip->name, sizeof(chip->name), "mectl-spi%u.%u", req->bus,
		 req->cs);
	return chip;
}

/* Pin the SPI controller's driver (flashsim, spi-bcm2835) while attached. */
static struct module *mectl_controller_owner(struct spi_device *spi)
{
	struct device *parent = spi->controller->dev.parent;

	return parent && parent->driver ? parent->driver->owner : NULL;
}

static int mectl_chip_scan(struct mectl_chip *chip)
{
	static const struct spi_nor_hwcaps hwcaps = {
		.mask = SNOR_HWCAPS_READ | SNOR_HWCAPS_READ_FAST |
			SNOR_HWCAPS_PP,
	};
	struct spi_nor *nor = &chip->nor;
	struct device *dev = &chip->spi->dev;
	int ret;

	ret = mectl_spi_read_reg(chip, SPINOR_OP_RDID, chip->id,
				 sizeof(chip->id));
	if (ret) {
		dev_err(dev, "bus %u cs %u: reading the JEDEC id failed: %d\n",
			chip->bus, chip->cs, ret);
		return ret;
	}
	if (mectl_id_is_blank(chip->id, sizeof(chip->id))) {
		dev_err(dev, "no SPI NOR chip on bus %u cs %u: JEDEC id bytes %*ph\n",
			chip->bus, chip->cs, (int)sizeof(chip->id), chip->id);
		return -ENODEV;
	}
	chip->vendor = mectl_vendor_find(chip->id[0]);
	chip->part = mectl_part_family(chip->id);

	nor->dev = dev;
	nor->priv = chip;
	nor->controller_ops = &mectl_spi_nor_ops;
	nor->mtd.name = chip->name;
	/*
	 * An id spi-nor does not know makes it log "unrecognized JEDEC id
	 * bytes: ..." on this device (spiB.C) and return -ENODEV: that line
	 * is the one report, so only other failures are logged here.
	 */
	ret = spi_nor_scan(nor, NULL, &hwcaps);
	if (ret && ret != -ENODEV)
		dev_err(dev, "bus %u cs %u: spi-nor could not set up JEDEC id %*ph: %d\n",
			chip->bus, chip->cs, 3, chip->id, ret);
	return ret;
}

static int mectl_chip_probe(struct spi_device *spi, struct mectl_attach_req *req)
{
	struct device *dev = &spi->dev;
	struct mectl_chip *chip;
	unsigned int n;
	u8 sr;
	int ret;

	chip = mectl_chip_alloc(spi, req);
	if (!chip)
		return -ENOMEM;

	/* WP# and HOLD# must be high before the chip is spoken to. */
	ret = mectl_gpio_hold_high(dev, req->wp_gpio, req->hold_gpio);
	if (ret)
		goto free_chip;

	ret = mectl_chip_scan(chip);
	if (ret)
		goto leave_4byte;
	mectl_erase_setup(chip);
	mectl_wrap_mtd_ops(chip);

	chip->ctlr_owner = mectl_controller_owner(spi);
	if (!try_module_get(chip->ctlr_owner)) {
		ret = -ENODEV;
		goto leave_4byte;
	}

	spi_set_drvdata(spi, chip);
	ret = mtd_device_register(&chip->nor.mtd, NULL, 0);
	if (ret) {
		dev_err(dev, "bus %u cs %u: registering the MTD device failed: %d\n",
			chip->bus, chip->cs, ret);
		goto put_controller;
	}

	/* Fills the status register cache that unprivileged GET_INFO reads. */
	for (n = 1; n <= ARRAY_SIZE(chip->sr_cache); n++)
		mectl_read_sr(chip, n, &sr);

	chip->prev_override = req->prev_override;
	req->prev_override = NULL;
	mutex_lock(&mectl_list_lock);
	list_add_tail(&chip->node, &mectl_chips);
	mutex_unlock(&mectl_list_lock);

	dev_info(dev, "%s: %s %s, JEDEC id %*phN, %llu KiB, mtd%d, erase %u KiB%s, erase/write %s\n",
		 chip->name, chip->vendor->name, chip->part ?: "(part unknown)",
		 MECTL_JEDEC_ID_LEN, chip->id,
		 (unsigned long long)chip->nor.mtd.size >> 10,
		 chip->nor.mtd.index, chip->nor.mtd.erasesize >> 10,
		 chip->block_erase_opcode ? " (64 KiB blocks)" : "",
		 chip->writeable ? "armed" : "refused");
	return 0;

put_controller:
	module_put(chip->ctlr_owner);
	spi_set_drvdata(spi, NULL);
leave_4byte:
	mectl_leave_4byte(chip);
free_chip:
	mectl_chip_free(chip);
	return ret;
}

static int mectl_probe(struct spi_device *spi)
{
	struct mectl_attach_req *req;

	mutex_lock(&mectl_list_lock);
	req = mectl_pending;
	if (req && (req->bus != (u32)spi->controller->bus_num ||
		    req->cs != spi_get_chipselect(spi, 0)))
		req = NULL;
	mutex_unlock(&mectl_list_lock);

	/* Bound by hand (driver_override + bind), not by mectl_attach(). */
	if (!req)
		return -ENODEV;

	/*
	 * The attach request carries the real error back; the driver core
	 * only hears that we decline, which it keeps quiet about, so a failed
	 * attach leaves exactly the one line its cause logged.
	 */
	req->err = mectl_chip_probe(spi, req);
	return req->err ? -ENODEV : 0;
}

static void mectl_remove(struct spi_device *spi)
{
	struct mectl_chip *chip = spi_get_drvdata(spi);
	bool busy;
	int ret;

	mutex_lock(&mectl_list_lock);
	list_del_init(&chip->node);
	mutex_unlock(&mectl_list_lock);

	mutex_lock(&chip->open_lock);
	chip->closing = true;
	busy = chip->opens;
	mutex_unlock(&chip->open_lock);

	ret = mtd_device_unregister(&chip->nor.mtd);
	if (ret)
		dev_err(&spi->dev, "%s: unregistering the MTD device failed: %d\n",
			chip->name, ret);

	/*
	 * Not spi_nor_restore(): in 6.1 it sends the soft reset of SFDP parts
	 * (W25Q256JV) through spi-mem unconditionally, which oopses on the
	 * controller_ops path. With users left (only when the SPI controller
	 * itself goes away: detach refuses with -EBUSY) the chip is not
	 * spoken to any more.
	 */
	if (!busy)
		mectl_leave_4byte(chip);

	/*
	 * spi-nor's state lives in devres of the spi_device and goes with this
	 * unbinding: from here on every MTD op of a remaining user fails.
	 */
	down_write(&chip->io_sem);
	chip->gone = true;
	up_write(&chip->io_sem);
	if (busy)
		dev_err(&spi->dev, "%s: removed while in use, I/O now fails with -ENODEV\n",
			chip->name);

	mectl_netlink_event(chip, MECTL_EVENT_DETACHED);
	module_put(chip->ctlr_owner);
	dev_info(&spi->dev, "%s: detached\n", chip->name);

	/* Freed here, or by the last user's close (mectl_mtd_put_device()). */
	mutex_lock(&chip->open_lock);
	busy = chip->opens;
	chip->orphaned = busy;
	mutex_unlock(&chip->open_lock);
	if (!busy)
		mectl_chip_free(chip);
}

struct spi_driver mectl_spi_driver = {
	.driver = {
		.name = MECTL_DRV_NAME,
		.dev_groups = mectl_sysfs_groups,
		/* Binding goes through mectl_attach(), never through sysfs. */
		.suppress_bind_attrs = true,
	},
	.probe = mectl_probe,
	.remove = mectl_remove,
};

static int __init mectl_check_params(void)
{
	if (bus < -1 || bus > S16_MAX || cs < -1 || cs > U8_MAX ||
	    speed_hz > MECTL_SPEED_MAX) {
		pr_err("mectl_flash: parameter out of range (bus %d cs %d speed_hz %u)\n",
		       bus, cs, speed_hz);
		return -EINVAL;
	}
	if (bus < 0 && (cs >= 0 || speed_hz || wp_gpio || hold_gpio ||
			writeable)) {
		pr_err("mectl_flash: cs/speed_hz/wp_gpio/hold_gpio/writeable need bus=\n");
		return -EINVAL;
	}
	return mectl_gpio_check(wp_gpio, hold_gpio, NULL);
}

static int __init mectl_init(void)
{
	struct mectl_attach_req req = {
		.bus = bus,
		.cs = cs < 0 ? 0 : cs,
		.speed_hz = speed_hz,
		.wp_gpio = wp_gpio,
		.hold_gpio = hold_gpio,
		.writeable = writeable,
	};
	int ret;

	ret = mectl_check_params();
	if (ret)
		return ret;

	ret = spi_register_driver(&mectl_spi_driver);
	if (ret)
		return ret;

	ret = mectl_netlink_init();
	if (ret)
		goto unregister_driver;

	if (bus >= 0) {
		ret = mectl_attach(&req);
		if (ret)
			goto netlink_exit;
	}
	return 0;

netlink_exit:
	mectl_netlink_exit();
unregister_driver:
	spi_unregister_driver(&mectl_spi_driver);
	return ret;
}

static void __exit mectl_exit(void)
{
	/*
	 * Every chip goes back to its driver (DETACHED events still reach
	 * listeners), and attach requests are refused from here on; then the
	 * family goes away, waiting for commands in flight.
	 */
	mectl_detach_all();
	mectl_netlink_exit();
	spi_unregister_driver(&mectl_spi_driver);
}

module_init(mectl_init);
module_exit(mectl_exit);

MODULE_DESCRIPTION("SPI NOR flash on spiB.C as an MTD device, for mectl");
MODULE_AUTHOR("mectl project");
MODULE_LICENSE("GPL");
