# tests/datapath: a foreign XDP program for the "refuse without --force" test,
# and the reference programs of tna-dp-perf.
BPF_SRCS += tests/datapath/xdp_foreign.bpf.c tests/datapath/perf_ref.bpf.c
PROGS += tna-dp-perf
tna-dp-perf_SRCS := tests/datapath/tna-dp-perf.c
# tna_dp__replace timing: one slot update vs one link update per port.
PROGS += tna-swap-time
tna-swap-time_SRCS := tests/datapath/tna-swap-time.c
