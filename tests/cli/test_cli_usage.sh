#!/bin/bash
# Command-line conventions of the four tools, without root or namespaces:
# -V/--version prints one version string (the same for every tool), -h
# exits 0, and every usage error -- unknown option, missing argument, a
# number that is not a plain decimal in range, options that cannot be
# combined -- is one line "tna-X: ... (see --help)" on stderr, nothing on
# stdout, exit 2, at once (a bad -w once made tna-stat busy-loop).
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${TNA_BIN:-$PWD/build/bin}
TOOLS=(tna-deploy tna-probe tna-stat tna-introspect)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for t in "${TOOLS[@]}"; do [[ -x $BIN/$t ]] || fail "build first: $BIN/$t"; done

# -V: "tna-X VERSION", VERSION from the VERSION file, the same everywhere
want=$(cat VERSION)
for t in "${TOOLS[@]}"; do
	for o in -V --version; do
		out=$("$BIN/$t" $o) || fail "$t $o: exit $?"
		[[ $out == "$t $want"* && $(wc -l <<<"$out") -eq 1 ]] || fail "$t $o: '$out'"
	done
	"$BIN/$t" -h >"$T/h" || fail "$t -h: exit $?"
	grep -q "^Usage: $t " "$T/h" || fail "$t -h: no 'Usage: $t' line"
	grep -q -- "-V, --version" "$T/h" || fail "$t -h does not list -V"
	echo "ok: $t -V: $out; -h"
done
v=$(for t in "${TOOLS[@]}"; do "$BIN/$t" -V | cut -d' ' -f2-; done | sort -u | wc -l)
[[ $v -eq 1 ]] || fail "the tools report different versions"

# usage ERR-PATTERN TOOL ARGS...: exit 2, one line "TOOL: ...PATTERN... (see --help)"
# on stderr, empty stdout, within 2 s
usage() {
	local pat=$1 t=$2; shift 2
	timeout 2 "$BIN/$t" "$@" >"$T/out" 2>"$T/err"; local rc=$?
	[[ $rc -eq 2 ]] || fail "$t $*: exit $rc, want 2 (stderr: $(head -c 300 "$T/err"))"
	[[ ! -s $T/out ]] || fail "$t $*: printed on stdout: $(head -c 200 "$T/out")"
	[[ $(wc -l <"$T/err") -eq 1 ]] || fail "$t $*: not one line: $(cat "$T/err")"
	grep -q "^$t: .*(see --help)$" "$T/err" || fail "$t $*: style: $(cat "$T/err")"
	grep -qF -- "$pat" "$T/err" || fail "$t $*: want '$pat': $(cat "$T/err")"
	echo "ok: $t $* -> $(cat "$T/err")"
}
for t in "${TOOLS[@]}"; do
	usage "unknown option '--bogus'" "$t" --bogus
	usage "unknown option '-Z'" "$t" -Z
	usage "option '--netns' needs an argument" "$t" --netns
	usage "option '-n' needs an argument" "$t" -n
	usage "unexpected argument 'extra'" "$t" -n x extra
done

# strict numbers: tna-stat -w (seconds), tna-deploy --debounce (ms)
for w in 1e18 inf nan 99999999999999999999 2abc -1 0 5,0 0x10 " 1" 1.5.2 ""; do
	usage "--watch '$w': expected seconds from 0.1 to 86400" tna-stat -w "$w"
done
usage "--watch '2abc'" tna-stat --watch=2abc
for d in 4294967301 5,0 0 -1 abc 5,2 1e3 5,20,30 ,5 "5 "; do
	usage "--debounce '$d': expected QUIET[,MAX] in ms" tna-deploy --debounce "$d"
done

# options that cannot be combined are refused, not ignored
usage "--dump, --graph and --watch exclude each other" tna-introspect --dump --watch
usage "--dump, --graph and --watch exclude each other" tna-introspect --graph --dump
usage "--graph shows the whole namespace: no -i" tna-probe -i lo --graph
usage "--graph shows the whole namespace: no --json" tna-probe --graph=dot --json
usage "--prometheus excludes --watch" tna-stat --prometheus -w 1
usage "--prometheus excludes --json" tna-stat --prometheus -j
args=(); for i in $(seq 65); do args+=(-i "x$i"); done
usage "at most 64 interfaces (-i)" tna-stat "${args[@]}"
usage "at most 64 interfaces (-i)" tna-probe "${args[@]}"
usage "--status, --detach and --dry-run exclude each other" tna-deploy --status --detach
usage "--target is for starting a controller, not with --status" tna-deploy -s -t native
usage "--interface is for starting a controller, not with --detach" tna-deploy -d -i br0
usage "--debounce is for starting a controller, not with --status" tna-deploy --status --debounce 5
usage "--detach has no JSON output" tna-deploy --detach -j
usage "--target 'fast': expected auto, generic, native or offload" tna-deploy -t fast
usage "--log-level 'loud': expected error, info or verbose" tna-deploy --log-level loud
# -n is --netns everywhere: "tna-deploy -n" alone is a usage error, not a dry run
usage "option '-n' needs an argument" tna-deploy -n
echo "all checks passed"
