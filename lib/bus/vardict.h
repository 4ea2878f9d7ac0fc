/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_VARDICT_H
#define MECTL_VARDICT_H

/*
 * An a{sv} argument read into a struct by a table of its keys (vardict.c): the chip
 * options of mectld's Submit* methods and the image engine's options use it.
 */
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

/* One key: the member it sets, by its D-Bus type. */
struct vardict_field {
	const char *key;
	char type;	/* 'b': bool, 'i': int32_t, 'u': uint32_t, 'h': int (the message's fd),
			 * 's': const char * (the message's string) */
	size_t offset;
};

/*
 * Read the a{sv} at m's read position into base, by fields (ended by a NULL key; at
 * most 64). Bit i of *ret_seen is set for each fields[i] given. -EINVAL with a
 * one-line reason in *ret_msg (caller frees), naming the key as "WHAT 'KEY'", for an
 * unknown key, a value of another type or a key given twice; other -errno from sd-bus.
 * Strings and fds stay the message's.
 */
int vardict_read(sd_bus_message *m, const struct vardict_field *fields, const char *what,
		 void *base, uint64_t *ret_seen, char **ret_msg);

#endif
