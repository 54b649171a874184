# targets/: load, attach, replace and detach the fast path (generic, native),
# its counters, and the offload constraint model.
LIB_SRCS += targets/reasons.c targets/stub.c
