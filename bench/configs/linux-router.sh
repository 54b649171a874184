# Linux IPv4 forwarding with BENCH_ROUTES routes in the table (default 10):
# the Linux row of the router comparison (bench/router/routes.sh).
source "$TNA_ROOT/bench/router/routes.sh"
CONFIG_DESC="Linux IPv4 forwarding, $BENCH_ROUTES routes"
CONFIG_MODE=l3
config_setup() { router_bench_setup; }
config_teardown() { router_bench_teardown; }
