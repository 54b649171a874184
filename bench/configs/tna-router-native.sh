# The TNA router fast path (native): tna-router-generic.sh with native XDP.
source "$(dirname "${BASH_SOURCE[0]}")/tna-router-generic.sh"
CONFIG_DESC="TNA router native, $ROUTES_DESC"
RT_TARGET=native
