# tests/filter/: the netfilter fast path against Linux; the compiler by hand.
PROGS += tna-nf-compile
tna-nf-compile_SRCS := tests/filter/tna-nf-compile.c
