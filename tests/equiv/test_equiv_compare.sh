#!/bin/bash
# Equivalence harness: the comparison rules on hand-made captures (no root):
# multiset differences, order per flow vs. across flows, named masks.
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	{ echo "SKIP: needs /usr/bin/python3 with python3-scapy"; exit 77; }
exec /usr/bin/python3 - "$(dirname "$0")" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import compare as C

def fr(dst, src, tag):
    return bytes.fromhex(dst) + bytes.fromhex(src) + b"\x08\x00" + bytes([tag]) * 46

A1, A2 = "020000000001", "020000000002"
B1 = "020000000003"
x1, x2, x3 = fr(A2, A1, 1), fr(A2, A1, 2), fr(A2, A1, 3)   # one flow
y1 = fr(A2, B1, 9)                                          # another flow
origin = lambda raw: ("h1",)
cap = lambda frames: [(f, f, i, 0.0) for i, f in enumerate(frames)]

r = C.compare_frames(cap([x1, x2, y1, x3]), cap([x1, x2, y1, x3]), origin, "flow")
assert r["order"] == "same" and not r["only_a"] and not r["only_b"], r
# flows interleave differently: allowed with per-flow order
r = C.compare_frames(cap([x1, x2, y1, x3]), cap([y1, x1, x2, x3]), origin, "flow")
assert r["order"] == "same", r
# ... but not with per-port order
r = C.compare_frames(cap([x1, x2, y1, x3]), cap([y1, x1, x2, x3]), origin, "port")
assert r["order"] == "differs", r
# within one flow the order matters
r = C.compare_frames(cap([x1, x2, x3]), cap([x2, x1, x3]), origin, "flow")
assert r["order"] == "differs" and r["order_diff"]["position"] == 0, r
r = C.compare_frames(cap([x1, x2, x3]), cap([x2, x1, x3]), origin, "none")
assert r["order"] == "not-compared", r
# frames the DUT generated (no origin) are compared as a multiset only
r = C.compare_frames(cap([x1, x2]), cap([x2, x1]), lambda raw: (), "flow")
assert r["order"] == "same", r
# multiset: a missing duplicate and an extra frame
r = C.compare_frames(cap([x1, x1, x2]), cap([x1, x2, y1]), origin, "flow")
assert r["only_a"] == [1] and r["only_b"] == [2], r
print("ok: order per flow, per port, none; multiset differences")

dut = bytes.fromhex("022000000001")
ctx = {"injected": {x1: 1}, "dut_macs": {dut}}
bpdu = bytes.fromhex("0180c2000000") + dut + b"\x00\x26" + bytes(46)
igmp = bytes.fromhex("01005e000016") + dut + bytes.fromhex("0800") + \
    bytes.fromhex("46c00028000040000102000000000000e0000016940400002200f99300000001") + bytes(8)
frames = [(x1, 0, 0.0), (bpdu, 0, 0.0), (igmp, 0, 0.0)]
assert [f for f, *_ in C.apply_frame_masks(frames, [], ctx)] == [x1, bpdu, igmp]
assert [f for f, *_ in C.apply_frame_masks(frames, ["dut-stp"], ctx)] == [x1, igmp]
assert [f for f, *_ in C.apply_frame_masks(frames, ["dut-mcast-report"], ctx)] == [x1, bpdu]
# an injected frame is never masked away, even if it looks like noise
ctx2 = {"injected": {igmp: 1}, "dut_macs": {dut}}
assert [f for f, *_ in C.apply_frame_masks([(igmp, 0, 0.0)], ["dut-mcast-report"], ctx2)] == [igmp]
print("ok: masks dut-stp and dut-mcast-report drop only DUT-made noise")

sa = {"fdb": [{"mac": "02:00:00:00:00:01", "ifname": "p1", "state": ""}], "neigh": [{"dst": "10.0.0.1", "state": "REACHABLE"}]}
sb = {"fdb": [{"mac": "02:00:00:00:00:01", "ifname": "p2", "state": ""}], "neigh": [{"dst": "10.0.0.1", "state": "STALE"}]}
s = C.compare_state(sa, sb)
assert not s["fdb"]["equal"] and not s["neigh"]["equal"], s
C.STATE_MASKS["neigh-state"][0](sa); C.STATE_MASKS["neigh-state"][0](sb)
assert C.compare_state(sa, sb)["neigh"]["equal"]
print("ok: state tables compared as multisets; neigh-state mask")
PY
