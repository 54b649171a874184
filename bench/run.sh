#!/bin/bash
# bench/run.sh: the benchmark harness.  Builds gen-ns -> port A -> DUT ns ->
# port B -> sink-ns for each port count, measures every configuration of
# bench/configs/ the same number of times, interleaved (A B C A B C ...),
# and prints one table: median Mpps received, min-max, ratio to the Linux
# bridge and to the bare-XDP limit of the same run.  See bench/README.md.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bench_env

usage() {
	cat <<'USAGE'
usage: bench/run.sh [options]
  --runs N            measurements per configuration and scale (3)
  --duration S        measured window per run, seconds (2)
  --warmup S          traffic before the window starts, seconds (0.5)
  --configs A,B       configurations (bench/configs/NAME.sh; default: all,
                      Linux ones first, the limit last)
  --macs LIST         source and destination MACs per run (200)
  --ports LIST        DUT input ports (= output ports) (1)
  --cpus LIST         generator threads, one per CPU (1)
  --full              the whole scaling matrix: --macs 1,4096,10000,100000
                      --ports 1,8 --cpus 1,2
  --scale             the bridge at MAC scale: --macs 1,4096,10000,100000
                      --cpus 1,2 --size 64, configurations linux-bridge,
                      tna-native, xdp-fdb-limit, xdp-fdb-limit-scattered,
                      xdp-limit (unless given)
  --check-ports       l2: a frame for destination MAC j must arrive on
                      output port j mod P, else the run is an error
                      (catches flooding; costs the sink a map lookup)
  --config-dir DIR    also take configurations from DIR/NAME.sh
  --flows N           IP flows (source addresses) (1)
  --size LIST         frame sizes on the wire, with FCS (64,1500; 66,1500
                      with --ipv6)
  --ipv6              IPv6/UDP frames (L2 configurations only; l3 ones
                      are skipped)
  --batch N           generator batch size (64)
  --tcp TOPOS         then bulk TCP from real stacks (bench/tcp.sh) through
                      these DUTs: bridge, router, brrouter (bridge,router)
  --no-tcp            packet rates only
  --json FILE         write the results as JSON to FILE
  --plot FILE.png     draw median Mpps per configuration and scale (gnuplot)
  --svg FILE.svg      draw CPU ns per frame against MACs, per CPU count
                      (bench/scale_plot.py, no plotting package; needs --json)
  -h, --help
Exit: 0 all runs delivered packets; 1 a run failed (reason printed);
      2 bad usage or not root.
USAGE
}

die() { echo "bench: $*" >&2; exit 2; }
RUNS=3 DURATION=2 WARMUP=0.5 CONFIGS= MACS=200 PORTS=1 CPUS=1 FLOWS=1
SIZE= IPV6= CHECK_PORTS= BATCH=64 JSON= PLOT= SVG= CONFIG_DIR= TCP=bridge,router
while [[ $# -gt 0 ]]; do
	case $1 in
	--runs) RUNS=${2:-}; shift ;;
	--duration) DURATION=${2:-}; shift ;;
	--warmup) WARMUP=${2:-}; shift ;;
	--configs) CONFIGS=${2:-}; shift ;;
	--macs) MACS=${2:-}; shift ;;
	--ports) PORTS=${2:-}; shift ;;
	--cpus) CPUS=${2:-}; shift ;;
	--full) MACS=1,4096,10000,100000 PORTS=1,8 CPUS=1,2 ;;
	--scale) MACS=1,4096,10000,100000 CPUS=1,2 SIZE=${SIZE:-64}
		CONFIGS=${CONFIGS:-linux-bridge,tna-native,xdp-fdb-limit,xdp-fdb-limit-scattered,xdp-limit} ;;
	--config-dir) CONFIG_DIR=${2:-}; shift ;;
	--flows) FLOWS=${2:-}; shift ;;
	--size) SIZE=${2:-}; shift ;;
	--ipv6) IPV6=1 ;;
	--check-ports) CHECK_PORTS=1 ;;
	--batch) BATCH=${2:-}; shift ;;
	--tcp) TCP=${2:-}; shift ;;
	--no-tcp) TCP= ;;
	--json) JSON=${2:-}; shift ;;
	--plot) PLOT=${2:-}; shift ;;
	--svg) SVG=${2:-}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
	[[ $# -gt 0 ]] || die "option needs a value"
	shift
done

[[ -z $SVG || -n $JSON ]] || die "--svg needs --json"
num_list() { [[ $2 =~ ^[0-9]+(,[0-9]+)*$ ]] || die "bad $1 '$2' (comma-separated numbers)"; }
num_list --runs "$RUNS"; [[ $RUNS == *,* || $RUNS -lt 1 ]] && die "bad --runs '$RUNS'"
num_list --macs "$MACS"; num_list --ports "$PORTS"; num_list --cpus "$CPUS"
SIZE=${SIZE:-$([[ -n $IPV6 ]] && echo 66,1500 || echo 64,1500)}
num_list --flows "$FLOWS"; num_list --size "$SIZE"; num_list --batch "$BATCH"
IFS=, read -ra SIZES_L <<<"$SIZE"
for z in "${SIZES_L[@]}"; do ((z >= 64 && z <= 1518)) || die "--size $z: 64..1518"; done
[[ -z $TCP || $TCP =~ ^(bridge|router|brrouter)(,(bridge|router|brrouter))*$ ]] ||
	die "bad --tcp '$TCP' (bridge, router, brrouter)"
[[ $DURATION =~ ^[0-9]*\.?[0-9]+$ ]] || die "bad --duration '$DURATION'"
[[ $WARMUP =~ ^[0-9]*\.?[0-9]+$ ]] || die "bad --warmup '$WARMUP'"
IFS=, read -ra MACS_L <<<"$MACS"; IFS=, read -ra PORTS_L <<<"$PORTS"
IFS=, read -ra CPUS_L <<<"$CPUS"
ncpu=$(nproc)
for m in "${MACS_L[@]}"; do ((m >= 1 && m <= 1000000)) || die "--macs $m: 1..1000000"; done
for p in "${PORTS_L[@]}"; do ((p >= 1 && p <= 64)) || die "--ports $p: 1..64"; done
for c in "${CPUS_L[@]}"; do ((c >= 1 && c <= ncpu)) || die "--cpus $c: 1..$ncpu (CPUs here)"; done

[[ -z $CONFIG_DIR || -d $CONFIG_DIR ]] || die "no directory '$CONFIG_DIR'"
config_file() {
	if [[ -n $CONFIG_DIR && -f $CONFIG_DIR/$1.sh ]]; then echo "$CONFIG_DIR/$1.sh"
	elif [[ -f bench/configs/$1.sh ]]; then echo "bench/configs/$1.sh"
	else return 1; fi
}
if [[ -z $CONFIGS ]]; then
	list=(linux-bridge linux-bridge-nf0 linux-forward)
	for f in bench/configs/*.sh ${CONFIG_DIR:+"$CONFIG_DIR"/*.sh}; do
		[[ -f $f ]] || continue
		n=$(basename "$f" .sh)
		[[ " ${list[*]} xdp-limit " == *" $n "* ]] || list+=("$n")
	done
	list+=(xdp-limit)
else
	IFS=, read -ra list <<<"$CONFIGS"
fi
for c in "${list[@]}"; do
	[[ $c =~ ^[A-Za-z0-9_.-]+$ ]] && config_file "$c" >/dev/null ||
		die "no configuration '$c' (bench/configs/$c.sh${CONFIG_DIR:+ or $CONFIG_DIR/$c.sh})"
done
if [[ -n $IPV6 ]]; then	# l3 configurations route IPv4 unless CONFIG_IPV6=yes
	kept=()
	for c in "${list[@]}"; do
		if grep -q '^CONFIG_MODE=l3' "$(config_file "$c")" &&
		   [[ $(source "$(config_file "$c")" >/dev/null 2>&1; echo "${CONFIG_IPV6:-}") != yes ]]; then
			echo "bench: --ipv6: skipping $c (an l3 configuration that routes IPv4 only)" >&2
		else
			kept+=("$c")
		fi
	done
	list=("${kept[@]}")
	[[ ${#list[@]} -gt 0 ]] || die "--ipv6: no l2 configuration left"
fi
CONFIG_LIST=("${list[@]}")
bench_workspace bench tnab tna-gen tna-sink tna-bench-redirect

GEN=$TNA_NS-gen DUT=$TNA_NS-dut SINK=$TNA_NS-sink
IN_MAC=02:00:00:00:00:a0	# every DUT input port has it: the router MAC

# The testbed for P port pairs: gen gK <-> DUT aK, DUT bK <-> sink sK.
# Every DUT port has GRO on (a veth only receives XDP-transmitted frames
# when it has NAPI: GRO or an XDP program), identical in every config.
testbed_up() {
	local P=$1 k q=$ncpu
	for n in gen dut sink; do ns "$n" >/dev/null; done
	IN_PORTS=() OUT_PORTS=() GEN_PORTS=() SINK_PORTS=() SINK_MACS=()
	for ((k = 0; k < P; k++)); do
		ip -n "$GEN" link add "g$k" numtxqueues $q numrxqueues $q type veth \
			peer name "a$k" numtxqueues $q numrxqueues $q netns "$DUT" address $IN_MAC &&
		ip -n "$SINK" link add "s$k" numtxqueues $q numrxqueues $q type veth \
			peer name "b$k" numtxqueues $q numrxqueues $q netns "$DUT" ||
			{ echo "bench: cannot create the veth pairs" >&2; return 1; }
		for x in "$GEN g$k" "$DUT a$k" "$DUT b$k" "$SINK s$k"; do
			set -- $x
			ip -n "$1" link set "$2" up || return 1
		done
		ip netns exec "$DUT" ethtool -K "a$k" gro on >/dev/null &&
		ip netns exec "$DUT" ethtool -K "b$k" gro on >/dev/null || return 1
		# The generator and the sink are XDP programs, not TCP stacks:
		# their veths send no TSO superpackets, which is what auto
		# looks at (bench/tcp.sh measures real stacks).  GRO on at their
		# ends makes every DUT port a native redirect egress from the
		# start (a veth is one while its peer has GRO or XDP; tna-sink's
		# XDP, which runs before GRO, comes only with the measurement)
		ip netns exec "$GEN" ethtool -K "g$k" tso off gro on >/dev/null &&
		ip netns exec "$SINK" ethtool -K "s$k" tso off gro on >/dev/null || return 1
		IN_PORTS+=("a$k") OUT_PORTS+=("b$k") GEN_PORTS+=("g$k") SINK_PORTS+=("s$k")
		SINK_MACS+=("$(ip -n "$SINK" -br link show "s$k" | awk '{print $3}')")
	done
}

testbed_down() {
	for n in gen dut sink; do ip netns del "$TNA_NS-$n" 2>/dev/null; done
	_tna_ns_list=()
}

load_config() {
	unset -f config_setup config_teardown config_available config_ready
	unset CONFIG_DESC CONFIG_MODE CONFIG_IPV6 CONFIG_GEN_ARGS
	source "$(config_file "$1")"
	declare -F config_setup >/dev/null && declare -F config_teardown >/dev/null ||
		{ echo "bench: $1 lacks config_setup/config_teardown" >&2; return 1; }
	[[ ${CONFIG_MODE:-} == l2 || ${CONFIG_MODE:-} == l3 ]] ||
		{ echo "bench: $1: CONFIG_MODE must be l2 or l3" >&2; return 1; }
}

# A configuration may need a tool this machine lacks: config_available
# prints why and fails, and the run goes on without it.
kept=()
for c in "${CONFIG_LIST[@]}"; do
	if why=$(load_config "$c" >/dev/null 2>&1 || exit 0
		 ! declare -F config_available >/dev/null || config_available); then
		kept+=("$c")
	else
		echo "bench: skipping $c: $why" >&2
	fi
done
CONFIG_LIST=("${kept[@]}")
[[ ${#CONFIG_LIST[@]} -gt 0 ]] || die "no configuration left to measure"

# Pre-learn: frames from the sink side whose sources are the destination
# MACs, j behind output port j % P, so a bridge knows them and does not flood.
prelearn() {
	local M=$1 P=${#SINK_PORTS[@]} k per learned
	for ((k = 0; k < P && k < M; k++)); do
		per=$(((M - k + P - 1) / P))
		ip netns exec "$SINK" "$TNA_BIN/tna-gen" -i "${SINK_PORTS[$k]}" \
			--learn "$k/$P" --dst-macs "$M" -n $((2 * per)) -b 16 >/dev/null ||
			{ echo "pre-learning failed on ${SINK_PORTS[$k]}"; return 1; }
	done
	[[ -n $(ip -n "$DUT" link show type bridge) ]] || return 0
	learned=$(bridge -n "$DUT" fdb show | grep -c '^02:de:')
	((learned >= M)) || { echo "bridge learned only $learned of $M destination MACs"; return 1; }
	# The sources too: the generator's own pattern (source j to destination
	# j, frame n on input port n % P), twice per MAC, a pass again for what
	# a busy machine dropped.  Otherwise the first window at 100k MACs
	# measures how fast a bridge learns 100k new sources (Linux: in passing;
	# TNA: Linux learns, then the controller mirrors each one), not
	# forwarding.
	for k in 1 2 3; do
		ip netns exec "$GEN" "$TNA_BIN/tna-gen" -i "$(IFS=,; echo "${GEN_PORTS[*]}")" \
			--src-macs "$M" --dst-macs "$M" -n $((2 * M)) -b 16 >/dev/null ||
			{ echo "source pre-learning failed"; return 1; }
		learned=$(bridge -n "$DUT" fdb show | grep -c '^02:5e:')
		((learned >= M)) && return 0
	done
	echo "bridge learned only $learned of $M source MACs"; return 1
}

# CPU time (clock ticks) of the ksoftirqd threads of CPUs 0..C-1: softirq
# work deferred there is not charged to the generator's threads.
KSOFTIRQD=()
for ((c = 0; c < ncpu; c++)); do KSOFTIRQD+=("$(pgrep -x "ksoftirqd/$c" | head -1)"); done
ksoftirqd_ticks() {
	local c t=0 f
	for ((c = 0; c < $1; c++)); do
		[[ -n ${KSOFTIRQD[$c]} ]] || continue
		f=$(cut -d')' -f2 "/proc/${KSOFTIRQD[$c]}/stat" 2>/dev/null) || continue
		set -- "$1" $f	# $2 is field 3: utime (14) is $13, stime $14
		t=$((t + ${13} + ${14}))
	done
	echo $t
}
CLK_TCK=$(getconf CLK_TCK)

# After a teardown at scale: tearing down a bridge of 2M FDB entries frees
# them in RCU callbacks, in softirq, on these CPUs, for a second or more;
# the next measurement would pay for it (measured: TNA 720 ns a frame right
# after another bridge of 100k MACs, 453 ns when first).  Wait until the
# softirq time of CPUs 0..C-1 over 250 ms is at most 2 ticks, 5 s at most.
settle() {
	local C=$1 i a b
	softirq_ticks() { awk -v n="$C" '$1 ~ /^cpu[0-9]+$/ && substr($1, 4) < n { t += $8 } END { print t }' /proc/stat; }
	for ((i = 0; i < 20; i++)); do
		a=$(softirq_ticks); sleep 0.25; b=$(softirq_ticks)
		((b - a <= 2)) && return
	done
}

# One measurement: prints "mpps_received mpps_sent cpu_ns_per_frame" or
# "ERR reason".  CPU ns per frame: the CPU time the generator's threads
# (which run the whole path, DUT and sink included, in softirq) and the
# ksoftirqd threads of their CPUs used, per frame received.
measure() {
	local cfg=$1 M=$2 C=$3 S=$4 out=$WORK/m sink_pid rc why sink_args=() k0 k1
	local MACS=$M	# for the configurations (xdp-fdb-limit fills its FDB)
	local gen_args=(${IPV6:+-6} -i "$(IFS=,; echo "${GEN_PORTS[*]}")" -s "$S" -b "$BATCH"
		--flows "$FLOWS" --src-macs "$M" --cpus "$(seq -s, 0 $((C - 1)))"
		-d "$(awk "BEGIN { print $WARMUP + $DURATION + 0.5 }")" --json)
	load_config "$cfg" || { echo "ERR bad configuration file"; return; }
	# In this shell (not a subshell): a setup may keep a daemon's PID in a
	# variable for its teardown.
	if ! config_setup >"$out.setup" 2>&1 </dev/null; then
		config_teardown >/dev/null 2>&1 </dev/null
		echo "ERR setup failed: $(tail -1 "$out.setup")"; return
	fi
	if [[ $CONFIG_MODE == l2 ]]; then
		gen_args+=(--dst-macs "$M")
		[[ -n $CHECK_PORTS ]] && sink_args+=(--check-ports "${#SINK_PORTS[@]}")
		if ! why=$(prelearn "$M" 2>&1); then
			config_teardown >/dev/null 2>&1
			echo "ERR $(echo "$why" | tail -1)"; return
		fi
		if declare -F config_ready >/dev/null &&
		   ! why=$(config_ready 2>&1 </dev/null); then
			config_teardown >/dev/null 2>&1
			echo "ERR not ready: $(echo "$why" | tail -1)"; return
		fi
	else
		gen_args+=(--dst-mac "$IN_MAC")
	fi
	gen_args+=(${CONFIG_GEN_ARGS[@]+"${CONFIG_GEN_ARGS[@]}"})	# e.g. the router's --dst-flows
	rm -f "$out".sink* "$out".gen*
	ip netns exec "$SINK" "$TNA_BIN/tna-sink" -i "$(IFS=,; echo "${SINK_PORTS[*]}")" \
		-d "$DURATION" -w "$WARMUP" -T 5 "${sink_args[@]}" --json \
		>"$out.sink" 2>"$out.sinkerr" &
	sink_pid=$!
	echo $sink_pid >>"$WORK/pids"
	for ((i = 0; i < 300; i++)); do
		grep -q attached "$out.sinkerr" 2>/dev/null && break
		kill -0 $sink_pid 2>/dev/null || break
		sleep 0.01
	done
	k0=$(ksoftirqd_ticks "$C")
	ip netns exec "$GEN" "$TNA_BIN/tna-gen" "${gen_args[@]}" >"$out.gen" 2>"$out.generr" &
	echo $! >>"$WORK/pids"
	wait $!
	rc=$?
	k1=$(ksoftirqd_ticks "$C")
	wait $sink_pid
	local src=$?
	config_teardown >/dev/null 2>&1 </dev/null
	((M >= 5000)) && settle "$C"
	if ((rc != 0)); then
		echo "ERR generator: $(grep -v '^attached' "$out.generr" | tail -1)"
	elif ((src != 0)); then
		echo "ERR sink: $(grep -v '^attached' "$out.sinkerr" | tail -1)"
	else
		"$PY" -c 'import json, sys
s, g = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ksoft = (int(sys.argv[4]) - int(sys.argv[3])) / int(sys.argv[5])
if s.get("misdelivered"):
    print("ERR %d of %d frames arrived on the wrong output port (flooded or misforwarded)"
          % (s["misdelivered"], s["received"]))
else:
    # CPUs busy over the generator run, over frames per second received
    cores = (g["cpu_seconds"] + ksoft) / g["seconds"]
    print(s["mpps"], g["mpps"], "%.1f" % (cores * 1e3 / s["mpps"]))' \
			"$out.sink" "$out.gen" "$k0" "$k1" "$CLK_TCK" || echo "ERR unreadable tool output"
	fi
}

kernel=$(uname -r)
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
start_date=$(date -u +%FT%TZ) loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: $(date -u '+%F %H:%M UTC'), kernel $kernel, $cpu_model, $ncpu CPUs"
echo "bench: ${RUNS} runs x ${DURATION}s (warm-up ${WARMUP}s), ${SIZE} B IPv${IPV6:+6}${IPV6:-4} frames, $FLOWS flow(s), batch $BATCH${TCP:+; then bulk TCP through $TCP}"
for c in "${CONFIG_LIST[@]}"; do
	printf 'bench:   %-20s %s\n' "$c" "$(load_config "$c" 2>&1 >/dev/null && echo "$CONFIG_DESC")"
done
RES=$WORK/results.tsv	# config macs ports cpus size run mpps sent | ERR reason
: >"$RES"
failed=0
for P in "${PORTS_L[@]}"; do
	testbed_up "$P" || { echo "bench: testbed with $P ports failed" >&2; exit 1; }
	for M in "${MACS_L[@]}"; do
		for C in "${CPUS_L[@]}"; do
			for S in "${SIZES_L[@]}"; do
			for ((r = 1; r <= RUNS; r++)); do
				for cfg in "${CONFIG_LIST[@]}"; do
					res=$(measure "$cfg" "$M" "$C" "$S")
					printf '  %-20s macs=%-6s ports=%-2s cpus=%s size=%-4s run %d: %s\n' \
						"$cfg" "$M" "$P" "$C" "$S" "$r" "$res" >&2
					printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cfg" "$M" "$P" "$C" "$S" "$r" "$res" >>"$RES"
					[[ $res == ERR* ]] && failed=1
				done
			done
			done
		done
	done
	testbed_down
done

export BENCH_DATE=$start_date BENCH_KERNEL=$kernel BENCH_CPU=$cpu_model
export BENCH_NCPU=$ncpu BENCH_RUNS=$RUNS BENCH_DURATION=$DURATION
export BENCH_WARMUP=$WARMUP BENCH_SIZE=$SIZE BENCH_IPV6=${IPV6:-0} BENCH_FLOWS=$FLOWS BENCH_BATCH=$BATCH
export BENCH_LOADAVG_START=$loadavg_start BENCH_LOADAVG_END=$(cut -d' ' -f1-3 /proc/loadavg)
"$PY" bench/report.py "$RES" "$JSON" "$PLOT" "${CONFIG_LIST[@]}" || failed=1
[[ -z $SVG ]] || "$PY" bench/scale_plot.py "$JSON" "$SVG" || failed=1
if [[ -n $TCP ]]; then
	BUILD=$BUILD bench/tcp.sh --topos "$TCP" --runs "$RUNS" ${JSON:+--json "$JSON"} || failed=1
fi
exit $failed
