# kernel/: the test kernel (build.sh, cached outside the clone), the VM runner
# (vm-run.sh) and the selftest of the FDB kfunc of patches/.
BPF_SRCS += kernel/selftest/fdb_kfunc_test.bpf.c
PROGS += tna-fdb-kfunc
tna-fdb-kfunc_SRCS := kernel/selftest/tna-fdb-kfunc.c
$(BUILD)/bpf/fdb_kfunc_test.bpf.o: kernel/fdb_kfunc.h

# The VM tier: tests/vm/vm_*.sh inside the test kernel under qemu.
.PHONY: check-vm kernel deps-vm
deps-vm:
	@scripts/install-deps.sh --vm
kernel: deps-vm
	@kernel/build.sh
check-vm: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/vm/run.sh $(T)
EXTRA_HELP += 'make check-vm    the VM tier alone: build or reuse the test kernel, boot it' \
	      '                 under qemu, run tests/vm/vm_*.sh inside (T=pattern)' \
	      'make kernel      build the test kernel or reuse the cached one; prints its path' \
	      'make deps-vm     install the VM tier packages (linux-source-6.12, qemu, build tools)'

# The bridge's FDB modes (mirror, kfunc) against Linux and the limits,
# measured inside the test kernel (bench/vm_fdb_modes.sh).  One vCPU (the
# bench uses one): with two, the guest once died of an int3 oops in
# bpf_dispatcher_xdp_func, run by the generator while the XDP dispatcher
# was being patched for an attach (TCG, not seen with one vCPU).
.PHONY: bench-vm
bench-vm: deps-vm
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) kernel/vm-run.sh --cpus 1 --log $(BUILD)/bench-vm-console.log -- bench/vm_fdb_modes.sh $(ARGS)
EXTRA_HELP += 'make bench-vm [ARGS=...]  in the test VM: Linux bridge, TNA FDB mirror, FDB kfunc, both limits (ratios)'
