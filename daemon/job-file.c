// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectld: the job file format (state dir jobs/N), written and read back.
 *
 * One "key=value" line per field, every line ending in '\n'; text values escape
 * '\\' and newlines. The parser is strict: every key of the table below must be
 * there (only "arg" may repeat or be absent), no other key may be, each value must
 * parse completely, and the id is the file's name. A file that fails any of this is
 * rejected as a whole — nothing is defaulted — and the caller moves it aside
 * (job-store.c). What the parser did read is still in the Job and named in *ret_seen, so
 * that a cut-short record of a running job can still be marked interrupted.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "job-file.h"
#include "mectld.h"

#define MTD_INTERNAL "internal"

int job_file_name_to_id(const char *name, uint32_t *ret)
{
	uint64_t v = 0;

	/* canonical decimal only: "7", never "07", "+7" or "7.in" */
	if (!name[0] || name[0] == '0' || strspn(name, "0123456789") != strlen(name) ||
	    strlen(name) > 10)
		return -EINVAL;
	for (const char *p = name; *p; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

void job_fields_free(Job *j)
{
	for (char **a = j->args; a && *a; a++)
		free(*a);
	free(j->args);
	free(j->chip_id);
	free(j->message);
	free(j->result);
	j->args = NULL;
	j->chip_id = j->message = j->result = NULL;
}

/* ---------------------------------------------------------------------------------
 * Writing
 */
static void put_escaped(struct strbuf *b, const char *key, const char *v)
{
	strbuf_printf(b, "%s=", key);
	for (; v && *v; v++) {
		if (*v == '\\')
			strbuf_printf(b, "\\\\");
		else if (*v == '\n')
			strbuf_printf(b, "\\n");
		else
			strbuf_printf(b, "%c", *v);
	}
	strbuf_printf(b, "\n");
}

char *job_serialize(const Job *j)
{
	char phase[JOB_PHASE_TEXT_MAX];
	struct strbuf b = {};

	strbuf_printf(&b, "id=%u\ntype=%s\nstate=%s\nowner=%u\n", j->id,
		      job_type_to_string(j->type), job_state_to_string(j->state),
		      (unsigned)j->owner);
	if (j->mtd == JOB_MTD_INTERNAL)
		strbuf_printf(&b, "mtd=" MTD_INTERNAL "\n");
	else
		strbuf_printf(&b, "mtd=%d\n", j->mtd);
	put_escaped(&b, "chip", j->chip_id);
	strbuf_printf(&b, "attach=%d\nbus=%u\ncs=%u\nspeed_hz=%u\npasses=%u\nforce=%d\n",
		      j->attach, j->bus, j->cs, j->speed_hz, j->passes, j->force);
	strbuf_printf(&b, "has_input=%d\nhas_output=%d\nprogress=%.4f\n", j->has_input,
		      j->has_output, j->progress);
	for (char **a = j->args; a && *a; a++)
		put_escaped(&b, "arg", *a);
	job_phase_format(j->phase.phase, j->phase.pass, j->phase.passes, phase, sizeof(phase));
	put_escaped(&b, "phase", phase);
	put_escaped(&b, "message", j->message);
	put_escaped(&b, "result", j->result);
	return strbuf_steal(&b);
}

/* ---------------------------------------------------------------------------------
 * Reading: one parser per kind of value, one table row per key.
 */
typedef int (*job_value_fn)(const char *v, void *dest);

static int value_u32(const char *v, void *dest)
{
	uint64_t n = 0;

	if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 10)
		return -EINVAL;
	for (; *v; v++)
		n = n * 10 + (uint64_t)(*v - '0');
	if (n > UINT32_MAX)
		return -EINVAL;
	*(uint32_t *)dest = (uint32_t)n;
	return 0;
}

static int value_uid(const char *v, void *dest)
{
	uint32_t n;
	int r = value_u32(v, &n);

	if (r < 0 || n == (uint32_t)-1)
		return -EINVAL;
	*(uid_t *)dest = (uid_t)n;
	return 0;
}

/* mtd=: N for /dev/mtdN, -1 none, "internal" the host's own chip */
static int value_mtd(const char *v, void *dest)
{
	uint32_t n;

	if (!strcmp(v, "-1") || !strcmp(v, MTD_INTERNAL)) {
		*(int *)dest = v[0] == '-' ? -1 : JOB_MTD_INTERNAL;
		return 0;
	}
	if (value_u32(v, &n) < 0 || n > INT32_MAX)
		return -EINVAL;
	*(int *)dest = (int)n;
	return 0;
}

static int value_bool(const char *v, void *dest)
{
	if (strcmp(v, "0") && strcmp(v, "1"))
		return -EINVAL;
	*(bool *)dest = v[0] == '1';
	return 0;
}

static int value_type(const char *v, void *dest)
{
	JobType t = job_type_from_string(v);

	if (t < 0)
		return -EINVAL;
	*(JobType *)dest = t;
	return 0;
}

static int value_state(const char *v, void *dest)
{
	JobState s = job_state_from_string(v);

	if (s < 0)
		return -EINVAL;
	*(JobState *)dest = s;
	return 0;
}

static int value_phase(const char *v, void *dest)
{
	struct job_phase_at *p = dest;

	return job_phase_parse(v, &p->phase, &p->pass, &p->passes);
}

static int value_progress(const char *v, void *dest)
{
	char *end;
	double d;

	if (!isdigit((unsigned char)v[0]))
		return -EINVAL;
	errno = 0;
	d = strtod(v, &end);
	if (errno || *end || !isfinite(d) || d < 0 || d > 1)
		return -EINVAL;
	*(double *)dest = d;
	return 0;
}

/* Undo put_escaped(): only "\\\\" and "\\n" are escapes; anything else is damage. */
static int unescape(const char *v, char **ret)
{
	char *s = malloc(strlen(v) + 1), *o = s;

	if (!s)
		return -ENOMEM;
	for (; *v; v++) {
		if (*v != '\\') {
			*o++ = *v;
			continue;
		}
		v++;
		if (*v != '\\' && *v != 'n') {
			free(s);
			return -EINVAL;
		}
		*o++ = *v == 'n' ? '\n' : '\\';
	}
	*o = 0;
	*ret = s;
	return 0;
}

static int value_text(const char *v, void *dest)
{
	char **s = dest, *u;
	int r = unescape(v, &u);

	if (r < 0)
		return r;
	free(*s);
	*s = u;
	return 0;
}

static int value_arg(const char *v, void *dest)
{
	char ***args = dest, **nv, *u;
	size_t n = 0;
	int r = unescape(v, &u);

	if (r < 0)
		return r;
	while (*args && (*args)[n])
		n++;
	if (n >= JOB_FILE_ARGS_MAX) {
		free(u);
		return -EINVAL;
	}
	nv = realloc(*args, (n + 2) * sizeof(char *));
	if (!nv) {
		free(u);
		return -ENOMEM;
	}
	nv[n] = u;
	nv[n + 1] = NULL;
	*args = nv;
	return 0;
}

static const struct job_key {
	const char *name;
	job_value_fn parse;
	size_t offset;
	bool optional_repeated;	/* "arg": zero or more lines */
} job_keys[] = {
	[JOB_KEY_ID] = { "id", value_u32, offsetof(Job, id), false },
	[JOB_KEY_TYPE] = { "type", value_type, offsetof(Job, type), false },
	[JOB_KEY_STATE] = { "state", value_state, offsetof(Job, state), false },
	[JOB_KEY_OWNER] = { "owner", value_uid, offsetof(Job, owner), false },
	[JOB_KEY_MTD] = { "mtd", value_mtd, offsetof(Job, mtd), false },
	[JOB_KEY_CHIP] = { "chip", value_text, offsetof(Job, chip_id), false },
	[JOB_KEY_ATTACH] = { "attach", value_bool, offsetof(Job, attach), false },
	[JOB_KEY_BUS] = { "bus", value_u32, offsetof(Job, bus), false },
	[JOB_KEY_CS] = { "cs", value_u32, offsetof(Job, cs), false },
	[JOB_KEY_SPEED] = { "speed_hz", value_u32, offsetof(Job, speed_hz), false },
	[JOB_KEY_PASSES] = { "passes", value_u32, offsetof(Job, passes), false },
	[JOB_KEY_FORCE] = { "force", value_bool, offsetof(Job, force), false },
	[JOB_KEY_HAS_INPUT] = { "has_input", value_bool, offsetof(Job, has_input), false },
	[JOB_KEY_HAS_OUTPUT] = { "has_output", value_bool, offsetof(Job, has_output), false },
	[JOB_KEY_PROGRESS] = { "progress", value_progress, offsetof(Job, progress), false },
	[JOB_KEY_ARG] = { "arg", value_arg, offsetof(Job, args), true },
	[JOB_KEY_PHASE] = { "phase", value_phase, offsetof(Job, phase), false },
	[JOB_KEY_MESSAGE] = { "message", value_text, offsetof(Job, message), false },
	[JOB_KEY_RESULT] = { "result", value_text, offsetof(Job, result), false },
};

_Static_assert(ELEMENTSOF(job_keys) == _JOB_KEY_MAX, "one row per key");

static const struct job_key *job_key_find(const char *name, unsigned *ret_index)
{
	for (unsigned i = 0; i < ELEMENTSOF(job_keys); i++)
		if (!strcmp(job_keys[i].name, name)) {
			*ret_index = i;
			return &job_keys[i];
		}
	return NULL;
}

/* The fields together: what no single line can tell. */
static int job_check_fields(const Job *j, char **ret_why)
{
	bool needs_mtd = job_type_uses_chip(j->type) && !(j->type == JOB_PROBE && j->attach);

	if (j->passes < 1 || j->passes > MECTL_PASSES_MAX)
		return error_line(ret_why, -EBADMSG, "passes=%u is not 1..%d", j->passes, MECTL_PASSES_MAX);
	if (needs_mtd && j->mtd == -1 && j->state == JOB_QUEUED)
		return error_line(ret_why, -EBADMSG, "a queued %s job without a chip (mtd=-1)",
			   job_type_to_string(j->type));
	if (!job_type_uses_chip(j->type) && j->mtd != -1)
		return error_line(ret_why, -EBADMSG, "a %s job names a chip (mtd=%d)", job_type_to_string(j->type),
			   j->mtd);
	if (j->mtd == JOB_MTD_INTERNAL && !job_type_internal(j->type))
		return error_line(ret_why, -EBADMSG, "a %s job on the host's own chip (mtd=" MTD_INTERNAL ")",
			   job_type_to_string(j->type));
	return 0;
}

int job_file_parse(const char *name, const char *text, size_t len, Job *j, uint32_t *ret_seen,
		   char **ret_why)
{
	_cleanup_free_ char *copy = NULL;
	uint32_t id, seen = 0;
	unsigned lineno = 0;
	bool cut;
	char *line, *next;
	int r;

	*ret_seen = 0;
	*ret_why = NULL;
	if (job_file_name_to_id(name, &id) < 0)
		return error_line(ret_why, -EBADMSG, "'%s' is not a job id", name);
	if (memchr(text, 0, len))
		return error_line(ret_why, -EBADMSG, "a NUL byte at offset %zu", (size_t)((const char *)memchr(text, 0, len) - text));
	if (len == 0)
		return error_line(ret_why, -EBADMSG, "the file is empty");
	/* A last line without its newline was cut short: only the lines before it count. */
	cut = text[len - 1] != '\n';
	copy = strndup(text, len);
	if (!copy)
		return -ENOMEM;
	if (cut)
		*(strrchr(copy, '\n') ? strrchr(copy, '\n') + 1 : copy) = 0;

	for (line = copy; *line; line = next) {
		const struct job_key *k;
		unsigned idx;
		char *v;

		next = strchr(line, '\n');
		*next++ = 0;
		lineno++;
		v = strchr(line, '=');
		if (!v)
			return error_line(ret_why, -EBADMSG, "line %u: not a key=value line", lineno);
		*v++ = 0;
		k = job_key_find(line, &idx);
		if (!k)
			return error_line(ret_why, -EBADMSG, "line %u: unknown key '%.40s'", lineno, line);
		if ((seen & (1u << idx)) && !k->optional_repeated)
			return error_line(ret_why, -EBADMSG, "line %u: '%s' given twice", lineno, k->name);
		r = k->parse(v, (uint8_t *)j + k->offset);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return error_line(ret_why, -EBADMSG, "line %u: bad value for '%s': '%.40s'", lineno, k->name, v);
		seen |= 1u << idx;
		*ret_seen = seen;
	}
	if (cut)
		return error_line(ret_why, -EBADMSG, "cut short after line %u: the last line has no newline", lineno);
	for (unsigned i = 0; i < ELEMENTSOF(job_keys); i++)
		if (!(seen & (1u << i)) && !job_keys[i].optional_repeated)
			return error_line(ret_why, -EBADMSG, "missing key '%s'", job_keys[i].name);
	if (j->id != id)
		return error_line(ret_why, -EBADMSG, "id=%" PRIu32 " in a file named %s", j->id, name);
	r = job_check_fields(j, ret_why);
	if (r < 0)
		return r;
	/* An empty value is how "none" is written. */
	if (j->message && !*j->message)
		j->message = (free(j->message), NULL);
	if (j->result && !*j->result)
		j->result = (free(j->result), NULL);
	if (j->chip_id && !*j->chip_id)
		j->chip_id = (free(j->chip_id), NULL);
	return 0;
}
