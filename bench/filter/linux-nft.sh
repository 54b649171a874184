# Linux forwarding through the typical stateful ruleset with masquerade
# (bench/filter/rules.sh): the Linux row of the netfilter comparison.
source "$TNA_ROOT/bench/filter/rules.sh"
CONFIG_DESC="Linux forwarding, established-first ruleset + $FILTER_RULES rules + masquerade"
CONFIG_MODE=l3
config_setup() { filter_bench_setup typical; }
config_teardown() { filter_bench_teardown; }
