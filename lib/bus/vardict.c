// SPDX-License-Identifier: GPL-2.0-or-later
/* An a{sv} read into a struct by a table of its keys (see vardict.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "vardict.h"

/* One value of the field's type into its member. */
static int read_value(sd_bus_message *m, const struct vardict_field *f, void *base)
{
	void *dst = (char *)base + f->offset;
	int b, r;

	if (f->type != 'b')
		return sd_bus_message_read_basic(m, f->type, dst);
	r = sd_bus_message_read_basic(m, 'b', &b);
	if (r >= 0)
		*(bool *)dst = b;
	return r;
}

int vardict_read(sd_bus_message *m, const struct vardict_field *fields, const char *what,
		 void *base, uint64_t *ret_seen, char **ret_msg)
{
	uint64_t seen = 0;
	int r;

	*ret_msg = NULL;
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *key;
		char sig[2] = {};
		size_t i;

		r = sd_bus_message_read_basic(m, 's', &key);
		if (r < 0)
			return r;
		for (i = 0; fields[i].key; i++)
			if (!strcmp(fields[i].key, key))
				break;
		if (!fields[i].key || i >= 64)
			return error_line(ret_msg, -EINVAL, "unknown %s '%s'", what, key);
		if (seen & (UINT64_C(1) << i))
			return error_line(ret_msg, -EINVAL, "%s '%s' given twice", what, key);
		sig[0] = fields[i].type;
		if (sd_bus_message_enter_container(m, 'v', sig) < 0)
			return error_line(ret_msg, -EINVAL, "%s '%s' must have type %s", what, key, sig);
		r = read_value(m, &fields[i], base);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
		seen |= UINT64_C(1) << i;
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	if (r < 0)
		return r;
	if (ret_seen)
		*ret_seen = seen;
	return 0;
}
