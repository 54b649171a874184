#!/usr/bin/python3
"""udp_flow: one UDP flow both ways between two namespaces, from real
sockets.  Run it twice: `udp_flow.py echo PORT` (the far end: answers every
datagram) and `udp_flow.py send DST PORT SPORT COUNT INTERVAL` (the near
end: sends COUNT datagrams INTERVAL s apart and prints how many replies
came back: "sent N received M")."""
import socket
import sys
import time


def echo(port):
    s = socket.socket(socket.AF_INET6 if ":" in port else socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("::" if ":" in port else "0.0.0.0", int(port.split(":")[-1])))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)


def send(dst, port, sport, count, interval):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
    s.setblocking(False)
    got = 0
    for i in range(count):
        s.sendto(b"x%06d" % i, (dst, port))
        end = time.monotonic() + interval
        while time.monotonic() < end:
            try:
                s.recv(65535)
                got += 1
            except BlockingIOError:
                time.sleep(0.0005)
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        try:
            s.recv(65535)
            got += 1
        except BlockingIOError:
            time.sleep(0.005)
    print("sent %d received %d" % (count, got))


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "echo" and len(a) == 2:
        echo(a[1])
    elif a and a[0] == "send" and len(a) == 6:
        send(a[1], int(a[2]), int(a[3]), int(a[4]), float(a[5]))
    else:
        sys.exit("usage: udp_flow.py echo PORT | send DST PORT SPORT COUNT INTERVAL")
