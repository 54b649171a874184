# bpf/: the fast-path modules (fpm/*.h) and the pipeline entry programs.
BPF_SRCS += bpf/tna_bridge.bpf.c
