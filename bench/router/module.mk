# bench/router: the router's limit (bare bpf_fib_lookup + redirect) for the
# router rows of `make bench` (configs in bench/configs/*router*, *fib*).
BPF_SRCS += bench/router/bench_fib.bpf.c
PROGS += tna-bench-fib
tna-bench-fib_SRCS := bench/router/tna-bench-fib.c
# the TNA router against that limit per packet inside the kernel (BPF_PROG_RUN)
PROGS += tna-rt-cost
tna-rt-cost_SRCS := bench/router/tna-rt-cost.c
