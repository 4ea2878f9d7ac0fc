/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the lib/bus tests build messages on: sd-bus needs a bus that is opening, here
 * one end of a socketpair nobody answers (*peer is the other end, to close).
 */
#include <sys/socket.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

static inline int bus_pair_open(sd_bus **ret, int *peer)
{
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	*peer = sv[1];
	r = sd_bus_new(ret);
	if (r >= 0)
		r = sd_bus_set_fd(*ret, sv[0], sv[0]);
	if (r >= 0)
		r = sd_bus_start(*ret);
	return r;
}

static inline void bus_pair_close(sd_bus *bus, int peer)
{
	sd_bus_close_unref(bus);
	close(peer);
}
