# TNA on the Linux bridge, native target, FDB mirror mode
# (TNA_FDB_MODE=mirror): the controller's mirror of the FDB, its keep-alive,
# the flow cache; the bridge of linux-bridge-nf0 (with
# bridge-nf-call-iptables=1 the planner keeps the mirror in any case).
# For the test VM (bench/vm_fdb_modes.sh): the setup fails unless
# tna-deploy reports the mode asked for, running on the native target.
source "$(dirname "${BASH_SOURCE[0]}")/../configs/tna-native.sh"
CONFIG_DESC="TNA bridge fast path, native XDP, FDB mirror (tna-deploy, TNA_FDB_MODE=mirror)"
BRIDGE_NF=0
FDB_MODE=mirror

# tna-generic.sh's setup (the bridge, then tna-deploy), under another name
eval "tna_bridge_setup() $(declare -f config_setup | tail -n +2)"

config_setup() {
	local got
	# TCG: loading and measuring the pipelines takes seconds
	TNA_FDB_MODE=$([[ $FDB_MODE == mirror ]] && echo mirror || echo auto) \
		BENCH_READY_S=120 tna_bridge_setup || return
	got=$(ip netns exec "$DUT" "$TNA_BIN/tna-deploy" --status --json |
	      jq -r '.bridges[0] | "\(.fdb_mode) \(.target) \(.running)"')
	[[ $got == "$FDB_MODE native true" ]] ||
		{ echo "tna-deploy runs '$got', not '$FDB_MODE native true'"; return 1; }
}
