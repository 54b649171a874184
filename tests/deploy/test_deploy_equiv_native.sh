#!/bin/bash
# The bridge equivalence tests with the native target.
MODE=native exec bash "$(dirname "$0")/test_deploy_equiv.sh"
