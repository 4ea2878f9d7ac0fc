/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MECTL_COMMON_JSON_H
#define MECTL_COMMON_JSON_H

/*
 * The one JSON string writer of mectl, mectld and the image engine.
 *
 *   json_str(b, s)   append the JSON literal of s to a strbuf (strbuf.h)
 *   json_fstr(f, s)  write the same literal to a stream
 *
 * The literal: s quoted, with RFC 8259 escapes: \" \\ \b \f \n \r \t, \u00XX for the
 * other control characters and DEL; well-formed UTF-8 sequences are copied; every other
 * byte >= 0x80 becomes \u00XX (its Latin-1 code point), so that the output is valid
 * UTF-8 (a D-Bus string) whatever bytes s holds. s == NULL writes null.
 */
#include <stdio.h>

#include "strbuf.h"

void json_str(struct strbuf *b, const char *s);
void json_fstr(FILE *f, const char *s);

#endif
