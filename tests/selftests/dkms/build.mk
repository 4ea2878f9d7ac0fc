# DKMS: the modules Debian's dkms built (tests/unit/dkms.sh, staged in build/dkms),
# installed by dkms in the VM for its running kernel and loaded by name.
VM_TESTS += tests/selftests/dkms/load.sh
