# hw-tests/: tests that need a special device or kernel (netdevsim in the
# test VM of kernel/, a real NFP), and their instrument.
PROGS += tna-nic-test
tna-nic-test_SRCS := hw-tests/tna-nic-test.c
