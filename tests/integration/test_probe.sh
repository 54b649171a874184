#!/bin/bash
# tna-probe --json --netns on a fresh namespace with a bridge and two veth
# ports: veth is native with BASIC|REDIRECT, the bridge is no XDP target,
# a veth gains NDO_XMIT once its peer has an XDP program (and only that
# one), a foreign program is reported as a blocker, and bad input (unknown
# interface, missing netns, not root) gives one error line and a non-zero exit.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
PROBE=$TNA_BIN/tna-probe
OBJ=$TNA_ROOT/$BUILD/bpf/probe_xdp_pass.bpf.o
[[ -x $PROBE ]] || fail "$PROBE not built"
[[ -f $OBJ ]] || fail "$OBJ not built"
command -v jq >/dev/null || fail "jq missing (scripts/install-deps.sh installs it)"
[[ -e /sys/kernel/btf/vmlinux ]] || skip "kernel without BTF"

ns dut; ns h1; ns h2
veth h1 eth0 dut p1
veth h2 eth0 dut p2
in_ns dut ip link add br0 type bridge
in_ns dut ip link set p1 master br0
in_ns dut ip link set p2 master br0
in_ns dut ip link set br0 up
DUT=$TNA_NS-dut
out=$(mktemp); err=$(mktemp)
on_exit rm -f "$out" "$err"

probe() { "$PROBE" --json "$@" >"$out" 2>"$err" || fail "tna-probe $* failed: $(cat "$err")"; }
# jq -e on the last output; fails the test with WHAT when false.
expect() { local what=$1 q=$2; jq -e "$q" "$out" >/dev/null || { jq . "$out" | head -200 >&2; fail "$what"; }; echo "ok: $what"; }
dev() { echo ".devices[] | select(.name == \"$1\")"; }

probe --netns "$DUT"
expect "json names the netns" ".netns == \"$DUT\""
expect "kernel facts: BTF and genl netdev" '.system.btf and .system.netdev_genl'
jit=$(cat /proc/sys/net/core/bpf_jit_enable)
expect "JIT (probed by loading) agrees with the root netns sysctl ($jit)" \
	".system.jit_enabled == $([[ $jit -gt 0 ]] && echo true || echo false)"
expect "XDP helpers load on this kernel" '.system.xdp_helpers | all(.[]; . == true)'
# kfuncs: cross-checked against bpftool's view of vmlinux BTF.
btf=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null)
has() { grep -q "FUNC '$1' " <<<"$btf" && echo true || echo false; }
expect "kfuncs as in vmlinux BTF" \
	".system.kfuncs == {bpf_xdp_ct_lookup: $(has bpf_xdp_ct_lookup), bpf_ct_release: $(has bpf_ct_release), bpf_xdp_fdb_lookup: $(has bpf_xdp_fdb_lookup)}"
opts=$(grep -m1 "STRUCT 'bpf_ct_opts' size=" <<<"$btf" | sed 's/.*size=\([0-9]*\).*/\1/')
[[ -n $opts ]] && expect "bpf_ct_opts size $opts as in BTF" ".system.bpf_ct_opts_size == $opts"
expect "exactly lo, br0, p1, p2 in the netns" \
	'[.devices[].name] | sort == ["br0","lo","p1","p2"]'
expect "p1 is a veth port of br0" "$(dev p1) | .kind == \"veth\" and .master == \"br0\" and .driver == \"veth\""
expect "p1 advertises BASIC|REDIRECT" "$(dev p1) | (.xdp_features.raw % 4) == 3 and (.xdp_features.flags | index(\"basic\") and index(\"redirect\"))"
expect "p1 verdict native" "$(dev p1) | .verdict.target == \"native\""
expect "p1 peer without XDP: no NDO_XMIT, not a redirect egress" \
	"$(dev p1) | ((.xdp_features.raw / 4 | floor) % 2) == 0 and .can_redirect_to == false"
expect "p1 blocker names ndo-xmit and the veth hint" \
	"$(dev p1) | .verdict.blockers | any(test(\"ndo-xmit.*peer has an XDP program\"))"
expect "p1 has no XDP program attached" "$(dev p1) | .xdp_progs == {generic: null, native: null, offload: null}"
expect "p1 channels known (veth implements get_channels)" "$(dev p1) | .channels.rx >= 1"
expect "p1 hw-tc-offload reported off" "$(dev p1) | .hw_tc_offload == false"
expect "br0 is a bridge with xdp-features 0" "$(dev br0) | .kind == \"bridge\" and .xdp_features.raw == 0"
expect "br0 is not an XDP target" "$(dev br0) | .verdict.target == \"none\" and .can_redirect_to == false"
expect "lo is not a target" "$(dev lo) | .verdict.target == \"none\""

# An XDP program on p1's peer (h1:eth0) gives p1, and only p1, NDO_XMIT.
check "attach a native XDP program to h1:eth0" \
	ip -n "$TNA_NS-h1" link set dev eth0 xdpdrv obj "$OBJ" sec xdp
probe --netns "$DUT"
expect "p1 gains NDO_XMIT once its peer has XDP" \
	"$(dev p1) | ((.xdp_features.raw / 4 | floor) % 2) == 1 and (.xdp_features.flags | index(\"ndo-xmit\"))"
expect "p1 can now be a redirect egress, no ndo-xmit blocker" \
	"$(dev p1) | .can_redirect_to and (.verdict.blockers | any(test(\"ndo-xmit\")) | not)"
expect "p2 (peer without XDP) still lacks NDO_XMIT" \
	"$(dev p2) | ((.xdp_features.raw / 4 | floor) % 2) == 0 and .can_redirect_to == false"

id=$(ip -n "$TNA_NS-h1" -j link show dev eth0 | jq '.[0].xdp.prog.id')
[[ $id =~ ^[0-9]+$ ]] || fail "no prog id from ip -j link: $id"
probe --netns "$TNA_NS-h1" -i eth0
expect "-i gives exactly that interface" '[.devices[].name] == ["eth0"]'
expect "h1:eth0 reports the attached program (id $id) in native mode" \
	"$(dev eth0) | .xdp_progs.native.id == $id and .xdp_progs.native.name == \"xdp_pass_peer\" and .xdp_progs.generic == null"
expect "a foreign program is a blocker" \
	"$(dev eth0) | .verdict.blockers | any(test(\"foreign XDP program 'xdp_pass_peer' \\\\(id $id\\\\) attached in native mode\"))"

probe --netns "$DUT" -i p2 -i br0
expect "repeated -i keeps the order given" '[.devices[].name] == ["p2","br0"]'

"$PROBE" --netns "$DUT" >"$out" 2>"$err" || fail "table output failed: $(cat "$err")"
check "table has a header and p1 as native" grep -Eq '^ +[0-9]+ +p1 +veth +br0 .* native$' "$out"
check "table shows br0 with target none" grep -Eq '^ +[0-9]+ +br0 +bridge .* none$' "$out"

# Bad input: one line on stderr, nothing on stdout, non-zero exit.
one_error() {
	local what=$1 pat=$2; shift 2
	"$PROBE" "$@" >"$out" 2>"$err" && fail "$what: exit 0"
	[[ ! -s $out ]] || fail "$what: printed to stdout: $(cat "$out")"
	[[ $(wc -l <"$err") -eq 1 ]] || fail "$what: not one line: $(cat "$err")"
	grep -q -- "$pat" "$err" || fail "$what: '$(cat "$err")' lacks '$pat'"
	echo "ok: $what -> $(cat "$err")"
}
one_error "unknown interface" "nosuch0: no such interface" --json --netns "$DUT" -i nosuch0
one_error "unknown interface among good ones" "nosuch1" --netns "$DUT" -i p1 -i nosuch1
one_error "missing netns" "netns $TNA_NS-missing" --json --netns "$TNA_NS-missing"
one_error "bad option" "unknown option '--bogus'" --bogus
one_error "missing option argument" "needs an argument" --netns
one_error "unknown graph format" "--graph: unknown format 'png'" --netns "$DUT" --graph=png

# --graph (JSON by default) and --graph=dot: the bridge and its two ports.
"$PROBE" --netns "$DUT" --graph >"$out" 2>"$err" || fail "--graph: $(cat "$err")"
expect "--graph is JSON with the bridge node" '.nodes[] | select(.id == "bridge:br0")'
expect "--graph has port-of edges from p1 and p2" \
	'[.edges[] | select(.kind == "port-of" and .to == "bridge:br0") | .from] | sort == ["port:p1","port:p2"]'
"$PROBE" --netns "$DUT" --graph=dot >"$out" 2>"$err" || fail "--graph=dot: $(cat "$err")"
grep -q '^digraph' "$out" || fail "--graph=dot does not print a digraph"
grep -q 'br0' "$out" || fail "--graph=dot lacks br0"
echo "ok: --graph=dot prints a digraph with br0"
if command -v setpriv >/dev/null &&
   setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$PROBE" 2>/dev/null; then
	"$PROBE" --bogus 2>/dev/null; [[ $? -eq 2 ]] || fail "usage errors exit 2"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$PROBE" --json >/dev/null 2>"$err" &&
		fail "not root: exit 0"
	grep -q "must be run as root" "$err" || fail "not root: $(cat "$err")"
	echo "ok: not root -> $(cat "$err")"
else
	echo "note: nobody cannot execute $PROBE here; not-root check left out"
fi
echo "all checks passed"
