#!/bin/bash
# tna-deploy --dry-run and its errors on a real 3-port bridge: the planner's
# decisions seen from the command line (br_netfilter's checks as modules
# with the default sysctls, pass-through with an iptables rule; xlated counts
# of the deployment below the all-modules build; explicit targets honoured
# or refused; a foreign XDP program leaves its port out) and the one-line
# errors with their exit codes.  Nothing is attached by a dry run.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
need_root
D=("$TNA_BIN/tna-deploy" --netns "$TNA_NS-dut")

NF_CALL=1 deploy_topo
plan_json() { "${D[@]}" --dry-run --json "$@" > "$DEPLOY_TMP/plan.json" || return 1; }
jq_() { /usr/bin/python3 -c "import json,sys; b=json.load(open('$DEPLOY_TMP/plan.json'))[0]; $1"; }

# 1. Kernel defaults (bridge-nf-call-iptables=1), no rule: accelerated,
#    with br_netfilter's IP checks in the pipeline (brnf modules).
check "dry run (nf-call on)" plan_json
jq_ 'assert b["accelerable"] and not b["deployed"] and not b["br_netfilter"], b; assert "forward" in b["fpms"] and "brnf_ipv4" in b["fpms"] and "brnf_ipv6" in b["fpms"], b["fpms"]' ||
	fail "default sysctls without rules: accelerate with the brnf modules"
echo "ok: default sysctls, no rule: $(jq_ 'print(" > ".join(b["fpms"]))')"

# 2. Sysctls off: accelerated, generic (peers without GRO), minimal pipeline.
in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0
check "dry run (nf-call off)" plan_json
jq_ '
assert b["accelerable"] and not b["br_netfilter"] and b["target"] == "generic", b
assert b["fpms"] == ["parse_eth","classify","port_state","fdb_src","fdb_dst","port_flags","forward","stats","flow_cache"], b["fpms"]
bd = b["budget"]
assert 0 < bd["xlated_insns"] < bd["xlated_insns_all_modules"], bd
assert bd["ok"], bd
assert [p["name"] for p in b["ports"] if p["accelerated"]] == ["p1","p2","p3"], b["ports"]
print("xlated %d vs all-modules %d" % (bd["xlated_insns"], bd["xlated_insns_all_modules"]))' ||
	fail "nf-call off: the bridge must be accelerated with the minimal pipeline"
for p in p1 p2 p3; do [[ -z $(xdp_id $p) ]] || fail "a dry run attached to $p"; done
echo "ok: accelerated plan, nothing attached by --dry-run"

# 3. Port options are table values: port_flags is in every bridge plan,
#    and an isolated port changes no module.
check "dry run" plan_json
jq_ 'assert "port_flags" in b["fpms"], b["fpms"]' || fail "no port_flags in the plan"
plain=$(jq_ 'print(sorted(b["fpms"]))')
in_ns dut bridge link set dev p2 isolated on
check "dry run (isolated)" plan_json
[[ $(jq_ 'print(sorted(b["fpms"]))') == "$plain" ]] || fail "isolated port changed the modules: $plain -> $(jq_ 'print(sorted(b["fpms"]))')"
in_ns dut bridge link set dev p2 isolated off
echo "ok: port_flags in every plan, isolated port -> same modules"

# 4. iptables rule + nf-call on: br_netfilter naming the rules.
in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=1
if in_ns dut iptables -A FORWARD -p udp --dport 9 -j ACCEPT 2>/dev/null; then
	check "dry run (iptables rule)" plan_json
	jq_ 'assert b["br_netfilter"] and "rule" in b["reason"], b["reason"]' ||
		fail "an iptables FORWARD rule must keep the bridge with Linux"
	echo "ok: $(jq_ 'print(b["reason"])')"
	in_ns dut iptables -F FORWARD
else
	echo "note: iptables not usable here, rule case skipped"
fi
in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=0

# 5. Explicit targets: native honoured (veths run native XDP; p1..p3 are
#    not redirect egresses yet: said so), offload refused (exit 1).
check "dry run --target native" plan_json --target native
jq_ 'assert b["target"] == "native" and "not a redirect egress" in b["reason"], b["reason"]' ||
	fail "--target native must be honoured, with the egress note"
out=$("${D[@]}" --dry-run --target offload 2>&1); rc=$?
[[ $rc -eq 1 && $out == *"--target offload refused: port p1 has no hw-offload (XDP features: "* ]] ||
	fail "--target offload on veths must be refused (rc $rc): $out"
echo "ok: native honoured, offload refused"

# 6. A foreign XDP program on p3: p3 left out, named; --force takes it.
in_ns dut ip link set dev p3 xdpgeneric obj "$TNA_ROOT/$BUILD/bpf/xdp_foreign.bpf.o" sec xdp ||
	fail "cannot attach the foreign test program"
check "dry run (foreign program)" plan_json
jq_ '
p3 = [p for p in b["ports"] if p["name"] == "p3"][0]
assert not p3["accelerated"] and "foreign XDP program" in p3["reason"], p3
assert b["accelerable"], b' || fail "a foreign program must leave its port out"
check "dry run --force" plan_json --force
jq_ 'assert all(p["accelerated"] for p in b["ports"]), b["ports"]' || fail "--force must take p3"
in_ns dut ip link set dev p3 xdpgeneric off
echo "ok: foreign program leaves p3 out unless --force"

# 7. Errors: one line, exit code.
expect_err() {	# rc pattern args...
	local want=$1 pat=$2 out rc; shift 2
	out=$("$@" 2>&1); rc=$?
	[[ $rc -eq $want && $out == *"$pat"* && $(wc -l <<<"$out") -eq 1 ]] ||
		fail "'$*': want exit $want and one line with '$pat', got $rc: $out"
	echo "ok: $* -> $out"
}
expect_err 1 "nosuch: no such interface" "${D[@]}" --dry-run -i nosuch
expect_err 1 "p1: not a bridge" "${D[@]}" --dry-run -i p1
expect_err 2 "--target 'bogus'" "${D[@]}" --dry-run --target bogus
expect_err 1 "netns $TNA_NS-none" "$TNA_BIN/tna-deploy" --netns "$TNA_NS-none" --dry-run
expect_err 2 "exclude each other" "${D[@]}" --dry-run --status
check "--status without a controller" bash -c "'$TNA_BIN/tna-deploy' --netns '$TNA_NS-dut' --status | grep -q 'no controller running'"
