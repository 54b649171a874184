"""Compare two runs: per-port multisets of frames, order per flow, kernel state.

Fields are ignored only through the named masks below (`--mask NAME`).  No
mask is on by default: two runs are equivalent only if every port saw the same
multiset of frames, byte for byte.
"""
import collections
import struct


def _l3(frame):
    """(ethertype, offset of L3) after any VLAN tags."""
    off, et = 14, struct.unpack_from("!H", frame, 12)[0] if len(frame) >= 14 else 0
    while et in (0x8100, 0x88a8) and len(frame) >= off + 4:
        et = struct.unpack_from("!H", frame, off + 2)[0]
        off += 4
    return et, off


def _icmp6_type(frame):
    et, off = _l3(frame)
    if et != 0x86dd or len(frame) < off + 41:
        return None
    nh, p = frame[off + 6], off + 40
    if nh == 0 and len(frame) >= p + 8:          # hop-by-hop (MLD carries router alert)
        nh, p = frame[p], p + 8 * (frame[p + 1] + 1)
    if nh != 58 or len(frame) <= p:
        return None
    return frame[p]


def mask_ipv6_noise(frame, ctx):
    if frame in ctx["injected"]:
        return frame
    return None if _icmp6_type(frame) in (130, 131, 132, 133, 134, 135, 136, 137, 143) else frame


def mask_dut_stp(frame, ctx):
    if frame[:6] == b"\x01\x80\xc2\x00\x00\x00" and frame[6:12] in ctx["dut_macs"]:
        return None
    return frame


def _is_mcast_report(frame):
    et, off = _l3(frame)
    if et == 0x0800 and len(frame) >= off + 20 and frame[off + 9] == 2:
        p = off + (frame[off] & 0xf) * 4
        return len(frame) > p and frame[p] in (0x12, 0x16, 0x17, 0x22)
    return _icmp6_type(frame) in (131, 132, 143)


def mask_dut_mcast_report(frame, ctx):
    if frame in ctx["injected"] or frame[6:12] not in ctx["dut_macs"]:
        return frame
    return None if _is_mcast_report(frame) else frame


def mask_ipv4_id(frame, ctx):
    if frame in ctx["injected"]:
        return frame
    et, off = _l3(frame)
    if et != 0x0800 or len(frame) < off + 20:
        return frame
    b = bytearray(frame)
    b[off + 4:off + 6] = b"\0\0"
    b[off + 10:off + 12] = b"\0\0"
    return bytes(b)


def smask_neigh_state(state):
    for e in state.get("neigh", []):
        e.pop("state", None)


def smask_route_cache(state):
    state["route"] = [r for r in state.get("route", []) if not r.get("cached")]


FRAME_MASKS = {
    "ipv6-noise": (mask_ipv6_noise, "drop ND/RS/RA/redirect/MLD frames that the DUT emitted itself "
                   "(ICMPv6 types 130-137, 143; frames equal to an injected one are kept)"),
    "dut-stp": (mask_dut_stp, "drop BPDUs to 01:80:c2:00:00:00 sourced from a DUT MAC "
                "(the bridge's own STP hellos: their number depends on run time)"),
    "dut-mcast-report": (mask_dut_mcast_report, "drop IGMP/MLD membership reports and leaves "
                         "sourced from a DUT MAC (a bridge device joins 224.0.0.106 etc. on "
                         "timers, so their number depends on run time)"),
    "ipv4-id": (mask_ipv4_id, "in frames the DUT generated (not equal to an injected one), "
                "zero the IPv4 identification and header checksum (ICMP errors, fragments)"),
}
STATE_MASKS = {
    "neigh-state": (smask_neigh_state, "compare neighbours without their NUD state "
                    "(REACHABLE/STALE/DELAY depend on timers and confirmations)"),
    "route-cache": (smask_route_cache, "ignore `ip route show cache` (PMTU/redirect exceptions)"),
}


def list_masks():
    return [(n, "frame", d) for n, (_, d) in FRAME_MASKS.items()] + \
        [(n, "state", d) for n, (_, d) in STATE_MASKS.items()]


def apply_frame_masks(frames, masks, ctx):
    """frames: list of (bytes, after, t) -> list of (masked bytes, raw, after, t)."""
    out = []
    for raw, after, t in frames:
        f = raw
        for m in masks:
            if m in FRAME_MASKS:
                f = FRAME_MASKS[m][0](f, ctx)
                if f is None:
                    break
        if f is not None:
            out.append((f, raw, after, t))
    return out


def l3_key(frame):
    """What a router does not change: for IPv4 the addresses, ID and
    everything after the header; for IPv6 the addresses and payload.  Lets
    a routed frame (new MACs, TTL, checksum) be traced to its injected frame."""
    et, off = _l3(frame)
    if et == 0x0800 and len(frame) >= off + 20:
        ihl = (frame[off] & 0xf) * 4
        return b"4" + frame[off + 4:off + 6] + frame[off + 12:off + 20] + frame[off + ihl:]
    if et == 0x86dd and len(frame) >= off + 40:
        return b"6" + frame[off + 8:]
    return None


def _extras(mine, theirs):
    """Indices into `mine` of frames that `theirs` lacks (multiset difference,
    earliest unmatched occurrences last: matching consumes from the front)."""
    rem = collections.Counter(f for f, *_ in theirs)
    out = []
    for i, (f, *_) in enumerate(mine):
        if rem[f] > 0:
            rem[f] -= 1
        else:
            out.append(i)
    return out


def flow_key(frame, ingress, order):
    if order == "port":
        return (ingress,)
    return (ingress, frame[0:6], frame[6:12], frame[12:14])


def compare_frames(a, b, origin, order):
    """a, b: masked captures of one port.  origin(raw) -> tuple of ingress
    ports (empty for frames the DUT generated).  Returns a dict."""
    only_a, only_b = _extras(a, b), _extras(b, a)
    res = {"a": len(a), "b": len(b), "only_a": only_a, "only_b": only_b, "order": "same",
           "order_diff": None}
    if order == "none":
        res["order"] = "not-compared"
    elif only_a or only_b:
        res["order"] = "not-compared"   # the multiset already differs
    else:
        seq_a, seq_b = collections.defaultdict(list), collections.defaultdict(list)
        for seq, run in ((seq_a, a), (seq_b, b)):
            for i, (f, raw, *_) in enumerate(run):
                ing = origin(raw)
                if ing:
                    seq[flow_key(raw, ing, order)].append((f, i))
        for k in seq_a:
            fa, fb = seq_a[k], seq_b.get(k, [])
            for n, ((x, ia), (y, ib)) in enumerate(zip(fa, fb)):
                if x != y:
                    res["order"] = "differs"
                    if res["order_diff"] is None or ia < res["order_diff"]["index_a"]:
                        res["order_diff"] = {"flow": k, "position": n, "index_a": ia, "index_b": ib}
                    break
    return res


def compare_state(sa, sb):
    out = {}
    for table in sorted(set(sa) | set(sb)):
        ca = collections.Counter(repr(sorted(e.items())) for e in sa.get(table, []))
        cb = collections.Counter(repr(sorted(e.items())) for e in sb.get(table, []))
        out[table] = {"equal": ca == cb, "a": sum(ca.values()), "b": sum(cb.values()),
                      "only_a": sorted((ca - cb).elements()), "only_b": sorted((cb - ca).elements())}
    return out
