#!/usr/bin/python3
"""Numbered UDP datagrams over real sockets, counted at the receiver.

  udp_count.py recv ADDR N [SECONDS]   bind ADDR:5001, print "ready", then
                                       the number of distinct datagrams
                                       received (ends at N, or SECONDS (2)
                                       after the last one)
  udp_count.py send ADDR N GAP_US      N datagrams to ADDR:5001, GAP_US
                                       microseconds apart (busy-waited on
                                       the monotonic clock)
"""
import socket
import sys
import time

PORT = 5001


def recv(addr, n, idle):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.bind((addr, PORT))
    s.settimeout(idle)
    print("ready", flush=True)
    seen = set()
    try:
        while len(seen) < n:
            seen.add(int(s.recv(2048).split(b" ")[0]))
    except socket.timeout:
        pass
    print(len(seen), flush=True)


def send(addr, n, gap):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t0 = time.monotonic()
    for i in range(n):
        s.sendto(b"%d tna-udp" % i + b"." * 64, (addr, PORT))
        while time.monotonic() < t0 + (i + 1) * gap:
            pass


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "recv":
        recv(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) > 4 else 2.0)
    elif len(sys.argv) == 5 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) / 1e6)
    else:
        sys.exit(__doc__)
