# bpf/: the fast-path modules (fpm/*.h) and the pipeline entry programs.
BPF_SRCS += bpf/tna_bridge.bpf.c
# The NIC stage: loaded onto an offloading NIC in front of the pipeline.
BPF_SRCS += bpf/tna_nic.bpf.c
# The same with the FDB kfunc mode compiled in (kernels with kernel/patches).
BPF_SRCS += bpf/tna_bridge_kfunc.bpf.c
