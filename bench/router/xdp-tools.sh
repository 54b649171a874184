#!/bin/bash
# bench/router/xdp-tools.sh: build xdp-forward (xdp-tools 1.6.3) for the
# router rows, where it is not installed.  Debian 12 ships xdp-tools 1.3.1,
# which has no xdp-forward; this fetches the upstream release as Debian's
# source archive keeps it (the .orig tarball of the xdp-tools source
# package), checks its SHA-256, builds libxdp and xdp-forward against the
# system's libbpf, and leaves the binary in DIR/bin.  The benchmark's
# xdp-forward row uses DIR/bin/xdp-forward when no xdp-forward is on PATH
# (bench/configs/xdp-forward.sh).  Nothing is installed system-wide.
#
#   bench/router/xdp-tools.sh [--dir DIR] [--url URL]
#
# DIR: default $BUILD/xdp-tools (BUILD as for make, default build).
# URL: another place holding the same tarball (the checksum decides).
# Build needs: clang, llvm, libbpf-dev, libelf-dev, zlib1g-dev, m4, curl
# (installed by apt-get when missing).  Exit: 0 built (or already there),
# 1 fetch, checksum or build failed, 2 bad usage.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
VERSION=1.6.3
TARBALL=xdp-tools_$VERSION.orig.tar.gz
SHA256=78da363ff7dcf1a586f47800f16d644022bd33f3844864061a44616fce854fd8
URL=http://deb.debian.org/debian/pool/main/x/xdp-tools/$TARBALL
DIR=${BUILD:-build}/xdp-tools
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "xdp-tools: $1" >&2; exit "${2:-1}"; }
while [[ $# -gt 0 ]]; do
	case $1 in
	--dir) DIR=${2:-} ;;
	--url) URL=${2:-} ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" 2 ;;
	esac
	[[ $# -ge 2 && -n $2 ]] || die "option $1 needs a value" 2
	shift 2
done
if [[ -x $DIR/bin/xdp-forward ]]; then
	echo "xdp-tools: $DIR/bin/xdp-forward is there"
	exit 0
fi
missing=()
for pkg in clang llvm libbpf-dev libelf-dev zlib1g-dev m4 curl make; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	echo "xdp-tools: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
fi
mkdir -p "$DIR/src" || die "cannot create '$DIR'"
DIR=$(cd "$DIR" && pwd)
if ! echo "$SHA256  $DIR/$TARBALL" | sha256sum -c --status 2>/dev/null; then
	echo "xdp-tools: fetching $URL"
	curl -fsSL --retry 2 -o "$DIR/$TARBALL.part" "$URL" || die "cannot fetch $URL"
	echo "$SHA256  $DIR/$TARBALL.part" | sha256sum -c --status ||
		{ rm -f "$DIR/$TARBALL.part"; die "$URL: SHA-256 is not $SHA256"; }
	mv "$DIR/$TARBALL.part" "$DIR/$TARBALL"
fi
rm -rf "$DIR/src" && mkdir -p "$DIR/src" &&
	tar -xzf "$DIR/$TARBALL" -C "$DIR/src" --strip-components=1 || die "cannot unpack $TARBALL"
log=$DIR/build.log
echo "xdp-tools: building libxdp and xdp-forward $VERSION (log: $log)"
(cd "$DIR/src" && ./configure && make -C lib && make -C xdp-forward) >"$log" 2>&1 ||
	{ tail -20 "$log" >&2; die "build failed (whole log: $log)"; }
mkdir -p "$DIR/bin" && cp "$DIR/src/xdp-forward/xdp-forward" "$DIR/bin/" || die "cannot copy the binary"
echo "xdp-tools: built $DIR/bin/xdp-forward (xdp-tools $VERSION)"
