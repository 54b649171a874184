#!/usr/bin/python3
"""udp_probe: datagrams to an echo server (udp_flow.py echo) every INTERVAL
s for SECONDS, each carrying its send time (CLOCK_MONOTONIC ns, the clock
the fast path's `swap_ns` uses); prints one line per datagram: "SEND_NS
1|0" (answered or not).

  udp_probe.py DST PORT SPORT SECONDS INTERVAL"""
import socket
import sys
import time

dst, port, sport, secs, ival = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    float(sys.argv[4]), float(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", sport))
s.setblocking(False)
sent, got = [], set()
end = time.monotonic() + secs
while time.monotonic() < end:
    t = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    s.sendto(b"%d" % t, (dst, port))
    sent.append(t)
    nxt = time.monotonic() + ival
    while time.monotonic() < nxt:
        try:
            got.add(int(s.recv(100)))
        except BlockingIOError:
            time.sleep(0.0005)
end = time.monotonic() + 0.5
while time.monotonic() < end:
    try:
        got.add(int(s.recv(100)))
    except BlockingIOError:
        time.sleep(0.005)
for t in sent:
    print(t, 1 if t in got else 0)
