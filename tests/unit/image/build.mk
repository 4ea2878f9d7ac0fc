# tests/unit/image/: host tests of the image engine and of mectl check/clean.
#   img-testdata  every case of $SHARED/testdata/me_cleaner against build/mectl
#   img-engine    the library on crafted/malformed buffers, the key table, argv parsing
UNIT_TESTS += $(B)/unit/image/img-testdata $(B)/unit/image/img-engine

$(B)/unit/image/img-testdata: $(B)/mectl
LDLIBS_img-testdata := -lcrypto

$(B)/unit/image/img-engine: $(B)/libmectl-image.a $(B)/libmectl-common.a
$(B)/unit/image/img-engine: TEST_CFLAGS += -Ilib/image
LDLIBS_img-engine := -lcrypto -lm

# The same engine tests on a library built with ASan/UBSan (every bounds check of
# the engine runs under the sanitizers, not only the fuzzers').
UNIT_TESTS += $(B)/unit/image/img-engine-san
$(B)/unit/image/img-engine-san: tests/unit/image/img-engine.c $(IMG_SRCS) $(COMMON_SRCS) $(KSFT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) -Ilib/image -o $@ \
		tests/unit/image/img-engine.c $(IMG_SRCS) $(COMMON_SRCS) $(IMG_LIBS)

# And once more for i386 (-m32, sanitizers on; IMG_I386 in lib/image/build.mk): a
# 32-bit size_t, where a count * size read from the image wraps if computed in
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
