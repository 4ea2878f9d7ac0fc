# client/: the mectl program. Each verb file may add its own objects and libraries
# to MECTL_OBJS / MECTL_LIBS from its area's build.mk.
MECTL_OBJS += $(B)/client/mectl.o $(B)/client/verb-image.o $(B)/client/verb-status.o \
	      $(B)/client/status-sysfs.o $(B)/client/status-mkhi.o $(B)/client/status-print.o \
	      $(B)/client/verb-jobs.o
PROGRAMS   += $(B)/mectl

$(B)/client/%.o: client/%.c client/verbs.h | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/mectl: $$(MECTL_OBJS)
	$(CC) $(CFLAGS) -o $@ $(MECTL_OBJS) $(MECTL_LIBS) $(LDFLAGS)

-include $(wildcard $(B)/client/*.d)
