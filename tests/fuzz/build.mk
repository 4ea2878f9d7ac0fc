# tests/fuzz/: libFuzzer targets (clang, ASan + UBSan) for every parser entry point of
# the image engine and for mectld's job file and configuration parsers, their seed
# corpora (made by mkimage at build time; text seeds in tests/fuzz/seeds/) and a bounded
# run for `make check` (run.sh: TAP "ok N - fuzz <target> <runs> runs").
FUZZ_CC      ?= clang
FUZZ_TARGETS := clean ifd fpt gen2 gen3 cse bootguard args jobfile config
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 -std=gnu17 -D_GNU_SOURCE -Iinclude -Idaemon/image $(FUZZ_SAN) \
		$(if $(wildcard daemon/image/cse.c),,-DIMG_NO_CSE) \
		$(if $(wildcard daemon/image/bootguard.c),,-DIMG_NO_BOOTGUARD) \
		$(if $(wildcard daemon/image/json.c),,-DIMG_NO_JSON)
FUZZ_LIB_OBJS := $(patsubst daemon/image/%.c,$(B)/fuzz/obj/%.o,$(sort $(wildcard daemon/image/*.c)))
FUZZ_BINS    := $(addprefix $(B)/fuzz/fuzz-,$(FUZZ_TARGETS))

$(B)/fuzz/obj/%.o: daemon/image/%.c $(wildcard daemon/image/*.h) | $(B)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(B)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz-common.h $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJS) -lcrypto -lm

# mectld's own parsers: their daemon/ objects built the same way.
FUZZ_DAEMON_CFLAGS := -Idaemon -Iinclude/uapi
$(B)/fuzz/dobj/%.o: daemon/%.c $(wildcard daemon/*.h) | $(B)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_DAEMON_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(B)/fuzz/fuzz-jobfile: tests/fuzz/fuzz-jobfile.c $(B)/fuzz/dobj/job-file.o $(B)/fuzz/dobj/util.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_DAEMON_CFLAGS) -fsanitize=fuzzer -o $@ $< $(filter %.o,$^) -lcrypto -lm

$(B)/fuzz/fuzz-config: tests/fuzz/fuzz-config.c $(B)/fuzz/dobj/config.o $(B)/fuzz/dobj/util.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_DAEMON_CFLAGS) -fsanitize=fuzzer -o $@ $< $(filter %.o,$^) -lcrypto -lm

# gen2 and gen3 are one harness; their corpora differ (see fuzz-ftpr.c).
$(B)/fuzz/fuzz-gen2 $(B)/fuzz/fuzz-gen3: tests/fuzz/fuzz-ftpr.c tests/fuzz/fuzz-common.h $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJS) -lcrypto -lm

$(B)/fuzz/mkcorpus: tests/fuzz/mkcorpus.c $(B)/libmkimage.a
	$(CC) $(CFLAGS) -o $@ $^ -lcrypto

# Past findings (tests/fuzz/regress/<target>-*.bin, tiny) join their target's corpus.
# Text seeds (tests/fuzz/seeds/<target>/) start the corpora mkimage cannot make.
$(B)/fuzz/corpus/.stamp: $(B)/fuzz/mkcorpus $(wildcard tests/fuzz/regress/* tests/fuzz/seeds/*/*)
	rm -rf $(B)/fuzz/corpus
	$(B)/fuzz/mkcorpus $(B)/fuzz/corpus
	for d in $(wildcard tests/fuzz/seeds/*); do \
		mkdir -p $(B)/fuzz/corpus/$$(basename $$d); cp $$d/* $(B)/fuzz/corpus/$$(basename $$d)/; done
	for f in $(wildcard tests/fuzz/regress/*); do \
		t=$$(basename $$f); mkdir -p $(B)/fuzz/corpus/$${t%%-*}; cp $$f $(B)/fuzz/corpus/$${t%%-*}/; done
	touch $@

# The check entry: the runner next to its binaries and corpus. Without libFuzzer
# (libclang-rt-*-dev, a Recommends of clang) every target is reported as skipped.
FUZZ_RT := $(firstword $(wildcard /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a))
ifneq ($(FUZZ_RT),)
$(B)/fuzz/check: tests/fuzz/run.sh $(FUZZ_BINS) $(B)/fuzz/corpus/.stamp
	install -m 0755 $< $@
else
$(B)/fuzz/check: | $(B)
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\necho 1..%s\nn=0; for t in %s; do n=$$((n+1)); echo "ok $$n - fuzz $$t # SKIP libFuzzer (libclang-rt-dev) not installed"; done\n' \
		$(words $(FUZZ_TARGETS)) "$(FUZZ_TARGETS)" > $@
	chmod 0755 $@
endif

UNIT_TESTS  += $(B)/fuzz/check
CLEAN_FILES += $(B)/fuzz
.PHONY: fuzz
fuzz: $(B)/fuzz/check
	FUZZ_TIME=$(or $(FUZZ_TIME),60) $(B)/fuzz/check

# Built by a pattern rule for another pattern rule: keep them (not intermediate).
.SECONDARY: $(FUZZ_LIB_OBJS) $(B)/fuzz/dobj/job-file.o $(B)/fuzz/dobj/config.o $(B)/fuzz/dobj/util.o
