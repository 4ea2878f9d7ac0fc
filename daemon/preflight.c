// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the internal flashing pre-flight (preflight.h). The descriptor's decision
 * comes from the image engine; a lock the backend reports takes away every region it
 * touches, and the verdict is the descriptor's table again over what is left.
 */
#include <string.h>

#include "json.h"
#include "preflight.h"
#include "util.h"

#define EXTERNAL_WAY_OUT "way out: an external programmer: mectl on a Raspberry Pi with a clip " \
	"on the flash chip reads, cleans and writes it with the target powered off"

/* A verdict the controller narrowed: [ME region writable][descriptor writable]. */
static const struct {
	enum img_host_verdict verdict;
	const char *id;
	const char *line;		/* the lock's words are appended */
	const char *note;		/* after the lock's way out */
} narrowed[2][2] = {
	[0][0] = { IMG_HOST_NONE, "none", "no: the controller keeps the ME region from the host",
		   EXTERNAL_WAY_OUT },
	[0][1] = { IMG_HOST_NONE, "none", "no: the controller keeps the ME region from the host",
		   EXTERNAL_WAY_OUT },
	[1][0] = { IMG_HOST_ME_ONLY, "me-only", "ME region only: the controller keeps the "
		   "descriptor from the host", "module removal only: the HAP/AltMeDisable bit "
		   "cannot be set internally (no -S, -s or -d), the descriptor stays as it is" },
	[1][1] = { IMG_HOST_FULL, "full", "", NULL },
};

static bool covers(const struct host_lock *l, const struct img_host_region *g)
{
	return !l->end || (l->start < g->end && g->start < l->end);
}

/* The first lock over region g, or NULL. */
static const struct host_lock *lock_over(const struct preflight *p, const struct img_host_region *g)
{
	for (unsigned i = 0; i < p->n_locks; i++)
		if (covers(&p->locks[i], g))
			return &p->locks[i];
	return NULL;
}

int preflight_decide(struct preflight *p, const uint8_t *buf, size_t len,
		     const struct host_lock *locks, unsigned n_locks)
{
	const struct img_host_region *me, *fd;
	const struct host_lock *why;
	bool me_w, fd_w;
	unsigned k = 0;
	int r;

	memset(p, 0, sizeof(*p));
	p->n_locks = n_locks < PREFLIGHT_LOCKS_MAX ? n_locks : PREFLIGHT_LOCKS_MAX;
	memcpy(p->locks, locks, p->n_locks * sizeof(*locks));
	r = img_host_access(buf, len, &p->access);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < p->access.n_regions; i++) {
		const struct img_host_region *g = &p->access.regions[i];

		p->writable[i] = g->used && g->write && !lock_over(p, g);
	}
	me = &p->access.regions[IMG_REGION_ME];
	fd = &p->access.regions[IMG_REGION_FD];
	me_w = p->writable[IMG_REGION_ME];
	fd_w = p->writable[IMG_REGION_FD];
	/* a lock decides only where the descriptor would have let the host write */
	why = p->access.verdict != IMG_HOST_NONE && !me_w ? lock_over(p, me) :
	      p->access.verdict == IMG_HOST_FULL && !fd_w ? lock_over(p, fd) : NULL;

	if (!why) {
		/* the descriptor's own verdict: no lock narrowed it */
		p->verdict = p->access.verdict;
		p->verdict_id = p->access.verdict_id;
		snprintf(p->verdict_line, sizeof(p->verdict_line), "%s", p->access.verdict_line);
		for (const char *const *n = p->access.notes; n && *n && k < PREFLIGHT_NOTES_MAX; n++)
			p->notes[k++] = *n;
		return 0;
	}
	p->verdict = narrowed[me_w][fd_w].verdict;
	p->verdict_id = narrowed[me_w][fd_w].id;
	snprintf(p->verdict_line, sizeof(p->verdict_line), "%s: %s", narrowed[me_w][fd_w].line,
		 why->what);
	if (why->way_out[0])
		p->notes[k++] = why->way_out;
	p->notes[k++] = narrowed[me_w][fd_w].note;
	return 0;
}

const char *preflight_why_not(const struct preflight *p, unsigned flreg, char *buf, size_t len)
{
	const struct img_host_region *g = flreg < p->access.n_regions ?
					  &p->access.regions[flreg] : NULL;
	const struct host_lock *l = g ? lock_over(p, g) : NULL;

	if (!g || !g->used)
		snprintf(buf, len, "no such region in the descriptor");
	else if (!g->write)
		snprintf(buf, len, "FLMSTR1 = 0x%08x", p->access.flmstr1);
	else if (l)
		snprintf(buf, len, "%s", l->what);
	else
		snprintf(buf, len, "nothing keeps it");
	return buf;
}

static const struct host_region *region_at(const struct host_region *g, unsigned n, uint64_t off)
{
	for (unsigned i = 0; i < n; i++)
		if (off >= g[i].start && off < g[i].end)
			return &g[i];
	return NULL;
}

/* Is [off, end) inside the regions? */
static bool inside(const struct host_region *g, unsigned n, uint64_t off, uint64_t end)
{
	while (off < end) {
		const struct host_region *r = region_at(g, n, off);

		if (!r)
			return false;
		off = r->end;
	}
	return true;
}

int preflight_write_bounds(const struct host_region *g, unsigned n, const uint8_t *current,
			   const uint8_t *target, uint64_t size, uint32_t erasesize, bool *changed,
			   char *err, size_t len)
{
	memset(changed, 0, IMG_HOST_MAX_REGIONS * sizeof(*changed));
	if (!erasesize)
		return -EINVAL;
	for (uint64_t b = 0; b < size; b += erasesize) {
		uint64_t end = size - b > erasesize ? b + erasesize : size;

		if (!memcmp(current + b, target + b, end - b))
			continue;
		for (uint64_t off = b; off < end; off++) {
			const struct host_region *r;

			if (current[off] == target[off])
				continue;
			r = region_at(g, n, off);
			if (!r) {
				snprintf(err, len, "the target differs from the chip at 0x%06llx, "
					 "outside the regions to write; nothing was written",
					 (unsigned long long)off);
				return -EINVAL;
			}
			if (r->flreg < IMG_HOST_MAX_REGIONS)
				changed[r->flreg] = true;
		}
		if (!inside(g, n, b, end)) {
			snprintf(err, len, "the erase block at 0x%06llx (%u bytes) reaches outside "
				 "the regions to write; nothing was written", (unsigned long long)b,
				 erasesize);
			return -EINVAL;
		}
	}
	return 0;
}

void preflight_json(const struct preflight *p, struct strbuf *b)
{
	bool first = true;

	strbuf_printf(b, "{\"verdict\":\"%s\",\"verdict_line\":", p->verdict_id);
	json_str(b, p->verdict_line);
	strbuf_printf(b, ",\"notes\":[");
	for (unsigned i = 0; p->notes[i]; i++) {
		strbuf_printf(b, "%s", i ? "," : "");
		json_str(b, p->notes[i]);
	}
	strbuf_printf(b, "],\"locks\":[");
	for (unsigned i = 0; i < p->n_locks; i++) {
		const struct host_lock *l = &p->locks[i];

		strbuf_printf(b, "%s{\"what\":", i ? "," : "");
		json_str(b, l->what);
		strbuf_printf(b, ",\"way_out\":");
		json_str(b, l->way_out);
		strbuf_printf(b, ",\"start\":%llu,\"end\":%llu}", (unsigned long long)l->start,
			      (unsigned long long)l->end);
	}
	strbuf_printf(b, "],\"writable\":[");
	for (unsigned i = 0; i < p->access.n_regions; i++)
		if (p->writable[i]) {
			strbuf_printf(b, "%s", first ? "" : ",");
			json_str(b, p->access.regions[i].name);
			first = false;
		}
	strbuf_printf(b, "]}");
}
