// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Beyond me_cleaner: CSME 12-16 / TXE 3-4 (cse.c), Boot Guard (bootguard.c) and the
 * JSON report (json.c), each on mkimage images whose ground truth is known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "image.h"
#include "cse.h"
#include "bootguard.h"
#include "../../fixtures/mkimage.h"
#include "helpers.h"

struct run {
	struct mk_layout l;
	struct img_options o;
	struct img_result r;
};

static int run_v(struct run *t, const char *preset, void (*tweak)(struct mk_opts *, struct mk_layout *),
		 const char *args)
{
	char buf[256], *argv[16], *save = NULL, *tok;
	struct mk_opts mo;
	const char *err;
	int argc = 0;

	memset(t, 0, sizeof(*t));
	if (mk_preset(&mo, preset) || mk_build(&mo, &t->l, &err))
		return -1;
	if (tweak)
		tweak(&mo, &t->l);
	snprintf(buf, sizeof(buf), "%s", args);
	argv[argc++] = "clean";
	for (tok = strtok_r(buf, " ", &save); tok && argc < 15; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (img_parse_args(&t->o, argc, argv, "mectl clean", IMG_ARGS_NO_FILE, &t->r))
		return -1;
	return img_run(t->l.img, t->l.size, &t->o, &t->r);
}

static void done(struct run *t)
{
	img_result_free(&t->r);
	mk_free(&t->l);
}

static void md5hex(const uint8_t md5[16], char out[33])
{
	for (int i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", md5[i]);
}

/* Bytes that differ between input and output, outside [skip, skip + 4). */
static size_t changed_outside(const struct run *t, uint32_t skip)
{
	size_t n = 0;

	for (size_t i = 0; i < t->l.size && i < t->r.image.len; i++)
		if ((i < skip || i >= skip + 4) && t->r.image.data[i] != t->l.img[i])
			n++;
	return n;
}

/* ------------------------------------------------------------------------------ */
/* CSME 12+ / TXE 3-4 */

static void check_cse_report(struct __test_metadata *_metadata, const struct run *t,
			     const char *family, unsigned rsa, unsigned cpd)
{
	const struct img_cse_info *ci = &t->r.report.cse;
	char md5[33];

	ASSERT_TRUE(ci->detected);
	EXPECT_STREQ(family, ci->family);
	EXPECT_EQ(0, memcmp(ci->version, t->r.report.version, sizeof(ci->version)));
	EXPECT_EQ(rsa, ci->rsa_bits);
	EXPECT_EQ(rsa == 3072 ? 384 : 256, ci->hash_bits);
	EXPECT_EQ(cpd, ci->cpd_header_version);
	EXPECT_EQ(IMG_SIG_VALID, ci->sig);
	EXPECT_FALSE(ci->key_known);
	md5hex(t->l.key_md5, md5);
	EXPECT_STREQ(md5, t->r.report.key_md5);
	EXPECT_EQ(t->l.man_off, t->r.report.manifest_offset);
	EXPECT_EQ(rsa == 3072 ? 96 : 64, strlen(ci->key_hash));
}

TEST(csme12_layout_table_check)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "me12-lt", NULL, "-c"));
	EXPECT_EQ(0, t.r.exit_code);
	check_cse_report(_metadata, &t, "CSME", 2048, 1);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Found CSE layout table 1.7"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "via BPDT"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "ME/TXE firmware version 12.0.35.1427 (CSME 12)"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Checking the FTPR RSA signature... VALID"));
	/* CNP: LP and H PCHs use different straps; nothing says which this is. */
	EXPECT_FALSE(t.r.report.cse.hap_known);
	EXPECT_NE(NULL, t.r.report.cse.note);
	done(&t);
}

TEST(csme12_hap_refused_when_unknown)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "me12-lt", NULL, "-s"));
	EXPECT_EQ(1, t.r.exit_code);
	EXPECT_FALSE(t.r.write_image);
	EXPECT_TRUE(log_has(&t.r, IMG_STDERR, "the HAP bit was not set and nothing was changed"));
	EXPECT_EQ(0, changed_outside(&t, 0));
	done(&t);
}

TEST(csme12_14_hap_with_pch_sku)
{
	static const struct { const char *preset, *args; unsigned strap; } cases[] = {
		{ "me12-lt", "-s --pch h", 32 },
		{ "me12-lt", "-s --pch lp", 28 },
		{ "me14-fpt", "-s --pch lp", 28 },	/* through me_cleaner's gen-3 path */
		{ "me14-fpt", "-s --pch h", 32 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run t;
		uint32_t off;

		ASSERT_EQ(0, run_v(&t, cases[i].preset, NULL, cases[i].args));
		ASSERT_EQ(0, t.r.exit_code) TH_LOG("%s %s", cases[i].preset, cases[i].args);
		off = mk_strap_off(&t.l, cases[i].strap);
		EXPECT_EQ(off, t.r.report.cse.hap_offset);
		EXPECT_EQ(0x10000, le32(t.r.image.data + off) & 0x10000);
		EXPECT_EQ(0, changed_outside(&t, off));
		EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "is not confirmed"));
		done(&t);
	}
}

TEST(csme15_cpd_v2_hap)
{
	struct run t;
	uint32_t off;

	ASSERT_EQ(0, run_v(&t, "me15-lt", NULL, "-s"));
	ASSERT_EQ(0, t.r.exit_code);
	check_cse_report(_metadata, &t, "CSME", 2048, 2);
	ASSERT_TRUE(t.r.report.cse.hap_known);
	off = mk_strap_off(&t.l, 31);
	EXPECT_EQ(off, t.r.report.cse.hap_offset);
	EXPECT_EQ(0x10000, le32(t.r.image.data + off) & 0x10000);
	EXPECT_EQ(0, le32(t.l.img + off) & 0x10000);
	EXPECT_EQ(0, changed_outside(&t, off));
	EXPECT_TRUE(t.r.write_image);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Setting the HAP bit in PCHSTRP31 to disable Intel ME..."));
	EXPECT_TRUE(t.r.report.strap.set_after);
	done(&t);
}

TEST(csme15_clean_refused_unless_forced)
{
	struct run t;
	const struct mk_layout *l;

	ASSERT_EQ(0, run_v(&t, "me15-lt", NULL, "-S"));
	EXPECT_EQ(1, t.r.exit_code);
	EXPECT_FALSE(t.r.write_image);
	EXPECT_TRUE(log_has(&t.r, IMG_STDERR, "is refused"));
	done(&t);

	ASSERT_EQ(0, run_v(&t, "me15-lt", NULL, "-r"));
	EXPECT_EQ(1, t.r.exit_code);
	done(&t);

	ASSERT_EQ(0, run_v(&t, "me15-lt", NULL, "-S --force"));
	ASSERT_EQ(0, t.r.exit_code);
	l = &t.l;
	for (unsigned i = 0; i < l->nmodules; i++) {
		const struct mk_module *m = &l->modules[i];
		const uint8_t *out = t.r.image.data + l->me_start;

		if (m->manifest_or_meta || m->essential) {
			EXPECT_EQ(0, memcmp(out + m->start, l->img + l->me_start + m->start,
					    m->end - m->start)) TH_LOG("%s", m->name);
		} else {
			EXPECT_TRUE(all_ff(out + m->start, m->end - m->start)) TH_LOG("%s", m->name);
		}
	}
	EXPECT_EQ(0x10000, le32(t.r.image.data + mk_strap_off(l, 31)) & 0x10000);
	EXPECT_EQ(IMG_SIG_VALID, t.r.report.sig);
	done(&t);
}

TEST(csme16_rsa3072_sha384)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "me16-lt", NULL, "-s"));
	ASSERT_EQ(0, t.r.exit_code);
	check_cse_report(_metadata, &t, "CSME", 3072, 2);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Manifest signature: RSA-3072 / SHA-384"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "WARNING the HAP location for CSME 16 is not confirmed"));
	EXPECT_EQ(0x10000, le32(t.r.image.data + mk_strap_off(&t.l, 31)) & 0x10000);
	done(&t);
}

static void break_sig(struct mk_opts *o, struct mk_layout *l)
{
	(void)o;
	l->img[l->me_start + l->man_off + 0x80 + 0x180 + 4 + 9] ^= 1;	/* 3072-bit signature */
}

TEST(csme16_bad_signature)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "me16-lt", break_sig, "-c"));
	EXPECT_EQ(1, t.r.exit_code);
	EXPECT_EQ(IMG_SIG_INVALID, t.r.report.cse.sig);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "INVALID!!"));
	EXPECT_TRUE(log_has(&t.r, IMG_STDERR, "The FTPR partition signature is not valid"));
	done(&t);
}

TEST(csme16_bare_region_is_not_unknown)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "me16-bare", NULL, "-c"));
	EXPECT_EQ(0, t.r.exit_code);
	EXPECT_FALSE(log_has(&t.r, IMG_STDERR, "Unknown image"));
	EXPECT_EQ(IMG_KIND_ME_REGION, t.r.report.kind);
	check_cse_report(_metadata, &t, "CSME", 3072, 2);
	done(&t);
}

TEST(csme14_through_the_gen3_path)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "me14-fpt", NULL, "-c"));
	EXPECT_EQ(0, t.r.exit_code);
	check_cse_report(_metadata, &t, "CSME", 2048, 1);
	done(&t);
	ASSERT_EQ(0, run_v(&t, "me14-fpt", NULL, ""));
	EXPECT_EQ(1, t.r.exit_code);
	EXPECT_FALSE(t.r.write_image);
	done(&t);
}

TEST(txe3_ifwi_without_fpt)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "txe3-ifwi", NULL, "-c"));
	EXPECT_EQ(0, t.r.exit_code);
	check_cse_report(_metadata, &t, "CSTXE", 2048, 1);
	EXPECT_FALSE(t.r.report.fpt_found);
	done(&t);
	ASSERT_EQ(0, run_v(&t, "txe4-full", NULL, "-s"));
	EXPECT_EQ(1, t.r.exit_code);	/* no known HAP strap for Gemini Lake */
	done(&t);
}

TEST(cpd_v2_in_an_me11_layout)
{
	struct run t;

	/* me_cleaner reads v2 entries from +0x10 and crashes (issue #369); cse.c takes over. */
	ASSERT_EQ(0, run_v(&t, "me11-cpd2", NULL, "-c"));
	EXPECT_EQ(0, t.r.exit_code);
	check_cse_report(_metadata, &t, "CSME", 2048, 2);
	EXPECT_FALSE(log_has(&t.r, IMG_STDERR, "not ASCII"));
	done(&t);
}

TEST(cse_scan_structures)
{
	struct mk_layout l;
	struct mk_opts o;
	struct cse_scan s;
	const char *err;
	uint8_t *rg;
	size_t len;

	ASSERT_EQ(0, mk_preset(&o, "me15-lt"));
	ASSERT_EQ(0, mk_build(&o, &l, &err));
	rg = l.img + l.me_start;
	len = l.me_end - l.me_start;
	ASSERT_EQ(0, cse_scan(rg, len, &s));
	EXPECT_EQ(0, s.layout);
	EXPECT_EQ(17, s.layout_version);
	EXPECT_EQ(0x1000, s.fpt);
	EXPECT_EQ(l.bpdt_off, s.bpdt);
	EXPECT_EQ(l.cpd_off, s.cpd);
	EXPECT_EQ(2, s.dir.header_version);
	EXPECT_EQ(0x14, s.dir.header_length);
	EXPECT_TRUE(s.dir.checksum_ok);
	EXPECT_EQ(l.man_off, s.man_off);
	EXPECT_EQ(l.man_len, s.man.mlen);
	/* A flipped directory byte breaks the CRC but not the parse. */
	rg[l.cpd_off + 0x14 + 0x18 + 2] ^= 0x20;
	ASSERT_EQ(0, cse_cpd_parse(rg + l.cpd_off, len - l.cpd_off, &s.dir));
	EXPECT_FALSE(s.dir.checksum_ok);
	/* Every entry of the BPDT pointing past the region: no FTPR found. */
	for (unsigned i = 0; i < 3; i++)
		memset(rg + l.bpdt_off + 0x18 + 12 * i + 4, 0xF0, 4);
	memcpy(rg + l.cpd_off + 0x0C, "XXXX", 4);
	EXPECT_EQ(-ENOENT, cse_scan(rg, len, &s));
	mk_free(&l);
}

TEST(cse_crc32_and_tables)
{
	const struct cse_hap *h;
	unsigned n = 0;

	EXPECT_EQ(0xCBF43926u, cse_crc32((const uint8_t *)"123456789", 9));
	for (h = cse_hap_table; h->major; h++, n++) {
		EXPECT_TRUE(h->strap == -1 || (h->strap >= 0 && h->strap < 0x60));
		EXPECT_LT(h->bit, 32);
		EXPECT_NE(NULL, h->pch);
		EXPECT_NE(NULL, h->note);
		EXPECT_EQ(h, cse_hap_lookup(h->major, h->txe));	/* no duplicates */
	}
	EXPECT_GT(n, 5);
	EXPECT_EQ(NULL, cse_hap_lookup(99, false));
	/* Cannon Point: LP and H differ; without the SKU there is no answer. */
	h = cse_hap_lookup(12, false);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(-1, cse_hap_strap(h, NULL));
	EXPECT_EQ(28, cse_hap_strap(h, "lp"));
	EXPECT_EQ(32, cse_hap_strap(h, "h"));
	EXPECT_EQ(31, cse_hap_strap(cse_hap_lookup(15, false), "lp"));
	EXPECT_NE(NULL, cse_key_lookup("5887caf9b677601ffb257cc98a13d2a9"));
	EXPECT_NE(NULL, cse_key_lookup("986a78e481f185f7d54e4af06eb413f6"));	/* ME 11, upstream */
	EXPECT_EQ(NULL, cse_key_lookup("00000000000000000000000000000000"));
}

/* ------------------------------------------------------------------------------ */
/* Boot Guard */

TEST(bootguard_fit_detected)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "me8-bootguard", NULL, "-c"));
	EXPECT_EQ(0, t.r.exit_code);
	EXPECT_TRUE(t.r.report.bootguard.fit_present);
	EXPECT_EQ(t.l.fit_off, t.r.report.bootguard.fit_offset);
	EXPECT_TRUE(t.r.report.bootguard.key_manifest);
	EXPECT_TRUE(t.r.report.bootguard.boot_policy_manifest);
	EXPECT_TRUE(t.r.report.bootguard.likely_enabled);
	EXPECT_TRUE(log_has(&t.r, IMG_STDOUT, "Boot Guard: FIT Key Manifest and Boot Policy Manifest present"));
	EXPECT_FALSE(log_has(&t.r, IMG_STDERR, "WARNING"));
	done(&t);
}

TEST(bootguard_warns_before_changes)
{
	struct run t;
	size_t i, warn = SIZE_MAX, first_change = SIZE_MAX;

	ASSERT_EQ(0, run_v(&t, "me8-bootguard", NULL, "-S"));
	EXPECT_EQ(0, t.r.exit_code);
	for (i = 0; i < t.r.log.n; i++) {
		if (warn == SIZE_MAX && t.r.log.v[i].stream == IMG_STDERR &&
		    strstr(t.r.log.v[i].text, "Intel Boot Guard"))
			warn = i;
		if (first_change == SIZE_MAX && strstr(t.r.log.v[i].text, "Reading partitions list"))
			first_change = i;
	}
	ASSERT_NE(SIZE_MAX, warn);
	ASSERT_NE(SIZE_MAX, first_change);
	EXPECT_LT(warn, first_change);
	done(&t);
}

static void kill_km(struct mk_opts *o, struct mk_layout *l)
{
	(void)o;
	/* The FIT's KM entry (third after the header) points at "__KEYM__": break it. */
	uint64_t a = le32(l->img + l->fit_off + 0x30);

	l->img[a - (0x100000000ull - l->size)] = 'X';
}

TEST(bootguard_needs_both_manifests)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "me8-bootguard", kill_km, "-c"));
	EXPECT_TRUE(t.r.report.bootguard.fit_present);
	EXPECT_FALSE(t.r.report.bootguard.key_manifest);
	EXPECT_TRUE(t.r.report.bootguard.boot_policy_manifest);
	EXPECT_FALSE(t.r.report.bootguard.likely_enabled);
	done(&t);

	ASSERT_EQ(0, run_v(&t, "me8-full", NULL, "-c"));
	EXPECT_FALSE(t.r.report.bootguard.fit_present);
	EXPECT_FALSE(t.r.report.bootguard.likely_enabled);
	done(&t);
}

TEST(bootguard_me_side_evidence)
{
	struct run t;

	ASSERT_EQ(0, run_v(&t, "me16-bootguard", NULL, "-c"));
	EXPECT_TRUE(t.r.report.bootguard.fpf_evidence);
	EXPECT_TRUE(t.r.report.bootguard.likely_enabled);
	done(&t);
}

TEST(bootguard_fit_bounds)
{
	uint8_t img[0x1000];
	struct img_bootguard_info bg;

	memset(img, 0xFF, sizeof(img));
	memset(&bg, 0, sizeof(bg));
	EXPECT_EQ(-ENOENT, bg_fit_parse(img, sizeof(img), &bg));
	/* A FIT at 0x800 claiming 0xFFFFFF entries: rejected, nothing read past the end. */
	memcpy(img + 0x800, "_FIT_   ", 8);
	img[0x808] = img[0x809] = img[0x80A] = 0xFF;
	img[sizeof(img) - 0x40] = 0x00;
	img[sizeof(img) - 0x3F] = 0xF8;
	img[sizeof(img) - 0x3E] = 0xFF;
	img[sizeof(img) - 0x3D] = 0xFF;		/* 0xFFFFF800 = 4 GiB - 0x800 */
	EXPECT_EQ(-EINVAL, bg_fit_parse(img, sizeof(img), &bg));
	EXPECT_EQ(-ENOENT, bg_fit_parse(img, 0x20, &bg));
}

/* ------------------------------------------------------------------------------ */
/* JSON */

/* Validate JSON documents with python3, one document per line, in one process. */
static bool json_valid_lines(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys\n"
		 "for l in open(sys.argv[1]): json.loads(l)' %s 2>/dev/null", path);
	return system(cmd) == 0;
}

static bool json_valid(const char *doc)
{
	char path[] = "/tmp/mectl-json-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	bool ok;

	if (!f)
		return false;
	fputs(doc, f);
	fclose(f);
	ok = json_valid_lines(path);
	unlink(path);
	return ok;
}

TEST(json_every_preset_is_valid)
{
	char path[] = "/tmp/mectl-json-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	ASSERT_NE(NULL, f);
	for (const char *const *n = mk_preset_names; *n; n++) {
		struct run t;
		char *j = NULL;

		ASSERT_EQ(0, run_v(&t, *n, NULL, "-c"));
		ASSERT_EQ(0, img_report_json(&t.r.report, &j));
		/* One line per document: the serialiser never emits a raw newline inside. */
		EXPECT_EQ(strlen(j) - 1, strcspn(j, "\n")) TH_LOG("%s", *n);
		EXPECT_NE(NULL, strstr(j, "\"boot_guard\":{"));
		fputs(j, f);
		free(j);
		done(&t);
	}
	fclose(f);
	EXPECT_TRUE(json_valid_lines(path));
	unlink(path);
}

TEST(json_fields_and_escaping)
{
	struct img_report *r = calloc(1, sizeof(*r));
	char *j = NULL;

	ASSERT_NE(NULL, r);
	r->kind = IMG_KIND_FULL;
	r->gen = 2;
	r->version[0] = 8; r->version[1] = 1; r->version[2] = 30; r->version[3] = 1350;
	strcpy(r->ifd_problem, "a \"quoted\" \\ back\nline\t\x01\xff");
	r->n_partitions = 1;
	strcpy(r->partitions[0].name, "FTPR");
	r->partitions[0].offset = 0x20000;
	r->partitions[0].fate = IMG_PART_KEPT;
	r->n_modules = 1;
	strcpy(r->modules[0].name, "BUP");
	r->modules[0].comp = IMG_COMP_HUFFMAN;
	r->modules[0].huffman_bytes = 6144;
	r->modules[0].fate = IMG_MOD_KEPT;
	r->strap.present = true;
	r->strap.name = "AltMeDisable";
	r->strap.set_after = true;
	r->sig = IMG_SIG_VALID;
	r->bootguard.note = "x";
	ASSERT_EQ(0, img_report_json(r, &j));
	EXPECT_TRUE(json_valid(j)) TH_LOG("%s", j);
	EXPECT_NE(NULL, strstr(j, "\"problem\":\"a \\\"quoted\\\" \\\\ back\\nline\\t\\u0001\\u00ff\""));
	EXPECT_NE(NULL, strstr(j, "\"version\":\"8.1.30.1350\""));
	EXPECT_NE(NULL, strstr(j, "{\"name\":\"FTPR\",\"offset\":131072,"));
	EXPECT_NE(NULL, strstr(j, "\"compression\":\"huffman\""));
	EXPECT_NE(NULL, strstr(j, "\"huffman_bytes\":6144"));
	EXPECT_NE(NULL, strstr(j, "\"set_after\":true"));
	EXPECT_NE(NULL, strstr(j, "\"signature\":\"valid\""));
	EXPECT_NE(NULL, strstr(j, "\"cse\":{\"detected\":false}"));
	free(j);
	free(r);
}

TEST_HARNESS_MAIN
