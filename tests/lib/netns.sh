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

TNA_NS=${TNA_NS:-tna$$}
_tna_ns_list=()
_tna_cleanup_hooks=()

on_exit() { _tna_cleanup_hooks+=("$*"); }

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
