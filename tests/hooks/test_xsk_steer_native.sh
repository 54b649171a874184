#!/bin/bash
# test_xsk_steer with native XDP on the ports (the socket in copy mode).
XSK_TARGET=native exec "$(dirname "$0")/test_xsk_steer.sh"
