#!/bin/bash
# tna-deploy on a bridge whose ports are netdevsim devices (test VM).
#   --dry-run says what runs on the NIC and on the host, and why;
#   --target auto: the NIC stage in HW mode on each port (bound to the
#   device, maps too) next to the host stage (generic: netdevsim advertises
#   hw-offload only); --status and tna-stat show both; a port's STP state
#   reaches the NIC stage's configuration on the device;
#   over the model's budget (test limits) and a device that refuses
#   (netdevsim's debugfs knobs): host stage only, with the reason;
#   a hung controller loop gets its NIC stages detached by the watchdog and
#   re-attached when it resumes; --target offload is honoured; SIGTERM and
#   kill -9 leave nothing.
TNA_ROOT=${TNA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TNA_BIN=${TNA_BIN:-$TNA_ROOT/build/bin}
source "$TNA_ROOT/hw-tests/lib.sh"
need_root
need_netdevsim
[[ -x $TNA_BIN/tna-deploy ]] || fail "tna-deploy not built"
TMP=$(mktemp -d); on_exit "rm -rf $TMP"

ns dut >/dev/null
id=$(nsim_id 1)
nsim_new dut "$id" 2 nsim
in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
	net.bridge.bridge-nf-call-arptables=0 2>/dev/null
# forward_delay 0: a bridge without STP still arms each port's forward-delay
# timer when the port starts forwarding, and a port set to learning before
# it expires (15 s by default) is put back to forwarding by the kernel.
in_ns dut ip link add br0 type bridge forward_delay 0 || fail "bridge"
in_ns dut ip link set nsim0 master br0 && in_ns dut ip link set nsim1 master br0 &&
	in_ns dut ip link set br0 up || fail "ports"
for _ in $(seq 50); do
	in_ns dut bridge link show | grep -c 'state forwarding' | grep -qx 2 && break
	sleep 0.1
done

deploy() {	# [VAR=value...] tna-deploy ARGS: in dut, until ready; DEPLOY = its pid
	bg dut "$TMP/deploy.out" "tna-deploy: ready" env "$@"
	DEPLOY=$BG
}

nothing_left() {
	local p left
	for p in nsim0 nsim1; do
		for m in generic driver offload; do
			[[ $(xdp_id dut $p $m) == 0 ]] || fail "$1: a $m program stays on $p"
		done
	done
	left=$(tna_objs)
	[[ -z $left ]] || fail "$1: TNA objects left: $left"
	echo "ok: $1: nothing left"
}

cfg_state() {	# the STP state in the NIC stage's configuration on port $1's device
	local hw cfg
	hw=$(xdp_id dut "$1" offload)
	cfg=$(in_ns dut bpftool -j prog show id "$hw" | jq -r '.map_ids[]' | while read -r m; do
		in_ns dut bpftool -j map show id "$m" | jq -r 'select(.name == "tna_nic_cfg") | .id'
	      done)
	in_ns dut bpftool -j map lookup id "$cfg" key 0 0 0 0 | jq -r '.value[4]'
}

# 1. The plan.
plan=$(in_ns dut "$TNA_BIN/tna-deploy" --dry-run) || fail "dry-run"
echo "$plan"
check "plan: host stage generic" grep -q 'pipeline: .*(host stage, generic)' <<<"$plan"
check "plan: a NIC stage on both ports" grep -q 'nic stage: on 2 port(s), on the NIC' <<<"$plan"
check "plan: port nsim0 generic+nic" grep -Eq 'port nsim0 +generic\+nic' <<<"$plan"
check "plan: the model says why" grep -q 'nic: NIC stage fits the netdevsim model (drivers/net/netdevsim/bpf.c)' <<<"$plan"
check "plan: why generic on the host" grep -q 'no native XDP (basic): host stage generic' <<<"$plan"
json=$(in_ns dut "$TNA_BIN/tna-deploy" --dry-run --json) || fail "dry-run --json"
jqc "plan JSON: nic on both ports" '.[0].nic_ports == 2 and ([.[0].ports[] | select(.nic and .nic_kind == "netdevsim")] | length == 2)' "$json"

# 2. Deployed: HW next to generic on each port, bound to the device.
deploy "$TNA_BIN/tna-deploy" --target auto
for p in nsim0 nsim1; do
	hw=$(xdp_id dut $p offload); gen=$(xdp_id dut $p generic)
	[[ $hw != 0 && $gen != 0 ]] || fail "$p: offload '$hw' generic '$gen'"
	check "$p: ip link shows xdpoffload" bash -c "ip -n $TNA_NS-dut link show dev $p | grep -q xdpoffload"
	jqc "$p: HW program tna_nic bound to $p" ".name == \"tna_nic\" and .dev.ifname == \"$p\"" \
		"$(in_ns dut bpftool -j prog show id "$hw")"
	for m in $(in_ns dut bpftool -j prog show id "$hw" | jq -r '.map_ids[]'); do
		jqc "$p: map $m bound to $p" ".dev.ifname == \"$p\"" "$(in_ns dut bpftool -j map show id "$m")"
	done
	jqc "$p: host stage is TNA's root" '.name == "tna_root"' "$(in_ns dut bpftool -j prog show id "$gen")"
	check "$p: configured as a forwarding bridge port" [ "$(cfg_state $p)" = "0x03" ]
done
grep -q 'nsim0: NIC stage attached in HW mode (netdevsim' "$TMP/deploy.out" ||
	sleep 0.5
check "log: NIC stage attached" grep -q 'port nsim0: NIC stage attached in HW mode (netdevsim, prog' "$TMP/deploy.out"
st=$(in_ns dut "$TNA_BIN/tna-deploy" --status) || fail "status"
echo "$st"
check "status: nic attached on nsim0" grep -q 'nic: attached in HW mode; NIC stage fits the netdevsim model' <<<"$st"
ts=$(in_ns dut "$TNA_BIN/tna-stat") || fail "tna-stat"
echo "$ts"
check "tna-stat: host stage and NIC stage of nsim0" grep -q '^    nic stage (netdevsim, prog' <<<"$ts"
tj=$(in_ns dut "$TNA_BIN/tna-stat" --json)
jqc "tna-stat JSON: the NIC stage of nsim0 is its HW program" \
	".interfaces[] | select(.ifname == \"nsim0\") | .mode == \"generic\" and .nic.prog_id == $(xdp_id dut nsim0 offload)" "$tj"
jqc "tna-stat JSON: bridge sums the NIC stages" '.interfaces[] | select(.ifname == "br0") | .nic != null' "$tj"

# 3. A port's state reaches the NIC stage at once (learning stays without STP).
in_ns dut bridge link set dev nsim0 state 2
for _ in $(seq 50); do [[ $(cfg_state nsim0) == 0x02 ]] && break; sleep 0.1; done
[[ $(cfg_state nsim0) == 0x02 ]] || { echo "kernel: $(in_ns dut bridge link show dev nsim0)"; tail -30 "$TMP/deploy.out"; }
check "nsim0 learning in the NIC stage's configuration" [ "$(cfg_state nsim0)" = "0x02" ]
in_ns dut bridge link set dev nsim0 state 3
for _ in $(seq 50); do [[ $(cfg_state nsim0) == 0x03 ]] && break; sleep 0.1; done
check "nsim0 forwarding again" [ "$(cfg_state nsim0)" = "0x03" ]

# 4. kill -9: nothing stays on the devices.
kill -9 $DEPLOY; wait $DEPLOY 2>/dev/null
for _ in $(seq 50); do [[ $(xdp_id dut nsim0 offload) == 0 ]] && break; sleep 0.1; done
nothing_left "after kill -9"

# 5. Over the model's budget: no NIC stage, the host stage runs, reason shown.
plan=$(in_ns dut env TNA_TEST_OFFLOAD_CAPS=max_insns=10 "$TNA_BIN/tna-deploy" --dry-run)
echo "$plan"
check "plan: no NIC stage over budget" grep -q 'nic: no NIC stage: netdevsim model (TNA_TEST_OFFLOAD_CAPS=max_insns=10 (test limits)): .* instructions > 10' <<<"$plan"
deploy TNA_TEST_OFFLOAD_CAPS=max_insns=10 "$TNA_BIN/tna-deploy"
check "over budget: host stage attached" [ "$(xdp_id dut nsim0 generic)" != 0 ]
check "over budget: no HW program" [ "$(xdp_id dut nsim0 offload)" = 0 ]
st=$(in_ns dut "$TNA_BIN/tna-deploy" --status)
check "status: over budget, why" grep -q 'nic: no NIC stage: netdevsim model .* instructions > 10' <<<"$st"
kill -TERM $DEPLOY; wait $DEPLOY
nothing_left "after SIGTERM"

# 6. A device that refuses: host stage only, the device's message.
nsim_dbg "$id" bpf_bind_verifier_accept N
deploy "$TNA_BIN/tna-deploy"
check "refused: host stage attached" [ "$(xdp_id dut nsim0 generic)" != 0 ]
check "refused: no HW program" [ "$(xdp_id dut nsim0 offload)" = 0 ]
check "log: the device's message" grep -q 'nsim0: the device refused the program: \[netdevsim\] Hello from netdevsim! (Operation not supported): host stage only' "$TMP/deploy.out"
st=$(in_ns dut "$TNA_BIN/tna-deploy" --status)
echo "$st"
check "status: refused, why" grep -q 'nic: no NIC stage: the device refused the program: \[netdevsim\] Hello from netdevsim!' <<<"$st"
kill -TERM $DEPLOY; wait $DEPLOY
nsim_dbg "$id" bpf_bind_verifier_accept Y
nothing_left "after a refusal"

# 7. A hung controller loop (test switch): the watchdog detaches the NIC
#    stages, the host stage stays (its own links); the loop resumes and
#    attaches them again.
deploy TNA_TEST_WATCHDOG_MS=1000 TNA_TEST_HANG_FILE="$TMP/hang" "$TNA_BIN/tna-deploy"
hw0=$(xdp_id dut nsim0 offload)
[[ $hw0 != 0 ]] || fail "hang: no NIC stage to begin with"
touch "$TMP/hang"
for _ in $(seq 60); do [[ $(xdp_id dut nsim0 offload) == 0 ]] && break; sleep 0.1; done
check "hang: the NIC stage of nsim0 detached" [ "$(xdp_id dut nsim0 offload)" = 0 ]
check "hang: the NIC stage of nsim1 detached" [ "$(xdp_id dut nsim1 offload)" = 0 ]
check "hang: the controller is alive" kill -0 $DEPLOY
check "hang: the host stage stays" [ "$(xdp_id dut nsim0 generic)" != 0 ]
# The loop attaches them again in the turn it resumes in, not when some
# event or the keep-alive (60 s after the start here) wakes it: 20 s at
# most, however slow the machine (a turn takes well under a second in TCG).
rm -f "$TMP/hang"
end=$((SECONDS + 20))
while hw1=$(xdp_id dut nsim0 offload); [[ $hw1 == 0 ]] && ((SECONDS < end)); do sleep 0.1; done
check "resumed: a NIC stage again on nsim0 at once ($hw0 -> $hw1)" [ "$hw1" != 0 -a "$hw1" != "$hw0" ]
check "resumed: on nsim1 too" [ "$(xdp_id dut nsim1 offload)" != 0 ]
check "log: the watchdog said so" grep -q 'the loop stalled: the watchdog detached the NIC stages' "$TMP/deploy.out"
kill -TERM $DEPLOY; wait $DEPLOY
nothing_left "after the hang"

# 8. --target offload: honoured (NIC stages + generic host stage).
deploy "$TNA_BIN/tna-deploy" --target offload
check "offload: HW on nsim1" [ "$(xdp_id dut nsim1 offload)" != 0 ]
check "offload: host stage on nsim1" [ "$(xdp_id dut nsim1 generic)" != 0 ]
kill -TERM $DEPLOY; wait $DEPLOY
nothing_left "after --target offload"
echo "PASS"
