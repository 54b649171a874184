#!/bin/bash
# Install the Debian 12 packages TNA needs to build, test, demo and bench.
# Only what is missing is installed; nothing happens when all are present.
#   --vm   the packages of the VM tier instead (make check-vm): the test
#          kernel's source (bookworm-security) and build tools, qemu
set -euo pipefail

PKGS=(
	make gcc clang llvm pkg-config
	bpftool libbpf-dev libelf-dev zlib1g-dev
	libmnl-dev libpci-dev libjson-c-dev libnftnl-dev
	iproute2 iputils-ping ethtool pciutils jq util-linux nftables iptables conntrack tcpdump strace
	python3-scapy graphviz gnuplot-nox
	scdoc dpkg-dev
)
if [[ ${1:-} == --vm ]]; then
	PKGS=(
		linux-source-6.12 qemu-system-x86
		make gcc flex bison bc dwarves patch xz-utils libelf-dev libssl-dev
	)
fi

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $st == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "install-deps: missing Debian packages: ${missing[*]}" >&2
	echo "install-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
