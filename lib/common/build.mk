# lib/common/: what mectl, mectld and the image engine share: a string builder
# (strbuf.h), the JSON string writer (json.h), whole-fd I/O (fd.h). One archive,
# libmectl-common.a; its headers are on every compiler line (-Ilib/common, Makefile).
COMMON_SRCS := $(sort $(wildcard lib/common/*.c))
COMMON_OBJS := $(patsubst lib/common/%.c,$(B)/lib/common/%.o,$(COMMON_SRCS))

$(B)/lib/common/%.o: lib/common/%.c | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libmectl-common.a: $(COMMON_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

CLEAN_FILES += $(B)/lib/common $(B)/libmectl-common.a

-include $(wildcard $(B)/lib/common/*.d)

# Host tests of the three (tests/unit/common/common.c).
UNIT_TESTS += $(B)/unit/common/common
$(B)/unit/common/common: $(B)/libmectl-common.a
