// SPDX-License-Identifier: GPL-2.0
/*
 * flashsim chip models.
 *
 * Identification, opcodes, register layouts and typical timings follow the
 * vendors' datasheets (W25Q64FV, W25Q128FV, W25Q256FV, W25Q256JV,
 * MX25L6406E). Quirks are hooks named for when they run; the command decoder
 * in flashsim-nor.c never tests which vendor it talks to.
 */

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "flashsim.h"

/* Winbond W25Q64FV/W25Q128FV: SR1 BP0-2 bits 2-4, TB bit 5, SEC bit 6. */
#define WB_SR1_BP3_SHIFT	2
#define WB_SR1_BP3_MASK		0x7
#define WB_SR1_TB5		BIT(5)
#define WB_SR1_SEC		BIT(6)
/* Winbond W25Q256: SR1 BP0-3 bits 2-5, TB bit 6. */
#define WB_SR1_BP4_MASK		0xf
#define WB_SR1_TB6		BIT(6)
/* Winbond SR2 complement protect; SR3 address mode bits of 256 Mbit parts. */
#define WB_SR2_CMP		BIT(6)
#define WB_SR3_ADS		BIT(0)
#define WB_SR3_ADP		BIT(1)
/* Macronix MX25L6406E: SR BP0-3 bits 2-5, no TB/CMP. */
#define MX_SR1_BP_MASK		0xf

/*
 * True when [addr, addr + len) touches the protected area. The status bits
 * select [lo, hi); CMP=1 protects the complement instead.
 */
static bool fsim_range_locked(u32 addr, u32 len, u32 lo, u32 hi, bool cmp)
{
	u64 end = (u64)addr + len;

	if (!cmp)
		return lo < hi && addr < hi && end > lo;
	return !(addr >= lo && end <= hi);
}

/* Protected length from the top/bottom for a Winbond BP0-2 + SEC scheme. */
static u32 wb_bp3_len(u32 size, u8 sr1)
{
	u32 bp = (sr1 >> WB_SR1_BP3_SHIFT) & WB_SR1_BP3_MASK;

	if (!bp)
		return 0;
	if (bp == WB_SR1_BP3_MASK)
		return size;
	if (sr1 & WB_SR1_SEC)
		return min_t(u32, SZ_4K << (bp - 1), SZ_32K);
	/* BP=1 protects 1/64 of the array, each further step doubles it. */
	return size >> (7 - bp);
}

static bool wb_bp3_before_modify(const struct fsim *fs, u32 addr, u32 len)
{
	u32 size = fs->chip->size;
	u32 plen = wb_bp3_len(size, fs->sr[0]);
	bool bottom = fs->sr[0] & WB_SR1_TB5;
	u32 lo = bottom ? 0 : size - plen;
	u32 hi = bottom ? plen : size;

	return !fsim_range_locked(addr, len, lo, hi, fs->sr[1] & WB_SR2_CMP);
}

/* W25Q256: BP=1 protects the top 64 KiB, each step doubles, >= 10 is all. */
static u32 wb_bp4_len(u32 size, u8 sr1)
{
	u32 bp = (sr1 >> WB_SR1_BP3_SHIFT) & WB_SR1_BP4_MASK;

	if (!bp)
		return 0;
	if (bp >= 10)
		return size;
	return min_t(u32, SZ_64K << (bp - 1), size);
}

static bool wb_bp4_before_modify(const struct fsim *fs, u32 addr, u32 len)
{
	u32 size = fs->chip->size;
	u32 plen = wb_bp4_len(size, fs->sr[0]);
	bool bottom = fs->sr[0] & WB_SR1_TB6;
	u32 lo = bottom ? 0 : size - plen;
	u32 hi = bottom ? plen : size;

	return !fsim_range_locked(addr, len, lo, hi, fs->sr[1] & WB_SR2_CMP);
}

/* MX25L6406E: BP=1 protects the top 64 KiB block, doubling, >= 8 is all. */
static bool mx_bp4_before_modify(const struct fsim *fs, u32 addr, u32 len)
{
	u32 size = fs->chip->size;
	u32 bp = (fs->sr[0] >> 2) & MX_SR1_BP_MASK;
	u32 plen;

	if (!bp)
		plen = 0;
	else if (bp >= 8)
		plen = size;
	else
		plen = min_t(u32, SZ_64K << (bp - 1), size);
	return !fsim_range_locked(addr, len, size - plen, size, false);
}

/* W25Q256: ADP (SR3 bit 1) selects the power-up address mode. */
static void wb256_power_on(struct fsim *fs)
{
	fs->addr4 = fs->sr[2] & WB_SR3_ADP;
}

/* W25Q256: ADS (SR3 bit 0) mirrors the current address mode. */
static void wb256_addr_mode_changed(struct fsim *fs)
{
	if (fs->addr4)
		fs->sr[2] |= WB_SR3_ADS;
	else
		fs->sr[2] &= ~WB_SR3_ADS;
}

#define WB_TIMING(ce)							\
	{ .pp_us = 700, .wrsr_us = 10000, .se_us = 45000,		\
	  .be32_us = 120000, .be64_us = 150000, .ce_ms = (ce) }

static const struct fsim_chip fsim_chips[] = {
	{
		.name = "w25q64fv",
		.id = { 0xef, 0x40, 0x17 },
		.res_id = 0x16,
		.size = SZ_8M,
		.caps = FSIM_F_SR23 | FSIM_F_BE32 | FSIM_F_SFDP |
			FSIM_F_RESET | FSIM_F_EWSR,
		.sfdp_minor = 0,
		.sr_default = { 0x00, 0x00, 0x60 },
		.sr_wmask = { 0xfc, 0x43, 0x64 },
		.t = WB_TIMING(20000),
		.before_modify = wb_bp3_before_modify,
	},
	{
		.name = "w25q128fv",
		.id = { 0xef, 0x40, 0x18 },
		.res_id = 0x17,
		.size = SZ_16M,
		.caps = FSIM_F_SR23 | FSIM_F_BE32 | FSIM_F_SFDP |
			FSIM_F_RESET | FSIM_F_EWSR,
		.sfdp_minor = 0,
		.sr_default = { 0x00, 0x00, 0x60 },
		.sr_wmask = { 0xfc, 0x43, 0x64 },
		.t = WB_TIMING(40000),
		.before_modify = wb_bp3_before_modify,
	},
	{
		/* 3-byte mode at power-up; only reads have 4-byte opcodes. */
		.name = "w25q256fv",
		.id = { 0xef, 0x40, 0x19 },
		.res_id = 0x18,
		.size = SZ_32M,
		.caps = FSIM_F_SR23 | FSIM_F_BE32 | FSIM_F_SFDP |
			FSIM_F_RESET | FSIM_F_EWSR | FSIM_F_4B_MODE |
			FSIM_F_4B_READ,
		.sfdp_minor = 0,
		.sr_default = { 0x00, 0x00, 0x60 },
		.sr_wmask = { 0xfc, 0x43, 0xe6 },
		.t = WB_TIMING(80000),
		.power_on = wb256_power_on,
		.addr_mode_changed = wb256_addr_mode_changed,
		.before_modify = wb_bp4_before_modify,
	},
	{
		/* Same RDID as the FV; JESD216A SFDP tells them apart. */
		.name = "w25q256jv",
		.id = { 0xef, 0x40, 0x19 },
		.res_id = 0x18,
		.size = SZ_32M,
		.caps = FSIM_F_SR23 | FSIM_F_BE32 | FSIM_F_SFDP |
			FSIM_F_RESET | FSIM_F_EWSR | FSIM_F_4B_MODE |
			FSIM_F_4B_READ | FSIM_F_4B_WRITE,
		.sfdp_minor = 5,
		.sr_default = { 0x00, 0x00, 0x60 },
		.sr_wmask = { 0xfc, 0x43, 0xe6 },
		.t = { .pp_us = 400, .wrsr_us = 10000, .se_us = 45000,
		       .be32_us = 120000, .be64_us = 150000, .ce_ms = 80000 },
		.power_on = wb256_power_on,
		.addr_mode_changed = wb256_addr_mode_changed,
		.before_modify = wb_bp4_before_modify,
	},
	{
		/* No SFDP, no second status register, no 32 KiB erase. */
		.name = "mx25l6406e",
		.id = { 0xc2, 0x20, 0x17 },
		.res_id = 0x16,
		.size = SZ_8M,
		.caps = 0,
		.sr_default = { 0x00, 0x00, 0x00 },
		.sr_wmask = { 0xbc, 0x00, 0x00 },
		.t = { .pp_us = 1400, .wrsr_us = 40000, .se_us = 60000,
		       .be32_us = 0, .be64_us = 700000, .ce_ms = 50000 },
		.before_modify = mx_bp4_before_modify,
	},
};

/**
 * fsim_chip_find() - look up a chip model by its chip= name
 * @name: model name, e.g. "w25q64fv"
 *
 * Return: the model, or NULL when no model has that name.
 */
const struct fsim_chip *fsim_chip_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fsim_chips); i++)
		if (sysfs_streq(name, fsim_chips[i].name))
			return &fsim_chips[i];
	return NULL;
}

static bool fsim_chip_complete(const struct fsim_chip *c)
{
	u32 caps = c->caps;

	return c->name && c->id[0] && c->res_id && is_power_of_2(c->size) &&
	       c->size >= SZ_64K && c->size <= FSIM_MAX_SIZE &&
	       c->before_modify &&
	       !(c->sr_wmask[0] & (FSIM_SR1_WIP | FSIM_SR1_WEL)) &&
	       ((caps & FSIM_F_SR23) || !(c->sr_wmask[1] | c->sr_wmask[2])) &&
	       (!c->sfdp_minor || (caps & FSIM_F_SFDP)) &&
	       (c->size <= SZ_16M || (caps & FSIM_F_4B_MODE)) &&
	       c->t.pp_us && c->t.wrsr_us && c->t.se_us && c->t.be64_us &&
	       c->t.ce_ms && (!(caps & FSIM_F_BE32) || c->t.be32_us);
}

/**
 * fsim_chips_check() - walk the model table for holes
 *
 * Every model needs an ID, a power-of-two size the store can hold, a
 * protection hook, timings for the erases it decodes, and a unique name;
 * parts above 16 MiB need a way to address them.
 *
 * Return: 0 when the table is sound, -EINVAL (with one line naming the
 * entry) otherwise.
 */
int fsim_chips_check(void)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(fsim_chips); i++) {
		const struct fsim_chip *c = &fsim_chips[i];

		for (j = 0; c->name && j < i; j++)
			if (!strcmp(c->name, fsim_chips[j].name))
				break;
		if (!fsim_chip_complete(c) || j < i) {
			pr_err("flashsim: chip table entry %zu (%s) is incomplete or duplicate\n",
			       i, c->name ?: "?");
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * fsim_chip_names() - list the model names for an error message
 * @buf: output buffer
 * @len: size of @buf
 */
void fsim_chip_names(char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(fsim_chips) && n < len; i++)
		n += scnprintf(buf + n, len - n, "%s%s", i ? " " : "",
			       fsim_chips[i].name);
}
