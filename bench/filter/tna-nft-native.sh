# TNA (native): the typical stateful ruleset with masquerade compiled into the
# router pipeline (tna-rt-test --filter): conntrack lookup, forward chain,
# NAT rewrite, fib, redirect.
source "$TNA_ROOT/bench/filter/rules.sh"
CONFIG_DESC="TNA router native + filter/ct/NAT, established-first + $FILTER_RULES rules + masquerade"
CONFIG_MODE=l3
config_setup() { filter_bench_setup typical && filter_tna_start native; }
config_teardown() { filter_tna_stop; filter_bench_teardown; }
