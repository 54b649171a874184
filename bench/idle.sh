#!/bin/bash
# bench/idle.sh: the controller's own cost when nothing happens.
#   One bridge br0 with N veth ports p0..p(N-1) in the DUT namespace; their
#   peers c0.. all in one other namespace (--peers own: as a container
#   host's veths, one namespace for all peers instead of one each: the DUT
#   side is the same) or in the DUT namespace too (--peers same: N more
#   links there, each with an IPv6 link-local address), every link up, no
#   traffic, no change.  tna-deploy --target TARGET (generic) runs until
#   ready, settles SETTLE seconds, then its CPU time
#   (utime + stime of every thread, /proc/PID/stat) over IDLE seconds is
#   the figure: % of one core and µs per port per second.  --old BIN runs
#   another build's tna-deploy in the same rounds, interleaved; medians of
#   RUNS rounds.  --strace adds the system-call mix per second: one run
#   under strace -f -c stopped after SETTLE and one after SETTLE + IDLE
#   seconds idle, the difference over IDLE.  See bench/README.md.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bench_env

usage() {
	cat <<'USAGE'
usage: bench/idle.sh [options]
  --ports LIST     port counts, comma separated (1,50,200)
  --idle S         measured idle window, seconds (10)
  --settle S       wait after ready before measuring, seconds (3)
  --runs R         rounds per port count, median reported (3)
  --old BIN        directory with another build's tna-deploy, measured
                   in the same rounds (before/after)
  --peers own|same the veth peers in a namespace of their own or in the
                   DUT's (own)
  --target T       tna-deploy --target (generic)
  --strace 0|1     also the system calls per second (1; needs strace)
  -h, --help
Exit: 0 measured; 1 a step failed; 2 bad usage or not root.
USAGE
}
die() { echo "idle: $*" >&2; exit 2; }
PORTS=1,50,200 IDLE=10 SETTLE=3 RUNS=3 OLD= STRACE=1 PEERS=own TARGET=generic
bench_opts 'ports=PORTS idle=IDLE settle=SETTLE runs=RUNS old=OLD strace=STRACE peers=PEERS target=TARGET' "$@"
[[ $PORTS =~ ^[0-9]+(,[0-9]+)*$ ]] || die "bad --ports '$PORTS'"
[[ $IDLE =~ ^[0-9]+$ ]] && ((IDLE >= 1)) || die "bad --idle '$IDLE'"
[[ $SETTLE =~ ^[0-9]+$ ]] || die "bad --settle '$SETTLE'"
[[ $RUNS =~ ^[0-9]+$ ]] && ((RUNS >= 1)) || die "bad --runs '$RUNS'"
[[ $STRACE == [01] ]] || die "bad --strace '$STRACE'"
[[ $PEERS == own || $PEERS == same ]] || die "bad --peers '$PEERS'"
[[ $TARGET =~ ^[a-z]+$ ]] || die "bad --target '$TARGET'"
[[ -z $OLD || -x $OLD/tna-deploy ]] || die "no tna-deploy in '$OLD'"
((STRACE == 0)) || command -v strace >/dev/null || die "--strace 1 needs strace"
bench_workspace idle tnai tna-deploy
err() { echo "idle: $*" >&2; exit 1; }
HZ=$(getconf CLK_TCK)
BUILDS=("new:$TNA_BIN")
[[ -n $OLD ]] && BUILDS=("old:$OLD" "${BUILDS[@]}")

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# N ports on br0 in $TNA_NS-dut, peers in $TNA_NS-peer or there too
# (fresh each time)
testbed() {
	local n=$1 i p=$TNA_NS-peer
	ip netns del "$TNA_NS-dut" 2>/dev/null
	ip netns del "$TNA_NS-peer" 2>/dev/null
	_tna_ns_list=()
	ns dut >/dev/null; ns peer >/dev/null
	[[ $PEERS == same ]] && p=$TNA_NS-dut
	{
		echo "link add br0 type bridge"
		for ((i = 0; i < n; i++)); do
			echo "link add p$i type veth peer name c$i netns $p"
			echo "link set p$i master br0 up"
		done
		echo "link set br0 up"
	} | ip -n "$TNA_NS-dut" -batch - || err "cannot build $n ports"
	for ((i = 0; i < n; i++)); do echo "link set c$i up"; done |
		ip -n "$p" -batch - || err "cannot set the peers up"
}

# BIN [strace-output]: start tna-deploy, wait until ready; sets PID (the
# controller itself, also under strace) and SPID (what to wait for)
start() {
	local bin=$1 so=${2:-} log=$WORK/deploy.log i wait=1200
	if [[ -n $so ]]; then
		ip netns exec "$TNA_NS-dut" strace -f -c -o "$so" "$bin/tna-deploy" --target "$TARGET" \
			</dev/null >"$log" 2>&1 &
	else
		ip netns exec "$TNA_NS-dut" "$bin/tna-deploy" --target "$TARGET" </dev/null >"$log" 2>&1 &
	fi
	SPID=$!
	echo "$SPID" >>"$WORK/pids"
	PID=$SPID
	# under strace a build that opens sockets per port starts slowly
	[[ -n $so ]] && wait=6000
	for ((i = 0; i < wait; i++)); do
		grep -qs '^tna-deploy: ready' "$log" && break
		kill -0 "$SPID" 2>/dev/null || err "tna-deploy ended: $(tail -1 "$log")"
		sleep 0.1
	done
	grep -q '^tna-deploy: ready' "$log" || err "$bin: not ready after $((wait / 10)) s: $(tail -1 "$log")"
	if [[ -n $so ]]; then
		PID=$(pgrep -P "$SPID" -x tna-deploy) || err "no tna-deploy under strace"
		echo "$PID" >>"$WORK/pids"
	fi
}

stop() {
	kill -TERM "$PID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}

# one CPU figure: ticks over IDLE seconds
cpu_run() {
	local t0 t1
	start "$1"
	sleep "$SETTLE"
	t0=$(cpu_ticks "$PID"); sleep "$IDLE"; t1=$(cpu_ticks "$PID")
	stop
	echo $((t1 - t0))
}

# strace -c of a run idle for S seconds after ready
strace_run() {	# BIN S OUT
	start "$1" "$3"
	sleep "$2"
	stop
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# calls per second: the (SETTLE+IDLE)-second run minus the SETTLE one
strace_rate() {	# SHORT LONG
	awk -v t="$IDLE" '
		FNR == 1 { f++ }
		/^[ ]*[0-9.]+[ ]+[0-9.]+[ ]+[0-9]+[ ]+[0-9]+/ {
			name = $NF; calls = $4
			if (f == 1) a[name] = calls; else b[name] = calls
		}
		END { for (k in b) { d = (b[k] - a[k]) / t; if (d >= 1) printf "%8.0f %s\n", d, k } }
	' "$1" "$2" | sort -rn | head -14 | awk '{printf "%s %s, ", $1, $2} END {print ""}'
}

echo "tna-deploy --target $TARGET, peers: $PEERS namespace, $(nproc) CPUs, $(uname -r)"
printf '%-6s %-5s %8s %10s %10s   %s\n' ports build ticks "% core" "µs/port/s" "rounds (ticks over ${IDLE}s, 1 tick = $((1000 / HZ)) ms)"
for n in ${PORTS//,/ }; do
	testbed "$n"
	declare -A samples=()
	for ((r = 0; r < RUNS; r++)); do
		for b in "${BUILDS[@]}"; do
			samples[${b%%:*}]+="$(cpu_run "${b#*:}") " || exit 1
		done
	done
	for b in "${BUILDS[@]}"; do
		name=${b%%:*}
		m=$(tr ' ' '\n' <<<"${samples[$name]}" | grep . | median)
		pct=$($PY -c "print(f'{$m / $HZ / $IDLE * 100:.1f}')")
		upp=$($PY -c "print(f'{$m / $HZ / $IDLE / $n * 1e6:.0f}')")
		printf '%-6s %-5s %8s %10s %10s   %s\n' "$n" "$name" "$m" "$pct" "$upp" "${samples[$name]}"
	done
	if ((STRACE)); then
		for b in "${BUILDS[@]}"; do
			strace_run "${b#*:}" "$SETTLE" "$WORK/s.short" || exit 1
			strace_run "${b#*:}" $((SETTLE + IDLE)) "$WORK/s.long" || exit 1
			echo "  ${b%%:*} syscalls/s: $(strace_rate "$WORK/s.short" "$WORK/s.long")"
		done
	fi
	unset samples
done
