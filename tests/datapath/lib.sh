# Sourced by tests/datapath/test_*.sh: a bridge br0 in namespace "br" with
# ports v1 v2 v3, each the veth peer of eth0 in host namespace h1 h2 h3
# (10.0.0.1-3/24).  Needs tests/lib/netns.sh sourced first.

bridge_topo() {
	ns br >/dev/null; ns h1 >/dev/null; ns h2 >/dev/null; ns h3 >/dev/null
	in_ns br ip link add br0 type bridge ageing_time 30000 || fail "cannot create bridge"
	for i in 1 2 3; do
		veth br v$i h$i eth0
		in_ns br ip link set v$i master br0
		in_ns h$i ip addr add 10.0.0.$i/24 dev eth0
		in_ns h$i ip link set eth0 address 02:00:00:00:00:0$i
	done
	in_ns br ip link set br0 up
	# wait for the ports to reach forwarding (no STP: immediate)
	for _ in $(seq 50); do
		in_ns br bridge link show | grep -c 'state forwarding' | grep -qx 3 && return 0
		sleep 0.1
	done
	fail "bridge ports do not reach forwarding"
}

# --fdb/--local arguments for tna-dp-test from the kernel FDB of br0.
fdb_args() {
	in_ns br bridge fdb show br br0 | awk '
		/ self/ { next }
		/permanent/ && !/vlan/ { print "--local " $1; next }
		$3 ~ /^v[0-9]/ && !/permanent/ && !/vlan/ { print "--fdb " $1 "=" $3 }'
}

# Start tna-dp-test in namespace br with ARGS; sets DP_PID, waits for ready.
start_dp() {
	local ready=$TMPDIR_DP/ready
	rm -f "$ready"
	# ip netns exec execs the tool: $! is the tool's pid
	ip netns exec "$TNA_NS-br" "$TNA_BIN/tna-dp-test" -b br0 --ready "$ready" "$@" \
		>"$TMPDIR_DP/dp.out" 2>&1 &
	DP_PID=$!
	on_exit "kill -9 $DP_PID"
	for _ in $(seq 100); do
		[[ -e $ready ]] && return 0
		kill -0 "$DP_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TMPDIR_DP/dp.out" >&2
	fail "tna-dp-test did not become ready"
}

# XDP program id on a port of br0 (empty when none)
xdp_id() { in_ns br ip -j link show "$1" | /usr/bin/python3 -c '
import json,sys; l=json.load(sys.stdin)[0]; x=l.get("xdp",{})
print(x.get("prog",{}).get("id","") or next((a["prog"]["id"] for a in x.get("attached",[]) if "prog" in a),""))'; }

# id of the pipeline the root program on $1 runs (slot 0), from tna-stat
pipeline_id() { in_ns br "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0].get("prog_id",""))'; }

# counter of interface $2 in namespace $1 from tna-stat --json: $3 = forwarded | passed.REASON
tna_counter() { in_ns "$1" "$TNA_BIN/tna-stat" -i "$2" --json | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); k=sys.argv[1]
i=d["interfaces"][0]
print(i["passed"].get(k.split(".")[1],0) if k.startswith("passed.") else i[k])' "$3"; }

TMPDIR_DP=$(mktemp -d)
on_exit "rm -rf $TMPDIR_DP"
