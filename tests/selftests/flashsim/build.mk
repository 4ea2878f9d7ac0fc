# flashsim: the simulated SPI NOR chip (kmod/sim/flashsim*.c), tested against
# independent peers: raw spidev ioctls, flashrom, the kernel's own spi-nor.
SELFTESTS += $(B)/selftests/flashsim/nor
VM_TESTS  += $(B)/selftests/flashsim/nor \
	     tests/selftests/flashsim/flashrom.sh \
	     tests/selftests/flashsim/spinor.sh \
	     tests/selftests/flashsim/unknown_id.sh
