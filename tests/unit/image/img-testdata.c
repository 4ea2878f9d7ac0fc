// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mectl clean against me_cleaner 1.2's recorded results ($SHARED/testdata/me_cleaner):
 * for every image and mode, the real build/mectl runs with the mode's flags on the
 * decompressed image, and its exit status, its log (stdout+stderr as printed) and
 * the SHA-256 of every file it wrote must equal me_cleaner's.
 *
 * The one intended log difference: when mectl refuses to write an image whose
 * signature check fails it adds the line IMG_MSG_NOT_WRITTEN; that line is
 * removed before comparing (none of the recorded cases fails the check).
 */
/* paths here are short; snprintf truncation would only shorten an error message */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fd.h"
#include "kselftest_harness.h"

#define NOT_WRITTEN "mectl: nothing was written: the image fails the FTPR signature check\n"

static char *slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL;
	size_t n = 0;
	int r;

	r = read_file_at(AT_FDCWD, path, SIZE_MAX, &buf, &n);
	if (r < 0)
		return NULL;
	buf[n] = 0;	/* the spare byte */
	if (len)
		*len = n;
	return (char *)buf;
}

static int sha256_file(const char *path, char hex[65])
{
	unsigned char md[32];
	unsigned int n = 0, i;
	size_t len;
	char *data = slurp(path, &len);

	if (!data)
		return -1;
	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	free(data);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return 0;
}

/* Run argv with cwd @dir, stdout and stderr both into @log; return the exit status. */
static int run_in(const char *dir, char *const argv[], const char *log)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (!pid) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || chdir(dir) < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The decompressed image, cached beside the other runs' copies (atomic rename). */
static int get_image(const char *shared, const char *image, char *out, size_t n)
{
	char dir[PATH_MAX], cmd[3 * PATH_MAX];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/mectl-img-cache-%u", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (unsigned)getuid());
	mkdir(dir, 0700);
	snprintf(out, n, "%s/%s.bin", dir, image);
	if (!stat(out, &st))
		return 0;
	snprintf(cmd, sizeof(cmd), "xz -dc '%s/testdata/images/%s.bin.xz' > '%s.%d' && mv '%s.%d' '%s'",
		 shared, image, out, getpid(), out, getpid(), out);
	return sh(cmd);
}

FIXTURE(testdata) {
	char shared[PATH_MAX];
	char mectl[PATH_MAX];
	char work[PATH_MAX];
};

FIXTURE_VARIANT(testdata) {
	const char *image;
	const char *mode;
	const char *flags;	/* "-O out.bin" is added for every mode but c */
};

/* testdata/README.md's table: one variant per recorded case */
#define CASE(img, mode, flags) \
	FIXTURE_VARIANT_ADD(testdata, img##__##mode) { #img, #mode, flags }

#define REGION_CASES(img) \
	CASE(img, c, "-c"); \
	CASE(img, plain, ""); \
	CASE(img, k, "-k"); \
	CASE(img, t, "-t"); \
	CASE(img, r, "-r"); \
	CASE(img, rt, "-r -t"); \
	CASE(img, w, "-w MFS,EFFS"); \
	CASE(img, b, "-b MFS")

#define FULL_CASES(img) \
	CASE(img, c, "-c"); \
	CASE(img, plain, ""); \
	CASE(img, S, "-S"); \
	CASE(img, s, "-s"); \
	CASE(img, k, "-S -k"); \
	CASE(img, d, "-S -d"); \
	CASE(img, r, "-S -r"); \
	CASE(img, rtM, "-S -r -t -M me.bin"); \
	CASE(img, DtM, "-S -t -D desc.bin -M me.bin"); \
	CASE(img, w, "-S -w MFS,EFFS"); \
	CASE(img, b, "-S -b MFS")

REGION_CASES(cb_google_link_me);
REGION_CASES(dasharo_minnowmax_txe);
REGION_CASES(cb_facebook_fbg1701_me);
FULL_CASES(full_cb_lumpy_me7_8M);
FULL_CASES(full_cb_fbg1701_txe2_8M);

FIXTURE_SETUP(testdata)
{
	const char *shared = getenv("SHARED");
	const char *mectl = getenv("MECTL") ? getenv("MECTL") : "build/mectl";
	char path[PATH_MAX + 64];
	struct stat st;

	self->work[0] = 0;
	if (!shared)
		SKIP(return, "SHARED is not set");
	snprintf(path, sizeof(path), "%s/testdata/me_cleaner/%s/%s", shared, variant->image,
		 variant->mode);
	if (stat(path, &st))
		SKIP(return, "no testdata at %.900s", path);
	snprintf(self->shared, sizeof(self->shared), "%s", shared);
	ASSERT_NE(NULL, realpath(mectl, self->mectl)) TH_LOG("%s not built", mectl);
	snprintf(self->work, sizeof(self->work), "/tmp/mectl-testdata-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->work));
}

FIXTURE_TEARDOWN(testdata)
{
	char cmd[PATH_MAX + 16];

	if (self->work[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->work);
		sh(cmd);
	}
}

/* Remove the intended extra line(s) from mectl's log. */
static void drop_intended(char *log)
{
	char *p;

	while ((p = strstr(log, NOT_WRITTEN)))
		memmove(p, p + strlen(NOT_WRITTEN), strlen(p + strlen(NOT_WRITTEN)) + 1);
}

/* One mode: returns the number of mismatches, each reported with TH_LOG. */
static int run_case(struct __test_metadata *_metadata, FIXTURE_DATA(testdata) *self,
		    const char *image, const char *mode, const char *flags)
{
	char img[PATH_MAX], dir[PATH_MAX + 32], ref[PATH_MAX + 128], p[2 * PATH_MAX + 256];
	char cmd[3 * PATH_MAX + 64], *argv[32], flagbuf[256], *tok, *save = NULL;
	char *want_log, *got_log, *want_rc, *sums, *line;
	char in_before[65], in_after[65];
	int argc = 0, rc, bad = 0, written = 0;
	DIR *d;
	struct dirent *de;

	if (get_image(self->shared, image, img, sizeof(img))) {
		TH_LOG("%s: cannot decompress", image);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/%s", self->work, mode);
	mkdir(dir, 0755);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/in.bin'", img, dir);
	if (sh(cmd))
		return 1;
	snprintf(p, sizeof(p), "%s/in.bin", dir);
	sha256_file(p, in_before);

	argv[argc++] = self->mectl;
	argv[argc++] = "clean";
	snprintf(flagbuf, sizeof(flagbuf), "%s%s", flags, strcmp(mode, "c") ? " -O out.bin" : "");
	for (tok = strtok_r(flagbuf, " ", &save); tok && argc < 28; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc++] = "in.bin";
	argv[argc] = NULL;
	snprintf(p, sizeof(p), "%s/log.txt", self->work);
	rc = run_in(dir, argv, p);

	snprintf(ref, sizeof(ref), "%s/testdata/me_cleaner/%s/%s", self->shared, image, mode);
	snprintf(p, sizeof(p), "%s/rc", ref);
	want_rc = slurp(p, NULL);
	if (!want_rc || atoi(want_rc) != rc) {
		TH_LOG("%s/%s: exit status %d, me_cleaner %s", image, mode, rc, want_rc);
		bad++;
	}
	free(want_rc);

	snprintf(p, sizeof(p), "%s/log.txt", ref);
	want_log = slurp(p, NULL);
	snprintf(p, sizeof(p), "%s/log.txt", self->work);
	got_log = slurp(p, NULL);
	if (got_log)
		drop_intended(got_log);
	if (!want_log || !got_log || strcmp(want_log, got_log)) {
		TH_LOG("%s/%s: log differs\n--- me_cleaner\n%s--- mectl\n%s", image, mode,
		       want_log, got_log);
		bad++;
	}
	free(want_log);
	free(got_log);

	snprintf(p, sizeof(p), "%s/sha256", ref);
	sums = slurp(p, NULL);
	for (line = sums ? strtok_r(sums, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char want[65], name[128], got[65];

		if (sscanf(line, "%64s %127s", want, name) != 2)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, name);
		if (sha256_file(p, got)) {
			TH_LOG("%s/%s: %s was not written", image, mode, name);
			bad++;
		} else if (strcmp(got, want)) {
			TH_LOG("%s/%s: %s has SHA-256 %s, me_cleaner's %s", image, mode, name, got, want);
			bad++;
		}
	}
	free(sums);

	/* nothing else written, and the input untouched (every mode has -O or -c) */
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "in.bin"))
			written++;
	if (d)
		closedir(d);
	snprintf(cmd, sizeof(cmd), "%s/sha256", ref);
	sums = slurp(cmd, NULL);
	if (sums) {
		int want_files = 0;

		for (line = sums; (line = strchr(line, '\n')); line++)
			want_files++;
		if (written != want_files) {
			TH_LOG("%s/%s: %d files written, me_cleaner wrote %d", image, mode, written,
			       want_files);
			bad++;
		}
		free(sums);
	}
	snprintf(p, sizeof(p), "%s/in.bin", dir);
	sha256_file(p, in_after);
	if (strcmp(in_before, in_after)) {
		TH_LOG("%s/%s: the input file changed", image, mode);
		bad++;
	}
	return bad;
}

/* same exit status, same log, same SHA-256 of every written file, input untouched */
TEST_F(testdata, matches_me_cleaner)
{
	if (_metadata->skip)
		return;	/* SKIP in the setup still runs the body */
	EXPECT_EQ(0, run_case(_metadata, self, variant->image, variant->mode, variant->flags));
}

/* ---------------------------------------------------------------------------------
 * mectl's own file handling: in place through a temporary file and rename, nothing
 * written on any error, check = clean -c.
 */
FIXTURE(cli) {
	char shared[PATH_MAX];
	char mectl[PATH_MAX];
	char work[PATH_MAX];
	char image[PATH_MAX];	/* decompressed cb_google_link_me */
};

FIXTURE_SETUP(cli)
{
	const char *shared = getenv("SHARED");
	const char *mectl = getenv("MECTL") ? getenv("MECTL") : "build/mectl";
	char path[PATH_MAX + 64];
	struct stat st;

	self->work[0] = 0;
	if (!shared)
		SKIP(return, "SHARED is not set");
	snprintf(path, sizeof(path), "%s/testdata/images/cb_google_link_me.bin.xz", shared);
	if (stat(path, &st))
		SKIP(return, "no testdata at %.900s", path);
	snprintf(self->shared, sizeof(self->shared), "%s", shared);
	ASSERT_NE(NULL, realpath(mectl, self->mectl)) TH_LOG("%s not built", mectl);
	ASSERT_EQ(0, get_image(shared, "cb_google_link_me", self->image, sizeof(self->image)));
	snprintf(self->work, sizeof(self->work), "/tmp/mectl-cli-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->work));
}

FIXTURE_TEARDOWN(cli)
{
	char cmd[PATH_MAX + 16];

	if (self->work[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->work);
		sh(cmd);
	}
}

/* Files in @dir other than @keep. */
static int other_files(const char *dir, const char *keep)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, keep))
			n++;
	if (d)
		closedir(d);
	return n;
}

static int mectl(FIXTURE_DATA(cli) *self, const char *args, char **log)
{
	char buf[1024], *argv[32], *save = NULL, *t, logpath[PATH_MAX + 16];
	int argc = 0, rc;

	snprintf(buf, sizeof(buf), "%s", args);
	argv[argc++] = self->mectl;
	for (t = strtok_r(buf, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	snprintf(logpath, sizeof(logpath), "%s.log", self->work);
	rc = run_in(self->work, argv, logpath);
	*log = slurp(logpath, NULL);
	unlink(logpath);
	return rc;
}

static void copy_image(FIXTURE_DATA(cli) *self, const char *name, mode_t mode)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/%s' && chmod %o '%s/%s'", self->image, self->work,
		 name, (unsigned)mode, self->work, name);
	sh(cmd);
}

TEST_F(cli, in_place_clean_is_atomic_and_exact)
{
	char p[2 * PATH_MAX], want[65], got[65], *log, *ref;
	struct stat st;

	if (_metadata->skip)
		return;
	copy_image(self, "a.bin", 0640);
	ASSERT_EQ(0, mectl(self, "clean a.bin", &log));
	snprintf(p, sizeof(p), "%s/testdata/me_cleaner/cb_google_link_me/plain/log.txt", self->shared);
	ref = slurp(p, NULL);
	ASSERT_STREQ(ref, log);
	free(ref);
	free(log);
	snprintf(p, sizeof(p), "%s/testdata/me_cleaner/cb_google_link_me/plain/sha256", self->shared);
	ref = slurp(p, NULL);
	ASSERT_EQ(1, sscanf(ref, "%64s", want));
	free(ref);
	snprintf(p, sizeof(p), "%s/a.bin", self->work);
	ASSERT_EQ(0, sha256_file(p, got));
	ASSERT_STREQ(want, got);
	ASSERT_EQ(0, stat(p, &st));
	ASSERT_EQ(0640, (int)(st.st_mode & 07777));
	ASSERT_EQ(0, other_files(self->work, "a.bin"));	/* no temporary left behind */
}

TEST_F(cli, bad_signature_writes_nothing)
{
	char p[2 * PATH_MAX], before[65], after[65], *log;
	FILE *f;

	if (_metadata->skip)
		return;
	copy_image(self, "a.bin", 0644);
	snprintf(p, sizeof(p), "%s/a.bin", self->work);
	f = fopen(p, "r+b");
	ASSERT_NE(NULL, f);
	fseek(f, 0x93000 + 0x290 + 0x14, SEEK_SET);	/* a module hash in the signed manifest */
	fputc(0x5A, f);
	fclose(f);
	ASSERT_EQ(0, sha256_file(p, before));

	ASSERT_EQ(1, mectl(self, "clean a.bin", &log));
	ASSERT_NE(NULL, strstr(log, "Checking the FTPR RSA signature... INVALID!!\n"
				    "The FTPR partition signature is not valid. Is the input "
				    "ME/TXE image valid?\n" NOT_WRITTEN));
	free(log);
	ASSERT_EQ(0, sha256_file(p, after));
	ASSERT_STREQ(before, after);
	ASSERT_EQ(0, other_files(self->work, "a.bin"));

	ASSERT_EQ(1, mectl(self, "clean -r -t -O out.bin a.bin", &log));
	free(log);
	ASSERT_EQ(0, other_files(self->work, "a.bin"));
}

TEST_F(cli, malformed_input_one_line_no_output)
{
	char p[2 * PATH_MAX], *log;
	FILE *f;
	int i;

	if (_metadata->skip)
		return;
	snprintf(p, sizeof(p), "%s/g.bin", self->work);
	f = fopen(p, "wb");
	ASSERT_NE(NULL, f);
	for (i = 0; i < 70000; i++)
		fputc((i * 7919) >> 3, f);
	fclose(f);
	ASSERT_EQ(1, mectl(self, "clean -O out.bin g.bin", &log));
	ASSERT_STREQ("Unknown image\n", log);
	free(log);
	ASSERT_EQ(0, other_files(self->work, "g.bin"));

	/* a region image cut short: me_cleaner dies with OutOfRegionException */
	snprintf(p, sizeof(p), "head -c 327680 '%s' > '%s/g.bin'", self->image, self->work);
	ASSERT_EQ(0, sh(p));
	ASSERT_EQ(1, mectl(self, "clean g.bin", &log));
	ASSERT_NE(NULL, strstr(log, "Error: "));
	ASSERT_EQ(log + strlen(log) - 1, strchr(strstr(log, "Error: "), '\n'));
	free(log);
	ASSERT_EQ(0, other_files(self->work, "g.bin"));

	ASSERT_EQ(1, mectl(self, "check missing.bin", &log));
	ASSERT_EQ(0, strncmp(log, "mectl: cannot open missing.bin: ", 32));
	ASSERT_EQ(log + strlen(log) - 1, strchr(log, '\n'));
	free(log);
}

TEST_F(cli, output_naming_input_is_refused)
{
	char p[2 * PATH_MAX], before[65], after[65], *log;

	if (_metadata->skip)
		return;
	copy_image(self, "a.bin", 0644);
	snprintf(p, sizeof(p), "%s/a.bin", self->work);
	ASSERT_EQ(0, sha256_file(p, before));
	ASSERT_EQ(1, mectl(self, "clean -O ./a.bin a.bin", &log));
	free(log);
	ASSERT_EQ(0, sha256_file(p, after));
	ASSERT_STREQ(before, after);
}

TEST_F(cli, check_is_clean_c)
{
	char p[2 * PATH_MAX], *log, *ref;

	if (_metadata->skip)
		return;
	copy_image(self, "a.bin", 0444);
	ASSERT_EQ(0, mectl(self, "check a.bin", &log));
	snprintf(p, sizeof(p), "%s/testdata/me_cleaner/cb_google_link_me/c/log.txt", self->shared);
	ref = slurp(p, NULL);
	ASSERT_STREQ(ref, log);
	free(ref);
	free(log);
	ASSERT_EQ(0, other_files(self->work, "a.bin"));
}

TEST_HARNESS_MAIN
