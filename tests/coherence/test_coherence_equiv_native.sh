#!/bin/bash
# The coherence equivalence scripts with the native target.
MODE=native exec bash "$(dirname "$0")/test_coherence_equiv.sh"
