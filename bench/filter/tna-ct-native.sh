# TNA (native) with only `ct state established accept` (no NAT): against
# tna-router-native, what a conntrack lookup (with the checksum check
# nf_conntrack_checksum asks for) costs per packet.
source "$TNA_ROOT/bench/filter/rules.sh"
CONFIG_DESC="TNA router native + conntrack lookup (ct state established accept)"
CONFIG_MODE=l3
config_setup() { filter_bench_setup ct && filter_tna_start native; }
config_teardown() { filter_tna_stop; filter_bench_teardown; }
