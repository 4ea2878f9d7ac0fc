// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel's public keys as me_cleaner 1.2 knows them (its pubkeys_md5): MD5 of the manifest's
 * modulus followed by its exponent (0x104 bytes at manifest + 0x80).
 */
#include "image-internal.h"

const struct img_key img_known_keys[] = {
	{ .md5 = "8431285d43b0f2a2f520d7cab3d34178", .variant = "ME",
	  .versions = "2.0.x.x, 2.1.x.x, 2.2.x.x" },
	{ .md5 = "4c00dd06c28119b5c1e5bb8eb6f30596", .variant = "ME",
	  .versions = "2.5.x.x, 2.6.x.x" },
	{ .md5 = "9c24077a7f7490967855e9c4c16c6b9e", .variant = "ME", .versions = "3.x.x.x" },
	{ .md5 = "bf41464be736f5520d80c67f6789020e", .variant = "ME", .versions = "4.x.x.x" },
	{ .md5 = "5c7169b7e7065323fb7b3b5657b4d57a", .variant = "ME", .versions = "5.x.x.x" },
	{ .md5 = "763e59ebe235e45a197a5b1a378dfa04", .variant = "ME", .versions = "6.x.x.x" },
	{ .md5 = "3a98c847d609c253e145bd36512629cb", .variant = "ME", .versions = "6.0.50.x" },
	{ .md5 = "0903fc25b0f6bed8c4ed724aca02124c", .variant = "ME",
	  .versions = "7.x.x.x, 8.x.x.x" },
	{ .md5 = "2011ae6df87c40fba09e3f20459b1ce0", .variant = "ME",
	  .versions = "9.0.x.x, 9.1.x.x" },
	{ .md5 = "e8427c5691cf8b56bc5cdd82746957ed", .variant = "ME",
	  .versions = "9.5.x.x, 10.x.x.x" },
	{ .md5 = "986a78e481f185f7d54e4af06eb413f6", .variant = "ME", .versions = "11.x.x.x" },
	{ .md5 = "bda0b6bb8ca0bf0cac55ac4c4d55e0f2", .variant = "TXE", .versions = "1.x.x.x" },
	{ .md5 = "b726a2ab9cd59d4e62fe2bead7cf6997", .variant = "TXE", .versions = "1.x.x.x" },
	{ .md5 = "0633d7f951a3e7968ae7460861be9cfb", .variant = "TXE", .versions = "2.x.x.x" },
	{ .md5 = "1d0a36e9f5881540d8e4b382c6612ed8", .variant = "TXE", .versions = "3.x.x.x" },
	{ .md5 = "be900fef868f770d266b1fc67e887e69", .variant = "SPS", .versions = "2.x.x.x" },
	{ .md5 = "4622e3f2cb212a89c90a4de3336d88d2", .variant = "SPS", .versions = "3.x.x.x" },
	{ .md5 = "31ef3d950eac99d18e187375c0764ca4", .variant = "SPS", .versions = "4.x.x.x" },
	{ .md5 = NULL }
};

const struct img_key *img_key_lookup(const char *md5)
{
	const struct img_key *k;

	for (k = img_known_keys; k->md5; k++)
		if (!strcmp(k->md5, md5))
			return k;
	return NULL;
}
