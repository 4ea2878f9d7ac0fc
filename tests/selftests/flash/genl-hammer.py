#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Send commands to the "mectl" generic netlink family in a loop while the
caller takes the chip away; print how many succeeded and how many errors came
back. Mode "info" (default) sends MECTL_CMD_GET_INFO; mode "cycle" sends ATTACH
then DETACH of spi0.0 (needs CAP_NET_ADMIN). Prints "ready" once the first
round succeeded. SIGUSR1 tells the loop that the chip is gone: it stops at the
first error after that, or after STOP_ROUNDS more rounds without one (a chip
that still answers is reported, not waited for), as it does when STOP_ROUNDS
rounds brought no reply at all; the last line says which. Exit 0 unless the
family cannot be reached at all. Values from include/uapi/mectl.h and
include/uapi/linux/genetlink.h."""
import os
import signal
import socket
import struct
import sys

NETLINK_GENERIC, GENL_ID_CTRL = 16, 0x10
CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 3, 1, 2
NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR, NLMSG_DONE = 1, 4, 2, 3
MECTL_CMD_ATTACH, MECTL_CMD_DETACH, MECTL_CMD_GET_INFO = 1, 2, 3
MECTL_A_BUS, MECTL_A_CS = 1, 2
STOP_ROUNDS = 100


def attr(kind, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, kind) + payload + b"\0" * ((4 - n % 4) % 4)


def request(sock, family, cmd, attrs=b"", seq=[0]):
    seq[0] += 1
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    sock.send(struct.pack("IHHII", 16 + len(body), family,
                          NLM_F_REQUEST | NLM_F_ACK, seq[0], 0) + body)
    replies = []
    while True:
        data = sock.recv(65536)
        off = 0
        while off < len(data):
            length, kind = struct.unpack_from("IH", data, off)
            if kind == NLMSG_ERROR:
                err = struct.unpack_from("i", data, off + 16)[0]
                return err, replies
            if kind == NLMSG_DONE:
                return 0, replies
            replies.append(data[off + 20:off + length])
            off += (length + 3) & ~3


def family_id(sock):
    err, replies = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                           attr(CTRL_ATTR_FAMILY_NAME, b"mectl\0"))
    if err or not replies:
        return None
    a, off = replies[0], 0
    while off + 4 <= len(a):
        n, kind = struct.unpack_from("HH", a, off)
        if kind == CTRL_ATTR_FAMILY_ID:
            return struct.unpack_from("H", a, off + 4)[0]
        off += (n + 3) & ~3
    return None


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "info"
    spi00 = attr(MECTL_A_BUS, struct.pack("I", 0)) + attr(MECTL_A_CS, struct.pack("I", 0))
    # each step: (command, attributes); a round counts when its last step succeeds
    steps = {"info": [(MECTL_CMD_GET_INFO, b"")],
             "cycle": [(MECTL_CMD_ATTACH, spi00), (MECTL_CMD_DETACH, spi00)]}[mode]
    gone = []
    signal.signal(signal.SIGUSR1, lambda *_: gone.append(True))
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    fam = family_id(sock)
    if fam is None:
        print("genl-hammer: no mectl family", file=sys.stderr)
        return 1
    ok = errors = tries = 0
    seen = {}
    while True:
        failed = False
        for cmd, attrs in steps:
            err, _ = request(sock, fam, cmd, attrs)
            if err:
                errors += 1
                seen[-err] = seen.get(-err, 0) + 1
                failed = True
                break
        if not failed:
            ok += 1
            if ok == 1:
                print("ready", flush=True)
        if gone and failed:
            end = "stopped by an error after the chip went away"
            break
        if gone or not ok:
            tries += 1
        if tries == STOP_ROUNDS:
            end = (f"still answering {STOP_ROUNDS} rounds after the chip went away"
                   if gone else f"no reply in {STOP_ROUNDS} rounds")
            break
    kinds = ", ".join(f"{os.strerror(e)}: {n}" for e, n in sorted(seen.items()))
    print(f"{ok} replies, {errors} errors" + (f" ({kinds})" if kinds else ""))
    print(end)
    return 0


sys.exit(main())
