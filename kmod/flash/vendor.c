// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: SPI NOR manufacturers, by the first byte of the JEDEC id (the
 * manufacturer code JEP106 assigns; SPI NOR parts send it without the bank's
 * continuation bytes), and what differs between them as far as this module
 * goes beyond spi-nor: extra status registers, the 64 KiB block erase
 * (erase.c) and leaving 4-byte address mode. A manufacturer without quirks
 * gets the JEDEC-generic behaviour (no block erase: spi-nor erases alone;
 * EX4B leaves 4-byte mode). The last entry stands for unknown codes.
 */
#include <linux/kernel.h>

#include "mectl_flash.h"

#define WINBOND_NOR_OP_RDSR2	0x35	/* Read Status Register 2 */
#define WINBOND_NOR_OP_RDSR3	0x15	/* Read Status Register 3 */
#define WINBOND_NOR_OP_WREAR	0xc5	/* Write Extended Address Register */

static int mectl_ex4b(struct mectl_chip *chip)
{
	return mectl_spi_write_reg(chip, SPINOR_OP_EX4B, NULL, 0);
}

/*
 * Leaving 4-byte mode sets the Extended Address Register of a W25Q256FV to 1,
 * after which 3-byte reads come from the upper 16 MiB; clear it (WREN, WREAR
 * 0, WRDI) so that flashrom and the firmware see the chip as after power-up.
 */
static int winbond_leave_4byte(struct mectl_chip *chip)
{
	static const u8 ear;
	int ret;

	ret = mectl_ex4b(chip);
	if (ret)
		return ret;
	ret = mectl_spi_write_reg(chip, SPINOR_OP_WREN, NULL, 0);
	if (ret)
		return ret;
	ret = mectl_spi_write_reg(chip, WINBOND_NOR_OP_WREAR, &ear, 1);
	if (ret)
		return ret;
	return mectl_spi_write_reg(chip, SPINOR_OP_WRDI, NULL, 0);
}

static const struct mectl_vendor mectl_vendors[] = {
	{
		.id = 0xef,
		.name = "Winbond",
		.sr2_opcode = WINBOND_NOR_OP_RDSR2,
		.sr3_opcode = WINBOND_NOR_OP_RDSR3,
		.block_erase = true,
		.leave_4byte = winbond_leave_4byte,
	},
	{
		/* RDCR (0x15) on Macronix is a configuration register, not SR3. */
		.id = 0xc2,
		.name = "Macronix",
		.block_erase = true,
	},
	{ .id = 0x01, .name = "Spansion (Cypress, Infineon)" },
	{ .id = 0x04, .name = "Fujitsu" },
	{ .id = 0x1c, .name = "EON" },
	{ .id = 0x1f, .name = "Atmel (Adesto, Renesas)" },
	{ .id = 0x20, .name = "Micron (ST, Numonyx)" },
	{ .id = 0x37, .name = "AMIC" },
	{ .id = 0x62, .name = "ON Semiconductor (Sanyo)" },
	{ .id = 0x68, .name = "Boya" },
	{ .id = 0x85, .name = "Puya" },
	{ .id = 0x89, .name = "Intel" },
	{ .id = 0x8c, .name = "ESMT" },
	{ .id = 0x9d, .name = "ISSI" },
	{ .id = 0xa1, .name = "Fudan" },
	{ .id = 0xbf, .name = "SST (Microchip)" },
	{ .id = 0xc8, .name = "GigaDevice" },
	{ .id = 0x5e, .name = "Zbit" },
	{ .id = 0x0b, .name = "XTX" },
	/* Unknown manufacturer code: must stay last. */
	{ .id = 0, .name = "unknown" },
};

/**
 * mectl_vendor_find() - quirks for a manufacturer.
 * @id: first JEDEC id byte.
 *
 * Return: the manufacturer's entry, or the last one, named "unknown", for a
 * code not in the table; never NULL.
 */
const struct mectl_vendor *mectl_vendor_find(u8 id)
{
	const struct mectl_vendor *v = mectl_vendors;

	while (v->id && v->id != id)
		v++;
	return v;
}

/**
 * mectl_read_sr() - read status register @n of the chip, live.
 * @chip: an attached chip.
 * @n: 1, 2 or 3.
 * @val: the register value.
 *
 * Waits for any erase/write in progress (the spi-nor lock).
 *
 * Return: 0 on success, -EOPNOTSUPP if the part has no such register,
 * -EINTR if interrupted, -errno otherwise.
 */
int mectl_read_sr(struct mectl_chip *chip, unsigned int n, u8 *val)
{
	u8 opcode;
	int ret;

	switch (n) {
	case 1:
		opcode = SPINOR_OP_RDSR;
		break;
	case 2:
		opcode = chip->vendor->sr2_opcode;
		break;
	case 3:
		opcode = chip->vendor->sr3_opcode;
		break;
	default:
		opcode = 0;
		break;
	}
	if (!opcode)
		return -EOPNOTSUPP;

	ret = mutex_lock_interruptible(&chip->nor.lock);
	if (ret)
		return ret;
	ret = mectl_spi_read_reg(chip, opcode, val, 1);
	if (!ret) {
		WRITE_ONCE(chip->sr_cache[n - 1], *val);
		chip->sr_cached |= BIT(n - 1);
	}
	mutex_unlock(&chip->nor.lock);
	return ret;
}

/**
 * mectl_cached_sr() - status register @n as the last live read found it.
 * @chip: an attached chip.
 * @n: 1, 2 or 3.
 * @val: the register value.
 *
 * Touches no hardware and takes no lock, so any caller may ask as often as
 * it likes without delaying the chip's users.
 *
 * Return: true when a value was read since attach.
 */
bool mectl_cached_sr(struct mectl_chip *chip, unsigned int n, u8 *val)
{
	if (n < 1 || n > ARRAY_SIZE(chip->sr_cache) ||
	    !(READ_ONCE(chip->sr_cached) & BIT(n - 1)))
		return false;
	*val = READ_ONCE(chip->sr_cache[n - 1]);
	return true;
}

/**
 * mectl_leave_4byte() - put the chip back in 3-byte address mode if we left it
 * in 4-byte mode.
 * @chip: the chip, with no MTD user left.
 *
 * Return: 0 on success (or nothing to do), -errno otherwise.
 */
int mectl_leave_4byte(struct mectl_chip *chip)
{
	int ret;

	if (!chip->in_4byte || !chip->vendor)
		return 0;
	ret = (chip->vendor->leave_4byte ?: mectl_ex4b)(chip);
	if (ret)
		dev_err(&chip->spi->dev, "%s: leaving 4-byte address mode failed: %d\n",
			chip->name, ret);
	return ret;
}
