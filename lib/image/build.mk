# lib/image/: the image engine (me_cleaner 1.2 and beyond), a pure library.
# Every .c here joins libmectl-image.a. Needs lib/common (libmectl-common.a, linked
# after it) and OpenSSL's libcrypto.
IMG_SRCS := $(sort $(wildcard lib/image/*.c))
IMG_OBJS := $(patsubst lib/image/%.c,$(B)/lib/image/%.o,$(IMG_SRCS))
IMG_LIBS := -lcrypto -lm

$(B)/lib/image/%.o: lib/image/%.c | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilib/image -MMD -MP -c -o $@ $<

$(B)/libmectl-image.a: $(IMG_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

CLEAN_FILES += $(B)/lib/image $(B)/libmectl-image.a

-include $(wildcard $(B)/lib/image/*.d)

# Tests also build the engine for i386 (-m32: a 32-bit size_t, as on armhf Raspberry
# Pi OS) where the host can: x86-64 with the i386 libc, libgcc and libcrypto
# (scripts/deps.sh). Empty elsewhere; those tests then report a SKIP.
IMG_I386 := $(and $(filter x86_64,$(shell uname -m)),$(wildcard /usr/lib32/crt1.o),\
		  $(wildcard /usr/lib/i386-linux-gnu/libcrypto.so))
