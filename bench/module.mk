# bench/: load generator, receiver, the bare-XDP limit and the harness.
LIB_SRCS += bench/frame.c
BPF_SRCS += bench/bench_gen.bpf.c bench/bench_sink.bpf.c bench/bench_redirect.bpf.c \
	bench/bench_fdb_limit.bpf.c
PROGS += tna-gen tna-sink tna-bench-redirect tna-xfer
tna-gen_SRCS := bench/tna-gen.c bench/gen_opts.c
tna-sink_SRCS := bench/tna-sink.c
tna-bench-redirect_SRCS := bench/tna-bench-redirect.c
tna-xfer_SRCS := bench/tna-xfer.c bench/xfer_common.c bench/xfer_udp.c
# the TNA bridge against the bare redirect and the two-lookup limit per frame
# inside the kernel (BPF_PROG_TEST_RUN), module by module
PROGS += tna-br-cost
tna-br-cost_SRCS := bench/tna-br-cost.c bench/br_cost_setup.c tools/sysfs_port.c
EXTRA_HELP += 'make bench ARGS="--full"   options for bench/run.sh: the whole scaling matrix, --runs N, --json F, ...'

.PHONY: bench
bench: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/run.sh $(ARGS)

# Live controller: reconfigurations under load, scale and cost.
EXTRA_HELP += 'make bench-reconfig [ARGS=...]  100 reconfigurations under load: Linux vs TNA lost frames, event->datapath latency'
EXTRA_HELP += 'make bench-reconfig-ab ARGS="--old PATH ..."  the same for two tna-deploy builds, interleaved rounds'
EXTRA_HELP += 'make bench-scale [ARGS=...]     controller scale: 100k FDB sync, RSS, idle CPU, keep-alive, 16/64 ports, 50 bridges'
EXTRA_HELP += 'make bench-restrict [ARGS=...]  how long the fast path forwards after a restrictive change (p50/p99/max)'
EXTRA_HELP += 'make bench-idle [ARGS=...]      CPU and system calls of an idle controller with 1..N bridge ports (--old BIN: before/after)'
.PHONY: bench-reconfig bench-reconfig-ab bench-scale bench-restrict bench-idle
bench-reconfig: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/reconfig.sh $(ARGS)
bench-reconfig-ab: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/reconfig_ab.sh $(ARGS)
bench-scale: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/scale.sh $(ARGS)
bench-restrict: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/restrict.sh $(ARGS)
bench-idle: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/idle.sh $(ARGS)

# Reconfiguration: changes over rtnetlink, stamped without a fork.
PROGS += tna-nlchange
tna-nlchange_SRCS := bench/tna-nlchange.c

# Coherence: event -> port table latency under FDB floods and replans.
PROGS += tna-port-latency
tna-port-latency_SRCS := bench/tna-port-latency.c
EXTRA_HELP += 'make bench-coherence [ARGS=...] port change -> port table latency under FDB floods and replans; dead-man trips'
.PHONY: bench-coherence
bench-coherence: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/coherence.sh $(ARGS)

# A veth peer's `gro off` under a native bridge: datagrams lost per round.
EXTRA_HELP += 'make bench-peer-gro [ARGS=...] a veth peer turns GRO off under a native bridge: UDP datagrams lost vs Linux'
.PHONY: bench-peer-gro
bench-peer-gro: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/peer_gro.sh $(ARGS)
