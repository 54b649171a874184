# Test helper: an incrementally watched model vs. a fresh dump.
PROGS += tna-model-check
tna-model-check_SRCS := tests/introspect/tna-model-check.c
