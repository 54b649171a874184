#!/usr/bin/python3
"""tcp_flow: one TCP connection between two namespaces from real sockets.
`tcp_flow.py serve PORT` (the far end: each connection is read to its end
and answered with the byte count, then closed) and `tcp_flow.py send DST
PORT BYTES [SPORT]` (connects, sends BYTES, half-closes, prints "sent N
acked M" with the count the server read)."""
import socket
import sys


def serve(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        n = 0
        while True:
            b = c.recv(65536)
            if not b:
                break
            n += len(b)
        c.sendall(b"%d\n" % n)
        c.close()


def send(dst, port, nbytes, sport=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if sport:
        s.bind(("0.0.0.0", sport))
    s.settimeout(20)
    s.connect((dst, port))
    chunk = b"x" * 16384
    left = nbytes
    while left > 0:
        left -= s.send(chunk[:min(left, len(chunk))])
    s.shutdown(socket.SHUT_WR)
    reply = b""
    while not reply.endswith(b"\n"):
        b = s.recv(100)
        if not b:
            break
        reply += b
    s.close()
    print("sent %d acked %s" % (nbytes, reply.decode().strip() or "none"))


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "serve":
        serve(int(a[1]))
    elif len(a) in (4, 5) and a[0] == "send":
        send(a[1], int(a[2]), int(a[3]), int(a[4]) if len(a) == 5 else 0)
    else:
        sys.exit("usage: tcp_flow.py serve PORT | send DST PORT BYTES [SPORT]")
