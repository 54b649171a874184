#!/bin/bash
# bench/coherence.sh: the controller's coherence bounds, measured.
#   port      a bridge port change (STP state over rtnetlink) -> the fast
#             path's port table: p50/p99/max, idle, under an FDB event
#             flood (N entries added and deleted in a loop), and under the
#             flood plus replans (bridge-nf-call-arptables toggled: the
#             brnf_arp module comes and goes, pipeline swaps); tna-port-latency measures from the kernel's ack
#   deadman   dead-man trips and the longest gap between heartbeats of the
#             controller's loop over the whole run (--status --json)
# Prints one line per figure; --json FILE keeps them.  See bench/README.md.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bench_env

usage() {
	cat <<'USAGE'
usage: bench/coherence.sh [options]
  --changes N      port changes per phase (200)
  --flood N        FDB entries per flood batch (20000)
  --ctl BIN        the tna-deploy to measure (default: this build's)
  --json FILE      write the figures as JSON to FILE
  -h, --help
Exit: 0 measured; 1 a step failed; 2 bad usage or not root.
USAGE
}
die() { echo "coherence: $*" >&2; exit 2; }
CHANGES=200 FLOOD=20000 CTL= JSON=
bench_opts 'changes=CHANGES flood=FLOOD ctl=CTL json=JSON' "$@"
[[ $CHANGES =~ ^[0-9]+$ ]] && ((CHANGES >= 10)) || die "bad --changes '$CHANGES'"
[[ $FLOOD =~ ^[0-9]+$ ]] && ((FLOOD >= 1 && FLOOD <= 120000)) || die "bad --flood '$FLOOD'"
bench_workspace coherence tnac tna-port-latency tna-deploy
CTL=${CTL:-$TNA_BIN/tna-deploy}
[[ -x $CTL ]] || die "$CTL: not executable"
err() { echo "coherence: $*" >&2; exit 1; }
: >"$WORK/figures"
fig() {	# name value unit [note]
	printf '%-48s %12s %-4s %s\n' "$1" "$2" "$3" "${4:-}"
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$WORK/figures"
}

D=$TNA_NS-d
ns d >/dev/null
ip -n "$D" link add br0 type bridge
ip netns exec "$D" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
	net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 2>/dev/null
for i in 1 2 3; do
	ip -n "$D" link add p$i type veth peer name q$i
	ip -n "$D" link set p$i master br0
	ip -n "$D" link set p$i up
	ip -n "$D" link set q$i up
done
ip -n "$D" link set br0 up
sleep 1
ip netns exec "$D" "$CTL" --target generic -v >"$WORK/ctl.log" 2>&1 &
echo $! >>"$WORK/pids"
for _ in $(seq 100); do grep -q 'tna-deploy: ready' "$WORK/ctl.log" && break; sleep 0.1; done
grep -q 'tna-deploy: ready: 1 of 1' "$WORK/ctl.log" || { cat "$WORK/ctl.log" >&2; err "tna-deploy not ready"; }

# FDB flood: FLOOD static entries on p1 added, then deleted, in a loop
$PY - "$FLOOD" "$WORK" <<'PY'
import sys
n, w = int(sys.argv[1]), sys.argv[2]
macs = ["02:f0:%02x:%02x:%02x:%02x" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(n)]
open(w + "/add", "w").write("".join("fdb add %s dev p1 master static\n" % m for m in macs))
open(w + "/del", "w").write("".join("fdb del %s dev p1 master\n" % m for m in macs))
PY
flood() {
	while :; do
		bridge -n "$D" -batch "$WORK/add" >/dev/null 2>&1
		bridge -n "$D" -batch "$WORK/del" >/dev/null 2>&1
	done
}
replans() {	# arptables called for bridged ARP: brnf_arp comes and goes
	local on=1
	while :; do
		ip netns exec "$D" sysctl -qw net.bridge.bridge-nf-call-arptables=$on
		on=$((1 - on))
		sleep 0.1
	done
}
measure() {	# phase
	local out
	out=$(ip netns exec "$D" "$TNA_BIN/tna-port-latency" p2 "$CHANGES" --gap 20) ||
		err "tna-port-latency: $out"
	read -r p50 p99 mx < <(sed -n 's/.*p50 \([0-9.]*\)  p99 \([0-9.]*\)  max \([0-9.]*\).*/\1 \2 \3/p' <<<"$out")
	fig "port -> port table, $1: p50" "$p50" ms
	fig "port -> port table, $1: p99" "$p99" ms
	fig "port -> port table, $1: max" "$mx" ms
}

[[ ${PHASES:-idle,flood,replans} == *idle* ]] && measure idle
flood & echo $! >>"$WORK/pids"
fpid=$!
sleep 1
[[ ${PHASES:-idle,flood,replans} == *flood* ]] && measure "FDB flood ($FLOOD entries a batch)"
replans & echo $! >>"$WORK/pids"
rpid=$!
[[ ${PHASES:-idle,flood,replans} == *replans* ]] && measure "FDB flood + replans"
kill $fpid $rpid 2>/dev/null; wait $fpid $rpid 2>/dev/null
ctl=$(head -1 "$WORK/pids")
kill -TERM "$ctl"; wait "$ctl" 2>/dev/null
l=$(grep -E 'tna-deploy: (info: )?loop: [0-9]+ turns' "$WORK/ctl.log" | tail -1)
[[ -n $l ]] || err "no loop line in the controller's log"
fig "deadman: trips over the run" "$(sed 's/.*dead-man trips \([0-9]*\).*/\1/' <<<"$l")" "" "a trip sends everything to Linux"
fig "deadman: longest gap between heartbeats" "$(sed 's/.*heartbeats \([0-9.]*\) ms.*/\1/' <<<"$l")" ms "trust goes after 400 ms"
fig "loop: longest turn" "$(sed 's/.*longest \([0-9.]*\) ms,.*/\1/' <<<"$l")" ms "pipeline loads included"
grep -c 'applied .* event' "$WORK/ctl.log" | xargs -I{} echo "replans applied: {}"
if [[ -n $JSON ]]; then
	$PY - "$WORK/figures" "$JSON" "$CTL" <<'PY'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
json.dump({"controller": sys.argv[3], "figures": [
    {"name": n, "value": v, "unit": u, "note": t} for n, v, u, t in rows]},
    open(sys.argv[2], "w"), indent=2)
PY
fi
