// SPDX-License-Identifier: GPL-2.0
/*
 * flashsim GPIO: the 28 header GPIOs of a Raspberry Pi as a gpiochip, two of
 * them clipped to the chip's control pins, as the seed guide wires them:
 *
 *   GPIO23 (header pin 16) -> WP#    GPIO24 (header pin 18) -> HOLD#
 *
 * Lines are named as the Pi 4's gpiochip0 names them in current device
 * trees (bcm2711-rpi-4-b.dts: "ID_SDA", "ID_SCL", "GPIO2" ... "GPIO27"), so
 * a consumer looks them up exactly as on a Pi. Each line is an input until
 * requested as an output; the level a chip pin sees is what the line drives,
 * or, undriven, the level the pin floats to: high (the target board's
 * pull-up) unless the debugfs knobs wp_floats_low / hold_floats_low say low
 * (a clip on a board without one, where the Pi's own pull-down wins). Freeing
 * a line makes it an input again, as pinctrl-bcm2835 does.
 */

#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/gpio/driver.h>
#include <linux/spinlock.h>

#include "compat.h"
#include "flashsim.h"

/**
 * struct fsim_gpio - the gpiochip and its line state
 * @gc: the gpiochip
 * @fs: the simulator whose chip is wired to it
 * @lock: protects @out and @high (gpiolib may call in atomic context)
 * @out: lines configured as outputs
 * @high: output value per line
 */
struct fsim_gpio {
	struct gpio_chip gc;
	struct fsim *fs;
	spinlock_t lock;
	unsigned long out;
	unsigned long high;
};

static const char *const fsim_gpio_names[FSIM_GPIO_LINES] = {
	"ID_SDA", "ID_SCL", "GPIO2", "GPIO3", "GPIO4", "GPIO5", "GPIO6",
	"GPIO7", "GPIO8", "GPIO9", "GPIO10", "GPIO11", "GPIO12", "GPIO13",
	"GPIO14", "GPIO15", "GPIO16", "GPIO17", "GPIO18", "GPIO19", "GPIO20",
	"GPIO21", "GPIO22", "GPIO23", "GPIO24", "GPIO25", "GPIO26", "GPIO27",
};

/*
 * Undriven level of a line: the chip pins as the knobs say; the other lines
 * as a Pi's reset pulls leave them (GPIO0-8 up, GPIO9-27 down).
 */
static bool fsim_gpio_float_level(const struct fsim *fs, unsigned int line)
{
	switch (line) {
	case FSIM_GPIO_WP:
		return !READ_ONCE(fs->faults.wp_floats_low);
	case FSIM_GPIO_HOLD:
		return !READ_ONCE(fs->faults.hold_floats_low);
	}
	return line <= 8;
}

static bool fsim_gpio_level(struct fsim_gpio *g, unsigned int line)
{
	unsigned long flags;
	bool level;

	spin_lock_irqsave(&g->lock, flags);
	if (test_bit(line, &g->out))
		level = test_bit(line, &g->high);
	else
		level = fsim_gpio_float_level(g->fs, line);
	spin_unlock_irqrestore(&g->lock, flags);
	return level;
}

/**
 * fsim_gpio_pin() - level of a chip pin wired to a GPIO line
 * @fs: the simulator
 * @line: FSIM_GPIO_WP or FSIM_GPIO_HOLD
 *
 * Return: true when the pin is high (driven high, or floating high).
 */
bool fsim_gpio_pin(const struct fsim *fs, unsigned int line)
{
	if (!fs->gpio)
		return fsim_gpio_float_level(fs, line);
	return fsim_gpio_level(fs->gpio, line);
}

static int fsim_gpio_get_direction(struct gpio_chip *gc, unsigned int line)
{
	struct fsim_gpio *g = gpiochip_get_data(gc);

	return test_bit(line, &g->out) ? GPIO_LINE_DIRECTION_OUT :
					 GPIO_LINE_DIRECTION_IN;
}

static void fsim_gpio_update(struct fsim_gpio *g, unsigned int line, bool out,
			     bool high)
{
	unsigned long flags;

	spin_lock_irqsave(&g->lock, flags);
	__assign_bit(line, &g->out, out);
	if (out)
		__assign_bit(line, &g->high, high);
	spin_unlock_irqrestore(&g->lock, flags);
}

static int fsim_gpio_direction_input(struct gpio_chip *gc, unsigned int line)
{
	fsim_gpio_update(gpiochip_get_data(gc), line, false, false);
	return 0;
}

static int fsim_gpio_direction_output(struct gpio_chip *gc, unsigned int line,
				      int value)
{
	fsim_gpio_update(gpiochip_get_data(gc), line, true, value);
	return 0;
}

static int fsim_gpio_get(struct gpio_chip *gc, unsigned int line)
{
	return fsim_gpio_level(gpiochip_get_data(gc), line);
}

static int fsim_gpio_set(struct gpio_chip *gc, unsigned int line, int value)
{
	struct fsim_gpio *g = gpiochip_get_data(gc);
	unsigned long flags;

	spin_lock_irqsave(&g->lock, flags);
	__assign_bit(line, &g->high, value);
	spin_unlock_irqrestore(&g->lock, flags);
	return 0;
}

#ifndef MECTL_GPIO_SET_INT
static void fsim_gpio_set_void(struct gpio_chip *gc, unsigned int line,
			       int value)
{
	fsim_gpio_set(gc, line, value);
}
#endif

static void fsim_gpio_free(struct gpio_chip *gc, unsigned int line)
{
	fsim_gpio_update(gpiochip_get_data(gc), line, false, false);
}

/**
 * fsim_gpio_init() - register the gpiochip of @fs
 * @fs: the simulator; @fs->dev is the platform device
 *
 * The chip is a managed resource of @fs->dev: it goes away after the
 * platform driver's remove, once the SPI controller (and whoever used the
 * lines through spi0.0) is gone.
 *
 * Return: 0 on success, -errno otherwise.
 */
int fsim_gpio_init(struct fsim *fs)
{
	struct fsim_gpio *g;
	int ret;

	g = devm_kzalloc(fs->dev, sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	g->fs = fs;
	spin_lock_init(&g->lock);
	g->gc.label = dev_name(fs->dev);
	g->gc.parent = fs->dev;
	g->gc.owner = THIS_MODULE;
	g->gc.base = -1;
	g->gc.ngpio = FSIM_GPIO_LINES;
	g->gc.names = fsim_gpio_names;
	g->gc.get_direction = fsim_gpio_get_direction;
	g->gc.direction_input = fsim_gpio_direction_input;
	g->gc.direction_output = fsim_gpio_direction_output;
	g->gc.get = fsim_gpio_get;
#ifdef MECTL_GPIO_SET_INT
	g->gc.MECTL_GPIO_SET_INT = fsim_gpio_set;
#else
	g->gc.set = fsim_gpio_set_void;
#endif
	g->gc.free = fsim_gpio_free;
	ret = devm_gpiochip_add_data(fs->dev, &g->gc, g);
	if (ret) {
		dev_err(fs->dev, "cannot register the GPIO lines: %d\n", ret);
		return ret;
	}
	fs->gpio = g;
	return 0;
}
