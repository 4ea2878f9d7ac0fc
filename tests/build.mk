# tests/: checks of the tree as a whole (the areas' tests live in tests/*/<area>/).
UNIT_TESTS += tests/unit/arm64-modules.sh
UNIT_TESTS += tests/unit/install.sh
