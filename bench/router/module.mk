# bench/router: the router's limit (bare bpf_fib_lookup + redirect) for the
# router rows of `make bench` (configs in bench/configs/*router*, *fib*).
BPF_SRCS += bench/router/bench_fib.bpf.c
PROGS += tna-bench-fib
tna-bench-fib_SRCS := bench/router/tna-bench-fib.c
# the TNA router against that limit per packet inside the kernel (BPF_PROG_RUN)
PROGS += tna-rt-cost
tna-rt-cost_SRCS := bench/router/tna-rt-cost.c
# xdp-forward for the router rows where it is not installed (Debian 12 has
# none): fetched, checked and built into $(BUILD)/xdp-tools, nothing installed
EXTRA_HELP += 'make bench-xdp-tools            build xdp-forward (xdp-tools 1.6.3) into $(BUILD)/xdp-tools for the router rows'
.PHONY: bench-xdp-tools
bench-xdp-tools:
	@BUILD=$(BUILD) bench/router/xdp-tools.sh $(ARGS)
