/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_DBUS_H
#define MECTL_DBUS_H

/*
 * org.mectl1: the one contract between mectld (daemon/bus.c) and its clients
 * (client/, the tests). Names, paths, method signatures, job states and types, and
 * the keys of every job's Result. tests/unit/daemon/dbus-api.sh compares a running
 * mectld's introspection with the MECTL_DBUS_MEMBERS table below.
 *
 * Manager, on MECTL_OBJECT_PATH (interface MECTL_MANAGER_IFACE):
 *	SubmitProbe(a{sv} options) -> o job
 *	SubmitRead(a{sv} options) -> o job
 *	SubmitCheck(h image, a{sv} engine, a{sh} outputs) -> o job
 *	SubmitClean(h image, a{sv} engine, a{sh} outputs) -> o job
 *	SubmitWrite(h image, a{sv} options) -> o job
 *	SubmitRestore(h backup, a{sv} options) -> o job
 *	SubmitNeutralize(h backup, as flags, a{sv} options) -> o job
 *	ListJobs() -> a(usssdo) jobs: id, type, state, phase, progress, path
 *	CancelJob(u id)
 *	signal JobNew(u id, s type, o job), JobRemoved(u id, o job)
 * Chip options (a{sv}): "mtd" i, "bus" u, "cs" u, "speed_hz" u, "passes" u, "force" b,
 * "backup" h, "internal" b (probe, neutralize, restore: the host's own chip instead of an
 * MTD device). Engine options (a{sv}, lib/bus/engine-options.c's table): the image
 * engine's struct img_options by member name: soft_disable, soft_disable_only, relocate,
 * truncate, keep_modules, descriptor, check, json, force b; whitelist, blacklist,
 * pch ("lp"|"h") s; output, extract_descriptor, extract_me s (names for the messages
 * only). Outputs (a{sh}): MECTL_OUTPUT_* keys, each a writable regular file the job
 * replaces with that piece when the run succeeds.
 *
 * Each job, on MECTL_JOB_PREFIX/<id> (interface MECTL_JOB_IFACE), readable by its
 * owner and root only:
 *	Id u, Type s, Owner u, Mtd i (-1: no chip, MECTL_MTD_INTERNAL) — constant
 *	State s, Phase s, Progress d, Message s, Result a{sv} — PropertiesChanged names
 *	them (invalidated, no values): the owner reads them with Get.
 */

#define MECTL_BUS_NAME		"org.mectl1"
#define MECTL_OBJECT_PATH	"/org/mectl1"
#define MECTL_JOB_PREFIX	"/org/mectl1/job"
#define MECTL_MANAGER_IFACE	"org.mectl1.Manager"
#define MECTL_JOB_IFACE		"org.mectl1.Job"

/*
 * Mtd of a job on the host's own flash chip (internal flashing, chip option
 * "internal" b of SubmitProbe, SubmitNeutralize and SubmitRestore): mectld reaches it
 * as its configuration says, through the MTD device of the kernel's spi-intel driver
 * or libflashrom's programmer; a client never names that device.
 */
#define MECTL_MTD_INTERNAL	(-2)

/*
 * A Submit* call flagged ALLOW_INTERACTIVE_AUTHORIZATION may wait this long for the
 * user to answer a polkit authentication agent before mectld answers it.
 */
#define MECTL_INTERACTIVE_AUTH_USEC	(300ULL * 1000000ULL)

/* Named errors mectld sends. */
#define MECTL_ERROR_ACCESS_DENIED	"org.mectl1.Error.AccessDenied"
#define MECTL_ERROR_INVALID_ARGS	"org.mectl1.Error.InvalidArgs"
#define MECTL_ERROR_NO_SUCH_JOB		"org.mectl1.Error.NoSuchJob"
#define MECTL_ERROR_NO_CHIP		"org.mectl1.Error.NoChip"
#define MECTL_ERROR_NOT_CANCELLABLE	"org.mectl1.Error.NotCancellable"
#define MECTL_ERROR_IO			"org.mectl1.Error.IO"
#define MECTL_ERROR_CHIP_NOT_ALLOWED	"org.mectl1.Error.ChipNotAllowed"
#define MECTL_ERROR_LIMITS_EXCEEDED	"org.mectl1.Error.LimitsExceeded"

/* Job types (property Type, ListJobs, JobNew). */
#define MECTL_JOB_TYPE_PROBE		"probe"
#define MECTL_JOB_TYPE_READ		"read"
#define MECTL_JOB_TYPE_CHECK		"check"
#define MECTL_JOB_TYPE_CLEAN		"clean"
#define MECTL_JOB_TYPE_WRITE		"write"
#define MECTL_JOB_TYPE_RESTORE		"restore"
#define MECTL_JOB_TYPE_NEUTRALIZE	"neutralize"

/* Job states (property State, ListJobs). The last four are final. */
#define MECTL_JOB_STATE_QUEUED		"queued"
#define MECTL_JOB_STATE_RUNNING		"running"
#define MECTL_JOB_STATE_SUCCEEDED	"succeeded"
#define MECTL_JOB_STATE_FAILED		"failed"
#define MECTL_JOB_STATE_CANCELLED	"cancelled"
#define MECTL_JOB_STATE_INTERRUPTED	"interrupted"	/* mectld died while it ran */

/* Outputs of SubmitCheck/SubmitClean (a{sh} keys). */
#define MECTL_OUTPUT_IMAGE		"image"		/* the cleaned image (-O, or in place) */
#define MECTL_OUTPUT_DESCRIPTOR		"descriptor"	/* -D: the flash descriptor */
#define MECTL_OUTPUT_ME			"me"		/* -M: the ME region */

/*
 * Result (a{sv}): JSON values as D-Bus values. Integers x, booleans b, numbers with a
 * fraction d, strings s, objects a{sv}; arrays as, ax or aa{sv} when every member has
 * that type (an empty array is an empty as), av otherwise; null is an empty av.
 * lib/bus/variant-json.c is the one converter, both ways.
 *
 * Keys, by job type (absent ones do not apply):
 */
/* check, clean */
#define MECTL_RESULT_EXIT_CODE		"exit_code"	/* x: me_cleaner's exit status */
#define MECTL_RESULT_LOG		"log"		/* aa{sv}: {stream s, text s}, in order */
#define MECTL_RESULT_WRITTEN		"written"	/* b: the image output was replaced */
#define MECTL_RESULT_DESCRIPTOR_WRITTEN	"descriptor_written"	/* b: the -D output was */
#define MECTL_RESULT_ME_WRITTEN		"me_written"	/* b: the -M output was */
#define MECTL_RESULT_SIZE		"size"		/* x: bytes of the resulting image */
#define MECTL_RESULT_REPORT		"report"	/* a{sv}: the engine's report (--json) */
#define MECTL_LOG_STREAM		"stream"	/* s: one of the two below */
#define MECTL_LOG_STDOUT		"stdout"
#define MECTL_LOG_STDERR		"stderr"
#define MECTL_LOG_TEXT			"text"		/* s: a piece of a line, or lines */
/* probe, read, write, restore, neutralize */
#define MECTL_RESULT_CHIP		"chip"		/* a{sv}: id, managed, mtd, mtd_name, size,
							 * erase_size [, bus, cs, speed_hz, jedec_id,
							 * manufacturer, part, block_erase_size,
							 * page_size, writeable, sr1..] */
#define MECTL_RESULT_MTD_TYPE		"mtd_type"	/* s (probe) */
#define MECTL_RESULT_PASSES		"passes"	/* x: reads compared (read, neutralize) */
#define MECTL_RESULT_SHA256		"sha256"	/* s: of the image read (read) */
#define MECTL_RESULT_STATE_BACKUP	"state_backup"	/* s: mectld's copy of it (read, neutralize) */
#define MECTL_RESULT_PHASES		"phases"	/* a{sv}: seconds d of each phase */
#define MECTL_RESULT_SHA256_BEFORE	"sha256_before"	/* s: chip content before (write, neutralize) */
#define MECTL_RESULT_SHA256_AFTER	"sha256_after"	/* s: and after */
#define MECTL_RESULT_BLOCKS_TOTAL	"blocks_total"	/* x: erase blocks of the chip */
#define MECTL_RESULT_BLOCKS_CHANGED	"blocks_changed"	/* x: that differ */
#define MECTL_RESULT_BYTES_CHANGED	"bytes_changed"	/* x */
#define MECTL_RESULT_BLOCKS_ERASED	"blocks_erased"	/* x */
#define MECTL_RESULT_PAGES_PROGRAMMED	"pages_programmed"	/* x */
#define MECTL_RESULT_RETRIES		"retries"	/* x */
#define MECTL_RESULT_KEPT_BACKUP	"kept_backup"	/* s or null: the chip's old content kept */
#define MECTL_RESULT_BACKUP_WRITTEN	"backup_written"	/* b: the client's backup fd holds
							 * the original (neutralize) */
#define MECTL_RESULT_CHIP_TOUCHED	"chip_touched"	/* b: the chip was written (neutralize) */
#define MECTL_RESULT_BACKUP		"backup"	/* s: mectld's backup (neutralize) */
#define MECTL_RESULT_CLEAN_LOG		"clean_log"	/* s: the engine's output (neutralize) */
#define MECTL_RESULT_DESCRIPTOR_WARNING	"descriptor_warning"	/* s (neutralize) */
#define MECTL_RESULT_SECONDS		"seconds"	/* d: the whole job (neutralize) */
#define MECTL_RESULT_ENGINE_SECONDS	"engine_seconds"	/* d (neutralize) */
/*
 * probe, neutralize and restore on the host's own chip (Mtd MECTL_MTD_INTERNAL): the
 * keys above where they apply, and
 */
#define MECTL_RESULT_BACKEND		"backend"	/* s: "mtd" (spi-intel's MTD device) or
							 * "flashrom" */
#define MECTL_RESULT_PROGRAMMER		"programmer"	/* s: libflashrom's, e.g. "internal" */
#define MECTL_RESULT_FLASH_CHIP		"flash_chip"	/* s: the chip as flashrom names it */
#define MECTL_RESULT_MTD_WRITEABLE	"mtd_writeable"	/* b: the MTD device has MTD_WRITEABLE */
#define MECTL_RESULT_DRIVERS		"drivers"	/* s: the drivers above the MTD device,
							 * nearest first: "spi-nor < intel-spi" */
#define MECTL_RESULT_INTERNAL_MTD_SKIPPED "internal_mtd_skipped" /* s: why InternalMTD= was
							 * passed over for flashrom */
#define MECTL_RESULT_HOST_ACCESS	"host_access"	/* a{sv}: the descriptor's part of the
							 * pre-flight, also when it refused:
							 * layout, flcomp, flmstr1, regions,
							 * verdict, verdict_line, notes
							 * (lib/image/host-access.h) */
#define MECTL_RESULT_PREFLIGHT		"preflight"	/* a{sv}: the decision, the descriptor
							 * narrowed by the controller's locks:
							 * verdict s ("full", "me-only",
							 * "none"), verdict_line s, notes as,
							 * locks aa{sv} (what s, way_out s,
							 * start x, end x; end 0: all),
							 * writable as (region names) */
#define MECTL_RESULT_HAP_SET		"hap_set"	/* b: the HAP/AltMeDisable bit was set */
#define MECTL_RESULT_REGIONS		"regions"	/* as: the regions the job could write */
#define MECTL_RESULT_REGIONS_WRITTEN	"regions_written"	/* as: those that changed */
#define MECTL_RESULT_DESCRIPTOR_CHANGED	"descriptor_changed"	/* b: "fd" among them */
#define MECTL_RESULT_VERIFIED		"verified"	/* b: read back right */
#define MECTL_RESULT_EXPECT		"expect"	/* a{sv}: after a power cycle, what mectl
							 * status should show: disabled s,
							 * indicators as (kmod/me/ABI's names; it
							 * lists at least one), lines as */
#define MECTL_RESULT_FLASHROM_LOG	"flashrom_log"	/* s: flashrom's messages */
/* failed jobs */
#define MECTL_RESULT_ERROR		"error"		/* s: "passes-differ", "write-failed", ... */
#define MECTL_RESULT_PASS		"pass"		/* x: the read that differed (passes-differ) */
#define MECTL_RESULT_OFFSETS		"offsets"	/* ax: first differing offsets */
#define MECTL_RESULT_DIFFERING_BYTES	"differing_bytes"	/* x */
#define MECTL_RESULT_BAD_OFFSET		"bad_offset"	/* x: where verify failed (write-failed) */

/*
 * Every member of both interfaces: kind ('m'ethod, 'p'roperty, 's'ignal), name,
 * signature; a property also says what PropertiesChanged carries of it.
 */
struct mectl_dbus_member {
	const char *iface;
	char kind;
	const char *name;
	const char *signature;	/* in-args for a method (out-args after "->"), type of a property */
	const char *emits;	/* property: "const" (never changes) or "invalidates" (name only) */
};

#define MECTL_DBUS_MEMBERS { \
	{ MECTL_MANAGER_IFACE, 'm', "SubmitProbe", "a{sv}->o", NULL }, \
	{ MECTL_MANAGER_IFACE, 'm', "SubmitRead", "a{sv}->o", NULL }, \
	{ MECTL_MANAGER_IFACE, 'm', "SubmitCheck", "ha{sv}a{sh}->o", NULL }, \
	{ MECTL_MANAGER_IFACE, 'm', "SubmitClean", "ha{sv}a{sh}->o", NULL }, \
	{ MECTL_MANAGER_IFACE, 'm', "SubmitWrite", "ha{sv}->o", NULL }, \
	{ MECTL_MANAGER_IFACE, 'm', "SubmitRestore", "ha{sv}->o", NULL }, \
	{ MECTL_MANAGER_IFACE, 'm', "SubmitNeutralize", "hasa{sv}->o", NULL }, \
	{ MECTL_MANAGER_IFACE, 'm', "ListJobs", "->a(usssdo)", NULL }, \
	{ MECTL_MANAGER_IFACE, 'm', "CancelJob", "u->", NULL }, \
	{ MECTL_MANAGER_IFACE, 's', "JobNew", "uso", NULL }, \
	{ MECTL_MANAGER_IFACE, 's', "JobRemoved", "uo", NULL }, \
	{ MECTL_JOB_IFACE, 'p', "Id", "u", "const" }, \
	{ MECTL_JOB_IFACE, 'p', "Type", "s", "const" }, \
	{ MECTL_JOB_IFACE, 'p', "Owner", "u", "const" }, \
	{ MECTL_JOB_IFACE, 'p', "Mtd", "i", "const" }, \
	{ MECTL_JOB_IFACE, 'p', "State", "s", "invalidates" }, \
	{ MECTL_JOB_IFACE, 'p', "Phase", "s", "invalidates" }, \
	{ MECTL_JOB_IFACE, 'p', "Progress", "d", "invalidates" }, \
	{ MECTL_JOB_IFACE, 'p', "Message", "s", "invalidates" }, \
	{ MECTL_JOB_IFACE, 'p', "Result", "a{sv}", "invalidates" }, \
	{} }

#endif
