/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoding of the Intel ME host firmware status registers (HFSTS1..6).
 *
 * This file and decode.c / ids.c hold no kernel state and call nothing but
 * snprintf(), so the host-side table test (tests/selftests/me/tables.c) compiles
 * the very same code in userspace; the only seam is the type block below.
 */
#ifndef MECTL_ME_DECODE_H
#define MECTL_ME_DECODE_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#endif

#define ME_NR_HFSTS		6
/* A function in D3cold, hidden or absent answers config reads with all ones. */
#define ME_REG_INACCESSIBLE	0xffffffffu
#define ME_STR_INACCESSIBLE	"not accessible"

/*
 * Register layouts. The split follows what changed in the firmware, not marketing
 * names: ME 1..10 share intelmetool's tables; CSME 11 renumbered the progress
 * phases and renamed some PM events; CSME 15 (Tiger Lake PCH and later) turned
 * HFSTS1 bit 4 from "manufacturing mode" into "SPI protection mode".
 */
enum me_layout {
	ME_LAYOUT_ME,
	ME_LAYOUT_CSME11,
	ME_LAYOUT_CSME15,
	ME_LAYOUT_COUNT
};

/* One entry per line intelmetool prints, in its order. */
enum me_field {
	ME_FIELD_FW_PARTITION_TABLE,
	ME_FIELD_BRINGUP_LOADER_FAILURE,
	ME_FIELD_FIRMWARE_INIT_COMPLETE,
	ME_FIELD_MANUFACTURING_MODE,	/* SPI protection mode on CSME 15 */
	ME_FIELD_BOOT_OPTIONS_PRESENT,
	ME_FIELD_UPDATE_IN_PROGRESS,
	ME_FIELD_WORKING_STATE,
	ME_FIELD_OPERATION_STATE,
	ME_FIELD_OPERATION_MODE,
	ME_FIELD_ERROR_CODE,
	ME_FIELD_PROGRESS_PHASE,
	ME_FIELD_PM_EVENT,
	ME_FIELD_PROGRESS_PHASE_STATE,
	ME_FIELD_COUNT
};

enum me_field_kind {
	ME_KIND_OK_BAD,		/* 1 = "BAD", 0 = "OK" */
	ME_KIND_YES_NO,		/* 1 = "YES", 0 = "NO" */
	ME_KIND_TABLE,		/* index into a string table */
	ME_KIND_PHASE_STATE,	/* table chosen by the progress phase */
};

/**
 * struct me_strtab - a sparse string table indexed by a register field
 * @s: strings; a NULL slot is a value the firmware does not define
 * @n: number of slots in @s
 */
struct me_strtab {
	const char * const *s;
	unsigned int n;
};

/**
 * struct me_field_desc - where a field lives and how it prints
 * @name: sysfs attribute name
 * @label: intelmetool's line label (without "ME: " and the padding)
 * @reg: register index, 0 = HFSTS1
 * @shift: lowest bit of the field
 * @width: field width in bits
 * @kind: how the value is printed
 */
struct me_field_desc {
	const char *name;
	const char *label;
	u8 reg;
	u8 shift;
	u8 width;
	enum me_field_kind kind;
};

/**
 * struct me_layout_desc - everything that differs between register layouts
 * @name: short name for logs and sysfs ("ME", "CSME 11", "CSME 15")
 * @bit4_name: attribute name of HFSTS1 bit 4 in this layout
 * @bit4_label: intelmetool-style label of HFSTS1 bit 4
 * @tables: string table per %ME_KIND_TABLE field
 * @phase_states: per progress phase, the table of its states; a phase with no
 *	table prints "Unknown 0x%02x" like intelmetool
 * @bup_phase: progress phase number of the bring-up (BUP) phase
 */
struct me_layout_desc {
	const char *name;
	const char *bit4_name;
	const char *bit4_label;
	const struct me_strtab *tables[ME_FIELD_COUNT];
	const struct me_strtab *phase_states[16];
	u8 bup_phase;
};

/* The verdict of the seed guide's "is the ME disabled?" checklist. */
enum me_verdict {
	ME_VERDICT_UNKNOWN,
	ME_VERDICT_DISABLED,
	ME_VERDICT_ENABLED,
};

/* Indicators of a disabled ME that the registers can show (seed guide's list). */
enum me_indicator {
	ME_IND_INIT_INCOMPLETE,
	ME_IND_ERROR_CODE,
	ME_IND_WORKING_STATE,
	ME_IND_OPERATION_MODE,
	ME_IND_OPERATION_STATE,
	ME_IND_PHASE,
	ME_IND_PHASE_STATE,
	ME_IND_COUNT
};

extern const struct me_field_desc me_fields[ME_FIELD_COUNT];
extern const struct me_layout_desc me_layouts[ME_LAYOUT_COUNT];
extern const char * const me_indicator_names[ME_IND_COUNT];

u32 me_field_value(enum me_field f, const u32 *regs);
const struct me_layout_desc *me_layout_get(enum me_layout l);
int me_decode(enum me_layout l, enum me_field f, const u32 *regs, char *buf, size_t len);
enum me_verdict me_verdict(enum me_layout l, const u32 *regs, u32 *indicators);
int me_indicators_str(enum me_layout l, const u32 *regs, char *buf, size_t len);
const char *me_verdict_str(enum me_verdict v);

/* ids.c: the MEI functions we know, and the PCHs whose RCBA can hide them. */

/**
 * struct me_chipset - one chipset family with an ME interface
 * @name: family name as the Linux mei driver's comments give it
 * @gen: firmware generation, for people ("ME 9", "CSME 11", ...)
 * @layout: register layout the decoder uses
 * @nregs: how many HFSTS registers the function has (as drivers/misc/mei
 *	reads them; at least 2 because intelmetool reads HFSTS1/2 everywhere)
 * @has_rcba: the PCH has an RCBA with FD2.ME1D, so a hidden MEI can be revealed
 */
struct me_chipset {
	const char *name;
	const char *gen;
	enum me_layout layout;
	u8 nregs;
	bool has_rcba;
};

/**
 * struct me_pci_id - one MEI PCI device ID
 * @device: PCI device ID (vendor is always Intel, 0x8086)
 * @chipset: the family it belongs to
 */
struct me_pci_id {
	u16 device;
	const struct me_chipset *chipset;
};

/**
 * struct me_lpc_range - LPC bridge (00:1f.0) device IDs of one PCH family
 * @first: first device ID
 * @last: last device ID (inclusive)
 * @chipset: the PCH family, always one with @has_rcba
 */
struct me_lpc_range {
	u16 first;
	u16 last;
	const struct me_chipset *chipset;
};

extern const struct me_pci_id me_pci_ids[];
extern const unsigned int me_pci_ids_count;
extern const struct me_lpc_range me_lpc_ranges[];
extern const unsigned int me_lpc_ranges_count;
extern const struct me_chipset me_chipsets[];
extern const unsigned int me_chipsets_count;

const struct me_pci_id *me_pci_id_lookup(u16 device);
const struct me_chipset *me_lpc_lookup(u16 device);

#endif
