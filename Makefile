# mectl — top-level build.
#
#   make               kernel modules (kbuild, out of tree) + userspace programs
#   make deps          install every Debian package the build and the tests need
#   make check         deps, build, host unit tests, VM selftests; ends "N passed, N failed"
#   make demo          deps, build, the main job in the VM on the simulated chip
#
# Each folder adds itself through a build.mk fragment (see the include below); this
# file only holds what they all share.

SHELL     := /bin/bash
B         := build
SHARED    ?= $(abspath $(CURDIR)/../shared)

# Kernel: the running one by default (its headers: /lib/modules/$(uname -r)/build).
# KVER= names another installed kernel; KDIR= any configured tree (a Raspberry Pi
# kernel, an arm64 cross tree with ARCH= and CROSS_COMPILE=), its version read from it.
KDIR_GIVEN := $(filter-out undefined,$(origin KDIR))
ifeq ($(KDIR_GIVEN),)
KVER      ?= $(shell uname -r)
KDIR      := /lib/modules/$(KVER)/build
else
KVER      ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
endif
KVER      := $(KVER)

# The kernels the tests build for and boot: the newest installed of each series that
# `make deps` installs (Debian 12's 6.1 and its 6.12 backport), never the running one.
TEST_KERNEL_SERIES := '^6\.1\.0-[0-9]+-amd64$$' '^6\.12\.[0-9]+\+deb12-amd64$$'
TEST_KVERS := $(foreach r,$(TEST_KERNEL_SERIES),$(shell ls -d /lib/modules/*/build 2>/dev/null | \
		cut -d/ -f4 | grep -E $(r) | sort -V | tail -n1))
# The kernel of `make vm`, `make demo` and `make bench`.
VM_KVER   ?= $(firstword $(TEST_KVERS))

CC        ?= cc
WERROR    ?= $(if $(CI),-Werror,)
CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu17 -Wall -Wextra -Wswitch-enum -Wshadow -Wformat=2 \
	     -Wmissing-prototypes -Wstrict-prototypes $(WERROR) \
	     -D_GNU_SOURCE -Iinclude -Iinclude/uapi -Ilib/common
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
VM_DKMS_TESTS :=	# the same, in a third boot whose mectl modules are those dkms built
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

.PHONY: all tests modules programs deps check check-run test-modules unit vm bench demo \
	demo-run clean install install-modules install-dkms install-docs
.DEFAULT_GOAL := all

# What a user installs. The tests need the kselftest headers from linux-source-6.1
# (and clang for the fuzzers), which a Raspberry Pi does not have: `make tests`.
all: modules programs

tests: $(SELFTESTS) $(UNIT_TESTS)

programs: $(PROGRAMS)

# Modules for kernel K build in $(B)/modules/K/: a mirror of the sources (symlinks;
# kbuild writes its objects next to them) and one kbuild run over the top-level
# Kbuild, as DKMS does. Kernels build apart; two runs for one kernel take turns.
KMOD_SOURCES := Kbuild $(shell find kmod -type f \( -name Kbuild -o -name '*.mk' -o -name '*.[chS]' ! -name '*.mod.c' \))
kdir_of = $(if $(filter $(1),$(KVER)),$(KDIR),/lib/modules/$(1)/build)
# What to install when a kernel's headers are missing (Raspberry Pi OS: the flavour's
# meta package, which follows kernel updates).
headers_pkg = $(if $(findstring -rpi-,$(1)),linux-headers-rpi-$(lastword $(subst -rpi-, ,$(1))),linux-headers-$(1))
need_kernel = $(if $(wildcard $(call kdir_of,$(1))/Makefile),,$(error $(if \
	$(KDIR_GIVEN),KDIR=$(KDIR) is not a configured kernel tree (no Makefile there),no \
	headers for kernel $(or $(1),?) in $(call kdir_of,$(1)): install $(call headers_pkg,$(1)), or name a kernel tree with KDIR=)))

modules: kmods-$(KVER)
kmods-%:
	$(call need_kernel,$*)
	@mkdir -p $(B)/modules/$*
	@cd $(B)/modules/$* && find . -xtype l -delete && ln -sfn $(CURDIR)/include include && \
		for f in $(KMOD_SOURCES); do mkdir -p $$(dirname $$f) && ln -sfn $(CURDIR)/$$f $$f || exit 1; done
	flock $(B)/modules/$*/.lock $(MAKE) -C $(call kdir_of,$*) M=$(abspath $(B)/modules/$*) W=1 \
		$(if $(CI),KCFLAGS=-Werror,) modules

# The .ko files of kernel K; expanded by the shell when a recipe runs (the modules may
# be built by the same make).
module_files = $$(ls $(abspath $(B)/modules/$(1))/kmod/*/*.ko 2>/dev/null)

$(B):
	mkdir -p $@

# For scripts and tests: `make -s print-TEST_KVERS` prints the variable's value.
print-%:
	@echo '$($*)'

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
# The VM tests run once per test kernel, in each boot: $(B)/results/KVER/vm, vm-systemd
# and vm-dkms; each TAP line carries the kernel's name. The dkms boot loads what the
# unit test tests/unit/dkms.sh staged in $(B)/dkms (the unit tests run first).
RESULTS  := $(B)/results
UNIT_OUT := $(RESULTS)/unit
VM_RUNS  := $(foreach k,$(TEST_KVERS),$(if $(strip $(VM_TESTS)),$(k)/vm) \
		$(if $(strip $(VM_SYSTEMD_TESTS)),$(k)/vm-systemd) \
		$(if $(strip $(VM_DKMS_TESTS)),$(k)/vm-dkms))
need_test_kernels = $(if $(filter $(words $(TEST_KERNEL_SERIES)),$(words $(TEST_KVERS))),,$(error \
	test kernels: found "$(TEST_KVERS)" for the series $(TEST_KERNEL_SERIES) (make deps)))
# A VM run of kernel $(1): VM_KVER, the modules built for it, the shared test data.
vm_env = VM_KVER=$(1) VM_MODULES="$(call module_files,$(1))" SHARED=$(SHARED)
# ... with the modules dkms installed for it instead.
vm_dkms_env = VM_KVER=$(1) SHARED=$(SHARED) \
	VM_MODULES="$$(ls $(abspath $(B))/dkms/lib/modules/$(1)/updates/dkms/*.ko* 2>/dev/null)"
# Result folders of runs made before this one, counted in its summary line too
# (.ci/run: make check-arm64 first, then make check CHECK_ALSO=its folder).
CHECK_ALSO ?=

check:
	$(MAKE) deps
	$(MAKE) programs tests test-modules
	$(MAKE) check-run

test-modules: $$(addprefix kmods-,$$(TEST_KVERS))
	$(call need_test_kernels)

check-run: $(UNIT_TESTS) $(SELFTESTS) programs test-modules
	@rm -rf $(UNIT_OUT); mkdir -p $(UNIT_OUT)
	@n=0; for t in $(UNIT_TESTS); do n=$$((n+1)); \
		name=$$(printf '%03d-%s' $$n $$(basename $$t)); \
		echo "unit: $$t"; \
		SHARED=$(SHARED) timeout -k 5 600 $$t > $(UNIT_OUT)/$$name.tap 2>&1; \
		echo $$? > $(UNIT_OUT)/$$name.rc; \
	done
	@vmfail=0; \
	$(foreach k,$(TEST_KVERS), \
		$(if $(strip $(VM_TESTS)),$(call vm_env,$(k)) \
			tests/vm/run.sh $(RESULTS)/$(k)/vm $(VM_TESTS) || vmfail=$$((vmfail + 1));) \
		$(if $(strip $(VM_SYSTEMD_TESTS)),$(call vm_env,$(k)) VM_TIMEOUT=900 \
			tests/vm/run.sh --systemd $(RESULTS)/$(k)/vm-systemd $(VM_SYSTEMD_TESTS) || \
			vmfail=$$((vmfail + 1));) \
		$(if $(strip $(VM_DKMS_TESTS)),$(call vm_dkms_env,$(k)) \
			tests/vm/run.sh $(RESULTS)/$(k)/vm-dkms $(VM_DKMS_TESTS) || vmfail=$$((vmfail + 1));)) \
	tests/summary.sh $(UNIT_OUT) $(addprefix $(RESULTS)/,$(VM_RUNS)) $(CHECK_ALSO) --vm-rc $$vmfail

# Run a subset in the VM: make vm T='build/selftests/flash/mtd tests/selftests/flash/x.sh'
# (VM_INIT=--systemd: with systemd as PID 1, as VM_SYSTEMD_TESTS run; VM_KVER= one of
# the installed kernels, the first test kernel by default)
vm_kernel = $(or $(VM_KVER),none)
kmods-none:
	@echo "make: no test kernel installed (make deps)" >&2; exit 1
vm: programs tests kmods-$$(vm_kernel)
	$(call vm_env,$(VM_KVER)) tests/vm/run.sh $(VM_INIT) $(RESULTS)/vm-adhoc $(T) ; \
	tests/summary.sh $(RESULTS)/vm-adhoc --vm-rc $$?

unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do SHARED=$(SHARED) $$t; done

# The main job, end to end, in the VM on the simulated chip (tests/demo/demo.sh).
DEMO_OUT := $(RESULTS)/demo
demo:
	$(MAKE) deps
	$(MAKE) demo-run

demo-run: programs kmods-$$(vm_kernel)
	@$(call vm_env,$(VM_KVER)) VM_TIMEOUT=900 tests/vm/run.sh $(DEMO_OUT) tests/demo/demo.sh; vmrc=$$?; \
	cat $(DEMO_OUT)/*demo.sh.tap 2>/dev/null | grep -v '^ok 1 - '; \
	grep -q '^ok 1 - .*demo' $(DEMO_OUT)/*demo.sh.tap 2>/dev/null && [ $$vmrc -eq 0 ] && \
		echo "demo: OK" || { echo "demo: FAILED (see $(DEMO_OUT)/console.log)"; exit 1; }

# ---------------------------------------------------------------------------------
# Install: make install [DESTDIR=...] [PREFIX=/usr] [KVER=...|KDIR=...]. The daemon's
# files come from daemon/build.mk (install-daemon); modules go to updates/mectl of
# KVER (the running kernel by default). On a machine whose kernel gets updated (a
# Raspberry Pi) use install-dkms instead of install-modules.
PREFIX     ?= /usr
MANDIR     ?= $(PREFIX)/share/man
COMPDIR    ?= $(PREFIX)/share/bash-completion/completions
VERSION    := $(shell git describe --always --dirty 2>/dev/null || echo 0)
INSTALL_MODULES = $(addprefix $(B)/modules/$(KVER)/kmod/,flash/mectl_flash.ko me/mectl_me.ko)

install: install-daemon install-modules install-docs

install-modules: modules
	install -d $(DESTDIR)/lib/modules/$(KVER)/updates/mectl
	install -m 0644 $(INSTALL_MODULES) $(DESTDIR)/lib/modules/$(KVER)/updates/mectl/
	$(if $(DESTDIR),,depmod -a $(KVER))

install-docs:
	for p in $(wildcard client/*.1 daemon/*.8 kmod/*/*.4); do \
		install -D -m 0644 $$p $(DESTDIR)$(MANDIR)/man$${p##*.}/$$(basename $$p); done
	install -D -m 0644 client/mectl.bash-completion $(DESTDIR)$(COMPDIR)/mectl

# DKMS: the module sources go to /usr/src/mectl-$(VERSION), then Debian's dkms adds,
# builds and installs them for KVER (and rebuilds them for every later kernel). Run
# again, it rebuilds (a changed tree may keep its version). The DKMS copy replaces a
# `make install-modules` one. With DESTDIR, dkms's trees (its signing key too) stay
# under DESTDIR and depmod is left out: a staged build for tests or packaging.
DKMS_SRC  = $(DESTDIR)/usr/src/mectl-$(VERSION)
DKMS      = dkms $(if $(DESTDIR),--sourcetree $(DESTDIR)/usr/src --dkmstree $(DESTDIR)/var/lib/dkms \
		--installtree $(DESTDIR)/lib/modules --no-depmod)
DKMS_ARGS = -m mectl -v $(VERSION) -k $(KVER) $(if $(KDIR_GIVEN),--kernelsourcedir $(abspath $(KDIR)))
ifneq ($(DESTDIR),)
install-dkms: export mok_signing_key = $(DESTDIR)/var/lib/dkms/mok.key
install-dkms: export mok_certificate = $(DESTDIR)/var/lib/dkms/mok.pub
endif

install-dkms:
	$(call need_kernel,$(KVER))
	@command -v dkms > /dev/null || { echo "make: dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	@echo "install-dkms: sources to $(DKMS_SRC)"
	@rm -rf $(DKMS_SRC) && \
	for f in $(KMOD_SOURCES); do install -D -m 0644 $$f $(DKMS_SRC)/$$f || exit 1; done && \
	cp -r include $(DKMS_SRC)/ && \
	sed 's/@VERSION@/$(VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf
	$(if $(DESTDIR),@mkdir -p $(DESTDIR)/var/lib/dkms $(DESTDIR)/lib/modules/$(KVER))
	rm -rf $(DESTDIR)/lib/modules/$(KVER)/updates/mectl
	$(DKMS) status -m mectl -v $(VERSION) | grep -q . || $(DKMS) add -m mectl -v $(VERSION)
	$(DKMS) build --force $(DKMS_ARGS)
	$(DKMS) install --force $(DKMS_ARGS)

# Benchmarks print ratios against a peer measured in the same run; never part of check.
bench: programs kmods-$$(vm_kernel)
	@for b in $(BENCHES); do echo "== $$b"; $(call vm_env,$(VM_KVER)) $$b || exit 1; done

clean:
	rm -rf $(B) $(CLEAN_FILES)
