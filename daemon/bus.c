// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the D-Bus face. org.mectl1.Manager on /org/mectl1 submits, lists and
 * cancels jobs; each job is /org/mectl1/job/N with org.mectl1.Job properties and
 * PropertiesChanged (names only) on every change. include/mectl-dbus.h is the contract.
 *
 * Files cross the bus as fds only: an image fd is only checked for reading here and
 * read by the job's worker (a regular file or a pipe; a stalled one holds that job
 * only, never the event loop); an output fd must be a writable regular file. The chip is
 * named by MTD index ("mtd" option), never by a path.
 *
 * Authorization (authz.c) rests on what the bus vouches for: chip jobs are polkit's
 * org.mectl1.flash (without polkit: uid 0 or the configured group), check and clean
 * org.mectl1.image (without polkit: everyone). A chip job names a chip mectl_flash
 * attached, or one AllowMTD= names (chip.c).
 */
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include "bus.h"
#include "chip.h"
#include "host-chip.h"
#include "job-image.h"
#include "jobs.h"
#include "mectld.h"
#include "vardict.h"
#include "variant-json.h"

typedef struct SubmitOptions {
	int32_t mtd;
	uint32_t bus, cs, speed_hz;
	uint32_t passes;
	bool force;
	bool internal;		/* the host's own chip (neutralize, restore) */
	int backup_fd;		/* the message's */
	bool has_mtd, has_bus, has_cs;
} SubmitOptions;

/* The chip options (a{sv}) of the Submit* methods; has_* from the bits of these rows. */
enum { OPT_MTD, OPT_BUS, OPT_CS };
static const struct vardict_field option_table[] = {
	[OPT_MTD] = { "mtd", 'i', offsetof(SubmitOptions, mtd) },
	[OPT_BUS] = { "bus", 'u', offsetof(SubmitOptions, bus) },
	[OPT_CS] = { "cs", 'u', offsetof(SubmitOptions, cs) },
	{ "speed_hz", 'u', offsetof(SubmitOptions, speed_hz) },
	{ "passes", 'u', offsetof(SubmitOptions, passes) },
	{ "force", 'b', offsetof(SubmitOptions, force) },
	{ "internal", 'b', offsetof(SubmitOptions, internal) },
	{ "backup", 'h', offsetof(SubmitOptions, backup_fd) },
	{}
};

static int read_options(sd_bus_message *m, SubmitOptions *o, sd_bus_error *error)
{
	_cleanup_free_ char *msg = NULL;
	uint64_t seen;
	int r;

	*o = (SubmitOptions) { .mtd = -1, .passes = MECTL_PASSES_DEFAULT, .backup_fd = -1 };
	r = vardict_read(m, option_table, "option", o, &seen, &msg);
	if (r == -EINVAL)
		return sd_bus_error_set(error, MECTL_ERROR_INVALID_ARGS, msg ? msg : "bad options");
	if (r < 0)
		return r;
	o->has_mtd = seen & (1u << OPT_MTD);
	o->has_bus = seen & (1u << OPT_BUS);
	o->has_cs = seen & (1u << OPT_CS);
	if (o->passes < 1 || o->passes > MECTL_PASSES_MAX)
		return sd_bus_error_setf(error, MECTL_ERROR_INVALID_ARGS,
					 "passes must be 1..%d", MECTL_PASSES_MAX);
	return 0;
}

/*
 * What a method handler returns while polkit is being asked: "handled, the reply comes
 * later". sd-bus dispatches the call to the handler again with polkit's answer.
 */
#define AUTHZ_PENDING 1

static int take_output_fd(int fd, int *ret, sd_bus_error *error)
{
	const char *fs = NULL;
	struct stat st;
	int fl, nfd, r;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fstat(fd, &st) < 0)
		return -errno;
	if ((fl & O_ACCMODE) == O_RDONLY || !S_ISREG(st.st_mode))
		return sd_bus_error_set(error, MECTL_ERROR_INVALID_ARGS,
					"the output fd must be a regular file open for writing");
	r = fd_check_storage(fd, &fs);
	if (r == -EXDEV || r == -EBADFD)
		return sd_bus_error_setf(error, MECTL_ERROR_INVALID_ARGS,
					 "the output fd must be a regular file on a storage file "
					 "system, not on %s", fs ? fs : "a kernel file system");
	if (r < 0)
		return r;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return -errno;
	*ret = nfd;
	return 0;
}

/*
 * An image fd for the worker to read: nothing here reads, stats or waits on it, so
 * a pipe that never delivers or a stalled FUSE/NFS file holds that job only.
 */
static int take_input_fd(int fd, int *ret, sd_bus_error *error)
{
	int fl, nfd;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	if ((fl & O_ACCMODE) == O_WRONLY)
		return sd_bus_error_set(error, MECTL_ERROR_INVALID_ARGS,
					"the image fd must be open for reading");
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return -errno;
	*ret = nfd;
	return 0;
}

/*
 * The chip of a job: the given MTD index, else the only mectl_flash chip. Only chips
 * mectl_flash attached, or those AllowMTD= names: never the host's own flash unasked.
 * "internal", for the types that have that form, is the host's own chip, when
 * InternalMTD= or InternalProgrammer= names a way to it (host-chip.h).
 */
static int pick_chip(Context *c, const SubmitOptions *o, JobType type, int *ret,
		     sd_bus_error *error)
{
	int r;

	if (o->internal) {
		if (!job_type_internal(type) || o->has_mtd)
			return sd_bus_error_set(error, MECTL_ERROR_INVALID_ARGS, o->has_mtd ?
						"internal and mtd name different chips" :
						"only probe, neutralize and restore work on the "
						"host's own chip");
		if (!host_chip_configured(&c->config))
			return sd_bus_error_set(error, MECTL_ERROR_CHIP_NOT_ALLOWED,
						"internal flashing is off: InternalMTD= (spi-intel's "
						"MTD device) or InternalProgrammer= (libflashrom) in "
						"mectld.conf");
		*ret = JOB_MTD_INTERNAL;
		return 0;
	}
	if (o->has_mtd) {
		if (o->mtd < 0)
			return sd_bus_error_set(error, MECTL_ERROR_INVALID_ARGS, "bad mtd index");
		r = chip_allowed(&c->config, o->mtd);
		if (r == -ENODEV)
			return sd_bus_error_setf(error, MECTL_ERROR_NO_CHIP, "no /dev/mtd%d", o->mtd);
		if (r == 0)
			return sd_bus_error_setf(error, MECTL_ERROR_CHIP_NOT_ALLOWED,
						 "/dev/mtd%d is not a chip mectl_flash attached, and "
						 "AllowMTD= in mectld.conf does not name it", o->mtd);
		if (r < 0)
			return r;
		*ret = o->mtd;
		return 0;
	}
	r = resolve_default_mtd(ret);
	if (r == -ENODEV)
		return sd_bus_error_set(error, MECTL_ERROR_NO_CHIP,
					"no chip attached by mectl_flash (give --mtd, or attach one)");
	if (r == -ENOTUNIQ)
		return sd_bus_error_set(error, MECTL_ERROR_NO_CHIP,
					"several chips attached: name one with --mtd");
	return r;
}

static int read_strv(sd_bus_message *m, char ***ret)
{
	char **v = NULL;
	const char *s;
	size_t n = 0;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "s");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(m, "s", &s)) > 0) {
		char **nv = realloc(v, (n + 2) * sizeof(char *));

		if (!nv) {
			r = -ENOMEM;
			break;
		}
		v = nv;
		v[n] = strdup(s);
		if (!v[n]) {
			r = -ENOMEM;
			break;
		}
		v[++n] = NULL;
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return r;
	}
	*ret = v;
	return 0;
}

/* Common tail of every Submit*: id, queue, reply with the path. */
static int submit(Context *c, sd_bus_message *m, Job *j)
{
	_cleanup_free_ char *path = NULL;
	int r;

	j->id = c->next_id++;
	path = job_object_path(j);
	if (!path) {
		job_free(j);
		return -ENOMEM;
	}
	r = job_submit(c, j);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, "o", path);
}

static void job_freep(Job **j)
{
	job_free(*j);
}

/* Every chip job: the sender may run it (0: being asked), its options, the job (1). */
static int chip_job_new(Context *c, sd_bus_message *m, JobType type, SubmitOptions *o, Job **ret,
			sd_bus_error *error)
{
	uid_t uid;
	int r;

	r = authz_check(c, m, AUTHZ_FLASH, &uid, error);
	if (r <= 0)
		return r;
	r = read_options(m, o, error);
	if (r < 0)
		return r;
	*ret = job_new(c, type, uid);
	return *ret ? 1 : -ENOMEM;
}

static int method_submit_probe(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	Context *c = userdata;
	_cleanup_(job_freep) Job *j = NULL;
	SubmitOptions o;
	int r;

	r = chip_job_new(c, m, JOB_PROBE, &o, &j, error);
	if (r <= 0)
		return r ? r : AUTHZ_PENDING;
	if (o.has_bus || o.has_cs) {
		if (!o.has_bus || !o.has_cs || o.internal)
			return sd_bus_error_set(error, MECTL_ERROR_INVALID_ARGS, o.internal ?
						"internal and bus/cs name different chips" :
						"give both bus and cs");
		j->attach = true;
		j->bus = o.bus;
		j->cs = o.cs;
		j->speed_hz = o.speed_hz;
	} else {
		r = pick_chip(c, &o, j->type, &j->mtd, error);
		if (r < 0)
			return r;
	}
	return submit(c, m, TAKE_PTR(j));
}

static int method_submit_read(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	Context *c = userdata;
	_cleanup_(job_freep) Job *j = NULL;
	SubmitOptions o;
	int r;

	r = chip_job_new(c, m, JOB_READ, &o, &j, error);
	if (r <= 0)
		return r ? r : AUTHZ_PENDING;
	r = pick_chip(c, &o, j->type, &j->mtd, error);
	if (r < 0)
		return r;
	j->passes = o.passes;
	if (o.backup_fd >= 0) {
		r = take_output_fd(o.backup_fd, &j->out_fd, error);
		if (r < 0)
			return r;
		j->has_output = true;
	}
	return submit(c, m, TAKE_PTR(j));
}

/* write and restore: same shape, different rule (job-write.c); the worker reads the image. */
static int submit_image_to_chip(sd_bus_message *m, Context *c, JobType type, sd_bus_error *error)
{
	_cleanup_(job_freep) Job *j = NULL;
	SubmitOptions o;
	uid_t uid;
	int fd, r;

	r = authz_check(c, m, AUTHZ_FLASH, &uid, error);
	if (r <= 0)
		return r ? r : AUTHZ_PENDING;
	r = sd_bus_message_read(m, "h", &fd);
	if (r < 0)
		return r;
	r = read_options(m, &o, error);
	if (r < 0)
		return r;
	j = job_new(c, type, uid);
	if (!j)
		return -ENOMEM;
	r = pick_chip(c, &o, type, &j->mtd, error);
	if (r < 0)
		return r;
	r = take_input_fd(fd, &j->in_fd, error);
	if (r < 0)
		return r;
	j->force = o.force;
	return submit(c, m, TAKE_PTR(j));
}

static int method_submit_write(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return submit_image_to_chip(m, userdata, JOB_WRITE, error);
}

static int method_submit_restore(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return submit_image_to_chip(m, userdata, JOB_RESTORE, error);
}

static int validate_flags(JobType type, char **args, sd_bus_error *error)
{
	_cleanup_free_ char *msg = NULL;
	int r;

	r = image_args_validate(type, args, &msg);
	if (r == -EINVAL || r == -E2BIG) {
		if (msg)
			msg[strcspn(msg, "\n")] = 0;
		return sd_bus_error_setf(error, MECTL_ERROR_INVALID_ARGS, "bad me_cleaner flags: %s",
					 msg && *msg ? msg : "too many");
	}
	return r;
}

static int method_submit_neutralize(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	Context *c = userdata;
	_cleanup_(job_freep) Job *j = NULL;
	SubmitOptions o;
	uid_t uid;
	int fd, r;

	r = authz_check(c, m, AUTHZ_FLASH, &uid, error);
	if (r <= 0)
		return r ? r : AUTHZ_PENDING;
	j = job_new(c, JOB_NEUTRALIZE, uid);
	if (!j)
		return -ENOMEM;
	r = sd_bus_message_read(m, "h", &fd);
	if (r < 0)
		return r;
	r = read_strv(m, &j->args);
	if (r < 0)
		return r;
	r = read_options(m, &o, error);
	if (r < 0)
		return r;
	r = validate_flags(JOB_NEUTRALIZE, j->args, error);
	if (r < 0)
		return r;
	r = take_output_fd(fd, &j->out_fd, error);
	if (r < 0)
		return r;
	j->has_output = true;
	r = pick_chip(c, &o, j->type, &j->mtd, error);
	if (r < 0)
		return r;
	j->passes = o.passes;
	return submit(c, m, TAKE_PTR(j));
}

/* check/clean outputs (a{sh}): where each piece of a successful run goes. */
static int read_image_outputs(sd_bus_message *m, Job *j, sd_bus_error *error)
{
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sh}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sh")) > 0) {
		const char *key;
		int fd, *dst;

		r = sd_bus_message_read(m, "sh", &key, &fd);
		if (r < 0)
			return r;
		dst = !strcmp(key, MECTL_OUTPUT_IMAGE) ? &j->out_fd :
		      !strcmp(key, MECTL_OUTPUT_DESCRIPTOR) ? &j->image->descriptor_fd :
		      !strcmp(key, MECTL_OUTPUT_ME) ? &j->image->me_fd : NULL;
		if (!dst)
			return sd_bus_error_setf(error, MECTL_ERROR_INVALID_ARGS,
						 "unknown output '%s'", key);
		if (*dst >= 0)
			return sd_bus_error_setf(error, MECTL_ERROR_INVALID_ARGS,
						 "output '%s' given twice", key);
		r = take_output_fd(fd, dst, error);
		if (r < 0)
			return r;
		if (dst == &j->out_fd)
			j->has_output = true;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/* The engine's options of a check/clean job, decoded and checked here, once. */
static int read_engine_options(sd_bus_message *m, Job *j, sd_bus_error *error)
{
	struct img_options *o = &j->image->opts.o;
	_cleanup_free_ char *msg = NULL;
	int r;

	r = engine_options_read(m, &j->image->opts, &msg);
	if (r >= 0) {
		o->prog = j->type == JOB_CHECK ? "mectl check" : "mectl clean";
		o->check = o->check || j->type == JOB_CHECK;
		r = engine_options_validate(&j->image->opts, &msg);
	}
	if (r == -EINVAL)
		return sd_bus_error_setf(error, MECTL_ERROR_INVALID_ARGS, "bad engine options: %s",
					 msg ? msg : "refused");
	return r;
}

/* check and clean touch no chip: any local user. The worker reads the image. */
static int submit_image_job(sd_bus_message *m, Context *c, JobType type, sd_bus_error *error)
{
	_cleanup_(job_freep) Job *j = NULL;
	uid_t uid;
	int in, r;

	r = authz_check(c, m, AUTHZ_IMAGE, &uid, error);
	if (r <= 0)
		return r ? r : AUTHZ_PENDING;
	if (jobs_admit_image(c, uid) < 0)
		return sd_bus_error_setf(error, MECTL_ERROR_LIMITS_EXCEEDED,
					 "uid %u has %u check/clean jobs queued or running already: "
					 "wait for one to finish", (unsigned)uid, MECTL_IMAGE_JOBS_PER_UID);
	j = job_new(c, type, uid);
	if (!j)
		return -ENOMEM;
	r = job_image_attach(j);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "h", &in);
	if (r < 0)
		return r;
	r = read_engine_options(m, j, error);
	if (r < 0)
		return r;
	r = read_image_outputs(m, j, error);
	if (r < 0)
		return r;
	r = take_input_fd(in, &j->in_fd, error);
	if (r < 0)
		return r;
	return submit(c, m, TAKE_PTR(j));
}

static int method_submit_check(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return submit_image_job(m, userdata, JOB_CHECK, error);
}

static int method_submit_clean(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return submit_image_job(m, userdata, JOB_CLEAN, error);
}

/*
 * A job's record (parameters, messages, results) is its owner's and root's. For any
 * other caller the object does not exist: Get, GetAll, Introspect, GetManagedObjects
 * and the node list all go through job_object_find() and the enumerator; ListJobs
 * leaves such jobs out. The caller is the effective uid the bus vouches for as the
 * sender of the message being served, nothing else. Signals mectld emits itself (no
 * message being served) find every job.
 */
typedef struct JobViewer {
	bool all;		/* mectld's own signal, or root */
	bool known;		/* uid below is the caller's */
	uid_t uid;
} JobViewer;

static JobViewer job_viewer(Context *c, sd_bus *bus)
{
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
	sd_bus_message *m = sd_bus_get_current_message(bus);
	JobViewer v = { .all = c->emitting };

	if (v.all || !m || sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds) < 0 ||
	    sd_bus_creds_get_euid(creds, &v.uid) < 0)
		return v;
	v.known = true;
	v.all = v.uid == 0;
	return v;
}

static bool job_visible(const JobViewer *v, const Job *j)
{
	return v->all || (v->known && v->uid == j->owner);
}

static int method_list_jobs(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	Context *c = userdata;
	JobViewer viewer = job_viewer(c, sd_bus_message_get_bus(m));
	int r;

	(void)error;
	r = sd_bus_message_new_method_return(m, &reply);
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply, 'a', "(usssdo)");
	if (r < 0)
		return r;
	for (size_t i = 0; i < c->n_jobs; i++) {
		Job *j = c->jobs[i];
		_cleanup_free_ char *path = NULL;
		char phase[JOB_PHASE_TEXT_MAX];
		JobState state;
		double progress;

		if (!job_visible(&viewer, j))
			continue;	/* another user's job */
		path = job_object_path(j);
		if (!path)
			return -ENOMEM;
		pthread_mutex_lock(&c->lock);
		state = j->state;
		progress = j->progress;
		job_phase_text(j, phase, sizeof(phase));
		pthread_mutex_unlock(&c->lock);
		r = sd_bus_message_append(reply, "(usssdo)", j->id, job_type_to_string(j->type),
					  job_state_to_string(state), phase, progress, path);
		if (r < 0)
			return r;
	}
	r = sd_bus_message_close_container(reply);
	if (r < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

static int method_cancel_job(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	Context *c = userdata;
	uint32_t id;
	uid_t uid;
	Job *j;
	int r;

	r = sd_bus_message_read(m, "u", &id);
	if (r < 0)
		return r;
	j = job_find(c, id);
	if (!j)
		return sd_bus_error_setf(error, MECTL_ERROR_NO_SUCH_JOB, "no job %u", id);
	r = authz_sender_uid(m, &uid);
	if (r < 0)
		return r;
	if (uid != 0 && uid != j->owner)
		return sd_bus_error_setf(error, MECTL_ERROR_ACCESS_DENIED,
					 "job %u belongs to uid %u", id, (unsigned)j->owner);
	r = job_cancel(j);
	if (r == -EBUSY)
		return sd_bus_error_setf(error, MECTL_ERROR_NOT_CANCELLABLE,
					 "job %u is writing the chip; it stops after the write", id);
	if (r == -EALREADY)
		return sd_bus_error_setf(error, MECTL_ERROR_NOT_CANCELLABLE, "job %u has ended", id);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, NULL);
}

/* ---------------------------------------------------------------------------------
 * Job objects
 */
static Job *job_from_path(Context *c, const char *path)
{
	const char *p = path + strlen(MECTL_JOB_PREFIX);
	char *end;
	unsigned long id;

	if (strncmp(path, MECTL_JOB_PREFIX "/", strlen(MECTL_JOB_PREFIX) + 1))
		return NULL;
	p++;
	if (!*p || strspn(p, "0123456789") != strlen(p))
		return NULL;
	id = strtoul(p, &end, 10);
	if (id == 0 || id > UINT32_MAX)
		return NULL;
	return job_find(c, (uint32_t)id);
}

static int job_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
			   void **found, sd_bus_error *error)
{
	Job *j = job_from_path(userdata, path);
	JobViewer viewer;

	(void)interface;
	(void)error;
	if (!j)
		return 0;
	viewer = job_viewer(userdata, bus);
	if (!job_visible(&viewer, j))
		return 0;
	*found = j;
	return 1;
}

static int job_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
			       sd_bus_error *error)
{
	Context *c = userdata;
	JobViewer viewer = job_viewer(c, bus);
	size_t n = 0;
	char **v;

	(void)path;
	(void)error;
	v = calloc(c->n_jobs + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_jobs; i++) {
		if (!job_visible(&viewer, c->jobs[i]))
			continue;
		v[n] = job_object_path(c->jobs[i]);
		if (!v[n]) {
			for (size_t k = 0; k < n; k++)
				free(v[k]);
			free(v);
			return -ENOMEM;
		}
		n++;
	}
	*nodes = v;
	return 1;
}

static int property_get_type(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply, void *userdata,
			     sd_bus_error *error)
{
	Job *j = userdata;

	(void)bus, (void)path, (void)interface, (void)property, (void)error;
	return sd_bus_message_append(reply, "s", job_type_to_string(j->type));
}

static int property_get_live(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply, void *userdata,
			     sd_bus_error *error)
{
	Job *j = userdata;
	_cleanup_free_ char *s = NULL;
	char phase[JOB_PHASE_TEXT_MAX];
	double progress;

	(void)bus, (void)path, (void)interface, (void)error;
	pthread_mutex_lock(&j->ctx->lock);
	progress = j->progress;
	job_phase_text(j, phase, sizeof(phase));
	if (!strcmp(property, "State"))
		s = strdup(job_state_to_string(j->state));
	else if (!strcmp(property, "Phase"))
		s = strdup(phase);
	else if (!strcmp(property, "Message"))
		s = strdup(j->message ? j->message : "");
	else
		s = strdup("");
	pthread_mutex_unlock(&j->ctx->lock);
	if (!strcmp(property, "Progress"))
		return sd_bus_message_append(reply, "d", progress);
	if (!s)
		return -ENOMEM;
	return sd_bus_message_append(reply, "s", s);
}

/* The job's result (JSON text, as in its file) as typed values: variant-json.c. */
static int property_get_result(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	Job *j = userdata;
	struct json_object *obj;
	_cleanup_free_ char *text = NULL;
	int r;

	(void)bus, (void)path, (void)interface, (void)property;
	pthread_mutex_lock(&j->ctx->lock);
	text = strdup(j->result ? j->result : "{}");
	pthread_mutex_unlock(&j->ctx->lock);
	if (!text)
		return -ENOMEM;
	obj = json_tokener_parse(text);
	if (!obj)
		return sd_bus_error_setf(error, MECTL_ERROR_IO, "job %u: its result is not JSON",
					 j->id);
	r = json_append_vardict(reply, obj);
	json_object_put(obj);
	if (r == -EINVAL)
		return sd_bus_error_setf(error, MECTL_ERROR_IO,
					 "job %u: its result does not convert to a{sv}", j->id);
	return r;
}

/* The queue's observer: every job's birth, change and end on the bus. */
static void bus_job_added(Context *c, Job *j)
{
	_cleanup_free_ char *path = job_object_path(j);

	if (path && c->bus)
		(void) sd_bus_emit_signal(c->bus, MECTL_OBJECT_PATH, MECTL_MANAGER_IFACE, "JobNew",
					  "uso", j->id, job_type_to_string(j->type), path);
}

static void bus_job_removed(Context *c, Job *j)
{
	_cleanup_free_ char *path = job_object_path(j);

	if (path && c->bus)
		(void) sd_bus_emit_signal(c->bus, MECTL_OBJECT_PATH, MECTL_MANAGER_IFACE,
					  "JobRemoved", "uo", j->id, path);
}

static void bus_job_changed(Context *c, Job *j, unsigned dirty)
{
	static const struct {
		unsigned bit;
		const char *name;
	} map[] = {
		{ JOB_DIRTY_STATE, "State" },
		{ JOB_DIRTY_PHASE, "Phase" },
		{ JOB_DIRTY_PROGRESS, "Progress" },
		{ JOB_DIRTY_MESSAGE, "Message" },
		{ JOB_DIRTY_RESULT, "Result" },
	};
	_cleanup_free_ char *path = job_object_path(j);
	char *names[ELEMENTSOF(map) + 1];
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (dirty & map[i].bit)
			names[n++] = (char *)map[i].name;
	names[n] = NULL;
	if (!path || n == 0 || !c->bus)
		return;
	c->emitting = true;
	(void) sd_bus_emit_properties_changed_strv(c->bus, path, MECTL_JOB_IFACE, names);
	c->emitting = false;
}

static const sd_bus_vtable job_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Id", "u", NULL, offsetof(Job, id), SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Type", "s", property_get_type, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Owner", "u", NULL, offsetof(Job, owner), SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Mtd", "i", NULL, offsetof(Job, mtd), SD_BUS_VTABLE_PROPERTY_CONST),
	/*
	 * A job's record is its owner's and root's (job_object_find()), but PropertiesChanged
	 * goes to every listener: it names what changed without a value (no state, phase,
	 * progress, text, paths, hashes or chip), and the owner reads the values with Get.
	 */
	SD_BUS_PROPERTY("State", "s", property_get_live, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_PROPERTY("Phase", "s", property_get_live, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_PROPERTY("Progress", "d", property_get_live, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_PROPERTY("Message", "s", property_get_live, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_PROPERTY("Result", "a{sv}", property_get_result, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_ARGS("SubmitProbe", SD_BUS_ARGS("a{sv}", options),
				SD_BUS_RESULT("o", job), method_submit_probe, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SubmitRead", SD_BUS_ARGS("a{sv}", options),
				SD_BUS_RESULT("o", job), method_submit_read, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SubmitCheck",
				SD_BUS_ARGS("h", image, "a{sv}", engine, "a{sh}", outputs),
				SD_BUS_RESULT("o", job), method_submit_check, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SubmitClean",
				SD_BUS_ARGS("h", image, "a{sv}", engine, "a{sh}", outputs),
				SD_BUS_RESULT("o", job), method_submit_clean, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SubmitWrite", SD_BUS_ARGS("h", image, "a{sv}", options),
				SD_BUS_RESULT("o", job), method_submit_write, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SubmitRestore", SD_BUS_ARGS("h", backup, "a{sv}", options),
				SD_BUS_RESULT("o", job), method_submit_restore, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SubmitNeutralize",
				SD_BUS_ARGS("h", backup, "as", flags, "a{sv}", options),
				SD_BUS_RESULT("o", job), method_submit_neutralize,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListJobs", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(usssdo)", jobs),
				method_list_jobs, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("CancelJob", SD_BUS_ARGS("u", id), SD_BUS_NO_RESULT,
				method_cancel_job, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("JobNew", SD_BUS_ARGS("u", id, "s", type, "o", job), 0),
	SD_BUS_SIGNAL_WITH_ARGS("JobRemoved", SD_BUS_ARGS("u", id, "o", job), 0),
	SD_BUS_VTABLE_END
};

static const struct jobs_observer bus_observer = {
	.added = bus_job_added,
	.changed = bus_job_changed,
	.removed = bus_job_removed,
};

int bus_register(Context *c)
{
	int r;

	r = sd_bus_add_object_vtable(c->bus, NULL, MECTL_OBJECT_PATH, MECTL_MANAGER_IFACE,
				     manager_vtable, c);
	if (r < 0)
		return r;
	r = sd_bus_add_fallback_vtable(c->bus, NULL, MECTL_JOB_PREFIX, MECTL_JOB_IFACE, job_vtable,
				       job_object_find, c);
	if (r < 0)
		return r;
	r = sd_bus_add_node_enumerator(c->bus, NULL, MECTL_JOB_PREFIX, job_node_enumerator, c);
	if (r < 0)
		return r;
	r = sd_bus_add_object_manager(c->bus, NULL, MECTL_OBJECT_PATH);
	if (r < 0)
		return r;
	jobs_set_observer(c, &bus_observer);
	return 0;
}
