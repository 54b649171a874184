# Sourced by the bridge tests of the VM tier (tests/vm/vm_*.sh, run inside
# the test VM by kernel/vm-run.sh).  Needs tests/lib/netns.sh.
#
#   kf_need              skip unless the kernel has the kfunc and we are root
#   kf_bridge NS BR ID P...  a bridge BR in namespace NS with ports P.. whose
#                        peers (pN: hN, qN: gN) are in NS too; fixed MACs, no IPv6
#   kf_run NS ARGS...    one `tna-fdb-kfunc run` in NS; prints its answer
#   kf NS CMD ARGS...    any tna-fdb-kfunc command in NS
#   expect NS "want" ARGS...   kf_run and compare with "want" (a prefix of
#                        the answer's fields, e.g. "egress=p2 flags=-")
#   fdb NS BR            the FDB as "mac vlan port flags..." lines, sorted
#   has_fdb / no_fdb NS BR "pattern" [FDB]   assert a line of fdb (or of the
#                        snapshot FDB) matches / none does
#   bg_ready LOG LINE CMD...   CMD in the background (output in LOG) until the
#                        test ends; returns when LOG has LINE (10 s at most)
#   vm_equiv RECIPE SCRIPT DUT_CMD OUT WHAT   one tests/equiv run of tna-deploy
#                        (DUT_CMD, ready on its ready line) against Linux;
#                        report printed; fails naming WHAT unless equivalent

KF=${TNA_BIN:-build/bin}/tna-fdb-kfunc

kf_need() {
	need_root
	[[ -x $KF ]] || fail "$KF not built (make)"
	"$KF" has-kfunc || skip "kernel has no bpf_xdp_fdb_lookup (runs in the test VM: make check-vm)"
}

# Fixed MACs, so that two namespaces built alike have equal FDBs (local
# entries included): 02:00:<bridge id>:<1 bridge, 2 port, 3 peer>:00:<n>.
kf_mac() { printf '02:00:%02x:%02x:00:%02x' "$1" "$2" "$3"; }

kf_bridge() {	# ns br id port... (peer of pN is hN, of qN gN)
	local ns=$1 br=$2 id=$3 n=0 p h; shift 3
	local ip=(ip -n "$TNA_NS-$ns")
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	# forward_delay 0: without STP the kernel still arms the forward-delay
	# timer of a port that starts forwarding, and its expiry would move a
	# port a test set to STP learning back to forwarding.
	"${ip[@]}" link add "$br" type bridge forward_delay 0 || fail "cannot create $br"
	"${ip[@]}" link set "$br" address "$(kf_mac "$id" 1 0)"
	for p in "$@"; do
		n=$((n + 1))
		h=${p/p/h}; h=${h/q/g}
		"${ip[@]}" link add "$p" type veth peer name "$h" || fail "cannot create $p"
		"${ip[@]}" link set "$p" address "$(kf_mac "$id" 2 "$n")"
		"${ip[@]}" link set "$h" address "$(kf_mac "$id" 3 "$n")"
		"${ip[@]}" link set "$p" master "$br"
		"${ip[@]}" link set "$p" up
		"${ip[@]}" link set "$h" up
	done
	"${ip[@]}" link set "$br" up
}

kf_run() { local ns=$1; shift; "$KF" run -N "$TNA_NS-$ns" "$@"; }
kf() { local ns=$1; shift; "$KF" "$@" -N "$TNA_NS-$ns"; }

expect() {	# ns "want" args...
	local ns=$1 want=$2 got f ok=1; shift 2
	got=$(kf_run "$ns" "$@" 2>&1) || fail "tna-fdb-kfunc run $* failed: $got"
	for f in $want; do
		[[ " $got " == *" $f "* ]] || ok=0
	done
	[[ $ok == 1 ]] || fail "run $*: got '$got', want '$want'"
	echo "ok: run $* -> $want"
}

# "mac vlan dev [state] [flags]" per bridge entry (not the ports' own
# "self" address lists); ageing times left out.  iproute2 6.1 does not
# show the "locked" flag.
fdb() {
	bridge -n "$TNA_NS-$1" -j fdb show br "$2" | jq -r '.[] |
		select((.flags // []) | index("self") | not) |
		[.mac, (.vlan // 0 | tostring), .ifname, (.state // ""),
		 ((.flags // []) | join(","))] | join(" ")' | sort
}

has_fdb() {
	local f=${4-$(fdb "$1" "$2")}
	grep -qE "$3" <<<"$f" || fail "FDB of $2 has no entry matching '$3':
$f"
	echo "ok: FDB has $3"
}

no_fdb() {
	local f=${4-$(fdb "$1" "$2")}
	! grep -qE "$3" <<<"$f" || fail "FDB of $2 has an entry matching '$3':
$(grep -E "$3" <<<"$f")"
	echo "ok: FDB has no $3"
}

bg_ready() {
	local log=$1 line=$2 i; shift 2
	"$@" >"$log" 2>&1 &
	BG_PID=$!
	on_exit "kill $BG_PID; rm -f $log"
	for i in $(seq 100); do
		grep -q "$line" "$log" && return 0
		kill -0 $BG_PID 2>/dev/null || fail "$1: $(tail -5 "$log")"
		sleep 0.1
	done
	fail "$1 did not print '$line' within 10 s"
}

vm_equiv() {
	local rc f
	/usr/bin/python3 "$TNA_ROOT/tests/equiv/equiv.py" --prefix "$TNA_NS-eq" \
		--recipe "$1" --script "$2" --dut-cmd "$3" \
		--dut-ready-line 'tna-deploy: ready' --out "$4/run" >"$4/report.txt"
	rc=$?
	cat "$4/report.txt"
	[[ $rc -eq 0 ]] && return 0
	for f in "$4/run"/*.log; do [[ -f $f ]] && { echo "== $f"; tail -30 "$f"; }; done
	fail "$5 is not equivalent to Linux in the test kernel (exit $rc)"
}
