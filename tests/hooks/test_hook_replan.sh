#!/bin/bash
# Hooks survive the controller's replans: a port added to the bridge (port
# table) and arptables called for bridged ARP (another module: a new
# pipeline, loaded beside the old and swapped in) keep the hook linked in, its counters and the operator's own
# map (the hook's drop count) going on from where they were.
cd "$(dirname "$0")/../.." || exit 1
source tests/hooks/lib.sh

deploy_topo
in_ns dut ip link set p3 nomaster
start_deploy -t generic --hooks-dir '' --hook "classified=$HOOKS/hook_drop_udp.bpf.o"
learn
send_check "before: the hook drops UDP to 9999" 9999 10 0
expect_eq "classified hook: drop" "$(hook_count classified drop)" 10

wait_for() {	# "what" cmd...: up to 5 s
	local what=$1; shift
	for _ in $(seq 50); do "$@" && { echo "ok: $what"; return 0; }; sleep 0.1; done
	fail "$what (waited 5 s)"
}
id0=$(pipeline_id p1)
in_ns dut ip link set p3 master br0
wait_for "a port added to br0 is attached" bash -c "[[ -n \$(ip -n $TNA_NS-dut -j link show p3 | grep -o '\"xdp\"') ]]"
# another module: a new pipeline swapped in
in_ns dut sysctl -qw net.bridge.bridge-nf-call-arptables=1
wait_for "brnf_arp: pipeline replaced" grep -q "pipeline replaced atomically (modules changed" "$DEPLOY_TMP/deploy.out"
id1=$(pipeline_id p1)
[[ -n $id1 && $id1 != "$id0" ]] || fail "pipeline id $id0 -> '$id1': no new pipeline"
learn
send_check "after the swap: the hook still drops UDP to 9999" 9999 10 0
send_check "after the swap: UDP to 5000 still forwarded" 5000 10 10
expect_eq "classified hook: drop, counted on across the swap" "$(hook_count classified drop)" 20
# the operator's map is the same one (reused by the new pipeline): found
# through the pipeline's own map ids, not by a name other tests may share
n=$(/usr/bin/python3 - "$id1" <<'PY'
import json, subprocess, sys
ids = json.loads(subprocess.check_output(["bpftool", "prog", "show", "id", sys.argv[1], "-j"]))["map_ids"]
for i in ids:
    m = json.loads(subprocess.check_output(["bpftool", "map", "show", "id", str(i), "-j"]))
    if m.get("name") == "drop_udp_count":
        d = json.loads(subprocess.check_output(["bpftool", "map", "dump", "id", str(i), "-j"]))
        v = d[0].get("formatted", d[0])["value"]
        print(v if isinstance(v, int) else int.from_bytes(bytes(int(b, 16) for b in v), "little"))
PY
)
expect_eq "the hook's own drop count (its map kept across the swap)" "$n" 20
echo PASS
