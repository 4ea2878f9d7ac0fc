// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the host's chip as an MTD device (host-chip.h's mtd backend), the way the
 * kernel's Intel SPI controller driver offers it: spi-intel (spi-intel-pci,
 * spi-intel-platform; platform/PCI driver "intel-spi") registers the chip as a SPI
 * NOR device whose one partition, "BIOS", spans the flash regions; without its
 * parameter writeable=1, or when a Protected Range register covers a region, the
 * partition has no MTD_WRITEABLE. The data path is flash.c's, the Pi's: whole reads,
 * the changed erase blocks only, each read back.
 *
 * InternalMTD= names the device (mtd-sysfs.c finds it). A chip mectl_flash attached
 * is refused: that is a clipped chip, the --mtd path's.
 *
 * A write changes bytes inside the given regions only: a differing byte outside
 * them, or a differing erase block that reaches outside them, is refused before the
 * device is opened for writing, so the controller never has to refuse a cycle
 * half-way (spi-intel's -EACCES on an access error).
 */
#include <string.h>

#include "host-chip.h"
#include "job-write.h"

#define RO_WAY_OUT "spi-intel registers it read-only unless loaded with writeable=1 " \
	"(modprobe -r spi-intel-pci spi-intel; modprobe spi-intel writeable=1; modprobe " \
	"spi-intel-pci); if it stays read-only, a Protected Range register the firmware locked " \
	"covers a region: an external programmer, mectl on a Raspberry Pi"

static int mtd_read(struct host_chip *h, uint64_t off, uint8_t *buf, uint64_t len,
		    flash_progress_fn cb, void *userdata)
{
	int r;

	if (off == 0 && len == h->size)
		r = flash_read_all(&h->mtd.f, buf, cb, userdata);
	else
		r = flash_read_range(&h->mtd.f, off, buf, len);
	if (r < 0)
		snprintf(h->err, sizeof(h->err), "reading %s at 0x%llx failed: %s", h->label,
			 (unsigned long long)off, strerror(-r));
	return r;
}

/* The plan's bounds before anything is written; the changed regions into rep. */
static int check_plan(struct host_chip *h, const uint8_t *current, const uint8_t *target,
		      const struct host_region *g, unsigned n, struct host_write_report *rep)
{
	bool changed[IMG_HOST_MAX_REGIONS];
	unsigned k = 0;
	int r;

	r = preflight_write_bounds(g, n, current, target, h->size, h->mtd.f.erasesize, changed,
				   h->err, sizeof(h->err));
	if (r < 0)
		return r;
	for (unsigned i = 0; i < IMG_HOST_MAX_REGIONS; i++)
		if (changed[i])
			rep->changed[k++] = fr_region_name(i);
	rep->changed[k] = NULL;
	return 0;
}

static int mtd_write(struct host_chip *h, const uint8_t *current, const uint8_t *target,
		     const struct host_region *regions, unsigned n, struct host_write_report *rep,
		     flash_progress_fn cb, void *userdata)
{
	struct flash w = { .fd = -1 };
	int r;

	*rep = (struct host_write_report) {};
	r = check_plan(h, current, target, regions, n, rep);
	if (r < 0 || !rep->changed[0])
		return r;
	/* no chip block erases: a run covers differing erase blocks only */
	r = flash_open(h->mtd.f.index, true, 0, 0, &w);
	if (r < 0) {
		snprintf(h->err, sizeof(h->err), "cannot open %s for writing: %s; nothing was "
			 "written", h->label, strerror(-r));
		return r;
	}
	rep->touched = true;
	r = flash_write_blocks(&w, current, target, cb, userdata, &rep->st);
	if (r >= 0)
		r = flash_verify_blocks(&w, current, target, cb, userdata, &rep->st);
	flash_close(&w);
	rep->verified = r >= 0;
	if (r < 0 && rep->st.verify_failed)
		snprintf(h->err, sizeof(h->err), "verify failed: the erase block at 0x%llx still "
			 "reads wrong after %d attempts (%llu of %llu changed blocks verified)",
			 (unsigned long long)rep->st.bad_offset, FLASH_WRITE_ATTEMPTS,
			 (unsigned long long)rep->st.blocks_verified,
			 (unsigned long long)rep->st.blocks_changed);
	else if (r < 0)
		snprintf(h->err, sizeof(h->err), "writing failed after %llu of %llu blocks: %s%s",
			 (unsigned long long)rep->st.blocks_done,
			 (unsigned long long)rep->st.blocks_changed, strerror(-r),
			 r == -EACCES ? " (the controller refused the cycle)" : "");
	return r < 0 ? -EIO : 0;
}

static void mtd_json(const struct host_chip *h, const struct host_write_report *rep,
		     struct strbuf *b)
{
	chip_to_json(&h->mtd.chip, h->size, h->mtd.f.erasesize, b);
	strbuf_printf(b, ",\"" MECTL_RESULT_MTD_WRITEABLE "\":%s,\"" MECTL_RESULT_DRIVERS "\":",
		      h->mtd.f.writeable ? "true" : "false");
	json_str(b, h->mtd.driver);
	if (rep) {
		strbuf_printf(b, ",");
		write_stats_to_json(&rep->st, b);
	}
}

static void mtd_close(struct host_chip *h)
{
	flash_close(&h->mtd.f);
}

const struct host_chip_ops host_mtd_ops = {
	.name = "mtd",
	.read = mtd_read,
	.write = mtd_write,
	.json = mtd_json,
	.close = mtd_close,
};

int host_mtd_open(struct host_chip *h, int index)
{
	struct host_mtd *m = &h->mtd;
	int r;

	h->ops = &host_mtd_ops;
	m->f = (struct flash) { .fd = -1 };
	r = chip_identify(index, &m->chip);
	if (r >= 0 && m->chip.managed) {
		snprintf(h->err, sizeof(h->err), "/dev/mtd%d is a chip mectl_flash attached, not the "
			 "host's own: InternalMTD= must name the host's BIOS flash (a clipped chip "
			 "takes --mtd)", index);
		return -EINVAL;
	}
	if (r >= 0)
		r = flash_open((unsigned)index, false, 0, 0, &m->f);
	if (r < 0) {
		snprintf(h->err, sizeof(h->err), "cannot open /dev/mtd%d: %s", index, strerror(-r));
		return r;
	}
	h->size = m->f.size;
	snprintf(h->label, sizeof(h->label), "/dev/mtd%d (%s)", index, m->f.name);
	snprintf(h->id, sizeof(h->id), "%s", m->chip.id);
	host_mtd_drivers("/sys", (unsigned)index, m->driver, sizeof(m->driver));
	if (!m->f.writeable && h->n_locks < PREFLIGHT_LOCKS_MAX) {
		struct host_lock *l = &h->locks[h->n_locks++];

		snprintf(l->what, sizeof(l->what), "%s is read-only (no MTD_WRITEABLE)", h->label);
		snprintf(l->way_out, sizeof(l->way_out), "way out: %s", RO_WAY_OUT);
		l->start = 0;
		l->end = 0;
	}
	return 0;
}
