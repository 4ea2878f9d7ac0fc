/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_CLEANUP_H
#define MECTL_CLEANUP_H

/*
 * Scope-bound cleanup for mectl's userspace (mectld, mectl, the tools in tests/):
 * libsystemd's public headers only give the sd_*_unrefp ones. Every destructor
 * accepts the "nothing here" value (NULL, -1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand ownership of an fd or pointer to the caller: returns it, leaves -1/NULL. */
static inline int take_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })

#endif
