// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MEI PCI functions this module knows, with their ME generation.
 *
 * IDs and grouping follow drivers/misc/mei/hw-me-regs.h and the config each ID gets
 * in pci-me.c (6.1): the group decides how many HFSTS registers exist (ICH/ICH10:
 * the driver reads 0-1, intelmetool reads HFSTS1/2, so do we; PCH6/PCH7: 2; PCH8
 * and later: 6). The layout column decides which decoding tables apply.
 */
#include "decode.h"

enum {
	CS_ICH,			/* MEI in the GMCH: Broadwater..Cantiga */
	CS_ICH10,		/* Eaglelake GMCH with ICH10 */
	CS_IBX,			/* Ibex Peak (5 Series / 3400) */
	CS_CPT,			/* Cougar Point (6 Series) */
	CS_PBG,			/* Patsburg (C600/X79) */
	CS_PPT,			/* Panther Point (7 Series) */
	CS_LPT,			/* Lynx Point H (8 Series), H Refresh (9 Series) */
	CS_LPT_LP,		/* Lynx Point LP */
	CS_WBG,			/* Wellsburg (C610/X99) */
	CS_WPT_LP,		/* Wildcat Point LP */
	CS_SPT,			/* Sunrise Point (100 Series) */
	CS_KBP,			/* Kaby Point (200 Series) */
	CS_LBG,			/* Lewisburg (C620) */
	CS_BXT,			/* Broxton / Apollo Lake / Gemini Lake (TXE 3/4) */
	CS_DNV,			/* Denverton */
	CS_CNP,			/* Cannon Point (300 Series) */
	CS_CMP,			/* Comet Point (400 Series) */
	CS_ICP,			/* Ice Lake Point */
	CS_PCH8_OTHER,		/* later SoCs driven with the PCH8 config */
	CS_TGP,			/* Tiger Lake Point (500 Series) */
	CS_JSP,			/* Jasper Lake */
	CS_MCC,			/* Mule Creek Canyon (Elkhart Lake) */
	CS_CDF,			/* Cedar Fork / Emmitsburg */
	CS_ADP,			/* Alder/Raptor Lake PCH (600/700 Series) */
	CS_MTL,			/* Meteor/Arrow/Lunar/Panther Lake and later */
	CS_COUNT
};

const struct me_chipset me_chipsets[CS_COUNT] = {
	[CS_ICH] = { .name = "Broadwater/Bearlake/Crestline/Cantiga", .gen = "ME 2-4",
		     .layout = ME_LAYOUT_ME, .nregs = 2 },
	[CS_ICH10] = { .name = "Eaglelake", .gen = "ME 5",
		       .layout = ME_LAYOUT_ME, .nregs = 2 },
	[CS_IBX] = { .name = "Ibex Peak", .gen = "ME 6",
		     .layout = ME_LAYOUT_ME, .nregs = 2, .has_rcba = true },
	[CS_CPT] = { .name = "Cougar Point", .gen = "ME 7",
		     .layout = ME_LAYOUT_ME, .nregs = 2, .has_rcba = true },
	[CS_PBG] = { .name = "Patsburg", .gen = "ME 7 / SPS",
		     .layout = ME_LAYOUT_ME, .nregs = 2, .has_rcba = true },
	[CS_PPT] = { .name = "Panther Point", .gen = "ME 8",
		     .layout = ME_LAYOUT_ME, .nregs = 2, .has_rcba = true },
	[CS_LPT] = { .name = "Lynx Point", .gen = "ME 9",
		     .layout = ME_LAYOUT_ME, .nregs = 6, .has_rcba = true },
	[CS_LPT_LP] = { .name = "Lynx Point LP", .gen = "ME 9.5",
			.layout = ME_LAYOUT_ME, .nregs = 6, .has_rcba = true },
	[CS_WBG] = { .name = "Wellsburg", .gen = "ME 9 / SPS 3",
		     .layout = ME_LAYOUT_ME, .nregs = 6, .has_rcba = true },
	[CS_WPT_LP] = { .name = "Wildcat Point LP", .gen = "ME 10",
			.layout = ME_LAYOUT_ME, .nregs = 6, .has_rcba = true },
	[CS_SPT] = { .name = "Sunrise Point", .gen = "CSME 11",
		     .layout = ME_LAYOUT_CSME11, .nregs = 6 },
	[CS_KBP] = { .name = "Kaby Point", .gen = "CSME 11",
		     .layout = ME_LAYOUT_CSME11, .nregs = 6 },
	[CS_LBG] = { .name = "Lewisburg", .gen = "SPS 4",
		     .layout = ME_LAYOUT_CSME11, .nregs = 6 },
	[CS_BXT] = { .name = "Broxton/Apollo Lake/Gemini Lake", .gen = "TXE 3/4",
		     .layout = ME_LAYOUT_CSME11, .nregs = 6 },
	[CS_DNV] = { .name = "Denverton", .gen = "SPS 4",
		     .layout = ME_LAYOUT_CSME11, .nregs = 6 },
	[CS_CNP] = { .name = "Cannon Point", .gen = "CSME 12",
		     .layout = ME_LAYOUT_CSME11, .nregs = 6 },
	[CS_CMP] = { .name = "Comet Point", .gen = "CSME 14",
		     .layout = ME_LAYOUT_CSME11, .nregs = 6 },
	[CS_ICP] = { .name = "Ice Lake Point", .gen = "CSME 13",
		     .layout = ME_LAYOUT_CSME11, .nregs = 6 },
	[CS_PCH8_OTHER] = { .name = "Intel SoC (PCH8 config)", .gen = "CSME 11+",
			    .layout = ME_LAYOUT_CSME11, .nregs = 6 },
	[CS_TGP] = { .name = "Tiger Lake Point", .gen = "CSME 15",
		     .layout = ME_LAYOUT_CSME15, .nregs = 6 },
	[CS_JSP] = { .name = "Jasper Lake", .gen = "CSME 15",
		     .layout = ME_LAYOUT_CSME15, .nregs = 6 },
	[CS_MCC] = { .name = "Mule Creek Canyon", .gen = "CSME 15",
		     .layout = ME_LAYOUT_CSME15, .nregs = 6 },
	[CS_CDF] = { .name = "Cedar Fork/Emmitsburg", .gen = "SPS 6",
		     .layout = ME_LAYOUT_CSME15, .nregs = 6 },
	[CS_ADP] = { .name = "Alder/Raptor Lake PCH", .gen = "CSME 16",
		     .layout = ME_LAYOUT_CSME15, .nregs = 6 },
	[CS_MTL] = { .name = "Meteor Lake and later", .gen = "CSME 18+",
		     .layout = ME_LAYOUT_CSME15, .nregs = 6 },
};
const unsigned int me_chipsets_count = CS_COUNT;

#define ID(dev, cs) { .device = (dev), .chipset = &me_chipsets[cs] }

const struct me_pci_id me_pci_ids[] = {
	ID(0x2974, CS_ICH), ID(0x2984, CS_ICH), ID(0x2994, CS_ICH), ID(0x29a4, CS_ICH),
	ID(0x2a04, CS_ICH), ID(0x2a14, CS_ICH), ID(0x29b4, CS_ICH), ID(0x29c4, CS_ICH),
	ID(0x29d4, CS_ICH), ID(0x29e4, CS_ICH), ID(0x29f4, CS_ICH), ID(0x28b4, CS_ICH),
	ID(0x28c4, CS_ICH), ID(0x28d4, CS_ICH), ID(0x28e4, CS_ICH), ID(0x28f4, CS_ICH),
	ID(0x2a44, CS_ICH), ID(0x2a54, CS_ICH), ID(0x2a64, CS_ICH), ID(0x2a74, CS_ICH),
	ID(0x2e04, CS_ICH10), ID(0x2e14, CS_ICH10), ID(0x2e24, CS_ICH10),
	ID(0x2e34, CS_ICH10),
	ID(0x3b64, CS_IBX), ID(0x3b65, CS_IBX),
	ID(0x1c3a, CS_CPT), ID(0x1cba, CS_CPT),
	ID(0x1d3a, CS_PBG), ID(0x1dba, CS_PBG),
	ID(0x1e3a, CS_PPT),
	ID(0x8c3a, CS_LPT), ID(0x8cba, CS_LPT),
	ID(0x9c3a, CS_LPT_LP),
	ID(0x8d3a, CS_WBG),
	ID(0x9cba, CS_WPT_LP), ID(0x9cbb, CS_WPT_LP),
	ID(0x9d3a, CS_SPT), ID(0x9d3b, CS_SPT), ID(0x9d3e, CS_SPT),
	ID(0xa13a, CS_SPT), ID(0xa13b, CS_SPT),
	ID(0xa1ba, CS_LBG),
	ID(0x1a9a, CS_BXT), ID(0x5a9a, CS_BXT), ID(0x319a, CS_BXT),
	ID(0x19e5, CS_DNV),
	ID(0xa2ba, CS_KBP), ID(0xa2bb, CS_KBP), ID(0xa2be, CS_KBP),
	ID(0x4b75, CS_PCH8_OTHER), ID(0x18d3, CS_PCH8_OTHER),
	ID(0x9de0, CS_CNP), ID(0x9de4, CS_CNP), ID(0xa360, CS_CNP), ID(0xa364, CS_CNP),
	ID(0x02e0, CS_CMP), ID(0x02e4, CS_CMP), ID(0xa3ba, CS_CMP), ID(0x06e0, CS_CMP),
	ID(0x06e4, CS_CMP),
	ID(0x34e0, CS_ICP), ID(0x38e0, CS_ICP),
	ID(0xa0e0, CS_TGP), ID(0x43e0, CS_TGP),
	ID(0x4de0, CS_JSP),
	ID(0x4b70, CS_MCC),
	ID(0x1be0, CS_CDF),
	ID(0x7ae8, CS_ADP), ID(0x7a60, CS_ADP), ID(0x51e0, CS_ADP), ID(0x54e0, CS_ADP),
	ID(0x7a68, CS_ADP),
	ID(0x7e70, CS_MTL), ID(0x7f68, CS_MTL), ID(0x7770, CS_MTL), ID(0xa870, CS_MTL),
	ID(0xe370, CS_MTL), ID(0xe470, CS_MTL), ID(0x4d70, CS_MTL), ID(0x6e68, CS_MTL),
};
const unsigned int me_pci_ids_count = ARRAY_SIZE(me_pci_ids);

#define LPC(a, b, cs) { .first = (a), .last = (b), .chipset = &me_chipsets[cs] }

/*
 * LPC bridges (00:1f.0) of the PCHs whose RCBA holds FD2 (RCBA + 0x3428), bit 1 of
 * which (ME1D) hides HECI #1. From the 100 Series (Sunrise Point) on, 00:1f.0 offset
 * 0xf0 is no longer RCBA, and on the GMCH generations the MEI is not hidden this way.
 */
const struct me_lpc_range me_lpc_ranges[] = {
	LPC(0x3b00, 0x3b1f, CS_IBX),
	LPC(0x1c40, 0x1c5f, CS_CPT),
	LPC(0x1d40, 0x1d41, CS_PBG),
	LPC(0x1e40, 0x1e5f, CS_PPT),
	LPC(0x8c40, 0x8c5f, CS_LPT),
	LPC(0x8cc0, 0x8ccf, CS_LPT),
	LPC(0x9c40, 0x9c47, CS_LPT_LP),
	LPC(0x8d40, 0x8d5f, CS_WBG),
	LPC(0x9cc0, 0x9ccf, CS_WPT_LP),
};
const unsigned int me_lpc_ranges_count = ARRAY_SIZE(me_lpc_ranges);

/**
 * me_pci_id_lookup() - find an MEI device ID in the table
 * @device: PCI device ID (Intel vendor)
 *
 * Return: the table entry, or NULL when the ID is not an MEI function we know.
 */
const struct me_pci_id *me_pci_id_lookup(u16 device)
{
	unsigned int i;

	for (i = 0; i < me_pci_ids_count; i++)
		if (me_pci_ids[i].device == device)
			return &me_pci_ids[i];
	return NULL;
}

/**
 * me_lpc_lookup() - find the PCH family of an LPC bridge with an RCBA
 * @device: PCI device ID of 00:1f.0 (Intel vendor)
 *
 * Return: the chipset, or NULL when the bridge is not a known RCBA PCH.
 */
const struct me_chipset *me_lpc_lookup(u16 device)
{
	unsigned int i;

	for (i = 0; i < me_lpc_ranges_count; i++)
		if (device >= me_lpc_ranges[i].first && device <= me_lpc_ranges[i].last)
			return me_lpc_ranges[i].chipset;
	return NULL;
}
