// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image engine as a library: the known-key table, me_cleaner's command line,
 * and crafted or damaged inputs, each of which must end with exactly one error
 * line on stderr, exit status 1 and nothing to write.
 */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "image.h"
#include "kselftest_harness.h"

/* ---------------------------------------------------------------------------------
 * Helpers
 */
static uint8_t *load_testdata(const char *image, size_t *len)
{
	const char *shared = getenv("SHARED");
	char cmd[4096];
	uint8_t *buf = NULL;
	size_t n = 0;
	FILE *f;
	int r;

	if (!shared)
		return NULL;
	snprintf(cmd, sizeof(cmd), "xz -dc '%s/testdata/images/%s.bin.xz' 2>/dev/null", shared, image);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	r = read_fd_all(fileno(f), SIZE_MAX, &buf, &n);
	if (pclose(f) != 0 || r < 0 || !n) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int run_args(struct img_result *res, const uint8_t *buf, size_t len, const char *args)
{
	char copy[512], *argv[32], *save = NULL, *t;
	struct img_options o;
	int argc = 0, r;

	snprintf(copy, sizeof(copy), "t %s f", args);
	for (t = strtok_r(copy, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	memset(res, 0, sizeof(*res));
	r = img_parse_args(&o, argc, argv, "t", 0, res);
	if (r)
		return r;
	img_result_free(res);
	return img_run(buf, len, &o, res);
}

static int count_stream(const struct img_result *res, enum img_stream s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < res->log.n; i++)
		if (res->log.v[i].stream == s)
			n++;
	return n;
}

static const char *first_err(const struct img_result *res)
{
	size_t i;

	for (i = 0; i < res->log.n; i++)
		if (res->log.v[i].stream == IMG_STDERR)
			return res->log.v[i].text;
	return "";
}

static bool log_has(const struct img_result *res, const char *text)
{
	size_t i;

	for (i = 0; i < res->log.n; i++)
		if (strstr(res->log.v[i].text, text))
			return true;
	return false;
}

/* exit 1, exactly one error line, nothing to write */
#define ASSERT_ONE_ERROR(res, text) do {					\
	ASSERT_EQ(1, (res)->exit_code);					\
	ASSERT_EQ(1, count_stream((res), IMG_STDERR)) TH_LOG("%s", first_err(res)); \
	ASSERT_NE(NULL, strstr(first_err(res), (text))) TH_LOG("%s", first_err(res)); \
	ASSERT_EQ(strlen(first_err(res)) - 1,				\
		  (size_t)(strchr(first_err(res), '\n') - first_err(res)));	\
	ASSERT_FALSE((res)->write_image);				\
	ASSERT_FALSE((res)->write_descriptor);				\
	ASSERT_FALSE((res)->write_me);					\
} while (0)

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* ---------------------------------------------------------------------------------
 * The known-key table: no holes, no duplicates, a terminator (flashrom selfcheck style)
 */
TEST(key_table)
{
	static const char *const variants[] = { "ME", "TXE", "SPS" };
	const struct img_key *k, *j;
	size_t n = 0, i;

	for (k = img_known_keys; k->md5; k++, n++) {
		bool ok = false;

		ASSERT_EQ(32, (int)strlen(k->md5));
		for (i = 0; i < 32; i++)
			ASSERT_NE(NULL, strchr("0123456789abcdef", k->md5[i])) TH_LOG("%s", k->md5);
		ASSERT_NE(NULL, k->variant);
		for (i = 0; i < 3; i++)
			ok |= !strcmp(k->variant, variants[i]);
		ASSERT_TRUE(ok) TH_LOG("%s: variant %s", k->md5, k->variant);
		ASSERT_NE(NULL, k->versions);
		ASSERT_NE(0, (int)strlen(k->versions));
		ASSERT_EQ(k, img_key_lookup(k->md5));
		for (j = img_known_keys; j < k; j++)
			ASSERT_NE(0, strcmp(j->md5, k->md5));
	}
	ASSERT_EQ(18, (int)n);	/* me_cleaner 1.2's pubkeys_md5 */
	ASSERT_EQ(NULL, img_key_lookup("00000000000000000000000000000000"));
}

/* ---------------------------------------------------------------------------------
 * Command line (texts checked against Python 3.11's argparse with me_cleaner's parser)
 */
static int parse(struct img_options *o, struct img_result *res, unsigned flags, const char *args)
{
	static char copy[512];
	static char *argv[32];
	char *save = NULL, *t;
	int argc = 0;

	snprintf(copy, sizeof(copy), "t %s", args);
	for (t = strtok_r(copy, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	memset(res, 0, sizeof(*res));
	return img_parse_args(o, argc, argv, "me_cleaner.py", flags, res);
}

static char *joined(const struct img_result *res, enum img_stream s)
{
	static char buf[8192];
	size_t i;

	buf[0] = 0;
	for (i = 0; i < res->log.n; i++)
		if (res->log.v[i].stream == s)
			strncat(buf, res->log.v[i].text, sizeof(buf) - strlen(buf) - 1);
	return buf;
}

#define USAGE \
	"usage: me_cleaner.py [-h] [-v] [-O output_file] [-S | -s] [-r] [-t] [-k]\n" \
	"                     [-w whitelist | -b blacklist] [-d] [-D output_descriptor]\n" \
	"                     [-M output_me_image] [-c]\n" \
	"                     file\n"

TEST(args_flags)
{
	struct img_options o;
	struct img_result res;

	ASSERT_EQ(0, parse(&o, &res, 0, "-St -Oout.bin --keep --whitelist=MFS,EFFS -D d.bin in.bin"));
	ASSERT_STREQ("in.bin", o.file);
	ASSERT_STREQ("out.bin", o.output);
	ASSERT_TRUE(o.soft_disable && o.truncate && o.keep_modules);
	ASSERT_FALSE(o.soft_disable_only || o.check || o.descriptor || o.relocate);
	ASSERT_STREQ("MFS,EFFS", o.whitelist);
	ASSERT_STREQ("d.bin", o.extract_descriptor);
	img_result_free(&res);

	ASSERT_EQ(0, parse(&o, &res, 0, "in.bin -Srtd --extract-me m.bin"));
	ASSERT_TRUE(o.soft_disable && o.relocate && o.truncate && o.descriptor);
	ASSERT_STREQ("m.bin", o.extract_me);
	img_result_free(&res);

	ASSERT_EQ(0, parse(&o, &res, 0, "-c -- -f"));
	ASSERT_STREQ("-f", o.file);
	ASSERT_TRUE(o.check);
	img_result_free(&res);

	/* mectl's extensions */
	ASSERT_EQ(0, parse(&o, &res, 0, "--json --force --pch=lp f"));
	ASSERT_TRUE(o.json && o.force);
	ASSERT_STREQ("lp", o.pch);
	img_result_free(&res);

	/* mectld passes flags without the file */
	ASSERT_EQ(0, parse(&o, &res, IMG_ARGS_NO_FILE, "-S -b MFS"));
	ASSERT_EQ(NULL, o.file);
	ASSERT_STREQ("MFS", o.blacklist);
	img_result_free(&res);
}

TEST(args_errors)
{
	static const struct {
		const char *args;
		int code;
		const char *err;	/* after the usage block for code 2 */
	} cases[] = {
		{ "", 2, "me_cleaner.py: error: the following arguments are required: file\n" },
		{ "--soft f", 2, "me_cleaner.py: error: ambiguous option: --soft could match "
				 "--soft-disable, --soft-disable-only\n" },
		{ "-S -s f", 2, "me_cleaner.py: error: argument -s/--soft-disable-only: not allowed "
				"with argument -S/--soft-disable\n" },
		{ "-b B -w A f", 2, "me_cleaner.py: error: argument -w/--whitelist: not allowed with "
				    "argument -b/--blacklist\n" },
		{ "f -O", 2, "me_cleaner.py: error: argument -O/--output: expected one argument\n" },
		{ "-O -x f", 2, "me_cleaner.py: error: argument -O/--output: expected one argument\n" },
		{ "-x f g", 2, "me_cleaner.py: error: unrecognized arguments: -x g\n" },
		{ "-Sx f", 2, "me_cleaner.py: error: argument -S/--soft-disable: ignored explicit "
			      "argument 'x'\n" },
		{ "--check=1 f", 2, "me_cleaner.py: error: argument -c/--check: ignored explicit "
				    "argument '1'\n" },
		{ "--pch x f", 2, "me_cleaner.py: error: argument --pch: invalid choice: 'x' "
				  "(choose from 'lp', 'h')\n" },
		{ "-c -O o f", 1, "-c can't be used with -S, -s, -r, -d, -t or -O\n" },
		{ "-s -t f", 1, "-s can't be used with -r or -t\n" },
		{ "-w MFS -r f", 1, "Relocation is not yet supported with custom whitelist or "
				    "blacklist\n" },
	};
	struct img_options o;
	struct img_result res;
	size_t i;
	char want[1024];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(1, parse(&o, &res, 0, cases[i].args)) TH_LOG("%s", cases[i].args);
		ASSERT_TRUE(res.done);
		ASSERT_EQ(cases[i].code, res.exit_code) TH_LOG("%s", cases[i].args);
		snprintf(want, sizeof(want), "%s%s", cases[i].code == 2 ? USAGE : "", cases[i].err);
		ASSERT_STREQ(want, joined(&res, IMG_STDERR));
		ASSERT_STREQ("", joined(&res, IMG_STDOUT));
		img_result_free(&res);
	}
	/* the empty whitelist counts as not given (as by me_cleaner) */
	ASSERT_EQ(0, parse(&o, &res, 0, "-r --whitelist= f"));
	img_result_free(&res);
}

TEST(args_help_version)
{
	struct img_options o;
	struct img_result res;

	ASSERT_EQ(1, parse(&o, &res, 0, "-v f"));
	ASSERT_EQ(0, res.exit_code);
	ASSERT_STREQ("me_cleaner.py 1.2\n", joined(&res, IMG_STDOUT));
	img_result_free(&res);

	ASSERT_EQ(1, parse(&o, &res, 0, "-h"));
	ASSERT_EQ(0, res.exit_code);
	ASSERT_EQ(0, strncmp(USAGE "\nTool to remove as much code as possible from Intel ME/TXE "
			     "firmware images\n", joined(&res, IMG_STDOUT), strlen(USAGE) + 60));
	ASSERT_NE(NULL, strstr(joined(&res, IMG_STDOUT),
			       "  -c, --check           verify the integrity of the fundamental "
			       "parts of the\n                        firmware and exit\n"));
	img_result_free(&res);
}

/* ---------------------------------------------------------------------------------
 * Crafted and damaged inputs
 */
TEST(empty_and_garbage)
{
	struct img_result res;
	uint8_t junk[4096] = { 0 };
	uint32_t x = 12345;
	size_t i;

	ASSERT_EQ(0, run_args(&res, junk, 0, "-c"));
	ASSERT_ONE_ERROR(&res, "Unknown image");
	img_result_free(&res);

	for (i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245 + 12345;
		junk[i] = x >> 16;
	}
	ASSERT_EQ(0, run_args(&res, junk, sizeof(junk), "-O o"));
	ASSERT_ONE_ERROR(&res, "Unknown image");
	img_result_free(&res);

	/* an IFD signature and nothing sensible behind it */
	put32(junk + 0x10, 0x0FF0A55A);
	put32(junk + 0x14, 0x00FF0000);		/* FRBA = 0xff0 */
	ASSERT_EQ(0, run_args(&res, junk, 0x100, "-c"));
	ASSERT_ONE_ERROR(&res, "past the end of the file");
	img_result_free(&res);
}

TEST(fpt_zero_entries)
{
	struct img_result res;
	uint8_t img[0x1000];

	memset(img, 0xFF, sizeof(img));
	memcpy(img + 0x10, "$FPT", 4);
	put32(img + 0x14, 0);
	ASSERT_EQ(0, run_args(&res, img, sizeof(img), ""));
	ASSERT_ONE_ERROR(&res, "FTPR header not found, this image doesn't seem to be valid");
	ASSERT_TRUE(log_has(&res, "Found 0 partition(s)"));
	img_result_free(&res);

	/* a count that runs past the region: me_cleaner raises OutOfRegionException */
	put32(img + 0x14, 0x10000000);
	ASSERT_EQ(0, run_args(&res, img, sizeof(img), "-c"));
	ASSERT_ONE_ERROR(&res, "outside the ME region");
	img_result_free(&res);
}

FIXTURE(real) {
	uint8_t *link;		/* ME 8 region */
	size_t link_len;
	uint8_t *lumpy;		/* 8 MiB full image, ME 7 */
	size_t lumpy_len;
};

FIXTURE_SETUP(real)
{
	self->link = load_testdata("cb_google_link_me", &self->link_len);
	self->lumpy = load_testdata("full_cb_lumpy_me7_8M", &self->lumpy_len);
	if (!self->link || !self->lumpy)
		SKIP(return, "SHARED testdata images not available");
}

FIXTURE_TEARDOWN(real)
{
	free(self->link);
	free(self->lumpy);
}

TEST_F(real, check_passes_and_reports)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;

	ASSERT_EQ(0, run_args(&res, self->lumpy, self->lumpy_len, "-c"));
	ASSERT_EQ(0, res.exit_code);
	ASSERT_EQ(0, count_stream(&res, IMG_STDERR));
	ASSERT_FALSE(res.write_image);
	ASSERT_EQ((int)IMG_KIND_FULL, (int)res.report.kind);
	ASSERT_EQ(2, res.report.gen);
	ASSERT_EQ(7, res.report.version[0]);
	ASSERT_EQ(1161, res.report.version[3]);
	ASSERT_TRUE(res.report.key_known);
	ASSERT_STREQ("0903fc25b0f6bed8c4ed724aca02124c", res.report.key_md5);
	ASSERT_EQ((int)IMG_SIG_VALID, (int)res.report.sig);
	ASSERT_EQ(0x1000, (int)res.report.regions[IMG_REGION_ME].start);
	ASSERT_STREQ("AltMeDisable", res.report.strap.name);
	ASSERT_FALSE(res.report.strap.set_before);
	ASSERT_TRUE(res.report.ifd_sane) TH_LOG("%s", res.report.ifd_problem);
	img_result_free(&res);
}

TEST_F(real, clean_reports_what_it_did)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;
	size_t i, kept = 0, removed = 0;

	ASSERT_EQ(0, run_args(&res, self->lumpy, self->lumpy_len, "-S -O o"));
	ASSERT_EQ(0, res.exit_code);
	ASSERT_TRUE(res.write_image);
	ASSERT_EQ(self->lumpy_len, res.image.len);
	ASSERT_TRUE(res.report.strap.set_after);
	ASSERT_EQ(11, (int)res.report.n_partitions);
	ASSERT_EQ(0x4b000, res.report.min_size);
	for (i = 0; i < res.report.n_modules; i++) {
		kept += res.report.modules[i].fate == IMG_MOD_KEPT;
		removed += res.report.modules[i].fate == IMG_MOD_REMOVED;
	}
	ASSERT_EQ(1, (int)kept);		/* BUP */
	ASSERT_EQ(8, (int)removed);
	/* the input buffer is not touched, the strap is set in the output */
	ASSERT_NE(0, memcmp(self->lumpy, res.image.data, self->lumpy_len));
	img_result_free(&res);
}

TEST_F(real, truncated_full_image)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;

	ASSERT_EQ(0, run_args(&res, self->lumpy, 0x2000, "-c"));
	ASSERT_ONE_ERROR(&res, "ends past the end of the file");
	img_result_free(&res);
}

TEST_F(real, region_beyond_file)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;
	uint32_t frba = ((le32(self->lumpy + 0x14) >> 16) & 0xFF) << 4;

	/* ME region limit at 16 MiB in an 8 MiB file */
	put32(self->lumpy + frba + 8, (le32(self->lumpy + frba + 8) & 0x7FFF) | 0x0FFF0000);
	ASSERT_EQ(0, run_args(&res, self->lumpy, self->lumpy_len, "-S"));
	ASSERT_ONE_ERROR(&res, "ends past the end of the file");
	img_result_free(&res);
}

TEST_F(real, region_disabled)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	static const char *const modes[] = { "-c", "", "-s", "-S -d -O o" };
	uint32_t frba = ((le32(self->lumpy + 0x14) >> 16) & 0xFF) << 4;
	struct img_result res;
	size_t i;

	put32(self->lumpy + frba + 8, 0x00001FFF);	/* what ifdtool/-gen-1 write */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, run_args(&res, self->lumpy, self->lumpy_len, modes[i]));
		ASSERT_TRUE(log_has(&res, "The ME region in this image has already been disabled"));
		ASSERT_ONE_ERROR(&res, "the ME region is disabled in the descriptor");
		img_result_free(&res);
	}
}

TEST_F(real, truncated_region)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;

	ASSERT_EQ(0, run_args(&res, self->link, 0x50000, ""));
	ASSERT_ONE_ERROR(&res, "outside the ME region");
	img_result_free(&res);
}

TEST_F(real, no_fpt_in_region)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;

	memset(self->lumpy + 0x1000, 0xFF, 0x100);
	ASSERT_EQ(0, run_args(&res, self->lumpy, self->lumpy_len, "-c"));
	ASSERT_ONE_ERROR(&res, "The ME/TXE region is valid but the firmware is corrupted or missing");
	img_result_free(&res);
}

TEST_F(real, wrong_manifest_tag)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;

	memcpy(self->link + 0x93000 + 0x1C, "$MN3", 4);
	ASSERT_EQ(0, run_args(&res, self->link, self->link_len, "-c"));
	ASSERT_ONE_ERROR(&res, "Wrong FTPR manifest tag (b'$MN3'), this image may be corrupted\n");
	img_result_free(&res);
}

TEST_F(real, llut_missing)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;
	uint8_t *p;

	/* the first Huffman module's data offset points at the LLUT */
	p = memmem(self->link + 0x93000, 0x75000, "LLUT", 4);
	ASSERT_NE(NULL, p);
	memcpy(p, "XXXX", 4);
	ASSERT_EQ(0, run_args(&res, self->link, self->link_len, "-O o"));
	ASSERT_ONE_ERROR(&res, "Huffman modules found, but LLUT is not present\n");
	img_result_free(&res);
}

/* The one deliberate difference from me_cleaner: a failed check writes nothing. */
TEST_F(real, bad_signature_writes_nothing)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;

	self->link[0x93000 + 0x290 + 0x14] ^= 1;	/* a module hash: covered by the signature */
	ASSERT_EQ(0, run_args(&res, self->link, self->link_len, ""));
	ASSERT_EQ(1, res.exit_code);
	ASSERT_TRUE(log_has(&res, "Checking the FTPR RSA signature... "));
	ASSERT_TRUE(log_has(&res, "INVALID!!\n"));
	ASSERT_EQ(2, count_stream(&res, IMG_STDERR));
	ASSERT_STREQ("The FTPR partition signature is not valid. Is the input ME/TXE image valid?\n"
		     IMG_MSG_NOT_WRITTEN "\n", joined(&res, IMG_STDERR));
	ASSERT_FALSE(res.write_image);
	ASSERT_EQ((int)IMG_SIG_INVALID, (int)res.report.sig);
	img_result_free(&res);

	/* -c writes nothing anyway: me_cleaner's line only */
	ASSERT_EQ(0, run_args(&res, self->link, self->link_len, "-c"));
	ASSERT_EQ(1, res.exit_code);
	ASSERT_EQ(1, count_stream(&res, IMG_STDERR));
	img_result_free(&res);
}

/* Cleaning a cleaned image again works (me_cleaner does too); a truncated and
 * relocated one that can't be relocated again ends with one error line. */
TEST_F(real, already_cleaned)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res, res2;

	ASSERT_EQ(0, run_args(&res, self->link, self->link_len, "-r -t"));
	ASSERT_EQ(0, res.exit_code);
	ASSERT_EQ(0x17000, (int)res.image.len);

	ASSERT_EQ(0, run_args(&res2, res.image.data, res.image.len, "-c"));
	ASSERT_EQ(0, res2.exit_code);
	ASSERT_EQ((int)IMG_SIG_VALID, (int)res2.report.sig);
	img_result_free(&res2);

	/* the second module walk wipes the (moved) FPT entry: me_cleaner crashes */
	ASSERT_EQ(0, run_args(&res2, res.image.data, res.image.len, "-r -t"));
	ASSERT_ONE_ERROR(&res2, "Error: ");
	img_result_free(&res2);
	img_result_free(&res);
}

/* A bogus essential module offset must not make -t grow the file to gigabytes. */
TEST(truncate_never_grows_past_kept_data)
{
	struct img_result res;
	size_t len;
	uint8_t *txe = load_testdata("dasharo_minnowmax_txe", &len);

	if (!txe)
		SKIP(return, "SHARED testdata images not available");
	/* FTPR at 0x67000, 0x80-byte TXE module headers, BUP first and uncompressed */
	ASSERT_EQ(0, memcmp(txe + 0x67000 + 0x290 + 4, "BUP", 4));
	put32(txe + 0x67000 + 0x290 + 0x38, 0x80000000);
	ASSERT_EQ(0, run_args(&res, txe, len, "-t"));
	ASSERT_ONE_ERROR(&res, "past the end of the image");
	ASSERT_EQ(len, res.image.len);
	img_result_free(&res);
	free(txe);
}

/*
 * Where the LLUT of the first Huffman-compressed module of the FTPR partition at
 * @ftpr starts (its $MME header's compression field is 1), or 0 for none.
 */
static uint32_t llut_offset(const uint8_t *img, uint32_t ftpr)
{
	for (uint32_t i = 0; i < le32(img + ftpr + 0x20); i++) {
		const uint8_t *h = img + ftpr + 0x290 + i * 0x60;

		if ((le32(h + 0x50) >> 4 & 7) == 1)
			return ftpr + le32(h + 0x38);
	}
	return 0;
}

/*
 * Counts from the image whose byte size wraps a 32-bit size_t (armhf, i386): each is
 * one "outside the region" error on every build. Computed in size_t, 0x08000001 $FPT
 * entries of 0x20 bytes pass as 0x20 bytes and the table copy overflows the heap.
 * The i386 build of these tests (img-engine-i386) is the one that failed before.
 */
TEST_F(real, table_sizes_do_not_wrap_32bit)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	const uint32_t ftpr = 0x93000;
	struct img_result res;
	uint8_t *img = malloc(self->link_len);
	uint32_t llut;

	ASSERT_NE(NULL, img);
	/* $FPT entries: 0x08000001 * 0x20 = 2^32 + 0x20 */
	memcpy(img, self->link, self->link_len);
	put32(img + 0x14, 0x08000001);
	ASSERT_EQ(0, run_args(&res, img, self->link_len, ""));
	ASSERT_ONE_ERROR(&res, "outside the ME region");
	img_result_free(&res);

	/* $MME module headers: 0x02AAAAAB * 0x60 = 2^32 + 0x20 */
	memcpy(img, self->link, self->link_len);
	ASSERT_EQ(0, memcmp(img + ftpr + 0x290, "$MME", 4));
	put32(img + ftpr + 0x20, 0x02AAAAAB);
	ASSERT_EQ(0, run_args(&res, img, self->link_len, ""));
	ASSERT_ONE_ERROR(&res, "outside the ME region");
	img_result_free(&res);

	/* LLUT chunk count: 0x40000001 * 4 = 2^32 + 4 */
	memcpy(img, self->link, self->link_len);
	llut = llut_offset(img, ftpr);
	ASSERT_TRUE(llut != 0);
	ASSERT_EQ(0, memcmp(img + llut, "LLUT", 4));
	put32(img + llut + 4, 0x40000001);
	ASSERT_EQ(0, run_args(&res, img, self->link_len, ""));
	ASSERT_ONE_ERROR(&res, "outside the ME region");
	img_result_free(&res);
	free(img);
}

/*
 * An LLUT whose chunk table fills the ME region (it fits there, not in the FTPR
 * partition it belongs to) is one error line: before, the engine allocated some
 * 60 bytes per listed chunk (268 MB for a 32 MiB region) and walked them all.
 */
TEST_F(real, llut_past_the_partition_is_one_error)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	const uint32_t ftpr = 0x93000;
	struct img_result res;
	uint8_t *img = malloc(self->link_len);
	uint32_t llut;

	ASSERT_NE(NULL, img);
	memcpy(img, self->link, self->link_len);
	llut = llut_offset(img, ftpr);
	ASSERT_TRUE(llut != 0);
	ASSERT_EQ(0, memcmp(img + llut, "LLUT", 4));
	put32(img + llut + 4, (uint32_t)((self->link_len - llut - 0x40) / 4));
	ASSERT_EQ(0, run_args(&res, img, self->link_len, ""));
	ASSERT_ONE_ERROR(&res, "past the end of the FTPR partition");
	img_result_free(&res);
	free(img);
}

/*
 * A bare 8 KiB ME 11 region: $FPT with one FTPR entry at 0x1000 of part_len bytes, a
 * $CPD directory there claiming count entries, FTPR.man first.
 */
static void cpd_region(uint8_t img[0x2000], uint32_t part_len, uint32_t count)
{
	uint8_t *f = img + 0x1000;

	memset(img, 0xFF, 0x2000);
	memset(img, 0, 0x50);
	memcpy(img + 0x10, "$FPT", 4);
	put32(img + 0x14, 1);
	memcpy(img + 0x30, "FTPR", 4);
	put32(img + 0x38, 0x1000);
	put32(img + 0x3C, part_len);
	memset(f, 0, 0x400);
	memcpy(f, "$CPD", 4);
	put32(f + 4, count);
	memcpy(f + 0x0C, "FTPR", 4);
	memcpy(f + 0x10, "FTPR.man", 8);
	put32(f + 0x1C, 0x100);
	memcpy(f + 0x100 + 0x1C, "$MN2", 4);
	f[0x100 + 0x24] = 11;			/* ME 11: generation 3, not CSME */
}

/* A $CPD directory longer than its partition (inside the region): one error line. */
TEST(cpd_past_the_partition_is_one_error)
{
	struct img_result res;
	uint8_t img[0x2000];

	cpd_region(img, 0x800, 0x60);		/* 0x10 + 0x60 * 0x18 = 0x910 > 0x800 */
	ASSERT_EQ(0, run_args(&res, img, sizeof(img), ""));
	ASSERT_EQ(3, res.report.gen);
	ASSERT_ONE_ERROR(&res, "more than the FTPR partition holds");
	img_result_free(&res);
}

/*
 * As table_sizes_do_not_wrap_32bit, for the $CPD entry count of generation 3:
 * 0x0AAAAAAB * 0x18 = 2^32 + 8.
 */
TEST(cpd_count_does_not_wrap_32bit)
{
	struct img_result res;
	uint8_t img[0x2000];

	cpd_region(img, 0x1000, 0x0AAAAAAB);
	ASSERT_EQ(0, run_args(&res, img, sizeof(img), ""));
	ASSERT_EQ(3, res.report.gen);
	ASSERT_ONE_ERROR(&res, "outside the ME region");
	img_result_free(&res);
}

/*
 * The manifest's header length is a dword count: 0x40000000 + n dwords is 4n bytes in
 * 32-bit arithmetic (and the signature check went on over the wrong range); in
 * me_cleaner's integers it runs past the region, an error (OutOfRegionException).
 */
TEST_F(real, manifest_length_does_not_wrap)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	const uint32_t man = 0x93000;
	struct img_result res;

	ASSERT_EQ(0, memcmp(self->link + man + 0x1C, "$MN2", 4));
	put32(self->link + man + 4, le32(self->link + man + 4) + 0x40000000);
	ASSERT_EQ(0, run_args(&res, self->link, self->link_len, "-c"));
	ASSERT_ONE_ERROR(&res, "runs past the end of the ME region");
	img_result_free(&res);
}

TEST_F(real, region_options_need_full_dump)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	struct img_result res;

	ASSERT_EQ(0, run_args(&res, self->link, self->link_len, "-S"));
	ASSERT_ONE_ERROR(&res, "-d, -D, -M, -S and -s require a full dump\n");
	img_result_free(&res);
}

TEST_HARNESS_MAIN
