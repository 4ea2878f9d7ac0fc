# lib/bus/: what mectld and its clients share on org.mectl1 beyond include/mectl-dbus.h:
# the JSON <-> a{sv} converter (job results), the a{sv} reader by table and the engine
# options' table.
BUS_LIB_OBJS := $(B)/lib/bus/variant-json.o $(B)/lib/bus/engine-options.o $(B)/lib/bus/vardict.o
BUS_LIB_CFLAGS := -Ilib/bus -Ilib/image $(shell pkg-config --cflags libsystemd json-c 2>/dev/null)
JSONC_LIBS := $(shell pkg-config --libs json-c 2>/dev/null)

$(B)/lib/bus/%.o: lib/bus/%.c | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BUS_LIB_CFLAGS) -MMD -MP -c -o $@ $<

MECTLD_OBJS += $(BUS_LIB_OBJS)
MECTLD_CFLAGS += $(BUS_LIB_CFLAGS)
MECTLD_LIBS += $(JSONC_LIBS)
$(B)/mectld: $(BUS_LIB_OBJS)

MECTL_OBJS += $(BUS_LIB_OBJS)
$(B)/mectl: $(BUS_LIB_OBJS)
MECTL_LIBS += $(JSONC_LIBS)
$(B)/client/%.o: CFLAGS += $(BUS_LIB_CFLAGS)

# The daemon tests' helpers speak the same contract.
$(B)/selftests/daemon/submit-image $(B)/selftests/daemon/pid-reuse: $(BUS_LIB_OBJS) \
	$(B)/libmectl-image.a $(B)/libmectl-common.a
$(B)/selftests/daemon/submit-image $(B)/selftests/daemon/pid-reuse: TEST_CFLAGS += $(BUS_LIB_CFLAGS)
LDLIBS_submit-image += $(JSONC_LIBS) -lcrypto -lm
LDLIBS_pid-reuse += $(JSONC_LIBS) -lcrypto -lm

# mectld's introspection is what include/mectl-dbus.h says (a private bus, no chip).
UNIT_TESTS += tests/unit/daemon/dbus-api.sh
# mectl check/clean through mectld == in-process, on every me_cleaner test case.
UNIT_TESTS += tests/unit/daemon/transports.sh
# mectl neutralize --internal through mectld on libflashrom's emulated chip.
UNIT_TESTS += tests/unit/daemon/internal-job.sh

CLEAN_FILES += $(B)/lib
-include $(wildcard $(B)/lib/bus/*.d)

# The converter both ways, on every JSON type (no bus needed).
UNIT_TESTS += $(B)/unit/bus/variant-json
$(B)/unit/bus/variant-json: $(B)/lib/bus/variant-json.o
$(B)/unit/bus/variant-json: TEST_CFLAGS += $(BUS_LIB_CFLAGS)
LDLIBS_variant-json := $(JSONC_LIBS) -lsystemd
# ... and the engine options' table: encode == decode, every refusal named.
UNIT_TESTS += $(B)/unit/bus/engine-options
$(B)/unit/bus/engine-options: $(B)/lib/bus/engine-options.o $(B)/lib/bus/vardict.o $(B)/libmectl-image.a \
	$(B)/libmectl-common.a
$(B)/unit/bus/engine-options: TEST_CFLAGS += $(BUS_LIB_CFLAGS)
LDLIBS_engine-options := -lsystemd -lcrypto -lm
# ... and the a{sv} reader by table: every type, seen bits, each refusal named.
UNIT_TESTS += $(B)/unit/bus/vardict
$(B)/unit/bus/vardict: $(B)/lib/bus/vardict.o $(B)/libmectl-common.a
$(B)/unit/bus/vardict: TEST_CFLAGS += $(BUS_LIB_CFLAGS)
LDLIBS_vardict := -lsystemd
