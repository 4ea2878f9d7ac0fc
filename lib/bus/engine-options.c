// SPDX-License-Identifier: GPL-2.0-or-later
/* The engine's options as a{sv} (see engine-options.h). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-options.h"

static const struct engine_option {
	const char *key;
	char type;		/* 'b': bool member, 's': const char * member */
	size_t offset;
	int group;		/* mutually exclusive with the others of its group; 0: none */
	const char *const *choices;	/* 's': the values accepted, NULL: any */
} engine_option_table[] = {
#define BOOL_OPT(name, grp) { #name, 'b', offsetof(struct img_options, name), grp, NULL }
#define STR_OPT(name, grp, ch) { #name, 's', offsetof(struct img_options, name), grp, ch }
	STR_OPT(output, 0, NULL),
	BOOL_OPT(soft_disable, 1),
	BOOL_OPT(soft_disable_only, 1),
	BOOL_OPT(relocate, 0),
	BOOL_OPT(truncate, 0),
	BOOL_OPT(keep_modules, 0),
	STR_OPT(whitelist, 2, NULL),
	STR_OPT(blacklist, 2, NULL),
	BOOL_OPT(descriptor, 0),
	STR_OPT(extract_descriptor, 0, NULL),
	STR_OPT(extract_me, 0, NULL),
	BOOL_OPT(check, 0),
	BOOL_OPT(json, 0),
	BOOL_OPT(force, 0),
	STR_OPT(pch, 0, ((const char *const[]){ "lp", "h", NULL })),
#undef BOOL_OPT
#undef STR_OPT
	{ NULL, 0, 0, 0, NULL }
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

static int invalid(char **ret_msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int invalid(char **ret_msg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(ret_msg, fmt, ap) < 0)
		*ret_msg = NULL;
	va_end(ap);
	return -EINVAL;
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
			return invalid(ret_msg, "option '%s': invalid choice '%s'", a->key,
				       *MEMBER(&e->o, a, const char *));
		for (const struct engine_option *b = a + 1; a->group && b->key; b++)
			if (b->group == a->group && option_set(&e->o, b))
				return invalid(ret_msg, "option '%s' is not allowed with '%s'", a->key,
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

	*ret_msg = NULL;
	*e = (struct engine_options) {};
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const struct engine_option *opt;
		const char *key, *s;
		char sig[2] = {};
		int b;

		r = sd_bus_message_read_basic(m, 's', &key);
		if (r < 0)
			return r;
		for (opt = engine_option_table; opt->key; opt++)
			if (!strcmp(opt->key, key))
				break;
		if (!opt->key)
			return invalid(ret_msg, "unknown engine option '%s'", key);
		sig[0] = opt->type;
		if (sd_bus_message_enter_container(m, 'v', sig) < 0)
			return invalid(ret_msg, "engine option '%s' must have type %s", key, sig);
		r = sd_bus_message_read_basic(m, opt->type, opt->type == 'b' ? (void *)&b : (void *)&s);
		if (r < 0)
			return r;
		if (opt->type == 'b') {
			*MEMBER(&e->o, opt, bool) = b;
		} else {
			if (n_strings == ENGINE_OPTION_STRINGS || *MEMBER(&e->o, opt, const char *))
				return invalid(ret_msg, "engine option '%s' given twice", key);
			e->strings[n_strings] = strdup(s);
			if (!e->strings[n_strings])
				return -ENOMEM;
			*MEMBER(&e->o, opt, const char *) = e->strings[n_strings++];
		}
		r = sd_bus_message_exit_container(m);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	if (r < 0)
		return r;
	return 0;
}

void engine_options_done(struct engine_options *e)
{
	for (size_t i = 0; i < ENGINE_OPTION_STRINGS; i++)
		free(e->strings[i]);
	*e = (struct engine_options) {};
}
