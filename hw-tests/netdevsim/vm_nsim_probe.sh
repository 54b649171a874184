#!/bin/bash
# tna-probe on netdevsim devices (test VM): target offload (hw-offload,
# driver netdevsim), the offload model used with its source and limits,
# and that the compiled NIC stage fits it, or why not (test limits).
TNA_ROOT=${TNA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TNA_BIN=${TNA_BIN:-$TNA_ROOT/build/bin}
source "$TNA_ROOT/hw-tests/lib.sh"
need_root
need_netdevsim
ns dut >/dev/null
id=$(nsim_id 2)
nsim_new dut "$id" 1 nsim

table=$(in_ns dut "$TNA_BIN/tna-probe" -i nsim0) || fail "tna-probe"
echo "$table"
check "table: offload target" grep -Eq '^ +[0-9]+ +nsim0 .* offload$' <<<"$table"
check "table: the model and its source" grep -q 'offload: netdevsim model (drivers/net/netdevsim/bpf.c): stack 512 B, maps array/hash of <= 2 entries' <<<"$table"
check "table: the NIC stage fits" grep -Eq 'NIC stage \([0-9]+ insns\) fits' <<<"$table"
json=$(in_ns dut "$TNA_BIN/tna-probe" --json -i nsim0) || fail "tna-probe --json"
jqc "JSON: verdict offload" '.devices[0].verdict.target == "offload"' "$json"
jqc "JSON: driver netdevsim, hw-offload" '.devices[0].driver == "netdevsim" and (.devices[0].xdp_features.flags | index("hw-offload"))' "$json"
jqc "JSON: model limits" '.devices[0].offload.model == "netdevsim" and .devices[0].offload.limits.max_map_entries == 2 and .devices[0].offload.limits.runs_programs == false' "$json"
jqc "JSON: NIC stage fits" '.devices[0].offload.nic_stage.fits == true and .devices[0].offload.nic_stage.insns > 0' "$json"
json=$(in_ns dut env TNA_TEST_OFFLOAD_CAPS=max_insns=10 "$TNA_BIN/tna-probe" --json -i nsim0)
jqc "JSON: NIC stage over a test budget, why" '.devices[0].offload.nic_stage.fits == false and (.devices[0].offload.nic_stage.why | test("instructions > 10"))' "$json"
echo "PASS"
