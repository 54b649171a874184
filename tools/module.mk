# tools/: the command-line mains (argument parsing and output only).
PROGS += tna-probe
tna-probe_SRCS := tools/tna-probe.c
