# tna-dp-native.sh in generic (skb) mode.
_DP_TARGET=generic
source "$(dirname "${BASH_SOURCE[0]}")/tna-dp-native.sh"
CONFIG_DESC="TNA bridge fast path via tna-dp-test, generic"
