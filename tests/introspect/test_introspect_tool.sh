#!/bin/bash
# tna-introspect: --dump JSON, --graph=dot renders with graphviz, --watch
# prints changes, bad input gives one error line and a non-zero exit.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/introspect/lib.sh"
T=$TNA_BIN/tna-introspect
D=$(mktemp -d); on_exit rm -rf "$D"

ns b; ns h
B=$TNA_NS-b
ip -n "$B" link add br0 type bridge
ip -n "$B" link set br0 up
veth b v1 h e1
ip -n "$B" link set v1 master br0
ip -n "$B" addr add 192.0.2.1/24 dev br0

"$T" --netns "$B" --dump >"$D/dump.json" || fail "--dump failed"
check "--dump: br0 is a bridge with its settings, v1 its port, local FDB entries" \
	$PY - "$D/dump.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
links = {l["name"]: l for l in d["links"]}
br, v1 = links["br0"], links["v1"]
assert br["kind"] == "bridge" and br["bridge"]["ageing_time"] == 30000, br
assert v1["master"] == br["ifindex"] and v1["port"]["state"] == 3 and v1["port"]["learning"] == 1, v1
assert any(f["port"] == v1["ifindex"] and f["type"] == "local" for f in d["fdb"]), d["fdb"]
assert any(a["address"] == "192.0.2.1" and a["prefixlen"] == 24 for a in d["addrs"]), d["addrs"]
assert any(r["dst"] == "192.0.2.0" and r["dst_len"] == 24 and r["table"] == 254 for r in d["routes"])
assert set(d["sysctls"]) >= {"ip_forward", "ip6_forwarding", "bridge_nf_call_iptables"}
assert d["netfilter"]["nftables_read"] and d["netfilter"]["hooks"] == []
PY

if command -v dot >/dev/null; then
	"$T" --netns "$B" --graph=dot >"$D/g.dot" || fail "--graph=dot failed"
	check "--graph=dot | dot -Tpng draws a PNG" dot -Tpng -o "$D/g.png" "$D/g.dot"
	check "the PNG is a PNG" bash -c "head -c 8 '$D/g.png' | od -c | grep -q 'P   N   G'"
	check "DOT has the bridge and the port-of edge" \
		grep -q '"port:v1" -> "bridge:br0" \[label="port-of"\]' "$D/g.dot"
fi

"$T" --netns "$B" --watch >"$D/watch.log" 2>&1 &
wpid=$!
on_exit kill $wpid
for _ in $(seq 50); do grep -q '^watching' "$D/watch.log" && break; sleep 0.1; done
ip -n "$B" link add v2 type veth peer name e2 netns "$TNA_NS-h"
ip -n "$B" link set v2 master br0
bridge -n "$B" fdb add 02:00:00:00:00:09 dev v2 master static
sleep 0.3
kill $wpid; wait $wpid 2>/dev/null
check "--watch: new link v2" grep -q ' link add v2 ' "$D/watch.log"
check "--watch: v2 became a port of br0 (names, not ifindexes)" grep -q ' link change v2 .* master br0 ' "$D/watch.log"
check "--watch: static FDB entry" grep -q ' fdb add 02:00:00:00:00:09 vlan 0 port v2 master br0 static' "$D/watch.log"

# bad input: one line on stderr, non-zero exit, nothing printed on stdout
for args in "--graph=png" "--bogus" "" "--netns $TNA_NS-nosuch --dump" "--dump --watch" \
	    "--graph --dump" "--netns"; do
	"$T" $args >"$D/out" 2>"$D/err"; rc=$?
	[[ $rc -ne 0 && $(wc -l <"$D/err") -eq 1 && ! -s $D/out ]] ||
		fail "bad input '$args': rc $rc, stderr: $(cat "$D/err")"
	echo "ok: bad input '$args' -> exit $rc: $(cat "$D/err")"
done
