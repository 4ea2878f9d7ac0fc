// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * measure N CMD [ARGS...]: run CMD N times (stdout/stderr to /dev/null) and print
 * "<min wall s> <median wall s> <peak RSS KiB> <exit code>" — wall time from
 * CLOCK_MONOTONIC around fork..wait4, peak RSS from the child's rusage (ru_maxrss).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long rss = 0;
	int n, status = 0;
	double *t;

	if (argc < 3 || (n = atoi(argv[1])) < 1 || n > 1000) {
		fprintf(stderr, "usage: measure N CMD [ARGS...]\n");
		return EXIT_FAILURE;
	}
	t = calloc(n, sizeof(*t));
	if (!t)
		return EXIT_FAILURE;
	for (int i = 0; i < n; i++) {
		struct timespec a, b;
		struct rusage ru;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &a);
		pid = fork();
		if (pid < 0) {
			perror("measure: fork");
			return EXIT_FAILURE;
		}
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) != pid) {
			perror("measure: wait4");
			return EXIT_FAILURE;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (ru.ru_maxrss > rss)
			rss = ru.ru_maxrss;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "measure: %s failed (status 0x%x)\n", argv[2], status);
			return EXIT_FAILURE;
		}
	}
	qsort(t, n, sizeof(*t), cmp);
	printf("%.6f %.6f %ld %d\n", t[0], t[n / 2], rss, WEXITSTATUS(status));
	free(t);
	return EXIT_SUCCESS;
}
