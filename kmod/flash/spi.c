// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: spi-nor controller_ops over spi_sync() on the spi_device.
 *
 * Every operation is one SPI message, i.e. one chip-select frame: a command
 * transfer (opcode, address, dummy bytes) followed by a data transfer. The
 * spi-nor core tells us the current read opcode, address width and dummy
 * cycles through struct spi_nor; SFDP reads come through the same hook with
 * opcode 0x5a, 3 address bytes and 8 dummy cycles. All I/O is 1-1-1.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "mectl_flash.h"

static struct mectl_chip *nor_to_chip(struct spi_nor *nor)
{
	return nor->priv;
}

/* Opcode, big-endian address and dummy bytes into chip->txbuf; returns the length. */
static size_t mectl_spi_cmd(struct mectl_chip *chip, u8 opcode, u8 addr_nbytes,
			    u32 addr, u8 dummy_nbytes)
{
	u8 *p = chip->txbuf;
	int i;

	*p++ = opcode;
	for (i = addr_nbytes - 1; i >= 0; i--)
		*p++ = addr >> (8 * i);
	memset(p, 0xff, dummy_nbytes);
	return 1 + addr_nbytes + dummy_nbytes;
}

/* Largest data phase the controller takes after a @cmd_len command. */
static size_t mectl_spi_max_data(struct mectl_chip *chip, size_t cmd_len,
				 size_t len)
{
	size_t msg = spi_max_message_size(chip->spi);

	len = min(len, spi_max_transfer_size(chip->spi));
	if (msg > cmd_len)
		len = min(len, msg - cmd_len);
	return len;
}

/**
 * mectl_spi_read_reg() - send @opcode, read @len bytes back.
 * @chip: the chip.
 * @opcode: register read opcode (RDID, RDSR, ...).
 * @val: where the bytes go.
 * @len: how many, at most MECTL_SPI_CMD_MAX.
 *
 * Return: 0 on success, -errno otherwise.
 */
int mectl_spi_read_reg(struct mectl_chip *chip, u8 opcode, u8 *val, size_t len)
{
	struct spi_transfer xfers[2] = {
		{ .tx_buf = chip->txbuf, .len = 1, .speed_hz = chip->speed_hz },
		{ .rx_buf = chip->rxbuf, .len = len, .speed_hz = chip->speed_hz },
	};
	int ret;

	if (!len || len > MECTL_SPI_CMD_MAX)
		return -EINVAL;
	chip->txbuf[0] = opcode;
	ret = spi_sync_transfer(chip->spi, xfers, ARRAY_SIZE(xfers));
	if (ret) {
		dev_dbg(&chip->spi->dev, "error %d reading register 0x%02x\n",
			ret, opcode);
		return ret;
	}
	memcpy(val, chip->rxbuf, len);
	return 0;
}

/**
 * mectl_spi_write_reg() - send @opcode followed by @len bytes.
 * @chip: the chip.
 * @opcode: command (WREN, WRSR, an erase with its address, ...).
 * @val: the bytes after the opcode, may be NULL when @len is 0.
 * @len: at most MECTL_SPI_CMD_MAX - 1.
 *
 * Tracks EN4B/EX4B so that a detach can leave 4-byte mode.
 *
 * Return: 0 on success, -errno otherwise.
 */
int mectl_spi_write_reg(struct mectl_chip *chip, u8 opcode, const u8 *val,
			size_t len)
{
	struct spi_transfer xfer = {
		.tx_buf = chip->txbuf,
		.len = 1 + len,
		.speed_hz = chip->speed_hz,
	};
	int ret;

	if (len >= MECTL_SPI_CMD_MAX)
		return -EINVAL;
	chip->txbuf[0] = opcode;
	if (len)
		memcpy(chip->txbuf + 1, val, len);
	ret = spi_sync_transfer(chip->spi, &xfer, 1);
	if (ret) {
		dev_dbg(&chip->spi->dev, "error %d on command 0x%02x\n", ret,
			opcode);
		return ret;
	}
	if (opcode == SPINOR_OP_EN4B)
		chip->in_4byte = true;
	else if (opcode == SPINOR_OP_EX4B)
		chip->in_4byte = false;
	return 0;
}

static int mectl_nor_read_reg(struct spi_nor *nor, u8 opcode, u8 *buf,
			      size_t len)
{
	return mectl_spi_read_reg(nor_to_chip(nor), opcode, buf, len);
}

static int mectl_nor_write_reg(struct spi_nor *nor, u8 opcode, const u8 *buf,
			       size_t len)
{
	return mectl_spi_write_reg(nor_to_chip(nor), opcode, buf, len);
}

static ssize_t mectl_nor_read(struct spi_nor *nor, loff_t from, size_t len,
			      u8 *buf)
{
	struct mectl_chip *chip = nor_to_chip(nor);
	struct spi_transfer xfers[2] = { };
	struct spi_message msg;
	size_t cmd_len;
	int ret;

	cmd_len = mectl_spi_cmd(chip, nor->read_opcode, nor->addr_nbytes, from,
				nor->read_dummy / 8);
	xfers[0].tx_buf = chip->txbuf;
	xfers[0].len = cmd_len;
	xfers[0].speed_hz = chip->speed_hz;
	xfers[1].rx_buf = buf;
	xfers[1].len = mectl_spi_max_data(chip, cmd_len, len);
	xfers[1].speed_hz = chip->speed_hz;
	spi_message_init_with_transfers(&msg, xfers, ARRAY_SIZE(xfers));

	ret = spi_sync(chip->spi, &msg);
	if (ret) {
		dev_dbg(&chip->spi->dev, "error %d reading %zu bytes at 0x%llx\n",
			ret, len, (unsigned long long)from);
		return ret;
	}
	if (msg.actual_length < cmd_len)
		return -EIO;
	return msg.actual_length - cmd_len;
}

static ssize_t mectl_nor_write(struct spi_nor *nor, loff_t to, size_t len,
			       const u8 *buf)
{
	struct mectl_chip *chip = nor_to_chip(nor);
	struct spi_transfer xfers[2] = { };
	struct spi_message msg;
	size_t cmd_len;
	int ret;

	cmd_len = mectl_spi_cmd(chip, nor->program_opcode, nor->addr_nbytes,
				to, 0);
	xfers[0].tx_buf = chip->txbuf;
	xfers[0].len = cmd_len;
	xfers[0].speed_hz = chip->speed_hz;
	xfers[1].tx_buf = buf;
	xfers[1].len = mectl_spi_max_data(chip, cmd_len, len);
	xfers[1].speed_hz = chip->speed_hz;
	spi_message_init_with_transfers(&msg, xfers, ARRAY_SIZE(xfers));

	ret = spi_sync(chip->spi, &msg);
	if (ret) {
		dev_dbg(&chip->spi->dev, "error %d writing %zu bytes at 0x%llx\n",
			ret, len, (unsigned long long)to);
		return ret;
	}
	if (msg.actual_length < cmd_len)
		return -EIO;
	return msg.actual_length - cmd_len;
}

/*
 * No erase hook: spi-nor then sends erase_opcode and the address through
 * write_reg, which is exactly the frame an erase is.
 */
const struct spi_nor_controller_ops mectl_spi_nor_ops = {
	.read_reg = mectl_nor_read_reg,
	.write_reg = mectl_nor_write_reg,
	.read = mectl_nor_read,
	.write = mectl_nor_write,
};
