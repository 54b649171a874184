#!/bin/bash
# tna-stat --prometheus passes a strict parser of the exposition format
# (tests/cli/promparse.py; promtool check metrics too when installed) and
# says what tna-stat --json and tna-deploy --status --json say: per port
# forwarded/passed-by-reason counters, controller health.  A port name
# with a quote and a backslash checks the label escaping.  The parser is
# checked to reject what it must.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
need_root
PY=/usr/bin/python3
P=tests/cli/promparse.py
S=("$TNA_BIN/tna-stat" --netns "$TNA_NS-dut")

# the parser fails on what it must
bad() {	# WHAT TEXT
	printf '%b' "$2" >"$DEPLOY_TMP/bad.prom"
	$PY $P "$DEPLOY_TMP/bad.prom" >/dev/null 2>&1 && fail "parser accepted: $1"
	echo "ok: parser rejects $1"
}
good='# HELP a_total A.\n# TYPE a_total counter\na_total{x="1"} 3\n'
printf '%b' "$good" >"$DEPLOY_TMP/good.prom"
$PY $P "$DEPLOY_TMP/good.prom" >/dev/null || fail "parser rejects a good file"
bad "no TYPE" '# HELP a_total A.\na_total 1\n'
bad "no HELP" '# TYPE a_total counter\na_total 1\n'
bad "a sample without a name" '# HELP a_total A.\n# TYPE a_total counter\n{x="1"} 1\n'
bad "a duplicate series" "$good"'a_total{x="1"} 4\n'
bad "a split group" '# HELP a A.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b gauge\nb 1\na{x="2"} 1\n'
bad "a bad escape" '# HELP a A.\n# TYPE a gauge\na{x="\\q"} 1\n'
bad "a counter without _total" '# HELP a A.\n# TYPE a counter\na 1\n'
bad "a negative counter" '# HELP a_total A.\n# TYPE a_total counter\na_total -1\n'
bad "a bad value" '# HELP a A.\n# TYPE a gauge\na 1,5\n'
bad "no final newline" '# HELP a A.\n# TYPE a gauge\na 1'

deploy_topo
Q='q"x\y'	# a port name that needs escaping
veth h3 eth1 dut "$Q"
in_ns dut ip link set "$Q" master br0
in_ns h3 ip addr add 10.0.1.3/24 dev eth1

# no controller, no program: only tna_controller_up 0
"${S[@]}" --prometheus >"$DEPLOY_TMP/none.prom" || fail "--prometheus without TNA: exit $?"
$PY $P "$DEPLOY_TMP/none.prom" || fail "parser: $(cat "$DEPLOY_TMP/none.prom")"
grep -qx "tna_controller_up{netns=\"$TNA_NS-dut\"} 0" "$DEPLOY_TMP/none.prom" ||
	fail "controller not down: $(cat "$DEPLOY_TMP/none.prom")"
grep -q "^tna_controller_redeploys_total" "$DEPLOY_TMP/none.prom" && fail "health of no controller"
echo "ok: no controller: tna_controller_up 0"

start_deploy --target generic
in_ns h1 ping -c 5 -i 0.1 -W 1 10.0.0.2 >/dev/null || fail "no forwarding through TNA"
# counters move (a host's ARP): the JSON is read between two scrapes and
# must lie between them
"${S[@]}" --prometheus >"$DEPLOY_TMP/m.prom" || fail "--prometheus: exit $?"
"${S[@]}" --json >"$DEPLOY_TMP/s.json" || fail "--json"
in_ns dut "$TNA_BIN/tna-deploy" --status --json >"$DEPLOY_TMP/st.json" || fail "--status --json"
"${S[@]}" --prometheus >"$DEPLOY_TMP/m2.prom" || fail "--prometheus: exit $?"
$PY $P "$DEPLOY_TMP/m.prom" || fail "parser: $(head -50 "$DEPLOY_TMP/m.prom")"
if command -v promtool >/dev/null; then
	promtool check metrics <"$DEPLOY_TMP/m.prom" || fail "promtool check metrics"
	echo "ok: promtool check metrics"
else
	echo "note: promtool not installed; the strict parser alone"
fi
$PY - "$DEPLOY_TMP/m.prom" "$DEPLOY_TMP/s.json" "$DEPLOY_TMP/st.json" "$TNA_NS-dut" "$Q" "$DEPLOY_TMP/m2.prom" <<'PY' || fail "metrics differ from the JSON"
import json, sys
sys.path.insert(0, "tests/cli")
import promparse
fams = promparse.parse(open(sys.argv[1]).read())
fams2 = promparse.parse(open(sys.argv[6]).read())
stat = {i["ifname"]: i for i in json.load(open(sys.argv[2]))["interfaces"]}
st = json.load(open(sys.argv[3]))
netns, q = sys.argv[4], sys.argv[5]

def one(fs, fam, want):
    hits = [v for (n, ls), v in fs[fam].samples.items() if dict(ls) == want]
    assert len(hits) == 1, (fam, want, fs[fam].samples)
    return hits[0]

class Between:	# a counter of the first and second scrape
    def __init__(self, a, b): self.a, self.b = a, b
    def __eq__(self, v): return self.a <= v <= self.b
    def __ge__(self, v): return self.a >= v
    def __repr__(self): return "%s..%s" % (self.a, self.b)

def get(fam, **labels):
    want = dict(labels, netns=netns)
    a, b = one(fams, fam, want), one(fams2, fam, want)
    return Between(a, b) if fam.endswith("_total") else a

ports = [n for n, i in stat.items() if i["kind"] == "port"]
assert sorted(ports) == sorted(["p1", "p2", "p3", q]), ports
for p in ports:
    i = stat[p]
    assert get("tna_forwarded_packets_total", interface=p, bridge="br0") == i["forwarded"], p
    assert get("tna_forwarded_bytes_total", interface=p, bridge="br0") == i["forwarded_bytes"], p
    assert get("tna_dropped_packets_total", interface=p, bridge="br0") == i["dropped"], p
    for r, n in i["passed"].items():
        x = get("tna_passed_packets_total", interface=p, bridge="br0", reason=r)
        assert x == n, (p, r, x, n)
    assert get("tna_xdp_program_info", interface=p, bridge="br0", mode="generic",
               prog_id=str(i["prog_id"])) == 1
x = get("tna_forwarded_packets_total", interface="p1", bridge="br0")
assert x >= 3, ("the pings were forwarded by XDP", x)
assert all(dict(ls).get("interface") != "br0" for _, ls in fams["tna_forwarded_packets_total"].samples)
assert get("tna_controller_up") == 1
for k in ("redeploys", "bursts_applied", "resyncs", "errors"):
    assert get("tna_controller_%s_total" % k) == st[k], k
b = st["bridges"][0]
assert get("tna_bridge_accelerated", bridge="br0") == 1
assert get("tna_fdb_mirror_updates_total", bridge="br0") == b["fdb_mirror"]["sets"]
assert get("tna_router_accelerated") == 0
for f in fams.values():
    assert f.name.startswith("tna_") and f.help, f.name
print("ok: %d families agree with tna-stat --json and --status --json" % len(fams))
PY
echo "all checks passed"
