// SPDX-License-Identifier: GPL-2.0
/*
 * mectl_flash: the part family a JEDEC id stands for, as the chip is marked.
 *
 * spi-nor's own table names the first entry with a matching id, which is
 * often another make's part (ef4017 is "s25fl064k" in Linux 6.1), and keeps
 * the name to itself. A clip user compares what is reported with the marking
 * on the package, so this table gives the family printed there: the id fixes
 * manufacturer, family and density, not the suffix (FV, JV, ...) that
 * follows it on the package.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "mectl_flash.h"

struct mectl_part {
	u8 id[MECTL_JEDEC_ID_LEN];
	const char *family;
};

static const struct mectl_part mectl_parts[] = {
	/* Winbond */
	{ { 0xef, 0x30, 0x15 }, "W25X16" },
	{ { 0xef, 0x30, 0x16 }, "W25X32" },
	{ { 0xef, 0x30, 0x17 }, "W25X64" },
	{ { 0xef, 0x40, 0x14 }, "W25Q80" },
	{ { 0xef, 0x40, 0x15 }, "W25Q16" },
	{ { 0xef, 0x40, 0x16 }, "W25Q32" },
	{ { 0xef, 0x40, 0x17 }, "W25Q64" },
	{ { 0xef, 0x40, 0x18 }, "W25Q128" },
	{ { 0xef, 0x40, 0x19 }, "W25Q256" },
	{ { 0xef, 0x40, 0x20 }, "W25Q512" },
	{ { 0xef, 0x60, 0x16 }, "W25Q32 (1.8 V)" },
	{ { 0xef, 0x60, 0x17 }, "W25Q64 (1.8 V)" },
	{ { 0xef, 0x60, 0x18 }, "W25Q128 (1.8 V)" },
	{ { 0xef, 0x70, 0x16 }, "W25Q32 (QPI)" },
	{ { 0xef, 0x70, 0x17 }, "W25Q64 (QPI)" },
	{ { 0xef, 0x70, 0x18 }, "W25Q128 (QPI)" },
	{ { 0xef, 0x70, 0x19 }, "W25Q256 (QPI)" },
	/* Macronix */
	{ { 0xc2, 0x20, 0x15 }, "MX25L16" },
	{ { 0xc2, 0x20, 0x16 }, "MX25L32" },
	{ { 0xc2, 0x20, 0x17 }, "MX25L64" },
	{ { 0xc2, 0x20, 0x18 }, "MX25L128" },
	{ { 0xc2, 0x20, 0x19 }, "MX25L256" },
	{ { 0xc2, 0x25, 0x36 }, "MX25U32 (1.8 V)" },
	{ { 0xc2, 0x25, 0x37 }, "MX25U64 (1.8 V)" },
	{ { 0xc2, 0x25, 0x38 }, "MX25U128 (1.8 V)" },
	/* GigaDevice */
	{ { 0xc8, 0x40, 0x15 }, "GD25Q16" },
	{ { 0xc8, 0x40, 0x16 }, "GD25Q32" },
	{ { 0xc8, 0x40, 0x17 }, "GD25Q64" },
	{ { 0xc8, 0x40, 0x18 }, "GD25Q128" },
	{ { 0xc8, 0x40, 0x19 }, "GD25Q256" },
	{ { 0xc8, 0x60, 0x17 }, "GD25LQ64 (1.8 V)" },
	{ { 0xc8, 0x60, 0x18 }, "GD25LQ128 (1.8 V)" },
	/* EON */
	{ { 0x1c, 0x30, 0x16 }, "EN25Q32" },
	{ { 0x1c, 0x30, 0x17 }, "EN25Q64" },
	{ { 0x1c, 0x30, 0x18 }, "EN25Q128" },
	{ { 0x1c, 0x70, 0x16 }, "EN25QH32" },
	{ { 0x1c, 0x70, 0x17 }, "EN25QH64" },
	{ { 0x1c, 0x70, 0x18 }, "EN25QH128" },
	/* Micron (ST, Numonyx) */
	{ { 0x20, 0x20, 0x16 }, "M25P32" },
	{ { 0x20, 0x20, 0x17 }, "M25P64" },
	{ { 0x20, 0x20, 0x18 }, "M25P128" },
	{ { 0x20, 0x71, 0x16 }, "M25PX32" },
	{ { 0x20, 0x71, 0x17 }, "M25PX64" },
	{ { 0x20, 0xba, 0x16 }, "N25Q032" },
	{ { 0x20, 0xba, 0x17 }, "N25Q064" },
	{ { 0x20, 0xba, 0x18 }, "N25Q128" },
	{ { 0x20, 0xba, 0x19 }, "N25Q256" },
	/* SST (Microchip) */
	{ { 0xbf, 0x25, 0x41 }, "SST25VF016B" },
	{ { 0xbf, 0x25, 0x4a }, "SST25VF032B" },
	{ { 0xbf, 0x25, 0x4b }, "SST25VF064C" },
	{ { 0xbf, 0x26, 0x41 }, "SST26VF016B" },
	{ { 0xbf, 0x26, 0x42 }, "SST26VF032B" },
	{ { 0xbf, 0x26, 0x43 }, "SST26VF064B" },
	/* Spansion (Cypress, Infineon) */
	{ { 0x01, 0x02, 0x15 }, "S25FL032P" },
	{ { 0x01, 0x02, 0x16 }, "S25FL064P" },
	{ { 0x01, 0x20, 0x18 }, "S25FL128S" },
	{ { 0x01, 0x02, 0x19 }, "S25FL256S" },
	/* ISSI */
	{ { 0x9d, 0x60, 0x16 }, "IS25LP032" },
	{ { 0x9d, 0x60, 0x17 }, "IS25LP064" },
	{ { 0x9d, 0x60, 0x18 }, "IS25LP128" },
};

/**
 * mectl_part_family() - the part family marked on chips with this JEDEC id.
 * @id: the first MECTL_JEDEC_ID_LEN bytes of the RDID answer.
 *
 * Return: the family, e.g. "W25Q64", or NULL for an id this table lacks.
 */
const char *mectl_part_family(const u8 *id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mectl_parts); i++)
		if (!memcmp(mectl_parts[i].id, id, MECTL_JEDEC_ID_LEN))
			return mectl_parts[i].family;
	return NULL;
}
