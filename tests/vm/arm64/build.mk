# tests/vm/arm64: the flash selftests on arm64. qemu-system-aarch64 -M virt (TCG)
# boots Debian's arm64 kernel of the same 6.12 release as the amd64 one `make deps`
# installs, on an arm64 Debian root unpacked from the archive (rootfs.sh, cached
# under build/ until the script or the kernel changes); this tree's modules and test
# programs are cross-built with gcc-aarch64-linux-gnu (the root is the sysroot).
#
#   make check-arm64            build what it needs, run, one summary line
#   make vm-arm64 T='...'       chosen tests, named as in VM_TESTS

A64       := $(B)/arm64
A64_KVER  := $(shell ls -d /lib/modules/6.12.*-amd64 2>/dev/null | sort -V | tail -n1 | \
		xargs -r basename | sed 's/-amd64$$/-arm64/')
A64_ROOT  := $(A64)/rootfs-$(A64_KVER)
A64_SRC   := $(A64)/src
A64_OUT   := $(B)/results/vm-arm64
A64_CROSS := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
# The VM tests of the flash module and of the simulated chip, in their order; the
# programs among them are the arm64 builds under $(A64).
A64_TESTS  = $(patsubst $(B)/%,$(A64)/%,$(filter tests/selftests/flash/% tests/selftests/flashsim/% \
		$(B)/selftests/flash/% $(B)/selftests/flashsim/%,$(VM_TESTS)))
A64_PROGS  = $(filter $(A64)/%,$(A64_TESTS) $(patsubst $(B)/%,$(A64)/%,$(T)))
A64_MODULES = $$(ls $(addprefix $(CURDIR)/$(A64_SRC)/,$(addsuffix /*.ko,$(KMOD_DIRS))) 2>/dev/null)

.PHONY: check-arm64 check-arm64-run vm-arm64 arm64-modules arm64-tests

$(A64_ROOT)/.packages: tests/vm/arm64/rootfs.sh
	@test -n "$(A64_KVER)" || { echo "make: no Debian 6.12 amd64 kernel to match (make deps)" >&2; exit 1; }
	tests/vm/arm64/rootfs.sh $(A64_KVER) $(A64_ROOT)

# A private copy of the sources: kbuild writes its objects beside them.
arm64-modules:
	@test -n "$(A64_KVER)" || { echo "make: no Debian 6.12 amd64 kernel to match (make deps)" >&2; exit 1; }
	hdr=$$(tests/vm/arm64/headers.sh $(A64_KVER) $(A64)/headers) && \
	mkdir -p $(A64_SRC) && cp -r --preserve=timestamps -u Kbuild kmod include $(A64_SRC)/ && \
	for d in $(KMOD_DIRS); do \
		$(MAKE) -C $$hdr M=$(CURDIR)/$(A64_SRC)/$$d $(A64_CROSS) W=1 \
			$(if $(CI),KCFLAGS=-Werror,) modules || exit 1; \
	done

# The test programs, by this Makefile's own rules with B=$(A64) and the arm64 root
# as the sysroot (its libc6-dev, libnl-*-dev).
arm64-tests: $(A64_ROOT)/.packages
	$(if $(A64_PROGS),PKG_CONFIG_LIBDIR=$(CURDIR)/$(A64_ROOT)/usr/lib/aarch64-linux-gnu/pkgconfig \
		PKG_CONFIG_SYSROOT_DIR=$(CURDIR)/$(A64_ROOT) \
		$(MAKE) B=$(A64) CC="aarch64-linux-gnu-gcc --sysroot=$(CURDIR)/$(A64_ROOT)" $(A64_PROGS))

# A build that fails is one failed test in $(A64_OUT): the folder always tells of this run.
check-arm64:
	$(MAKE) deps
	@rm -rf $(A64_OUT)
	@$(MAKE) arm64-modules arm64-tests || { mkdir -p $(A64_OUT); \
		echo "not ok 1 - arm64 $(A64_KVER): modules and test programs build" > $(A64_OUT)/000-build.tap; \
		echo 1 > $(A64_OUT)/000-build.rc; tests/summary.sh $(A64_OUT); exit 1; }
	$(MAKE) check-arm64-run

check-arm64-run: $(A64_ROOT)/.packages
	@VM_MODULES="$(A64_MODULES)" VM_TIMEOUT=$${VM_TIMEOUT:-2400} \
		tests/vm/arm64/check.sh $(A64_KVER) $(A64_ROOT) $(A64_OUT) $(A64_TESTS); \
	tests/summary.sh $(A64_OUT)

vm-arm64: arm64-modules arm64-tests
	@VM_MODULES="$(A64_MODULES)" \
		tests/vm/arm64/check.sh $(A64_KVER) $(A64_ROOT) $(B)/results/vm-arm64-adhoc \
		$(patsubst $(B)/%,$(A64)/%,$(T)); \
	tests/summary.sh $(B)/results/vm-arm64-adhoc
