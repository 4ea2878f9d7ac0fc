// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The FTPR manifest's RSA signature, checked the way me_cleaner 1.2's
 * check_partition_signature() checks it:
 * R = S^e mod N over the little-endian 2048-bit values stored in the manifest;
 * valid when R >= 2^252 and R's low 256 bits equal SHA-256(header[0..0x80) ||
 * manifest[hlen..mlen)). No padding check: that is me_cleaner's rule, kept so
 * that VALID/INVALID agree with it. Big numbers and hashes come from libcrypto.
 */
#include <openssl/bn.h>
#include <openssl/evp.h>

#include "image-internal.h"

/*
 * SHA-256(header[0..0x80) || manifest[hlen..mlen)). Reads past the region end are
 * me_cleaner's OutOfRegionException; past the end of the file they come up short.
 * With mlen < hlen me_cleaner reads a negative count: up to the end of the file.
 */
static int digest(struct img_ctx *c, const uint8_t *data, size_t file_len, size_t region_len,
		  int64_t m, int64_t hlen, int64_t mlen, unsigned char md[32])
{
	int64_t a = m + hlen, b = m + mlen;
	EVP_MD_CTX *ctx;
	unsigned int n = 0;
	int ok;

	if (a > (int64_t)region_len || (mlen >= hlen && b > (int64_t)region_len))
		return img_fail(c, "Error: the FTPR manifest (0x%llx, 0x%llx bytes) runs past the "
				"end of the ME region: the image is malformed\n", (long long)m,
				(long long)mlen);
	if (b < a || b > (int64_t)file_len)
		b = (int64_t)file_len;
	if (a > b)
		a = b;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, data + m, 0x80) &&
	     EVP_DigestUpdate(ctx, data + a, (size_t)(b - a)) &&
	     EVP_DigestFinal_ex(ctx, md, &n) && n == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : img_fail(c, "Error: SHA-256 is not available from libcrypto\n");
}

static BIGNUM *le_bn(const uint8_t *p, size_t n)
{
	return BN_lebin2bn(p, (int)n, NULL);
}

int img_rsa_check(struct img_ctx *c, const uint8_t *data, size_t file_len, size_t region_len,
		  int64_t m, enum img_sig *sig)
{
	size_t len = file_len < region_len ? file_len : region_len;
	BIGNUM *n = NULL, *e = NULL, *s = NULL, *res = NULL, *low = NULL, *want = NULL;
	BN_CTX *bctx = NULL;
	unsigned char md[32];
	int r;

	if (m < 0 || m + 0x284 > (int64_t)len)
		return img_fail(c, "Error: the FTPR manifest (0x%llx) lies past the end of the "
				"image: the image is truncated or malformed\n", (long long)m);
	/* dword counts: in 64 bits, as me_cleaner's integers (a uint32_t * 4 wraps) */
	r = digest(c, data, file_len, region_len, m, (int64_t)img_le32(data + m + 4) * 4,
		   (int64_t)img_le32(data + m + 0x18) * 4, md);
	if (r)
		return r;

	bctx = BN_CTX_new();
	n = le_bn(data + m + 0x80, 0x100);
	e = le_bn(data + m + 0x180, 4);
	s = le_bn(data + m + 0x184, 0x100);
	res = BN_new();
	low = BN_new();
	want = BN_bin2bn(md, 32, NULL);
	if (!bctx || !n || !e || !s || !res || !low || !want) {
		r = -ENOMEM;
		goto out;
	}
	if (BN_is_zero(n)) {
		r = img_fail(c, "Error: the FTPR manifest's RSA modulus is 0: the image is "
			     "malformed\n");
		goto out;
	}
	/* BN_mask_bits() fails on a number shorter than the mask */
	if (!BN_mod_exp(res, s, e, n, bctx) || !BN_copy(low, res) ||
	    (BN_num_bits(low) > 256 && !BN_mask_bits(low, 256))) {
		r = -ENOMEM;
		goto out;
	}
	*sig = BN_num_bits(res) > 252 && !BN_cmp(low, want) ? IMG_SIG_VALID : IMG_SIG_INVALID;
	r = 0;
out:
	BN_free(n);
	BN_free(e);
	BN_free(s);
	BN_free(res);
	BN_free(low);
	BN_free(want);
	BN_CTX_free(bctx);
	return r;
}
