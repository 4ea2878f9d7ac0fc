# me area (issue 5): mectl_me.ko, meisim.ko, mectl status.
#
# Host: the decoder tables, compiled from kmod/me/ into a userspace test.
# The harness's ASSERT_EQ(0, unsigned) trips -Wsign-compare: off for these tests only.
$(B)/unit/me/tables $(B)/selftests/me/%: TEST_CFLAGS += -Wno-sign-compare

UNIT_TESTS += $(B)/unit/me/tables
$(B)/unit/me/tables: tests/selftests/me/tables.c tests/selftests/me/golden.h \
		kmod/me/decode.c kmod/me/ids.c kmod/me/decode.h $(KSFT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Ikmod/me -o $@ tests/selftests/me/tables.c \
		kmod/me/decode.c kmod/me/ids.c
