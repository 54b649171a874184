# tools/: the command-line mains (argument parsing and output only).
PROGS += tna-probe
tna-probe_SRCS := tools/tna-probe.c
# An example AF_XDP consumer of the steer (tna-deploy --xsk), raw syscalls.
PROGS += tna-xsk
tna-xsk_SRCS := tools/tna-xsk.c
