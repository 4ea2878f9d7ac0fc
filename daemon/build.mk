# daemon/: mectld, the D-Bus job daemon. The image engine (lib/image/) and the
# common helpers (lib/common/) have their own fragments and archives.
MECTLD_SRCS := main.c bus.c authz.c jobs.c job.c job-type.c job-store.c job-file.c backup.c \
	       job-probe.c job-read.c job-write.c job-neutralize.c job-internal.c job-image.c \
	       chip.c config.c flash.c flashrom.c host-chip.c host-mtd.c mtd-sysfs.c host-flashrom.c \
	       preflight.c kernel.c util.c
MECTLD_OBJS := $(addprefix $(B)/daemon/,$(MECTLD_SRCS:.c=.o))
MECTLD_CFLAGS := -Idaemon -Ilib/image \
		 $(shell pkg-config --cflags libnl-genl-3.0 libsystemd flashrom 2>/dev/null)
MECTLD_LIBS := $(shell pkg-config --libs libnl-genl-3.0 libsystemd flashrom 2>/dev/null) -lcrypto -lm \
	       -lpthread

PROGRAMS += $(B)/mectld

$(B)/daemon/%.o: daemon/%.c | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MECTLD_CFLAGS) -MMD -MP -c -o $@ $<

MECTLD_ARCHIVES := $(B)/libmectl-image.a $(B)/libmectl-common.a
$(B)/mectld: $(MECTLD_OBJS) $(MECTLD_ARCHIVES)
	$(CC) $(CFLAGS) -o $@ $(MECTLD_OBJS) $(MECTLD_ARCHIVES) $(MECTLD_LIBS) $(LDFLAGS)

# Host tests of the persistence primitives.
UNIT_TESTS += $(B)/unit/daemon/daemon-util
$(B)/unit/daemon/daemon-util: $(B)/daemon/util.o $(B)/libmectl-common.a
LDLIBS_daemon-util := -lcrypto
# ... and of the write plan (which erase blocks go into one MEMERASE).
UNIT_TESTS += $(B)/unit/daemon/flash-plan
$(B)/unit/daemon/flash-plan: $(B)/daemon/flash.o $(B)/daemon/util.o $(B)/libmectl-common.a
LDLIBS_flash-plan := -lcrypto
# ... of the configuration file ...
UNIT_TESTS += $(B)/unit/daemon/config
$(B)/unit/daemon/config: $(B)/daemon/config.o $(B)/daemon/util.o $(B)/libmectl-common.a
LDLIBS_config := -lcrypto
# ... of the job file format (every damaged file rejected, with its reason) ...
UNIT_TESTS += $(B)/unit/daemon/job-file
$(B)/unit/daemon/job-file: $(B)/daemon/job-file.o $(B)/daemon/job-type.o $(B)/daemon/util.o \
	$(B)/libmectl-common.a
LDLIBS_job-file := -lcrypto -lm
# ... of the libflashrom backend, on flashrom's dummy programmer emulating a chip ...
UNIT_TESTS += $(B)/unit/daemon/flashrom
$(B)/unit/daemon/flashrom: $(B)/daemon/flashrom.o $(B)/libmectl-common.a
LDLIBS_flashrom := $(shell pkg-config --libs flashrom 2>/dev/null)
# ... of the internal flashing pre-flight (real descriptors, the controller's locks,
# flashrom's lines for them) ...
UNIT_TESTS += $(B)/unit/daemon/preflight
$(B)/unit/daemon/preflight: $(B)/daemon/preflight.o $(B)/daemon/host-flashrom.o \
	$(B)/daemon/flashrom.o $(B)/libmectl-image.a $(B)/libmectl-common.a
$(B)/unit/daemon/preflight $(B)/unit/daemon/mtd-sysfs: TEST_CFLAGS += $(MECTLD_CFLAGS)
LDLIBS_preflight := $(shell pkg-config --libs flashrom 2>/dev/null) -lcrypto -lm
# ... and of finding the host's chip as an MTD device (a sysfs tree as spi-intel's).
UNIT_TESTS += $(B)/unit/daemon/mtd-sysfs
$(B)/unit/daemon/mtd-sysfs: $(B)/daemon/mtd-sysfs.o $(B)/daemon/util.o $(B)/libmectl-common.a
LDLIBS_mtd-sysfs := -lcrypto
# mectld itself on a private bus: the configuration file and job pruning (no chip).
UNIT_TESTS += tests/unit/daemon/state.sh

# VM tests: every job type on flashsim + mectl_flash with a real dbus-daemon.
SELFTESTS += $(B)/selftests/daemon/submit-image
$(B)/selftests/daemon/submit-image: $(B)/client/bus-client.o
LDLIBS_submit-image := -lsystemd
# ... and the PID-reuse attack on the authorization (daemon.sh, systemd.sh).
SELFTESTS += $(B)/selftests/daemon/pid-reuse
$(B)/selftests/daemon/pid-reuse: $(B)/client/bus-client.o
LDLIBS_pid-reuse := -lsystemd
VM_TESTS += tests/selftests/daemon/daemon.sh
# neutralize on a descriptor whose BIOS region spans the chip (a vendor layout).
VM_TESTS += tests/selftests/daemon/bios-spans.sh
# Internal flashing through the MTD backend: spi-nor + a BIOS partition on flashsim.
VM_TESTS += tests/selftests/daemon/internal-mtd.sh
# What one unprivileged user can make mectld spend: a crafted image, six submitters on
# silent pipes, a chip read beside them, SIGTERM with a stalled job, an image on a
# stalled file system (stallfs: a FUSE server whose reads past an offset are held).
SELFTESTS += $(B)/selftests/daemon/stallfs
VM_TESTS += tests/selftests/daemon/limits.sh
# The installed files under systemd as PID 1: a staged `make install-daemon` that
# tests/selftests/daemon/systemd.sh copies into the guest's root.
VM_SYSTEMD_TESTS += tests/selftests/daemon/systemd.sh
SELFTESTS += $(B)/sysroot.stamp
$(B)/sysroot.stamp: $(B)/mectld $(B)/mectl daemon/mectld.service daemon/org.mectl1.conf \
		daemon/org.mectl1.service daemon/org.mectl1.policy daemon/org.mectl1.rules \
		daemon/mectld.conf daemon/build.mk
	rm -rf $(B)/sysroot
	$(MAKE) --no-print-directory install-daemon DESTDIR=$(abspath $(B)/sysroot)
	touch $@
# Benchmark: mectl neutralize vs the seed guide's flashrom workflow.
BENCHES += bench/neutralize/run.sh

# Install rules (the top-level `make install DESTDIR=` calls this target).
PREFIX      ?= /usr
SBINDIR     ?= $(PREFIX)/sbin
BINDIR      ?= $(PREFIX)/bin
UNITDIR     ?= /lib/systemd/system
DBUSSYSDIR  ?= $(PREFIX)/share/dbus-1/system.d
DBUSSVCDIR  ?= $(PREFIX)/share/dbus-1/system-services
POLKITACTIONDIR ?= $(PREFIX)/share/polkit-1/actions
POLKITRULESDIR  ?= $(PREFIX)/share/polkit-1/rules.d
SYSCONFDIR  ?= /etc

.PHONY: install-daemon
install-daemon: $(B)/mectld $(B)/mectl
	install -D -m 0755 $(B)/mectld $(DESTDIR)$(SBINDIR)/mectld
	install -D -m 0755 $(B)/mectl $(DESTDIR)$(BINDIR)/mectl
	install -D -m 0644 daemon/mectld.service $(DESTDIR)$(UNITDIR)/mectld.service
	install -D -m 0644 daemon/org.mectl1.conf $(DESTDIR)$(DBUSSYSDIR)/org.mectl1.conf
	install -D -m 0644 daemon/org.mectl1.service $(DESTDIR)$(DBUSSVCDIR)/org.mectl1.service
	install -D -m 0644 daemon/org.mectl1.policy $(DESTDIR)$(POLKITACTIONDIR)/org.mectl1.policy
	install -D -m 0644 daemon/org.mectl1.rules $(DESTDIR)$(POLKITRULESDIR)/org.mectl1.rules
	@# an administrator's configuration is never replaced
	[ -e $(DESTDIR)$(SYSCONFDIR)/mectl/mectld.conf ] || \
		install -D -m 0644 daemon/mectld.conf $(DESTDIR)$(SYSCONFDIR)/mectl/mectld.conf

CLEAN_FILES += $(B)/daemon $(B)/mectld

-include $(wildcard $(B)/daemon/*.d)
