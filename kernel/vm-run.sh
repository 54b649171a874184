#!/bin/bash
# Run a script as root inside the TNA test kernel under qemu and return its
# exit status.  The guest's userland is this machine's: the host root is
# shared read-only over 9p, the checkout (and $BUILD when it lies outside)
# read-write at the same path, with fresh tmpfs on /tmp, /run, /var/tmp.
# The console (kernel messages and the script's output) streams to stdout
# as it happens.
#
#   kernel/vm-run.sh [options] [--] SCRIPT [ARG...]
#     -k, --kernel FILE    bzImage (default: kernel/build.sh's, built if needed)
#     -t, --timeout SEC    kill the guest after SEC seconds (default 1800)
#     -m, --mem MB         guest memory (default 2048)
#     -c, --cpus N         vCPUs (default 2)
#     -s, --share DIR      one more host directory shared read-write (repeatable)
#     -l, --log FILE       also write the console to FILE
#     -a, --append ARGS    more kernel command line
#
# SCRIPT runs with bash, in the checkout root, with TNA_VM=1 in its
# environment; it must lie in the checkout or on the host root outside the
# guest's tmpfs mounts (/tmp, /run, /var/tmp).  Exit status: SCRIPT's; 124 the timeout hit; 125 the guest
# ended without reporting one (it crashed, panicked or never booted: read
# the console).  Set TNA_VM_ACCEL=kvm to try KVM (default tcg: KVM hangs in
# nested VMs).
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
kernel= timeout=1800 mem=2048 cpus=2 log= append=
shares=()

usage() {
	sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;/^set -u/d' >&2
	exit 2
}
while [[ $# -gt 0 ]]; do
	case $1 in
	-k|--kernel) kernel=$2; shift 2 ;;
	-t|--timeout) timeout=$2; shift 2 ;;
	-m|--mem) mem=$2; shift 2 ;;
	-c|--cpus) cpus=$2; shift 2 ;;
	-s|--share) shares+=("$(cd "$2" && pwd)") || exit 2; shift 2 ;;
	-l|--log) log=$2; shift 2 ;;
	-a|--append) append=$2; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "vm-run: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[[ $# -ge 1 ]] || usage
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "vm-run: qemu-system-x86_64 missing (make deps-vm)" >&2; exit 1; }
if [[ -z $kernel ]]; then
	kernel=$("$root/kernel/build.sh") || exit 1
fi
[[ -r $kernel ]] || { echo "vm-run: no kernel image $kernel" >&2; exit 1; }

build=${BUILD:-build}
[[ $build == /* ]] || build=$root/$build
mkdir -p "$build/vm"
case $build/ in "$root"/*) ;; *) shares+=("$build") ;; esac

# Shares travel on the kernel command line, ':'-separated.
for s in "$root" "${shares[@]}"; do
	[[ $s =~ [[:space:]:] ]] && { echo "vm-run: cannot share $s (a space or ':' in the path)" >&2; exit 2; }
done

# The job: a file in the shared tree (no quoting through the kernel command
# line), and where the guest writes the exit status back.
run=$(mktemp -d "$build/vm/run.XXXXXX")
trap 'rm -rf "$run"' EXIT
{
	printf 'cd %q || exit 1\n' "$root"
	printf 'export TNA_VM=1 BUILD=%q\n' "${BUILD:-build}"
	printf 'exec bash'
	printf ' %q' "$@"
	printf '\n'
} >"$run/job"

# Host root read-only (mount tag "root"), the checkout and extra shares
# read-write (tags w0, w1, ...); init mounts each at its host path.
args=(
	-accel "${TNA_VM_ACCEL:-tcg}" -cpu max -smp "$cpus" -m "$mem"
	-nodefaults -no-user-config -display none -no-reboot
	-chardev stdio,id=con,signal=off -serial chardev:con
	-kernel "$kernel"
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=root
)
mounts=$root
args+=(-fsdev "local,id=w0,path=$root,security_model=none,multidevs=remap"
       -device virtio-9p-pci,fsdev=w0,mount_tag=w0)
i=1
for s in "${shares[@]}"; do
	args+=(-fsdev "local,id=w$i,path=$s,security_model=none,multidevs=remap"
	       -device "virtio-9p-pci,fsdev=w$i,mount_tag=w$i")
	mounts+=:$s
	i=$((i + 1))
done
cmdline="console=ttyS0 quiet panic=-1"
cmdline+=" root=root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro"
cmdline+=" init=$root/kernel/vm-init.sh tna.mounts=$mounts tna.job=$run $append"
args+=(-append "$cmdline")

# The serial console turns \n into \r\n: strip the \r so the log reads as text.
if [[ -n $log ]]; then
	mkdir -p "$(dirname "$log")"
	: >"$log"
fi
timeout -k 10 "$timeout" qemu-system-x86_64 "${args[@]}" </dev/null 2>&1 |
	sed -u 's/\r$//' | if [[ -n $log ]]; then tee -a "$log"; else cat; fi
qrc=${PIPESTATUS[0]}
if [[ $qrc == 124 || $qrc == 137 ]]; then
	echo "vm-run: timeout after $timeout s" >&2
	exit 124
fi
if [[ ! -s $run/rc ]]; then
	echo "vm-run: the guest reported no exit status (qemu exit $qrc): see the console above" >&2
	exit 125
fi
exit "$(cat "$run/rc")"
