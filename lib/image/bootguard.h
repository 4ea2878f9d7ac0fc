/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_IMAGE_BOOTGUARD_H
#define MECTL_IMAGE_BOOTGUARD_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"

/*
 * Parse the FIT of a whole flash image (@len = flash size) into @bg (fit_present,
 * fit_offset, key_manifest, boot_policy_manifest). Reads only [img, img + len).
 * Return: 0 when a FIT was found, -ENOENT when there is none, -EINVAL when it is malformed.
 */
int bg_fit_parse(const uint8_t *img, size_t len, struct img_bootguard_info *bg);

#endif
