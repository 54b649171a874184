#!/bin/bash
# tna-deploy in FDB kfunc mode (bpf_xdp_fdb_lookup of kernel/patches: the
# fast path learns into the bridge, no mirror, no keep-alive) against Linux
# with the equivalence harness (tests/equiv): tests/vm/kfunc.traffic on
# the 3-port bridge of tests/deploy (learning, moves, flood, flush, STP
# states, ageing with and without traffic, a locked port).  Also: --dry-run
# (text and JSON) says kfunc, --status shows no mirror, the fast path
# forwarded, and no frame went to Linux for an unknown or unconfirmed
# source (the mirror's reasons).  MODE=native for the native target
# (vm_deploy_kfunc_equiv_native.sh).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/vm/lib.sh
need_root
MODE=${MODE:-generic}
"$TNA_BIN/tna-probe" 2>/dev/null | grep -q 'bpf_xdp_fdb_lookup yes' ||
	skip "needs a kernel with bpf_xdp_fdb_lookup (the test VM: make check-vm)"
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
out=$(mktemp -d)
on_exit "rm -rf $out"

# tna-deploy as the DUT: its plan first (dry run, text and JSON; generic:
# before the deploy turns GRO on for the veth peers, native is refused),
# then the controller; on SIGTERM its status and counters go to files
# before it detaches.
cat > "$out/dut.sh" <<DUT
$TNA_BIN/tna-deploy --target generic --dry-run > "$out/dry.txt" 2>"$out/dry.err"
$TNA_BIN/tna-deploy --target generic --dry-run --json > "$out/dry.json" 2>>"$out/dry.err"
setsid $TNA_BIN/tna-deploy --target $MODE -v & pid=\$!
trap '$TNA_BIN/tna-deploy --status --json > "$out/status.json"; $TNA_BIN/tna-stat --json > "$out/stat.json"; kill -TERM \$pid; wait \$pid; exit 0' TERM
wait \$pid
DUT
vm_equiv "$TNA_ROOT/tests/deploy/bridge3-nf0.topo" "$TNA_ROOT/tests/vm/kfunc.traffic" \
	"bash $out/dut.sh" "$out" "tna-deploy ($MODE, FDB kfunc)"
echo "== dry run"; grep -E '^bridge|^  (pipeline|fdb|budget)' "$out/dry.txt"
grep -q '^  fdb:       kfunc: ' "$out/dry.txt" || fail "--dry-run does not say kfunc"
grep -q 'fdb_kfunc' "$out/dry.txt" || fail "--dry-run: no fdb_kfunc module in the pipeline"
[[ $(jq -r '.[0].fdb_mode' "$out/dry.json") == kfunc ]] ||
	fail "--dry-run --json: fdb_mode $(jq -r '.[0].fdb_mode' "$out/dry.json")"
jq -e '.[0].fdb_mode_reason | test("bpf_xdp_fdb_lookup")' "$out/dry.json" >/dev/null ||
	fail "--dry-run --json: no reason for the FDB mode"
jq -e --arg t "$MODE" '.bridges[0] | (.fdb_mode == "kfunc") and (has("fdb_mirror") | not) and
	.running and .target == $t' "$out/status.json" >/dev/null ||
	fail "--status: not running $MODE in kfunc mode, or with a mirror: $(jq -c '.bridges[0] |
		{running, target, fdb_mode, error, mirror: has("fdb_mirror")}' "$out/status.json")"
fwd=$(jq '[.interfaces[] | select(.kind == "port") | .forwarded] | add' "$out/stat.json")
mirror=$(jq '[.interfaces[] | select(.kind == "port") | .passed.src_unknown + .passed.src_moved + .passed.fdb_unconfirmed] | add' "$out/stat.json")
echo "forwarded by XDP: $fwd; passed for unknown/moved/unconfirmed sources: $mirror"
[[ $fwd -ge 100 ]] || fail "the fast path forwarded only ${fwd:-no} frames"
[[ $mirror -eq 0 ]] || fail "$mirror frames went to Linux to be learned: not kfunc mode"
[[ $(ip netns list | grep -c "^$TNA_NS-eq") -eq 0 ]] || fail "namespaces left behind"
echo "PASS"
