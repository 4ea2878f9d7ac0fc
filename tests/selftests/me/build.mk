# The ME status tests: mectl_me.ko, meisim.ko, mectl status.
#
# Host: the decoder tables, compiled from kmod/me/ into a userspace test; mectl status
# on fake sysfs trees (its SYSFS_ROOT seam).
# The harness's ASSERT_EQ(0, unsigned) trips -Wsign-compare: off for these tests only.
$(B)/unit/me/tables $(B)/selftests/me/%: TEST_CFLAGS += -Wno-sign-compare

UNIT_TESTS += $(B)/unit/me/tables tests/selftests/me/status-host.sh
$(B)/unit/me/tables: tests/selftests/me/tables.c tests/selftests/me/golden.h \
		kmod/me/decode.c kmod/me/ids.c kmod/me/decode.h $(KSFT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Ikmod/me -o $@ tests/selftests/me/tables.c \
		kmod/me/decode.c kmod/me/ids.c

# VM: the module's sysfs (every value of every layout through sim_hfsts), the
# simulated /dev/mei ABI, and mectl status verdicts. Each unloads what it loaded.
SELFTESTS += $(B)/selftests/me/sysfs $(B)/selftests/me/mei
$(B)/selftests/me/sysfs: tests/selftests/me/golden.h
LDLIBS_mei := -lpthread
VM_TESTS += $(B)/selftests/me/sysfs $(B)/selftests/me/mei tests/selftests/me/status.sh
