# Sourced by every benchmark script (bench/run.sh, reconfig.sh, scale.sh):
# the environment, and a private workspace removed on any exit.
#
#   bench_env                      BUILD, TNA_ROOT, TNA_BIN, PY; cd to the root
#   bench_workspace NAME PREFIX TOOL...
#       needs TOOL... built and root (else the caller's die, exit 2); then
#       namespaces named PREFIX<pid>-* (tests/lib/netns.sh), WORK a fresh
#       /tmp/tna-NAME.* directory; on exit: the pids listed in $WORK/pids
#       are killed, $WORK is copied to $BENCH_KEEP when set, then removed.

bench_env() {
	cd "$(dirname "$0")/.." || exit 2
	BUILD=${BUILD:-build}
	TNA_ROOT=$PWD
	TNA_BIN=$TNA_ROOT/$BUILD/bin
	PY=/usr/bin/python3
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
	# itself within its duration)
	on_exit "kill \$(cat '$WORK/pids' 2>/dev/null) 2>/dev/null"
	[[ -n ${BENCH_KEEP:-} ]] &&
		on_exit "rm -rf '$BENCH_KEEP'; cp -r '$WORK' '$BENCH_KEEP'"
	on_exit "rm -rf '$WORK'"
	trap 'exit 130' INT TERM
}
