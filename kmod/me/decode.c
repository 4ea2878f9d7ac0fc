// SPDX-License-Identifier: GPL-2.0-only
/*
 * HFSTS decoding: bit fields, generation-aware string tables, and the verdict.
 *
 * The strings are the ones intelmetool 1.1 (coreboot 4.15) prints, so a report
 * from this module reads like the seed guide's. intelmetool indexes its arrays
 * without bounds checks; here every lookup is bounded and a value a table does not
 * define prints "Unknown (0x..)". Two exceptions keep intelmetool's own output
 * because the seed guide quotes it: a phase state missing from its phase's table
 * prints "0x%02x", and a phase with no state table prints "Unknown 0x%02x".
 */
#include "decode.h"

#define H1 0	/* HFSTS1 */
#define H2 1	/* HFSTS2 */

const struct me_field_desc me_fields[ME_FIELD_COUNT] = {
	[ME_FIELD_FW_PARTITION_TABLE] = {
		.name = "fw_partition_table", .label = "FW Partition Table",
		.reg = H1, .shift = 5, .width = 1, .kind = ME_KIND_OK_BAD },
	[ME_FIELD_BRINGUP_LOADER_FAILURE] = {
		.name = "bringup_loader_failure", .label = "Bringup Loader Failure",
		.reg = H1, .shift = 10, .width = 1, .kind = ME_KIND_YES_NO },
	[ME_FIELD_FIRMWARE_INIT_COMPLETE] = {
		.name = "firmware_init_complete", .label = "Firmware Init Complete",
		.reg = H1, .shift = 9, .width = 1, .kind = ME_KIND_YES_NO },
	[ME_FIELD_MANUFACTURING_MODE] = {
		.name = "manufacturing_mode", .label = "Manufacturing Mode",
		.reg = H1, .shift = 4, .width = 1, .kind = ME_KIND_YES_NO },
	[ME_FIELD_BOOT_OPTIONS_PRESENT] = {
		.name = "boot_options_present", .label = "Boot Options Present",
		.reg = H1, .shift = 24, .width = 1, .kind = ME_KIND_YES_NO },
	[ME_FIELD_UPDATE_IN_PROGRESS] = {
		.name = "update_in_progress", .label = "Update In Progress",
		.reg = H1, .shift = 11, .width = 1, .kind = ME_KIND_YES_NO },
	[ME_FIELD_WORKING_STATE] = {
		.name = "working_state", .label = "Current Working State",
		.reg = H1, .shift = 0, .width = 4, .kind = ME_KIND_TABLE },
	[ME_FIELD_OPERATION_STATE] = {
		.name = "operation_state", .label = "Current Operation State",
		.reg = H1, .shift = 6, .width = 3, .kind = ME_KIND_TABLE },
	[ME_FIELD_OPERATION_MODE] = {
		.name = "operation_mode", .label = "Current Operation Mode",
		.reg = H1, .shift = 16, .width = 4, .kind = ME_KIND_TABLE },
	[ME_FIELD_ERROR_CODE] = {
		.name = "error_code", .label = "Error Code",
		.reg = H1, .shift = 12, .width = 4, .kind = ME_KIND_TABLE },
	[ME_FIELD_PROGRESS_PHASE] = {
		.name = "progress_phase", .label = "Progress Phase",
		.reg = H2, .shift = 28, .width = 4, .kind = ME_KIND_TABLE },
	[ME_FIELD_PM_EVENT] = {
		.name = "pm_event", .label = "Power Management Event",
		.reg = H2, .shift = 24, .width = 4, .kind = ME_KIND_TABLE },
	[ME_FIELD_PROGRESS_PHASE_STATE] = {
		.name = "progress_phase_state", .label = "Progress Phase State",
		.reg = H2, .shift = 16, .width = 8, .kind = ME_KIND_PHASE_STATE },
};

#define STRTAB(a) { .s = (a), .n = ARRAY_SIZE(a) }

/* HFSTS1 3:0 */
static const char * const working_states[] = {
	[0] = "Reset",
	[1] = "Initializing",
	[2] = "Recovery",
	[3] = "Test",
	[4] = "Disabled",
	[5] = "Normal",
	[6] = "Platform Disable Wait",
	[7] = "OP State Transition",
	[8] = "Invalid CPU Plugged In",
};

/* HFSTS1 8:6; 2 and 3 are undefined */
static const char * const operation_states[] = {
	[0] = "Preboot",
	[1] = "M0 with UMA",
	[4] = "M3 without UMA",
	[5] = "M0 without UMA",
	[6] = "Bring up",
	[7] = "M0 without UMA but with error",
};

/* HFSTS1 19:16; 1 is undefined, 0xf is SPS firmware on servers */
static const char * const operation_modes[] = {
	[0] = "Normal",
	[2] = "Debug",
	[3] = "Soft Temporary Disable",
	[4] = "Security Override via Jumper",
	[5] = "Security Override via MEI Message",
};

/* HFSTS1 15:12 */
static const char * const error_codes[] = {
	[0] = "No Error",
	[1] = "Uncategorized Failure",
	[2] = "Disabled",
	[3] = "Image Failure",
	[4] = "Debug Failure",
};

/* HFSTS2 31:28, ME 1..10 (intelmetool: slot 5 really reads "Unknown") */
static const char * const phases_me[] = {
	[0] = "ROM Phase",
	[1] = "BUP Phase",
	[2] = "uKernel Phase",
	[3] = "Policy Module",
	[4] = "Module Loading",
	[5] = "Unknown",
	[6] = "Host Communication",
};

/* HFSTS2 31:28, CSME 11 and later (coreboot skylake/me.c numbering) */
static const char * const phases_csme[] = {
	[0] = "ROM Phase",
	[2] = "uKernel Phase",
	[3] = "BUP Phase",
	[6] = "Host Communication",
};

/* HFSTS2 27:24, ME 1..10 */
static const char * const pm_events_me[] = {
	[0] = "Clean Moff->Mx wake",
	[1] = "Moff->Mx wake after an error",
	[2] = "Clean global reset",
	[3] = "Global reset after an error",
	[4] = "Clean Intel ME reset",
	[5] = "Intel ME reset due to exception",
	[6] = "Pseudo-global reset",
	[7] = "S0/M0->Sx/M3",
	[8] = "Sx/M3->S0/M0",
	[9] = "Non-power cycle reset",
	[10] = "Power cycle reset through M3",
	[11] = "Power cycle reset through Moff",
	[12] = "Sx/Mx->Sx/Moff",
};

/* HFSTS2 27:24, CSME 11 and later: C-states replace S-states, PG events added */
static const char * const pm_events_csme[] = {
	[0] = "Clean Moff->Mx wake",
	[1] = "Moff->Mx wake after an error",
	[2] = "Clean global reset",
	[3] = "Global reset after an error",
	[4] = "Clean Intel ME reset",
	[5] = "Intel ME reset due to exception",
	[6] = "Pseudo-global reset",
	[7] = "CM0->CM3",
	[8] = "CM3->CM0",
	[9] = "Non-power cycle reset",
	[10] = "Power cycle reset through M3",
	[11] = "Power cycle reset through Moff",
	[12] = "Cx/Mx->Cx/Moff",
	[13] = "CM0->CM0PG",
	[14] = "CM3->CM3PG",
	[15] = "CM0PG->CM0",
};

/* Progress phase states (HFSTS2 23:16), one table per phase that has one. */
static const char * const rom_states[] = {
	[0x00] = "BEGIN",
	[0x06] = "DISABLE",
};

static const char * const bup_states_me[] = {
	[0x00] = "Initialization starts",
	[0x01] = "Disable the host wake event",
	[0x04] = "Flow determination start process",
	[0x08] = "Error reading/matching the VSCC table in the descriptor",
	[0x0a] = "Check to see if straps say ME DISABLED",
	[0x0b] = "Timeout waiting for PWROK",
	[0x0d] = "Possibly handle BUP manufacturing override strap",
	[0x11] = "Bringup in M3",
	[0x12] = "Bringup in M0",
	[0x13] = "Flow detection error",
	[0x15] = "M3 clock switching error",
	[0x18] = "M3 kernel load",
	[0x1c] = "T34 missing - cannot program ICC",
	[0x1f] = "Waiting for DID BIOS message",
	[0x20] = "Waiting for DID BIOS message failure",
	[0x21] = "DID reported an error",
	[0x22] = "Enabling UMA",
	[0x23] = "Enabling UMA error",
	[0x24] = "Sending DID Ack to BIOS",
	[0x25] = "Sending DID Ack to BIOS error",
	[0x26] = "Switching clocks in M0",
	[0x27] = "Switching clocks in M0 error",
	[0x28] = "ME in temp disable",
	[0x32] = "M0 kernel load",
};

static const char * const bup_states_csme[] = {
	[0x00] = "Initialization starts",
	[0x01] = "Disable the host wake event",
	[0x02] = "Enabling CG for cset",
	[0x03] = "Enabling PM handshaking",
	[0x04] = "Flow determination start process",
	[0x05] = "PMC Patching process",
	[0x06] = "Get VSCC params",
	[0x07] = "Set VSCC params",
	[0x08] = "Error reading/matching the VSCC table in the descriptor",
	[0x09] = "Initialize EFFS",
	[0x0a] = "Check to see if straps say ME DISABLED",
	[0x0b] = "Timeout waiting for PWROK",
	[0x0c] = "EFFS says ME disabled",
	[0x0d] = "Possibly handle BUP manufacturing override strap",
	[0x11] = "Bringup in M3",
	[0x12] = "Bringup in M0",
	[0x13] = "Flow detection error",
	[0x15] = "M3 clock switching error",
	[0x17] = "Host error - CPU reset timeout, DID timeout, memory missing",
	[0x18] = "M3 kernel load",
	[0x1c] = "T34 missing - cannot program ICC",
	[0x1f] = "Waiting for DID BIOS message",
	[0x20] = "Waiting for DID BIOS message failure",
	[0x21] = "DID reported no error",
	[0x22] = "Enabling UMA",
	[0x23] = "Enabling UMA error",
	[0x24] = "Sending DID Ack to BIOS",
	[0x25] = "Sending DID Ack to BIOS error",
	[0x26] = "Switching clocks in M0",
	[0x27] = "Switching clocks in M0 error",
	[0x28] = "ME in temp disable",
	[0x32] = "M0 kernel load",
};

/* "Entery" [sic]: intelmetool's spelling, kept so reports compare equal */
static const char * const policy_states[] = {
	[0x00] = "Entery into Policy Module",
	[0x03] = "Received S3 entry",
	[0x04] = "Received S4 entry",
	[0x05] = "Received S5 entry",
	[0x06] = "Received UPD entry",
	[0x07] = "Received PCR entry",
	[0x08] = "Received NPCR entry",
	[0x09] = "Received host wake",
	[0x0a] = "Received AC<>DC switch",
	[0x0b] = "Received DRAM Init Done",
	[0x0c] = "VSCC Data not found for flash device",
	[0x0d] = "VSCC Table is not valid",
	[0x0e] = "Flash Partition Boundary is outside address space",
	[0x0f] = "ME cannot access the chipset descriptor region",
	[0x10] = "Required VSCC values for flash parts do not match",
};

static const char * const hostcomm_states[] = {
	[0x00] = "Host communication established",
};

static const struct me_strtab tab_working_states = STRTAB(working_states);
static const struct me_strtab tab_operation_states = STRTAB(operation_states);
static const struct me_strtab tab_operation_modes = STRTAB(operation_modes);
static const struct me_strtab tab_error_codes = STRTAB(error_codes);
static const struct me_strtab tab_phases_me = STRTAB(phases_me);
static const struct me_strtab tab_phases_csme = STRTAB(phases_csme);
static const struct me_strtab tab_pm_events_me = STRTAB(pm_events_me);
static const struct me_strtab tab_pm_events_csme = STRTAB(pm_events_csme);
static const struct me_strtab tab_rom_states = STRTAB(rom_states);
static const struct me_strtab tab_bup_states_me = STRTAB(bup_states_me);
static const struct me_strtab tab_bup_states_csme = STRTAB(bup_states_csme);
static const struct me_strtab tab_policy_states = STRTAB(policy_states);
static const struct me_strtab tab_hostcomm_states = STRTAB(hostcomm_states);

#define COMMON_TABLES \
	[ME_FIELD_WORKING_STATE] = &tab_working_states, \
	[ME_FIELD_OPERATION_STATE] = &tab_operation_states, \
	[ME_FIELD_OPERATION_MODE] = &tab_operation_modes, \
	[ME_FIELD_ERROR_CODE] = &tab_error_codes

#define CSME_PHASE_STATES \
	[0] = &tab_rom_states, \
	[3] = &tab_bup_states_csme, \
	[6] = &tab_hostcomm_states

const struct me_layout_desc me_layouts[ME_LAYOUT_COUNT] = {
	[ME_LAYOUT_ME] = {
		.name = "ME",
		.bit4_name = "manufacturing_mode",
		.bit4_label = "Manufacturing Mode",
		.tables = {
			COMMON_TABLES,
			[ME_FIELD_PROGRESS_PHASE] = &tab_phases_me,
			[ME_FIELD_PM_EVENT] = &tab_pm_events_me,
		},
		.phase_states = {
			[0] = &tab_rom_states,
			[1] = &tab_bup_states_me,
			[3] = &tab_policy_states,
			[6] = &tab_hostcomm_states,
		},
		.bup_phase = 1,
	},
	[ME_LAYOUT_CSME11] = {
		.name = "CSME 11",
		.bit4_name = "manufacturing_mode",
		.bit4_label = "Manufacturing Mode",
		.tables = {
			COMMON_TABLES,
			[ME_FIELD_PROGRESS_PHASE] = &tab_phases_csme,
			[ME_FIELD_PM_EVENT] = &tab_pm_events_csme,
		},
		.phase_states = { CSME_PHASE_STATES },
		.bup_phase = 3,
	},
	[ME_LAYOUT_CSME15] = {
		.name = "CSME 15",
		.bit4_name = "spi_protection_mode",
		.bit4_label = "SPI Protection Mode",
		.tables = {
			COMMON_TABLES,
			[ME_FIELD_PROGRESS_PHASE] = &tab_phases_csme,
			[ME_FIELD_PM_EVENT] = &tab_pm_events_csme,
		},
		.phase_states = { CSME_PHASE_STATES },
		.bup_phase = 3,
	},
};

const char * const me_indicator_names[ME_IND_COUNT] = {
	[ME_IND_INIT_INCOMPLETE] = "firmware_init_complete",
	[ME_IND_ERROR_CODE] = "error_code",
	[ME_IND_WORKING_STATE] = "working_state",
	[ME_IND_OPERATION_MODE] = "operation_mode",
	[ME_IND_OPERATION_STATE] = "operation_state",
	[ME_IND_PHASE] = "progress_phase",
	[ME_IND_PHASE_STATE] = "progress_phase_state",
};

/* The field each indicator is about (me_indicator_names spells its attribute name). */
static const enum me_field me_indicator_fields[ME_IND_COUNT] = {
	[ME_IND_INIT_INCOMPLETE] = ME_FIELD_FIRMWARE_INIT_COMPLETE,
	[ME_IND_ERROR_CODE] = ME_FIELD_ERROR_CODE,
	[ME_IND_WORKING_STATE] = ME_FIELD_WORKING_STATE,
	[ME_IND_OPERATION_MODE] = ME_FIELD_OPERATION_MODE,
	[ME_IND_OPERATION_STATE] = ME_FIELD_OPERATION_STATE,
	[ME_IND_PHASE] = ME_FIELD_PROGRESS_PHASE,
	[ME_IND_PHASE_STATE] = ME_FIELD_PROGRESS_PHASE_STATE,
};

/**
 * me_field_value() - extract one field from the register set
 * @f: the field
 * @regs: HFSTS1..HFSTS6
 *
 * Return: the field's value, right-aligned.
 */
u32 me_field_value(enum me_field f, const u32 *regs)
{
	const struct me_field_desc *d = &me_fields[f];

	return (regs[d->reg] >> d->shift) & ((1u << d->width) - 1);
}

/**
 * me_layout_get() - the description of a layout
 * @l: layout; out-of-range values fall back to the oldest layout
 *
 * Return: a pointer into the constant layout table, never NULL.
 */
const struct me_layout_desc *me_layout_get(enum me_layout l)
{
	if ((unsigned int)l >= ME_LAYOUT_COUNT)
		l = ME_LAYOUT_ME;
	return &me_layouts[l];
}

static const char *strtab_get(const struct me_strtab *t, u32 v)
{
	if (!t || v >= t->n)
		return NULL;
	return t->s[v];
}

static int decode_phase_state(const struct me_layout_desc *ld, const u32 *regs,
			      char *buf, size_t len)
{
	u32 phase = me_field_value(ME_FIELD_PROGRESS_PHASE, regs);
	u32 state = me_field_value(ME_FIELD_PROGRESS_PHASE_STATE, regs);
	const struct me_strtab *t = ld->phase_states[phase & 0xf];
	const char *s;

	if (!t)
		return snprintf(buf, len, "Unknown 0x%02x", state);
	s = strtab_get(t, state);
	if (!s)
		return snprintf(buf, len, "0x%02x", state);
	return snprintf(buf, len, "%s", s);
}

/**
 * me_decode() - print one field the way intelmetool does
 * @l: register layout of the device
 * @f: the field
 * @regs: HFSTS1..HFSTS6
 * @buf: output buffer, always NUL-terminated when @len > 0
 * @len: size of @buf
 *
 * Return: the length snprintf() reports (may exceed @len - 1 on truncation).
 */
int me_decode(enum me_layout l, enum me_field f, const u32 *regs, char *buf, size_t len)
{
	const struct me_layout_desc *ld = me_layout_get(l);
	const struct me_field_desc *d;
	const char *s;
	u32 v;

	if ((unsigned int)f >= ME_FIELD_COUNT)
		return snprintf(buf, len, "%s", ME_STR_INACCESSIBLE);
	d = &me_fields[f];
	if (regs[d->reg] == ME_REG_INACCESSIBLE)
		return snprintf(buf, len, "%s", ME_STR_INACCESSIBLE);
	v = me_field_value(f, regs);

	switch (d->kind) {
	case ME_KIND_OK_BAD:
		return snprintf(buf, len, "%s", v ? "BAD" : "OK");
	case ME_KIND_YES_NO:
		return snprintf(buf, len, "%s", v ? "YES" : "NO");
	case ME_KIND_TABLE:
		s = strtab_get(ld->tables[f], v);
		if (!s)
			return snprintf(buf, len, "Unknown (0x%02x)", v);
		return snprintf(buf, len, "%s", s);
	case ME_KIND_PHASE_STATE:
		return decode_phase_state(ld, regs, buf, len);
	}
	return snprintf(buf, len, "%s", ME_STR_INACCESSIBLE);
}

/* BUP state 0x0a, "Check to see if straps say ME DISABLED", in every layout's BUP table */
#define ME_BUP_STATE_STRAPS	0x0a

static bool in_table(const struct me_layout_desc *ld, enum me_field f, const u32 *regs)
{
	return strtab_get(ld->tables[f], me_field_value(f, regs)) != NULL;
}

/*
 * The seed guide's list of signs that the ME is disabled, as register tests. Its
 * "Current Operation Mode : (null)" is intelmetool reading past its table, i.e. a
 * mode the table does not define; "Progress Phase State : 0x4d" and "Unknown 0x40"
 * are states outside the table of their phase; "Check to see if straps say ME
 * DISABLED" is the one BUP state the guide names.
 */
static u32 me_indicators(const struct me_layout_desc *ld, const u32 *regs)
{
	u32 ws = me_field_value(ME_FIELD_WORKING_STATE, regs);
	u32 mode = me_field_value(ME_FIELD_OPERATION_MODE, regs);
	u32 phase = me_field_value(ME_FIELD_PROGRESS_PHASE, regs);
	u32 state = me_field_value(ME_FIELD_PROGRESS_PHASE_STATE, regs);
	const struct me_strtab *st = ld->phase_states[phase];
	u32 ind = 0;

	if (!me_field_value(ME_FIELD_FIRMWARE_INIT_COMPLETE, regs))
		ind |= 1u << ME_IND_INIT_INCOMPLETE;
	if (me_field_value(ME_FIELD_ERROR_CODE, regs))
		ind |= 1u << ME_IND_ERROR_CODE;
	/* Initializing, Disabled, Platform Disable Wait */
	if (ws == 1 || ws == 4 || ws == 6)
		ind |= 1u << ME_IND_WORKING_STATE;
	/* undefined, or Soft Temporary Disable */
	if (!in_table(ld, ME_FIELD_OPERATION_MODE, regs) || mode == 3)
		ind |= 1u << ME_IND_OPERATION_MODE;
	/* Bring up */
	if (me_field_value(ME_FIELD_OPERATION_STATE, regs) == 6)
		ind |= 1u << ME_IND_OPERATION_STATE;
	if (phase == ld->bup_phase || !in_table(ld, ME_FIELD_PROGRESS_PHASE, regs))
		ind |= 1u << ME_IND_PHASE;
	if (!st || !strtab_get(st, state) ||
	    (phase == ld->bup_phase && state == ME_BUP_STATE_STRAPS))
		ind |= 1u << ME_IND_PHASE_STATE;
	return ind;
}

/**
 * me_verdict() - is the ME disabled, judged from its status registers alone
 * @l: register layout of the device
 * @regs: HFSTS1..HFSTS6
 * @indicators: if not NULL, receives a bit mask of &enum me_indicator that fired
 *
 * Disabled when an indicator of the seed guide fires and the ME does not at the
 * same time claim to run (working state Normal, init complete, no error: then the
 * registers contradict each other and the answer is unknown). Enabled only when no
 * indicator fires and the working state is Normal. Unknown otherwise, and whenever
 * HFSTS1 or HFSTS2 cannot be read.
 *
 * Return: the verdict.
 */
enum me_verdict me_verdict(enum me_layout l, const u32 *regs, u32 *indicators)
{
	const struct me_layout_desc *ld = me_layout_get(l);
	bool running;
	u32 ind;

	if (indicators)
		*indicators = 0;
	if (regs[0] == ME_REG_INACCESSIBLE || regs[1] == ME_REG_INACCESSIBLE)
		return ME_VERDICT_UNKNOWN;
	ind = me_indicators(ld, regs);
	if (indicators)
		*indicators = ind;
	running = me_field_value(ME_FIELD_WORKING_STATE, regs) == 5;
	if (!ind)
		return running ? ME_VERDICT_ENABLED : ME_VERDICT_UNKNOWN;
	if (running && !(ind & (1u << ME_IND_INIT_INCOMPLETE | 1u << ME_IND_ERROR_CODE)))
		return ME_VERDICT_UNKNOWN;
	return ME_VERDICT_DISABLED;
}

/**
 * me_indicators_str() - the indicators that hold, as the sysfs attribute prints them
 * @l: register layout of the device
 * @regs: HFSTS1..HFSTS6
 * @buf: output buffer, always NUL-terminated when @len > 0
 * @len: size of @buf
 *
 * The names of &me_indicator_names that fire, in the guide's order, separated by
 * one space; "" when none fires. An indicator about a field of a register that
 * cannot be read is left out; "not accessible" when neither HFSTS1 nor HFSTS2 can.
 *
 * Return: the length snprintf() reports (may exceed @len - 1 on truncation).
 */
int me_indicators_str(enum me_layout l, const u32 *regs, char *buf, size_t len)
{
	u32 ind = me_indicators(me_layout_get(l), regs);
	unsigned int i;
	int n = 0;

	if (regs[0] == ME_REG_INACCESSIBLE && regs[1] == ME_REG_INACCESSIBLE)
		return snprintf(buf, len, "%s", ME_STR_INACCESSIBLE);
	if (len)
		buf[0] = 0;
	for (i = 0; i < ME_IND_COUNT; i++) {
		size_t at = (size_t)n < len ? (size_t)n : len;

		if (!(ind & 1u << i) ||
		    regs[me_fields[me_indicator_fields[i]].reg] == ME_REG_INACCESSIBLE)
			continue;
		n += snprintf(buf + at, len - at, "%s%s", n ? " " : "", me_indicator_names[i]);
	}
	return n;
}

/**
 * me_verdict_str() - the sysfs spelling of a verdict
 * @v: verdict
 *
 * Return: "yes" (disabled), "no" (enabled) or "unknown".
 */
const char *me_verdict_str(enum me_verdict v)
{
	switch (v) {
	case ME_VERDICT_DISABLED:
		return "yes";
	case ME_VERDICT_ENABLED:
		return "no";
	case ME_VERDICT_UNKNOWN:
		break;
	}
	return "unknown";
}
