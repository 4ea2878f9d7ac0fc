/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mectl: the kernel APIs that differ between the kernels mectl builds for
 * (Linux 6.1 to today's mainline). One entry per API, each naming the release
 * that changed it; everything else the modules use is the same everywhere.
 *
 * Where a change was backported to stable releases, a version number cannot
 * tell: kmod/compat.mk then tests the kernel's headers and defines a
 * MECTL_HAVE_* macro instead.
 */
#ifndef MECTL_COMPAT_H
#define MECTL_COMPAT_H

#include <linux/device.h>
#include <linux/err.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <linux/string.h>
#include <linux/version.h>

/* The unaligned access helpers moved from asm/ to linux/ in 6.12. */
#if __has_include(<linux/unaligned.h>)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "mectl needs Linux 6.1 or newer"
#endif

/*
 * spi_get_chipselect(): chip_select became an array for multi-CS devices in
 * 6.3; the accessor came with it (and to stable 6.1.71). Older 6.1 releases
 * have only the scalar field.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 71)
static inline u8 spi_get_chipselect(const struct spi_device *spi, u8 idx)
{
	return spi->chip_select;
}
#endif

/*
 * spi_alloc_host(): the "master" names were replaced in 6.2 (stable 6.1.91)
 * and the old ones are on their way out of mainline.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 91)
#define spi_alloc_host spi_alloc_master
#endif

/*
 * platform_driver.remove returns void since 6.11; 6.1 has the void variant
 * as .remove_new (since 6.3, stable 6.1.30), which later kernels drop.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define MECTL_PLATFORM_REMOVE	remove
#else
#define MECTL_PLATFORM_REMOVE	remove_new
#endif

/*
 * driver_override: a field of struct spi_device, set with driver_set_override(),
 * until mainline 7.0 ("driver core: generalize driver_override in struct
 * device") moved it into struct device behind device_set_driver_override().
 * Backported to stable 6.12.80 and 6.18.y, so compat.mk tests the header.
 */

/**
 * mectl_set_driver_override() - make @name the only driver that may bind @spi.
 * @spi: the SPI device.
 * @name: a driver name, or NULL to let any matching driver bind again.
 *
 * Return: 0 on success, -errno otherwise.
 */
static inline int mectl_set_driver_override(struct spi_device *spi,
					    const char *name)
{
#ifdef MECTL_HAVE_DEVICE_DRIVER_OVERRIDE
	return device_set_driver_override(&spi->dev, name ?: "");
#else
	return driver_set_override(&spi->dev, &spi->driver_override, name ?: "",
				   name ? strlen(name) : 0);
#endif
}

/**
 * mectl_dup_driver_override() - a copy of @spi's driver_override.
 * @spi: the SPI device.
 *
 * Return: a kmalloc'd copy, NULL when none is set, ERR_PTR(-ENOMEM).
 */
static inline const char *mectl_dup_driver_override(struct spi_device *spi)
{
	const char *copy = NULL;

#ifdef MECTL_HAVE_DEVICE_DRIVER_OVERRIDE
	spin_lock(&spi->dev.driver_override.lock);
	if (spi->dev.driver_override.name)
		copy = kstrdup(spi->dev.driver_override.name, GFP_ATOMIC);
	spin_unlock(&spi->dev.driver_override.lock);
	if (!copy && device_has_driver_override(&spi->dev))
		return ERR_PTR(-ENOMEM);
#else
	device_lock(&spi->dev);
	if (spi->driver_override) {
		copy = kstrdup(spi->driver_override, GFP_KERNEL);
		if (!copy)
			copy = ERR_PTR(-ENOMEM);
	}
	device_unlock(&spi->dev);
#endif
	return copy;
}

/*
 * Legacy global GPIO numbers (linux/gpio.h: gpio_is_valid(),
 * devm_gpio_request_one()): optional since 6.17 ("gpiolib: make legacy
 * interfaces optional", CONFIG_GPIOLIB_LEGACY) and meant to go. Code using
 * them is compiled only under MECTL_HAVE_GPIO_LEGACY.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 17, 0) || IS_ENABLED(CONFIG_GPIOLIB_LEGACY)
#define MECTL_HAVE_GPIO_LEGACY
#endif

/*
 * gpio_chip's line setter: void .set in 6.1; an int-returning .set_rv beside
 * it from 6.16 (backported to stable 6.12.y); mainline then made .set itself
 * return int and dropped .set_rv. compat.mk tests the header: MECTL_GPIO_SET_INT
 * names the member taking an int-returning setter, undefined on 6.1.
 */
#if defined(MECTL_HAVE_GPIO_SET_RV)
#define MECTL_GPIO_SET_INT	set_rv
#elif defined(MECTL_HAVE_GPIO_SET_INT)
#define MECTL_GPIO_SET_INT	set
#endif

#endif /* MECTL_COMPAT_H */
