# The router of the router rows (bench/router/routes.sh) deployed by
# `tna-deploy --target auto` as the controller: the target it plans for
# the router's own pipeline (native when every routed port can take native
# redirects), IPv4 only as the other router rows.
source "$TNA_ROOT/bench/router/routes.sh"
CONFIG_DESC="TNA router, tna-deploy --target auto, $BENCH_ROUTES routes"
CONFIG_MODE=l3
config_setup() {
	local out=/tmp/tna-bench-rauto.$$.log
	router_bench_setup || return
	ip netns exec "$DUT" "$TNA_BIN/tna-deploy" --target auto </dev/null >"$out" 2>&1 &
	TNA_DEPLOY_PID=$!
	for _ in $(seq 100); do
		grep -q '^tna-deploy: ready.*router on' "$out" && { rm -f "$out"; return 0; }
		kill -0 "$TNA_DEPLOY_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -1 "$out"; rm -f "$out"
	return 1
}
config_teardown() {
	if [[ -n ${TNA_DEPLOY_PID:-} ]]; then
		kill -TERM "$TNA_DEPLOY_PID" 2>/dev/null
		wait "$TNA_DEPLOY_PID" 2>/dev/null
		TNA_DEPLOY_PID=
	fi
	router_bench_teardown
}
