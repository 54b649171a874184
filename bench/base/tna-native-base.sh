# The TNA bridge, native (bench/configs/tna-native.sh), run by the binaries
# in TNA_BASE_BIN, another build (e.g. main's before a change), so that
# before and after are measured in the same interleaved rounds:
#   TNA_BASE_BIN=/path/build/bin bench/run.sh --config-dir bench/base \
#     --configs linux-bridge,tna-native,tna-native-base,xdp-fdb-limit,xdp-limit ...
# Only the controller comes from there (it loads the pipeline it was built
# with); the generator and the sink stay this tree's.
source "$TNA_ROOT/bench/configs/tna-native.sh"
CONFIG_DESC="TNA bridge fast path, native XDP, from ${TNA_BASE_BIN:-?} (before)"
eval "base_$(declare -f config_setup)"
eval "base_$(declare -f config_ready)"
eval "base_$(declare -f config_teardown)"
# bench_deploy_* read TNA_BIN: a local here is what they see
config_setup() {
	local TNA_BIN=${TNA_BASE_BIN:-}
	[[ -x $TNA_BIN/tna-deploy ]] || { echo "TNA_BASE_BIN: no tna-deploy in '$TNA_BIN'"; return 1; }
	base_config_setup
}
config_ready() {
	local TNA_BIN=${TNA_BASE_BIN:-}
	base_config_ready
}
config_teardown() {
	local TNA_BIN=${TNA_BASE_BIN:-}
	base_config_teardown
}
