#!/bin/bash
# bench/scale.sh: scale and cost of the controller.
#   fdb       time for tna-deploy to sync a bridge with N (100k) FDB
#             entries (start -> ready: dump, mirror fill, load, attach),
#             its RSS then, and its CPU over 10 s idle (event driven, plus the 20 ms poll)
#   keepalive keep-alive rounds with M (100k) MACs in use by the fast path
#             (as sources, as Linux counts use) under traffic
#   ports     16- and 64-port bridges: deploy time, RSS, a port flap's
#             event -> applied latency
#   bridges   50 bridges at once: deploy time, RSS, idle CPU
# Prints one line per figure; --json FILE keeps them.  See bench/README.md.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bench_env

usage() {
	cat <<'USAGE'
usage: bench/scale.sh [options]
  --parts LIST     fdb,keepalive,ports,bridges (default: all)
  --fdb N          FDB entries for "fdb" (100000)
  --macs M         MACs in use for "keepalive" (100000)
  --idle S         idle window for the CPU figure, seconds (10)
  --json FILE      write the figures as JSON to FILE
  -h, --help
Exit: 0 measured; 1 a step failed; 2 bad usage or not root.
USAGE
}
die() { echo "scale: $*" >&2; exit 2; }
PARTS=fdb,keepalive,ports,bridges NFDB=100000 MACS=100000 IDLE=10 JSON=
bench_opts 'parts=PARTS fdb=NFDB macs=MACS idle=IDLE json=JSON' "$@"
[[ $PARTS =~ ^(fdb|keepalive|ports|bridges)(,(fdb|keepalive|ports|bridges))*$ ]] || die "bad --parts '$PARTS'"
[[ $NFDB =~ ^[0-9]+$ ]] && ((NFDB >= 1 && NFDB <= 120000)) || die "bad --fdb '$NFDB' (1..120000)"
[[ $MACS =~ ^[0-9]+$ ]] && ((MACS >= 2 && MACS <= 120000)) || die "bad --macs '$MACS' (2..120000)"
[[ $IDLE =~ ^[0-9]+$ ]] && ((IDLE >= 1)) || die "bad --idle '$IDLE'"
bench_workspace scale tnas tna-gen tna-deploy
err() { echo "scale: $*" >&2; exit 1; }
: >"$WORK/figures"
fig() {	# name value unit [note]
	printf '%-44s %12s %-4s %s\n' "$1" "$2" "$3" "${4:-}"
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$WORK/figures"
}
now() { date +%s.%N; }
ms() { $PY -c "import sys; print(f'{(float(sys.argv[2]) - float(sys.argv[1])) * 1000:.0f}')" "$1" "$2"; }
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# start_ctl NS LOG [args]: tna-deploy in NS; sets CTL, returns when ready
start_ctl() {
	local n=$1 log=$2; shift 2
	ip netns exec "$n" "$TNA_BIN/tna-deploy" --target generic "$@" >"$log" 2>&1 &
	CTL=$!; echo $CTL >>"$WORK/pids"
	for _ in $(seq 1200); do
		grep -q 'tna-deploy: ready' "$log" && return 0
		kill -0 $CTL 2>/dev/null || break
		sleep 0.05
	done
	err "tna-deploy did not become ready: $(tail -3 "$log")"
}
stop_ctl() { kill -TERM "$CTL"; wait "$CTL" || err "tna-deploy exited $?"; }
# The dead-man switch over the part, from the line the controller logs when
# it stops: trips (each sends everything to Linux) and the longest gap
# between the loop's heartbeats (trust goes after 400 ms).
loop_figs() {	# LOG PART (after stop_ctl)
	local l
	l=$(grep -E 'tna-deploy: (info: )?loop: [0-9]+ turns' "$1" | tail -1)
	[[ -n $l ]] || err "no loop line in $1"
	fig "$2: dead-man trips" "$(sed 's/.*dead-man trips \([0-9]*\).*/\1/' <<<"$l")" "" "must be 0"
	fig "$2: longest gap between heartbeats" "$(sed 's/.*heartbeats \([0-9.]*\) ms.*/\1/' <<<"$l")" ms \
		"longest loop turn $(sed 's/.*longest \([0-9.]*\) ms,.*/\1/' <<<"$l") ms"
}
idle_cpu() {	# PID: CPU ticks over IDLE seconds without traffic or changes
	local t0 t1
	t0=$(cpu_ticks "$1"); sleep "$IDLE"; t1=$(cpu_ticks "$1")
	echo $((t1 - t0))
}
# entries in the FDB map of the program on PORT in namespace NS
mirror_size() {
	local prog map
	prog=$(ip -n "$1" -j link show "$2" | $PY -c '
import json,sys; x=json.load(sys.stdin)[0].get("xdp",{})
print(x.get("prog",{}).get("id","") or next((a["prog"]["id"] for a in x.get("attached",[]) if "prog" in a),""))')
	map=$(bpftool -j prog show id "$prog" | $PY -c '
import json, subprocess, sys
for m in json.load(sys.stdin)["map_ids"]:
    i = json.loads(subprocess.check_output(["bpftool", "-j", "map", "show", "id", str(m)]))
    if i.get("name") == "tna_fdb":
        print(m)')
	bpftool map dump id "$map" | grep -c '"key"'
}

# br_netfilter on (the kernel default) leaves bridges to Linux: off.
no_br_nf() {
	ip netns exec "$1" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
		net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 2>/dev/null
}

# A bridge BR with ports P0..P(n-1) in DUT, peers in namespace H (GRO on).
# One ip -batch per namespace: fast for many ports.
mk_ports() {	# dut h br prefix n
	local d=$1 h=$2 br=$3 pfx=$4 n=$5 k
	{
		echo "link add $br type bridge"
		for ((k = 0; k < n; k++)); do
			echo "link add $pfx$k type veth peer name $pfx$k netns $h"
			echo "link set $pfx$k master $br"
			echo "link set $pfx$k up"
		done
		echo "link set $br up"
	} | ip -n "$d" -batch - || err "cannot build $br"
	no_br_nf "$d"
	for ((k = 0; k < n; k++)); do echo "link set $pfx$k up"; done | ip -n "$h" -batch - ||
		err "cannot set the peers of $br up"
}

part_fdb() {
	local D H log t0 t1 ready n
	ns fdb >/dev/null; ns fdbh >/dev/null
	D=$TNA_NS-fdb H=$TNA_NS-fdbh
	mk_ports "$D" "$H" br0 p 2
	t0=$(now); start_ctl "$D" "$WORK/fdb0.log"; t1=$(now)
	fig "fdb: start -> ready, empty FDB" "$(ms "$t0" "$t1")" ms "baseline"
	stop_ctl
	# dynamic entries need traffic; static ones are what an operator
	# (or a CNI) adds in bulk and need the same mirror work
	$PY - "$WORK/fdb.batch" "$NFDB" <<'PY'
import sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    for i in range(n):
        f.write("fdb add 02:aa:%02x:%02x:%02x:00 dev p%d master static\n"
                % (i >> 16, (i >> 8) & 255, i & 255, i & 1))
PY
	ip netns exec "$D" bridge -batch "$WORK/fdb.batch" || err "cannot add $NFDB FDB entries"
	n=$(bridge -n "$D" fdb show br br0 | grep -c static)
	fig "kernel FDB entries (static)" "$n" ""
	t0=$(now)
	start_ctl "$D" "$WORK/fdb.log"
	t1=$(now)
	fig "fdb: start -> ready, $NFDB entries" "$(ms "$t0" "$t1")" ms "dump + mirror fill + load + attach"
	fig "fdb: mirror entries after ready" "$(mirror_size "$D" p0)" "" "kernel: $n static + local"
	fig "fdb: controller RSS, $NFDB entries" "$(( $(rss_kb $CTL) / 1024 ))" MB "VmHWM $(( $(hwm_kb $CTL) / 1024 )) MB; target < 20 MB"
	fig "fdb: idle CPU over ${IDLE}s, $NFDB entries" "$(idle_cpu $CTL)" tick "1 tick = $((1000 / HZ)) ms"
	# incremental: delete them all while running, time until the mirror follows
	sed 's/^fdb add \(.*\) master static$/fdb del \1 master/' "$WORK/fdb.batch" >"$WORK/fdb.del"
	t0=$(now)
	ip netns exec "$D" bridge -batch "$WORK/fdb.del" || err "cannot delete the FDB entries"
	for _ in $(seq 600); do
		(( $(mirror_size "$D" p0) < 10 )) && break
		sleep 0.1
	done
	t1=$(now)
	fig "fdb: $NFDB deletions -> mirror follows" "$(ms "$t0" "$t1")" ms "incl. bridge -batch and polling (~0.1 s + a dump)"
	# and added again while running: a flood of $NFDB events
	t0=$(now)
	ip netns exec "$D" bridge -batch "$WORK/fdb.batch" || err "cannot add $NFDB FDB entries"
	for _ in $(seq 600); do
		(( $(mirror_size "$D" p0) >= NFDB )) && break
		sleep 0.1
	done
	t1=$(now)
	fig "fdb: $NFDB additions -> mirror follows" "$(ms "$t0" "$t1")" ms "incl. bridge -batch and polling"
	stop_ctl
	loop_figs "$WORK/fdb.log" fdb
	ip netns del "$D"; ip netns del "$H"
}

part_keepalive() {
	local G=$TNA_NS-kg D=$TNA_NS-kd S=$TNA_NS-ks t0 t1 log
	ns kg >/dev/null; ns kd >/dev/null; ns ks >/dev/null
	# ageing 10 s -> keep-alive every 2.5 s
	ip -n "$D" link add br0 type bridge ageing_time 1000
	no_br_nf "$D"
	veth kg g0 kd a0; veth ks s0 kd b0
	for p in a0 b0; do ip netns exec "$D" ethtool -K $p gro on >/dev/null; ip -n "$D" link set $p master br0; done
	ip netns exec "$S" ethtool -K s0 gro on >/dev/null
	ip -n "$D" link set br0 up
	sleep 0.3
	log=$WORK/ka.log
	start_ctl "$D" "$log" -v
	# Linux refreshes an entry when it sees it as a source: the M active
	# MACs are sources, towards one static destination behind b0.
	bridge -n "$D" fdb add 02:de:00:00:00:00 dev b0 master static
	ip netns exec "$G" "$TNA_BIN/tna-gen" -i g0 --src-macs "$MACS" -d 14 -j \
		>"$WORK/ka.gen" 2>&1 &
	local gen=$!
	echo $gen >>"$WORK/pids"
	sleep 4		# sources learned, mirror filled
	grep -c 'keep-alive refreshed' "$log" >"$WORK/ka.mark"
	t0=$(cpu_ticks $CTL)
	sleep 8
	t1=$(cpu_ticks $CTL)
	wait $gen || err "tna-gen: $(tail -1 "$WORK/ka.gen")"
	fig "keepalive: kernel FDB entries" "$(bridge -n "$D" fdb show br br0 | grep -vc permanent)" "" "$MACS sources in use + 1 static"
	fig "keepalive: controller CPU over 8 s of traffic" "$((t1 - t0))" tick "1 tick = $((1000 / HZ)) ms"
	grep 'keep-alive refreshed' "$log" | tail -n +"$(( $(cat "$WORK/ka.mark") + 1 ))" >"$WORK/ka.rounds" || true
	$PY - "$WORK/ka.rounds" <<'PY' >"$WORK/ka.sum"
import re, sys
r = [(int(m.group(1)), float(m.group(2))) for m in
     (re.search(r"refreshed (\d+) in ([\d.]+) ms", l) for l in open(sys.argv[1])) if m]
if r:
    print(len(r), max(n for n, _ in r), "%.0f" % (sum(t for _, t in r) / len(r)), "%.0f" % max(t for _, t in r))
else:
    print(0, 0, 0, 0)
PY
	read -r rounds maxn avg mx <"$WORK/ka.sum"
	fig "keepalive: rounds in 8 s" "$rounds" "" "every 2.5 s (ageing_time 10 s / 4)"
	fig "keepalive: entries refreshed per round (max)" "$maxn" ""
	fig "keepalive: round time (mean)" "$avg" ms "max $mx ms (NTF_USE per entry)"
	fig "keepalive: controller RSS" "$(( $(rss_kb $CTL) / 1024 ))" MB "VmHWM $(( $(hwm_kb $CTL) / 1024 )) MB"
	stop_ctl
	loop_figs "$log" keepalive
	ip netns del "$G"; ip netns del "$D"; ip netns del "$S"
}

part_ports() {
	local P D H t0 t1 log n0
	for P in 16 64; do
		ns "pt$P" >/dev/null; ns "ph$P" >/dev/null
		D=$TNA_NS-pt$P H=$TNA_NS-ph$P
		mk_ports "$D" "$H" br0 p "$P"
		sleep 0.3
		log=$WORK/ports$P.log
		t0=$(now); start_ctl "$D" "$log"; t1=$(now)
		fig "ports: $P-port bridge start -> ready" "$(ms "$t0" "$t1")" ms \
			"ports with XDP: $(ip -n "$D" link show | grep -c 'prog/xdp')"
		n0=$(grep -c 'applied .* event' "$log")
		t0=$(now); ip -n "$D" link set p1 down
		for _ in $(seq 100); do (( $(grep -c 'applied .* event' "$log") > n0 )) && break; sleep 0.01; done
		t1=$(grep 'applied .* event' "$log" | tail -1 | sed 's/.* at \([0-9.]*\),.*/\1/')
		fig "ports: $P-port bridge, port down -> applied" "$(ms "$t0" "$t1")" ms
		ip -n "$D" link set p1 up
		fig "ports: $P-port bridge controller RSS" "$(( $(rss_kb $CTL) / 1024 ))" MB
		stop_ctl
		ip netns del "$D"; ip netns del "$H"
	done
}

part_bridges() {
	local D=$TNA_NS-mb H=$TNA_NS-mh b t0 t1 log=$WORK/bridges.log
	ns mb >/dev/null; ns mh >/dev/null
	for ((b = 0; b < 50; b++)); do mk_ports "$D" "$H" "br$b" "q${b}_" 2; done
	sleep 0.5
	t0=$(now); start_ctl "$D" "$log"; t1=$(now)
	fig "bridges: 50 bridges x 2 ports start -> ready" "$(ms "$t0" "$t1")" ms "$(grep -o 'ready: [0-9]* of [0-9]*' "$log")"
	fig "bridges: ports with XDP" "$(ip -n "$D" link show | grep -c 'prog/xdp')" ""
	fig "bridges: controller RSS" "$(( $(rss_kb $CTL) / 1024 ))" MB "VmHWM $(( $(hwm_kb $CTL) / 1024 )) MB"
	fig "bridges: idle CPU over ${IDLE}s" "$(idle_cpu $CTL)" tick "1 tick = $((1000 / HZ)) ms"
	stop_ctl
	[[ $(ip -n "$D" link show | grep -c 'prog/xdp') -eq 0 ]] || err "XDP left after stop"
	ip netns del "$D"; ip netns del "$H"
}

echo "scale: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs" >&2
IFS=, read -ra P <<<"$PARTS"
for p in "${P[@]}"; do "part_$p"; done
if [[ -n $JSON ]]; then
	$PY - "$WORK/figures" "$JSON" <<'PY'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
json.dump([{"figure": a, "value": b, "unit": c, "note": d} for a, b, c, d in rows],
          open(sys.argv[2], "w"), indent=1)
PY
fi
