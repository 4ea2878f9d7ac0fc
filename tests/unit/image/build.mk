# tests/unit/image/: host tests of the image engine (lib/image/) and of mectl check/clean.
#   img-testdata  every case of $SHARED/testdata/me_cleaner against build/mectl
#   img-engine    the library on crafted/malformed buffers, the key table, argv parsing
#   fixtures      the library on every mkimage variant: me_cleaner-compatible paths
#   beyond        the same for what me_cleaner 1.2 does not do: CSME 12+, Boot Guard, JSON
#   host-access   the internal flashing pre-flight against ifdtool -d on $SHARED's images
#   cli.sh        the client end to end on mkimage images (build/mkimage, build/mectl)
#   internal.sh   mectl check --internal on mkimage images edited to each verdict
ENGINE_UNIT := $(addprefix $(B)/unit/image/,img-engine fixtures beyond host-access)
UNIT_TESTS  += $(B)/unit/image/img-testdata $(ENGINE_UNIT) tests/unit/image/cli.sh \
	       tests/unit/image/internal.sh

$(B)/unit/image/img-testdata: $(B)/mectl $(B)/libmectl-common.a
LDLIBS_img-testdata := -lcrypto

# fixtures and beyond build their images with libmkimage.a (tests/fixtures/).
$(B)/unit/image/fixtures $(B)/unit/image/beyond: $(B)/libmkimage.a tests/unit/image/helpers.h
$(ENGINE_UNIT): $(B)/libmectl-image.a $(B)/libmectl-common.a
$(ENGINE_UNIT): TEST_CFLAGS += -Ilib/image -Wno-sign-compare
LDLIBS_img-engine := -lcrypto -lm
LDLIBS_fixtures := -lcrypto -lm
LDLIBS_beyond := -lcrypto -lm
LDLIBS_host-access := -lcrypto -lm

tests/unit/image/cli.sh tests/unit/image/internal.sh: $(B)/mkimage $(B)/mectl

# The same three on the library (and generator) built with ASan/UBSan: every bounds
# check of the engine runs under the sanitizers, not only the fuzzers'.
UNIT_TESTS += $(addsuffix -san,$(ENGINE_UNIT))
$(B)/unit/image/%-san: tests/unit/image/%.c tests/unit/image/helpers.h $(IMG_SRCS) \
		$(wildcard lib/image/*.h) $(COMMON_SRCS) $(MKIMAGE_SRCS) tests/fixtures/mkimage.h \
		$(KSFT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Ilib/image -Wno-sign-compare $(SAN_FLAGS) -O1 -o $@ $< \
		$(IMG_SRCS) $(COMMON_SRCS) $(MKIMAGE_SRCS) $(IMG_LIBS)

# And img-engine once more for i386 (-m32, sanitizers on; IMG_I386 in lib/image/build.mk):
# a 32-bit size_t, where a count * size read from the image wraps if computed in
# size_t. (The harness's ASSERTs cast pointers to intmax_t: -Wno-pointer-to-int-cast.)
UNIT_TESTS += $(B)/unit/image/img-engine-i386
ifneq ($(IMG_I386),)
$(B)/unit/image/img-engine-i386: tests/unit/image/img-engine.c $(IMG_SRCS) $(COMMON_SRCS) $(KSFT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -m32 $(TEST_CFLAGS) -Wno-pointer-to-int-cast $(SAN_FLAGS) -Ilib/image \
		-o $@ tests/unit/image/img-engine.c $(IMG_SRCS) $(COMMON_SRCS) $(IMG_LIBS)
else
$(B)/unit/image/img-engine-i386: | $(B)
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\necho "1..0 # SKIP no i386 libc/libcrypto (scripts/deps.sh)"\n' > $@
	chmod 0755 $@
endif
