// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: taking spiB.C over from whatever driver holds it, and handing
 * it back.
 *
 * There is no exported way to reach a SPI controller by bus number in 6.1, but
 * the spi_device "spiB.C" is on spi_bus_type under that name. We point its
 * driver_override at ours, unbind spidev and attach: the driver core then
 * probes only us. A device that another driver holds is left alone. On
 * detach the previous driver_override (flashsim binds spidev through one) is
 * put back and the device probed again, so flashrom on /dev/spidevB.C works
 * without a reboot.
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "mectl_flash.h"

/* Serialises attach and detach; probe/remove run inside, under the device lock. */
static DEFINE_MUTEX(mectl_attach_lock);
static bool mectl_closed;

static struct spi_device *mectl_find_spi(u32 bus, u32 cs)
{
	struct device *dev;
	char name[32];

	snprintf(name, sizeof(name), "spi%u.%u", bus, cs);
	dev = bus_find_device_by_name(&spi_bus_type, NULL, name);
	return dev ? to_spi_device(dev) : NULL;
}

static bool mectl_is_ours(struct spi_device *spi)
{
	return spi->dev.driver == &mectl_spi_driver.driver;
}

static void mectl_hand_back(struct spi_device *spi, const char *prev)
{
	int ret;

	ret = mectl_set_driver_override(spi, prev);
	if (ret)
		dev_err(&spi->dev, "restoring driver_override \"%s\" failed: %d\n",
			prev ?: "", ret);
	/* Whoever matches (spidev, normally) binds; nobody matching is fine. */
	ret = device_attach(&spi->dev);
	if (ret < 0)
		dev_err(&spi->dev, "handing back to %s failed: %d\n",
			prev ?: "its driver", ret);
}

/**
 * __mectl_find_chip() - look an attached chip up, mectl_list_lock held.
 * @any: ignore @bus/@cs and return the only chip attached.
 * @bus: SPI bus number.
 * @cs: chip select.
 *
 * mectl_remove() unlinks a chip under mectl_list_lock before freeing it, so
 * the chip returned stays valid for as long as the caller keeps holding it.
 *
 * Return: the chip, NULL when none matches, ERR_PTR(-EINVAL) when @any is set
 * and several chips are attached.
 */
struct mectl_chip *__mectl_find_chip(bool any, u32 bus, u32 cs)
{
	struct mectl_chip *chip, *found = NULL;

	lockdep_assert_held(&mectl_list_lock);
	list_for_each_entry(chip, &mectl_chips, node) {
		if (any) {
			if (found)
				return ERR_PTR(-EINVAL);
			found = chip;
		} else if (chip->bus == bus && chip->cs == cs) {
			return chip;
		}
	}
	return found;
}

/* Is a chip attached on @bus/@cs? A yes/no only: the chip may go any time. */
static bool mectl_is_attached(u32 bus, u32 cs)
{
	bool found;

	mutex_lock(&mectl_list_lock);
	found = __mectl_find_chip(false, bus, cs);
	mutex_unlock(&mectl_list_lock);
	return found;
}

/*
 * A device is taken over only from spidev (the raw userspace interface
 * flashrom uses) or when no driver holds it: anything else on spiB.C (a TPM,
 * a CAN controller, a display) is a device of the machine, not a clip.
 */
static int mectl_check_holder(struct spi_device *spi)
{
	const char *holder = NULL;

	device_lock(&spi->dev);
	if (spi->dev.driver && strcmp(spi->dev.driver->name, "spidev"))
		holder = spi->dev.driver->name;
	device_unlock(&spi->dev);
	if (!holder)
		return 0;
	dev_err(&spi->dev, "held by driver %s: mectl_flash takes a device over only from spidev or unbound\n",
		holder);
	return -EBUSY;
}

static int mectl_bind(struct spi_device *spi, struct mectl_attach_req *req)
{
	int ret;

	/* From here on no other driver can bind; then see who holds it now. */
	ret = mectl_set_driver_override(spi, MECTL_DRV_NAME);
	if (ret)
		return ret;
	ret = mectl_check_holder(spi);
	if (ret)
		return ret;
	device_release_driver(&spi->dev);

	req->err = -ENODEV;
	mutex_lock(&mectl_list_lock);
	mectl_pending = req;
	mutex_unlock(&mectl_list_lock);

	ret = device_attach(&spi->dev);

	mutex_lock(&mectl_list_lock);
	mectl_pending = NULL;
	mutex_unlock(&mectl_list_lock);

	if (ret < 0)
		return ret;
	return mectl_is_ours(spi) ? 0 : req->err ?: -ENODEV;
}

/*
 * ATTACHED goes out once the driver core has finished the binding, so a
 * listener that reacts finds the sysfs attributes (added after probe) there.
 */
static void mectl_announce_attached(u32 bus, u32 cs)
{
	struct mectl_chip *chip;

	mutex_lock(&mectl_list_lock);
	chip = __mectl_find_chip(false, bus, cs);
	if (chip)
		mectl_netlink_event(chip, MECTL_EVENT_ATTACHED);
	mutex_unlock(&mectl_list_lock);
}

/**
 * mectl_attach() - take spiBUS.CS over and register its chip as MTD device.
 * @req: what to attach and how; @req->prev_override and @req->err are
 *	 filled in here.
 *
 * On failure spiBUS.CS is back with its previous driver and the cause was
 * logged once.
 *
 * Return: 0 on success, -EBUSY if that chip is attached already or a driver
 * other than spidev holds spiBUS.CS, -ENODEV if there is no spiBUS.CS or no
 * known chip answers on it, -errno otherwise.
 */
int mectl_attach(struct mectl_attach_req *req)
{
	struct spi_device *spi;
	int ret;

	mutex_lock(&mectl_attach_lock);
	if (mectl_closed) {
		ret = -ESHUTDOWN;
		goto unlock;
	}
	if (mectl_is_attached(req->bus, req->cs)) {
		ret = -EBUSY;
		goto unlock;
	}
	spi = mectl_find_spi(req->bus, req->cs);
	if (!spi) {
		pr_err("mectl_flash: bus %u cs %u: no such SPI device spi%u.%u\n",
		       req->bus, req->cs, req->bus, req->cs);
		ret = -ENODEV;
		goto unlock;
	}

	req->prev_override = mectl_dup_driver_override(spi);
	if (IS_ERR(req->prev_override)) {
		ret = PTR_ERR(req->prev_override);
		req->prev_override = NULL;
		goto put_spi;
	}
	ret = mectl_bind(spi, req);
	if (ret)
		mectl_hand_back(spi, req->prev_override);
	else
		mectl_announce_attached(req->bus, req->cs);
	kfree(req->prev_override);
	req->prev_override = NULL;
put_spi:
	put_device(&spi->dev);
unlock:
	mutex_unlock(&mectl_attach_lock);
	return ret;
}

/*
 * With mectl_attach_lock held and a reference on @spi: unbind us, bind the old
 * driver. The chip is looked at only under the device lock, which mectl_remove()
 * also runs under, so a controller going away at the same moment cannot free it
 * under us; after the unlock only @spi (referenced) is used.
 */
static int mectl_release(struct spi_device *spi, bool force)
{
	struct mectl_chip *chip;
	const char *prev = NULL;
	int ret = -ENODEV;

	device_lock(&spi->dev);
	chip = mectl_is_ours(spi) ? spi_get_drvdata(spi) : NULL;
	if (chip) {
		ret = mectl_chip_begin_detach(chip);
		if (!ret || force) {
			prev = chip->prev_override;
			chip->prev_override = NULL;
			ret = 0;
		}
	}
	device_unlock(&spi->dev);
	if (ret)
		return ret;

	device_release_driver(&spi->dev);	/* mectl_remove() frees chip */
	mectl_hand_back(spi, prev);
	kfree(prev);
	return 0;
}

/* The spi_device of the chip on @bus/@cs (or the first one), referenced; or NULL. */
static struct spi_device *mectl_get_chip_spi(bool first, u32 bus, u32 cs)
{
	struct mectl_chip *chip;
	struct spi_device *spi = NULL;

	mutex_lock(&mectl_list_lock);
	if (first)
		chip = list_first_entry_or_null(&mectl_chips, struct mectl_chip, node);
	else
		chip = __mectl_find_chip(false, bus, cs);
	if (chip) {
		spi = chip->spi;
		get_device(&spi->dev);
	}
	mutex_unlock(&mectl_list_lock);
	return spi;
}

/**
 * mectl_detach() - give an attached chip back to its previous driver.
 * @bus: SPI bus number.
 * @cs: chip select.
 *
 * Return: 0 on success, -ENODEV if that chip is not attached, -EBUSY while
 * its MTD device is open.
 */
int mectl_detach(u32 bus, u32 cs)
{
	struct spi_device *spi;
	int ret = -ENODEV;

	mutex_lock(&mectl_attach_lock);
	spi = mectl_get_chip_spi(false, bus, cs);
	if (spi) {
		ret = mectl_release(spi, false);
		put_device(&spi->dev);
	}
	mutex_unlock(&mectl_attach_lock);
	return ret;
}

/**
 * mectl_detach_all() - detach every chip and refuse further attaches.
 *
 * Used on module unload, when no MTD device can be open any more: an open
 * one holds a reference on this module.
 */
void mectl_detach_all(void)
{
	struct spi_device *spi;

	mutex_lock(&mectl_attach_lock);
	mectl_closed = true;
	while ((spi = mectl_get_chip_spi(true, 0, 0))) {
		mectl_release(spi, true);
		put_device(&spi->dev);
	}
	mutex_unlock(&mectl_attach_lock);
}
