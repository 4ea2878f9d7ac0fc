/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_IMAGE_CSE_H
#define MECTL_IMAGE_CSE_H

/*
 * CSME 12+ / TXE 3-4 structure parsing (cse.c), split from the run hooks so that the
 * fuzzers and unit tests can call the pure parsers on a byte range. Every function
 * here only reads [p, p + len) and never trusts a size or offset it reads.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

#define CSE_NONE ((int64_t)-1)

struct cse_cpd {
	unsigned header_version;	/* 1 or 2 */
	uint32_t header_length;		/* 0x10 or 0x14 */
	uint32_t entries;
	char name[5];			/* partition name, "FTPR" */
	bool checksum_ok;		/* v1: 8-bit sum, v2: CRC-32 */
	int64_t manifest;		/* offset of FTPR.man from the $CPD, CSE_NONE if absent */
	uint32_t manifest_length;
};

struct cse_manifest {
	uint16_t version[4];
	uint32_t header_version;	/* 0x10000 (RSA-2048) or 0x21000 (RSA-3072) */
	unsigned rsa_bits;		/* 2048 or 3072 */
	unsigned hash_bits;		/* 256 or 384 */
	uint32_t hlen, mlen;		/* header (incl. key + signature) and whole manifest */
	const uint8_t *modulus;		/* little-endian, rsa_bits / 8 bytes */
	uint32_t exponent;
	const uint8_t *signature;	/* little-endian */
	const uint8_t *base;		/* manifest start */
};

/* Where the pieces of a CSME region are (all offsets region-relative). */
struct cse_scan {
	int64_t layout;			/* CSE layout table (0) or CSE_NONE */
	unsigned layout_version;	/* 16 or 17 */
	int64_t fpt;			/* $FPT (data partition), or CSE_NONE */
	int64_t bpdt;			/* the BPDT holding FTPR, or CSE_NONE */
	int64_t cpd;			/* FTPR $CPD, or CSE_NONE */
	uint32_t cpd_room;		/* bytes from cpd to its partition end */
	const char *how;		/* how FTPR was found: "$FPT", "BPDT", "scan" */
	bool oem_km;			/* a BPDT OEM Key Manifest entry (type 20) */
	struct cse_cpd dir;
	struct cse_manifest man;
	int64_t man_off;		/* region-relative, CSE_NONE if not found */
};

/* Parse a $CPD directory at p. 0, or -EINVAL if it is not one. */
int cse_cpd_parse(const uint8_t *p, size_t len, struct cse_cpd *out);
/* Parse a CSE manifest ($MN2 with RSA-2048 or RSA-3072). 0 or -EINVAL. */
int cse_manifest_parse(const uint8_t *m, size_t len, struct cse_manifest *out);
/* Locate $FPT / BPDT / FTPR $CPD / FTPR.man in a region. 0, -ENOENT (no FTPR manifest). */
int cse_scan(const uint8_t *rg, size_t len, struct cse_scan *out);
/* RSA signature (PKCS#1 v1.5, else PSS) with SHA-256/SHA-384. 0 or -ENOMEM. */
int cse_verify(const struct cse_manifest *m, enum img_sig *sig, const char **scheme);
/* IEEE CRC-32 (the $CPD v2 header checksum). */
uint32_t cse_crc32(const uint8_t *p, size_t n);

/* Where the HAP bit sits for a firmware family (a const table, see cse.c). */
struct cse_hap {
	unsigned major;			/* CSME major version (TXE: 3, 4 with txe = true) */
	bool txe;
	const char *pch;		/* PCH generation */
	int strap;			/* PCHSTRP number, -1 when not known for certain */
	int strap_lp, strap_h;		/* when LP and H PCHs differ (else 0, 0) */
	unsigned bit;
	bool confirmed;			/* more than one independent source, or a tested report */
	const char *note;		/* why the location is (un)certain */
};
const struct cse_hap *cse_hap_lookup(unsigned major, bool txe);
/* The strap for a PCH SKU ("lp", "h" or NULL): the PCHSTRP number, or -1. */
int cse_hap_strap(const struct cse_hap *h, const char *sku);
extern const struct cse_hap cse_hap_table[];

/* Keys of firmware newer than me_cleaner's table (MD5 of modulus + exponent). */
const struct img_key *cse_key_lookup(const char *md5);

#endif
