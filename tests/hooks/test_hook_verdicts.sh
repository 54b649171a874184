#!/bin/bash
# The operator's hooks decide per frame: a hook at `classified` drops one
# UDP flow (dropped and counted; nothing of it reaches h2), a hook at
# `egress` answers no verdict for another (to Linux, counted as
# hook_invalid: the Linux bridge forwards it, unchanged), every other
# frame is forwarded by XDP, byte for byte.  The hooks show in --dry-run,
# --status (text and JSON), tna-stat and the graph.  Generic by default;
# HOOK_TARGET=native for native XDP.
cd "$(dirname "$0")/../.." || exit 1
source tests/hooks/lib.sh

deploy_topo
native_peers "${HOOK_TARGET:-generic}"
hooks=(--hooks-dir '' --hook "classified=$HOOKS/hook_drop_udp.bpf.o"
       --hook "egress=$HOOKS/hook_invalid.bpf.o")
out=$(in_ns dut "$TNA_BIN/tna-deploy" -t generic --dry-run "${hooks[@]}") || fail "--dry-run with hooks failed"
grep -q "^hooks: classified=$HOOKS/hook_drop_udp.bpf.o, egress=$HOOKS/hook_invalid.bpf.o" <<<"$out" ||
	fail "--dry-run does not show the hooks: $out"
in_ns dut "$TNA_BIN/tna-deploy" -t generic --dry-run -j "${hooks[@]}" | /usr/bin/python3 -c '
import json,sys; a=json.load(sys.stdin); h=[e["hooks"] for e in a if "hooks" in e][0]
assert [x["slot"] for x in h] == ["classified","egress"], h' || fail "--dry-run -j: no hooks entry"

start_deploy -t "${HOOK_TARGET:-generic}" "${hooks[@]}"
learn
send_check "UDP to 9999: the classified hook drops it" 9999 20 0
send_check "UDP to 7777: the egress hook answers 42, Linux forwards it" 7777 20 20
fwd0=$(stat_of p1 forwarded)
send_check "UDP to 5000: the hooks go on, XDP forwards it" 5000 20 20

expect_eq "classified hook: drop" "$(hook_count classified drop)" 20
expect_eq "egress hook: invalid" "$(hook_count egress invalid)" 20
expect_eq "p1 dropped" "$(stat_of p1 dropped)" 20
expect_eq "p1 to Linux for hook_invalid" "$(passed_of p1 hook_invalid)" 20
fwd=$(( $(stat_of p1 forwarded) - fwd0 ))
[[ $fwd == 20 ]] || fail "UDP to 5000 forwarded by XDP: $fwd, want 20: $(in_ns dut "$TNA_BIN/tna-stat" -i p1)"
echo "ok: UDP to 5000 forwarded by XDP"
(( $(hook_count classified continue) >= 40 )) || fail "classified continue: $(hook_count classified continue)"
in_ns dut "$TNA_BIN/tna-stat" -i br0 | grep -q '^    hooks: classified continue [0-9]*, drop 20; egress continue [0-9]*, invalid 20' ||
	fail "tna-stat text: $(in_ns dut "$TNA_BIN/tna-stat" -i br0)"

st=$(in_ns dut "$TNA_BIN/tna-deploy" --status) || fail "--status failed"
grep -q "^hooks: classified=.*hook_drop_udp.bpf.o, egress=.*hook_invalid.bpf.o" <<<"$st" || fail "--status: $st"
in_ns dut "$TNA_BIN/tna-deploy" --status -j | /usr/bin/python3 -c '
import json,sys; h=json.load(sys.stdin)["hooks"]; assert len(h) == 2 and h[0]["object"].endswith("hook_drop_udp.bpf.o"), h' ||
	fail "--status -j: no hooks"
in_ns dut "$TNA_BIN/tna-probe" --graph | /usr/bin/python3 -c '
import json,sys; g=json.load(sys.stdin)
hooks=[n for n in g["nodes"] if n["kind"] == "hook"]
assert sorted(n["name"] for n in hooks) == ["hook classified: hook_drop_udp.bpf.o", "hook egress: hook_invalid.bpf.o"], hooks
assert {(e["from"], e["to"]) for e in g["edges"] if e["kind"] == "hooked-by"} == {("bridge:br0", n["id"]) for n in hooks}, g["edges"]' ||
	fail "tna-probe --graph: the hooks are not on the graph"
in_ns dut "$TNA_BIN/tna-probe" --graph=dot | grep -q 'hook classified: hook_drop_udp.bpf.o' || fail "--graph=dot: no hook"
echo "ok: the hooks are on the service graph (JSON, DOT)"
echo PASS
