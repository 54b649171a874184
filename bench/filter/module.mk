# bench/filter/: the netfilter modules' cost per packet (BPF_PROG_RUN).
PROGS += tna-nf-cost
tna-nf-cost_SRCS := bench/filter/tna-nf-cost.c
