# Helpers for the introspection tests (sourced after tests/lib/netns.sh).
#   graph NS FILE         tna-introspect --graph of namespace NS into FILE
#   gcheck "what" FILE EXPR
#       evaluate the Python expression EXPR over the graph in FILE, with
#       n = {id: node}, e = {(from, to, kind)}, reasons(id) = [names];
#       fail with "what" (and print the graph) unless it is true.
#   mcheck ARGS...        tna-model-check --netns ... ARGS; fail on failure

PY=/usr/bin/python3
[[ -x $TNA_BIN/tna-introspect && -x $TNA_BIN/tna-model-check ]] ||
	fail "build first: $TNA_BIN/tna-introspect, tna-model-check missing"

graph() {
	"$TNA_BIN/tna-introspect" --netns "$TNA_NS-$1" --graph >"$2" ||
		fail "tna-introspect --graph in $1 failed"
}

gcheck() {
	local what=$1 file=$2 expr=$3
	if ! $PY - "$file" "$expr" <<'PYEOF'
import json, sys
g = json.load(open(sys.argv[1]))
n = {x["id"]: x for x in g["nodes"]}
e = {(x["from"], x["to"], x["kind"]) for x in g["edges"]}
def reasons(i):
    return [r["name"] for r in n[i]["reasons"]] if i in n else None
sys.exit(0 if eval(sys.argv[2]) else 1)
PYEOF
	then
		cat "$file" >&2
		fail "$what (expected: $expr)"
	fi
	echo "ok: $what"
}

mcheck() {
	local ns=$1; shift
	"$TNA_BIN/tna-model-check" --netns "$TNA_NS-$ns" "$@" || fail "model check in $ns failed"
}

# xdp_pass_obj FILE: a minimal XDP program (returns XDP_PASS) for attaching
# as a "foreign" program.
xdp_pass_obj() {
	command -v clang >/dev/null || skip "clang not installed"
	printf '%s\n' '__attribute__((section("xdp"), used)) int pass(void *ctx) { return 2; }' \
		'char _license[] __attribute__((section("license"), used)) = "GPL";' >"$1.c"
	clang -O2 -target bpf -c "$1.c" -o "$1" || fail "cannot build the test XDP program"
}
