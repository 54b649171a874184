# targets/: load, attach, replace and detach the fast path (generic, native),
# its counters, and the offload constraint model.
LIB_SRCS += targets/reasons.c targets/load.c targets/attach.c targets/tables.c targets/vlan.c \
            targets/stats.c targets/deadman.c targets/generic/generic.c targets/native/native.c \
            targets/native/xdp_features.c targets/native/veth_gro.c \
            targets/native/veth_peer.c targets/socks.c \
            targets/offload/check.c targets/offload/caps.c \
            targets/offload/scan.c targets/offload/nic.c \
            targets/offload/nic_why.c targets/offload/nic_stats.c \
            targets/offload/dp_nic.c targets/offload/report.c \
            targets/offload/watchdog.c

# Tools of this part (kept here so tools/module.mk stays free for others).
PROGS += tna-stat tna-dp-test
tna-stat_SRCS := tools/tna-stat.c tools/stat_prom.c tools/stat_hooks.c
tna-dp-test_SRCS := tools/tna-dp-test.c tools/sysfs_port.c
LIB_SRCS += targets/share.c targets/kfunc_obj.c

# Root program attached to ports: tail-calls the current pipeline.
BPF_SRCS += targets/tna_root.bpf.c
LIB_SRCS += targets/root.c


# The router: routing-interface table, and its test instrument
LIB_SRCS += targets/router.c
PROGS += tna-rt-test
tna-rt-test_SRCS := tools/tna-rt-test.c tools/rt_filter.c tools/sysfs_port.c

# The compiled netfilter rules, names and conntrack settings of a pipeline.
LIB_SRCS += targets/filter.c

# The operator's hooks, linked into each pipeline.
LIB_SRCS += targets/hooks.c targets/hooks_dp.c targets/xsk.c
