#!/bin/bash
# Build the TNA test kernel, or reuse the cached one.  Prints the path of the
# bzImage on stdout (the only line on stdout); progress goes to stderr.
#
#   kernel/build.sh [--key] [--force]
#     --key     print the cache key and exit (nothing built)
#     --force   rebuild even when the cache has the image
#
# Source: Debian's linux-source-6.12 tarball ($TNA_KERNEL_TARBALL).  Config:
# tinyconfig + kernel/tna.config, checked by kernel/check-config.sh.  Patches:
# kernel/patches/*.patch in name order.
#
# Cache ($TNA_KERNEL_CACHE, default /var/cache/tna-kernel), outside the clone
# so every checkout and CI run shares it:
#   images/<key>/   bzImage, config, build.log: one per key, where key = hash
#                   of the tarball, the fragment, the patches and this script
#   work/<wkey>/    the unpacked tree and objects of one tarball + fragment +
#                   script; a patch change reverses the old patches, applies
#                   the new ones and rebuilds only what they touch
#   lock            flock: one build at a time; others wait
# The newest 3 images and 2 work trees are kept.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tarball=${TNA_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
cache=${TNA_KERNEL_CACHE:-/var/cache/tna-kernel}
jobs=${TNA_KERNEL_JOBS:-$(nproc)}
fragment=$here/tna.config
mode=build

for arg in "$@"; do
	case $arg in
	--key) mode=key ;;
	--force) mode=force ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//;/^set -e/d'; exit 0 ;;
	*) echo "kernel/build.sh: unknown argument $arg" >&2; exit 2 ;;
	esac
done

say() { echo "kernel: $*" >&2; }
die() { echo "kernel/build.sh: $*" >&2; exit 1; }

[[ -r $tarball ]] || die "no kernel source $tarball (apt-get install linux-source-6.12, or make deps-vm)"
shopt -s nullglob
patches=("$here"/patches/*.patch)
shopt -u nullglob

# The tarball is identified by name, size and mtime (hashing 150 MB on every
# call costs more than the rest of a cache hit).
src_id=$(stat -c '%n %s %Y' "$tarball")
wkey=$( { echo "$src_id"; cat "$fragment" "$here/build.sh"; } | sha256sum | cut -c1-16)
key=$( { echo "$wkey"; for p in "${patches[@]}"; do basename "$p"; cat "$p"; done
         cat "$here/check-config.sh"; } | sha256sum | cut -c1-16)
if [[ $mode == key ]]; then echo "$key"; exit 0; fi

image=$cache/images/$key
if [[ $mode != force && -f $image/bzImage ]]; then
	touch "$image"
	say "reusing $image (key $key)"
	echo "$image/bzImage"
	exit 0
fi

for tool in make gcc flex bison bc pahole patch xz; do
	command -v "$tool" >/dev/null || die "$tool is missing (make deps-vm installs the build dependencies)"
done

mkdir -p "$cache/images" "$cache/work" 2>/dev/null && [[ -w $cache ]] ||
	die "cannot write the cache $cache (set TNA_KERNEL_CACHE to a writable directory)"
exec 9>"$cache/lock"
if ! flock -n 9; then
	say "waiting for another kernel build ($cache/lock)"
	flock 9
fi
# Someone else may have built it while we waited.
if [[ $mode != force && -f $image/bzImage ]]; then
	say "reusing $image (built meanwhile)"
	echo "$image/bzImage"
	exit 0
fi

start=$SECONDS
work=$cache/work/$wkey
src=$work/src
obj=$work/obj
touch "$work" 2>/dev/null || true

# Unpack once per work key.
if [[ ! -f $src/Makefile ]]; then
	say "unpacking $tarball"
	rm -rf "$work"
	mkdir -p "$work/unpack"
	tar -xJf "$tarball" -C "$work/unpack"
	mv "$work/unpack"/linux-source-* "$src"
	rmdir "$work/unpack"
	mkdir -p "$work/applied"
fi

# Bring the tree to the wanted patch set: reverse what is applied (newest
# first), then apply the wanted ones.  Reversed and applied files get a new
# mtime, so make rebuilds exactly what the patches touch.
applied=$(cd "$work/applied" && ls)
wanted=$(for p in "${patches[@]}"; do basename "$p"; done)
same=1
if [[ $applied != "$wanted" ]]; then
	same=0
else
	for p in "${patches[@]}"; do
		cmp -s "$p" "$work/applied/$(basename "$p")" || same=0
	done
fi
if [[ $same == 0 ]]; then
	for p in $(ls -r "$work/applied"); do
		say "reversing $p"
		if ! patch -d "$src" -p1 -R -s -E --no-backup-if-mismatch <"$work/applied/$p"; then
			die "could not reverse $p in $src: remove $work and retry"
		fi
		rm "$work/applied/$p"
	done
	for p in "${patches[@]}"; do
		say "applying $(basename "$p")"
		patch -d "$src" -p1 -s -N -E --no-backup-if-mismatch <"$p" ||
			die "$(basename "$p") does not apply to $(basename "$tarball")"
		cp "$p" "$work/applied/"
	done
fi

# Configure once per work key: tinyconfig + fragment, then every symbol of
# the fragment must have survived olddefconfig's dependency resolution.
if [[ ! -f $obj/.config ]]; then
	say "configuring (tinyconfig + $(basename "$fragment"))"
	mkdir -p "$obj"
	make -s -C "$src" O="$obj" tinyconfig >/dev/null
	"$src"/scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" "$fragment" >/dev/null
	make -s -C "$src" O="$obj" olddefconfig >/dev/null
fi
"$here/check-config.sh" "$fragment" "$obj/.config" ||
	die "the config lacks symbols of $(basename "$fragment") (their dependencies are missing)"

say "building bzImage with -j$jobs (log: $obj/build.log)"
if ! make -C "$src" O="$obj" -j"$jobs" bzImage >"$obj/build.log" 2>&1; then
	tail -30 "$obj/build.log" >&2
	die "kernel build failed (log: $obj/build.log)"
fi

tmp=$cache/images/.$key.$$
rm -rf "$tmp"
mkdir -p "$tmp"
cp "$obj/arch/x86/boot/bzImage" "$tmp/bzImage"
cp "$obj/.config" "$tmp/config"
cp "$obj/build.log" "$tmp/build.log"
# CPU time of everything run (tar, patch, make): the build's cost
# independent of how busy the machine was (`times` in this shell, not in a
# $(...) subshell, which has no children of its own).
times >"$tmp/times"
cpu=$(tail -1 "$tmp/times")
rm "$tmp/times"
{ echo "tarball: $src_id"; echo "patches:" $wanted
  echo "built: $(date -u +%FT%TZ) in $((SECONDS - start)) s with -j$jobs, cpu (user sys) $cpu"
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"; } >"$tmp/info"
rm -rf "$image"
mv "$tmp" "$image"
say "built $image in $((SECONDS - start)) s (cpu user/sys $cpu, load $(cut -d' ' -f1-3 /proc/loadavg))"

# Keep the newest images and work trees only.
ls -1td "$cache"/images/*/ | tail -n +4 | xargs -r rm -rf
ls -1td "$cache"/work/*/ | tail -n +3 | xargs -r rm -rf
echo "$image/bzImage"
