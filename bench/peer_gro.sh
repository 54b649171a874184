#!/bin/bash
# bench/peer_gro.sh: what a veth peer's `ethtool -K eth0 gro off` costs
# under a native bridge.  A UDP stream h1 -> h2 crosses the bridge (real
# sockets, paced); GRO goes off at h2 mid-stream; frames the fast path
# redirects into p2 after the kernel stopped taking them and before the
# controller marks p2 (egress_no_xmit) are lost.  Linux alone loses none.
# Prints, per round, the datagrams h2 received; then the losses per round
# (median, max).  --ctl compares another build's tna-deploy (e.g. one
# that only has the once-a-second recheck).  See bench/README.md.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bench_env

usage() {
	cat <<'USAGE'
usage: bench/peer_gro.sh [options]
  --rounds N       GRO off/on rounds (10)
  --count N        datagrams per round (10000)
  --gap-us N       microseconds between datagrams (100)
  --off-ms N       GRO goes off this long after the stream starts (300)
  --ctl BIN        the tna-deploy to measure (default: this build's)
  -h, --help
Exit: 0 measured; 1 a step failed; 2 bad usage or not root.
USAGE
}
die() { echo "peer_gro: $*" >&2; exit 2; }
ROUNDS=10 COUNT=10000 GAP=100 OFF=300 CTL=
bench_opts 'rounds=ROUNDS count=COUNT gap-us=GAP off-ms=OFF ctl=CTL' "$@"
for v in ROUNDS COUNT GAP OFF; do
	[[ ${!v} =~ ^[0-9]+$ ]] && ((${!v} >= 1)) || die "bad value '${!v}'"
done
bench_workspace peer_gro tnag tna-deploy tna-stat
CTL=${CTL:-$TNA_BIN/tna-deploy}
[[ -x $CTL ]] || die "$CTL: not executable"
err() { echo "peer_gro: $*" >&2; exit 1; }
fail() { err "$*"; }
source "$TNA_ROOT/tests/deploy/lib.sh"

deploy_topo
for i in 1 2 3; do in_ns h$i ethtool -K eth0 gro on >/dev/null || err "no GRO on veth"; done
for i in 2 3; do in_ns h1 ping -c2 -i0.2 -W1 -q 10.0.0.$i >/dev/null || err "ping h1 -> h$i"; done

# one round: prints the datagrams h2 received (GRO back on after)
stream() {
	local out=$WORK/rx rx
	in_ns h2 "$PY" "$TNA_ROOT/tests/lib/udp_count.py" recv 10.0.0.2 "$COUNT" >"$out" &
	rx=$!
	for _ in $(seq 50); do grep -q ready "$out" && break; sleep 0.1; done
	( sleep "$(bc -l <<<"$OFF / 1000")"; in_ns h2 ethtool -K eth0 gro off >/dev/null ) &
	in_ns h1 "$PY" "$TNA_ROOT/tests/lib/udp_count.py" send 10.0.0.2 "$COUNT" "$GAP"
	wait
	tail -1 "$out"
	in_ns h2 ethtool -K eth0 gro on >/dev/null
	sleep 1.5	# the recheck (if that is all there is) sees GRO back
}

echo "linux alone: $(stream) of $COUNT"
ip netns exec "$TNA_NS-dut" "$CTL" --target native -v >"$WORK/ctl.log" 2>&1 &
echo $! >>"$WORK/pids"
for _ in $(seq 100); do grep -q 'tna-deploy: ready' "$WORK/ctl.log" && break; sleep 0.1; done
grep -q 'tna-deploy: ready: 1 of 1' "$WORK/ctl.log" || { cat "$WORK/ctl.log" >&2; err "tna-deploy not ready"; }
: >"$WORK/lost"
for r in $(seq "$ROUNDS"); do
	got=$(stream)
	echo "round $r: $got of $COUNT"
	echo $((COUNT - got)) >>"$WORK/lost"
done
grep -h "xdp-features" "$WORK/ctl.log" | sed 's/^/ctl: /' | head -4
sort -n "$WORK/lost" | awk '{ a[NR] = $1 } END {
	printf "lost per gro off: median %d, max %d of %d datagrams (%d rounds)\n", a[int((NR + 1) / 2)], a[NR], '"$COUNT"', NR }'
