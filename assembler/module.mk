# assembler/: graph + capabilities -> a plan per bridge (targets, FPMs, budget).
LIB_SRCS += assembler/plan.c assembler/nic_plan.c assembler/plan_print.c assembler/input.c
# The router
LIB_SRCS += assembler/router_plan.c assembler/router_input.c
