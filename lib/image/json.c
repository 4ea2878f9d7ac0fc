// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report of a run as one JSON object (`mectl check --json`). Hand-written on
 * lib/common's strbuf and JSON strings; integers in decimal (offsets too, so that
 * every JSON reader gets numbers), nothing else.
 */
#include <stdio.h>
#include <stdlib.h>

#include "image-internal.h"
#include "json.h"

/* "key": — with a comma before every key but the first of an object. */
static void key(struct strbuf *b, bool *first, const char *k)
{
	if (!*first)
		strbuf_add(b, ",", 1);
	*first = false;
	json_str(b, k);
	strbuf_add(b, ":", 1);
}

static void kv_str(struct strbuf *b, bool *f, const char *k, const char *v)
{
	key(b, f, k);
	json_str(b, v);
}

static void kv_u64(struct strbuf *b, bool *f, const char *k, uint64_t v)
{
	key(b, f, k);
	strbuf_printf(b, "%llu", (unsigned long long)v);
}

static void kv_i64(struct strbuf *b, bool *f, const char *k, int64_t v)
{
	key(b, f, k);
	strbuf_printf(b, "%lld", (long long)v);
}

static void kv_bool(struct strbuf *b, bool *f, const char *k, bool v)
{
	key(b, f, k);
	strbuf_add(b, v ? "true" : "false", v ? 4 : 5);
}

static void kv_version(struct strbuf *b, bool *f, const char *k, const uint16_t v[4])
{
	char s[32];

	snprintf(s, sizeof(s), "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
	kv_str(b, f, k, v[0] || v[1] || v[2] || v[3] ? s : NULL);
}

static const char *kind_name(enum img_kind k)
{
	switch (k) {
	case IMG_KIND_UNKNOWN: return "unknown";
	case IMG_KIND_ME_REGION: return "me-region";
	case IMG_KIND_FULL: return "full";
	}
	return "unknown";
}

static const char *sig_name(enum img_sig s)
{
	switch (s) {
	case IMG_SIG_NOT_CHECKED: return "not-checked";
	case IMG_SIG_VALID: return "valid";
	case IMG_SIG_INVALID: return "invalid";
	}
	return "not-checked";
}

static const char *part_fate(enum img_part_fate f)
{
	switch (f) {
	case IMG_PART_LISTED: return "listed";
	case IMG_PART_KEPT: return "kept";
	case IMG_PART_REMOVED: return "removed";
	case IMG_PART_NVRAM: return "nvram";
	case IMG_PART_NO_DATA: return "no-data";
	}
	return "listed";
}

static const char *comp_name(enum img_comp c)
{
	switch (c) {
	case IMG_COMP_UNCOMPRESSED: return "uncompressed";
	case IMG_COMP_HUFFMAN: return "huffman";
	case IMG_COMP_LZMA: return "lzma";
	case IMG_COMP_UNKNOWN: return "unknown";
	case IMG_COMP_MANIFEST: return "manifest";
	}
	return "unknown";
}

static const char *mod_fate(enum img_mod_fate f)
{
	switch (f) {
	case IMG_MOD_LISTED: return "listed";
	case IMG_MOD_KEPT: return "kept";
	case IMG_MOD_REMOVED: return "removed";
	}
	return "listed";
}

static const char *const region_names[IMG_REGION__MAX] = {
	[IMG_REGION_FD] = "descriptor",
	[IMG_REGION_BIOS] = "bios",
	[IMG_REGION_ME] = "me",
	[IMG_REGION_GBE] = "gbe",
	[IMG_REGION_PDR] = "pdr",
};

static void regions(struct strbuf *b, const struct img_report *r)
{
	bool first = true;

	strbuf_add(b, "[", 1);
	for (int i = 0; i < IMG_REGION__MAX; i++) {
		const struct img_region *g = &r->regions[i];
		bool f = true;

		if (!g->present && !g->enabled)
			continue;
		if (!first)
			strbuf_add(b, ",", 1);
		first = false;
		strbuf_add(b, "{", 1);
		kv_str(b, &f, "name", region_names[i]);
		kv_bool(b, &f, "enabled", g->enabled);
		kv_u64(b, &f, "register", g->reg);
		kv_u64(b, &f, "start", g->start);
		kv_u64(b, &f, "end", g->end);
		strbuf_add(b, "}", 1);
	}
	strbuf_add(b, "]", 1);
}

static void partitions(struct strbuf *b, const struct img_report *r)
{
	strbuf_add(b, "[", 1);
	for (size_t i = 0; i < r->n_partitions && i < IMG_MAX_PARTITIONS; i++) {
		const struct img_partition *p = &r->partitions[i];
		char name[sizeof(p->name)];
		bool f = true;

		memcpy(name, p->name, sizeof(name));
		name[sizeof(name) - 1] = 0;
		strbuf_add(b, i ? ",{" : "{", i ? 2 : 1);
		kv_str(b, &f, "name", name);
		kv_u64(b, &f, "offset", p->offset);
		kv_u64(b, &f, "length", p->length);
		kv_u64(b, &f, "flags", p->flags);
		kv_str(b, &f, "fate", part_fate(p->fate));
		strbuf_add(b, "}", 1);
	}
	strbuf_add(b, "]", 1);
}

static void modules(struct strbuf *b, const struct img_report *r)
{
	strbuf_add(b, "[", 1);
	for (size_t i = 0; i < r->n_modules && i < IMG_MAX_MODULES; i++) {
		const struct img_module *m = &r->modules[i];
		char name[sizeof(m->name)];
		bool f = true;

		memcpy(name, m->name, sizeof(name));
		name[sizeof(name) - 1] = 0;
		strbuf_add(b, i ? ",{" : "{", i ? 2 : 1);
		kv_str(b, &f, "name", name);
		kv_str(b, &f, "compression", comp_name(m->comp));
		kv_u64(b, &f, "start", m->start);
		kv_u64(b, &f, "end", m->end);
		if (m->comp == IMG_COMP_HUFFMAN)
			kv_u64(b, &f, "huffman_bytes", m->huffman_bytes);
		kv_str(b, &f, "fate", mod_fate(m->fate));
		strbuf_add(b, "}", 1);
	}
	strbuf_add(b, "]", 1);
}

int img_report_json(const struct img_report *r, char **out)
{
	const struct img_cse_info *ci = &r->cse;
	const struct img_bootguard_info *bg = &r->bootguard;
	struct strbuf b = { 0 };
	char s[sizeof(r->ifd_warning)];
	bool f = true, g;

	*out = NULL;
	strbuf_add(&b, "{", 1);
	kv_str(&b, &f, "kind", kind_name(r->kind));
	key(&b, &f, "regions");
	regions(&b, r);

	key(&b, &f, "descriptor");
	strbuf_add(&b, "{", 1);
	g = true;
	kv_bool(&b, &g, "sane", r->ifd_sane);
	memcpy(s, r->ifd_problem, sizeof(r->ifd_problem) < sizeof(s) ? sizeof(r->ifd_problem) : sizeof(s));
	s[sizeof(s) - 1] = 0;
	kv_str(&b, &g, "problem", s[0] ? s : NULL);
	memcpy(s, r->ifd_warning, sizeof(r->ifd_warning) < sizeof(s) ? sizeof(r->ifd_warning) : sizeof(s));
	s[sizeof(s) - 1] = 0;
	kv_str(&b, &g, "warning", s[0] ? s : NULL);
	key(&b, &g, "flmstr");
	strbuf_printf(&b, "[%u,%u,%u]", r->flmstr[0], r->flmstr[1], r->flmstr[2]);
	strbuf_add(&b, "}", 1);

	kv_bool(&b, &f, "me_region_disabled", r->me_disabled);
	key(&b, &f, "fpt");
	strbuf_add(&b, "{", 1);
	g = true;
	kv_bool(&b, &g, "found", r->fpt_found);
	kv_u64(&b, &g, "offset", r->fpt_offset);
	strbuf_add(&b, "}", 1);

	kv_i64(&b, &f, "generation", r->gen);
	kv_version(&b, &f, "version", r->version);
	key(&b, &f, "ftpr");
	strbuf_add(&b, "{", 1);
	g = true;
	kv_u64(&b, &g, "offset", r->ftpr_offset);
	kv_u64(&b, &g, "length", r->ftpr_length);
	kv_bool(&b, &g, "manifest_found", r->manifest_found);
	kv_u64(&b, &g, "manifest_offset", r->manifest_offset);
	strbuf_add(&b, "}", 1);

	key(&b, &f, "key");
	strbuf_add(&b, "{", 1);
	g = true;
	memcpy(s, r->key_md5, sizeof(r->key_md5));
	s[sizeof(r->key_md5) - 1] = 0;
	kv_str(&b, &g, "md5", s[0] ? s : NULL);
	kv_bool(&b, &g, "known", r->key_known);
	kv_str(&b, &g, "variant", r->variant);
	kv_str(&b, &g, "versions", r->key_versions);
	strbuf_add(&b, "}", 1);

	kv_bool(&b, &f, "ignition", r->ignition);
	key(&b, &f, "partitions");
	partitions(&b, r);
	key(&b, &f, "modules");
	modules(&b, r);

	key(&b, &f, "hap");
	strbuf_add(&b, "{", 1);
	g = true;
	kv_bool(&b, &g, "present", r->strap.present);
	kv_str(&b, &g, "name", r->strap.present ? r->strap.name : NULL);
	kv_u64(&b, &g, "offset", r->strap.offset);
	kv_u64(&b, &g, "bit", r->strap.bit);
	kv_bool(&b, &g, "set_before", r->strap.set_before);
	kv_bool(&b, &g, "set_after", r->strap.set_after);
	strbuf_add(&b, "}", 1);

	kv_i64(&b, &f, "min_size", r->min_size > 0 ? r->min_size : 0);
	kv_bool(&b, &f, "relocated", r->relocated);
	kv_bool(&b, &f, "truncated", r->truncated);
	kv_str(&b, &f, "signature", sig_name(r->sig));
	kv_str(&b, &f, "extracted_me_signature", sig_name(r->me_sig));

	key(&b, &f, "cse");
	strbuf_add(&b, "{", 1);
	g = true;
	kv_bool(&b, &g, "detected", ci->detected);
	if (ci->detected) {
		memcpy(s, ci->family, sizeof(ci->family));
		s[sizeof(ci->family) - 1] = 0;
		kv_str(&b, &g, "family", s);
		kv_version(&b, &g, "version", ci->version);
		kv_u64(&b, &g, "fpt_offset", ci->fpt_offset);
		kv_u64(&b, &g, "cpd_header_version", ci->cpd_header_version);
		kv_u64(&b, &g, "rsa_bits", ci->rsa_bits);
		kv_u64(&b, &g, "hash_bits", ci->hash_bits);
		key(&b, &g, "key_hash");
		{
			char kh[sizeof(ci->key_hash)];

			memcpy(kh, ci->key_hash, sizeof(kh));
			kh[sizeof(kh) - 1] = 0;
			json_str(&b, kh[0] ? kh : NULL);
		}
		kv_bool(&b, &g, "key_known", ci->key_known);
		kv_str(&b, &g, "signature", sig_name(ci->sig));
		kv_str(&b, &g, "pch", ci->pch);
		kv_bool(&b, &g, "hap_known", ci->hap_known);
		if (ci->hap_known) {
			kv_u64(&b, &g, "hap_offset", ci->hap_offset);
			kv_u64(&b, &g, "hap_bit", ci->hap_bit);
			kv_bool(&b, &g, "hap_set", ci->hap_set);
		}
		kv_str(&b, &g, "note", ci->note);
	}
	strbuf_add(&b, "}", 1);

	key(&b, &f, "boot_guard");
	strbuf_add(&b, "{", 1);
	g = true;
	kv_bool(&b, &g, "checked", bg->checked);
	kv_bool(&b, &g, "fit_present", bg->fit_present);
	kv_u64(&b, &g, "fit_offset", bg->fit_offset);
	kv_bool(&b, &g, "key_manifest", bg->key_manifest);
	kv_bool(&b, &g, "boot_policy_manifest", bg->boot_policy_manifest);
	kv_bool(&b, &g, "me_evidence", bg->fpf_evidence);
	kv_bool(&b, &g, "likely_enabled", bg->likely_enabled);
	kv_str(&b, &g, "note", bg->note);
	strbuf_add(&b, "}", 1);

	strbuf_add(&b, "}\n", 2);
	*out = strbuf_steal(&b);
	return *out ? 0 : -ENOMEM;
}
