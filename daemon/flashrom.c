// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the chip through libflashrom 1.3 (internal flashing).
 *
 * What libflashrom 1.3 does, and what this file builds on:
 *  - flashrom_image_read() reads only the regions a layout includes, so a layout of
 *    one region per step gives a whole-chip read with progress (1.3 has no progress
 *    callback of its own);
 *  - flashrom_image_write() with a layout touches only the erase blocks of the
 *    included regions; the bytes of target outside them are silently replaced by what
 *    the chip holds, hence the refusal of such a target here, before anything is
 *    written; given a refbuffer it takes that for the chip's contents instead of
 *    reading them, so a stale one shows only in the verify, which covers the
 *    included regions (verify-whole-chip off) and makes the call return 3;
 *  - flashrom_layout_read_from_ifd() reads the descriptor from the chip (4 KiB) and
 *    names its regions "fd", "bios", "me", "gbe", "pd", ...; given a dump to compare,
 *    1.3.0 reports "Descriptors don't match!" even for the chip's own bytes, so the
 *    check that current holds the chip's descriptor is a read of those 4 KiB here;
 *  - flashrom_programmer_init() never sets its programmer pointer, and
 *    flashrom_programmer_shutdown() ignores it: whether one is up is kept here;
 *  - the chip's name is only in the probe's message ('Found VENDOR flash chip
 *    "NAME" (N kB, BUS) on PROGRAMMER.'): 1.3 has no call that returns it.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include <libflashrom.h>
#include <linux/capability.h>

#include "flashrom.h"
#include "util.h"

#define LOCKDOWN_PATH "/sys/kernel/security/lockdown"
#define READ_STEP (1024u * 1024)
#define IFD_SIZE 4096u
#define LOG_MAX (256u * 1024)
#define NO_LINE SIZE_MAX

/* flashrom's names for the descriptor's regions, in FLREG order (ich_descriptors.c). */
static const char *const ifd_regions[FR_REGIONS_MAX] = {
	"fd", "bios", "me", "gbe", "pd", "reg5", "bios2", "reg7",
	"ec", "reg9", "ie", "10gbe", "reg12", "reg13", "reg14", "reg15",
};

const char *fr_region_name(unsigned flreg)
{
	return flreg < ELEMENTSOF(ifd_regions) ? ifd_regions[flreg] : NULL;
}

/* Programmers that map physical memory (/dev/mem) or use port I/O. */
static const char *const hw_programmers[] = {
	"internal", "nic3com", "nicrealtek", "nicnatsemi", "nicintel", "nicintel_spi",
	"nicintel_eeprom", "gfxnvidia", "drkaiser", "satasii", "satamv", "atahpt", "atavia",
	"atapromise", "it8212", "ogp_spi", "rayer_spi",
};

#define WAYS_OUT "use the kernel's spi-intel MTD driver instead (modprobe spi-intel writeable=1; " \
	"modprobe spi-intel-pci; InternalMTD=auto in mectld.conf)"

/* The log callback has no user data: the one open handle. */
static struct fr_chip *active;

static int fr_fail(struct fr_err *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fr_fail(struct fr_err *err, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return r;
}

static int log_cb(enum flashrom_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static int log_cb(enum flashrom_log_level level, const char *fmt, va_list ap)
{
	struct fr_chip *c = active;
	char *s = NULL;
	int n;

	if (!c || level > FLASHROM_MSG_INFO || c->log_full)
		return 0;
	n = vasprintf(&s, fmt, ap);
	if (n < 0)
		return 0;
	if (c->log.len + (size_t)n > LOG_MAX) {
		strbuf_add(&c->log, "[log truncated]\n", strlen("[log truncated]\n"));
		c->log_full = true;
	} else {
		if (level == FLASHROM_MSG_ERROR && c->err_line == NO_LINE) {
			size_t i = c->log.len;

			while (i > c->op_start && c->log.s[i - 1] != '\n')
				i--;
			c->err_line = i;
		}
		strbuf_add(&c->log, s, (size_t)n);
	}
	free(s);
	return n;
}

const char *fr_log(const struct fr_chip *c)
{
	return c->log.s && !c->log.oom ? c->log.s : "";
}

/* A new call: its first error line is looked for from here. */
static void op_begin(struct fr_chip *c)
{
	c->op_start = c->log.len;
	c->err_line = NO_LINE;
}

/*
 * The running call's first error line of flashrom's, else its first line that
 * starts with "Error" (flashrom prints some errors as information, e.g. an unknown
 * programmer), into buf; buf is returned.
 */
static const char *op_error(const struct fr_chip *c, char *buf, size_t len)
{
	const char *s = NULL, *e;

	snprintf(buf, len, "flashrom gave no reason");
	if (c->log.oom || !c->log.s)
		return buf;
	if (c->err_line != NO_LINE)
		s = c->log.s + c->err_line;
	for (const char *p = c->log.s + c->op_start; !s && *p; p = strchrnul(p, '\n')) {
		p += *p == '\n';
		if (!strncmp(p, "Error", strlen("Error")))
			s = p;
	}
	if (!s)
		return buf;
	s += strspn(s, " ");
	e = strchrnul(s, '\n');
	if (e > s)
		snprintf(buf, len, "%.*s", (int)(e - s), s);
	return buf;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* The mode in brackets in the lockdown file ("none [integrity] confidentiality"). */
static void lockdown_mode(const char *path, char *mode, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[128];
	const char *a, *b;

	snprintf(mode, len, "none");
	if (!f || !fgets(line, sizeof(line), f))
		return;		/* no lockdown LSM: nothing locked down */
	a = strchr(line, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b)
		snprintf(mode, len, "%.*s", (int)(b - a - 1), a + 1);
}

static bool has_cap_sys_rawio(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return d[CAP_TO_INDEX(CAP_SYS_RAWIO)].effective & CAP_TO_MASK(CAP_SYS_RAWIO);
}

/* What keeps a programmer with hardware access from running, before flashrom tries. */
static int check_hw_access(const struct fr_open_opts *o, struct fr_err *err)
{
	char mode[32];

	if (!in_list(hw_programmers, ELEMENTSOF(hw_programmers), o->programmer))
		return 0;
	lockdown_mode(o->lockdown_path ? o->lockdown_path : LOCKDOWN_PATH, mode, sizeof(mode));
	if (strcmp(mode, "none"))
		return fr_fail(err, -EPERM,
			       "programmer %s needs /dev/mem and port I/O, which kernel lockdown (%s) forbids: %s, or boot with lockdown off (Debian: Secure Boot off) and iomem=relaxed where /dev/mem is restricted",
			       o->programmer, mode, WAYS_OUT);
	if (!has_cap_sys_rawio())
		return fr_fail(err, -EPERM,
			       "programmer %s needs /dev/mem and port I/O, which need CAP_SYS_RAWIO: run mectld as root with it, or %s",
			       o->programmer, WAYS_OUT);
	return 0;
}

/* Every 'Found VENDOR flash chip "NAME"' of the probe: the last into c, all into names. */
static void found_chips(struct fr_chip *c, char *names, size_t len)
{
	const char *p = c->log.s ? c->log.s + c->op_start : "";
	size_t used = 0;

	names[0] = 0;
	while ((p = strstr(p, "Found "))) {
		const char *v = p + strlen("Found ");
		const char *fc = strstr(v, " flash chip \"");
		const char *n, *q;

		p = v;
		if (!fc || memchr(v, '\n', (size_t)(fc - v)))
			continue;
		n = fc + strlen(" flash chip \"");
		q = strchr(n, '"');
		if (!q)
			break;
		snprintf(c->vendor, sizeof(c->vendor), "%.*s", (int)(fc - v), v);
		snprintf(c->name, sizeof(c->name), "%.*s", (int)(q - n), n);
		if (used < len)
			used += (size_t)snprintf(names + used, len - used, "%s%s",
						 used ? ", " : "", c->name);
		p = q;
	}
}

static int probe(struct fr_chip *c, const struct fr_open_opts *o, struct fr_err *err)
{
	char names[256], e[FR_MSG_MAX];
	int r;

	op_begin(c);
	r = flashrom_flash_probe(&c->ctx, c->prog, o->chip);
	found_chips(c, names, sizeof(names));
	switch (r) {
	case 0:
		break;
	case 2:
		c->ctx = NULL;
		return fr_fail(err, -ENODEV, "no flash chip %s%sfound on programmer %s",
			       o->chip ? o->chip : "", o->chip ? " " : "", o->programmer);
	case 3:
		c->ctx = NULL;
		return fr_fail(err, -ENOTUNIQ,
			       "several flash chip definitions match on programmer %s (%s): name one (InternalChip= in mectld.conf)",
			       o->programmer, names);
	default:
		c->ctx = NULL;
		return fr_fail(err, -EIO, "probing on programmer %s failed: %s", o->programmer,
			       op_error(c, e, sizeof(e)));
	}
	c->size = flashrom_flash_getsize(c->ctx);
	if (!c->name[0])
		snprintf(c->name, sizeof(c->name), "unknown");
	if (c->size == 0 || c->size > UINT32_MAX)
		return fr_fail(err, -EMEDIUMTYPE, "chip %s: size %llu is not one mectld handles",
			       c->name, (unsigned long long)c->size);
	return 0;
}

int fr_open(const struct fr_open_opts *o, struct fr_chip *ret, struct fr_err *err)
{
	char e[FR_MSG_MAX];
	int r;

	*ret = (struct fr_chip) { .err_line = NO_LINE };
	err->msg[0] = 0;
	if (!o->programmer || !o->programmer[0] || strlen(o->programmer) >= sizeof(ret->programmer))
		return fr_fail(err, -EINVAL, "no programmer named");
	snprintf(ret->programmer, sizeof(ret->programmer), "%s", o->programmer);
	r = check_hw_access(o, err);
	if (r < 0)
		return r;
	if (active)
		return fr_fail(err, -EBUSY, "libflashrom already drives programmer %s",
			       active->programmer);
	active = ret;
	flashrom_set_log_callback(log_cb);
	if (flashrom_init(1)) {
		active = NULL;
		return fr_fail(err, -EIO, "libflashrom failed its self-check");
	}
	op_begin(ret);
	if (flashrom_programmer_init(&ret->prog, o->programmer, o->params ? o->params : "")) {
		op_error(ret, e, sizeof(e));
		if (in_list(hw_programmers, ELEMENTSOF(hw_programmers), o->programmer))
			return fr_fail(err, -EIO,
				       "programmer %s failed to start (%s): where /dev/mem is restricted boot with iomem=relaxed, or %s",
				       o->programmer, e, WAYS_OUT);
		return fr_fail(err, -EIO, "programmer %s failed to start: %s", o->programmer, e);
	}
	ret->prog_up = true;
	return probe(ret, o, err);
}

void fr_close(struct fr_chip *c)
{
	if (c->ctx)
		flashrom_flash_release(c->ctx);
	if (c->prog_up)
		flashrom_programmer_shutdown(c->prog);
	if (active == c) {
		flashrom_shutdown();
		active = NULL;
	}
	c->ctx = NULL;
	c->prog = NULL;
	c->prog_up = false;
	strbuf_done(&c->log);
}

/* Read [off, off + len) through a layout of that one region. */
static int read_step(struct fr_chip *c, uint8_t *buf, uint64_t off, uint64_t len)
{
	struct flashrom_layout *l = NULL;
	int r = 1;

	if (flashrom_layout_new(&l))
		return -ENOMEM;
	if (!flashrom_layout_add_region(l, off, off + len - 1, "step") &&
	    !flashrom_layout_include_region(l, "step")) {
		flashrom_layout_set(c->ctx, l);
		r = flashrom_image_read(c->ctx, buf, c->size);
		flashrom_layout_set(c->ctx, NULL);
	}
	flashrom_layout_release(l);
	return r ? -EIO : 0;
}

int fr_read(struct fr_chip *c, uint8_t *buf, flash_progress_fn cb, void *userdata,
	    struct fr_err *err)
{
	char e[FR_MSG_MAX];

	if (!c->ctx)
		return fr_fail(err, -EBADF, "no chip open");
	op_begin(c);
	for (uint64_t off = 0; off < c->size; off += READ_STEP) {
		uint64_t len = c->size - off < READ_STEP ? c->size - off : READ_STEP;
		int r = read_step(c, buf, off, len);

		if (r < 0)
			return fr_fail(err, r, "reading chip %s at 0x%llx failed: %s", c->name,
				       (unsigned long long)off,
				       op_error(c, e, sizeof(e)));
		if (cb) {
			r = cb(userdata, off + len, c->size);
			if (r < 0)
				return fr_fail(err, r, "reading chip %s: stopped", c->name);
		}
	}
	return 0;
}

int fr_read_range(struct fr_chip *c, uint64_t off, uint64_t len, uint8_t *buf,
		  struct fr_err *err)
{
	_cleanup_free_ uint8_t *all = NULL;
	char e[FR_MSG_MAX];
	int r;

	if (!c->ctx)
		return fr_fail(err, -EBADF, "no chip open");
	if (!len || off > c->size || len > c->size - off)
		return fr_fail(err, -EINVAL, "chip %s: 0x%llx+0x%llx is not on the chip", c->name,
			       (unsigned long long)off, (unsigned long long)len);
	all = malloc(c->size);	/* flashrom reads into a chip-sized buffer */
	if (!all)
		return fr_fail(err, -ENOMEM, "out of memory");
	op_begin(c);
	r = read_step(c, all, off, len);
	if (r < 0)
		return fr_fail(err, r, "reading chip %s at 0x%llx failed: %s", c->name,
			       (unsigned long long)off, op_error(c, e, sizeof(e)));
	memcpy(buf, all + off, len);
	return 0;
}

/* flashrom_layout_read_from_ifd()'s results. */
static const struct {
	int rc, errno_;
	const char *what;
} ifd_errors[] = {
	{ 6, -EOPNOTSUPP, "flashrom cannot parse a descriptor on this host" },
	{ 3, -ENODATA, "no Intel flash descriptor on the chip" },
	{ 2, -EIO, "reading the descriptor failed" },
	{ 1, -EIO, "reading the descriptor failed" },
};

/* flashrom_image_write()'s results. */
static const struct {
	int rc, errno_;
	const char *what;
} write_errors[] = {
	{ 4, -EINVAL, "the image is not the chip's size" },
	{ 3, -EIO, "the verify failed or nothing was written" },
	{ 2, -EIO, "the write failed and the chip's contents changed" },
	{ 1, -EIO, "the write failed" },
};

/* current must start with the chip's descriptor: the layout comes from the chip. */
static int check_descriptor(struct fr_chip *c, const uint8_t *current, struct fr_err *err)
{
	_cleanup_free_ uint8_t *buf = malloc(c->size);	/* flashrom wants the chip's size */
	uint64_t len = c->size < IFD_SIZE ? c->size : IFD_SIZE;
	char e[FR_MSG_MAX];
	int r;

	if (!buf)
		return fr_fail(err, -ENOMEM, "out of memory");
	r = read_step(c, buf, 0, len);
	if (r < 0)
		return fr_fail(err, r, "chip %s: reading the descriptor failed: %s", c->name,
			       op_error(c, e, sizeof(e)));
	if (memcmp(buf, current, len))
		return fr_fail(err, -ESTALE,
			       "chip %s: the current contents do not start with the chip's first %llu bytes (its descriptor)",
			       c->name, (unsigned long long)len);
	return 0;
}

static int read_layout(struct fr_chip *c, struct flashrom_layout **l, struct fr_err *err)
{
	char e[FR_MSG_MAX];
	int r = flashrom_layout_read_from_ifd(l, c->ctx, NULL, 0);

	if (r == 0)
		return 0;
	*l = NULL;
	for (size_t i = 0; i < ELEMENTSOF(ifd_errors); i++)
		if (ifd_errors[i].rc == r)
			return fr_fail(err, ifd_errors[i].errno_, "chip %s: %s: %s", c->name,
				       ifd_errors[i].what,
				       op_error(c, e, sizeof(e)));
	return fr_fail(err, -EIO, "chip %s: reading the descriptor failed (%d)", c->name, r);
}

/* Include the named regions in l and describe them in rep. */
static int include_regions(struct fr_chip *c, struct flashrom_layout *l,
			   const char *const *regions, struct fr_write_report *rep,
			   struct fr_err *err)
{
	for (size_t i = 0; regions[i]; i++) {
		struct fr_region *g = &rep->region[rep->n];
		unsigned start, len;
		size_t k;

		for (k = 0; k < ELEMENTSOF(ifd_regions); k++)
			if (!strcmp(ifd_regions[k], regions[i]))
				break;
		if (k == ELEMENTSOF(ifd_regions))
			return fr_fail(err, -EINVAL, "unknown descriptor region '%s'", regions[i]);
		for (unsigned j = 0; j < rep->n; j++)
			if (!strcmp(rep->region[j].name, ifd_regions[k]))
				return fr_fail(err, -EINVAL, "region '%s' named twice", regions[i]);
		if (flashrom_layout_include_region(l, ifd_regions[k]) ||
		    flashrom_layout_get_region_range(l, ifd_regions[k], &start, &len))
			return fr_fail(err, -ENOENT, "chip %s: the descriptor has no region '%s'",
				       c->name, regions[i]);
		*g = (struct fr_region) { .name = ifd_regions[k], .start = start, .len = len };
		rep->n++;
	}
	if (!rep->n)
		return fr_fail(err, -EINVAL, "no region to write named");
	return 0;
}

static struct fr_region *region_at(struct fr_write_report *rep, uint64_t off)
{
	for (unsigned i = 0; i < rep->n; i++)
		if (off >= rep->region[i].start && off - rep->region[i].start < rep->region[i].len)
			return &rep->region[i];
	return NULL;
}

/* The descriptor region that holds off, whether included or not. */
static const char *any_region_at(struct flashrom_layout *l, uint64_t off)
{
	for (size_t k = 0; k < ELEMENTSOF(ifd_regions); k++) {
		unsigned start, len;

		if (!flashrom_layout_get_region_range(l, ifd_regions[k], &start, &len) &&
		    off >= start && off - start < len)
			return ifd_regions[k];
	}
	return NULL;
}

/* Count the changes per included region; refuse one outside them all. */
static int diff_regions(struct fr_chip *c, struct flashrom_layout *l, const uint8_t *current,
			const uint8_t *target, struct fr_write_report *rep, struct fr_err *err)
{
	for (uint64_t off = 0; off < c->size; off++) {
		struct fr_region *g;
		const char *where;

		if (current[off] == target[off])
			continue;
		g = region_at(rep, off);
		if (g) {
			g->bytes_changed++;
			continue;
		}
		where = any_region_at(l, off);
		return fr_fail(err, -EINVAL,
			       "the target differs from the chip at 0x%06llx (%s%s), outside the regions to write",
			       (unsigned long long)off, where ? "region " : "no region",
			       where ? where : "");
	}
	for (unsigned i = 0; i < rep->n; i++)
		rep->written += rep->region[i].bytes_changed > 0;
	return 0;
}

static int image_write(struct fr_chip *c, struct flashrom_layout *l, const uint8_t *current,
		       const uint8_t *target, struct fr_err *err)
{
	_cleanup_free_ uint8_t *buf = malloc(c->size);
	char e[FR_MSG_MAX];
	int r;

	if (!buf)
		return fr_fail(err, -ENOMEM, "out of memory");
	memcpy(buf, target, c->size);	/* flashrom may alter its buffer */
	flashrom_flag_set(c->ctx, FLASHROM_FLAG_VERIFY_AFTER_WRITE, true);
	flashrom_flag_set(c->ctx, FLASHROM_FLAG_VERIFY_WHOLE_CHIP, false);
	flashrom_layout_set(c->ctx, l);
	r = flashrom_image_write(c->ctx, buf, c->size, current);
	flashrom_layout_set(c->ctx, NULL);
	if (r == 0)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(write_errors); i++)
		if (write_errors[i].rc == r)
			return fr_fail(err, write_errors[i].errno_, "chip %s: %s: %s", c->name,
				       write_errors[i].what,
				       op_error(c, e, sizeof(e)));
	return fr_fail(err, -EIO, "chip %s: the write failed (%d)", c->name, r);
}

int fr_write(struct fr_chip *c, const uint8_t *current, const uint8_t *target,
	     const char *const *regions, struct fr_write_report *rep, struct fr_err *err)
{
	struct flashrom_layout *l = NULL;
	int r;

	*rep = (struct fr_write_report) {};
	if (!c->ctx)
		return fr_fail(err, -EBADF, "no chip open");
	op_begin(c);
	r = check_descriptor(c, current, err);
	if (r < 0)
		return r;
	r = read_layout(c, &l, err);
	if (r < 0)
		return r;
	r = include_regions(c, l, regions, rep, err);
	if (r >= 0)
		r = diff_regions(c, l, current, target, rep, err);
	if (r >= 0 && rep->written)
		r = image_write(c, l, current, target, err);
	rep->verified = r >= 0 && rep->written;
	flashrom_layout_release(l);
	return r;
}
