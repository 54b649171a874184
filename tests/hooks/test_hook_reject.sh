#!/bin/bash
# A hook TNA cannot run is refused before anything changes: exit status 1
# with one line naming the file and why, no controller, no XDP program on
# any port.  Covers: no such file, not a BPF object, wrong prototype, the
# function for another slot, a hook that changes the frame's length after
# the ingress slot (the verifier's refusal), an unknown slot, a bad
# drop-in file.  A good drop-in file is picked up.
cd "$(dirname "$0")/../.." || exit 1
source tests/hooks/lib.sh

deploy_topo
no_xdp() { [[ -z $(ip -n "$TNA_NS-dut" -j link show | grep -o '"xdp"') ]]; }

refuse() {	# "what" "message pattern" want_status args...
	local what=$1 pat=$2 want=$3 err rc; shift 3
	err=$(in_ns dut "$TNA_BIN/tna-deploy" -t generic --hooks-dir '' "$@" 2>&1 >/dev/null)
	rc=$?
	[[ $rc == "$want" ]] || fail "$what: exit $rc, want $want ($err)"
	grep -q -- "$pat" <<<"$err" || fail "$what: message '$err' does not match '$pat'"
	[[ $(wc -l <<<"$err") == 1 ]] || fail "$what: more than one line: $err"
	no_xdp || fail "$what: a program was attached"
	in_ns dut "$TNA_BIN/tna-deploy" --status | grep -q '^no controller running' ||
		fail "$what: a controller runs"
	echo "ok: $what: $err"
}

refuse "missing file" "hook classified: /nonexistent.o: No such file" 1 --hook classified=/nonexistent.o
refuse "not a BPF object" "not a BPF object file" 1 --hook classified=/etc/hostname
refuse "wrong prototype" "tna_hook_classified must be \`int tna_hook_classified(struct xdp_md \*ctx)\`" 1 \
	--hook "classified=$HOOKS/hook_bad_proto.bpf.o"
refuse "the function of another slot" "no function tna_hook_ingress" 1 \
	--hook "ingress=$HOOKS/hook_drop_udp.bpf.o"
refuse "changes the frame's length after ingress" "does not load.*verifier refused it" 1 \
	--hook "egress=$HOOKS/hook_grow.bpf.o"
refuse "unknown slot" "no slot 'forward'" 2 --hook "forward=$HOOKS/hook_drop_udp.bpf.o"
refuse "malformed --hook" "expected SLOT=FILE" 2 --hook "$HOOKS/hook_drop_udp.bpf.o"
refuse "two hooks at one slot" "slot classified has a hook already" 1 \
	--hook "classified=$HOOKS/hook_drop_udp.bpf.o" --hook "classified=$HOOKS/hook_drop_udp.bpf.o"
dir=$DEPLOY_TMP/hooks.d
mkdir -p "$dir"
cp "$HOOKS/hook_bad_proto.bpf.o" "$dir/classified-bad.o"
err=$(in_ns dut "$TNA_BIN/tna-deploy" -t generic --hooks-dir "$dir" 2>&1 >/dev/null) && fail "bad drop-in accepted"
grep -q "hook classified-bad.o: $dir/classified-bad.o: tna_hook_classified must be" <<<"$err" || fail "drop-in: $err"
no_xdp || fail "bad drop-in: a program was attached"
echo "ok: a bad drop-in file is refused: $err"

# a good one is linked in (seen in the plan)
rm "$dir/classified-bad.o"
cp "$HOOKS/hook_drop_udp.bpf.o" "$dir/classified-dropudp.o"
cp "$HOOKS/hook_continue.bpf.o" "$dir/ingress-count.o"
: > "$dir/README"	# not NAME.o: ignored
out=$(in_ns dut "$TNA_BIN/tna-deploy" -t generic --dry-run --hooks-dir "$dir") || fail "--dry-run with a drop-in dir failed"
grep -q "^hooks: classified=$dir/classified-dropudp.o, ingress=$dir/ingress-count.o" <<<"$out" ||
	fail "drop-in hooks not in the plan: $out"
echo "ok: drop-in hooks are in the plan"
echo PASS
