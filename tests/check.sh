#!/bin/bash
# `make check`: the host tier (tests/run.sh: unit and netns tests on this
# kernel), then the VM tier (tests/vm/run.sh: tests that need the test
# kernel, inside qemu), then the sum of both as the last line,
# "N passed, N failed, N skipped".  Arguments: test names or globs, for both.
set -u
cd "$(dirname "$0")/.." || exit 1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
total_pass=0 total_fail=0 total_skip=0

tier() {	# title command...
	echo "== $1"
	shift
	"$@" | tee "$out"
	if [[ $(tail -1 "$out") =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
		total_pass=$((total_pass + BASH_REMATCH[1]))
		total_fail=$((total_fail + BASH_REMATCH[2]))
		total_skip=$((total_skip + BASH_REMATCH[3]))
	else
		total_fail=$((total_fail + 1))
		echo "check: $1 ended without a summary"
	fi
	echo
}

tier "host tests (tests/run.sh)" tests/run.sh "$@"
tier "VM tests (tests/vm/run.sh)" tests/vm/run.sh "$@"
echo "total: host + VM"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[[ $total_fail -eq 0 && $((total_pass + total_skip)) -gt 0 ]]
