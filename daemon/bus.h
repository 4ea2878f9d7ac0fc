/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTLD_BUS_H
#define MECTLD_BUS_H

/*
 * org.mectl1 as include/mectl-dbus.h defines it (bus.c): the Manager and the job
 * objects on c->bus, and the queue's observer that announces every job's changes.
 */
typedef struct Context Context;

int bus_register(Context *c);

#endif
