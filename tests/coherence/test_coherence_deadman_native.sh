#!/bin/bash
# The dead-man switch test with the native target.
MODE=native exec bash "$(dirname "$0")/test_coherence_deadman.sh"
