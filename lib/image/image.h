/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_IMAGE_H
#define MECTL_IMAGE_H

/*
 * The image engine: me_cleaner 1.2 (shared/reference/me_cleaner-behaviour.md) as a
 * pure library. Bytes and options in; the modified image, the extracted descriptor
 * and ME region, the log (each piece tagged stdout or stderr, exactly what
 * me_cleaner prints on each stream) and the exit status out. No I/O, no globals:
 * the caller (mectl's offline mode, mectld's check/clean jobs, the fuzzers, the
 * tests) reads the file and writes the results.
 *
 *	struct img_options o;
 *	struct img_result res = {0};
 *	int r = img_parse_args(&o, argc, argv, "mectl clean", 0, &res); // argv-style flags
 *	if (r == 0)
 *		r = img_run(buf, len, &o, &res);
 *	print res.log; if res.exit_code == 0, write res.image/.descriptor/.me (if flagged)
 *	img_result_free(&res);
 *
 * Writing rule (mectl's one deliberate difference from me_cleaner): the caller
 * writes the outputs only when exit_code == 0, each atomically. me_cleaner writes
 * first and complains after; an image whose final FTPR signature check fails is not
 * written at all, and the log says so in one extra stderr line (IMG_MSG_NOT_WRITTEN).
 *
 * Every other difference from me_cleaner 1.2 (all on inputs it fails on or crashes
 * with, none on the recorded testdata):
 * - Where me_cleaner raises an uncaught exception (OutOfRegionException, struct.error,
 *   IndexError, NameError, UnicodeDecodeError, ZeroDivisionError, ValueError),
 *   the run ends with one "Error: ..." line on stderr and exit status 1; the stdout
 *   printed before it is the same.
 * - An ME or descriptor region that ends past the end of the file is an error up
 *   front (me_cleaner reads short and crashes later, or grows the file).
 * - Generation 1 (ME 1-5) full images: the ME region is wiped as me_cleaner means to
 *   (and does under Python 2) instead of its Python 3 TypeError half-way (it fills with a str).
 * - A full image whose ME region is disabled (not gen 1): one error line where
 *   me_cleaner dies with NameError.
 * - Partition names with a NUL byte inside are shown up to that NUL.
 * - Command line (args.c): the program name is the caller's ("mectl clean"); -h
 *   adds mectl's extensions (--json, --force) after me_cleaner's text.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------------
 * Log: an ordered list of pieces of text. A piece may end without a newline; the next
 * piece continues the same line (me_cleaner prints "... (LZMA   , ...): " and then
 * "removed"). Printing every piece in order to its stream reproduces me_cleaner's
 * output; flush stdout before each stderr piece.
 */
enum img_stream {
	IMG_STDOUT,
	IMG_STDERR,
};

struct img_log_entry {
	enum img_stream stream;
	char *text;		/* NUL-terminated, usually ending in '\n' */
};

struct img_log {
	struct img_log_entry *v;
	size_t n, cap;
};

/* The extra line mectl adds when it refuses to write an image (see above). */
#define IMG_MSG_NOT_WRITTEN \
	"mectl: nothing was written: the image fails the FTPR signature check"

/* ---------------------------------------------------------------------------------
 * Options: me_cleaner's command line, plus mectl's own extensions. Strings point
 * into the argv given to img_parse_args() (or wherever the caller set them); they
 * must outlive img_run().
 */
struct img_options {
	const char *prog;		/* for -h/-v and argparse errors ("mectl clean") */
	const char *file;		/* positional: the input (NULL with IMG_ARGS_NO_FILE) */
	const char *output;		/* -O: the image goes there, the input is untouched */
	bool soft_disable;		/* -S */
	bool soft_disable_only;		/* -s */
	bool relocate;			/* -r */
	bool truncate;			/* -t */
	bool keep_modules;		/* -k */
	const char *whitelist;		/* -w, comma separated; "" counts as not given */
	const char *blacklist;		/* -b */
	bool descriptor;		/* -d */
	const char *extract_descriptor;	/* -D path (only printed by the library) */
	const char *extract_me;		/* -M path (only printed by the library) */
	bool check;			/* -c */
	/* mectl extensions (not in me_cleaner) */
	bool json;			/* --json: the caller prints the report (json.c) */
	bool force;			/* --force: clean CSME 12+/TXE 3+ anyway (cse.c) */
	const char *pch;		/* --pch lp|h: PCH SKU for the CSME 12/14 HAP strap */
};

/* img_parse_args() flags */
enum {
	IMG_ARGS_NO_FILE = 1 << 0,	/* no positional FILE (mectld passes the image as an fd) */
};

/* ---------------------------------------------------------------------------------
 * The structured report: what was found and done. json.c serialises it; cse.c and
 * bootguard.c fill their own members (img_cse_info, img_bootguard_info).
 */
enum img_kind {
	IMG_KIND_UNKNOWN,
	IMG_KIND_ME_REGION,		/* bare ME/TXE region, no descriptor */
	IMG_KIND_FULL,			/* descriptor + regions */
};

enum img_region_id {
	IMG_REGION_FD,
	IMG_REGION_BIOS,
	IMG_REGION_ME,
	IMG_REGION_GBE,
	IMG_REGION_PDR,
	IMG_REGION__MAX,
};

/*
 * The layout of the FLMSTRn access bits (ifd.c, decided as coreboot's ifdtool did in
 * get_ifd_version_from_fcba(): by FLCOMP's read clock field, bits 17-19). IFD v1
 * (ICH8 to 9 series): read bits 16-23, write bits 24-31 for regions 0-7. IFD v2 (100
 * series and later): read bits 8-19, write bits 20-31 for regions 0-11.
 */
enum img_ifd_layout {
	IMG_IFD_UNKNOWN,
	IMG_IFD_V1,
	IMG_IFD_V2,
};

struct img_region {
	bool present;			/* FLREGn read from the file */
	bool enabled;			/* start < end */
	uint32_t reg;			/* raw FLREGn */
	uint64_t start, end;		/* absolute file offsets, end exclusive */
};

enum img_sig {
	IMG_SIG_NOT_CHECKED,
	IMG_SIG_VALID,
	IMG_SIG_INVALID,
};

enum img_part_fate {
	IMG_PART_LISTED,		/* -c or -s: only listed */
	IMG_PART_KEPT,
	IMG_PART_REMOVED,
	IMG_PART_NVRAM,			/* NVRAM partition, no data */
	IMG_PART_NO_DATA,
};

struct img_partition {
	char name[5];			/* as me_cleaner shows it ("????" when not ASCII) */
	uint32_t offset, length, flags;	/* region-relative */
	enum img_part_fate fate;
};

enum img_comp {
	IMG_COMP_UNCOMPRESSED,
	IMG_COMP_HUFFMAN,
	IMG_COMP_LZMA,
	IMG_COMP_UNKNOWN,
	IMG_COMP_MANIFEST,		/* gen 3 .man / .met */
};

enum img_mod_fate {
	IMG_MOD_LISTED,
	IMG_MOD_KEPT,			/* essential, manifest or metadata */
	IMG_MOD_REMOVED,
};

struct img_module {
	char name[17];
	enum img_comp comp;
	uint32_t start, end;		/* region-relative; 0/0 for Huffman (fragmented) */
	uint32_t huffman_bytes;		/* compressed bytes of a Huffman module's chunks */
	enum img_mod_fate fate;
};

/* The ME-disable strap the image has, before and after the run. */
struct img_strap {
	bool present;
	const char *name;		/* "HAP" (PCHSTRP0 bit 16), "AltMeDisable" (PCHSTRP10 bit 7), "meDisable" */
	uint32_t offset;		/* absolute file offset of the strap word */
	unsigned bit;
	bool set_before, set_after;
};

/* cse.c: CSME 12-16, TXE 3-4, anything me_cleaner calls "Unknown image" */
struct img_cse_info {
	bool detected;
	char family[16];		/* "CSME", "CSTXE", "CSSPS" ... */
	uint16_t version[4];
	uint64_t fpt_offset;		/* absolute */
	unsigned cpd_header_version;	/* 1 or 2 */
	unsigned rsa_bits, hash_bits;	/* 2048/256 or 3072/384 */
	char key_hash[97];		/* lower-case hex of the key's hash */
	bool key_known;
	enum img_sig sig;
	const char *pch;		/* PCH generation whose strap layout was used */
	bool hap_known;			/* hap_offset/hap_bit are valid for this PCH */
	uint32_t hap_offset;		/* absolute file offset of the HAP strap word */
	unsigned hap_bit;
	bool hap_set;
	const char *note;		/* one line of explanation, or NULL */
};

/* bootguard.c */
struct img_bootguard_info {
	bool checked;
	bool fit_present;		/* Firmware Interface Table found */
	uint64_t fit_offset;
	bool key_manifest;		/* FIT type 0x0B entry */
	bool boot_policy_manifest;	/* FIT type 0x0C entry */
	bool fpf_evidence;		/* ME side: FPF / Boot Guard profile data */
	bool likely_enabled;
	const char *note;
};

#define IMG_MAX_PARTITIONS 128
#define IMG_MAX_MODULES 128

struct img_report {
	enum img_kind kind;
	struct img_region regions[IMG_REGION__MAX];
	uint32_t flmstr[3];		/* FLMSTR1..3 (host, ME, GbE master access) before -d */
	uint32_t flcomp;		/* FLCOMP (0 when past the end of the file) */
	enum img_ifd_layout ifd_layout;	/* from FLCOMP's read clock field */
	bool ifd_sane;			/* the descriptor sanity checks below passed */
	char ifd_problem[128];		/* the first one that failed, "" when sane */
	char ifd_warning[192];		/* sane but unusual (a BIOS region over others), or "" */
	bool me_disabled;		/* "The ME region in this image has already been disabled" */
	bool fpt_found;
	uint64_t fpt_offset;		/* absolute */
	int gen;			/* 0 unknown, 1, 2, 3 (me_cleaner's notion) */
	uint16_t version[4];
	bool manifest_found;
	uint32_t ftpr_offset, ftpr_length; /* region-relative, after -r */
	uint32_t manifest_offset;	/* region-relative */
	char key_md5[33];
	bool key_known;
	const char *variant;		/* "ME", "TXE", "SPS" */
	const char *key_versions;	/* known key: "7.x.x.x, 8.x.x.x" */
	bool ignition;			/* ME 6 Ignition firmware */
	size_t n_partitions;
	struct img_partition partitions[IMG_MAX_PARTITIONS];
	size_t n_modules;
	struct img_module modules[IMG_MAX_MODULES];
	struct img_strap strap;
	int64_t min_size;		/* "ME minimum size", <= 0 when not computed */
	bool relocated;
	bool truncated;
	enum img_sig sig;		/* the image's FTPR signature */
	enum img_sig me_sig;		/* the -M copy's */
	struct img_cse_info cse;
	struct img_bootguard_info bootguard;
};

/* ---------------------------------------------------------------------------------
 * Result of a run. Buffers are malloc'ed and owned by the result.
 */
struct img_buf {
	uint8_t *data;
	size_t len;
};

struct img_result {
	int exit_code;			/* me_cleaner's: 0, 1 (error), 2 (usage) */
	bool done;			/* img_parse_args(): -h, -v or an error; nothing to run */
	struct img_log log;
	bool write_image;		/* write image to opts->output, or in place */
	struct img_buf image;		/* may be shorter or longer than the input (-t) */
	bool write_descriptor;		/* write descriptor to opts->extract_descriptor */
	struct img_buf descriptor;
	bool write_me;			/* write me to opts->extract_me */
	struct img_buf me;
	struct img_report report;
};

/**
 * img_parse_args() - parse me_cleaner's command line into @o
 * @argv: argv[0] is the program/verb name and is skipped, like getopt
 * @prog: the name used in usage and error text (e.g. "mectl clean")
 * @flags: IMG_ARGS_*
 * @r: gets the log (usage/help/version/errors) and the exit code
 *
 * Accepts what argparse accepts (bundled short flags, attached values, "--",
 * unambiguous long prefixes, --opt=value, mutually exclusive -S/-s and -w/-b) and
 * then runs me_cleaner's checks after parse_args() ("-c can't be used with ...").
 *
 * Return: 0 to go on with img_run(); 1 when the run is over (r->done: -h/-v with
 * exit code 0, parser error with 2, semantic error with 1, text in r->log);
 * -ENOMEM.
 */
int img_parse_args(struct img_options *o, int argc, char *const *argv, const char *prog,
		   unsigned flags, struct img_result *r);

/*
 * The checks img_parse_args() makes beyond the syntax, on options filled by hand
 * (mectld's typed options): 0, or 1 with the error line in @r->log and exit code 1.
 */
int img_options_check(struct img_options *o, struct img_result *r);

/**
 * img_run() - check or clean one image
 * @in, @len: the input file's bytes (not modified)
 * @o: options (from img_parse_args() or filled by hand; zero = plain clean)
 * @r: zero-initialised result; filled even on error
 *
 * Return: 0 when the run completed (r->exit_code says how), -ENOMEM.
 */
int img_run(const void *in, size_t len, const struct img_options *o, struct img_result *r);

/**
 * img_run_owned() - img_run() on a buffer the engine takes over
 * @buf: malloc'ed, @len bytes of image in @cap bytes; it becomes @r->image.data (or
 *	 is freed with the result), so the caller must not free it. Saves a copy of
 *	 the image (peak memory about 1x instead of 2x).
 *
 * Return: as img_run(); @buf is owned by @r even on -ENOMEM.
 */
int img_run_owned(uint8_t *buf, size_t len, size_t cap, const struct img_options *o,
		  struct img_result *r);

/* Frees every buffer of @r and zeroes it. Accepts a zeroed result. */
void img_result_free(struct img_result *r);

/* Log helpers, also for callers that add lines of their own. Return 0 or -ENOMEM. */
int img_log_add(struct img_log *log, enum img_stream s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void img_log_free(struct img_log *log);

/* Known public keys (me_cleaner 1.2's pubkeys_md5 table) */
struct img_key {
	const char *md5;		/* lower-case hex of MD5(modulus || exponent) */
	const char *variant;		/* "ME", "TXE", "SPS" */
	const char *versions;		/* as printed: "7.x.x.x, 8.x.x.x" */
};
extern const struct img_key img_known_keys[];	/* terminated by { NULL } */
const struct img_key *img_key_lookup(const char *md5);

/* json.c: the report as one JSON object (malloc'ed, NUL-terminated). 0 or -ENOMEM. */
int img_report_json(const struct img_report *rep, char **out);

#endif
