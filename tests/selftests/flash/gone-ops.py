#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Every MTD operation through an open /dev/mtdN (and a read through
# /dev/mtdblockN) after the SPI controller under it was unbound.
#
# usage: gone-ops.py /dev/mtdN /dev/mtdblockN UNBIND_FILE DRIVER_NAME
# Prints one line per operation: "NAME: ok" or "NAME: errno NAME"; each is
# done twice (the second call is where stale state gets used). Exit 0 when
# the program got through all of them.
import errno
import fcntl
import os
import struct
import sys


def ioc(direction, nr, size):
    return (direction << 30) | (size << 16) | (ord("M") << 8) | nr


R, W = 2, 1
ERASE = struct.pack("II", 0, 4096)
OTP_INFO = struct.pack("III", 0, 0, 0)
OPS = [
    ("MEMGETINFO", ioc(R, 1, 32), bytes(32)),
    ("MEMISLOCKED", ioc(R, 23, 8), ERASE),
    ("MEMLOCK", ioc(W, 5, 8), ERASE),
    ("MEMUNLOCK", ioc(W, 6, 8), ERASE),
    ("MEMERASE", ioc(W, 2, 8), ERASE),
    ("MEMERASE64", ioc(W, 20, 16), struct.pack("QQ", 0, 4096)),
    ("MEMGETREGIONCOUNT", ioc(R, 7, 4), bytes(4)),
    ("OTPGETREGIONCOUNT", ioc(W, 14, 4), bytes(4)),
    ("OTPGETREGIONINFO", ioc(W, 15, 12), OTP_INFO),
]
OTPSELECT = ioc(R, 13, 4)
MTD_OTP_FACTORY, MTD_OTP_USER, MTD_OTP_OFF = 1, 2, 0


def attempt(name, fn):
    for _ in range(2):
        try:
            fn()
            print(f"{name}: ok")
        except OSError as e:
            print(f"{name}: errno {errno.errorcode.get(e.errno, e.errno)}")


def main():
    mtd, block, unbind, driver = sys.argv[1:5]
    fd = os.open(mtd, os.O_RDWR)
    bfd = os.open(block, os.O_RDONLY)
    with open(unbind, "w") as f:
        f.write(driver)
    for name, req, arg in OPS:
        attempt(name, lambda: fcntl.ioctl(fd, req, bytearray(arg)))
    attempt("read", lambda: os.pread(fd, 4096, 0))
    attempt("write", lambda: os.pwrite(fd, b"\0" * 256, 0))
    for mode, label in ((MTD_OTP_FACTORY, "factory"), (MTD_OTP_USER, "user")):
        def otp_read():
            fcntl.ioctl(fd, OTPSELECT, struct.pack("i", mode))
            os.pread(fd, 16, 0)
        attempt(f"OTP {label} read", otp_read)
    fcntl.ioctl(fd, OTPSELECT, struct.pack("i", MTD_OTP_OFF))
    attempt("mtdblock read", lambda: os.pread(bfd, 4096, 0))
    os.close(bfd)
    os.close(fd)
    print("closed")


main()
