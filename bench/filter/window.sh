#!/bin/bash
# The rule-change window: from `nft` returning to the fast path enforcing
# the new ruleset (tna-rt-test --filter's switch, CLOCK_MONOTONIC both).
# A router namespace with the typical ruleset of rules.sh (established
# first, --rules N more, masquerade) and a chain "block" jumped to first;
# --changes times, 50 ms apart, one rule is added to "block" or the chain
# is flushed.  Prints p50/p99/max of the window and of its parts (read,
# compile, load), and --json FILE.  --deploy: the router deployed by
# tna-deploy (the controller's follower, its log lines) instead of
# tna-rt-test --filter.
#
#   bench/filter/window.sh [--rules N] [--changes N] [--target generic|native] [--deploy]
#                          [--json FILE]
set -u
cd "$(dirname "$0")/../.." || exit 1
RULES=100 CHANGES=200 TARGET=generic JSON= DEPLOY=
while [[ $# -gt 0 ]]; do
	case $1 in
	--rules) RULES=$2; shift ;;
	--changes) CHANGES=$2; shift ;;
	--target) TARGET=$2; shift ;;
	--json) JSON=$2; shift ;;
	--deploy) DEPLOY=1 ;;
	-h|--help) sed -n 2,14p "$0"; exit 0 ;;
	*) echo "window.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
source tests/lib/netns.sh
need_root
TNA_BIN=${TNA_BIN:-$PWD/build/bin}
ns r >/dev/null
in_ns r ip link add wa type veth peer name wb || fail "veth"
in_ns r ip link set wa up && in_ns r ip link set wb up
{
	echo "table inet fw {"
	echo " chain block { }"
	echo " chain forward { type filter hook forward priority filter; policy drop;"
	echo "  jump block"
	echo "  ct state established,related accept"
	awk -v n="$RULES" 'BEGIN { for (i = 0; i < n; i++)
		printf "  ip saddr 10.100.%d.0/24 udp dport %d accept\n", i % 256, 1000 + i }'
	echo " }"
	echo "}"
	echo "table ip nat { chain post { type nat hook postrouting priority srcnat; oifname \"wb\" masquerade; }"
	echo "}"
} | in_ns r nft -f - || fail "ruleset"
out=$(mktemp)
on_exit "rm -f $out"
if [[ -n $DEPLOY ]]; then	# a router to deploy: forwarding, two addressed ports
	in_ns r sysctl -qw net.ipv4.ip_forward=1 || fail "sysctl"
	in_ns r ip addr add 10.200.1.1/24 dev wa && in_ns r ip addr add 10.200.2.1/24 dev wb || fail "addr"
	GEN0=$(in_ns r "$TNA_BIN/tna-nf-compile" --genid) || fail "genid"
	ip netns exec "$TNA_NS-r" "$TNA_BIN/tna-deploy" --target "$TARGET" >"$out" 2>&1 &
	rt=$!
	on_exit "kill $rt"
	for _ in $(seq 100); do grep -q "^tna-deploy: ready.*router on" "$out" && break; sleep 0.1; done
	grep -q "^tna-deploy: ready.*router on" "$out" || { cat "$out"; fail "tna-deploy not ready"; }
else
	ip netns exec "$TNA_NS-r" "$TNA_BIN/tna-rt-test" --target "$TARGET" --filter -i wa -i wb \
		--ready "$out.ready" >"$out" 2>&1 &
	rt=$!
	on_exit "kill $rt; rm -f $out.ready"
	for _ in $(seq 100); do [[ -e $out.ready ]] && break; sleep 0.1; done
	[[ -e $out.ready ]] || { cat "$out"; fail "tna-rt-test not ready"; }
fi
in_ns r /usr/bin/python3 - "$CHANGES" >"$out.nft" <<'PY' || fail "changes"
import subprocess, sys, time
for i in range(int(sys.argv[1])):
    cmd = "add rule inet fw block udp dport %d drop" % (i + 1) if i % 2 == 0 else "flush chain inet fw block"
    subprocess.run(["nft", cmd], check=True)
    print(time.clock_gettime_ns(time.CLOCK_MONOTONIC))
    time.sleep(0.05)
PY
sleep 0.5
/usr/bin/python3 - "$out" "$out.nft" "$RULES" "$CHANGES" "$TARGET" "${JSON:-}" "${GEN0:-}" <<'PY'
import json, re, sys
out, nft, rules, changes, target, jpath, gen0 = sys.argv[1:8]
gens = [dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", l)) for l in open(out)
         if l.startswith("filter: gen") or "router: netfilter program gen" in l]
t_nft = [int(x) for x in open(nft)]
# change i makes ruleset generation gen0 + i + 1; when events arrive
# together the follower reads once, and the swap to the first generation
# >= that one is where change i (with the ones after it) is enforced
# (tna-deploy logs the reloads only: gen0 was read before the changes)
gen0, later = (int(gen0), gens) if gen0 else (gens[0]["nft_genid"], gens[1:])
if sys.argv[7]:
    target += " (tna-deploy)"
win = []
for i, t in enumerate(t_nft):
    g = next((g for g in later if g["nft_genid"] >= gen0 + i + 1), None)
    if g is None:
        sys.exit("window.sh: change %d (generation %d) never reached the fast path" % (i + 1, gen0 + i + 1))
    win.append(max(0, g["swap_ns"] - t) / 1e3)
win.sort()
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
parts = {k: [g[k] for g in later] for k in ("read_us", "compile_us", "load_us")}
parts["event_to_swap_us"] = [(g["swap_ns"] - g["event_ns"]) / 1e3 for g in later if g["event_ns"]]
res = {"rules": int(rules), "changes": len(win), "reloads": len(later), "target": target,
       "window_us": {"p50": pct(win, 50), "p99": pct(win, 99), "max": max(win)}}
for k, v in parts.items():
    res[k] = {"p50": pct(v, 50), "p99": pct(v, 99), "max": max(v)}
print("window (nft returned -> fast path switched), %d changes (%d reloads), %d rules + established + masquerade, %s:"
      % (len(win), len(later), int(rules), target))
for k in ("window_us", "event_to_swap_us", "read_us", "compile_us", "load_us"):
    print("  %-13s p50 %8.0f  p99 %8.0f  max %8.0f" % (k[:-3], res[k]["p50"], res[k]["p99"], res[k]["max"]))
if jpath:
    json.dump(res, open(jpath, "w"), indent=1)
PY
