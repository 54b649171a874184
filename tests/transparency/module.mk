# tests/transparency/: what Linux drops must not be forwarded by TNA.
# tna-stamp sends and receives stamped UDP streams (sequence number and
# send time in every datagram).
PROGS += tna-stamp
tna-stamp_SRCS := tests/transparency/tna-stamp.c
EXTRA_HELP += 'make check T=transparency   TNA vs plain Linux on what Linux drops (tests/transparency/)'
# A tc classifier that drops everything (tests attach it with tc ... bpf da,
# gact is not built in), and tna-tcx, which attaches the same as a tcx
# program (iproute2 6.1 cannot).
BPF_SRCS += tests/transparency/tc_drop.bpf.c
PROGS += tna-tcx
tna-tcx_SRCS := tests/transparency/tna-tcx.c
