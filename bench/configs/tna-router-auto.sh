# The router of the router rows (bench/router/routes.sh) deployed by
# `tna-deploy --target auto` as the controller: the target it plans for
# the router's own pipeline (native when every routed port can take native
# redirects), both families and the lookups it plans (DIRECT for IPv4 under
# the default policy rules).
source "$TNA_ROOT/bench/router/routes.sh"
CONFIG_DESC="TNA router, tna-deploy --target auto, $ROUTES_DESC"
CONFIG_MODE=l3
CONFIG_IPV6=yes
config_setup() {
	router_bench_setup || return
	bench_deploy_start auto '.*router on'
}
config_teardown() {
	bench_deploy_stop
	router_bench_teardown
}
