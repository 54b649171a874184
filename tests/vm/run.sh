#!/bin/bash
# The VM tier of `make check` (and all of `make check-vm`): the tests that
# need the test kernel of kernel/ (tests/vm/vm_*.sh, and hw-tests/*/vm_*.sh:
# netdevsim), run inside it under
# qemu.  Installs the VM tier's packages when missing, builds the kernel or
# reuses the cached one (kernel/build.sh), boots it once (kernel/vm-run.sh)
# and runs every matching test there (tests/vm/guest.sh).  Optional $1 is a
# test's name or a glob, as for tests/run.sh; without a match nothing is
# built or booted.  Ends with "N passed, N failed, N skipped"; the console
# is in $BUILD/test-logs/vm-console.log, each test's log next to it.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
pattern=${1:-}
logdir=$BUILD/test-logs
mkdir -p "$logdir"

tests=()
for t in tests/vm/vm_*.sh hw-tests/*/vm_*.sh; do
	name=$(basename "$t" .sh)
	# shellcheck disable=SC2053  # the pattern is a glob on purpose
	[[ -n $pattern && $name != $pattern ]] && continue
	tests+=("$t")
done
if [[ ${#tests[@]} -eq 0 ]]; then
	echo "vm: no VM test matches '$pattern'"
	echo "0 passed, 0 failed, 0 skipped"
	exit 0
fi

summary_fail() {	# name why: the tier could not run its tests
	printf 'FAIL  %-40s %s\n' "$1" "$2"
	echo
	echo "0 passed, ${#tests[@]} failed, 0 skipped"
	exit 1
}

[[ $(uname -m) == x86_64 ]] || {
	for t in "${tests[@]}"; do printf 'SKIP  %-40s %s\n' "$(basename "$t" .sh)" "SKIP: the test VM is x86_64 only"; done
	echo; echo "0 passed, 0 failed, ${#tests[@]} skipped"; exit 0; }
scripts/install-deps.sh --vm || summary_fail vm_deps "cannot install the VM tier's packages"

start=$SECONDS
# build.sh's progress lines as they come (a cold build takes minutes)
kernel=$(kernel/build.sh 2> >(tee "$logdir/vm-kernel-build.log" | sed -u 's/^/vm: /' >&2))
rc=$?
[[ $rc -eq 0 ]] || summary_fail vm_kernel "kernel build failed (log: $logdir/vm-kernel-build.log)"
echo "vm: kernel ready in $((SECONDS - start)) s: $kernel"

boot=$SECONDS
console=$logdir/vm-console.log
kernel/vm-run.sh --kernel "$kernel" --log "$console" --timeout "${TNA_VM_TIMEOUT:-3600}" \
	-- tests/vm/guest.sh "${tests[@]}" | grep --line-buffered -E '^(PASS|FAIL|SKIP|    \||failed:|vm-run:)|^$'
rc=${PIPESTATUS[0]}
echo "vm: tests ran in $((SECONDS - boot)) s (boot included)"
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$console" | tail -1)
if [[ $rc -ge 124 || -z $last ]]; then
	tail -30 "$console" | sed 's/^/    | /'
	summary_fail vm_guest "the VM did not finish (exit $rc, console: $console)"
fi
echo
echo "$last"
exit "$rc"
