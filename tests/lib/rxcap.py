#!/usr/bin/python3
"""Capture the frames of one interface into a pcap, without start or end race.

    rxcap.py [--in] IFNAME PCAP          (run inside the namespace: ip netns exec)

An AF_PACKET socket is bound to IFNAME *before* the line "capturing on
IFNAME" is printed: a frame the interface handles after that line is in the
socket's queue (the kernel's packet taps deliver synchronously).  On SIGTERM
or SIGINT the queue is read to its end, then PCAP is written and the exit
status is 0: a frame that reached the interface before the signal is in the
file, however late this process got the CPU.  tcpdump gives neither: it
says nothing we could wait for before its filter is set, and when killed it
drops what it has not read yet.

--in keeps only the frames the interface received (PACKET_IGNORE_OUTGOING),
as `tcpdump -Q in`.  A packet tap runs after XDP: frames an XDP program
redirected or dropped are not seen, frames it passed are.  Filter the pcap
afterwards (`tcpdump -r PCAP FILTER`).  tests/lib/capture.sh wraps this.
"""
import os
import select
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "equiv"))
from capture import (ETH_P_ALL, PACKET_IGNORE_OUTGOING, SO_RCVBUFFORCE,  # noqa: E402
                     SOL_PACKET, write_pcap)

stop = False


def on_signal(_sig, _frame):
    global stop
    stop = True


def read_queue(s, frames):
    while True:
        try:
            frames.append((s.recv(65536, socket.MSG_DONTWAIT), time.time()))
        except BlockingIOError:
            return


def main():
    args = sys.argv[1:]
    inbound = "--in" in args
    args = [a for a in args if a != "--in"]
    if len(args) != 2:
        sys.exit("usage: rxcap.py [--in] IFNAME PCAP")
    ifname, path = args
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    if inbound:
        s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    s.bind((ifname, ETH_P_ALL))
    print("capturing on %s" % ifname, flush=True)
    frames = []
    while not stop:
        try:
            r, _, _ = select.select([s], [], [], 0.2)
        except InterruptedError:
            continue
        if r:
            read_queue(s, frames)
    read_queue(s, frames)
    write_pcap(path, frames)
    print("%d frames captured on %s" % (len(frames), ifname), flush=True)


if __name__ == "__main__":
    main()
