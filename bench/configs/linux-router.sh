# Linux IPv4 (IPv6 with --ipv6) forwarding with the table of
# bench/router/routes.sh: the Linux row of the router comparison.
source "$TNA_ROOT/bench/router/routes.sh"
CONFIG_DESC="Linux forwarding, $ROUTES_DESC"
CONFIG_MODE=l3
CONFIG_IPV6=yes
config_setup() { router_bench_setup; }
config_teardown() { router_bench_teardown; }
