/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What mectl_me must print for every register value: the spec the tests hold the
 * module to, written from intelmetool 1.1's tables (its me_status.c), not
 * from kmod/me/decode.c. Used by the host table test and by the VM sysfs test.
 *
 * A table field prints its entry, or "Unknown (0x%02x)" for a value without one.
 * progress_phase_state: phases with a state table print the entry or "0x%02x";
 * phases without one print "Unknown 0x%02x".
 */
#ifndef MECTL_TEST_ME_GOLDEN_H
#define MECTL_TEST_ME_GOLDEN_H

struct g_entry {
	unsigned int v;
	const char *s;
};

struct g_table {
	const struct g_entry *e;
	unsigned int n;
};

#define G_TABLE(a) { .e = (a), .n = sizeof(a) / sizeof((a)[0]) }

enum g_layout { G_ME, G_CSME11, G_CSME15, G_LAYOUTS };

/* One simulated device per layout: its ID and name of HFSTS1 bit 4. */
struct g_device {
	unsigned int id;
	const char *bit4;
	const char *layout;
	unsigned int nregs;
};

static const struct g_device g_devices[G_LAYOUTS] = {
	[G_ME] = { 0x9c3a, "manufacturing_mode", "ME", 6 },
	[G_CSME11] = { 0xa13a, "manufacturing_mode", "CSME 11", 6 },
	[G_CSME15] = { 0xa0e0, "spi_protection_mode", "CSME 15", 6 },
};

static const struct g_entry g_working[] = {
	{ 0, "Reset" }, { 1, "Initializing" }, { 2, "Recovery" }, { 3, "Test" },
	{ 4, "Disabled" }, { 5, "Normal" }, { 6, "Platform Disable Wait" },
	{ 7, "OP State Transition" }, { 8, "Invalid CPU Plugged In" },
};

static const struct g_entry g_opstate[] = {
	{ 0, "Preboot" }, { 1, "M0 with UMA" }, { 4, "M3 without UMA" },
	{ 5, "M0 without UMA" }, { 6, "Bring up" }, { 7, "M0 without UMA but with error" },
};

static const struct g_entry g_opmode[] = {
	{ 0, "Normal" }, { 2, "Debug" }, { 3, "Soft Temporary Disable" },
	{ 4, "Security Override via Jumper" }, { 5, "Security Override via MEI Message" },
};

static const struct g_entry g_error[] = {
	{ 0, "No Error" }, { 1, "Uncategorized Failure" }, { 2, "Disabled" },
	{ 3, "Image Failure" }, { 4, "Debug Failure" },
};

static const struct g_entry g_phase_me[] = {
	{ 0, "ROM Phase" }, { 1, "BUP Phase" }, { 2, "uKernel Phase" }, { 3, "Policy Module" },
	{ 4, "Module Loading" }, { 5, "Unknown" }, { 6, "Host Communication" },
};

static const struct g_entry g_phase_csme[] = {
	{ 0, "ROM Phase" }, { 2, "uKernel Phase" }, { 3, "BUP Phase" }, { 6, "Host Communication" },
};

static const struct g_entry g_pm_me[] = {
	{ 0, "Clean Moff->Mx wake" }, { 1, "Moff->Mx wake after an error" },
	{ 2, "Clean global reset" }, { 3, "Global reset after an error" },
	{ 4, "Clean Intel ME reset" }, { 5, "Intel ME reset due to exception" },
	{ 6, "Pseudo-global reset" }, { 7, "S0/M0->Sx/M3" }, { 8, "Sx/M3->S0/M0" },
	{ 9, "Non-power cycle reset" }, { 10, "Power cycle reset through M3" },
	{ 11, "Power cycle reset through Moff" }, { 12, "Sx/Mx->Sx/Moff" },
};

static const struct g_entry g_pm_csme[] = {
	{ 0, "Clean Moff->Mx wake" }, { 1, "Moff->Mx wake after an error" },
	{ 2, "Clean global reset" }, { 3, "Global reset after an error" },
	{ 4, "Clean Intel ME reset" }, { 5, "Intel ME reset due to exception" },
	{ 6, "Pseudo-global reset" }, { 7, "CM0->CM3" }, { 8, "CM3->CM0" },
	{ 9, "Non-power cycle reset" }, { 10, "Power cycle reset through M3" },
	{ 11, "Power cycle reset through Moff" }, { 12, "Cx/Mx->Cx/Moff" },
	{ 13, "CM0->CM0PG" }, { 14, "CM3->CM3PG" }, { 15, "CM0PG->CM0" },
};

static const struct g_entry g_rom[] = { { 0x00, "BEGIN" }, { 0x06, "DISABLE" } };

static const struct g_entry g_bup_me[] = {
	{ 0x00, "Initialization starts" }, { 0x01, "Disable the host wake event" },
	{ 0x04, "Flow determination start process" },
	{ 0x08, "Error reading/matching the VSCC table in the descriptor" },
	{ 0x0a, "Check to see if straps say ME DISABLED" },
	{ 0x0b, "Timeout waiting for PWROK" },
	{ 0x0d, "Possibly handle BUP manufacturing override strap" },
	{ 0x11, "Bringup in M3" }, { 0x12, "Bringup in M0" }, { 0x13, "Flow detection error" },
	{ 0x15, "M3 clock switching error" }, { 0x18, "M3 kernel load" },
	{ 0x1c, "T34 missing - cannot program ICC" }, { 0x1f, "Waiting for DID BIOS message" },
	{ 0x20, "Waiting for DID BIOS message failure" }, { 0x21, "DID reported an error" },
	{ 0x22, "Enabling UMA" }, { 0x23, "Enabling UMA error" },
	{ 0x24, "Sending DID Ack to BIOS" }, { 0x25, "Sending DID Ack to BIOS error" },
	{ 0x26, "Switching clocks in M0" }, { 0x27, "Switching clocks in M0 error" },
	{ 0x28, "ME in temp disable" }, { 0x32, "M0 kernel load" },
};

static const struct g_entry g_bup_csme[] = {
	{ 0x00, "Initialization starts" }, { 0x01, "Disable the host wake event" },
	{ 0x02, "Enabling CG for cset" }, { 0x03, "Enabling PM handshaking" },
	{ 0x04, "Flow determination start process" }, { 0x05, "PMC Patching process" },
	{ 0x06, "Get VSCC params" }, { 0x07, "Set VSCC params" },
	{ 0x08, "Error reading/matching the VSCC table in the descriptor" },
	{ 0x09, "Initialize EFFS" },
	{ 0x0a, "Check to see if straps say ME DISABLED" },
	{ 0x0b, "Timeout waiting for PWROK" }, { 0x0c, "EFFS says ME disabled" },
	{ 0x0d, "Possibly handle BUP manufacturing override strap" },
	{ 0x11, "Bringup in M3" }, { 0x12, "Bringup in M0" }, { 0x13, "Flow detection error" },
	{ 0x15, "M3 clock switching error" },
	{ 0x17, "Host error - CPU reset timeout, DID timeout, memory missing" },
	{ 0x18, "M3 kernel load" },
	{ 0x1c, "T34 missing - cannot program ICC" }, { 0x1f, "Waiting for DID BIOS message" },
	{ 0x20, "Waiting for DID BIOS message failure" }, { 0x21, "DID reported no error" },
	{ 0x22, "Enabling UMA" }, { 0x23, "Enabling UMA error" },
	{ 0x24, "Sending DID Ack to BIOS" }, { 0x25, "Sending DID Ack to BIOS error" },
	{ 0x26, "Switching clocks in M0" }, { 0x27, "Switching clocks in M0 error" },
	{ 0x28, "ME in temp disable" }, { 0x32, "M0 kernel load" },
};

static const struct g_entry g_policy[] = {
	{ 0x00, "Entery into Policy Module" }, { 0x03, "Received S3 entry" },
	{ 0x04, "Received S4 entry" }, { 0x05, "Received S5 entry" },
	{ 0x06, "Received UPD entry" }, { 0x07, "Received PCR entry" },
	{ 0x08, "Received NPCR entry" }, { 0x09, "Received host wake" },
	{ 0x0a, "Received AC<>DC switch" }, { 0x0b, "Received DRAM Init Done" },
	{ 0x0c, "VSCC Data not found for flash device" }, { 0x0d, "VSCC Table is not valid" },
	{ 0x0e, "Flash Partition Boundary is outside address space" },
	{ 0x0f, "ME cannot access the chipset descriptor region" },
	{ 0x10, "Required VSCC values for flash parts do not match" },
};

static const struct g_entry g_hostcomm[] = { { 0x00, "Host communication established" } };

/* Table fields: name, register (0 = HFSTS1), shift, width, table per layout. */
struct g_field {
	const char *attr;
	unsigned int reg, shift, width;
	struct g_table t[G_LAYOUTS];
};

static const struct g_field g_table_fields[] = {
	{ "working_state", 0, 0, 4,
	  { G_TABLE(g_working), G_TABLE(g_working), G_TABLE(g_working) } },
	{ "operation_state", 0, 6, 3,
	  { G_TABLE(g_opstate), G_TABLE(g_opstate), G_TABLE(g_opstate) } },
	{ "operation_mode", 0, 16, 4,
	  { G_TABLE(g_opmode), G_TABLE(g_opmode), G_TABLE(g_opmode) } },
	{ "error_code", 0, 12, 4,
	  { G_TABLE(g_error), G_TABLE(g_error), G_TABLE(g_error) } },
	{ "progress_phase", 1, 28, 4,
	  { G_TABLE(g_phase_me), G_TABLE(g_phase_csme), G_TABLE(g_phase_csme) } },
	{ "pm_event", 1, 24, 4,
	  { G_TABLE(g_pm_me), G_TABLE(g_pm_csme), G_TABLE(g_pm_csme) } },
};

/* Boolean fields: bit of HFSTS1, what 1 and 0 print; "bit4" is layout-named. */
struct g_bool {
	const char *attr;
	unsigned int shift;
	const char *one, *zero;
};

static const struct g_bool g_bools[] = {
	{ "fw_partition_table", 5, "BAD", "OK" },
	{ "bringup_loader_failure", 10, "YES", "NO" },
	{ "firmware_init_complete", 9, "YES", "NO" },
	{ "bit4", 4, "YES", "NO" },
	{ "boot_options_present", 24, "YES", "NO" },
	{ "update_in_progress", 11, "YES", "NO" },
};

/* Phase-state tables per layout, indexed by phase; n == 0: no table. */
static const struct g_table g_phase_states[G_LAYOUTS][16] = {
	[G_ME] = {
		[0] = G_TABLE(g_rom), [1] = G_TABLE(g_bup_me),
		[3] = G_TABLE(g_policy), [6] = G_TABLE(g_hostcomm),
	},
	[G_CSME11] = {
		[0] = G_TABLE(g_rom), [3] = G_TABLE(g_bup_csme), [6] = G_TABLE(g_hostcomm),
	},
	[G_CSME15] = {
		[0] = G_TABLE(g_rom), [3] = G_TABLE(g_bup_csme), [6] = G_TABLE(g_hostcomm),
	},
};

static inline const char *g_lookup(const struct g_table *t, unsigned int v)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].v == v)
			return t->e[i].s;
	return NULL;
}

/* The expected text of a table field / a phase state, into buf. */
static inline const char *g_expect_table(const struct g_table *t, unsigned int v,
					 char *buf, size_t len)
{
	const char *s = g_lookup(t, v);

	if (s)
		return s;
	snprintf(buf, len, "Unknown (0x%02x)", v);
	return buf;
}

static inline const char *g_expect_state(enum g_layout l, unsigned int phase,
					 unsigned int state, char *buf, size_t len)
{
	const struct g_table *t = &g_phase_states[l][phase];
	const char *s;

	if (!t->n) {
		snprintf(buf, len, "Unknown 0x%02x", state);
		return buf;
	}
	s = g_lookup(t, state);
	if (s)
		return s;
	snprintf(buf, len, "0x%02x", state);
	return buf;
}

/* The seed guide's sample (8 Series HECI 8086:9c3a) and what intelmetool printed. */
#define SEED_HFSTS1 0x1e020191u
#define SEED_HFSTS2 0x104d0142u

static const struct { const char *attr, *value; } g_seed[] = {
	{ "fw_partition_table", "OK" },
	{ "bringup_loader_failure", "NO" },
	{ "firmware_init_complete", "NO" },
	{ "manufacturing_mode", "YES" },
	{ "boot_options_present", "NO" },
	{ "update_in_progress", "NO" },
	{ "working_state", "Initializing" },
	{ "operation_state", "Bring up" },
	{ "operation_mode", "Debug" },
	{ "error_code", "No Error" },
	{ "progress_phase", "BUP Phase" },
	{ "pm_event", "Clean Moff->Mx wake" },
	{ "progress_phase_state", "0x4d" },
	{ "disabled", "yes" },
};

/*
 * The guide's indicators of a disabled ME (shared/seeds, "real indications that the
 * ME is disabled"), per register set: the ones that hold, in the guide's order, as the
 * indicators attribute names them, and the verdict the disabled attribute gives.
 */
static const struct g_indicator_case {
	enum g_layout l;
	unsigned int h1, h2;
	const char *indicators;
	const char *disabled;
} g_indicator_cases[] = {
	{ G_ME, SEED_HFSTS1, SEED_HFSTS2,
	  "firmware_init_complete working_state operation_state progress_phase "
	  "progress_phase_state", "yes" },
	/* Normal, M0 with UMA, init complete, Host communication established */
	{ G_ME, 0x00000245, 0x60000000, "", "no" },
	{ G_CSME11, 0x90000245, 0x60000000, "", "no" },
	/* Error Code: Image Failure */
	{ G_ME, 0x00003245, 0x60000000, "error_code", "yes" },
	/* Disabled, Platform Disable Wait; Recovery is no indicator */
	{ G_ME, 0x00000244, 0x60000000, "working_state", "yes" },
	{ G_ME, 0x00000246, 0x60000000, "working_state", "yes" },
	{ G_ME, 0x00000242, 0x60000000, "", "unknown" },
	/* operation mode undefined ("(null)"), Soft Temporary Disable: beside Normal */
	{ G_ME, 0x00010245, 0x60000000, "operation_mode", "unknown" },
	{ G_CSME15, 0x00030245, 0x60000000, "operation_mode", "unknown" },
	/* Bring up with init incomplete, beside Normal */
	{ G_ME, 0x00000185, 0x60000000, "firmware_init_complete operation_state", "yes" },
	/* BUP: "Check to see if straps say ME DISABLED" (phase 1 in ME, 3 in CSME) */
	{ G_ME, 0x00000245, 0x100a0000, "progress_phase progress_phase_state", "unknown" },
	{ G_CSME11, 0x00000245, 0x300a0000, "progress_phase progress_phase_state", "unknown" },
	/* state 0x0a of the Policy Module phase is "Received AC<>DC switch" */
	{ G_ME, 0x00000245, 0x300a0000, "", "no" },
	/* "Unknown 0x40": uKernel phase, which has no state table */
	{ G_ME, 0x00000245, 0x20400000, "progress_phase_state", "unknown" },
	/* CSME: phase 1 is undefined and has no states */
	{ G_CSME11, 0x00000241, 0x10000000, "working_state progress_phase progress_phase_state",
	  "yes" },
	/* all seven */
	{ G_ME, 0x00033181, 0x100a0000,
	  "firmware_init_complete error_code working_state operation_mode operation_state "
	  "progress_phase progress_phase_state", "yes" },
	/* a register that cannot be read gives no indicator, and no verdict */
	{ G_ME, 0xffffffff, SEED_HFSTS2, "progress_phase progress_phase_state", "unknown" },
	{ G_ME, 0x00003245, 0xffffffff, "error_code", "unknown" },
	{ G_CSME11, 0x00000245, 0xffffffff, "", "unknown" },
	{ G_CSME15, 0xffffffff, 0xffffffff, "not accessible", "unknown" },
};

#endif
