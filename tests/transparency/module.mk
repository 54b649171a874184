# tests/transparency/: what Linux drops must not be forwarded by TNA.
# tna-stamp sends and receives stamped UDP streams (sequence number and
# send time in every datagram).
PROGS += tna-stamp
tna-stamp_SRCS := tests/transparency/tna-stamp.c
EXTRA_HELP += 'make check T=transparency   TNA vs plain Linux on what Linux drops (tests/transparency/)'
