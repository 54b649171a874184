# The two-lookup limit (xdp-fdb-limit.sh) with its FDB filled in an order
# unrelated to the traffic's, as a bridge learns: xdp-fdb-limit puts source
# j and destination j in turn, j = 0, 1, ..., so its entries lie in memory
# in the order the frames use them, which the CPU prefetches at 100k MACs.
source "$(dirname "${BASH_SOURCE[0]}")/xdp-fdb-limit.sh"
CONFIG_DESC="two FDB hash lookups + devmap redirect, FDB filled in a learned order"
FDB_FILL=(--scatter)
