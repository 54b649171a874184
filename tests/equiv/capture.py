"""Inject and capture frames on the host ends of the DUT's veths (AF_PACKET).

One AF_PACKET socket per port, opened inside the host's namespace (setns on
this thread only, then back), bound to the host interface:
- PACKET_IGNORE_OUTGOING: only frames that *left the DUT* are captured, never
  the frames we inject ourselves;
- PACKET_AUXDATA: the kernel strips a VLAN tag into skb metadata on receive;
  we put it back so the captured bytes are the bytes on the wire;
- a large receive buffer (SO_RCVBUFFORCE) so nothing is lost while we send;
- a TCP/UDP checksum the kernel still calls partial (TP_STATUS_CSUMNOTREADY:
  a host stack's checksum offload, handed on by Linux as it is) is completed
  in the captured bytes, as a NIC would on a wire: a fast path that cannot
  keep the skb's checksum state (native XDP) must deliver it completed, and
  then both runs compare equal; one that delivers the partial field without
  the state differs (the receiver would drop it).
"""
import ctypes
import os
import select
import socket
import struct
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_IGNORE_OUTGOING = 23
SO_RCVBUFFORCE = 33
TP_STATUS_CSUMNOTREADY = 0x8
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40
CLONE_NEWNET = 0x40000000
AUX = struct.Struct("=IIIHHHH")

_libc = ctypes.CDLL(None, use_errno=True)


def in_netns(name, fn):
    """Run fn() with this thread in network namespace `name`, then come back."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (name, os.strerror(e)))
        return fn()
    finally:
        if _libc.setns(home, CLONE_NEWNET) != 0:
            raise SystemExit("equiv: cannot return to the original namespace")
        os.close(fd)
        os.close(home)


def sum16(b):
    if len(b) & 1:
        b = b + b"\0"
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def complete_csum(frame):
    """FRAME with its partial TCP/UDP checksum (the field holds the
    pseudo-header sum) completed; other frames unchanged."""
    if len(frame) < 14:
        return frame
    et = struct.unpack_from("!H", frame, 12)[0]
    if et == 0x0800 and len(frame) >= 34 and frame[14] >> 4 == 4:
        l4 = 14 + (frame[14] & 0xf) * 4
        end, proto = 14 + struct.unpack_from("!H", frame, 16)[0], frame[23]
    elif et == 0x86dd and len(frame) >= 54:
        l4, proto = 54, frame[20]
        end = 54 + struct.unpack_from("!H", frame, 18)[0]
    else:
        return frame
    off = {6: 16, 17: 6}.get(proto)
    if off is None or end > len(frame) or l4 + off + 2 > end:
        return frame
    s = sum16(frame[l4:end])       # the field holds the pseudo-header sum
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    c = ~s & 0xffff
    if proto == 17 and c == 0:
        c = 0xffff
    return frame[:l4 + off] + struct.pack("!H", c) + frame[l4 + off + 2:]


def open_port(ns, ifname):
    def mk():
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 256 << 20)
        s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
        s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        s.bind((ifname, ETH_P_ALL))
        return s
    return in_netns(ns, mk)


class Capture:
    """Sockets for all ports; `frames[port]` lists (bytes, after, t) in arrival
    order, where `after` is the number of frames injected so far."""

    def __init__(self, ports):
        self.socks = {}             # port -> socket
        self.frames = {p: [] for p in ports}
        self.injected = 0
        self.send_errors = []
        self.t0 = time.monotonic()
        for p, (ns, ifname) in ports.items():
            self.socks[p] = open_port(ns, ifname)
        self.byfd = {s.fileno(): p for p, s in self.socks.items()}
        self.drain()                 # anything before the first step is not ours
        for p in self.frames:
            self.frames[p].clear()

    def close(self):
        for s in self.socks.values():
            s.close()

    def send(self, port, frame):
        try:
            self.socks[port].send(frame)
        except OSError as e:
            self.send_errors.append((self.injected, port, e.strerror))
        self.injected += 1

    def _recv_all(self, s, port):
        n = 0
        while True:
            try:
                data, anc, _, _ = s.recvmsg(65536, 64, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return n
            for lvl, typ, cdata in anc:
                if lvl == SOL_PACKET and typ == PACKET_AUXDATA and len(cdata) >= AUX.size:
                    st, _, _, _, _, tci, tpid = AUX.unpack_from(cdata)
                    if st & TP_STATUS_CSUMNOTREADY:
                        data = complete_csum(data)
                    if st & TP_STATUS_VLAN_VALID:
                        if not st & TP_STATUS_VLAN_TPID_VALID:
                            tpid = 0x8100
                        data = data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
            self.frames[port].append((data, self.injected, time.monotonic() - self.t0))
            n += 1

    def drain(self):
        n = 0
        for p, s in self.socks.items():
            n += self._recv_all(s, p)
        return n

    def wait(self, seconds):
        """Keep capturing for `seconds`."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select(list(self.socks.values()), [], [], left)
            for s in r:
                self._recv_all(s, self.byfd[s.fileno()])

    def settle(self, quiet):
        """Capture until no frame arrived on any port for `quiet` seconds."""
        while True:
            r, _, _ = select.select(list(self.socks.values()), [], [], quiet)
            if not r:
                return
            for s in r:
                self._recv_all(s, self.byfd[s.fileno()])


def write_pcap(path, frames):
    """frames: iterable of (bytes, t_seconds).  Classic pcap, Ethernet."""
    with open(path, "wb") as f:
        f.write(struct.pack("=IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for data, t in frames:
            sec = int(t)
            f.write(struct.pack("=IIII", sec, int((t - sec) * 1e6), len(data), len(data)))
            f.write(data)
