# lib/image/: the image engine (me_cleaner 1.2 and beyond), a pure library.
# Every .c here joins libmectl-image.a (a wildcard: cse.c, bootguard.c and json.c
# from the image-x area join automatically). Needs OpenSSL's libcrypto.
IMG_SRCS := $(sort $(wildcard lib/image/*.c))
IMG_OBJS := $(patsubst lib/image/%.c,$(B)/lib/image/%.o,$(IMG_SRCS))
IMG_LIBS := -lcrypto -lm

# Hooks whose file is not there yet are compiled out of the flow (clean.c).
IMG_HOOK_FLAGS := $(if $(wildcard lib/image/cse.c),,-DIMG_NO_CSE) \
		  $(if $(wildcard lib/image/bootguard.c),,-DIMG_NO_BOOTGUARD) \
		  $(if $(wildcard lib/image/json.c),,-DIMG_NO_JSON)

# Rebuild what the flags affect when a hook file comes or goes (the stamp changes).
IMG_FLAGS_STAMP := $(B)/lib/image/.hook-flags
$(shell mkdir -p $(B)/lib/image; echo '$(IMG_HOOK_FLAGS)' | cmp -s - $(IMG_FLAGS_STAMP) 2>/dev/null || \
	echo '$(IMG_HOOK_FLAGS)' > $(IMG_FLAGS_STAMP))

$(B)/lib/image/%.o: lib/image/%.c $(IMG_FLAGS_STAMP) | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(IMG_HOOK_FLAGS) -Ilib/image -MMD -MP -c -o $@ $<

$(B)/libmectl-image.a: $(IMG_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# The mectl client runs the engine in-process (client/verb-image.c).
$(B)/client/verb-image.o: CFLAGS += -Ilib/image $(IMG_HOOK_FLAGS)
$(B)/client/verb-image.o: $(IMG_FLAGS_STAMP)
$(B)/mectl: $(B)/libmectl-image.a
MECTL_LIBS += $(B)/libmectl-image.a $(IMG_LIBS)

CLEAN_FILES += $(B)/lib/image $(B)/libmectl-image.a

-include $(wildcard $(B)/lib/image/*.d)

# Tests also build the engine for i386 (-m32: a 32-bit size_t, as on armhf Raspberry
# Pi OS) where the host can: x86-64 with the i386 libc, libgcc and libcrypto
# (scripts/deps.sh). Empty elsewhere; those tests then report a SKIP.
IMG_I386 := $(and $(filter x86_64,$(shell uname -m)),$(wildcard /usr/lib32/crt1.o),\
		  $(wildcard /usr/lib/i386-linux-gnu/libcrypto.so))
