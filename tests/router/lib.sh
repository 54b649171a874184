# Sourced by tests/router/test_*.sh (after tests/lib/netns.sh): a router r
# between host namespaces, driven by tna-rt-test.
#
#   router_topo          h1 -- r1 [r] r2 -- h2   (10.1/24 2001:db8:1::/64, 10.2/24 2001:db8:2::/64)
#   bridge_ip_topo       adds br0 on r (10.3.0.1/24, 2001:db8:3::1/64) with
#                        ports b3, b4 to hosts h3, h4 (10.3.0.3, .4)
#   start_rt ARGS...     tna-rt-test in r, waits until attached (RT_PID)
#   rt_counter IF KEY    tna-stat counter of IF in r: forwarded | passed.REASON
#   linux_fwd4/6         packets Linux itself forwarded on r (SNMP counters)
#   start_deploy_r ARGS...  tna-deploy in r, ready (D, DEP_PID, sync_)
#   pings_answered N WHAT FILE...  every ping answered
#   xdp_sampler_start/stop PORT...  r's ports' XDP state read every ms

_host() {	# _host NAME IFACE V4 V6 GW4 GW6
	# the hosts ping and inject frames, they send no TSO superpackets:
	# with TSO on, tna-deploy's auto would leave their ports to Linux
	in_ns "$1" ethtool -K "$2" tso off >/dev/null
	in_ns "$1" ip addr add "$3" dev "$2"
	in_ns "$1" ip addr add "$4" dev "$2" nodad
	in_ns "$1" ip route add default via "$5"
	in_ns "$1" ip -6 route add default via "$6"
}

# no DAD: addresses (and link-locals) usable at once
_ns() { ns "$1" >/dev/null; in_ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0; }

router_topo() {
	_ns r; _ns h1; _ns h2
	in_ns r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 ||
		fail "sysctl on r"
	for i in 1 2; do
		veth r r$i h$i eth0
		in_ns h$i ip link set eth0 address 02:00:00:00:0$i:02
		in_ns r ip addr add 10.$i.0.1/24 dev r$i
		in_ns r ip addr add 2001:db8:$i::1/64 dev r$i nodad
		_host h$i eth0 10.$i.0.2/24 2001:db8:$i::2/64 10.$i.0.1 2001:db8:$i::1
	done
}

bridge_ip_topo() {
	_ns h3; _ns h4
	in_ns r ip link add br0 type bridge || fail "cannot create br0"
	in_ns r ip link set br0 address 02:bb:00:00:00:01
	for i in 3 4; do
		veth r b$i h$i eth0
		in_ns r ip link set b$i master br0
		in_ns h$i ip link set eth0 address 02:00:00:00:0$i:02
		_host h$i eth0 10.3.0.$i/24 2001:db8:3::$i/64 10.3.0.1 2001:db8:3::1
	done
	in_ns r ip link set br0 up
	in_ns r ip addr add 10.3.0.1/24 dev br0
	in_ns r ip addr add 2001:db8:3::1/64 dev br0 nodad
	for _ in $(seq 50); do
		in_ns r bridge link show | grep -c 'state forwarding' | grep -qx 2 && return 0
		sleep 0.1
	done
	fail "bridge ports do not reach forwarding"
}

# --fdb/--local arguments from the kernel FDB of br0 (learnt entries only)
fdb_args() {
	in_ns r bridge fdb show br br0 | awk '
		/ self/ { next }
		/permanent/ && !/vlan/ { print "--local " $1; next }
		$3 ~ /^b[0-9]/ && !/permanent/ && !/vlan/ { print "--fdb " $1 "=" $3 }'
}

start_rt() {
	local ready=$RT_TMP/ready
	rm -f "$ready"
	ip netns exec "$TNA_NS-r" "$TNA_BIN/tna-rt-test" --ready "$ready" "$@" \
		>"$RT_TMP/rt.out" 2>&1 &
	RT_PID=$!
	on_exit_kill "$RT_PID"
	for _ in $(seq 100); do
		[[ -e $ready ]] && { cat "$RT_TMP/rt.out"; return 0; }
		kill -0 "$RT_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$RT_TMP/rt.out" >&2
	fail "tna-rt-test did not become ready"
}

stop_rt() {
	kill -TERM "$RT_PID"; wait "$RT_PID"
}

rt_counter() { in_ns r "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); k=sys.argv[1]
i=d["interfaces"][0]
print(i["passed"].get(k.split(".")[1],0) if k.startswith("passed.") else i[k])' "$2"; }

linux_fwd4() { in_ns r awk '/^Ip:/ { if (!h) { for (i=1;i<=NF;i++) if ($i=="ForwDatagrams") c=i; h=1 } else print $c }' /proc/net/snmp; }
linux_fwd6() { in_ns r awk '$1=="Ip6OutForwDatagrams" { print $2 }' /proc/net/snmp6; }

xdp_id() { in_ns r ip -j link show "$1" | /usr/bin/python3 -c '
import json,sys; l=json.load(sys.stdin)[0]; x=l.get("xdp",{})
print(x.get("prog",{}).get("id","") or next((a["prog"]["id"] for a in x.get("attached",[]) if "prog" in a),""))'; }

# start_deploy_r ARGS...: tna-deploy ARGS -v in r (DEP_PID, its output in
# $RT_TMP/dep.out), back once it is ready; D: the tna-deploy command in r,
# sync_: tna-deploy --sync there.
start_deploy_r() {
	D=(ip netns exec "$TNA_NS-r" "$TNA_BIN/tna-deploy")
	"${D[@]}" "$@" -v >"$RT_TMP/dep.out" 2>&1 &
	DEP_PID=$!
	on_exit_kill "$DEP_PID"
	wait_deploy_ready "$RT_TMP/dep.out" "$DEP_PID"
}
sync_() { "${D[@]}" --sync || fail "tna-deploy --sync failed"; }

# pings_answered N WHAT FILE...: each ping output $RT_TMP/FILE says N sent,
# N received (WHAT: across what, for the messages)
pings_answered() {
	local n=$1 what=$2 f sent recv; shift 2
	for f; do
		read -r sent recv < <(awk '/packets transmitted/ { print $1, $4 }' "$RT_TMP/$f")
		[[ $sent == "$n" && $recv == "$n" ]] ||
			fail "$f: $recv of $sent pings answered across $what: $(cat "$RT_TMP/$f")"
		echo "ok: $f: $recv of $sent pings answered across $what"
	done
}

# xdp_sampler_start PORT...: read the XDP state of every PORT of r every
# millisecond (one `ip -batch`, each dump read before the next is asked
# for) until xdp_sampler_stop, which sets XDP_SAMPLES to the number of
# samples; every stretch of samples that found a port without a program
# is a line "PORT: no XDP program for MS ms (N samples)" in $RT_TMP/gaps.
xdp_sampler_start() {
	touch "$RT_TMP/sampling"
	ip netns exec "$TNA_NS-r" /usr/bin/python3 -c '
import os, re, subprocess, sys, time
flag, out, ports = sys.argv[1], sys.argv[2], sys.argv[3:]
ip = subprocess.Popen(["ip", "-o", "-batch", "-"], stdin=subprocess.PIPE,
                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
n, gone, gaps = 0, {}, []
while os.path.exists(flag):
	ip.stdin.write("link show\n"); ip.stdin.flush()
	seen = {}
	while len(seen) < len(ports):
		m = re.match(r"\d+: ([^:@ ]+)[@:]", ip.stdout.readline())
		if m and m.group(1) in ports:
			seen[m.group(1)] = "xdp" in m.string
	t = time.monotonic(); n += 1
	for p, ok in seen.items():
		if not ok and p not in gone:
			gone[p] = (t, n)
		elif ok and p in gone:
			t0, n0 = gone.pop(p)
			gaps.append("%s: no XDP program for %.1f ms (%d samples)" % (p, (t - t0) * 1e3, n - n0))
	time.sleep(0.001)
for p, (t0, n0) in gone.items():
	gaps.append("%s: no XDP program for %.1f ms (%d samples, at the end)" % (p, (time.monotonic() - t0) * 1e3, n - n0))
open(out, "w").write("".join(g + "\n" for g in gaps))
print(n)' "$RT_TMP/sampling" "$RT_TMP/gaps" "$@" >"$RT_TMP/samples" &
	XDP_SAMPLER=$!
	on_exit "rm -f $RT_TMP/sampling"
}
xdp_sampler_stop() {	# sets XDP_SAMPLES
	rm -f "$RT_TMP/sampling"
	wait "$XDP_SAMPLER"
	XDP_SAMPLES=$(cat "$RT_TMP/samples")
}

RT_TMP=$(mktemp -d)
on_exit "rm -rf $RT_TMP"
