// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: WP# and HOLD# of the clipped chip.
 *
 * Both are active low. Left floating (the Pi's pins default to inputs) they
 * can write-protect the status register or pause the chip mid-transfer, so
 * when the user names the GPIOs wired to them we drive them high for as long
 * as the chip is attached. The numbers are legacy global GPIO numbers, as
 * pigpio and /sys/class/gpio use them on a Pi.
 */
#include <linux/gpio.h>
#include <linux/gpio/consumer.h>

#include "mectl_flash.h"

/**
 * mectl_gpio_hold_high() - drive a GPIO high until @dev is unbound.
 * @dev: the spi_device bound to us (the GPIO is a managed resource of it).
 * @gpio: legacy GPIO number, or a negative number for none.
 * @label: "mectl WP#" or "mectl HOLD#".
 *
 * Return: 0 on success or when @gpio is negative, -ENODEV when no GPIO chip
 * provides @gpio, -errno otherwise.
 */
int mectl_gpio_hold_high(struct device *dev, int gpio, const char *label)
{
	int ret;

	if (gpio < 0)
		return 0;
	/*
	 * gpiolib answers -EPROBE_DEFER for a number no chip provides ("it may
	 * appear later"); for a user's parameter that is simply wrong.
	 */
	if (!gpio_is_valid(gpio) || !gpio_to_desc(gpio)) {
		dev_err(dev, "%s: GPIO %d does not exist (no GPIO chip provides it)\n",
			label, gpio);
		return -ENODEV;
	}
	ret = devm_gpio_request_one(dev, gpio, GPIOF_OUT_INIT_HIGH, label);
	if (ret)
		dev_err(dev, "%s: cannot drive GPIO %d high: %d\n", label, gpio,
			ret);
	return ret;
}
