// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkcorpus DIR: the fuzzers' seed corpora, made with the mkimage generator (small
 * variants, so that the fuzzers run fast): DIR/<target>/<seed>.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../fixtures/mkimage.h"

static const char *dir;

static int put(const char *target, const char *name, const void *p, size_t n, const void *tail,
	       size_t tn)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || (tn && fwrite(tail, 1, tn, f) != tn)) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

/* A preset shrunk for fuzzing, optionally malformed. */
static int build_c(const char *preset, const char *corrupt, struct mk_layout *l)
{
	struct mk_opts o;
	const char *err;

	if (mk_preset(&o, preset))
		return -1;
	o.corrupt = corrupt;
	if (o.gen == MK_CSE) {
		o.me_size = 0x40000;
	} else {
		o.me_size = 0x20000;
		o.ftpr_off = 0x10000;
	}
	if (o.full)
		o.flash_size = (o.gbe ? 0x3000 : 0x1000) + o.me_size + o.bios_gap + 0x20000;
	if (mk_build(&o, l, &err)) {
		if (!corrupt)
			fprintf(stderr, "mkcorpus: %s: %s\n", preset, err);
		return -1;
	}
	return 0;
}

static int build(const char *preset, struct mk_layout *l)
{
	return build_c(preset, NULL, l);
}

int main(int argc, char **argv)
{
	static const char *const whole[] = { "me8-bare", "me11-bare", "me3-bare", "me8-full",
		"me11-full", "me5-ich8", "me16-lt", "txe3-ifwi", "me6-ignition", "me8-bootguard", NULL };
	static const char *const full[] = { "me8-full", "me11-full", "me5-ich8", "me4-full",
		"me8-gap", "me8-disabled", "me15-lt", "txe2-full", "me8-bootguard", NULL };
	static const char *const bare[] = { "me8-bare", "me11-bare", "me3-bare", "me8-fpt0",
		"me8-nonascii", "me11-cpd2", NULL };
	static const char *const g2[] = { "me8-bare", "me8-frag", "me8-corr", "txe1-bare",
		"me8-lzma", NULL };
	static const char *const g3[] = { "me11-bare", "me11-cpd2", "me11-noman", NULL };
	static const char *const cse[] = { "me12-lt", "me15-lt", "me16-bare", "txe3-ifwi",
		"me16-bootguard", NULL };
#define A(s) { s, sizeof(s) - 1 }
	static const struct { const char *s; size_t n; } args[] = {
		A("-S\0-r\0-t\0in.bin"), A("-c\0in.bin"), A("--whitelist=MFS,EFFS\0-S\0x"),
		A("-Oout.bin\0-Srtdk\0-Dfd\0-M\0me\0x"), A("--soft\0x"), A("-b\0MFS\0-w\0EFFS\0x"),
		A("--json\0--force\0--\0-x"), A("-h"), { NULL, 0 } };
	struct mk_layout l;
	uint8_t sel[2];

	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR\n");
		return EXIT_FAILURE;
	}
	dir = argv[1];
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "mkcorpus: %s: %m\n", dir);
		return EXIT_FAILURE;
	}
	for (int i = 0; whole[i]; i++) {
		if (build(whole[i], &l))
			return EXIT_FAILURE;
		for (int k = 0; k < 3; k++) {
			char name[64];

			sel[0] = (uint8_t[]){ 0x00, 0x11, 0x06 }[k];	/* sel2 */
			sel[1] = (uint8_t[]){ 0x02, 0x00, 0x01 }[k];	/* sel */
			snprintf(name, sizeof(name), "%s-%d", whole[i], k);
			if (put("clean", name, l.img, l.size, sel, 2))
				return EXIT_FAILURE;
		}
		mk_free(&l);
	}
	/* Every malformation the generator knows, where it applies, for the pipeline. */
	for (const char *const *k = mk_corruptions; *k; k++) {
		static const char *const on[] = { "me8-bare", "me11-bare", "me8-full", NULL };

		for (int i = 0; on[i]; i++) {
			char name[64];

			if (build_c(on[i], *k, &l))
				continue;
			snprintf(name, sizeof(name), "%s-%s", on[i], *k);
			sel[0] = 0x11;
			sel[1] = 0x02;
			if (put("clean", name, l.img, l.size, sel, 2))
				return EXIT_FAILURE;
			mk_free(&l);
		}
	}
	for (int i = 0; full[i]; i++) {
		if (build(full[i], &l) || put("ifd", full[i], l.img, l.size, NULL, 0))
			return EXIT_FAILURE;
		if (l.fit_off && put("bootguard", full[i], l.img + l.size - 0x10000, 0x10000, NULL, 0))
			return EXIT_FAILURE;
		mk_free(&l);
	}
	for (int i = 0; bare[i]; i++) {
		if (build(bare[i], &l) || put("fpt", bare[i], l.img, l.size, NULL, 0))
			return EXIT_FAILURE;
		mk_free(&l);
	}
	for (int i = 0; g2[i]; i++) {
		if (build(g2[i], &l) ||
		    put("gen2", g2[i], l.img + l.me_start + l.ftpr_off, l.ftpr_len, NULL, 0))
			return EXIT_FAILURE;
		mk_free(&l);
	}
	for (int i = 0; g3[i]; i++) {
		if (build(g3[i], &l) ||
		    put("gen3", g3[i], l.img + l.me_start + l.ftpr_off, l.ftpr_len, NULL, 0))
			return EXIT_FAILURE;
		mk_free(&l);
	}
	for (int i = 0; cse[i]; i++) {
		if (build(cse[i], &l) ||
		    put("cse", cse[i], l.img + l.me_start, l.me_end - l.me_start, NULL, 0))
			return EXIT_FAILURE;
		if (l.fit_off && put("bootguard", cse[i], l.img + l.size - 0x10000, 0x10000, NULL, 0))
			return EXIT_FAILURE;
		mk_free(&l);
	}
	for (int i = 0; args[i].s; i++) {
		char name[16];

		snprintf(name, sizeof(name), "args-%d", i);
		if (put("args", name, args[i].s, args[i].n, NULL, 0))
			return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
