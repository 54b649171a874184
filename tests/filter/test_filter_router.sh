#!/bin/bash
# The netfilter fast path on a home router h1 -- r -- h2 (r1 inside, r2
# outside, masquerade) with real sockets, driven by tna-rt-test --filter.
# Asserts what a user of the router would see:
#  - an established UDP flow through masquerade works, its packets go
#    through XDP once conntrack has assured it, and the entry's timeout is
#    kept at nf_conntrack_udp_timeout_stream;
#  - TCP with window tracking on (the default) works and stays on Linux
#    (ct_tcp_window); with nf_conntrack_tcp_be_liberal=1 its established
#    packets are fast, SYN/FIN go to Linux, and the entry ends as Linux
#    leaves it (TIME_WAIT/CLOSE, no stale ESTABLISHED);
#  - ICMP errors for a flow (port unreachable) reach the sender;
#  - new connections from outside are dropped (policy drop);
#  - a rule with a counter keeps its traffic on Linux, which counts every
#    packet (nf_rule), and nf_conntrack_acct=1 keeps new flows on Linux so
#    the entries count every packet (ct_acct).
# Generic; MODE=native in the native test.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
command -v conntrack >/dev/null || skip "needs conntrack (package conntrack)"
MODE=${MODE:-generic}
RT_ARGS=(--target "$MODE" --filter)
[[ $MODE == native ]] && RT_ARGS+=(--peer-gro)
PY=/usr/bin/python3
F=tests/filter

router_topo
# the hosts' stacks: whole checksums (a redirected veth frame keeps no
# CHECKSUM_PARTIAL state), so TCP works through XDP at all
for h in h1 h2; do in_ns $h ethtool -K eth0 tx off >/dev/null 2>&1; done
in_ns r nft -f - <<'NFT' || fail "ruleset"
table inet fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		iifname "r1" oifname "r2" accept
	}
}
table ip nat {
	chain post { type nat hook postrouting priority srcnat; oifname "r2" masquerade; }
}
NFT
start_rt "${RT_ARGS[@]}" -i r1 -i r2
grep -q "modules: .*filter ct nat" "$RT_TMP/rt.out" || fail "filter, ct and nat modules not loaded"

bg() {	# bg NS CMD...: a server in NS, killed on exit
	ip netns exec "$TNA_NS-$1" "${@:2}" >/dev/null 2>&1 &
	on_exit "kill $!"
}
bg h2 $PY $F/udp_flow.py echo 5000
bg h2 $PY $F/tcp_flow.py serve 8000
sleep 0.3

# --- established UDP through masquerade
f1=$(rt_counter r1 forwarded); f2=$(rt_counter r2 forwarded); l0=$(linux_fwd4)
out=$(in_ns h1 $PY $F/udp_flow.py send 10.2.0.2 5000 4000 400 0.01)
echo "$out"
[[ $out == "sent 400 received 400" ]] || fail "udp flow lost packets: $out"
g1=$(rt_counter r1 forwarded); g2=$(rt_counter r2 forwarded); l1=$(linux_fwd4)
echo "udp: XDP r1 +$((g1 - f1)) r2 +$((g2 - f2)), Linux forwarded +$((l1 - l0))"
(( g1 - f1 >= 100 && g2 - f2 >= 100 )) || fail "udp: too little through XDP"
(( l1 - l0 >= 100 )) || fail "udp: the first 2 s (not yet assured) must be Linux's"
ct=$(in_ns r conntrack -L -p udp --dport 5000 2>/dev/null)
echo "$ct"
[[ $ct == *"dst=10.2.0.1 sport=5000 dport=4000 [ASSURED]"* ]] || fail "udp: no masqueraded assured entry"
t=$(awk '{print $3}' <<<"$ct")
(( t >= 115 )) || fail "udp: entry not refreshed by fast-path packets (timeout $t)"
echo "ok: established UDP through masquerade: fast, entry kept alive ($t s)"

# --- TCP, window tracking on: stays on Linux
w0=$(rt_counter r1 passed.ct_tcp_window)
out=$(in_ns h1 $PY $F/tcp_flow.py send 10.2.0.2 8000 2000000 41000)
[[ $out == "sent 2000000 acked 2000000" ]] || fail "tcp: $out"
w1=$(rt_counter r1 passed.ct_tcp_window)
(( w1 - w0 >= 50 )) || fail "tcp: window-tracked packets not passed as ct_tcp_window (+$((w1 - w0)))"
echo "ok: TCP with window tracking: works, established packets on Linux (ct_tcp_window +$((w1 - w0)))"

# --- TCP, be_liberal: fast; the entry ends as Linux leaves it
in_ns r sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1
sleep 0.7	# sysctls have no events: the tool reads them every 0.5 s
f1=$(rt_counter r1 forwarded); s0=$(rt_counter r1 passed.ct_tcp_flags)
out=$(in_ns h1 $PY $F/tcp_flow.py send 10.2.0.2 8000 2000000 41001)
[[ $out == "sent 2000000 acked 2000000" ]] || fail "tcp liberal: $out"
g1=$(rt_counter r1 forwarded); s1=$(rt_counter r1 passed.ct_tcp_flags)
echo "tcp liberal: XDP r1 +$((g1 - f1)), ct_tcp_flags +$((s1 - s0))"
(( g1 - f1 >= 50 )) || fail "tcp liberal: established packets not fast"
(( s1 - s0 >= 2 )) || fail "tcp liberal: SYN/FIN not passed to Linux"
sleep 0.2
ct=$(in_ns r conntrack -L -p tcp --sport 41001 2>/dev/null)
echo "$ct"
[[ $ct == *TIME_WAIT* || $ct == *CLOSE* ]] || fail "tcp liberal: entry not closed as Linux would: $ct"
in_ns r sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=0
echo "ok: TCP with be_liberal: fast, SYN/FIN on Linux, entry ends in $(awk '{print $4}' <<<"$ct")"

# --- ICMP errors for a flow reach the sender (related, on Linux)
out=$(in_ns h1 $PY -c '
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.connect(("10.2.0.2", 5999)); s.send(b"x")
try:
    s.recv(10); print("answered")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")')
[[ $out == refused ]] || fail "icmp port unreachable did not reach the sender: $out"
echo "ok: port unreachable for a flow reaches the sender"

# --- new from outside: dropped by the policy
in_ns h2 ping -c2 -i0.2 -W1 -q 10.1.0.2 >/dev/null && fail "new inbound connection got through"
echo "ok: new inbound connections dropped"

# --- a rule with a counter: its traffic on Linux, every packet counted
in_ns r nft insert rule inet fw forward udp dport 5000 counter accept || fail "counter rule"
sleep 0.2
r0=$(rt_counter r1 passed.nf_rule)
out=$(in_ns h1 $PY $F/udp_flow.py send 10.2.0.2 5000 4002 400 0.01)
[[ $out == "sent 400 received 400" ]] || fail "counted flow: $out"
r1c=$(rt_counter r1 passed.nf_rule)
n=$(in_ns r nft list chain inet fw forward | awk '/counter packets/ { print $6 }')
echo "counter rule: packets=$n, nf_rule +$((r1c - r0))"
(( n == 400 )) || fail "the rule's counter missed packets: $n of 400"
(( r1c - r0 >= 100 )) || fail "assured packets of the counted flow not passed as nf_rule (+$((r1c - r0)))"
in_ns r nft flush chain inet fw forward
in_ns r nft add rule inet fw forward ct state established,related accept
in_ns r nft add rule inet fw forward iifname r1 oifname r2 accept
echo "ok: a rule with a counter counts every packet (its traffic stays on Linux)"

# --- nf_conntrack_acct: entries count every packet
in_ns r sysctl -qw net.netfilter.nf_conntrack_acct=1
sleep 0.2
a0=$(rt_counter r1 passed.ct_acct)
out=$(in_ns h1 $PY $F/udp_flow.py send 10.2.0.2 5000 4003 300 0.01)
[[ $out == "sent 300 received 300" ]] || fail "acct flow: $out"
a1=$(rt_counter r1 passed.ct_acct)
ct=$(in_ns r conntrack -L -p udp --sport 4003 2>/dev/null)
echo "$ct"
[[ $ct == *"packets=300 "*"packets=300 "* ]] || fail "acct: the entry did not count every packet"
(( a1 - a0 >= 100 )) || fail "acct: established packets not passed as ct_acct (+$((a1 - a0)))"
echo "ok: nf_conntrack_acct=1: entries count every packet (ct_acct +$((a1 - a0)))"

stop_rt || fail "tna-rt-test exit $? on SIGTERM"
