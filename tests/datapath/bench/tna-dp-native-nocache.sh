# tna-dp-native.sh without the flow cache (TNA_FPM_BRIDGE & ~TNA_FPM_FLOW_CACHE).
_DP_FPMS=1fb
source "$(dirname "${BASH_SOURCE[0]}")/tna-dp-native.sh"
CONFIG_DESC="TNA bridge fast path via tna-dp-test, no flow cache"
