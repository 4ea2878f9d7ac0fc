/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_H
#define MECTLD_H

/*
 * mectld: the daemon's one Context and its jobs.
 *
 * Threads: the sd-event loop (main thread) owns the bus, the queue and the state
 * dir; each running job has one worker thread that does the slow part (SPI reads
 * and writes take seconds to minutes; the image engine is pure CPU). A worker
 * touches only its Job, under Context.lock, and wakes the loop through an eventfd;
 * the loop then emits PropertiesChanged and persists. sd-bus is never used off the
 * main thread. Threads rather than child processes because a job's input and
 * output (8-32 MiB images) and its progress stay in one address space with no
 * serialisation, and the engine is a pure library with no globals.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "authz.h"
#include "config.h"
#include "kernel.h"
#include "mectl-dbus.h"
#include "util.h"

/* Largest image accepted through an fd: the largest SPI NOR BIOS chips (512 Mbit). */
#define MECTL_IMAGE_MAX (64u << 20)
/* check/clean jobs one uid may have queued or running at once. */
#define MECTL_IMAGE_JOBS_PER_UID 4u
#define MECTL_PASSES_DEFAULT 2
#define MECTL_PASSES_MAX 16

/* Job.mtd of a job on the host's own flash chip, through libflashrom (job-internal.c). */
#define JOB_MTD_INTERNAL MECTL_MTD_INTERNAL

typedef struct Context Context;
typedef struct Job Job;
typedef struct Chip Chip;
typedef struct AuthzQuery AuthzQuery;
struct job_image;

typedef enum JobType {
	JOB_PROBE,
	JOB_READ,
	JOB_CHECK,
	JOB_CLEAN,
	JOB_WRITE,
	JOB_RESTORE,
	JOB_NEUTRALIZE,
	_JOB_TYPE_MAX,
	_JOB_TYPE_INVALID = -EINVAL,
} JobType;

typedef enum JobState {
	JOB_QUEUED,
	JOB_RUNNING,
	JOB_SUCCEEDED,
	JOB_FAILED,
	JOB_CANCELLED,
	JOB_INTERRUPTED,	/* mectld died while it ran */
	_JOB_STATE_MAX,
	_JOB_STATE_INVALID = -EINVAL,
} JobState;

/* Bits of Job.dirty: which properties changed since the loop last looked. */
enum {
	JOB_DIRTY_STATE = 1 << 0,
	JOB_DIRTY_PHASE = 1 << 1,
	JOB_DIRTY_PROGRESS = 1 << 2,
	JOB_DIRTY_MESSAGE = 1 << 3,
	JOB_DIRTY_RESULT = 1 << 4,
	JOB_DIRTY_PERSIST = 1 << 5,	/* write the job file */
};

struct Job {
	Context *ctx;
	uint32_t id;
	JobType type;
	uid_t owner;

	/* Parameters, fixed at submission (persisted). */
	int mtd;			/* chip: /dev/mtd<mtd>; -1 for image-only jobs;
					 * JOB_MTD_INTERNAL: the host's own chip */
	char *chip_id;			/* Chip.id at submission; NULL: none known */
	uint32_t bus, cs, speed_hz;	/* probe: attach spiBUS.CS when set */
	bool attach;
	uint32_t passes;
	bool force;
	char **args;			/* me_cleaner flags (NULL-terminated) */
	bool has_input;			/* jobs/N.in holds the image passed in */
	int in_fd;			/* check/clean: the client's image, read by the worker */
	bool has_output;		/* an output fd was passed */
	int out_fd;			/* -1 after a restart */
	struct job_image *image;	/* check/clean: engine options, extra outputs (job-image.c) */

	/* Live state, under ctx->lock once a worker runs. */
	JobState state;
	char *phase;
	double progress;		/* of the current phase, 0..1 */
	double phase_started;		/* CLOCK_MONOTONIC seconds */
	struct strbuf phase_times;	/* worker only: "name":seconds of ended phases */
	char *message;
	char *result;			/* JSON object */
	unsigned dirty;

	atomic_bool cancel;
	bool cancellable;		/* false while the chip is being written */
	pthread_t thread;
	bool thread_started;
	atomic_bool finished;		/* worker returned; loop joins it */
};

struct Context {
	sd_event *event;
	sd_bus *bus;
	char *bus_address;		/* NULL: the system bus */
	char *state_dir;
	int state_fd;			/* state dir */
	int jobs_fd;			/* state dir/jobs */
	int backups_fd;			/* state dir/backups */
	gid_t chip_gid;			/* members may run chip jobs; (gid_t)-1: none */
	struct mectld_config config;	/* as read at start (config.h) */
	const char *chip_group;		/* its name, for messages and polkit */
	AuthzQuery *authz_queries;	/* asked polkit, answer pending or not yet taken */

	pthread_mutex_t lock;
	int wake_fd;			/* eventfd: a worker changed something */
	sd_event_source *wake_source;
	struct kernel_events *kevents;
	sd_event_source *kevents_source;

	Job **jobs;			/* by id order */
	size_t n_jobs;
	uint32_t next_id;
	atomic_bool stopping;		/* SIGTERM: workers stop at the next safe point */
	bool emitting;			/* bus.c: a signal of mectld's own is being built */
};

/* job-file.c: the job file format (every key required; "arg" repeats) */
enum {
	JOB_KEY_ID,
	JOB_KEY_TYPE,
	JOB_KEY_STATE,
	JOB_KEY_OWNER,
	JOB_KEY_MTD,
	JOB_KEY_CHIP,
	JOB_KEY_ATTACH,
	JOB_KEY_BUS,
	JOB_KEY_CS,
	JOB_KEY_SPEED,
	JOB_KEY_PASSES,
	JOB_KEY_FORCE,
	JOB_KEY_HAS_INPUT,
	JOB_KEY_HAS_OUTPUT,
	JOB_KEY_PROGRESS,
	JOB_KEY_ARG,
	JOB_KEY_PHASE,
	JOB_KEY_MESSAGE,
	JOB_KEY_RESULT,
	_JOB_KEY_MAX,
};
#define JOB_FILE_ARGS_MAX 64

/* The id a job file's name stands for: canonical decimal, 1..UINT32_MAX; -EINVAL else. */
int job_file_name_to_id(const char *name, uint32_t *ret);
char *job_serialize(const Job *j);
/* Free what the file's text fields hold (args, chip, phase, message, result). */
void job_fields_free(Job *j);
/*
 * Parse the job file called name (len bytes of text) into j (from job_new()).
 * -EBADMSG with a one-line reason in *ret_why (caller frees) when the file is
 * damaged; *ret_seen has bit JOB_KEY_x set for each key read before that.
 */
int job_file_parse(const char *name, const char *text, size_t len, Job *j, uint32_t *ret_seen,
		   char **ret_why);

const char *job_type_to_string(JobType t);
JobType job_type_from_string(const char *s);
const char *job_state_to_string(JobState s);
JobState job_state_from_string(const char *s);
bool job_type_uses_chip(JobType t);

/* jobs.c: the queue and its persistence (main thread) */
int jobs_load(Context *c);
int job_submit(Context *c, Job *j);		/* takes j; persists; schedules */
Job *job_new(Context *c, JobType type, uid_t owner);
Job *job_free(Job *j);
Job *job_find(Context *c, uint32_t id);
int job_cancel(Job *j);
int jobs_schedule(Context *c);
int jobs_wake(Context *c);			/* eventfd handler body */
/* A check/clean job of uid may be queued: -EUSERS when it has its share already. */
int jobs_admit_image(Context *c, uid_t uid);
char *job_object_path(const Job *j);
void jobs_stop(Context *c);
/* Forget finished jobs beyond the newest KeepJobs= (files and bus objects). */
void jobs_prune(Context *c);

/* jobs.c: helpers for workers (any thread) */
void job_set_phase(Job *j, const char *phase);
/* Ends the current phase and appends {"phase":seconds,...} to b. */
void job_phase_times_json(Job *j, struct strbuf *b);
void job_set_progress(Job *j, double progress);
void job_set_message(Job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void job_set_cancellable(Job *j, bool cancellable);
bool job_cancel_requested(Job *j);
int job_load_input(Job *j, uint8_t **ret, size_t *ret_len);
/* Store a read image as the daemon's backup of chip jedec; returns its file name. */
int backup_store(Context *c, const char *chip_id, const uint8_t *data, size_t len, char **ret_path);
/* The same in two steps: stage (write + fsync a hidden temporary), then commit (link). */
int backup_stage(Context *c, const char *chip_id, const char *sha256, const uint8_t *data,
		 size_t len, char **ret_tmp);
int backup_commit(Context *c, const char *tmp, const char *chip_id, const char *sha256,
		  char **ret_path);
void backup_discard(Context *c, const char *tmp);
bool backup_known(Context *c, const char *chip_id, const char *sha256);

/* Progress callback for flash.c: sets progress, stops on cancel. */
int job_flash_progress(void *userdata, uint64_t done, uint64_t total);

/* job-*.c: one worker body per type; 0 or -errno, result/message set on the job */
typedef struct JobOutcome {
	JobState state;		/* JOB_SUCCEEDED, JOB_FAILED or JOB_CANCELLED */
	char *message;
	char *result;
} JobOutcome;

int job_run_probe(Job *j, JobOutcome *o);
int job_run_read(Job *j, JobOutcome *o);
int job_run_image(Job *j, JobOutcome *o);	/* check and clean */
int job_run_write(Job *j, JobOutcome *o);	/* write and restore */
int job_run_neutralize(Job *j, JobOutcome *o);
/* job-internal.c: the same on the host's own chip (mtd JOB_MTD_INTERNAL) */
int job_run_neutralize_internal(Job *j, JobOutcome *o);
int job_run_restore_internal(Job *j, JobOutcome *o);

/* job-read.c / job-write.c: the steps neutralize shares with read and write */
struct flash;
struct flash_write_stats;
/*
 * Called once pass 1 is in (first stays valid until job_read_passes() returns); a
 * negative return ends the read with that error (o->message set by the callback).
 */
typedef int (*job_first_pass_fn)(void *userdata, const uint8_t *first, uint64_t size);
/* A whole-chip reader: the MTD device (flash.c) or libflashrom (flashrom.c). */
struct job_reader {
	const char *what;		/* for messages: "/dev/mtd3" */
	uint64_t size;
	int (*read_all)(void *port, uint8_t *buf, Job *j);	/* progress on j */
	void *port;
};
int job_read_agree(Job *j, const struct job_reader *rd, unsigned passes, uint8_t *first,
		   job_first_pass_fn first_done, void *userdata, JobOutcome *o);
/* N whole-chip passes into first (f->size bytes, caller's); -EIO naming offsets on a mismatch. */
int job_read_passes(Job *j, struct flash *f, unsigned passes, uint8_t *first,
		    job_first_pass_fn first_done, void *userdata, JobOutcome *o);
int job_write_chip(Job *j, Chip *chip, struct flash *f, const uint8_t *current,
		   const uint8_t *target, struct flash_write_stats *st, JobOutcome *o);
void write_stats_to_json(const struct flash_write_stats *st, struct strbuf *b);

/* chip.c: open the chip of a job, with its identity */
struct Chip {
	struct chip_info info;
	bool managed;			/* attached by mectl_flash (netlink knows it) */
	char id[96];			/* "jedec-ef4017-8388608" or "mtd-<name>-<size>" */
	char jedec_hex[2 * MECTL_JEDEC_ID_MAX + 1];
	bool armed;
};

int chip_identify(int mtd, Chip *ret);
/*
 * May jobs use /dev/mtdN? 1: a chip mectl_flash attached, or a device AllowMTD= names
 * (by path or MTD name); 0: no; -ENODEV: no such device.
 */
int chip_allowed(const struct mectld_config *cfg, int mtd);
int chip_arm(Chip *chip, bool on);
void chip_to_json(const Chip *chip, uint64_t size, uint32_t erasesize, struct strbuf *b);
int resolve_default_mtd(int *ret_mtd);
/* Phase "probe": the job's chip identity and its MTD device open. */
int job_open_chip(Job *j, bool rw, Chip *chip, struct flash *f);

/* job-image.c: what a check/clean job was given (NULL: a job loaded from its file). */
void job_image_free(struct job_image *ji);
/* The image a job was passed: read from its fd on the worker, or its spooled copy. */
int job_image_input(Job *j, uint8_t **ret, size_t *ret_len, JobOutcome *o);

/* Check the engine's options at submission (named error text in ret_msg). */
int image_args_validate(JobType type, char **args, char **ret_msg);

/* bus.c */
int bus_register(Context *c);
int bus_job_added(Context *c, Job *j);
void bus_job_removed(Context *c, Job *j);
void bus_job_changed(Context *c, Job *j, unsigned dirty);

#endif
