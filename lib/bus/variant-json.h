/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_VARIANT_JSON_H
#define MECTL_VARIANT_JSON_H

/*
 * JSON (json-c) <-> D-Bus a{sv}, both ways, by the rules of include/mectl-dbus.h:
 * integers x, booleans b, fractions d, strings s, objects a{sv}; arrays as, ax, aa{sv}
 * when every member has that type (an empty array: an empty as), av otherwise; null
 * an empty av. A JSON value read back from its D-Bus form is equal to it.
 */
#include <json-c/json.h>
#include <systemd/sd-bus.h>

/* Append obj (a JSON object) to m as a{sv}. 0 or -errno (-EINVAL: not an object). */
int json_append_vardict(sd_bus_message *m, struct json_object *obj);
/* Read the a{sv} at m's position into a new JSON object. 0 or -errno. */
int json_read_vardict(sd_bus_message *m, struct json_object **ret);
/* The one text form both sides print: compact, "/" unescaped. */
const char *json_text(struct json_object *obj);

#endif
