#!/usr/bin/python3
"""Capture what a host receives and check every TCP/UDP checksum.

    csum_check.py IFNAME STOPFILE [--min N] [--max-seconds S]

Runs in the receiving host's namespace (ip netns exec).  An AF_PACKET
socket on IFNAME keeps the frames that arrive (not those sent) with their
PACKET_AUXDATA status until STOPFILE exists, then checks each TCP or UDP
segment over IPv4/IPv6 the way the receiving stack will:

  - TP_STATUS_CSUMNOTREADY (the skb is CHECKSUM_PARTIAL: Linux handed it
    on without filling the checksum in, which the receiver accepts): the
    field must hold the pseudo-header sum, as a partial one does;
  - otherwise the checksum must verify over the whole segment (a frame a
    native XDP redirect delivered carries no checksum state: the receiver
    computes it, and a wrong one is an InCsumErrors drop).

Prints one line per bad frame (at most 5, decoded with scapy) and a summary;
exit 0 when every checked frame is right and at least N (--min, 1) were
checked, 1 otherwise.
"""
import os
import socket
import struct
import sys
import time

from scapy.layers.l2 import Ether

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "equiv"))
from capture import (AUX, ETH_P_ALL, PACKET_AUXDATA, PACKET_IGNORE_OUTGOING,  # noqa: E402
                     SO_RCVBUFFORCE, SOL_PACKET, TP_STATUS_CSUMNOTREADY, sum16)


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def segment(frame):
    """(proto, pseudo-header sum, L4 bytes) of a TCP/UDP frame, else None."""
    if len(frame) < 14:
        return None
    et = struct.unpack_from("!H", frame, 12)[0]
    if et == 0x0800 and len(frame) >= 34:
        ihl = (frame[14] & 0xf) * 4
        tot = struct.unpack_from("!H", frame, 16)[0]
        proto = frame[23]
        if frame[14] >> 4 != 4 or proto not in (6, 17) or struct.unpack_from("!H", frame, 20)[0] & 0x3fff:
            return None
        l4 = frame[14 + ihl:14 + tot]
        return proto, sum16(frame[26:34]) + proto + len(l4), l4
    if et == 0x86dd and len(frame) >= 54:
        proto = frame[20]
        if proto not in (6, 17):
            return None
        plen = struct.unpack_from("!H", frame, 18)[0]
        l4 = frame[54:54 + plen]
        return proto, sum16(frame[22:54]) + proto + len(l4), l4
    return None


def check(frame, status):
    """None when right, else why."""
    s = segment(frame)
    if not s:
        return None
    proto, pseudo, l4 = s
    off = 16 if proto == 6 else 6
    if len(l4) < off + 2:
        return "truncated"
    field = struct.unpack_from("!H", l4, off)[0]
    if status & TP_STATUS_CSUMNOTREADY:
        if field != fold(pseudo):
            return "partial, field %#06x is not the pseudo-header sum %#06x" % (field, fold(pseudo))
        return None
    if proto == 17 and field == 0 and frame[12:14] == b"\x08\x00":
        return None     # IPv4 UDP without a checksum
    if fold(pseudo + sum16(l4)) != 0xffff:
        return "checksum %#06x does not verify" % field
    return None


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    ifname, stop = args[0], args[1]
    need = int(args[args.index("--min") + 1]) if "--min" in args else 1
    limit = float(args[args.index("--max-seconds") + 1]) if "--max-seconds" in args else 60
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((ifname, ETH_P_ALL))
    s.settimeout(0.1)
    print("capturing", flush=True)
    frames = []
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            data, anc, _, _ = s.recvmsg(262144, 64)
        except socket.timeout:
            if os.path.exists(stop):
                break
            continue
        status = 0
        for lvl, typ, cdata in anc:
            if lvl == SOL_PACKET and typ == PACKET_AUXDATA and len(cdata) >= AUX.size:
                status = AUX.unpack_from(cdata)[0]
        frames.append((data, status))
    checked = bad = partial = 0
    for data, status in frames:
        if not segment(data):
            continue
        checked += 1
        partial += bool(status & TP_STATUS_CSUMNOTREADY)
        why = check(data, status)
        if why:
            bad += 1
            if bad <= 5:
                print("BAD: %s: %s" % (why, Ether(data).summary()))
    print("checked %d TCP/UDP frames (%d partial, handed on by Linux), %d bad" %
          (checked, partial, bad))
    return 0 if bad == 0 and checked >= need else 1


if __name__ == "__main__":
    sys.exit(main())
