// SPDX-License-Identifier: GPL-2.0
/*
 * flashsim SFDP: a JESD216 Serial Flash Discoverable Parameters area built
 * from a chip model.
 *
 * Layout as on Winbond W25Q parts: an 8-byte SFDP header, one parameter
 * header for the Basic Flash Parameter Table (BFPT), the BFPT at 0x80. A
 * JESD216 (minor 0) BFPT has 9 DWORDs, a JESD216A (minor 5) BFPT 16; Linux
 * tells W25Q256FV and W25Q256JV apart by exactly that minor revision.
 * Unused bits are 1, as the standard reserves them.
 */

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/string.h>
#include "compat.h"

#include "flashsim.h"

#define SFDP_SIGNATURE		0x50444653	/* "SFDP" */
#define SFDP_MAJOR		1
#define SFDP_BFPT_PTR		0x80
#define BFPT_DWORDS_JESD216	9
#define BFPT_DWORDS_JESD216A	16

/* DWORD1 fields */
#define BFPT1_ERASE_4K		0x1		/* bits 1:0 = 01: 4 KiB erase */
#define BFPT1_WRITE_GRAN_64	BIT(2)		/* page >= 64 bytes */
#define BFPT1_ERASE_4K_OP(op)	((u32)(op) << 8)
#define BFPT1_READ_112		BIT(16)
#define BFPT1_ADDR_3		(0x0U << 17)
#define BFPT1_ADDR_3_OR_4	(0x1U << 17)
#define BFPT1_READ_122		BIT(20)
#define BFPT1_READ_144		BIT(21)
#define BFPT1_READ_114		BIT(22)
#define BFPT1_RESERVED		GENMASK(31, 23)
#define BFPT1_RESERVED_LOW	GENMASK(7, 5)

/* Fast read settings: dummy clocks (4:0), mode clocks (7:5), opcode (15:8). */
#define BFPT_READ(op, dummy, mode)	(((u32)(op) << 8) | ((mode) << 5) | (dummy))

/* Erase type: log2 size (7:0), opcode (15:8). */
#define BFPT_ERASE(shift, op)	(((u32)(op) << 8) | (shift))

/* Erase/program time fields of DWORD10/11: count + units. */
static u32 bfpt_time(u32 us, const u32 *units, unsigned int nunits,
		     unsigned int count_bits)
{
	u32 max = BIT(count_bits);
	unsigned int u;

	for (u = 0; u < nunits; u++)
		if (DIV_ROUND_UP(us, units[u]) <= max)
			break;
	if (u == nunits)
		u = nunits - 1;
	return (u << count_bits) |
	       (clamp_t(u32, DIV_ROUND_UP(us, units[u]), 1, max) - 1);
}

/* DWORD10 erase time units: 1 ms, 16 ms, 128 ms, 1 s. */
static const u32 bfpt_erase_units[] = { 1000, 16000, 128000, 1000000 };
/* DWORD11 page program units: 8 us, 64 us. */
static const u32 bfpt_pp_units[] = { 8, 64 };
/* DWORD11 chip erase units: 16 ms, 256 ms, 4 s, 64 s (in ms here). */
static const u32 bfpt_ce_units[] = { 16, 256, 4000, 64000 };

static void fsim_bfpt_fill(const struct fsim_chip *chip, u32 *dw,
			   unsigned int ndw)
{
	const struct fsim_timing *t = &chip->t;
	bool four = chip->caps & FSIM_F_4B_MODE;

	/* DWORD1: 4K erase 0x20, 1-1-2/1-2-2/1-4-4/1-1-4 reads, address bytes. */
	dw[0] = BFPT1_RESERVED | BFPT1_RESERVED_LOW | BFPT1_ERASE_4K |
		BFPT1_WRITE_GRAN_64 | BFPT1_ERASE_4K_OP(0x20) |
		BFPT1_READ_112 | BFPT1_READ_122 | BFPT1_READ_144 |
		BFPT1_READ_114 | (four ? BFPT1_ADDR_3_OR_4 : BFPT1_ADDR_3);
	/* DWORD2: density in bits minus one (all models are <= 2 Gbit). */
	dw[1] = chip->size * 8U - 1;
	/* DWORD3: 1-4-4 (0xEB) and 1-1-4 (0x6B); DWORD4: 1-1-2 and 1-2-2. */
	dw[2] = BFPT_READ(0xeb, 4, 2) | (BFPT_READ(0x6b, 8, 0) << 16);
	dw[3] = BFPT_READ(0x3b, 8, 0) | (BFPT_READ(0xbb, 2, 2) << 16);
	/* DWORD5: no 2-2-2, no 4-4-4 (QPI is not modelled). */
	dw[4] = GENMASK(31, 0) & ~(BIT(0) | BIT(4));
	dw[5] = GENMASK(15, 0);
	dw[6] = GENMASK(15, 0);
	/* DWORD8/9: erase types 4 KiB 0x20, 32 KiB 0x52, 64 KiB 0xD8. */
	dw[7] = BFPT_ERASE(12, 0x20) | (BFPT_ERASE(15, 0x52) << 16);
	dw[8] = BFPT_ERASE(16, 0xd8);
	if (ndw < BFPT_DWORDS_JESD216A)
		return;

	/* DWORD10: typical erase times; max = 2 * (multiplier + 1) * typ. */
	dw[9] = 1 |
		(bfpt_time(t->se_us, bfpt_erase_units, 4, 5) << 4) |
		(bfpt_time(t->be32_us, bfpt_erase_units, 4, 5) << 11) |
		(bfpt_time(t->be64_us, bfpt_erase_units, 4, 5) << 18);
	/* DWORD11: page 2^8, typical program and chip erase times. */
	dw[10] = 1 | (ilog2(FSIM_PAGE_SIZE) << 4) |
		 (bfpt_time(t->pp_us, bfpt_pp_units, 2, 5) << 8) |
		 (bfpt_time(t->ce_ms, bfpt_ce_units, 4, 5) << 24);
	/* DWORD12: suspend/resume not supported (bit 31). */
	dw[11] = GENMASK(31, 0);
	dw[12] = GENMASK(31, 0);
	/*
	 * DWORD14: deep power-down 0xB9/0xAB supported (bit 31 clear),
	 * status polling through the legacy WIP bit (bit 2).
	 */
	dw[13] = (0xb9U << 23) | (0xabU << 15) | (1U << 13) | (3U << 8) |
		 BIT(2) | GENMASK(1, 0);
	/* DWORD15: QE is SR2 bit 1, read with 0x35 (QER 101b). */
	dw[14] = 0x5U << 20;
	/*
	 * DWORD16: enter 4-byte mode with 0xB7 (bit 24) or the extended
	 * address register (bit 26); leave with 0xE9 (bit 14) or the EAR
	 * (bit 16); soft reset 0x66 + 0x99 (bit 12); volatile and
	 * non-volatile status bits written after 0x06 (bit 0).
	 */
	dw[15] = BIT(0) | BIT(12);
	if (four)
		dw[15] |= BIT(24) | BIT(26) | BIT(14) | BIT(16);
}

/**
 * fsim_sfdp_build() - build the SFDP area of a chip model
 * @chip: the chip model (with FSIM_F_SFDP)
 * @buf: output, filled with 0xFF past the tables
 * @len: size of @buf, at least FSIM_SFDP_SIZE
 */
void fsim_sfdp_build(const struct fsim_chip *chip, u8 *buf, size_t len)
{
	unsigned int ndw = chip->sfdp_minor ? BFPT_DWORDS_JESD216A :
					      BFPT_DWORDS_JESD216;
	u32 dw[BFPT_DWORDS_JESD216A];
	unsigned int i;

	memset(buf, 0xff, len);
	if (!(chip->caps & FSIM_F_SFDP) || len < FSIM_SFDP_SIZE)
		return;

	/* SFDP header: signature, minor, major, NPH = 0 (one header), 0xFF. */
	put_unaligned_le32(SFDP_SIGNATURE, buf);
	buf[4] = chip->sfdp_minor;
	buf[5] = SFDP_MAJOR;
	buf[6] = 0;
	buf[7] = 0xff;
	/* BFPT parameter header: ID 0xFF00, revision, length, pointer. */
	buf[8] = 0x00;
	buf[9] = chip->sfdp_minor;
	buf[10] = SFDP_MAJOR;
	buf[11] = ndw;
	buf[12] = SFDP_BFPT_PTR & 0xff;
	buf[13] = (SFDP_BFPT_PTR >> 8) & 0xff;
	buf[14] = (SFDP_BFPT_PTR >> 16) & 0xff;
	buf[15] = 0xff;

	memset(dw, 0xff, sizeof(dw));
	fsim_bfpt_fill(chip, dw, ndw);
	for (i = 0; i < ndw; i++)
		put_unaligned_le32(dw[i], buf + SFDP_BFPT_PTR + 4 * i);
}
