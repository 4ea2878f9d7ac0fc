# tests/: checks of the tree as a whole (each part's tests live in tests/*/<part>/).
UNIT_TESTS += tests/unit/arm64-modules.sh
UNIT_TESTS += tests/unit/install.sh
UNIT_TESTS += tests/unit/kernel-choice.sh
UNIT_TESTS += tests/unit/summary.sh
UNIT_TESTS += tests/unit/cli-global.sh
# Before the VM runs: it stages the DKMS build that tests/selftests/dkms/load.sh loads.
UNIT_TESTS += tests/unit/dkms.sh
