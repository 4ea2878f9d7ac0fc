// SPDX-License-Identifier: GPL-2.0-or-later
/* The engine's options as a{sv} (see engine-options.h). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-options.h"
#include "strbuf.h"
#include "vardict.h"

/* Every option: its img_options member, type, exclusion group (0: none), choices. */
#define ENGINE_OPTIONS(X) \
	X(output, 's', 0, NULL) \
	X(soft_disable, 'b', 1, NULL) \
	X(soft_disable_only, 'b', 1, NULL) \
	X(relocate, 'b', 0, NULL) \
	X(truncate, 'b', 0, NULL) \
	X(keep_modules, 'b', 0, NULL) \
	X(whitelist, 's', 2, NULL) \
	X(blacklist, 's', 2, NULL) \
	X(descriptor, 'b', 0, NULL) \
	X(extract_descriptor, 's', 0, NULL) \
	X(extract_me, 's', 0, NULL) \
	X(check, 'b', 0, NULL) \
	X(json, 'b', 0, NULL) \
	X(force, 'b', 0, NULL) \
	X(pch, 's', 0, ((const char *const[]){ "lp", "h", NULL }))

static const struct engine_option {
	const char *key;
	char type;		/* 'b': bool member, 's': const char * member */
	size_t offset;
	int group;		/* mutually exclusive with the others of its group; 0: none */
	const char *const *choices;	/* 's': the values accepted, NULL: any */
} engine_option_table[] = {
#define ROW(name, type, grp, ch) { #name, type, offsetof(struct img_options, name), grp, ch },
	ENGINE_OPTIONS(ROW)
#undef ROW
	{ NULL, 0, 0, 0, NULL }
};

/* The same keys for the a{sv} reader. */
static const struct vardict_field engine_fields[] = {
#define FIELD(name, type, grp, ch) { #name, type, offsetof(struct img_options, name) },
	ENGINE_OPTIONS(FIELD)
#undef FIELD
	{ NULL, 0, 0 }
};

#define MEMBER(o, opt, type) ((type *)((char *)(o) + (opt)->offset))

static bool option_set(const struct img_options *o, const struct engine_option *opt)
{
	return opt->type == 'b' ? *MEMBER(o, opt, const bool) : *MEMBER(o, opt, const char *) != NULL;
}

int engine_options_append(sd_bus_message *m, const struct img_options *o)
{
	int r;

	r = sd_bus_message_open_container(m, 'a', "{sv}");
	for (const struct engine_option *opt = engine_option_table; r >= 0 && opt->key; opt++) {
		if (!option_set(o, opt))
			continue;
		if (opt->type == 'b')
			r = sd_bus_message_append(m, "{sv}", opt->key, "b", 1);
		else
			r = sd_bus_message_append(m, "{sv}", opt->key, "s",
						  *MEMBER(o, opt, const char *));
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

static bool one_of(const char *const *choices, const char *s)
{
	for (; *choices; choices++)
		if (!strcmp(*choices, s))
			return true;
	return false;
}

/* What img_parse_args() refuses beyond the syntax: groups, choices, img_options_check(). */
int engine_options_validate(struct engine_options *e, char **ret_msg)
{
	struct img_result res = {};
	int r;

	for (const struct engine_option *a = engine_option_table; a->key; a++) {
		if (!option_set(&e->o, a))
			continue;
		if (a->choices && !one_of(a->choices, *MEMBER(&e->o, a, const char *)))
			return error_line(ret_msg, -EINVAL, "option '%s': invalid choice '%s'", a->key,
				       *MEMBER(&e->o, a, const char *));
		for (const struct engine_option *b = a + 1; a->group && b->key; b++)
			if (b->group == a->group && option_set(&e->o, b))
				return error_line(ret_msg, -EINVAL, "option '%s' is not allowed with '%s'", a->key,
					       b->key);
	}
	r = img_options_check(&e->o, &res);
	if (r > 0) {
		r = -EINVAL;
		*ret_msg = res.log.n ? strndup(res.log.v[0].text, strcspn(res.log.v[0].text, "\n"))
				     : NULL;
	}
	img_result_free(&res);
	return r;
}

int engine_options_read(sd_bus_message *m, struct engine_options *e, char **ret_msg)
{
	size_t n_strings = 0;
	int r;

	*e = (struct engine_options) {};
	r = vardict_read(m, engine_fields, "engine option", &e->o, NULL, ret_msg);
	if (r < 0)
		return r;
	/* The strings are the message's: the options keep copies. */
	for (const struct engine_option *opt = engine_option_table; opt->key; opt++) {
		const char **v = MEMBER(&e->o, opt, const char *);

		if (opt->type != 's' || !*v)
			continue;
		if (n_strings == ENGINE_OPTION_STRINGS)
			return -E2BIG;
		e->strings[n_strings] = strdup(*v);
		if (!e->strings[n_strings])
			return -ENOMEM;
		*v = e->strings[n_strings++];
	}
	return 0;
}

void engine_options_done(struct engine_options *e)
{
	for (size_t i = 0; i < ENGINE_OPTION_STRINGS; i++)
		free(e->strings[i]);
	*e = (struct engine_options) {};
}
