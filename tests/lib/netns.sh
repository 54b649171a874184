# Sourced by integration tests: private network namespaces and veth pairs,
# removed on exit even when the test fails.  Nothing here touches the root
# namespace's interfaces: veths are created inside test namespaces.
#
#   need_root                  skip (exit 77) with a reason unless root
#   ns NAME                    create namespace "$TNA_NS-NAME", echo its name
#   veth NS1 IF1 NS2 IF2       veth pair IF1 in NS1 <-> IF2 in NS2, both up
#   in_ns NS cmd...            ip netns exec "$TNA_NS-NS" cmd...
#   fail "msg" / skip "msg"    end the test
#   check "what" cmd...        run cmd; fail with "what" when it fails
#   on_exit_kill PID [SIG]     at exit, signal PID (KILL) if it is still ours
#   tna_kill_ours SIG PID...   signal those PIDs that run in our namespaces

TNA_NS=${TNA_NS:-tna$$}
_tna_ns_list=()
_tna_cleanup_hooks=()

on_exit() { _tna_cleanup_hooks+=("$*"); }

# A pid recorded a while ago may name another process by now: pid_max is
# 32768 and this shared machine goes through it in minutes, so a plain
# `kill $pid` at exit can hit another test's tool (a silent death there).
# Ours are the processes in our namespaces ($TNA_NS-*): every tool a test
# starts runs in one (ip netns exec, or --netns).
tna_kill_ours() {
	local sig=$1 p n net ours=(); shift
	for n in /run/netns/"$TNA_NS"-*; do
		[[ -e $n ]] && ours+=("net:[$(stat -L -c %i "$n")]")
	done
	for p in "$@"; do
		net=$(readlink "/proc/$p/ns/net" 2>/dev/null) || continue
		[[ " ${ours[*]} " == *" $net "* ]] && kill -s "$sig" "$p"
	done
	return 0
}
on_exit_kill() { on_exit "tna_kill_ours ${2:-KILL} $1"; }

_tna_cleanup() {
	local rc=$? h n
	for h in "${_tna_cleanup_hooks[@]}"; do eval "$h" >/dev/null 2>&1 || true; done
	for n in "${_tna_ns_list[@]}"; do ip netns del "$n" 2>/dev/null || true; done
	return $rc
}
trap _tna_cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
need_root() { [[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces, XDP)"; }

# wait_deploy_ready OUT PID [TENTHS]: tna-deploy's output OUT gets its
# "ready" line while PID lives, within TENTHS tenths of a second (100);
# else OUT is shown and the test fails.
wait_deploy_ready() {
	local out=$1 pid=$2
	for _ in $(seq "${3:-100}"); do
		grep -q '^tna-deploy: ready' "$out" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$out" >&2
	fail "tna-deploy did not print its ready line"
}

check() {
	local what=$1; shift
	"$@" || fail "$what (command: $*)"
	echo "ok: $what"
}

ns() {
	local n="$TNA_NS-$1"
	ip netns add "$n" || fail "cannot create netns $n"
	_tna_ns_list+=("$n")
	ip -n "$n" link set lo up
}

in_ns() { local n="$TNA_NS-$1"; shift; ip netns exec "$n" "$@"; }

veth() {
	local n1="$TNA_NS-$1" i1=$2 n2="$TNA_NS-$3" i2=$4
	ip -n "$n1" link add "$i1" type veth peer name "$i2" netns "$n2" ||
		fail "cannot create veth $i1/$i2"
	ip -n "$n1" link set "$i1" up
	ip -n "$n2" link set "$i2" up
}
