#!/bin/bash
# nft-sync.sh NFT-ARGS...: `nft NFT-ARGS`, then, when tna-rt-test --filter
# runs in this namespace, wait until the fast path enforces that ruleset
# generation (it writes /run/tna-filter-gen.NETNS after each switch).
# Used by traffic scripts so that frames sent right after a rule change
# are judged by the new rules in both runs; the window itself is measured
# by tests/filter/test_filter_window.sh.  Fails after 5 s.
nft "$@" || exit
ns=$(ip netns identify 2>/dev/null); ns=${ns:-init}
f=/run/tna-filter-gen.$ns
[[ -e $f ]] || exit 0
want=$("$TNA_BIN/tna-nf-compile" --genid) || exit
for _ in $(seq 500); do
	have=$(cat "$f" 2>/dev/null)
	(( ${have:-0} >= want )) && exit 0
	sleep 0.01
done
echo "nft-sync: the fast path did not reach generation $want (at ${have:-none})" >&2
exit 1
