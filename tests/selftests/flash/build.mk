# tests/selftests/flash: mectl_flash.ko against flashsim.ko, in the VM.
FLASH_ST := $(B)/selftests/flash

SELFTESTS += $(FLASH_ST)/netlink
LDLIBS_netlink := $(shell pkg-config --libs libnl-genl-3.0)
$(FLASH_ST)/netlink: TEST_CFLAGS += $(shell pkg-config --cflags libnl-genl-3.0)

# Functional tests first, the lifetime stress last.
VM_TESTS += tests/selftests/flash/params.sh
VM_TESTS += tests/selftests/flash/gpio.sh
VM_TESTS += tests/selftests/flash/mtd.sh
VM_TESTS += tests/selftests/flash/holder.sh
VM_TESTS += tests/selftests/flash/erase.sh
VM_TESTS += tests/selftests/flash/addr4.sh
VM_TESTS += tests/selftests/flash/flashrom.sh
VM_TESTS += tests/selftests/flash/faults.sh
VM_TESTS += $(FLASH_ST)/netlink
VM_TESTS += tests/selftests/flash/stress.sh
VM_TESTS += tests/selftests/flash/gone.sh
