// SPDX-License-Identifier: GPL-2.0
/*
 * flashsim: virtual SPI controller carrying one simulated SPI NOR chip.
 *
 * The module registers a platform driver and a platform device; probe
 * registers a SPI controller (bus bus_num) and a spi_device on CS0 bound to
 * spidev through driver_override, exactly as a Raspberry Pi with
 * dtparam=spi=on offers spi0.0 and /dev/spidev0.0. The platform device must
 * stay driver-bound: spi-nor pins controller->dev.parent->driver->owner
 * when an MTD on top is opened.
 */

#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/spi/spi.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "flashsim.h"

#define FSIM_DRV_NAME		"flashsim"
#define FSIM_MAX_SPEED_HZ	104000000

static char *chip = "w25q64fv";
module_param(chip, charp, 0444);
MODULE_PARM_DESC(chip, "chip model: w25q64fv (default), w25q128fv, w25q256fv, w25q256jv, mx25l6406e");

static int bus_num = -1;
module_param(bus_num, int, 0444);
MODULE_PARM_DESC(bus_num, "SPI bus number, -1 = dynamic (default)");

static unsigned int clock_hz;
module_param(clock_hz, uint, 0644);
MODULE_PARM_DESC(clock_hz, "modelled SPI clock in Hz (time = bits / clock), 0 = instantaneous (default)");

static bool timing;
module_param(timing, bool, 0644);
MODULE_PARM_DESC(timing, "model datasheet-typical program/erase busy times (WIP), default off");

/**
 * fsim_param_clock_hz() - the clock_hz parameter, which may change at runtime
 *
 * Return: the modelled SPI clock in Hz, 0 for instantaneous transfers.
 */
unsigned int fsim_param_clock_hz(void)
{
	return READ_ONCE(clock_hz);
}

/**
 * fsim_param_timing() - the timing parameter, which may change at runtime
 *
 * Return: true when program/erase keep WIP set for their typical time.
 */
bool fsim_param_timing(void)
{
	return READ_ONCE(timing);
}

/*
 * Unregistering removes spi0.0 and whatever is bound to it (spidev, an MTD
 * driver); those may still talk to the chip on their way out. Afterwards a
 * stale user can only reach the controller, which then refuses transfers.
 */
static void fsim_teardown(struct fsim *fs)
{
	struct spi_controller *ctlr = fs->ctlr;

	fsim_debugfs_exit(fs);
	spi_unregister_controller(ctlr);
	mutex_lock(&fs->lock);
	fs->gone = true;
	vfree(fs->mem);
	fs->mem = NULL;
	mutex_unlock(&fs->lock);
	spi_controller_put(ctlr);
}

static int fsim_transfer_one_message(struct spi_controller *ctlr,
				     struct spi_message *msg)
{
	struct fsim *fs = spi_controller_get_devdata(ctlr);

	msg->status = fsim_nor_transfer(fs, msg);
	spi_finalize_current_message(ctlr);
	return 0;
}

static int fsim_add_spidev(struct fsim *fs)
{
	struct spi_board_info info = {
		.modalias = "spidev",
		.max_speed_hz = FSIM_MAX_SPEED_HZ,
		.bus_num = fs->ctlr->bus_num,
		.chip_select = 0,
		.mode = SPI_MODE_0,
	};
	struct spi_device *spi;
	int ret;

	/* No driver lists "spidev": the device stays unbound until told. */
	spi = spi_new_device(fs->ctlr, &info);
	if (!spi)
		return -ENODEV;
	/* spidev has no id for "spidev": bind it as a Pi overlay would. */
	ret = mectl_set_driver_override(spi, "spidev");
	if (!ret)
		ret = device_attach(&spi->dev);
	if (ret < 0) {
		spi_unregister_device(spi);
		return ret;
	}
	return 0;
}

static int fsim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	const struct fsim_chip *model;
	struct spi_controller *ctlr;
	struct fsim *fs;
	int ret;

	model = fsim_chip_find(chip);
	if (!model)
		return -EINVAL;

	/*
	 * The chip state lives in the controller, which outlives this binding
	 * while a stale child still holds a reference to it; such a child then
	 * finds fs->gone set instead of freed memory.
	 */
	ctlr = spi_alloc_host(dev, sizeof(*fs));
	if (!ctlr)
		return -ENOMEM;
	fs = spi_controller_get_devdata(ctlr);
	fs->dev = dev;
	fs->ctlr = ctlr;
	fs->chip = model;
	mutex_init(&fs->lock);
	fs->faults.stuck_addr = -1;
	memcpy(fs->sr, model->sr_default, sizeof(fs->sr));
	fsim_sfdp_build(model, fs->sfdp, sizeof(fs->sfdp));
	fs->mem = vmalloc(model->size);
	if (!fs->mem) {
		ret = -ENOMEM;
		goto put_ctlr;
	}
	/* A new part comes erased. */
	memset(fs->mem, 0xff, model->size);
	fsim_nor_power_on(fs);

	/* The Pi's GPIOs, wired to WP# and HOLD#, before the chip is reachable. */
	ret = fsim_gpio_init(fs);
	if (ret)
		goto free_mem;

	ctlr->bus_num = bus_num;
	ctlr->num_chipselect = 1;
	ctlr->mode_bits = SPI_CPOL | SPI_CPHA;
	ctlr->bits_per_word_mask = SPI_BPW_MASK(8);
	ctlr->max_speed_hz = FSIM_MAX_SPEED_HZ;
	ctlr->transfer_one_message = fsim_transfer_one_message;

	/* Held until remove has finished with fs. */
	spi_controller_get(ctlr);
	ret = spi_register_controller(ctlr);
	if (ret) {
		dev_err(dev, "cannot register SPI bus %d: %d\n", bus_num, ret);
		spi_controller_put(ctlr);
		goto free_mem;
	}
	platform_set_drvdata(pdev, fs);
	fsim_debugfs_init(fs);

	ret = fsim_add_spidev(fs);
	if (ret) {
		dev_err(dev, "cannot add %s.0: %d\n", dev_name(&ctlr->dev), ret);
		platform_set_drvdata(pdev, NULL);
		fsim_teardown(fs);
		return ret;
	}
	dev_info(dev, "%s (%02x%02x%02x, %u KiB) on %s.0\n", model->name,
		 model->id[0], model->id[1], model->id[2], model->size >> 10,
		 dev_name(&ctlr->dev));
	return 0;

free_mem:
	vfree(fs->mem);
put_ctlr:
	spi_controller_put(ctlr);
	return ret;
}

static void fsim_remove(struct platform_device *pdev)
{
	fsim_teardown(platform_get_drvdata(pdev));
}

static struct platform_driver fsim_driver = {
	.driver = {
		.name = FSIM_DRV_NAME,
	},
	.probe = fsim_probe,
	.MECTL_PLATFORM_REMOVE = fsim_remove,
};

static struct platform_device *fsim_pdev;

static int __init fsim_init(void)
{
	char names[128];
	int ret;

	ret = fsim_chips_check();
	if (ret)
		return ret;
	if (!fsim_chip_find(chip)) {
		fsim_chip_names(names, sizeof(names));
		pr_err("flashsim: unknown chip '%s' (known: %s)\n", chip, names);
		return -EINVAL;
	}
	if (bus_num < -1) {
		pr_err("flashsim: bus_num %d out of range (-1 = dynamic)\n",
		       bus_num);
		return -EINVAL;
	}
	ret = platform_driver_register(&fsim_driver);
	if (ret)
		return ret;
	fsim_pdev = platform_device_register_simple(FSIM_DRV_NAME, -1, NULL, 0);
	if (IS_ERR(fsim_pdev)) {
		ret = PTR_ERR(fsim_pdev);
		goto unregister_driver;
	}
	/* Probe ran synchronously; without a bound driver there is no chip. */
	if (!platform_get_drvdata(fsim_pdev)) {
		ret = -ENODEV;
		goto unregister_device;
	}
	return 0;

unregister_device:
	platform_device_unregister(fsim_pdev);
unregister_driver:
	platform_driver_unregister(&fsim_driver);
	return ret;
}

static void __exit fsim_exit(void)
{
	platform_device_unregister(fsim_pdev);
	platform_driver_unregister(&fsim_driver);
}

module_init(fsim_init);
module_exit(fsim_exit);

MODULE_DESCRIPTION("Simulated SPI controller with a SPI NOR flash chip");
MODULE_AUTHOR("mectl project");
MODULE_LICENSE("GPL");
