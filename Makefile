# mectl — top-level build.
#
#   make               kernel modules (kbuild, out of tree) + userspace programs
#   make deps          install every Debian package the build and the tests need
#   make check         deps, build, host unit tests, VM selftests; ends "N passed, N failed"
#   make demo          deps, build, the main job in the VM on the simulated chip
#
# Each area adds itself through a build.mk fragment (see the include below); this
# file only holds what every area shares.

SHELL     := /bin/bash
B         := build
SHARED    ?= $(abspath $(CURDIR)/../shared)

# Kernel: Debian's 6.1 headers by default; KDIR may name any configured tree (a
# Raspberry Pi kernel, an arm64 cross tree with ARCH= and CROSS_COMPILE=).
KVER      ?= $(shell ls -d /lib/modules/6.1.*-amd64/build 2>/dev/null | sort -V | tail -n1 | cut -d/ -f4)
KDIR      ?= /lib/modules/$(KVER)/build

CC        ?= cc
WERROR    ?= $(if $(CI),-Werror,)
CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu17 -Wall -Wextra -Wswitch-enum -Wshadow -Wformat=2 \
	     -Wmissing-prototypes -Wstrict-prototypes $(WERROR) \
	     -D_GNU_SOURCE -Iinclude -Iinclude/uapi
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

KSFT      := $(B)/kselftest
KSFT_HDRS := $(KSFT)/kselftest_harness.h $(KSFT)/kselftest.h
# The harness needs its own warning set: it uses GNU extensions -Wextra objects to.
TEST_CFLAGS = $(CFLAGS) -I$(KSFT) -Wno-unused-parameter -Wno-missing-prototypes -Wno-shadow

# Filled in by the fragments.
PROGRAMS    :=	# userspace programs built by `make`
UNIT_TESTS  :=	# host test programs (kselftest harness), run by `make check`
SELFTESTS   :=	# programs built for the VM
VM_TESTS    :=	# programs/scripts (one word each) run as root in the VM, in order
VM_SYSTEMD_TESTS :=	# the same, in a second boot with systemd as PID 1 and the system bus
KMOD_DIRS   :=	# kmod/ folders, each with its own Kbuild
BENCHES     :=	# benchmark commands run by `make bench` (bench/*/build.mk)
CLEAN_FILES :=

# Fragments may name prerequisites that later fragments extend: $$(VAR).
.SECONDEXPANSION:
include $(sort $(wildcard */build.mk */*/build.mk */*/*/build.mk))

# A test program is one .c file; a fragment adds objects or archives it needs as
# extra prerequisites of its target, and libraries as LDLIBS_<program name>.
$(B)/selftests/%: tests/selftests/%.c tests/selftests/lib.h $(KSFT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(filter %.o %.a,$^) $(LDLIBS_$(notdir $@))

$(B)/unit/%: tests/unit/%.c $(KSFT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(filter %.o %.a,$^) $(LDLIBS_$(notdir $@))

.PHONY: all tests modules programs deps check check-run unit vm bench demo demo-run clean \
	install install-modules install-dkms install-docs
.DEFAULT_GOAL := all

# What a user installs. The tests need the kselftest headers from linux-source-6.1
# (and clang for the fuzzers), which a Raspberry Pi does not have: `make tests`.
all: modules programs

tests: $(SELFTESTS) $(UNIT_TESTS)

programs: $(PROGRAMS)

# One kbuild run per folder, serialised: kbuild keeps its temporaries next to the
# sources, so two runs over the same folder would trample each other.
modules: $(addprefix modules-,$(notdir $(KMOD_DIRS)))
modules-%: | $(B)
	flock $(B)/.kbuild.lock $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod/$* W=1 \
		$(if $(CI),KCFLAGS=-Werror,) modules

# Expanded by the shell when a recipe runs: the modules may be built by the same make.
MODULE_FILES = $$(ls $(addprefix $(CURDIR)/,$(addsuffix /*.ko,$(KMOD_DIRS))) 2>/dev/null)

$(B):
	mkdir -p $@

$(KSFT_HDRS): | $(B)
	mkdir -p $(KSFT)
	test -f /usr/src/linux-source-6.1.tar.xz || { echo "make: linux-source-6.1 missing (make deps)" >&2; exit 1; }
	tar -xJf /usr/src/linux-source-6.1.tar.xz --strip-components=4 -C $(KSFT) \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h
	touch $(KSFT_HDRS)

# ---------------------------------------------------------------------------------
# Dependencies: one idempotent step, apt only (the list is in scripts/deps.sh).
deps:
	scripts/deps.sh

# ---------------------------------------------------------------------------------
# Tests. Each program's TAP goes to a results folder; tests/summary.sh counts them.
UNIT_OUT := $(B)/results/unit
VM_OUT   := $(B)/results/vm
VM_SD_OUT := $(B)/results/vm-systemd
# Result folders of runs made before this one, counted in its summary line too
# (.ci/run: make check-arm64 first, then make check CHECK_ALSO=its folder).
CHECK_ALSO ?=

check:
	$(MAKE) deps
	$(MAKE) all tests
	$(MAKE) check-run

check-run: $(UNIT_TESTS) $(SELFTESTS)
	@rm -rf $(UNIT_OUT); mkdir -p $(UNIT_OUT)
	@n=0; for t in $(UNIT_TESTS); do n=$$((n+1)); \
		name=$$(printf '%03d-%s' $$n $$(basename $$t)); \
		echo "unit: $$t"; \
		SHARED=$(SHARED) timeout -k 5 600 $$t > $(UNIT_OUT)/$$name.tap 2>&1; \
		echo $$? > $(UNIT_OUT)/$$name.rc; \
	done
	@vmrc=0; \
	$(if $(strip $(VM_TESTS)),SHARED=$(SHARED) VM_MODULES="$(MODULE_FILES)" \
		tests/vm/run.sh $(VM_OUT) $(VM_TESTS) || vmrc=1;) \
	$(if $(strip $(VM_SYSTEMD_TESTS)),SHARED=$(SHARED) VM_MODULES="$(MODULE_FILES)" \
		VM_TIMEOUT=900 tests/vm/run.sh --systemd $(VM_SD_OUT) $(VM_SYSTEMD_TESTS) || vmrc=1;) \
	tests/summary.sh $(UNIT_OUT) $(if $(strip $(VM_TESTS)),$(VM_OUT)) \
		$(if $(strip $(VM_SYSTEMD_TESTS)),$(VM_SD_OUT)) $(CHECK_ALSO) --vm-rc $$vmrc

# Run a subset in the VM: make vm T='build/selftests/flash/mtd tests/selftests/flash/x.sh'
# (VM_INIT=--systemd: with systemd as PID 1, as VM_SYSTEMD_TESTS run)
vm: all tests
	SHARED=$(SHARED) VM_MODULES="$(MODULE_FILES)" \
		tests/vm/run.sh $(VM_INIT) $(B)/results/vm-adhoc $(T) ; \
	tests/summary.sh $(B)/results/vm-adhoc --vm-rc $$?

unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do SHARED=$(SHARED) $$t; done

# The main job, end to end, in the VM on the simulated chip (tests/demo/demo.sh).
DEMO_OUT := $(B)/results/demo
demo:
	$(MAKE) deps
	$(MAKE) all
	$(MAKE) demo-run

demo-run: all
	@VM_TIMEOUT=900 VM_MODULES="$(MODULE_FILES)" SHARED=$(SHARED) \
		tests/vm/run.sh $(DEMO_OUT) tests/demo/demo.sh; vmrc=$$?; \
	cat $(DEMO_OUT)/*demo.sh.tap 2>/dev/null | grep -v '^ok 1 - demo'; \
	grep -q '^ok 1 - demo' $(DEMO_OUT)/*demo.sh.tap 2>/dev/null && [ $$vmrc -eq 0 ] && \
		echo "demo: OK" || { echo "demo: FAILED (see $(DEMO_OUT)/console.log)"; exit 1; }

# ---------------------------------------------------------------------------------
# Install: make install [DESTDIR=...] [PREFIX=/usr]. The daemon's files come from
# daemon/build.mk (install-daemon); modules go to updates/mectl for this KVER (use
# install-dkms instead on a machine whose kernel gets updated: a Raspberry Pi).
PREFIX     ?= /usr
MANDIR     ?= $(PREFIX)/share/man
COMPDIR    ?= $(PREFIX)/share/bash-completion/completions
VERSION    := $(shell git describe --always --dirty 2>/dev/null || echo 0)
INSTALL_MODULES = kmod/flash/mectl_flash.ko kmod/me/mectl_me.ko

install: install-daemon install-modules install-docs

install-modules: modules
	install -d $(DESTDIR)/lib/modules/$(KVER)/updates/mectl
	install -m 0644 $(INSTALL_MODULES) $(DESTDIR)/lib/modules/$(KVER)/updates/mectl/
	$(if $(DESTDIR),,depmod -a $(KVER))

install-docs:
	for p in $(wildcard client/*.1 daemon/*.8 kmod/*/*.4); do \
		install -D -m 0644 $$p $(DESTDIR)$(MANDIR)/man$${p##*.}/$$(basename $$p); done
	install -D -m 0644 client/mectl.bash-completion $(DESTDIR)$(COMPDIR)/mectl

# DKMS source tree: dkms add/build/install mectl/$(VERSION) then rebuilds the modules
# for every new kernel.
install-dkms:
	install -d $(DESTDIR)/usr/src/mectl-$(VERSION)
	cp -r Kbuild include $(DESTDIR)/usr/src/mectl-$(VERSION)/
	find kmod -name '*.mod.c' -prune -o \( -name Kbuild -o -name '*.[ch]' \) -print | \
		while read -r f; do install -D -m 0644 $$f $(DESTDIR)/usr/src/mectl-$(VERSION)/$$f; done
	sed 's/@VERSION@/$(VERSION)/' dkms.conf > $(DESTDIR)/usr/src/mectl-$(VERSION)/dkms.conf

# Benchmarks print ratios against a peer measured in the same run; never part of check.
bench: all
	@for b in $(BENCHES); do echo "== $$b"; SHARED=$(SHARED) $$b || exit 1; done

clean:
	rm -rf $(B) $(CLEAN_FILES)
	for d in $(KMOD_DIRS); do $(MAKE) -C $(KDIR) M=$(CURDIR)/$$d clean >/dev/null 2>&1 || true; done
