#!/bin/bash
# PID 1 of the test VM (kernel/vm-run.sh boots the kernel with
# init=<this file>).  The root is the host's, read-only over 9p: mount the
# kernel filesystems and fresh tmpfs where tests write, the shared trees
# read-write at their host paths, run the job, write its exit status where
# the host reads it, and reboot (qemu runs with -no-reboot, so it exits).
# Everything it prints goes to the serial console, the host's log.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb PYTHONDONTWRITEBYTECODE=1

fail() {
	echo "vm-init: $*"
	echo b >/proc/sysrq-trigger
	exit 1
}

mount -t proc proc /proc || fail "cannot mount /proc"
mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
# what udev/systemd would make: bash's <(...) needs /dev/fd
ln -sfn /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t tmpfs -o mode=1777 tmp /tmp
mount -t tmpfs -o mode=755 run /run
mount -t tmpfs -o mode=1777 vartmp /var/tmp
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mkdir -p /run/lock /run/netns

# tna.mounts=PATH[:PATH...] (tags w0, w1, ... in that order), tna.job=DIR
mounts= job=
for arg in $(cat /proc/cmdline); do
	case $arg in
	tna.mounts=*) mounts=${arg#tna.mounts=} ;;
	tna.job=*) job=${arg#tna.job=} ;;
	esac
done
[[ -n $mounts && -n $job ]] || fail "no tna.mounts/tna.job on the kernel command line"
i=0
IFS=: read -ra dirs <<<"$mounts"
for d in "${dirs[@]}"; do
	# A share under a directory the guest mounts afresh (/tmp, /run,
	# /var/tmp are tmpfs here) has no mount point yet: make it.
	[[ -d $d ]] || mkdir -p "$d" || fail "cannot make the mount point $d for share w$i"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=mmap "w$i" "$d" ||
		fail "cannot mount share w$i on $d"
	i=$((i + 1))
done

hostname tna-vm
ip link set lo up
sysctl -qw kernel.panic_on_oops=1 kernel.printk="4 4 1 7"

echo "vm-init: $(uname -r), $(nproc) CPUs, running $(tail -1 "$job/job")"
bash "$job/job" </dev/null
rc=$?
echo "$rc" >"$job/rc"
sync
echo "vm-init: exit $rc"
echo b >/proc/sysrq-trigger
