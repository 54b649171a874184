# TNA (generic) under tna-deploy: the typical stateful ruleset with
# masquerade, the router planned from the configuration with its rules
# compiled (nf_filter): conntrack lookup, forward chain, NAT rewrite, fib,
# redirect.
source "$TNA_ROOT/bench/filter/rules.sh"
CONFIG_DESC="tna-deploy router generic, rules compiled: established-first + $FILTER_RULES rules + masquerade"
CONFIG_MODE=l3
config_setup() { filter_bench_setup typical && filter_deploy_start generic; }
config_teardown() { filter_tna_stop; filter_bench_teardown; }
