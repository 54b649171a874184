# assembler/: graph + capabilities -> a plan per bridge (targets, FPMs, budget).
LIB_SRCS += assembler/plan.c assembler/plan_print.c
