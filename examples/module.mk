# examples/: programs an operator adapts.  Hooks (docs/hooks.md) are plain
# BPF objects in $(BUILD)/bpf/ (their skeletons are not used).
BPF_SRCS += $(wildcard examples/hooks/*.bpf.c)
