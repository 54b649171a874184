#!/bin/bash
# The offload backend on netdevsim (test VM): the NIC stage is loaded onto
# the device (program and both maps bound to it, as bpftool shows) and
# attached in HW mode (ip link shows xdpoffload); its configuration map is
# written and read back through the device; a replace swaps the program in
# one link update; SIGTERM and kill -9 leave nothing behind (no program on
# the device, no TNA program or map in the kernel).  Refusals carry the
# device's words: a counters map over netdevsim's 2 entries, the debugfs
# knobs that make netdevsim refuse maps, programs and HW attach, and the
# model refusing a budget (test limits).  The NIC stage in HW mode and a
# native host stage share the device.
TNA_ROOT=${TNA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TNA_BIN=${TNA_BIN:-$TNA_ROOT/build/bin}
source "$TNA_ROOT/hw-tests/lib.sh"
need_root
need_netdevsim
T=$TNA_BIN/tna-nic-test
[[ -x $T ]] || fail "$T not built"
TMP=$(mktemp -d); on_exit "rm -rf $TMP"

ns dut >/dev/null
id=$(nsim_id 0)
nsim_new dut "$id" 2 nsim

nothing_left() {	# what: no HW program on nsim0, no TNA NIC-stage object
	local hw left
	hw=$(xdp_id dut nsim0 offload)
	left=$(tna_objs | grep tna_nic)
	[[ $hw == 0 && -z $left ]] || fail "$1: left behind: hw prog '$hw', objects: $left"
	echo "ok: $1: nothing left"
}

hold() {	# ARGS: tna-nic-test attach nsim0 ARGS --hold; HOLD = its pid
	bg dut "$TMP/hold.out" ready "$T" attach nsim0 "$@" --hold
	HOLD=$BG
}

# 1. Load + HW attach, bound to the device.
hold --state 4
prog=$(sed -n 's/^attached prog \([0-9]*\).*/\1/p' "$TMP/hold.out")
[[ -n $prog ]] || fail "no program id"
check "ip link shows xdpoffload" bash -c "ip -n $TNA_NS-dut link show dev nsim0 | grep -q xdpoffload"
check "the HW program is the NIC stage" [ "$(xdp_id dut nsim0 offload)" = "$prog" ]
pj=$(in_ns dut bpftool -j prog show id "$prog")
echo "$pj"
jqc "bpftool: tna_nic bound to nsim0" '.name == "tna_nic" and .dev.ifname == "nsim0"' "$pj"
maps=$(jq -r '.map_ids[]' <<<"$pj")
[[ $(wc -w <<<"$maps") -eq 2 ]] || fail "expected 2 maps, got: $maps"
for m in $maps; do
	mj=$(in_ns dut bpftool -j map show id "$m")
	echo "$mj"
	jqc "map $m bound to nsim0" '(.name | startswith("tna_nic_")) and .dev.ifname == "nsim0"' "$mj"
	[[ $(jq -r .name <<<"$mj") == tna_nic_cfg ]] && cfg=$m
done
# the configuration as the device holds it: flags 7 (bridge port), state 4
val=$(in_ns dut bpftool -j map lookup id "$cfg" key 0 0 0 0 | jq -r '.value | join(" ")')
check "config read back through the device: $val" \
	[ "$val" = "0x07 0x00 0x00 0x00 0x04 0x00 0x00 0x00" ]
sj=$(in_ns dut "$TNA_BIN/tna-stat" -i nsim0 --json) || fail "tna-stat -i nsim0"
jqc "counters read through the device (tna-stat)" \
	".interfaces[0].nic.prog_id == $prog and .interfaces[0].nic.kind == \"netdevsim\" and .interfaces[0].nic.passed == 0 and .interfaces[0].mode == \"none\"" "$sj"
in_ns dut "$TNA_BIN/tna-stat" -i nsim0 || fail "tna-stat -i nsim0"
check "no HW program on the other port" [ "$(xdp_id dut nsim1 offload)" = 0 ]

# 2. SIGTERM: detached and freed.
kill -TERM $HOLD; wait $HOLD
check "clean exit" grep -q '^detached' "$TMP/hold.out"
nothing_left "after SIGTERM"

# 3. kill -9: the kernel drops the link, the program and its device maps.
hold
kill -9 $HOLD; wait $HOLD 2>/dev/null
for _ in $(seq 50); do [[ $(xdp_id dut nsim0 offload) == 0 ]] && break; sleep 0.1; done
nothing_left "after kill -9"

# 4. Replace: one link update to a second copy, the first one freed.
out=$(in_ns dut "$T" attach nsim0 --replace) || fail "replace: $out"
echo "$out"
check "replaced with another program" grep -Eq '^replaced prog ([0-9]+) -> ([0-9]+)$' <<<"$out"
old=$(sed -n 's/^replaced prog \([0-9]*\) -> .*/\1/p' <<<"$out")
new=$(sed -n 's/^replaced prog [0-9]* -> \([0-9]*\)/\1/p' <<<"$out")
[[ $old != "$new" ]] || fail "the same program after the replace"
nothing_left "after a replace and exit"

# 5. Refusals, each in the device's words, each leaving nothing behind.
refused() {	# what expected-text [env] args...
	local what=$1 want=$2 out rc; shift 2
	out=$(in_ns dut "$@"); rc=$?
	echo "$out"
	[[ $rc -eq 3 ]] || fail "$what: exit $rc, expected a refusal (3)"
	grep -qF "$want" <<<"$out" || fail "$what: '$want' not in: $out"
	echo "ok: $what: refused"
	nothing_left "$what"
}
refused "counters map over netdevsim's 2 entries" \
	"refused: the device refused map tna_nic_cnt (3 entries of 4+40 B): Cannot allocate memory" \
	"$T" attach nsim0 --entries 3
refused "the model's test budget" "refused: model (netdevsim): " \
	env TNA_TEST_OFFLOAD_CAPS=max_insns=10 "$T" attach nsim0
refused "the model's test budget names the numbers" "instructions > 10" \
	env TNA_TEST_OFFLOAD_CAPS=max_insns=10 "$T" attach nsim0
nsim_dbg "$id" bpf_bind_verifier_accept N
refused "netdevsim's verifier refuses" \
	"refused: the device refused the program: [netdevsim] Hello from netdevsim! (Operation not supported)" \
	"$T" attach nsim0
nsim_dbg "$id" bpf_bind_verifier_accept Y
nsim_dbg "$id" 0 bpf_xdpoffload_accept N
refused "netdevsim refuses the HW attach" \
	"refused: the device refused the HW-mode attach: netdevsim: XDP offload disabled in DebugFS (Operation not supported)" \
	"$T" attach nsim0
nsim_dbg "$id" 0 bpf_xdpoffload_accept Y
nsim_dbg "$id" 0 bpf_map_accept N
refused "netdevsim refuses device maps" \
	"refused: the device refused map tna_nic_cfg (1 entries of 4+8 B): Operation not supported" \
	"$T" attach nsim0
nsim_dbg "$id" 0 bpf_map_accept Y
nsim_dbg "$id" bpf_bind_accept N
refused "netdevsim refuses to bind programs" "refused: the device refused the program" \
	"$T" attach nsim0
nsim_dbg "$id" bpf_bind_accept Y

# 6. HW mode next to a native (driver-mode) host stage on the same device:
#    netdevsim takes a driver-mode program, though it never runs it.
in_ns dut ip link add br0 type bridge && in_ns dut ip link set nsim0 master br0 &&
	in_ns dut ip link set nsim1 master br0 && in_ns dut ip link set br0 up || fail "bridge"
bg dut "$TMP/dp.out" ready "$TNA_BIN/tna-dp-test" -b br0 --target native
DP=$BG
hold
check "native host stage and HW NIC stage on nsim0" \
	[ "$(xdp_id dut nsim0 driver)" != 0 -a "$(xdp_id dut nsim0 offload)" != 0 ]
in_ns dut ip link show dev nsim0
kill -TERM $HOLD; wait $HOLD
check "the host stage stays when the NIC stage goes" [ "$(xdp_id dut nsim0 driver)" != 0 ]
kill -TERM $DP; wait $DP
check "and then nothing on nsim0" [ "$(xdp_id dut nsim0 driver)$(xdp_id dut nsim0 offload)" = 00 ]
in_ns dut ip link del br0

# 7. And after all that, it still loads.
out=$(in_ns dut "$T" attach nsim0) || fail "attach after the refusals: $out"
nothing_left "final attach and exit"
echo "PASS"
