#!/bin/bash
# The stages per port, walked on the service graph, from the command line:
# tna-deploy --dry-run (JSON and text) on the bridge alone; a port the
# graph blocks (a tc filter: its node named); the bridge with an address
# hosting the router, with a plain routed port r1 in the bridge's
# pipeline; an operator's hook as a stage; the running controller's
# --status (JSON and text) printing the same list as --dry-run, and the
# programs attached agreeing with it port by port (a program exactly on
# the ports with stages, one root per pipeline, the router where its
# status says); and two bridges with addresses, one of them not deployed
# (-i br1, -i br0): the router goes into the deployed one's pipeline, r1
# with it, whichever the router plan lists first.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
need_root
D=("$TNA_BIN/tna-deploy" --netns "$TNA_NS-dut")
HOOK=${TNA_ROOT:-$PWD}/${BUILD:-build}/bpf/hook_continue.bpf.o
[[ -f $HOOK ]] || fail "$HOOK not built (make)"

deploy_topo
# the stages of a dry run (ARGS) into stages.json; its text into stages.txt
dry() {
	"${D[@]}" --dry-run --json "$@" > "$DEPLOY_TMP/plan.json" || return 1
	/usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))
print(json.dumps(next(e["stages"] for e in a if "stages" in e)))' "$DEPLOY_TMP/plan.json" \
		> "$DEPLOY_TMP/stages.json" || return 1
	"${D[@]}" --dry-run "$@" | sed -n '/^stages per port:/,$p' > "$DEPLOY_TMP/stages.txt"
}
# PY on s (name -> port's list) and k(name) (its stage kinds)
py() { /usr/bin/python3 -c "import json
s = {p['name']: p for p in json.load(open('$DEPLOY_TMP/stages.json'))}
k = lambda n: [x['stage'] for x in s[n]['stages']]
$1"; }

# 1. The bridge alone: a bridge stage per port, from bridge:br0.
check "dry run (bridge)" dry
py 'assert sorted(s) == ["p1", "p2", "p3"], s
for n in s:
    assert k(n) == ["bridge"] and s[n]["pipeline"] == "br0", s[n]
    assert s[n]["stages"][0]["node"] == "bridge:br0", s[n]
    assert "forward" in s[n]["stages"][0]["modules"], s[n]' || fail "bridge only: $(cat "$DEPLOY_TMP/stages.json")"
grep -q "^  p1              generic, pipeline br0$" "$DEPLOY_TMP/stages.txt" &&
grep -q "why (bridge:br0): " "$DEPLOY_TMP/stages.txt" || fail "text: $(cat "$DEPLOY_TMP/stages.txt")"
echo "ok: bridge only: p1 p2 p3 -> bridge"

# 2. A tc filter on p3's ingress: p3 on Linux, the graph's port node says why.
in_ns dut tc qdisc add dev p3 clsact || fail "clsact"
in_ns dut tc filter add dev p3 ingress u32 match u32 0 0 || fail "tc filter"
check "dry run (tc filter)" dry
py 'p = s["p3"]
assert not p["stages"] and p["target"] == "linux", p
assert p["linux_node"] == "port:p3" and p["linux_reason"].startswith("tc-filter: "), p
assert k("p1") == ["bridge"], s' || fail "tc filter: $(cat "$DEPLOY_TMP/stages.json")"
grep -q "^  p3              linux (port:p3): tc-filter: " "$DEPLOY_TMP/stages.txt" ||
	fail "text: $(cat "$DEPLOY_TMP/stages.txt")"
in_ns dut tc qdisc del dev p3 clsact
echo "ok: $(grep '^  p3 ' "$DEPLOY_TMP/stages.txt")"

# 3. br0 with an address and a routed port r1: the router in br0's pipeline.
ns hr >/dev/null
veth hr eth0 dut r1
in_ns hr ethtool -K eth0 tso off >/dev/null
in_ns hr ip addr add 10.1.0.2/24 dev eth0
in_ns hr ip route add default via 10.1.0.1
in_ns dut ip addr add 10.1.0.1/24 dev r1
in_ns dut ip addr add 10.0.0.254/24 dev br0
in_ns dut sysctl -qw net.ipv4.ip_forward=1
check "dry run (bridge + router)" dry
py 'for n in ("p1", "p2", "p3"):
    assert k(n) == ["bridge", "router"], s[n]
    r = s[n]["stages"][1]
    assert r["node"] == "router:router" and "l3:br0" in r["reason"], r
    assert "route" in r["modules"] and "parse_eth" not in r["modules"], r
assert k("r1") == ["router"] and s["r1"]["pipeline"] == "br0", s["r1"]
assert s["r1"]["target"] == s["p1"]["target"], s' || fail "bridge + router: $(cat "$DEPLOY_TMP/stages.json")"
echo "ok: bridge + router: p1 -> bridge router, r1 -> router (pipeline br0)"

# 4. A hook: a stage of every accelerated port, with its object and function.
check "dry run (hook)" dry --hook ingress="$HOOK"
py 'for n in ("p1", "r1"):
    h = s[n]["stages"][0]
    assert h["stage"] == "hook:ingress" and h["params"] == "hook_continue.bpf.o: tna_hook_ingress", s[n]
assert k("p1") == ["hook:ingress", "bridge", "router"], s["p1"]' || fail "hook: $(cat "$DEPLOY_TMP/stages.json")"
echo "ok: hook:ingress first on p1 and r1"

# 5. The running controller's --status: the same list as --dry-run.
cp "$DEPLOY_TMP/stages.json" "$DEPLOY_TMP/dry.json"
cp "$DEPLOY_TMP/stages.txt" "$DEPLOY_TMP/dry.txt"
start_deploy --hook ingress="$HOOK" >/dev/null
check "sync" "${D[@]}" --sync
"${D[@]}" --status --json > "$DEPLOY_TMP/status.json" || fail "--status --json"
/usr/bin/python3 -c 'import json,sys
st = json.load(open(sys.argv[1]))["stages"]; dry = json.load(open(sys.argv[2]))
assert st == dry, (st, dry)' "$DEPLOY_TMP/status.json" "$DEPLOY_TMP/dry.json" ||
	fail "--status --json stages differ from --dry-run's"
"${D[@]}" --status | sed -n '/^stages per port:/,$p' > "$DEPLOY_TMP/status.txt"
diff "$DEPLOY_TMP/dry.txt" "$DEPLOY_TMP/status.txt" >&2 || fail "--status text differs from --dry-run's"
echo "ok: --status prints the stages --dry-run printed ($(grep -c '^  [a-z]' "$DEPLOY_TMP/status.txt") ports)"
cat "$DEPLOY_TMP/status.txt"

# agree ROUTER_PIPELINE: --status's stages and the attached programs agree
# for every port: a program exactly where the list has stages, the same
# root on the ports of one pipeline, another per pipeline; the router runs
# in ROUTER_PIPELINE (status), the pipeline of every port with a router
# stage.
agree() {
	local name pipe id p
	declare -A root=()
	"${D[@]}" --status --json > "$DEPLOY_TMP/status.json" || fail "--status --json"
	/usr/bin/python3 -c 'import json,sys
st = json.load(open(sys.argv[1]))
assert st["router"]["pipeline"] == sys.argv[2], st["router"]
for p in st["stages"]:
    kinds = [x["stage"] for x in p["stages"]]
    assert "router" not in kinds or p["pipeline"] == sys.argv[2], p
    print(p["name"], p["pipeline"] if kinds else "-")' "$DEPLOY_TMP/status.json" "$1" \
		> "$DEPLOY_TMP/agree.txt" || fail "router not in $1: $(cat "$DEPLOY_TMP/status.json")"
	while read -r name pipe; do
		id=$(xdp_id "$name")
		if [[ $pipe == - ]]; then
			[[ -z $id ]] || fail "$name: on Linux in its list, XDP program $id attached"
			continue
		fi
		[[ -n $id ]] || fail "$name: pipeline $pipe in its list, no XDP program"
		[[ -z ${root[$pipe]:-} || ${root[$pipe]} == "$id" ]] ||
			fail "$name runs program $id, other ports of pipeline $pipe ${root[$pipe]}"
		for p in "${!root[@]}"; do
			[[ $p == "$pipe" || ${root[$p]} != "$id" ]] || fail "$name: pipelines $p and $pipe share $id"
		done
		root[$pipe]=$id
	done < "$DEPLOY_TMP/agree.txt"
	echo "ok: programs as the stages say: $(tr '\n' ' ' < "$DEPLOY_TMP/agree.txt")"
}
check "sync" "${D[@]}" --sync
agree br0

# 6. br1 (created after br0: a higher ifindex) with an address and ports
# q1 q2; only br1 deployed.  The router plan lists br0 first; the walk
# puts the router where a deployed bridge carries it: br1, r1 with it.
check "detach" "${D[@]}" --detach
wait "$DEPLOY_PID" 2>/dev/null
ns hq >/dev/null
in_ns dut ip link add br1 type bridge || fail "br1"
for i in 1 2; do
	veth hq eth$i dut q$i
	in_ns hq ethtool -K eth$i tso off >/dev/null
	in_ns dut ip link set q$i master br1
done
in_ns dut ip addr add 10.8.0.1/24 dev br1
in_ns dut ip link set br1 up
start_deploy -i br1 >/dev/null
check "sync" "${D[@]}" --sync
py() { /usr/bin/python3 -c "import json
s = {p['name']: p for p in json.load(open('$DEPLOY_TMP/status.json'))['stages']}
k = lambda n: [x['stage'] for x in s[n]['stages']]
$1"; }
agree br1
py 'for n in ("q1", "q2"):
    assert k(n) == ["bridge", "router"] and s[n]["pipeline"] == "br1", s[n]
assert k("r1") == ["router"] and s["r1"]["pipeline"] == "br1", s["r1"]
assert all(not s[n]["stages"] for n in ("p1", "p2", "p3")), s' ||
	fail "two bridges with addresses: $(cat "$DEPLOY_TMP/status.json")"
[[ $(xdp_id r1) == "$(xdp_id q1)" ]] || fail "r1 does not run br1's pipeline"
echo "ok: br0 not deployed: the router in br1's pipeline, r1 with it"
# and the other way round (the router plan's order is not the walk's)
check "detach" "${D[@]}" --detach
wait "$DEPLOY_PID" 2>/dev/null
start_deploy -i br0 >/dev/null
check "sync" "${D[@]}" --sync
agree br0
py 'assert k("p1") == ["bridge", "router"] and k("r1") == ["router"], s
assert all(not s[n]["stages"] for n in ("q1", "q2")), s' ||
	fail "two bridges with addresses (-i br0): $(cat "$DEPLOY_TMP/status.json")"
[[ $(xdp_id r1) == "$(xdp_id p1)" ]] || fail "r1 does not run br0's pipeline"
echo "ok: br1 not deployed: the router in br0's pipeline, r1 with it"
echo PASS
