# tests/unit/image/: host tests of the image engine and of mectl check/clean.
#   img-testdata  every case of $SHARED/testdata/me_cleaner against build/mectl
#   img-engine    the library on crafted/malformed buffers, the key table, argv parsing
UNIT_TESTS += $(B)/unit/image/img-testdata $(B)/unit/image/img-engine

$(B)/unit/image/img-testdata: $(B)/mectl
LDLIBS_img-testdata := -lcrypto

$(B)/unit/image/img-engine: $(B)/libmectl-image.a
$(B)/unit/image/img-engine: TEST_CFLAGS += -Idaemon/image
LDLIBS_img-engine := -lcrypto -lm
