// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The internal flashing pre-flight (lib/image/host-access.c) against an independent
 * peer, coreboot's ifdtool (`ifdtool -d`, Debian's coreboot-utils): on every image of
 * $SHARED/testdata/images that has a flash descriptor, as shipped and with FLMSTR1 /
 * FLCOMP edited to reach each verdict and both layouts, the host's read and write
 * bit of every region ifdtool decodes must match, and so must the verdict ifdtool's
 * ME and descriptor write bits imply. ifdtool 4.x no longer guesses IFD v2 from
 * FLCOMP; it is told the platform (-p sklkbl) for the v2 variants.
 */
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "host-access.h"
#include "image-internal.h"
#include "kselftest_harness.h"

#define KEEP 0xFFFFFFFFu	/* leave the field as the image has it */

/* ifdtool's decode_flmstr() labels, by region index */
static const struct {
	const char *label;
	unsigned region;
} peer_labels[] = {
	{ "Flash Descriptor", 0 },
	{ "Host CPU/BIOS Region", 1 },
	{ "Intel ME Region", 2 },
	{ "GbE Region", 3 },
	{ "Platform Data Region", 4 },
	{ "EC Region", 8 },
};

struct peer {
	uint32_t flmstr1;
	int read[IMG_HOST_MAX_REGIONS], write[IMG_HOST_MAX_REGIONS];	/* -1: not printed */
	int lines;
};

static int peer_label(const char *label)
{
	size_t i;

	for (i = 0; i < sizeof(peer_labels) / sizeof(peer_labels[0]); i++)
		if (!strcmp(label, peer_labels[i].label))
			return (int)peer_labels[i].region;
	return -1;
}

/* One "  <label> Read|Write Access: enabled|disabled" line of the FLMSTR1 section. */
static void peer_line(struct peer *p, char *line)
{
	static const char *const kinds[] = { " Read Access:", " Write Access:" };
	char *k, *v;
	size_t i;
	int rg;

	for (i = 0; i < 2; i++) {
		k = strstr(line, kinds[i]);
		if (!k)
			continue;
		v = k + strlen(kinds[i]);
		*k = 0;
		rg = peer_label(line + strspn(line, " "));
		if (rg < 0)
			return;
		v += strspn(v, " ");
		(i ? p->write : p->read)[rg] = !strncmp(v, "enabled", 7);
		p->lines++;
	}
}

/* Run ifdtool on @path and keep its FLMSTR1 section. 0, or -1 if it did not run. */
static int run_peer(const char *path, bool v2, struct peer *p)
{
	char cmd[512], line[256];
	bool in = false;
	FILE *f;

	memset(p, 0xFF, sizeof(*p));
	p->lines = 0;
	snprintf(cmd, sizeof(cmd), "PATH=$PATH:/usr/sbin ifdtool %s -d '%s' 2>/dev/null",
		 v2 ? "-p sklkbl" : "", path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "FLMSTR", 6)) {
			in = !strncmp(line, "FLMSTR1:", 8);
			if (in)
				p->flmstr1 = (uint32_t)strtoul(line + 8, NULL, 16);
			continue;
		}
		if (in && strncmp(line, "  ", 2))
			in = false;
		if (in)
			peer_line(p, line);
	}
	return pclose(f) ? -1 : 0;
}

static enum img_host_verdict peer_verdict(const struct peer *p)
{
	return p->write[IMG_REGION_ME] != 1 ? IMG_HOST_NONE :
	       p->write[IMG_REGION_FD] == 1 ? IMG_HOST_FULL : IMG_HOST_ME_ONLY;
}

/* ---------------------------------------------------------------------------------
 * The images and the variants
 */
struct image {
	char name[256];
	uint8_t *buf;
	size_t len;
};

static int load_images(struct image *v, int max)
{
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	char pat[4096], cmd[4400];
	glob_t g;
	size_t i;
	int n = 0;

	snprintf(pat, sizeof(pat), "%s/testdata/images/*.bin.xz", shared);
	if (glob(pat, 0, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc && n < max; i++) {
		FILE *f;
		int r;

		snprintf(cmd, sizeof(cmd), "xz -dc '%s'", g.gl_pathv[i]);
		f = popen(cmd, "r");
		if (!f)
			continue;
		v[n].buf = NULL;
		r = read_fd_all(fileno(f), SIZE_MAX, &v[n].buf, &v[n].len);
		if (pclose(f) || r < 0) {
			free(v[n].buf);
			continue;
		}
		snprintf(v[n].name, sizeof(v[n].name), "%s", strrchr(g.gl_pathv[i], '/') + 1);
		n++;
	}
	globfree(&g);
	return n;
}

FIXTURE(host) {
	struct image img[16];
	int n;
	char tmp[64];
};

FIXTURE_VARIANT(host) {
	const char *what;
	uint32_t flmstr1;		/* KEEP or the new FLMSTR1 */
	uint32_t set1, clear1;		/* or bits set/cleared in it */
	unsigned read_clock;		/* KEEP or FLCOMP bits 17-19 */
	bool v2;			/* the peer needs -p sklkbl */
	int verdict;			/* expected, or -1: whatever the peer says */
};

/* v1: read 16 + n, write 24 + n; v2: read 8 + n, write 20 + n */
FIXTURE_VARIANT_ADD(host, as_shipped) { "as shipped", KEEP, 0, 0, KEEP, false, -1 };
FIXTURE_VARIANT_ADD(host, v1_me_locked) {
	"v1, ME write cleared", KEEP, 0, 1u << 26, KEEP, false, IMG_HOST_NONE };
FIXTURE_VARIANT_ADD(host, v1_fd_locked) {
	"v1, ME writable, descriptor write cleared", KEEP, 1u << 26 | 1u << 18, 1u << 24, KEEP,
	false, IMG_HOST_ME_ONLY };
FIXTURE_VARIANT_ADD(host, v1_open) {
	"v1, all five regions read/write", KEEP, 0x1F1F0000, 0, KEEP, false, IMG_HOST_FULL };
FIXTURE_VARIANT_ADD(host, v2_17mhz_open) {
	"v2 (17 MHz), all regions", 0xFFFFFF00, 0, 0, 6, true, IMG_HOST_FULL };
FIXTURE_VARIANT_ADD(host, v2_30mhz_fd_locked) {
	"v2 (30 MHz), BIOS+ME write only", 0x00600F00, 0, 0, 4, true, IMG_HOST_ME_ONLY };
FIXTURE_VARIANT_ADD(host, v2_17mhz_me_locked) {
	"v2 (17 MHz), BIOS+GbE write", 0x00A00B00, 0, 0, 6, true, IMG_HOST_NONE };
/* read clock field 0 is 100 MHz on 500 series and later: FLMSTR1's v2 read bits tell */
FIXTURE_VARIANT_ADD(host, v2_100mhz_fd_locked) {
	"v2 (read clock field 0), BIOS+ME write only", 0x00600F00, 0, 0, 0, true,
	IMG_HOST_ME_ONLY };
/* the v1 word of a real host master, read as v2: ME not writable there */
FIXTURE_VARIANT_ADD(host, v2_reads_v1_word) {
	"v2 (17 MHz) with a v1 FLMSTR1", 0x0E0F0000, 0, 0, 6, true, IMG_HOST_NONE };

FIXTURE_SETUP(host)
{
	self->tmp[0] = 0;
	self->n = load_images(self->img, 16);
	if (!self->n)
		SKIP(return, "no testdata images under $SHARED (%s)", getenv("SHARED"));
	snprintf(self->tmp, sizeof(self->tmp), "/tmp/mectl-host-access-XXXXXX");
	ASSERT_LE(0, close(mkstemp(self->tmp)));
}

FIXTURE_TEARDOWN(host)
{
	int i;

	for (i = 0; i < self->n; i++)
		free(self->img[i].buf);
	if (self->tmp[0])
		unlink(self->tmp);
}

static void put32(uint8_t *p, uint32_t v)
{
	img_put_le32(p, v);
}

/* The variant applied to a copy of @im (which has a descriptor at @sig). */
static uint8_t *variant_copy(const FIXTURE_VARIANT(host) *var, const struct image *im,
			     int64_t sig)
{
	uint8_t *b = malloc(im->len);
	uint32_t fcba, fmba, v;

	if (!b)
		return NULL;
	memcpy(b, im->buf, im->len);
	fcba = (img_le32(b + sig + 4) & 0xFF) << 4;
	fmba = (img_le32(b + sig + 8) & 0xFF) << 4;
	v = var->flmstr1 == KEEP ? img_le32(b + fmba) : var->flmstr1;
	put32(b + fmba, (v | var->set1) & ~var->clear1);
	if (var->read_clock != KEEP)
		put32(b + fcba, (img_le32(b + fcba) & ~(7u << 17)) | var->read_clock << 17);
	return b;
}

TEST_F(host, against_ifdtool)
{
	int i, checked = 0;

	for (i = 0; i < self->n; i++) {
		const struct image *im = &self->img[i];
		int64_t sig = img_ifd_find(im->buf, im->len);
		struct img_host_access a;
		struct peer p;
		uint8_t *b;
		unsigned rg;
		int fd, r;

		if (sig < 0) {
			EXPECT_EQ(-EINVAL, img_host_access(im->buf, im->len, &a));
			EXPECT_NE(NULL, strstr(a.error, "no flash descriptor")) TH_LOG("%s", im->name);
			continue;
		}
		b = variant_copy(variant, im, sig);
		ASSERT_NE(NULL, b);
		fd = open(self->tmp, O_WRONLY | O_TRUNC);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, loop_write(fd, b, im->len));
		close(fd);
		r = img_host_access(b, im->len, &a);
		free(b);
		ASSERT_EQ(0, r) TH_LOG("%s, %s: %s", im->name, variant->what, a.error);
		ASSERT_EQ(0, run_peer(self->tmp, variant->v2, &p)) TH_LOG("ifdtool failed");
		EXPECT_EQ(variant->v2 ? IMG_IFD_V2 : IMG_IFD_V1, a.layout) TH_LOG("%s", im->name);
		EXPECT_EQ(p.flmstr1, a.flmstr1);
		/* ten lines in v1, twelve (EC too) in v2 */
		EXPECT_EQ(variant->v2 ? 12 : 10, p.lines) TH_LOG("%s: ifdtool's FLMSTR1 section",
								 im->name);
		EXPECT_LE(5u, a.n_regions);
		for (rg = 0; rg < a.n_regions; rg++) {
			if (p.read[rg] < 0)
				continue;
			EXPECT_EQ(p.read[rg], a.regions[rg].read)
				TH_LOG("%s, %s: region %u read", im->name, variant->what, rg);
			EXPECT_EQ(p.write[rg], a.regions[rg].write)
				TH_LOG("%s, %s: region %u write", im->name, variant->what, rg);
		}
		EXPECT_EQ(peer_verdict(&p), a.verdict) TH_LOG("%s, %s", im->name, variant->what);
		if (variant->verdict >= 0)
			EXPECT_EQ(variant->verdict, (int)a.verdict)
				TH_LOG("%s, %s: %s", im->name, variant->what, a.verdict_line);
		checked++;
	}
	EXPECT_LE(2, checked) TH_LOG("the full images of the testdata");
}

/* ---------------------------------------------------------------------------------
 * No decision: one-line reasons
 */
FIXTURE(cut) {
	struct image img[16];
	int n;
};

FIXTURE_SETUP(cut)
{
	self->n = load_images(self->img, 16);
	if (!self->n)
		SKIP(return, "no testdata images under $SHARED (%s)", getenv("SHARED"));
}

FIXTURE_TEARDOWN(cut)
{
	int i;

	for (i = 0; i < self->n; i++)
		free(self->img[i].buf);
}

static uint8_t *first_full(struct image *img, int n, size_t *len)
{
	uint8_t *b;
	int i;

	for (i = 0; i < n; i++)
		if (img_ifd_find(img[i].buf, img[i].len) >= 0) {
			b = malloc(img[i].len);
			if (b)
				memcpy(b, img[i].buf, img[i].len);
			*len = img[i].len;
			return b;
		}
	return NULL;
}

TEST_F(cut, no_decision)
{
	static const struct {
		uint32_t off, value;
		size_t len;		/* 0: the whole image */
		const char *why;
	} cases[] = {
		{ 0x30, 0x64920024, 0, "does not tell the descriptor layout: read clock 33 MHz" },
		{ 0x30, 0x649E0024, 0, "read clock reserved value 7" },
		{ 0x48, 0x00001FFF, 0, "defines no ME region (FLREG2 = 0x00001fff)" },
		{ 0x30, 0x64900024, 0x62, "component or master section lies past the end" },
		{ 0x30, 0x64900024, 0x20, "points past the end of the file" },
	};
	struct img_host_access a;
	size_t len, i;
	uint8_t *b;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b = first_full(self->img, self->n, &len);
		ASSERT_NE(NULL, b);
		img_put_le32(b + cases[i].off, cases[i].value);
		EXPECT_EQ(-EINVAL, img_host_access(b, cases[i].len ? cases[i].len : len, &a));
		EXPECT_NE(NULL, strstr(a.error, cases[i].why)) TH_LOG("%s", a.error);
		EXPECT_EQ(NULL, strchr(a.error, '\n'));
		free(b);
	}
}

/*
 * The engine's descriptor sanity check does not stake a refusal on the layout: a
 * master has access to its own region if either layout grants it, whatever the read
 * clock says (a wrong guess would refuse images me_cleaner and ifdtool accept). The
 * layout itself is still decided and reported.
 */
TEST_F(cut, sanity_any_layout)
{
	static const struct {
		unsigned read_clock;
		enum img_ifd_layout layout;
	} cases[] = {
		{ 0, IMG_IFD_V1 }, { 6, IMG_IFD_V2 }, { 4, IMG_IFD_V2 }, { 1, IMG_IFD_UNKNOWN },
	};
	struct img_options o = { .check = true };
	struct img_result r;
	size_t len, i;
	uint8_t *b;
	int k;

	for (k = 0; k < self->n && !strstr(self->img[k].name, "lumpy"); k++)
		;
	if (k == self->n)
		SKIP(return, "no full_cb_lumpy image");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b = first_full(&self->img[k], 1, &len);
		ASSERT_NE(NULL, b);
		img_put_le32(b + 0x30, (img_le32(b + 0x30) & ~(7u << 17)) | cases[i].read_clock << 17);
		memset(&r, 0, sizeof(r));
		ASSERT_EQ(0, img_run(b, len, &o, &r));
		EXPECT_TRUE(r.report.ifd_sane) TH_LOG("%s", r.report.ifd_problem);
		EXPECT_STREQ("", r.report.ifd_problem);
		EXPECT_EQ(cases[i].layout, r.report.ifd_layout);
		img_result_free(&r);
		free(b);
	}
}

TEST_HARNESS_MAIN
