/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_JOB_WRITE_H
#define MECTLD_JOB_WRITE_H

/*
 * The write steps write, restore and neutralize share (job-write.c): arm, rewrite
 * the blocks that differ, verify them, disarm.
 */
#include <stdint.h>

#include "chip.h"
#include "job.h"

struct flash;
struct flash_write_stats;

/*
 * The image of a write or restore against its chip: the chip's size, and for a
 * restore a backup mectld made of this chip unless forced. Its SHA-256 into sha_img;
 * -EINVAL or -EPERM with the outcome's message set, nothing written.
 */
int job_image_admit(Job *j, const char *chip_id, uint64_t chip_size, const uint8_t *image,
		    size_t len, char sha_img[65], JobOutcome *o);
int job_write_chip(Job *j, Chip *chip, struct flash *f, const uint8_t *current,
		   const uint8_t *target, struct flash_write_stats *st, JobOutcome *o);
void write_stats_to_json(const struct flash_write_stats *st, struct strbuf *b);

#endif
