// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image engine on every mkimage variant: each test builds one synthetic image,
 * runs the real library (img_parse_args + img_run, as `mectl clean` does) and checks
 * the structural outcome against the generator's ground truth (struct mk_layout):
 * which bytes were wiped, which survived, the rewritten $FPT, relocation, truncation,
 * straps, descriptor edits, extraction and the signature verdict.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "image.h"
#include "../../fixtures/mkimage.h"
#include "helpers.h"

#define MAXARGS 16

struct run {
	struct mk_layout l;
	struct img_options o;
	struct img_result r;
	const uint8_t *me;	/* r.image + me_start */
};

/* Build @preset (with @tweak applied to the options) and run "clean ARGS...". */
static int run_v(struct run *t, const char *preset, void (*tweak)(struct mk_opts *),
		 const char *args)
{
	char buf[256], *argv[MAXARGS + 2], *save = NULL, *tok;
	struct mk_opts mo;
	const char *err;
	int argc = 0;

	memset(t, 0, sizeof(*t));
	if (mk_preset(&mo, preset))
		return -1;
	if (tweak)
		tweak(&mo);
	if (mk_build(&mo, &t->l, &err)) {
		fprintf(stderr, "mk_build(%s): %s\n", preset, err);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", args ? args : "");
	argv[argc++] = "clean";
	for (tok = strtok_r(buf, " ", &save); tok && argc < MAXARGS; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (img_parse_args(&t->o, argc, argv, "mectl clean", IMG_ARGS_NO_FILE, &t->r))
		return -1;
	/* Strings in the options point into buf: the names of -O/-D/-M only get printed. */
	t->o.output = t->o.output ? "out.bin" : NULL;
	t->o.extract_descriptor = t->o.extract_descriptor ? "fd.bin" : NULL;
	t->o.extract_me = t->o.extract_me ? "me.bin" : NULL;
	if (img_run(t->l.img, t->l.size, &t->o, &t->r))
		return -1;
	t->me = t->r.image.data ? t->r.image.data + t->l.me_start : NULL;
	return 0;
}

static void done(struct run *t)
{
	img_result_free(&t->r);
	mk_free(&t->l);
}

static void dump_log(const struct run *t)
{
	for (size_t i = 0; i < t->r.log.n; i++)
		fprintf(stderr, "%s%s", t->r.log.v[i].stream == IMG_STDERR ? "E: " : "",
			t->r.log.v[i].text);
}

/* Region-relative range [a, b) of the output equals the input (+ shift of the output). */
static bool same(const struct run *t, uint32_t a, uint32_t b, int32_t shift)
{
	return !memcmp(t->me + a + shift, t->l.img + t->l.me_start + a, b - a);
}

static uint32_t min_size(uint32_t end)
{
	return (end / 0x1000 + 1) * 0x1000 + 4 * 0x1000;
}

static const struct mk_part *part(const struct mk_layout *l, const char *name)
{
	for (unsigned i = 0; i < l->nparts; i++)
		if (!strncmp(l->parts[i].name, name, 4))
			return &l->parts[i];
	return NULL;
}

#define RUN(t, preset, tweak, args) do {						\
		ASSERT_EQ(0, run_v(t, preset, tweak, args));				\
		if (t->r.exit_code && !expect_fail) dump_log(t);			\
	} while (0)

/* The gen 2/3 cleaning outcome shared by several presets (no -k, no -r). */
static void check_cleaned(struct __test_metadata *_metadata, const struct run *t, bool g3)
{
	const struct mk_layout *l = &t->l;
	uint8_t sum = 0;

	/* Only FTPR keeps an $FPT entry; the rest of the table is 0xFF. */
	EXPECT_EQ(1, le32(t->me + 0x14));
	EXPECT_EQ(0, memcmp(t->me + 0x30, "FTPR", 4));
	EXPECT_TRUE(all_ff(t->me + 0x50, 0x20 * (l->nparts - 1)));
	/* EFFS flag cleared, checksum correct (byte sum 0). */
	EXPECT_EQ(0, le32(t->me + 0x24) & 1);
	for (unsigned i = g3 ? 0x10 : 0; i < 0x30; i++)
		sum += t->me[i];
	EXPECT_EQ(0, sum);
	/* Every other partition with data is wiped; FTPR's manifest untouched. */
	for (unsigned i = 0; i < l->nparts; i++) {
		const struct mk_part *p = &l->parts[i];

		if (!p->has_data || !strncmp(p->name, "FTPR", 4) || p->offset + p->length > l->me_end)
			continue;
		EXPECT_TRUE(all_ff(t->me + p->offset, p->length)) TH_LOG("partition %.4s", p->name);
	}
	EXPECT_TRUE(same(t, l->man_off, l->man_off + l->man_len, 0));
	EXPECT_EQ(min_size(l->kept_end), t->r.report.min_size);
}

/* ------------------------------------------------------------------------------ */

static bool expect_fail;

TEST(me8_bare_clean)
{
	struct run t;
	const struct mk_layout *l = &t.l;
	char want[64];

	expect_fail = false;
	RUN((&t), "me8-bare", NULL, "");
	ASSERT_EQ(0, t.r.exit_code);
	ASSERT_TRUE(t.r.write_image);
	check_cleaned(_metadata, &t, false);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "(generation 2)"));
	strcpy(want, "WARNING Unknown public key ");
	for (int i = 0; i < 16; i++)
		sprintf(want + strlen(want), "%02x", l->key_md5[i]);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, want));
	EXPECT_FALSE(t.r.report.key_known);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, " NVCL (NVRAM partition, no data"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, " UEPB (      no data here      "));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Removing EFFS presence flag..."));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Checking the FTPR RSA signature... "));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "VALID"));
	EXPECT_EQ(IMG_SIG_VALID, t.r.report.sig);
	/* Modules: essential data and chunks intact, everything else 0xFF. */
	for (unsigned i = 0; i < l->nmodules; i++) {
		const struct mk_module *m = &l->modules[i];

		if (m->comp != MK_HUFFMAN) {
			if (m->essential) {
				EXPECT_TRUE(same(&t, m->start, m->end, 0)) TH_LOG("%s", m->name);
			} else {
				EXPECT_TRUE(all_ff(t.me + m->start, m->end - m->start)) TH_LOG("%s", m->name);
			}
			continue;
		}
		for (unsigned k = 0; k < m->nchunks; k++) {
			const struct mk_chunk *c = &l->chunks[m->first_chunk + k];

			if (m->essential) {
				EXPECT_TRUE(same(&t, c->start, c->end, 0)) TH_LOG("%s chunk %u", m->name, k);
			} else {
				EXPECT_TRUE(all_ff(t.me + c->start, c->end - c->start)) TH_LOG("%s chunk %u", m->name, k);
			}
		}
	}
	/* The LLUT itself is kept (it sits inside the kept range before the chunks). */
	EXPECT_EQ(0, memcmp(t.me + l->llut_off, "LLUT", 4));
	EXPECT_EQ(t.l.size, t.r.image.len);
	done(&t);
}

TEST(me8_bare_truncate)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me8-bare", NULL, "-t");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_EQ(min_size(t.l.kept_end), t.r.image.len);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Truncating file at 0x"));
	done(&t);
}

TEST(me8_bare_keep_modules)
{
	struct run t;
	const struct mk_layout *l = &t.l;

	expect_fail = false;
	RUN((&t), "me8-bare", NULL, "-k");
	ASSERT_EQ(0, t.r.exit_code);
	/* -k: FTPR untouched, size = FTPR end + 1 block + 4 spare blocks. */
	EXPECT_TRUE(same(&t, l->ftpr_off, l->ftpr_off + l->ftpr_len, 0));
	EXPECT_EQ(min_size(l->ftpr_off + l->ftpr_len), t.r.report.min_size);
	EXPECT_TRUE(all_ff(t.me + part(l, "NFTP")->offset, part(l, "NFTP")->length));
	done(&t);
}

static void check_relocated(struct __test_metadata *_metadata, struct run *t, uint32_t target)
{
	const struct mk_layout *l = &t->l;
	const int32_t diff = (int32_t)target - (int32_t)l->ftpr_off;
	const uint8_t *llut = t->me + l->llut_off + diff;
	const uint8_t *old = l->img + l->me_start + l->llut_off;

	EXPECT_EQ(target, le32(t->me + 0x38));
	EXPECT_TRUE(t->r.report.relocated);
	/* The manifest moved as is; the signature still verifies at the new place. */
	EXPECT_TRUE(same(t, l->man_off, l->man_off + l->man_len, diff));
	EXPECT_EQ(IMG_SIG_VALID, t->r.report.sig);
	if (l->llut_off) {
		uint16_t corr = old[9] | old[10] << 8;

		ASSERT_EQ(0, memcmp(llut, "LLUT", 4));
		EXPECT_EQ((uint32_t)(l->llut_off + diff + 0x40 - corr), le32(llut + 0x0C));
		EXPECT_EQ(le32(old + 0x14) + diff, le32(llut + 0x14));
		for (unsigned i = 0; i < l->nchunks; i++) {
			uint32_t a = le32(old + 0x40 + 4 * i), b = le32(llut + 0x40 + 4 * i);

			if (a >> 24 == 0x80) {
				EXPECT_EQ(a, b);
			} else {
				EXPECT_EQ((a & 0xFF000000) | ((a + diff) & 0xFFFFFF), b);
			}
		}
		/* The essential chunks moved with the partition. */
		for (unsigned i = 0; i < l->nmodules; i++) {
			const struct mk_module *m = &l->modules[i];

			if (m->comp != MK_HUFFMAN || !m->essential)
				continue;
			for (unsigned k = 0; k < m->nchunks; k++) {
				const struct mk_chunk *c = &l->chunks[m->first_chunk + k];

				EXPECT_TRUE(same(t, c->start, c->end, diff));
			}
		}
	}
	EXPECT_EQ(min_size(l->kept_end + diff), t->r.report.min_size);
}

TEST(me8_bare_relocate_truncate)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me8-bare", NULL, "-r -t");
	ASSERT_EQ(0, t.r.exit_code);
	check_relocated(_metadata, &t, 0x400);
	EXPECT_EQ(min_size(t.l.kept_end + 0x400 - t.l.ftpr_off), t.r.image.len);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, " Adjusting chunks offsets..."));
	done(&t);
}

TEST(me8_corr_relocate)
{
	struct run t;
	uint32_t target, llut_rel, corr = 0x1FF4;

	expect_fail = false;
	RUN((&t), "me8-corr", NULL, "-r");
	ASSERT_EQ(0, t.r.exit_code);
	/* relocate_partition(): target = max(0x400, corr - llut_rel - 0x40), rounded up to 0x20. */
	llut_rel = t.l.llut_off - t.l.ftpr_off;
	target = corr - llut_rel - 0x40 > 0x400 ? corr - llut_rel - 0x40 : 0x400;
	target = (target + 0x1F) & ~0x1Fu;
	ASSERT_NE(0x400, target);
	check_relocated(_metadata, &t, target);
	done(&t);
}

TEST(me8_frag_clean)
{
	struct run t;
	const struct mk_layout *l = &t.l;

	expect_fail = false;
	RUN((&t), "me8-frag", NULL, "-r");
	ASSERT_EQ(0, t.r.exit_code);
	check_relocated(_metadata, &t, 0x400);
	/* Interleaved storage: the chunks of removed modules between BUP's are wiped. */
	for (unsigned i = 0; i < l->nmodules; i++) {
		const struct mk_module *m = &l->modules[i];
		const int32_t diff = 0x400 - (int32_t)l->ftpr_off;

		if (m->comp != MK_HUFFMAN || m->essential)
			continue;
		for (unsigned k = 0; k < m->nchunks; k++) {
			const struct mk_chunk *c = &l->chunks[m->first_chunk + k];

			if (c->end + diff <= l->kept_end + diff)
				EXPECT_TRUE(all_ff(t.me + c->start + diff, c->end - c->start));
		}
	}
	done(&t);
}

TEST(me8_lzma_only_relocate)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me8-lzma", NULL, "-r");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, " No Huffman modules found"));
	check_relocated(_metadata, &t, 0x400);
	done(&t);
}

TEST(me8_full_soft_disable)
{
	struct run t;
	uint32_t strap;

	expect_fail = false;
	RUN((&t), "me8-full", NULL, "-S");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Full image detected"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "The AltMeDisable bit is NOT SET"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Setting the AltMeDisable bit in PCHSTRP10"));
	strap = le32(t.r.image.data + mk_strap_off(&t.l, 10));
	EXPECT_EQ(0x80, strap & 0x80);
	EXPECT_EQ(0, le32(t.r.image.data + mk_strap_off(&t.l, 0)) & 0x10000);
	check_cleaned(_metadata, &t, false);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "The ME region can be reduced up to:"));
	done(&t);
}

TEST(me8_full_soft_disable_only)
{
	struct run t;
	const uint32_t off = 0;

	expect_fail = false;
	RUN((&t), "me8-full", NULL, "-s");
	ASSERT_EQ(0, t.r.exit_code);
	ASSERT_EQ(t.l.size, t.r.image.len);
	/* Only PCHSTRP10 changed. */
	for (size_t i = off; i < t.l.size; i++) {
		if (i >= mk_strap_off(&t.l, 10) && i < mk_strap_off(&t.l, 10) + 4)
			continue;
		if (t.r.image.data[i] != t.l.img[i]) {
			EXPECT_EQ(0, (long)i + 1) TH_LOG("byte 0x%zx changed", i);
			break;
		}
	}
	EXPECT_EQ(0x80, t.r.image.data[mk_strap_off(&t.l, 10)] & 0x80);
	done(&t);
}

TEST(me8_hap_already_set)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me8-hap", NULL, "-c");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "The AltMeDisable bit is SET"));
	done(&t);
}

TEST(me8_full_descriptor_perms)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me8-full", NULL, "-S -d");
	ASSERT_EQ(0, t.r.exit_code);
	/* -d, gen 2: (v | 0x04040000) & 0x0404FFFF on FLMSTR2 = 0x0C0D0000. */
	EXPECT_EQ(0x04040000u, le32(t.r.image.data + t.l.fmba + 4));
	done(&t);
}

TEST(me8_full_extract_truncated)
{
	struct run t;
	const struct mk_layout *l = &t.l;
	uint32_t end;

	expect_fail = false;
	RUN((&t), "me8-full", NULL, "-S -t -D fd.bin -M me.bin");
	ASSERT_EQ(0, t.r.exit_code);
	end = min_size(l->kept_end);
	ASSERT_TRUE(t.r.write_descriptor);
	ASSERT_EQ(0x1000, t.r.descriptor.len);
	/* -D -t: ME region shrunk to the minimum size, BIOS grown down to meet it. */
	EXPECT_EQ(((l->me_start >> 12) | (((l->me_start + end - 1) >> 12) << 16)),
		  le32(t.r.descriptor.data + 0x48));
	EXPECT_EQ((((l->me_start + end) >> 12) | (((l->bios_end - 1) >> 12) << 16)),
		  le32(t.r.descriptor.data + 0x44));
	/* The image's own descriptor keeps its regions. */
	EXPECT_EQ(le32(l->img + 0x48), le32(t.r.image.data + 0x48));
	ASSERT_TRUE(t.r.write_me);
	EXPECT_EQ(end, t.r.me.len);
	EXPECT_EQ(0, memcmp(t.r.me.data, t.me, end));
	EXPECT_EQ(IMG_SIG_VALID, t.r.report.me_sig);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Checking the FTPR RSA signature of the extracted ME image... "));
	done(&t);
}

TEST(me8_gap_descriptor_warning)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me8-gap", NULL, "-S -t -D fd.bin");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "isn't equal to the end address"));
	EXPECT_EQ(le32(t.l.img + 0x48), le32(t.r.descriptor.data + 0x48));
	done(&t);
}

TEST(me8_fpt_at_0)
{
	struct run t;

	expect_fail = true;
	RUN((&t), "me8-fpt0", NULL, "-c");
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Found FPT header at 0x0\n"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Found FTPR header"));
	EXPECT_EQ(0, t.r.exit_code);
	done(&t);
}

TEST(me8_nonascii_partition)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me8-nonascii", NULL, "");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, " ???? (0x0000c000 - 0x00000d000"));
	EXPECT_TRUE(all_ff(t.me + 0xC000, 0x1000));
	done(&t);
}

TEST(me8_whitelist_blacklist)
{
	struct run t;
	const struct mk_part *p;

	expect_fail = false;
	RUN((&t), "me8-bare", NULL, "-w MDES,EFFS");
	ASSERT_EQ(0, t.r.exit_code);
	p = part(&t.l, "MDES");
	EXPECT_TRUE(same(&t, p->offset, p->offset + p->length, 0));
	EXPECT_EQ(3, le32(t.me + 0x14));
	/* EFFS whitelisted: the flag stays. */
	EXPECT_EQ(1, le32(t.me + 0x24) & 1);
	EXPECT_EQ(min_size(part(&t.l, "EFFS")->offset + part(&t.l, "EFFS")->length > t.l.kept_end ?
			   part(&t.l, "EFFS")->offset + part(&t.l, "EFFS")->length : t.l.kept_end),
		  t.r.report.min_size);
	done(&t);

	RUN((&t), "me8-bare", NULL, "-b NFTP");
	ASSERT_EQ(0, t.r.exit_code);
	p = part(&t.l, "NFTP");
	EXPECT_TRUE(all_ff(t.me + p->offset, p->length));
	p = part(&t.l, "MDES");
	EXPECT_TRUE(same(&t, p->offset, p->offset + p->length, 0));
	done(&t);
}

TEST(me8_bad_signature)
{
	struct run t;

	expect_fail = true;
	RUN((&t), "me8-badsig", NULL, "-c");
	EXPECT_EQ(1, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "INVALID!!"));
	EXPECT_EQ(IMG_SIG_INVALID, t.r.report.sig);
	done(&t);

	RUN((&t), "me8-badsig", NULL, "-S");
	EXPECT_EQ(1, t.r.exit_code);
	/* mectl's deliberate difference: a failing image is never written. */
	EXPECT_FALSE(t.r.write_image && t.r.exit_code == 0);
	done(&t);
}

TEST(me8_region_disabled)
{
	struct run t;

	expect_fail = true;
	RUN((&t), "me8-disabled", NULL, "-S");
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "The ME region in this image has already been disabled"));
	EXPECT_EQ(1, t.r.exit_code);
	done(&t);
}

TEST(me6_ignition)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me6-ignition", NULL, "-S");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "ME 6 Ignition firmware detected, removing everything..."));
	EXPECT_TRUE(all_ff(t.me, t.l.me_end - t.l.me_start));
	EXPECT_EQ(0x80, t.r.image.data[mk_strap_off(&t.l, 10)] & 0x80);
	EXPECT_FALSE(log_has(&t.r, IMG_STDOUT, "Checking the FTPR RSA signature"));
	done(&t);
}

TEST(me6_open_ended_last_partition)
{
	struct run t;
	const struct mk_part *p;
	char line[128];

	expect_fail = false;
	RUN((&t), "me6-full", NULL, "-S");
	ASSERT_EQ(0, t.r.exit_code);
	/* me_cleaner 1.2: length 0xFFFFFFFF on ME 6's last entry means "up to the region end". */
	p = part(&t.l, "NFTP");
	ASSERT_EQ(t.l.me_end - t.l.me_start, p->offset + p->length);
	snprintf(line, sizeof(line), " NFTP (0x%08x - 0x%09x, 0x%08x total bytes): removed",
		 p->offset, p->offset + p->length, p->length);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, line)) TH_LOG("%s", line);
	EXPECT_TRUE(all_ff(t.me + p->offset, p->length));
	done(&t);
}

TEST(rerun_on_own_output)
{
	/* Cleaning an image that is already cleaned, relocated and truncated (me_cleaner
	 * crashes on some: issues #315, #327) ends with exit 0, or 1 and one error line. */
	static const char *const presets[] = { "me8-bare", "me11-bare", "txe1-bare", NULL };

	for (int i = 0; presets[i]; i++) {
		struct img_options o2;
		struct img_result r2 = { 0 };
		size_t nerr = 0;
		struct run t;

		expect_fail = false;
		RUN((&t), presets[i], NULL, "-r -t");
		ASSERT_EQ(0, t.r.exit_code);
		o2 = t.o;
		ASSERT_EQ(0, img_run(t.r.image.data, t.r.image.len, &o2, &r2));
		for (size_t k = 0; k < r2.log.n; k++)
			nerr += r2.log.v[k].stream == IMG_STDERR;
		EXPECT_TRUE(r2.exit_code == 0 || (r2.exit_code == 1 && nerr == 1)) TH_LOG("%s", presets[i]);
		if (r2.exit_code == 0) {
			EXPECT_EQ(IMG_SIG_VALID, r2.report.sig);
		}
		img_result_free(&r2);
		done(&t);
	}
}

TEST(txe1_module_headers_0x80)
{
	struct run t;
	const struct mk_layout *l = &t.l;

	expect_fail = false;
	RUN((&t), "txe1-bare", NULL, "-r -t");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Public key") || log_has(&t.r, IMG_STDOUT, "WARNING Unknown public key"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "        Assuming Intel TXE"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, " BUP "));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "NOT removed, essential"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, " KERNEL "));
	ASSERT_EQ(l->nmodules, t.r.report.n_modules);
	check_relocated(_metadata, &t, 0x400);
	done(&t);
}

TEST(txe2_full_soft_disable)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "txe2-full", NULL, "-S -d");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_EQ(0x80, t.r.image.data[mk_strap_off(&t.l, 10)] & 0x80);
	check_cleaned(_metadata, &t, false);
	done(&t);
}

TEST(gen1_bare_untouched)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me3-bare", NULL, "");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "ME/TXE firmware version 3.2.1.1000 (generation 1)"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Done! Good luck!"));
	EXPECT_EQ(0, memcmp(t.r.image.data, t.l.img, t.l.size));
	done(&t);
}

static void check_gen1_full(struct __test_metadata *_metadata, struct run *t)
{
	const struct mk_layout *l = &t->l;

	EXPECT_TRUE(log_has(&t->r, IMG_STDOUT, "(generation 1)"));
	EXPECT_TRUE(log_has(&t->r, IMG_STDOUT, "The meDisable bit in ICHSTRP0 is NOT SET, setting it now..."));
	EXPECT_TRUE(log_has(&t->r, IMG_STDOUT, "The meDisable bit in MCHSTRP0 is NOT SET, setting it now..."));
	EXPECT_EQ(1, le32(t->r.image.data + l->fpsba) & 1);
	EXPECT_EQ(1, le32(t->r.image.data + l->fmsba) & 1);
	EXPECT_EQ(0x00001FFFu, le32(t->r.image.data + l->frba + 8));
	/* The intended (Python 2) behaviour: the region is wiped, the run completes. */
	EXPECT_TRUE(all_ff(t->me, l->me_end - l->me_start));
}

TEST(gen1_full_code_partition)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me4-full", NULL, "");
	ASSERT_EQ(0, t.r.exit_code);
	check_gen1_full(_metadata, &t);
	done(&t);
}

TEST(gen1_ich8_descriptor)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me5-ich8", NULL, "");
	ASSERT_EQ(0, t.r.exit_code);
	check_gen1_full(_metadata, &t);
	done(&t);
}

static void check_gen3_modules(struct __test_metadata *_metadata, const struct run *t)
{
	const struct mk_layout *l = &t->l;

	for (unsigned i = 0; i < l->nmodules; i++) {
		const struct mk_module *m = &l->modules[i];

		if (m->manifest_or_meta || m->essential) {
			EXPECT_TRUE(same(t, m->start, m->end, 0)) TH_LOG("%s", m->name);
		} else {
			EXPECT_TRUE(all_ff(t->me + m->start, m->end - m->start)) TH_LOG("%s", m->name);
		}
	}
}

TEST(me11_bare_clean)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me11-bare", NULL, "-t");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "(generation 3)"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Found FTPR manifest at 0x"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "NOT removed, partition manif."));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "NOT removed, module metadata"));
	check_cleaned(_metadata, &t, true);
	check_gen3_modules(_metadata, &t);
	EXPECT_EQ(min_size(t.l.kept_end), t.r.image.len);
	EXPECT_EQ(IMG_SIG_VALID, t.r.report.sig);
	done(&t);
}

TEST(me11_overlap_whitelist)
{
	struct run t;

	expect_fail = false;
	/* NFTP kept, FTUP (same range) removed: me_cleaner wipes the shared bytes. */
	RUN((&t), "me11-bare", NULL, "-w NFTP");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, " NFTP ("));
	EXPECT_TRUE(all_ff(t.me + part(&t.l, "NFTP")->offset, part(&t.l, "NFTP")->length));
	done(&t);
}

TEST(me11_full_hap)
{
	struct run t;

	expect_fail = false;
	RUN((&t), "me11-full", NULL, "-S -r -d");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "The HAP bit is NOT SET"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Setting the HAP bit in PCHSTRP0 to disable Intel ME..."));
	EXPECT_EQ(0x10000, le32(t.r.image.data + mk_strap_off(&t.l, 0)) & 0x10000);
	EXPECT_EQ(0x00400500u, le32(t.r.image.data + t.l.fmba + 4));
	EXPECT_EQ(0x400, le32(t.me + 0x38));
	EXPECT_EQ(IMG_SIG_VALID, t.r.report.sig);
	done(&t);
}

TEST(me11_no_manifest)
{
	struct run t;

	expect_fail = true;
	RUN((&t), "me11-noman", NULL, "-c");
	EXPECT_EQ(1, t.r.exit_code);
	EXPECT_TRUE(log_has(&t.r, IMG_STDERR, "Can't find the manifest of the FTPR partition"));
	done(&t);
}

static const char *corruption;

static void corrupt_tweak(struct mk_opts *o)
{
	o->corrupt = corruption;
}

TEST(malformed_one_error_line)
{
	/* Each malformation: exit 1, one stderr line, nothing to write. */
	static const struct { const char *preset, *corrupt, *args; } cases[] = {
		{ "me8-bare", "chunk-past-end", "-r -t" },
		{ "me8-bare", "chunk-size-0", "" },
		{ "me8-bare", "no-llut", "-t" },
		{ "me8-bare", "comp3", "" },
		{ "me8-bare", "no-essential", "" },
		{ "me8-bare", "module-name", "" },
		{ "me8-bare", "fpt-empty", "-c" },
		{ "me8-bare", "fpt-huge", "" },
		{ "me8-bare", "truncated", "-c" },
		{ "me8-full", "part-past-region", "-S" },
		{ "me11-bare", "cpd-entries", "" },
		{ "me16-bare", "cpd-entries", "-c" },
		{ "txe1-bare", "truncated", "-r -t" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run t;
		size_t nerr = 0;

		corruption = cases[i].corrupt;
		expect_fail = true;
		RUN((&t), cases[i].preset, corrupt_tweak, cases[i].args);
		for (size_t k = 0; k < t.r.log.n; k++)
			nerr += t.r.log.v[k].stream == IMG_STDERR;
		EXPECT_EQ(1, t.r.exit_code) TH_LOG("%s --corrupt %s", cases[i].preset, cases[i].corrupt);
		EXPECT_EQ(1, nerr) TH_LOG("%s --corrupt %s", cases[i].preset, cases[i].corrupt);
		EXPECT_FALSE(t.r.write_image);
		done(&t);
	}
}

TEST(module_walk_skipped)
{
	static const struct { const char *corrupt, *msg; } cases[] = {
		{ "mme-magic", "Can't find the module header size; skipping modules removal" },
		{ "mme-count", "Found less modules than expected in the FTPR partition; skipping modules removal" },
	};

	for (size_t i = 0; i < 2; i++) {
		struct run t;

		corruption = cases[i].corrupt;
		expect_fail = false;
		RUN((&t), "me8-bare", corrupt_tweak, "-r -t");
		EXPECT_EQ(0, t.r.exit_code);
		EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, cases[i].msg));
		/* Module walk skipped (end_addr -1): no minimum size, no truncation, -r silently not done. */
		EXPECT_GE(0, t.r.report.min_size);
		EXPECT_EQ(t.l.size, t.r.image.len);
		EXPECT_EQ(t.l.ftpr_off, le32(t.me + 0x38));
		EXPECT_EQ(IMG_SIG_VALID, t.r.report.sig);
		done(&t);
	}
}

/*
 * The descriptor sanity check, mectld's gate before it writes a chip. A BIOS region
 * spanning the chip over the descriptor, GbE and ME regions ships on real boards
 * (ifdtool and me_cleaner accept it): sane, with a warning, and cleaned exactly as
 * with the BIOS region in its usual place.
 */
static void bios_after_me(struct mk_opts *o)
{
	o->bios_spans = false;
}

TEST(descriptor_bios_spanning_chip_is_a_warning)
{
	struct run t, u;
	char *json = NULL;

	expect_fail = false;
	RUN((&t), "me8-biosall", NULL, "-S");
	ASSERT_EQ(0, t.r.exit_code);
	EXPECT_EQ(0x07ff0000, le32(t.l.img + 0x44));		/* BIOS 0-8 MiB */
	EXPECT_EQ(0x00020001, le32(t.l.img + 0x4C));		/* GbE 0x1000-0x3000 */
	EXPECT_TRUE(t.r.report.ifd_sane) TH_LOG("%s", t.r.report.ifd_problem);
	EXPECT_STREQ("the BIOS region (0x0-0x800000) also covers the descriptor, ME and GbE "
		     "regions (a vendor layout, not corruption)", t.r.report.ifd_warning);
	ASSERT_EQ(0, img_report_json(&t.r.report, &json));
	EXPECT_NE(NULL, strstr(json, "\"warning\":\"the BIOS region (0x0-0x800000) also covers"));
	free(json);
	EXPECT_TRUE(t.r.report.strap.set_after);

	RUN((&u), "me8-biosall", bios_after_me, "-S");
	ASSERT_EQ(0, u.r.exit_code);
	EXPECT_TRUE(u.r.report.ifd_sane);
	EXPECT_STREQ("", u.r.report.ifd_warning);
	ASSERT_EQ(t.r.image.len, u.r.image.len);
	/* the same bytes but FLREG1 */
	EXPECT_EQ(0, memcmp(t.r.image.data, u.r.image.data, 0x44));
	EXPECT_EQ(0, memcmp(t.r.image.data + 0x48, u.r.image.data + 0x48, t.r.image.len - 0x48));
	EXPECT_NE(0, memcmp(t.l.img + t.l.me_start, t.me, 0x1000));	/* it did clean */
	done(&u);
	done(&t);
}

TEST(descriptor_corruption_is_a_problem)
{
	static const struct { const char *preset, *corrupt, *problem; } cases[] = {
		{ "me8-full", "me-over-fd", "the ME region (0x0-0x81000) overlaps the descriptor" },
		{ "me8-biosall", "me-over-fd", "the ME region (0x0-0x83000) overlaps the descriptor" },
		{ "me8-full", "region-past-chip",
		  "the BIOS region (0x81000-0x1000000) ends past the file (0x100000 bytes)" },
		{ "me8-biosall", "gbe-over-me",
		  "the ME region (0x3000-0x83000) and the GbE region (0x1000-0x5000) overlap" },
		{ "me8-biosall", "bios-short",
		  "the BIOS region (0x0-0x40000) and the ME region (0x3000-0x83000) overlap" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run t;

		corruption = cases[i].corrupt;
		expect_fail = true;
		RUN((&t), cases[i].preset, corrupt_tweak, "-c");
		EXPECT_FALSE(t.r.report.ifd_sane) TH_LOG("%s --corrupt %s", cases[i].preset, corruption);
		EXPECT_STREQ(cases[i].problem, t.r.report.ifd_problem);
		EXPECT_STREQ("", t.r.report.ifd_warning);
		done(&t);
	}
}

TEST(generator_tables)
{
	/* Every listed preset and malformation resolves, names are unique. */
	for (const char *const *n = mk_preset_names; *n; n++) {
		struct mk_opts o;

		EXPECT_EQ(0, mk_preset(&o, *n)) TH_LOG("%s", *n);
		EXPECT_NE(NULL, mk_preset_help(*n));
		for (const char *const *m = n + 1; *m; m++) {
			EXPECT_NE(0, strcmp(*n, *m));
		}
	}
	for (const char *const *n = mk_corruptions; *n; n++) {
		EXPECT_NE(NULL, mk_corruption_help(*n)) TH_LOG("%s", *n);
	}
	EXPECT_EQ(NULL, mk_preset_help("no-such-preset"));
}

TEST(every_preset_checks_without_crash)
{
	/* -c on every preset: an exit code of 0 or 1 and at least one log line. */
	for (const char *const *n = mk_preset_names; *n; n++) {
		struct run t;

		expect_fail = true;
		RUN((&t), *n, NULL, "-c");
		EXPECT_TRUE(t.r.exit_code == 0 || t.r.exit_code == 1) TH_LOG("%s", *n);
		EXPECT_NE(0, t.r.log.n) TH_LOG("%s", *n);
		/* mkimage's descriptors pass the engine's sanity checks. */
		EXPECT_TRUE(!t.l.full || t.r.report.ifd_sane) TH_LOG("%s: %s", *n, t.r.report.ifd_problem);
		done(&t);
	}
}

TEST_HARNESS_MAIN
