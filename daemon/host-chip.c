// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: which backend reaches the host's own chip (host-chip.h). spi-intel's MTD
 * device where InternalMTD= finds it, libflashrom's programmer otherwise.
 */
#include <string.h>

#include "host-chip.h"

static bool set(const char *s)
{
	return s && *s;
}

bool host_chip_configured(const struct mectld_config *cfg)
{
	return set(cfg->internal_mtd) || set(cfg->internal_programmer);
}

int host_chip_open(const struct mectld_config *cfg, struct host_chip *h)
{
	char why[sizeof(h->skipped) - 64] = "";
	int index;

	*h = (struct host_chip) { .mtd.f.fd = -1 };
	if (set(cfg->internal_mtd)) {
		index = host_mtd_find("/sys", cfg->internal_mtd, why, sizeof(why));
		if (index >= 0)
			return host_mtd_open(h, index);
		if (!set(cfg->internal_programmer)) {
			snprintf(h->err, sizeof(h->err), "%s (InternalMTD=%s in mectld.conf; "
				 "InternalProgrammer=internal would use libflashrom)", why,
				 cfg->internal_mtd);
			return index;
		}
		snprintf(h->skipped, sizeof(h->skipped), "InternalMTD=%s: %s", cfg->internal_mtd, why);
	}
	if (!set(cfg->internal_programmer)) {
		snprintf(h->err, sizeof(h->err), "internal flashing is off (InternalMTD= or "
			 "InternalProgrammer= in mectld.conf)");
		return -EPERM;
	}
	return host_flashrom_open(h, cfg);
}

void host_chip_close(struct host_chip *h)
{
	if (h->ops)
		h->ops->close(h);
	h->ops = NULL;
}
