# DKMS: the modules Debian's dkms built and installed for each test kernel (staged by
# tests/unit/dkms.sh in build/dkms) load in that kernel. They run in a boot of their
# own whose mectl modules are dkms's (VM_DKMS_TESTS), not make's.
VM_DKMS_TESTS += tests/selftests/dkms/load.sh
