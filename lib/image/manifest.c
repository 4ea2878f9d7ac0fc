// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * FTPR discovery, generation, manifest tag, version and key: me_cleaner 1.2's main
 * program up to its "Public key match" line, and its check_mn2_tag().
 */
#include <stdio.h>

#include <openssl/evp.h>

#include "image-internal.h"
#include "hooks.h"

/* Python 3's repr() of a 4-byte bytes object (check_mn2_tag()'s message). */
static void bytes_repr(const uint8_t *p, size_t n, char *out)
{
	bool sq = memchr(p, '\'', n), dq = memchr(p, '"', n);
	char quote = sq && !dq ? '"' : '\'';
	size_t i;

	*out++ = 'b';
	*out++ = quote;
	for (i = 0; i < n; i++) {
		uint8_t b = p[i];

		if (b == '\\' || (b == '\'' && quote == '\'')) {
			*out++ = '\\';
			*out++ = (char)b;
		} else if (b == '\t') {
			out += sprintf(out, "\\t");
		} else if (b == '\n') {
			out += sprintf(out, "\\n");
		} else if (b == '\r') {
			out += sprintf(out, "\\r");
		} else if (b >= 0x20 && b < 0x7F) {
			*out++ = (char)b;
		} else {
			out += sprintf(out, "\\x%02x", b);
		}
	}
	*out++ = quote;
	*out = 0;
}

static int check_tag(struct img_ctx *c, int64_t man)
{
	const char *want = c->gen == 1 ? "$MAN" : "$MN2";
	const uint8_t *p = NULL;
	char repr[32];
	int r;

	r = img_read(c, &c->me, man + 0x1C, 4, &p);
	if (r)
		return r;
	if (!memcmp(p, want, 4))
		return 0;
	r = img_unknown_hook(c);
	if (r)
		return r;
	bytes_repr(p, 4, repr);
	return img_fail(c, "Wrong FTPR manifest tag (%s), this image may be corrupted\n", repr);
}

/* gen 3: the FTPR.man entry of the $CPD directory, found as me_cleaner 1.2 finds it */
static int cpd_find_manifest(struct img_ctx *c, uint32_t *man_off)
{
	uint32_t n, i;
	const uint8_t *p = NULL;
	char name[13];
	int r;

	r = img_read32(c, &c->me, (int64_t)c->ftpr_offset + 4, &n);
	if (r)
		return r;
	for (i = 0; i < n; i++) {
		r = img_read(c, &c->me, (int64_t)c->ftpr_offset + 0x10 + (int64_t)i * 0x18, 0x18, &p);
		if (r)
			return r;
		if (!img_ascii_name(p, 12, name)) {
			/* e.g. a $CPD v2 header (ME 15+) read as v1: cse.c knows it */
			r = img_unknown_hook(c);
			if (r)
				return r;
			return img_fail(c, "Error: $CPD entry %u has a name that is not ASCII: "
					"the image is malformed\n", i);
		}
		if (!strcmp(name, "FTPR.man")) {
			*man_off = img_le32(p + 0xC) & 0xFFFFFF;
			return 0;
		}
	}
	r = img_unknown_hook(c);
	if (r)
		return r;
	return img_fail(c, "Can't find the manifest of the FTPR partition\n");
}

static int key_report(struct img_ctx *c, int64_t man)
{
	struct img_report *rep = c->rep;
	const struct img_key *k;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	const uint8_t *p = NULL;
	int r;

	r = img_read(c, &c->me, man + 0x80, 0x104, &p);
	if (r)
		return r;
	if (!EVP_Digest(p, 0x104, md, &mdlen, EVP_md5(), NULL) || mdlen != 16)
		return img_fail(c, "Error: MD5 is not available from libcrypto\n");
	for (i = 0; i < 16; i++)
		sprintf(rep->key_md5 + 2 * i, "%02x", md[i]);

	k = img_key_lookup(rep->key_md5);
	if (k) {
		rep->key_known = true;
		rep->key_versions = k->versions;
		c->variant = k->variant;
		rep->variant = k->variant;
		return img_out(c, "Public key match: Intel %s, firmware versions %s\n",
			       k->variant, k->versions);
	}
	c->variant = c->version[0] >= 6 ? "ME" : "TXE";
	rep->variant = c->variant;
	return img_out(c, "WARNING Unknown public key %s\n"
		       "        Assuming Intel %s\n"
		       "        Please report this warning to the project's maintainer!\n",
		       rep->key_md5, c->variant);
}

int img_manifest_parse(struct img_ctx *c)
{
	struct img_report *rep = c->rep;
	const uint8_t *tab, *e = NULL, *p;
	uint32_t i, man_off = 0;
	int64_t man;
	int r;

	r = img_read32(c, &c->me, c->fpt_offset + 4, &c->entries);
	if (r)
		return r;
	r = img_out(c, "Found %u partition(s)\n", c->entries);
	if (r)
		return r;
	r = img_read_array(c, &c->me, c->fpt_offset + 0x20, c->entries, 0x20, &tab, NULL);
	if (r)
		return r;
	for (i = 0; i < c->entries; i++) {
		if (!memcmp(tab + (size_t)i * 0x20, "CODE", 4) ||
		    !memcmp(tab + (size_t)i * 0x20, "FTPR", 4)) {
			e = tab + (size_t)i * 0x20;
			break;
		}
	}
	if (!e)
		return img_fail(c, "FTPR header not found, this image doesn't seem to be valid\n");
	if (!memcmp(e, "CODE", 4))
		c->gen = 1;
	c->ftpr_offset = img_le32(e + 8);
	c->ftpr_length = img_le32(e + 0xC);
	r = img_out(c, "Found FTPR header: FTPR partition spans from 0x%x to 0x%llx\n",
		    c->ftpr_offset, (long long)c->ftpr_offset + c->ftpr_length);
	if (r)
		return r;

	r = img_read(c, &c->me, c->ftpr_offset, 4, &p);
	if (r)
		return r;
	if (!memcmp(p, "$CPD", 4)) {
		c->gen = 3;
		r = cpd_find_manifest(c, &man_off);
		if (r)
			return r;
		r = check_tag(c, (int64_t)c->ftpr_offset + man_off);
		if (r)
			return r;
		c->ftpr_mn2_offset = man_off;
		r = img_out(c, "Found FTPR manifest at 0x%llx\n",
			    (long long)c->ftpr_offset + man_off);
	} else {
		c->ftpr_mn2_offset = 0;
		r = check_tag(c, c->ftpr_offset);
		if (!r && !c->gen)
			c->gen = 2;
	}
	if (r)
		return r;

	man = (int64_t)c->ftpr_offset + c->ftpr_mn2_offset;
	r = img_read(c, &c->me, man + 0x24, 8, &p);
	if (r)
		return r;
	for (i = 0; i < 4; i++)
		c->version[i] = img_le16(p + 2 * i);
	memcpy(rep->version, c->version, sizeof(rep->version));
	rep->gen = c->gen;
	rep->manifest_found = true;
	rep->ftpr_offset = c->ftpr_offset;
	rep->ftpr_length = c->ftpr_length;
	rep->manifest_offset = (uint32_t)man;
	r = img_out(c, "ME/TXE firmware version %u.%u.%u.%u (generation %d)\n",
		    c->version[0], c->version[1], c->version[2], c->version[3], c->gen);
	if (r)
		return r;
	return key_report(c, man);
}
