#!/bin/bash
# test_hook_verdicts with native XDP on the ports.
HOOK_TARGET=native exec "$(dirname "$0")/test_hook_verdicts.sh"
