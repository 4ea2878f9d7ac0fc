// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON <-> D-Bus a{sv} (see variant-json.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "variant-json.h"

/* The D-Bus type of a JSON value (at most "aa{sv}"). */
static const char *signature_of(struct json_object *v)
{
	static const struct {
		enum json_type type;
		const char *sig;
	} arrays[] = {
		{ json_type_string, "as" },
		{ json_type_int, "ax" },
		{ json_type_object, "aa{sv}" },
	};
	size_t n;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return "av";
	case json_type_boolean:
		return "b";
	case json_type_int:
		return "x";
	case json_type_double:
		return "d";
	case json_type_string:
		return "s";
	case json_type_object:
		return "a{sv}";
	case json_type_array:
		break;
	}
	n = json_object_array_length(v);
	if (n == 0)
		return "as";
	for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
		size_t i;

		for (i = 0; i < n; i++)
			if (json_object_get_type(json_object_array_get_idx(v, i)) != arrays[k].type)
				break;
		if (i == n)
			return arrays[k].sig;
	}
	return "av";
}

static int append_variant(sd_bus_message *m, struct json_object *v);

/* v as a value of type sig (signature_of(v), or an array's member type). */
static int append_value(sd_bus_message *m, struct json_object *v, const char *sig)
{
	size_t n;
	int r;

	switch (sig[0]) {
	case 'b':
		return sd_bus_message_append_basic(m, 'b', &(int){ json_object_get_boolean(v) });
	case 'x':
		return sd_bus_message_append_basic(m, 'x', &(int64_t){ json_object_get_int64(v) });
	case 'd':
		return sd_bus_message_append_basic(m, 'd', &(double){ json_object_get_double(v) });
	case 's':
		return sd_bus_message_append_basic(m, 's', json_object_get_string(v));
	case 'a':
		break;
	default:
		return -EINVAL;
	}
	if (!strcmp(sig, "a{sv}"))
		return json_append_vardict(m, v);
	r = sd_bus_message_open_container(m, 'a', sig + 1);
	n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);

		r = sig[1] == 'v' ? append_variant(m, e) : append_value(m, e, sig + 1);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

static int append_variant(sd_bus_message *m, struct json_object *v)
{
	const char *sig = signature_of(v);
	int r;

	r = sd_bus_message_open_container(m, 'v', sig);
	if (r >= 0)
		r = append_value(m, v, sig);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

int json_append_vardict(sd_bus_message *m, struct json_object *obj)
{
	int r;

	if (!json_object_is_type(obj, json_type_object))
		return -EINVAL;
	r = sd_bus_message_open_container(m, 'a', "{sv}");
	json_object_object_foreach(obj, key, val) {
		if (r >= 0)
			r = sd_bus_message_open_container(m, 'e', "sv");
		if (r >= 0)
			r = sd_bus_message_append_basic(m, 's', key);
		if (r >= 0)
			r = append_variant(m, val);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

static int read_value(sd_bus_message *m, char type, const char *contents, struct json_object **ret);

/* The members of the container m is in, into an array or (dict entries) an object. */
static int read_members(sd_bus_message *m, bool dict, struct json_object **ret)
{
	struct json_object *o = dict ? json_object_new_object() : json_object_new_array();
	const char *contents;
	char type;
	int r;

	if (!o)
		return -ENOMEM;
	while ((r = sd_bus_message_peek_type(m, &type, &contents)) > 0) {
		struct json_object *v = NULL;
		const char *key = NULL;

		if (dict) {
			r = sd_bus_message_enter_container(m, 'e', contents);
			if (r >= 0)
				r = sd_bus_message_read_basic(m, 's', &key);
			if (r >= 0)
				r = sd_bus_message_peek_type(m, &type, &contents);
			if (r == 0)
				r = -EBADMSG;
		}
		if (r >= 0)
			r = read_value(m, type, contents, &v);
		if (r >= 0 && dict)
			r = sd_bus_message_exit_container(m);
		if (r >= 0)
			r = dict ? json_object_object_add(o, key, v) : json_object_array_add(o, v);
		if (r < 0) {
			json_object_put(v);
			break;
		}
	}
	if (r < 0) {
		json_object_put(o);
		return r;
	}
	*ret = o;
	return 0;
}

static int read_value(sd_bus_message *m, char type, const char *contents, struct json_object **ret)
{
	union {
		int b;
		uint8_t y;
		int16_t n;
		uint16_t q;
		int32_t i;
		uint32_t u;
		int64_t x;
		uint64_t t;
		double d;
		const char *s;
	} v;
	struct json_object *o = NULL;
	const char *inner;
	char t;
	int r;

	if (strchr("vrae", type)) {
		bool dict = type == 'a' && contents[0] == '{';

		r = sd_bus_message_enter_container(m, type, contents);
		if (r < 0)
			return r;
		if (type == 'v') {
			r = sd_bus_message_peek_type(m, &t, &inner);
			r = r > 0 ? read_value(m, t, inner, &o) : r < 0 ? r : -EBADMSG;
		} else {
			r = read_members(m, dict, &o);
			/* the empty av is null */
			if (r >= 0 && type == 'a' && !strcmp(contents, "v") &&
			    !json_object_array_length(o)) {
				json_object_put(o);
				o = NULL;
			}
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r < 0) {
			json_object_put(o);
			return r;
		}
		*ret = o;
		return 0;
	}
	r = sd_bus_message_read_basic(m, type, &v);
	if (r < 0)
		return r;
	switch (type) {
	case 'b': o = json_object_new_boolean(v.b); break;
	case 'y': o = json_object_new_int64(v.y); break;
	case 'n': o = json_object_new_int64(v.n); break;
	case 'q': o = json_object_new_int64(v.q); break;
	case 'i': o = json_object_new_int64(v.i); break;
	case 'u': o = json_object_new_int64(v.u); break;
	case 'x': o = json_object_new_int64(v.x); break;
	case 't': o = json_object_new_uint64(v.t); break;
	case 'd': o = json_object_new_double(v.d); break;
	case 's': case 'o': case 'g': o = json_object_new_string(v.s); break;
	default: return -EBADMSG;
	}
	if (!o)
		return -ENOMEM;
	*ret = o;
	return 0;
}

int json_read_vardict(sd_bus_message *m, struct json_object **ret)
{
	return read_value(m, 'a', "{sv}", ret);
}

const char *json_text(struct json_object *obj)
{
	return json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}
