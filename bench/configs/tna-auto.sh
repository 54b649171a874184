# TNA on the Linux bridge with `tna-deploy --target auto` (see
# tna-generic.sh): what it chooses per port from the probe and the veth
# peers.  The generator's and the sink's veths send no TSO superpackets
# (run.sh turns TSO off there: they are XDP programs, not TCP stacks) and
# the sink runs XDP on its end, so auto goes native here; bench/tcp.sh
# shows its choice with real stacks.
source "$(dirname "${BASH_SOURCE[0]}")/tna-generic.sh"
CONFIG_DESC="TNA bridge fast path, target auto (tna-deploy)"
TNA_TARGET=auto
