#!/usr/bin/python3
"""gen_stateful: the traffic script of tests/filter/home_router.topo: both
ends of stateful flows as literal frames (tests/equiv script format), with
the sleeps that make UDP flows assured (conntrack's 2 s stream mark) and
the rule changes in between.

  gen_stateful.py [--liberal] > FILE.traffic

Flows (lan host L 10.1.1.2, wan host W 10.1.2.2, wan peer P 10.1.2.100,
lan peer Q 10.1.1.100, the router's wan address M 10.1.2.1):
  A  udp L:4000 -> P:5000, masqueraded, 40 packets each way once assured,
     then a bad checksum, a rule change that drops it and one that lifts it
  B  udp L:4001 -> W:5001 (closed): W's port unreachable comes back related
  C  tcp L:40000 -> P:80, handshake, data both ways, FIN both ways; with
     --liberal (nf_conntrack_tcp_be_liberal=1 set by the script) also D, the
     same on L:40001, and E, one ending in RST
  F  udp P:6000 -> M:5353, port-forwarded to Q:53, and its replies
  G  udp L:4002 -> P:6000, counted by a rule with a counter
  invalid: SYN+FIN, an unsolicited inbound datagram, an ACK for nothing"""
import sys
from scapy.all import Ether, IP, UDP, TCP, Raw   # noqa: E402

LAN_MAC, DUT1 = "02:10:00:00:00:01", "02:20:00:00:00:01"
WAN_MAC, DUT2 = "02:10:00:00:00:02", "02:20:00:00:00:02"
L, W, P, M, Q = "10.1.1.2", "10.1.2.2", "10.1.2.100", "10.1.2.1", "10.1.1.100"
lines = []


def emit(port, pkt):
    mac = (LAN_MAC, DUT1) if port == "lan" else (WAN_MAC, DUT2)
    lines.append("send %s %s" % (port, bytes(Ether(src=mac[0], dst=mac[1]) / pkt).hex()))


def udp(port, src, dst, sport, dport, data, bad=False):
    p = IP(src=src, dst=dst, id=7) / UDP(sport=sport, dport=dport) / Raw(data)
    if bad:
        p = IP(bytes(p))
        p[UDP].chksum ^= 0x5a5a
    emit(port, p)


def tcp_flow(sport, peer_port, rst=False, data=4):
    """L:sport <-> P:peer_port, both ends literal; masquerade keeps the port."""
    a, b = 1000, 5000        # initial sequence numbers, L and P
    out = lambda fl, s, k, d=b"": emit("lan", IP(src=L, dst=P, id=9) / TCP(
        sport=sport, dport=peer_port, flags=fl, seq=s, ack=k, window=8192) / Raw(d))
    inn = lambda fl, s, k, d=b"": emit("wan", IP(src=P, dst=M, id=9) / TCP(
        sport=peer_port, dport=sport, flags=fl, seq=s, ack=k, window=8192) / Raw(d))
    out("S", a, 0)
    inn("SA", b, a + 1)
    out("A", a + 1, b + 1)
    a, b = a + 1, b + 1
    for i in range(data):
        out("PA", a, b, b"o%03d" % i)
        a += 4
        inn("PA", b, a, b"i%03d" % i)
        b += 4
        out("A", a, b)
    if rst:
        out("RA", a, b)
        return
    out("FA", a, b)
    inn("FA", b, a + 1)
    out("A", a + 1, b + 1)


def main():
    liberal = "--liberal" in sys.argv[1:]
    # A: a masqueraded UDP flow
    for i in range(3):
        udp("lan", L, P, 4000, 5000, b"a-out-%d" % i)
    for i in range(2):
        udp("wan", P, M, 5000, 4000, b"a-in-%d" % i)
    lines.append("sleep 2.5")
    for i in range(40):
        udp("lan", L, P, 4000, 5000, b"a-out-%d" % (i + 3))
        udp("wan", P, M, 5000, 4000, b"a-in-%d" % (i + 2))
    udp("lan", L, P, 4000, 5000, b"a-bad", bad=True)
    udp("wan", P, M, 5000, 4000, b"a-bad", bad=True)
    # B: to a closed port of W: port unreachable comes back (related)
    udp("lan", L, W, 4001, 5001, b"b-0")
    udp("lan", L, W, 4001, 5001, b"b-1")
    lines.append("settle")
    # C: TCP with window tracking (Linux keeps it unless liberal)
    tcp_flow(40000, 80)
    # F: port forward to Q:53, then its replies, assured after 2 s
    udp("wan", P, M, 6000, 5353, b"f-in-0")
    udp("lan", Q, P, 53, 6000, b"f-out-0")
    # G: a rule with a counter
    udp("lan", L, P, 4002, 6000, b"g-0")
    udp("wan", P, M, 6000, 4002, b"g-r0")
    lines.append("sleep 2.5")
    for i in range(20):
        udp("wan", P, M, 6000, 5353, b"f-in-%d" % (i + 1))
        udp("lan", Q, P, 53, 6000, b"f-out-%d" % (i + 1))
        udp("lan", L, P, 4002, 6000, b"g-%d" % (i + 1))
        udp("wan", P, M, 6000, 4002, b"g-r%d" % (i + 1))
    # invalid and unsolicited
    emit("lan", IP(src=L, dst=P, id=3) / TCP(sport=40100, dport=80, flags="SF", seq=1))
    udp("wan", W, L, 7000, 7000, b"unsolicited")
    emit("wan", IP(src=P, dst=M, id=3) / TCP(sport=80, dport=40101, flags="A", seq=1, ack=1))
    # A again, then blocked mid-stream, then unblocked
    for i in range(10):
        udp("lan", L, P, 4000, 5000, b"a2-out-%d" % i)
        udp("wan", P, M, 5000, 4000, b"a2-in-%d" % i)
    lines.append("dut $TNA_ROOT/tests/filter/nft-sync.sh add rule inet fw block udp dport 5000 drop")
    for i in range(10):
        udp("lan", L, P, 4000, 5000, b"a3-out-%d" % i)
        udp("wan", P, M, 5000, 4000, b"a3-in-%d" % i)
    lines.append("dut $TNA_ROOT/tests/filter/nft-sync.sh flush chain inet fw block")
    for i in range(10):
        udp("lan", L, P, 4000, 5000, b"a4-out-%d" % i)
        udp("wan", P, M, 5000, 4000, b"a4-in-%d" % i)
    if liberal:
        lines.append("dut sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1")
        tcp_flow(40001, 80, data=20)
        tcp_flow(40002, 80, rst=True, data=10)
    print("# generated by tests/filter/gen_stateful.py%s" % (" --liberal" if liberal else ""))
    print("\n".join(lines))


main()
