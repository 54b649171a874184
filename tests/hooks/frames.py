#!/usr/bin/python3
"""UDP frames of the hook tests, sent and checked byte for byte.

    frames.py send IFNAME DPORT COUNT [FIRST]   frames FIRST..COUNT-1 (inside
                                          the sender's namespace)
    frames.py check PCAP DPORT COUNT      every one of the COUNT frames is in
                                          PCAP exactly once, unchanged, and no
                                          other frame to DPORT; prints the count

Frame i: 02:00:00:00:00:01 -> 02:00:00:00:00:02, 10.0.0.1:(4000+i) ->
10.0.0.2:DPORT, a payload that names DPORT and i (tests/deploy/lib.sh's
hosts h1 and h2); FRAMES_SMAC, FRAMES_DMAC, FRAMES_SRC, FRAMES_DST (env)
replace the addresses.
"""
import os
import socket
import struct
import sys


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


SMAC = os.environ.get("FRAMES_SMAC", "02:00:00:00:00:01")
DMAC = os.environ.get("FRAMES_DMAC", "02:00:00:00:00:02")
SRC = os.environ.get("FRAMES_SRC", "10.0.0.1")
DST = os.environ.get("FRAMES_DST", "10.0.0.2")


def frame(dport, i):
    payload = (b"tna-hook %5d %5d " % (dport, i)).ljust(64, b".")
    udp = struct.pack("!HHHH", 4000 + i, dport, 8 + len(payload), 0) + payload
    # a full UDP checksum: a native pipeline cannot tell 0 from a partial one
    pseudo = socket.inet_aton(SRC) + socket.inet_aton(DST) + struct.pack("!BBH", 0, 17, len(udp))
    c = csum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                     socket.inet_aton(SRC), socket.inet_aton(DST))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex(DMAC.replace(":", "") + SMAC.replace(":", "")) + b"\x08\x00"
    return eth + ip + udp


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out


def main():
    cmd, where, dport, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    want = [frame(dport, i) for i in range(count)]
    if cmd == "send":
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((where, 0))
        for f in want[int(sys.argv[5]) if len(sys.argv) > 5 else 0:]:
            s.send(f)
        return 0
    got = [f for f in read_pcap(where)
           if len(f) >= 38 and f[12:14] == b"\x08\x00" and f[23] == 17 and
           struct.unpack("!H", f[36:38])[0] == dport]
    bad = [f for f in got if f not in want]
    dup = [f for f in want if got.count(f) > 1]
    print(len(got))
    if bad:
        print("changed or unexpected frame to port %d: %s" % (dport, bad[0].hex()), file=sys.stderr)
        return 1
    if dup:
        print("frame seen twice: %s" % dup[0].hex(), file=sys.stderr)
        return 1
    return 0


sys.exit(main())
