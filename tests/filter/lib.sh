# Sourced by tests/filter/test_filter_{equiv,bridge,deploy_equiv}.sh (after
# tests/lib/netns.sh): one run of the equivalence harness.
#   filter_equiv NAME RECIPE SCRIPT DUT-CMD [READY-LINE (default ^ready)]
# Runs tests/equiv/equiv.py (run B: DUT-CMD), prints the report and the DUT
# command's output, fails unless equivalent or when namespaces are left;
# the DUT output stays in $FILTER_OUT/NAME/tna-dut.log for more checks.
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
export TNA_BIN TNA_ROOT
FILTER_OUT=$(mktemp -d)
on_exit "rm -rf $FILTER_OUT"

filter_equiv() {
	local name=$1 recipe=$2 script=$3 cmd=$4 ready=${5:-^ready} rc
	/usr/bin/python3 "$TNA_ROOT/tests/equiv/equiv.py" --prefix "$TNA_NS-eq" --recipe "$recipe" \
		--script "$script" --out "$FILTER_OUT/$name" --save-pcaps \
		--json-out "$FILTER_OUT/$name.json" --dut-ready-line "$ready" \
		--dut-cmd "$cmd" >"$FILTER_OUT/$name.txt"
	rc=$?
	cat "$FILTER_OUT/$name.txt"
	echo "--- DUT output"
	cat "$FILTER_OUT/$name/tna-dut.log"
	[[ $rc -eq 0 ]] || fail "$name: not equivalent to Linux (exit $rc)"
	[[ -z $(ip netns list | grep "^$TNA_NS-eq") ]] || fail "$name: namespaces left behind"
}

# The fast path's counter KEY (forwarded, dropped, ...) of PORT in NAME's run.
filter_stat() {
	awk -v p="$2" -v k="$3" '$1 == "stats" && $2 == p {
		for (i = 3; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }' \
		"$FILTER_OUT/$1/tna-dut.log"
}
