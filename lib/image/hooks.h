/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_IMAGE_HOOKS_H
#define MECTL_IMAGE_HOOKS_H

/*
 * Where the me_cleaner flow (clean.c, manifest.c) hands an image to the parsers of
 * what me_cleaner 1.2 does not know: CSME 12+ / TXE 3-4 (cse.c) and Boot Guard
 * (bootguard.c). They see the run through struct img_ctx (image-internal.h) and
 * return what the steps of the flow return: 0 to go on, IMG_STOP when they ended the
 * run (exit code and log set), -ENOMEM.
 *
 * img_unknown_hook(): called where me_cleaner gives up on an image ("Unknown image",
 *   "The ME/TXE region is valid but the firmware is corrupted or missing", "Can't find
 *   the manifest of the FTPR partition", "Wrong FTPR manifest tag"), before that
 *   message is logged. IMG_STOP when cse.c recognised the image and finished the run
 *   (it fills ctx->r->report.cse); 0 lets the me_cleaner error happen.
 * img_cse_after_manifest(): called after the version/key lines of gen 3 images
 *   (me_cleaner treats ME 12+ as gen 3). IMG_STOP for CSME 12+: clean refused without
 *   --force, or finished (cse.c sets the HAP strap of CSME 12+ itself); 0 for ME 11.
 * img_bootguard_probe(): called once per full image right after the descriptor is
 *   decoded, before anything is changed. Fills ctx->r->report.bootguard; may log a
 *   warning (-S). 0 or -ENOMEM.
 */
#include "image-internal.h"

int img_unknown_hook(struct img_ctx *c);			/* cse.c */
int img_cse_after_manifest(struct img_ctx *c);			/* cse.c */
int img_bootguard_probe(struct img_ctx *c);			/* bootguard.c */

#endif
