# assembler/: graph + capabilities -> a plan per bridge (targets, FPMs, budget).
LIB_SRCS += assembler/plan.c assembler/fdb_mode.c assembler/nic_plan.c assembler/plan_print.c assembler/input.c assembler/peers.c
LIB_SRCS += assembler/vlan_plan.c
# The router
LIB_SRCS += assembler/router_plan.c assembler/router_input.c
# The plan per port as stages (graph walk: nic, hooks, bridge, router, filter), --dry-run/--status
LIB_SRCS += assembler/stages.c assembler/stages_print.c
# The nftables compiler: ruleset -> filter program for bpf/fpm/filter.h.
LIB_SRCS += assembler/filter_compile.c assembler/filter_terms.c assembler/filter_print.c \
            assembler/filter_verdict.c assembler/filter_graph.c
