#!/bin/bash
# Robustness of the live controller: netlink ENOBUFS -> full
# resync (the mirror ends equal to the kernel FDB); a foreign XDP program
# is not fought and is reported; a port moved to another bridge; a port
# whose namespace is deleted; the bridge deleted while deployed.  The
# controller survives all of it and forwards for what is left.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/datapath/lib.sh"
source "$TNA_ROOT/tests/live/lib.sh"

bridge_topo
no_br_nf
# A tiny event buffer: the burst below overflows it (ENOBUFS).  Verbose:
# the order of its log lines is checked.
start_ctl TNA_WATCH_RCVBUF=4096

# Entries in the fast path's FDB map of the program attached to PORT.
mirror_size() {
	local prog map
	prog=$(xdp_id "$1")
	map=$(bpftool -j prog show id "$prog" | /usr/bin/python3 -c '
import json, subprocess, sys
for m in json.load(sys.stdin)["map_ids"]:
    i = json.loads(subprocess.check_output(["bpftool", "-j", "map", "show", "id", str(m)]))
    if i.get("name") == "tna_fdb":
        print(m)')
	bpftool -j map dump id "$map" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}
kernel_fdb() { in_ns br bridge fdb show br br0 | grep -v ' self' | grep -vc 'vlan'; }

# --- ENOBUFS -> full resync
F=$LIVE_DIR/batch
/usr/bin/python3 - "$F" <<'PY'
import sys
with open(sys.argv[1], "w") as a, open(sys.argv[1] + ".del", "w") as d:
    for i in range(3000):
        mac = "02:77:00:%02x:%02x:%02x" % (i >> 16, (i >> 8) & 255, i & 255)
        a.write("fdb add %s dev v3 master static\n" % mac)
        d.write("fdb del %s dev v3 master\n" % mac)
PY
n0=$(status 'd["resyncs"]')
in_ns br bridge -batch "$F" || fail "bridge -batch"
wait_for '[[ $(status "d[\"resyncs\"]") -gt $n0 ]]' 100 || fail "no resync after the overflow"
echo "ok: ENOBUFS led to a full resync ($(status 'd["resyncs"]') so far)"
# Trust goes when the loss is read, not once the fresh dump is in: the
# tables are behind from then on (both lines come from the loop, in order).
behind=$(grep -n -m1 'br0: tables behind the kernel' "$LIVE_DIR/ctl.out" | cut -d: -f1)
dumped=$(grep -n -m1 'event overflow: fresh dump in the model' "$LIVE_DIR/ctl.out" | cut -d: -f1)
[[ -n $behind && -n $dumped && $behind -lt $dumped ]] ||
	fail "trust not withdrawn before the fresh dump (log lines ${behind:-none}, ${dumped:-none})"
echo "ok: trust withdrawn when the loss was read (log line $behind), before the dump (line $dumped)"
# (compared afresh each time: hosts may still be learned meanwhile)
wait_for '[[ $(mirror_size v1) -eq $(kernel_fdb) ]]' 50 ||
	fail "mirror has $(mirror_size v1) entries, kernel FDB $(kernel_fdb)"
echo "ok: after the resync the mirror holds the kernel's $(kernel_fdb) entries"
in_ns br bridge -batch "$F.del" || fail "bridge -batch del"
wait_for '[[ $(mirror_size v1) -eq $(kernel_fdb) ]]' 100 ||
	fail "after the deletions: mirror $(mirror_size v1) entries, kernel FDB $(kernel_fdb)"
echo "ok: deletions in an overflowing burst reach the mirror too ($(kernel_fdb) entries)"
in_ns h1 ping -c 3 -i 0.1 -W 1 10.0.0.2 >/dev/null || fail "no forwarding after resync"
check "fast path forwards after the resync" [ "$(tna_counter br v1 forwarded)" -gt 0 ]

# --- a foreign XDP program on a new port: left alone, reported
ns h4 >/dev/null
veth br v4 h4 eth0
in_ns br ip link set v4 xdpgeneric obj "$BUILD/bpf/xdp_foreign.bpf.o" sec xdp ||
	fail "cannot attach the foreign program"
fid=$(xdp_id v4)
in_ns br ip link set v4 master br0
port_reason() { status "next(p[\"reason\"] for p in br(\"br0\")[\"ports\"] if p[\"name\"] == \"$1\")"; }
wait_for '[[ $(port_reason v4) == *"foreign XDP program id $fid"* ]]' 50 ||
	fail "foreign program not reported in --status (v4: $(port_reason v4))"
echo "ok: --status, port v4: $(port_reason v4)"
check "foreign program left in place" [ "$(xdp_id v4)" = "$fid" ]
in_ns br "$TNA_BIN/tna-deploy" --status | grep -q "port v4 .*foreign XDP program id $fid" ||
	fail "text --status does not show the foreign program"
kill -0 "$CTL_PID" || fail "controller died"
in_ns br ip link set v4 xdpgeneric off
in_ns br ip link set v4 down; in_ns br ip link set v4 up
wait_for '[[ -n $(xdp_id v4) && $(xdp_id v4) != $fid ]]' 50 ||
	fail "port v4 not accelerated once the foreign program left"
check "reason cleared once the foreign program left" [ "$(port_reason v4)" != "foreign XDP program id $fid attached (--force replaces it)" ]

# --- a port moved to another bridge
in_ns br ip link add br1 type bridge
in_ns br ip link set br1 up
ns h5 >/dev/null
veth br v5 h5 eth0
in_ns br ip link set v5 master br1	# a bridge needs 2 ports to be accelerated
v3=$(ifindex v3)
in_ns br ip link set v3 master br1
wait_for "[[ \$(status '$v3 in br(\"br0\")[\"attached_ifindexes\"]') == False ]]" 50 ||
	fail "v3 still attached for br0 after moving to br1"
wait_for "[[ \$(status '$v3 in (br(\"br1\") or {}).get(\"attached_ifindexes\", [])') == True ]]" 50 ||
	fail "v3 not accelerated for br1: $(status "br(\"br1\")")"
echo "ok: v3 moved from br0 to br1: now accelerated for br1"
in_ns h1 ping -c 3 -i 0.1 -W 1 10.0.0.2 >/dev/null || fail "br0 stopped forwarding after the move"
in_ns h1 ping -c 2 -i 0.1 -W 0.5 10.0.0.3 >/dev/null && fail "h3 reachable across two bridges"
echo "ok: br0 forwards h1-h2, h3 (on br1) unreachable as with plain Linux"

# --- a port's peer namespace deleted: the port disappears
v2=$(ifindex v2)
ip netns del "$TNA_NS-h2"
wait_for "! in_ns br ip link show v2 >/dev/null 2>&1" 50 || fail "v2 did not disappear"
wait_for "[[ \$(status '$v2 in br(\"br0\")[\"attached_ifindexes\"]') == False ]]" 50 ||
	fail "v2 still listed after its namespace was deleted"
in_ns h1 ping -c 3 -i 0.1 -W 1 10.0.0.4 >/dev/null 2>&1 ||
	{ in_ns h4 ip addr add 10.0.0.4/24 dev eth0; in_ns h1 ping -c 3 -i 0.1 -W 1 10.0.0.4 >/dev/null; } ||
	fail "br0 does not forward h1-h4 after v2 vanished"
echo "ok: namespace of a port deleted: port dropped, br0 still forwards"

# --- the bridge deleted while deployed
in_ns br ip link del br0
wait_for '[[ $(status "br(\"br0\") is None") == True ]]' 50 || fail "br0 still in --status after deletion"
for p in v1 v4; do [[ -z $(xdp_id $p) ]] || fail "XDP left on $p after br0 was deleted"; done
kill -0 "$CTL_PID" || fail "controller died when br0 was deleted"
check "br1 still accelerated" [ "$(status 'br("br1")["running"]')" = True ]
echo "ok: br0 deleted: its ports are plain interfaces again, controller runs on"

kill -TERM "$CTL_PID"; wait "$CTL_PID"
[[ -z $(xdp_id v3) ]] || fail "XDP left on v3 after SIGTERM"
