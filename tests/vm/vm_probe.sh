#!/bin/bash
# tna-probe in the test kernel: the kfunc of kernel/patches is reported
# (table and JSON), next to the conntrack kfuncs, and the host-tier probe
# test passes here too (netdevsim-free parts: veth, bridge, XDP features).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
PROBE=$TNA_BIN/tna-probe
[[ -x $PROBE ]] || fail "$PROBE not built"
[[ ${TNA_VM:-} == 1 ]] || skip "runs in the test VM (make check-vm)"

json=$("$PROBE" --json) || fail "tna-probe --json failed"
check "JSON: bpf_xdp_fdb_lookup yes" jq -e '.system.kfuncs.bpf_xdp_fdb_lookup == true' <<<"$json"
check "JSON: conntrack kfuncs yes" jq -e '.system.kfuncs.bpf_xdp_ct_lookup and .system.kfuncs.bpf_ct_release' <<<"$json"
check "JSON: kernel 6.12" jq -e '.system.kernel_release | startswith("6.12.")' <<<"$json"
table=$("$PROBE") || fail "tna-probe failed"
echo "$table" | head -4
check "table: bpf_xdp_fdb_lookup yes" grep -q 'bpf_xdp_fdb_lookup yes' <<<"$table"
bash tests/integration/test_probe.sh || fail "tests/integration/test_probe.sh in the test kernel"
echo "PASS"
