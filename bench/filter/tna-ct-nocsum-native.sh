# tna-ct-native with net.netfilter.nf_conntrack_checksum=0: the lookup
# without the transport checksum check.
source "$TNA_ROOT/bench/filter/rules.sh"
CONFIG_DESC="TNA router native + conntrack lookup, nf_conntrack_checksum=0"
CONFIG_MODE=l3
config_setup() {
	filter_bench_setup ct || return
	ip netns exec "$DUT" sysctl -qw net.netfilter.nf_conntrack_checksum=0 || return
	filter_tna_start native
}
config_teardown() {
	filter_tna_stop
	ip netns exec "$DUT" sysctl -qw net.netfilter.nf_conntrack_checksum=1 2>/dev/null
	filter_bench_teardown
}
