# TNA on the Linux bridge, native target, FDB kfunc mode: the fast path asks
# the bridge's FDB through bpf_xdp_fdb_lookup (kernel/patches) and learns
# into it; no mirror, no keep-alive, no flow cache.  Needs the test kernel
# (bench/vm_fdb_modes.sh).
source "$(dirname "${BASH_SOURCE[0]}")/tna-mirror.sh"
CONFIG_DESC="TNA bridge fast path, native XDP, FDB kfunc (tna-deploy, bpf_xdp_fdb_lookup)"
FDB_MODE=kfunc

config_available() {
	"$TNA_BIN/tna-probe" 2>/dev/null | grep -q 'bpf_xdp_fdb_lookup yes' ||
		{ echo "no bpf_xdp_fdb_lookup in this kernel (the test VM has it: make bench-vm)"; return 1; }
}
