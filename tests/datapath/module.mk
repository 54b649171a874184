# tests/datapath: a foreign XDP program for the "refuse without --force" test.
BPF_SRCS += tests/datapath/xdp_foreign.bpf.c
