# Sourced by every benchmark script (bench/run.sh, reconfig.sh, scale.sh):
# the environment, and a private workspace removed on any exit.
#
#   bench_env                      BUILD, TNA_ROOT, TNA_BIN, PY; cd to the root
#   bench_workspace NAME PREFIX TOOL...
#       needs TOOL... built and root (else the caller's die, exit 2); then
#       namespaces named PREFIX<pid>-* (tests/lib/netns.sh), WORK a fresh
#       /tmp/tna-NAME.* directory; on exit: the pids listed in $WORK/pids
#       that still run in its namespaces are killed, $WORK is copied to
#       $BENCH_KEEP when set, then removed.
#   bench_deploy_start TARGET [READY] / bench_deploy_ready / bench_deploy_stop
#       tna-deploy as a configuration's controller in $DUT
#   bench_opts 'OPTION=VAR ...' ARG...
#       every ARG pair "--OPTION VALUE" sets VAR; -h/--help runs the
#       caller's usage and exits 0; an unknown option or a missing value is
#       the caller's die (exit 2)

bench_env() {
	cd "$(dirname "$0")/.." || exit 2
	BUILD=${BUILD:-build}
	TNA_ROOT=$PWD
	TNA_BIN=$TNA_ROOT/$BUILD/bin
	PY=/usr/bin/python3
}

bench_opts() {
	local map=$1 o var
	shift
	while [[ $# -gt 0 ]]; do
		[[ $1 == -h || $1 == --help ]] && { usage; exit 0; }
		var=
		for o in $map; do
			[[ $1 == "--${o%%=*}" ]] && { var=${o#*=}; break; }
		done
		[[ -n $var ]] || { usage >&2; die "unknown option '$1'"; }
		[[ $# -ge 2 ]] || die "option needs a value"
		printf -v "$var" '%s' "$2"
		shift 2
	done
}

bench_workspace() {
	local name=$1 prefix=$2 t
	shift 2
	for t in "$@"; do
		[[ -x $TNA_BIN/$t ]] || die "$TNA_BIN/$t is missing: run make first"
	done
	[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces, XDP)"
	TNA_NS=$prefix$$
	source "$TNA_ROOT/tests/lib/netns.sh"
	WORK=$(mktemp -d "/tmp/tna-$name.XXXXXX")
	# tools still running when the script is stopped (each also ends by
	# itself within its duration); only those still in our namespaces: a
	# long run's early pids belong to other processes by its end
	on_exit "tna_kill_ours TERM \$(cat '$WORK/pids' 2>/dev/null)"
	[[ -n ${BENCH_KEEP:-} ]] &&
		on_exit "rm -rf '$BENCH_KEEP'; cp -r '$WORK' '$BENCH_KEEP'"
	on_exit "rm -rf '$WORK'"
	trap 'exit 130' INT TERM
}

# For configurations (bench/configs/*.sh): tna-deploy --target TARGET as the
# controller in $DUT, until its ready line matches READY (default: any),
# BENCH_READY_S seconds at most (10; the test VM's TCG needs more);
# TNA_DEPLOY_PID for bench_deploy_stop.  On failure prints the last line.
bench_deploy_start() {
	local out=/tmp/tna-bench-deploy.$$.log keep=
	# BENCH_DEPLOY_LOGS=DIR: each controller's whole log kept there
	if [[ -n ${BENCH_DEPLOY_LOGS:-} ]]; then
		mkdir -p "$BENCH_DEPLOY_LOGS" || return
		out=$(mktemp "$BENCH_DEPLOY_LOGS/deploy-$(date -u +%H%M%S).XXXX.log") || return
		keep=1
	fi
	ip netns exec "$DUT" "$TNA_BIN/tna-deploy" --target "$1" </dev/null >"$out" 2>&1 &
	TNA_DEPLOY_PID=$!
	for _ in $(seq $((${BENCH_READY_S:-10} * 10))); do
		if grep -q "^tna-deploy: ready${2:-}" "$out"; then
			[[ -n $keep ]] || rm -f "$out"
			return 0
		fi
		kill -0 "$TNA_DEPLOY_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -1 "$out"
	[[ -n $keep ]] || rm -f "$out"
	return 1
}

# Steady state for a measurement: the controller has applied every event
# so far (--sync) and has no FDB key left to write or to confirm again
# (fdb_mirror.pending of every bridge is 0), so the fast path holds what
# the pre-learning taught the bridge.  60 s at most; prints why not.
bench_deploy_ready() {
	local i st
	for ((i = 0; i < 600; i++)); do
		st=$(ip netns exec "$DUT" "$TNA_BIN/tna-deploy" --sync 2>&1 &&
		     ip netns exec "$DUT" "$TNA_BIN/tna-deploy" --status -j 2>&1) &&
		"$PY" -c 'import json, sys
b = json.load(sys.stdin).get("bridges") or []
sys.exit(0 if b and all(x.get("fdb_mirror", {}).get("pending", 1) == 0 for x in b) else 1)' \
			<<<"$st" && return 0
		sleep 0.1
	done
	echo "the FDB mirror is not settled after 60 s: $(tr '\n' ' ' <<<"$st" | cut -c1-200)"
	return 1
}

bench_deploy_stop() {
	if [[ -n ${TNA_DEPLOY_PID:-} ]]; then
		kill -TERM "$TNA_DEPLOY_PID" 2>/dev/null
		wait "$TNA_DEPLOY_PID" 2>/dev/null
		TNA_DEPLOY_PID=
	fi
}
