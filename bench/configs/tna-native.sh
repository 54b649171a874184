# TNA on the Linux bridge, native target (see tna-generic.sh).  The output
# ports become redirect egresses once tna-sink's XDP program is on their
# peers; the controller notices within a second (the warm-up covers it).
source "$(dirname "${BASH_SOURCE[0]}")/tna-generic.sh"
CONFIG_DESC="TNA bridge fast path, native XDP (tna-deploy)"
TNA_TARGET=native
