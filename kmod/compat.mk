# SPDX-License-Identifier: GPL-2.0
# Included by every kmod/ folder's Kbuild: what kmod/compat.h cannot tell from
# LINUX_VERSION_CODE (APIs backported to stable releases), found in the headers
# of the kernel being built for.
mectl_kinc := $(srctree)/include/linux

ccflags-y += -I$(src)/..
ccflags-y += $(if $(shell grep -ls 'device_set_driver_override' $(mectl_kinc)/device.h),-DMECTL_HAVE_DEVICE_DRIVER_OVERRIDE)
# gpio_chip's int-returning line setter (patterns in variables: make would
# count their parentheses)
mectl_set_rv := [(][*]set_rv[)]
mectl_set_int := int[[:space:]]+[(][*]set[)][(]
ccflags-y += $(if $(shell grep -lsE '$(mectl_set_rv)' $(mectl_kinc)/gpio/driver.h),-DMECTL_HAVE_GPIO_SET_RV)
ccflags-y += $(if $(shell grep -lsE '$(mectl_set_int)' $(mectl_kinc)/gpio/driver.h),-DMECTL_HAVE_GPIO_SET_INT)

