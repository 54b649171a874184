# tests/equiv/: the differential equivalence harness (Python, not built) and
# its test-only broken fast path, used by the self-tests.
BPF_SRCS += tests/equiv/faulty.bpf.c
PROGS += tna-test-faulty
tna-test-faulty_SRCS := tests/equiv/tna-test-faulty.c
EXTRA_HELP += "make check T='test_equiv*'   equivalence harness self-tests (tests/equiv/)"
