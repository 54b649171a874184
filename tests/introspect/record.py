#!/usr/bin/python3
"""Record rtnetlink dump replies and events of a small bridge topology as
raw bytes, for tests/unit/test_introspect_replay.c (no root needed there).
As root:

    /usr/bin/python3 tests/introspect/record.py tests/fixtures/nl

builds namespace tnarec<pid> (bridge br0, veth ports p1 p2, 192.0.2.1/24
on br0, static FDB entry 02:00:00:00:00:01 on p1), writes
introspect-dump.bin (every dump tna_model_dump asks for, messages as the
kernel sent them, NLMSG_DONE dropped), then subscribes and records the
events of: p1 STP state -> 0, static entry 02:00:00:00:00:02 on p2 added,
entry ...:01 deleted, p2 released from the bridge, into
introspect-events.bin.  The namespace is removed afterwards.
"""
import ctypes
import os
import socket
import struct
import subprocess
import sys

NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
NLMSG_DONE, NLMSG_ERROR = 3, 2
RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETNEIGH, RTM_GETRULE = 18, 22, 26, 30, 34
AF_UNSPEC, AF_INET, AF_BRIDGE, AF_INET6 = 0, 2, 7, 10
IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS = 29, 8
SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 270, 1
RTNLGRP_LINK, RTNLGRP_NEIGH = 1, 3


def dump(sock, seq, mtype, family, hdrlen):
    hdr = bytes([family]) + bytes(hdrlen - 1)
    attrs = b""
    if mtype == RTM_GETLINK:
        attrs = struct.pack("=HHI", 8, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
    body = hdr + attrs
    sock.send(struct.pack("=IHHII", 16 + len(body), mtype, NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + body)
    out = b""
    while True:
        data = sock.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            ln, t = struct.unpack_from("=IH", data, off)
            if t == NLMSG_DONE:
                return out
            if t == NLMSG_ERROR:
                raise RuntimeError("dump %d/%d failed" % (mtype, family))
            out += data[off:off + ln]
            off += (ln + 3) & ~3


def main():
    outdir = sys.argv[1]
    ns = "tnarec%d" % os.getpid()
    sh = lambda c: subprocess.run(c, shell=True, check=True)
    sh("ip netns add %s" % ns)
    try:
        sh("ip netns add %s-h" % ns)
        for c in ["link add br0 type bridge", "link set br0 up",
                  "link add p1 type veth peer name e1 netns %s-h" % ns,
                  "link add p2 type veth peer name e2 netns %s-h" % ns,
                  "link set p1 master br0", "link set p2 master br0",
                  "link set p1 up", "link set p2 up",
                  "addr add 192.0.2.1/24 dev br0"]:
            sh("ip -n %s %s" % (ns, c))
        sh("ip -n %s-h link set e1 up && ip -n %s-h link set e2 up" % (ns, ns))
        sh("bridge -n %s fdb add 02:00:00:00:00:01 dev p1 master static" % ns)
        fd = os.open("/run/netns/" + ns, os.O_RDONLY)
        # CLONE_NEWNET: the sockets below live in the namespace
        if ctypes.CDLL(None, use_errno=True).setns(fd, 0x40000000) != 0:
            raise OSError(ctypes.get_errno(), "setns")
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        s.bind((0, 0))
        blob = b""
        reqs = [(RTM_GETLINK, AF_UNSPEC, 16), (RTM_GETLINK, AF_BRIDGE, 16),
                (RTM_GETNEIGH, AF_BRIDGE, 12), (RTM_GETADDR, AF_UNSPEC, 8),
                (RTM_GETROUTE, AF_INET, 12), (RTM_GETROUTE, AF_INET6, 12),
                (RTM_GETRULE, AF_INET, 12), (RTM_GETRULE, AF_INET6, 12),
                (RTM_GETNEIGH, AF_INET, 12), (RTM_GETNEIGH, AF_INET6, 12)]
        for i, (t, f, hl) in enumerate(reqs):
            blob += dump(s, i + 1, t, f, hl)
        open(os.path.join(outdir, "introspect-dump.bin"), "wb").write(blob)

        ev = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        ev.bind((0, 0))
        for g in (RTNLGRP_LINK, RTNLGRP_NEIGH):
            ev.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g)
        for c in ["bridge -n %s link set dev p1 state 0" % ns,
                  "bridge -n %s fdb add 02:00:00:00:00:02 dev p2 master static" % ns,
                  "bridge -n %s fdb del 02:00:00:00:00:01 dev p1 master" % ns,
                  "ip -n %s link set p2 nomaster" % ns]:
            sh(c)
        ev.setblocking(False)
        blob = b""
        while True:
            try:
                blob += ev.recv(1 << 20)
            except BlockingIOError:
                break
        open(os.path.join(outdir, "introspect-events.bin"), "wb").write(blob)
    finally:
        subprocess.run("ip netns del %s-h; ip netns del %s" % (ns, ns), shell=True)


if __name__ == "__main__":
    main()
