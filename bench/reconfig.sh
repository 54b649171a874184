#!/bin/bash
# bench/reconfig.sh: reconfigurations under load.  Paced traffic
# from tna-gen crosses a bridge to tna-sink while N configuration changes
# hit the bridge: flaps of an unrelated port, an unrelated port added and
# removed, STP port state toggles, isolated on/off (a port table write),
# whole-bridge FDB flushes.  The same sequence runs twice,
# on plain Linux (the control) and with tna-deploy, and the script reports
# the frames each lost, the frames TNA lost that Linux delivered, and the
# event -> new datapath latency (p50/p99) from the controller's log.
# --router: br0 gets an address and a routed port r0 (peer in x), and the
# sequence also changes the router (addresses, a local /24 route: its
# tables, in place).
# See bench/README.md "Reconfiguration benchmark".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bench_env

usage() {
	cat <<'USAGE'
usage: bench/reconfig.sh [options]
  --changes N      reconfigurations per run (100)
  --rate PPS       paced offered load, frames/s (20000)
  --interval S     time between two changes, seconds (0.15)
  --target T       tna-deploy --target (generic; native, auto)
  --runs LIST      linux,tna (default) or one of them
  --router         routing on; router changes in the sequence too
  --changer C      nl: each change sent by tna-nlchange over rtnetlink, no
                   fork (default); ip: by ip/bridge, forked per change (the
                   clock then starts before the fork, as before)
  --deploy PATH    the tna-deploy to measure (default: the build's); e.g.
                   an older build's, for bench/reconfig_ab.sh
  --json FILE      write the results as JSON to FILE
  -h, --help
Exit: 0 measured (targets met or not: see the verdict lines);
      1 a run failed; 2 bad usage or not root.
USAGE
}
die() { echo "reconfig: $*" >&2; exit 2; }
CHANGES=100 RATE=20000 INTERVAL=0.15 TARGET=generic RUNS=linux,tna JSON= ROUTER=0
CHANGER=nl DEPLOY=
args=()	# --router takes no value
for a in "$@"; do [[ $a == --router ]] && ROUTER=1 || args+=("$a"); done
bench_opts 'changes=CHANGES rate=RATE interval=INTERVAL target=TARGET runs=RUNS json=JSON changer=CHANGER deploy=DEPLOY' "${args[@]}"
[[ $CHANGES =~ ^[0-9]+$ ]] && ((CHANGES >= 1 && CHANGES <= 10000)) || die "bad --changes '$CHANGES'"
[[ $RATE =~ ^[0-9]+$ ]] && ((RATE >= 100)) || die "bad --rate '$RATE' (>= 100)"
[[ $INTERVAL =~ ^[0-9]*\.?[0-9]+$ ]] || die "bad --interval '$INTERVAL'"
[[ $TARGET =~ ^(generic|native|auto)$ ]] || die "bad --target '$TARGET' (generic, native, auto)"
[[ $RUNS =~ ^(linux|tna)(,(linux|tna))*$ ]] || die "bad --runs '$RUNS'"
[[ $CHANGER =~ ^(nl|ip)$ ]] || die "bad --changer '$CHANGER' (nl, ip)"
BENCH_KEEP=/tmp/tna-reconfig.last
bench_workspace reconfig tnar tna-gen tna-sink tna-deploy tna-nlchange
DEPLOY=${DEPLOY:-$TNA_BIN/tna-deploy}
[[ -x $DEPLOY ]] || die "--deploy '$DEPLOY': not executable"
GEN=$TNA_NS-gen DUT=$TNA_NS-dut SINK=$TNA_NS-sink X=$TNA_NS-x
err() { echo "reconfig: $*" >&2; exit 1; }

# gen g0,g1 -> DUT a0,a1 -> br0 -> b0,b1 -> sink s0,s1; unrelated ports
# c0 (a member) and c1 (added and removed) with peers in namespace x.
# GRO on every DUT port and on the x peers: veths then receive frames
# sent by XDP, and can be native redirect egresses.
for n in gen dut sink x; do ns "$n" >/dev/null; done
ip -n "$DUT" link add br0 type bridge || err "cannot create br0"
# br_netfilter on (the kernel default) leaves the bridge to Linux: off, in
# both runs (per-namespace sysctls)
ip netns exec "$DUT" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
	net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 2>/dev/null
for k in 0 1; do
	veth gen "g$k" dut "a$k"; veth sink "s$k" dut "b$k"; veth x "x$k" dut "c$k"
	ip netns exec "$X" ethtool -K "x$k" gro on >/dev/null
done
for p in a0 a1 b0 b1 c0 c1; do ip netns exec "$DUT" ethtool -K $p gro on >/dev/null; done
for p in a0 a1 b0 b1 c0; do ip -n "$DUT" link set $p master br0; done
ip -n "$DUT" link set br0 up
if ((ROUTER)); then
	# the router is composed with br0 (a bridge with an address) and
	# routes to r0: two candidates, something to route
	veth x y0 dut r0
	ip -n "$DUT" addr add 10.3.0.1/24 dev br0
	ip -n "$DUT" addr add 10.4.0.1/24 dev r0
	ip -n "$X" addr add 10.4.0.2/24 dev y0
	ip netns exec "$DUT" sysctl -qw net.ipv4.ip_forward=1
fi
sleep 0.5

# Destination MAC 02:de:..:j is learned behind b(j%2) (frames from the
# sink side); input port aK sends source 02:5e:..:K to destination K.
prelearn() {
	local k
	for k in 0 1; do
		ip netns exec "$SINK" "$TNA_BIN/tna-gen" -i "s$k" --learn "$k/2" \
			--dst-macs 2 -n 2 -b 2 >/dev/null 2>&1 || return 1
	done
}

# The change sequence, cycled; each line: kind (link|fdb), the change for
# tna-nlchange, the same change as an ip/bridge command (--changer ip).
# Each toggle appears an even number of times, so a full cycle ends where it
# started; a run of --changes that is not a multiple of the cycle does not,
# and reset_state puts the DUT back before every run.
CHANGES_LIST=(
	"link|link c0 down|ip -n $DUT link set c0 down"
	"link|link c0 up|ip -n $DUT link set c0 up"
	"link|link c1 master br0|ip -n $DUT link set c1 master br0"
	"link|brport c0 state 0|bridge -n $DUT link set dev c0 state 0"
	"link|brport c0 state 3|bridge -n $DUT link set dev c0 state 3"
	"link|link c1 nomaster|ip -n $DUT link set c1 nomaster"
	"link|brport c0 isolated on|bridge -n $DUT link set dev c0 isolated on"
	"link|brport c0 isolated off|bridge -n $DUT link set dev c0 isolated off"
	"fdb|fdb_flush br0|ip -n $DUT link set br0 type bridge fdb_flush"
	"link|brport c0 learning off|bridge -n $DUT link set dev c0 learning off"
	"link|brport c0 learning on|bridge -n $DUT link set dev c0 learning on"
	"link|link c0 down|ip -n $DUT link set c0 down"
	"link|link c0 up|ip -n $DUT link set c0 up"
	"link|brport c0 state 0|bridge -n $DUT link set dev c0 state 0"
	"link|brport c0 state 3|bridge -n $DUT link set dev c0 state 3"
	"fdb|fdb_flush br0|ip -n $DUT link set br0 type bridge fdb_flush"
)
((ROUTER)) && CHANGES_LIST+=(
	"link|addr add 10.4.0.100/24 r0|ip -n $DUT addr add 10.4.0.100/24 dev r0"
	"link|addr del 10.4.0.100/24 r0|ip -n $DUT addr del 10.4.0.100/24 dev r0"
	"link|route add local 10.77.0.0/24 lo|ip -n $DUT route add local 10.77.0.0/24 dev lo"
	"link|route del local 10.77.0.0/24 lo|ip -n $DUT route del local 10.77.0.0/24 dev lo"
)

# change I KIND NLWORDS IPCMD: make one change and append "I KIND T0 T1
# CHANGE" to $WORK/$mode.changes.  nl: tna-nlchange (a coprocess in the
# DUT, no fork) sends it; the kernel notified in [T0, T1] (before sendmsg,
# after its ack).  ip: the old way, T0 before ip/bridge is forked, T1 after
# it exited.
change() {
	local i=$1 kind=$2 words=$3 cmd=$4 st t0 t1
	if [[ $CHANGER == nl ]]; then
		echo "$words" >&"${NLC[1]}"
		read -r st t0 t1 <&"${NLC[0]}" || err "tna-nlchange died"
		[[ $st == ok ]] || err "change $i failed: $words: $t0 $t1"
	else
		t0=$EPOCHREALTIME
		$cmd || err "change $i failed: $cmd"
		t1=$EPOCHREALTIME
	fi
	echo "$i $kind $t0 $t1 $words" >>"$WORK/$mode.changes"
}

# reset_state: the DUT as the sequence starts it: c0 an up, forwarding,
# learning, unisolated member; c1 no member; no extra address or local
# route.  Without it the first change of the next run can be a no-op (c1
# "joins" the bridge it is in): the kernel sends nothing, and the latency
# measured is the time to the next burst.
reset_state() {
	ip -n "$DUT" link set c1 nomaster &&
	ip -n "$DUT" link set c0 up &&
	bridge -n "$DUT" link set dev c0 state 3 isolated off learning on || return 1
	if ((ROUTER)); then
		ip -n "$DUT" addr del 10.4.0.100/24 dev r0 2>/dev/null
		ip -n "$DUT" route del local 10.77.0.0/24 dev lo 2>/dev/null
	fi
	return 0
}

# measure MODE: one run; writes $WORK/MODE.{gen,sink,changes,ctl}
measure() {
	local mode=$1 i kind words cmd pid_ctl= pid_gen pid_sink pid_nlc=
	: >"$WORK/$mode.changes"
	reset_state || err "cannot reset the DUT before the $mode run"
	if [[ $mode == tna ]]; then
		ip netns exec "$DUT" "$DEPLOY" --target "$TARGET" -v \
			>"$WORK/tna.ctl" 2>&1 &
		pid_ctl=$!; echo $pid_ctl >>"$WORK/pids"
		for _ in $(seq 100); do
			grep -q 'tna-deploy: ready: 1 of' "$WORK/tna.ctl" && break
			kill -0 $pid_ctl 2>/dev/null || break
			sleep 0.1
		done
		grep -q 'tna-deploy: ready: 1 of' "$WORK/tna.ctl" ||
			err "tna-deploy did not deploy br0: $(tail -3 "$WORK/tna.ctl")"
	fi
	prelearn || err "pre-learning failed"
	ip netns exec "$SINK" "$TNA_BIN/tna-sink" -i s0,s1 -c 2 -w 0 -d 0 -T 30 -j \
		>"$WORK/$mode.sink" 2>"$WORK/$mode.sinkerr" &
	pid_sink=$!; echo $pid_sink >>"$WORK/pids"
	for _ in $(seq 100); do grep -q attached "$WORK/$mode.sinkerr" && break; sleep 0.05; done
	ip netns exec "$GEN" "$TNA_BIN/tna-gen" -i g0,g1 --src-macs 2 --dst-macs 2 \
		--rate "$RATE" -b 16 -d 3600 -j >"$WORK/$mode.gen" 2>"$WORK/$mode.generr" &
	pid_gen=$!; echo $pid_gen >>"$WORK/pids"
	if [[ $CHANGER == nl ]]; then
		coproc NLC { ip netns exec "$DUT" "$TNA_BIN/tna-nlchange"; }
		pid_nlc=$NLC_PID; echo $pid_nlc >>"$WORK/pids"
	fi
	sleep 1
	for ((i = 0; i < CHANGES; i++)); do
		IFS='|' read -r kind words cmd <<<"${CHANGES_LIST[i % ${#CHANGES_LIST[@]}]}"
		change "$i" "$kind" "$words" "$cmd"
		# after a flush the destinations are unknown (Linux floods):
		# learn them again as the hosts' next frames would
		[[ $words == fdb_flush* ]] && { prelearn || err "re-learning failed"; }
		sleep "$INTERVAL"
	done
	if [[ -n $pid_nlc ]]; then
		exec {NLC[1]}>&-
		wait $pid_nlc || err "tna-nlchange exited $?"
	fi
	sleep 1
	kill -INT $pid_gen; wait $pid_gen || err "tna-gen: $(tail -1 "$WORK/$mode.generr")"
	sleep 0.5	# frames in flight
	kill -TERM $pid_sink; wait $pid_sink || err "tna-sink: $(grep -v attached "$WORK/$mode.sinkerr" | tail -1)"
	if [[ -n $pid_ctl ]]; then
		ip netns exec "$DUT" "$TNA_BIN/tna-deploy" --status --json >"$WORK/tna.status"
		kill -TERM $pid_ctl; wait $pid_ctl || err "tna-deploy exited $?"
		for p in a0 a1 b0 b1 c0 c1 $( ((ROUTER)) && echo r0); do
			ip -n "$DUT" link show $p | grep -q 'prog/xdp' && err "XDP left on $p"
		done
	fi
	return 0
}

IFS=, read -ra MODES <<<"$RUNS"
for m in "${MODES[@]}"; do
	echo "reconfig: $m run: $CHANGES changes every ${INTERVAL}s under ${RATE} frames/s" >&2
	measure "$m"
done

$PY - "$WORK" "$RUNS" "$CHANGES" "$RATE" "$TARGET" "${JSON:-}" "$ROUTER" "$CHANGER" "$DEPLOY" <<'PY'
import json, re, sys
work, runs, changes, rate, target, out, router, changer, deploy = sys.argv[1:10]
res = {"changes": int(changes), "rate_pps": int(rate), "target": target,
       "router": router == "1", "changer": changer, "deploy": deploy, "runs": {}}
# The start of each sample: nl, the kernel's notification (tna-nlchange's
# stamp before the request; the kernel notified before its ack, within
# the bracket reported); ip, before ip/bridge was forked.
START = {"nl": "kernel notification", "ip": "ip/bridge forked"}[changer]
pctl = lambda a, p: a[min(len(a) - 1, int(round(p / 100 * (len(a) - 1))))] if a else None
stats = lambda a: {"n": len(a), "p50": pctl(a, 50), "p95": pctl(a, 95), "p99": pctl(a, 99),
                   "max": a[-1] if a else None}
for mode in runs.split(","):
    g = json.load(open(f"{work}/{mode}.gen"))
    s = json.load(open(f"{work}/{mode}.sink"))
    sent, recv, wrong = g["sent"], s["received"], s.get("misdelivered", 0)
    right = recv - wrong
    r = {"sent": sent, "delivered": right, "lost": sent - right, "wrong_port_copies": wrong}
    if mode == "tna":
        log = open(f"{work}/tna.ctl").read().splitlines()
        # (kind, time applied, time its replan started or None: older
        # controllers do not log where the time went)
        ev, phases = [], []
        for l in log:
            m = re.search(r"applied \d+ event\(s\) .* at (\d+\.\d+),", l)
            if m:
                t = float(m.group(1))
                w = re.search(r"probe ([\d.]+), router ([\d.]+), bridges ([\d.]+), rest ([\d.]+) ms", l)
                busy = sum(float(x) for x in w.groups()) / 1000 if w else None
                wt = re.search(r", ([\d.]+) ms after the first: .*\(waited ([\d.]+)", l)
                if w and wt:
                    phases.append([float(wt.group(1)), float(wt.group(2))] + [float(x) for x in w.groups()])
                ev.append(("link", t, t - busy if busy is not None else None))
            m = re.search(r"fdb: applied \d+ change\(s\) at (\d+\.\d+)", l)
            if m:
                ev.append(("fdb", float(m.group(1)), None))
            m = re.search(r"ports held on Linux at (\d+\.\d+)", l)
            if m:
                ev.append(("hold", float(m.group(1)), None))
        ch = [l.split(" ", 4) for l in open(f"{work}/tna.changes").read().splitlines()]
        lat, lat_ack, safe, bracket, missing, per = [], [], [], [], [], {}
        for k, (i, kind, t0, t1, cmd) in enumerate(ch):
            t0, t1 = float(t0), float(t1)
            # A change is applied by the first burst that ends after the
            # kernel acked it and, where the log says, whose replan began
            # after that (it was in the model); an FDB change by the
            # first FDB batch after it was sent.  No upper bound: a slow
            # burst counts for its change even after the next one.
            if kind == "fdb":
                hit = [t for (kd, t, _) in ev if kd == kind and t >= t0]
            else:
                hit = [t for (kd, t, st) in ev if kd == kind and t >= t1 and (st is None or st >= t1)]
            hold = [t for (kd, t, _) in ev if kd == "hold" and t >= t0]
            bracket.append((t1 - t0) * 1000)
            if hit:
                lat.append((hit[0] - t0) * 1000)
                lat_ack.append((hit[0] - t1) * 1000)
                safe.append((min([hit[0]] + hold) - t0) * 1000)
                per.setdefault(cmd, []).append((hit[0] - t0) * 1000)
            else:
                missing.append(cmd)
        samples = list(lat)
        lat.sort(); lat_ack.sort(); safe.sort(); bracket.sort()
        st = json.load(open(f"{work}/tna.status"))
        slow = sorted(p for p in phases if p[0] >= 50)
        med = lambda k: sorted(p[k] for p in slow)[len(slow) // 2]
        r["slow_bursts"] = ({"n": len(slow), "of": len(phases),
                             **{name: med(k) for k, name in enumerate(
                                 ("total", "waited", "probe", "router", "bridges", "rest"))}}
                            if slow else {"n": 0, "of": len(phases)})
        r.update({"latency_start": START, "latency_ms": stats(lat), "latency_samples_ms": samples,
                  "latency_from_ack_ms": stats(lat_ack),
                  "latency_to_linux_safe_ms": stats(safe),
                  "change_syscall_ms": stats(bracket),
                  "changes_without_event": missing,
                  "latency_ms_by_change": {k: {"n": len(v), "max": max(v), "mean": sum(v) / len(v)}
                                           for k, v in per.items()},
                  "redeploys": st.get("redeploys"), "bursts_applied": st.get("bursts_applied")})
    res["runs"][mode] = r
R = res["runs"]
print(f"reconfigurations: {changes}, offered load {rate} frames/s, target {target}"
      + (", with router changes" if router == "1" else "") + f", changes by {changer}")
print(f"{'run':6} {'sent':>9} {'delivered':>10} {'lost':>6} {'wrong-port copies':>18}")
for mode, r in R.items():
    print(f"{mode:6} {r['sent']:9} {r['delivered']:10} {r['lost']:6} {r['wrong_port_copies']:18}")
fmt = lambda l: (f"p50 {l['p50']:.1f} ms, p95 {l['p95']:.1f} ms, p99 {l['p99']:.1f} ms, "
                 f"max {l['max']:.1f} ms, n {l['n']}")
if "tna" in R:
    t = R["tna"]; l = t["latency_ms"]
    if "linux" in R:
        excess = t["lost"] - R["linux"]["lost"]
        res["tna_lost_beyond_linux"] = max(0, excess)
        print(f"frames TNA lost that Linux delivered: {max(0, excess)} (target 0): "
              + ("TARGET MET" if excess <= 0 else "TARGET MISSED"))
    if l["n"]:
        print(f"event ({START}) -> new datapath (controller applied, maps written): {fmt(l)} "
              "(target p99 < 50 ms): " + ("TARGET MET" if l["p99"] < 50 else "TARGET MISSED"))
    la = t["latency_from_ack_ms"]
    if changer == "nl" and la["n"]:
        print(f"  the same from the kernel's ack (a lower bound): {fmt(la)}")
    b = t["change_syscall_ms"]
    print(f"  the change's own syscall ({'request sent -> kernel ack' if changer == 'nl' else 'ip/bridge fork -> exit'}): "
          f"p50 {b['p50']:.2f} ms, p99 {b['p99']:.2f} ms, max {b['max']:.2f} ms")
    ls = t["latency_to_linux_safe_ms"]
    if ls["n"]:
        print(f"event -> datapath equivalent to Linux (new pipeline, or every port held on "
              f"Linux while it loads): {fmt(ls)}")
    print("event -> new datapath by change (mean, max):")
    for k, v in t["latency_ms_by_change"].items():
        print(f"  {k:42} n {v['n']:3}  mean {v['mean']:6.1f} ms  max {v['max']:6.1f} ms")
    print(f"controller: {t['bursts_applied']} bursts applied, {t['redeploys']} atomic pipeline swaps")
    sb = t["slow_bursts"]
    if sb["n"]:
        print(f"bursts >= 50 ms after their first event: {sb['n']} of {sb['of']}; their median ms: "
              f"total {sb['total']:.1f}, waited {sb['waited']:.1f}, probe {sb['probe']:.1f}, "
              f"router {sb['router']:.1f}, bridges {sb['bridges']:.1f}, rest {sb['rest']:.1f}")
    if t["changes_without_event"]:
        print(f"changes with no controller event: {len(t['changes_without_event'])}: "
              + ", ".join(t["changes_without_event"][:5]))
if out:
    json.dump(res, open(out, "w"), indent=1)
PY
