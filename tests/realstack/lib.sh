# Sourced by tests/realstack/test_*.sh (after tests/lib/netns.sh): real
# TCP/UDP stacks in host namespaces talking through a DUT namespace that is
# a bridge, a router, or both, with or without tna-deploy.
#
#   rs_topo bridge|router|brrouter
#       bridge:   h1 h2 on br0 (10.0.0.0/24, fd00::/64)
#       router:   h1 -- p1 [dut routes] p2 -- h2 (10.1/10.2, fd01/fd02)
#       brrouter: h1 h3 on br0 (br0 has 10.1.0.254: they route through it),
#                 h2 behind the routed port p2
#       sets RS_HOSTS (the host namespaces), RS_PAIRS ("client server dst4
#       dst6" lines: the transfers that cross the DUT)
#   rs_features ARGS...     ethtool -K e0 ARGS on every host end
#   rs_deploy TARGET        tna-deploy --target TARGET in dut, waits until ready
#   rs_undeploy             stops it (SIGTERM), fails on a bad exit
#   rs_csum_errors NS       InCsumErrors (IP, TCP, UDP, UDP6, ICMP...) summed
#   rs_tcp C S DST STREAMS BYTES   / rs_udp C S DST COUNT [--gso]
#       a transfer with tna-xfer; fails unless every byte arrived unchanged
#   rs_fastpath PORT...     tna-stat of the DUT ports as JSON (one object)
#   rs_matrix TOPO          the whole test of a topology: plain Linux, then
#                           every target with every set of host features
RS_BIN=${TNA_BIN:-build/bin}
RS_TMP=$(mktemp -d)
on_exit "rm -rf $RS_TMP"
RS_PY=/usr/bin/python3

rs_topo() {
	local kind=$1 h
	ns dut >/dev/null
	RS_HOSTS=(h1 h2)
	[[ $kind == brrouter ]] && RS_HOSTS+=(h3)
	for h in "${RS_HOSTS[@]}"; do
		ns "$h" >/dev/null
		veth "$h" e0 dut "p${h#h}"
	done
	# RS_NF_CALL=1: the kernel default, br_netfilter's checks in the
	# fast path (brnf_*), with the partial checksums of the same frames
	local nf=${RS_NF_CALL:-0}
	in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=$nf \
		net.bridge.bridge-nf-call-ip6tables=$nf net.bridge.bridge-nf-call-arptables=$nf 2>/dev/null
	case $kind in
	bridge)
		in_ns dut ip link add br0 type bridge
		in_ns dut ip link set p1 master br0
		in_ns dut ip link set p2 master br0
		in_ns dut ip link set br0 up
		rs_addr h1 10.0.0.1/24 fd00::1/64
		rs_addr h2 10.0.0.2/24 fd00::2/64
		RS_PAIRS=("h1 h2 10.0.0.2 fd00::2") ;;
	router)
		in_ns dut sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
		rs_addr dut 10.1.0.254/24 fd01::fe/64 p1
		rs_addr dut 10.2.0.254/24 fd02::fe/64 p2
		rs_addr h1 10.1.0.1/24 fd01::1/64
		rs_addr h2 10.2.0.1/24 fd02::1/64
		rs_gw h1 10.1.0.254 fd01::fe
		rs_gw h2 10.2.0.254 fd02::fe
		RS_PAIRS=("h1 h2 10.2.0.1 fd02::1") ;;
	brrouter)
		in_ns dut sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
		in_ns dut ip link add br0 type bridge
		in_ns dut ip link set p1 master br0
		in_ns dut ip link set p3 master br0
		in_ns dut ip link set br0 up
		rs_addr dut 10.1.0.254/24 fd01::fe/64 br0
		rs_addr dut 10.2.0.254/24 fd02::fe/64 p2
		rs_addr h1 10.1.0.1/24 fd01::1/64
		rs_addr h3 10.1.0.3/24 fd01::3/64
		rs_addr h2 10.2.0.1/24 fd02::1/64
		for h in h1 h3; do rs_gw $h 10.1.0.254 fd01::fe; done
		rs_gw h2 10.2.0.254 fd02::fe
		# routed (bridge port -> router -> routed port) and bridged
		RS_PAIRS=("h1 h2 10.2.0.1 fd02::1" "h3 h1 10.1.0.1 fd01::1") ;;
	*) fail "rs_topo: unknown topology $kind" ;;
	esac
	local p
	for p in "${RS_PAIRS[@]}"; do
		set -- $p
		in_ns "$1" ping -c1 -W3 "$3" >/dev/null || fail "no ping $1 -> $3 on plain Linux"
		in_ns "$1" ping -c1 -W3 "$4" >/dev/null || fail "no ping $1 -> $4 on plain Linux"
	done
}

rs_addr() {	# NS V4 V6 [DEV]
	in_ns "$1" ip addr add "$2" dev "${4:-e0}"
	in_ns "$1" ip addr add "$3" dev "${4:-e0}" nodad
}

rs_gw() {	# NS V4 V6
	in_ns "$1" ip route add default via "$2"
	in_ns "$1" ip -6 route add default via "$3"
}

rs_features() {
	local h
	for h in "${RS_HOSTS[@]}"; do
		in_ns "$h" ethtool -K e0 "$@" >/dev/null 2>&1 || fail "ethtool -K e0 $* in $h"
	done
}

rs_deploy() {
	local out=$RS_TMP/deploy.out
	: > "$out"
	ip netns exec "$TNA_NS-dut" "$RS_BIN/tna-deploy" --target "$1" -v >"$out" 2>&1 &
	RS_DEP=$!
	on_exit "kill -9 $RS_DEP"
	wait_deploy_ready "$out" "$RS_DEP"
}

rs_undeploy() {
	kill -TERM "$RS_DEP"
	wait "$RS_DEP" || { cat "$RS_TMP/deploy.out" >&2; fail "tna-deploy exited $? on SIGTERM"; }
}

rs_csum_errors() {
	in_ns "$1" cat /proc/net/snmp /proc/net/snmp6 | awk '
		/^[A-Za-z]+: / && !hdr[$1] { for (i = 2; i <= NF; i++) name[$1, i] = $i; hdr[$1] = 1; next }
		/^[A-Za-z]+: / { for (i = 2; i <= NF; i++) if (name[$1, i] == "InCsumErrors") s += $i; next }
		/InCsumErrors/ { s += $2 }
		END { print s + 0 }'
}

# rs_xfer C S CLIENT-ARGS... : one transfer, server in S, client in C;
# fails unless the receiver saw every byte right and as many as were sent.
rs_xfer() {
	local c=$1 s=$2 srv=$RS_TMP/srv.json cli=$RS_TMP/cli.json sargs=(-s -6 -T 10 -j) a prev=
	shift 2
	for a in "$@"; do	# the server takes the protocol and stream count
		[[ $a == -u ]] && sargs+=(-u)
		[[ $prev == -P ]] && sargs+=(-P "$a")
		prev=$a
	done
	: >"$srv.err"	# empty before the server starts: rs_listening reads it
	ip netns exec "$TNA_NS-$s" "$RS_BIN/tna-xfer" "${sargs[@]}" >"$srv" 2>"$srv.err" &
	local sp=$!
	rs_listening "$srv.err" "$sp" || fail "tna-xfer did not listen in $s: $(cat "$srv.err")"
	in_ns "$c" timeout 60 "$RS_BIN/tna-xfer" "$@" -j >"$cli" 2>&1
	local crc=$?
	wait "$sp"
	local src=$?
	"$RS_PY" - "$srv" "$cli" "$crc" "$src" "$c -> $s: $*" <<'EOF'
import json, sys
srv_f, cli_f, crc, src, what = sys.argv[1:]
try:
    srv = json.load(open(srv_f)); cli = json.load(open(cli_f))
except Exception as e:
    sys.exit("%s: no result (client exit %s, server exit %s): %s" % (what, crc, src, e))
if srv["proto"] == "tcp":
    ok = crc == "0" and src == "0" and srv["complete"] and srv["mismatched_streams"] == 0 \
        and srv["bytes"] == cli["sent"] and srv["bytes"] > 0
    print("%s: %d bytes sent, %d received unchanged, %.2f Gbit/s" %
          (what, cli["sent"], srv["bytes"] if not srv["mismatched_streams"] else -1, srv["gbps"]))
else:
    ok = crc == "0" and src == "0" and srv["corrupt"] == 0 and srv["duplicates"] == 0 \
        and srv["datagrams"] == cli["sent_datagrams"]
    print("%s: %d datagrams sent, %d received (%d corrupt, %d duplicated)" %
          (what, cli["sent_datagrams"], srv["datagrams"], srv["corrupt"], srv["duplicates"]))
sys.exit(0 if ok else 1)
EOF
	if [[ $? -ne 0 ]]; then
		echo "client: $(cat "$cli")" >&2
		echo "receiver: $(cat "$srv.err" "$srv" 2>/dev/null | tr '\n' ' ')" >&2
		fail "transfer $c -> $s ($*)"
	fi
}

# rs_listening ERRFILE PID: until tna-xfer -s says it listens (at most 5 s)
rs_listening() {
	for _ in $(seq 100); do
		grep -q listening "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

rs_tcp() { rs_xfer "$1" "$2" -c "$3" -P "$4" -n "$5"; }
rs_udp() { rs_xfer "$1" "$2" -c "$3" -u -n $(($4 * 1400)) -l 1400 "${@:5}"; }

# rs_capture_start NS / rs_capture_stop: csum_check.py on NS's e0
rs_capture_start() {
	rm -f "$RS_TMP/stop"
	: >"$RS_TMP/cap.out"
	ip netns exec "$TNA_NS-$1" "$RS_PY" tests/realstack/csum_check.py e0 "$RS_TMP/stop" \
		--min "${2:-10}" >"$RS_TMP/cap.out" 2>&1 &
	RS_CAP=$!
	for _ in $(seq 50); do grep -q capturing "$RS_TMP/cap.out" && return 0; sleep 0.1; done
	fail "capture did not start: $(cat "$RS_TMP/cap.out")"
}

rs_capture_stop() {
	touch "$RS_TMP/stop"
	wait "$RS_CAP"
	local rc=$?
	cat "$RS_TMP/cap.out"
	[[ $rc -eq 0 ]] || fail "wrong checksums arrived (or too few frames captured)"
}

# rs_fastpath PORT...: {port: tna-stat JSON of that port, or null}
rs_fastpath() {
	local p
	for p in "$@"; do
		echo "$p $(in_ns dut "$RS_BIN/tna-stat" -i "$p" --json 2>/dev/null | tr -d '\n')"
	done | "$RS_PY" -c '
import json, sys
out = {}
for line in sys.stdin:
    name, _, rest = line.strip().partition(" ")
    try:
        out[name] = json.loads(rest)["interfaces"][0]
    except Exception:
        out[name] = None
print(json.dumps(out))'
}

# rs_case FEATURES TARGET: set the hosts' veth features (gro: defaults with
# GRO on, defaults: GRO off too, txoff: tx checksumming, TSO and GSO off,
# GRO on), deploy TARGET (linux: nothing), run every transfer of RS_PAIRS
# (TCP over IPv4 and IPv6 with 4 streams, UDP, UDP GSO over IPv6), check
# the bytes, the receivers' checksum error counters and the captured
# checksums, then what the fast path did (rs_expect_* below).
rs_case() {
	local feat=$1 target=$2 p c s d4 d6 e0 e1 ports=(p1 p2)
	[[ ${#RS_HOSTS[@]} -eq 3 ]] && ports+=(p3)
	case $feat in
	gro) rs_features tx on tso on gso on gro on ;;
	defaults) rs_features tx on tso on gso on gro off ;;
	txoff) rs_features tx off tso off gso off gro on ;;
	*) fail "rs_case: unknown features $feat" ;;
	esac
	echo "== $feat, $target"
	[[ $target != linux ]] && rs_deploy "$target"
	sleep 1.2	# native egresses, and auto's look at the peers
	for p in "${RS_PAIRS[@]}"; do
		set -- $p
		c=$1 s=$2 d4=$3 d6=$4
		e0=$(( $(rs_csum_errors "$c") + $(rs_csum_errors "$s") ))
		rs_capture_start "$s" 20
		rs_tcp "$c" "$s" "$d4" 1 8M
		rs_udp "$c" "$s" "$d4" 1000
		rs_capture_stop
		rs_tcp "$c" "$s" "$d6" 4 2M
		rs_udp "$c" "$s" "$d6" 1000 --gso
		e1=$(( $(rs_csum_errors "$c") + $(rs_csum_errors "$s") ))
		[[ $e1 -eq $e0 ]] || fail "$feat, $target: $((e1 - e0)) checksum error(s) counted at $c/$s"
		echo "ok: $feat, $target: $c -> $s: no checksum error at either end"
	done
	[[ $target != linux ]] && rs_expect "$feat" "$target" "${ports[@]}"
	[[ $target != linux ]] && rs_undeploy
	return 0
}

# What the fast path must have done (tna-stat of the DUT ports): generic
# forwards and passes TSO superpackets (egress_mtu); native completes the
# partial checksums of peers with tx checksumming, and passes frames for
# hosts whose veth cannot take redirected frames (GRO off); auto leaves
# ports whose peers send TSO superpackets alone (no program).
rs_expect() {
	local feat=$1 target=$2
	shift 2
	rs_fastpath "$@" | "$RS_PY" -c '
import json, sys
feat, target = sys.argv[1:]
st = json.load(sys.stdin)
ports = [v for v in st.values() if v]
fwd = sum(v["forwarded"] for v in ports)
# a router finds them too long in its FIB lookup first (fib_frag_needed),
# the br_netfilter checks before the redirect bound (brnf_mtu)
mtu = sum(v["passed"]["egress_mtu"] + v["passed"]["fib_frag_needed"] +
          v["passed"].get("brnf_mtu", 0) for v in ports)
nox = sum(v["passed"]["egress_no_xmit"] for v in ports)
done = sum(v["csum_completed"] for v in ports)
modes = sorted(set(v["mode"] for v in ports))
print("fast path: programs on %d port(s) %s, forwarded %d, too long %d, egress_no_xmit %d, "
      "checksums completed %d" % (len(ports), modes, fwd, mtu, nox, done))
tso = feat != "txoff"
want = []
if target == "generic":
    want = [("generic on every port", modes == ["generic"] and len(ports) == len(st)),
            ("frames forwarded by XDP", fwd > 0)]
    if tso:
        want.append(("TSO superpackets passed to Linux (egress_mtu, fib_frag_needed, brnf_mtu)", mtu > 0))
elif target == "native":
    want = [("native on every port", modes == ["native"] and len(ports) == len(st))]
    if feat == "defaults":
        want.append(("hosts without GRO: frames to them passed (egress_no_xmit)", nox > 0))
    else:
        want.append(("frames forwarded by XDP", fwd > 0))
    if feat == "gro":
        want.append(("partial checksums completed", done > 0))
elif target == "auto":
    if tso:
        want = [("no program where the peer sends TSO superpackets", not ports)]
    else:
        want = [("native on every port", modes == ["native"] and len(ports) == len(st)),
                ("frames forwarded by XDP", fwd > 0)]
bad = [w for w, ok in want if not ok]
for w, ok in want:
    print(("ok: " if ok else "FAIL: ") + w)
sys.exit(1 if bad else 0)
' "$feat" "$target" || fail "$feat, $target: the fast path did not do what it must"
}

# rs_matrix TOPO: build TOPO, run it on plain Linux, then with tna-deploy
# generic, native and auto, each with the hosts' veth defaults with GRO on
# (TSO superpackets, partial checksums), the plain defaults (GRO off) and
# offloads off (rs_case).
rs_matrix() {
	local feat target
	[[ -x $RS_BIN/tna-xfer && -x $RS_BIN/tna-deploy ]] || skip "build first (make)"
	rs_topo "$1"
	rs_case gro linux
	for feat in gro defaults txoff; do
		for target in generic native auto; do
			rs_case "$feat" "$target"
		done
	done
	echo "PASS"
}
