// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CSME 12-16 and TXE 3/4: the images me_cleaner 1.2 calls "Unknown image", "corrupted
 * or missing", "Can't find the manifest" or treats as plain generation 3.
 *
 * Structures (all little-endian; see also shared/reference/me_cleaner-user-demand.md):
 *  - CSE layout table at region 0 (CSME 12+ SPI images): 16-byte ROM bypass vector,
 *    then version 1.7 {u16 size, u16 redundancy, u32 checksum, u32 data offset/size,
 *    BP1..BP5 offset/size, ...} (coreboot cse_layout.h) or version 1.6 {u32 data
 *    offset/size, BP1..BP5 ..., u64 checksum}. The data partition starts with $FPT.
 *    The layout-table checksums are not verified: their algorithm is not something we
 *    could confirm from public sources. Every offset is checked by what it points at.
 *  - BPDT: u32 signature 0x000055AA, u16 entry count, u8 version, u8 flags, u32
 *    checksum, u32 IFWI version, 4 x u16 tool version (0x18 bytes); entries of 12 bytes
 *    {type, offset from the BPDT, size}, type 2 = FTPR, 7 = NFTP, 20 = OEM Key Manifest
 *    (coreboot cse_layout.h; the 1.6 form has u16 type + u16 flags, equal when flags are 0).
 *  - $CPD v1: 0x10-byte header, 8-bit checksum (byte sum of header + entries = 0);
 *    v2 (CSME 15+): 0x14 bytes, CRC-32 (IEEE) of header + entries with the CRC field
 *    zeroed at 0x10. The CRC coverage is what public ME analysis tools describe; a
 *    mismatch is reported, never fatal.
 *  - Manifest: the $MN2 header of ME 6-11 (manifest.c); HeaderVersion 0x10000 with
 *    RSA-2048/SHA-256 (key size 0x40 dwords at 0x78), 0x21000 with RSA-3072/SHA-384
 *    (0x60 dwords, CSME 16+). Header length = 0x80 + 2 * key + 4. The signed data
 *    are header[0,0x80) and manifest[hlen, size), as for earlier generations.
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "image-internal.h"
#include "cse.h"
#include "hooks.h"

#define BPDT_SIGNATURE	0x000055AAu
#define BPDT_MAX	64
#define CPD_MAX		256
#define FPT_MAX		128

/* ------------------------------------------------------------------------------ */
/* Tables */

/*
 * HAP ("High Assurance Platform") strap per firmware family, bit 16 of PCHSTRP<n>
 * (FPSBA + 4n). Sources, none of them Intel documentation:
 *  - 11: me_cleaner 1.2 (PCHSTRP0), long confirmed.
 *  - 12 (Cannon Point): dt-zero's me_cleaner PR #282 uses PCHSTRP32 (tested on
 *    CNP-H boards); Max Fritz's commit 392cb43 uses PCHSTRP28; the "thinkpad" fork
 *    says 28 on LP and 32 on H. The SKU cannot be told from the image: set only
 *    when the user names it (--pch lp|h), with a warning.
 *  - 13 (Ice Point LP): PCHSTRP28 per the thinkpad fork only: unconfirmed.
 *  - 14 (Comet Point): PCHSTRP32 (XutaxKamay PR #384) vs PCHSTRP28 on LP (thinkpad
 *    fork): as for 12, only with --pch.
 *  - 15 (Tiger Point): PCHSTRP31 in XutaxKamay PR #384 and the thinkpad fork, with a
 *    working report on TGL-U (NovaCustom NV4x): confirmed as far as public reports go.
 *  - 16 (Alder Point): PCHSTRP31 per the thinkpad fork and daemon32's fork (which
 *    also sets PCHSTRP55, XutaxKamay's choice): PCHSTRP31, unconfirmed.
 *  - 18 and TXE 3/4: no public source: not set.
 */
const struct cse_hap cse_hap_table[] = {
	{ .major = 11, .pch = "Sunrise/Union Point", .strap = 0, .bit = 16, .confirmed = true,
	  .note = "me_cleaner 1.2" },
	{ .major = 12, .pch = "Cannon Point", .strap = -1, .strap_lp = 28, .strap_h = 32, .bit = 16,
	  .note = "PCHSTRP28 on LP, PCHSTRP32 on H PCHs; the image does not say which (--pch lp|h)" },
	{ .major = 13, .pch = "Ice Point", .strap = 28, .bit = 16,
	  .note = "one third-party source (me_cleaner_thinkpad fork)" },
	{ .major = 14, .pch = "Comet Point", .strap = -1, .strap_lp = 28, .strap_h = 32, .bit = 16,
	  .note = "PCHSTRP28 on LP, PCHSTRP32 on H PCHs; the image does not say which (--pch lp|h)" },
	{ .major = 15, .pch = "Tiger Point", .strap = 31, .bit = 16, .confirmed = true,
	  .note = "me_cleaner PR #384 and the thinkpad fork agree; tested on TGL-U" },
	{ .major = 16, .pch = "Alder Point", .strap = 31, .bit = 16,
	  .note = "forks disagree (PCHSTRP31 vs PCHSTRP55); PCHSTRP31 used" },
	{ .major = 18, .pch = "Meteor Lake", .strap = -1, .bit = 16,
	  .note = "no public source for the HAP strap" },
	{ .major = 3, .txe = true, .pch = "Apollo Lake", .strap = -1, .bit = 16,
	  .note = "no public source for the HAP strap" },
	{ .major = 4, .txe = true, .pch = "Gemini Lake", .strap = -1, .bit = 16,
	  .note = "no public source for the HAP strap" },
	{ .major = 0 }
};

const struct cse_hap *cse_hap_lookup(unsigned major, bool txe)
{
	for (const struct cse_hap *h = cse_hap_table; h->major; h++)
		if (h->major == major && h->txe == txe)
			return h;
	return NULL;
}

int cse_hap_strap(const struct cse_hap *h, const char *sku)
{
	if (!h)
		return -1;
	if (h->strap_lp && sku && !strcmp(sku, "lp"))
		return h->strap_lp;
	if (h->strap_h && sku && !strcmp(sku, "h"))
		return h->strap_h;
	return h->strap;
}

/* Keys reported by me_cleaner forks and issues for firmware after me_cleaner 1.2. */
static const struct img_key cse_keys[] = {
	{ "3efc26920b4bee901b624771c742887b", "CSME", "12.x.x.x" },	/* PR #282 */
	{ "8e4f834644da2bef03039d69d41ecf02", "CSME", "14.x.x.x" },	/* commit 392cb43 */
	{ "b29411f89bf20ed177d411c46e8ec185", "CSME", "15.x.x.x" },	/* PR #384 */
	{ "5887caf9b677601ffb257cc98a13d2a9", "CSME", "16.x.x.x" },	/* PR #384 */
	{ "e7155f4342af9d1b7e4cac467190d382", "CSME", "16.1.x.x" },	/* issues #396, #438 */
	{ NULL, NULL, NULL }
};

const struct img_key *cse_key_lookup(const char *md5)
{
	const struct img_key *k = img_key_lookup(md5);

	if (k)
		return k;
	for (k = cse_keys; k->md5; k++)
		if (!strcmp(k->md5, md5))
			return k;
	return NULL;
}

/* ------------------------------------------------------------------------------ */
/* Pure parsers */

uint32_t cse_crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFFu;

	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static bool fits(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

int cse_cpd_parse(const uint8_t *p, size_t len, struct cse_cpd *out)
{
	uint32_t n, hl, total;

	memset(out, 0, sizeof(*out));
	out->manifest = CSE_NONE;
	if (!fits(len, 0, 0x10) || memcmp(p, "$CPD", 4))
		return -EINVAL;
	n = img_le32(p + 4);
	out->header_version = p[8];
	hl = p[8] == 2 && p[0x0A] == 0x14 ? 0x14 : 0x10;
	if (n == 0 || n > CPD_MAX || !fits(len, 0, hl + (uint64_t)n * 0x18))
		return -EINVAL;
	out->header_length = hl;
	out->entries = n;
	memcpy(out->name, p + 0x0C, 4);
	out->name[4] = 0;
	total = hl + n * 0x18;
	if (hl == 0x14) {
		uint8_t *tmp = malloc(total);

		if (tmp) {
			memcpy(tmp, p, total);
			memset(tmp + 0x10, 0, 4);
			out->checksum_ok = cse_crc32(tmp, total) == img_le32(p + 0x10);
			free(tmp);
		}
	} else {
		uint8_t sum = 0;

		for (uint32_t i = 0; i < total; i++)
			sum += p[i];
		out->checksum_ok = sum == 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = p + hl + i * 0x18;

		if (!memcmp(e, "FTPR.man\0\0\0\0", 12) ||
		    (!memcmp(e, out->name, 4) && !memcmp(e + 4, ".man\0\0\0\0", 8))) {
			out->manifest = img_le32(e + 0x0C) & 0x01FFFFFF;
			out->manifest_length = img_le32(e + 0x10);
			break;
		}
	}
	return 0;
}

int cse_manifest_parse(const uint8_t *m, size_t len, struct cse_manifest *out)
{
	uint32_t keydw, klen;

	memset(out, 0, sizeof(*out));
	if (!fits(len, 0, 0x80) || memcmp(m + 0x1C, "$MN2", 4) || img_le16(m) != 4)
		return -EINVAL;
	out->header_version = img_le32(m + 8);
	keydw = img_le32(m + 0x78);
	out->hlen = img_le32(m + 4);
	out->mlen = img_le32(m + 0x18);
	/* Key size: the 0x78 field when it is sane, else from the header length. */
	if (keydw != 0x40 && keydw != 0x60)
		keydw = out->hlen == 0xE1 ? 0x60 : 0x40;
	if (out->hlen > 0x4000 || out->mlen > 0x4000)	/* dwords; a manifest is < 64 KiB */
		return -EINVAL;
	out->hlen *= 4;
	out->mlen *= 4;
	klen = keydw * 4;
	if (out->hlen != 0x80 + 2 * klen + 4 || out->mlen < out->hlen || !fits(len, 0, out->mlen))
		return -EINVAL;
	out->rsa_bits = klen * 8;
	out->hash_bits = klen == 0x180 ? 384 : 256;
	for (int i = 0; i < 4; i++)
		out->version[i] = img_le16(m + 0x24 + 2 * i);
	out->modulus = m + 0x80;
	out->exponent = img_le32(m + 0x80 + klen);
	out->signature = m + 0x84 + klen;
	out->base = m;
	return 0;
}

/* FTPR via a BPDT at @off: 0 with scan filled, or -ENOENT. */
static int from_bpdt(const uint8_t *rg, size_t len, int64_t off, struct cse_scan *s)
{
	uint16_t n;

	if (off < 0 || !fits(len, (uint64_t)off, 0x18) || img_le32(rg + off) != BPDT_SIGNATURE)
		return -ENOENT;
	n = img_le16(rg + off + 4);
	if (n > BPDT_MAX || !fits(len, (uint64_t)off, 0x18 + (uint64_t)n * 12))
		return -ENOENT;
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *e = rg + off + 0x18 + i * 12;
		uint32_t type = img_le32(e) & 0xFFFF, eo = img_le32(e + 4), es = img_le32(e + 8);

		if (type == 20)
			s->oem_km = true;
		if (type != 2 || !fits(len, (uint64_t)off + eo, es))
			continue;
		if (!fits(len, (uint64_t)off + eo, 0x10) || memcmp(rg + off + eo, "$CPD", 4))
			continue;
		s->bpdt = off;
		s->cpd = off + eo;
		s->cpd_room = es;
		s->how = "BPDT";
	}
	return s->cpd == CSE_NONE ? -ENOENT : 0;
}

static bool fpt_plausible(const uint8_t *rg, size_t len, uint64_t off)
{
	uint32_t n;

	if (!fits(len, off, 0x20) || memcmp(rg + off, "$FPT", 4))
		return false;
	n = img_le32(rg + off + 4);
	return n > 0 && n <= FPT_MAX && fits(len, off, 0x20 + (uint64_t)n * 0x20);
}

int cse_scan(const uint8_t *rg, size_t len, struct cse_scan *s)
{
	uint64_t off;

	memset(s, 0, sizeof(*s));
	s->layout = s->fpt = s->bpdt = s->cpd = s->man_off = CSE_NONE;

	/* 1. The layout table's data partition, 1.7 then 1.6 form. */
	if (fits(len, 0, 0x58)) {
		uint32_t d17 = img_le32(rg + 0x18), d16 = img_le32(rg + 0x10);

		if (img_le16(rg + 0x10) >= 0x40 && fpt_plausible(rg, len, d17)) {
			s->layout = 0;
			s->layout_version = 17;
			s->fpt = d17;
		} else if (fpt_plausible(rg, len, d16) && d16 >= 0x50) {
			s->layout = 0;
			s->layout_version = 16;
			s->fpt = d16;
		}
	}
	/* 2. Else the first plausible $FPT at 16-byte alignment. */
	for (off = 0; s->fpt == CSE_NONE && off + 0x20 <= len; off += 0x10)
		if (fpt_plausible(rg, len, off))
			s->fpt = (int64_t)off;

	/* 3. FTPR from the $FPT. */
	if (s->fpt != CSE_NONE) {
		uint32_t n = img_le32(rg + s->fpt + 4);

		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *e = rg + s->fpt + 0x20 + i * 0x20;
			uint32_t po = img_le32(e + 8), pl = img_le32(e + 0xC);

			if (memcmp(e, "FTPR", 4) || !fits(len, po, pl) || pl < 0x10 ||
			    memcmp(rg + po, "$CPD", 4))
				continue;
			s->cpd = po;
			s->cpd_room = pl;
			s->how = "$FPT";
			break;
		}
	}
	/* 4. From a BPDT: the layout table's BP1/BP2, else one at 4 KiB alignment. */
	if (s->cpd == CSE_NONE && s->layout == 0) {
		unsigned bp = s->layout_version == 17 ? 0x20 : 0x18;

		if (from_bpdt(rg, len, img_le32(rg + bp), s))
			from_bpdt(rg, len, img_le32(rg + bp + 8), s);
	}
	for (off = 0; s->cpd == CSE_NONE && off + 0x18 <= len; off += 0x1000)
		from_bpdt(rg, len, (int64_t)off, s);
	/* 5. Last resort: a $CPD named FTPR at 16-byte alignment. */
	for (off = 0; s->cpd == CSE_NONE && off + 0x10 <= len; off += 0x10)
		if (!memcmp(rg + off, "$CPD", 4) && !memcmp(rg + off + 0x0C, "FTPR", 4)) {
			s->cpd = (int64_t)off;
			s->cpd_room = (uint32_t)(len - off > UINT32_MAX ? UINT32_MAX : len - off);
			s->how = "scan";
		}
	if (s->cpd == CSE_NONE)
		return -ENOENT;

	if (cse_cpd_parse(rg + s->cpd, s->cpd_room, &s->dir) || s->dir.manifest == CSE_NONE)
		return -ENOENT;
	if (cse_manifest_parse(rg + s->cpd + s->dir.manifest,
			       s->cpd_room > s->dir.manifest ? s->cpd_room - s->dir.manifest : 0,
			       &s->man))
		return -ENOENT;
	s->man_off = s->cpd + s->dir.manifest;
	return 0;
}

/* ------------------------------------------------------------------------------ */
/* Signature */

static EVP_PKEY *public_key(const struct cse_manifest *m, BIGNUM **n_out)
{
	const size_t klen = m->rsa_bits / 8;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pc = NULL;
	EVP_PKEY *k = NULL;
	BIGNUM *n, *e;

	n = BN_lebin2bn(m->modulus, (int)klen, NULL);
	e = BN_new();
	if (!n || !e || !BN_set_word(e, m->exponent))
		goto out;
	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!params || !pc || EVP_PKEY_fromdata_init(pc) <= 0 ||
	    EVP_PKEY_fromdata(pc, &k, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		k = NULL;
out:
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(e);
	if (k)
		*n_out = n;
	else
		BN_free(n);
	return k;
}

int cse_verify(const struct cse_manifest *m, enum img_sig *sig, const char **scheme)
{
	const size_t klen = m->rsa_bits / 8;
	const EVP_MD *md = m->hash_bits == 384 ? EVP_sha384() : EVP_sha256();
	uint8_t digest[EVP_MAX_MD_SIZE], sbe[384];
	unsigned dlen = 0;
	EVP_MD_CTX *mc = NULL;
	EVP_PKEY_CTX *vc = NULL;
	EVP_PKEY *k = NULL;
	BIGNUM *n = NULL;
	int r = -ENOMEM;

	*sig = IMG_SIG_INVALID;
	*scheme = NULL;
	if (klen > sizeof(sbe) || m->exponent == 0)
		return 0;
	mc = EVP_MD_CTX_new();
	if (!mc || !EVP_DigestInit_ex(mc, md, NULL) || !EVP_DigestUpdate(mc, m->base, 0x80) ||
	    !EVP_DigestUpdate(mc, m->base + m->hlen, m->mlen - m->hlen) ||
	    !EVP_DigestFinal_ex(mc, digest, &dlen))
		goto out;
	for (size_t i = 0; i < klen; i++)
		sbe[i] = m->signature[klen - 1 - i];
	k = public_key(m, &n);
	if (!k) {
		r = 0;		/* an unusable key (e.g. even modulus): INVALID */
		goto out;
	}
	/* PKCS#1 v1.5 first (what ME <= 15 use), then PSS. */
	static const int pads[] = { RSA_PKCS1_PADDING, RSA_PKCS1_PSS_PADDING };

	for (size_t i = 0; i < 2 && *sig != IMG_SIG_VALID; i++) {
		EVP_PKEY_CTX_free(vc);
		vc = EVP_PKEY_CTX_new(k, NULL);
		if (!vc || EVP_PKEY_verify_init(vc) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_padding(vc, pads[i]) <= 0 ||
		    EVP_PKEY_CTX_set_signature_md(vc, md) <= 0)
			goto out;
		if (pads[i] == RSA_PKCS1_PSS_PADDING &&
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(vc, RSA_PSS_SALTLEN_AUTO) <= 0)
			goto out;
		if (EVP_PKEY_verify(vc, sbe, klen, digest, dlen) == 1) {
			*sig = IMG_SIG_VALID;
			*scheme = i ? "RSASSA-PSS" : "PKCS#1 v1.5";
		}
	}
	r = 0;
out:
	/* A failed verify leaves errors queued; they belong to nobody. */
	ERR_clear_error();
	EVP_PKEY_CTX_free(vc);
	EVP_PKEY_free(k);
	BN_free(n);
	EVP_MD_CTX_free(mc);
	return r;
}

/* ------------------------------------------------------------------------------ */
/* The run */

static bool is_txe(const struct cse_manifest *m)
{
	return m->version[0] == 3 || m->version[0] == 4;
}

static int sig_line(struct img_ctx *c, enum img_sig sig)
{
	int r = img_out(c, "Checking the FTPR RSA signature... %s\n",
			sig == IMG_SIG_VALID ? "VALID" : "INVALID!!");

	if (r || sig == IMG_SIG_VALID)
		return r;
	return img_fail(c, "The FTPR partition signature is not valid. Is the input ME/TXE image valid?\n");
}

/* The HAP strap of this family in a full image: 0 with *off set, or -ENOENT. */
static int hap_word(struct img_ctx *c, const struct cse_hap *h, uint32_t *off, int *strap_out)
{
	int strap = cse_hap_strap(h, c->o->pch);
	uint64_t rel;

	*strap_out = strap;
	if (!c->full || strap < 0)
		return -ENOENT;
	rel = (uint64_t)c->fpsba + 4 * (uint64_t)strap;
	if (c->fd.start < 0 || (int64_t)rel + 4 > c->fd.end - c->fd.start ||
	    c->fd.start + (int64_t)rel + 4 > (int64_t)c->len)
		return -ENOENT;
	*off = (uint32_t)(c->fd.start + rel);
	return 0;
}

/* A directory name for display: NULs stripped, non-ASCII shown as "????". */
static void cse_name(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n && p[i]; i++) {
		if (p[i] < 0x20 || p[i] > 0x7E) {
			strcpy(out, "????");
			return;
		}
		out[i] = (char)p[i];
	}
	out[i] = 0;
}

static void fill_report(struct img_ctx *c, const struct img_range *rg, const struct cse_scan *s,
			const char *md5, const struct img_key *k, const struct cse_hap *h)
{
	struct img_report *rep = c->rep;
	struct img_cse_info *ci = &rep->cse;
	const uint8_t *base = c->buf + rg->start;
	unsigned char kh[EVP_MAX_MD_SIZE];
	unsigned khl = 0;

	ci->detected = true;
	if (rep->kind == IMG_KIND_UNKNOWN) {
		rep->kind = IMG_KIND_ME_REGION;
		rep->regions[IMG_REGION_ME].enabled = true;
		rep->regions[IMG_REGION_ME].start = (uint64_t)rg->start;
		rep->regions[IMG_REGION_ME].end = (uint64_t)rg->end;
	}
	snprintf(ci->family, sizeof(ci->family), "%s", is_txe(&s->man) ? "CSTXE" : "CSME");
	memcpy(ci->version, s->man.version, sizeof(ci->version));
	memcpy(rep->version, s->man.version, sizeof(rep->version));
	ci->fpt_offset = s->fpt == CSE_NONE ? 0 : (uint64_t)(rg->start + s->fpt);
	ci->cpd_header_version = s->dir.header_version;
	ci->rsa_bits = s->man.rsa_bits;
	ci->hash_bits = s->man.hash_bits;
	if (EVP_Digest(s->man.modulus, s->man.rsa_bits / 8 + 4, kh, &khl,
		       s->man.hash_bits == 384 ? EVP_sha384() : EVP_sha256(), NULL))
		for (unsigned i = 0; i < khl && 2 * i + 2 < sizeof(ci->key_hash); i++)
			snprintf(ci->key_hash + 2 * i, 3, "%02x", kh[i]);
	ci->key_known = k != NULL;
	snprintf(rep->key_md5, sizeof(rep->key_md5), "%s", md5);
	rep->key_known = k != NULL;
	rep->variant = k ? k->variant : is_txe(&s->man) ? "TXE" : "ME";
	rep->key_versions = k ? k->versions : NULL;
	rep->fpt_found = s->fpt != CSE_NONE;
	rep->fpt_offset = ci->fpt_offset;
	rep->manifest_found = true;
	rep->ftpr_offset = (uint32_t)s->cpd;
	rep->ftpr_length = s->cpd_room;
	rep->manifest_offset = (uint32_t)s->man_off;
	ci->pch = h ? h->pch : NULL;
	ci->hap_known = false;
	rep->n_modules = 0;
	for (uint32_t i = 0; i < s->dir.entries && rep->n_modules < IMG_MAX_MODULES; i++) {
		const uint8_t *e = base + s->cpd + s->dir.header_length + i * 0x18;
		struct img_module *m = &rep->modules[rep->n_modules];
		uint32_t w = img_le32(e + 0x0C);

		cse_name(e, 12, m->name);
		m->start = (uint32_t)s->cpd + (w & 0x01FFFFFF);
		m->end = m->start + img_le32(e + 0x10);
		m->comp = strstr(m->name, ".man") || strstr(m->name, ".met") ? IMG_COMP_MANIFEST :
			  (w >> 25) & 1 ? IMG_COMP_HUFFMAN : IMG_COMP_LZMA;
		m->fate = IMG_MOD_LISTED;
		rep->n_modules++;
	}
}

static bool essential_module(const char *n)
{
	static const char *const pre[] = { "rbe", "kernel", "syslib", "bup" };

	for (size_t i = 0; i < 4; i++)
		if (!strncmp(n, pre[i], strlen(pre[i])))
			return true;
	return false;
}

/* --force: check_and_remove_modules_gen3()'s rule on the FTPR $CPD found by the scan. */
static int forced_module_removal(struct img_ctx *c, const struct img_range *rg,
				 const struct cse_scan *s)
{
	struct img_report *rep = c->rep;
	int r = img_out(c, "Removing FTPR modules (forced: this is known to break CSME 12+)...\n");

	for (size_t i = 0; !r && i < rep->n_modules; i++) {
		struct img_module *m = &rep->modules[i];
		uint64_t stop = (uint64_t)s->cpd + s->cpd_room;
		bool keep = m->comp == IMG_COMP_MANIFEST || essential_module(m->name);

		/* A module runs up to the next one in offset order (or the partition end). */
		for (size_t j = 0; j < rep->n_modules; j++)
			if (rep->modules[j].start > m->start && rep->modules[j].start < stop)
				stop = rep->modules[j].start;
		if (m->start >= stop)
			continue;
		m->fate = keep ? IMG_MOD_KEPT : IMG_MOD_REMOVED;
		r = img_out(c, " %-12s (0x%06x - 0x%06llx): %s\n", m->name, m->start,
			    (unsigned long long)stop, keep ? "NOT removed" : "removed");
		if (!r && !keep)
			r = img_fill(c, rg, m->start, (int64_t)stop, 0xFF);
	}
	return r;
}

/* @again: me_cleaner's flow already printed the $FPT, version and key lines. */
static int cse_run(struct img_ctx *c, const struct img_range *rg, struct cse_scan *s, bool again)
{
	const struct img_options *o = c->o;
	struct img_cse_info *ci = &c->rep->cse;
	const uint16_t *v = s->man.version;
	const bool txe = is_txe(&s->man);
	const struct cse_hap *h = cse_hap_lookup(v[0], txe);
	const struct img_key *k;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char md5[33] = "";
	const char *scheme;
	enum img_sig sig;
	uint32_t hap_off = 0;
	int strap = -1;
	int r;

	if (!EVP_Digest(s->man.modulus, s->man.rsa_bits / 8 + 4, md, &mdlen, EVP_md5(), NULL))
		return -ENOMEM;
	for (unsigned i = 0; i < mdlen && i < 16; i++)
		snprintf(md5 + 2 * i, 3, "%02x", md[i]);
	k = cse_key_lookup(md5);
	fill_report(c, rg, s, md5, k, h);
	c->gen = 3;
	memcpy(c->version, v, sizeof(c->version));

	r = img_out(c, "Intel %s %u firmware detected (beyond me_cleaner 1.2)\n",
		    txe ? "CSTXE" : "CSME", v[0]);
	if (again)
		goto described;
	if (!r && s->layout != CSE_NONE)
		r = img_out(c, "Found CSE layout table %u.%u at 0x%llx\n", s->layout_version / 10,
			    s->layout_version % 10, (long long)(rg->start + s->layout));
	if (!r && s->fpt != CSE_NONE)
		r = img_out(c, "Found FPT header at 0x%llx\n", (long long)(rg->start + s->fpt));
	if (!r && s->bpdt != CSE_NONE)
		r = img_out(c, "Found BPDT at 0x%llx\n", (long long)(rg->start + s->bpdt));
	if (!r)
		r = img_out(c, "Found FTPR $CPD (header version %u%s) at 0x%llx via %s\n",
			    s->dir.header_version, s->dir.checksum_ok ? "" : ", checksum mismatch",
			    (long long)(rg->start + s->cpd), s->how);
	if (!r)
		r = img_out(c, "Found FTPR manifest at 0x%llx\n", (long long)s->man_off);
	if (!r)
		r = img_out(c, "ME/TXE firmware version %u.%u.%u.%u (%s %u)\n", v[0], v[1], v[2],
			    v[3], txe ? "CSTXE" : "CSME", v[0]);
	if (!r)
		r = img_out(c, "Manifest signature: RSA-%u / SHA-%u\n", s->man.rsa_bits,
			    s->man.hash_bits);
	if (!r && k)
		r = img_out(c, "Public key match: Intel %s, firmware versions %s\n", k->variant,
			    k->versions);
	else if (!r)
		r = img_out(c, "WARNING Unknown public key %s\n        Assuming Intel %s\n"
			    "        Please report this warning to the project's maintainer!\n",
			    md5, txe ? "TXE" : "ME");
described:
	if (!r && s->oem_km)
		r = img_out(c, "The BPDT has an OEM Key Manifest entry (Boot Guard key provisioning)\n");
	if (!r && again)
		r = img_out(c, "Manifest signature: RSA-%u / SHA-%u, FTPR $CPD header version %u\n",
			    s->man.rsa_bits, s->man.hash_bits, s->dir.header_version);
	if (r)
		return r;

	if (!hap_word(c, h, &hap_off, &strap)) {
		struct img_strap *st = &c->rep->strap;
		uint32_t w = img_le32(c->buf + hap_off);

		ci->hap_known = true;
		ci->hap_offset = hap_off;
		ci->hap_bit = h->bit;
		ci->hap_set = (w >> h->bit) & 1;
		st->present = true;
		st->name = "HAP";
		st->offset = hap_off;
		st->bit = h->bit;
		st->set_before = st->set_after = ci->hap_set;
		r = img_out(c, "The HAP bit (PCHSTRP%d bit %u, %s PCH) is %s\n", strap, h->bit,
			    h->pch, ci->hap_set ? "SET" : "NOT SET");
		if (!r && !h->confirmed)
			r = img_out(c, "WARNING the HAP location for %s %u is not confirmed: %s\n",
				    txe ? "CSTXE" : "CSME", v[0], h->note);
	} else if (c->full) {
		ci->note = h ? h->note : "unknown firmware family";
		r = img_out(c, "The HAP strap location for this PCH is not known: %s\n", ci->note);
	}
	if (r)
		return r;

	if (!o->check) {
		if (o->relocate || o->truncate || o->descriptor || o->extract_descriptor ||
		    o->extract_me)
			return img_fail(c, "Error: -r, -t, -d, -D and -M are not supported on %s %u "
					"images; nothing was changed\n", txe ? "CSTXE" : "CSME", v[0]);
		if (!o->soft_disable_only && !o->force)
			return img_fail(c, "Error: removing partitions or modules from %s %u firmware "
					"is refused (it is known to brick or slow down these machines); "
					"use -s to only set the HAP bit, or --force to clean anyway\n",
					txe ? "CSTXE" : "CSME", v[0]);
		if ((o->soft_disable || o->soft_disable_only) && !ci->hap_known)
			return img_fail(c, "Error: %s; the HAP bit was not set and nothing was "
					"changed\n", c->full ? ci->note : "-S and -s require a full dump");
		if (!o->soft_disable_only) {
			r = forced_module_removal(c, rg, s);
			if (r)
				return r;
		}
		if (o->soft_disable || o->soft_disable_only) {
			uint32_t w = img_le32(c->buf + hap_off) | 1u << h->bit;

			r = img_out(c, "Setting the HAP bit in PCHSTRP%d to disable Intel ME...\n",
				    strap);
			if (r)
				return r;
			img_put_le32(c->buf + hap_off, w);
			ci->hap_set = true;
			c->rep->strap.set_after = true;
		}
	}

	/* The signature is checked on the (possibly modified) image, like me_cleaner. */
	if (s->man.base != c->buf + rg->start + s->man_off)
		return -EINVAL;
	r = cse_verify(&s->man, &sig, &scheme);
	if (r)
		return r;
	ci->sig = sig;
	c->rep->sig = sig;
	r = sig_line(c, sig);
	if (r)
		return r;
	if (!o->check)
		r = img_out(c, "Done! Good luck!\n");
	return r ? r : 1;
}

static int probe_range(struct img_ctx *c, const struct img_range *rg, bool again)
{
	struct cse_scan s;

	if (rg->start < 0 || rg->end <= rg->start || rg->start >= (int64_t)c->len)
		return 0;
	if (cse_scan(c->buf + rg->start,
		     (size_t)((rg->end < (int64_t)c->len ? rg->end : (int64_t)c->len) - rg->start), &s))
		return 0;
	return cse_run(c, rg, &s, again);
}

static int cse_probe(struct img_ctx *c)
{
	struct img_range whole = { 0, (int64_t)c->len };

	/* Before the descriptor/$FPT are known (bare region): the whole file. */
	if (!c->full && c->me.end <= c->me.start)
		return probe_range(c, &whole, false);
	return probe_range(c, &c->me, false);
}

int img_unknown_hook(struct img_ctx *c)
{
	int r = cse_probe(c);

	return r > 0 ? IMG_STOP : r;
}

int img_cse_after_manifest(struct img_ctx *c)
{
	int r;

	/* me_cleaner calls every $CPD image "generation 3"; CSME 12+ are not ME 11. */
	if (c->version[0] < 12)
		return 0;
	r = probe_range(c, &c->me, true);
	if (r)
		return r > 0 ? IMG_STOP : r;
	return img_fail(c, "Error: CSME %u firmware whose FTPR manifest mectl cannot parse; "
			"nothing was changed\n", c->version[0]);
}
