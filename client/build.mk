# client/: the mectl program. The image verbs run the engine in-process
# (client/verb-image.c, lib/image/); the chip and job verbs talk to mectld over sd-bus
# (client/verb-jobs.c, client/bus-client.c).
MECTL_OBJS := $(addprefix $(B)/client/,mectl.o verb-image.o verb-internal.o verb-status.o status-sysfs.o \
		status-mkhi.o status-print.o verb-jobs.o bus-client.o)
MECTL_ARCHIVES := $(B)/libmectl-image.a $(B)/libmectl-common.a
MECTL_LIBS := $(shell pkg-config --libs libsystemd 2>/dev/null) -lcrypto -lm
PROGRAMS   += $(B)/mectl

$(B)/client/%.o: client/%.c client/verbs.h | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/client/verb-image.o $(B)/client/verb-internal.o: CFLAGS += -Ilib/image
$(B)/client/bus-client.o $(B)/client/verb-jobs.o: client/bus-client.h

$(B)/mectl: $(MECTL_OBJS) $(MECTL_ARCHIVES)
	$(CC) $(CFLAGS) -o $@ $(MECTL_OBJS) $(MECTL_ARCHIVES) $(MECTL_LIBS) $(LDFLAGS)

-include $(wildcard $(B)/client/*.d)
