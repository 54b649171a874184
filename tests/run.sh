#!/bin/bash
# Run every test: unit binaries ($BUILD/tests/test_*), netns integration
# scripts (tests/integration/test_*.sh, tests/*/test_*.sh) and the hardware
# tests that run on this kernel (hw-tests/*/test_*.sh: they skip, saying
# why, without their device).  Arguments select tests by name:
# `test_deploy_equiv` runs exactly that test, a shell glob a group
# (`'test_deploy*'`, `'*equiv*'`); several may be given.  A name that
# matches no test (here or in the VM tier, tests/vm/run.sh) is an error.
# A test exits 0 = pass, 77 = skip (it prints the reason), anything else =
# fail.  Ends with the line "N passed, N failed, N skipped".
# $TNA_TESTS (paths, space separated) replaces the list of tests and
# $TNA_TEST_TIMEOUT the 600 s limit of a script (the VM tier uses both).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD TNA_ROOT=$PWD TNA_BIN=$PWD/$BUILD/bin
patterns=("$@")
pass=0 fail=0 skip=0 failed=()
logdir=$BUILD/test-logs
mkdir -p "$logdir"

tests=()
for t in "$BUILD"/tests/test_*; do [[ -x $t ]] && tests+=("$t"); done
# tests/*/ already covers tests/integration/: list each script once.
for t in tests/*/test_*.sh hw-tests/*/test_*.sh; do
	[[ -f $t && $t != tests/unit/* ]] && tests+=("$t")
done
[[ -n ${TNA_TESTS:-} ]] && read -ra tests <<<"$TNA_TESTS"

selected() {	# name: matches one of the patterns (or there are none)
	local p
	[[ ${#patterns[@]} -eq 0 ]] && return 0
	for p in "${patterns[@]}"; do
		# shellcheck disable=SC2053  # the pattern is a glob on purpose
		[[ $1 == $p ]] && return 0
	done
	return 1
}
for p in "${patterns[@]}"; do
	found=0
	# a VM test's name selects nothing here (tests/check.sh runs both tiers)
	for t in "${tests[@]}" tests/vm/vm_*.sh hw-tests/*/vm_*.sh; do
		name=$(basename "$t"); name=${name%.sh}
		# shellcheck disable=SC2053
		[[ $name == $p ]] && found=1 && break
	done
	[[ $found == 1 ]] || { echo "tests/run.sh: no test named '$p' (a glob selects a group: 'test_deploy*')" >&2; exit 2; }
done

for t in "${tests[@]}"; do
	name=$(basename "$t"); name=${name%.sh}
	selected "$name" || continue
	log=$logdir/$name.log
	start=$SECONDS
	if [[ $t == *.sh ]]; then
		timeout "${TNA_TEST_TIMEOUT:-600}" bash "$t" >"$log" 2>&1; rc=$?
	else
		timeout 300 "$t" >"$log" 2>&1; rc=$?
	fi
	dur=$((SECONDS - start))
	case $rc in
	0)  pass=$((pass + 1)); printf 'PASS  %-40s %3ds\n' "$name" "$dur" ;;
	77) skip=$((skip + 1)); printf 'SKIP  %-40s %s\n' "$name" \
		"$(grep -m1 '^SKIP' "$log" | cut -c1-100)" ;;
	*)  fail=$((fail + 1)); failed+=("$name")
	    printf 'FAIL  %-40s %3ds (exit %d)\n' "$name" "$dur" "$rc"
	    sed 's/^/    | /' "$log" | tail -40 ;;
	esac
done

echo
[[ ${#failed[@]} -gt 0 ]] && echo "failed: ${failed[*]}  (logs in $logdir/)"
echo "$pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 && $((pass + skip)) -gt 0 ]]
