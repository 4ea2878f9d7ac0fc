// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: WP# and HOLD# of the clipped chip.
 *
 * Both are active low. Left floating (a Pi's GPIO23 and GPIO24 come up as
 * inputs with pull-downs) they can write-protect the status register or keep
 * the chip from answering at all, so when the user names the GPIO lines wired
 * to them we drive them high for as long as the chip is attached. They are
 * managed resources of the spi_device: released (back to inputs, on a Pi)
 * when it is unbound, on detach or when the probe fails.
 *
 * A line is named as its gpiochip names it ("GPIO23" on every Pi; gpioinfo
 * lists them) and found through a GPIO lookup table keyed by line name
 * (include/linux/gpio/machine.h, chip_hwnum U16_MAX), which the descriptor
 * API consults for devices without firmware GPIO properties.
 *
 * Legacy global GPIO numbers are still accepted, with a warning: they change
 * between kernels (the Pi's dynamic base moved in 6.2), and the API behind
 * them is optional since 6.17 (CONFIG_GPIOLIB_LEGACY) and meant to go. All
 * of it sits in mectl_gpio_by_number(), compiled only where it exists
 * (compat.h: MECTL_HAVE_GPIO_LEGACY).
 */
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/machine.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/netlink.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "mectl_flash.h"

#ifdef MECTL_HAVE_GPIO_LEGACY
#include <linux/gpio.h>
#endif

/**
 * struct mectl_pin - one of the chip's control pins.
 * @label:	consumer label of the GPIO line (gpioinfo shows it), also the
 *		con_id of its lookup table entry.
 */
struct mectl_pin {
	const char *label;
};

static const struct mectl_pin mectl_pin_wp = { .label = "mectl WP#" };
static const struct mectl_pin mectl_pin_hold = { .label = "mectl HOLD#" };

static bool mectl_gpio_given(const char *spec)
{
	return spec && *spec;
}

/* A number, or meant as one: line names do not start like that. */
static bool mectl_gpio_numeric(const char *spec)
{
	return isdigit(spec[0]) || spec[0] == '-' || spec[0] == '+';
}

/**
 * mectl_gpio_number() - the legacy GPIO number a line was given as.
 * @spec: a GPIO line as an attach request gives it.
 * @num: the number, if it is one.
 *
 * Return: true when @spec is a legacy GPIO number (decimal, 0..INT_MAX).
 */
bool mectl_gpio_number(const char *spec, u32 *num)
{
	return mectl_gpio_given(spec) && mectl_gpio_numeric(spec) &&
	       !kstrtou32(spec, 10, num) && *num <= INT_MAX;
}

static bool mectl_gpio_valid(const char *spec)
{
	size_t len, i;
	u32 num;

	if (!mectl_gpio_given(spec))
		return true;
	if (mectl_gpio_numeric(spec))
		return mectl_gpio_number(spec, &num);
	len = strnlen(spec, MECTL_GPIO_NAME_MAX);
	if (len == MECTL_GPIO_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isprint(spec[i]))
			return false;
	return true;
}

static bool mectl_gpio_same(const char *a, const char *b)
{
	u32 na, nb;

	if (!mectl_gpio_given(a) || !mectl_gpio_given(b))
		return false;
	if (mectl_gpio_number(a, &na) && mectl_gpio_number(b, &nb))
		return na == nb;
	return !strcmp(a, b);
}

/*
 * Refuse the lines of an attach request: in the extended ack of a netlink
 * request, in the log for the module parameters (@extack NULL).
 */
#define mectl_gpio_refuse(extack, wp, hold, msg) ({			\
	if (extack)							\
		NL_SET_ERR_MSG(extack, msg);				\
	else								\
		pr_err("mectl_flash: wp_gpio=%s hold_gpio=%s: %s\n",	\
		       (wp) ?: "", (hold) ?: "", msg);			\
	-EINVAL;							\
})

#define MECTL_GPIO_SYNTAX " (a line name of 1-31 printable characters that does not start with a digit or sign, or a GPIO number)"

/**
 * mectl_gpio_check() - validate the WP# and HOLD# lines of an attach request.
 * @wp: WP# line name or legacy number, NULL or "" for none.
 * @hold: HOLD# line, as @wp.
 * @extack: where a netlink request's error goes; NULL for the module
 *	    parameters, whose error is logged.
 *
 * Return: 0 when both are acceptable, -EINVAL otherwise.
 */
int mectl_gpio_check(const char *wp, const char *hold,
		     struct netlink_ext_ack *extack)
{
	if (!mectl_gpio_valid(wp))
		return mectl_gpio_refuse(extack, wp, hold,
					 "WP#: not a GPIO line" MECTL_GPIO_SYNTAX);
	if (!mectl_gpio_valid(hold))
		return mectl_gpio_refuse(extack, wp, hold,
					 "HOLD#: not a GPIO line" MECTL_GPIO_SYNTAX);
	if (mectl_gpio_same(wp, hold))
		return mectl_gpio_refuse(extack, wp, hold,
					 "WP# and HOLD# name the same GPIO line");
	return 0;
}

static int mectl_gpio_by_number(struct device *dev,
				const struct mectl_pin *pin, u32 gpio)
{
#ifdef MECTL_HAVE_GPIO_LEGACY
	int ret;

	/*
	 * gpiolib answers -EPROBE_DEFER for a number no chip provides ("it may
	 * appear later"); for a user's parameter that is simply wrong.
	 */
	if (!gpio_is_valid(gpio) || !gpio_to_desc(gpio)) {
		dev_err(dev, "%s: GPIO %u does not exist (no GPIO chip provides it)\n",
			pin->label, gpio);
		return -ENODEV;
	}
	ret = devm_gpio_request_one(dev, gpio, GPIOF_OUT_INIT_HIGH, pin->label);
	if (ret) {
		dev_err(dev, "%s: cannot drive GPIO %u high: %d\n", pin->label,
			gpio, ret);
		return ret;
	}
	dev_warn(dev, "%s: driving legacy GPIO number %u; numbers change between kernels, name the line instead (gpioinfo lists them, e.g. GPIO23)\n",
		 pin->label, gpio);
	return 0;
#else
	dev_err(dev, "%s: this kernel has no legacy GPIO numbers (CONFIG_GPIOLIB_LEGACY is off): name the line instead of GPIO %u (gpioinfo lists them)\n",
		pin->label, gpio);
	return -EINVAL;
#endif
}

static int mectl_gpio_by_name(struct device *dev, const struct mectl_pin *pin,
			      const char *name)
{
	struct gpiod_lookup_table *table;
	struct gpio_desc *desc;

	/* The entry plus the empty one that ends the table. */
	table = kzalloc(struct_size(table, table, 2), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	table->dev_id = dev_name(dev);
	table->table[0] = (struct gpiod_lookup)GPIO_LOOKUP(name, U16_MAX,
							   pin->label,
							   GPIO_ACTIVE_HIGH);
	gpiod_add_lookup_table(table);
	desc = devm_gpiod_get(dev, pin->label, GPIOD_OUT_HIGH);
	gpiod_remove_lookup_table(table);
	kfree(table);
	if (!IS_ERR(desc))
		return 0;

	switch (PTR_ERR(desc)) {
	case -EPROBE_DEFER:
		/* gpiolib's word for "no line of that name (yet)". */
		dev_err(dev, "%s: no GPIO line is named \"%s\" (gpioinfo lists them)\n",
			pin->label, name);
		return -ENODEV;
	case -EBUSY:
		dev_err(dev, "%s: GPIO line \"%s\" is in use by another consumer\n",
			pin->label, name);
		return -EBUSY;
	}
	dev_err(dev, "%s: cannot drive GPIO line \"%s\" high: %ld\n", pin->label,
		name, PTR_ERR(desc));
	return PTR_ERR(desc);
}

static int mectl_gpio_drive_high(struct device *dev,
				 const struct mectl_pin *pin, const char *spec)
{
	u32 num;

	if (!mectl_gpio_given(spec))
		return 0;
	if (mectl_gpio_number(spec, &num))
		return mectl_gpio_by_number(dev, pin, num);
	return mectl_gpio_by_name(dev, pin, spec);
}

/**
 * mectl_gpio_hold_high() - drive WP# and HOLD# high until @dev is unbound.
 * @dev: the spi_device being bound to us (the lines become managed
 *	 resources of it).
 * @wp: WP# line name or legacy number, NULL or "" for none; checked by
 *	mectl_gpio_check().
 * @hold: HOLD# line, as @wp.
 *
 * Return: 0 on success (or nothing to drive), -ENODEV when no GPIO line has
 * that name or number, -EBUSY when another consumer holds it, -errno
 * otherwise; the cause is logged in one line.
 */
int mectl_gpio_hold_high(struct device *dev, const char *wp, const char *hold)
{
	int ret;

	ret = mectl_gpio_drive_high(dev, &mectl_pin_wp, wp);
	if (!ret)
		ret = mectl_gpio_drive_high(dev, &mectl_pin_hold, hold);
	return ret;
}
