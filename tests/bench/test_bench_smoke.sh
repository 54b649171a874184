#!/bin/bash
# Smoke test of the benchmark harness: a tiny matrix (1 and 2 port pairs,
# 8 MACs, ~1 s per configuration).  Asserts only that packets arrived where
# expected: for every configuration and scale the sink received > 0 and the
# generator sent > 0, with --check-ports every L2 frame arrived on the output
# port its destination MAC belongs to (no flooding), the table and JSON name
# every configuration; a configuration that delivers nothing, or delivers to
# the wrong port, is reported as an error with a reason.
# Also checks the generator's frames (after its XDP rewrite) with scapy,
# and that a generator thread the scheduler starts late still sends.
# No timing asserts.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
cd "$TNA_ROOT"
tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
configs=linux-bridge,linux-bridge-nf0,linux-forward,xdp-fdb-limit,xdp-limit

# harness OUT ARGS...: run bench/run.sh, output to OUT, exit code in $rc;
# then its namespaces (tnab<its pid>-*) must be gone.
harness() {
	local out=$1 pid size=64; shift
	[[ " $* " == *" --ipv6 "* ]] && size=66
	# one frame size, no bulk TCP part (tests/bench/test_bench_tcp.sh)
	BUILD=$BUILD bench/run.sh --size $size --no-tcp "$@" >"$out" 2>&1 &
	pid=$!
	wait $pid
	rc=$?
	! ip netns list | grep -q "^tnab$pid-" || fail "bench/run.sh left namespaces tnab$pid-*"
}

# 1. Frames as sent: valid Ethernet/IPv4|IPv6/UDP, checksums right.
check "tna-gen writes IPv4 frames" "$TNA_BIN/tna-gen" --pcap "$tmp/v4.pcap" -n 20 \
	--src-macs 3 --dst-macs 5 --flows 7 -s 100
check "tna-gen writes IPv6 frames" "$TNA_BIN/tna-gen" --pcap "$tmp/v6.pcap" -n 20 \
	--ipv6 --src-macs 4 --flows 3
# --dst-flows: the flows vary the destination address, the source stays
check "tna-gen writes IPv4 frames to many destinations" "$TNA_BIN/tna-gen" --pcap "$tmp/v4d.pcap" \
	-n 20 --flows 6 --dst-flows --dst-ip 10.64.0.250
check "tna-gen writes IPv6 frames to many destinations" "$TNA_BIN/tna-gen" --pcap "$tmp/v6d.pcap" \
	-n 20 --ipv6 --flows 5 --dst-flows
check "generated frames have valid checksums and vary as asked" /usr/bin/python3 - "$tmp" <<'PY'
import sys
from scapy.all import rdpcap, Ether, IP, IPv6, UDP
d = sys.argv[1]

def frames(name, l3):
    """the pcap's 20 frames, each with the checksums scapy computes"""
    pk = rdpcap(f"{d}/{name}.pcap")
    assert len(pk) == 20, len(pk)
    for p in pk:
        q = p.copy()
        if l3 is IP:
            del q[IP].chksum
        del q[UDP].chksum
        q = Ether(bytes(q))
        assert p[UDP].chksum == q[UDP].chksum, (name, "udp", p.summary())
        if l3 is IP:
            assert p[IP].chksum == q[IP].chksum, (name, "ip", p.summary())
    return pk

for name, l3, n_src, n_dst, n_flows, size in (("v4", IP, 3, 5, 7, 96), ("v6", IPv6, 4, 1, 3, 62)):
    pk = frames(name, l3)
    assert {len(p) for p in pk} == {size}, (name, {len(p) for p in pk})
    assert len({p.src for p in pk}) == n_src, name
    assert len({p.dst for p in pk}) == n_dst, name
    assert len({p[l3].src for p in pk}) == n_flows, name
for name, l3, n_flows, first in (("v4d", IP, 6, "10.64.0.250"), ("v6d", IPv6, 5, "2001:db8:2::1")):
    pk = frames(name, l3)
    assert len({p[l3].src for p in pk}) == 1, name
    assert len({p[l3].dst for p in pk}) == n_flows, name
    assert pk[0][l3].dst == first, (name, pk[0][l3].dst)
PY

# 1b. A worker that starts late (its CPU busy; test switch: 1.5 s, five
# times the duration) still sends, for the whole duration from its start.
ns gen >/dev/null
veth gen g0 gen g1
out=$(TNA_TEST_GEN_START_DELAY_MS=1500 in_ns gen "$TNA_BIN/tna-gen" -i g0 -d 0.3 --json) ||
	fail "tna-gen with a late worker: $out"
check "a late worker sends for the whole duration" /usr/bin/python3 -c '
import json, sys; g = json.loads(sys.argv[1]); assert g["sent"] > 0 and g["seconds"] >= 0.3, g' "$out"

# 1c. While it runs, the generator's program is attached to its
# namespace's loopback (it stays in the kernel's XDP dispatcher, so its
# runs do not stall XDP attaches elsewhere); nothing is left after it.
in_ns gen "$TNA_BIN/tna-gen" -i g0 --rate 2000 -d 2 >/dev/null 2>&1 &
gen_pid=$!
for _ in $(seq 1 100); do
	ip -n "$TNA_NS-gen" link show lo | grep -q xdpgeneric && break
	sleep 0.02
done
check "the running generator holds a generic link on its loopback" \
	bash -c "ip -n '$TNA_NS-gen' link show lo | grep -q xdpgeneric"
wait "$gen_pid" || fail "paced tna-gen failed"
check "the finished generator left no XDP program on its loopback" \
	bash -c "! ip -n '$TNA_NS-gen' link show lo | grep -q xdp"

# 2. The harness on a tiny matrix.
harness "$tmp/out" --runs 1 --duration 1 --warmup 0.2 --macs 8 --ports 1,2 --check-ports \
	--configs "$configs" --json "$tmp/r.json" --plot "$tmp/r.png"
cat "$tmp/out"
[[ $rc -eq 0 ]] || fail "bench/run.sh exited $rc"
check "JSON: every configuration and scale received and sent packets" /usr/bin/python3 - "$tmp/r.json" "$configs" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = {(c, p) for c in sys.argv[2].split(",") for p in (1, 2)}
got = {(r["config"], r["ports"]) for r in doc["results"]}
assert got == want, (got, want)
for r in doc["results"]:
    assert not r["errors"], r
    assert len(r["mpps"]) == 1 and r["mpps"][0] > 0, r
    assert r["sent_mpps"][0] > 0, r
    assert r["vs_limit"] is not None and r["vs_bridge"] is not None, r
    assert r["vs_fdb_limit"] is not None, r
    # CPU time per frame: the path costs something, and less than the
    # 4 ms tick (at least one frame per tick is received)
    assert r["cpu_ns_median"] is not None and 0 < r["cpu_ns_median"] < 4e6, r
assert doc["kernel"] and doc["cpu"] and doc["runs"] == 1
PY
for c in ${configs//,/ }; do
	check "table has a row for $c" grep -q "^$c " "$tmp/out"
done
check "plot written" test -s "$tmp/r.png"

# IPv6 frames cross a bridge and a router (the router rows route IPv6,
# here to 3 neighbours; other l3 configurations skipped) and are counted.
BENCH_NEIGH=3 harness "$tmp/v6" --runs 1 --duration 0.5 --warmup 0.1 --macs 4 --ipv6 \
	--check-ports --configs linux-bridge,linux-forward,linux-router --json "$tmp/v6.json"
[[ $rc -eq 0 ]] || { cat "$tmp/v6"; fail "bench/run.sh --ipv6 exited $rc"; }
check "IPv6: the bridge and the router delivered the generator's frames" /usr/bin/python3 - "$tmp/v6.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["ipv6"] is True and doc["configs"] == ["linux-bridge", "linux-router"], doc["configs"]
for r in doc["results"]:
    assert r["mpps"][0] > 0 and r["sent_mpps"][0] > 0 and not r["errors"], r
PY
check "IPv6: only linux-forward was skipped" grep -q "skipping linux-forward" "$tmp/v6"
check "IPv6: the router kept" bash -c "! grep -q 'skipping linux-router' '$tmp/v6'"

# 3. A configuration that delivers nothing is an error with a reason.
mkdir "$tmp/cfg"
cat >"$tmp/cfg/absent.sh" <<'CFG'
CONFIG_DESC="needs a tool this machine lacks"
CONFIG_MODE=l2
config_available() { echo "no such tool here"; return 1; }
config_setup() { :; }
config_teardown() { :; }
CFG
cat >"$tmp/cfg/blackhole.sh" <<'CFG'
CONFIG_DESC="nothing connects the ports"
CONFIG_MODE=l2
config_setup() { :; }
config_teardown() { :; }
CFG
harness "$tmp/bh" --runs 1 --duration 0.5 --warmup 0.1 --macs 2 \
	--config-dir "$tmp/cfg" --configs blackhole
cat "$tmp/bh"
[[ $rc -eq 1 ]] || fail "a run that delivered 0 packets exited $rc, expected 1"
check "the zero-packet run names its reason" grep -q "ERROR blackhole.*no packet arrived" "$tmp/bh"

# A configuration whose tool is missing is skipped with its reason.
harness "$tmp/skip" --runs 1 --duration 0.5 --warmup 0.1 --macs 2 \
	--config-dir "$tmp/cfg" --configs absent,xdp-limit
cat "$tmp/skip"
[[ $rc -eq 0 ]] || fail "a run with a skipped configuration exited $rc, expected 0"
check "the skip names its reason" grep -q "skipping absent: no such tool here" "$tmp/skip"
check "the others are measured" grep -q "^xdp-limit " "$tmp/skip"

# 4. Frames on the wrong port are caught: the limit sends input port k to
# output port k, which is not port j mod 2 for MAC j when 2 does not divide 3.
harness "$tmp/wrong" --runs 1 --duration 0.5 --warmup 0.1 --macs 3 --ports 2 \
	--check-ports --configs xdp-limit
cat "$tmp/wrong"
[[ $rc -eq 1 ]] || fail "a run that misdelivered frames exited $rc, expected 1"
check "the misdelivering run names its reason" grep -q "ERROR xdp-limit.*wrong output port" "$tmp/wrong"
echo "ok: every harness run removed its namespaces"
