# capabilities/: the capabilities manager (probes only, no side effects).
LIB_SRCS += capabilities/target.c capabilities/parse.c capabilities/sysfs.c \
            capabilities/sys.c capabilities/probe.c capabilities/verdict.c \
            capabilities/json.c
# Tests only: the foreign XDP program tests/integration/test_probe.sh attaches.
BPF_SRCS += tests/integration/probe_xdp_pass.bpf.c
