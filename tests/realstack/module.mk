# tests/realstack: real TCP/UDP stacks through the fast path, and what
# completing their partial checksums costs (a measurement, not a test).
PROGS += tna-csum-perf
tna-csum-perf_SRCS := tests/realstack/tna-csum-perf.c
