# Sourced by tests that run tna-deploy as the DUT of the equivalence
# harness (tests/equiv), after tests/lib/netns.sh.
#
#   tna_dut_script FILE MODE [VAR=VALUE...]
#       writes FILE, a DUT command: tna-deploy --target MODE -v (with the
#       environment given); on SIGTERM the fast path's counters
#       (tna-stat --json) go to its first argument before it detaches,
#       a stopped controller is continued first
#   tna_fast_path_did STATJSON MODE MIN
#       every port in STATJSON ran MODE and together they forwarded at
#       least MIN frames (prints how many, and how many went to Linux)

tna_dut_script() {
	local file=$1 mode=$2
	shift 2
	cat > "$file" <<EOS
$* setsid $TNA_BIN/tna-deploy --target $mode -v & pid=\$!
trap '$TNA_BIN/tna-stat --json > "\$1"; kill -CONT \$pid; kill -TERM \$pid; wait \$pid; exit 0' TERM
wait \$pid
EOS
}

tna_fast_path_did() {
	/usr/bin/python3 - "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ports = [i for i in s["interfaces"] if i.get("kind") == "port"]
assert ports and all(i["mode"] == sys.argv[2] for i in ports), ports
fwd = sum(i["forwarded"] for i in ports)
why = {}
for i in ports:
    for r, n in (i.get("passed") or {}).items():
        why[r] = why.get(r, 0) + n
print("run B: fast path forwarded %d frames, passed %d to Linux (%s)" %
      (fwd, sum(i["passed_total"] for i in ports),
       ", ".join("%s %d" % (r, n) for r, n in sorted(why.items()) if n) or "-"))
assert fwd >= int(sys.argv[3]), fwd
PY
}
