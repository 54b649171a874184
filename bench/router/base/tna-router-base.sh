# The TNA router native (bench/configs/tna-router-native.sh) run by the
# binaries in TNA_BASE_BIN, another build (e.g. main's), so that before
# and after are measured in the same interleaved rounds:
#   TNA_BASE_BIN=/path/build/bin PROG_NS_EXTRA=tna-router-base \
#     bench/router/prog_ns.sh --config-dir bench/router/base ...
# The id of the program it attaches goes to PROG_NS_BASE_IDS (prog_ns.sh
# reports it as "tna-base").
source "$TNA_ROOT/bench/configs/tna-router-native.sh"
CONFIG_DESC="TNA router native from ${TNA_BASE_BIN:-?} (before), $ROUTES_DESC"
eval "base_$(declare -f config_setup)"
config_setup() {
	local TNA_BIN=${TNA_BASE_BIN:-} id
	[[ -x $TNA_BIN/tna-rt-test ]] || { echo "TNA_BASE_BIN: no tna-rt-test in '$TNA_BIN'"; return 1; }
	base_config_setup || return
	id=$(ip -n "$DUT" -j link show "${IN_PORTS[0]}" |
	     /usr/bin/python3 -c 'import json, sys; x = json.load(sys.stdin)[0].get("xdp") or {}; print((x.get("prog") or {}).get("id", ""))')
	[[ -n ${PROG_NS_BASE_IDS:-} && -n $id ]] && echo "$id" >>"$PROG_NS_BASE_IDS"
	return 0
}
