// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper for daemon.sh and systemd.sh: the PID-reuse attack on mectld's
 * authorization, played out in full. Run as root:
 *
 *   pid-reuse ADDRESS|system DAEMON_PID GID
 *
 *  1. mectld is stopped (SIGSTOP), so the call waits in its socket, as it would
 *     behind a busy event loop or a slow polkit;
 *  2. process A, uid and gid 65534 with no groups, connects and sends SubmitProbe
 *     (the only mectl_flash chip), then forks B, which keeps A's connection open,
 *     and exits: the bus still names A's PID as the sender's;
 *  3. A privileged process takes A's PID (ns_last_pid): uid 0, gid GID, groups GID;
 *  4. mectld continues and decides; B reads the reply off the socket.
 *
 * A daemon that looks at /proc/PID (or anything else that follows the PID) sees the
 * privileged process and lets the call through. Prints the reply: the D-Bus error
 * name, or "job" when a job was made. Exit 0 with a reply, 2 when the PID could not
 * be taken over (another process got it: run again), 1 on any other failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../../client/bus-client.h"

#define NOBODY 65534
#define REPLY_WAIT_MS 60000

/* B: the raw bytes of A's connection until mectld's reply shows up in them. */
static int read_reply(int fd)
{
	static char buf[1 << 16];
	size_t len = 0;

	while (len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		char *e;

		if (poll(&p, 1, REPLY_WAIT_MS) <= 0)
			break;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = 0;
		/* the header's ERROR_NAME field, NUL-terminated on the wire */
		e = memmem(buf, len, "org.mectl1.Error.", 17);
		if (e && memchr(e, 0, len - (size_t)(e - buf))) {
			printf("%s\n", e);
			fflush(stdout);
			return 0;
		}
		if (memmem(buf, len, "/org/mectl1/job/", 16)) {
			printf("job\n");
			fflush(stdout);
			return 0;
		}
	}
	fprintf(stderr, "pid-reuse: no reply from mectld (%zu bytes)\n", len);
	return 1;
}

/* A: connect as nobody, send, hand the connection to B, exit. */
static void client(const char *address, int sync_fd)
{
	sd_bus_message *m = NULL;
	sd_bus *bus = NULL;
	pid_t self = getpid(), b;
	uint64_t cookie;	/* kept: without it sd-bus marks the call "no reply expected" */
	int fd;

	if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
		_exit(1);
	if (mectl_bus_open(address, &bus) < 0 ||
	    sd_bus_message_new_method_call(bus, &m, "org.mectl1", "/org/mectl1",
					   "org.mectl1.Manager", "SubmitProbe") < 0 ||
	    sd_bus_message_append(m, "a{sv}", 0) < 0 || sd_bus_send(bus, m, &cookie) < 0 ||
	    sd_bus_flush(bus) < 0)
		_exit(1);
	/* sd-bus refuses to work in a forked child: B uses the socket as it is */
	fd = sd_bus_get_fd(bus);
	if (fd < 0)
		_exit(1);
	b = fork();
	if (b < 0)
		_exit(1);
	if (b == 0) {
		pid_t pids[2] = { self, getpid() };

		/* the call is on its way; A's PID and B's */
		if (write(sync_fd, pids, sizeof(pids)) != sizeof(pids))
			_exit(1);
		close(sync_fd);
		_exit(read_reply(fd));
	}
	_exit(0);
}

/* The privileged process on PID want, in gid's group; returns once it is there. */
static pid_t take_pid(pid_t want, gid_t gid)
{
	int fd, len, ready[2];
	char s[32], c;
	pid_t p;

	fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = snprintf(s, sizeof(s), "%d", (int)want - 1);
	if (write(fd, s, (size_t)len) != len) {
		close(fd);
		return -1;
	}
	close(fd);
	if (pipe(ready) < 0)
		return -1;
	p = fork();
	if (p == 0) {
		close(ready[0]);
		if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || write(ready[1], "", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	if (p > 0 && read(ready[0], &c, 1) != 1) {
		waitpid(p, NULL, 0);
		p = -1;
	}
	close(ready[0]);
	return p;
}

int main(int argc, char **argv)
{
	pid_t daemon_pid, a, p = -1, pids[2] = {};
	int sync_fd[2], status = 0, ret = 1;
	gid_t gid;

	if (argc != 4) {
		fprintf(stderr, "usage: pid-reuse ADDRESS|system DAEMON_PID GID\n");
		return 1;
	}
	daemon_pid = (pid_t)atoi(argv[2]);
	gid = (gid_t)atoi(argv[3]);
	/* B is reparented to us when A exits, and we reap it */
	if (daemon_pid <= 1 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || pipe(sync_fd) < 0) {
		perror("pid-reuse");
		return 1;
	}
	if (kill(daemon_pid, SIGSTOP) < 0) {
		perror("pid-reuse: stop mectld");
		return 1;
	}
	a = fork();
	if (a == 0) {
		close(sync_fd[0]);
		client(strcmp(argv[1], "system") ? argv[1] : NULL, sync_fd[1]);
	}
	close(sync_fd[1]);
	if (a > 0 && read(sync_fd[0], pids, sizeof(pids)) == sizeof(pids) && pids[0] == a &&
	    waitpid(a, &status, 0) == a && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		p = take_pid(a, gid);
		ret = p == a ? 0 : 2;
	}
	kill(daemon_pid, SIGCONT);
	if (ret == 2)
		fprintf(stderr, "pid-reuse: PID %d went to another process\n", (int)a);
	else if (ret == 1)
		fprintf(stderr, "pid-reuse: the unprivileged client failed\n");
	if (pids[1] > 0 && (waitpid(pids[1], &status, 0) != pids[1] || !WIFEXITED(status) ||
			    WEXITSTATUS(status) != 0) && ret == 0)
		ret = 1;
	if (a > 0 && ret == 1)
		waitpid(a, NULL, WNOHANG);
	if (p > 0) {
		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
	}
	return ret;
}
