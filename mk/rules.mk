# Turns the lists filled by the module.mk files into rules.

LIB       := $(BUILD)/libtna.a
LIB_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
BPF_OBJS  := $(patsubst %.bpf.c,$(BUILD)/bpf/%.bpf.o,$(notdir $(BPF_SRCS)))
SKELS     := $(patsubst %.bpf.o,%.skel.h,$(BPF_OBJS))
UNIT_TESTS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_TESTS))
PROG_BINS := $(addprefix $(BUILD)/bin/,$(PROGS))
ALL_C_OBJS := $(LIB_OBJS) $(foreach p,$(PROGS),$(patsubst %.c,$(BUILD)/obj/%.o,$($(p)_SRCS))) \
              $(patsubst %.c,$(BUILD)/obj/%.o,$(UNIT_TESTS))
VMLINUX_H := $(BUILD)/vmlinux.h

.PHONY: all check deps help clean bpf tools
.DEFAULT_GOAL := all

all: $(LIB) $(BPF_OBJS) $(SKELS) $(PROG_BINS) $(UNIT_BINS) $(EXTRA_ALL)
bpf: $(BPF_OBJS) $(SKELS)
tools: $(PROG_BINS)

help:
	@echo 'TNA build targets:'
	@echo '  make            build everything into $(BUILD)/ (V=1 for full commands)'
	@echo '  make check      install missing Debian packages, build, run all tests:'
	@echo '                  host tests, then the VM tier (T=name runs exactly that'
	@echo "                  test, T='test_deploy*' a group)"
	@echo '  make demo       build a namespaced topology and show TNA on it'
	@echo '  make bench      benchmark table: Linux, TNA and the bare-XDP limit'
	@echo '  make deps       install missing Debian packages (apt-get, as root)'
	@echo '  make clean      remove $(BUILD)/'
	@$(if $(EXTRA_HELP),printf '  %s\n' $(EXTRA_HELP))

deps:
	@scripts/install-deps.sh

# make check: install what is missing, build, run every test: unit + netns
# on this kernel, then the VM tier in the test kernel (tests/check.sh).
check: deps
	@$(MAKE) --no-print-directory all
	@set -f; BUILD=$(BUILD) tests/check.sh $(T)

clean:
	rm -rf $(BUILD)

$(VMLINUX_H):
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

# BPF objects: one rule per source so sources may live in any folder.
define bpf_rule
$(BUILD)/bpf/$(notdir $(1:.bpf.c=.bpf.o)): $(1) $(VMLINUX_H) $(wildcard bpf/*.h bpf/*/*.h)
	$$(call msg,BPF,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(CLANG) $$(BPF_CFLAGS) -c $$< -o $$@
endef
$(foreach s,$(BPF_SRCS),$(eval $(call bpf_rule,$(s))))

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@.tmp && mv $@.tmp $@

# C objects wait for every skeleton and the version header: simple and
# cheap at this size.
$(BUILD)/obj/%.o: %.c | $(SKELS) $(VERSION_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

define prog_rule
$(BUILD)/bin/$(1): $(patsubst %.c,$(BUILD)/obj/%.o,$($(1)_SRCS)) $(LIB)
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.SECONDARY:

-include $(ALL_C_OBJS:.o=.d)

# The main job: a namespaced topology with TNA on it (scripts/demo.sh).
.PHONY: demo
demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) scripts/demo.sh
