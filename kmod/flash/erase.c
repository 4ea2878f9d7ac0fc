// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: erase, with one 64 KiB block erase wherever a request covers
 * a whole aligned block.
 *
 * With CONFIG_MTD_SPI_NOR_USE_4K_SECTORS (Debian's kernel), spi-nor treats a
 * uniform chip as 4 KiB sectors and erases a 64 KiB range with 16 sector
 * erases: 16 x 45 ms on a W25Q64FV, where one block erase (0xd8) takes
 * 150 ms. The MTD erase block stays 4 KiB, so users keep the fine
 * granularity; of an erase request, the whole aligned 64 KiB blocks are
 * erased here with one command each, the unaligned head and tail and a
 * whole-chip erase go to spi-nor as before.
 *
 * spi-nor keeps its erase map private, so whether a part has the block erase
 * comes from our vendor table (mectl_vendor.block_erase), and the opcode
 * follows the sector erase spi-nor chose: 0x20 -> 0xd8, and in 4-byte opcode
 * mode 0x21 -> 0xdc, with spi-nor's address width. The sequence is spi-nor's
 * own (WREN, erase, poll SR1.WIP, and WRDI at the end), under nor->lock, the
 * lock spi-nor's read, write and erase take, so it never interleaves with
 * them.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sizes.h>

#include "mectl_flash.h"

#define MECTL_BLOCK_SIZE	SZ_64K
/* spi-nor's wait for one erase (DEFAULT_READY_WAIT_JIFFIES); datasheets give 2 s at most. */
#define MECTL_BLOCK_ERASE_TIMEOUT_MS	40000
/* A block erase takes 100 ms and more: poll SR1 once a millisecond, not in a busy loop. */
#define MECTL_BLOCK_POLL_US	1000

/* The block erase that goes with each sector erase spi-nor may have chosen. */
static const struct {
	u8 sector;
	u8 block;
} mectl_block_ops[] = {
	{ SPINOR_OP_BE_4K, SPINOR_OP_SE },
	{ SPINOR_OP_BE_4K_4B, SPINOR_OP_SE_4B },
};

/**
 * mectl_erase_setup() - decide whether erases may use the block erase.
 * @chip: a chip spi-nor has scanned.
 *
 * Sets @chip->block_erase_opcode, or leaves it 0 when the part (by vendor),
 * its MTD geometry or spi-nor's sector erase opcode does not fit.
 */
void mectl_erase_setup(struct mectl_chip *chip)
{
	const struct mtd_info *mtd = &chip->nor.mtd;
	size_t i;

	chip->block_erase_opcode = 0;
	if (!chip->vendor->block_erase || mtd->erasesize != SZ_4K ||
	    !IS_ALIGNED(mtd->size, MECTL_BLOCK_SIZE))
		return;
	for (i = 0; i < ARRAY_SIZE(mectl_block_ops); i++)
		if (chip->nor.erase_opcode == mectl_block_ops[i].sector)
			chip->block_erase_opcode = mectl_block_ops[i].block;
}

/**
 * mectl_block_erase_size() - bytes one block erase clears.
 * @chip: an attached chip.
 *
 * Return: 65536, or 0 when erases go through spi-nor only.
 */
u32 mectl_block_erase_size(const struct mectl_chip *chip)
{
	return chip->block_erase_opcode ? MECTL_BLOCK_SIZE : 0;
}

static int mectl_wait_ready(struct mectl_chip *chip)
{
	unsigned long deadline = jiffies +
		msecs_to_jiffies(MECTL_BLOCK_ERASE_TIMEOUT_MS);
	bool late;
	u8 sr;
	int ret;

	for (;;) {
		late = time_after(jiffies, deadline);
		ret = mectl_spi_read_reg(chip, SPINOR_OP_RDSR, &sr, 1);
		if (ret)
			return ret;
		if (!(sr & SR_WIP))
			return 0;
		if (late)
			return -ETIMEDOUT;
		usleep_range(MECTL_BLOCK_POLL_US, 2 * MECTL_BLOCK_POLL_US);
	}
}

static int mectl_block_erase_one(struct mectl_chip *chip, u32 addr)
{
	u8 abytes[4];
	u8 n = chip->nor.addr_nbytes;
	int i, ret;

	if (n < 3 || n > sizeof(abytes))
		return -EINVAL;
	for (i = 0; i < n; i++)
		abytes[i] = addr >> (8 * (n - 1 - i));
	ret = mectl_spi_write_reg(chip, SPINOR_OP_WREN, NULL, 0);
	if (ret)
		return ret;
	ret = mectl_spi_write_reg(chip, chip->block_erase_opcode, abytes, n);
	if (ret)
		return ret;
	return mectl_wait_ready(chip);
}

/* Whole blocks [@from, @to), both aligned; on failure @instr->fail_addr says where. */
static int mectl_erase_blocks(struct mectl_chip *chip,
			      struct erase_info *instr, u64 from, u64 to)
{
	struct spi_nor *nor = &chip->nor;
	u64 addr;
	int ret = 0, ret2;

	if (from == to)
		return 0;
	mutex_lock(&nor->lock);
	for (addr = from; addr < to; addr += MECTL_BLOCK_SIZE) {
		ret = mectl_block_erase_one(chip, addr);
		if (ret) {
			instr->fail_addr = addr;
			dev_err(&chip->spi->dev, "%s: erasing the 64 KiB block at 0x%llx failed: %d\n",
				chip->name, (unsigned long long)addr, ret);
			break;
		}
	}
	ret2 = mectl_spi_write_reg(chip, SPINOR_OP_WRDI, NULL, 0);
	mutex_unlock(&nor->lock);
	return ret ?: ret2;
}

/* Sectors [@from, @to) through spi-nor's erase. */
static int mectl_erase_sectors(struct mectl_chip *chip,
			       struct erase_info *instr, u64 from, u64 to)
{
	struct erase_info part = {
		.addr = from,
		.len = to - from,
		.fail_addr = MTD_FAIL_ADDR_UNKNOWN,
	};
	int ret;

	if (from == to)
		return 0;
	ret = chip->hooks._erase(&chip->nor.mtd, &part);
	if (ret)
		instr->fail_addr = part.fail_addr;
	return ret;
}

/**
 * mectl_erase() - the MTD erase of an armed chip.
 * @chip: an attached chip, armed, with I/O entered.
 * @instr: the request; the MTD core has checked it lies inside the chip.
 *
 * Return: 0, -EINVAL for a start or length that is not a multiple of the
 * erase block (nothing is erased then), or the error of the first command
 * that failed (with @instr->fail_addr set where known).
 */
int mectl_erase(struct mectl_chip *chip, struct erase_info *instr)
{
	struct mtd_info *mtd = &chip->nor.mtd;
	u64 start = instr->addr, end = instr->addr + instr->len;
	u64 head_end, blocks_end;
	int ret;

	/* spi-nor checks the length only: an odd start would erase the sector around it. */
	if (!IS_ALIGNED(start, mtd->erasesize) ||
	    !IS_ALIGNED(instr->len, mtd->erasesize))
		return -EINVAL;
	if (!chip->block_erase_opcode || instr->len == mtd->size)
		return chip->hooks._erase(mtd, instr);

	head_end = min(ALIGN(start, MECTL_BLOCK_SIZE), end);
	blocks_end = max(head_end, ALIGN_DOWN(end, MECTL_BLOCK_SIZE));
	ret = mectl_erase_sectors(chip, instr, start, head_end);
	if (!ret)
		ret = mectl_erase_blocks(chip, instr, head_end, blocks_end);
	if (!ret)
		ret = mectl_erase_sectors(chip, instr, blocks_end, end);
	return ret;
}
