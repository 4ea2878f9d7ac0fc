// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the probe job. Attaches spiBUS.CS through mectl_flash when asked (and
 * not attached yet), then reports the chip: netlink's GET_INFO plus the MTD
 * geometry the daemon will use.
 */
#include <string.h>

#include "chip.h"
#include "flash.h"
#include "mectld.h"

static int probe_attach(Job *j, int *ret_mtd, JobOutcome *o)
{
	_cleanup_free_ struct chip_info *chips = NULL;
	struct chip_info info;
	size_t n = 0;
	int r;

	r = kernel_list_chips(&chips, &n);
	if (r == -ENOENT) {
		o->message = strdup("mectl_flash is not loaded (modprobe mectl_flash)");
		return r;
	}
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (chips[i].bus == j->bus && chips[i].cs == j->cs && chips[i].has_mtd) {
			*ret_mtd = (int)chips[i].mtd_index;
			return 0;
		}
	job_set_phase(j, JOB_PHASE_ATTACH);
	r = kernel_attach(j->bus, j->cs, j->speed_hz, &info);
	if (r < 0) {
		if (asprintf(&o->message, "cannot attach spi%u.%u: %s", j->bus, j->cs,
			     r == -ENODEV ? "no chip answers on the bus" : strerror(-r)) < 0)
			o->message = NULL;
		return r;
	}
	if (!info.has_mtd)
		return -EBADMSG;
	*ret_mtd = (int)info.mtd_index;
	return 0;
}

int job_run_probe(Job *j, JobOutcome *o)
{
	struct flash f = { .fd = -1 };
	struct strbuf b = {};
	Chip chip;
	int mtd = j->mtd, r;

	if (j->attach) {
		r = probe_attach(j, &mtd, o);
		if (r < 0)
			return r;
	}
	job_set_phase(j, JOB_PHASE_PROBE);
	r = chip_identify(mtd, &chip);
	if (r < 0) {
		if (asprintf(&o->message, "no chip behind /dev/mtd%d", mtd) < 0)
			o->message = NULL;
		return r;
	}
	r = flash_open((unsigned)mtd, false, chip.info.page_size, chip.info.block_erase_size,
		       &f);
	if (r < 0) {
		if (asprintf(&o->message, "cannot open /dev/mtd%d: %s", mtd, strerror(-r)) < 0)
			o->message = NULL;
		return r;
	}
	flash_close(&f);

	strbuf_printf(&b, "{");
	chip_to_json(&chip, f.size, f.erasesize, &b);
	strbuf_printf(&b, ",\"mtd_type\":\"%s\"}", f.type);
	o->result = strbuf_steal(&b);
	if (chip.managed)
		r = asprintf(&o->message, "/dev/mtd%d: %s %s (JEDEC id %s) on spi%u.%u, %llu bytes, erase block %u",
			     mtd, chip.info.manufacturer, chip.info.part, chip.jedec_hex, chip.info.bus, chip.info.cs,
			     (unsigned long long)f.size, f.erasesize);
	else
		r = asprintf(&o->message, "/dev/mtd%d: %s (%s, not a mectl_flash chip), %llu bytes, erase block %u",
			     mtd, f.name, f.type, (unsigned long long)f.size, f.erasesize);
	if (r < 0)
		o->message = NULL;
	o->state = JOB_SUCCEEDED;
	return 0;
}
