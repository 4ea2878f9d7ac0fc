// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Boot Guard detection. On a Boot Guard machine the CPU's ACM checks the BIOS against
 * an OEM key whose hash is fused into the PCH (FPF), and the ME takes part in that
 * boot; users report machines that no longer boot, or power off after 30 minutes,
 * once the ME is cleaned or disabled (me_cleaner issues #6, #26, #34, #97, #229).
 *
 * Evidence looked for, without changing anything:
 *  - BIOS side: the Firmware Interface Table. Its address is the 32-bit pointer at
 *    4 GiB - 0x40 (the last 0x40 bytes of the flash, which is mapped below 4 GiB).
 *    The FIT starts with a header entry "_FIT_   "; entries are 16 bytes {u64 address,
 *    u24 size, u8 reserved, u16 version, u8 type (bits 0-6) | checksum-valid (bit 7),
 *    u8 checksum}. Type 0x0B is the Boot Guard Key Manifest ("__KEYM__"), type 0x0C the
 *    Boot Policy Manifest ("__ACBP__") (Intel FIT BIOS Specification).
 *  - ME side: a BPDT entry of type 20, OEM Key Manifest (CSME 12+; coreboot
 *    cse_layout.h), found by cse_scan().
 */
#include <stdio.h>

#include "image-internal.h"
#include "bootguard.h"
#include "cse.h"
#include "hooks.h"

#define FIT_MAX_ENTRIES 512

static bool fits(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

/* Flash offset of a physical address below 4 GiB, for a flash of @len bytes. */
static bool phys_to_off(uint64_t addr, uint64_t len, uint64_t *off)
{
	const uint64_t base = 0x100000000ull - len;

	if (len == 0 || len > 0x100000000ull || addr < base || addr >= 0x100000000ull)
		return false;
	*off = addr - base;
	return true;
}

int bg_fit_parse(const uint8_t *img, size_t len, struct img_bootguard_info *bg)
{
	uint64_t fit, off;
	uint32_t n;

	bg->checked = true;
	if (len < 0x40 || !phys_to_off(img_le32(img + len - 0x40), len, &fit) ||
	    !fits(len, fit, 16) || memcmp(img + fit, "_FIT_   ", 8))
		return -ENOENT;
	n = img_le32(img + fit + 8) & 0xFFFFFF;
	if (n == 0 || n > FIT_MAX_ENTRIES || !fits(len, fit, (uint64_t)n * 16))
		return -EINVAL;
	bg->fit_present = true;
	bg->fit_offset = fit;
	for (uint32_t i = 1; i < n; i++) {
		const uint8_t *e = img + fit + 16 * i;
		uint8_t type = e[14] & 0x7F;
		uint64_t addr = img_le32(e) | (uint64_t)img_le32(e + 4) << 32;
		const char *sig = type == 0x0B ? "__KEYM__" : type == 0x0C ? "__ACBP__" : NULL;

		if (!sig)
			continue;
		/* Count it only when the manifest it points at carries its signature. */
		if (!phys_to_off(addr, len, &off) || !fits(len, off, 8) || memcmp(img + off, sig, 8))
			continue;
		if (type == 0x0B)
			bg->key_manifest = true;
		else
			bg->boot_policy_manifest = true;
	}
	return 0;
}

int img_bootguard_probe(struct img_ctx *c)
{
	struct img_bootguard_info *bg = &c->rep->bootguard;
	const struct img_options *o = c->o;
	struct cse_scan s;
	int r = 0;

	memset(bg, 0, sizeof(*bg));
	bg_fit_parse(c->buf, c->len, bg);
	if (c->me.start >= 0 && c->me.start < c->me.end && c->me.end <= (int64_t)c->len &&
	    !cse_scan(c->buf + c->me.start, (size_t)(c->me.end - c->me.start), &s))
		bg->fpf_evidence = s.oem_km;
	bg->likely_enabled = (bg->key_manifest && bg->boot_policy_manifest) || bg->fpf_evidence;
	if (!bg->likely_enabled) {
		bg->note = bg->fit_present ? "FIT without Boot Guard manifests" : NULL;
		return 0;
	}
	bg->note = bg->key_manifest && bg->boot_policy_manifest ?
		   "FIT Key Manifest and Boot Policy Manifest present" :
		   "OEM Key Manifest in the ME region";
	r = img_out(c, "Boot Guard: %s (FIT at 0x%llx)\n", bg->note,
		    (unsigned long long)bg->fit_offset);
	if (r || o->check)
		return r;
	/* Loud, before anything is changed: every step after this one may change the image. */
	r = img_err(c, "WARNING: this image carries Intel Boot Guard (%s).\n"
		       "WARNING: on a Boot Guard machine a cleaned or soft-disabled ME can leave it\n"
		       "WARNING: unable to boot, or make it power off after 30 minutes. Keep the\n"
		       "WARNING: original image and a way to write it back (an external programmer).\n",
		    bg->note);
	return r;
}
