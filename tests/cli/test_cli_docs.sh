#!/bin/bash
# What the documentation promises, checked against the tree (no root):
#  - nothing cites documents kept outside the repository, issue numbers
#    or merge markers; every docs/*.md (and §N of kernel-facts.md) that is
#    cited exists; every relative link of README.md and docs/ resolves;
#  - each tool's man page documents exactly the options its --help lists;
#  - every slow-path reason of the fast path is explained in docs/stats.md;
#  - the README is a short entry point: make demo, make check, and the
#    everyday commands (deploy, status, stop, counters) on its first
#    screens; no option a tool does not have.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${TNA_BIN:-$PWD/build/bin}
fail() { echo "FAIL: $*" >&2; exit 1; }
FILES=$( (git ls-files 2>/dev/null || find . -type f ! -path './build/*' ! -path './.git/*') |
	while read -r f; do [[ -f $f && ! -L $f ]] && echo "$f"; done)

# 1. citations
bad=$(grep -nE 'FACTS\.md|DESIGN\.md|CONVENTIONS\.md|\.\./shared|/work/shared|\bissues? #?[0-9]+|(#|/\*|//) *(>>>|<<<) [a-z]' \
	$(grep -v '^tests/cli/test_cli_docs.sh$' <<<"$FILES" | grep -vE '\.(png|pcap|bin)$') 2>/dev/null)
[[ -z $bad ]] || fail "citations of things outside the repository or issue numbers:"$'\n'"$bad"
echo "ok: no outside documents, issue numbers or merge markers cited"
for d in $(grep -ohE 'docs/[a-z0-9_-]+\.md' $FILES 2>/dev/null | sort -u); do
	[[ -f $d ]] || fail "$d is cited but does not exist: $(grep -l "$d" $FILES | head -3)"
done
for n in $(grep -ohE 'kernel-facts\.md,? §[0-9]+' $FILES | grep -oE '[0-9]+$' | sort -u); do
	grep -q "^## §$n\. " docs/kernel-facts.md || fail "docs/kernel-facts.md has no §$n"
done
for f in README.md docs/*.md; do
	for l in $(grep -oE '\]\([^)#:]+' "$f" | sed 's/^](//'); do
		[[ -e $(dirname "$f")/$l ]] || fail "$f links to $l, which does not exist"
	done
done
echo "ok: cited docs, kernel-facts sections and relative links exist"

# 2. man pages and --help agree
for t in tna-deploy tna-stat tna-probe tna-introspect; do
	[[ -f docs/man/$t.8.scd ]] || fail "no man page source for $t"
	help=$("$BIN/$t" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	man=$(sed -n '/^# OPTIONS/,/^# [A-Z]/p' "docs/man/$t.8.scd" | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	only_help=$(comm -23 <(echo "$help") <(echo "$man")); only_man=$(comm -13 <(echo "$help") <(echo "$man"))
	[[ -z $only_help ]] || fail "$t(8) OPTIONS lacks: $only_help"
	[[ -z $only_man ]] || fail "$t(8) OPTIONS has options --help does not: $only_man"
done
echo "ok: the man pages document exactly the options of --help"

# 3. reasons
for r in $(grep -ohE 'X\([A-Z0-9_]+, *"[a-z0-9_]+"\)' bpf/tna_kern_user.h bpf/tna_router_kern_user.h \
	   bpf/tna_filter_kern_user.h | sed 's/.*"\(.*\)")/\1/'); do
	grep -q "\`$r\`" docs/stats.md docs/router.md docs/netfilter.md ||
		fail "reason $r is not explained in docs/stats.md, docs/router.md or docs/netfilter.md"
done
echo "ok: every reason is explained"

# 4. the README as an entry point
n=$(wc -l <README.md)
(( n <= 160 )) || fail "README.md has $n lines: an entry point fits on a few screens"
head -80 README.md >/tmp/readme.$$; trap 'rm -f /tmp/readme.$$' EXIT
for c in 'make demo' 'make check' 'tna-deploy' 'tna-deploy --status' 'tna-deploy --detach' 'tna-stat'; do
	grep -qF -- "$c" /tmp/readme.$$ || fail "README's first 80 lines lack '$c'"
done
grep -n -- '--peer-gro' README.md docs/*.md | grep -i "tna-deploy\|controller" &&
	fail "a GRO option attributed to the controller, which has none"
for t in tna-deploy tna-stat tna-probe tna-introspect; do
	opts=$("$BIN/$t" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	for o in $(grep -ohE "$t( [^\`|\"'#]*)? --[a-z][a-z-]+" README.md docs/*.md | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -qx -- "$o" <<<"$opts" || fail "the docs give $t an option it does not have: $o"
	done
done
echo "ok: README is $n lines with the everyday commands; no option a tool lacks"
echo "all checks passed"
