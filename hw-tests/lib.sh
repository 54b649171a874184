# Sourced by hw-tests: tests/lib/netns.sh (private namespaces, cleanup on
# exit) plus netdevsim devices made inside them and removed on exit.
#
#   need_netdevsim                 skip unless /sys/bus/netdevsim and debugfs are there
#   nsim_new NS ID PORTS NAME      netdevsim device ID with PORTS ports in namespace NS,
#                                  renamed NAME0 .. NAME<PORTS-1>, all up
#   nsim_dbg ID [PORT] KNOB VAL    write a debugfs knob of device ID (or of its port)
#   xdp_id NS DEV MODE             id of the XDP program in MODE (generic, driver,
#                                  offload) on DEV, 0 when none (bpftool net)
#   bg NS OUT LINE cmd...          run cmd in namespace NS in the background (BG = its
#                                  pid, killed on exit), output to OUT; wait until
#                                  OUT has a line starting with LINE
#   jqc WHAT FILTER JSON           check non-empty JSON against a jq filter
#   tna_objs                       TNA's programs and maps left in the kernel (ids, names)

source "$TNA_ROOT/tests/lib/netns.sh"

NSIM_DBG=/sys/kernel/debug/netdevsim

need_netdevsim() {
	[[ -w /sys/bus/netdevsim/new_device ]] ||
		skip "no netdevsim (/sys/bus/netdevsim): run in the test VM (make check-vm)"
	[[ -d $NSIM_DBG ]] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	[[ -d /sys/kernel/debug ]] || skip "no debugfs for netdevsim's knobs"
}

# A device id no other test uses at the same time.
nsim_id() { echo $(( ($$ % 5000) * 10 + ${1:-0} + 1000 )); }

nsim_new() {
	local ns=$1 id=$2 ports=$3 name=$4 i dev devs
	in_ns "$ns" sh -c "echo '$id $ports' > /sys/bus/netdevsim/new_device" ||
		fail "cannot create netdevsim device $id"
	on_exit "echo $id > /sys/bus/netdevsim/del_device"
	for i in $(seq 50); do
		devs=$(in_ns "$ns" ls "/sys/bus/netdevsim/devices/netdevsim$id/net" 2>/dev/null)
		[[ $(wc -w <<<"$devs") -eq $ports ]] && break
		sleep 0.1
	done
	[[ $(wc -w <<<"$devs") -eq $ports ]] || fail "netdevsim $id: $ports ports did not appear"
	i=0
	for dev in $(for d in $devs; do
			echo "$(in_ns "$ns" cat /sys/class/net/$d/phys_port_name 2>/dev/null) $d"
		     done | sort | awk '{print $2}'); do
		in_ns "$ns" ip link set "$dev" name "$name$i" || fail "rename $dev"
		in_ns "$ns" ip link set "$name$i" up || fail "$name$i up"
		i=$((i + 1))
	done
}

nsim_dbg() {
	local id=$1 f
	if [[ $# -eq 4 ]]; then
		f=$NSIM_DBG/netdevsim$id/ports/$2/$3; shift
	else
		f=$NSIM_DBG/netdevsim$id/$2
	fi
	echo "$3" >"$f" || fail "cannot write $f"
}

xdp_id() {	# NS DEV MODE (generic|driver|offload): the program id there, 0 when none
	in_ns "$1" bpftool -j net show dev "$2" | jq -r --arg m "$3" '
		[(.[0].xdp // [])[] | (.multi_attachments // [{mode, id}])[] |
		 select(.mode == $m) | .id] | first // 0'
}

bg() {
	local ns=$1 out=$2 line=$3; shift 3
	: >"$out"
	# ip netns exec execs the command: $! is its own pid, signals reach it
	ip netns exec "$TNA_NS-$ns" "$@" >"$out" 2>&1 &
	BG=$!
	on_exit "kill -9 $BG"
	for _ in $(seq 600); do
		grep -q "^$line" "$out" && { cat "$out"; return 0; }
		kill -0 $BG 2>/dev/null || break
		sleep 0.1
	done
	cat "$out" >&2
	fail "$1 did not print '$line'"
}

# jqc WHAT FILTER JSON: check that JSON (not empty) satisfies FILTER
jqc() {
	[[ -n $3 ]] || fail "$1: no JSON to check"
	jq -e "$2" <<<"$3" >/dev/null || fail "$1 (jq: $2)"
	echo "ok: $1"
}

tna_objs() {
	bpftool -j prog show 2>/dev/null | jq -r '.[] | select(.name // "" | startswith("tna")) |
		"prog \(.id) \(.name)"'
	bpftool -j map show 2>/dev/null | jq -r '.[] | select(.name // "" | startswith("tna")) |
		"map \(.id) \(.name)"'
}
