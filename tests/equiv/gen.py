"""Deterministic, seeded traffic generators for the equivalence harness.

Every generator is a function `ev_<name>(ctx, port)` that returns one small
group of frames, a list of (ingress port, frame bytes).  A `gen NAME count=N`
step calls it until N frames are made.  Only `ctx.rng` (random.Random seeded
from the script) is used for randomness, so a seed always gives the same bytes.

The model in `Ctx` knows, per port, the source MACs "behind" it (the host's own
MAC plus a few extra, like a switch behind the port), moves them on MAC-move
events, and knows the DUT's bridge MACs, so that "known unicast" really is
known to a learning bridge and "frames to the bridge's own MAC" hit it.

Things the generators avoid on purpose, so that two plain-Linux runs agree:
no in-sequence TCP segment trains (GRO on the host veths could merge them
depending on timing), no frames sourced from MACs the hosts own in their
stacks' addresses (the hosts have no IP configuration and IPv6 is off).
"""
import struct

from scapy.layers.l2 import Ether, Dot3, ARP, Dot1Q, Dot1AD, LLC, SNAP, STP
from scapy.layers.inet import IP, UDP, TCP, ICMP, IPOption_RR, IPOption_Router_Alert, IPOption_NOP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment
from scapy.contrib.igmp import IGMP
from scapy.packet import Raw

BCAST = "ff:ff:ff:ff:ff:ff"


def mac_str(b):
    return ":".join("%02x" % x for x in b)


class Ctx:
    """Generator state: ports, the MACs behind each, the DUT's MACs, the rng."""

    def __init__(self, rng, ports, host_macs, bridge_macs, dut_macs, extra_macs=3):
        self.rng = rng
        self.ports = list(ports)
        self.bridge_macs = list(bridge_macs)
        self.dut_macs = list(dut_macs)
        self.owned = {}
        self.owner = {}
        for i, p in enumerate(self.ports):
            macs = [host_macs[p]] + ["02:a0:00:%02x:00:%02x" % (i + 1, k + 1)
                                     for k in range(extra_macs)]
            self.owned[p] = macs
            for m in macs:
                self.owner[m] = p
        self.unknown_ctr = 0
        self.routed = {}

    def set_l3(self, l3):
        """l3: port -> (host IPv4, gateway IPv4, MAC of the DUT port) for
        routed traffic (`routed` generator); ports without an address skip it."""
        self.routed = {p: v for p, v in l3.items() if v[0]}

    # --- helpers -------------------------------------------------------
    def src(self, port):
        return self.rng.choice(self.owned[port])

    def other_port(self, port):
        others = [p for p in self.ports if p != port]
        return self.rng.choice(others) if others else port

    def known_dst(self, port):
        return self.rng.choice(self.owned[self.other_port(port)])

    def unknown_mac(self):
        # never used as a source, so never learned
        self.unknown_ctr += 1
        return "02:ee:%02x:%02x:%02x:%02x" % (self.rng.randrange(256), self.rng.randrange(256),
                                            (self.unknown_ctr >> 8) & 0xff, self.unknown_ctr & 0xff)

    def ip4(self):
        return "10.%d.%d.%d" % (self.rng.randrange(4), self.rng.randrange(256), self.rng.randrange(1, 255))

    def ip6(self):
        return "fd00::%x:%x" % (self.rng.randrange(1, 0xffff), self.rng.randrange(1, 0xffff))

    def payload(self, n):
        return self.rng.randbytes(max(0, n))

    def l3(self, size=None):
        """A random well-formed L3 packet (bytes after the Ethernet header)."""
        r = self.rng
        size = size if size is not None else r.choice([46, 64, 128, 512, 1000, 1500, r.randrange(46, 1501)])
        kind = r.choice(["udp4", "udp4", "tcp4", "icmp4", "udp6", "arp"])
        if kind == "arp":
            return 0x0806, bytes(ARP(op=r.choice([1, 2]), hwsrc=self.unknown_mac(), psrc=self.ip4(),
                                     pdst=self.ip4()))
        if kind == "udp6":
            hdr = IPv6(src=self.ip6(), dst=self.ip6(), hlim=r.randrange(2, 255)) / \
                UDP(sport=r.randrange(1024, 65535), dport=r.randrange(1, 65535))
            return 0x86dd, bytes(hdr / Raw(self.payload(max(0, size - 48))))
        if kind == "tcp4":
            l4 = TCP(sport=r.randrange(1024, 65535), dport=r.randrange(1, 65535),
                     seq=r.getrandbits(32), flags=r.choice(["S", "A", "PA", "R", "FA"]))
            hl = 40
        elif kind == "icmp4":
            l4 = ICMP(type=8, id=r.randrange(65536), seq=r.randrange(65536))
            hl = 28
        else:
            l4 = UDP(sport=r.randrange(1024, 65535), dport=r.randrange(1, 65535))
            hl = 28
        pkt = IP(src=self.ip4(), dst=self.ip4(), ttl=r.randrange(2, 255), id=r.randrange(65536)) / l4 / \
            Raw(self.payload(max(0, size - hl)))
        return 0x0800, bytes(pkt)

    def frame(self, dst, src, ethertype=None, l3=None, size=None):
        if l3 is None:
            ethertype, l3 = self.l3(size)
        return bytes(Ether(dst=dst, src=src, type=ethertype)) + l3


# --- the generators: each returns a list of (port, bytes) ----------------

def ev_learn(ctx, port):
    """Every MAC behind `port` announces itself once (broadcast ARP)."""
    out = []
    for m in ctx.owned[port]:
        out.append((port, bytes(Ether(dst=BCAST, src=m) /
                                ARP(op=1, hwsrc=m, psrc=ctx.ip4(), pdst=ctx.ip4()))))
    return out


def ev_known_unicast(ctx, port):
    """Unicast to a MAC behind another port (learned by the earlier `learn`)."""
    return [(port, ctx.frame(ctx.known_dst(port), ctx.src(port)))]


def ev_unknown_unicast(ctx, port):
    """Unicast to a MAC nobody ever sent from: flooded by a bridge."""
    return [(port, ctx.frame(ctx.unknown_mac(), ctx.src(port)))]


def ev_arp_broadcast(ctx, port):
    """ARP who-has to ff:ff:ff:ff:ff:ff."""
    m = ctx.src(port)
    return [(port, bytes(Ether(dst=BCAST, src=m) / ARP(op=1, hwsrc=m, psrc=ctx.ip4(), pdst=ctx.ip4())))]


def ev_broadcast(ctx, port):
    """Non-ARP broadcast (IPv4/UDP or other L3 to ff:ff:ff:ff:ff:ff)."""
    return [(port, ctx.frame(BCAST, ctx.src(port)))]


def ev_mcast4(ctx, port):
    """IPv4 multicast: 239.x data, 224.0.0.x link-local, sometimes an IGMP report."""
    r = ctx.rng
    kind = r.choice(["data", "data", "data", "local", "igmp"])
    if kind == "igmp":
        g = "239.1.%d.%d" % (r.randrange(4), r.randrange(1, 255))
        pkt = IP(src=ctx.ip4(), dst=g, ttl=1) / IGMP(type=0x16, gaddr=g)
    else:
        g = ("239.%d.%d.%d" if kind == "data" else "224.0.0.%d") % (
            (r.randrange(256), r.randrange(256), r.randrange(1, 255)) if kind == "data" else (r.randrange(1, 255),))
        pkt = IP(src=ctx.ip4(), dst=g, ttl=r.choice([1, 8, 64])) / UDP(sport=5000, dport=5001) / \
            Raw(ctx.payload(r.randrange(18, 600)))
    octs = [int(x) for x in pkt[IP].dst.split(".")]
    dst = "01:00:5e:%02x:%02x:%02x" % (octs[1] & 0x7f, octs[2], octs[3])
    return [(port, bytes(Ether(dst=dst, src=ctx.src(port)) / pkt))]


def ev_mcast6(ctx, port):
    """IPv6 multicast to 33:33:xx (ff0e:: data and ff02:: link scope)."""
    r = ctx.rng
    grp = r.choice(["ff0e::%x" % r.randrange(1, 0xffff), "ff02::%x" % r.randrange(1, 0xffff), "ff02::1"])
    pkt = IPv6(src=ctx.ip6(), dst=grp, hlim=r.choice([1, 64])) / UDP(sport=5000, dport=5001) / \
        Raw(ctx.payload(r.randrange(10, 600)))
    b = bytes(pkt)
    dst = "33:33:" + ":".join("%02x" % x for x in b[24 + 12:24 + 16])
    return [(port, bytes(Ether(dst=dst, src=ctx.src(port), type=0x86dd)) + b)]


def ev_link_local(ctx, port):
    """01:80:c2:00:00:0X: STP BPDU, PAUSE, LACP, LLDP, 802.1X, others."""
    r = ctx.rng
    src = ctx.src(port)
    kind = r.choice(["stp", "pause", "lacp", "lldp", "eapol", "other"])
    if kind == "stp":
        f = Dot3(dst="01:80:c2:00:00:00", src=src) / LLC(dsap=0x42, ssap=0x42, ctrl=3) / \
            STP(rootid=r.randrange(65536), rootmac=src, bridgeid=r.randrange(65536), bridgemac=src,
                portid=r.randrange(1, 256))
        b = bytes(f)
    elif kind == "pause":
        b = bytes(Ether(dst="01:80:c2:00:00:01", src=src, type=0x8808)) + b"\x00\x01\xff\xff" + bytes(42)
    elif kind == "lacp":
        b = bytes(Ether(dst="01:80:c2:00:00:02", src=src, type=0x8809)) + b"\x01\x01" + ctx.payload(108)
    elif kind == "lldp":
        dst = r.choice(["01:80:c2:00:00:0e", "01:80:c2:00:00:03", "01:80:c2:00:00:00"])
        tlv = b"\x02\x07\x04" + bytes.fromhex(src.replace(":", "")) + b"\x04\x02\x07\x31\x06\x02\x00\x78\x00\x00"
        b = bytes(Ether(dst=dst, src=src, type=0x88cc)) + tlv
    elif kind == "eapol":
        b = bytes(Ether(dst="01:80:c2:00:00:03", src=src, type=0x888e)) + b"\x01\x01\x00\x00" + bytes(42)
    else:
        dst = "01:80:c2:00:00:%02x" % r.randrange(16)
        b = ctx.frame(dst, src)
    return [(port, b.ljust(60, b"\x00"))]


def ev_bridge_mac(ctx, port):
    """Frames to the DUT bridge's own MAC, and frames *from* it (own-address source)."""
    if not ctx.bridge_macs:
        return ev_known_unicast(ctx, port)
    bm = ctx.rng.choice(ctx.bridge_macs)
    if ctx.rng.random() < 0.75:
        return [(port, ctx.frame(bm, ctx.src(port)))]
    return [(port, ctx.frame(ctx.known_dst(port), bm))]


def ev_mac_move(ctx, port):
    """A MAC behind another port shows up on `port`, then is talked to."""
    other = ctx.other_port(port)
    if other == port:
        return ev_known_unicast(ctx, port)
    m = ctx.rng.choice(ctx.owned[other][1:] or ctx.owned[other])
    if m == ctx.owned[other][0]:
        return ev_known_unicast(ctx, port)
    ctx.owned[other].remove(m)
    ctx.owned[port].append(m)
    ctx.owner[m] = port
    out = [(port, ctx.frame(ctx.known_dst(port), m))]
    talker = ctx.other_port(port)
    out.append((talker, ctx.frame(m, ctx.src(talker))))
    return out


def ev_runt(ctx, port):
    """Frames shorter than 60 bytes (14..59): truncated headers of all sorts."""
    r = ctx.rng
    full = ctx.frame(r.choice([ctx.known_dst(port), BCAST, ctx.unknown_mac()]), ctx.src(port))
    return [(port, full[:r.randrange(14, 60)])]


def ev_bad_ethertype(ctx, port):
    """802.3 length fields that do not match, LLC/SNAP, unassigned EtherTypes."""
    r = ctx.rng
    dst = r.choice([ctx.known_dst(port), BCAST, ctx.unknown_mac()])
    kind = r.choice(["len", "snap", "odd"])
    if kind == "len":
        et = r.randrange(0, 0x5dd)
        b = bytes(Ether(dst=dst, src=ctx.src(port), type=et)) + ctx.payload(r.randrange(46, 200))
    elif kind == "snap":
        b = bytes(Dot3(dst=dst, src=ctx.src(port)) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) /
                  SNAP(OUI=0, code=r.choice([0x0800, 0x1234]))) + ctx.payload(50)
    else:
        et = r.choice([0x0600, 0x0601, 0x1234, 0x88b5, 0x88b6, 0xfffe, 0xffff])
        b = bytes(Ether(dst=dst, src=ctx.src(port), type=et)) + ctx.payload(r.randrange(46, 200))
    return [(port, b)]


def ev_bad_src(ctx, port):
    """Multicast or all-zero source MAC (a bridge must not learn these)."""
    src = ctx.rng.choice(["01:00:5e:00:00:01", "00:00:00:00:00:00", BCAST, "33:33:00:00:00:01"])
    return [(port, ctx.frame(ctx.known_dst(port), src))]


def _ip4(ctx, **kw):
    r = ctx.rng
    return IP(src=ctx.ip4(), dst=ctx.ip4(), id=r.randrange(65536), **kw)


def ev_ip_trunc(ctx, port):
    """IPv4 headers that lie: ihl past the end, ihl < 5, total length past the end, version 6.

    Also plainly cut IPv4 headers (1..19 bytes)."""
    r = ctx.rng
    b = bytearray(bytes(_ip4(ctx, ttl=64) / UDP(sport=1, dport=2) / Raw(ctx.payload(r.randrange(0, 40)))))
    kind = r.choice(["ihl-big", "ihl-small", "totlen", "version", "cut"])
    if kind == "ihl-big":
        b[0] = 0x4f
        b = b[:r.randrange(20, 40)]
    elif kind == "ihl-small":
        b[0] = 0x40 | r.randrange(5)
    elif kind == "totlen":
        struct.pack_into("!H", b, 2, len(b) + r.randrange(1, 500))
    elif kind == "version":
        b[0] = 0x65
    else:
        b = b[:r.randrange(1, 20)]
    if kind in ("ihl-small", "totlen", "version", "ihl-big"):
        _fix_ip4_csum(b)
    return [(port, bytes(Ether(dst=ctx.known_dst(port), src=ctx.src(port), type=0x0800)) + bytes(b))]


def _fix_ip4_csum(b):
    ihl = min((b[0] & 0xf) * 4, len(b) & ~1)
    if ihl < 20:
        return
    b[10:12] = b"\x00\x00"
    s = sum(struct.unpack("!%dH" % (ihl // 2), bytes(b[:ihl])))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    struct.pack_into("!H", b, 10, ~s & 0xffff)


def ev_ip_options(ctx, port):
    """IPv4 with options: record route, router alert, NOPs."""
    r = ctx.rng
    opts = r.choice([[IPOption_RR(routers=["0.0.0.0"] * 3)], [IPOption_Router_Alert()],
                     [IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP()]])
    pkt = _ip4(ctx, ttl=r.randrange(2, 64), options=opts) / UDP(sport=7, dport=9) / Raw(ctx.payload(r.randrange(18, 300)))
    return [(port, bytes(Ether(dst=r.choice([ctx.known_dst(port), BCAST]), src=ctx.src(port)) / pkt))]


def ev_fragments(ctx, port):
    """IPv4 fragments (first/middle/last) and IPv6 fragment headers."""
    r = ctx.rng
    src, dst = ctx.src(port), ctx.known_dst(port)
    if r.random() < 0.6:
        pid = r.randrange(65536)
        base = _ip4(ctx, ttl=64)
        base.id = pid
        out = []
        for off, mf in ((0, 1), (64, 1), (128, 0)):
            p = base.copy()
            p.frag, p.flags = off // 8, ("MF" if mf else 0)
            out.append((port, bytes(Ether(dst=dst, src=src) / p / Raw(ctx.payload(64)))))
        return out
    p = IPv6(src=ctx.ip6(), dst=ctx.ip6()) / IPv6ExtHdrFragment(id=r.getrandbits(32), offset=r.choice([0, 8]),
                                                                m=r.choice([0, 1])) / Raw(ctx.payload(80))
    return [(port, bytes(Ether(dst=dst, src=src) / p))]


def ev_ttl(ctx, port):
    """IPv4 TTL 0/1 and IPv6 hop limit 0/1."""
    r = ctx.rng
    t = r.choice([0, 1])
    if r.random() < 0.6:
        pkt = _ip4(ctx, ttl=t) / UDP(sport=33434, dport=33434) / Raw(ctx.payload(30))
    else:
        pkt = IPv6(src=ctx.ip6(), dst=ctx.ip6(), hlim=t) / UDP(sport=33434, dport=33434) / Raw(ctx.payload(30))
    return [(port, bytes(Ether(dst=r.choice([ctx.known_dst(port), ctx.unknown_mac()]), src=ctx.src(port)) / pkt))]


def ev_bad_csum(ctx, port):
    """Wrong IPv4 header checksum, or wrong UDP/TCP checksum."""
    r = ctx.rng
    kind = r.choice(["ip", "udp", "tcp"])
    if kind == "tcp":
        pkt = _ip4(ctx, ttl=64) / TCP(sport=r.randrange(1024, 65535), dport=80, seq=r.getrandbits(32), flags="S")
    else:
        pkt = _ip4(ctx, ttl=64) / UDP(sport=r.randrange(1024, 65535), dport=53) / Raw(ctx.payload(40))
    b = bytearray(bytes(pkt))
    if kind == "ip":
        b[10] ^= 0x5a
    elif kind == "udp":
        b[26] ^= 0xa5
    else:
        b[36] ^= 0xa5
    return [(port, bytes(Ether(dst=ctx.known_dst(port), src=ctx.src(port), type=0x0800)) + bytes(b))]


def ev_oversize(ctx, port):
    """Frames above the DUT port MTU (1515..1600 bytes), and exactly 1514."""
    r = ctx.rng
    size = r.choice([1514, r.randrange(1515, 1601)])
    b = ctx.frame(r.choice([ctx.known_dst(port), BCAST]), ctx.src(port), size=1500)
    return [(port, (b + ctx.payload(size))[:size])]


def ev_vlan(ctx, port):
    """802.1Q tagged (VID 1..4094, VID 0 priority tag) and 802.1ad QinQ frames."""
    r = ctx.rng
    dst = r.choice([ctx.known_dst(port), BCAST, ctx.unknown_mac()])
    et, l3 = ctx.l3(r.choice([46, 100, 500]))
    kind = r.choice(["q", "q", "prio", "qinq"])
    if kind == "q":
        tag = Dot1Q(vlan=r.randrange(1, 4095), prio=r.randrange(8), type=et)
    elif kind == "prio":
        tag = Dot1Q(vlan=0, prio=r.randrange(8), type=et)
    else:
        tag = Dot1AD(vlan=r.randrange(1, 4095), type=0x8100) / Dot1Q(vlan=r.randrange(1, 4095), type=et)
    return [(port, bytes(Ether(dst=dst, src=ctx.src(port)) / tag) + l3)]


def ev_routed(ctx, port):
    """IPv4 through a router: from the host's IP to another host's, via the DUT port's MAC.

    Mostly UDP/TCP/ICMP echo with TTL 2..64 (the hosts answer: port
    unreachable, RST, echo reply); also TTL 0/1, no route, ping and ARP to
    the gateway, bad header checksum, IP options, fragments, 1400..1500-byte
    DF packets (frag needed behind a smaller MTU)."""
    r = ctx.rng
    if port not in ctx.routed:
        return ev_known_unicast(ctx, port)
    ip, gw, gwmac = ctx.routed[port]
    others = [v[0] for p, v in ctx.routed.items() if p != port] or [ip]
    mac = ctx.owned[port][0]
    kind = r.choices(["fwd", "ttl", "noroute", "gw-ping", "gw-arp", "badcsum", "options", "frag", "big"],
                     [60, 6, 4, 4, 3, 4, 4, 5, 4])[0]
    if kind == "gw-arp":
        return [(port, bytes(Ether(dst=BCAST, src=mac) / ARP(op=1, hwsrc=mac, psrc=ip, pdst=gw)))]
    dst = r.choice(others)
    ttl = r.randrange(2, 65)
    if kind == "ttl":
        ttl = r.choice([0, 1])
    elif kind == "noroute":
        dst = "198.51.100.%d" % r.randrange(1, 255)
    elif kind == "gw-ping":
        dst = gw
    opts = [IPOption_RR(routers=["0.0.0.0"] * 2)] if kind == "options" else []
    iph = IP(src=ip, dst=dst, ttl=ttl, id=r.randrange(65536), options=opts,
             flags="DF" if kind == "big" else 0)
    size = r.randrange(1400, 1501) if kind == "big" else r.choice([64, 128, 512, r.randrange(46, 1400)])
    l4 = r.choice(["udp", "tcp", "icmp"]) if kind not in ("gw-ping",) else "icmp"
    if l4 == "udp":
        pkt = iph / UDP(sport=r.randrange(1024, 65535), dport=r.randrange(1, 65535))
    elif l4 == "tcp":
        pkt = iph / TCP(sport=r.randrange(1024, 65535), dport=r.randrange(1, 65535),
                        seq=r.getrandbits(32), flags="S")
    else:
        pkt = iph / ICMP(type=8, id=r.randrange(65536), seq=r.randrange(65536))
    pkt = pkt / Raw(ctx.payload(max(0, size - len(pkt))))
    if kind == "frag":
        pkt.flags, pkt.frag = r.choice([("MF", 0), ("MF", 8), (0, 16)])
    b = bytearray(bytes(pkt))
    if kind == "badcsum":
        b[10] ^= 0x5a
    return [(port, bytes(Ether(dst=gwmac, src=mac, type=0x0800)) + bytes(b))]


GENERATORS = {
    "learn": ev_learn,
    "known-unicast": ev_known_unicast,
    "unknown-unicast": ev_unknown_unicast,
    "arp-broadcast": ev_arp_broadcast,
    "broadcast": ev_broadcast,
    "mcast4": ev_mcast4,
    "mcast6": ev_mcast6,
    "link-local": ev_link_local,
    "bridge-mac": ev_bridge_mac,
    "mac-move": ev_mac_move,
    "runt": ev_runt,
    "bad-ethertype": ev_bad_ethertype,
    "bad-src": ev_bad_src,
    "ip-trunc": ev_ip_trunc,
    "ip-options": ev_ip_options,
    "fragments": ev_fragments,
    "ttl": ev_ttl,
    "bad-csum": ev_bad_csum,
    "oversize": ev_oversize,
    "vlan": ev_vlan,
    "routed": ev_routed,
}

# The random mix: mostly ordinary traffic, every corner case present.
MIX_WEIGHTS = {
    "known-unicast": 40, "unknown-unicast": 6, "arp-broadcast": 5, "broadcast": 3,
    "mcast4": 5, "mcast6": 4, "link-local": 3, "bridge-mac": 3, "mac-move": 2,
    "runt": 3, "bad-ethertype": 3, "bad-src": 1, "ip-trunc": 3, "ip-options": 2,
    "fragments": 3, "ttl": 3, "bad-csum": 3, "oversize": 2, "vlan": 6,
}


def describe():
    """(name, first doc line) of every generator, plus `mix`."""
    out = [(n, (f.__doc__ or "").strip().splitlines()[0]) for n, f in GENERATORS.items()]
    out.append(("mix", "seeded random mix of all of the above (starts with `learn` on every port)"))
    return out


def generate(ctx, name, count, at=None):
    """Frames of one `gen` step: `count` frames (a `learn` step: one round).
    `at` restricts the ingress ports (a list of port names)."""
    ports = at or ctx.ports
    out = []
    if name == "learn":
        for p in ports:
            out += ev_learn(ctx, p)
        return out
    if name == "mix":
        for p in ctx.ports:
            out += ev_learn(ctx, p)
        names = list(MIX_WEIGHTS)
        weights = [MIX_WEIGHTS[n] for n in names]
        while len(out) < count:
            g = ctx.rng.choices(names, weights)[0]
            out += GENERATORS[g](ctx, ctx.rng.choice(ports))
        return out[:count]
    fn = GENERATORS[name]
    while len(out) < count:
        out += fn(ctx, ctx.rng.choice(ports))
    return out[:count]
