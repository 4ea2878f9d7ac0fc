# tests/fuzz/: libFuzzer targets (clang, ASan + UBSan) for every parser entry point of
# the image engine and for mectld's job file and configuration parsers, their seed
# corpora (made by mkimage at build time; text seeds in tests/fuzz/seeds/) and a bounded
# run for `make check` (run.sh: TAP "ok N - fuzz <target> <runs> runs").
FUZZ_CC      ?= clang
FUZZ_TARGETS := clean ifd fpt gen2 gen3 cse bootguard args jobfile config
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 -std=gnu17 -D_GNU_SOURCE -Iinclude -Ilib/image -Ilib/common $(FUZZ_SAN)
FUZZ_DAEMON_CFLAGS := -Idaemon -Iinclude/uapi
# Two builds of the library and the targets: build/fuzz (64-bit) and build/fuzz32
# (i386, -m32: a 32-bit size_t, as on armhf Raspberry Pi OS; IMG_I386 in
# lib/image/build.mk). $(1): the folder, $(2): extra compiler flags.
define FUZZ_BUILD
$(1)_COMMON_OBJS := $$(patsubst lib/common/%.c,$(B)/$(1)/cobj/%.o,$$(COMMON_SRCS))
$(1)_OBJS := $$(patsubst lib/image/%.c,$(B)/$(1)/obj/%.o,$$(IMG_SRCS)) $$($(1)_COMMON_OBJS)
$(1)_BINS := $$(addprefix $(B)/$(1)/fuzz-,$$(FUZZ_TARGETS))

$(B)/$(1)/obj/%.o: lib/image/%.c $$(wildcard lib/image/*.h) | $(B)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $(2) $$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $$@ $$<

$(B)/$(1)/cobj/%.o: lib/common/%.c $$(wildcard lib/common/*.h) | $(B)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $(2) $$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $$@ $$<

$(B)/$(1)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz-common.h $$($(1)_OBJS)
	$$(FUZZ_CC) $(2) $$(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ $$< $$($(1)_OBJS) -lcrypto -lm

# mectld's own parsers: their daemon/ objects built the same way.
$(B)/$(1)/dobj/%.o: daemon/%.c $$(wildcard daemon/*.h lib/common/*.h) | $(B)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $(2) $$(FUZZ_CFLAGS) $$(FUZZ_DAEMON_CFLAGS) -fsanitize=fuzzer-no-link -c -o $$@ $$<

$(B)/$(1)/fuzz-jobfile: tests/fuzz/fuzz-jobfile.c $(B)/$(1)/dobj/job-file.o $(B)/$(1)/dobj/job-type.o \
		$(B)/$(1)/dobj/util.o \
		$$($(1)_COMMON_OBJS)
	$$(FUZZ_CC) $(2) $$(FUZZ_CFLAGS) $$(FUZZ_DAEMON_CFLAGS) -fsanitize=fuzzer -o $$@ $$< $$(filter %.o,$$^) -lcrypto -lm

$(B)/$(1)/fuzz-config: tests/fuzz/fuzz-config.c $(B)/$(1)/dobj/config.o $(B)/$(1)/dobj/util.o \
		$$($(1)_COMMON_OBJS)
	$$(FUZZ_CC) $(2) $$(FUZZ_CFLAGS) $$(FUZZ_DAEMON_CFLAGS) -fsanitize=fuzzer -o $$@ $$< $$(filter %.o,$$^) -lcrypto -lm

# gen2 and gen3 are one harness; their corpora differ (see fuzz-ftpr.c).
$(B)/$(1)/fuzz-gen2 $(B)/$(1)/fuzz-gen3: tests/fuzz/fuzz-ftpr.c tests/fuzz/fuzz-common.h $$($(1)_OBJS)
	$$(FUZZ_CC) $(2) $$(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ $$< $$($(1)_OBJS) -lcrypto -lm

# Built by a pattern rule for another pattern rule: keep them (not intermediate).
.SECONDARY: $$($(1)_OBJS) $(B)/$(1)/dobj/job-file.o $(B)/$(1)/dobj/job-type.o \
	$(B)/$(1)/dobj/config.o $(B)/$(1)/dobj/util.o
CLEAN_FILES += $(B)/$(1)
endef
$(eval $(call FUZZ_BUILD,fuzz,))
$(eval $(call FUZZ_BUILD,fuzz32,-m32))

$(B)/fuzz/mkcorpus: tests/fuzz/mkcorpus.c $(B)/libmkimage.a
	$(CC) $(CFLAGS) -o $@ $^ -lcrypto

# Past findings (tests/fuzz/regress/<target>-*.bin, tiny) join their target's corpus;
# text seeds (tests/fuzz/seeds/<target>/) start the corpora mkimage cannot make.
$(B)/fuzz/corpus/.stamp: $(B)/fuzz/mkcorpus $(wildcard tests/fuzz/regress/* tests/fuzz/seeds/*/*)
	rm -rf $(B)/fuzz/corpus
	$(B)/fuzz/mkcorpus $(B)/fuzz/corpus
	for d in $(wildcard tests/fuzz/seeds/*); do \
		mkdir -p $(B)/fuzz/corpus/$$(basename $$d); cp $$d/* $(B)/fuzz/corpus/$$(basename $$d)/; done
	for f in $(wildcard tests/fuzz/regress/*); do \
		t=$$(basename $$f); mkdir -p $(B)/fuzz/corpus/$${t%%-*}; cp $$f $(B)/fuzz/corpus/$${t%%-*}/; done
	touch $@

# The check entries: the runner next to its binaries and the (one) corpus. Without
# libFuzzer (libclang-rt-*-dev, a Recommends of clang) for that word size, or without
# the i386 libraries, every target is reported as skipped.
FUZZ_RT   := $(firstword $(wildcard /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a))
FUZZ32_RT := $(if $(IMG_I386),$(firstword $(wildcard /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-i386.a)))

# $(1): the folder, $(2): the libFuzzer archive (empty: the skipping stub)
define FUZZ_CHECK
ifneq ($(2),)
$(B)/$(1)/check: tests/fuzz/run.sh $$($(1)_BINS) $(B)/fuzz/corpus/.stamp
	$(if $(filter-out fuzz,$(1)),ln -sfn ../fuzz/corpus $(B)/$(1)/corpus)
	install -m 0755 $$< $$@
else
$(B)/$(1)/check: | $(B)
	@mkdir -p $$(dir $$@)
	printf '#!/bin/sh\necho 1..%s\nn=0; for t in %s; do n=$$$$((n+1)); echo "ok $$$$n - $(1) $$$$t # SKIP libFuzzer or i386 libraries not installed"; done\n' \
		$$(words $$(FUZZ_TARGETS)) "$$(FUZZ_TARGETS)" > $$@
	chmod 0755 $$@
endif
UNIT_TESTS += $(B)/$(1)/check
endef
$(eval $(call FUZZ_CHECK,fuzz,$(FUZZ_RT)))
$(eval $(call FUZZ_CHECK,fuzz32,$(FUZZ32_RT)))

.PHONY: fuzz
fuzz: $(B)/fuzz/check $(B)/fuzz32/check
	FUZZ_TIME=$(or $(FUZZ_TIME),60) $(B)/fuzz/check; r=$$?; \
	FUZZ_TIME=$(or $(FUZZ_TIME),60) $(B)/fuzz32/check && exit $$r
