// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host test of mectl_me's decoder: kmod/me/decode.c and ids.c compiled in userspace
 * (they call nothing but snprintf). Walks every table for holes, terminators and
 * consistency, and checks every value of every field of every layout against the
 * spec in golden.h.
 */
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "golden.h"
#include "kselftest_harness.h"

static const enum me_layout layout_of[G_LAYOUTS] = {
	[G_ME] = ME_LAYOUT_ME, [G_CSME11] = ME_LAYOUT_CSME11, [G_CSME15] = ME_LAYOUT_CSME15,
};

static enum me_field field_by_name(const char *name)
{
	unsigned int f;

	for (f = 0; f < ME_FIELD_COUNT; f++)
		if (!strcmp(me_fields[f].name, name))
			return f;
	return ME_FIELD_COUNT;
}

static void decode(enum me_layout l, enum me_field f, u32 h1, u32 h2, char *buf, size_t len)
{
	u32 regs[ME_NR_HFSTS] = { h1, h2, 0, 0, 0, 0 };

	me_decode(l, f, regs, buf, len);
}

TEST(field_descriptors)
{
	unsigned int f, g;

	for (f = 0; f < ME_FIELD_COUNT; f++) {
		const struct me_field_desc *d = &me_fields[f];

		ASSERT_NE(NULL, d->name) TH_LOG("field %u has no name", f);
		ASSERT_NE(NULL, d->label);
		ASSERT_LT(d->reg, 2);
		ASSERT_GE(d->width, 1);
		ASSERT_LE(d->shift + d->width, 32);
		for (g = 0; g < f; g++)
			ASSERT_NE(0, strcmp(me_fields[g].name, d->name));
	}
}

TEST(layout_tables_have_no_trailing_holes)
{
	unsigned int l, f, p, i;

	for (l = 0; l < ME_LAYOUT_COUNT; l++) {
		const struct me_layout_desc *ld = &me_layouts[l];

		ASSERT_NE(NULL, ld->name);
		ASSERT_NE(NULL, ld->bit4_name);
		ASSERT_LT(ld->bup_phase, 16);
		ASSERT_NE(NULL, ld->phase_states[ld->bup_phase]);
		for (f = 0; f < ME_FIELD_COUNT; f++) {
			const struct me_strtab *t = ld->tables[f];

			if (me_fields[f].kind != ME_KIND_TABLE) {
				ASSERT_EQ(NULL, t);
				continue;
			}
			ASSERT_NE(NULL, t) TH_LOG("layout %s: no table for %s", ld->name,
						  me_fields[f].name);
			ASSERT_GE(t->n, 1);
			ASSERT_LE(t->n, 1u << me_fields[f].width);
			/* the last slot is defined: no table is padded past its end */
			ASSERT_NE(NULL, t->s[t->n - 1]);
			ASSERT_NE(NULL, t->s[0]);
			for (i = 0; i < t->n; i++)
				if (t->s[i])
					ASSERT_NE(0, strlen(t->s[i]));
		}
		for (p = 0; p < 16; p++) {
			const struct me_strtab *t = ld->phase_states[p];

			if (!t)
				continue;
			ASSERT_LE(t->n, 256);
			ASSERT_NE(NULL, t->s[t->n - 1]);
			/* a phase with states is a phase the layout names */
			ASSERT_NE(NULL, ld->tables[ME_FIELD_PROGRESS_PHASE]->s[p]);
		}
	}
}

TEST(every_value_of_every_field_matches_the_spec)
{
	char got[128], want[128];
	unsigned int gl, i, v, checked = 0;

	for (gl = 0; gl < G_LAYOUTS; gl++) {
		enum me_layout l = layout_of[gl];

		for (i = 0; i < sizeof(g_table_fields) / sizeof(g_table_fields[0]); i++) {
			const struct g_field *gf = &g_table_fields[i];
			enum me_field f = field_by_name(gf->attr);

			ASSERT_LT(f, ME_FIELD_COUNT);
			ASSERT_EQ(gf->reg, me_fields[f].reg);
			ASSERT_EQ(gf->shift, me_fields[f].shift);
			ASSERT_EQ(gf->width, me_fields[f].width);
			for (v = 0; v < 1u << gf->width; v++) {
				u32 r = v << gf->shift;

				decode(l, f, gf->reg ? 0 : r, gf->reg ? r : 0, got, sizeof(got));
				ASSERT_STREQ(g_expect_table(&gf->t[gl], v, want, sizeof(want)), got)
					TH_LOG("%s %s=%u", g_devices[gl].layout, gf->attr, v);
				checked++;
			}
		}
		for (i = 0; i < sizeof(g_bools) / sizeof(g_bools[0]); i++) {
			const struct g_bool *b = &g_bools[i];
			enum me_field f = strcmp(b->attr, "bit4") ?
				field_by_name(b->attr) : ME_FIELD_MANUFACTURING_MODE;

			ASSERT_EQ(b->shift, me_fields[f].shift);
			decode(l, f, 1u << b->shift, 0, got, sizeof(got));
			ASSERT_STREQ(b->one, got);
			decode(l, f, ~(1u << b->shift) & 0x7fffffff, 0, got, sizeof(got));
			ASSERT_STREQ(b->zero, got);
			checked += 2;
		}
		ASSERT_STREQ(g_devices[gl].bit4, me_layouts[l].bit4_name);
		for (v = 0; v < 16 * 256; v++) {
			unsigned int phase = v >> 8, state = v & 0xff;

			decode(l, ME_FIELD_PROGRESS_PHASE_STATE, 0, phase << 28 | state << 16,
			       got, sizeof(got));
			ASSERT_STREQ(g_expect_state(gl, phase, state, want, sizeof(want)), got)
				TH_LOG("%s phase %u state 0x%02x", g_devices[gl].layout, phase, state);
			checked++;
		}
	}
	TH_LOG("%u values checked", checked);
}

TEST(seed_sample_decodes_like_the_guide)
{
	u32 regs[ME_NR_HFSTS] = { SEED_HFSTS1, SEED_HFSTS2 };
	const struct me_pci_id *id = me_pci_id_lookup(0x9c3a);
	char got[128];
	unsigned int i;

	ASSERT_NE(NULL, id);
	ASSERT_EQ(ME_LAYOUT_ME, id->chipset->layout);
	for (i = 0; i < sizeof(g_seed) / sizeof(g_seed[0]); i++) {
		enum me_field f = field_by_name(g_seed[i].attr);

		if (!strcmp(g_seed[i].attr, "disabled")) {
			ASSERT_STREQ(g_seed[i].value,
				     me_verdict_str(me_verdict(id->chipset->layout, regs, NULL)));
			continue;
		}
		ASSERT_LT(f, ME_FIELD_COUNT);
		me_decode(id->chipset->layout, f, regs, got, sizeof(got));
		ASSERT_STREQ(g_seed[i].value, got) TH_LOG("%s", g_seed[i].attr);
	}
}

TEST(inaccessible_registers)
{
	u32 regs[ME_NR_HFSTS] = { ME_REG_INACCESSIBLE, ME_REG_INACCESSIBLE };
	char got[64];
	unsigned int f;

	for (f = 0; f < ME_FIELD_COUNT; f++) {
		me_decode(ME_LAYOUT_CSME11, f, regs, got, sizeof(got));
		ASSERT_STREQ(ME_STR_INACCESSIBLE, got);
	}
	ASSERT_EQ(ME_VERDICT_UNKNOWN, me_verdict(ME_LAYOUT_ME, regs, NULL));
	/* out-of-range enum values do not index past the tables */
	me_decode(ME_LAYOUT_COUNT + 3, ME_FIELD_WORKING_STATE, (u32[6]){ 5 }, got, sizeof(got));
	ASSERT_STREQ("Normal", got);
	me_decode(ME_LAYOUT_ME, ME_FIELD_COUNT, (u32[6]){ 5 }, got, sizeof(got));
	ASSERT_STREQ(ME_STR_INACCESSIBLE, got);
	/* truncation keeps the buffer terminated */
	me_decode(ME_LAYOUT_ME, ME_FIELD_WORKING_STATE, (u32[6]){ 8 }, got, 5);
	ASSERT_STREQ("Inva", got);
}

TEST(verdicts)
{
	u32 ind;

	/* running: Normal, M0 with UMA, init complete, Host Communication established */
	ASSERT_EQ(ME_VERDICT_ENABLED,
		  me_verdict(ME_LAYOUT_ME, (u32[6]){ 0x00000245, 0x60000000 }, &ind));
	ASSERT_EQ(0, ind);
	ASSERT_EQ(ME_VERDICT_ENABLED,
		  me_verdict(ME_LAYOUT_CSME11, (u32[6]){ 0x90000245, 0x60000000 }, NULL));
	/* the seed sample: five indicators */
	ASSERT_EQ(ME_VERDICT_DISABLED,
		  me_verdict(ME_LAYOUT_ME, (u32[6]){ SEED_HFSTS1, SEED_HFSTS2 }, &ind));
	ASSERT_EQ(1u << ME_IND_INIT_INCOMPLETE | 1u << ME_IND_WORKING_STATE |
		  1u << ME_IND_OPERATION_STATE | 1u << ME_IND_PHASE | 1u << ME_IND_PHASE_STATE,
		  ind);
	/* error code Image Failure alone */
	ASSERT_EQ(ME_VERDICT_DISABLED,
		  me_verdict(ME_LAYOUT_ME, (u32[6]){ 0x00003245, 0x60000000 }, &ind));
	ASSERT_EQ(1u << ME_IND_ERROR_CODE, ind);
	/* working state Disabled, Platform Disable Wait */
	ASSERT_EQ(ME_VERDICT_DISABLED,
		  me_verdict(ME_LAYOUT_ME, (u32[6]){ 0x00000244, 0x60000000 }, NULL));
	ASSERT_EQ(ME_VERDICT_DISABLED,
		  me_verdict(ME_LAYOUT_ME, (u32[6]){ 0x00000246, 0x60000000 }, NULL));
	/* operation mode undefined (intelmetool's "(null)") beside Normal: contradiction */
	ASSERT_EQ(ME_VERDICT_UNKNOWN,
		  me_verdict(ME_LAYOUT_ME, (u32[6]){ 0x00010245, 0x60000000 }, &ind));
	ASSERT_EQ(1u << ME_IND_OPERATION_MODE, ind);
	/* Recovery, nothing else: unknown */
	ASSERT_EQ(ME_VERDICT_UNKNOWN,
		  me_verdict(ME_LAYOUT_ME, (u32[6]){ 0x00000242, 0x60000000 }, NULL));
	/* CSME numbering: phase 1 is not BUP there, but undefined -> indicator */
	ASSERT_EQ(ME_VERDICT_DISABLED,
		  me_verdict(ME_LAYOUT_CSME11, (u32[6]){ 0x00000241, 0x30000000 }, &ind));
	ASSERT_TRUE(ind & 1u << ME_IND_PHASE);
	ASSERT_STREQ("yes", me_verdict_str(ME_VERDICT_DISABLED));
	ASSERT_STREQ("no", me_verdict_str(ME_VERDICT_ENABLED));
	ASSERT_STREQ("unknown", me_verdict_str(ME_VERDICT_UNKNOWN));
}

TEST(indicators)
{
	char got[256];
	unsigned int i;

	for (i = 0; i < sizeof(g_indicator_cases) / sizeof(g_indicator_cases[0]); i++) {
		const struct g_indicator_case *c = &g_indicator_cases[i];
		u32 regs[ME_NR_HFSTS] = { c->h1, c->h2 };
		enum me_layout l = layout_of[c->l];
		int n = me_indicators_str(l, regs, got, sizeof(got));

		ASSERT_STREQ(c->indicators, got) TH_LOG("%s 0x%08x,0x%08x",
							g_devices[c->l].layout, c->h1, c->h2);
		ASSERT_EQ(strlen(c->indicators), n);
		ASSERT_STREQ(c->disabled, me_verdict_str(me_verdict(l, regs, NULL)))
			TH_LOG("%s 0x%08x,0x%08x", g_devices[c->l].layout, c->h1, c->h2);
	}
	/* every name is a field's attribute name */
	for (i = 0; i < ME_IND_COUNT; i++)
		ASSERT_LT(field_by_name(me_indicator_names[i]), ME_FIELD_COUNT)
			TH_LOG("indicator %u", i);
	/* truncation keeps the buffer terminated and reports the full length */
	ASSERT_EQ(strlen(g_indicator_cases[0].indicators),
		  me_indicators_str(ME_LAYOUT_ME, (u32[6]){ SEED_HFSTS1, SEED_HFSTS2 }, got, 8));
	ASSERT_STREQ("firmwar", got);
	ASSERT_EQ(strlen(g_indicator_cases[0].indicators),
		  me_indicators_str(ME_LAYOUT_ME, (u32[6]){ SEED_HFSTS1, SEED_HFSTS2 }, NULL, 0));
}

TEST(id_tables)
{
	unsigned int i, j, used[64] = { 0 };

	ASSERT_LE(me_chipsets_count, 64);
	for (i = 0; i < me_pci_ids_count; i++) {
		const struct me_pci_id *id = &me_pci_ids[i];
		unsigned int cs;

		ASSERT_NE(0, id->device);
		ASSERT_NE(NULL, id->chipset);
		cs = id->chipset - me_chipsets;
		ASSERT_LT(cs, me_chipsets_count) TH_LOG("%04x: chipset outside the table", id->device);
		used[cs]++;
		ASSERT_EQ(id, me_pci_id_lookup(id->device)) TH_LOG("duplicate %04x", id->device);
	}
	for (i = 0; i < me_chipsets_count; i++) {
		const struct me_chipset *c = &me_chipsets[i];

		ASSERT_NE(NULL, c->name) TH_LOG("hole at chipset %u", i);
		ASSERT_NE(NULL, c->gen);
		ASSERT_LT(c->layout, ME_LAYOUT_COUNT);
		ASSERT_TRUE(c->nregs == 2 || c->nregs == 6) TH_LOG("%s", c->name);
		ASSERT_NE(0, used[i]) TH_LOG("chipset %s has no device ID", c->name);
		/* RCBA/FD2 only before the 100 Series, i.e. the ME 1..10 layout */
		if (c->has_rcba)
			ASSERT_EQ(ME_LAYOUT_ME, c->layout);
	}
	for (i = 0; i < me_lpc_ranges_count; i++) {
		const struct me_lpc_range *r = &me_lpc_ranges[i];

		ASSERT_LE(r->first, r->last);
		ASSERT_TRUE(r->chipset->has_rcba) TH_LOG("%04x", r->first);
		for (j = 0; j < i; j++)
			ASSERT_TRUE(r->last < me_lpc_ranges[j].first || r->first > me_lpc_ranges[j].last);
	}
	/* the seed's chipset, a 100 Series one, QEMU q35's ICH9 LPC (not an RCBA PCH here) */
	ASSERT_TRUE(me_pci_id_lookup(0x9c3a)->chipset->has_rcba);
	ASSERT_FALSE(me_pci_id_lookup(0xa13a)->chipset->has_rcba);
	ASSERT_EQ(NULL, me_lpc_lookup(0x2918));
	ASSERT_NE(NULL, me_lpc_lookup(0x9c43));
	ASSERT_EQ(NULL, me_lpc_lookup(0xa143));
	ASSERT_EQ(NULL, me_pci_id_lookup(0x1234));
	for (i = 0; i < G_LAYOUTS; i++)
		ASSERT_EQ(layout_of[i], me_pci_id_lookup(g_devices[i].id)->chipset->layout);
}

TEST_HARNESS_MAIN
