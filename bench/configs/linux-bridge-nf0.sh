# The Linux bridge with bridge-nf-call-iptables (and -ip6tables) at 0:
# frames skip br_netfilter.
source "$(dirname "${BASH_SOURCE[0]}")/linux-bridge.sh"
CONFIG_DESC="Linux bridge, bridge-nf-call-iptables=0"
BRIDGE_NF=0
