#!/bin/bash
# bench/router/matrix.sh: the router rows over every table of routes.sh, one
# bench/run.sh invocation per table (configurations interleaved within it,
# through prog_ns.sh: the XDP programs' own ns per packet too), then the
# per-round ratios of all of them (ratios.py) and the programs' costs.
#
#   bench/router/matrix.sh [--runs N] [--duration S] [--out DIR] [--tables LIST]
#                          [--base BINDIR]
#
# Tables (comma-separated; default all): FAMILY-ROUTES-NEIGH-FIB, e.g.
# v4-1-0-direct, v6-100000-0-direct, v4-1-10000-direct, v4-1-0-full.
# Configurations: linux-router, tna-router-native, xdp-forward (skipped with
# its reason where it is not installed), xdp-fib-limit; with --base, also
# TNA run from the binaries in BINDIR (another build: before/after in the
# same rounds, bench/router/base).  JSON per table in
# DIR (default a fresh /tmp directory, kept).  Exit: 0, 1 a table failed,
# 2 bad usage.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
RUNS=5 DURATION=1 OUT= TABLES= BASE=
TABLES_ALL=v4-1-0-direct,v4-1000-0-direct,v4-100000-0-direct,v4-1-10000-direct,v4-1-0-full,v6-1-0-direct,v6-1000-0-direct,v6-100000-0-direct,v6-1-10000-direct,v6-1-0-full
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "matrix: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
	case $1 in
	--runs) RUNS=${2:-} ;;
	--duration) DURATION=${2:-} ;;
	--out) OUT=${2:-} ;;
	--tables) TABLES=${2:-} ;;
	--base) BASE=${2:-} ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
	[[ $# -ge 2 ]] || die "option needs a value"
	shift 2
done
OUT=${OUT:-$(mktemp -d /tmp/tna-router-matrix.XXXXXX)}
mkdir -p "$OUT" || die "cannot create '$OUT'"
IFS=, read -ra tables <<<"${TABLES:-$TABLES_ALL}"
rc=0 files=()
for t in "${tables[@]}"; do
	[[ $t =~ ^v([46])-([0-9]+)-([0-9]+)-(direct|full)$ ]] || die "bad table '$t'"
	fam=${BASH_REMATCH[1]}
	args=(--runs "$RUNS" --duration "$DURATION" --json "$OUT/$t.json")
	[[ $fam == 6 ]] && args+=(--ipv6 --size 66) || args+=(--size 64)
	[[ -n $BASE ]] && args+=(--config-dir bench/router/base)
	echo "matrix: $t" >&2
	TNA_BASE_BIN=$BASE PROG_NS_EXTRA=${BASE:+tna-router-base} \
	BENCH_ROUTES=${BASH_REMATCH[2]} BENCH_NEIGH=${BASH_REMATCH[3]} BENCH_FIB=${BASH_REMATCH[4]} \
		bench/router/prog_ns.sh "${args[@]}" >"$OUT/$t.txt" 2>"$OUT/$t.log" ||
		{ rc=1; tail -3 "$OUT/$t.log" >&2; }
	[[ -s $OUT/$t.json ]] && files+=("$OUT/$t.json")
done
echo "matrix: results in $OUT" >&2
[[ ${#files[@]} -gt 0 ]] && /usr/bin/python3 bench/router/ratios.py "${files[@]}"
for t in "${tables[@]}"; do
	sed -n "s/^prog_ns: /$t: /p" "$OUT/$t.txt"
done
exit $rc
