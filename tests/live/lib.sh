# Sourced by tests/live/test_*.sh (after tests/lib/netns.sh and
# tests/datapath/lib.sh): run tna-deploy as the controller in namespace
# "br" and read its --status.

# br_netfilter validates and trims bridged IP frames even without rules,
# so the planner leaves such bridges to Linux: turn it off in namespace br
# (these sysctls are per namespace) to measure the fast path.
no_br_nf() {
	in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
		net.bridge.bridge-nf-call-ip6tables=0 \
		net.bridge.bridge-nf-call-arptables=0 2>/dev/null
}

LIVE_DIR=$(mktemp -d)
on_exit "rm -rf $LIVE_DIR"

# start_ctl [ENV=VAL...] -- [tna-deploy args]: sets CTL_PID, waits for the
# "ready" line; the log is $LIVE_DIR/ctl.out.  Extra arguments go to
# tna-deploy (default --target generic -v).
start_ctl() {
	local envs=()
	while [[ $# -gt 0 && $1 != -- ]]; do envs+=("$1"); shift; done
	[[ ${1:-} == -- ]] && shift
	: >"$LIVE_DIR/ctl.out"
	# ip netns exec execs env, which execs the tool: $! is its pid
	ip netns exec "$TNA_NS-br" env "${envs[@]}" "$TNA_BIN/tna-deploy" \
		--target generic -v "$@" >>"$LIVE_DIR/ctl.out" 2>&1 &
	CTL_PID=$!
	on_exit "kill -9 $CTL_PID"
	wait_deploy_ready "$LIVE_DIR/ctl.out" "$CTL_PID"
}

# --status --json of the controller of namespace br, field by python path
# expression on d, e.g. status 'd["running"]'
status() {
	in_ns br "$TNA_BIN/tna-deploy" --status --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
def br(name):
    return next((b for b in d.get("bridges", []) if b.get("bridge") == name), None)
print(eval(sys.argv[1]))' "$1"
}

# Wait until COND (a shell command) holds, up to $2 tenths of a second.
wait_for() {
	local cond=$1 n=${2:-50}
	for _ in $(seq "$n"); do eval "$cond" && return 0; sleep 0.1; done
	return 1
}

# Wait for the controller to log one more "applied" line than it had
# before the change ($1 = count before).
applied_count() { grep -c 'applied .* event' "$LIVE_DIR/ctl.out"; }
wait_applied() { wait_for "[[ \$(applied_count) -gt $1 ]]" 50; }

ifindex() { in_ns br cat "/sys/class/net/$1/ifindex"; }
