#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Send commands to the "mectl" generic netlink family in a loop for SECONDS
seconds; print how many succeeded and how many errors came back. Mode "info"
(default) sends MECTL_CMD_GET_INFO; mode "cycle" sends ATTACH then DETACH of
spi0.0 (needs CAP_NET_ADMIN). Prints "ready" once the first round succeeded
(so a caller can time what it does against a running loop). Exit 0 unless the
family cannot be reached at all. Values from include/uapi/mectl.h and include/uapi/linux/genetlink.h."""
import os
import socket
import struct
import sys
import time

NETLINK_GENERIC, GENL_ID_CTRL = 16, 0x10
CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 3, 1, 2
NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR, NLMSG_DONE = 1, 4, 2, 3
MECTL_CMD_ATTACH, MECTL_CMD_DETACH, MECTL_CMD_GET_INFO = 1, 2, 3
MECTL_A_BUS, MECTL_A_CS = 1, 2


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
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3
    mode = sys.argv[2] if len(sys.argv) > 2 else "info"
    spi00 = attr(MECTL_A_BUS, struct.pack("I", 0)) + attr(MECTL_A_CS, struct.pack("I", 0))
    # each step: (command, attributes); a round counts when its last step succeeds
    steps = {"info": [(MECTL_CMD_GET_INFO, b"")],
             "cycle": [(MECTL_CMD_ATTACH, spi00), (MECTL_CMD_DETACH, spi00)]}[mode]
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    fam = family_id(sock)
    if fam is None:
        print("genl-hammer: no mectl family", file=sys.stderr)
        return 1
    ok = errors = 0
    seen = {}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for cmd, attrs in steps:
            err, _ = request(sock, fam, cmd, attrs)
            if err:
                errors += 1
                seen[-err] = seen.get(-err, 0) + 1
                break
        else:
            ok += 1
            if ok == 1:
                print("ready", flush=True)
    kinds = ", ".join(f"{os.strerror(e)}: {n}" for e, n in sorted(seen.items()))
    print(f"{ok} replies, {errors} errors" + (f" ({kinds})" if kinds else ""))
    return 0


sys.exit(main())
