# Every kmod/ folder with a Kbuild is built on its own by `make modules`.
KMOD_DIRS += $(patsubst %/Kbuild,%,$(wildcard kmod/*/Kbuild))
