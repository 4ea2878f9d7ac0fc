// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the job daemon behind `mectl`. One sd-event loop; sd-bus on the system bus
 * (or --bus=ADDRESS); jobs persisted in the state dir; mectl_flash's netlink events
 * watched on the same loop. See mectld.h for the threading model.
 */
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>

#include <systemd/sd-daemon.h>

#include "bus.h"
#include "jobs.h"
#include "mectld.h"

static const char *arg_bus_address;
static const char *arg_state_dir;
static const char *arg_config = MECTLD_CONFIG_FILE;
static bool arg_config_given;
/* Options that override the configuration file: { key, option, value }. */
static const char *arg_overrides[2][3];
static size_t arg_n_overrides;

static void help(void)
{
	printf("usage: mectld [OPTIONS...]\n\n"
	       "The mectl job daemon: reads, cleans and writes BIOS flash chips for mectl.\n\n"
	       "  -h --help              show this help\n"
	       "     --bus=ADDRESS       connect to this D-Bus address instead of the system bus\n"
	       "     --state-dir=DIR     jobs and backups (default $STATE_DIRECTORY or /var/lib/mectl)\n"
	       "     --config=FILE       configuration file (default " MECTLD_CONFIG_FILE ")\n"
	       "     --group=NAME        members may run chip jobs (Group=; default mectl;\n"
	       "                         \"\" = no group)\n"
	       "     --keep-jobs=N       finished jobs kept on record (KeepJobs=; default %u)\n",
	       MECTLD_KEEP_JOBS_DEFAULT);
}

static int parse_argv(int argc, char **argv)
{
	enum { ARG_BUS = 0x100, ARG_STATE_DIR, ARG_CONFIG, ARG_GROUP, ARG_KEEP_JOBS };
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "bus", required_argument, NULL, ARG_BUS },
		{ "state-dir", required_argument, NULL, ARG_STATE_DIR },
		{ "config", required_argument, NULL, ARG_CONFIG },
		{ "group", required_argument, NULL, ARG_GROUP },
		{ "keep-jobs", required_argument, NULL, ARG_KEEP_JOBS },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			help();
			return 0;
		case ARG_BUS:
			arg_bus_address = optarg;
			break;
		case ARG_STATE_DIR:
			arg_state_dir = optarg;
			break;
		case ARG_CONFIG:
			arg_config = optarg;
			arg_config_given = true;
			break;
		case ARG_GROUP:
		case ARG_KEEP_JOBS:
			if (arg_n_overrides == ELEMENTSOF(arg_overrides)) {
				fprintf(stderr, "mectld: --group and --keep-jobs go once each\n");
				return -EINVAL;
			}
			arg_overrides[arg_n_overrides][0] = c == ARG_GROUP ? "Group" : "KeepJobs";
			arg_overrides[arg_n_overrides][1] = c == ARG_GROUP ? "group" : "keep-jobs";
			arg_overrides[arg_n_overrides++][2] = optarg;
			break;
		case '?':
			return -EINVAL;
		default:
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mectld: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 1;
}

/* Defaults, then the file, then the command line. */
static int load_config(struct mectld_config *cfg)
{
	int r;

	r = config_init(cfg);
	if (r < 0)
		return r;
	r = config_load(cfg, arg_config, arg_config_given);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	for (size_t i = 0; i < arg_n_overrides; i++) {
		r = config_set(cfg, arg_overrides[i][0], arg_overrides[i][2]);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			fprintf(stderr, "mectld: --%s: '%s' is not %s\n", arg_overrides[i][1],
				arg_overrides[i][2], config_expect(arg_overrides[i][0]));
			return -EINVAL;
		}
	}
	return 0;
}

static void context_destroy(Context *c)
{
	/* A worker left blocked on its image keeps its job, the lock and the wake fd. */
	bool left = c->event && jobs_stop(c);

	for (size_t i = 0; i < c->n_jobs; i++)
		if (!c->jobs[i]->thread_started)
			job_free(c->jobs[i]);
	if (!left)
		free(c->jobs);
	authz_done(c);
	sd_event_source_unref(c->wake_source);
	sd_event_source_unref(c->kevents_source);
	kernel_events_free(c->kevents);
	sd_bus_flush_close_unref(c->bus);
	sd_event_unref(c->event);
	for (int *fd = &c->state_fd; fd <= &c->backups_fd; fd++)
		if (*fd >= 0)
			close(*fd);
	if (left)
		return;
	free(c->state_dir);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	config_done(&c->config);
	pthread_mutex_destroy(&c->lock);
}

static int open_subdir(int dirfd, const char *name)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int connect_state_dir(Context *c)
{
	const char *dir = arg_state_dir;
	const char *env = getenv("STATE_DIRECTORY");	/* StateDirectory=mectl */

	if (!dir)
		dir = env && *env ? env : "/var/lib/mectl";
	c->state_dir = strdup(dir);
	if (!c->state_dir)
		return -ENOMEM;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	c->state_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->state_fd < 0)
		return -errno;
	c->jobs_fd = open_subdir(c->state_fd, "jobs");
	if (c->jobs_fd < 0)
		return c->jobs_fd;
	c->backups_fd = open_subdir(c->state_fd, "backups");
	if (c->backups_fd < 0)
		return c->backups_fd;
	return 0;
}

static int on_wake(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	(void)s, (void)fd, (void)revents;
	jobs_wake(userdata);
	return 0;
}

static void on_kernel_event(enum mectl_cmd event, const struct chip_info *chip, void *userdata)
{
	(void)userdata;
	/* Jobs look chips up when they start; the events are only logged. */
	if (event == MECTL_EVENT_ATTACHED)
		fprintf(stderr, "mectld: chip attached: spi%u.%u %s %s -> mtd%u\n", chip->bus, chip->cs,
			chip->manufacturer, chip->part, chip->mtd_index);
	else if (event == MECTL_EVENT_DETACHED)
		fprintf(stderr, "mectld: chip detached: spi%u.%u\n", chip->bus, chip->cs);
}

static int on_kernel_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	Context *c = userdata;
	int r;

	(void)s, (void)fd, (void)revents;
	r = kernel_events_dispatch(c->kevents);
	if (r < 0)
		fprintf(stderr, "mectld: netlink events, ignoring: %s\n", strerror(-r));
	return 0;
}

static int connect_netlink(Context *c)
{
	int r;

	r = kernel_events_open(on_kernel_event, c, &c->kevents);
	if (r == -ENOENT) {
		fprintf(stderr, "mectld: mectl_flash is not loaded; no chip events until it is, ignoring\n");
		return 0;
	}
	if (r < 0)
		return r;
	return sd_event_add_io(c->event, &c->kevents_source, kernel_events_fd(c->kevents), EPOLLIN,
			       on_kernel_io, c);
}

static int connect_bus(Context *c)
{
	int r;

	if (arg_bus_address) {
		r = sd_bus_new(&c->bus);
		if (r < 0)
			return r;
		r = sd_bus_set_address(c->bus, arg_bus_address);
		if (r < 0)
			return r;
		r = sd_bus_set_bus_client(c->bus, 1);
		if (r < 0)
			return r;
		r = sd_bus_negotiate_fds(c->bus, 1);
		if (r < 0)
			return r;
		r = sd_bus_start(c->bus);
	} else {
		r = sd_bus_open_system(&c->bus);
	}
	if (r < 0)
		return r;
	r = bus_register(c);
	if (r < 0)
		return r;
	r = sd_bus_request_name(c->bus, MECTL_BUS_NAME, 0);
	if (r < 0)
		return r;
	return sd_bus_attach_event(c->bus, c->event, 0);
}

static int run(int argc, char **argv)
{
	_cleanup_(context_destroy) Context context = {
		.state_fd = -1, .jobs_fd = -1, .backups_fd = -1, .wake_fd = -1,
		.chip_gid = (gid_t)-1, .next_id = 1,
	};
	Context *c = &context;
	sigset_t ss;
	int r;

	r = parse_argv(argc, argv);
	if (r <= 0)
		return r;
	pthread_mutex_init(&c->lock, NULL);
	r = load_config(&c->config);
	if (r < 0)
		return r;
	if (*c->config.group) {
		struct group *g = getgrnam(c->config.group);

		if (g) {
			c->chip_gid = g->gr_gid;
			c->chip_group = c->config.group;
		} else if (strcmp(c->config.group, "mectl")) {
			fprintf(stderr, "mectld: no group '%s': no group may run chip jobs\n",
				c->config.group);
		}
	}

	/* Block before any thread starts: workers inherit the mask, the loop takes them. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &ss, NULL) != 0)
		return -EINVAL;

	r = connect_state_dir(c);
	if (r < 0) {
		fprintf(stderr, "mectld: state dir %s: %s\n", arg_state_dir ? arg_state_dir : "",
			strerror(-r));
		return r;
	}
	c->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->wake_fd < 0)
		return -errno;
	r = sd_event_default(&c->event);
	if (r < 0)
		return r;
	(void) sd_event_add_signal(c->event, NULL, SIGTERM, NULL, NULL);
	(void) sd_event_add_signal(c->event, NULL, SIGINT, NULL, NULL);
	r = sd_event_add_io(c->event, &c->wake_source, c->wake_fd, EPOLLIN, on_wake, c);
	if (r < 0)
		return r;

	r = jobs_load(c);
	if (r < 0) {
		fprintf(stderr, "mectld: cannot load jobs from %s: %s\n", c->state_dir, strerror(-r));
		return r;
	}
	r = connect_bus(c);
	if (r < 0) {
		fprintf(stderr, "mectld: cannot connect to %s: %s\n",
			arg_bus_address ? arg_bus_address : "the system bus", strerror(-r));
		return r;
	}
	r = connect_netlink(c);
	if (r < 0)
		fprintf(stderr, "mectld: netlink events unavailable, ignoring: %s\n", strerror(-r));

	jobs_schedule(c);
	(void) sd_notify(0, "READY=1\nSTATUS=Processing requests...");
	fprintf(stderr, "mectld: ready (state dir %s, %zu job(s) on record)\n", c->state_dir,
		c->n_jobs);
	r = sd_event_loop(c->event);
	(void) sd_notify(0, "STOPPING=1\nSTATUS=Waiting for running jobs...");
	return r;
}

int main(int argc, char **argv)
{
	int r = run(argc, argv);

	if (r < 0 && r != -EINVAL)
		fprintf(stderr, "mectld: %s\n", strerror(-r));
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
